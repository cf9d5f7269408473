"""What ``/v1/status`` and ``/v1/rebuild`` answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StatusOut(BaseModel):
    """Counts an operator (or a script) reads to tell when everything has been processed."""

    messages: int = Field(description="Messages stored.")
    quarantined: int = Field(description="Inputs that could not be parsed, kept apart.")
    pending_enrichment: int = Field(description="Stored messages not enriched yet.")
    pending_profiles: int = Field(
        description="Customers whose profile waits for a rebuild, or whose score comes from "
        "another model than the one in force."
    )
    syncing_mailboxes: int = Field(description="Mailboxes syncing right now.")
    topics_version: str | None
    model_version: str | None
    settled: bool = Field(
        description="True only when no mailbox is syncing (or waits for its first sync), "
        "nothing waits for enrichment, no re-clustering, retraining or requested rebuild is "
        "due or running, and every profile reflects all stored mail and the model in force: "
        "profiles read then stay as they are until new mail or outcomes arrive."
    )


class RebuildAccepted(BaseModel):
    """The rebuild runs in the background; `GET /v1/status` shows new versions when done."""

    status: str
    topics_version: str | None
    model_version: str | None
