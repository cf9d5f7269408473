"""Thread keys: subject normalisation, parent Message-IDs, subject keys."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.message import Address, BodyParts, ParsedMessage
from ingest.threads import normalize_subject, parent_ids, subject_key


def make_msg(subject: str = "LED panels", **extra: Any) -> ParsedMessage:
    fields: dict[str, Any] = {
        "raw_sha256": "0" * 64,
        "message_id": "<self@example.com>",
        "in_reply_to": None,
        "references": (),
        "date": None,
        "subject": subject,
        "sender": Address("buyer@acme.co.uk"),
        "reply_to": (),
        "to": (Address("rep@example.com"),),
        "cc": (),
        "body": "",
        "body_format": "plain",
        "parts": BodyParts(new_text=""),
    }
    fields.update(extra)
    return ParsedMessage(**fields)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("LED Panels 600x600", "led panels 600x600"),
        ("Re: Re: RE: LED panels", "led panels"),
        ("Fwd: FW: Fw: LED panels", "led panels"),
        ("AW: WG: Angebot  LED-Panels", "angebot led-panels"),
        ("SV: VS: Tilaus", "tilaus"),
        ("TR: Réf. : Devis", "devis"),
        ("RV: RE: Cotización", "cotización"),
        ("R: RIF: I: Offerta", "offerta"),
        ("Antw: Doorst: Offerte", "offerte"),
        ("Odp: Ynt: Teklif", "teklif"),
        ("回复：转发: 询价 LED 灯", "询价 led 灯"),
        ("回覆: 答复: 轉寄: 报价", "报价"),
        ("Ответ: Отв: Переслать: Заказ", "заказ"),
        ("Re[3]: Fwd[2]: Price", "price"),
        ("Re^2: Fwd(2): Price", "price"),
        ("RE：ＰＲＩＣＥ　ＬＩＳＴ", "price list"),
        ("[sales] Re: [EXT] Quote", "quote"),
        ("Re : re:   quote\tnow ", "quote now"),
        ("Regarding: order", "regarding: order"),
        ("Reply needed", "reply needed"),
        ("Re:", ""),
        ("", ""),
    ],
)
def test_normalize_subject(subject: str, expected: str) -> None:
    assert normalize_subject(subject) == expected


def test_parent_ids_order_and_dedupe() -> None:
    msg = make_msg(
        in_reply_to="<c@x>",
        references=("<a@x>", "<b@x>", "<c@x>", "<b@x>", "<self@example.com>"),
    )
    assert parent_ids(msg) == ("<c@x>", "<b@x>", "<a@x>")


def test_parent_ids_references_only_newest_first() -> None:
    msg = make_msg(references=("<a@x>", "<b@x>"))
    assert parent_ids(msg) == ("<b@x>", "<a@x>")


def test_parent_ids_in_reply_to_with_several_ids() -> None:
    msg = make_msg(in_reply_to="<p@x> <q@x>", references=("<q@x>",))
    assert parent_ids(msg) == ("<p@x>", "<q@x>")


def test_parent_ids_without_brackets_and_empty() -> None:
    assert parent_ids(make_msg(in_reply_to=" p@x ", references=("", "a@x"))) == ("p@x", "a@x")
    assert parent_ids(make_msg()) == ()


def test_subject_key_groups_replies_with_same_participants() -> None:
    first = subject_key(make_msg("LED panels 600x600"), ["acme.co.uk"])
    reply = subject_key(make_msg("AW: Re: LED  Panels 600x600"), ["acme.co.uk", "acme.co.uk"])
    assert first is not None
    assert first == reply
    assert len(first) == 32
    assert int(first, 16) >= 0


def test_subject_key_participant_order_does_not_matter() -> None:
    msg = make_msg("Quotation for LED panels")
    assert subject_key(msg, ["b.de", "a.com"]) == subject_key(msg, ["a.com", "b.de"])


def test_subject_key_differs_by_subject_or_participants() -> None:
    msg = make_msg("LED panels 600x600")
    key = subject_key(msg, ["acme.co.uk"])
    assert key != subject_key(msg, ["beta.de"])
    assert key != subject_key(msg, ["acme.co.uk", "beta.de"])
    assert key != subject_key(make_msg("LED panels 300x1200"), ["acme.co.uk"])


@pytest.mark.parametrize(
    "subject", ["", "Re:", "Hi", "Hello!", "RE: Inquiry", "question", "(no subject)", "Order"]
)
def test_subject_key_none_for_generic_subjects(subject: str) -> None:
    assert subject_key(make_msg(subject), ["acme.co.uk"]) is None
