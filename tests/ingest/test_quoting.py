"""Tests of ingest.quoting.split_body: real fixtures from talon and two reply parsers, and
hand-written cases for every quote-header and signature form it promises to handle."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.message import BodyParts
from ingest.mime import parse_message
from ingest.quoting import split_body

TALON = Path("mime/talon/tests/fixtures")
REPLY_PARSER_DIRS = (
    Path("mime/github-email_reply_parser/test/emails"),
    Path("mime/zapier-email-reply-parser/test/emails"),
)
TALON_CLIENTS = (
    "android",
    "aol",
    "apple_mail",
    "apple_mail_2",
    "comcast",
    "gmail",
    "hotmail",
    "iphone",
    "outlook",
    "sparrow",
    "thunderbird",
    "yahoo",
)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().split("\n")]


def _non_blank(text: str) -> Counter[str]:
    return Counter(line.rstrip() for line in text.split("\n") if line.strip())


def _assert_conserved(text: str, parts: BodyParts) -> None:
    """The three parts hold exactly the non-blank lines of the input, each once."""
    out = _non_blank(parts.new_text) + _non_blank(parts.quoted_text) + _non_blank(parts.signature)
    assert out == _non_blank(text.replace("\r\n", "\n").replace("\r", "\n"))
    for part in (parts.new_text, parts.quoted_text, parts.signature):
        assert part == part.rstrip()
        assert not part or part.split("\n", 1)[0].strip()


def _plain_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    content = body.get_content()
    assert isinstance(content, str)
    return content


# --- 1. talon's standard replies ----------------------------------------------------------


def test_talon_fixture_list_is_complete(shared_data: Path) -> None:
    found = sorted(p.stem for p in (shared_data / TALON / "standard_replies").glob("*.eml"))
    assert found == sorted(TALON_CLIENTS)


@pytest.mark.parametrize("client", TALON_CLIENTS)
def test_talon_standard_replies(shared_data: Path, client: str) -> None:
    """talon's expectation (new text with the signature kept) and the new text alone."""
    folder = shared_data / TALON / "standard_replies"
    text = _plain_text(folder / f"{client}.eml")
    expected_file = folder / f"{client}_reply_text"
    expected = expected_file.read_text(encoding="utf-8") if expected_file.exists() else "Hello"

    parts = split_body(text)

    assert parts.new_text == "Hello"
    with_signature = "\n\n".join(p for p in (parts.new_text, parts.signature) if p)
    assert _lines(with_signature) == _lines(expected)
    assert parts.quoted_text
    _assert_conserved(text, parts)


def test_talon_share_block_reply(shared_data: Path) -> None:
    """Yahoo's "--- On <date>, <addr> wrote:" above an unquoted header block."""
    text = _plain_text(shared_data / TALON / "reply-quotations-share-block.eml")
    parts = split_body(text)
    assert parts.new_text.startswith("Hi Katharine.")
    assert parts.new_text.endswith("Joe XXX")
    assert parts.quoted_text.startswith("--- On Wed, 4/4/12, xxx@example.com")
    assert parts.quoted_text.endswith("New Booking Inquiry")


# --- 2. github's and zapier's reply-parser fixtures ----------------------------------------

_HEADER_LINE = re.compile(
    r"wrote:\s*$|^\s*-+\s*Original Message|^\s*\*?From:\*?\s|^\s*>", re.MULTILINE
)


def _reply_parser_files(shared_data: Path) -> list[Path]:
    files = sorted(p for d in REPLY_PARSER_DIRS for p in (shared_data / d).glob("*.txt"))
    assert len(files) == 46
    return files


def test_reply_parser_invariants(shared_data: Path) -> None:
    """No quote header and no ``>`` line stays in new text; nothing is lost or invented."""
    for path in _reply_parser_files(shared_data):
        text = path.read_text(encoding="utf-8")
        parts = split_body(text)
        _assert_conserved(text, parts)
        assert parts.new_text, path.name
        assert not _HEADER_LINE.search(parts.new_text), path.name
        if _HEADER_LINE.search(text):
            assert parts.quoted_text, path.name
            first_lines = "\n".join(parts.quoted_text.split("\n")[:3])
            assert _HEADER_LINE.search(first_lines), path.name


_MAILMAN_FOOTER = (
    "_______________________________________________\nriak-users mailing list\n"
    "riak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com"
)

