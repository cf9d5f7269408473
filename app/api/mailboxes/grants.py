"""The OAuth2 grant a mailbox may log in with: what `POST`/`PATCH /v1/mailboxes` accept
under ``oauth2``, and what the API shows of it (never a secret)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.api.patterns import Secret, matching, shown
from app.oauth2.protocol import check_endpoint_url
from app.oauth2.providers import PRESETS, ProviderName, preset

_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE = r"^[\x21\x23-\x5b\x5d-\x7e]+$"
# an absolute https URL, or http on a loopback address; no fragment (RFC 6749 §3.2)
_ENDPOINT = (
    r"^(https://[A-Za-z0-9.-]+|http://(127\.0\.0\.1|localhost|\[::1\]))"
    r"(:[0-9]{1,5})?(/[\x21\x22\x24-\x7e]*)?$"
)
PRESET_NAMES = sorted(PRESETS)


ClientId = Annotated[
    str,
    Field(min_length=1, max_length=1000, json_schema_extra=shown(_NO_CONTROL)),
    AfterValidator(matching(_NO_CONTROL, "must not contain control characters")),
]
ScopeToken = Annotated[
    str,
    Field(min_length=1, max_length=500, json_schema_extra=shown(_SCOPE)),
    AfterValidator(matching(_SCOPE, "must be one scope token (RFC 6749 §3.3): no space")),
]
EndpointUrl = Annotated[
    str,
    Field(min_length=1, max_length=2000, json_schema_extra=shown(_ENDPOINT)),
    AfterValidator(matching(_ENDPOINT, "must be an https:// URL (http:// only on loopback)")),
    AfterValidator(check_endpoint_url),
]
# JSON Schema: a custom provider needs its token endpoint
_ENDPOINT_KNOWN: dict[str, Any] = {
    "anyOf": [
        {"properties": {"provider": {"enum": PRESET_NAMES}}},
        {"required": ["token_endpoint"], "properties": {"token_endpoint": {"type": "string"}}},
    ]
}


class OAuth2GrantIn(BaseModel):
    """An OAuth2 grant to log in with: the mailbox renews its access tokens with it."""

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, json_schema_extra=_ENDPOINT_KNOWN
    )

    provider: ProviderName = Field(
        description="`google` (Gmail) and `microsoft` (Microsoft 365) fill in the IMAP "
        "server, token endpoint and scopes; `custom` needs `token_endpoint`."
    )
    client_id: ClientId
    client_secret: Secret | None = Field(
        default=None, description="Left out for a public client (no secret)."
    )
    refresh_token: Secret
    scopes: Annotated[list[ScopeToken], Field(max_length=100)] | None = Field(
        default=None,
        description="Scopes asked for on refresh; null: the provider's mail scopes "
        "(none for `custom`: as originally granted).",
    )
    token_endpoint: EndpointUrl | None = Field(
        default=None, description="The token endpoint; null: the provider's."
    )

    @model_validator(mode="after")
    def _endpoint_known(self) -> Self:
        if self.token_endpoint is None and preset(self.provider) is None:
            raise ValueError("a custom provider needs its token_endpoint")
        return self

    @property
    def resolved_endpoint(self) -> str:
        """The token endpoint given, else the provider's."""
        if self.token_endpoint is not None:
            return self.token_endpoint
        found = preset(self.provider)
        assert found is not None
        return found.token_endpoint

    @property
    def resolved_scopes(self) -> list[str]:
        """The scopes given, else the provider's mail scopes (none for ``custom``)."""
        if self.scopes is not None:
            return list(self.scopes)
        found = preset(self.provider)
        return list(found.scopes) if found is not None else []


class OAuth2GrantOut(BaseModel):
    """What the API shows of a mailbox's OAuth2 grant: never a secret or a token."""

    provider: ProviderName
    client_id: str
    scopes: list[str]
    token_endpoint: str
    access_token_expires_at: datetime | None = Field(
        description="When the access token in use expires; it is renewed before."
    )
    refreshed_at: datetime | None = Field(description="When an access token was last obtained.")
    refused_at: datetime | None = Field(
        description="When the token endpoint refused the grant (`invalid_grant`): the mailbox "
        "waits for a new grant (PATCH it, or `leadlens mailbox authorize`)."
    )
