"""Trait tags (SPEC §5): lexical, multilingual rules over one message at a time.

``extract_traits`` reads a :class:`TraitInput` (subject, new text without quoted history,
signature, sender, direction) and returns :class:`TraitHit` s, each a value of the fixed
vocabulary with a score in [0, 1] and a verbatim evidence span; ``responsiveness`` turns
reply latencies into a hit. :func:`prototype_hits` adds, from a message's embedding, the
``customer_type`` and ``lead_source`` values that the rules missed but that read like one of
their prototype sentences (:mod:`models.traits.prototypes`), and :func:`statement_hits` the
same for single sentences in which the writer speaks of themselves. Aggregation over a
customer's messages is the profile layer's job.
"""

from models.traits.base import TraitHit, TraitInput
from models.traits.extract import extract_traits
from models.traits.prototypes import (
    PROTOTYPE_THRESHOLDS,
    Prototypes,
    Threshold,
    build_prototypes,
    prototype_hits,
    prototypes_for,
    self_statements,
    statement_hits,
)
from models.traits.responsiveness import responsiveness
from models.traits.vocab import SINGLE_VALUED, TRAIT_VOCABULARY

__all__ = [
    "PROTOTYPE_THRESHOLDS",
    "SINGLE_VALUED",
    "TRAIT_VOCABULARY",
    "Prototypes",
    "Threshold",
    "TraitHit",
    "TraitInput",
    "build_prototypes",
    "extract_traits",
    "prototype_hits",
    "prototypes_for",
    "responsiveness",
    "self_statements",
    "statement_hits",
]
