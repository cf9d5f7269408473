"""Who the demo's customers are, and how likely each one is to be won (the oracle).

A :class:`Profile` is everything the generator knows about a customer, the hidden parts
included: its random effect, its price sensitivity and reply speed, whether it is a junk
lead. The oracle is ``sigmoid`` of a linear score of what its early mail shows (customer
type, lead source, product lines, region, price talk, reply speed, junk); the outcome is
drawn from that score plus a random effect which no mail reveals (the noise).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from app.demo._countries import COUNTRIES, City, Country
from app.demo._names import (
    NEUTRAL_WORDS,
    STEMS,
    TITLES,
    TYPE_WORDS,
    Person,
    first_names,
    freemail_domains,
    person,
    slug,
)

CUSTOMER_TYPES: dict[str, float] = {
    "distributor": 0.17, "importer_wholesaler": 0.14, "retailer": 0.10,
    "ecommerce_seller": 0.12, "contractor_installer": 0.14, "hotel_hospitality": 0.07,
    "telecom_operator": 0.06, "system_integrator": 0.08, "end_user": 0.12,
}  # fmt: skip
LEAD_SOURCES: dict[str, float] = {
    "trade_show": 0.22, "marketplace": 0.24, "website_form": 0.20, "referral": 0.14,
    "cold_outreach": 0.20,
}  # fmt: skip
# Which product lines each customer type asks about (relative weights).
_INTERESTS: dict[str, dict[str, float]] = {
    "distributor": {"led_panel": 3, "high_bay": 3, "street_light": 2, "flood_light": 2,
                    "downlight": 2, "led_strip": 1, "solar_street_light": 1, "smart_bulb": 1},
    "importer_wholesaler": {"led_panel": 2, "high_bay": 2, "flood_light": 2, "led_strip": 2,
                            "solar_street_light": 2, "downlight": 2, "smart_bulb": 1,
                            "street_light": 1},
    "retailer": {"smart_bulb": 4, "led_strip": 3, "downlight": 3, "led_panel": 1},
    "ecommerce_seller": {"led_strip": 4, "smart_bulb": 4, "solar_street_light": 2,
                         "flood_light": 1},
    "contractor_installer": {"high_bay": 3, "led_panel": 3, "flood_light": 2,
                             "street_light": 2, "downlight": 2},
    "hotel_hospitality": {"downlight": 4, "led_strip": 3, "smart_bulb": 2, "led_panel": 1},
    "telecom_operator": {"smart_bulb": 4, "street_light": 2, "solar_street_light": 2},
    "system_integrator": {"smart_bulb": 3, "street_light": 3, "high_bay": 2, "led_panel": 1},
    "end_user": {"high_bay": 4, "led_panel": 3, "flood_light": 2, "solar_street_light": 2},
}  # fmt: skip
_PRICE_SENSITIVE = {
    "distributor": 0.4, "importer_wholesaler": 0.5, "retailer": 0.55, "ecommerce_seller": 0.7,
    "contractor_installer": 0.4, "hotel_hospitality": 0.3, "telecom_operator": 0.25,
    "system_integrator": 0.3, "end_user": 0.3,
}  # fmt: skip
_FREEMAIL_TYPES = ("retailer", "ecommerce_seller", "contractor_installer", "end_user")

# The oracle's coefficients (logit scale).
W_TYPE = {
    "distributor": 1.2, "importer_wholesaler": 0.9, "system_integrator": 0.5,
    "contractor_installer": 0.4, "telecom_operator": 0.1, "retailer": 0.0,
    "hotel_hospitality": -0.4, "ecommerce_seller": -0.9, "end_user": -1.3,
}  # fmt: skip
W_SOURCE = {
    "referral": 1.3, "trade_show": 0.9, "website_form": 0.0, "marketplace": -0.8,
    "cold_outreach": -1.2,
}  # fmt: skip
W_INTEREST = {
    "street_light": 0.7, "solar_street_light": 0.5, "high_bay": 0.5, "led_panel": 0.3,
    "flood_light": 0.0, "downlight": 0.0, "led_strip": -0.5, "smart_bulb": -0.9,
}  # fmt: skip
W_REGION = {
    "europe": 0.5, "north_america": 0.4, "oceania": 0.4, "middle_east": 0.2, "asia": 0.0,
    "cis": -0.3, "latam": -0.4, "africa": -0.7,
}  # fmt: skip
W_PRICE_SENSITIVE = -1.0
W_SPEED = {"fast": 0.7, "normal": 0.0, "slow": -0.9}
W_JUNK = -3.0
INTERCEPT = 0.05
RANDOM_EFFECT_SD = 0.9
_GOLDEN = 0.6180339887498949


@dataclass(slots=True)
class Contact:
    """One of the customer's people: display name, first name as they sign and in Latin
    letters (how we greet them), address, title, phone."""

    name: str
    first: str
    greet: str
    email: str
    title: str | None
    phone: str
    female: bool


@dataclass(slots=True)
class Profile:
    """A demo customer as the generator knows it, hidden traits included."""

    key: str
    name: str
    kind: str
    company: str | None
    website: str | None
    ctype: str
    source: str
    country: Country
    city: City
    address: str
    language: str
    interests: tuple[str, ...]
    price_sensitive: bool
    speed: str
    junk: bool
    states_type: bool
    rep: int
    client: str
    sig_style: str
    random_effect: float
    pays_by_lc: bool
    contacts: list[Contact] = field(default_factory=list)
    oracle: float = 0.0
    outcome: str = "open"

    @property
    def main(self) -> Contact:
        """The contact who writes most of the customer's mail."""
        return self.contacts[0]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """One key of ``weights`` drawn by weight (keys in their insertion order)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def digits(rng: random.Random, pattern: str) -> str:
    """``pattern`` with every ``#`` replaced by a random digit."""
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def oracle_score(profile: Profile) -> float:
    """The noise-free logit of P(won): what the customer's traits say, without the hidden
    random effect (the noise of the outcome draw, which no mail reveals)."""
    interest = sum(W_INTEREST[i] for i in profile.interests) / len(profile.interests)
    return (
        INTERCEPT
        + W_TYPE[profile.ctype]
        + W_SOURCE[profile.source]
        + interest
        + W_REGION[profile.country.region]
        + (W_PRICE_SENSITIVE if profile.price_sensitive else 0.0)
        + W_SPEED[profile.speed]
        + (W_JUNK if profile.junk else 0.0)
    )


