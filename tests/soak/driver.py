"""The soak's run: kill the service at random moments of each phase, restart it, let it
finish, then build the same mail once more without kills and compare.

Kills are aimed: targets go round the phases in a seeded random order; before each, the
driver makes its phase happen if it is not under way (a wave of new mail for a fetch, a
commit or enrichment; a new UIDVALIDITY for a folder on dovecot for a UIDVALIDITY reset,
and for a fetch or commit once the waves left are those kept for enrichment — one for each
enrichment kill still to come, and one spare, since enrichment can be over before it is
seen; a rebuild requested
through the API for clustering and profile refresh), waits until
:class:`~tests.soak.phases.Observer` sees it, waits a random time within it, and kills if
it is still under way. An open write transaction and an API write in flight are instants:
the driver polls for them alone and kills at once. The phases a kill counts in are told
right after it, from the store as the dead process left it (what was behind, waiting or
due at the instant of the kill), with the one aimed at.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.pipeline_state import (
    REBUILD_REQUESTED,
    TOPICS_VERSION,
    PipelineStateRepository,
)
from app.db.tables import Customer
from tests.soak.checks import enriched, integrity, stored
from tests.soak.mail import Waves
from tests.soak.phases import (
    API_WRITES,
    CLUSTERING,
    COMMIT,
    ENRICHMENT,
    FETCH,
    PHASES,
    PROFILES,
    UIDVALIDITY,
    Observer,
)
from tests.soak.services import Service
from tests.soak.writer import Writer

SPANS = {FETCH: 0.3, ENRICHMENT: 0.5, CLUSTERING: 3.0, PROFILES: 1.0, UIDVALIDITY: 0.05}
"""The first guess of how long (seconds) each phase lasts once seen: a kill comes at a
random time within it. The guess learns: it shrinks to the wait that outlasted the phase,
and grows by half when the phase outlasted the wait."""


@dataclass(frozen=True)
class Kill:
    """One kill: the phase aimed at, the phases seen right before it, what was killed, the
    messages stored after it, SQLite's integrity check then, and the processes of the
    killed one that were left behind."""

    target: str
    phases: frozenset[str]
    victim: str
    stored: int
    integrity: str
    left: int


@dataclass
class Soak:
    """A soak on one store: the service (started by :meth:`run`), what watches it, the
    mail, the API writer, and the random source of every choice."""

    service: Service
    observer: Observer
    waves: Waves
    writer: Writer
    admin: dict[str, str]
    rng: random.Random
    patience: float
    kills: list[Kill] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    spans: dict[str, float] = field(default_factory=lambda: dict(SPANS))
    plan: list[str] = field(default_factory=list)
    """The targets of the kills still to come, in order (drawn round by round)."""

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on the soak's store."""
        return self.observer.sessions

    def _append(self) -> None:
        self.waves.append_next()
        self.observer.server = self.waves.positions()

    def _reset_uidvalidity(self) -> None:
        """Give the fullest folder a new UIDVALIDITY."""
        folder = self.waves.fullest()
        position = self.waves.reset_uidvalidity(*folder)
        self.observer.reset[folder] = self.observer.server[folder] = position

    def _request_rebuild(self) -> None:
        with self.sessions() as session:
            state = PipelineStateRepository(session)
            if state.state(REBUILD_REQUESTED) is not None:
                return
            self.observer.requested = state.state(TOPICS_VERSION)
        self.service.call("POST", "/v1/rebuild", self.admin)

    def _trigger(self, target: str) -> bool:
        """Make ``target`` happen if it is not under way; False when it cannot any more."""
        seen = self.observer.now()
        if target in seen:
            return True
        if target in (FETCH, COMMIT) and FETCH not in seen:
            if self.waves.left > self.plan.count(ENRICHMENT) + 1:  # the rest: for enrichment
                self._append()
            else:
                self._reset_uidvalidity()
        elif target == UIDVALIDITY:
            self._reset_uidvalidity()
        elif target == ENRICHMENT:
            with self.sessions() as session:
                pending = EnrichmentRepository(session).pending_count()
            if not pending and not self.waves.left:
                return False
            if not pending:
                self._append()
        elif target in (CLUSTERING, PROFILES):
            self._request_rebuild()
        return True

    def _under_way(self, target: str) -> bool:
        """Whether ``target`` is under way now, asked as cheaply as it can be."""
        if target == API_WRITES:
            return self.writer.in_flight.is_set()
        if target == COMMIT:
            return self.observer.writing_store() and bool(self.observer.behind())
        if target == FETCH:
            return bool(self.observer.behind())
        if target == UIDVALIDITY:
            return self.observer.resyncing()
        return target in self.observer.pipeline()

    def _aim(self, target: str) -> bool:
        """Wait until ``target`` is under way, then a random time within its span (none for
        an open write transaction or a write in flight: instants); True when it still is then,
        False when it cannot happen any more. A phase missed (over before the wait ended) is
        made to happen again every 5 s."""
        deadline = time.monotonic() + self.patience
        again = time.monotonic() + 5
        while True:
            assert time.monotonic() < deadline, f"{target} never came\n{self.service.tail()}"
            if time.monotonic() > again:
                again = time.monotonic() + 5
                if not self._trigger(target):
                    return False
            if self._under_way(target):
                span = self.spans.get(target, 0.0)
                if not span:
                    return True
                delay = self.rng.uniform(0.0, span)
                time.sleep(delay)
                if self._under_way(target):
                    self.spans[target] = min(span * 1.5, 120.0)
                    return True
                self.spans[target] = delay  # it was over sooner: aim within less
            if target in (FETCH, UIDVALIDITY):
                time.sleep(0.005)
            elif target not in (COMMIT, API_WRITES):
                time.sleep(0.1)

    def _kill(self, target: str) -> None:
        """Kill now; the phases are told after the kill (from the store, as the killed
        process left it) with the one aimed at, which was under way right before it."""
        victim = self.service.victim(self.rng)
        left = self.service.kill(victim)
        phases = frozenset(self.observer.now() | {target})
        counts = stored(self.sessions)
        repeated = {name: [s for s, n in c.items() if n > 1] for name, c in counts.items()}
        assert not any(repeated.values()), f"a kill left duplicates: {repeated}"
        check = integrity(self.observer.database_url)
        assert check in ("ok", "n/a"), f"integrity after a kill: {check}"
        total = sum(c.total() for c in counts.values())
        self.kills.append(Kill(target, phases, victim, total, check, len(left)))

    def run(self, kills: int) -> None:
        """The first wave, the service and the writer started, then ``kills`` kills aimed
        at the phases in turn, the service restarted after each."""
        self._append()
        self.service.start()
        self.writer.start()
        while len(self.kills) < kills:
            while len(self.plan) < kills - len(self.kills):
                self.plan += self.rng.sample(PHASES, len(PHASES))
            del self.plan[kills - len(self.kills) :]
            target = self.plan.pop(0)
            if not (self._trigger(target) and self._aim(target)):
                self.skipped[target] += 1
                continue
            self._kill(target)
            self.service.start()

    def finish(self) -> dict[str, Any]:
        """Stop writing (ending with outcomes enough to train on), put the rest of the mail
        on the server, wait until everything is stored and settled, rebuild, and wait
        again; the final status."""
        self.writer.stop()
        self.writer.anchor()
        while self.waves.left:
            self._append()
        return converge(self.service, self.observer, self.admin, self.patience)


