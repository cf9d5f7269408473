"""Split a decoded body into new text, quoted text and signature.

The split works line by line, top to bottom:

* A **quote header** starts quoted history: an attribution ("On … wrote:", "Am … schrieb
  …:", "Le … a écrit :", "在 … 写道：", "… пишет:", wrapped over up to three lines), an
  "-----Original Message-----" or forwarded-message line, or an Outlook block of at least
  three ``From:/Sent:/To:/Subject:`` fields (in any supported language) together with the
  ``____`` or ``----`` rule above it.
* Lines starting with ``>`` (or ``|>``) are quoted wherever they are. Below an
  attribution, the quote's marker is read from the lines that follow it
  (:mod:`ingest._quote_markers`): ``>``, another token (``#``, ``+``, ``|``, ``:``,
  ``{>``, Supercite's ``mjs>``), or an indentation of three spaces or a tab. From then on
  lines carrying a marker are quoted and the others are new text, so an interleaved or
  bottom-posted reply keeps its answers; editorial notes ("[...]", "(deletion)") right
  below the attribution are quoted with it. Below an attribution without a marker (an
  unmarked quote), and below a forward-like header (original-message line, header block)
  not followed by ``>`` lines, everything to the end is quoted. One exception, as in
  talon: a forwarded-message line or header block with nothing above it (a forward
  without comment, a form notification) is the message itself, so it stays new text;
  quotes below it are still found.
* The **signature** is then cut from the end of the new text. It starts at the first of
  these whose following lines look like a signature: the delimiter ``"-- "`` (or
  ``"--"``), a mail client's line ("Sent from my iPhone", "Von meinem … gesendet", …), a
  closing line ("Best regards,", "Cordialement", "С уважением", …), a Usenet sign-off
  (``-John``), a rule followed by contact details, or a trailing name-and-contact block.
  The delimiter, the client line and the closing line belong to the signature. Heuristic
  starts (closing lines, sign-offs, rules, contact blocks) need at most eight (rules:
  twelve) short, sentence-free lines after them and never take the whole message. A
  trailing legal disclaimer (confidentiality + intended recipient) joins the signature.

Each part is returned without leading or trailing blank lines; inner lines are kept as
they were (quoted lines keep their ``>``).
"""

from __future__ import annotations

import re

from ingest import _quote_patterns as pat
from ingest._quote_markers import QuoteStart, is_indented, next_non_blank, quote_start
from ingest._signature import signature_start
from ingest.message import BodyParts

_MAX_HEADER_LINES = 3
_MAX_FIELD_BLOCK = 12
_MIN_FIELDS = 3

_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)+")
_INDENT_OR_PIPE = frozenset(" \t|")
_RULE_CHARS = frozenset("-_=*")


def split_body(text: str) -> BodyParts:
    """Return the new text of ``text``, with quoted history and signature kept apart.

    ``text`` is a decoded plain-text body. The result's ``new_text`` holds what the author
    wrote in this message (interleaved answers included, in order, separated by a blank
    line), ``quoted_text`` the quoted and forwarded history (headers and ``>`` lines as
    they were), ``signature`` the signature cut from the end of the new text. Each is
    stripped of leading and trailing blank lines. A body without quote or signature comes
    back whole as ``new_text``. Pure and linear in the length of ``text``.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted = _quoted_lines(lines)
    if quoted is None:
        new_lines, quoted_text = lines, ""
    else:
        new_segments, quoted_segments = _segments(lines, quoted)
        new_lines = _join_segments(new_segments)
        quoted_text = _clean("\n".join(_join_segments(quoted_segments)))
    sig_start = signature_start(new_lines)
    if sig_start is None:
        return BodyParts(new_text=_clean("\n".join(new_lines)), quoted_text=quoted_text)
    return BodyParts(
        new_text=_clean("\n".join(new_lines[:sig_start])),
        quoted_text=quoted_text,
        signature=_clean("\n".join(new_lines[sig_start:])),
    )


def _clean(text: str) -> str:
    """Drop leading blank lines and trailing whitespace; keep the first line's indent."""
    text = text.rstrip()
    match = _LEADING_BLANK_LINES.match(text)
    return text[match.end() :] if match else text


# --- quotes ---------------------------------------------------------------------------------


def _quoted_lines(lines: list[str]) -> list[bool] | None:
    """Mark each line quoted or not; ``None`` when no line is quoted.

    Lines starting with ``>`` (or ``|>``) are quoted. Below an attribution, the quote's
    marker is read from the lines that follow (:func:`ingest._quote_markers.quote_start`):
    from then on lines carrying it are quoted too, and unmarked lines are new text. An
    attribution over an unmarked quote, and a forward-like header (original-message line,
    header block) not followed by ``>`` lines, quote everything to the end. Forward-like
    headers with nothing above them (a forward without comment, a web-form notification)
    are not quotes: that message is the content (``lead`` skips them).
    """
    count = len(lines)
    quoted: list[bool] | None = None
    tokens: tuple[str, ...] = ()
    indent = False
    lead = 0
    i = -1
    while i + 1 < count:
        i += 1
        line = lines[i]
        if not line:
            continue
        first = line[0]
        if (
            first == ">"
            or (first in _INDENT_OR_PIPE and pat.QUOTED_LINE.match(line))
            or (indent and first in " \t" and is_indented(line))
            or (tokens and line.lstrip(" \t").startswith(tokens) and not _is_rule(line))
        ):
            if quoted is None:
                quoted = [False] * count
            quoted[i] = True
            continue
        if not (
            ":" in line
            or "：" in line
            or first in _RULE_CHARS
            or (first in _INDENT_OR_PIPE and line.lstrip()[:1] in _RULE_CHARS)
        ):
            continue
        span = _header_span(lines, i)
        if span is None:
            continue
        start, end, forward = span
        if forward and quoted is None and next_non_blank(lines, lead) >= _rule_above(lines, start):
            lead = end
            i = end - 1
            continue
        if quoted is None:
            quoted = [False] * count
        marked = _marked_quote(lines, end, forward)
        if marked is not None:
            tokens += tuple(token for token in marked.tokens if token not in tokens)
            indent = indent or marked.indent
            quoted[start : marked.notes_end] = [True] * (marked.notes_end - start)
            i = marked.notes_end - 1
            continue
        start = _rule_above(lines, start)
        quoted[start:] = [True] * (count - start)
        break
    return quoted


