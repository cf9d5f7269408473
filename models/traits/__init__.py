"""Trait tags (SPEC §5): lexical, multilingual rules over one message at a time.

``extract_traits`` reads a :class:`TraitInput` (subject, new text without quoted history,
signature, sender, direction) and returns :class:`TraitHit` s, each a value of the fixed
vocabulary with a score in [0, 1] and a verbatim evidence span; ``responsiveness`` turns
reply latencies into a hit. Aggregation over a customer's messages is the profile
layer's job.
"""

from models.traits.base import TraitHit, TraitInput
from models.traits.extract import extract_traits
from models.traits.responsiveness import responsiveness
from models.traits.vocab import SINGLE_VALUED, TRAIT_VOCABULARY

__all__ = [
    "SINGLE_VALUED",
    "TRAIT_VOCABULARY",
    "TraitHit",
    "TraitInput",
    "extract_traits",
    "responsiveness",
]
