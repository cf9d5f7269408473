"""What each message's templates are filled with: slot values per customer and deal.

A :class:`Deal` holds what one customer's correspondence is about (product, model,
quantities, prices, terms, orders) so that every message of the journey tells the same
story. :class:`Composer` draws template variants from the writers' phrase banks and gives
the slot values of a message: names, product, quantities in the writer's notation,
prices, order numbers, dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.demo import _rep, _text_de, _text_en, _text_es, _text_fr, _text_pt, _text_ru
from app.demo._countries import Country
from app.demo._people import Contact, Profile, digits
from app.demo._products import BY_KEY, Model, Product
from app.demo._rep import Rep

BANKS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": _text_en.BANK, "es": _text_es.BANK, "de": _text_de.BANK, "fr": _text_fr.BANK,
    "pt": _text_pt.BANK, "ru": _text_ru.BANK,
}  # fmt: skip
_FORMAL = {
    "en": ("Dear Ms. {last},", "Dear Mr. {last},"),
    "de": ("Sehr geehrte Frau {last},", "Sehr geehrter Herr {last},"),
    "es": ("Estimada Sra. {last}:", "Estimado Sr. {last}:"),
    "fr": ("Madame {last},", "Monsieur {last},"),
    "pt": ("Prezada Sra. {last},", "Prezado Sr. {last},"),
    "ru": ("Уважаемая {first}!", "Уважаемый {first}!"),
}
_FEMALE_REPS = frozenset({"Anna", "Grace"})
_EN_NAMES = {
    "DE": "Germany", "AT": "Austria", "FR": "France", "BE": "Belgium", "ES": "Spain",
    "MX": "Mexico", "BR": "Brazil", "PE": "Peru", "MA": "Morocco", "RU": "Russia",
    "KZ": "Kazakhstan", "TR": "Turkey",
}  # fmt: skip
_OUR_PORTS = ("Shenzhen", "Ningbo", "Guangzhou")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LABELS = {  # phone, mobile, mobile client line
    "en": ("Tel", "Mob", "Sent from my iPhone"),
    "de": ("Tel.", "Mobil", "Von meinem iPhone gesendet"),
    "es": ("Tel.", "Móvil", "Enviado desde mi iPhone"),
    "fr": ("Tél.", "Portable", "Envoyé de mon iPhone"),
    "pt": ("Tel.", "Cel.", "Enviado do meu iPhone"),
    "ru": ("Тел.", "Моб.", "Отправлено с iPhone"),
}


def country_name(country: Country, language: str) -> str:
    """How a writer of ``language`` names ``country`` (local name unless English)."""
    return _EN_NAMES.get(country.code, country.name) if language == "en" else country.name


def quantity(number: int, language: str) -> str:
    """``number`` with the thousands separator of ``language``: 2,000 / 2.000 / 2 000."""
    text = f"{number:,}"
    if language in {"de", "es", "pt"}:
        return text.replace(",", ".")
    return text.replace(",", " ") if language in {"fr", "ru"} else text


def day_text(when: datetime) -> str:
    """``12 Mar 2025``: a date as the reps write it, whatever the locale."""
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


@dataclass(slots=True)
class Order:
    """One order's numbers."""

    po: str
    product: Product
    model: Model
    qty: int
    price: float
    pi: str
    container: str
    tracking: str
    bl: str
    vessel: str
    courier: str


@dataclass(slots=True)
class Deal:
    """What a customer's mail is about; prices change as negotiation goes on."""

    product: Product
    model: Model
    second: tuple[Product, Model] | None
    qty: int
    price: float
    incoterm: str
    port: str
    lc: bool
    fair: tuple[str, str]
    platform: str
    referrer: tuple[str, str]
    form: str
    orders: dict[int, Order] = field(default_factory=dict)


