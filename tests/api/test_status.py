"""`GET /v1/status` is honest: ``settled`` only when profiles will not change any more.

The real app runs on a copy of the demo store (real model, real enrichment runner). Each
test first puts the store in a state where work is due — enriched mail with no topics
and no profiles yet, a stale score, new outcomes, a requested rebuild, a mailbox that never
synced — and checks that the status says so until the runner has done it.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.mailboxes import MailboxRepository
from app.db.repositories.pipeline_state import MODEL_VERSION, TOPICS_FIT_SIZE, TOPICS_VERSION
from app.db.tables import (
    Customer,
    CustomerTag,
    LookalikeModelRow,
    Mailbox,
    MessageTopic,
    PipelineState,
    Topic,
)
from app.loaded_models import LoadedModels
from app.settings import Settings
from app.workers.enrichment import EnrichmentRunner
from models.embedder import Embedder
from tests.ui.helpers import sign_in

Headers = dict[str, str]
SETTLE_TIMEOUT = 900.0


def _status(client: TestClient, read: Headers) -> dict[str, Any]:
    response = client.get("/v1/status", headers=read)
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def _customers_digest(client: TestClient, read: Headers) -> str:
    """Every listed customer, all fields, as one digest (what a CRM would have read)."""
    items: list[Any] = []
    cursor = None
    while True:
        params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/customers", params=params, headers=read).json()
        items.extend(page["items"])
        if not (cursor := page["next_cursor"]):
            break
    blob = json.dumps(sorted(items, key=lambda c: c["id"]), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _wait_settled(client: TestClient, read: Headers) -> list[dict[str, Any]]:
    """Poll the status until it is settled; every status seen, the settled one last."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        seen.append(_status(client, read))
        if seen[-1]["settled"]:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"not settled after {SETTLE_TIMEOUT:.0f} s: {seen[-1]}")


def _forget_topics_and_profiles(sessions: sessionmaker[Session]) -> int:
    """Put the store where a fresh one is after enrichment: no topics, nothing profiled;
    returns the number of customers."""
    with sessions.begin() as session:
        session.execute(delete(MessageTopic))
        session.execute(delete(Topic))
        session.execute(delete(CustomerTag))
        session.execute(
            delete(PipelineState).where(PipelineState.key.in_([TOPICS_VERSION, TOPICS_FIT_SIZE]))
        )
        session.execute(update(Customer).values(profile_dirty=True))
        return len(session.scalars(select(Customer.id)).all())


def test_clustering_due_is_not_settled_until_topics_and_profiles_exist(
    demo_client: TestClient,
    demo_runner: EnrichmentRunner,
    demo_sessions: sessionmaker[Session],
    demo_keys: dict[str, Headers],
) -> None:
    read = demo_keys["read"]
    customers = _forget_topics_and_profiles(demo_sessions)
    before = _status(demo_client, read)
    assert before["pending_enrichment"] == 0 and before["syncing_mailboxes"] == 0
    assert before["topics_version"] is None
    assert before["pending_profiles"] == customers
    assert before["settled"] is False
    sign_in(demo_client, read["Authorization"].removeprefix("Bearer "))
    overview = demo_client.get("/ui").text
    assert 'data-settled="false"' in overview
    assert f'data-status="pending_profiles"><span class="value">{customers}<' in overview

    demo_runner.start()
    try:
        seen = _wait_settled(demo_client, read)
        settled = seen[-1]
        assert all(not s["settled"] for s in seen[:-1])
        assert settled["topics_version"] is not None and settled["pending_profiles"] == 0
        assert settled["model_version"] is not None
        interests = demo_client.get("/v1/tags?kind=interest", headers=read).json()["items"]
        assert interests, "settled before the topics existed"
        staged = demo_client.get("/v1/customers?stage=inquiry&limit=1", headers=read).json()
        assert staged["items"], "settled before the profiles existed"
        first = _customers_digest(demo_client, read)
        time.sleep(3 * demo_runner.settings.enrich_poll_seconds + 1)  # the runner keeps going
        assert _customers_digest(demo_client, read) == first
        assert _status(demo_client, read) == settled
    finally:
        demo_runner.stop()
    overview = demo_client.get("/ui").text
    assert 'data-settled="true"' in overview


