"""Request and response bodies of ``/v1/lookalike`` and ``/v1/model`` (SPEC §8)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.customers.schemas import NearestWonOut, SharedTagOut
from app.api.tags.schemas import EMAIL_TEXT_MAX_CHARS

MAX_TEXTS = 50
"""The most texts of one lead scored at once: a long correspondence, and a bounded batch of
embeddings (each text is embedded on its own)."""


class LookalikeRequest(BaseModel):
    """Exactly one of: a stored customer's id, an address of a stored customer, or the texts
    of a lead that is not in the store (nothing of them is stored)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str | None = None
    email: str | None = Field(default=None, max_length=320)
    texts: list[Annotated[str, Field(max_length=EMAIL_TEXT_MAX_CHARS)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXTS,
        description=(
            "The lead's emails: 1 to 50 texts of at most 200,000 characters each and "
            "200,000 in all."
        ),
    )
    subject: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _exactly_one(self) -> LookalikeRequest:
        given = [n for n in ("customer_id", "email", "texts") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of customer_id, email or texts")
        if self.texts is not None and not any(t.strip() for t in self.texts):
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