# file: (new_text, or None for "the whole body"; signature)
REPLY_PARSER_CASES: dict[str, tuple[str | None, str]] = {
    "correct_sig.txt": ("this is an email with a correct -- signature.", "-- \nrick"),
    "email_1_1.txt": (
        "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after \n"
        "running a test?\nI am currently using the Java HTTP API.",
        "-Abhishek Kona\n\n\n" + _MAILMAN_FOOTER,
    ),
    "email_1_3.txt": (
        "Oh thanks.\n\nHaving the function would be great.",
        "-Abhishek Kona\n\n" + _MAILMAN_FOOTER,
    ),
    "email_1_4.txt": ("Awesome! I haven't had another problem with it.", ""),
    "email_1_5.txt": (None, ""),
    "email_1_6.txt": ("I get proper rendering as well.", "Sent from a magnificent torch of pixels"),
    "email_1_7.txt": (":+1:", ""),
    "email_1_8.txt": (
        "I will reply under this one\n\nand under this.",
        "--\nHey there, this is my signature",
    ),
    "email_2_1.txt": ("Outlook with a reply", ""),
    "email_2_2.txt": ("Outlook with a reply directly above line", ""),
    "email_BlackBerry.txt": ("Here is another email", "Sent from my BlackBerry"),
    "email_bullets.txt": (
        "test 2 this should list second\n\nand have spaces\n\nand retain this formatting"
        "\n\n\n   - how about bullets\n   - and another",
        "-- \n\n*Joe Smith | Director, Product Management*",
    ),
    "email_iPhone.txt": ("Here is another email", "Sent from my iPhone"),
    "email_multi_word_sent_from_my_mobile_device.txt": (
        "Here is another email",
        "Sent from my Verizon Wireless BlackBerry",
    ),
    "email_one_is_not_on.txt": (
        "Thank, this is really helpful.\n\nOne outstanding question I had:\n\n"
        "Locally (on development), when I run...",
        "",
    ),
    "email_sent_from_my_not_signature.txt": (
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
        "",
    ),
    "email_sig_delimiter_in_middle_of_line.txt": (
        "Hi there!\n\nStuff happened.\n\nAnd here is a fix -- this is not a signature.\n\nkthxbai",
        "",
    ),
    "greedy_on.txt": (
        "On your remote host you can run:\n\n     telnet 127.0.0.1 52698\n\n"
        "This should connect to TextMate (on your Mac, via the tunnel). If that\n"
        "fails, the tunnel is not working.",
        "",
    ),
    "pathological.txt": (
        "I think you're onto something. I will try to fix the problem as soon as I\n"
        "get back to a computer.",
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(REPLY_PARSER_CASES))
def test_reply_parser_exact(shared_data: Path, name: str) -> None:
    new_text, signature = REPLY_PARSER_CASES[name]
    text = (shared_data / REPLY_PARSER_DIRS[0] / name).read_text(encoding="utf-8")
    parts = split_body(text)
    assert parts.new_text == (text.strip() if new_text is None else new_text)
    assert parts.signature == signature


def test_reply_parser_interleaved_reply(shared_data: Path) -> None:
    """email_1_2: "Hi," above the attribution, the answer below the quote, a list footer."""
    text = (shared_data / REPLY_PARSER_DIRS[0] / "email_1_2.txt").read_text(encoding="utf-8")
    parts = split_body(text)
    assert parts.new_text.startswith("Hi,\n\nYou can list the keys for the bucket")
    assert parts.new_text.endswith('you’ll need to delete them all individually."')
    assert parts.quoted_text.startswith("On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:")
    assert parts.signature.startswith("______")
    assert parts.signature.endswith("listinfo/riak-users_lists.basho.com")


def test_reply_parser_zapier_only_files(shared_data: Path) -> None:
    folder = shared_data / REPLY_PARSER_DIRS[1]
    gmail = split_body((folder / "email_gmail.txt").read_text(encoding="utf-8"))
    assert gmail.new_text == "This is a test for inbox replying to a github message."
    assert gmail.quoted_text.startswith("On Wed, May 18, 2016 at 11:10 PM Steven Scott")
    headers = split_body((folder / "email_headers_no_delimiter.txt").read_text(encoding="utf-8"))
    assert headers.new_text == "And another reply!"
    assert headers.quoted_text.startswith("From: Dan Watson [mailto:user@host.com]")
    assert headers.signature == ""
    outlook = split_body((folder / "email_2_3.txt").read_text(encoding="utf-8"))
    assert outlook.new_text == "Outlook with a reply above headers using unusual format"
    assert outlook.quoted_text.startswith("*From:* Kim via Site")


def test_reply_parser_long_quote_is_fast(shared_data: Path) -> None:
    """A 0.8 MB body of ``>`` runs (a regex-backtracking trap) splits in well under a second."""
    text = (shared_data / REPLY_PARSER_DIRS[0] / "email_long_quote.txt").read_text(encoding="utf-8")
    started = time.perf_counter()
    parts = split_body(text)
    assert time.perf_counter() - started < 10.0  # a backtracking trap takes minutes
    assert parts.new_text.startswith("Hi folks")
    assert parts.quoted_text.startswith(">>>>")
    assert parts.signature.startswith("-Abhishek Kona")
    _assert_conserved(text, parts)


# --- 3. talon's signature fixtures -----------------------------------------------------------

_SIG_MARK = "#sig#"


@pytest.mark.parametrize(
    "name", ["camel_case", "jeff", "johndoeexamplecom", "long", "short_url", "sparse"]
)
def test_talon_signatures(shared_data: Path, name: str) -> None:
    folder = shared_data / TALON / "signature" / "emails" / "stripped"
    body = (folder / f"{name}_body").read_text(encoding="utf-8").replace(_SIG_MARK, "")
    expected = (
        (folder / f"{name}_signature").read_text(encoding="utf-8").replace(_SIG_MARK, "").strip()
    )
    parts = split_body(body)
    assert parts.signature == expected
    assert parts.quoted_text == ""
    expected_new = body.strip()[: len(body.strip()) - len(expected)].strip()
    assert parts.new_text == expected_new


def test_talon_annotated_usenet_reply(shared_data: Path) -> None:
    """P/102682_R_S marks reply lines ``#reply#`` and signature lines ``#sig#``."""
    raw = (shared_data / TALON / "signature" / "emails" / "P" / "102682_R_S").read_text(
        encoding="utf-8"
    )
    body = raw.split("\n\n", 1)[1]
    clean = body.replace("#reply#", "").replace(_SIG_MARK, "")
    parts = split_body(clean)
    marked = [line for line in body.split("\n") if line.startswith(_SIG_MARK)]
    signature = [line.rstrip() for line in parts.signature.split("\n")]
    assert signature == [line[len(_SIG_MARK) :].rstrip() for line in marked]
    replies = [line[len("#reply#") :] for line in body.split("\n") if line.startswith("#reply#")]
    assert _non_blank(parts.quoted_text) == _non_blank("\n".join(replies))
    assert parts.new_text.startswith("I like the xxx a lot")
    assert parts.new_text.endswith("ARHGGHRGHH!")


def test_talon_annotated_survey(shared_data: Path) -> None:
    raw = (shared_data / TALON / "signature" / "emails" / "P" / "johndoeexamplecom_body").read_text(
        encoding="utf-8"
    )
    parts = split_body(raw.replace(_SIG_MARK, ""))
    marked = [line[len(_SIG_MARK) :] for line in raw.split("\n") if line.startswith(_SIG_MARK)]
    assert parts.signature == "\n".join(marked)
    assert parts.new_text.endswith("we wish you the best of luck in the\ndrawing!")


def test_talon_russian_sign_off(shared_data: Path) -> None:
    """P/unicode_msg (no annotation: the closing two lines are its signature)."""
    raw = (shared_data / TALON / "signature" / "emails" / "P" / "unicode_msg").read_text(
        encoding="utf-8"
    )
    parts = split_body(raw.split("\n", 1)[1])
    assert parts.signature == "С уважением,\nСергей Обухов"
    assert parts.new_text.startswith("Добрый день.")
    assert parts.new_text.endswith("ответьте на это письмо.")


# --- 4. hand-written cases -------------------------------------------------------------------

# (body, new_text, first line of quoted_text)
HEADER_CASES = {
    "en gmail": (
        "Sounds good.\n\nOn Mon, Jan 1, 2024 at 10:00 AM John Smith <john@example.com> wrote:\n"
        "> Can we meet?",
        "Sounds good.",
        "On Mon, Jan 1, 2024 at 10:00 AM John Smith <john@example.com> wrote:",
    ),
    "en gmail wrapped in two": (
        "Please send the quote.\n\nOn Mon, Jan 1, 2024 at 10:00 AM John Smith <\n"
        "john@example.com> wrote:\n\n> Hi",
        "Please send the quote.",
        "On Mon, Jan 1, 2024 at 10:00 AM John Smith <",
    ),
    "en gmail wrapped in three": (
        "OK.\n\nOn Mon, Jan 1, 2024 at 10:00 AM, John Smith\n<john@example.com>\nwrote:\n\n"
        "> Hi\n> there",
        "OK.",
        "On Mon, Jan 1, 2024 at 10:00 AM, John Smith",
    ),
    "en unquoted body": (
        "See below.\n\nOn Mon, Jan 1, 2024 at 10:00 AM John <john@example.com> wrote:\n\n"
        "Hello, what is your best price?\n\nJohn",
        "See below.",
        "On Mon, Jan 1, 2024 at 10:00 AM John <john@example.com> wrote:",
    ),
    "en original message": (
        "Confirmed.\n\n-----Original Message-----\nFrom: John\nSent: Monday\nTo: Bob\n"
        "Subject: Order\n\nPlease confirm.",
        "Confirmed.",
        "-----Original Message-----",
    ),
    "en forwarded": (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Anna <anna@example.com>\n"
        "Date: Mon, Jan 1, 2024\nSubject: Price list\nTo: Bob <bob@example.org>\n\nAttached.",
        "FYI",
        "---------- Forwarded message ---------",
    ),
    "en begin forwarded": (
        "See below.\n\nBegin forwarded message:\n\nFrom: Anna <anna@example.com>\n"
        "Subject: Price\nDate: 1 January 2024\nTo: Bob\n\nHello",
        "See below.",
        "Begin forwarded message:",
    ),
    "en outlook with rule": (
        "We accept.\n\n________________________________\nFrom: Anna Lee <anna@example.com>\n"
        "Sent: Monday, January 1, 2024 10:00 AM\nTo: Bob <bob@example.org>\nSubject: Offer\n\n"
        "Here is our offer.",
        "We accept.",
        "________________________________",
    ),
    "en usenet": (
        "In article <1993Apr5.1@foo.edu>, jdoe@foo.edu (John Doe) writes:\n> Is it true?\n\n"
        "No, it is not.",
        "No, it is not.",
        "In article <1993Apr5.1@foo.edu>, jdoe@foo.edu (John Doe) writes:",
    ),
    "de gmail": (
        "Vielen Dank für die Bestellung.\n\n"
        "Am 01.02.2024 um 10:15 schrieb Hans Müller <hans@example.de>:\n> Wir bestellen 500.",
        "Vielen Dank für die Bestellung.",
        "Am 01.02.2024 um 10:15 schrieb Hans Müller <hans@example.de>:",
    ),
    "de gmail wrapped": (
        "Passt.\n\nAm Mo., 1. Jan. 2024 um 10:00 Uhr schrieb Hans Müller <\n"
        "hans@example.de>:\n\n> Hallo",
        "Passt.",
        "Am Mo., 1. Jan. 2024 um 10:00 Uhr schrieb Hans Müller <",
    ),
    "de outlook": (
        "Anbei das Angebot.\n\nVon: Hans Müller <hans@example.de>\n"
        "Gesendet: Montag, 1. Januar 2024 10:00\nAn: Bob <bob@example.org>\nBetreff: Anfrage\n\n"
        "Bitte um Angebot.",
        "Anbei das Angebot.",
        "Von: Hans Müller <hans@example.de>",
    ),
    "fr gmail": (
        "Merci pour votre retour.\n\n"
        "Le lun. 1 janv. 2024 à 10:00, Jean Dupont <jean@example.fr> a écrit\u00a0:\n> Bonjour",
        "Merci pour votre retour.",
        "Le lun. 1 janv. 2024 à 10:00, Jean Dupont <jean@example.fr> a écrit\u00a0:",
    ),
    "fr outlook": (
        "Voici le devis.\n\n________________________________\n"
        "De : Jean Dupont <jean@example.fr>\nEnvoyé : lundi 1 janvier 2024 10:00\n"
        "À : Bob <bob@example.org>\nObjet : Demande de prix\n\nBonjour",
        "Voici le devis.",
        "________________________________",
    ),
    "es gmail": (
        "Gracias por la información.\n\n"
        "El lun, 1 ene 2024 a las 10:00, Juan Pérez (<juan@example.es>) escribió:\n> Hola",
        "Gracias por la información.",
        "El lun, 1 ene 2024 a las 10:00, Juan Pérez (<juan@example.es>) escribió:",
    ),
    "es outlook": (
        "Adjunto la cotización.\n\nDe: Juan Pérez <juan@example.es>\n"
        "Enviado el: lunes, 1 de enero de 2024 10:00\nPara: Bob <bob@example.org>\n"
        "Asunto: Cotización\n\nHola",
        "Adjunto la cotización.",
        "De: Juan Pérez <juan@example.es>",
    ),
    "pt gmail": (
        "Obrigado pelo pedido.\n\n"
        "Em seg., 1 de jan. de 2024 às 10:00, João Silva <joao@example.com.br> escreveu:\n> Olá",
        "Obrigado pelo pedido.",
        "Em seg., 1 de jan. de 2024 às 10:00, João Silva <joao@example.com.br> escreveu:",
    ),
    "pt outlook": (
        "Segue a proposta.\n\nDe: João Silva <joao@example.com.br>\n"
        "Enviada em: segunda-feira, 1 de janeiro de 2024 10:00\nPara: Bob <bob@example.org>\n"
        "Assunto: Proposta\n\nOlá",
        "Segue a proposta.",
        "De: João Silva <joao@example.com.br>",
    ),
    "it gmail": (
        "Va bene.\n\nIl giorno lun 1 gen 2024 alle ore 10:00 Mario Rossi <mario@example.it> "
        "ha scritto:\n> Ciao",
        "Va bene.",
        "Il giorno lun 1 gen 2024 alle ore 10:00 Mario Rossi <mario@example.it> ha scritto:",
    ),
    "nl gmail": (
        "Prima.\n\nOp ma 1 jan. 2024 om 10:00 schreef Jan de Vries <jan@example.nl>:\n> Hoi",
        "Prima.",
        "Op ma 1 jan. 2024 om 10:00 schreef Jan de Vries <jan@example.nl>:",
    ),
    "zh apple": (
        "好的，我们明天发货。\n\n在 2024年1月1日 星期一 10:00，张三 <zhang@example.cn> 写道：\n"
        "> 请问什么时候发货？",
        "好的，我们明天发货。",
        "在 2024年1月1日 星期一 10:00，张三 <zhang@example.cn> 写道：",
    ),
    "zh gmail": (
        "收到。\n\n张三 <zhang@example.cn> 于2024年1月1日周一 上午10:00写道：\n\n> 你好",
        "收到。",
        "张三 <zhang@example.cn> 于2024年1月1日周一 上午10:00写道：",
    ),
    "zh gmail wrapped": (
        "收到。\n\n张三 <zhang@example.cn> 于2024年1月1日周一 上午10:00\n写道:\n\n> 你好",
        "收到。",
        "张三 <zhang@example.cn> 于2024年1月1日周一 上午10:00",
    ),
    "zh outlook": (
        "报价见附件。\n\n发件人: 张三 <zhang@example.cn>\n发送时间: 2024年1月1日 10:00\n"
        "收件人: Bob <bob@example.org>\n主题: 询价\n\n你好",
        "报价见附件。",
        "发件人: 张三 <zhang@example.cn>",
    ),
    "zh outlook full-width colons": (
        "报价见附件。\n\n发件人：张三 <zhang@example.cn>\n发送时间：2024年1月1日 10:00\n"
        "收件人：Bob <bob@example.org>\n主题：询价\n\n你好",
        "报价见附件。",
        "发件人：张三 <zhang@example.cn>",
    ),
    "ru gmail": (
        "Спасибо, получили.\n\n1 янв. 2024 г., в 10:00, Иван Петров <ivan@example.ru> пишет:\n"
        "> Добрый день",
        "Спасибо, получили.",
        "1 янв. 2024 г., в 10:00, Иван Петров <ivan@example.ru> пишет:",
    ),
    "ru verbless": (
        "Спасибо.\n\nпн, 1 янв. 2024 г. в 10:00, Иван Петров <ivan@example.ru>:\n> Добрый день",
        "Спасибо.",
        "пн, 1 янв. 2024 г. в 10:00, Иван Петров <ivan@example.ru>:",
    ),
    "ru outlook": (
        "Счёт во вложении.\n\nОт: Иван Петров <ivan@example.ru>\n"
        "Отправлено: 1 января 2024 г. 10:00\nКому: Bob <bob@example.org>\nТема: Счёт\n\n"
        "Добрый день",
        "Счёт во вложении.",
        "От: Иван Петров <ivan@example.ru>",
    ),
    "tr outlook": (
        "Teklifimiz ektedir.\n\nKimden: Ayşe Kaya <ayse@example.com.tr>\n"
        "Gönderildi: 1 Ocak 2024 Pazartesi 10:00\nKime: Bob <bob@example.org>\n"
        "Bilgi: Can <can@example.com.tr>\nKonu: Fiyat\n\nMerhaba",
        "Teklifimiz ektedir.",
        "Kimden: Ayşe Kaya <ayse@example.com.tr>",
    ),
    "ar outlook": (
        "شكراً، تم الاستلام.\n\nمن: أحمد علي <ahmed@example.ae>\n"
        "تاريخ الإرسال: الاثنين، 1 يناير، 2024 10:00\nإلى: Bob <bob@example.org>\n"
        "نسخة: Ali <ali@example.ae>\nالموضوع: طلب تسعير\n\nمرحباً",
        "شكراً، تم الاستلام.",
        "من: أحمد علي <ahmed@example.ae>",
    ),
    "foxmail original": (
        "Please see the order.\n\n------------------ Original ------------------\n"
        "From: Bob <bob@example.org>\nDate: Mon, Jan 1, 2024 10:00 AM\n\nHello",
        "Please see the order.",
        "------------------ Original ------------------",
    ),
    "da gmail": (
        "Tak for ordren.\n\nDen man. 1. jan. 2024 kl. 10.00 skrev Hans Jensen <hans@example.dk>:"
        "\n> Hej",
        "Tak for ordren.",
        "Den man. 1. jan. 2024 kl. 10.00 skrev Hans Jensen <hans@example.dk>:",
    ),
    "sv apple": (
        "Vi återkommer.\n\n1 jan. 2024 kl. 10:00 skrev Sven Svensson <sven@example.se>:\n\n> Hej",
        "Vi återkommer.",
        "1 jan. 2024 kl. 10:00 skrev Sven Svensson <sven@example.se>:",
    ),
    "bottom post": (
        "On 01/02/2024 10:00, John Smith wrote:\n> Question?\nAnswer.",
        "Answer.",
        "On 01/02/2024 10:00, John Smith wrote:",
    ),
}


@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_quote_headers(case: str) -> None:
    body, new_text, first_quoted = HEADER_CASES[case]
    parts = split_body(body)
    assert parts.new_text == new_text
    assert parts.quoted_text.split("\n", 1)[0] == first_quoted
    assert parts.signature == ""
    _assert_conserved(body, parts)


def test_interleaved_reply() -> None:
    body = (
        "Hi Bob,\n\n> What is the MOQ?\n500 pcs.\n\n> Lead time?\n> (for the blue one)\n"
        "3 weeks.\n\nBest regards,\nAnna"
    )
    parts = split_body(body)
    assert parts.new_text == "Hi Bob,\n\n500 pcs.\n\n3 weeks."
    assert parts.quoted_text == "> What is the MOQ?\n\n> Lead time?\n> (for the blue one)"
    assert parts.signature == "Best regards,\nAnna"


def test_quote_without_header_at_the_end() -> None:
    parts = split_body("Yes, please.\n\n> Shall we ship by sea?\n>\n> Anna")
    assert parts == BodyParts("Yes, please.", "> Shall we ship by sea?\n>\n> Anna", "")


def test_later_unmarked_header_after_interleaving() -> None:
    body = (
        "> Price?\n10 USD.\n\n-----Original Message-----\nFrom: Anna\nSent: Monday\nTo: Bob\n"
        "Subject: RFQ\n\nPrice?"
    )
    parts = split_body(body)
    assert parts.new_text == "10 USD."
    assert parts.quoted_text.startswith("> Price?\n\n-----Original Message-----")
    assert parts.quoted_text.endswith("Subject: RFQ\n\nPrice?")


def test_forward_without_comment_is_the_content() -> None:
    body = (
        "---------- Forwarded message ---------\nFrom: Anna <anna@example.com>\n"
        "Date: Mon, Jan 1, 2024\nSubject: RFQ\nTo: Bob <bob@example.org>\n\n"
        "Please quote 500 pcs.\n\nOn Mon, Jan 1, 2024 Bob <bob@example.org> wrote:\n> Hi Anna"
    )
    parts = split_body(body)
    assert parts.new_text.startswith("---------- Forwarded message ---------\nFrom: Anna")
    assert parts.new_text.endswith("Please quote 500 pcs.")
    assert parts.quoted_text == "On Mon, Jan 1, 2024 Bob <bob@example.org> wrote:\n> Hi Anna"
    form = "From: John Smith\nTo: ACME Sales\nSubject: LED panels\n\nWe need 500 pcs."
    assert split_body(form) == BodyParts(form)


@pytest.mark.parametrize(
    "marker", ["|", ":", "}", "]", "#", "+", ")", "%", "{>", "L(>", "->", "mjs>", "[KT]"]
)
def test_usenet_quote_markers_after_a_header(marker: str) -> None:
    body = (
        f"jdoe@foo.edu (John Doe) writes:\n{marker}Is it true?\n{marker}\n\nNo.\n\n"
        f"{marker} And this?\n\nAlso no."
    )
    parts = split_body(body)
    assert parts.new_text == "No.\n\nAlso no."
    assert parts.quoted_text.startswith(f"jdoe@foo.edu (John Doe) writes:\n{marker}Is it true?")
    assert parts.quoted_text.endswith(f"{marker} And this?")
    _assert_conserved(body, parts)


_ATTRIBUTION = "In article <1993Apr5.1@foo.edu> jdoe@foo.edu (John Doe) writes:"
_ON_WROTE = "On Mon, Jan 1, 2024 at 10:00 AM John Smith <john@example.com> wrote:"

# (body, new_text, quoted_text): the quote's marker is read from the lines below the header
MARKED_QUOTE_CASES = {
    "one hash line, then the reply": (
        f"{_ATTRIBUTION}\n#That describes everyone.\n\nCan you prove it?\n\nNo.",
        "Can you prove it?\n\nNo.",
        f"{_ATTRIBUTION}\n#That describes everyone.",
    ),
    "plus, bare marker line first": (
        f"{_ATTRIBUTION}\n+\n+I know of no law\n+that bans it.\n\nSome places do.\n\n"
        "+ And parks?\nThose too.",
        "Some places do.\n\nThose too.",
        f"{_ATTRIBUTION}\n+\n+I know of no law\n+that bans it.\n\n+ And parks?",
    ),
    "curly marker interleaved without blank lines": (
        f"{_ATTRIBUTION}\n{{> SCSI-2 is faster.\n{{> Really.\nNot by much.\n{{> And SCSI-1?\n"
        "Slower.",
        "Not by much.\n\nSlower.",
        f"{_ATTRIBUTION}\n{{> SCSI-2 is faster.\n{{> Really.\n\n{{> And SCSI-1?",
    ),
    "indented by three spaces, quoting a quote": (
        f"{_ATTRIBUTION}\n\n   In a recent article jim@x.ca (Jim) writes:\n"
        "   >\tIf it is called Karla,\n   >the next one should be Smiley.\n\n"
        "   Unless I'm imagining things, it is Smiley.\n\n"
        "As it happens the second one is Karla.\nThe first one was Smiley.",
        "As it happens the second one is Karla.\nThe first one was Smiley.",
        f"{_ATTRIBUTION}\n\n   In a recent article jim@x.ca (Jim) writes:\n"
        "   >\tIf it is called Karla,\n   >the next one should be Smiley.\n\n"
        "   Unless I'm imagining things, it is Smiley.",
    ),
    "indented by a tab": (
        f"{_ON_WROTE}\n\tWhat about the price?\n\tAnd the lead time?\n\n10 USD, 3 weeks.",
        "10 USD, 3 weeks.",
        f"{_ON_WROTE}\n\tWhat about the price?\n\tAnd the lead time?",
    ),
    "notes above the quote": (
        f"{_ATTRIBUTION}\n...\n(Deletion)\n>\tI think so.\n\n\tBefore or after?\n\n>Later.\n"
        "\tThen why?",
        "\tBefore or after?\n\n\tThen why?",
        f"{_ATTRIBUTION}\n...\n(Deletion)\n>\tI think so.\n\n>Later.",
    ),
    "a note for the whole quote": (
        f"{_ATTRIBUTION}\n[lots of stuff deleted]\n\nBottom line: no.",
        "Bottom line: no.",
        f"{_ATTRIBUTION}\n[lots of stuff deleted]",
    ),
    "a greeting above the quote": (
        f"{_ON_WROTE}\nHello,\n> I spotted a good book.\nWhich one?",
        "Hello,\n\nWhich one?",
        f"{_ON_WROTE}\n\n> I spotted a good book.",
    ),
    "a quote of a quote marked another way": (
        f"{_ATTRIBUTION}\n> >> In article <2@y.com> b@y.com (B) writes:\n# ## #I remain.\n"
        "# ## #Really.\n# Me too.\n\nYou don't say.\n\n# Another point.\n\nAnswer.",
        "You don't say.\n\nAnswer.",
        f"{_ATTRIBUTION}\n> >> In article <2@y.com> b@y.com (B) writes:\n# ## #I remain.\n"
        "# ## #Really.\n# Me too.\n\n# Another point.",
    ),
    "bottom-posted reply": (
        f"{_ON_WROTE}\n> a\n> b\n\nMy answer",
        "My answer",
        f"{_ON_WROTE}\n> a\n> b",
    ),
    "a rule is no marked line": (
        "Bob (bob@example.org) wrote:\n=Is it true?\n=Really?\n\nNo.\n==========\nBob",
        "No.\n==========\nBob",
        "Bob (bob@example.org) wrote:\n=Is it true?\n=Really?",
    ),
}


@pytest.mark.parametrize("case", sorted(MARKED_QUOTE_CASES))
def test_marked_quotes_after_an_attribution(case: str) -> None:
    body, new_text, quoted_text = MARKED_QUOTE_CASES[case]
    parts = split_body(body)
    assert (parts.new_text, parts.quoted_text) == (new_text, quoted_text)
    _assert_conserved(body, parts)


# bodies whose quote runs to the end: unmarked, or marked in no way the reader can trust
UNMARKED_QUOTE_CASES = {
    "outlook block": "Noted.\n\n-----Original Message-----\nFrom: Anna\nSent: Monday\n"
    "To: Bob\nSubject: RFQ\n\n#1 priority: price\n#2 priority: lead time\n\n"
    "    Hello Bob,\n    please quote.\n\nThanks,\nAnna",
    "outlook block with a rule": "Noted.\n\n________________________________\n"
    "From: Anna Lee <anna@example.com>\nSent: Monday, January 1, 2024 10:00 AM\n"
    "To: Bob <bob@example.org>\nSubject: Offer\n\n+1 for the blue one\n\nAnna",
    "prose": f"Noted.\n\n{_ON_WROTE}\n\nHello, what is your best price?\n\nJohn",
    "bullets": f"Noted.\n\n{_ON_WROTE}\n- 100 red\n- 100 blue\n\nThanks",
    "one link line": f"Noted.\n\n{_ON_WROTE}\n<https://example.com/offer>\n\nHere is our offer.",
    "an image is no note": f"Noted.\n\n{_ON_WROTE}\n[image: ACME logo]\nHello, your price?",
    "indented first line of a paragraph": f"Noted.\n\n{_ATTRIBUTION}\n\n"
    "      Who cares what he wrote? It came\nfrom a bot anyway.",
}


@pytest.mark.parametrize("case", sorted(UNMARKED_QUOTE_CASES))
def test_unmarked_quotes_run_to_the_end(case: str) -> None:
    body = UNMARKED_QUOTE_CASES[case]
    parts = split_body(body)
    assert parts.new_text == "Noted."
    assert parts.signature == ""
    assert body.endswith(parts.quoted_text)
    _assert_conserved(body, parts)


def _usenet_post(shared_data: Path, name: str) -> BodyParts:
    """The split of a 20 Newsgroups post, through the MIME parser as in production."""
    message = parse_message((shared_data / "20ng-train" / name).read_bytes())
    _assert_conserved(message.body, message.parts)
    return message.parts


def test_20_newsgroups_hash_marked_quote(shared_data: Path) -> None:
    parts = _usenet_post(shared_data, "talk.politics.misc/178378")
    assert parts.new_text.startswith("Can you provide any evidence")
    assert "#That describes" not in parts.new_text
    assert parts.new_text.endswith("Just slander on your part.")
    assert parts.quoted_text.startswith("In article <15416@optilink.COM>")
    assert parts.quoted_text.endswith(
        "#That describes some straights -- and nearly all homosexual males."
    )
    assert parts.signature.startswith("--\n-Greg Hennessy")


def test_20_newsgroups_interleaved_reply(shared_data: Path) -> None:
    parts = _usenet_post(shared_data, "talk.religion.misc/84200")
    assert "Before or after his kids were shot?" in parts.new_text
    assert "Then why make the comment?" in parts.new_text
    assert "kill first, blame the dead ones" in parts.new_text
    assert not any(line.startswith(">") for line in parts.new_text.split("\n"))
    assert parts.quoted_text.startswith("In article <1qvv7u$kc1@morrow.stanford.edu>")


def test_20_newsgroups_indented_quote(shared_data: Path) -> None:
    parts = _usenet_post(shared_data, "sci.space/61153")
    assert parts.new_text.startswith("As it happens the _second_ one is Karla")
    assert "Unless I'm imaging things" in parts.quoted_text
    assert "Unless I'm imaging things" not in parts.new_text


def test_20_newsgroups_empty_body(shared_data: Path) -> None:
    assert _usenet_post(shared_data, "comp.sys.ibm.pc.hardware/60360") == BodyParts("")


# (body, new_text, signature)
SIGNATURE_CASES = {
    "delimiter": ("See you.\n\n-- \nJohn Smith\nACME", "See you.", "-- \nJohn Smith\nACME"),
    "bare delimiter": ("See you.\n--\nJohn", "See you.", "--\nJohn"),
    "iphone": ("Ok.\n\nSent from my iPhone", "Ok.", "Sent from my iPhone"),
    "android": ("Ok.\n\nSent from my Android phone", "Ok.", "Sent from my Android phone"),
    "sparrow": ("Ok.\n\nSent with Sparrow", "Ok.", "Sent with Sparrow"),
    "outlook ios": (
        "Ok.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>",
        "Ok.",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
    ),
    "es mobile": ("Vale.\n\nEnviado desde mi iPhone", "Vale.", "Enviado desde mi iPhone"),
    "de mobile": ("Gut.\n\nVon meinem iPhone gesendet", "Gut.", "Von meinem iPhone gesendet"),
    "fr mobile": ("Bien.\n\nEnvoyé de mon iPhone", "Bien.", "Envoyé de mon iPhone"),
    "zh mobile": ("好的\n\n发自我的iPhone", "好的", "发自我的iPhone"),
    "name above client line": (
        "Will do.\n\nAnna Lee\nSent from my iPhone",
        "Will do.",
        "Anna Lee\nSent from my iPhone",
    ),
    "en sign-off block": (
        "Please find the price list attached.\n\nBest regards,\nAnna Lee\nSales Manager\n"
        "ACME Trading Co., Ltd.\nTel: +86 755 1234 5678\nwww.acme.example",
        "Please find the price list attached.",
        "Best regards,\nAnna Lee\nSales Manager\nACME Trading Co., Ltd.\n"
        "Tel: +86 755 1234 5678\nwww.acme.example",
    ),
    "en kind regards": ("Noted.\n\nKind regards\nMary", "Noted.", "Kind regards\nMary"),
    "en thanks": ("Send it today.\n\nThanks,\nJohn", "Send it today.", "Thanks,\nJohn"),
    "en thanks same line": ("Send it today.\n\nThanks, John", "Send it today.", "Thanks, John"),
    "en cheers": ("Great.\n\nCheers,\nTom", "Great.", "Cheers,\nTom"),
    "en regards then delimiter": (
        "Fine.\n\nRegards,\nJohn\n-- \nJohn Smith | ACME | +1 555 123 4567",
        "Fine.",
        "Regards,\nJohn\n-- \nJohn Smith | ACME | +1 555 123 4567",
    ),
    "de sign-off": (
        "Anbei die Rechnung.\n\nMit freundlichen Grüßen\n\nHans Müller\nVertrieb\nExample GmbH",
        "Anbei die Rechnung.",
        "Mit freundlichen Grüßen\n\nHans Müller\nVertrieb\nExample GmbH",
    ),
    "fr sign-off": (
        "Voici le devis.\n\nCordialement,\nJean Dupont",
        "Voici le devis.",
        "Cordialement,\nJean Dupont",
    ),
    "es sign-off": ("Adjunto.\n\nSaludos,\nJuan", "Adjunto.", "Saludos,\nJuan"),
    "pt sign-off": (
        "Segue anexo.\n\nAtenciosamente,\nJoão Silva\nGerente Comercial",
        "Segue anexo.",
        "Atenciosamente,\nJoão Silva\nGerente Comercial",
    ),
    "ru sign-off": (
        "Счёт во вложении.\n\nС уважением,\nИван Петров",
        "Счёт во вложении.",
        "С уважением,\nИван Петров",
    ),
    "zh sign-off": (
        "请确认订单。\n\n此致敬礼\n张三\n电话: 138 1234 5678",
        "请确认订单。",
        "此致敬礼\n张三\n电话: 138 1234 5678",
    ),
    "zh thanks": ("样品已寄出。\n\n谢谢！\n张三", "样品已寄出。", "谢谢！\n张三"),
    "disclaimer after sign-off": (
        "Price confirmed.\n\nBest regards,\nAnna\n\nThis e-mail and any attachments are "
        "confidential and may be privileged. If you are not the intended recipient, please "
        "notify the sender and delete it.",
        "Price confirmed.",
        "Best regards,\nAnna\n\nThis e-mail and any attachments are confidential and may be "
        "privileged. If you are not the intended recipient, please notify the sender and "
        "delete it.",
    ),
    "disclaimer alone": (
        "Price confirmed.\n\nDiese E-Mail ist vertraulich. Wenn Sie nicht der richtige "
        "Empfänger sind,\ninformieren Sie bitte den Absender.",
        "Price confirmed.",
        "Diese E-Mail ist vertraulich. Wenn Sie nicht der richtige Empfänger sind,\n"
        "informieren Sie bitte den Absender.",
    ),
    "usenet dash name": ("I agree.\n\n-John Doe", "I agree.", "-John Doe"),
    "contact block": (
        "Call me tomorrow.\n\nJohn Smith\njohn@example.com\n+1 555 123 4567",
        "Call me tomorrow.",
        "John Smith\njohn@example.com\n+1 555 123 4567",
    ),
}


@pytest.mark.parametrize("case", sorted(SIGNATURE_CASES))
def test_signatures(case: str) -> None:
    body, new_text, signature = SIGNATURE_CASES[case]
    parts = split_body(body)
    assert (parts.new_text, parts.signature) == (new_text, signature)
    assert parts.quoted_text == ""
    _assert_conserved(body, parts)


NO_SPLIT_CASES = {
    "mentions wrote": "As John wrote: the price is too high.\nHere is what the customer wrote:\n"
    "the shipment is late.",
    "greater-than mid-line": "Orders > 500 units get 5% off.\nA -> B -> C\nIf x >= 3, ship.",
    "plain": "Hello Anna,\n\nplease send 20 samples of item 4711.\n\nJohn",
    "from line alone": "From: the warehouse team\nWe shipped today.",
    "pipe table": "| Item | Qty |\n| A    | 5   |\n\nPlease confirm.",
    "prose after a thanks line": "We got the samples.\n\nThanks\nThe colour of the housing is "
    "slightly darker than the approved sample; please make sure that the mass production "
    "matches the golden sample exactly, otherwise we cannot accept it.",
    "only a sign-off": "Thanks!",
    "confidential content": "Please keep this price confidential.\n\nThe recipient of the "
    "goods is our Berlin office.",
    "only a disclaimer": "This message is confidential and meant for the intended recipient.",
    "short sentences after a thanks line": "Got it.\nThanks!\nWill do.\nSee you Monday.",
    "sign-off then prose": "Thanks,\n\nI will send the drawings on Monday and call you then.\n"
    "Please check the tolerances we discussed last week before you quote again.",
    "on without wrote": "On Monday we will ship 200 units:\n\n- 100 red\n- 100 blue",
    "separator without contact": "Results\n=======\nAll 20 samples passed the drop test.",
    "sent from prose": "Sent from our factory in Ningbo, the goods arrive next week.",
    "delimiter before prose": "Notes\n--\n"
    + "\n".join(f"Line {n} of the notes." for n in range(25)),
}


@pytest.mark.parametrize("case", sorted(NO_SPLIT_CASES))
def test_bodies_kept_whole(case: str) -> None:
    body = NO_SPLIT_CASES[case]
    assert split_body(body) == BodyParts(new_text=body)


def test_blank_lines_and_line_endings() -> None:
    assert split_body("") == BodyParts("")
    assert split_body("\n\n  \n") == BodyParts("")
    assert split_body("\n\n  Indented first line.\nSecond.  \n\n\n") == BodyParts(
        "  Indented first line.\nSecond."
    )
    parts = split_body("Yes.\r\n\r\nOn Mon, Jan 1, 2024, Bob <b@example.com> wrote:\r\n> Ok?\r\n")
    assert parts == BodyParts("Yes.", "On Mon, Jan 1, 2024, Bob <b@example.com> wrote:\n> Ok?")


def test_pathological_lines_are_fast() -> None:
    bodies = [
        "a" * 1_000_000 + ":",
        "On " + "1 " * 200_000 + "wrote:",
        ("x@y " * 100 + "\n") * 2_000 + "wrote:",
        "From: a\n" * 50_000,
        "-" * 500_000,
        ("Thanks,\n" * 50_000) + "John",
        ("> " * 100_000 + "\nnew\n") * 5,
        "<" * 200_000 + "@" + ">" * 200_000 + ":",
        "On 1/1/2024 Bob <b@x.com> wrote:\n#x\n" * 50_000,
        "On 1/1/2024 Bob <b@x.com> wrote:\n[...]\n\t..\n" * 50_000,
        ("On 1/1/2024 Bob <b@x.com> wrote:" + "\n" * 1_000) * 200,
    ]
    started = time.perf_counter()
    for body in bodies:
        _assert_conserved(body, split_body(body))
    assert time.perf_counter() - started < 30.0  # a backtracking trap takes minutes


_FRAGMENTS = st.sampled_from(
    [
        "",
        " ",
        "Hello Bob,",
        "> quoted",
        ">",
        "|> old",
        "#old",
        "mjs> old",
        "   indented",
        "\tindented",
        "[...]",
        "In article <1@foo.edu> jdoe@foo.edu (John Doe) writes:",
        "On Mon, Jan 1, 2024 at 10:00 AM Bob <b@example.com> wrote:",
        "Bob <b@example.com>",
        "wrote:",
        "-----Original Message-----",
        "From: Anna",
        "Sent: Monday",
        "To: Bob",
        "Subject: Hi",
        "________________________________",
        "-- ",
        "--",
        "Best regards,",
        "Anna Lee",
        "Tel: +1 555 123 4567",
        "Sent from my iPhone",
        "We need 500 units by May; please confirm the price and the lead time.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=30))
def test_no_line_lost_or_invented(lines: list[str]) -> None:
    body = "\n".join(lines)
    _assert_conserved(body, split_body(body))


def test_20_newsgroups_sample_conserves_lines(shared_data: Path) -> None:
    """Every 20th 20 Newsgroups post: the split neither drops nor duplicates a line."""
    files = sorted((shared_data / "20ng-train").rglob("*"))[::20]
    checked = 0
    for path in files:
        if not path.is_file():
            continue
        text = path.read_bytes().decode("latin-1").partition("\n\n")[2]
        _assert_conserved(text, split_body(text))
        checked += 1
    assert checked > 500
