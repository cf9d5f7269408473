"""Bounded input at the API: a body over the limit is refused before it is read, over real
HTTP; texts over their size or count are refused by the schema, naming the field."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.api.scoring.schemas import MAX_TEXTS
from app.api.tags.schemas import EMAIL_TEXT_MAX_CHARS
from app.settings import Settings
from app.web import create_app
from tests.api.conftest import bearer
from tests.api.helpers import assert_error
from tests.ui.helpers import serving

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LIMIT = 64 * 1024
DECLARED = 200 * 1024 * 1024
# Whatever the body's length, the 413 comes back long before this; a server that waited for
# the rest of a body that never comes would make the test fail here instead of hanging.
ANSWER_WAIT_S = 60.0


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    """The real app behind uvicorn on a free port, with a request limit of ``LIMIT`` bytes."""
    limited = settings.model_copy(update={"max_request_bytes": LIMIT})
    with serving(create_app(limited)) as url:
        yield url


def _connect(base_url: str) -> socket.socket:
    address = urlsplit(base_url)
    return socket.create_connection((address.hostname, address.port), timeout=ANSWER_WAIT_S)


def _head(path: str, key: str, *fields: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: leadlens.test", f"Authorization: Bearer {key}"]
    return ("\r\n".join([*lines, *fields]) + "\r\n\r\n").encode()


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], Any]:
    """The status, headers and JSON body of the one response on ``sock`` (read to EOF: the
    server must close the connection after it)."""
    data = bytearray()
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, json.loads(body)


def _assert_too_large(status: int, headers: dict[str, str], body: Any) -> None:
    assert status == 413
    assert headers["connection"] == "close"
    assert set(body) == {"error", "detail"}
    assert body["error"] == "request_too_large"
    assert str(LIMIT) in body["detail"]


@on_sqlite
def test_a_declared_200_mb_body_is_refused_before_any_of_it_is_sent(
    base_url: str, keys: dict[str, str]
) -> None:
    with _connect(base_url) as sock:
        sock.sendall(
            _head(
                "/v1/tag",
                keys["read"],
                "Content-Type: application/json",
                f"Content-Length: {DECLARED}",
            )
        )
        # not one byte of the body is sent: the answer can only come from the headers
        _assert_too_large(*_answer(sock))


@on_sqlite
def test_a_chunked_body_is_refused_as_it_passes_the_limit_and_never_drained(
    base_url: str, keys: dict[str, str]
) -> None:
    sent = 0

    def endless_body() -> Iterator[bytes]:
        nonlocal sent
        while True:
            sent += 4096
            yield b"1000\r\n" + b" " * 4096 + b"\r\n"  # 0x1000 = 4096 bytes

    with _connect(base_url) as sock:
        sock.sendall(
            _head(
                "/v1/tag",
                keys["read"],
                "Content-Type: application/json",
                "Transfer-Encoding: chunked",
            )
        )
        chunks = endless_body()
        while sent <= LIMIT:  # one chunk past the limit, then nothing more, never the end
            sock.sendall(next(chunks))
        _assert_too_large(*_answer(sock))
    assert sent == LIMIT + 4096


@on_sqlite
def test_a_chunked_body_under_the_limit_reaches_the_endpoint_whole(
    base_url: str, keys: dict[str, str]
) -> None:
    # padding first, the invalid field last: the 422 names it only if the app got it all
    body = b" " * (LIMIT - 100) + b'{"name": 5}'
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    with _connect(base_url) as sock:
        sock.sendall(
            _head(
                "/v1/tags/topic:1",
                keys["write"],
                "Content-Type: application/json",
                "Transfer-Encoding: chunked",
                "Connection: close",
            ).replace(b"POST", b"PATCH", 1)
            + encoded
        )
        status, _headers, answer = _answer(sock)
    assert status == 422
    assert answer["error"] == "invalid_request"
    assert "body.name" in answer["detail"]


@on_sqlite
@pytest.mark.parametrize(("size", "refused"), [(LIMIT, False), (LIMIT + 1, True)])
def test_the_limit_is_inclusive(
    base_url: str, keys: dict[str, str], size: int, refused: bool
) -> None:
    body = b" " * (size - len(b'{"name": 5}')) + b'{"name": 5}'
    with _connect(base_url) as sock:
        sock.sendall(
            _head(
                "/v1/tags/topic:1",
                keys["write"],
                "Content-Type: application/json",
                f"Content-Length: {len(body)}",
                "Connection: close",
            ).replace(b"POST", b"PATCH", 1)
            + body
        )
        status, _headers, answer = _answer(sock)
    assert (status, answer["error"]) == (
        (413, "request_too_large") if refused else (422, "invalid_request")
    )


@on_sqlite
def test_dashboard_forms_have_the_same_limit(base_url: str) -> None:
    form = b"key=" + b"x" * LIMIT
    with _connect(base_url) as sock:
        sock.sendall(
            _head(
                "/ui/login",
                "none",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(form)}",
            )
            + form
        )
        _assert_too_large(*_answer(sock))


@on_sqlite
def test_the_413_is_documented_on_every_operation_that_takes_a_body(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    with_body = [
        (path, method, operation)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert ("/v1/tag", "post") in {(path, method) for path, method, _ in with_body}
    for _path, _method, operation in with_body:
        answer = operation["responses"]["413"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }


@on_sqlite
def test_tag_body_over_its_size_is_422_naming_the_field(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = {"body": "x" * (EMAIL_TEXT_MAX_CHARS + 1)}
    response = client.post("/v1/tag", json=body, headers=bearer(keys["read"]))
    assert_error(response, 422, "invalid_request")
    assert "body.body" in response.json()["detail"]


@on_sqlite
@pytest.mark.parametrize(
    ("texts", "field"),
    [
        (["x" * (EMAIL_TEXT_MAX_CHARS + 1)], "body.texts.0"),
        (["ok", "x" * (EMAIL_TEXT_MAX_CHARS + 1)], "body.texts.1"),
        (["hello"] * (MAX_TEXTS + 1), "body.texts"),
        (["x" * (EMAIL_TEXT_MAX_CHARS // 2)] * 3, "texts: at most 200,000 characters in all"),
    ],
)
def test_lookalike_texts_over_their_size_or_count_are_422_naming_the_field(
    client: TestClient, keys: dict[str, str], texts: list[str], field: str
) -> None:
    response = client.post("/v1/lookalike", json={"texts": texts}, headers=bearer(keys["read"]))
    assert_error(response, 422, "invalid_request")
    assert field in response.json()["detail"]


@on_sqlite
def test_text_limits_show_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["TagRequest"]["properties"]["body"]["maxLength"] == EMAIL_TEXT_MAX_CHARS
    texts = schemas["LookalikeRequest"]["properties"]["texts"]["anyOf"][0]
    assert texts["maxItems"] == MAX_TEXTS
    assert texts["items"]["maxLength"] == EMAIL_TEXT_MAX_CHARS


def test_the_largest_valid_text_requests_fit_the_default_body_limit() -> None:
    # 12 bytes a character is JSON's worst case: an astral character as two \\u escapes
    astral = "\U0001f600"
    largest = [
        {"subject": astral * 2_000, "body": astral * EMAIL_TEXT_MAX_CHARS, "from": astral * 320},
        {
            "texts": [astral * (EMAIL_TEXT_MAX_CHARS // MAX_TEXTS)] * MAX_TEXTS,
            "subject": astral * 1000,
        },
    ]
    limit = Settings.model_fields["max_request_bytes"].default
    for body in largest:
        assert len(json.dumps(body, ensure_ascii=True).encode()) < limit
