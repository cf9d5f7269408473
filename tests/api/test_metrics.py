"""``GET /metrics``: Prometheus text that agrees with the store and times the real work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Customer, Mailbox, Message, QuarantinedMessage
from app.ingestion.imports import import_target
from app.metrics import TASKS, Metrics, SharedMetrics
from app.secret_box import SecretBox
from app.settings import Settings
from app.web import create_app
from app.workers.runner import SyncRunner
from tests.api.conftest import bearer
from tests.api.helpers import add, assert_error, new_mailbox, store_mail
from tests.servers.dovecot import Account, DovecotServer
from tests.servers.postgres import free_port
from tests.sync.conftest import corpus

Families = dict[str, Metric]
DURATIONS = "leadlens_task_duration_seconds"


@pytest.fixture
def metrics() -> Metrics:
    """The metrics the sync runner and the app share, as in ``leadlens serve``."""
    return Metrics()


@pytest.fixture
def metered_runner(
    settings: Settings, sessions: sessionmaker[Session], metrics: Metrics
) -> Iterator[SyncRunner]:
    """A real sync runner (not started) that records into ``metrics``."""
    runner = SyncRunner(settings, sessions, SecretBox.from_settings(settings), metrics=metrics)
    yield runner
    runner.stop()


@pytest.fixture
def metered_client(
    settings: Settings, metered_runner: SyncRunner, metrics: Metrics
) -> Iterator[TestClient]:
    """The real app, showing ``metrics`` at ``/metrics``."""
    with TestClient(create_app(settings, sync=metered_runner, metrics=metrics)) as client:
        yield client


def scrape(client: TestClient, headers: dict[str, str]) -> Families:
    """The families ``GET /metrics`` answers, by name (fails unless it is Prometheus text)."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def value(families: Families, sample: str, **labels: str) -> float | None:
    """The value of the sample called ``sample`` with exactly ``labels``, None when absent."""
    family = families[sample.removesuffix("_total").removesuffix("_count").removesuffix("_sum")]
    found = [s.value for s in family.samples if s.name == sample and s.labels == labels]
    assert len(found) <= 1
    return found[0] if found else None


def observations(families: Families, task: str) -> float:
    """How many ``task`` runs the duration histogram counts."""
    count = value(families, f"{DURATIONS}_count", task=task)
    assert count is not None
    return count


def _count(session: Session, table: Any, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(table).where(*where)) or 0


def test_metrics_need_a_key(metered_client: TestClient) -> None:
    assert_error(metered_client.get("/metrics"), 401, "unauthorized")
    assert_error(metered_client.get("/metrics", headers=bearer("ll_wrong")), 401, "unauthorized")


def test_empty_store_answers_zeros_and_every_task_series(
    metered_client: TestClient, keys: dict[str, str]
) -> None:
    families = scrape(metered_client, bearer(keys["read"]))
    for gauge in (
        "leadlens_messages",
        "leadlens_quarantined",
        "leadlens_enrichment_backlog",
        "leadlens_profiles_stale",
    ):
        assert value(families, gauge) == 0, gauge
    assert {s.labels["outcome"]: s.value for s in families["leadlens_customers"].samples} == {
        "won": 0,
        "lost": 0,
        "open": 0,
    }
    assert families["leadlens_mailbox_sync_lag_seconds"].samples == []
    assert families["leadlens_mailbox_state"].samples == []
    assert {task: observations(families, task) for task in TASKS} == dict.fromkeys(TASKS, 0)
    assert value(families, "leadlens_messages_ingested_total") == 0
    assert value(families, "leadlens_messages_quarantined_total") == 0


