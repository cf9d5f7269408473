"""A customer's journey as a list of steps: who writes, what, in which thread, how much later.

The plan follows the outcome drawn for the customer: won customers place a trial order
(and often bulk and repeat orders, sometimes with a complaint), lost ones end with an
explicit refusal or with our unanswered follow-ups, open ones stop mid-way before any
order. Stages may be skipped (no negotiation, no samples). Gaps are in hours: the
customer's reply latency follows its speed class, ours is a working day at most, and
samples, production and sea freight take days to weeks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.demo._people import Profile
from app.demo._rep import TZ_HOURS

US, THEM, SYSTEM = "us", "them", "system"
DAY = 24.0
# How often a customer acknowledges a tracking number or a B/L before the goods arrive.
_ACK_SHARE = {"fast": 0.8, "normal": 0.7, "slow": 0.4}


@dataclass(slots=True)
class Step:
    """One message to write: ``kind`` names its template, ``intent`` what it is meant as.

    ``thread`` numbers the conversation (a new number starts a new thread with a new
    subject), ``gap`` is the delay in hours after the previous step, ``order`` the order
    it belongs to (0 = trial), ``contact`` which of the customer's people writes it.
    """

    kind: str
    who: str
    intent: str
    thread: int
    gap: float
    order: int = -1
    contact: int = 0
    is_reply: bool = True


@dataclass(slots=True)
class Plan:
    """The steps of a journey and, for lost customers, how they were lost."""

    steps: list[Step]
    lost_by: str | None


class Planner:
    """Plans journeys; one planner per generation run (it only holds the random source)."""

    def __init__(self, rng: random.Random) -> None:
        """``rng`` drives every choice."""
        self._rng = rng

    def plan(self, p: Profile) -> Plan:
        """The journey of customer ``p`` (its outcome, source and traits already drawn)."""
        rng = self._rng
        steps: list[Step] = []
        self._steps, self._p, self._thread = steps, p, 0
        if not self._opening():
            return Plan(steps, "silence" if p.outcome == "lost" else None)
        if p.junk and p.outcome != "won":
            return self._junk_end()
        if p.junk:
            self._add("inquiry", THEM, "inquiry", self._theirs())
            self._add("quotation", US, "quotation", self._ours())
        pre_order_start = len(steps)
        self._before_order()
        if p.outcome == "open":
            cut = rng.randint(max(1, pre_order_start - 1), len(steps))
            del steps[cut:]
            return Plan(steps, None)
        if p.outcome == "lost":
            return self._lost_end()
        self._orders()
        return Plan(steps, None)

    # --- pieces ---------------------------------------------------------------------------

    def _add(
        self,
        kind: str,
        who: str,
        intent: str,
        gap: float,
        *,
        order: int = -1,
        contact: int = 0,
        is_reply: bool = True,
    ) -> None:
        self._steps.append(Step(kind, who, intent, self._thread, gap, order, contact, is_reply))

    def _new_thread(self) -> None:
        self._thread += 1

    def _theirs(self) -> float:
        """Hours the customer takes to answer us (by speed class, with some outliers)."""
        rng = self._rng
        low, high = {"fast": (1.5, 18.0), "normal": (22.0, 50.0), "slow": (80.0, 200.0)}[
            self._p.speed
        ]
        hours = rng.uniform(low, high)
        return hours * rng.uniform(1.5, 3.0) if rng.random() < 0.1 else hours

    def _ours(self) -> float:
        return self._rng.uniform(1.5, 26.0)

    def _days(self, low: float, high: float) -> float:
        return self._rng.uniform(low, high) * DAY

    def _opening(self) -> bool:
        """The first exchange up to our quotation; False when the customer never answers."""
        p, rng = self._p, self._rng
        if p.junk:
            first = "notify" if rng.random() < 0.6 else "junk"
            self._add(first, SYSTEM if first == "notify" else THEM, "inquiry", 0.0, is_reply=False)
            self._add("clarify", US, "other", self._ours())
            return True
        if p.source == "cold_outreach":
            self._add("intro", US, "other", 0.0, is_reply=False)
            unanswered = rng.random() < (0.3 if p.outcome == "lost" else 0.15)
            if unanswered and p.outcome != "won":
                self._add("follow_up", US, "other", self._days(6, 14))
                if rng.random() < 0.5:
                    self._add("follow_up", US, "other", self._days(10, 30))
                return False
            self._add("cold_reply", THEM, "inquiry", self._theirs())
        elif p.source == "trade_show" and rng.random() < 0.5:
            self._add("fair_quote", US, "quotation", 0.0, is_reply=False)
            return True
        elif p.source in {"marketplace", "website_form"} and rng.random() < 0.75:
            self._add("notify", SYSTEM, "inquiry", 0.0, is_reply=False)
        else:
            self._add("inquiry", THEM, "inquiry", 0.0, is_reply=False)
        if p.outcome == "open" and rng.random() < 0.1:
            return True
        self._add("quotation", US, "quotation", self._ours())
        return True

    def _before_order(self) -> None:
        """Negotiation rounds and the sample loop, each when this customer has them."""
        p, rng = self._p, self._rng
        if rng.random() < 0.15:
            self._add("ack", THEM, "other", self._theirs())
            gap_after_ack = self._days(2, 8)
        else:
            gap_after_ack = 0.0
        rounds = 0
        if p.price_sensitive:
            rounds = 1 + (rng.random() < 0.4)
        elif rng.random() < 0.2:
            rounds = 1
        for _ in range(rounds):
            self._add("negotiate", THEM, "negotiation", self._theirs() + gap_after_ack)
            self._add("counter", US, "negotiation", self._ours())
            gap_after_ack = 0.0
        wants_samples = {"won": 0.7, "lost": 0.45, "open": 0.55}[p.outcome]
        if rng.random() < wants_samples:
            if rng.random() < 0.35:
                self._new_thread()
                gap = self._theirs() + gap_after_ack + self._days(0, 6)
                self._add("sample_request", THEM, "sample_request", gap, is_reply=False)
            else:
                self._add("sample_request", THEM, "sample_request", self._theirs() + gap_after_ack)
            if rng.random() < 0.5:
                self._add("sample_fee", US, "sample_request", self._ours())
                self._add("sample_paid", THEM, "payment", self._theirs())
                self._add("sample_dispatch", US, "shipment", self._days(1, 4))
            else:
                self._add("sample_sent", US, "shipment", self._days(1, 4))
            if rng.random() < _ACK_SHARE[p.speed]:
                self._add("sample_ack", THEM, "shipment", self._theirs())
            bad = p.outcome == "lost" and rng.random() < 0.6
            self._add("feedback_bad" if bad else "feedback_good", THEM, "sample_feedback",
                      self._days(8, 20))  # fmt: skip
            if bad:
                self._add("counter_bad", US, "other", self._ours())

    def _lost_end(self) -> Plan:
        rng = self._rng
        last_ours = self._steps[-1].who == US
        refusal = rng.random() < 0.5
        if refusal:
            gap = self._theirs() * rng.uniform(1.0, 1.5) + (0.0 if last_ours else self._days(3, 10))
            self._add("refusal", THEM, "other", gap)
            return Plan(self._steps, "refusal")
        if not last_ours or rng.random() < 0.8:
            self._add("follow_up", US, "other", self._days(5, 12))
        if rng.random() < 0.4:
            self._add("follow_up", US, "other", self._days(10, 25))
        return Plan(self._steps, "silence")

    def _junk_end(self) -> Plan:
        p, rng = self._p, self._rng
        if rng.random() < 0.5:
            self._add("junk_more", THEM, "inquiry", self._theirs())
            self._add("catalog", US, "quotation", self._ours())
        if p.outcome == "lost" or rng.random() < 0.5:
            self._add("follow_up", US, "other", self._days(5, 12))
        return Plan(self._steps, "silence" if p.outcome == "lost" else None)

    def _orders(self) -> None:
        """The trial order, then a bulk order and repeat orders with some probability."""
        rng = self._rng
        self._order(0, self._days(2, 20))
        number = 1
        if rng.random() < 0.75:
            self._order(1, self._days(20, 70))
            number = 2
            while rng.random() < 0.6 and number < 6:
                self._order(number, self._days(45, 120))
                number += 1

    def _order(self, order: int, gap: float) -> None:
        p, rng = self._p, self._rng
        second = len(p.contacts) > 1 and rng.random() < 0.35
        payer = 1 if second else 0
        lc = p.pays_by_lc and order > 0
        self._new_thread()
        kind = ("po_trial", "po_bulk")[min(order, 1)] if order < 2 else "po_repeat"
        self._add(kind, THEM, "purchase_order", gap, order=order, is_reply=False)
        self._add("pi.lc" if lc else "pi", US, "purchase_order", self._ours(), order=order)
        if lc:
            self._add("lc", THEM, "payment", self._theirs() + self._days(2, 6), order=order,
                      contact=payer)  # fmt: skip
        else:
            self._add("deposit", THEM, "payment", self._theirs(), order=order, contact=payer)
            if rng.random() < 0.6:
                self._add("deposit_ok", US, "payment", self._ours(), order=order)
            self._add("balance_request", US, "payment", self._days(18, 32), order=order)
            self._add("balance", THEM, "payment", self._theirs(), order=order, contact=payer)
        by_air = order == 0 and rng.random() < 0.5
        self._add("shipped_air" if by_air else "shipped_sea", US, "shipment",
                  self._days(1, 4) if not lc else self._days(20, 32), order=order)  # fmt: skip
        transit = self._days(4, 8) if by_air else self._days(25, 40)
        if rng.random() < _ACK_SHARE[p.speed]:
            ack = self._theirs()
            self._add("shipped_ack", THEM, "shipment", ack, order=order, contact=payer)
            transit = max(transit - ack, DAY)
        if not by_air and rng.random() < 0.5:
            before_arrival = min(self._days(2, 5), transit / 2)
            self._add("telex", US, "shipment", transit - before_arrival, order=order)
            transit = before_arrival
        roll = rng.random()
        if roll < 0.15:
            self._new_thread()
            self._add("complaint", THEM, "complaint", transit + self._days(2, 10), order=order,
                      is_reply=False)  # fmt: skip
            self._add("complaint_reply", US, "complaint", self._ours(), order=order)
        elif roll < 0.65:
            self._add("received", THEM, "shipment", transit, order=order)


# --- when each step happens ---------------------------------------------------------------

WINDOW_DAYS = 540
"""How far back the correspondence goes (about 18 months)."""
SILENCE_DAYS = 91
"""A journey lost by silence ends at least this long before ``now`` (SPEC §6: 90 days)."""
OPEN_RECENT_DAYS = 60
"""An open journey's last message is at most this old at the start of the week of ``now``."""
_WEEK = timedelta(days=7)