def new_deal(rng: random.Random, p: Profile, referrer: tuple[str, str]) -> Deal:
    """The deal customer ``p`` asks about: its first product line, a model and terms."""
    product = BY_KEY[p.interests[0]]
    model = rng.choice(product.models)
    second = None
    if len(p.interests) > 1:
        other = BY_KEY[p.interests[1]]
        second = (other, rng.choice(other.models))
    low, high = product.trial_qty
    qty = _round_qty(rng.randint(low, high * 2))
    cif = rng.random() < 0.35
    incoterm = "CIF" if cif else ("EXW" if rng.random() < 0.1 else "FOB")
    port = p.country.port if cif else ("Zhongshan" if incoterm == "EXW" else rng.choice(_OUR_PORTS))
    price = model.price * rng.uniform(0.95, 1.1) * (rng.uniform(1.04, 1.08) if cif else 1.0)
    europe = p.country.region in {"europe", "cis"}
    fairs = _rep.FAIRS[2:5] if europe and rng.random() < 0.5 else _rep.FAIRS[:2]
    if p.country.region == "middle_east" and rng.random() < 0.5:
        fairs = _rep.FAIRS[5:]
    return Deal(
        product=product, model=model, second=second, qty=qty, price=round(price, 2),
        incoterm=incoterm, port=port, lc=p.pays_by_lc, fair=rng.choice(fairs),
        platform="Alibaba" if rng.random() < 0.6 else "Made-in-China", referrer=referrer,
        form="wordpress" if rng.random() < 0.6 else "formspree",
    )  # fmt: skip


def _round_qty(number: int) -> int:
    step = 100 if number >= 1000 else (50 if number >= 200 else 10)
    return max(step, round(number / step) * step)


