"""The demo corpus: the correspondence of a fictional LED/solar lighting exporter.

Four sales reps of Lumora Lighting (Zhongshan, China) write with hundreds of customers of
every customer type and lead source, in 30+ countries and six languages, over the ~18
months before ``now``: inquiries (direct, or as Alibaba / Made-in-China / website-form
notifications), quotations, negotiation, samples, trial, bulk and repeat orders with
their payments and shipments, complaints, refusals and silence. Each customer's outcome
is drawn from what its early mail shows plus a hidden random effect, so that a lookalike
model can learn it but not perfectly; the oracle is the noise-free part.

``leadlens demo`` imports these messages; the lookalike benchmark compares its scores
with :attr:`DemoCustomer.oracle`. Pure: no store, no web framework, no network.
"""

from __future__ import annotations

import mailbox
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Literal, cast

from app.demo._compose import new_deal
from app.demo._journey import Planner, schedule
from app.demo._people import Population, Profile
from app.demo._rep import OWN_DOMAIN, REPS
from app.demo._writer import Truth, Writer

__all__ = ["DemoCorpus", "DemoCustomer", "generate", "write_mboxes"]

JUNK_SHARE = 0.1
"""Share of customers that are vague junk inquiries."""
OPEN_SHARE = 0.25
"""Share of customers still undecided (recent, mid-journey)."""
_FALLBACK_REFERRER = ("Ahmed Saleh", "Gulf Light Trading LLC")
_FOLD = re.compile(r"\n[ \t]+")
# asctime() names, whatever the process locale (strftime's %a and %b follow it).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """One generated customer, with what the generator knows about it.

    ``key`` is what the identity layer keys it by (registrable domain, or the address for
    freemail); ``customer_type`` and ``lead_source`` use the SPEC §5 vocabularies,
    ``country`` is ISO 3166-1 alpha-2, ``language`` the ISO 639-1 code of its mail,
    ``interests`` the product lines it asks about; ``oracle`` is the generator's own
    noise-free P(won) from its traits alone (a decided customer's ``outcome`` was drawn
    from that score plus a hidden random effect); ``emails``
    are its contacts' addresses that appear in the mail.
    """

    key: str
    name: str
    kind: Literal["organization", "person"]
    customer_type: str
    lead_source: str
    country: str
    language: str
    interests: tuple[str, ...]
    outcome: Literal["won", "lost", "open"]
    oracle: float
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoCorpus:
    """The generated mailboxes of one exporter.

    ``own_domain`` is the exporter's domain (``lumora-lighting.com``), ``reps`` its four
    sales reps' addresses, ``mail`` maps each rep to the RFC 5322 messages of that rep's
    mailbox (inbound and sent), oldest first; ``customers`` are the customers those
    messages are with, and every message is dated before ``now`` (timezone-aware).
    """

    own_domain: str
    reps: tuple[str, ...]
    mail: Mapping[str, list[bytes]]
    customers: tuple[DemoCustomer, ...]
    now: datetime


def generate(customers: int = 300, *, seed: int = 7, now: datetime | None = None) -> DemoCorpus:
    """The demo corpus of ``customers`` customers, all mail dated before ``now``.

    ``now`` must be timezone-aware (ValueError otherwise, and for a negative size); it
    defaults to the current UTC time truncated to the minute. The same ``customers``,
    ``seed`` and ``now`` give byte-identical messages, whatever the global random state;
    another ``now`` gives the same journeys moved by whole weeks (the same messages,
    customers and outcomes, with other dates). About 12 messages per customer on average
    (300 customers: ~3,600 messages).
    """
    return _generate(customers, seed, now)[0]


def write_mboxes(corpus: DemoCorpus, folder: Path) -> dict[str, Path]:
    """Write one mbox file per rep into ``folder`` (created if needed, files replaced).

    Returns rep address → path (``<local part>.mbox``). Each message's "From " line
    carries its sender and date, so the files are as deterministic as the corpus.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for rep in corpus.reps:
        path = folder / f"{rep.partition('@')[0]}.mbox"
        path.unlink(missing_ok=True)
        box = mailbox.mbox(path, create=True)
        try:
            for raw in corpus.mail[rep]:
                box.add(_with_from_line(raw))
            box.flush()
        finally:
            box.close()
        paths[rep] = path
    return paths


def _with_from_line(raw: bytes) -> bytes:
    """``raw`` preceded by an mbox "From sender date" line taken from its own headers."""
    header = _FOLD.sub(" ", raw.split(b"\n\n", 1)[0].decode("ascii", "replace"))
    sender, when = "MAILER-DAEMON", datetime(1970, 1, 1, tzinfo=UTC)
    for line in header.split("\n"):
        name, _, value = line.partition(":")
        if name.lower() == "from":
            sender = parseaddr(value.strip())[1] or sender
        elif name.lower() == "date":
            when = parsedate_to_datetime(value.strip()).astimezone(UTC)
    stamp = f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:2d} {when:%H:%M:%S %Y}"
    return f"From {sender} {stamp}\n".encode("ascii") + raw


def _generate(
    customers: int, seed: int, now: datetime | None
) -> tuple[DemoCorpus, dict[str, Truth]]:
    """The corpus and, per Message-ID, what each message was meant to be (for tests)."""
    if customers < 0:
        raise ValueError("customers must not be negative")
    if now is None:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # Separate streams: who the customers are does not change when the wording does.
    people, journeys, text = (_stream(seed, name) for name in ("people", "journeys", "text"))
    population = Population(people, len(REPS))
    planner = Planner(journeys)
    boxes: dict[str, list[tuple[datetime, int, bytes]]] = {rep.email: [] for rep in REPS}
    truth: dict[str, Truth] = {}
    found: list[DemoCustomer] = []
    referrers: list[tuple[str, str]] = []
    for _ in range(customers):
        profile = population.draw(JUNK_SHARE, OPEN_SHARE)
        plan = planner.plan(profile)
        steps, times = schedule(plan, profile, now, journeys)
        rep = REPS[profile.rep]
        referrer = text.choice(referrers) if referrers else _FALLBACK_REFERRER
        writer = Writer(text, profile, rep, new_deal(text, profile, referrer))
        for step, when in zip(steps, times, strict=True):
            raw, record = writer.write(step, when)
            boxes[rep.email].append((when, len(truth), raw))
            truth[record.msg_id] = record
        found.append(_customer(profile, writer.used_addresses))
        if profile.outcome == "won" and profile.kind == "organization" and profile.company:
            referrers.append((profile.main.name, profile.company))
    mail = {rep: [raw for _, _, raw in sorted(items)] for rep, items in boxes.items()}
    corpus = DemoCorpus(
        own_domain=OWN_DOMAIN,
        reps=tuple(rep.email for rep in REPS),
        mail=mail,
        customers=tuple(found),
        now=now,
    )
    return corpus, truth


def _stream(seed: int, name: str) -> random.Random:
    """The random stream ``name`` of a run with ``seed`` (string seeds hash stably)."""
    return random.Random(f"{seed}:{name}")  # noqa: S311 - a reproducible simulation


def _customer(p: Profile, emails: tuple[str, ...]) -> DemoCustomer:
    return DemoCustomer(
        key=p.key,
        name=p.name,
        kind=cast(Literal["organization", "person"], p.kind),
        customer_type=p.ctype,
        lead_source=p.source,
        country=p.country.code,
        language=p.language,
        interests=p.interests,
        outcome=cast(Literal["won", "lost", "open"], p.outcome),
        oracle=p.oracle,
        emails=emails or (p.main.email,),
    )
