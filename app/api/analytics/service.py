"""Analytics: the journey funnel of the customers first contacted in a date range, overall,
by a grouping tag and by monthly cohort, with Kaplan–Meier cycle times (SPEC §6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast

from sqlalchemy.orm import Session

from app.api.analytics.schemas import FunnelOut, GroupBy, StageRowOut
from app.db.repositories.analytics import AnalyticsRepository, JourneyRow
from app.db.types import utcnow
from app.errors import InvalidRequestError
from models.funnel import Journey, StageRow, by_cohort, funnel
from models.profiles import STAGES

MIN_WINDOW_DAYS = 1
MAX_WINDOW_DAYS = 3650
UNKNOWN_GROUP = "unknown"
_OUTCOMES = frozenset({"won", "lost", "open"})


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _journey(row: JourneyRow) -> Journey:
    outcome = row.outcome if row.outcome in _OUTCOMES else "open"
    return Journey(
        customer_id=row.customer_id,
        first_contact=_aware(row.first_contact_at),
        reached={
            stage: _aware(datetime.fromisoformat(str(at)))
            for stage, at in row.stage_reached.items()
            if stage in STAGES
        },
        outcome=cast(Literal["won", "lost", "open"], outcome),
        outcome_at=None if row.outcome_at is None else _aware(row.outcome_at),
    )


def _rows(rows: Sequence[StageRow]) -> list[StageRowOut]:
    return [StageRowOut.model_validate(r, from_attributes=True) for r in rows]


def _group_keys(
    repository: AnalyticsRepository,
    group_by: GroupBy,
    start: datetime | None,
    end: datetime | None,
) -> Mapping[str, list[str]]:
    """Customer id -> the groups it counts in (customers without any are absent)."""
    keys: dict[str, list[str]] = defaultdict(list)
    if group_by == "interest":
        for customer_id, tag_id, name in repository.interests(start, end):
            keys[customer_id].append(f"{name} ({tag_id})")
    else:
        for customer_id, value in repository.trait_values(group_by, start, end):
            keys[customer_id].append(value)
    return keys


def _groups(journeys: Sequence[Journey], keys: Mapping[str, list[str]]) -> dict[str, list[Journey]]:
    grouped: dict[str, list[Journey]] = defaultdict(list)
    for journey in journeys:
        for key in keys.get(journey.customer_id) or [UNKNOWN_GROUP]:
            grouped[key].append(journey)
    return {k: grouped[k] for k in sorted(grouped, key=lambda k: (k == UNKNOWN_GROUP, k))}


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """[start 00:00 UTC, the day after end 00:00 UTC): both dates inclusive."""
    low = None if start is None else datetime.combine(start, time.min, UTC)
    high = None if end is None or end == date.max else datetime.combine(end, time.min, UTC)
    return low, None if high is None else high + timedelta(days=1)


def funnel_report(
    session: Session,
    *,
    start: date | None,
    end: date | None,
    group_by: GroupBy | None,
    window_days: int,
    now: datetime | None = None,
) -> FunnelOut:
    """The funnel (one row per stage, see :func:`models.funnel.funnel`) of the customers
    whose first contact falls between ``start`` and ``end`` (inclusive dates, in UTC; None:
    unbounded) and that have reached a stage, as of ``now`` (default: the current time).

    ``groups`` holds the same rows per group of ``group_by`` (empty dict without it):
    ``lead_source`` / ``customer_type`` group by the customer's trait value, ``interest`` by
    each of its interest topics as ``"<topic name> (topic:<n>)"`` (a customer in several
    topics counts in each); customers without such a tag form the group ``"unknown"``,
    listed last, the others by name. ``cohorts`` holds the rows per month of first contact
    (``"YYYY-MM"``, oldest first). Raises InvalidRequestError when ``start`` is after
    ``end`` or ``window_days`` is outside 1–3650.
    """
    if not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS:
        raise InvalidRequestError(
            f"window_days must be between {MIN_WINDOW_DAYS} and {MAX_WINDOW_DAYS}, "
            f"not {window_days}"
        )
    if start is not None and end is not None and start > end:
        raise InvalidRequestError(f"from ({start}) is after to ({end})")
    moment = _aware(now) if now is not None else utcnow()
    low, high = _bounds(start, end)
    repository = AnalyticsRepository(session)
    journeys = [_journey(row) for row in repository.journeys(low, high) if row.stage_reached]
    groups = (
        {} if group_by is None else _groups(journeys, _group_keys(repository, group_by, low, high))
    )
    return FunnelOut(
        stages=_rows(funnel(journeys, window_days=window_days, now=moment)),
        groups={
            key: _rows(funnel(members, window_days=window_days, now=moment))
            for key, members in groups.items()
        },
        cohorts={
            month: _rows(funnel(members, window_days=window_days, now=moment))
            for month, members in by_cohort(journeys).items()
        },
    )
