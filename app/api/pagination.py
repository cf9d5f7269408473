"""Cursor pagination shared by every list: ``limit`` 1-500, an opaque ``cursor``, a :class:`Page`.

A cursor is the sort key of the last item of the previous page, tagged with the list it
belongs to and encoded as unpadded urlsafe base64. Anything that does not decode to a key
of the right list is ``422 invalid_request``.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from app.errors import InvalidRequestError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_CURSOR_VERSION = "v1"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,400}")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1-{MAX_LIMIT}.")]
Cursor = Annotated[
    str | None,
    Query(description="The `next_cursor` of the previous page; omit it for the first page."),
]


class Page(BaseModel, Generic[T]):
    """One page of a list; ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass it as `cursor` to get the next page; null when there is none."
    )


def encode_cursor(kind: str, key: str) -> str:
    """The opaque cursor that resumes list ``kind`` after the item whose sort key is ``key``."""
    raw = f"{_CURSOR_VERSION}:{kind}:{key}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, kind: str, key_pattern: re.Pattern[str]) -> str:
    """The sort key inside a cursor of list ``kind``; InvalidRequestError for any other input."""
    invalid = InvalidRequestError(
        "query.cursor: not a cursor of this list; pass a `next_cursor` back unchanged"
    )
    if not _BASE64URL.fullmatch(cursor):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise invalid from None
    version, _, rest = raw.partition(":")
    found_kind, _, key = rest.partition(":")
    if version != _CURSOR_VERSION or found_kind != kind or not key_pattern.fullmatch(key):
        raise invalid
    return key
