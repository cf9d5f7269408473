"""HTML bodies to text: blocks, entities, whitespace, and quote containers marked "> "."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest._html import html_to_text


def test_blocks_breaks_entities_and_dropped_elements() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Title</title><style>.a{}</style>"
        "<script>var x = '<p>no</p>';</script></head><body>"
        "<h1>Quotation</h1><p>Dear   Mr.\n  Smith,</p>"
        "<div>Price:&nbsp;12&euro; &lt;FOB&gt; &#8211; valid&#x21;</div>"
        "<ul><li>500 pcs</li><li>1000 pcs</li></ul>"
        "<table><tr><td>Model</td><td>A1</td></tr><tr><td>MOQ</td><td>100</td></tr></table>"
        "Line one<br>Line two<br/><br>After blank"
        "<noscript>enable js</noscript><!-- comment --></body></html>"
    )
    assert html_to_text(html) == (
        "Quotation\n\nDear Mr. Smith,\n\n"
        "Price: 12€ <FOB> – valid!\n"
        "- 500 pcs\n- 1000 pcs\n"
        "Model A1\nMOQ 100\n"
        "Line one\nLine two\n\nAfter blank"
    )


def test_pre_keeps_its_layout() -> None:
    assert html_to_text("<pre>a  b\n  c</pre>after") == "a  b\n  c\nafter"


def test_outlook_paragraphs_are_lines_and_nbsp_paragraphs_blank_lines() -> None:
    html = (
        "<div class=WordSection1><p class=MsoNormal>Hi,<o:p></o:p></p>"
        "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
        "<p class=MsoNormal>Thanks,<o:p></o:p></p><p class=MsoNormal>Alex</p></div>"
    )
    assert html_to_text(html) == "Hi,\n\nThanks,\nAlex"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<div>New</div><blockquote type='cite'><div>Old<br>older</div></blockquote>",
            "New\n> Old\n> older",
        ),
        (
            "New<blockquote>Level 1<blockquote>Level 2</blockquote>back</blockquote>",
            "New\n> Level 1\n> > Level 2\n> back",
        ),
        (
            "<div>New</div><div class='gmail_quote gmail_quote_container'>"
            "<div class='gmail_attr'>On Mon, A wrote:<br></div>"
            "<blockquote class='gmail_quote'>Old</blockquote></div>",
            "New\n> On Mon, A wrote:\n> Old",
        ),
        (
            "<div>New</div><div class='yahoo_quoted'><div>On Monday, B wrote:</div>"
            "<div>Old</div></div>",
            "New\n> On Monday, B wrote:\n> Old",
        ),
        (
            "<div>New</div><div id='appendonsend'></div><hr>"
            "<div id='divRplyFwdMsg'><b>From:</b> B<br><b>Sent:</b> Monday</div>"
            "<div>Old text</div>",
            "New\n> From: B\n> Sent: Monday\n> Old text",
        ),
        (
            "<div class=WordSection1><p class=MsoNormal>New</p>"
            "<div style='border:none;border-top:solid #E1E1E1 1.0pt'>"
            "<p class=MsoNormal><b>From:</b> B</p></div><p class=MsoNormal>Old</p></div>"
            "<p>Outside again</p>",
            "New\n> From: B\n> Old\nOutside again",
        ),
    ],
)
def test_quote_containers(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_unclosed_and_stray_tags_do_not_break_rendering() -> None:
    html = "<div>One<p>Two<blockquote>Quoted<div>still</span></blockquote></td>Three"
    assert html_to_text(html) == "One\n\nTwo\n> Quoted\n> still\nThree"


def test_invisible_characters_are_removed() -> None:
    assert html_to_text("<p>Pre\u200c\u200bheader\ufeff text\u200e</p>") == "Preheader text"


def test_talon_html_replies_mark_their_quotes(shared_data: Path) -> None:
    folder = shared_data / "mime/talon/tests/fixtures/html_replies"
    for name in ("gmail", "hotmail", "thunderbird", "ms_outlook_2007", "mail_ru", "yandex_ru"):
        text = html_to_text((folder / f"{name}.html").read_text(encoding="utf-8"))
        lines = text.splitlines()
        assert lines[0] == "Hi. I am fine.", name
        assert "> Hello! How are you?" in lines, name
        assert "> Sasha." in lines, name
        assert not any(line.startswith(">") for line in lines[: lines.index("Alex") + 1]), name
