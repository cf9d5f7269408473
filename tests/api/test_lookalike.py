"""``POST /v1/lookalike`` and ``GET /v1/model`` on the profiled demo store, and on an empty one."""

from __future__ import annotations

import zlib
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.profiles import ProfileRepository
from app.db.tables import Contact, Customer, Message
from app.enrichment.enricher import embed_mail
from app.enrichment.topic_assignment import assign_stored_topics
from ingest.mime import parse_message
from ingest.quoting import split_body
from models.embedder import Embedder
from models.first_contact import first_contact_messages
from tests.api.helpers import assert_error

Headers = dict[str, dict[str, str]]
LEAD = (
    "Hello, we met at your booth at Light+Building in Frankfurt. We are a distributor of "
    "lighting products in Germany and need 2000 pcs LED panel 600x600 40W with CE and RoHS. "
    "Please quote FOB Ningbo."
)


def _score(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/lookalike", json=body, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _check(result: dict[str, Any], sessions: sessionmaker[Session]) -> None:
    assert 0 <= result["score"] <= 1
    assert 0 <= result["percentile"] <= 100
    assert result["label"] in {"strong", "moderate", "weak"}
    assert result["model"]["n_won"] >= 5
    with sessions() as session:
        for near in result["nearest_won"]:
            assert session.get(Customer, near["customer_id"]).outcome == "won"
            assert 0 <= near["similarity"] <= 1


def test_model_reports_its_figures(demo_client: TestClient, demo_keys: Headers) -> None:
    model = demo_client.get("/v1/model", headers=demo_keys["read"]).json()
    assert set(model) == {
        "version",
        "trained_at",
        "n_won",
        "n_lost",
        "n_open",
        "cv_auc",
        "stage_aware_cv_auc",
    }
    assert model["n_won"] >= 5
    assert model["cv_auc"] is not None
    assert model["cv_auc"] > 0.6, model
    assert model["stage_aware_cv_auc"] is not None
    assert model["stage_aware_cv_auc"] > 0.6, model


def test_score_a_stored_customer_by_id_and_by_address(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    read = demo_keys["read"]
    with demo_sessions() as session:
        customer = session.scalars(
            select(Customer).where(Customer.outcome == "open").order_by(Customer.id).limit(1)
        ).one()
        email = session.scalar(select(Contact.email).where(Contact.customer_id == customer.id))
    by_id = _score(demo_client, read, {"customer_id": customer.id})
    _check(by_id, demo_sessions)
    assert by_id["score"] == customer.lookalike_score
    by_email = _score(demo_client, read, {"email": email})
    assert by_email["score"] == by_id["score"]
    shared = {t["id"] for t in by_id["shared_tags"]}
    assert shared <= set(customer.feature_tags["first_contact"])
    # the stored score answered; a profile waiting for its rebuild is scored now, the same
    _set_dirty(demo_sessions, customer.id, True)
    try:
        live = _score(demo_client, read, {"customer_id": customer.id})
    finally:
        _set_dirty(demo_sessions, customer.id, False)
    assert live == by_id


def _set_dirty(sessions: sessionmaker[Session], customer_id: str, dirty: bool) -> None:
    with sessions.begin() as session:
        session.execute(
            update(Customer).where(Customer.id == customer_id).values(profile_dirty=dirty)
        )


def test_score_a_lead_given_as_texts_and_store_nothing(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    def counts() -> tuple[int, int]:
        with demo_sessions() as session:
            return (
                session.scalar(select(func.count()).select_from(Message)) or 0,
                session.scalar(select(func.count()).select_from(Customer)) or 0,
            )

    before = counts()
    result = _score(demo_client, demo_keys["read"], {"texts": [LEAD], "subject": "LED panels"})
    _check(result, demo_sessions)
    assert counts() == before


def test_a_stored_lead_pasted_as_its_first_mail_scores_the_same(
    demo_client: TestClient,
    demo_keys: Headers,
    demo_sessions: sessionmaker[Session],
    shared_embedder: Embedder,
) -> None:
    """The rep pastes the first inquiry of a lead that is in the store: the same features,
    so the same score and explanation as the stored profile (a lead whose first contact is
    one message, put in the same topic by the stored clustering and by assignment)."""
    with demo_sessions() as session:
        repository = ProfileRepository(session)
        leads = session.scalars(
            select(Customer.id).where(Customer.outcome == "open").order_by(Customer.id)
        ).all()
        facts = repository.message_facts(leads)
        chosen = None
        for customer_id in leads:
            early = first_contact_messages(facts.get(customer_id, []))
            if len(early) != 1:
                continue
            message = session.get(Message, early[0].id)
            assert message is not None
            parsed = parse_message(zlib.decompress(message.raw_zlib))
            vectors, items = embed_mail(
                shared_embedder, [(parsed.subject or "", split_body(parsed.body).new_text)]
            )
            assigned = assign_stored_topics(session, vectors, items)[0]
            if (None if assigned is None else assigned.topic_id) == early[0].topic_id:
                chosen = (session.get(Customer, customer_id), parsed)
                break
        assert chosen is not None
        customer, parsed = chosen
    read = demo_keys["read"]
    stored = _score(demo_client, read, {"customer_id": customer.id})
    pasted = _score(demo_client, read, {"texts": [parsed.body], "subject": parsed.subject})
    assert pasted["score"] == stored["score"] == customer.lookalike_score
    assert pasted["percentile"] == stored["percentile"]
    assert pasted["shared_tags"] == stored["shared_tags"]
    assert [n["customer_id"] for n in pasted["nearest_won"]] == [
        n["customer_id"] for n in stored["nearest_won"]
    ]


def test_bad_requests(demo_client: TestClient, demo_keys: Headers) -> None:
    read = demo_keys["read"]
    for body in (
        {},
        {"customer_id": "cus_x", "email": "a@b.com"},
        {"texts": []},
        {"texts": ["  "]},
        {"texts": "not a list"},
        {"customer_id": "x", "unknown": 1},
    ):
        assert_error(
            demo_client.post("/v1/lookalike", json=body, headers=read), 422, "invalid_request"
        )
    missing = demo_client.post(
        "/v1/lookalike", json={"customer_id": "cus_0000000000000000000000000z"}, headers=read
    )
    assert_error(missing, 404, "not_found")
    nobody = demo_client.post("/v1/lookalike", json={"email": "x@nowhere.example"}, headers=read)
    assert_error(nobody, 404, "not_found")


def test_no_model_is_409_not_a_guess(client: TestClient, keys: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {keys['read']}"}
    assert_error(client.get("/v1/model", headers=headers), 409, "not_enough_outcomes")
    response = client.post("/v1/lookalike", json={"texts": [LEAD]}, headers=headers)
    assert_error(response, 409, "not_enough_outcomes")
