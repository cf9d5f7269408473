"""Class-based TF-IDF (c-TF-IDF): the words that set one topic's messages apart from the rest.

Each topic is treated as one long document (the sum of its messages' term counts). A
term's weight in a topic is its share of that topic's terms (tf, L1 per topic) times
``log(1 + A / f)``, where ``A`` is the average number of terms per topic and ``f`` the
term's count over all topics — the formulation of BERTopic (Grootendorst, 2022) — except
that a term's count in one message is damped to ``log(1 + n)``, so that one long message
repeating a word cannot make it the word of the whole topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

# Words of the email genre itself: greetings, sign-offs, reply/forward markers, address
# fragments. They say nothing about what a customer is interested in.
EMAIL_STOP_WORDS = frozenset(
    {
        "re", "fw", "fwd", "aw", "wg", "sv", "tr", "subject", "sent", "cc", "bcc", "mailto",
        "wrote", "writes", "writing", "said", "hi", "hello", "hey", "dear", "sir", "madam",
        "mr", "mrs", "ms", "thanks", "thank", "thx", "regards", "best", "kind", "sincerely",
        "cheers", "greetings", "please", "pls", "plz", "com", "net", "org", "edu", "www",
        "http", "https", "html", "htm", "email", "mail", "message", "reply", "attached",
        "attachment", "dont", "don", "ve", "ll", "im", "just", "like", "know", "think",
    }
)  # fmt: skip

# Tokens of two or more word characters with at least one letter: keeps "x11", "ip65",
# "mp3", drops bare numbers and underscores-only runs.
WORD_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"


def stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list) and :data:`EMAIL_STOP_WORDS`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | EMAIL_STOP_WORDS)


def _count_matrix(texts: Sequence[str]) -> tuple[Any, NDArray[np.str_]] | None:
    """Sparse document × term counts (unigrams and bigrams, damped) and the terms, or None.

    Terms seen in a single document are dropped when there are enough documents for that
    to matter (they cannot describe a topic and they bloat the vocabulary); an input with
    no usable term at all gives None.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    for min_df in (2, 1) if len(texts) >= 50 else (1,):
        vectorizer = CountVectorizer(
            stop_words=sorted(stop_words()),
            token_pattern=WORD_PATTERN,
            ngram_range=(1, 2),
            min_df=min_df,
            dtype=np.float64,
        )
        try:
            counts = vectorizer.fit_transform(texts)
        except ValueError:  # empty vocabulary: only stop words, numbers or nothing
            continue
        counts.data = np.log1p(counts.data)
        return counts, vectorizer.get_feature_names_out()
    return None


def topic_keywords(
    texts: Sequence[str], labels: NDArray[np.intp], n_topics: int, *, top_n: int = 10
) -> list[tuple[str, ...]]:
    """The ``top_n`` most distinctive terms of each topic, most distinctive first.

    ``labels[i]`` is the topic (0 … ``n_topics`` − 1) of ``texts[i]``, or −1 for an outlier
    (outliers take no part). Returns one tuple per topic; a topic whose messages have no
    usable words gets an empty tuple. Deterministic: ties break by term order.
    """
    from scipy import sparse

    members = np.flatnonzero(labels >= 0)
    empty: list[tuple[str, ...]] = [() for _ in range(n_topics)]
    if n_topics == 0 or members.size == 0:
        return empty
    built = _count_matrix([texts[i] for i in members.tolist()])
    if built is None:
        return empty
    counts, terms = built
    indicator = sparse.csr_matrix(
        (np.ones(members.size), (labels[members], np.arange(members.size))),
        shape=(n_topics, members.size),
    )
    per_topic = sparse.csr_matrix(indicator @ counts)
    totals = np.asarray(per_topic.sum(axis=1)).ravel()
    frequency = np.asarray(per_topic.sum(axis=0)).ravel()
    average = max(float(totals.mean()), 1.0)
    idf = np.log1p(np.divide(average, frequency, out=np.zeros_like(frequency), where=frequency > 0))
    result: list[tuple[str, ...]] = []
    for topic in range(n_topics):
        start, end = per_topic.indptr[topic], per_topic.indptr[topic + 1]
        columns = per_topic.indices[start:end]
        # tf's per-topic normalisation does not change the order within a topic: counts × idf
        # rank the terms exactly as tf × idf does.
        scores = per_topic.data[start:end] * idf[columns]
        order = np.lexsort((columns, -scores))[:top_n]
        result.append(tuple(str(terms[columns[j]]) for j in order if scores[j] > 0))
    return result
