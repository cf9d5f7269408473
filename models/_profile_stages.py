"""Journey stages and the inferred outcome of one customer (SPEC §6, §7), for
:func:`models.profiles.build_profile`: plain values out, the profile wraps them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from models._deal_signals import offers_prices, order_references, places_order
from models._message_facts import MessageFacts, Stage
from models._refusal import find_refusal

__all__ = ["ORDER_STAGES", "first_valid_inquiry", "infer_outcome", "new_orders", "reached_stages"]

ORDER_STAGES: tuple[Stage, ...] = ("trial_order", "bulk_order", "repeat_order")
_SAMPLE_INTENTS = frozenset({"sample_request", "sample_feedback"})
# An inbound message with one of these intents after a refusal reopens the customer.
_REOPENING = frozenset({"inquiry", "negotiation", "sample_request", "purchase_order"})


def reached_stages(ordered: Sequence[MessageFacts]) -> dict[Stage, datetime]:
    """The date each stage was first reached, from messages sorted by date (only ``lead``
    for a customer who never wrote to us; empty without messages).

    ``inquiry``: their first message; ``quotation``: our first quotation or price offer
    that states prices or carries an offer (:func:`models._deal_signals.offers_prices`);
    ``sample``: a sample requested, fed back on, paid or sent; orders: see
    :func:`new_orders` (the first is ``trial_order`` whatever its size, the second
    ``bulk_order``, any later one ``repeat_order``)."""
    if not ordered:
        return {}
    reached: dict[Stage, datetime] = {"lead": ordered[0].sent_at}
    inbound = [m for m in ordered if m.direction == "inbound"]
    if not inbound:
        return reached
    reached["inquiry"] = inbound[0].sent_at
    for m in ordered:
        if m.direction == "outbound" and "quotation" not in reached and offers_prices(m.text):
            reached["quotation"] = m.sent_at
        if m.intent in _SAMPLE_INTENTS:
            reached.setdefault("sample", m.sent_at)
    for stage, order in zip(ORDER_STAGES, new_orders(ordered), strict=False):
        reached[stage] = order.sent_at
    return reached


def new_orders(ordered: Sequence[MessageFacts]) -> list[MessageFacts]:
    """The messages, in time order and across all threads, by which the customer placed a
    new order: an inbound purchase order that places one
    (:func:`models._deal_signals.places_order`) and is not about an order counted before.

    A message is about a counted order when every order or document number it names
    belongs to one (:func:`models._deal_signals.order_references`), or when it names none
    and its thread holds one. Numbers and threads join a counted order as mail names them:
    our proforma invoice "MF-PI-250172 for your PO 2025/7750" ties the invoice's number
    and thread to that order, so that their payment of that invoice is no new order."""
    counted: list[MessageFacts] = []
    order_threads: set[str] = set()
    order_numbers: set[str] = set()
    for m in ordered:
        numbers = order_references(m.subject, m.text)
        about_counted = bool(numbers & order_numbers) or m.thread_id in order_threads
        if (
            m.direction == "inbound"
            and m.intent == "purchase_order"
            and places_order(m.subject, m.text)
            and not (numbers <= order_numbers if numbers else m.thread_id in order_threads)
        ):
            counted.append(m)
            about_counted = True
        if about_counted:
            order_threads.add(m.thread_id)
            order_numbers |= numbers
    return counted


def first_valid_inquiry(
    ordered: Sequence[MessageFacts],
) -> tuple[bool, tuple[str, ...]] | None:
    """The (value, missing) check of the customer's first inquiry: their first message,
    the one that reached ``inquiry`` (whatever intent it was read as: a first inquiry may
    also haggle or ask for a sample); ``None`` when they never wrote or it has no check."""
    inbound = [m for m in ordered if m.direction == "inbound"]
    first = inbound[0] if inbound else None
    return None if first is None else first.valid_inquiry


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
