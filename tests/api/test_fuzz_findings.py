"""What property-based fuzzing of the API found (tests/api/fuzzing.py), one test each: the
answers it got that the OpenAPI document did not declare, the 500s, and the requests the
document called valid but the API refused (or the other way round)."""

from __future__ import annotations

import re
import sys
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MailboxCreate
from app.api.patterns import ONE_LINE
from app.api.scoring.schemas import LookalikeRequest
from app.api.tags.schemas import TagRequest
from app.db.tables import Customer
from tests.api.conftest import bearer
from tests.api.helpers import assert_error

Headers = dict[str, dict[str, str]]
JSON = {"Content-Type": "application/json"}
MAILBOX = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "u", "password": "p"}


def _operation(client: TestClient, method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = client.get("/openapi.json").json()["paths"][path][method]
    return operation


def test_metrics_declares_its_errors_as_json(client: TestClient, keys: dict[str, str]) -> None:
    """The 401, 403 and 422 of /metrics were declared `text/plain` (its 200's type)."""
    responses = _operation(client, "get", "/metrics")["responses"]
    for status in ("401", "403", "422"):
        assert list(responses[status]["content"]) == ["application/json"]
    assert list(responses["200"]["content"]) == ["text/plain; version=0.0.4; charset=utf-8"]
    response = client.get("/metrics")
    assert response.headers["content-type"] == "application/json"
    assert client.get("/metrics", headers=bearer(keys["read"])).text.startswith("# HELP")


BODIES = [
    ("post", "/v1/mailboxes"),
    ("patch", "/v1/mailboxes/{mailbox_id}"),
    ("put", "/v1/customers/{customer_id}/outcome"),
    ("post", "/v1/lookalike"),
    ("post", "/v1/tag"),
    ("patch", "/v1/tags/{tag_id}"),
    ("post", "/v1/webhooks"),
    ("patch", "/v1/webhooks/{webhook_id}"),
]


@pytest.mark.parametrize(("method", "path"), BODIES)
def test_a_body_that_is_not_utf8_is_a_declared_400(
    client: TestClient, keys: dict[str, str], method: str, path: str
) -> None:
    """FastAPI answers 400 to a JSON body it cannot decode; it was not declared."""
    assert "400" in _operation(client, method, path)["responses"]
    url = (
        path.replace("{mailbox_id}", "mbx_x")
        .replace("{customer_id}", "c")
        .replace("{tag_id}", "topic:1")
        .replace("{webhook_id}", "whk_x")
    )
    response = client.request(
        method, url, content=b'{"x": "\xff"}', headers=JSON | bearer(keys["admin"])
    )
    assert_error(response, 400, "bad_request")


def test_every_operation_with_a_body_declares_the_400(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    with_body = {(m, p) for p, ops in paths.items() for m, op in ops.items() if "requestBody" in op}
    assert with_body == set(BODIES)


def _accepts(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


def _pattern(model: type[BaseModel], *fields: str) -> str:
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    node = schema["properties"]
    for name in fields:
        node = node[name]
    return str(node["pattern"])


# any text, with the characters the rules are about drawn often
SPECIAL = list(" .@/\\:,;\x00\t\n\r\x1c\x7f\x85\xa0\u2028\u3000Aé")
TEXT = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL)), max_size=12)
MAILBOX_SCHEMA = jsonschema_rs.validator_for(MailboxCreate.model_json_schema())


@settings(max_examples=500, derandomize=True, database=None)
@given(host=TEXT, domain=TEXT, folder=TEXT, username=TEXT)
def test_mailbox_text_is_refused_exactly_when_the_schema_says_so(
    host: str, domain: str, folder: str, username: str
) -> None:
    """The validators refused text the schema allowed (a domain with a space, a folder with
    a NUL, a username with a control character): each now shows its pattern, and a JSON
    Schema validator (Rust's regexes, not Python's) agrees with the API on every body."""
    for change in (
        {"host": host},
        {"own_domains": [domain]},
        {"folders": [folder]},
        {"username": username},
    ):
        body = MAILBOX | change
        assert _accepts(MailboxCreate, body) == MAILBOX_SCHEMA.is_valid(body), body


LEAD = st.fixed_dictionaries(
    {},
    optional={
        "customer_id": st.none() | TEXT,
        "email": st.none() | TEXT,
        "texts": st.none() | st.lists(TEXT, max_size=3),
        "subject": st.none() | TEXT,
    },
)


