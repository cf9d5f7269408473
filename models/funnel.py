"""Journey analytics (SPEC §6): stage conversion within a window and Kaplan–Meier cycle times.

Pure: plain :class:`Journey` values in, one :class:`StageRow` per stage out. Customers still
in progress (and lost ones, from their loss on) are *censored*, not counted as failures, so
the median and p75 times to convert are not biased towards the customers that moved fast.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from models.profiles import STAGES

__all__ = [
    "Journey",
    "StageRow",
    "by_cohort",
    "funnel",
    "kaplan_meier",
    "km_quantile",
]

_DAY_SECONDS = 86_400.0
_TOLERANCE = 1e-9  # survival within this of a quantile's level counts as reaching it


@dataclass(frozen=True, slots=True)
class Journey:
    """One customer's way through the stages: when each was reached, and the outcome."""

    customer_id: str
    first_contact: datetime  # aware
    reached: Mapping[str, datetime]  # stage -> date reached (aware)
    outcome: Literal["won", "lost", "open"]
    outcome_at: datetime | None


@dataclass(frozen=True, slots=True)
class StageRow:
    """How one stage converts: counts, rates and Kaplan–Meier times to the next stage."""

    stage: str
    reached: int  # customers that reached this stage (by ``now``)
    converted: int  # of those, reached a later stage within window_days of this one
    conversion_rate: float | None  # converted / reached; None when reached == 0 or last stage
    median_days: float | None  # KM median days to the next stage; None: curve stays above 0.5
    p75_days: float | None  # KM days by which 75 % have converted; None: stays above 0.25
    lost: int  # of those reached, lost (outcome lost) without reaching a later stage
    loss_rate: float | None  # lost / reached; None when reached == 0


def kaplan_meier(durations: Sequence[float], observed: Sequence[bool]) -> list[tuple[float, float]]:
    """The Kaplan–Meier survival curve of ``durations`` (``observed[i]``: an event happened
    at ``durations[i]``; otherwise the subject was censored then).

    Returns one ``(time, survival)`` step per distinct event time, by time: the survival
    from that time on (until the next step); it is 1.0 before the first step, and the list
    is empty without events. At each event time ``t`` the survival is multiplied by
    ``1 - d / n``, where ``d`` is the number of events at ``t`` and ``n`` the number of
    subjects still at risk (duration >= t: a subject censored at ``t`` is at risk at ``t``).
    Raises ValueError when the lengths differ or a duration is negative or not finite.
    """
    if len(durations) != len(observed):
        raise ValueError(f"{len(durations)} durations but {len(observed)} observed flags")
    if any(not math.isfinite(d) or d < 0 for d in durations):
        raise ValueError("durations must be finite and non-negative")
    events: dict[float, int] = defaultdict(int)
    leaving: dict[float, int] = defaultdict(int)
    for duration, event in zip(durations, observed, strict=True):
        leaving[duration] += 1
        if event:
            events[duration] += 1
    at_risk = len(durations)
    survival = 1.0
    curve: list[tuple[float, float]] = []
    for time in sorted(leaving):
        if events[time]:
            survival *= 1.0 - events[time] / at_risk
            curve.append((time, survival))
        at_risk -= leaving[time]
    return curve


def km_quantile(curve: Sequence[tuple[float, float]], q: float) -> float | None:
    """The first time by which a share ``q`` (0 < q <= 1) of the subjects has had the event
    according to ``curve`` (from :func:`kaplan_meier`): the smallest step time whose
    survival is at most ``1 - q`` (within 1e-9); None when the curve never falls that low.
    ``q = 0.5`` is the median. Raises ValueError for ``q`` outside (0, 1].
    """
    if not 0.0 < q <= 1.0:
        raise ValueError(f"q must be in (0, 1], not {q}")
    level = 1.0 - q + _TOLERANCE
    return next((time for time, survival in curve if survival <= level), None)


def _days(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / _DAY_SECONDS)


def _check_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")


def _known(journey: Journey, now: datetime) -> dict[int, datetime]:
    """Stage index -> date, for the stages reached by ``now``."""
    known: dict[int, datetime] = {}
    for stage, at in journey.reached.items():
        if stage not in STAGES:
            raise ValueError(f"{journey.customer_id}: unknown stage {stage!r}")
        _check_aware(at, f"{journey.customer_id}: the date of {stage}")
        if at <= now:
            known[STAGES.index(stage)] = at
    return known


