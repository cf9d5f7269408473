"""Interest topics: discovered by clustering embeddings, named by their phrases and keywords.

:func:`fit_topics` clusters a corpus (UMAP → HDBSCAN → merged by owner → c-TF-IDF keywords
→ names), keeps the ids and names of the topics it finds again, and assigns every row;
:func:`assign_topics` puts new messages into existing topics without refitting
(:func:`assign_by_similarity` when the similarities come from elsewhere).
Pure computation over numpy arrays and strings; the clustering libraries are imported
only when a fit runs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from models._ctfidf import stop_words, topic_keywords
from models._item_lines import CURRENCY_CODES, UNIT_ABBREVIATIONS
from models._topic_merge import cap_interests, interest_flags, merge_by_owners
from models._topic_names import phrase_names, topic_phrases

DEFAULT_MIN_SIMILARITY = 0.3
"""Cosine similarity to the nearest centroid below which a message is an outlier.

Set for all-MiniLM-L6-v2: on 20 Newsgroups, HDBSCAN's own members have a median
similarity of 0.54 to their centroid and a 10th percentile of 0.31; with 0.3 about 4 % of
the messages stay outliers. Another embedding model may need another value."""

MATCH_SIMILARITY = 0.8
"""Centroid cosine similarity from which a refitted topic is the same as a previous one."""

_TEMPERATURE = 0.05
"""Softmax temperature over centroid similarities: a lead of 0.1 over one rival ≈ 0.88."""

_RAMP = 0.15
"""Similarity above ``min_similarity`` from which closeness no longer lowers confidence."""


@dataclass(frozen=True, slots=True)
class FittedTopic:
    """One discovered topic.

    ``id`` is stable across refits and never reused for another topic; ``name`` is the
    topic's most representative phrase (else built from its keywords) unless a user gave
    one (kept across refits); ``keywords`` are the top c-TF-IDF terms, most distinctive
    first; ``size`` the rows assigned at fit time; ``centroid`` the normalised mean of their
    embeddings (float32, the input's dimension); ``interest`` whether it is something its
    owners are interested in rather than a matter every owner writes about now and then
    (see :func:`fit_topics`).
    """

    id: int
    name: str
    keywords: tuple[str, ...]
    size: int
    centroid: NDArray[np.float32]
    interest: bool = True


@dataclass(frozen=True, slots=True)
class Assignment:
    """The topic of one message (None: an outlier) and the confidence of that, in [0, 1]."""

    topic_id: int | None
    confidence: float


@dataclass(frozen=True, slots=True)
class TopicFit:
    """Result of :func:`fit_topics`: topics (largest first), one assignment per input row."""

    topics: tuple[FittedTopic, ...]
    assignments: tuple[Assignment, ...]
    outlier_share: float


def default_min_topic_size(rows: int) -> int:
    """The smallest topic :func:`fit_topics` reports for ``rows`` messages: max(10, rows // 500)."""
    return max(10, rows // 500)


def fit_topics(
    embeddings: NDArray[np.floating],
    texts: Sequence[str],
    *,
    previous: Sequence[FittedTopic] = (),
    seed: int = 42,
    min_topic_size: int | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    next_id: int = 1,
    owners: Sequence[Hashable | None] | None = None,
    weights: Sequence[float] | None = None,
) -> TopicFit:
    """Discover topics in ``embeddings`` (one row per text, ``texts`` in the same order).

    Promises:

    - every density cluster has at least ``min_topic_size`` rows (default
      :func:`default_min_topic_size`); every topic has up to 10 keywords (c-TF-IDF over
      unigrams and bigrams, English and email stop words removed); a new topic is named by
      its most representative phrase (:func:`models._topic_names.topic_phrases`), else from
      its keywords, differently from every other topic of the fit;
    - with ``owners`` (who wrote each row, e.g. the customer; None: nobody, and
      ``weights``, default 1 per row), clusters that the same owners carry are merged into
      one topic, and a topic is an interest only when it is the main topic of enough of its
      owners, and at most 40 topics are interests (:mod:`models._topic_merge`); without
      owners every cluster is a topic and an interest;
    - ``assignments[i]`` is the topic of row ``i``: its cluster, or — for a row the
      density clustering left out — the nearest cluster centroid when the cosine
      similarity to it is at least ``min_similarity`` (the rule of :func:`assign_topics`);
      otherwise None (an outlier);
    - a topic whose centroid has cosine similarity ≥ ``MATCH_SIMILARITY`` with a topic in
      ``previous`` (one-to-one, best total similarity) keeps that topic's id and name; the
      others get fresh ids from ``max(next_id, max previous id + 1)`` up, largest topic
      first. Pass as ``next_id`` one more than the highest id ever issued so that ids of
      topics gone in earlier refits are never reused. Previous topics not found are dropped;
    - the same input and ``seed`` give the same result — bit for bit the same rows in the
      same order. UMAP's layout amplifies any change: on 400 demo messages, ~1e-7 noise in
      69 rows turned 13 topics into 12, and after rounding to 1e-3 the one value still
      different turned 12 into 14. Callers that must agree fit the same vectors in a
      canonical order;
    - fewer than ``2 × min_topic_size`` rows (including none) give no topics and only outliers.

    Raises ValueError when ``embeddings`` is not 2-D or not finite, ``texts``, ``owners``
    or ``weights`` has another length, or ``min_topic_size`` < 2.
    """
    vectors = _unit_rows(embeddings)
    rows = vectors.shape[0]
    for name, given in (("texts", texts), ("owners", owners), ("weights", weights)):
        if given is not None and len(given) != rows:
            raise ValueError(f"{len(given)} {name} for {rows} embeddings")
    size = default_min_topic_size(rows) if min_topic_size is None else min_topic_size
    if size < 2:
        raise ValueError(f"min_topic_size must be at least 2, not {size}")
    if rows < 2 * size:
        return _no_topics(rows)
    from models._clustering import cluster, reduce

    found = cluster(reduce(vectors, seed=seed), min_cluster_size=size, min_samples=size)
    labels, count = _by_size(found)
    if count == 0:
        return _no_topics(rows)
    outliers = np.flatnonzero(labels < 0)
    first = _centroids(vectors, labels, count)
    labels[outliers] = _nearest(vectors[outliers] @ first.T, min_similarity)
    interest = [True] * count
    if owners is not None:
        row_weights = [1.0] * rows if weights is None else list(weights)
        merged, _ = merge_by_owners(labels, vectors, owners, row_weights)
        capped, _ = cap_interests(merged, vectors, owners, row_weights)
        labels, count = _by_size(capped)
        interest = interest_flags(labels, owners, row_weights)
    centroids = _centroids(vectors, labels, count)
    keywords = topic_keywords(texts, labels, count)
    phrases = topic_phrases(
        texts, labels.tolist(), count, stop_words() | UNIT_ABBREVIATIONS | CURRENCY_CODES | {"x"}
    )
    ids, names = _identities(centroids, keywords, phrases, previous, next_id)
    sizes = np.bincount(labels[labels >= 0], minlength=count)
    topics = [
        FittedTopic(ids[j], names[j], keywords[j], int(sizes[j]), centroids[j], interest[j])
        for j in range(count)
    ]
    confidence = _confidence(vectors @ centroids.T, labels, min_similarity)
    assignments = tuple(
        Assignment(None, 0.0) if label < 0 else Assignment(ids[label], float(value))
        for label, value in zip(labels.tolist(), confidence.tolist(), strict=True)
    )
    return TopicFit(tuple(topics), assignments, float(np.mean(labels < 0)))


def assign_topics(
    embeddings: NDArray[np.floating],
    topics: Sequence[FittedTopic],
    *,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> tuple[Assignment, ...]:
    """Assign each row of ``embeddings`` to its nearest topic centroid (cosine), no refit.

    A row whose best similarity is below ``min_similarity`` (or any row, when there are no
    topics) is an outlier, with confidence 0. The confidence of an assigned row grows with
    the similarity (from 0 at ``min_similarity`` to full at ``min_similarity + 0.15``)
    times its topic's share of a softmax over all similarities (temperature 0.05: a lead
    of 0.1 over a single rival gives 0.88). One matrix product; raises ValueError on a
    dimension mismatch or input that :func:`fit_topics` refuses.
    """
    vectors = _unit_rows(embeddings)
    if not topics or vectors.shape[0] == 0:
        return tuple(Assignment(None, 0.0) for _ in range(vectors.shape[0]))
    centroids = _unit_rows(np.stack([topic.centroid for topic in topics]))
    if centroids.shape[1] != vectors.shape[1]:
        raise ValueError(
            f"embeddings have {vectors.shape[1]} dimensions, topics {centroids.shape[1]}"
        )
    return assign_by_similarity(
        vectors @ centroids.T, [topic.id for topic in topics], min_similarity=min_similarity
    )


def assign_by_similarity(
    similarities: NDArray[np.floating],
    topic_ids: Sequence[int],
    *,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> tuple[Assignment, ...]:
    """:func:`assign_topics` from the cosine similarities already computed (one row per
    message, one column per topic of ``topic_ids``), e.g. by a vector database.

    Raises ValueError when ``similarities`` is not 2-D with one column per topic id.
    """
    matrix = np.asarray(similarities, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != len(topic_ids):
        raise ValueError(f"similarities of shape {matrix.shape} for {len(topic_ids)} topics")
    if not topic_ids:
        return tuple(Assignment(None, 0.0) for _ in range(matrix.shape[0]))
    labels = _nearest(matrix, min_similarity)
    confidence = _confidence(matrix, labels, min_similarity)
    return tuple(
        Assignment(None, 0.0) if label < 0 else Assignment(topic_ids[label], float(value))
        for label, value in zip(labels.tolist(), confidence.tolist(), strict=True)
    )


def _unit_rows(embeddings: NDArray[np.floating]) -> NDArray[np.float32]:
    """A float32 copy of the 2-D ``embeddings`` with every non-zero row scaled to length 1.

    An empty input of any shape is zero rows; raises ValueError for another shape than 2-D
    or for values that are not finite.
    """
    vectors = np.array(embeddings, dtype=np.float32)
    if vectors.size == 0 and vectors.ndim != 2:
        vectors = vectors.reshape(0, 0)
    if vectors.ndim != 2:
        raise ValueError(f"embeddings must be 2-D, not {vectors.ndim}-D")
    if not np.isfinite(vectors).all():
        raise ValueError("embeddings contain NaN or infinite values")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


def _no_topics(rows: int) -> TopicFit:
    return TopicFit((), tuple(Assignment(None, 0.0) for _ in range(rows)), 1.0 if rows else 0.0)


def _by_size(labels: NDArray[np.intp]) -> tuple[NDArray[np.intp], int]:
    """Labels renumbered so that 0 is the largest cluster (ties: first row first); the count."""
    clusters, first, sizes = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    order = np.lexsort((first, -sizes))
    mapping = np.full(int(labels.max(initial=-1)) + 2, -1, dtype=np.intp)
    mapping[clusters[order] + 1] = np.arange(order.size)
    return mapping[labels + 1], int(order.size)


def _centroids(
    vectors: NDArray[np.float32], labels: NDArray[np.intp], count: int
) -> NDArray[np.float32]:
    """Normalised mean vector of each topic's rows (one sparse product, float64 sums)."""
    from scipy import sparse

    members = np.flatnonzero(labels >= 0)
    indicator = sparse.csr_matrix(
        (np.ones(members.size), (labels[members], members)), shape=(count, labels.size)
    )
    return _unit_rows(np.asarray(indicator @ vectors.astype(np.float64)))


def _nearest(similarities: NDArray[np.float32], min_similarity: float) -> NDArray[np.intp]:
    """Index of each row's most similar centroid, or −1 when that is below ``min_similarity``."""
    best = np.argmax(similarities, axis=1)
    best_similarity = similarities[np.arange(best.size), best]
    return np.where(best_similarity >= min_similarity, best, -1)


def _confidence(
    similarities: NDArray[np.float32], labels: NDArray[np.intp], min_similarity: float
) -> NDArray[np.float64]:
    """Confidence of each row's label: softmax share of its topic × closeness ramp.

    The softmax (temperature ``_TEMPERATURE``) over all centroid similarities measures the
    lead over the other topics; the ramp rises linearly from 0 at ``min_similarity`` to 1
    at ``min_similarity + _RAMP``. Rows labelled −1 get 0.
    """
    if similarities.shape[1] == 0:
        return np.zeros(similarities.shape[0])
    scaled = similarities.astype(np.float64) / _TEMPERATURE
    scaled -= scaled.max(axis=1, keepdims=True)
    weights = np.exp(scaled)
    rows = np.arange(labels.size)
    chosen = np.maximum(labels, 0)
    share = weights[rows, chosen] / weights.sum(axis=1)
    ramp = np.clip((similarities[rows, chosen] - min_similarity) / _RAMP, 0.0, 1.0)
    return np.where(labels >= 0, share * ramp, 0.0)


def _identities(
    centroids: NDArray[np.float32],
    keywords: Sequence[tuple[str, ...]],
    phrases: Sequence[str | None],
    previous: Sequence[FittedTopic],
    next_id: int,
) -> tuple[list[int], list[str]]:
    """Id and name of each new topic: those of its matched previous topic, or fresh ones."""
    matched = _match_previous(centroids, previous)
    fresh = max(next_id, max((topic.id for topic in previous), default=0) + 1)
    new_rows = [j for j in range(centroids.shape[0]) if j not in matched]
    new_names = iter(
        phrase_names(
            [phrases[j] for j in new_rows],
            [keywords[j] for j in new_rows],
            (t.name for t in matched.values()),
        )
    )
    ids: list[int] = []
    names: list[str] = []
    for j in range(centroids.shape[0]):
        if j in matched:
            ids.append(matched[j].id)
            names.append(matched[j].name)
        else:
            ids.append(fresh)
            names.append(next(new_names))
            fresh += 1
    return ids, names


def _match_previous(
    centroids: NDArray[np.float32], previous: Sequence[FittedTopic]
) -> dict[int, FittedTopic]:
    """New topic index → the previous topic it continues (Hungarian matching on cosine)."""
    if not previous or centroids.shape[0] == 0:
        return {}
    old = _unit_rows(np.stack([topic.centroid for topic in previous]))
    if old.shape[1] != centroids.shape[1]:
        return {}  # another embedding model: nothing can be compared
    from scipy.optimize import linear_sum_assignment

    similarities = centroids @ old.T
    # Pairs below the bar weigh nothing, so they cannot push a valid pair out of the optimum.
    eligible = np.where(similarities >= MATCH_SIMILARITY, similarities, 0.0)
    rows, columns = linear_sum_assignment(eligible, maximize=True)
    return {
        int(r): previous[int(c)]
        for r, c in zip(rows, columns, strict=True)
        if similarities[r, c] >= MATCH_SIMILARITY
    }
