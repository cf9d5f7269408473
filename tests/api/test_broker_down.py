"""With a broker that does not answer, the API keeps what it stored and says what failed."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.settings import Settings
from app.web import create_app
from app.workers.celery_app import BrokerEnrichment, BrokerSync, dispatcher_of, make_celery
from tests.api.helpers import new_mailbox
from tests.servers.dovecot import Account, DovecotServer


@pytest.fixture
def silent_broker(settings: Settings) -> Iterator[Settings]:
    """``settings`` with a broker on 127.0.0.1 whose connections are accepted (by the
    kernel) and never answered: the broker we do not own, gone quiet."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        port = listener.getsockname()[1]
        yield settings.model_copy(
            update={"broker_url": f"redis://127.0.0.1:{port}/0", "broker_timeout": 0.5}
        )


def test_a_stored_change_stays_stored_and_a_queue_only_request_is_a_503(
    silent_broker: Settings,
    sessions: sessionmaker[Session],
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    dispatcher = dispatcher_of(make_celery(silent_broker))
    app = create_app(
        silent_broker,
        sync=BrokerSync(dispatcher),
        enrichment=BrokerEnrichment(dispatcher),
    )
    with TestClient(app) as client:
        created = client.post(
            "/v1/mailboxes", json=new_mailbox(dovecot, imap_account), headers=admin
        )
        rebuilt = client.post("/v1/rebuild", headers=admin)
        listed = client.get("/v1/mailboxes", headers=admin)
    assert created.status_code == 201, created.text
    assert [m["id"] for m in listed.json()["items"]] == [created.json()["id"]]
    assert rebuilt.status_code == 503, rebuilt.text
    assert rebuilt.json()["error"] == "unavailable"
    assert "broker" in rebuilt.json()["detail"]
