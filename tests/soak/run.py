"""A whole soak: the demo generator's mail on dovecot in waves, the service on one store
killed again and again (see :mod:`tests.soak.driver`), then the same mail built on a
second store by the embedded service without kills, and the figures that compare them
with the server and with each other."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.db.tables import Customer
from app.demo import DemoCorpus
from app.settings import Settings
from tests.servers.dovecot import Account, DovecotServer
from tests.soak.checks import (
    ContentKey,
    Keywords,
    built,
    integrity,
    item_vectors,
    scored,
    stored,
    unenriched,
)
from tests.soak.driver import Kill, Soak, clean_run, differing
from tests.soak.mail import Waves
from tests.soak.phases import Observer
from tests.soak.services import Service
from tests.soak.writer import Writer
from tests.sync.conftest import add_mailbox, server_hashes
from tests.workers.support import SECRET, worker_environment


@dataclass
class Figures:
    """What a soak did and found. ``lost`` and ``duplicated``: messages the server has and
    the store has not, and the other way round; ``unenriched``: messages without their
    enrichment or embedding; ``enrichment_differs``: messages enriched otherwise than in
    the clean run; ``items_differ``: messages whose item-line embedding differs from the
    clean run's (or that only one of them has), which topic fitting reads; ``equal``: each
    part of what was built, equal to the clean run's or not; ``writes``: API writes sent,
    acknowledged, and acknowledged but lost."""

    kills: list[Kill]
    skipped: Counter[str]
    messages: int
    stored: int
    lost: int
    duplicated: int
    unenriched: int
    enrichment_differs: int
    items_differ: int
    equal: dict[str, bool]
    writes: tuple[int, int, int]
    integrity: str
    stop_status: int
    left_after_stop: int
    seconds: float
    clean_seconds: float
    differences: list[str] = field(default_factory=list)


def settings_of(url: str, redis_url: str | None = None) -> dict[str, str]:
    """The LEADLENS_* settings of the service on ``url``: small batches (kills fall
    between and inside many of them), folders re-checked every 3 s (new waves in Sent),
    outcomes retrained on 1 s after they stop changing; with ``redis_url``, workers'
    settings as docker-compose.yml gives them, scaled down as the worker tests do."""
    if redis_url is not None:
        return worker_environment(
            url,
            redis_url,
            sync_batch_size="50",
            enrich_batch_size="32",
            broker_visibility_timeout="20",
            lock_seconds="3",
            sync_poll_seconds="3",
        )
    return {
        "LEADLENS_DATABASE_URL": url,
        "LEADLENS_SECRET_KEY": SECRET,
        "LEADLENS_SYNC_BATCH_SIZE": "50",
        "LEADLENS_ENRICH_BATCH_SIZE": "32",
        "LEADLENS_SYNC_POLL_SECONDS": "3",
        "LEADLENS_LOOKALIKE_DEBOUNCE_SECONDS": "1",
    }


@dataclass
class Store:
    """A migrated store with one mailbox per account and an admin key."""

    url: str
    sessions: sessionmaker[Session]
    mailboxes: dict[str, Account]
    admin: dict[str, str]

    @classmethod
    def prepare(cls, url: str, waves: Waves) -> Store:
        """Add the mailboxes of ``waves``' accounts to the store at ``url`` (migrated)."""
        sessions = session_factory(create_db_engine(url))
        settings = Settings(database_url=url, secret_key=SecretStr(SECRET))
        own = [waves.corpus.own_domain]
        mailboxes = {
            add_mailbox(sessions, settings, waves.server, account, own_domains=own): account
            for account in waves.accounts
        }
        with sessions.begin() as session:
            _, key = create_api_key(session, "admin", "soak")
        return cls(url, sessions, mailboxes, {"Authorization": f"Bearer {key}"})

    def observer(self, service: Service, writer: Writer | None, waves: Waves) -> Observer:
        """An observer of this store and of ``service``."""
        return Observer(
            self.sessions,
            self.url,
            loaded=service.loaded,
            writing=writer.in_flight.is_set if writer else lambda: False,
            server=waves.positions(),
        )


