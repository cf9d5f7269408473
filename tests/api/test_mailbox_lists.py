"""/v1/mailboxes lists, ids, sync requests and removal, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import FolderState, Mailbox, Message, QuarantinedMessage
from app.db.types import utcnow
from tests.api.helpers import assert_error, count, seed, store_mail


def test_pagination(
    client: TestClient, admin: dict[str, str], sessions: sessionmaker[Session]
) -> None:
    ids = seed(sessions, 3)
    first = client.get("/v1/mailboxes", params={"limit": 2}, headers=admin).json()
    assert [item["id"] for item in first["items"]] == ids[:2]
    assert isinstance(first["next_cursor"], str)
    assert ids[1] not in first["next_cursor"]  # opaque
    params: dict[str, str | int] = {"limit": 2, "cursor": first["next_cursor"]}
    second = client.get("/v1/mailboxes", params=params, headers=admin).json()
    assert [item["id"] for item in second["items"]] == ids[2:]
    assert second["next_cursor"] is None
    everything = client.get("/v1/mailboxes", headers=admin).json()
    assert [item["id"] for item in everything["items"]] == ids
    assert everything["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "501", "-1", "abc", "2.5"])
def test_limit_out_of_range_is_422(client: TestClient, admin: dict[str, str], limit: str) -> None:
    response = client.get("/v1/mailboxes", params={"limit": limit}, headers=admin)
    assert_error(response, 422, "invalid_request")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "!!!",
        "djE6Y3VzdG9tZXJzOm1ieF8wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA",  # another list's
        "djE6bWFpbGJveGVzOicgT1IgMT0xLS0",  # v1:mailboxes:' OR 1=1--
        "%00",
        "\u00e9",
        "A" * 5000,
    ],
)
def test_unknown_cursor_is_422(client: TestClient, admin: dict[str, str], cursor: str) -> None:
    response = client.get("/v1/mailboxes", params={"cursor": cursor}, headers=admin)
    assert_error(response, 422, "invalid_request")


@pytest.mark.parametrize(
    "mailbox_id", ["mbx_00000000000000000000000000", "nope", "%00", "mbx_%00", "x" * 300]
)
def test_unknown_id_is_404(client: TestClient, admin: dict[str, str], mailbox_id: str) -> None:
    for method, suffix in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/sync")]:
        body: dict[str, Any] | None = {} if method == "PATCH" else None
        path = f"/v1/mailboxes/{mailbox_id}{suffix}"
        response = client.request(method, path, json=body, headers=admin)
        assert_error(response, 404, "not_found")


def test_counts_and_folder_status(
    client: TestClient, admin: dict[str, str], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    (mailbox_id,) = seed(sessions, 1)
    store_mail(sessions, mailbox_id, tmp_path / "mail", 3)
    with sessions.begin() as session:
        session.add(
            FolderState(mailbox_id=mailbox_id, name="INBOX", uidvalidity=7, last_uid=3, messages=3)
        )
    shown = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin).json()
    assert (shown["messages"], shown["quarantined"]) == (3, 1)
    assert shown["folder_status"] == [
        {"name": "INBOX", "uidvalidity": 7, "last_uid": 3, "messages": 3}
    ]


def test_sync_now(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
) -> None:
    (mailbox_id,) = seed(sessions, 1)
    response = client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    assert response.status_code == 202
    assert response.json() == {"id": mailbox_id, "state": "idle"}
    with sessions.begin() as session:
        session.get_one(Mailbox, mailbox_id).auth_failed_at = utcnow()
    response = client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    assert_error(response, 409, "mailbox_auth_failed")


def test_delete_disables_and_keeps_the_mail(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    (mailbox_id,) = seed(sessions, 1)
    store_mail(sessions, mailbox_id, tmp_path / "mail", 2)
    response = client.delete(f"/v1/mailboxes/{mailbox_id}", headers=admin)
    assert response.status_code == 204
    assert response.content == b""
    shown = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin).json()
    assert (shown["state"], shown["messages"], shown["quarantined"]) == ("disabled", 2, 1)
    response = client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    assert_error(response, 409, "mailbox_disabled")
    assert client.delete(f"/v1/mailboxes/{mailbox_id}", headers=admin).status_code == 204


def test_delete_with_purge_removes_it_and_its_mail(
    client: TestClient, admin: dict[str, str], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    doomed, kept = seed(sessions, 2)
    store_mail(sessions, doomed, tmp_path / "doomed", 2)
    store_mail(sessions, kept, tmp_path / "kept", 3)
    with sessions.begin() as session:
        session.add(FolderState(mailbox_id=doomed, name="INBOX", uidvalidity=1, last_uid=2))
    response = client.delete(f"/v1/mailboxes/{doomed}", params={"purge": "true"}, headers=admin)
    assert response.status_code == 204
    assert_error(client.get(f"/v1/mailboxes/{doomed}", headers=admin), 404, "not_found")
    with sessions() as session:
        assert session.get(Mailbox, doomed) is None
        for table in (Message, QuarantinedMessage, FolderState):
            assert count(session, table, doomed) == 0
        assert (count(session, Message, kept), count(session, QuarantinedMessage, kept)) == (3, 1)
    assert_error(
        client.delete(f"/v1/mailboxes/{kept}", params={"purge": "maybe"}, headers=admin),
        422,
        "invalid_request",
    )
