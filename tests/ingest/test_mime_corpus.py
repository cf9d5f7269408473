"""MIME parsing over the real mail in ../shared/data: nothing crashes, and it is fast."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from ingest.mime import ParseError, parse_message
from ingest.quoting import split_body

BINARY_MEDIA = {
    "python.bmp", "python.exr", "python.gif", "python.jpg", "python.pbm", "python.pgm",
    "python.png", "python.ppm", "python.ras", "python.sgi", "python.tiff", "python.webp",
    "python.xbm", "sndhdr.aifc", "sndhdr.aiff", "sndhdr.au", "sndhdr.wav",
}  # fmt: skip


def test_every_corpus_file_parses_or_is_a_parse_error(shared_data: Path) -> None:
    root = shared_data / "mime"
    files = sorted(path for path in root.rglob("*") if path.is_file())
    assert len(files) > 300
    parsed: dict[str, object] = {}
    reasons: dict[str, str] = {}
    failures: list[str] = []
    for path in files:
        name = str(path.relative_to(root))
        try:
            parsed[name] = parse_message(path.read_bytes())
        except ParseError as exc:
            reasons[name] = exc.reason
            if not exc.reason.strip() or "\n" in exc.reason:
                failures.append(f"{name}: bad reason {exc.reason!r}")
            if exc.reason.startswith("unexpected parser error"):
                failures.append(f"{name}: {exc.reason}")
        except Exception as exc:  # the assertion below reports every escape
            failures.append(f"{name}: {type(exc).__name__} escaped: {exc}")
    print(f"\nmime corpus: {len(parsed)} parsed, {len(reasons)} ParseError")
    for reason, count in Counter(reasons.values()).most_common():
        print(f"  {count:4d}  {reason}")
    assert failures == []

    cpython = "cpython-test_email/data/"
    for media in BINARY_MEDIA:
        assert cpython + media in reasons, media
    for media in ("mailgun.png", "small.png", "mailgun-rocks.wav"):
        assert f"flanker/tests/fixtures/messages/attachments/{media}" in reasons
    messages = sorted(p.name for p in (root / cpython).glob("msg_*.txt"))
    assert len(messages) == 47
    for message in messages:
        # msg_19.txt is a digest body without any header: not an email on its own.
        expected = reasons if message == "msg_19.txt" else parsed
        assert cpython + message in expected, message
    for path in (root / "flanker/tests/fixtures/messages").rglob("*.eml"):
        assert str(path.relative_to(root)) in parsed, path
    assert reasons["flanker/tests/fixtures/messages/dkim/email.01"] == "empty input"
    assert "github-email_reply_parser/test/emails/email_1_1.txt" in reasons


def test_talon_standard_replies_have_sender_subject_and_body(shared_data: Path) -> None:
    folder = shared_data / "mime/talon/tests/fixtures/standard_replies"
    replies = sorted(folder.glob("*.eml"))
    assert len(replies) >= 10
    for path in replies:
        msg = parse_message(path.read_bytes())
        assert msg.sender is not None, path.name
        assert msg.body.strip(), path.name
        assert msg.body_format == "plain", path.name
        assert msg.parts == split_body(msg.body)


def test_bounces_are_automatic(shared_data: Path) -> None:
    folder = shared_data / "mime/flanker/tests/fixtures/messages/bounce"
    for path in sorted(folder.glob("*.eml")):
        if path.name == "delayed-broken.eml":  # headers only: nothing says it is a bounce
            continue
        assert parse_message(path.read_bytes()).is_auto, path.name


def test_enclosed_message_is_an_attachment_not_body(shared_data: Path) -> None:
    raw = (shared_data / "mime/flanker/tests/fixtures/messages/enclosed.eml").read_bytes()
    msg = parse_message(raw)
    assert msg.body.strip() == "Hello"
    [attached] = msg.attachments
    assert attached.content_type == "message/rfc822"
    assert attached.filename == "thanks.eml"
    assert attached.size > 1000
    assert "blank lines before the header removed" in msg.defects


def test_latin1_usenet_message(shared_data: Path) -> None:
    path = shared_data / "20ng-train/comp.windows.x/66871"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    msg = parse_message(raw)
    assert msg.sender is not None
    assert "@" in msg.sender.email
    assert msg.subject
    assert "VW Käfer" in msg.body
    assert any("without a charset label" in defect for defect in msg.defects)
    assert msg.raw_sha256 == hashlib.sha256(raw).hexdigest()


def test_usenet_message_with_lost_first_field_name(shared_data: Path) -> None:
    msg = parse_message((shared_data / "20ng-train/alt.atheism/51180").read_bytes())
    assert msg.sender is not None
    assert msg.sender.email.startswith("livesey@")
    assert msg.subject == "Re: >>>>>>Pompous ass"
    assert any(d.startswith("FirstHeaderLineIsContinuationDefect") for d in msg.defects)


def test_every_usenet_message_parses(shared_data: Path) -> None:
    raws = [p.read_bytes() for p in sorted((shared_data / "20ng-train").rglob("*")) if p.is_file()]
    assert len(raws) == 11314
    messages = [parse_message(raw) for raw in raws]
    assert sum(m.sender is not None for m in messages) > 0.99 * len(raws)
    assert all(m.subject for m in messages)
    assert sum(bool(m.body.strip()) for m in messages) > 0.99 * len(raws)
