"""Topics of the same interest merged, and topics that are nobody's interest told apart,
from who writes them.

Density clustering splits one interest into several topics when it is written in several
ways — a buyer's own description of a product and the seller's quotation line for it, an
inquiry and a purchase order — and the same customers then carry all of them. And some
clusters are not about goods at all but about the terms around them ("for 300 pcs we can
offer 2 % off", "please send 2 pcs as samples"): every customer writes those now and then,
and for none of them are they the main thing. Both show in the owners (customers) of the
rows, whatever the trade and the language:

- two topics merge when their owner profiles are alike (cosine of their columns in the
  owner × topic share matrix at least :data:`OWNER_SIMILARITY`) and their centroids are
  not far apart (cosine at least :data:`CENTROID_SIMILARITY`), the most alike pair first;
- a topic is an *interest* when, among the owners that carry any of its weight, at least
  :data:`MAIN_SHARE` carry more of it than of any other topic;
- beyond :data:`MAX_INTERESTS` interest topics, the two with the closest centroids merge,
  until that many are left.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray

OWNER_SIMILARITY = 0.25
CENTROID_SIMILARITY = 0.5
MAIN_SHARE = 0.3
MAX_INTERESTS = 40
"""Most interest topics a fit keeps: beyond, the closest ones are merged (a sales team reads
a few dozen interests, not hundreds)."""


def _owner_shares(
    labels: NDArray[np.intp],
    owner_index: NDArray[np.intp],
    weights: NDArray[np.float64],
    count: int,
) -> NDArray[np.float64]:
    """Owners × topics: each owner's weight per topic as a share of its clustered weight."""
    owners = int(owner_index.max(initial=-1)) + 1
    matrix = np.zeros((owners, count))
    kept = (labels >= 0) & (owner_index >= 0)
    np.add.at(matrix, (owner_index[kept], labels[kept]), weights[kept])
    totals = matrix.sum(axis=1, keepdims=True)
    shares: NDArray[np.float64] = np.divide(
        matrix, totals, out=np.zeros_like(matrix), where=totals > 0
    )
    return shares


def _cosine_columns(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(matrix, axis=0)
    unit = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    similarity: NDArray[np.float64] = unit.T @ unit
    return similarity


def _index(owners: Sequence[Hashable | None]) -> NDArray[np.intp]:
    """Each row's owner as a number (first seen first), −1 for rows without one."""
    numbers: dict[Hashable, int] = {}
    return np.array(
        [-1 if owner is None else numbers.setdefault(owner, len(numbers)) for owner in owners],
        dtype=np.intp,
    )


def merge_by_owners(
    labels: NDArray[np.intp],
    vectors: NDArray[np.float32],
    owners: Sequence[Hashable | None],
    weights: Sequence[float],
) -> tuple[NDArray[np.intp], int]:
    """``labels`` (0 … k − 1, −1 outliers) with the topics of the same interest merged, and
    the new topic count; merged topics take the lowest label of the pair, and the labels
    are renumbered 0 … count − 1 in order of their lowest original label. Deterministic:
    ties go to the lowest pair of labels."""
    labels = labels.copy()
    owner_index = _index(owners)
    weight = np.asarray(weights, dtype=np.float64)
    count = int(labels.max(initial=-1)) + 1
    while count > 1:
        alike = _cosine_columns(_owner_shares(labels, owner_index, weight, count))
        near = _centroid_similarities(labels, vectors, count)
        candidates = (alike >= OWNER_SIMILARITY) & (near >= CENTROID_SIMILARITY)
        np.fill_diagonal(candidates, False)
        if not candidates.any():
            break
        labels = _merge_pair(labels, np.where(candidates, alike, -np.inf))
        count -= 1
    return labels, count


def cap_interests(
    labels: NDArray[np.intp],
    vectors: NDArray[np.float32],
    owners: Sequence[Hashable | None],
    weights: Sequence[float],
    max_interests: int = MAX_INTERESTS,
) -> tuple[NDArray[np.intp], list[bool]]:
    """``labels`` with the closest interest topics merged (centroid cosine, the closest pair
    first) until at most ``max_interests`` are interests, and the interest flag of each
    topic of the result (see :func:`interest_flags`)."""
    flags = interest_flags(labels, owners, weights)
    while sum(flags) > max_interests:
        count = len(flags)
        near = _centroid_similarities(labels, vectors, count)
        both = np.outer(flags, flags)
        np.fill_diagonal(both, False)
        labels = _merge_pair(labels, np.where(both, near, -np.inf))
        flags = interest_flags(labels, owners, weights)
    return labels, flags


def _centroid_similarities(
    labels: NDArray[np.intp], vectors: NDArray[np.float32], count: int
) -> NDArray[np.float64]:
    """Cosine similarity of every pair of topic centroids."""
    sums = np.zeros((count, vectors.shape[1]))
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0].astype(np.float64))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    centroids = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
    similarity: NDArray[np.float64] = centroids @ centroids.T
    return similarity


def _merge_pair(labels: NDArray[np.intp], scores: NDArray[np.float64]) -> NDArray[np.intp]:
    """The two topics with the highest score merged into the lower label; labels above the
    other one move down by one (ties: the lowest pair)."""
    first, second = sorted(int(i) for i in np.unravel_index(int(np.argmax(scores)), scores.shape))
    merged = labels.copy()
    merged[merged == second] = first
    merged[merged > second] -= 1
    return merged


def interest_flags(
    labels: NDArray[np.intp], owners: Sequence[Hashable | None], weights: Sequence[float]
) -> list[bool]:
    """Per topic (0 … max label): whether it is an interest — the main topic of at least
    :data:`MAIN_SHARE` of the owners that carry any of its weight."""
    count = int(labels.max(initial=-1)) + 1
    shares = _owner_shares(labels, _index(owners), np.asarray(weights, dtype=np.float64), count)
    carriers = (shares > 0).sum(axis=0)
    main = np.zeros(count)
    carrying = shares.sum(axis=1) > 0
    np.add.at(main, np.argmax(shares[carrying], axis=1), 1.0)
    return [bool(c > 0 and m / c >= MAIN_SHARE) for m, c in zip(main, carriers, strict=True)]
