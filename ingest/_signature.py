"""Find where the signature starts at the end of a message's new text (see ingest.quoting)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest import _quote_patterns as pat

_MAX_SCANNED = 30
"""Non-blank lines looked at, upwards from the end."""
_MAX_DELIMITED_SIG = 20
_MAX_DELIMITED_SIG_LINE = 120
_MAX_CLIENT_TAIL = 3
_MAX_SIGN_OFF_TAIL = 8
_MAX_RULE_TAIL = 12
_MAX_CONTACT_BLOCK_TAIL = 7
_MAX_SIG_LINE = 80
_MAX_SIGN_OFF_LINE = 60
_PROSE_WORDS = 5
_MAX_DISCLAIMER_LINES = 25
_CJK_SENTENCE_END = frozenset("。？！")
_SENTENCE_END_MARKS = frozenset(".?!")


@dataclass(slots=True)
class _Tail:
    """The lines between a candidate start and the signature start already found below it."""

    lines: int = 0
    prose: bool = False
    contact_below: bool = False


def signature_start(lines: list[str]) -> int | None:
    """Index of the line where the signature starts, or ``None`` when there is none.

    A trailing legal disclaimer belongs to the signature (and is one when nothing else
    is). Above it, the walk goes up from the last line. A candidate start (``--``, a
    client line, a closing line, a sign-off, a rule, a name line) is taken when the lines
    between it and the start already taken below it (or the end) fit its kind; so a
    closing line may sit above a ``--`` signature. Lines longer than a signature line, or
    more lines than a signature holds, end the walk.
    """
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    first = 0
    while first < end and not lines[first].strip():
        first += 1
    disclaimer = _disclaimer_start(lines, first, end)
    if disclaimer is not None:
        end = disclaimer
        while not lines[end - 1].strip():
            end -= 1
    best = _walk_up(lines, first, end)
    return disclaimer if best is None else best


def _walk_up(lines: list[str], first: int, end: int) -> int | None:
    """The signature start among lines ``first..end``, walking up from ``end``."""
    best: int | None = None
    tail = _Tail()
    scanned = 0
    i = end
    while i > first and scanned < _MAX_SCANNED:
        i -= 1
        stripped = lines[i].strip()
        if not stripped:
            continue
        scanned += 1
        start = _candidate(lines, i, stripped, first, tail)
        if start is None:
            tail.lines += 1
            if tail.lines > _MAX_DELIMITED_SIG or len(stripped) > _MAX_DELIMITED_SIG_LINE:
                break
            if tail.prose:
                continue
            contact = _has_contact(stripped)
            tail.contact_below = tail.contact_below or contact
            tail.prose = not _is_signature_line(stripped, contact)
            if not tail.prose:
                continue
            start = _delimiter_above(lines, i, first, _MAX_DELIMITED_SIG - tail.lines)
            if start is None:
                break
        best = i = start
        # Contact details inside a "-- " signature do not vouch for a rule above it.
        delimited = pat.SIG_DELIMITER.fullmatch(lines[start]) is not None
        tail = _Tail(contact_below=tail.contact_below and not delimited)
    return best


def _disclaimer_start(lines: list[str], first: int, end: int) -> int | None:
    """Start of the trailing paragraphs that are a legal disclaimer, if any.

    A disclaimer paragraph speaks of confidentiality and of the (intended) recipient, in
    one of the supported languages; at most ``_MAX_DISCLAIMER_LINES`` lines are taken, and
    never the first paragraph of the message.
    """
    start: int | None = None
    taken = 0
    while end > first:
        top = end - 1
        while top > first and lines[top - 1].strip():
            top -= 1
        taken += end - top
        if top <= first or taken > _MAX_DISCLAIMER_LINES:
            break
        paragraph = " ".join(lines[top:end]).lower()
        if not (
            any(word in paragraph for word in pat.CONFIDENTIAL_WORDS)
            and pat.RECIPIENT.search(paragraph)
        ):
            break
        start = end = top
        while end > first and not lines[end - 1].strip():
            end -= 1
    return start


def _delimiter_above(lines: list[str], i: int, first: int, budget: int) -> int | None:
    """The closest ``--`` line above line ``i`` with at most ``budget`` short lines between.

    Once prose lies below, only a delimiter can still start the signature.
    """
    for j in range(i - 1, first - 1, -1):
        line = lines[j]
        if line.startswith("--") and pat.SIG_DELIMITER.fullmatch(line):
            return j
        if len(line) > _MAX_DELIMITED_SIG_LINE:
            return None
        if line and not line.isspace():
            budget -= 1
            if budget < 0:
                return None
    return None


def _candidate(lines: list[str], i: int, stripped: str, first: int, tail: _Tail) -> int | None:
    """Where a signature starting at (or just above) line ``i`` begins, if ``tail`` fits."""
    if stripped.startswith("--") and pat.SIG_DELIMITER.fullmatch(lines[i]):
        return i
    if tail.prose or len(stripped) > _MAX_SIG_LINE:
        return None
    if pat.CLIENT_SIGNATURE.fullmatch(stripped):
        if tail.lines > _MAX_CLIENT_TAIL:
            return None
        above = i - 1
        return above if above > first and pat.NAME_LINE.fullmatch(lines[above]) else i
    if i <= first:
        return None
    if len(stripped) <= _MAX_SIGN_OFF_LINE and (
        pat.SIGN_OFF.fullmatch(stripped) or pat.DASH_NAME.fullmatch(stripped)
    ):
        return i if tail.lines <= _MAX_SIGN_OFF_TAIL else None
    if stripped[0] in "-_=*~#" and pat.SEPARATOR.fullmatch(stripped):
        limit = _MAX_RULE_TAIL
    elif not lines[i - 1].strip() and pat.NAME_LINE.fullmatch(stripped):
        limit = _MAX_CONTACT_BLOCK_TAIL
    else:
        return None
    return i if tail.contact_below and 1 <= tail.lines <= limit else None


def _has_contact(stripped: str) -> bool:
    """Whether a line holds an address, a URL, a phone number or a messenger handle."""
    if "@" in stripped or "://" in stripped:
        return True
    lower = stripped.lower()
    return (
        any(word in lower for word in pat.CONTACT_WORDS) or pat.PHONE.search(stripped) is not None
    )


def _is_signature_line(stripped: str, contact: bool) -> bool:
    """Whether a stripped, non-blank line could belong to a signature: short, not prose.

    Prose is a sentence with a lower-case word that ends in ``.?!`` ("Will do."), or five
    or more words that end like a sentence or are mostly lower-case; "ACME Co., Ltd." and
    "John E. Doe, Ph.D." are not prose.
    """
    if len(stripped) > _MAX_SIG_LINE:
        return False
    if contact or pat.SIGN_OFF.fullmatch(stripped):
        return True
    last = stripped[-1]
    if last in _CJK_SENTENCE_END:
        return False
    words = [word for word in stripped.split() if word[0].isalpha()]
    lower = sum(1 for word in words if word[0].islower())
    if lower and last in _SENTENCE_END_MARKS:
        return False
    if len(words) < _PROSE_WORDS:
        return True
    return last not in pat.SENTENCE_END and lower * 2 < len(words)