def test_a_stale_score_or_new_outcome_is_pending_until_rescored(
    demo_client: TestClient,
    demo_runner: EnrichmentRunner,
    demo_sessions: sessionmaker[Session],
    demo_keys: dict[str, Headers],
) -> None:
    read, write = demo_keys["read"], demo_keys["write"]
    assert _status(demo_client, read)["settled"] is True
    with demo_sessions.begin() as session:
        # The second one is open: marking it won changes the outcomes the model learns from.
        some = [
            session.scalars(select(Customer.id).order_by(Customer.id).limit(1)).one(),
            session.scalars(
                select(Customer.id).where(Customer.outcome == "open").order_by(Customer.id.desc())
            ).first(),
        ]
        session.execute(
            update(Customer).where(Customer.id == some[0]).values(lookalike_version="x")
        )
    stale = _status(demo_client, read)
    assert (stale["pending_profiles"], stale["settled"]) == (1, False)
    demo_runner.enrich_now()
    assert _status(demo_client, read)["settled"] is True

    changed = demo_client.put(
        f"/v1/customers/{some[1]}/outcome", json={"outcome": "won"}, headers=write
    )
    assert changed.status_code == 200, changed.text
    assert _status(demo_client, read)["settled"] is False  # a retraining is due
    demo_runner.enrich_now()  # debounce 0 in the test settings: it retrains at once
    after = _status(demo_client, read)
    assert after["settled"] is True and after["pending_profiles"] == 0


def test_a_requested_rebuild_is_not_settled_until_it_is_done(
    demo_client: TestClient, demo_keys: dict[str, Headers]
) -> None:
    read = demo_keys["read"]
    before = _status(demo_client, read)
    assert before["settled"] is True
    accepted = demo_client.post("/v1/rebuild", headers=demo_keys["admin"])
    assert accepted.status_code == 202
    assert _status(demo_client, read)["settled"] is False
    done = _wait_settled(demo_client, read)[-1]
    assert done["topics_version"] != before["topics_version"]
    assert done["model_version"] != before["model_version"]


def test_a_mailbox_that_never_synced_is_not_settled(
    demo_client: TestClient, demo_sessions: sessionmaker[Session], demo_keys: dict[str, Headers]
) -> None:
    read = demo_keys["read"]
    with demo_sessions.begin() as session:
        mailbox = MailboxRepository(session).create_imap(
            name="new@imap.example.com", host="imap.example.com", port=993, security="tls",
            username="new", auth_kind="password", secret_ciphertext=None, folders=None,
            own_domains=["example.com"], tls_verify=True, ca_file=None, state="idle",
        )  # fmt: skip
        mailbox_id = mailbox.id
    assert _status(demo_client, read)["settled"] is False  # its first sync has not run
    with demo_sessions.begin() as session:
        session.execute(update(Mailbox).where(Mailbox.id == mailbox_id).values(state="error"))
    assert _status(demo_client, read)["settled"] is True  # nothing more will happen on its own


def test_the_first_model_is_trained_at_once_and_later_ones_wait_for_the_outcomes_to_rest(
    demo_settings: Settings, demo_sessions: sessionmaker[Session], shared_embedder: Embedder
) -> None:
    # A debounce of an hour, far longer than the test: any wait for it would show.
    settings = demo_settings.model_copy(update={"lookalike_debounce_seconds": 3600.0})
    runner = EnrichmentRunner(settings, demo_sessions, LoadedModels(settings, shared_embedder))
    with demo_sessions.begin() as session:
        session.execute(delete(LookalikeModelRow))
        session.execute(delete(PipelineState).where(PipelineState.key == MODEL_VERSION))
    runner.enrich_now()
    with demo_sessions() as session:
        first = LookalikeRepository(session).current_version()
        some = session.scalars(
            select(Customer.id).where(Customer.outcome == "open").order_by(Customer.id)
        ).first()
    assert first is not None
    with demo_sessions.begin() as session:
        session.execute(update(Customer).where(Customer.id == some).values(outcome="won"))
    runner.enrich_now()
    with demo_sessions() as session:
        assert LookalikeRepository(session).current_version() == first
