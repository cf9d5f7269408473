"""Presets of the OAuth2 providers whose mailboxes people connect: Gmail and Microsoft 365.

A preset fills in what a mailbox does not give: the IMAP server, the token endpoint, the
endpoints `leadlens mailbox authorize` uses and the scopes mail access needs. ``custom`` has
no preset: its endpoints must be given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ProviderName = Literal["google", "microsoft", "custom"]


@dataclass(frozen=True, slots=True)
class Provider:
    """Where a provider's IMAP server and OAuth2 endpoints are, and the scopes IMAP needs."""

    imap_host: str
    imap_port: int
    security: Literal["tls"]
    token_endpoint: str
    authorization_endpoint: str
    device_endpoint: str | None
    scopes: tuple[str, ...]
    authorization_params: dict[str, str] = field(default_factory=dict)


PRESETS: dict[str, Provider] = {
    # https://developers.google.com/gmail/imap/xoauth2-protocol ; access_type=offline and
    # prompt=consent make Google issue a refresh token. Google's device flow does not allow
    # the mail scope: use the loopback (authorisation code) flow for Gmail.
    "google": Provider(
        imap_host="imap.gmail.com",
        imap_port=993,
        security="tls",
        token_endpoint="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL
        authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
        device_endpoint="https://oauth2.googleapis.com/device/code",
        scopes=("https://mail.google.com/",),
        authorization_params={"access_type": "offline", "prompt": "consent"},
    ),
    # https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
    # offline_access makes the identity platform issue a refresh token.
    "microsoft": Provider(
        imap_host="outlook.office365.com",
        imap_port=993,
        security="tls",
        token_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/token",  # noqa: S106
        authorization_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        device_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
        scopes=("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"),
    ),
}


def preset(name: str) -> Provider | None:
    """The preset of ``name`` (``google``, ``microsoft``), None for ``custom``."""
    return PRESETS.get(name)
