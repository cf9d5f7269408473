"""Charset handling of the MIME parser: supersets, wrong and missing labels, guesses."""

from __future__ import annotations

import base64

import pytest

from ingest._charsets import codec_for, decode_bytes, decode_words
from ingest.mime import parse_message

RUSSIAN = "Здравствуйте! Мы хотели бы заказать образцы вашей продукции и узнать цены."
CHINESE_TRADITIONAL = "您好，我們想訂購一批樣品，請報價。謝謝！我們公司是一家進口商。"


def text_message(body: bytes, charset: str | None) -> bytes:
    label = f"; charset={charset}" if charset else ""
    return b"From: a@b.c\nSubject: t\nContent-Type: text/plain%s\n\n%s" % (label.encode(), body)


def test_gb2312_label_with_gb18030_only_character() -> None:
    text = "报价单：LED面板 €12.5 — 镕"  # "€", "—" and "镕" are not in GB 2312
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")
    msg = parse_message(text_message(text.encode("gb18030"), "gb2312"))
    assert msg.body == text
    assert msg.defects == ()


@pytest.mark.parametrize(
    ("text", "sent_as", "label"),
    [
        (CHINESE_TRADITIONAL, "big5", "big5"),
        ("香港報價：㗎", "big5hkscs", "big5"),  # "㗎" is only in Big5-HKSCS
        (RUSSIAN, "koi8-r", "koi8-r"),
        (RUSSIAN, "cp1251", "windows-1251"),
        ("Ceny: 12 zł, dostawa w piątek.", "iso-8859-2", "iso-8859-2"),
        ("Preis: 12 € – Lieferung frei Haus", "cp1252", "windows-1252"),
        ("Dear partner, price 12€ “FOB”", "cp1252", "iso-8859-1"),
        ("見積書をお送りします。①", "cp932", "shift_jis"),  # "①" is a Windows extension
        ("견적서를 보내드립니다. 똠", "cp949", "ks_c_5601-1987"),  # "똠" is not in EUC-KR
    ],
)
def test_declared_charsets_and_their_supersets(text: str, sent_as: str, label: str) -> None:
    msg = parse_message(text_message(text.encode(sent_as), label))
    assert msg.body == text
    assert msg.defects == ()


def test_utf8_without_label() -> None:
    msg = parse_message(text_message("Grüße aus München".encode(), None))
    assert msg.body == "Grüße aus München"
    assert msg.defects == (
        "text/plain part: 8-bit bytes without a charset label; decoded as utf-8",
    )


def test_ascii_without_label_is_no_defect() -> None:
    msg = parse_message(text_message(b"plain ascii", None))
    assert msg.body == "plain ascii"
    assert msg.defects == ()


def test_latin1_bytes_labelled_utf8_fall_back_to_a_guess() -> None:
    text = "Grüße aus München, wir möchten bestellen. Schöne Grüße, Jürgen Müller"
    msg = parse_message(text_message(text.encode("latin-1"), "utf-8"))
    assert msg.body == text
    [defect] = msg.defects
    assert defect.startswith("text/plain part: bytes are not valid 'utf-8'; decoded as")


def test_unknown_label_falls_back() -> None:
    msg = parse_message(text_message("Привет".encode(), "x-no-such-charset"))
    assert msg.body == "Привет"
    assert msg.defects == (
        "text/plain part: unknown charset 'x-no-such-charset'; decoded as utf-8",
    )


def test_mostly_utf8_with_a_broken_byte_keeps_the_utf8() -> None:
    text, defect = decode_bytes("Юникод запрещен".encode() + b"\xf1", None, "header from")
    assert text == "Юникод запрещен\ufffd"
    assert defect is not None
    assert "1 invalid byte sequence(s) replaced" in defect


def test_latin1_is_the_last_resort() -> None:
    text, defect = decode_bytes(b"\x81\x8d\x8f\x90\x9d", "utf-8", "body")
    assert len(text) == 5
    assert defect is not None
    assert "decoded as" in defect


def test_quoted_printable_and_base64_bodies() -> None:
    qp = b"From: a@b.c\nContent-Type: text/plain; charset=utf-8\n"
    qp += b"Content-Transfer-Encoding: quoted-printable\n\nPreis f=C3=BCr 1000 St=C3=BCck=\n ok\n"
    assert parse_message(qp).body == "Preis für 1000 Stück ok\n"
    b64 = b"From: a@b.c\nContent-Type: text/plain; charset=koi8-r\n"
    b64 += b"Content-Transfer-Encoding: base64\n\n8NLJ18XU\n"
    assert parse_message(b64).body == "Привет"


def test_html_meta_charset_is_used_when_mime_has_none() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Цена</body></html>'
    raw = b"From: a@b.c\nContent-Type: text/html\n\n" + html.encode("cp1251")
    msg = parse_message(raw)
    assert msg.body == "Цена"
    assert msg.defects == ()


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb2312"),
        ('"utf-8"', "utf-8"),
        ("utf-8*en", "utf-8"),
        ("x-gbk", "gbk"),
        ("unknown-8bit", None),
        ("base64", None),
        ("no-such", None),
        (None, None),
    ],
)
def test_codec_for_labels(label: str | None, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_decode_words_joins_split_multibyte_characters() -> None:
    data = "中文".encode()
    first = base64.b64encode(data[:2]).decode()
    second = base64.b64encode(data[2:]).decode()
    text, defects = decode_words(f"=?UTF-8?B?{first}?= \n =?UTF-8?B?{second}?= ok", "s")
    assert text == "中文 ok"
    assert defects == []


def test_decode_words_repairs_padding_and_glued_words() -> None:
    text, defects = decode_words("x=?utf-8?B?w6k?==?utf-8?Q?_caf=C3=A9?=y", "s")
    assert text == "xé caféy"
    assert defects == []


def test_decode_words_reports_a_word_cut_before_its_end() -> None:
    text, defects = decode_words("Re: =?utf-8?q?Angebot_f=C3=BCr", "header subject")
    assert text == "Re: Angebot für"
    assert defects == ["header subject: encoded word without its closing '?='"]


def test_few_isolated_8bit_bytes_are_windows_1252() -> None:
    # Too little evidence for a detector, which guessed windows-1250 or Big5-HKSCS here.
    text = "Thanks, Jon Wätte ---- þ Blue Wave ¹ " + "plain English text. " * 20
    decoded, defect = decode_bytes(text.encode("cp1252"), None, "body")
    assert decoded == text
    assert defect is not None
    assert defect.endswith("without a charset label; decoded as cp1252 (few isolated 8-bit bytes)")


@pytest.mark.parametrize(
    "data",
    [
        "报价单 LED 面板".encode("gb18030") + b" and some ASCII" * 20,  # adjacent 8-bit bytes
        "Dzień dobry, proszę o ofertę".encode("cp1250"),  # more than 1 % 8-bit bytes
    ],
)
def test_denser_8bit_text_goes_to_the_detector(data: bytes) -> None:
    _, defect = decode_bytes(data, None, "body")
    assert defect is not None
    assert defect.endswith("(best guess)")
