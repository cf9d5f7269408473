"""Writes one customer's journey as messages: threads, subjects, addresses, quotes, files.

Besides the bytes, every message leaves a :class:`Truth`: what the generator meant it to
be (intent, step) and whom it concerns. It never goes into the mail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address

from app.demo._bodies import our_text, their_text
from app.demo._compose import BANKS, Composer, Deal, country_name, day_text, quantity
from app.demo._journey import SYSTEM, US, Step
from app.demo._mail import (
    Buyer,
    Sent,
    address,
    build,
    fake_file,
    local,
    message_id,
    notification,
    quote,
)
from app.demo._people import Contact, Profile
from app.demo._rep import TZ_HOURS, Rep

_OUTLOOK_REPS = frozenset({"Anna", "Kevin"})
_FILES = {
    "quotation": "Quotation_{model}.pdf", "fair_quote": "Quotation_{model}.pdf",
    "catalog": "Lumora_Lighting_catalogue.pdf", "pi": "PI_{pi}.pdf", "pi.lc": "PI_{pi}.pdf",
    "po_trial": "PO_{po}.pdf", "po_bulk": "PO_{po}.pdf", "po_repeat": "PO_{po}.pdf",
    "deposit": "bank_slip_{po}.jpg", "balance": "swift_copy_{po}.jpg", "lc": "LC_{po}.pdf",
    "shipped_sea": "BL_{bl}.pdf", "complaint": "defects_{po}.jpg",
    "balance_request": "inspection_{po}.jpg",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Truth:
    """What the generator meant a message to be; kept out of the mail."""

    msg_id: str
    rep: str
    key: str
    intent: str
    kind: str
    direction: str
    when: datetime


@dataclass(slots=True)
class _Draft:
    """A message before it becomes bytes; ``subject`` is None until chosen."""

    sender: Address
    to: list[Address]
    cc: list[Address]
    reply_to: Address | None
    subject: str | None
    body: str
    client: str


class Writer:
    """Turns the steps of one customer's journey into messages, in order."""

    def __init__(self, rng: random.Random, p: Profile, rep: Rep, deal: Deal) -> None:
        """Write for customer ``p``, handled by ``rep``, about ``deal``."""
        self._rng, self._p, self._rep = rng, p, rep
        self._composer = Composer(rng, p, deal, rep)
        self._last: dict[int, Sent] = {}
        self._subjects: dict[int, str] = {}
        self._involved: dict[int, list[Contact]] = {}
        self._used: list[str] = []

    @property
    def used_addresses(self) -> tuple[str, ...]:
        """The customer's addresses that appeared in its mail, in order of appearance."""
        return tuple(self._used)

    def write(self, step: Step, when: datetime) -> tuple[bytes, Truth]:
        """The message of ``step`` sent at ``when`` (UTC), and its truth record."""
        rep, rng = self._rep, self._rng
        prev = self._last.get(step.thread) if step.is_reply else None
        contact, language, tz, client = self._writer_of(step)
        slots = self._composer.slots(language, contact, step.order, local(when, tz))
        if step.kind == "telex":
            slots["eta"] = day_text(local(when, tz) + timedelta(days=rng.randint(2, 5)))
        if step.who == SYSTEM:
            draft = self._notification(contact, slots)
        else:
            draft = self._direct(step, contact, slots, language, client)
            if prev is not None:
                draft.body += "\n\n" + quote(prev, language, client == "outlook", tz)
        if draft.subject is None:
            draft.subject = self._subject(step, prev, language, client, slots)
        msg_id = message_id(rng, draft.client, draft.sender.domain)
        pattern = _FILES.get(step.kind)
        attachment = None
        if pattern is not None:
            name = pattern.format_map(slots)
            attachment = (name, fake_file(rng, name))
        raw = build(
            sender=draft.sender, to=draft.to, cc=draft.cc, subject=draft.subject,
            when=local(when, tz), msg_id=msg_id, body=draft.body, reply_to=draft.reply_to,
            prev=prev, client=draft.client, attachment=attachment,
            boundary=f"----=_Part_{rng.getrandbits(64):016x}",
        )  # fmt: skip
        references = (*prev.references[-9:], prev.msg_id) if prev is not None else ()
        self._last[step.thread] = Sent(
            msg_id, when, draft.sender.display_name, draft.sender.addr_spec, str(draft.to[0]),
            draft.subject, draft.body, references,
        )  # fmt: skip
        direction = "outbound" if step.who == US else "inbound"
        return raw, Truth(msg_id, rep.email, self._p.key, step.intent, step.kind, direction, when)

    def _writer_of(self, step: Step) -> tuple[Contact, str, float, str]:
        """The customer contact concerned, and the writer's language, time zone and client.

        Our mail goes to the contact who wrote last in the thread; theirs comes from the
        contact the step names, who then joins the thread's people.
        """
        p, rep = self._p, self._rep
        people = self._involved.setdefault(step.thread, [])
        if step.who == US:
            contact = people[-1] if people else p.main
            client = "outlook" if rep.first in _OUTLOOK_REPS else "gmail"
            self._note(contact.email)
            return contact, "en", TZ_HOURS, client
        contact = p.contacts[min(step.contact, len(p.contacts) - 1)]
        if contact in people:
            people.remove(contact)
        people.append(contact)
        self._note(contact.email)
        return contact, p.language, p.country.tz_hours, p.client

    def _notification(self, contact: Contact, slots: dict[str, str]) -> _Draft:
        p, rep, c = self._p, self._rep, self._composer
        buyer = Buyer(
            contact.name, contact.email, p.company, country_name(p.country, "en"), contact.phone
        )
        text = their_text(c, self._rng, p, "notify", slots, contact)
        platform = c.deal.platform if p.source == "marketplace" else c.deal.form
        product = None if p.junk else c.deal.product.short
        qty = None if p.junk else quantity(c.deal.qty, "en")
        sender, reply_to, subject, body = notification(platform, buyer, product, qty, text)
        to = [address(f"{rep.first} {rep.last}", rep.email)]
        return _Draft(sender, to, [], reply_to, subject, body, "system")

    def _direct(
        self, step: Step, contact: Contact, slots: dict[str, str], language: str, client: str
    ) -> _Draft:
        p, rep, c, rng = self._p, self._rep, self._composer, self._rng
        people = self._involved[step.thread]
        cc = [address(x.name, x.email) for x in people if x is not contact]
        ours = address(f"{rep.first} {rep.last}", rep.email)
        theirs = address(contact.name, contact.email)
        if step.who == US:
            body = our_text(c, rng, p, step.kind, slots, rep)
            return _Draft(ours, [theirs], cc, None, None, body, client)
        body = their_text(c, rng, p, step.kind, slots, contact)
        if step.contact and p.main is not contact and not cc:
            cc = [address(p.main.name, p.main.email)]
        return _Draft(theirs, [ours], cc, None, None, body, client)

    def _note(self, email: str) -> None:
        if email not in self._used:
            self._used.append(email)

    def _subject(
        self, step: Step, prev: Sent | None, language: str, client: str, slots: dict[str, str]
    ) -> str:
        """The subject: a reply prefix and the thread's subject, or a new thread's own."""
        c, thread = self._composer, step.thread
        if prev is not None:
            base = self._subjects.get(thread)
            if base is None:  # our first answer to a notification starts our own subject
                base = (
                    f"Your inquiry on {c.deal.platform}"
                    if step.kind == "clarify"
                    else f"{slots['short']} - quotation from Lumora Lighting"
                )
                self._subjects[thread] = base
                return base
            prefixes = BANKS[language]["re"]
            return prefixes[1 if client == "outlook" else 0] + base
        key = {
            "inquiry": "subj.inquiry", "junk": "subj.junk", "po_trial": "subj.po",
            "po_bulk": "subj.po", "po_repeat": "subj.po", "complaint": "subj.complaint",
            "sample_request": "subj.sample", "intro": "subj.intro", "fair_quote": "subj.fair",
        }[step.kind]  # fmt: skip
        bank = "en" if step.kind in {"junk", "intro", "fair_quote"} else language
        if step.kind in {"intro", "fair_quote"}:
            base = c.pick_rep(key).format_map(slots)
        else:
            base = c.pick(bank, key).format_map(slots)
        self._subjects[thread] = base
        return base
