"""One handler turns every error into ``{"error", "detail"}`` with the right status."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.errors import LeadlensError

log = logging.getLogger("leadlens.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    422: "invalid_request",
}


def _body(
    code: str, detail: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def error_response(exc: LeadlensError) -> JSONResponse:
    """The response that renders ``exc``: its status, its headers and ``{"error", "detail"}``
    (also sent by middleware that answers before the application runs)."""
    return _body(exc.code, exc.detail, exc.status_code, exc.headers)


async def _leadlens_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LeadlensError)
    return error_response(exc)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    return _body(code, str(exc.detail), exc.status_code, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = [
        f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors()
    ]
    return _body("invalid_request", "; ".join(parts) or "invalid request", 422)


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return _body("internal_error", "an unexpected error happened; it has been logged", 500)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of ``app`` as JSON ``{"error", "detail"}``."""
    app.add_exception_handler(LeadlensError, _leadlens_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
