"""Render an HTML mail body as readable plain text, with quoted history marked by "> ".

Only the standard library :mod:`html.parser` is used. Scripts, styles and the head are
dropped; block elements and ``<br>`` end lines; entities are decoded; whitespace is
collapsed the way a browser would. Quoted history is detected from the containers that
mail clients use and every line inside is prefixed with "> " (one per quote level), so
that the quote splitter sees HTML replies as it sees plain-text ones:

- ``<blockquote>`` (Apple Mail / Thunderbird ``type=cite``, Gmail, mail.ru, …): one
  level each, nested blockquotes nest;
- Gmail ``div.gmail_quote``, Yahoo ``div.yahoo_quoted``, Outlook for Mac
  ``#OLK_SRC_BODY_SECTION``: at least one level for their content;
- Outlook ``#appendonsend`` / ``#divRplyFwdMsg``, Outlook desktop's header block
  (``border-top:solid #E1E1E1`` / ``#B5C4DF``) and Hotmail's ``hr#stopSpelling``: these
  mark the *start* of the history, so everything after them inside their parent element
  is one level deeper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_DROP = frozenset({"script", "style", "head", "title", "template", "xml", "noscript"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "pre",
        "section",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
_CELL = frozenset({"td", "th"})
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted")
_QUOTE_IDS = frozenset({"olk_src_body_section"})
_HISTORY_IDS = frozenset({"appendonsend", "divrplyfwdmsg", "stopspelling"})
_OUTLOOK_HEADER_STYLE = re.compile(r"border-top:\s*solid\s*#(?:e1e1e1|b5c4df)", re.I)
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u034f\u00ad]")
_TAG = re.compile(r"<[^>]*>")


@dataclass
class _Open:
    """One open element; what it added to the quote counters, undone when it closes."""

    tag: str
    paragraph: bool = False
    blockquote: bool = False
    container: bool = False
    history: bool = False


@dataclass
class _Line:
    depth: int
    words: list[str] = field(default_factory=list)
    content: bool = False
    pre: bool = False

    @property
    def blank(self) -> bool:
        return not any(word.strip() for word in self.words)


class _TextRenderer(HTMLParser):
    """Collects rendered lines with their quote depth while the HTML is fed in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[_Line] = []
        self._stack: list[_Open] = []
        self._drop = 0
        self._pre = 0
        self._blockquotes = 0
        self._containers = 0
        self._history = 0
        self._document_history = False
        self._pending_blank = False
        self._line = _Line(0)

    @property
    def _depth(self) -> int:
        depth = self._blockquotes + self._history
        return max(depth, 1) if self._containers else depth

    def _end_line(self, *, force: bool) -> None:
        if force or self._line.content:
            self.lines.append(self._line)
        self._line = _Line(self._depth)

    def _block_break(self) -> None:
        if self._line.content:
            self._end_line(force=False)
        else:
            self._line.depth = self._depth

    def _paragraph_break(self) -> None:
        self._block_break()
        self._pending_blank = True

    def _emit(self, text: str) -> None:
        if not self._line.content:
            if self._pending_blank and self.lines and not self.lines[-1].blank:
                self.lines.append(_Line(min(self._depth, self.lines[-1].depth)))
            self._pending_blank = False
            self._line.depth = self._depth
            self._line.content = True
        self._line.pre = self._line.pre or self._pre > 0
        self._line.words.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open ``tag``: update drop/pre/quote state and break lines for blocks."""
        if tag in _DROP:
            self._drop += 1
            return
        if tag == "body":
            self._drop = 0
            return
        values = {name: (value or "") for name, value in attrs}
        self._mark_history(tag, values)
        if tag == "br":
            self._end_line(force=True)
            return
        if tag in _CELL and self._line.content:
            self._emit(" ")
        classes = values.get("class", "").lower()
        # Outlook writes every line as <p class=MsoNormal>: lines, not paragraphs.
        paragraph = tag in _PARAGRAPH and "msonormal" not in classes
        if paragraph:
            self._paragraph_break()
        elif tag in _BLOCK or tag in _PARAGRAPH:
            self._block_break()
        if tag in _VOID:
            return
        entry = _Open(
            tag,
            paragraph=paragraph,
            blockquote=tag == "blockquote",
            container=tag != "blockquote"
            and (
                any(name in classes for name in _QUOTE_CLASSES)
                or values.get("id", "").lower() in _QUOTE_IDS
            ),
        )
        self._push(entry)
        if tag == "pre":
            self._pre += 1
        if tag == "li":
            self._emit("- ")

    def _mark_history(self, tag: str, values: dict[str, str]) -> None:
        starts_history = values.get("id", "").lower() in _HISTORY_IDS or (
            tag == "div" and _OUTLOOK_HEADER_STYLE.search(values.get("style", "")) is not None
        )
        if not starts_history:
            return
        if self._stack and not self._stack[-1].history:
            self._stack[-1].history = True
        elif not self._stack and not self._document_history:
            self._document_history = True
        else:
            return
        self._history += 1
        self._block_break()

    def _push(self, entry: _Open) -> None:
        before = self._depth
        self._stack.append(entry)
        self._blockquotes += entry.blockquote
        self._containers += entry.container
        if self._depth != before:
            self._block_break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat ``<tag/>`` as a start tag that closes at once."""
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        """Close ``tag`` and any unclosed elements inside it; ignore stray end tags."""
        if tag in _DROP:
            self._drop = max(0, self._drop - 1)
            return
        closing = next((entry for entry in reversed(self._stack) if entry.tag == tag), None)
        if closing is not None and closing.paragraph:
            self._paragraph_break()
        elif tag in _BLOCK or tag in _PARAGRAPH:
            self._block_break()
        if closing is None:
            return
        before = self._depth
        while self._stack:
            entry = self._stack.pop()
            self._blockquotes -= entry.blockquote
            self._containers -= entry.container
            self._history -= entry.history
            self._pre -= entry.tag == "pre"
            if entry.tag == tag:
                break
        if self._depth != before:
            self._block_break()

    def handle_data(self, data: str) -> None:
        """Add text: collapsed outside ``<pre>``, line by line inside it."""
        if self._drop:
            return
        data = _INVISIBLE.sub("", data)
        if self._pre:
            first, *rest = data.split("\n")
            if first:
                self._emit(first)
            for line in rest:
                self._end_line(force=True)
                if line:
                    self._emit(line)
            return
        if not data.strip(" \t\n\r\f\v"):
            if data and self._line.content:
                self._emit(" ")
            return
        self._emit(_SPACES.sub(" ", data))

    def text(self) -> str:
        """Finish the last line and return all lines rendered with their "> " prefixes."""
        self._end_line(force=False)
        return _render(self.lines)


def _render(lines: list[_Line]) -> str:
    out: list[str] = []
    previous_blank = True
    previous_depth = 0
    for line in lines:
        joined = "".join(line.words)
        text = joined.rstrip() if line.pre else _SPACES.sub(" ", joined).strip()
        if not text and (previous_blank or line.depth != previous_depth):
            continue
        previous_depth = line.depth
        prefix = "> " * line.depth
        out.append((prefix + text).rstrip() if text else prefix.rstrip())
        previous_blank = not text
    while out and not out[-1].strip("> "):
        out.pop()
    return "\n".join(out)


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML document, quote levels marked with "> ".

    Never raises: markup the parser cannot handle falls back to stripping tags.
    """
    renderer = _TextRenderer()
    try:
        renderer.feed(markup)
        renderer.close()
    except Exception:  # whatever the parser chokes on, the text is still wanted
        return _SPACES.sub(" ", _TAG.sub(" ", markup)).strip()
    return renderer.text()
