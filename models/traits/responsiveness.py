"""``responsiveness``: how fast the customer answers us, from their reply latencies."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from models.traits.base import TraitHit

__all__ = ["FAST_HOURS", "NORMAL_HOURS", "responsiveness"]

FAST_HOURS = 24.0
NORMAL_HOURS = 72.0


def responsiveness(reply_latencies_hours: Sequence[float]) -> TraitHit | None:
    """``fast`` (median < 24 h), ``normal`` (< 72 h) or ``slow``, from the hours each of
    THEIR replies took after our message; ``None`` with fewer than 2 usable latencies
    (negative, NaN and infinite values are ignored). The score grows with the number of
    replies (2 → 0.4, 7 → 0.7, → 1); the evidence reads "median reply 5.2 h over 7 replies".
    """
    usable = [h for h in reply_latencies_hours if math.isfinite(h) and h >= 0]
    if len(usable) < 2:
        return None
    median = statistics.median(usable)
    if median < FAST_HOURS:
        value = "fast"
    elif median < NORMAL_HOURS:
        value = "normal"
    else:
        value = "slow"
    score = round(len(usable) / (len(usable) + 3), 3)
    evidence = f"median reply {median:.1f} h over {len(usable)} replies"
    return TraitHit("responsiveness", value, score, evidence)
