"""Request and response bodies of ``/v1/lookalike`` and ``/v1/model`` (SPEC §8)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.customers.schemas import NearestWonOut, SharedTagOut
from app.api.tags.schemas import EMAIL_TEXT_MAX_CHARS

MAX_TEXTS = 50
"""The most texts of one lead scored at once: a long correspondence, and a bounded batch of
embeddings (each text is embedded on its own)."""

# Python's whitespace (str.isspace) spelt out, so that the schema's pattern means the same
_NOT_BLANK = r"[^\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_NOT_BLANK_TEXT = re.compile(_NOT_BLANK)
_EXACTLY_ONE: dict[str, Any] = {
    "oneOf": [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
        for name in ("customer_id", "email", "texts")
    ]
}


class LookalikeRequest(BaseModel):
    """Exactly one of: a stored customer's id, an address of a stored customer, or the texts
    of a lead that is not in the store (nothing of them is stored)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_EXACTLY_ONE)

    customer_id: str | None = None
    email: str | None = Field(default=None, max_length=320)
    texts: list[Annotated[str, Field(max_length=EMAIL_TEXT_MAX_CHARS)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXTS,
        json_schema_extra={"contains": {"type": "string", "pattern": _NOT_BLANK}},
        description=(
            "The lead's emails: 1 to 50 texts of at most 200,000 characters each and "
            "200,000 in all, at least one of them not blank."
        ),
    )
    subject: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _exactly_one(self) -> LookalikeRequest:
        given = [n for n in ("customer_id", "email", "texts") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of customer_id, email or texts")
        if self.texts is not None and not any(_NOT_BLANK_TEXT.search(t) for t in self.texts):
            raise ValueError("texts: at least one text must not be blank")
        if self.texts is not None and sum(len(t) for t in self.texts) > EMAIL_TEXT_MAX_CHARS:
            raise ValueError(f"texts: at most {EMAIL_TEXT_MAX_CHARS:,} characters in all")
        return self


class ModelBrief(BaseModel):
    """The model that gave the score."""

    version: str
    n_won: int
    n_other: int
    cv_auc: float | None


class LookalikeResult(BaseModel):
    """How much the lead looks like our won customers, and why."""

    score: float
    percentile: float = Field(description="Share of open leads scoring lower or equal, 0-100.")
    label: Literal["strong", "moderate", "weak"]
    nearest_won: list[NearestWonOut]
    shared_tags: list[SharedTagOut]
    model: ModelBrief


class ModelOut(BaseModel):
    """The lookalike model in force."""

    version: str
    trained_at: datetime
    n_won: int
    n_lost: int
    n_open: int
    cv_auc: float | None = Field(
        description="Cross-validated ROC AUC of the score as at first contact; null when too few."
    )
    stage_aware_cv_auc: float | None = Field(
        default=None,
        description="Cross-validated ROC AUC of the stage-aware score (profiles only).",
    )