@settings(max_examples=500, derandomize=True, database=None)
@given(subject=TEXT, sender=TEXT, lead=LEAD)
def test_tag_and_lookalike_bodies_are_refused_exactly_when_the_schema_says_so(
    subject: str, sender: str, lead: dict[str, Any]
) -> None:
    tag = {"body": "hi", "subject": subject, "from": sender}
    assert _accepts(TagRequest, tag) == _schema(TagRequest).is_valid(tag), tag
    assert _accepts(LookalikeRequest, lead) == _schema(LookalikeRequest).is_valid(lead), lead


def _schema(model: type[BaseModel]) -> Any:
    return jsonschema_rs.validator_for(model.model_json_schema(by_alias=True))


def test_hosts_and_domains_are_not_trimmed_any_more() -> None:
    """Trimming made `" example.com "` valid for the API and invalid for its schema."""
    assert not _accepts(MailboxCreate, MAILBOX | {"host": " imap.example.com"})
    assert not _accepts(MailboxCreate, MAILBOX | {"own_domains": ["lumora.com "]})
    created = MailboxCreate.model_validate(
        MAILBOX | {"host": "IMAP.Example.com.", "own_domains": ["@Lumora.COM."]}
    )
    assert (created.host, created.own_domains) == ("imap.example.com", ["lumora.com"])


def test_exactly_one_secret_and_one_lead_are_in_the_schema() -> None:
    """`{}` passed the schema of POST /v1/lookalike and of POST /v1/mailboxes, then was 422."""
    one_secret = MailboxCreate.model_json_schema()["oneOf"]
    assert [case["required"] for case in one_secret] == [["password"], ["oauth2_token"], ["oauth2"]]
    one_lead = LookalikeRequest.model_json_schema()["oneOf"]
    assert [case["required"] for case in one_lead] == [["customer_id"], ["email"], ["texts"]]
    assert _accepts(LookalikeRequest, {"customer_id": "c", "email": None})
    assert not _accepts(LookalikeRequest, {"customer_id": "c", "email": "e@x.y"})
    assert not _accepts(LookalikeRequest, {"texts": [" \x1c\u3000", "\t"]})


def test_the_blank_texts_pattern_is_pythons_whitespace() -> None:
    texts = LookalikeRequest.model_json_schema()["properties"]["texts"]
    not_blank = re.compile(texts["contains"]["pattern"])
    for code in range(sys.maxunicode + 1):
        assert (not_blank.fullmatch(chr(code)) is None) == chr(code).isspace(), hex(code)


@pytest.mark.parametrize("field", ["subject", "from"])
@pytest.mark.parametrize("text", ["a\x85b", "a\u2028b", "Re: quote\n", "\x1c"])
def test_a_header_of_the_tagged_email_is_one_line(field: str, text: str) -> None:
    """`POST /v1/tag` with a subject holding U+0085 was 422 though its schema allowed it (the
    email package splits header lines with str.splitlines), and `"Re: quote\\n"` passed."""
    assert _pattern(TagRequest, field, "anyOf", 0) == ONE_LINE
    assert not _accepts(TagRequest, {"body": "hi", field: text})
    assert _accepts(TagRequest, {"body": "hi", field: "Re: LED panels \u00e0 600x600"})


@pytest.mark.parametrize("value", ["0", "0.0", "1700000000", "2024-13-01", "24-01-01", "2024-1-1"])
def test_funnel_dates_are_dates(demo_client: TestClient, demo_keys: Headers, value: str) -> None:
    """`?to=0.0` was read as 1970-01-01 (a Unix time)."""
    response = demo_client.get(
        "/v1/analytics/funnel", params={"to": value}, headers=demo_keys["read"]
    )
    assert_error(response, 422, "invalid_request")


@pytest.mark.parametrize(
    ("at", "status"),
    [
        ("0001-01-01T00:00:00+14:00", 422),  # a 500: out of range once moved to UTC
        ("9999-12-31T23:59:59-14:00", 422),
        (0, 422),  # read as a Unix time
        ("2024-05-31", 422),  # read as midnight
        ("2024-05-31T09:30:00", 422),  # no offset
        ("2024-05-31t09:30:00.123456789z", 200),
        ("0001-01-01T00:00:00Z", 200),
        ("9999-12-31T23:59:59Z", 200),
    ],
)
def test_an_outcome_date_is_an_rfc3339_moment(
    demo_client: TestClient,
    demo_keys: Headers,
    demo_sessions: sessionmaker[Session],
    at: object,
    status: int,
) -> None:
    with demo_sessions() as session:
        customer = session.scalars(select(Customer.id).order_by(Customer.id).limit(1)).one()
    response = demo_client.put(
        f"/v1/customers/{customer}/outcome",
        json={"outcome": "lost", "at": at},
        headers=demo_keys["write"],
    )
    assert response.status_code == status, response.text
    if status == 200:
        assert demo_client.get("/v1/analytics/funnel", headers=demo_keys["read"]).is_success
