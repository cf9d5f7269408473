"""``/v1/customers`` on a store the demo generator filled and the real pipeline profiled."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.profiles import ProfileRepository
from app.db.tables import Contact, Customer, Message
from app.profiles.service import refresh_profiles
from app.workers.enrichment import EnrichmentRunner
from models.profiles import STAGES
from tests.api.helpers import assert_error

Headers = dict[str, dict[str, str]]


def _all(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/customers", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 7
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def _profile(client: TestClient, headers: dict[str, str], customer_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/customers/{customer_id}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.mark.parametrize("sort", ["lookalike", "last_contact", "messages"])
def test_pages_walk_every_customer_once_in_order(
    demo_client: TestClient, demo_keys: Headers, sort: str
) -> None:
    read = demo_keys["read"]
    items = _all(demo_client, read, sort=sort)
    ids = [c["id"] for c in items]
    assert len(ids) == len(set(ids)) > 50
    if sort == "lookalike":
        scores = [c["lookalike"]["score"] if c["lookalike"] else -1 for c in items]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] > 0
    elif sort == "messages":
        counts = [c["messages"]["inbound"] + c["messages"]["outbound"] for c in items]
        assert counts == sorted(counts, reverse=True)
    else:
        dates = [c["last_contact_at"] or "" for c in items]
        assert dates == sorted(dates, reverse=True)


def test_filters_keep_only_what_they_name(demo_client: TestClient, demo_keys: Headers) -> None:
    read = demo_keys["read"]
    everyone = _all(demo_client, read)
    for outcome in ("won", "lost", "open"):
        chosen = _all(demo_client, read, outcome=outcome)
        assert chosen, outcome
        assert {c["outcome"] for c in chosen} == {outcome}
    assert sum(len(_all(demo_client, read, outcome=o)) for o in ("won", "lost", "open")) == len(
        everyone
    )
    staged = _all(demo_client, read, stage="quotation")
    assert {c["stage"] for c in staged} <= {"quotation"}
    high = _all(demo_client, read, min_lookalike=0.5)
    assert all(c["lookalike"]["score"] >= 0.5 for c in high)
    assert len(high) < len(everyone)
    sample = everyone[0]
    profile = _profile(demo_client, read, sample["id"])
    tag = profile["tags"][0]["id"]
    tagged = _all(demo_client, read, tag=tag)
    assert sample["id"] in {c["id"] for c in tagged}
    for customer in tagged[:5]:
        assert tag in {t["id"] for t in _profile(demo_client, read, customer["id"])["tags"]}
    by_name = _all(demo_client, read, q=sample["key"][:6].upper())
    assert sample["id"] in {c["id"] for c in by_name}


def test_a_profile_is_backed_by_its_own_mail(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    read = demo_keys["read"]
    won = _all(demo_client, read, outcome="won")[0]
    profile = _profile(demo_client, read, won["id"])
    assert profile["stage"]["current"] in {"trial_order", "bulk_order", "repeat_order"}
    reached = profile["stage"]["reached"]
    assert set(reached) <= set(STAGES)
    assert profile["stage"]["current"] == max(reached, key=STAGES.index)
    assert profile["outcome"]["value"] == "won"
    assert profile["outcome"]["source"] == "inferred"
    assert profile["contacts"]
    assert profile["messages"]["inbound"] > 0
    assert profile["tags"]
    with demo_sessions() as session:
        own = set(session.scalars(select(Message.id).where(Message.customer_id == won["id"])))
    for tag in profile["tags"]:
        assert tag["evidence"], tag
        assert 0 <= tag["score"] <= 1
        assert {e["message_id"] for e in tag["evidence"]} <= own
    lookalike = profile["lookalike"]
    model = demo_client.get("/v1/model", headers=read).json()
    assert lookalike["model_version"] == model["version"]
    nearest = lookalike["nearest_won"]
    assert [n["customer_id"] for n in nearest] == _nearest_won_by_mail(demo_sessions, won["id"])
    for near in nearest:
        assert _profile(demo_client, read, near["customer_id"])["outcome"]["value"] == "won"


def _nearest_won_by_mail(sessions: sessionmaker[Session], customer_id: str) -> list[str]:
    """The 5 other won customers whose mean mail embedding is most cosine-similar."""
    with sessions() as session:
        rows = session.execute(
            select(Customer.id, Customer.outcome, Customer.feature_embedding).where(
                Customer.feature_embedding.is_not(None)
            )
        ).all()
    vectors = {i: np.frombuffer(v, np.float32).astype(np.float64) for i, _, v in rows}
    target = vectors[customer_id]

    def cosine(other: str) -> float:
        row = vectors[other]
        return float(row @ target / (np.linalg.norm(row) * np.linalg.norm(target)))

    won = [i for i, outcome, _ in rows if outcome == "won" and i != customer_id]
    return sorted(won, key=lambda i: (-round(cosine(i), 4), i))[:5]


def test_lookup_finds_the_customer_of_an_address(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    with demo_sessions() as session:
        contact = session.scalars(select(Contact).limit(1)).one()
    response = demo_client.get(
        "/v1/customers/lookup", params={"email": contact.email.upper()}, headers=demo_keys["read"]
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == contact.customer_id
    missing = demo_client.get(
        "/v1/customers/lookup",
        params={"email": "nobody@unknown-company.example"},
        headers=demo_keys["read"],
    )
    assert_error(missing, 404, "not_found")


def test_an_outcome_set_through_the_api_wins_over_the_mail(
    demo_client: TestClient,
    demo_keys: Headers,
    demo_sessions: sessionmaker[Session],
    demo_runner: EnrichmentRunner,
) -> None:
    won = _all(demo_client, demo_keys["read"], outcome="won")[0]
    response = demo_client.put(
        f"/v1/customers/{won['id']}/outcome",
        json={"outcome": "lost", "at": "2026-01-02T03:04:05Z"},
        headers=demo_keys["write"],
    )
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == {
        "value": "lost",
        "source": "api",
        "at": "2026-01-02T03:04:05Z",
        "reason": None,
    }
    with demo_sessions.begin() as session:
        ProfileRepository(session).mark_dirty([won["id"]])
    refresh_profiles(demo_sessions, demo_runner.models.lookalike)
    again = _profile(demo_client, demo_keys["read"], won["id"])
    assert again["outcome"]["value"] == "lost"
    assert again["outcome"]["source"] == "api"
    before = demo_client.get("/v1/model", headers=demo_keys["read"]).json()["version"]
    demo_runner.enrich_now()
    after = demo_client.get("/v1/model", headers=demo_keys["read"]).json()
    assert after["version"] != before
    assert (
        demo_client.get("/v1/status", headers=demo_keys["read"]).json()["model_version"]
        == (after["version"])
    )


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"cursor": "garbage"},
        {"stage": "negotiating"},
        {"outcome": "maybe"},
        {"min_lookalike": 1.5},
        {"sort": "name"},
    ],
)
def test_bad_list_parameters_are_422(
    demo_client: TestClient, demo_keys: Headers, params: dict[str, Any]
) -> None:
    response = demo_client.get("/v1/customers", params=params, headers=demo_keys["read"])
    assert_error(response, 422, "invalid_request")


def test_a_cursor_of_another_sort_is_422(demo_client: TestClient, demo_keys: Headers) -> None:
    read = demo_keys["read"]
    page = demo_client.get("/v1/customers", params={"limit": 2}, headers=read).json()
    response = demo_client.get(
        "/v1/customers",
        params={"limit": 2, "sort": "messages", "cursor": page["next_cursor"]},
        headers=read,
    )
    assert_error(response, 422, "invalid_request")


def test_unknown_ids_and_bad_bodies(demo_client: TestClient, demo_keys: Headers) -> None:
    missing = "cus_0000000000000000000000000z"
    assert_error(
        demo_client.get(f"/v1/customers/{missing}", headers=demo_keys["read"]), 404, "not_found"
    )
    put = demo_client.put(
        f"/v1/customers/{missing}/outcome", json={"outcome": "won"}, headers=demo_keys["write"]
    )
    assert_error(put, 404, "not_found")
    some = _all(demo_client, demo_keys["read"])[0]["id"]
    for body in (
        {"outcome": "maybe"},
        {},
        {"outcome": "won", "extra": 1},
        {"outcome": "won", "at": "x"},
    ):
        response = demo_client.put(
            f"/v1/customers/{some}/outcome", json=body, headers=demo_keys["write"]
        )
        assert_error(response, 422, "invalid_request")
