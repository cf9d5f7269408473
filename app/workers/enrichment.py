"""The in-process enrichment runner: enriches new mail in the background, keeps profiles
and the lookalike model up to date.

Inside `leadlens serve` it runs as one thread: after each sync (or every
``enrich_poll_seconds``) it enriches what is pending, re-clusters topics when there are
none yet or the corpus has doubled, rebuilds the stale profiles, retrains the lookalike
model once outcomes have changed and stayed unchanged for ``lookalike_debounce_seconds``
(the first model at once),
and serves `POST /v1/rebuild`. Its models (:class:`~app.loaded_models.LoadedModels`) are
the ones the API of the same process answers with.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from app.enrichment.service import enrich_pending
from app.loaded_models import LoadedModels
from app.metrics import Metrics
from app.pipeline import cluster_profile_score
from app.profiles.lookalike import outcomes_digest_now
from app.settings import Settings

log = logging.getLogger("leadlens.enrich")


class EnrichmentRunner:
    """The background enrichment thread of `leadlens serve` (and the one-off passes of the
    CLI): it enriches, clusters, profiles and scores with ``models``."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        models: LoadedModels | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """``models``: the models of this process, shared with its API (default: new ones,
        loaded on first use); ``metrics``: where task durations go (default: a new one)."""
        self.metrics = metrics or Metrics()
        self.settings = settings
        self.sessions = sessions
        self.models = models or LoadedModels(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._rebuild = threading.Event()
        self._thread: threading.Thread | None = None
        self._changed_since: float | None = None
        self._tried_digest: str | None = None

    def enrich_now(self, stop: threading.Event | None = None) -> int:
        """Enrich everything pending, re-cluster if due, rebuild stale profiles, retrain the
        lookalike if due (always after a requested rebuild, which is then marked done in the
        store, see :func:`app.pipeline.rebuild_done`); returns messages enriched. Once
        ``stop`` is set it returns after the enrichment batch in flight."""
        done = enrich_pending(
            self.sessions,
            self.models.embedder(),
            self.settings.enrich_batch_size,
            metrics=self.metrics,
            stop=stop,
        )
        if stop is not None and stop.is_set():
            return done
        rebuild = self._rebuild.is_set()
        self._rebuild.clear()
        cluster_profile_score(
            self.sessions,
            self.models.lookalike,
            self.settings,
            rebuild=rebuild,
            retrain_due=self._retrain_due,
            metrics=self.metrics,
        )
        return done

    def _retrain_due(self) -> bool:
        """Outcomes changed since the model in force, then held still for the debounce time;
        at once when no model is in force yet, as after the first sync of a new store (the
        debounce spares a model retraining for every write of a burst; without one, every
        score waits for it). A digest that could not be trained on is not tried again until
        it changes."""
        with self.sessions() as session:
            current, trained = outcomes_digest_now(session)
        if current in (trained, self._tried_digest):
            self._changed_since = None
            return False
        now = time.monotonic()
        if self._changed_since is None:
            self._changed_since = now
        waited = now - self._changed_since
        if trained is not None and waited < self.settings.lookalike_debounce_seconds:
            return False
        self._changed_since = None
        self._tried_digest = current
        return True

    def wake(self) -> None:
        """New mail was stored: enrich it soon."""
        self._wake.set()

    def request_rebuild(self) -> None:
        """Re-cluster topics soon, in the background thread or a one-off one (returns at once)."""
        self._rebuild.set()
        self._wake.set()
        if self._thread is None:
            threading.Thread(target=self._run_once, name="rebuild", daemon=True).start()

    def _run_once(self) -> None:
        try:
            self.enrich_now()
        except Exception:
            log.exception("rebuild failed")
            self.metrics.task_failed("refresh")

    def start(self) -> None:
        """Start the background thread."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="enrich", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.enrich_now(self._stop)
            except Exception:
                log.exception("enrichment failed; retrying later")
                self.metrics.task_failed("enrich_pending")
            self._wake.wait(self.settings.enrich_poll_seconds)
            self._wake.clear()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the background thread after the enrichment batch in flight (or the
        clustering, profiling or training in flight), waiting up to ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
