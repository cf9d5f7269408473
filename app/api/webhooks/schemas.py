"""What the webhook endpoints accept and answer (SPEC §8 Webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.api.pagination import Page
from app.api.patterns import matching, shown
from app.webhooks.events import EventType

DeliveryStatus = Literal["pending", "delivered", "failed"]
# an absolute http(s) URL: a host name or IPv4 address (no user:password@), an optional
# port, then a path (and query) without whitespace, controls or characters URLs never hold
_URL = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?"
    r'(/[^\x00-\x20\x7f-\x9f"<>\\^`{|}]*)?$'
)


Url = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2000,
        json_schema_extra=shown(_URL),
        description="Where events are POSTed: an http or https URL (redirects are not followed).",
    ),
    AfterValidator(matching(_URL, "must be an http or https URL with a host, no user:password@")),
]
Events = Annotated[
    list[EventType],
    Field(min_length=1, max_length=12, description="The event types this endpoint receives."),
    AfterValidator(lambda events: sorted(set(events))),
]


class WebhookCreate(BaseModel):
    """A new endpoint: where to send which events."""

    model_config = ConfigDict(extra="forbid")

    url: Url
    events: Events
    enabled: bool = True


class WebhookUpdate(BaseModel):
    """Changes to an endpoint; fields left out stay as they are. ``enabled: true`` on an
    endpoint the service disabled clears its failure and sends what waits for it."""

    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    events: Events | None = None
    enabled: bool | None = None


class WebhookOut(BaseModel):
    """An endpoint and how its deliveries go; the signing secret is never shown again."""

    id: str
    url: str
    events: list[EventType]
    enabled: bool
    created_at: datetime
    failing_since: datetime | None = Field(
        description="First failed attempt with no delivery succeeding since; null when healthy."
    )
    disabled_at: datetime | None
    disabled_reason: str | None = Field(
        description="Why the service disabled it after persistent failure (null otherwise)."
    )
    last_attempt_at: datetime | None
    last_status_code: int | None = Field(description="HTTP status of the last attempt.")
    last_error: str | None = Field(description="What went wrong at the last attempt, if it did.")
    pending: int = Field(description="Deliveries waiting to be sent or retried.")


class WebhookCreated(WebhookOut):
    """The new endpoint with its signing secret: shown this once, keep it."""

    secret: str = Field(
        description="`whsec_` + base64 key for the Standard Webhooks signature (shown once)."
    )


WebhookPage = Page[WebhookOut]


class AttemptOut(BaseModel):
    """One POST of a delivery."""

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    """One event sent (or to be sent) to the endpoint, with its attempts."""

    id: str
    event_id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="When it is tried next (pending only).")
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    attempt_log: list[AttemptOut] = Field(description="The last attempts, oldest first.")
    payload: dict[str, Any] = Field(description="The body sent: `{type, timestamp, data}`.")


DeliveryPage = Page[DeliveryOut]
