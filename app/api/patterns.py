"""Text checked by a regular expression that the OpenAPI document shows as its ``pattern``
(or its ``format``), so that what the API accepts and what it documents cannot drift apart.
The patterns use ranges and escapes that Python, Rust and ECMA regular expressions read
alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr

# str.splitlines()'s line boundaries (what the email package refuses inside a header)
ONE_LINE = r"^[^\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]*$"


def matching(pattern: str, message: str) -> Callable[[str], str]:
    """A validator that lets through text matching all of ``pattern`` (else ``message``)
    and that is valid Unicode (no lone surrogate, which JSON allows and UTF-8 cannot store)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
        return value

    return check


def shown(pattern: str) -> dict[str, Any]:
    """The ``json_schema_extra`` that shows ``pattern`` in the OpenAPI document."""
    return {"pattern": pattern}


# RFC 3339 full-date and date-time, what JSON Schema's formats "date" and "date-time" mean
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_TIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def _written(pattern: str, message: str) -> Callable[[Any], Any]:
    """A before-validator refusing input that is not text matching ``pattern`` (a number
    would otherwise be read as a Unix time, and a date as midnight); values made in Python
    (not text) pass."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, (date, datetime)):
            return value
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(message)
        return value.upper()  # "t" and "z" are allowed; the parser wants "T" and "Z"

    return check


def _in_utc(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once moved to UTC") from None
    return value


Date = Annotated[date, BeforeValidator(_written(DATE, "must be a date such as 2024-05-31"))]
DateTime = Annotated[
    datetime,
    BeforeValidator(
        _written(DATE_TIME, "must be a date-time with its offset, such as 2024-05-31T09:30:00Z")
    ),
    AfterValidator(_in_utc),
]


NO_NUL = r"^[^\x00]*$"


def _without_nul(value: SecretStr) -> SecretStr:
    matching(NO_NUL, "must not contain NUL")(value.get_secret_value())
    return value


Secret = Annotated[
    SecretStr,
    Field(min_length=1, max_length=16_384, json_schema_extra=shown(NO_NUL)),
    AfterValidator(_without_nul),
]
"""A password, token or client secret: 1 to 16,384 characters, no NUL, never shown back."""
