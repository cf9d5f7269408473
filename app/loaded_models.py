"""The models one process works with, loaded once and shared by its API and its background
work: the sentence model and the lookalike model in force."""

from __future__ import annotations

import logging
import threading

from app.profiles.lookalike import ModelCache
from app.settings import Settings
from models.embedder import Embedder, load_embedder

log = logging.getLogger("leadlens.models")


class LoadedModels:
    """The sentence model, loaded on first use (offline, from the configured place), and
    ``lookalike``, the lookalike model in force (read again when a newer one is stored).

    One per process, safe to share between threads: `leadlens serve` gives the same one to
    its API and its enrichment runner, a worker to all its tasks."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        """``embedder``: a sentence model loaded already (default: load the one
        ``settings`` name on first use)."""
        self.settings = settings
        self._embedder = embedder
        self._load_lock = threading.Lock()
        self.lookalike = ModelCache()

    def embedder(self) -> Embedder:
        """The sentence model; the first call loads it, the others wait for it."""
        with self._load_lock:
            if self._embedder is None:
                self._embedder = load_embedder(
                    self.settings.embedding_model_dir,
                    backend=self.settings.embedding_backend,
                    device=self.settings.embedding_device,
                    threads=self.settings.embedding_threads,
                )
                log.info("sentence model loaded: %s", self._embedder.version)
            return self._embedder
