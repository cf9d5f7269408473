"""Find how a reply marks the quote that follows an attribution (see :mod:`ingest.quoting`).

After "On … wrote:" or "In article … writes:" the quoted lines carry a marker: ``>`` in
most mail, but Usenet posters also used ``#``, ``+``, ``|``, ``:``, ``)``, ``{>``,
Supercite's ``mjs>`` or ``[KT]``, or an indentation of three spaces or a tab. The marker
is read from the lines right after the attribution; once it is known, every line that
carries it is quoted and every other line is new text, so an interleaved reply keeps its
answers. Without a marker the quote is unmarked and runs to the end of the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest import _quote_patterns as pat

_MAX_PARAGRAPH = 10
"""Lines of the first quoted paragraph checked for a consistent marker."""
_MAX_NOTES = 3
"""Editorial notes ("[...]", "(deletion)") skipped between an attribution and its quote."""
_LOOKAHEAD = 2
"""Non-blank lines after the first one that may still start a ``>`` quote ("Hello," above)."""
_MAX_NOTE = 80
"""Longest editorial note, in characters."""
_MIN_INDENT = 3
"""Spaces that make an indentation mark a quote (a tab always does)."""
_BRACKETS = frozenset(("[]", "()", "{}", "<>"))
"""First and last character of a note in brackets: "[stuff deleted]", "(Deletion)"."""
_WEAK_MARKS = frozenset("-*\"'([{._~")
"""Characters that often start plain text (bullets, brackets, quotes, rules): alone they
are no marker, only followed by ``>`` or ``|`` ("->", "{>", "-|")."""
_SHY_MARKS = frozenset("<=")
"""Markers that also start plain text ("<http://…>", "=== Results"): they must recur."""
_WEAK_FOLLOWERS = frozenset(">|")
"""Second characters that make a weak character a marker."""


def next_non_blank(lines: list[str], i: int) -> int:
    """Index of the first non-blank line at or after ``i`` (``len(lines)`` when none)."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def is_indented(line: str) -> bool:
    """Whether ``line`` starts with a tab or at least three spaces."""
    body = line.lstrip(" \t")
    lead = line[: len(line) - len(body)]
    return "\t" in lead or len(lead) >= _MIN_INDENT


@dataclass(frozen=True, slots=True)
class QuoteStart:
    """How the quote after an attribution is marked.

    Lines ``[header end, notes_end)`` are editorial notes quoted with the attribution.
    ``tokens`` are the markers besides ``>`` that quoted lines start with (after any
    indentation), ``indent`` tells whether indented lines are quoted.
    """

    notes_end: int
    tokens: tuple[str, ...] = ()
    indent: bool = False


def quote_start(lines: list[str], end: int) -> QuoteStart | None:
    """The marking of the quote below an attribution whose last line is ``end - 1``.

    Editorial notes right below the attribution ("...", "[stuff deleted]", "(Deletion)")
    belong to the quote. A first paragraph indented as a whole (not just ``>`` lines)
    marks the quote by indentation. Otherwise the quote starts at the first non-blank
    line, or at one of the next two when those start with ``>`` (what lies above is then
    new text), and its markers are ``>`` and the tokens of that line and of its paragraph
    (see :func:`_quote_line`, :func:`_paragraph_tokens`). When notes stand for the whole
    quote, everything below them is new text. ``None`` means the quote is unmarked.
    """
    count = len(lines)
    notes_end = end
    first = next_non_blank(lines, end)
    for _ in range(_MAX_NOTES):
        if first >= count or not _is_note(lines[first]):
            break
        notes_end = first + 1
        first = next_non_blank(lines, notes_end)
    if first >= count:
        return QuoteStart(notes_end)
    if is_indented(lines[first]) and _indented_paragraph(_paragraph(lines, first)):
        return QuoteStart(notes_end, indent=True)
    start = _quote_line(lines, first)
    if start is None:
        return QuoteStart(notes_end) if notes_end > end else None
    return QuoteStart(notes_end, tokens=_paragraph_tokens(lines, start))


