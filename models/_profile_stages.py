"""Journey stages and the inferred outcome of one customer (SPEC §6, §7), for
:func:`models.profiles.build_profile`: plain values out, the profile wraps them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from models._refusal import find_refusal

if TYPE_CHECKING:
    from models.profiles import MessageFacts, Stage

__all__ = ["ORDER_STAGES", "first_valid_inquiry", "infer_outcome", "reached_stages"]

ORDER_STAGES: tuple[Stage, ...] = ("trial_order", "bulk_order", "repeat_order")
_SAMPLE_INTENTS = frozenset({"sample_request", "sample_feedback"})
# An inbound message with one of these intents after a refusal reopens the customer.
_REOPENING = frozenset({"inquiry", "negotiation", "sample_request", "purchase_order"})


def reached_stages(ordered: Sequence[MessageFacts]) -> dict[Stage, datetime]:
    """The date each stage was first reached, from messages sorted by date (only ``lead``
    for a customer who never wrote to us; empty without messages)."""
    if not ordered:
        return {}
    reached: dict[Stage, datetime] = {"lead": ordered[0].sent_at}
    inbound = [m for m in ordered if m.direction == "inbound"]
    if not inbound:
        return reached
    reached["inquiry"] = inbound[0].sent_at
    for m in ordered:
        if (m.direction == "outbound" and m.intent == "quotation") or (
            m.direction == "inbound" and m.intent == "negotiation"
        ):
            reached.setdefault("quotation", m.sent_at)
        if m.intent in _SAMPLE_INTENTS:
            reached.setdefault("sample", m.sent_at)
    orders: dict[str, list[MessageFacts]] = {}
    for m in ordered:
        if m.intent == "purchase_order":
            orders.setdefault(m.thread_id, []).append(m)
    for group in orders.values():  # in the order of each thread's first purchase order
        at = group[0].sent_at
        if "trial_order" not in reached and "bulk_order" not in reached:
            reached["bulk_order" if _large(group) else "trial_order"] = at
        elif "bulk_order" not in reached:
            reached["bulk_order"] = at
        else:
            reached["repeat_order"] = at
            break
    return reached


def _large(order: Sequence[MessageFacts]) -> bool:
    return any(
        hit.name == "order_volume" and hit.value == "large" for m in order for hit in m.traits
    )


def first_valid_inquiry(
    ordered: Sequence[MessageFacts],
) -> tuple[bool, tuple[str, ...]] | None:
    """The (value, missing) check of the first inbound inquiry that has one, else ``None``."""
    for m in ordered:
        if m.direction == "inbound" and m.intent == "inquiry" and m.valid_inquiry is not None:
            return m.valid_inquiry
    return None


def infer_outcome(
    ordered: Sequence[MessageFacts],
    reached: dict[Stage, datetime],
    *,
    now: datetime,
    lost_after_days: int,
) -> tuple[Literal["won", "lost", "open"], datetime | None, str]:
    """(value, date, reason): ``won`` at the first order; else ``lost`` at an explicit
    refusal in their mail (unless a later inquiry, negotiation, sample request or order of
    theirs reopened it), or ``lost_after_days`` after our last message when it is the last
    one and that much time has passed by ``now``; else ``open``."""
    orders = [reached[s] for s in ORDER_STAGES if s in reached]
    if orders:
        at = min(orders)
        return "won", at, f"first order on {at.date().isoformat()}"
    refusal = _standing_refusal(ordered)
    if refusal is not None:
        message, evidence = refusal
        return (
            "lost",
            message.sent_at,
            f"refusal on {message.sent_at.date().isoformat()}: {evidence}",
        )
    silence = timedelta(days=lost_after_days)
    if ordered and ordered[-1].direction == "outbound" and now - ordered[-1].sent_at > silence:
        return (
            "lost",
            ordered[-1].sent_at + silence,
            f"no reply for {lost_after_days} days after our last message",
        )
    if ordered and ordered[-1].direction == "inbound":
        return "open", None, "their last message awaits our reply"
    return "open", None, "no order, refusal or long silence yet"


def _standing_refusal(ordered: Sequence[MessageFacts]) -> tuple[MessageFacts, str] | None:
    standing: tuple[MessageFacts, str] | None = None
    for m in ordered:
        if m.direction != "inbound":
            continue
        evidence = find_refusal(m.subject, m.text)
        if evidence is not None:
            standing = standing or (m, evidence)
        elif m.intent in _REOPENING:
            standing = None
    return standing
