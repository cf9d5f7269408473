"""The demo corpus: reproducible, parseable, attributable, labelled as meant, learnable."""

from __future__ import annotations

import collections
import mailbox
import random
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sklearn.metrics import roc_auc_score

from app.demo import DemoCorpus, generate, write_mboxes
from app.demo._journey import week_start
from app.demo._writer import Truth
from app.demo.generator import _generate
from ingest.identity import IdentityResolver, Resolution, customer_key, registrable_domain
from ingest.message import ParsedMessage
from ingest.mime import parse_message
from models.intent import classify_intent
from models.traits import TraitInput, extract_traits
from models.traits.vocab import COUNTRIES, CUSTOMER_TYPES, LANGUAGES, LEAD_SOURCES

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
PRODUCT_LINES = {
    "led_panel", "high_bay", "street_light", "solar_street_light", "led_strip", "flood_light",
    "smart_bulb", "downlight",
}  # fmt: skip
REPLY_PREFIXES = ("Re: ", "RE: ", "AW: ", "RE : ", "RES: ", "Ответ: ")


@dataclass(frozen=True)
class Seen:
    """One message as our pipeline sees it, with what the generator meant it to be."""

    rep: str
    raw: bytes
    msg: ParsedMessage
    res: Resolution
    truth: Truth


def _seen(corpus: DemoCorpus, truth: dict[str, Truth]) -> list[Seen]:
    resolver = IdentityResolver([corpus.own_domain])
    found = []
    for rep in corpus.reps:
        for raw in corpus.mail[rep]:
            msg = parse_message(raw)
            found.append(Seen(rep, raw, msg, resolver.resolve(msg), truth[f"<{msg.message_id}>"]))
    return found


@pytest.fixture(scope="module")
def small() -> tuple[DemoCorpus, dict[str, Truth]]:
    return _generate(60, 7, NOW)


@pytest.fixture(scope="module")
def small_seen(small: tuple[DemoCorpus, dict[str, Truth]]) -> list[Seen]:
    return _seen(*small)


@pytest.fixture(scope="module")
def large() -> tuple[DemoCorpus, dict[str, Truth]]:
    return _generate(300, 7, NOW)


@pytest.fixture(scope="module")
def large_seen(large: tuple[DemoCorpus, dict[str, Truth]]) -> list[Seen]:
    return _seen(*large)


def _by_customer(seen: list[Seen]) -> dict[str, list[Seen]]:
    grouped: dict[str, list[Seen]] = collections.defaultdict(list)
    for item in seen:
        grouped[item.truth.key].append(item)
    for items in grouped.values():
        items.sort(key=lambda s: s.truth.when)
    return grouped


# --- reproducibility ---------------------------------------------------------------------


def test_same_seed_and_now_give_identical_bytes(small: tuple[DemoCorpus, dict[str, Truth]]):
    corpus, _ = small
    random.seed(12345)  # the global generator must not matter
    again = generate(60, seed=7, now=NOW)
    assert again.mail == corpus.mail
    assert again.customers == corpus.customers
    other = generate(60, seed=8, now=NOW)
    assert other.mail != corpus.mail
    assert {c.key for c in other.customers} != {c.key for c in corpus.customers}