class Composer:
    """Subjects and bodies of one customer's messages, in the writer's language."""

    def __init__(self, rng: random.Random, p: Profile, deal: Deal, rep: Rep) -> None:
        """Compose for customer ``p`` (about ``deal``) and its rep ``rep``."""
        self._rng, self._p, self._deal, self._rep = rng, p, deal, rep
        self._prefix = "".join(ch for ch in (p.company or p.name) if ch.isascii() and ch.isupper())
        if len(self._prefix) < 2 or self._prefix in {"PO", "PI", "CE", "UL", "LC", "TT"}:
            self._prefix = "OR"
        self._seq = rng.randint(10, 400)

    @property
    def deal(self) -> Deal:
        """The deal this customer's mail is about."""
        return self._deal

    def second_slots(self, language: str, slots: dict[str, str]) -> dict[str, str]:
        """``slots`` about the customer's second product line (the deal has one)."""
        assert self._deal.second is not None
        product, model = self._deal.second
        low, high = product.trial_qty
        return {
            **slots, "product": product.name(language), "short": product.short,
            "model": model.code, "spec": model.spec, "price": f"{model.price:.2f}",
            "qty": quantity(_round_qty(self._rng.randint(low, high)), language),
        }  # fmt: skip

    def pick_rep(self, key: str) -> str:
        """One variant of ``key`` from the reps' bank."""
        return self._rng.choice(_rep.BANK[key])

    def pick(self, language: str, key: str) -> str:
        """One variant of ``key`` in ``language`` ("" when the bank has none)."""
        variants = BANKS[language].get(key) or ()
        return self._rng.choice(variants) if variants else ""

    def order(self, number: int, when: datetime) -> Order:
        """The numbers of order ``number`` (0 = trial), drawn on first use (at ``when``)."""
        deal, rng = self._deal, self._rng
        if number not in deal.orders:
            self._seq += rng.randint(1, 40)
            low, high = deal.product.bulk_qty
            product, model = deal.product, deal.model
            if number >= 2 and number % 2 == 1 and deal.second is not None:
                product, model = deal.second
                low, high = product.bulk_qty
            if number == 0:
                qty, container = _round_qty(round(deal.qty * rng.uniform(0.3, 0.8))), "by air"
            else:
                qty = _round_qty(rng.randint(low, high))
                container = rng.choice(("one 20GP container", "one 40HQ container",
                                        "2 x 40HQ containers"))  # fmt: skip
            year = when.year % 100
            deal.orders[number] = Order(
                po=f"{self._prefix}{year}{self._seq:03d}", product=product, model=model, qty=qty,
                price=deal.price if model is deal.model else round(model.price * 1.02, 2),
                pi=f"LUM{year}{self._seq:04d}", container=container,
                tracking=digits(rng, "##########"), bl=f"COSU{digits(rng, '##########')}",
                vessel=rng.choice(_rep.VESSELS), courier=rng.choice(_rep.COURIERS),
            )  # fmt: skip
        return deal.orders[number]

    def slots(self, language: str, contact: Contact, order: int, when: datetime) -> dict[str, str]:
        """Every slot value a template of this customer may use, in ``language``."""
        p, deal, rng, rep = self._p, self._deal, self._rng, self._rep
        female_rep = rep.first in _FEMALE_REPS
        product = deal.product
        pct = rng.randint(3, 8)
        found = {
            "rep": rep.first, "rep_last": rep.last, "first": contact.greet,
            "formal": _FORMAL[language][0 if female_rep else 1].format(
                last=rep.last, first=rep.first),
            "product": product.name(language), "product_cap": product.name("en").capitalize(),
            "short": product.short, "model": deal.model.code, "spec": deal.model.spec,
            "use": rng.choice(product.uses), "qty": quantity(deal.qty, language),
            "price": f"{deal.price:.2f}", "incoterm": deal.incoterm, "port": deal.port,
            "certs": p.country.certs, "our_certs": "CE, RoHS and ISO 9001",
            "fair": deal.fair[0], "season": deal.fair[1],
            "fair_short": deal.fair[0].split(" fair")[0].split(" exhibition")[0],
            "referrer": deal.referrer[0], "referrer_company": deal.referrer[1],
            "country_name": country_name(p.country, language), "city": p.city.name,
            "stores": str(rng.randint(4, 60)), "pct": str(pct),
            "target": f"{deal.price * rng.uniform(0.82, 0.92):.2f}",
            "new_price": f"{deal.price * (1 - pct / 100):.2f}", "n": str(rng.randint(2, 5)),
            "problem": self.pick(language, "problem") or "", "fee": str(rng.choice((50, 80, 120))),
            "moq": quantity(max(product.trial_qty[0] // 2, 10), "en"),
            "lead": str(rng.choice((15, 20, 25, 30, 35))), "payment": self._payment(),
            "platform": deal.platform,
            "company_ref": p.company if p.kind == "organization" and p.company else "your company",
            "courier": rng.choice(_rep.COURIERS), "tracking": digits(rng, "##########"),
        }  # fmt: skip
        if order >= 0:
            o = self.order(order, when)
            total = o.qty * o.price
            found.update(
                po=o.po, pi=o.pi, qty=quantity(o.qty, language), price=f"{o.price:.2f}",
                product=o.product.name(language), short=o.product.short, model=o.model.code,
                spec=o.model.spec,
                container=o.container, amount=f"{total:,.2f}", vessel=o.vessel,
                deposit_amount=f"{total * 0.3:,.2f}", balance_amount=f"{total * 0.7:,.2f}",
                credit=f"{int(found['n']) * o.price:,.2f}", bl=o.bl, tracking=o.tracking,
                courier=o.courier, etd=day_text(when), eta=day_text(when + timedelta(days=30)),
                eta_air=day_text(when + timedelta(days=6)),
            )  # fmt: skip
        return found

    def _payment(self) -> str:
        if self._deal.lc:
            return "L/C at sight"
        return self._rng.choice(
            ("30% T/T deposit, 70% balance before shipment", "T/T 30% in advance, 70% against "
             "B/L copy", "30% deposit by T/T, balance before delivery")
        )  # fmt: skip

    def negotiated(self, slots: dict[str, str]) -> None:
        """After our counter-offer the new price holds for every later message."""
        self._deal.price = float(slots["new_price"])