def settled(service: Service, admin: dict[str, str], seconds: float) -> dict[str, Any]:
    """Wait for ``settled`` in ``GET /v1/status``; the status."""

    def check() -> dict[str, Any] | None:
        status: dict[str, Any] = service.call("GET", "/v1/status", admin)
        return status if status["settled"] else None

    found: dict[str, Any] = service.wait("settled", check, seconds)
    return found


def converge(
    service: Service, observer: Observer, admin: dict[str, str], seconds: float
) -> dict[str, Any]:
    """Wait until every folder is stored as the server has it and the pipeline settled,
    then rebuild (topics fitted once over all the mail, the lookalike retrained) and wait
    for that too; the final status."""
    service.wait("every folder stored", lambda: not observer.behind(), seconds)
    before = settled(service, admin, seconds)
    service.call("POST", "/v1/rebuild", admin)

    def rebuilt() -> dict[str, Any] | None:
        status = settled(service, admin, seconds)
        return status if status["topics_version"] != before["topics_version"] else None

    found: dict[str, Any] = service.wait("the rebuild", rebuilt, seconds)
    return found


def clean_run(
    service: Service,
    observer: Observer,
    admin: dict[str, str],
    outcomes: dict[str, tuple[str, str]],
    seconds: float,
) -> dict[str, Any]:
    """Build the same mail without kills: sync and settle, set the same outcomes through the
    API (``outcomes``: by customer key, value and date), converge; the final status."""
    service.start()
    service.wait("every folder stored", lambda: not observer.behind(), seconds)
    settled(service, admin, seconds)
    with observer.sessions() as session:
        ids = dict(session.execute(select(Customer.key, Customer.id)).all())
    for key, (value, at) in sorted(outcomes.items()):
        body = {"outcome": value, "at": at}
        service.call("PUT", f"/v1/customers/{ids[key]}/outcome", admin, json=body)
    return converge(service, observer, admin, seconds)


def per_phase(kills: list[Kill]) -> Counter[str]:
    """How many kills came in each phase (a kill may count in several)."""
    return Counter(phase for kill in kills for phase in kill.phases)


def differing(soak: sessionmaker[Session], clean: sessionmaker[Session]) -> int:
    """Messages whose embedding or trait rows differ between the two stores (or that only
    one of them enriched)."""
    a, b = enriched(soak), enriched(clean)
    keys = set(a.vectors) | set(b.vectors) | set(a.traits) | set(b.traits)
    return sum(
        a.vectors.get(k) != b.vectors.get(k) or a.traits.get(k) != b.traits.get(k) for k in keys
    )
