"""What customers are interested in: topics of the goods they ask for and order.

Interest topics are clustered from the *item lines* of customer mail
(:mod:`models._item_lines`: lines that name goods with a quantity) — inquiries, quotations,
orders and invoices in both directions — not from whole messages, whose greetings, payment
terms, signatures and shipping notes would make topics of their own. The customers that
write each item line take part in the fit (:func:`models.topics.fit_topics` with owners):
topics the same customers carry are merged, and topics that are nobody's main matter
(discounts for a quantity, samples to test) are kept but are not interests.

A message is put into a topic by its item lines when it has any (every topic may take it,
from :data:`models.topics.DEFAULT_MIN_SIMILARITY`), and otherwise by its whole text, into
an interest topic only and only when it is clearly close (:data:`TEXT_MIN_SIMILARITY`):
that is how a customer who never wrote a quantity ("we are interested in your flanges")
still gets an interest. :func:`interest_weights` then weighs a customer's messages.

Mail in which item lines are rare (fewer than :data:`MIN_ITEM_COVERAGE` of the customers
have one: not a trade of goods, or a sample of discussions) is clustered by whole messages
instead, every message placed by its whole text like any row of the fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from models._item_lines import interest_text, item_lines
from models.topics import (
    DEFAULT_MIN_SIMILARITY,
    Assignment,
    FittedTopic,
    TopicFit,
    assign_by_similarity,
    fit_topics,
)

__all__ = [
    "OUTBOUND_WEIGHT",
    "TEXT_MIN_SIMILARITY",
    "InterestFit",
    "InterestRow",
    "assign_messages",
    "fit_interests",
    "interest_text",
    "interest_weights",
    "item_lines",
]

TEXT_MIN_SIMILARITY = 0.45
"""Cosine similarity of a message without item lines (its whole-text embedding) to an
interest topic's centroid (an item-line embedding) from which it belongs to that topic.
Set for all-MiniLM-L6-v2 on export-sales mail: a sentence naming a product ("we need your
butterfly valves") lands around 0.5 from its topic; greetings, terms and signatures stay
below 0.4."""

OUTBOUND_WEIGHT = 0.5
"""Weight of our own messages to a customer beside theirs (1)."""

MIN_ITEM_COVERAGE = 0.25
"""Share of the customers (owners) with at least one item line from which topics are
clustered from item lines; below it, from whole messages."""


@dataclass(frozen=True, slots=True)
class InterestRow:
    """One embedded message as the interest fit sees it.

    ``vector``: the embedding of its whole text and ``text`` that text; ``items``: the
    embedding of its :func:`interest_text` (None: it has no item lines) and ``items_text``
    that text;
    ``owner``: the customer it belongs to (None: not customer mail, e.g. internal, bulk or
    automatic mail, which is assigned but never shapes the topics); ``inbound``: the
    customer wrote it (else we did).
    """

    vector: NDArray[np.float32]
    text: str
    items: NDArray[np.float32] | None
    items_text: str
    owner: str | None
    inbound: bool


@dataclass(frozen=True, slots=True)
class InterestFit:
    """The topics and every row's assignment, and whether they were clustered from item
    lines (``by_items``; else from whole messages, see :data:`MIN_ITEM_COVERAGE`)."""

    fit: TopicFit
    by_items: bool


def fit_interests(
    rows: Sequence[InterestRow],
    *,
    previous: Sequence[FittedTopic] = (),
    seed: int = 42,
    next_id: int = 1,
) -> InterestFit:
    """Topics fitted on the customer mail in ``rows``; every row assigned.

    The rows with an owner and item lines are clustered by their item lines (or, when
    fewer than :data:`MIN_ITEM_COVERAGE` of the owners have any, all rows with an owner by
    their whole text) with :func:`models.topics.fit_topics` and the owners, inbound rows
    weighing 1 and ours :data:`OUTBOUND_WEIGHT`; ids and names of ``previous`` topics found
    again are kept, fresh ids start at ``next_id``. The other rows are placed by
    :func:`assign_messages` (by whole messages: as if by item lines, their whole text being
    what the topics were fitted on). ``fit.assignments[i]`` is the topic of ``rows[i]``;
    ``fit.outlier_share`` the share of rows without one. Deterministic for the same rows
    in the same order and ``seed``.
    """
    owners = {row.owner for row in rows if row.owner is not None}
    with_items = {row.owner for row in rows if row.owner is not None and row.items is not None}
    by_items = bool(owners) and len(with_items) >= MIN_ITEM_COVERAGE * len(owners)
    fitted = [
        i
        for i, row in enumerate(rows)
        if row.owner is not None and (row.items is not None or not by_items)
    ]
    width = rows[0].vector.shape[0] if rows else 0
    stacked = [_row_vector(rows[i], by_items) for i in fitted]
    matrix = np.vstack(stacked) if stacked else np.zeros((0, width), dtype=np.float32)
    fit = fit_topics(
        matrix,
        [rows[i].items_text if by_items else rows[i].text for i in fitted],
        owners=[rows[i].owner for i in fitted],
        weights=[1.0 if rows[i].inbound else OUTBOUND_WEIGHT for i in fitted],
        previous=previous,
        seed=seed,
        next_id=next_id,
    )
    assignments: list[Assignment] = [Assignment(None, 0.0)] * len(rows)
    for i, assignment in zip(fitted, fit.assignments, strict=True):
        assignments[i] = assignment
    taken = set(fitted)
    others = [i for i in range(len(rows)) if i not in taken]
    if others and fit.topics:
        placed = assign_messages(
            _unit(np.vstack([_row_vector(rows[i], by_items) for i in others]))
            @ _centroids(fit.topics).T,
            [topic.id for topic in fit.topics],
            [topic.interest for topic in fit.topics],
            [rows[i].items is not None or not by_items for i in others],
        )
        for i, assignment in zip(others, placed, strict=True):
            assignments[i] = assignment
    share = float(np.mean([a.topic_id is None for a in assignments])) if rows else 0.0
    return InterestFit(TopicFit(fit.topics, tuple(assignments), share), by_items)


def _row_vector(row: InterestRow, by_items: bool) -> NDArray[np.float32]:
    """The embedding a row is clustered or placed by: its item lines' when topics come from
    item lines and it has some, else its whole text's."""
    return row.items if by_items and row.items is not None else row.vector


def _unit(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: NDArray[np.float32] = np.divide(
        matrix, norms, out=np.zeros_like(matrix), where=norms > 0
    ).astype(np.float32)
    return unit


def _centroids(topics: Sequence[FittedTopic]) -> NDArray[np.float32]:
    return np.vstack([topic.centroid for topic in topics]).astype(np.float32)


def assign_messages(
    similarities: NDArray[np.floating],
    topic_ids: Sequence[int],
    interest: Sequence[bool],
    from_items: Sequence[bool],
) -> tuple[Assignment, ...]:
    """The topic of each message from its cosine similarities to the topics ``topic_ids``
    (one column each; ``interest[j]``: topic j is an interest): a message placed by its
    item lines (``from_items[i]``) may join any topic from
    :data:`models.topics.DEFAULT_MIN_SIMILARITY` (the rule of
    :func:`models.topics.assign_by_similarity`); one placed by its whole text joins only an
    interest topic, from :data:`TEXT_MIN_SIMILARITY`. Raises ValueError when the shapes
    disagree."""
    matrix = np.asarray(similarities, dtype=np.float32)
    if (
        matrix.ndim != 2
        or matrix.shape != (len(from_items), len(topic_ids))
        or len(interest) != len(topic_ids)
    ):
        raise ValueError(
            f"similarities of shape {matrix.shape} for {len(from_items)} rows and "
            f"{len(topic_ids)} topics ({len(interest)} flags)"
        )
    ids = list(topic_ids)
    kept = [j for j, flag in enumerate(interest) if flag]
    by_items = assign_by_similarity(matrix, ids, min_similarity=DEFAULT_MIN_SIMILARITY)
    by_text = assign_by_similarity(
        matrix[:, kept], [ids[j] for j in kept], min_similarity=TEXT_MIN_SIMILARITY
    )
    return tuple(
        items if flag else text
        for items, text, flag in zip(by_items, by_text, from_items, strict=True)
    )


def interest_weights(
    messages: Iterable[tuple[int | None, str, bool]], interest_topics: Iterable[int]
) -> dict[int, float]:
    """A customer's weight in each interest topic, from its messages given as
    ``(topic id, new text, inbound)``: theirs weigh 1 and ours :data:`OUTBOUND_WEIGHT`.
    Only messages with item lines count when there are any in an interest topic; the
    messages placed by their whole text count only for a customer that never wrote or
    received an item line in one (a lead that named what it wants, a cold contact)."""
    wanted = set(interest_topics)
    by_items: dict[int, float] = {}
    by_text: dict[int, float] = {}
    for topic_id, text, inbound in messages:
        if topic_id is None or topic_id not in wanted:
            continue
        target = by_items if item_lines(text) else by_text
        target[topic_id] = target.get(topic_id, 0.0) + (1.0 if inbound else OUTBOUND_WEIGHT)
    return by_items or by_text
