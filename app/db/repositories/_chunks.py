"""Split long ``IN (...)`` lists so that no statement carries too many bound values."""

from __future__ import annotations

from collections.abc import Collection

CHUNK = 500


def chunks(values: Collection[str]) -> list[list[str]]:
    """``values`` sorted and cut into lists of at most :data:`CHUNK`."""
    items = sorted(values)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
