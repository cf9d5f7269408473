"""Generated demo mail of a fictional exporter, for ``leadlens demo`` and benchmarks."""

from app.demo.generator import DemoCorpus, DemoCustomer, generate, write_mboxes

__all__ = ["DemoCorpus", "DemoCustomer", "generate", "write_mboxes"]
