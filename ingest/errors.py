"""Errors of the ingest layer, one class per failure."""

from __future__ import annotations


class IngestError(Exception):
    """Base class of every error the ingest layer raises on purpose."""


class SourceError(IngestError):
    """A path given to import is missing, unreadable or of no known mailbox format."""