def test_gauges_equal_the_store_after_an_import(
    metered_client: TestClient,
    keys: dict[str, str],
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with sessions.begin() as session:
        target = import_target(session, "archive", ["lumora.com"]).id
    store_mail(sessions, target, tmp_path / "mail", 4)

    families = scrape(metered_client, bearer(keys["read"]))

    with sessions() as session:
        expected = {
            "leadlens_messages": _count(session, Message),
            "leadlens_quarantined": _count(session, QuarantinedMessage),
            "leadlens_enrichment_backlog": _count(session, Message, Message.enriched_at.is_(None)),
            "leadlens_profiles_stale": _count(session, Customer, Customer.profile_dirty.is_(True)),
        }
        customers = _count(session, Customer)
    assert expected["leadlens_messages"] == 4
    assert expected["leadlens_quarantined"] == 1
    assert {name: value(families, name) for name in expected} == expected
    assert customers > 0
    assert sum(s.value for s in families["leadlens_customers"].samples) == customers
    assert families["leadlens_mailbox_state"].samples == []  # an import target never syncs


def test_a_sync_is_timed_counted_and_its_lag_shown(
    metered_client: TestClient,
    metered_runner: SyncRunner,
    keys: dict[str, str],
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(7, "metrics-in"))
    dovecot.append(imap_account.username, "Sent", corpus(2, "metrics-sent"))
    mailbox_id = add(metered_client, admin, new_mailbox(dovecot, imap_account))["id"]
    with sessions() as session:
        name = session.get_one(Mailbox, mailbox_id).name
    read = bearer(keys["read"])
    before = scrape(metered_client, read)
    assert families_lag(before, mailbox_id, name) is None
    assert value(before, "leadlens_mailbox_state", mailbox=mailbox_id, state="idle") == 1

    result = metered_runner.sync_one(mailbox_id)

    assert result is not None and result.error is None
    assert result.stored.imported == 9
    families = scrape(metered_client, read)
    assert observations(families, "sync_mailbox") == 1
    assert observations(families, "sync_batch") >= 1
    assert (value(families, f"{DURATIONS}_sum", task="sync_mailbox") or 0) > 0
    assert value(families, "leadlens_messages_ingested_total") == 9
    assert value(families, "leadlens_messages_quarantined_total") == 0
    assert value(families, "leadlens_messages") == 9
    lag = families_lag(families, mailbox_id, name)
    assert lag is not None and 0 <= lag < 60
    states = {
        s.labels["state"]: s.value
        for s in families["leadlens_mailbox_state"].samples
        if s.labels["mailbox"] == mailbox_id
    }
    assert states == {"idle": 1, "syncing": 0, "error": 0, "disabled": 0}

    with sessions.begin() as session:
        session.get_one(Mailbox, mailbox_id).state = "error"
    failed = scrape(metered_client, read)
    assert value(failed, "leadlens_mailbox_state", mailbox=mailbox_id, state="error") == 1
    assert value(failed, "leadlens_mailbox_state", mailbox=mailbox_id, state="idle") == 0


def families_lag(families: Families, mailbox_id: str, name: str) -> float | None:
    """The sync lag shown for one mailbox, None when there is none."""
    return value(families, "leadlens_mailbox_sync_lag_seconds", mailbox=mailbox_id, name=name)


def test_enrichment_profiling_and_training_are_timed(
    demo_client: TestClient,
    demo_keys: dict[str, dict[str, str]],
    demo_sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with demo_sessions.begin() as session:
        target = import_target(session, "late-mail", ["lumora.com"]).id
    store_mail(demo_sessions, target, tmp_path / "mail", 3)
    assert value(scrape(demo_client, demo_keys["read"]), "leadlens_enrichment_backlog") == 3

    response = demo_client.post("/v1/rebuild", headers=demo_keys["admin"])
    assert response.status_code == 202

    deadline = time.monotonic() + 300
    read = demo_keys["read"]
    while observations(families := scrape(demo_client, read), "lookalike_training") < 1:
        assert time.monotonic() < deadline, "the rebuild did not finish"
        time.sleep(0.5)
    assert observations(families, "enrich_batch") == 1
    assert observations(families, "topics_rebuild") == 1
    assert observations(families, "profile_batch") >= 1
    assert observations(families, "sync_batch") == 0
    assert value(families, "leadlens_enrichment_backlog") == 0
    assert value(families, "leadlens_profiles_stale") == 0


def test_a_broker_replica_whose_redis_is_down_still_shows_the_store(
    settings: Settings, keys: dict[str, str], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        target = import_target(session, "archive", ["lumora.com"]).id
    store_mail(sessions, target, tmp_path / "mail", 2)
    shared = SharedMetrics.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(create_app(settings, metrics=Metrics(shared))) as client:
        families = scrape(client, bearer(keys["read"]))
    assert value(families, "leadlens_messages") == 2
    assert value(families, "leadlens_enrichment_backlog") == 2
    assert DURATIONS not in families
    assert "leadlens_messages_ingested" not in families
