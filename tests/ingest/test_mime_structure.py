"""The fast structure reader of ingest.mime must build exactly the feed parser's tree.

``clean_tree`` reads clean messages with string searches and gives up (None) on anything
the standard library's feed parser would flag; whenever it does not give up, its tree
must equal ``email.parser.Parser(policy=compat32)``'s: headers, payloads, preamble,
epilogue, defects. Checked on the real mail in ../shared/data (a tenth of 20ng), on
generated mail and on generated structures full of the traps of RFC 2046 delimiters.
"""

from __future__ import annotations

from email.message import Message
from email.parser import Parser
from email.policy import compat32
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.mailgen import generated_mail
from ingest._tree import clean_tree
from ingest.mime import ParseError, _checked_input


def shape(part: Message[Any, Any]) -> tuple[object, ...]:
    """Everything the feed parser decides about a part, recursively."""
    payload = part._payload  # the raw payload: get_payload() would decode 8-bit text
    children = payload if isinstance(payload, list) else None
    return (
        part.get_unixfrom(),
        list(part.raw_items()),
        part.preamble,
        part.epilogue,
        [type(defect).__name__ for defect in part.defects],
        part.get_default_type(),
        [shape(child) for child in children] if children is not None else payload,
    )


def same_tree_or_none(raw: bytes) -> bool:
    """True when clean_tree gave up on ``raw``; asserts the trees are equal otherwise."""
    text = raw.decode("ascii", "surrogateescape")
    fast = clean_tree(text)
    if fast is None:
        return True
    assert shape(fast) == shape(Parser(policy=compat32).parsestr(text))
    return False


def test_real_and_generated_mail(shared_data: Path) -> None:
    files = [p for p in (shared_data / "mime").rglob("*") if p.is_file()]
    files += sorted(p for p in (shared_data / "20ng-train").rglob("*") if p.is_file())[::10]
    raws = [path.read_bytes() for path in files] + generated_mail(400)
    raws += [raw.replace(b"\n", b"\r\n") for raw in generated_mail(100, seed=3)]
    fallbacks = checked = 0
    for raw in raws:
        try:
            data, _ = _checked_input(raw)
        except ParseError:
            continue
        checked += 1
        fallbacks += same_tree_or_none(data)
    assert fallbacks < 0.05 * checked  # the fast reader does the common work


RARELY = st.sampled_from([False] * 7 + [True])
EOL = st.sampled_from(["\n", "\n", "\r\n", "\r\n", "\r"])
# Lines of text, some of them near misses of a delimiter "--b" or "--bb".
TEXT = st.sampled_from(
    ["Hello", "", " ", "--", "From here", "é\udcff"] * 2
    + ["--b ", "--bb", " --b", "x--b", "--b x", "--b--x"]
)


@st.composite
def header(draw: st.DrawFn, content_type: str | None) -> str:
    fields = draw(st.lists(st.sampled_from(["Subject: hi", "X-A:", "To: a@b.c"]), max_size=2))
    if content_type is not None:
        fields.append(f"Content-Type: {content_type}")
    if draw(RARELY):
        fields.append("Content-Transfer-Encoding: " + draw(st.sampled_from(["7bit", "base64"])))
    if draw(RARELY):
        fields.insert(0, draw(st.sampled_from([" lost name", "From x@y", "not a field", ":x"])))
    eol = draw(EOL)
    fold = draw(st.sampled_from(["", "", eol + " folded", eol + "\t"]))
    return "".join(f + fold + draw(EOL) for f in fields)


def lines(draw: st.DrawFn) -> str:
    return "".join(draw(TEXT) + draw(EOL) for _ in range(draw(st.integers(0, 3))))


@st.composite
def leaf(draw: st.DrawFn) -> str:
    content_type = draw(st.sampled_from([None, "text/plain", "text/html"] * 3 + ["message/x"]))
    separator = draw(st.sampled_from(["\n", "\r\n", "\r"] * 3 + [""]))
    return draw(header(content_type)) + separator + lines(draw)


def multipart(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        boundary = draw(st.sampled_from(["b", "bb", "b", "bb", "=_x y"]))
        subtype = draw(st.sampled_from(["mixed", "alternative", "mixed", "digest"]))
        quoted = f'"{boundary}"' if " " in boundary or draw(st.booleans()) else boundary
        head = draw(header(f"multipart/{subtype}; boundary={quoted}"))
        parts = draw(st.lists(children, min_size=1, max_size=3))
        body = lines(draw)  # the preamble
        for part in parts:
            body += f"--{boundary}" + draw(st.sampled_from(["", "", "  ", "\t"])) + draw(EOL)
            body += part + draw(EOL)
        if not draw(RARELY):
            body += f"--{boundary}--" + draw(st.sampled_from(["", " ", "\n", "\r\n"]))
        return head + draw(EOL) + body + lines(draw)  # the epilogue

    return build()


@settings(max_examples=400, deadline=None)
@given(st.recursive(leaf(), multipart, max_leaves=6))
def test_generated_structures(message: str) -> None:
    same_tree_or_none(message.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize(
    "body",
    [
        "--b\n\nsee x--b\n\nmore\n--b--\n",  # a delimiter only at the start of a line
        "--b\n\nsee\r--b\r\n\nnext\n--b--",  # a lone CR ends a line too
        "pre\n--b\nContent-Type: text/plain\n\none\n--b \t\n\ntwo\r\n--b--\n\nepilogue\n",
        "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nin\n--c--\n\n--b--",
        "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nin\n--c--\n--b--\n",
        "--b\n\n--bb is not a delimiter\n--b--x\n--b--\n",
    ],
)
def test_delimiter_traps(body: str) -> None:
    raw = f'From: a@b.c\nContent-Type: multipart/mixed; boundary="b"\n\n{body}'.encode()
    assert not same_tree_or_none(raw)
