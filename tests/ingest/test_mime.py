"""MIME parsing on hand-written messages: input rejection, headers, structure, attachments."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest

from ingest._headers import HeaderReader, _common_mailboxes
from ingest.message import Address
from ingest.mime import ParseError, parse_message
from ingest.quoting import split_body


def eml(*headers: str, body: bytes = b"Hello\n", crlf: bool = False) -> bytes:
    """A message from header lines and a body (LF line ends unless ``crlf``)."""
    raw = "\n".join(headers).encode("utf-8") + b"\n\n" + body
    return raw.replace(b"\n", b"\r\n") if crlf else raw


# --- what is not an email ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b"\r\n \n\t\n", "input holds only whitespace"),
        (b"GIF89a\x10\x00\x10\x00\xf5?\x00", "binary data"),
        (b"RIFF$\x00\x00\x00WAVEfmt ", "binary data"),
        (b"Hi folks\n\nWhat is the best way?\n", "no RFC 5322 header field"),
        (b"#define python_width 16\n", "no RFC 5322 header field"),
        (b":+1:\r\n", "no RFC 5322 header field"),
        (b"From MAILER-DAEMON Fri Apr 06 16:46:09 2001\n", "no RFC 5322 header field"),
    ],
)
def test_non_email_input_is_a_parse_error(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_message(raw)
    assert caught.value.reason.startswith(reason)
    assert str(caught.value) == caught.value.reason


def test_unexpected_errors_are_wrapped() -> None:
    with pytest.raises(ParseError, match="unexpected parser error: TypeError"):
        parse_message("From: a@b.c\n\nnot bytes")  # type: ignore[arg-type]


def test_mbox_from_line_and_bom_are_tolerated() -> None:
    raw = b"\xef\xbb\xbfFrom a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nSubject: s\n\nbody\n"
    msg = parse_message(raw)
    assert msg.sender == Address("a@b.c")
    assert msg.subject == "s"
    assert "leading UTF-8 byte order mark removed" in msg.defects


# --- headers -----------------------------------------------------------------------------


def test_ids_are_unbracketed_and_references_split_in_order() -> None:
    msg = parse_message(
        eml(
            "From: a@b.c",
            "Message-ID:  <abc.123@mail.example.com> ",
            "In-Reply-To: <parent@x.org> (from Bob)",
            "References: <root@x.org>\n <mid@x.org>\n\t<parent@x.org> <root@x.org>",
        )
    )
    assert msg.message_id == "abc.123@mail.example.com"
    assert msg.in_reply_to == "parent@x.org"
    assert msg.references == ("root@x.org", "mid@x.org", "parent@x.org")


def test_missing_ids_and_subject() -> None:
    msg = parse_message(eml("From: a@b.c"))
    assert msg.message_id is None
    assert msg.in_reply_to is None
    assert msg.references == ()
    assert msg.subject == ""
    assert msg.date is None
    assert msg.defects == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 3 Apr 2012 16:58:35 +0400", datetime(2012, 4, 3, 12, 58, 35, tzinfo=UTC)),
        ("7 Apr 94 17:35:09 GMT", datetime(1994, 4, 7, 17, 35, 9, tzinfo=UTC)),
        ("Wed, 20 Sep 1995 00:19:00 (EDT) -0400", datetime(1995, 9, 20, 4, 19, tzinfo=UTC)),
        ("Sat, 1 Jan 2000 10:00:00 -0000", datetime(2000, 1, 1, 10, tzinfo=UTC)),
        ("1 Jan 2000 10:00", datetime(2000, 1, 1, 10, tzinfo=UTC)),
        ("2014-07-03T15:50:00Z", datetime(2014, 7, 3, 15, 50, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(value: str, expected: datetime) -> None:
    msg = parse_message(eml("From: a@b.c", f"Date: {value}"))
    assert msg.date == expected
    assert msg.date is not None
    assert msg.date.utcoffset() is not None


@pytest.mark.parametrize("value", ["garbage", "Mon, 32 Foo 2012", "Sun, 12 Jun 2016 12:00 +9900"])
def test_unparseable_date_is_none_and_a_defect(value: str) -> None:
    msg = parse_message(eml("From: a@b.c", f"Date: {value}"))
    assert msg.date is None
    assert any(d.startswith("header date: unparseable date") for d in msg.defects)


def test_subject_is_decoded_and_unfolded() -> None:
    msg = parse_message(
        eml(
            "From: a@b.c",
            "Subject: =?UTF-8?Q?Angebot_f=C3=BCr?=\n =?UTF-8?B?TEVELVBhbmVlbGU=?=\n\t2024",
        )
    )
    assert msg.subject == "Angebot fürLED-Paneele 2024"


def test_broken_encoded_words_in_subject_are_repaired() -> None:
    gb18030_only = "€".encode("gb18030")  # not in GB 2312
    word = base64.b64encode("报价".encode("gb2312") + gb18030_only).decode()
    msg = parse_message(eml("From: a@b.c", f"Subject: =?gb2312?B?{word}?= and =?utf-8?q?cut"))
    assert msg.subject == "报价€ and cut"
    assert any("header subject" in d for d in msg.defects)


def test_raw_8bit_subject_is_decoded() -> None:
    raw = b"From: a@b.c\nSubject: Pr\xc3\xbcfbericht\n\nx\n"
    msg = parse_message(raw)
    assert msg.subject == "Prüfbericht"
    assert any("header subject: 8-bit bytes" in d for d in msg.defects)


def test_addresses_are_lower_cased_named_and_garbage_skipped() -> None:
    msg = parse_message(
        eml(
            "From: =?utf-8?q?Jos=C3=A9_P=C3=A9rez?= <Jose.Perez@Example.COM>",
            'To: "Smith, J" <J@X.COM>, plain@y.org, nobody, undisclosed-recipients:;',
            "Cc: Group: one@g.org, two@g.org;",
            "Reply-To: buyer@acme.co.uk (Acme Buyer)",
        )
    )
    assert msg.sender == Address("jose.perez@example.com", "José Pérez")
    assert msg.to == (Address("j@x.com", "Smith, J"), Address("plain@y.org"))
    assert msg.cc == (Address("one@g.org"), Address("two@g.org"))
    assert msg.reply_to == (Address("buyer@acme.co.uk", "Acme Buyer"),)
    assert any("skipped invalid address 'nobody'" in d for d in msg.defects)


@pytest.mark.parametrize(
    "value",
    [
        "a@b.c",
        "A.B+tag@Mail.Example.COM (Anne B. Smith)",
        "buyer@acme.co.uk (Acme  Buyer)",
        'John Q. Public <JQP@x.org>, <bare@y.org>,  "Last, First" <lf@z.org>',
        '"a \\"quoted\\" b" <q@x.org>',
        "=?utf-8?q?Jos=C3=A9?= Pérez <jp@x.es>",
        '"=?utf-8?b?5p2O5Lyf?=" <li@factory.cn>',
        "a@b.c (one), d@e.f (two)",
        "Mr. O'Brien <ob@x.ie>,\tsecond@y.org",
    ],
)
def test_common_address_shapes_read_as_the_strict_parser_reads_them(value: str) -> None:
    assert _common_mailboxes(value) is not None  # the fast path reads them
    fast = HeaderReader({"to": value})
    strict = HeaderReader({"to": value})
    assert fast.addresses("to") == strict._mailboxes("to", value)
    assert fast.defects == strict.defects


def test_address_header_that_breaks_the_policy_parser() -> None:
    msg = parse_message(eml("From: Bob <bob@b.com>", "To: a@b.com, bar@"))
    assert msg.to == (Address("a@b.com"),)
    assert any(d.startswith("header to: IndexError") for d in msg.defects)


# --- structure, bodies, attachments ----------------------------------------------------


def test_plain_body_crlf_becomes_lf() -> None:
    msg = parse_message(eml("From: a@b.c", body=b"line 1\nline 2\n", crlf=True))
    assert msg.body == "line 1\nline 2\n"
    assert msg.body_format == "plain"
    assert msg.parts == split_body(msg.body)


def _multipart(subtype: str, *parts: str, boundary: str = "BB") -> bytes:
    body = "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n"
    return eml(
        "From: a@b.c",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"',
        body=body.encode(),
    )


def test_alternative_prefers_plain() -> None:
    raw = _multipart(
        "alternative",
        "Content-Type: text/plain; charset=utf-8\n\nPlain version",
        "Content-Type: text/html; charset=utf-8\n\n<p>HTML version</p>",
    )
    msg = parse_message(raw)
    assert msg.body.strip() == "Plain version"
    assert msg.body_format == "plain"
    assert msg.attachments == ()


def test_alternative_with_empty_plain_uses_html() -> None:
    raw = _multipart(
        "alternative",
        "Content-Type: text/plain; charset=utf-8\n\n  \n",
        "Content-Type: text/html; charset=utf-8\n\n<div>HTML <b>only</b></div>",
    )
    msg = parse_message(raw)
    assert msg.body == "HTML only"
    assert msg.body_format == "html"


def test_html_only_body_is_rendered_with_quotes() -> None:
    html = (
        "<html><head><title>x</title><style>p {color: red}</style></head><body>"
        "<p>Dear Sir,</p><p>Please quote 500&nbsp;pcs &amp; ship FOB.</p>"
        "<div class='gmail_quote'><div>On Mon, Bob wrote:</div>"
        "<blockquote>Our price is 3 USD.<br>Regards</blockquote></div>"
        "<script>alert(1)</script></body></html>"
    )
    msg = parse_message(eml("From: a@b.c", "Content-Type: text/html", body=html.encode()))
    assert msg.body_format == "html"
    assert msg.body == (
        "Dear Sir,\n\nPlease quote 500 pcs & ship FOB.\n\n"
        "> On Mon, Bob wrote:\n> Our price is 3 USD.\n> Regards"
    )
    assert msg.parts == split_body(msg.body)


def test_mixed_with_attachments_and_inline_text() -> None:
    pdf = b"%PDF-1.4 binary \x00\x01\x02"
    raw = _multipart(
        "mixed",
        "Content-Type: text/plain\n\nSee the price list.",
        "Content-Type: text/plain\n\nA footer added by a list server.",
        "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
        "Content-Disposition: attachment; filename*=utf-8''Preisliste%20M%C3%BCnchen.pdf\n\n"
        + base64.b64encode(pdf).decode(),
        "Content-Type: text/csv\nContent-Disposition: attachment;\n"
        ' filename="=?utf-8?B?5oql5Lu3LmNzdg==?="\n\na,b\n1,2',
        "Content-Type: image/png\nContent-ID: <logo>\nContent-Transfer-Encoding: base64\n\n"
        + base64.b64encode(b"\x89PNG").decode(),
    )
    msg = parse_message(raw)
    assert msg.body == "See the price list."
    assert [(a.filename, a.content_type) for a in msg.attachments] == [
        ("Preisliste München.pdf", "application/pdf"),
        ("报价.csv", "text/csv"),
        (None, "image/png"),
    ]
    first = msg.attachments[0]
    assert first.size == len(pdf)
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()


def test_rfc2231_continued_filename() -> None:
    raw = _multipart(
        "mixed",
        "Content-Type: text/plain\n\nHi",
        "Content-Type: application/msword\nContent-Disposition: attachment;\n"
        " filename*0*=iso-8859-1''Offre%20caf%E9;\n filename*1=\"_2024.doc\"\n\nDOC",
    )
    assert parse_message(raw).attachments[0].filename == "Offre café_2024.doc"


def test_attached_message_is_listed_not_merged() -> None:
    inner = "From: old@x.org\nSubject: the original\n\nOriginal text\n"
    raw = _multipart(
        "mixed",
        "Content-Type: text/plain\n\nForwarding this.",
        f"Content-Type: message/rfc822\n\n{inner}",
    )
    msg = parse_message(raw)
    assert msg.body == "Forwarding this."
    [attached] = msg.attachments
    assert attached.content_type == "message/rfc822"
    assert attached.size == len(inner.encode())
    assert attached.sha256 == hashlib.sha256(inner.encode()).hexdigest()


def test_broken_multipart_keeps_text_and_reports_defects() -> None:
    raw = eml(
        "From: a@b.c",
        'Content-Type: multipart/mixed; boundary="missing"',
        body=b"--other\nContent-Type: text/plain\n\nStill readable\n",
    )
    msg = parse_message(raw)
    assert "Still readable" in msg.body
    assert any("without parseable parts" in d for d in msg.defects)
    assert any(d.startswith("StartBoundaryNotFoundDefect") for d in msg.defects)


def test_content_type_that_crashes_the_strict_header_parser_is_read() -> None:
    # email.policy.default raises IndexError inside the feed parser on this parameter;
    # the raw values that compat32 keeps are read instead.
    raw = eml(
        "From: Anne <a@b.c>",
        "Subject: still a message",
        'Content-Type: text/plain; name*="us-ascii\'\'"x"',
        body=b"Body text\n",
    )
    msg = parse_message(raw)
    assert msg.subject == "still a message"
    assert msg.sender == Address("a@b.c", "Anne")
    assert msg.body == "Body text\n"
    assert msg.attachments == ()


def test_invalid_content_type_is_text_plain_and_a_defect() -> None:
    msg = parse_message(eml("From: a@b.c", "Content-Type: text; charset=us-ascii"))
    assert msg.body == "Hello\n"
    assert "invalid Content-Type 'text; charset=us-ascii': text/plain assumed" in msg.defects
    commented = parse_message(
        eml("From: a@b.c", "Content-Type: text/html (rich)", body=b"<b>Hi</b>")
    )
    assert (commented.body, commented.body_format) == ("Hi", "html")


def test_transfer_encoding_with_blanks_is_decoded_and_reported() -> None:
    raw = eml(
        "From: a@b.c",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64 ",
        body=base64.b64encode("Grüße".encode()),
    )
    msg = parse_message(raw)
    assert msg.body == "Grüße"
    assert msg.defects == ("Content-Transfer-Encoding 'base64 ' read as 'base64'",)


def test_html_alternative_is_not_rendered_when_plain_has_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(markup: str) -> str:
        raise AssertionError(f"rendered {markup!r}")

    monkeypatch.setattr("ingest.mime.html_to_text", fail)
    raw = _multipart(
        "alternative",
        "Content-Type: text/plain\n\nPlain version",
        "Content-Type: text/html\n\n<p>HTML version</p>",
    )
    assert parse_message(raw).body == "Plain version"


def test_single_part_text_with_a_name_is_the_body() -> None:
    raw = eml("From: a@b.c", 'Content-Type: text/plain; name="message.txt"', body=b"Quote\n")
    msg = parse_message(raw)
    assert msg.body == "Quote\n"
    assert msg.attachments == ()
    report = eml(
        "From: a@b.c",
        "Content-Type: text/csv",
        'Content-Disposition: attachment; filename="r.csv"',
        body=b"a,b\n",
    )
    msg = parse_message(report)
    assert msg.body_format == "none"
    assert [a.filename for a in msg.attachments] == ["r.csv"]


def test_deep_nesting_is_cut_with_a_defect() -> None:
    depth = 60
    body = ""
    for level in range(depth):
        body += f'--b{level}\nContent-Type: multipart/mixed; boundary="b{level + 1}"\n\n'
    body += f"--b{depth}\nContent-Type: text/plain\n\ndeep\n"
    msg = parse_message(
        eml("From: a@b.c", 'Content-Type: multipart/mixed; boundary="b0"', body=body.encode())
    )
    assert msg.body == ""
    assert any("MIME nesting deeper than" in d for d in msg.defects)
