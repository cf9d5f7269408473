"""`/v1/webhooks`: endpoints with a secret shown once (encrypted at rest), validation,
changes, removal, and no outbox rows while no endpoint is enabled."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import WebhookEndpoint
from app.secret_box import SecretBox
from app.settings import Settings
from tests.api.helpers import assert_error
from tests.webhooks.conftest import add_customers, outbox_counts, set_outcome, subscribe

URL = "https://crm.example/hooks/leadlens"


def test_secret_is_shown_once_and_stored_encrypted(
    client: TestClient, admin: dict[str, str], sessions: sessionmaker[Session], settings: Settings
) -> None:
    created = subscribe(client, admin, URL, ["mailbox.error", "customer.created"])
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) >= 24
    assert created["events"] == ["customer.created", "mailbox.error"]
    assert created["enabled"] is True and created["pending"] == 0
    shown = client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()
    assert "secret" not in shown and secret not in str(shown)
    listed = client.get("/v1/webhooks", headers=admin).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert secret not in str(listed)
    with sessions() as session:
        stored = session.get_one(WebhookEndpoint, created["id"])
        assert secret.encode() not in stored.secret_ciphertext
        assert SecretBox.from_settings(settings).decrypt(stored.secret_ciphertext) == secret


def test_change_page_and_remove(client: TestClient, admin: dict[str, str]) -> None:
    ids = [subscribe(client, admin, f"{URL}/{n}")["id"] for n in range(3)]
    first = client.get("/v1/webhooks?limit=2", headers=admin).json()
    assert [item["id"] for item in first["items"]] == ids[:2]
    rest = client.get(f"/v1/webhooks?limit=2&cursor={first['next_cursor']}", headers=admin)
    assert [item["id"] for item in rest.json()["items"]] == ids[2:]
    assert rest.json()["next_cursor"] is None
    changed = client.patch(
        f"/v1/webhooks/{ids[0]}",
        json={"url": "http://127.0.0.1:9/x", "events": ["mailbox.error"], "enabled": False},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["url"], body["events"], body["enabled"]) == (
        "http://127.0.0.1:9/x",
        ["mailbox.error"],
        False,
    )
    assert client.delete(f"/v1/webhooks/{ids[0]}", headers=admin).status_code == 204
    assert_error(client.get(f"/v1/webhooks/{ids[0]}", headers=admin), 404, "not_found")
    assert_error(client.delete(f"/v1/webhooks/{ids[0]}", headers=admin), 404, "not_found")
    assert_error(client.get("/v1/webhooks/whk_nope/deliveries", headers=admin), 404, "not_found")
    replay = client.post(f"/v1/webhooks/{ids[1]}/deliveries/dlv_1/retry", headers=admin)
    assert_error(replay, 404, "not_found")


def test_bad_input_is_422(client: TestClient, admin: dict[str, str]) -> None:
    bad = [
        {"url": "ftp://crm.example/x", "events": ["customer.created"]},
        {"url": "https://user:pw@crm.example/x", "events": ["customer.created"]},
        {"url": "https://", "events": ["customer.created"]},
        {"url": URL, "events": []},
        {"url": URL, "events": ["customer.deleted"]},
        {"url": URL, "events": ["customer.created"], "secret": "whsec_mine"},
    ]
    for body in bad:
        assert_error(client.post("/v1/webhooks", json=body, headers=admin), 422, "invalid_request")
    created = subscribe(client, admin, URL)
    wrong = client.patch(f"/v1/webhooks/{created['id']}", json={"url": "x"}, headers=admin)
    assert_error(wrong, 422, "invalid_request")
    cursor = client.get(f"/v1/webhooks/{created['id']}/deliveries?cursor=zz", headers=admin)
    assert_error(cursor, 422, "invalid_request")


def test_no_outbox_rows_without_an_enabled_subscriber_and_none_left_by_a_removed_one(
    client: TestClient, admin: dict[str, str], sessions: sessionmaker[Session]
) -> None:
    [customer] = add_customers(sessions, 1)
    set_outcome(client, admin, customer, "won")
    assert outbox_counts(sessions) == (0, 0)
    subscribe(client, admin, URL, ["customer.created"])  # not this event type
    disabled = subscribe(client, admin, URL)
    client.patch(f"/v1/webhooks/{disabled['id']}", json={"enabled": False}, headers=admin)
    set_outcome(client, admin, customer, "lost")
    assert outbox_counts(sessions) == (0, 0)
    client.patch(f"/v1/webhooks/{disabled['id']}", json={"enabled": True}, headers=admin)
    set_outcome(client, admin, customer, "lost")  # unchanged: no event
    assert outbox_counts(sessions) == (0, 0)
    set_outcome(client, admin, customer, "open")
    assert outbox_counts(sessions) == (1, 1)
    assert client.delete(f"/v1/webhooks/{disabled['id']}", headers=admin).status_code == 204
    assert outbox_counts(sessions) == (0, 0)  # its deliveries, and the events only it had
