"""Delivery through the in-process sender to a real local receiver: signatures that the
reference implementation (`standardwebhooks`) verifies, retries until the receiver recovers
(every event exactly once after dedup by `webhook-id`, in order per customer), endpoints
disabled after persistent failure, and replay with the same `webhook-id`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.settings import Settings
from tests.servers.receiver import WebhookReceiver
from tests.webhooks.conftest import FAST_RETRIES, add_customers, set_outcome, subscribe

OUTCOMES = ["won", "lost", "open", "won", "lost"]


def _webhook(client: TestClient, admin: dict[str, str], webhook_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/webhooks/{webhook_id}", headers=admin)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _settled(client: TestClient, admin: dict[str, str], webhook_id: str) -> None:
    """Wait until the sender has recorded every delivery it made (none pending)."""
    WebhookReceiver.poll(lambda: _webhook(client, admin, webhook_id)["pending"] == 0)


def _deliveries(client: TestClient, admin: dict[str, str], webhook_id: str) -> list[Any]:
    response = client.get(f"/v1/webhooks/{webhook_id}/deliveries?limit=500", headers=admin)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def test_signature_verifies_with_the_reference_implementation_and_payload_is_the_summary(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    webhook_receiver: WebhookReceiver,
) -> None:
    [customer] = add_customers(sessions, 1)
    created = subscribe(client, admin, webhook_receiver.url)
    set_outcome(client, admin, customer, "won")
    webhook_receiver.wait_for(lambda r: len(r.accepted()) == 1)
    [got] = webhook_receiver.received
    verified = Webhook(created["secret"]).verify(got.body, got.headers)
    assert verified["type"] == "customer.outcome_changed"
    assert got.webhook_id.startswith("msg_")
    listed = client.get("/v1/customers", headers=admin).json()["items"]
    assert verified["data"] == {
        "customer": listed[0],
        "changes": {"outcome": {"before": "open", "after": "won", "source": "api"}},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(subscribe(client, admin, webhook_receiver.url)["secret"]).verify(
            got.body, got.headers
        )
    with pytest.raises(WebhookVerificationError):
        Webhook(created["secret"]).verify(got.body.replace(b"won", b"wan"), got.headers)


def test_a_receiver_that_fails_then_recovers_gets_every_event_once_in_order(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    webhook_receiver: WebhookReceiver,
) -> None:
    customers = add_customers(sessions, 3)
    webhook = subscribe(client, admin, webhook_receiver.url)
    webhook_receiver.fail_first(3)  # fewer than the attempts the schedule allows
    for outcome in OUTCOMES:
        for customer in customers:
            set_outcome(client, admin, customer, outcome)
    total = len(OUTCOMES) * len(customers)
    webhook_receiver.wait_for(lambda r: len(r.deduplicated()) == total)
    _settled(client, admin, webhook["id"])
    seen: dict[str, list[str]] = defaultdict(list)
    for item in webhook_receiver.deduplicated():
        payload = Webhook(webhook["secret"]).verify(item.body, item.headers)
        change = payload["data"]["changes"]["outcome"]
        seen[payload["data"]["customer"]["id"]].append(change["after"])
    assert seen == dict.fromkeys(customers, OUTCOMES)
    deliveries = _deliveries(client, admin, webhook["id"])
    assert len(deliveries) == total
    assert all(d["status"] == "delivered" for d in deliveries)
    retried = [d for d in deliveries if d["attempts"] > 1]
    assert retried and all(d["attempt_log"][0]["status_code"] == 503 for d in retried)
    assert sum(d["attempts"] for d in deliveries) == len(webhook_receiver.received)
    health = _webhook(client, admin, webhook["id"])
    assert (health["enabled"], health["failing_since"], health["pending"]) == (True, None, 0)
    assert health["last_status_code"] == 204


def test_persistent_failure_disables_the_endpoint_and_enabling_it_sends_what_waits(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    webhook_receiver: WebhookReceiver,
) -> None:
    customers = add_customers(sessions, 2)
    webhook = subscribe(client, admin, webhook_receiver.url)
    webhook_receiver.fail_first(10_000, status=500)
    set_outcome(client, admin, customers[0], "won")
    set_outcome(client, admin, customers[1], "won")
    attempts = len(FAST_RETRIES) + 1
    webhook_receiver.wait_for(lambda r: not _webhook(client, admin, webhook["id"])["enabled"])
    health = _webhook(client, admin, webhook["id"])
    assert health["disabled_reason"] and f"failed {attempts} attempts" in health["disabled_reason"]
    assert health["failing_since"] is not None and health["last_status_code"] == 500
    deliveries = _deliveries(client, admin, webhook["id"])
    failed = [d for d in deliveries if d["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["attempts"] == attempts
    assert [a["status_code"] for a in failed[0]["attempt_log"]] == [500] * attempts
    ids = {r.webhook_id for r in webhook_receiver.received}
    assert failed[0]["event_id"] in ids
    replay = f"/v1/webhooks/{webhook['id']}/deliveries/{failed[0]['id']}/retry"
    assert client.post(replay, headers=admin).status_code == 409

    webhook_receiver.fail_first(0)
    enabled = client.patch(f"/v1/webhooks/{webhook['id']}", json={"enabled": True}, headers=admin)
    assert enabled.json()["disabled_reason"] is None and enabled.json()["failing_since"] is None
    webhook_receiver.wait_for(lambda r: len(r.accepted()) == 1)  # the one still pending
    assert client.post(replay, headers=admin).status_code == 202  # and the one that failed
    webhook_receiver.wait_for(lambda r: len(r.deduplicated()) == 2)
    assert {r.webhook_id for r in webhook_receiver.accepted()} == {
        d["event_id"] for d in deliveries
    }


def test_failing_longer_than_the_limit_disables(
    settings: Settings,
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    webhook_receiver: WebhookReceiver,
) -> None:
    settings.webhook_retry_schedule = [0.2] * 20
    settings.webhook_disable_after_seconds = 0.3
    [customer] = add_customers(sessions, 1)
    webhook = subscribe(client, admin, webhook_receiver.url)
    webhook_receiver.fail_first(10_000, status=500)
    set_outcome(client, admin, customer, "won")
    webhook_receiver.wait_for(lambda r: not _webhook(client, admin, webhook["id"])["enabled"])
    health = _webhook(client, admin, webhook["id"])
    assert health["disabled_reason"].startswith("failing since")
    [delivery] = _deliveries(client, admin, webhook["id"])
    assert delivery["status"] == "pending" and 2 <= delivery["attempts"] < 20


def test_replay_resends_with_the_same_webhook_id(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    webhook_receiver: WebhookReceiver,
) -> None:
    [customer] = add_customers(sessions, 1)
    webhook = subscribe(client, admin, webhook_receiver.url)
    set_outcome(client, admin, customer, "won")
    webhook_receiver.wait_for(lambda r: len(r.accepted()) == 1)
    _settled(client, admin, webhook["id"])
    [delivery] = _deliveries(client, admin, webhook["id"])
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    url = f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}/retry"
    replayed = client.post(url, headers=admin)
    assert replayed.status_code == 202, replayed.text
    assert replayed.json()["status"] == "pending"
    webhook_receiver.wait_for(lambda r: len(r.accepted()) == 2)
    _settled(client, admin, webhook["id"])
    first, second = webhook_receiver.accepted()
    assert first.webhook_id == second.webhook_id == delivery["event_id"]
    assert first.body == second.body
    Webhook(webhook["secret"]).verify(second.body, second.headers)
    [after] = _deliveries(client, admin, webhook["id"])
    assert after["status"] == "delivered" and len(after["attempt_log"]) == 2
