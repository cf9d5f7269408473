"""Which organization a freemail contact belongs to (SPEC §4): a company's staff writing
from a personal address are that company's contact, not a customer of their own.

Pure: the store gathers the evidence (:class:`FreemailEvidence`), :func:`organization_of`
decides. The decision reads only the evidence, so it is the same whatever order the mail
arrived in, and a contact first seen alone moves to its company once the evidence shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["FreemailEvidence", "company_key", "organization_of", "person_key"]

_TOKEN = re.compile(r"[^\W_]+")
# Legal forms and filler that do not tell two companies apart ("Acme Ltd." = "ACME").
_LEGAL_WORDS = frozenset(
    {
        "ltd", "limited", "llc", "inc", "corp", "corporation", "co", "company", "gmbh", "ag", "kg",
        "sa", "sl", "srl", "spa", "sas", "sarl", "bv", "nv", "ab", "oy", "plc", "llp", "pte",
        "pty", "pvt", "sdn", "bhd", "ltda", "eireli", "jsc", "pjsc", "fze", "fzco", "wll", "sal",
        "mmc", "the", "and", "of", "ооо", "оао", "зао", "пао", "ао", "тоо", "ип",
    }
)  # fmt: skip
_MIN_NAME_TOKENS = 2


def _fold(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = plain if plain.strip() else text  # scripts without an ASCII form stay as they are
    return _TOKEN.findall(folded.casefold())


def person_key(name: str | None) -> str | None:
    """A person's full name folded for comparison (accents, case, order and dots do not
    count: "Tan Kelvin" = "kelvin TAN"); ``None`` for fewer than two words, which could
    be anyone ("Ali", "Sales")."""
    tokens = _fold(name or "")
    return " ".join(sorted(tokens)) if len(tokens) >= _MIN_NAME_TOKENS else None


def company_key(name: str | None) -> str | None:
    """A company name folded for comparison, its legal form left out ("Granite Fire
    Protection Pte. Ltd." = "granite fire protection"); ``None`` when nothing is left."""
    tokens = [t for t in _fold(name or "") if t not in _LEGAL_WORDS]
    return " ".join(tokens) or None


@dataclass(frozen=True, slots=True)
class FreemailEvidence:
    """What the store knows about one freemail contact, as organization keys:

    - ``copied_by_them``: organizations whose addresses they put in To/Cc/Reply-To of mail
      they sent (their colleagues);
    - ``copied``: organizations whose addresses share any of their messages;
    - ``threads``: organizations whose people wrote in the threads of their messages;
    - ``namesakes``: organizations with a contact of the same full name;
    - ``same_company``: organizations whose name (or a contact's company) is the company
      their signature names."""

    copied_by_them: frozenset[str] = field(default_factory=frozenset)
    copied: frozenset[str] = field(default_factory=frozenset)
    threads: frozenset[str] = field(default_factory=frozenset)
    namesakes: frozenset[str] = field(default_factory=frozenset)
    same_company: frozenset[str] = field(default_factory=frozenset)


def organization_of(evidence: FreemailEvidence) -> str | None:
    """The organization the contact belongs to, or ``None`` (they stay a person).

    An organization qualifies when they copy its people on their own mail, or when a
    contact of it has their full name and either shares a message or a thread with them or
    works for the company their signature names. Exactly one must qualify: evidence for two
    organizations (a forwarder copied beside the buyer's colleague) decides nothing, unless
    their name singles one out."""
    same_person = evidence.namesakes & (evidence.copied | evidence.threads | evidence.same_company)
    candidates = evidence.copied_by_them | same_person
    if len(candidates) > 1 and same_person:
        candidates &= same_person
    return next(iter(candidates)) if len(candidates) == 1 else None
