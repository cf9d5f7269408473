"""Which changes write which events, with what in them, in the transaction of the change:
profiles (created, stage, outcome, tags, lookalike past a band or a margin) and mailbox
errors; nothing while no endpoint subscribes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.api.contacts.service import erase_contact
from app.api.customers.service import summary
from app.db.tables import Contact, Customer, CustomerTag, Mailbox, WebhookEndpoint, WebhookEvent
from app.db.types import new_id, utcnow
from app.profiles.lookalike import ModelCache
from app.profiles.service import refresh_profiles
from app.sync.mailbox import set_sync_state
from app.webhooks.events import EVENT_TYPES, ProfileChanges, lookalike_moved
from tests.webhooks.conftest import add_customers, outbox_counts


def _subscribe(sessions: sessionmaker[Session], events: tuple[str, ...] = EVENT_TYPES) -> str:
    endpoint_id = new_id("whk")
    with sessions.begin() as session:
        session.add(
            WebhookEndpoint(
                id=endpoint_id,
                url="http://127.0.0.1:9/",
                events=list(events),
                secret_ciphertext=b"x",
                enabled=True,
            )
        )
    return endpoint_id


def _events(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    with sessions() as session:
        bodies = session.scalars(select(WebhookEvent.body).order_by(WebhookEvent.created_at))
        return [json.loads(body) for body in bodies]


def _change(sessions: sessionmaker[Session], ids: list[str], **values: Any) -> None:
    """Change these customers' columns the way a profile write does, with its events."""
    with sessions.begin() as session:
        changes = ProfileChanges.watch(session, ids)
        session.execute(update(Customer).where(Customer.id.in_(ids)).values(**values))
        if changes is not None:
            changes.emit(session)


def test_first_profile_is_created_once_then_only_changes(sessions: sessionmaker[Session]) -> None:
    ids = add_customers(sessions, 3)
    with sessions.begin() as session:
        session.execute(update(Customer).values(profiled_at=None, profile_dirty=True))
    _subscribe(sessions)
    assert refresh_profiles(sessions, ModelCache()) == 3
    created = _events(sessions)
    assert [e["type"] for e in created] == ["customer.created"] * 3
    with sessions() as session:
        for event in created:
            customer = session.get_one(Customer, event["data"]["customer"]["id"])
            assert event["data"] == {
                "customer": summary(customer).model_dump(mode="json"),
                "changes": {},
            }
    assert sorted(e["data"]["customer"]["id"] for e in created) == ids
    with sessions.begin() as session:
        session.execute(update(Customer).values(profile_dirty=True))
    refresh_profiles(sessions, ModelCache())  # the same profiles again: nothing changed
    assert len(_events(sessions)) == 3


def test_stage_tags_and_outcome_changes_carry_before_and_after(
    sessions: sessionmaker[Session],
) -> None:
    [one, two] = add_customers(sessions, 2)
    _subscribe(sessions)
    _change(sessions, [one, two], stage="quotation")
    _change(sessions, [one], outcome="lost")
    with sessions.begin() as session:
        changes = ProfileChanges.watch(session, [one])
        assert changes is not None
        session.add(
            CustomerTag(
                customer_id=one, tag_id="trait:country:DE", kind="trait", name="country",
                value="DE", score=0.9, evidence=[],
            )
        )  # fmt: skip
        session.flush()
        changes.emit(session)
    events = _events(sessions)
    assert [(e["type"], e["data"]["customer"]["id"]) for e in events] == [
        ("customer.stage_changed", one),
        ("customer.stage_changed", two),
        ("customer.outcome_changed", one),
        ("customer.tags_changed", one),
    ]
    assert events[0]["data"]["changes"] == {"stage": {"before": "inquiry", "after": "quotation"}}
    assert events[0]["data"]["customer"]["stage"] == "quotation"
    assert events[2]["data"]["changes"]["outcome"] == {
        "before": "open",
        "after": "lost",
        "source": "inferred",
    }
    tag = {"id": "trait:country:DE", "kind": "trait", "name": "country", "value": "DE"}
    assert events[3]["data"]["changes"]["tags"] == {
        "before": [],
        "after": ["trait:country:DE"],
        "added": [tag],
        "removed": [],
    }