def _is_lost(journey: Journey, now: datetime) -> bool:
    """Whether the customer was lost by ``now`` (an undated loss counts)."""
    if journey.outcome != "lost":
        return False
    if journey.outcome_at is None:
        return True
    _check_aware(journey.outcome_at, f"{journey.customer_id}: outcome_at")
    return journey.outcome_at <= now


def _row(stage: str, samples: list[tuple[float, bool, bool]], window_days: int) -> StageRow:
    """A stage's row from (duration, converted, lost) of each customer that reached it."""
    reached = len(samples)
    last = stage == STAGES[-1]
    converted = sum(1 for duration, event, _ in samples if event and duration <= window_days)
    lost = sum(1 for _, _, was_lost in samples if was_lost)
    curve = kaplan_meier([s[0] for s in samples], [s[1] for s in samples])
    return StageRow(
        stage=stage,
        reached=reached,
        converted=converted,
        conversion_rate=None if reached == 0 or last else converted / reached,
        median_days=km_quantile(curve, 0.5),
        p75_days=km_quantile(curve, 0.75),
        lost=lost,
        loss_rate=None if reached == 0 else lost / reached,
    )


def funnel(journeys: Sequence[Journey], *, window_days: int, now: datetime) -> list[StageRow]:
    """One row per stage of :data:`models.profiles.STAGES`, in order, as of ``now``.

    For each customer that reached stage S at ``t0`` (by ``now``; dates after ``now`` are
    ignored, as if not reached yet):

    - *event*: the customer reached any later stage; the earliest later stage reached, at
      ``t1``, gives the duration ``t1 - t0`` in days (0 when a later stage is dated before
      S: stages skipped or reached out of order);
    - otherwise, a customer lost by ``now`` is counted in ``lost`` and censored at the loss
      (``outcome_at - t0``, at 0 days when the loss is undated or precedes S), and any other
      customer (open or won) is censored at ``now - t0``.

    ``converted`` counts the events with a duration of at most ``window_days``. Every
    customer that reached S is in ``reached`` (the denominator of ``conversion_rate``),
    including those that reached S less than ``window_days`` before ``now`` and have not
    converted yet: for recent cohorts the rate is a lower bound, the Kaplan–Meier times are
    not biased. ``median_days`` and ``p75_days`` are the Kaplan–Meier times by which 50 % and
    75 % of the customers at S had reached a later stage (see :func:`km_quantile`), over all
    customers that reached S, every event counted whatever the window.

    The last stage (``repeat_order``) has no later stage: its row is included with
    ``converted`` 0 and ``conversion_rate``, ``median_days`` and ``p75_days`` None.
    A stage nobody reached has zero counts and None rates and times. Raises ValueError when
    ``window_days < 1``, ``now`` or a date is naive, or a journey names an unknown stage.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    _check_aware(now, "now")
    samples: list[list[tuple[float, bool, bool]]] = [[] for _ in STAGES]
    for journey in journeys:
        known = _known(journey, now)
        lost = _is_lost(journey, now)
        for index, t0 in known.items():
            later = [at for stage, at in known.items() if stage > index]
            if later:
                samples[index].append((_days(t0, min(later)), True, False))
            elif lost:
                samples[index].append((_days(t0, journey.outcome_at or t0), False, True))
            else:
                samples[index].append((_days(t0, now), False, False))
    return [_row(stage, rows, window_days) for stage, rows in zip(STAGES, samples, strict=True)]


def by_cohort(journeys: Iterable[Journey]) -> dict[str, list[Journey]]:
    """Journeys by the month of their first contact (in UTC), as ``"YYYY-MM"`` keys in
    chronological order; months without journeys are absent."""
    cohorts: dict[str, list[Journey]] = defaultdict(list)
    for journey in journeys:
        _check_aware(journey.first_contact, f"{journey.customer_id}: first_contact")
        cohorts[journey.first_contact.astimezone(UTC).strftime("%Y-%m")].append(journey)
    return {month: cohorts[month] for month in sorted(cohorts)}
