"""Request and response bodies of the tagging endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.api.patterns import ONE_LINE, matching, shown

# a header of the email made from the request: one line
OneLine = Annotated[
    str,
    Field(json_schema_extra=shown(ONE_LINE)),
    AfterValidator(matching(ONE_LINE, "must be one line")),
]

EMAIL_TEXT_MAX_CHARS = 200_000
"""The most characters of one email's text an endpoint reads (a long thread's worth; at 12
bytes a character, JSON's worst case, still well under ``LEADLENS_MAX_REQUEST_BYTES``)."""


class TagRequest(BaseModel):
    """A raw email to tag: the body as text or HTML, optionally its subject and sender."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    subject: OneLine | None = Field(default=None, max_length=2_000)
    body: str = Field(
        min_length=1,
        max_length=EMAIL_TEXT_MAX_CHARS,
        description="The email's text or HTML, at most 200,000 characters.",
    )
    sender: OneLine | None = Field(default=None, alias="from", max_length=320)


class Evidence(BaseModel):
    """What produced a tag: a message (when stored) and the snippet."""

    message_id: str | None = None
    snippet: str


class TagOut(BaseModel):
    """A tag with its score in [0, 1] and its evidence."""

    id: str
    kind: str
    name: str
    value: str | None
    score: float
    evidence: list[Evidence]


class ValidInquiry(BaseModel):
    """Whether a message is a valid inquiry (SPEC §6), and what it lacks."""

    value: bool
    missing: list[str]


class TagResult(BaseModel):
    """What leadlens reads in one email, storing nothing."""

    language: str | None
    intent: str
    valid_inquiry: ValidInquiry
    tags: list[TagOut]


class TagSummary(BaseModel):
    """A tag across the store: topics (interest) and trait values, with their reach."""

    id: str
    kind: str
    name: str
    value: str | None
    keywords: list[str]
    customers: int
    messages: int


class TagPage(BaseModel):
    """One page of tags."""

    items: list[TagSummary]
    next_cursor: str | None


class TagRename(BaseModel):
    """A new name for a topic (kept across re-clustering)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