def sigmoid(x: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-x))


class Population:
    """Draws customers one by one, keeping their keys and addresses unique."""

    def __init__(self, rng: random.Random, reps: int) -> None:
        """``rng`` drives every choice; customers are spread over ``reps`` reps."""
        self._rng = rng
        self._reps = reps
        self._used: set[str] = set()
        self._drawn = 0
        self._phase = rng.random()
        self._weights = {c.code: c.weight for c in COUNTRIES}
        self._by_code = {c.code: c for c in COUNTRIES}

    def draw(self, junk_share: float, open_share: float) -> Profile:
        """The next customer: its traits, contacts, oracle and outcome."""
        rng = self._rng
        junk = rng.random() < junk_share
        country = self._by_code[pick(rng, self._weights)]
        ctype = pick(rng, CUSTOMER_TYPES)
        if junk:
            source = "marketplace" if rng.random() < 0.6 else "website_form"
        else:
            source = pick(rng, LEAD_SOURCES)
        native = country.language != "en" and rng.random() < country.native_share
        language = country.language if native and not (junk and rng.random() < 0.8) else "en"
        weights = _INTERESTS[ctype]
        first = pick(rng, weights)
        interests: tuple[str, ...] = (first,)
        if ctype in {"distributor", "importer_wholesaler"} and rng.random() < 0.45:
            second = pick(rng, {k: v for k, v in weights.items() if k != first})
            interests = (first, second)
        freemail = junk or (ctype in _FREEMAIL_TYPES and rng.random() < 0.22)
        profile = Profile(
            key="", name="", kind="person" if freemail else "organization",
            company=None, website=None, ctype=ctype, source=source, country=country,
            city=rng.choice(country.cities), address="", language=language,
            interests=interests, price_sensitive=rng.random() < _PRICE_SENSITIVE[ctype],
            speed=pick(rng, {"fast": 0.3, "normal": 0.45, "slow": 0.25}), junk=junk,
            states_type=not junk and rng.random() < 0.75, rep=rng.randrange(self._reps),
            client=pick(rng, {"gmail": 0.45, "outlook": 0.4, "thunderbird": 0.15}),
            sig_style=pick(rng, {"full": 0.6, "short": 0.3, "name": 0.1}),
            random_effect=rng.gauss(0.0, RANDOM_EFFECT_SD),
            pays_by_lc=ctype in {"distributor", "importer_wholesaler"} and rng.random() < 0.35,
        )  # fmt: skip
        if junk:
            profile.sig_style = "name"
        self._identity(profile, freemail)
        visible = oracle_score(profile)
        profile.oracle = sigmoid(visible)
        # Open customers are spread evenly (a golden-ratio sequence), so that their share is
        # ``open_share`` up to one customer; decided ones are won with probability oracle.
        spread = (self._drawn * _GOLDEN + self._phase) % 1.0
        self._drawn += 1
        if spread < open_share:
            profile.outcome = "open"
        else:
            won = rng.random() < sigmoid(visible + profile.random_effect)
            profile.outcome = "won" if won else "lost"
        return profile

    def _identity(self, profile: Profile, freemail: bool) -> None:
        """Address, name, key and contacts: a freemail person or a company with a domain."""
        rng = self._rng
        country = profile.country
        profile.address = country.address.format(
            no=rng.randint(2, 180), street=rng.choice(country.streets),
            postcode=digits(rng, profile.city.postcode), city=profile.city.name,
            country=country.name,
        )  # fmt: skip
        people = [self._person(country.culture) for _ in range(2)]
        if freemail:
            self._freemail_person(profile, people[0])
        else:
            self._company(profile, people)

    def _freemail_person(self, profile: Profile, main: Person) -> None:
        rng = self._rng
        culture = profile.country.culture
        domain = rng.choice(freemail_domains(culture, profile.country.code))
        email = f"{_personal_local(rng, main.first_ascii, main.last_ascii)}@{domain}"
        while email in self._used:
            email = f"{_personal_local(rng, main.first_ascii, main.last_ascii)}@{domain}"
        self._used.add(email)
        profile.key = email
        profile.name = f"{main.first} {main.last}"
        if not profile.junk and rng.random() < 0.5:
            profile.company = rng.choice(STEMS.get(culture, STEMS["en"])).split("/")[0]
        profile.contacts = [self._contact(main, email, profile)]

    def _company(self, profile: Profile, people: list[Person]) -> None:
        rng = self._rng
        country = profile.country
        stem, _, latin = rng.choice(STEMS.get(country.culture, STEMS["en"])).partition("/")
        words = rng.choice(TYPE_WORDS[profile.ctype] if rng.random() < 0.5 else NEUTRAL_WORDS)
        company = _company_name(country.culture, stem, words, rng.choice(country.legal))
        if profile.ctype == "hotel_hospitality" and rng.random() < 0.5:
            company = f"Hotel {stem}" if country.culture != "ru" else f"Отель «{stem}»"
        tld = country.cctld if rng.random() < country.cctld_share else "com"
        base = latin or slug(stem if rng.random() < 0.6 else f"{stem} {words.split()[0]}")
        domain = f"{base}.{tld}"
        if domain in self._used:
            domain = f"{base}-{slug(profile.city.name).split('-')[0]}.{tld}"
        while domain in self._used:
            domain = f"{base}{rng.randint(2, 99)}.{tld}"
        self._used.add(domain)
        profile.key = domain
        profile.name = profile.company = company
        profile.website = f"www.{domain}"
        host = domain
        if rng.random() < 0.08:
            host = f"{rng.choice(('mail', 'sales', 'purchasing'))}.{domain}"
        profile.contacts = [
            self._contact(p, f"{_work_local(rng, p.first_ascii, p.last_ascii)}@{host}", profile)
            for p in people
        ]
        if profile.contacts[1].email == profile.contacts[0].email:
            profile.contacts[1].email = f"accounts@{host}"

    def _person(self, culture: str) -> Person:
        rng = self._rng
        return person(culture, rng.choice(first_names(culture)), rng.randrange(97))

    def _contact(self, who: Person, email: str, profile: Profile) -> Contact:
        rng = self._rng
        titles = TITLES.get(profile.language, TITLES["en"])
        latin = profile.country.culture == "ru" and rng.random() < 0.4
        first = who.first_ascii if latin else who.first
        name = f"{who.first_ascii} {who.last_ascii}" if latin else f"{who.first} {who.last}"
        return Contact(
            name=name,
            first=first,
            greet=who.first_ascii,
            email=email,
            title=rng.choice(titles) if rng.random() < 0.8 else None,
            phone=digits(rng, profile.city.phone),
            female=who.female,
        )


