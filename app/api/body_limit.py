"""A ceiling on request bodies: ``413 request_too_large`` before a byte too many is read.

The check is pure ASGI middleware in front of everything else (API, dashboard forms,
documentation), so no endpoint, form parser or JSON decoder ever sees a larger body: a
200 MB upload costs the service the few kilobytes of its headers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_response
from app.errors import RequestTooLargeError

_DESCRIPTION = "`request_too_large`: the body is over `LEADLENS_MAX_REQUEST_BYTES`"
_ERROR_SCHEMA = "#/components/schemas/ErrorOut"


class BodyLimit:
    """ASGI middleware that refuses HTTP requests whose body is over ``max_bytes``.

    A declared ``Content-Length`` over the limit is answered at once, before the
    application runs and before any byte of the body is read. A body of unknown length
    (``Transfer-Encoding: chunked``) is read here, at most ``max_bytes`` of it, before the
    application runs: it is answered 413 as soon as it passes the limit, and otherwise
    handed on whole. The 413 says ``Connection: close``, so the rest is never read.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        """Wrap ``app`` (any ASGI application) with a limit of ``max_bytes`` (> 0)."""
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection scope: HTTP requests are checked, anything else passes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            # a malformed length is the HTTP server's to refuse (uvicorn answers 400)
            if declared.isascii() and declared.isdigit() and self._over(declared):
                await self._refuse(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before the end of its body: nobody to answer
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    def _over(self, declared: str) -> bool:
        digits = declared.lstrip("0")
        return len(digits) > len(str(self.max_bytes)) or int(digits or "0") > self.max_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            RequestTooLargeError(f"the request body is over the limit of {self.max_bytes} bytes")
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` as the whole request, then what ``receive`` gives
    (the disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def install_body_limit(app: FastAPI, max_bytes: int) -> None:
    """Refuse every request of ``app`` whose body is over ``max_bytes`` with 413
    ``request_too_large`` (see :class:`BodyLimit`), and document that answer in the OpenAPI
    schema on each operation that takes a body."""
    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    schema_of = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = schema_of()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(
                        "413",
                        {
                            "description": _DESCRIPTION,
                            "content": {"application/json": {"schema": {"$ref": _ERROR_SCHEMA}}},
                        },
                    )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension point