def schedule(
    plan: Plan, p: Profile, now: datetime, rng: random.Random
) -> tuple[list[Step], list[datetime]]:
    """When each step of ``plan`` happens (UTC), in office hours of its writer's time zone.

    Everything is laid out against the start of ``now``'s week (Monday 00:00 UTC), so the
    same seed gives the same journeys for every ``now``, only moved by whole weeks: the
    clock changes the dates, never which or how many messages there are. The journey is
    laid out once from a random start early in the window, then moved forward by whole
    weeks (which keeps every weekday and local hour) to a random place that fits the
    outcome: lost-by-silence journeys end more than 90 days before that week, open ones
    within :data:`OPEN_RECENT_DAYS` days of it, all before it. Steps that would still fall
    after it are dropped (long won journeys only).
    """
    now = week_start(now)
    start = now - timedelta(days=WINDOW_DAYS) + timedelta(hours=rng.uniform(0.0, 7 * DAY))
    times: list[datetime] = []
    current = start
    for step in plan.steps:
        tz = TZ_HOURS if step.who == US else p.country.tz_hours
        current = _office_hours(current + timedelta(hours=step.gap), tz, rng)
        times.append(current)
    latest = now - timedelta(hours=1)
    if plan.lost_by == "silence":
        latest = now - timedelta(days=SILENCE_DAYS)
    earliest_end = now - timedelta(days=OPEN_RECENT_DAYS) if p.outcome == "open" else start
    high = (latest - times[-1]) // _WEEK
    low = -((times[-1] - earliest_end) // _WEEK) if times[-1] < earliest_end else 0
    weeks = rng.randint(low, high) if high >= low else max(high, 0)
    times = [t + weeks * _WEEK for t in times]
    keep = [i for i, t in enumerate(times) if t <= now - timedelta(hours=1)]
    return [plan.steps[i] for i in keep], [times[i] for i in keep]


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the week ``moment`` (timezone-aware) falls in."""
    utc = moment.astimezone(UTC)
    return (utc - timedelta(days=utc.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def _office_hours(t: datetime, tz_hours: float, rng: random.Random) -> datetime:
    """``t`` moved into the writer's office hours: most mail is written on weekdays 8–19h."""
    offset = timedelta(hours=tz_hours)
    local = t + offset
    hour = local.hour + local.minute / 60
    if hour >= 19.0 and rng.random() < 0.8:
        local = (local + timedelta(days=1)).replace(hour=8, minute=0) + _jitter(rng)
    elif hour < 7.5:
        local = local.replace(hour=8, minute=0) + _jitter(rng)
    if local.weekday() >= 5 and rng.random() < 0.85:
        days = 7 - local.weekday()
        local = (local + timedelta(days=days)).replace(hour=8, minute=0) + _jitter(rng)
    return local - offset


def _jitter(rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.randint(5, 150), seconds=rng.randint(0, 59))