def _is_rule(line: str) -> bool:
    """Whether ``line`` is a rule (``=====``, ``#####``): never a marked quote line."""
    return pat.SEPARATOR.fullmatch(line) is not None


def _marked_quote(lines: list[str], end: int, forward: bool) -> QuoteStart | None:
    """How the quote below a header ending at line ``end - 1`` is marked, if it is.

    Forward-like headers introduce unmarked quotes by design; only ``>`` lines right
    below one make it part of an interleaved reply.
    """
    if not forward:
        return quote_start(lines, end)
    after = next_non_blank(lines, end)
    if after < len(lines) and pat.QUOTED_LINE.match(lines[after]):
        return QuoteStart(end)
    return None


def _rule_above(lines: list[str], start: int) -> int:
    """Extend a header upwards over a ``____``/``----`` rule just above it."""
    i = start - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i >= 0 and len(lines[i]) <= pat.MAX_HEADER_LINE and pat.SEPARATOR.fullmatch(lines[i]):
        return i
    return start


def _header_span(lines: list[str], i: int) -> tuple[int, int, bool] | None:
    """The lines ``[start, end)`` of a quote header whose last or first line is ``i``.

    The flag is true for forward-like headers (original-message lines, header blocks),
    false for attributions.
    """
    line = lines[i]
    if not line or len(line) > pat.MAX_HEADER_LINE:
        return None
    stripped = line.rstrip()
    if stripped.endswith((":", "：")):
        start = _attribution_start(lines, i, stripped)
        if start is not None:
            return start, i + 1, False
    if pat.ORIGINAL_MESSAGE.fullmatch(stripped):
        return i, i + 1, True
    if (":" in stripped or "：" in stripped) and (
        pat.FROM_FIELD.match(stripped) or pat.OTHER_FIELD.match(stripped)
    ):
        end = _field_block_end(lines, i)
        if end is not None:
            return i, end, True
    return None


def _attribution_start(lines: list[str], i: int, last: str) -> int | None:
    """First line of an attribution ending at line ``i`` (up to three wrapped lines).

    The shortest window that begins like an attribution (a localized "On", a date) wins;
    failing that, the shortest one with a verb and an address ("Bob <b@x> wrote:").
    """
    parts = [last.strip()]
    generic: int | None = None
    for start in range(i, max(i - _MAX_HEADER_LINES, -1), -1):
        if start < i:
            previous = lines[start].strip()
            if (
                not previous
                or len(previous) > pat.MAX_HEADER_LINE
                or pat.QUOTED_LINE.match(previous)
                or previous[-1] in pat.SENTENCE_END
            ):
                break
            parts.insert(0, previous)
        window = " ".join(parts)
        if not pat.HAS_DIGIT_OR_AT.search(window):
            continue
        if pat.ATTRIBUTION_VERB_END.search(window.lower()):
            if pat.ATTRIBUTION_STARTER.match(window):
                return start
            if generic is None and "@" in window:
                generic = start
        elif pat.ATTRIBUTION_VERBLESS_END.search(window) and (
            pat.ATTRIBUTION_STARTER.match(window)
            or (pat.TIME.search(window) and pat.YEAR.search(window))
        ):
            return start
    return generic


def _field_block_end(lines: list[str], i: int) -> int | None:
    """End of an Outlook-style ``From:/Sent:/To:/Subject:`` block starting at line ``i``."""
    fields = 0
    has_from = False
    wrapped = 0
    end = i
    for j in range(i, min(len(lines), i + _MAX_FIELD_BLOCK)):
        line = lines[j]
        if not line.strip():
            break
        if len(line) <= pat.MAX_HEADER_LINE and pat.FROM_FIELD.match(line):
            has_from = True
        elif len(line) > pat.MAX_HEADER_LINE or not pat.OTHER_FIELD.match(line):
            wrapped += 1
            if wrapped > 2:
                break
            continue
        fields += 1
        end = j + 1
    return end if has_from and fields >= _MIN_FIELDS else None


def _segments(lines: list[str], quoted: list[bool]) -> tuple[list[list[str]], list[list[str]]]:
    """Group lines into runs of new and of quoted text.

    A blank line joins the run around it when the lines on both sides share a label;
    otherwise it only separates two runs.
    """
    new: list[list[str]] = []
    old: list[list[str]] = []
    run: list[str] = []
    run_quoted = False
    blanks: list[str] = []
    for line, is_quoted in zip(lines, quoted, strict=True):
        if not line.strip():
            blanks.append(line)
            continue
        if run and is_quoted == run_quoted:
            run.extend(blanks)
        else:
            if run:
                (old if run_quoted else new).append(run)
            run = []
            run_quoted = is_quoted
        run.append(line)
        blanks = []
    if run:
        (old if run_quoted else new).append(run)
    return new, old


def _join_segments(segments: list[list[str]]) -> list[str]:
    """Concatenate runs with one blank line between them."""
    joined: list[str] = []
    for segment in segments:
        if joined:
            joined.append("")
        joined.extend(segment)
    return joined
