"""Webhooks over a real sync: a 3-mailbox account of demo mail, synced from dovecot in
rounds (as mail arrives over weeks), each round enriched and profiled, with an endpoint
subscribed to every event type and a receiver that refuses its first POSTs.

Usage: python bench/webhooks.py [--mailboxes 3] [--customers 40] [--rounds 3]
                                [--fail-first 25] [--backend torch|onnx-int8]

The demo corpus of ``--customers`` customers (``app.demo.generate``, seed 7) is split over
its reps' mailboxes; the first ``--mailboxes`` are served by a throwaway dovecot, their mail
appended oldest first in ``--rounds`` equal parts (inbound in INBOX, the reps' own in Sent).
After each part: `SyncRunner.run_once`, then `EnrichmentRunner.enrich_now` (enrichment,
topics, profiles, lookalike), as `leadlens serve` does in its background threads, while the
in-process `WebhookSender` delivers to a local receiver (tests/servers/receiver.py).

Checks, then prints: exactly one `customer.created` per profiled customer; replaying each
customer's events (the stage in `customer.created`, then each `customer.stage_changed`)
ends at the stage its profile shows, and likewise for outcomes; every event reached the
receiver exactly once after dedup by `webhook-id`, in order per customer. Figures: events
by type, deliveries, attempts, retries, POSTs received, duplicates.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from app.api.webhooks.schemas import WebhookCreate
from app.api.webhooks.service import create_webhook
from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from app.db.tables import Customer, WebhookDelivery
from app.demo import generate
from app.demo.imap_server import find_dovecot
from app.secret_box import SecretBox
from app.settings import Settings
from app.webhooks.events import EVENT_TYPES
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from app.workers.webhooks import WebhookSender
from bench.scale import add_mailboxes
from tests.servers.dovecot import DovecotServer
from tests.servers.receiver import WebhookReceiver

SECRET = "bench-webhooks-secret"
_HEADERS = BytesHeaderParser()


def split_mail(
    customers: int, mailboxes: int, rounds: int
) -> tuple[str, list[list[dict[str, list[bytes]]]]]:
    """The exporter's domain, and for each round, for each mailbox, its mail by folder."""
    corpus = generate(customers, seed=7)
    reps = list(corpus.reps)[:mailboxes]
    parts: list[list[dict[str, list[bytes]]]] = [[] for _ in range(rounds)]
    for rep in reps:
        mail = corpus.mail[rep]
        size = -(-len(mail) // rounds)
        for r in range(rounds):
            folders: dict[str, list[bytes]] = {"INBOX": [], "Sent": []}
            for raw in mail[r * size : (r + 1) * size]:
                sender = parseaddr(str(_HEADERS.parsebytes(raw)["From"]))[1]
                folders["Sent" if sender.endswith(f"@{corpus.own_domain}") else "INBOX"].append(raw)
            parts[r].append(folders)
    return corpus.own_domain, parts


def pending(sessions: sessionmaker[Session]) -> int:
    """Deliveries not yet delivered or failed."""
    with sessions() as session:
        query = select(func.count()).where(WebhookDelivery.status == "pending")
        return session.scalar(query) or 0


def check(sessions: sessionmaker[Session], receiver: WebhookReceiver) -> dict[str, Any]:
    """Check that every POST verified on arrival, replay each customer's events against
    the stored profiles, and return the figures; exits with a message on any mismatch."""
    events = [item.verified for item in receiver.deduplicated() if item.verified is not None]
    if any(item.verified is None for item in receiver.received):
        sys.exit("a POST did not verify with standardwebhooks")
    types = Counter(e["type"] for e in events)
    created: Counter[str] = Counter()
    stage: dict[str, str] = {}
    outcome: dict[str, str] = {}
    order_ok = True
    last_seen: dict[str, datetime] = defaultdict(lambda: datetime.min.replace(tzinfo=UTC))
    for event in events:
        data = event["data"]
        if "customer" not in data:
            continue
        customer = data["customer"]["id"]
        moment = datetime.fromisoformat(event["timestamp"])
        order_ok &= moment >= last_seen[customer]
        last_seen[customer] = moment
        if event["type"] == "customer.created":
            created[customer] += 1
            stage[customer], outcome[customer] = (
                data["customer"]["stage"],
                data["customer"]["outcome"],
            )
        elif event["type"] == "customer.stage_changed":
            stage[customer] = data["changes"]["stage"]["after"]
        elif event["type"] == "customer.outcome_changed":
            outcome[customer] = data["changes"]["outcome"]["after"]
    with sessions() as session:
        profiled = {
            c.id: (c.stage, c.outcome)
            for c in session.scalars(select(Customer).where(Customer.profiled_at.is_not(None)))
        }
        deliveries = session.scalars(select(WebhookDelivery)).all()
    problems = []
    if set(created) != set(profiled) or any(n != 1 for n in created.values()):
        problems.append(
            f"customer.created: {len(created)} customers, {sum(created.values())} events; "
            f"{len(profiled)} profiled"
        )
    wrong_stage = [c for c, (s, _) in profiled.items() if stage.get(c) != s]
    wrong_outcome = [c for c, (_, o) in profiled.items() if outcome.get(c) != o]
    if wrong_stage or wrong_outcome:
        problems.append(
            f"replayed events disagree with profiles: stage {wrong_stage[:5]}, "
            f"outcome {wrong_outcome[:5]}"
        )
    if not order_ok:
        problems.append("a customer's events arrived out of order")
    if len(events) != len(deliveries) or any(d.status != "delivered" for d in deliveries):
        problems.append(f"{len(events)} events received once, {len(deliveries)} deliveries")
    if problems:
        sys.exit("; ".join(problems))
    attempts = sum(d.attempts for d in deliveries)
    return {
        "customers profiled": len(profiled),
        "events": len(events),
        **{f"  {t}": types.get(t, 0) for t in EVENT_TYPES},
        "deliveries": len(deliveries),
        "attempts": attempts,
        "retries": attempts - len(deliveries),
        "deliveries retried": sum(d.attempts > 1 for d in deliveries),
        "POSTs received": len(receiver.received),
        "duplicates dropped by webhook-id": len(receiver.accepted()) - len(events),
        "customers by stage": dict(Counter(s for s, _ in profiled.values())),
    }


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Seed, sync and profile round by round with webhooks on; the figures."""
    binary = find_dovecot()
    if binary is None:
        sys.exit("needs dovecot (apt-get install dovecot-imapd)")
    backend: Literal["torch", "onnx-int8"] = args.backend
    settings = Settings(
        database_url=f"sqlite:///{folder / 'bench.db'}",
        secret_key=SecretStr(SECRET),
        embedding_backend=backend,
        parse_workers=0,
        webhook_send_interval_seconds=0.2,
        webhook_retry_schedule=[0.2, 0.5, 1, 2, 5, 10],
        _env_file=None,  # type: ignore[call-arg]
    )
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    secrets = SecretBox.from_settings(settings)
    own, parts = split_mail(args.customers, args.mailboxes, args.rounds)
    receiver = WebhookReceiver()
    receiver.fail_first(args.fail_first)
    dovecot = DovecotServer(binary)
    sender = WebhookSender(settings, sessions, secrets)
    try:
        dovecot.start()
        accounts = [dovecot.new_account() for _ in range(args.mailboxes)]
        add_mailboxes(sessions, secrets, dovecot, accounts, own)
        with sessions.begin() as session:
            body = WebhookCreate(url=receiver.url, events=list(EVENT_TYPES))  # type: ignore[arg-type]
            secret = create_webhook(session, secrets, body).secret
        receiver.verifier = Webhook(secret).verify
        sender.start()
        enrichment = EnrichmentRunner(settings, sessions)
        started = time.perf_counter()
        for r, part in enumerate(parts, start=1):
            for account, folders in zip(accounts, part, strict=True):
                for name, mail in folders.items():
                    for start in range(0, len(mail), 500):
                        dovecot.append(account.username, name, mail[start : start + 500])
            sync = SyncRunner(settings, sessions, secrets)
            try:
                results = sync.run_once()
            finally:
                sync.stop()
            enrichment.enrich_now()
            stored = sum(result.stored.imported for result in results)
            print(
                f"round {r}: {stored} messages synced, enriched and profiled "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        deadline = time.monotonic() + 120
        while pending(sessions) and time.monotonic() < deadline:
            time.sleep(0.2)
        sender.stop()
        return check(sessions, receiver)
    finally:
        sender.stop()
        receiver.stop()
        dovecot.close()
        engine.dispose()


def main() -> None:
    """Parse the arguments, run, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mailboxes", type=int, default=3)
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fail-first", type=int, default=25)
    parser.add_argument("--backend", choices=("torch", "onnx-int8"), default="torch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadlens-bench-webhooks-") as folder:
        figures = run(args, Path(folder))
    for name, value in figures.items():
        print(f"{name:>34}: {value}")


if __name__ == "__main__":
    main()
