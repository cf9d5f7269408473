"""A kill between commit and send loses nothing: `leadlens serve` commits events (its
sender off, as if it died before sending), is SIGKILLed, and the restarted service sends
every one of them, each once after dedup, signed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from tests.conftest import REPO_ROOT
from tests.processes import left_after
from tests.servers.postgres import free_port
from tests.servers.receiver import WebhookReceiver
from tests.webhooks.conftest import add_customers, outbox_counts

SECRET = "webhook-kill-secret"
OUTCOMES = ["won", "lost", "open"]


@contextmanager
def _serve(
    database_url: str, port: int, *, sender: bool, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")},
        "LEADLENS_DATABASE_URL": database_url,
        "LEADLENS_SECRET_KEY": SECRET,
        "LEADLENS_PARSE_WORKERS": "0",  # no mail is synced here: no parser pool to start
        # the first run must commit events and die before any is sent: its sender is off
        "LEADLENS_WEBHOOK_SENDER": "true" if sender else "false",
        # the restarted service sends at once instead of after the shipped pause
        "LEADLENS_WEBHOOK_SEND_INTERVAL_SECONDS": "0.1",
        "LEADLENS_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "serve did not answer"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()


def test_events_committed_before_a_kill_are_sent_after_the_restart(
    sqlite_template: Path, tmp_path: Path, webhook_receiver: WebhookReceiver
) -> None:
    database = tmp_path / "store.db"
    database.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{database}"
    engine = create_db_engine(url)
    sessions: sessionmaker[Session] = session_factory(engine)
    customers = add_customers(sessions, 2)
    with sessions.begin() as session:
        key = create_api_key(session, "admin", "kill test")[1]
    auth = {"Authorization": f"Bearer {key}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with _serve(url, port, sender=False, log=log) as first:
        body = {"url": webhook_receiver.url, "events": ["customer.outcome_changed"]}
        secret = httpx.post(f"{base}/v1/webhooks", json=body, headers=auth).json()["secret"]
        for outcome in OUTCOMES:
            for customer in customers:
                answer = httpx.put(
                    f"{base}/v1/customers/{customer}/outcome",
                    json={"outcome": outcome},
                    headers=auth,
                )
                assert answer.status_code == 200, answer.text
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert left_after(f"LEADLENS_DATABASE_URL={url}") == {}
    total = len(OUTCOMES) * len(customers)
    assert outbox_counts(sessions) == (total, total)
    assert webhook_receiver.received == []

    with _serve(url, port, sender=True, log=log):
        webhook_receiver.wait_for(lambda r: len(r.deduplicated()) == total, seconds=60)
    engine.dispose()
    seen: dict[str, list[str]] = {customer: [] for customer in customers}
    for item in webhook_receiver.deduplicated():
        payload = Webhook(secret).verify(item.body, item.headers)
        seen[payload["data"]["customer"]["id"]].append(
            payload["data"]["changes"]["outcome"]["after"]
        )
    assert seen == dict.fromkeys(customers, OUTCOMES)
