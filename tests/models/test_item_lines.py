"""Item lines: the lines that name goods with a quantity, in several languages and layouts."""

from __future__ import annotations

import pytest

from models.interests import interest_text, item_lines


@pytest.mark.parametrize(
    "line",
    [
        "Please quote 4 pcs vertical multistage pump, IE3 motor.",
        '- brass ball valve, full bore, 1 1/4": 400 pcs',
        "2) LED panel 600x600 40W: 2000 units x USD 9.50 = USD 19,000.00",
        "1 | Slip-on flange DN65 | 3000 units | 6.16 | 18,480.00",
        "1\tCotton T-shirt, 180 gsm\t500\t2.10\t1,050.00",
        "Necesitamos 300 metros de tira LED para el hotel",
        "Bitte Angebot für 500 Stück Flutlicht 100W",
        "Просим предложение: поворотный затвор DN100 — 25 шт",
        "Fiyat teklifi: 120 adet küresel vana",
        "Merci de coter 50 pièces de vannes papillon DN150",
        "Qty: 250 — stainless steel hinges, brushed",
        "我们需要500个LED面板灯 600x600",
        "Olive oil, extra virgin, 5 L tins: 2 tons",
    ],
)
def test_quantity_lines_are_item_lines(line: str) -> None:
    assert item_lines(f"Dear Sir,\n\n{line}\n\nBest regards") == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Delivery time: 6-8 weeks after the deposit.",
        "Payment: 30% advance by T/T, balance before loading.",
        "Validity: until 30 days from today.",
        "Tel: +90 232 877 45 00 | Mobile: +90 532 409 88 16",
        "Call us on +49 40 5551234 for 500 pcs and more",
        "Contact sales@example.com for 500 pcs",
        "See www.example.com/catalogue for 20 sets",
        "IBAN: TR30 8672 1759 1072 5382 5147 27",
        "Shipment in 2 x 40' containers",
        "500 pcs",
        "Thank you for your order 6360.",
    ],
)
def test_terms_contacts_and_bare_numbers_are_not(line: str) -> None:
    assert item_lines(line) == []


def test_interest_text_drops_the_numbers_so_the_same_goods_read_the_same() -> None:
    first = 'Hi,\n- brass ball valve, 1": 400 pcs\n- brass ball valve, 2": 80 pcs @ $7.90\nThanks'
    later = '- brass ball valve, 1": 1,200 pcs\n- brass ball valve, 2": 300 pcs @ $7.50'
    assert interest_text(first) == interest_text(later)
    assert interest_text(first) == '- brass ball valve, ": pcs\n- brass ball valve, ": pcs @ $'
    assert interest_text("Hello, any news?") == ""
    long = "\n".join(f"- item {i} of our catalogue, long description: {i} pcs" for i in range(60))
    assert 0 < len(interest_text(long)) <= 1500
    assert interest_text(long).endswith("pcs")
