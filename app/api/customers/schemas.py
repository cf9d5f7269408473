"""Request and response bodies of ``/v1/customers`` (SPEC §8)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.pagination import Page
from app.api.patterns import DateTime

Stage = Literal[
    "lead", "inquiry", "quotation", "sample", "trial_order", "bulk_order", "repeat_order"
]  # fmt: skip
Outcome = Literal["won", "lost", "open"]


class ContactOut(BaseModel):
    """One external address of the customer and what its mail told about its owner."""

    email: str
    name: str | None
    title: str | None
    phone: str | None


class EvidenceOut(BaseModel):
    """A message behind a tag: its id, date, subject and the snippet that shows why."""

    message_id: str
    date: datetime
    subject: str
    snippet: str


class ProfileTagOut(BaseModel):
    """A tag of the profile with its score in [0, 1] and the messages behind it."""

    id: str
    kind: Literal["interest", "trait"]
    name: str
    value: str | None
    score: float
    evidence: list[EvidenceOut]


class ValidInquiryOut(BaseModel):
    """Whether the first inquiry names a product, a quantity or spec, and a buyer."""

    value: bool
    missing: list[str]


class StageOut(BaseModel):
    """The furthest stage reached, the date each stage was reached, the first inquiry."""

    current: Stage
    reached: dict[str, datetime]
    valid_inquiry: ValidInquiryOut | None


class OutcomeOut(BaseModel):
    """``won`` / ``lost`` / ``open``: set through the API, or inferred from the mail."""

    value: Outcome
    source: Literal["api", "inferred"]
    at: datetime | None
    reason: str | None = Field(description="Why an inferred outcome was inferred.")


class NearestWonOut(BaseModel):
    """A won customer this one resembles, with the cosine similarity of their profiles."""

    customer_id: str
    name: str
    similarity: float


class SharedTagOut(BaseModel):
    """A tag this customer shares with won customers that raises its score."""

    id: str
    kind: Literal["interest", "trait"]
    name: str
    value: str | None
    weight: float = Field(description="How much the tag adds to the score (model units).")
    won_share: float = Field(description="Share of won customers that carry the tag.")


class StageAwareOut(BaseModel):
    """The stage-aware lookalike score: what the customer's mail said up to its outcome."""

    score: float
    percentile: float = Field(description="Share of open leads scoring lower or equal, 0-100.")


class LookalikeOut(BaseModel):
    """The stored lookalike score of a customer (as at first contact) and why, and the
    stage-aware score (null until the profile is rescored)."""

    score: float
    percentile: float
    nearest_won: list[NearestWonOut]
    shared_tags: list[SharedTagOut]
    model_version: str
    stage_aware: StageAwareOut | None = None


class MessageCounts(BaseModel):
    """Messages from the customer (inbound) and to it (outbound)."""

    inbound: int
    outbound: int


class CustomerOut(BaseModel):
    """A customer's whole profile (SPEC §8)."""

    id: str
    key: str
    name: str | None
    kind: Literal["organization", "person"]
    country: str | None
    languages: list[str]
    contacts: list[ContactOut]
    first_contact_at: datetime | None
    last_contact_at: datetime | None
    messages: MessageCounts
    stage: StageOut
    outcome: OutcomeOut
    tags: list[ProfileTagOut]
    lookalike: LookalikeOut | None


class LookalikeBrief(BaseModel):
    """The score and percentile, as lists show them."""

    score: float
    percentile: float


class CustomerSummary(BaseModel):
    """A customer as lists show it; the whole profile is at ``/v1/customers/{id}``."""

    id: str
    key: str
    name: str | None
    kind: Literal["organization", "person"]
    country: str | None
    stage: Stage
    outcome: Outcome
    messages: MessageCounts
    first_contact_at: datetime | None
    last_contact_at: datetime | None
    lookalike: LookalikeBrief | None


CustomerPage = Page[CustomerSummary]


class OutcomeIn(BaseModel):
    """Set a customer's outcome (it wins over the inferred one, ``open`` included)."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    at: DateTime | None = Field(
        default=None, description="When it happened, with its offset (default: now)."
    )
