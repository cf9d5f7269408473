"""Make one raw message ready for the store: hash, compress, parse — pure and picklable.

This is the CPU-heavy part of ingesting mail, kept free of any database or network code so
that it can run in worker processes.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from ingest.message import ParsedMessage
from ingest.mime import ParseError, parse_message

COMPRESS_LEVEL = 3


@dataclass(frozen=True, slots=True)
class Prepared:
    """A raw message's sha256, its zlib-compressed bytes, and its parse or why it failed."""

    sha256: str
    compressed: bytes
    message: ParsedMessage | None
    error: str | None


def prepare(data: bytes) -> Prepared:
    """Hash, compress and parse ``data``; a parse failure is reported, never raised."""
    compressed = zlib.compress(data, COMPRESS_LEVEL)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return Prepared(sha256, compressed, parse_message(data), None)
    except ParseError as exc:
        return Prepared(sha256, compressed, None, exc.reason)
