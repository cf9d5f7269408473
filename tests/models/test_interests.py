"""Interest topics from item lines, merged and told apart by the customers that write them.

The embeddings are synthetic and well separated, so that what is tested is the merging,
the interest flags, the naming and the placing of rows, not the sentence model: three
products, each written two ways (the buyer's words and the seller's quotation line), and a
discount line every customer writes once.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from models.interests import (
    InterestRow,
    assign_messages,
    fit_interests,
    interest_weights,
)

WIDTH = 48
PRODUCTS = {
    "wafer butterfly valve": ("Please quote wafer butterfly valve, EPDM liner: pcs",
                              "MF-W wafer butterfly valve | pcs | USD"),
    "brass ball valve": ("We need brass ball valve, full bore, BSP thread: pcs",
                         "BV brass ball valve, full bore | units | USD"),
    "submersible drainage pump": ("Kindly offer submersible drainage pump with float: units",
                                  "MFD submersible drainage pump | units | EUR"),
}  # fmt: skip
DISCOUNT = "For pcs we can give an additional discount"
CUSTOMERS_PER_PRODUCT = 10

pytestmark = pytest.mark.filterwarnings(
    "ignore:Tensorflow not installed; ParametricUMAP will be unavailable:ImportWarning"
)


def _directions(count: int, seed: int) -> NDArray[np.float64]:
    basis, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((WIDTH, count)))
    return basis.T


def _near(direction: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.float32]:
    vector = direction + 0.08 * rng.standard_normal(WIDTH)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _rows(*, with_items: bool = True) -> list[InterestRow]:
    """Per customer: 3 inquiry lines (theirs), 3 quotation lines (ours), 1 discount line
    (ours); all customers of one product; plus 5 internal rows without an owner."""
    rng = np.random.default_rng(5)
    directions = _directions(2 * len(PRODUCTS) + 2, seed=3)
    rows: list[InterestRow] = []
    for p, (_name, (theirs, ours)) in enumerate(PRODUCTS.items()):
        buyer = directions[2 * p]
        seller = 0.75 * buyer + np.sqrt(1 - 0.75**2) * directions[2 * p + 1]  # cosine 0.75
        for c in range(CUSTOMERS_PER_PRODUCT):
            owner = f"customer-{p}-{c}"
            for text, direction, inbound in (
                *[(theirs, buyer, True)] * 3,
                *[(ours, seller, False)] * 3,
                (DISCOUNT, directions[-2], False),
            ):
                vector = _near(direction, rng)
                rows.append(
                    InterestRow(
                        vector=vector,
                        text=text,
                        items=vector if with_items else None,
                        items_text=text if with_items else "",
                        owner=owner,
                        inbound=inbound,
                    )
                )
    for _ in range(5):
        vector = _near(directions[0], rng)
        rows.append(InterestRow(vector, "internal", vector, "internal", None, False))
    return rows


def test_ways_of_writing_one_product_merge_and_the_discount_is_no_interest() -> None:
    rows = _rows()
    fitted = fit_interests(rows, seed=7)
    assert fitted.by_items
    topics = {topic.id: topic for topic in fitted.fit.topics}
    interests = sorted(topic.name for topic in topics.values() if topic.interest)
    assert interests == sorted(PRODUCTS)
    others = [topic for topic in topics.values() if not topic.interest]
    assert len(others) == 1 and "discount" in others[0].name
    assignment = fitted.fit.assignments
    for p, name in enumerate(PRODUCTS):
        start = p * CUSTOMERS_PER_PRODUCT * 7
        owned = assignment[start : start + CUSTOMERS_PER_PRODUCT * 7]
        placed = {topics[a.topic_id].name for a in owned if a.topic_id is not None}
        assert placed == {name, others[0].name}
    internal = assignment[-5:]
    assert {topics[a.topic_id].name for a in internal if a.topic_id} == {"wafer butterfly valve"}
    again = fit_interests(rows, seed=7)
    assert again.fit.assignments == fitted.fit.assignments
    assert [(t.id, t.name, t.interest) for t in again.fit.topics] == [
        (t.id, t.name, t.interest) for t in fitted.fit.topics
    ]


def test_without_enough_item_lines_whole_messages_are_clustered() -> None:
    fitted = fit_interests(_rows(with_items=False), seed=7)
    assert not fitted.by_items
    assert len([t for t in fitted.fit.topics if t.interest]) == len(PRODUCTS)
    assert fit_interests([], seed=7).fit.topics == ()


def test_messages_without_item_lines_need_a_clear_interest_topic() -> None:
    similarities = np.array([[0.9, 0.2], [0.5, 0.35], [0.4, 0.35], [0.2, 0.33]])
    found = assign_messages(similarities, [1, 2], [False, True], [True, True, False, False])
    assert [a.topic_id for a in found] == [1, 1, None, None]
    found = assign_messages(similarities, [1, 2], [True, True], [False] * 4)
    assert [a.topic_id for a in found] == [1, 1, None, None]
    with pytest.raises(ValueError, match="shape"):
        assign_messages(similarities, [1], [True], [True] * 4)


def test_interest_weights_prefer_item_lines() -> None:
    messages = [
        (1, "Please quote 20 pcs of X", True),
        (1, "X price list: 3 sets", False),
        (2, "Do you also make Y?", True),
        (3, "For 50 pcs we give 2 % off", False),
        (None, "Thanks", True),
    ]
    assert interest_weights(messages, {1, 2}) == {1: 1.5}
    assert interest_weights(messages[2:], {1, 2}) == {2: 1.0}
    assert interest_weights(messages, set()) == {}


def test_merging_and_flags_follow_the_owners_and_the_cap_merges_the_closest() -> None:
    from models._topic_merge import cap_interests, interest_flags, merge_by_owners

    rng = np.random.default_rng(9)
    directions = _directions(6, seed=4)
    directions[1] = 0.8 * directions[0] + 0.6 * directions[1]  # 1 is close to 0 …
    directions[4] = 0.7 * directions[3] + np.sqrt(0.51) * directions[4]  # … and 4 to 3
    labels, vectors, owners = [], [], []
    for topic, writers in ((0, "a"), (1, "b"), (2, "c"), (3, "d"), (4, "d"), (5, "abc")):
        for writer in writers:
            for c in range(6):
                labels.append(topic)
                vectors.append(_near(directions[topic], rng))
                owners.append(f"{writer}{c}")
    label_array = np.array(labels, dtype=np.intp)
    matrix = np.vstack(vectors)
    weights = [1.0] * len(labels)
    merged, count = merge_by_owners(label_array, matrix, owners, weights)
    assert count == 5  # 3 and 4 are close and carried by the same owners: one topic
    assert merged.tolist() == [*[0] * 6, *[1] * 6, *[2] * 6, *[3] * 12, *[4] * 18]
    # 4 (once 5) is written by a, b and c as much as their own topic: nobody's main one.
    assert interest_flags(merged, owners, weights) == [True, True, True, True, False]
    capped, flags = cap_interests(merged, matrix, owners, weights, max_interests=3)
    assert flags == [True, True, True, False]
    assert capped.tolist() == [*[0] * 12, *[1] * 6, *[2] * 12, *[3] * 18]  # 0 and 1 merged