def _quote_line(lines: list[str], first: int) -> int | None:
    """The line where a marked quote starts: ``first`` or one of the next two.

    ``first`` starts the quote when it starts with ``>`` or a token that holds ``>``, is
    the token alone, recurs in one of the next two non-blank lines, or (except ``<`` and
    ``=``, which also start plain text) is a paragraph of its own. Failing that, the next
    two non-blank lines may start a quote with ``>`` or a token that holds it.
    """
    line = lines[first]
    if pat.QUOTED_LINE.match(line):
        return first
    following = _following(lines, first)
    token = _marker_token(line)
    if token and (
        ">" in token
        or line.strip() == token
        or any(lines[k].lstrip(" \t").startswith(token) for k in following)
        or (token not in _SHY_MARKS and _ends_paragraph(lines, first))
    ):
        return first
    for k in following:
        if pat.QUOTED_LINE.match(lines[k]) or ">" in (_token(lines[k]) or ""):
            return k
    return None


def _paragraph_tokens(lines: list[str], start: int) -> tuple[str, ...]:
    """The markers of a quote starting at line ``start``, besides ``>``.

    The token of line ``start``, and those of the rest of its paragraph that hold ``>`` or
    start two of its lines (a quote of a quote marked another way).
    """
    tokens: dict[str, int] = {}
    for number, line in enumerate(lines[start : start + _MAX_PARAGRAPH]):
        if line[:1] == ">":
            continue
        if not line.strip():
            break
        token = _token(line)
        if token:
            tokens[token] = tokens.get(token, 0) + (2 if number == 0 or ">" in token else 1)
    return tuple(token for token, seen in tokens.items() if seen > 1)


def _following(lines: list[str], i: int) -> list[int]:
    """Indexes of the next two non-blank lines after line ``i`` (fewer at the end)."""
    found: list[int] = []
    for _ in range(_LOOKAHEAD):
        i = next_non_blank(lines, i + 1)
        if i >= len(lines):
            break
        found.append(i)
    return found


def _indented_paragraph(paragraph: list[str]) -> bool:
    """Whether all lines of ``paragraph`` are indented, and not all of them ``>`` lines."""
    return all(is_indented(line) for line in paragraph) and not all(
        pat.QUOTED_LINE.match(line) for line in paragraph
    )


def _ends_paragraph(lines: list[str], i: int) -> bool:
    """Whether line ``i`` is the last line of the message or followed by a blank line."""
    return i + 1 == len(lines) or not lines[i + 1].strip()


def _paragraph(lines: list[str], first: int) -> list[str]:
    """The non-blank lines from ``first`` on, up to the next blank line (a few at most)."""
    paragraph: list[str] = []
    for line in lines[first : first + _MAX_PARAGRAPH]:
        if not line.strip():
            break
        paragraph.append(line)
    return paragraph


def _is_note(line: str) -> bool:
    """Whether ``line`` is an editorial note: only punctuation, or all in brackets.

    "...", ". . .", "[...]", "[stuff deleted]", "(Deletion)", "<<<text removed>>>". A
    ``>`` line, a signature delimiter, a rule, or a line with a colon (a field, a link,
    "[image: logo]") is no note.
    """
    stripped = line.strip()
    if (
        stripped[0].isalnum()
        or len(stripped) > _MAX_NOTE
        or ":" in stripped
        or pat.QUOTED_LINE.match(stripped)
        or pat.SIG_DELIMITER.fullmatch(stripped)
    ):
        return False
    if stripped[0] + stripped[-1] in _BRACKETS:
        return True
    return not any(char.isalnum() for char in stripped) and not pat.SEPARATOR.fullmatch(stripped)


def _token(line: str) -> str | None:
    """The marker token that ``line`` starts with; ``None`` for a ``>`` line or none."""
    if line[0] == ">" or pat.QUOTED_LINE.match(line):
        return None
    return _marker_token(line)


def _marker_token(line: str) -> str | None:
    """The quote marker that ``line`` starts with, if it could be one.

    A Supercite name (``mjs>``, ``L(>``, ``henrik]``, ``[KT]``), or a punctuation
    character that rarely starts plain text (``#``, ``+``, ``|``, ``:``, ``)``); a
    character that often does (``-``, ``*``, ``(``, quotes) only followed by ``>`` or
    ``|``.
    """
    stripped = line.lstrip(" \t")
    name = pat.SUPERCITE_MARKER.match(stripped)
    if name:
        return name.group()
    first = stripped[:1]
    if not first or first.isalnum() or first.isspace():
        return None
    if first not in _WEAK_MARKS:
        return first
    second = stripped[1:2]
    return first + second if second in _WEAK_FOLLOWERS else None
