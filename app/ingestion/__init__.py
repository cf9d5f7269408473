"""Storing parsed mail: dedupe, quarantine, identity, threads (wires `ingest` to the store)."""
