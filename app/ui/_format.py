"""How the dashboard writes numbers and dates: one place, so pages and tests agree."""

from __future__ import annotations

from datetime import datetime

NONE = "–"


def percent(rate: float | None) -> str:
    """A share in [0, 1] as ``42.5 %``; None as an en dash."""
    return NONE if rate is None else f"{rate * 100:.1f} %"


def days(value: float | None) -> str:
    """A duration in days with one decimal (``12.5``); None as an en dash."""
    return NONE if value is None else f"{value:.1f}"


def score(value: float | None) -> str:
    """A score in [0, 1] with three decimals (``0.318``); None as an en dash."""
    return NONE if value is None else f"{value:.3f}"


def day(moment: datetime | None) -> str:
    """The date of a moment (``2025-08-28``); None as an en dash."""
    return NONE if moment is None else f"{moment:%Y-%m-%d}"


def moment(value: datetime | None) -> str:
    """A moment to the minute with its zone (``2025-08-28 08:57 UTC``); None as an en dash."""
    if value is None:
        return NONE
    zone = value.tzname() or "UTC"
    return f"{value:%Y-%m-%d %H:%M} {zone}"


def label(name: str) -> str:
    """An identifier such as ``trial_order`` as words: ``trial order``."""
    return name.replace("_", " ")