def soak(
    server: DovecotServer,
    corpus: DemoCorpus,
    urls: tuple[str, str],
    logs: Path,
    *,
    kills: int,
    waves: int,
    seed: int,
    patience: float,
    redis_url: str | None = None,
    workers: int = 0,
) -> Figures:
    """Soak the service on ``urls[0]`` (``workers`` > 0: that many workers on
    ``redis_url``, worker kills) with ``kills`` kills while ``corpus`` arrives in
    ``waves`` waves, then build it again on ``urls[1]`` (embedded, no kills); the figures.
    ``patience``: the hang guard of each wait, in seconds."""
    rng = random.Random(seed)
    mail = Waves(server, corpus, waves)
    store = Store.prepare(urls[0], mail)
    service = Service(settings_of(urls[0], redis_url), logs / "soak", workers)
    writer = Writer(service.base, store.admin, store.mailboxes, corpus.own_domain, rng)
    started = time.monotonic()
    try:
        run = Soak(service, store.observer(service, writer, mail), mail, writer,
                   store.admin, rng, patience)  # fmt: skip
        run.run(kills)
        run.finish()
        stop_status, left = service.stop()
    finally:
        service.close()
    seconds = time.monotonic() - started

    clean = Store.prepare(urls[1], mail)
    quiet = Service(settings_of(urls[1]), logs / "clean")
    with store.sessions() as session:
        written = session.execute(
            select(Customer.key, Customer.outcome, Customer.outcome_at).where(
                Customer.outcome_source == "api"
            )
        )
        outcomes = {key: (value, at.isoformat()) for key, value, at in written}
    started = time.monotonic()
    try:
        clean_run(quiet, clean.observer(quiet, None, mail), clean.admin, outcomes, patience)
        quiet.stop()
    finally:
        quiet.close()
    return _figures(run, store, clean, seconds, time.monotonic() - started, stop_status, left)


def _rounded(members: dict[ContentKey, tuple[Keywords | None, float]]) -> dict[Any, Any]:
    """Each message's topic, its confidence to 6 decimals: a prefork worker fits on fewer
    threads than the embedded service, which moves the 9th."""
    return {key: (topic, round(confidence, 6)) for key, (topic, confidence) in members.items()}


def _differing(part: str, soaked: Any, clean: Any) -> list[str]:
    """Up to three lines on how ``part`` of the two stores differs (none when equal)."""
    if soaked == clean:
        return []
    if not (isinstance(soaked, dict) and isinstance(clean, dict)):
        return [f"{part}: {soaked!r:.300} (soak) != {clean!r:.300} (clean)"]
    keys = sorted(k for k in soaked.keys() | clean.keys() if soaked.get(k) != clean.get(k))
    return [f"{part} {k}: {soaked.get(k)!r} (soak) != {clean.get(k)!r} (clean)" for k in keys][:3]


def _items_differing(soak: sessionmaker[Session], clean: sessionmaker[Session]) -> int:
    a, b = item_vectors(soak), item_vectors(clean)
    return sum(a.get(key) != b.get(key) for key in a.keys() | b.keys())


def _figures(
    run: Soak,
    store: Store,
    clean: Store,
    seconds: float,
    clean_seconds: float,
    stop_status: int,
    left: dict[int, str],
) -> Figures:
    mail = run.waves
    server = {
        f"{account.username}@{mail.server.host}": Counter(
            server_hashes(mail.server, account.username)
        )
        for account in mail.accounts
    }
    found = stored(store.sessions)
    lost = sum((server[name] - found.get(name, Counter())).total() for name in server)
    extra = sum((found[name] - server.get(name, Counter())).total() for name in found)
    soaked, again = built(store.sessions), built(clean.sessions)
    scores, clean_scores = scored(store.sessions), scored(clean.sessions)
    parts: dict[str, tuple[Any, Any]] = {
        "messages": (found, stored(clean.sessions)),
        "customers": (soaked.customers, again.customers),
        "stages": (soaked.stages, again.stages),
        "traits": (soaked.traits, again.traits),
        "topics": ((soaked.topics, soaked.fit_size), (again.topics, again.fit_size)),
        "topic members": (_rounded(soaked.members), _rounded(again.members)),
        "interests": (soaked.interests, again.interests),
        "outcomes": (scores.outcomes, clean_scores.outcomes),
        "lookalike scores": (scores.scores, clean_scores.scores),
    }
    equal = {part: a == b for part, (a, b) in parts.items()}
    differences = [line for part, (a, b) in parts.items() for line in _differing(part, a, b)]
    return Figures(
        kills=run.kills,
        skipped=run.skipped,
        messages=sum(c.total() for c in server.values()),
        stored=sum(c.total() for c in found.values()),
        lost=lost,
        duplicated=extra,
        unenriched=unenriched(store.sessions),
        enrichment_differs=differing(store.sessions, clean.sessions),
        items_differ=_items_differing(store.sessions, clean.sessions),
        equal=equal,
        writes=(run.writer.sent, run.writer.acknowledged, len(run.writer.lost(store.sessions))),
        integrity=integrity(store.url),
        stop_status=stop_status,
        left_after_stop=len(left),
        seconds=seconds,
        clean_seconds=clean_seconds,
        differences=differences,
    )