def test_now_is_aware_and_defaults_to_the_current_minute():
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(3, now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        generate(-1, now=NOW)
    corpus = generate(3)
    assert corpus.now.utcoffset() == timedelta(0)
    assert (corpus.now.second, corpus.now.microsecond) == (0, 0)
    assert abs(datetime.now(UTC) - corpus.now) < timedelta(minutes=5)


# Dates a test may run on: other weekdays, hours, months, years, time zones and DST sides.
CLOCKS = (
    NOW,
    datetime(2026, 5, 3, 23, 59, tzinfo=UTC),
    datetime(2026, 12, 7, 6, 31, tzinfo=UTC),
    datetime(2027, 2, 28, 17, 0, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2028, 2, 29, 0, 0, tzinfo=timezone(timedelta(hours=9))),
    datetime(2031, 7, 16, 11, 45, tzinfo=UTC),
)


def _shape(corpus: DemoCorpus, truth: dict[str, Truth]) -> list[tuple[str, str, str, str]]:
    """Every message as (customer, kind, rep, time after the corpus's week start)."""
    anchor = week_start(corpus.now)
    return sorted((t.key, t.kind, t.rep, str(t.when - anchor)) for t in truth.values())


def test_the_clock_moves_the_dates_and_nothing_else():
    """Tests and the demo may run at any time: another ``now`` gives the same messages,
    customers and outcomes, moved by whole weeks (the counts tests rely on included)."""
    shapes, sizes = [], []
    for clock in CLOCKS:
        corpus, truth = _generate(40, 5, clock)
        shapes.append(_shape(corpus, truth))
        sizes.append({rep: len(mail) for rep, mail in corpus.mail.items()})
        assert corpus.customers == _generate(40, 5, NOW)[0].customers
        assert max(t.when for t in truth.values()) < clock
        assert min(t.when for t in truth.values()) > clock - timedelta(days=560)
    assert all(shape == shapes[0] for shape in shapes)
    assert all(size == sizes[0] for size in sizes)
    # tests/enrichment/test_topic_rebuild.py needs at least 100 messages of 12 customers
    assert sum(len(m) for m in generate(12, seed=5, now=CLOCKS[2]).mail.values()) >= 100


def test_four_reps_of_one_domain_with_mailboxes_oldest_first(small_seen: list[Seen]):
    reps = {s.rep for s in small_seen}
    assert len(reps) == 4
    assert {registrable_domain(r.partition("@")[2]) for r in reps} == {"lumora-lighting.com"}
    for rep in reps:
        dates = [s.msg.date for s in small_seen if s.rep == rep]
        assert all(d is not None for d in dates)
        assert dates == sorted(dates)  # type: ignore[type-var]
    oldest = min(s.truth.when for s in small_seen)
    assert NOW - timedelta(days=550) < oldest
    assert max(s.truth.when for s in small_seen) < NOW


# --- what our pipeline makes of it -------------------------------------------------------


def test_every_message_parses_cleanly_and_belongs_to_its_customer(
    small: tuple[DemoCorpus, dict[str, Truth]], small_seen: list[Seen]
):
    corpus, truth = small
    assert len(small_seen) == len(truth) == sum(len(m) for m in corpus.mail.values())
    keys = {c.key for c in corpus.customers}
    for s in small_seen:
        assert s.msg.defects == ()
        assert s.res.direction == s.truth.direction
        assert s.res.party is not None
        assert s.res.party.customer_key == s.truth.key
        assert s.truth.key in keys
        if s.truth.kind == "notify":
            assert s.res.is_notification
    assert {s.truth.key for s in small_seen} == keys


def test_marketplace_and_form_notifications_carry_the_buyer(large_seen: list[Seen]):
    notes = [s for s in large_seen if s.res.is_notification]
    senders = {registrable_domain(s.msg.sender.domain) for s in notes if s.msg.sender}
    assert senders == {"alibaba.com", "made-in-china.com", "formspree.io", "lumora-lighting.com"}
    for s in notes:
        assert s.truth.kind == "notify"
        assert s.res.party is not None
        assert s.res.party.customer_key == s.truth.key


def test_intent_classifier_agrees_with_the_intended_intents(small_seen: list[Seen]):
    agree = sum(
        classify_intent(s.msg.subject, s.msg.parts.new_text, s.res.direction).intent
        == s.truth.intent
        for s in small_seen
    )
    share = agree / len(small_seen)
    assert share >= 0.85, f"intent agreement {share:.3f}"
    assert len({s.truth.intent for s in small_seen}) == 10  # every intent, "other" included


def test_replies_are_threaded_quoted_and_signed(small_seen: list[Seen]):
    ids = {s.msg.message_id: s for s in small_seen}
    replies = [s for s in small_seen if s.msg.in_reply_to]
    assert len(replies) > len(small_seen) / 2
    for s in replies:
        parent = ids[s.msg.in_reply_to]  # type: ignore[index]
        assert parent.rep == s.rep
        assert parent.truth.when < s.truth.when
        assert s.msg.references[-1] == s.msg.in_reply_to
        assert s.msg.parts.quoted_text, s.msg.subject
        if parent.truth.kind != "notify":
            assert s.msg.subject.startswith(REPLY_PREFIXES), s.msg.subject
    direct = [s for s in small_seen if not s.res.is_notification and s.truth.kind != "junk"]
    signed = sum(bool(s.msg.parts.signature) for s in direct)
    assert signed / len(direct) > 0.9


# --- who the customers are ---------------------------------------------------------------


def test_customers_are_consistent_with_their_keys_and_vocabularies(
    large: tuple[DemoCorpus, dict[str, Truth]],
):
    corpus, _ = large
    assert len({c.key for c in corpus.customers}) == len(corpus.customers) == 300
    for c in corpus.customers:
        assert c.emails
        assert all(customer_key(email) == (c.key, c.kind) for email in c.emails)
        assert c.customer_type in CUSTOMER_TYPES
        assert c.lead_source in LEAD_SOURCES
        assert c.country in COUNTRIES
        assert c.language in LANGUAGES
        assert set(c.interests) <= PRODUCT_LINES
        assert 0.0 < c.oracle < 1.0


def test_shares_of_outcomes_types_sources_languages_countries(
    large: tuple[DemoCorpus, dict[str, Truth]],
):
    corpus, _ = large
    customers = corpus.customers
    outcomes = collections.Counter(c.outcome for c in customers)
    assert 0.25 <= outcomes["won"] / 300 <= 0.37
    assert 0.35 <= outcomes["lost"] / 300 <= 0.47
    assert 0.24 <= outcomes["open"] / 300 <= 0.26
    assert {c.customer_type for c in customers} == CUSTOMER_TYPES
    assert {c.lead_source for c in customers} == LEAD_SOURCES
    assert {"en", "es", "de", "fr", "pt", "ru"} <= {c.language for c in customers}
    assert 0.12 <= sum(c.language != "en" for c in customers) / 300 <= 0.3
    assert len({c.country for c in customers}) >= 20
    assert {i for c in customers for i in c.interests} == PRODUCT_LINES
    assert 10 <= sum(c.kind == "person" for c in customers) <= 90
    assert 3000 <= sum(len(m) for m in corpus.mail.values()) <= 4500


def test_oracle_predicts_the_outcome_of_decided_customers(
    large: tuple[DemoCorpus, dict[str, Truth]],
):
    corpus, _ = large
    decided = [c for c in corpus.customers if c.outcome != "open"]
    auc = roc_auc_score([c.outcome == "won" for c in decided], [c.oracle for c in decided])
    assert auc >= 0.75


def test_journeys_end_as_their_outcome_says(
    large: tuple[DemoCorpus, dict[str, Truth]], large_seen: list[Seen]
):
    corpus, _ = large
    mail = _by_customer(large_seen)
    endings = collections.Counter()
    for c in corpus.customers:
        items = mail[c.key]
        orders = [s for s in items if s.truth.intent == "purchase_order"]
        last = items[-1].truth
        if c.outcome == "won":
            assert any(s.truth.direction == "inbound" for s in orders), c.key
        elif c.outcome == "open":
            assert not orders, c.key
            assert week_start(NOW) - last.when < timedelta(days=61), c.key
        else:
            assert not orders, c.key
            if last.direction == "outbound":
                assert NOW - last.when > timedelta(days=90), c.key
                endings["silence"] += 1
            else:
                assert last.kind == "refusal", c.key
                endings["refusal"] += 1
    assert endings["silence"] > 30
    assert endings["refusal"] > 30


def test_early_mail_shows_who_the_customer_is(
    large: tuple[DemoCorpus, dict[str, Truth]], large_seen: list[Seen]
):
    corpus, _ = large
    mail = _by_customer(large_seen)
    right = collections.Counter()
    wrong = collections.Counter()
    for c in corpus.customers:
        best: dict[str, dict[str, float]] = collections.defaultdict(dict)
        for s in mail[c.key]:
            if s.truth.intent == "purchase_order":
                break
            sender = s.res.party.contact.email if s.res.party else None
            message = TraitInput(
                s.msg.subject, s.msg.parts.new_text, s.msg.parts.signature, sender,
                s.res.direction,
            )  # fmt: skip
            for hit in extract_traits(message):
                best[hit.name][hit.value] = max(hit.score, best[hit.name].get(hit.value, 0.0))
        for name, value in (("customer_type", c.customer_type), ("country", c.country)):
            if best[name]:
                found = max(best[name], key=best[name].__getitem__)
                (right if found == value else wrong)[name] += 1
    assert right["customer_type"] >= 0.5 * 300
    assert right["country"] >= 0.65 * 300
    assert wrong["customer_type"] < 0.1 * 300
    assert wrong["country"] < 0.1 * 300


# --- files and purity --------------------------------------------------------------------


def test_write_mboxes_round_trips(small: tuple[DemoCorpus, dict[str, Truth]], tmp_path: Path):
    corpus, _ = small
    paths = write_mboxes(corpus, tmp_path / "boxes")
    assert set(paths) == set(corpus.reps)
    first = {rep: path.read_bytes() for rep, path in paths.items()}
    for rep, path in paths.items():
        box = mailbox.mbox(path)
        try:
            assert [box.get_bytes(key) for key in box.iterkeys()] == corpus.mail[rep]
        finally:
            box.close()
        assert first[rep].startswith(b"From ")
    again = write_mboxes(corpus, tmp_path / "boxes")
    assert {rep: path.read_bytes() for rep, path in again.items()} == first


def test_package_imports_no_store_or_web_framework():
    code = (
        "import sys, app.demo; "
        "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'app.db', 'app.api') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert out.stdout.strip() == "[]"