def test_lookalike_events_only_past_a_band_or_the_margin(sessions: sessionmaker[Session]) -> None:
    assert lookalike_moved(None, 0.1) and lookalike_moved(0.1, None)
    assert not lookalike_moved(None, None)
    assert not lookalike_moved(0.40, 0.45)  # same band, under the margin
    assert lookalike_moved(0.40, 0.50)  # the margin
    assert lookalike_moved(0.29, 0.31)  # weak → moderate
    assert lookalike_moved(0.61, 0.59)  # strong → moderate
    [customer] = add_customers(sessions, 1)
    _subscribe(sessions, ("customer.lookalike_changed",))
    for score in (0.40, 0.42, 0.44, 0.61, 0.62):
        _change(sessions, [customer], lookalike_score=score, lookalike_percentile=50.0)
    changes = [e["data"]["changes"]["lookalike"] for e in _events(sessions)]
    assert [(c["before"] and c["before"]["score"], c["after"]["score"]) for c in changes] == [
        (None, 0.40),
        (0.44, 0.61),
    ]
    assert changes[1]["after"] == {"score": 0.61, "percentile": 50.0, "label": "strong"}


def test_nothing_is_compared_or_written_without_subscribers(
    sessions: sessionmaker[Session],
) -> None:
    [customer] = add_customers(sessions, 1)
    with sessions.begin() as session:
        assert ProfileChanges.watch(session, [customer]) is None
    _subscribe(sessions, ("mailbox.error",))
    _change(sessions, [customer], stage="sample")
    assert _events(sessions) == []


def test_a_new_mailbox_error_is_an_event_the_same_one_again_is_not(
    sessions: sessionmaker[Session],
) -> None:
    _subscribe(sessions, ("mailbox.error",))
    with sessions.begin() as session:
        session.add(
            Mailbox(
                id="mbx_" + "0" * 26, name="rep@mail.example", kind="imap", host="mail.example",
                port=993, security="tls", username="rep", auth_kind="password",
                secret_ciphertext=b"x", state="idle", created_at=utcnow(),
            )
        )  # fmt: skip
    mailbox_id = "mbx_" + "0" * 26
    set_sync_state(sessions, mailbox_id, "error", "server unreachable: refused")
    set_sync_state(sessions, mailbox_id, "syncing")
    set_sync_state(sessions, mailbox_id, "error", "server unreachable: refused")
    set_sync_state(sessions, mailbox_id, "error", "authentication failed: no")
    events = _events(sessions)
    assert [e["data"]["changes"]["last_error"] for e in events] == [
        {"before": None, "after": "server unreachable: refused"},
        {"before": "server unreachable: refused", "after": "authentication failed: no"},
    ]
    mailbox = events[1]["data"]["mailbox"]
    assert mailbox["id"] == mailbox_id and mailbox["state"] == "error"
    assert "secret" not in json.dumps(events)


def test_erasing_a_contact_erases_the_events_that_name_it(sessions: sessionmaker[Session]) -> None:
    _subscribe(sessions)
    [kept, erased] = add_customers(sessions, 2)
    with sessions.begin() as session:
        session.get_one(Customer, erased).key = "ana.lópez@gmail.com"
        session.add(Contact(id=new_id("con"), email="ana.lópez@gmail.com", customer_id=erased))
    _change(sessions, [kept, erased], stage="quotation")
    assert outbox_counts(sessions) == (2, 2)
    erase_contact(sessions, ModelCache(), "ana.lópez@gmail.com", lost_after_days=90)
    assert [e["data"]["customer"]["id"] for e in _events(sessions)] == [kept]
    assert outbox_counts(sessions) == (1, 1)
