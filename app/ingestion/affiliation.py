"""Attach freemail contacts to their organizations (SPEC §4), after each stored batch.

A company's staff writing from a personal address (``kelvin84@163.com`` beside
``kelvin@granitefire.co``) belong to the company. For every freemail contact the batch
touches — as a party, in an address header, in a thread, or by the name of an
organization's contact in it — the evidence is read from everything stored and
:func:`ingest.affiliation.organization_of` decides; the contact and its mail then go to
that organization, or back to the contact's own person customer. The decision depends
only on what is stored, so the same mail in any order, or in any batches, ends with the
same customers; a customer left without contacts is deleted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.db.repositories.affiliation import AffiliationRepository
from app.db.repositories.customers import CustomerRepository
from app.db.types import new_id
from ingest.affiliation import (
    FreemailEvidence,
    company_key,
    organization_of,
    person_key,
)
from ingest.identity import IdentityResolver, customer_key, is_freemail
from ingest.message import Address, ParsedMessage

# Share of the mail they send on which an organization's people must be copied.
_COPIED_SHARE = 0.5


def attach_freemail_contacts(
    session: Session,
    messages: Sequence[ParsedMessage],
    parties: Iterable[Address],
    threads: Iterable[str],
) -> None:
    """Re-decide the organization of the freemail contacts that ``messages`` (a stored
    batch, its ``parties`` and ``threads``) name, touch, share a thread with, or share a
    name with; move those whose organization changed."""
    repository = AffiliationRepository(session)
    addresses = {a.email for a in parties}
    for msg in messages:
        header = (*((msg.sender,) if msg.sender else ()), *msg.to, *msg.cc, *msg.reply_to)
        addresses.update(a.email for a in header)
    freemail = {e for e in addresses if is_freemail(e.rpartition("@")[2])}
    names = {a.name for a in parties if a.name and not is_freemail(a.domain)}
    candidates = {
        row.id: row
        for row in (
            *repository.contacts(freemail),
            *repository.contacts_named(names),
            *repository.contacts_in_threads(set(threads)),
        )
        if is_freemail(row.email.rpartition("@")[2])
    }
    if not candidates:
        return
    evidence = _evidence(repository, list(candidates.values()))
    targets = {
        contact_id: organization_of(found) or customer_key(candidates[contact_id].email)[0]
        for contact_id, found in evidence.items()
    }
    _move(session, repository, candidates, targets)


def _evidence(
    repository: AffiliationRepository, contacts: Sequence[Any]
) -> dict[str, FreemailEvidence]:
    resolvers = {
        mailbox: IdentityResolver(domains) for mailbox, domains in repository.own_domains().items()
    }
    sent: dict[str, int] = defaultdict(int)
    copied_on_sent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    copied: dict[str, set[str]] = defaultdict(set)
    email_of = {c.id: c.email for c in contacts}
    for row in repository.messages_of(email_of):
        resolver = resolvers.get(row.mailbox_id) or IdentityResolver(())
        theirs = row.from_email == email_of[row.contact_id]
        recipients = [*row.to, *row.cc, *row.reply_to]
        header = [*recipients, *([{"email": row.from_email}] if row.from_email else [])]
        keys = _organizations(resolver, header, email_of[row.contact_id])
        copied[row.contact_id] |= keys
        if theirs:
            sent[row.contact_id] += 1
            for key in _organizations(resolver, recipients, email_of[row.contact_id]):
                copied_on_sent[row.contact_id][key] += 1
    in_threads: dict[str, set[str]] = defaultdict(set)
    for contact_id, key in repository.thread_organizations(email_of):
        in_threads[contact_id].add(key)
    by_name: dict[str, set[str]] = defaultdict(set)
    for key, name in repository.organizations_with_names({c.name for c in contacts if c.name}):
        if (folded := person_key(name)) is not None:
            by_name[folded].add(key)
    by_company: dict[str, set[str]] = defaultdict(set)
    companies = {c.company for c in contacts if c.company}
    for key, company in repository.organizations_with_companies(companies):
        if (folded := company_key(company)) is not None:
            by_company[folded].add(key)
    found: dict[str, FreemailEvidence] = {}
    for contact in contacts:
        counts = copied_on_sent[contact.id]
        found[contact.id] = FreemailEvidence(
            copied_by_them=frozenset(
                key for key, n in counts.items() if n >= _COPIED_SHARE * sent[contact.id]
            ),
            copied=frozenset(copied[contact.id]),
            threads=frozenset(in_threads[contact.id]),
            namesakes=frozenset(by_name.get(person_key(contact.name) or "", ())),
            same_company=frozenset(by_company.get(company_key(contact.company) or "", ())),
        )
    return found


def _organizations(
    resolver: IdentityResolver, addresses: Iterable[dict[str, Any]], own: str
) -> set[str]:
    """Organization keys of the external, non-system addresses among ``addresses``."""
    keys: set[str] = set()
    for item in addresses:
        email = str(item.get("email") or "")
        if not email or email == own or resolver.is_own(Address(email)):
            continue
        key, kind = customer_key(email)
        if kind == "organization" and resolver.is_party(Address(email)):
            keys.add(key)
    return keys


def _move(
    session: Session,
    repository: AffiliationRepository,
    contacts: dict[str, Any],
    targets: dict[str, str],
) -> None:
    customers = CustomerRepository(session)
    existing = repository.customer_ids(set(targets.values()))
    customers.insert_customers(
        [
            {
                "id": new_id("cus"),
                "key": key,
                "kind": "person" if "@" in key else "organization",
                "name": None,
                "first_contact_at": None,
                "last_contact_at": None,
            }
            for key in sorted(set(targets.values()) - set(existing))
        ]
    )
    ids = repository.customer_ids(set(targets.values()))
    touched: set[str] = set()
    for contact_id in sorted(targets):
        target, current = ids[targets[contact_id]], contacts[contact_id].customer_id
        if target != current:
            repository.move_contact(contact_id, target)
            touched.update((target, current))
    repository.refresh_customers(touched)
