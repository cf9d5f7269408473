"""`leadlens mailbox authorize`: connect a Gmail, Microsoft 365 or other OAuth2 mailbox.

A person grants access in a browser (authorisation code + PKCE on a loopback redirect,
RFC 8252) or, on a headless server, by typing a code at the provider (device flow,
RFC 8628). The grant (refresh token) is then stored on a new or an existing mailbox through
the same service as `POST`/`PATCH /v1/mailboxes`, and leadlens renews access tokens with it.
The client secret is read from an environment variable, never from the command line.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MailboxCreate, MailboxOut, MailboxUpdate
from app.api.mailboxes.service import create_mailbox, describe, update_mailbox
from app.cli.admin import _PICKED_UP, _open_store, _validation_text
from app.cli.support import fail
from app.errors import LeadlensError
from app.oauth2.client import TokenClient
from app.oauth2.flows import Endpoints, FlowError, device_flow, loopback_flow
from app.oauth2.protocol import DeviceAuthorization, OAuth2Error, TokenEndpointUnavailableError
from app.oauth2.providers import ProviderName, preset
from app.secret_box import SecretBox

Flow = Literal["loopback", "device"]


def _endpoints(
    provider: ProviderName,
    scopes: list[str] | None,
    token_endpoint: str | None,
    authorization_endpoint: str | None,
    device_endpoint: str | None,
) -> Endpoints:
    found = preset(provider)
    if found is None and token_endpoint is None:
        raise fail("--provider custom needs --token-endpoint")
    return Endpoints(
        token=token_endpoint or (found.token_endpoint if found else ""),
        authorization=authorization_endpoint or (found.authorization_endpoint if found else None),
        device=device_endpoint or (found.device_endpoint if found else None),
        scopes=scopes or (list(found.scopes) if found else []),
        authorization_params=dict(found.authorization_params) if found else {},
    )


def _show_device(authorization: DeviceAuthorization) -> None:
    typer.echo(f"open {authorization.verification_uri} and enter the code:")
    typer.echo(authorization.user_code)
    if authorization.verification_uri_complete:
        typer.echo(f"(or open {authorization.verification_uri_complete})")
    typer.echo("waiting for the approval ...")


def _show_url(url: str) -> None:
    typer.echo("open this URL in a browser on this machine and grant access:")
    typer.echo(url)
    typer.echo("waiting for the browser ...")


def _store(
    sessions: sessionmaker[Session],
    secrets: SecretBox,
    mailbox_id: str | None,
    body: dict[str, Any],
    grant: dict[str, Any],
) -> MailboxOut:
    """Store ``grant`` on mailbox ``mailbox_id``, or on a new mailbox described by ``body``."""
    try:
        if mailbox_id is not None:
            update = MailboxUpdate.model_validate({"oauth2": grant})
        else:
            create = MailboxCreate.model_validate(body | {"oauth2": grant})
    except ValidationError as exc:
        raise fail(_validation_text(exc)) from None
    try:
        with sessions.begin() as session:
            if mailbox_id is not None:
                mailbox, _sync = update_mailbox(session, secrets, mailbox_id, update)
            else:
                mailbox = create_mailbox(session, secrets, create)
            return describe(session, [mailbox])[0]
    except LeadlensError as exc:
        raise fail(f"{exc.code}: {exc.detail}") from None


def mailbox_authorize(
    provider: Annotated[
        ProviderName,
        typer.Option(metavar="[google|microsoft|custom]", help="Who issues the grant."),
    ],
    client_id: Annotated[
        str, typer.Option(metavar="ID", help="The OAuth2 client id of your app registration.")
    ],
    client_secret_env: Annotated[
        str | None,
        typer.Option(
            metavar="VAR", help="Read the client secret from this variable (none: public client)."
        ),
    ] = None,
    flow: Annotated[
        Flow,
        typer.Option(
            metavar="[loopback|device]",
            help="loopback: open a URL in a browser on this machine; device: type a code on "
            "any device (for a headless server).",
        ),
    ] = "loopback",
    mailbox: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Store the grant on this existing mailbox."),
    ] = None,
    username: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Login (email address) of a new mailbox."),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(metavar="HOST", help="IMAP server of a new mailbox (default: the preset)."),
    ] = None,
    port: Annotated[int, typer.Option(metavar="N", help="IMAP port of a new mailbox.")] = 993,
    security: Annotated[
        str, typer.Option(metavar="[tls|starttls|none]", help="Security of a new mailbox.")
    ] = "tls",
    ca_file: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="PEM file of CAs to trust instead of the system ones."),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(metavar="SCOPE", help="A scope to ask for (repeatable; default: preset)."),
    ] = None,
    token_endpoint: Annotated[
        str | None, typer.Option(metavar="URL", help="Token endpoint (default: preset).")
    ] = None,
    authorization_endpoint: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Authorization endpoint (default: preset)."),
    ] = None,
    device_endpoint: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Device authorization endpoint (default: preset)."),
    ] = None,
    wait: Annotated[
        float, typer.Option(metavar="SECONDS", help="How long to wait for the browser.")
    ] = 300.0,
) -> None:
    """Grant leadlens access to a mailbox with OAuth2 and store the grant.

    Stores the refresh token (encrypted) on the mailbox --mailbox names, or on a new
    mailbox for --username; leadlens renews access tokens with it from then on.
    """
    if (mailbox is None) == (username is None):
        raise fail("give exactly one of --mailbox (an existing one) and --username (a new one)")
    client_secret = None
    if client_secret_env is not None:
        client_secret = os.environ.get(client_secret_env)
        if client_secret is None:
            raise fail(f"the environment variable {client_secret_env} is not set")
    endpoints = _endpoints(provider, scope, token_endpoint, authorization_endpoint, device_endpoint)
    settings, sessions = _open_store()
    client = TokenClient(client_id, client_secret, timeout=settings.imap_timeout)
    try:
        if flow == "device":
            tokens = device_flow(client, endpoints, _show_device)
        else:
            tokens = loopback_flow(client, endpoints, _show_url, wait)
    except (FlowError, OAuth2Error, TokenEndpointUnavailableError) as exc:
        raise fail(f"authorisation failed: {exc}") from None
    if tokens.refresh_token is None:
        raise fail(
            "the provider issued no refresh token (Google: the preset asks for "
            "access_type=offline; Microsoft: the offline_access scope is needed)"
        )
    grant = {
        "provider": provider,
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": tokens.refresh_token,
        "scopes": list(endpoints.scopes),
        "token_endpoint": endpoints.token,
    }
    body = {"host": host, "port": port, "security": security, "username": username}
    secrets = SecretBox.from_settings(settings)
    view = _store(sessions, secrets, mailbox, body | {"ca_file": ca_file}, grant)
    typer.echo(
        f"authorised mailbox {view.id} ({view.username}@{view.host}); access tokens are "
        f"renewed with the stored grant; {_PICKED_UP}"
    )
