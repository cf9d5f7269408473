"""API writes from a thread while the service is killed and restarted: outcomes set on a
few customers (each written many times, so that a lost write would show), and mailboxes
patched with their own settings again (a password check and a sync request each, a write
that changes nothing). Every write acknowledged (2xx) must be in the store at the end,
unless a later one to the same customer, acknowledged or cut off, replaced it."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Customer
from tests.servers.dovecot import Account

Written = tuple[str, datetime]
"""An outcome set: its value and its date."""
_OUTCOMES = ("won", "lost", "open")
_DAY = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Writer:
    """Writes through the API at ``base`` with admin ``headers`` until stopped, on the
    first ``customers`` customers the API lists and on the ``mailboxes`` (id → account)."""

    base: str
    headers: dict[str, str]
    mailboxes: dict[str, Account]
    own_domain: str
    rng: random.Random
    customers: int = 30
    sent: int = 0
    acknowledged: int = 0
    in_flight: threading.Event = field(default_factory=threading.Event)
    _attempts: dict[str, list[tuple[Written, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _ids: list[str] = field(default_factory=list)

    def start(self) -> None:
        """Start writing in a thread."""
        self._thread = threading.Thread(target=self._run, name="api-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the write in flight."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(120)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            while not self._stop.is_set():
                if len(self._ids) < self.customers and self.rng.random() < 0.1:
                    self._list(client)  # more customers come with each wave
                if not self._ids:
                    self._stop.wait(0.2)
                elif self.rng.random() < 0.8:
                    self._outcome(client)
                else:
                    self._patch(client)
                self._stop.wait(self.rng.uniform(0.0, 0.3))

    def anchor(self, each: int = 5) -> None:
        """After :meth:`stop`: set ``each`` of the customers written to won and as many lost
        (acknowledged writes like the others), so that the final outcomes can always be
        trained on. Otherwise a store whose last outcomes are too few keeps the model of
        earlier ones, which depends on when retraining happened to run."""
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            self._list(client)
            chosen = sorted(self._ids)[: 2 * each]
            assert len(chosen) == 2 * each, f"only {len(self._ids)} customers to write to"
            for n, customer in enumerate(chosen):
                written = ("won" if n < each else "lost", _DAY)
                body = {"outcome": written[0], "at": written[1].isoformat()}
                assert self._send(client, "PUT", f"/v1/customers/{customer}/outcome", body)
                self._attempts[customer].append((written, True))

    def _list(self, client: httpx.Client) -> None:
        try:
            answer = client.get("/v1/customers", params={"limit": self.customers})
        except httpx.TransportError:  # the service is down: it comes back
            return
        if answer.is_success:
            self._ids = [item["id"] for item in answer.json()["items"]]

    def _send(self, client: httpx.Client, method: str, path: str, body: object) -> bool:
        """One write; whether it was acknowledged."""
        self.in_flight.set()
        self.sent += 1
        try:
            answer = client.request(method, path, json=body)
        except httpx.TransportError:
            return False
        finally:
            self.in_flight.clear()
        assert answer.status_code < 500, f"{method} {path}: {answer.status_code} {answer.text}"
        self.acknowledged += answer.is_success
        return answer.is_success

    def _outcome(self, client: httpx.Client) -> None:
        customer = self.rng.choice(self._ids)
        written = (self.rng.choice(_OUTCOMES), _DAY + timedelta(days=self.rng.randrange(300)))
        body = {"outcome": written[0], "at": written[1].isoformat()}
        done = self._send(client, "PUT", f"/v1/customers/{customer}/outcome", body)
        self._attempts[customer].append((written, done))

    def _patch(self, client: httpx.Client) -> None:
        mailbox, account = self.rng.choice(sorted(self.mailboxes.items()))
        change = self.rng.choice(
            [{"own_domains": [self.own_domain]}, {"password": account.password}]
        )
        self._send(client, "PATCH", f"/v1/mailboxes/{mailbox}", change)

    def lost(self, sessions: sessionmaker[Session]) -> list[str]:
        """The customers whose stored outcome is not one their writes allow: the last
        acknowledged one, or one sent after it whose answer was cut off by a kill."""
        lost = []
        with sessions() as session:
            for customer_id, attempts in self._attempts.items():
                row = session.get_one(Customer, customer_id)
                acked = [n for n, (_, done) in enumerate(attempts) if done]
                if not acked:
                    continue
                allowed = {written for written, _ in attempts[acked[-1] :]}
                if row.outcome_source != "api" or (row.outcome, row.outcome_at) not in allowed:
                    lost.append(customer_id)
        return lost
