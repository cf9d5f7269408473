"""Tagging, tags, status and rebuild over the real sentence model and a real store."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Message, MessageEmbedding, MessageTopic, MessageTrait, Topic
from app.enrichment.service import enrich_pending, rebuild_topics
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.loaded_models import LoadedModels
from tests.api.helpers import assert_error

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

GROUPS = ("rec.sport.hockey", "sci.space", "comp.graphics")


@pytest.fixture
def enriched(
    sessions: sessionmaker[Session], shared_data: Path, tmp_path: Path, client: TestClient
) -> LoadedModels:
    """80 messages of three 20ng groups imported, enriched (with the app's sentence model)
    and clustered into topics; the app's models."""
    sample = tmp_path / "sample"
    for group in GROUPS:
        (sample / group).mkdir(parents=True)
        for file in sorted((shared_data / "20ng-train" / group).iterdir())[:80]:
            (sample / group / file.name).symlink_to(file)
    with sessions.begin() as session:
        target = import_target(session, "news", ["example.com"])
    with Preparer(workers=0) as preparer:
        import_path(sessions, target.id, sample, 100, preparer)
    models: LoadedModels = client.app.state.models  # type: ignore[attr-defined]
    enrich_pending(sessions, models.embedder())
    rebuild_topics(sessions)
    return models


def _count(sessions: sessionmaker[Session], table: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_tag_reads_an_email_and_stores_nothing(
    client: TestClient, keys: dict[str, str], sessions: sessionmaker[Session]
) -> None:
    before = [_count(sessions, t) for t in (Message, MessageEmbedding, MessageTrait)]
    body = {
        "subject": "Inquiry: LED panels 600x600",
        "body": (
            "<html><body><p>Dear Sir,</p><p>We are a distributor in Germany. Please quote "
            "2000 pcs LED panel 600x600 40W, FOB Ningbo, with CE and RoHS.</p>"
            "<p>Best regards,<br>Jonas Weber<br>Purchasing Manager<br>Lichtwerk Handel GmbH"
            "<br>Tel: +49 40 5551234</p></body></html>"
        ),
        "from": "Jonas Weber <j.weber@lichtwerk-handel.de>",
    }
    response = client.post(
        "/v1/tag", json=body, headers={"Authorization": f"Bearer {keys['read']}"}
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["language"] == "en"
    assert found["intent"] == "inquiry"
    assert found["valid_inquiry"] == {"value": True, "missing": []}
    traits = {(t["name"], t["value"]) for t in found["tags"] if t["kind"] == "trait"}
    assert {("customer_type", "distributor"), ("incoterm", "FOB"), ("country", "DE")} <= traits
    assert all(t["evidence"] and 0 <= t["score"] <= 1 for t in found["tags"])
    assert [_count(sessions, t) for t in (Message, MessageEmbedding, MessageTrait)] == before


def test_tag_rejects_bad_input(client: TestClient, keys: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {keys['read']}"}
    assert_error(client.post("/v1/tag", json={}, headers=headers), 422, "invalid_request")
    assert_error(client.post("/v1/tag", json={"body": ""}, headers=headers), 422, "invalid_request")
    response = client.post(
        "/v1/tag", json={"body": "hi", "from": "a@b.c\r\nBcc: x@y.z"}, headers=headers
    )
    assert_error(response, 422, "invalid_request")
    assert client.post("/v1/tag", json={"body": "hi"}).status_code == 401


def test_tags_status_rename_and_rebuild(
    client: TestClient,
    keys: dict[str, str],
    sessions: sessionmaker[Session],
    enriched: LoadedModels,
) -> None:
    read = {"Authorization": f"Bearer {keys['read']}"}
    status = client.get("/v1/status", headers=read).json()
    assert status["messages"] == 240
    assert status["pending_enrichment"] == 0
    assert status["topics_version"] is not None

    interest = client.get("/v1/tags?kind=interest&limit=500", headers=read).json()["items"]
    assert len(interest) >= 3
    assert all(t["keywords"] and t["messages"] > 0 for t in interest)
    words = " ".join(" ".join(t["keywords"]) for t in interest)
    assert "hockey" in words or "nhl" in words
    traits = client.get("/v1/tags?kind=trait", headers=read).json()["items"]
    assert all(t["kind"] == "trait" and t["value"] for t in traits)

    first = client.get("/v1/tags?limit=2", headers=read).json()
    second = client.get(f"/v1/tags?limit=2&cursor={first['next_cursor']}", headers=read).json()
    assert {t["id"] for t in first["items"]}.isdisjoint(t["id"] for t in second["items"])
    assert_error(client.get("/v1/tags?cursor=nope", headers=read), 422, "invalid_request")

    topic_id = interest[0]["id"]
    write = {"Authorization": f"Bearer {keys['write']}"}
    assert (
        client.patch(f"/v1/tags/{topic_id}", json={"name": "Ice hockey"}, headers=read).status_code
        == 403
    )
    renamed = client.patch(f"/v1/tags/{topic_id}", json={"name": "Ice hockey"}, headers=write)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ice hockey"
    assert_error(
        client.patch("/v1/tags/topic:99999", json={"name": "x"}, headers=write), 404, "not_found"
    )
    if traits:
        response = client.patch(f"/v1/tags/{traits[0]['id']}", json={"name": "x"}, headers=write)
        assert_error(response, 409, "tag_not_renamable")

    admin = {"Authorization": f"Bearer {keys['admin']}"}
    assert client.post("/v1/rebuild", headers=write).status_code == 403
    assert client.post("/v1/rebuild", headers=admin).status_code == 202
    deadline = time.monotonic() + 120
    while (
        client.get("/v1/status", headers=read).json()["topics_version"] == status["topics_version"]
    ):
        assert time.monotonic() < deadline, "rebuild never finished"
        time.sleep(0.2)
    with sessions() as session:
        names = set(session.scalars(select(Topic.user_name)))
        assigned = session.scalar(select(func.count()).select_from(MessageTopic))
    assert "Ice hockey" in names, "a user-given name must survive re-clustering"
    assert assigned == 240
