"""The error body every endpoint answers with, described for the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


class ErrorOut(BaseModel):
    """``{"error": "<code>", "detail": "<text>"}``: a stable code and a human explanation."""

    error: str
    detail: str


def error_responses(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries with the :class:`ErrorOut` body, one per status."""
    return {
        code: {"model": ErrorOut, "description": description}
        for code, description in descriptions.items()
    }


UNREADABLE_BODY = "`bad_request`: the body cannot be read (JSON must be UTF-8 text)"
# for the operations that take a JSON body
BODY_ERRORS = error_responses({400: UNREADABLE_BODY})
ERROR_RESPONSES = error_responses(
    {
        401: "`unauthorized`: no API key, or an unknown or revoked one",
        403: "`forbidden`: the key's scope is too small",
        404: "`not_found`: no such id",
        422: "`invalid_request`: the request does not validate (body, limit, cursor, an "
        "unknown or repeated query parameter)",
    }
)
