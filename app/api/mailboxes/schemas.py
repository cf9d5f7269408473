"""What the mailbox endpoints (and `leadlens mailbox add`) accept and answer.

Every string that reaches the store or the IMAP server is checked here: no control
characters where none belong, no NUL anywhere, nothing that cannot be encoded as UTF-8,
lengths within the columns. A bad value is ``422 invalid_request``, never a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from app.api.mailboxes.grants import PRESET_NAMES, OAuth2GrantIn, OAuth2GrantOut
from app.api.pagination import Page
from app.api.patterns import Secret, matching, shown
from app.oauth2.providers import preset

MAX_NAME_LENGTH = 320  # mailboxes.name holds `username@host`
# each pattern is the check and what the OpenAPI document shows (app/api/patterns.py)
_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
_NO_LINE_BREAK = r"^[^\x00\r\n]*$"
# never in a host or domain name: ASCII controls, space, DEL, C1 controls, Unicode spaces, / @ \
_NOT_IN_NAME = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000/@\\"
_HOST = rf"^[^{_NOT_IN_NAME}]*[^{_NOT_IN_NAME}.][^{_NOT_IN_NAME}]*$"  # not only dots
_NOT_IN_DOMAIN = rf"{_NOT_IN_NAME}:,;"
_DOMAIN = rf"^@*[^{_NOT_IN_DOMAIN}]*[^{_NOT_IN_DOMAIN}.][^{_NOT_IN_DOMAIN}]*$"


Host = Annotated[
    str,
    Field(min_length=1, max_length=255, json_schema_extra=shown(_HOST)),
    AfterValidator(matching(_HOST, "must be a host name or an IP address")),
    AfterValidator(lambda host: host.lower().rstrip(".")),
]
Username = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME_LENGTH, json_schema_extra=shown(_NO_CONTROL)),
    AfterValidator(matching(_NO_CONTROL, "must not contain control characters")),
]
FolderName = Annotated[
    str,
    Field(min_length=1, max_length=1000, json_schema_extra=shown(_NO_LINE_BREAK)),
    AfterValidator(matching(_NO_LINE_BREAK, "must not contain NUL, CR or LF")),
]
Domain = Annotated[
    str,
    Field(min_length=1, max_length=253, json_schema_extra=shown(_DOMAIN)),
    AfterValidator(matching(_DOMAIN, "must be a domain name such as example.com")),
    AfterValidator(lambda domain: domain.lstrip("@").lower().rstrip(".")),
]
CaFile = Annotated[
    str,
    Field(min_length=1, max_length=4096, json_schema_extra=shown(_NO_CONTROL)),
    AfterValidator(matching(_NO_CONTROL, "must not contain control characters")),
]
Folders = Annotated[list[FolderName], Field(min_length=1, max_length=100)]
Domains = Annotated[list[Domain], Field(max_length=100)]
SecurityMode = Literal["tls", "starttls", "none"]
MailboxState = Literal["idle", "syncing", "error", "disabled"]
AuthKind = Literal["password", "oauth2", "oauth2_grant"]
# JSON Schema for "exactly one of" and "at most one of" the logins given (not null)
_GIVEN: dict[str, Any] = {
    "password": {"type": "string"},
    "oauth2_token": {"type": "string"},
    "oauth2": {"type": "object"},
}
_PAIRS = [("password", "oauth2_token"), ("password", "oauth2"), ("oauth2_token", "oauth2")]
_ONE_SECRET: dict[str, Any] = {
    "oneOf": [{"required": [name], "properties": {name: kind}} for name, kind in _GIVEN.items()],
    # the host may be left to the preset of a google or microsoft grant
    "anyOf": [
        {"required": ["host"], "properties": {"host": {"type": "string"}}},
        {
            "required": ["oauth2"],
            "properties": {
                "oauth2": {
                    "type": "object",
                    "required": ["provider"],
                    "properties": {"provider": {"enum": PRESET_NAMES}},
                }
            },
        },
    ],
}
_AT_MOST_ONE_SECRET: dict[str, Any] = {
    "not": {
        "anyOf": [
            {"required": list(pair), "properties": {name: _GIVEN[name] for name in pair}}
            for pair in _PAIRS
        ]
    }
}


class MailboxCreate(BaseModel):
    """A new IMAP mailbox: where it is, how to log in, what to read."""

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, json_schema_extra=_ONE_SECRET
    )

    host: Host | None = Field(
        default=None,
        description="The IMAP server; may be left out with a `google` (imap.gmail.com) or "
        "`microsoft` (outlook.office365.com) grant.",
    )
    port: int = Field(default=993, ge=1, le=65535)
    security: SecurityMode = Field(
        default="tls",
        description="`tls`: implicit TLS (IMAPS); `starttls`: upgrade a plain connection "
        "(refused without STARTTLS); `none`: plain text.",
    )
    username: Username
    password: Secret | None = None
    oauth2_token: Secret | None = Field(
        default=None,
        description="A static OAuth2 access token (AUTHENTICATE OAUTHBEARER or XOAUTH2); it "
        "is not renewed: give `oauth2` for a mailbox that stays connected.",
    )
    oauth2: OAuth2GrantIn | None = Field(
        default=None,
        description="An OAuth2 grant (refresh token): access tokens are obtained and renewed "
        "with it.",
    )
    folders: Folders | None = Field(
        default=None,
        description="Folders to sync; null means INBOX plus the server's \\Sent folder.",
    )
    own_domains: Domains = Field(
        default_factory=list,
        description="Domains of your own company; the login's domain is always added.",
    )
    tls_verify: bool = True
    ca_file: CaFile | None = Field(
        default=None, description="A PEM file on the server trusted instead of the system CAs."
    )

    @model_validator(mode="after")
    def _one_secret_and_short_name(self) -> Self:
        given = [self.password, self.oauth2_token, self.oauth2]
        if sum(value is not None for value in given) != 1:
            raise ValueError("give exactly one of password, oauth2_token and oauth2")
        if self.host is None:
            found = None if self.oauth2 is None else preset(self.oauth2.provider)
            if found is None:
                raise ValueError("host is needed (only a google or microsoft grant has one)")
            self.host = found.imap_host
        if len(self.username) + 1 + len(self.host) > MAX_NAME_LENGTH:
            raise ValueError(f"username@host must be at most {MAX_NAME_LENGTH} characters")
        return self

    @property
    def imap_host(self) -> str:
        """The host given, or the grant provider's."""
        assert self.host is not None
        return self.host

    @property
    def secret(self) -> str:
        """The password or the static token (not for a grant, see ``oauth2``)."""
        given = self.password if self.password is not None else self.oauth2_token
        assert given is not None
        return given.get_secret_value()

    @property
    def auth_kind(self) -> AuthKind:
        """``password`` (LOGIN), ``oauth2`` (a static token) or ``oauth2_grant``."""
        if self.oauth2 is not None:
            return "oauth2_grant"
        return "password" if self.password is not None else "oauth2"


