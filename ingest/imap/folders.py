"""Folders: what a server says about one (:class:`FolderStatus`), and which ones to sync."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.imap.errors import ImapProtocolError

INBOX = "INBOX"
# Names of the sent folder on servers without RFC 6154 special-use attributes.
SENT_FALLBACK_NAMES = ("Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "[Gmail]/Sent Mail")
_UNSELECTABLE = frozenset({"\\noselect", "\\nonexistent"})


@dataclass(frozen=True, slots=True)
class FolderStatus:
    """A folder's state as SELECT / EXAMINE reported it (RFC 3501 §6.3.1, RFC 7162 §3.1.2).

    ``uidnext`` is None when the server omitted it; ``highestmodseq`` is None when the
    server has no CONDSTORE or answered NOMODSEQ for this folder.
    """

    name: str
    uidvalidity: int
    uidnext: int | None
    exists: int
    highestmodseq: int | None


@dataclass(frozen=True, slots=True)
class ListedFolder:
    """One LIST answer (RFC 3501 §7.2.2): the decoded name and its lower-cased attributes."""

    name: str
    attributes: frozenset[str]

    @property
    def selectable(self) -> bool:
        """False for ``\\Noselect`` / ``\\NonExistent`` entries (RFC 3501, RFC 5258)."""
        return not self.attributes & _UNSELECTABLE


def choose_sync_folders(
    listing: Sequence[ListedFolder], requested: Sequence[str] | None
) -> list[str]:
    """The folders to sync, given the server's LIST answer.

    ``requested`` None means INBOX plus the sent folder: the selectable folder with the
    ``\\Sent`` special-use attribute (RFC 6154 §2), else, only when no folder carries that
    attribute, the first of :data:`SENT_FALLBACK_NAMES` present (compared case-blind), else
    INBOX alone. Otherwise the requested names are checked and returned in order without
    duplicates; ``INBOX`` matches in any case (RFC 3501 §5.1) and always exists. Raises
    :class:`ImapProtocolError` naming every requested folder that is missing or unselectable.
    """
    selectable = {f.name: f for f in listing if f.selectable}
    if requested is None:
        sent = _find_sent(listing, selectable)
        return [INBOX] if sent is None else [INBOX, sent]
    chosen: list[str] = []
    missing: list[str] = []
    for name in requested:
        canonical = INBOX if name.upper() == INBOX else name
        if canonical != INBOX and canonical not in selectable:
            missing.append(name)
        elif canonical not in chosen:
            chosen.append(canonical)
    if missing:
        raise ImapProtocolError(
            "folder(s) not found on the server: " + ", ".join(repr(n) for n in missing)
        )
    return chosen


def _find_sent(listing: Sequence[ListedFolder], selectable: dict[str, ListedFolder]) -> str | None:
    if any("\\sent" in f.attributes for f in listing):
        flagged = [n for n, f in selectable.items() if "\\sent" in f.attributes]
        return flagged[0] if flagged else None
    by_key = {name.casefold(): name for name in selectable}
    for candidate in SENT_FALLBACK_NAMES:
        if candidate.casefold() in by_key:
            return by_key[candidate.casefold()]
    return None
