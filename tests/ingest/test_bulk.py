"""Bulk and automatic mail detection (SPEC §4), alone and through the parser."""

from __future__ import annotations

import pytest

from ingest.bulk import HEADERS, auto_reasons, bulk_reasons, classify
from ingest.mime import parse_message


def auto(
    headers: dict[str, str] | None = None,
    sender: str | None = "buyer@acme.co.uk",
    subject: str = "RFQ: LED panels",
    content_type: str = "text/plain",
) -> list[str]:
    return auto_reasons(headers or {}, sender=sender, subject=subject, content_type=content_type)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"list-unsubscribe": "<mailto:u@list.example>"}, "list-unsubscribe"),
        ({"list-id": "Sales news <news.example.com>"}, "list-id"),
        ({"precedence": "bulk"}, "precedence: bulk"),
        ({"precedence": " List (mailing list)"}, "precedence: list"),
        ({"precedence": "junk"}, "precedence: junk"),
    ],
)
def test_bulk_positives(headers: dict[str, str], reason: str) -> None:
    assert bulk_reasons(headers) == [reason]


@pytest.mark.parametrize(
    "headers",
    [{}, {"precedence": "first-class"}, {"list-help": "<mailto:x@y>"}, {"subject": "list-id"}],
)
def test_bulk_negatives(headers: dict[str, str]) -> None:
    assert bulk_reasons(headers) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"auto-submitted": "auto-replied"},
        {"auto-submitted": "auto-generated (vacation)"},
        {"x-autoreply": "yes"},
        {"x-autorespond": "Out of office"},
        {"x-auto-response-suppress": "All"},
        {"x-auto-response-suppress": "DR, RN, NRN, OOF, AutoReply"},
        {"return-path": "<>"},
    ],
)
def test_auto_header_positives(headers: dict[str, str]) -> None:
    assert auto(headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"auto-submitted": "no"},
        {"auto-submitted": "No (human)"},
        {"x-autoreply": "no"},
        {"x-auto-response-suppress": "DR, RN, NRN"},
        {"return-path": "<buyer@acme.co.uk>"},
        {"x-mailer": "autoreply 1.0"},
    ],
)
def test_auto_header_negatives(headers: dict[str, str]) -> None:
    assert auto(headers) == []


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@alibaba.com",
        "no-reply@accounts.google.com",
        "no_reply@x.cn",
        "donotreply@bank.com",
        "do-not-reply@shop.de",
        "mailer-daemon@mx.example.com",
        "MAILER-DAEMON@mx.example.com".lower(),
        "postmaster@example.org",
        "noreply+bounce-123@mail.example.com",
    ],
)
def test_auto_senders(sender: str) -> None:
    assert auto(sender=sender) == [f"sender {sender.rpartition('@')[0]}@"]


@pytest.mark.parametrize(
    "sender",
    ["reply@acme.com", "noreplyguy@x.com", "mypostmaster@gov.uk", "norbert@x.de", None],
)
def test_human_senders(sender: str | None) -> None:
    assert auto(sender=sender) == []


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: RFQ LED panels",
        "Automatic reply: Quotation 2024-03",
        "Auto-Reply: your order",
        "AutoReply",
        "[Auto Response] Re: samples",
        "Abwesenheitsnotiz: Angebot",
        "Automatische Antwort: Angebot",
        "Réponse automatique : Devis",
        "Respuesta automática: Cotización",
        "Resposta automática: Cotação",
        "Risposta automatica: Offerta",
        "自动回复: 报价单",
        "自動回覆：報價",
        "Автоматический ответ: Коммерческое предложение",
        "Autosvar: Tilbud",
        "Automaattinen vastaus: Tarjous",
        "Re: Quotation (Out of Office)",
        "Undeliverable: Re: samples",
        "Delivery Status Notification (Failure)",
    ],
)
def test_auto_reply_subjects(subject: str) -> None:
    assert auto(subject=subject) == ["auto-reply subject"]


@pytest.mark.parametrize(
    "subject",
    [
        "RFQ: LED panels",
        "Re: our auto reply settings",
        "Will be out of office next week, please confirm the order",
        "Autoreplying is broken",
        "Reply to your question about automatic replies",
        "",
    ],
)
def test_human_subjects(subject: str) -> None:
    assert auto(subject=subject) == []


def test_delivery_report_content_type() -> None:
    assert auto(content_type="multipart/report") == ["multipart/report"]
    assert auto(content_type="multipart/mixed") == []


def test_classify_combines_and_explains() -> None:
    kind = classify(
        {"list-id": "<x.y>", "auto-submitted": "auto-generated"},
        sender="noreply@y.com",
        subject="Newsletter",
        content_type="text/html",
    )
    assert kind.is_bulk
    assert kind.is_auto
    assert kind.reasons == ("list-id", "auto-submitted: auto-generated", "sender noreply@")
    human = classify({}, sender="a@b.com", subject="Hi", content_type="text/plain")
    assert not human.is_bulk
    assert not human.is_auto
    assert human.reasons == ()


def test_every_rule_header_is_listed() -> None:
    assert set(HEADERS) >= {"list-unsubscribe", "list-id", "precedence", "auto-submitted"}


def test_parser_sets_the_flags() -> None:
    newsletter = parse_message(
        b"From: News <news@vendor.com>\nList-Unsubscribe: <https://vendor.com/u>\n"
        b"Subject: March deals\n\nDeals\n"
    )
    assert newsletter.is_bulk
    assert not newsletter.is_auto
    ooo = parse_message(
        b"From: Li Wei <li@factory.cn>\nSubject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiDmiqXku7c=?=\n"
        b"\nI am out until Monday.\n"
    )
    assert ooo.subject == "自动回复: 报价"
    assert ooo.is_auto
    assert not ooo.is_bulk
    human = parse_message(b"From: buyer@acme.co.uk\nSubject: RFQ\n\nPlease quote.\n")
    assert not human.is_bulk
    assert not human.is_auto