def _company_name(culture: str, stem: str, words: str, legal: str) -> str:
    """A company's name: stem, business words and legal form, as the country writes it."""
    if culture == "ru":
        return f"{legal} «{stem}»"
    if legal == "PT":
        return f"PT {stem} {words}"
    company = f"{stem} {words} {legal}"
    if company.endswith(".") and len(company.split()) >= 5:
        return company[:-1]  # "Summit Electrical Services Pvt. Ltd": a name, not a sentence
    return company


def _work_local(rng: random.Random, first: str, last: str) -> str:
    first, last = slug(first).replace("-", ""), slug(last).replace("-", "")
    style = rng.random()
    if style < 0.45:
        return f"{first}.{last}"
    if style < 0.7:
        return f"{first[0]}.{last}"
    if style < 0.85:
        return first
    return f"{first[0]}{last}"


def _personal_local(rng: random.Random, first: str, last: str) -> str:
    first, last = slug(first).replace("-", ""), slug(last).replace("-", "")
    style = rng.random()
    number = rng.randint(1, 99)
    if style < 0.35:
        return f"{first}.{last}{number}"
    if style < 0.6:
        return f"{first}{last}"
    if style < 0.8:
        return f"{first}_{last}{number}"
    return f"{first[0]}{last}{number}"
