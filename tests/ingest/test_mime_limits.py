"""Crafted messages that would blow up a naive MIME parser: deep nesting, parts that decode
to far more text than a message holds, a million parts. Each is parsed, within bounds, and
says in its defects what was left out: nothing is lost silently, nothing raises."""

from __future__ import annotations

import base64
import hashlib
import quopri
import tracemalloc

import pytest

from ingest._tree import MAX_DEPTH, MAX_PARTS
from ingest.mime import MAX_TEXT_BYTES, parse_message

HEAD = b"From: buyer@acme.de\r\nTo: rep@exporter.com\r\nSubject: bomb\r\n"
DEEPER = f"MIME parts nested deeper than {MAX_DEPTH} levels: read as text"


def nested_messages(depth: int) -> bytes:
    """``depth`` message/rfc822 parts, each inside the one before."""
    inner = b"From: a@b.com\r\nSubject: core\r\n\r\nthe innermost text\r\n"
    for level in range(depth):
        inner = b"Subject: level %d\r\nContent-Type: message/rfc822\r\n\r\n" % level + inner
    return (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=top\r\n\r\n--top\r\n"
        + (
            b"Content-Type: text/plain\r\n\r\nsee attached\r\n--top\r\n"
            b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--top--\r\n"
        )
    )


def nested_multiparts(depth: int, payload: bytes = b"deep text") -> bytes:
    """``depth`` multipart/mixed parts, each the only part of the one before."""
    inner = b"Content-Type: application/octet-stream\r\n\r\n" + payload
    for level in range(depth):
        boundary = b"b%d" % level
        inner = (
            b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n--" + boundary
            + b"\r\n" + inner + b"\r\n--" + boundary + b"--\r\n"
        )  # fmt: skip
    return HEAD + inner


def parts(count: int, close: bool = True) -> bytes:
    """A multipart/mixed of ``count`` tiny attachments (without its close delimiter when
    not ``close``, which sends it to the feed parser)."""
    one = b"--x\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n"
    end = b"--x--\r\n" if close else b""
    return HEAD + b"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + one * count + end


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200, 5_000])
def test_deeply_nested_messages_parse_with_a_defect(depth: int) -> None:
    msg = parse_message(nested_messages(depth))
    assert msg.body == "see attached"
    [attached] = msg.attachments
    assert attached.content_type == "message/rfc822"
    assert attached.size > 0
    assert f"LimitDefect: {DEEPER}" in msg.defects


@pytest.mark.parametrize("depth", [200, 5_000])
def test_deeply_nested_multiparts_parse_with_a_defect(depth: int) -> None:
    msg = parse_message(nested_multiparts(depth))
    assert f"LimitDefect: {DEEPER}" in msg.defects
    assert f"MIME nesting deeper than {MAX_DEPTH} levels: inner parts ignored" in msg.defects


@pytest.mark.parametrize("depth", [MAX_DEPTH - 2, MAX_DEPTH + 5])
def test_nesting_does_not_multiply_the_memory_a_big_part_takes(depth: int) -> None:
    payload = (b"A" * 76 + b"\r\n") * 30_000  # 2.3 MB
    raw = nested_multiparts(depth, payload)
    tracemalloc.start()
    try:
        msg = parse_message(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # a copy of the part per level would be depth x 2.3 MB; a few copies are the floor
    assert peak < 8 * len(raw)
    assert len(msg.attachments) == (1 if depth <= MAX_DEPTH else 0)


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_a_text_part_that_decodes_past_the_limit_is_cut_with_a_defect(encoding: str) -> None:
    text = b"Please quote 500 pcs of model X96, FOB Shenzhen.\r\n" * 100_000  # 5 MB
    encoded = base64.encodebytes(text) if encoding == "base64" else quopri.encodestring(text)
    raw = HEAD + (
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        + encoding.encode()
        + b"\r\n\r\n"
        + encoded
    )
    msg = parse_message(raw)
    cut = text.rfind(b"\n", 0, MAX_TEXT_BYTES) + 1  # at a line end
    assert msg.body == text[:cut].decode().replace("\r\n", "\n")
    assert f"text/plain part of {len(text)} bytes: only its first {cut} read" in msg.defects


def test_an_attachment_past_the_text_limit_is_hashed_whole() -> None:
    data = bytes(range(256)) * 20_000  # 5 MB
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: text/plain\r\n\r\nthe catalogue\r\n--x\r\n"
        b"Content-Type: application/pdf; name=catalogue.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(data) + b"--x--\r\n"
    )
    [attachment] = parse_message(raw).attachments
    assert (attachment.size, attachment.sha256) == (len(data), hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("close", [True, False], ids=["clean", "feed parser"])
def test_parts_past_the_limit_are_left_out_with_a_defect(close: bool) -> None:
    msg = parse_message(parts(50_000, close))
    assert len(msg.attachments) == MAX_PARTS - 1  # the root is a part too
    assert f"LimitDefect: more than {MAX_PARTS} MIME parts: the rest left out" in msg.defects


def test_a_message_at_the_limits_is_read_whole() -> None:
    msg = parse_message(parts(MAX_PARTS - 1))
    assert len(msg.attachments) == MAX_PARTS - 1
    assert not msg.defects
    deep = parse_message(nested_multiparts(MAX_DEPTH))
    assert len(deep.attachments) == 1
    assert not deep.defects