class MailboxUpdate(BaseModel):
    """Changes to a mailbox; fields left out stay as they are.

    A new ``password``, ``oauth2_token`` or ``oauth2`` grant is checked against the server
    like a new mailbox, and on success replaces the login, re-enables the mailbox and starts
    a sync. ``folders: null`` goes back to INBOX plus the \\Sent folder.
    """

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, json_schema_extra=_AT_MOST_ONE_SECRET
    )

    password: Secret | None = None
    oauth2_token: Secret | None = None
    oauth2: OAuth2GrantIn | None = None
    folders: Folders | None = None
    own_domains: Domains | None = None

    @model_validator(mode="after")
    def _at_most_one_secret(self) -> Self:
        if sum(v is not None for v in (self.password, self.oauth2_token, self.oauth2)) > 1:
            raise ValueError("give at most one of password, oauth2_token and oauth2")
        return self

    @property
    def new_secret(self) -> tuple[Literal["password", "oauth2"], str] | None:
        """The new password or static token as (auth kind, secret), or None."""
        if self.password is not None:
            return "password", self.password.get_secret_value()
        if self.oauth2_token is not None:
            return "oauth2", self.oauth2_token.get_secret_value()
        return None

    @property
    def changes_folders(self) -> bool:
        """True when ``folders`` was given (null included)."""
        return "folders" in self.model_fields_set


class FolderStatusOut(BaseModel):
    """Sync position of one folder: UIDVALIDITY, the last committed UID, messages stored."""

    name: str
    uidvalidity: int | None
    last_uid: int
    messages: int


class MailboxOut(BaseModel):
    """A stored IMAP mailbox as the API shows it; secrets are never part of it."""

    id: str
    host: str
    port: int
    security: SecurityMode
    username: str
    auth: AuthKind = Field(
        description="`password`, `oauth2` (a static access token) or `oauth2_grant` (access "
        "tokens renewed with a refresh token, see `oauth2`)."
    )
    oauth2: OAuth2GrantOut | None = Field(
        default=None, description="The OAuth2 grant of an `oauth2_grant` mailbox (no secret)."
    )
    folders: list[str] | None = Field(
        description="The folders asked for; null means INBOX plus the server's \\Sent folder "
        "(resolved again at each sync). `folder_status` lists those actually synced."
    )
    own_domains: list[str]
    tls_verify: bool
    ca_file: str | None
    state: MailboxState
    last_sync_at: datetime | None
    last_error: str | None
    auth_failed_at: datetime | None = Field(
        description="When the server last refused the login; the mailbox is not synced again "
        "until its password or token changes."
    )
    created_at: datetime
    messages: int
    quarantined: int
    folder_status: list[FolderStatusOut]


MailboxPage = Page[MailboxOut]


class SyncRequested(BaseModel):
    """A sync was asked for; ``state`` is the mailbox's state at that moment."""

    id: str
    state: MailboxState
