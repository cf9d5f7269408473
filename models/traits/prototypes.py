"""Trait tags from embedding prototypes: ``customer_type`` and ``lead_source`` values said
in words the rules of :mod:`models.traits.customer_type` and
:mod:`models.traits.lead_source` do not list ("we operate twelve beachfront resorts",
"a colleague at another firm pointed us to you").

Each value has a few short prototype sentences (:mod:`models.traits._prototype_texts`); a
background set holds what any buyer writes (price requests, shipping, complaints, a
supplier's own pitch). :func:`build_prototypes` embeds them all in one call and
:func:`prototypes_for` keeps the result per :attr:`Embedder.version`. :func:`prototype_hits`
compares a message's embedding (the one enrichment computed from its subject and new text,
unit length) with them: the family's best value counts when its best prototype's cosine
similarity reaches the family's :data:`PROTOTYPE_THRESHOLDS` and beats the runner-up value
and the background by their margins. Its score rises linearly from 0.25 at the threshold to
at most 0.45, below what the rules give; its evidence is the matched prototype in brackets
and the start of the message's new text.

The thresholds were calibrated with the bundled all-MiniLM-L6-v2 (fp32) on hand-written
inquiry snippets of one to three sentences, chosen for precision (about 0.9) over recall
(about 0.45); ``tests/models/test_trait_prototypes.py`` holds the set. A whole message says
more than its trait, so it sits farther from every prototype than a snippet does: on long
mail expect fewer hits, not more wrong ones. Another model or backend (the int8 ONNX copy
has its own version, so its own prototypes) has not been calibrated and keeps these
thresholds.

Languages: all-MiniLM-L6-v2 was trained on English text. Spanish, German, French and
Portuguese are embedded mostly through shared word pieces, so a message in one of them
lands near any sentence of the same language that shares its words, whatever either says:
similarities run high and mean little. Such messages (and any whose ``language`` is not
``"en"``, unknown included) must therefore reach the much higher ``other_language``
threshold, which in practice means near-paraphrases of the one prototype per value written
in their language; recall there is low. Other languages and scripts (Italian, Russian,
Chinese …) stay far below it and get no prototype hits at all.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from models.embedder import Embedder
from models.traits._prototype_texts import BACKGROUND_TEXTS, PROTOTYPE_TEXTS
from models.traits.base import TraitHit, TraitInput

__all__ = [
    "MAX_STATEMENTS",
    "PROTOTYPE_THRESHOLDS",
    "PrototypeFamily",
    "Prototypes",
    "Threshold",
    "build_prototypes",
    "prototype_hits",
    "prototypes_for",
    "self_statements",
    "statement_hits",
]

_LOW_SCORE = 0.25
_HIGH_SCORE = 0.45
_SCORE_SPAN = 0.2
"""Similarity above the threshold at which a hit reaches ``_HIGH_SCORE``."""
MAX_STATEMENTS = 4
"""At most this many sentences of a message are compared one by one."""
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_SELF = re.compile(
    r"\b(?:we|we're|our|us|my company|somos|nosotros|nuestr[ao]s?|nós|noss[ao]s?|nous|notre|"
    r"nos|wir|unser\w*|мы|наш\w*|biz|bizim|firmamız|şirketimiz|noi|nostr[ao])\b|我们|我司|本公司",
    re.IGNORECASE,
)
_TEXT_CHARS = 160
_EVIDENCE_CHARS = 200
"""At most this long: what the profile layer keeps of a snippet."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """When a family's best value counts: its cosine similarity to the message is at least
    ``similarity`` (``other_language`` when the message is not known to be English), and
    exceeds the runner-up value's by ``margin`` and the background's by ``background_margin``.
    """

    similarity: float
    other_language: float
    margin: float
    background_margin: float


PROTOTYPE_THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        "customer_type": Threshold(0.48, other_language=0.68, margin=0.06, background_margin=0.02),
        "lead_source": Threshold(0.38, other_language=0.68, margin=0.04, background_margin=0.02),
    }
)
"""Per family, calibrated for all-MiniLM-L6-v2 (see the module docstring)."""


@dataclass(frozen=True, slots=True, eq=False)
class PrototypeFamily:
    """The embedded prototypes of one trait family: row ``i`` of ``vectors`` (unit length)
    is the embedding of ``texts[i]``, a prototype of value ``values[labels[i]]``."""

    name: str
    values: tuple[str, ...]
    texts: tuple[str, ...]
    labels: NDArray[np.intp]
    vectors: NDArray[np.float32]


@dataclass(frozen=True, slots=True, eq=False)
class Prototypes:
    """All prototype families and the background, embedded by the embedder of ``version``."""

    version: str
    families: tuple[PrototypeFamily, ...]
    background: NDArray[np.float32]


def build_prototypes(embedder: Embedder) -> Prototypes:
    """Embed every prototype and background sentence with ``embedder`` (one call)."""
    texts = [t for values in PROTOTYPE_TEXTS.values() for ts in values.values() for t in ts]
    vectors = embedder.embed([*texts, *BACKGROUND_TEXTS])
    families = []
    start = 0
    for name, by_value in PROTOTYPE_TEXTS.items():
        values = tuple(by_value)
        rows = tuple(t for v in values for t in by_value[v])
        labels = np.asarray([i for i, v in enumerate(values) for _ in by_value[v]], np.intp)
        block = vectors[start : start + len(rows)]
        families.append(PrototypeFamily(name, values, rows, labels, block))
        start += len(rows)
    return Prototypes(embedder.version, tuple(families), vectors[start:])


_CACHE: dict[str, Prototypes] = {}
_CACHE_LOCK = threading.Lock()


def prototypes_for(embedder: Embedder) -> Prototypes:
    """:func:`build_prototypes` of ``embedder``, built once per :attr:`Embedder.version`
    and shared (thread-safe) afterwards."""
    with _CACHE_LOCK:
        found = _CACHE.get(embedder.version)
        if found is None:
            found = _CACHE[embedder.version] = build_prototypes(embedder)
        return found


def prototype_hits(
    prototypes: Prototypes,
    message: TraitInput,
    vector: NDArray[np.float32],
    rule_hits: Iterable[TraitHit] = (),
) -> tuple[TraitHit, ...]:
    """The prototype hits of ``message``: at most one per family, none for a family that
    ``rule_hits`` (the rules' hits on the same message) already has a value of.

    ``vector`` is the message's embedding by the embedder that made ``prototypes`` (unit
    length, of its subject and new text). Only inbound messages with some new text get hits;
    unless ``message.language`` is ``"en"`` a value needs the family's ``other_language``
    similarity. Raises ``ValueError`` when ``vector`` is not one row of the prototypes' dimension.
    """
    dimension = prototypes.background.shape[1]
    if vector.shape != (dimension,):
        raise ValueError(f"expected a vector of shape ({dimension},), not {vector.shape}")
    if message.direction != "inbound" or not message.new_text.strip():
        return ()
    ruled = {hit.name for hit in rule_hits}
    background = float(np.max(prototypes.background @ vector))
    hits = []
    for family in prototypes.families:
        if family.name in ruled:
            continue
        hit = _family_hit(family, message, vector, background)
        if hit is not None:
            hits.append(hit)
    return tuple(hits)


def self_statements(message: TraitInput) -> tuple[str, ...]:
    """The sentences of an inbound message's new text in which the writer speaks of
    themselves ("we", "our company", "somos", "wir", "мы", "我们" …), 25 to 300 characters
    long, at most :data:`MAX_STATEMENTS`, in order: what :func:`statement_hits` compares."""
    if message.direction != "inbound":
        return ()
    found: list[str] = []
    for piece in _SENTENCE.split(message.new_text):
        sentence = " ".join(piece.split())
        if 25 <= len(sentence) <= 300 and _SELF.search(sentence):
            found.append(sentence)
            if len(found) == MAX_STATEMENTS:
                break
    return tuple(found)


def statement_hits(
    prototypes: Prototypes,
    message: TraitInput,
    statements: Sequence[str],
    vectors: NDArray[np.float32],
    known: Iterable[TraitHit] = (),
) -> tuple[TraitHit, ...]:
    """Prototype hits of single sentences: for each family that ``known`` (the rules' and
    the whole message's hits) has no value of, the best hit of any of ``statements``
    (:func:`self_statements` of ``message``; row ``i`` of ``vectors`` embeds
    ``statements[i]``), judged by the same thresholds as a whole message, its evidence the
    prototype and the sentence. A sentence says its trait with less around it than a whole
    message, which is what the thresholds were calibrated on."""
    if not statements:
        return ()
    if vectors.shape != (len(statements), prototypes.background.shape[1]):
        raise ValueError(f"expected {len(statements)} vectors, not {vectors.shape}")
    done = {hit.name for hit in known}
    hits = []
    for family in prototypes.families:
        if family.name in done:
            continue
        best: TraitHit | None = None
        for statement, vector in zip(statements, vectors, strict=True):
            background = float(np.max(prototypes.background @ vector))
            hit = _family_hit(family, message, vector, background, statement)
            if hit is not None and (best is None or hit.score > best.score):
                best = hit
        if best is not None:
            hits.append(best)
    return tuple(hits)


def _family_hit(
    family: PrototypeFamily,
    message: TraitInput,
    vector: NDArray[np.float32],
    background: float,
    shown: str | None = None,
) -> TraitHit | None:
    similarities = family.vectors @ vector
    best_per_value = np.full(len(family.values), -1.0, dtype=np.float64)
    np.maximum.at(best_per_value, family.labels, similarities)
    order = np.argsort(-best_per_value)
    best = float(best_per_value[order[0]])
    threshold = PROTOTYPE_THRESHOLDS[family.name]
    floor = threshold.similarity if message.language == "en" else threshold.other_language
    if (
        best < floor
        or best - float(best_per_value[order[1]]) < threshold.margin
        or best - background < threshold.background_margin
    ):
        return None
    value = int(order[0])
    rows = np.flatnonzero(family.labels == value)
    prototype = family.texts[int(rows[np.argmax(similarities[rows])])]
    rise = min((best - floor) / _SCORE_SPAN, 1.0)
    score = round(_LOW_SCORE + (_HIGH_SCORE - _LOW_SCORE) * rise, 3)
    evidence = _evidence(prototype, message.new_text if shown is None else shown)
    return TraitHit(family.name, family.values[value], score, evidence)


def _evidence(prototype: str, shown: str) -> str:
    """``[like: 'prototype'] `` and the start of ``shown``: at most 160 characters of it,
    fewer when the whole would pass 200; cut at a word boundary, ``…`` marking the cut."""
    head = f"[like: '{prototype}'] "
    budget = min(_TEXT_CHARS, _EVIDENCE_CHARS - len(head))
    text = " ".join(shown.split())
    if len(text) > budget:
        cut = text.rfind(" ", 0, budget)
        text = text[: cut if cut > budget // 2 else budget - 1].rstrip() + "…"
    return head + text
