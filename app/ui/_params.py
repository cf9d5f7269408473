"""The query strings the dashboard's pages accept, checked like the JSON API checks its own.

Every parser takes the raw query parameters and returns what the service functions take,
or raises :class:`BadParameterError` with a sentence the page shows (as a 422), never a
traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast, get_args

from app.api.analytics.schemas import GroupBy
from app.api.analytics.service import MAX_WINDOW_DAYS, MIN_WINDOW_DAYS
from app.api.customers.schemas import Outcome, Stage
from app.api.pagination import MAX_LIMIT
from app.db.repositories.customer_views import CustomerFilter, SortKey

STAGES: tuple[Stage, ...] = get_args(Stage)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
SORTS: tuple[SortKey, ...] = get_args(SortKey)
GROUP_BYS: tuple[GroupBy, ...] = get_args(GroupBy)
PAGE_SIZE = 25
_MAX_TAG = 120
_MAX_Q = 200
_MAX_CURSOR = 400


class BadParameterError(ValueError):
    """A query parameter the page cannot use; the message says which and why."""


def _text(params: Mapping[str, str], name: str, limit: int) -> str | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if len(value) > limit:
        raise BadParameterError(f"{name} may be at most {limit} characters long")
    if any(ord(c) < 32 for c in value):
        raise BadParameterError(f"{name} must not contain control characters")
    return value


def _choice(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if value not in choices:
        raise BadParameterError(f"{name} must be one of {', '.join(choices)}; not {value[:60]!r}")
    return value


def _integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if len(raw) > 9 or not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameterError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _date(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise BadParameterError(f"{name} must be a date such as 2025-01-31; not {raw[:40]!r}")


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """One page of the customers table: the filter, the order, the page size and cursor."""

    where: CustomerFilter
    sort: SortKey
    limit: int
    cursor: str | None

    def link(self, **changes: str | None) -> dict[str, str]:
        """The query string of this view with ``changes`` applied (None drops a parameter)."""
        current: dict[str, str | None] = {
            "tag": self.where.tag,
            "stage": self.where.stage,
            "outcome": self.where.outcome,
            "q": self.where.q,
            "sort": self.sort,
            "limit": None if self.limit == PAGE_SIZE else str(self.limit),
            "cursor": self.cursor,
        }
        current.update(changes)
        return {key: value for key, value in current.items() if value}


def customer_query(params: Mapping[str, str]) -> CustomerQuery:
    """``tag``, ``stage``, ``outcome``, ``q``, ``sort`` (default ``lookalike``), ``limit``
    (1–500, default 25) and ``cursor`` of the customers page."""
    sort = _choice(params, "sort", SORTS) or "lookalike"
    return CustomerQuery(
        where=CustomerFilter(
            tag=_text(params, "tag", _MAX_TAG),
            stage=_choice(params, "stage", STAGES),
            outcome=_choice(params, "outcome", OUTCOMES),
            q=_text(params, "q", _MAX_Q),
        ),
        sort=cast(SortKey, sort),
        limit=_integer(params, "limit", PAGE_SIZE, 1, MAX_LIMIT),
        cursor=_text(params, "cursor", _MAX_CURSOR),
    )


@dataclass(frozen=True, slots=True)
class FunnelQuery:
    """What the funnel is asked for: first-contact dates, a grouping, the window."""

    start: date | None
    end: date | None
    group_by: GroupBy | None
    window_days: int


def funnel_query(params: Mapping[str, str]) -> FunnelQuery:
    """``from`` / ``to`` (ISO dates), ``group_by`` and ``window_days`` (1–3650, default 90)
    of the funnel page; ``from`` after ``to`` is refused."""
    start, end = _date(params, "from"), _date(params, "to")
    if start is not None and end is not None and start > end:
        raise BadParameterError(f"from ({start}) is after to ({end})")
    return FunnelQuery(
        start=start,
        end=end,
        group_by=cast(GroupBy | None, _choice(params, "group_by", GROUP_BYS)),
        window_days=_integer(params, "window_days", 90, MIN_WINDOW_DAYS, MAX_WINDOW_DAYS),
    )
