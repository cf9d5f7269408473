"""The MIME part tree of a message, read within bounds whatever the input.

A clean message (RFC 5322 header sections, RFC 2046 multiparts) is read with string
searches over the one decoded text, never copying a part before its leaf payload
(:func:`clean_tree`); anything else is read by the standard library's feed parser with
``email.policy.compat32``, which keeps raw header values and does not raise on garbage.
Both stop at ``MAX_DEPTH`` levels of nesting and ``MAX_PARTS`` parts: a deeper part is
read as text, the parts past the limit are left out, and a defect on the root says so.
Memory stays within a few times the input, time within ``MAX_DEPTH`` passes over it.
"""

from __future__ import annotations

import re
from email.errors import MessageDefect
from email.message import Message
from email.parser import Parser
from email.policy import compat32
from itertools import pairwise
from typing import TYPE_CHECKING, Any, TypeAlias

from ingest._headers import split_fields

Part: TypeAlias = "Message[Any, Any]"
if TYPE_CHECKING:
    _Message = Message[Any, Any]
else:
    _Message = Message

MAX_DEPTH = 40
"""Levels of nesting read as structure (multipart and message/* alike): a part nested
deeper is read as text, so no input can make the parser recurse without end."""
MAX_PARTS = 1_000
"""Parts read of one message: the parts after them are left out (a flat multipart of a
million empty parts would otherwise cost a million objects)."""

# The rest of a delimiter line after "--boundary" (RFC 2046 §5.1.1), as the feed parser
# matches it: "--" for the close delimiter, transport padding, the line end.
_DELIMITER_TAIL = re.compile(r"(--)?[ \t]*(?:\r\n|\r|\n|\Z)")
# The transfer encodings a multipart may have (RFC 2045 §6.4).
_IDENTITY = frozenset({"7bit", "8bit", "binary"})


class LimitDefect(MessageDefect):
    """Part of the message was not read as structure: it passed MAX_DEPTH or MAX_PARTS."""


def read_tree(text: str) -> Part:
    """The part tree of a message (str, 8-bit bytes as surrogate escapes), within bounds:
    :func:`clean_tree`'s when the message is clean, else the feed parser's."""
    tree = clean_tree(text)
    if tree is not None:
        return tree
    root: Part = Parser(_class=_BoundedPart, policy=compat32).parsestr(text)
    return root


class _Bounds:
    """What one parse has read so far: the parts made, and the limits met (noted once)."""

    def __init__(self, root: Part) -> None:
        self.root = root
        self.parts = 1
        self.noted: set[str] = set()

    def note(self, defect: str) -> None:
        if defect not in self.noted:
            self.noted.add(defect)
            self.root.defects.append(LimitDefect(defect))


class _BoundedPart(_Message):
    """A part of the feed parser's tree that knows its depth: below ``MAX_DEPTH`` it reads
    as text/plain, and past ``MAX_PARTS`` parts it is not attached (then dropped)."""

    depth = 0
    bounds: _Bounds | None = None

    def attach(self, payload: Message[str, str] | str) -> None:
        """Attach ``payload`` one level below this part, unless it is one part too many."""
        if not isinstance(payload, _BoundedPart):  # not from the feed parser: no bounds
            super().attach(payload)
            return
        if self.bounds is None:  # only the root was never attached itself
            self.bounds = _Bounds(self)
        payload.depth = self.depth + 1
        payload.bounds = self.bounds
        self.bounds.parts += 1
        if self.bounds.parts > MAX_PARTS:
            self.bounds.note(f"more than {MAX_PARTS} MIME parts: the rest left out")
            return
        super().attach(payload)

    def get_content_type(self) -> str:
        """The declared type, or text/plain for a part nested deeper than ``MAX_DEPTH``."""
        if self.depth > MAX_DEPTH:
            if self.bounds is not None:
                self.bounds.note(f"MIME parts nested deeper than {MAX_DEPTH} levels: read as text")
            return "text/plain"
        return super().get_content_type()


def clean_tree(
    text: str,
    start: int = 0,
    stop: int | None = None,
    depth: int = 0,
    parts: list[int] | None = None,
) -> Part | None:
    """The part tree of ``text[start:stop]`` (str, 8-bit bytes as surrogate escapes) when
    it is a clean message, read without copying anything but leaf payloads.

    Clean: every header section ends in a blank line or the end of its part and holds
    only fields (RFC 5322 §2.2), every multipart has a boundary, a first delimiter, parts
    that are not empty and a close delimiter (RFC 2046 §5.1.1), nothing is a message/* or
    multipart/digest part, nothing is nested deeper than ``MAX_DEPTH`` and there are at
    most ``MAX_PARTS`` parts. Then the tree is the one
    ``email.parser.Parser(policy=compat32)`` builds (preamble and epilogue included),
    without its line-by-line cost; otherwise None, and that parser must decide.
    ``depth`` > 0 marks a body part, whose last line end belongs to the next delimiter;
    ``parts`` counts the parts made so far.
    """
    stop = len(text) if stop is None else stop
    parts = [0] if parts is None else parts
    parts[0] += 1
    section = split_fields(text, start, stop)
    if section is None or depth > MAX_DEPTH or parts[0] > MAX_PARTS:
        return None
    fields, body_start, unixfrom = section
    part: Part = Message()
    if unixfrom is not None:
        part.set_unixfrom(unixfrom)
    for name, value in fields:
        part.set_raw(name, value)
    maintype = part.get_content_maintype()
    if maintype == "message":
        return None
    if maintype != "multipart":
        body = text[body_start:stop]
        part.set_payload(_strip_line_end(body) if depth else body)
        return part
    boundary = part.get_boundary()
    encoding = str(part.get("content-transfer-encoding", "8bit")).lower()
    if not boundary or part.get_content_subtype() == "digest" or encoding not in _IDENTITY:
        return None
    return _clean_multipart(part, text, (body_start, stop), "--" + boundary, depth, parts)


def _clean_multipart(
    part: Part, text: str, body: tuple[int, int], marker: str, depth: int, parts: list[int]
) -> Part | None:
    """Attach the parts of the multipart body ``text[body[0]:body[1]]`` to ``part`` (see
    :func:`clean_tree`)."""
    first, stop = body
    delimiters: list[tuple[int, int]] = []
    pos = first
    while (start := text.find(marker, pos, stop)) >= 0:
        pos = start + 1
        tail = _DELIMITER_TAIL.match(text, start + len(marker), stop)
        if tail is None or (start > first and text[start - 1] not in "\r\n"):
            continue
        delimiters.append((start, tail.end()))
        if tail.group(1):
            break
    else:
        return None  # no close delimiter
    if len(delimiters) < 2:
        return None  # no first delimiter before the close one
    preamble = text[first : delimiters[0][0]]
    part.preamble = _strip_line_end(preamble) if preamble else None
    epilogue = text[delimiters[-1][1] : stop]
    part.epilogue = (_strip_line_end(epilogue) if epilogue else None) if depth else epilogue
    for (_, begin), (end, _) in pairwise(delimiters):
        child = clean_tree(text, begin, end, depth + 1, parts) if begin < end else None
        if child is None:
            return None
        part.attach(child)
    return part


def _strip_line_end(text: str) -> str:
    """``text`` without its last line end: RFC 2046 §5.1.1 gives it to the delimiter."""
    return text[:-2] if text.endswith("\r\n") else text.removesuffix("\n").removesuffix("\r")
