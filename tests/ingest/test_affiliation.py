"""The rule that attaches a freemail contact to an organization (SPEC §4): their own mail
copying the company's people, or the same full name as a company's contact beside a
shared message, thread or company name; ambiguous evidence decides nothing."""

from __future__ import annotations

import pytest

from ingest.affiliation import FreemailEvidence, company_key, organization_of, person_key


def ev(**keys: set[str]) -> FreemailEvidence:
    return FreemailEvidence(**{name: frozenset(value) for name, value in keys.items()})


def test_person_and_company_keys_fold_what_does_not_tell_apart() -> None:
    assert person_key("Tan Kelvin") == person_key("kelvin  TAN") == "kelvin tan"
    assert person_key("José Ramírez") == person_key("Jose Ramirez")
    assert person_key("Дилшод Ташкентов") == person_key("ташкентов дилшод")
    assert person_key("Kelvin") is None
    assert person_key(None) is None
    assert company_key("Granite Fire Protection Pte. Ltd.") == "granite fire protection"
    assert company_key("GRANITE FIRE PROTECTION") == "granite fire protection"
    assert company_key("Ltd.") is None


@pytest.mark.parametrize(
    ("evidence", "organization"),
    [
        # they copy their colleagues on the mail they send
        (ev(copied_by_them={"granitefire.co"}), "granitefire.co"),
        # their namesake at a company shares a message, a thread or the company name
        (ev(copied={"granitefire.co"}, namesakes={"granitefire.co"}), "granitefire.co"),
        (ev(threads={"acme.de"}, namesakes={"acme.de"}), "acme.de"),
        (ev(same_company={"acme.de"}, namesakes={"acme.de"}), "acme.de"),
        # a name shared with contacts of two companies: the one in their mail wins
        (ev(copied={"andes.br"}, namesakes={"andes.br", "barbosa.br"}), "andes.br"),
        (ev(copied_by_them={"colleague.com", "forwarder.com"}, namesakes={"colleague.com"},
            copied={"colleague.com", "forwarder.com"}), "colleague.com"),
    ],
)  # fmt: skip
def test_attached(evidence: FreemailEvidence, organization: str) -> None:
    assert organization_of(evidence) == organization


@pytest.mark.parametrize(
    "evidence",
    [
        ev(),
        # a forwarder we copied, or a company in their thread, is no employer by itself
        ev(copied={"fastfreight.com"}),
        ev(threads={"fastfreight.com"}),
        # a namesake alone: common names are shared by strangers
        ev(namesakes={"landmark.co.uk"}),
        # two companies and nothing to choose between them
        ev(copied_by_them={"a.com", "b.com"}),
        ev(copied={"a.com", "b.com"}, namesakes={"a.com", "b.com"}),
    ],
)
def test_stays_a_person(evidence: FreemailEvidence) -> None:
    assert organization_of(evidence) is None
