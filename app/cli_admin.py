"""`leadlens apikey ...` and `leadlens mailbox ...`: the administration commands.

They work on the store at LEADLENS_DATABASE_URL through the same services as the API.
Secrets never come from the command line itself (it shows in `ps` and shell history): a
password is read from stdin or an environment variable, a token from an environment variable.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MailboxCreate, MailboxOut
from app.api.mailboxes.service import create_mailbox, describe, list_mailboxes, remove_mailbox
from app.apikeys import Scope, create_api_key, list_api_keys, revoke_api_key
from app.db.migrations import ensure_migrated
from app.db.session import create_db_engine, session_factory
from app.errors import LeadlensError
from app.secrets import SecretBox
from app.settings import Settings

apikey_cli = typer.Typer(help="Make and revoke API keys.", no_args_is_help=True)
mailbox_cli = typer.Typer(help="Add, list and remove IMAP mailboxes.", no_args_is_help=True)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_PICKED_UP = (
    "a running `leadlens serve` or `leadlens sync` picks the change up; this command does not sync"
)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code=1)


def _open_store() -> tuple[Settings, sessionmaker[Session]]:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = create_db_engine(settings.database_url)
    try:
        ensure_migrated(engine)
    except LeadlensError as exc:
        raise _fail(exc.detail) from None
    return settings, session_factory(engine)


def _table(*headers: str) -> Table:
    """A table whose cells wrap instead of being cut, so ids can always be copied whole."""
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _validation_text(error: ValidationError) -> str:
    """Each problem as ``field: message``, never the value (it may be a password)."""
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'input'}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    )


@apikey_cli.command("create")
def apikey_create(
    scope: Annotated[
        Scope, typer.Option(help="What the key may do: read < write < admin.", show_choices=True)
    ],
    name: Annotated[str | None, typer.Option(help="A label to recognise the key by.")] = None,
) -> None:
    """Make an API key; it is printed once, alone on the last line, and stored only hashed."""
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            api_key, plaintext = create_api_key(session, scope, name)
    except LeadlensError as exc:
        raise _fail(exc.detail) from None
    typer.echo(f"created API key {api_key.id} with scope {scope}; it is shown once:", err=True)
    typer.echo(plaintext)


@apikey_cli.command("list")
def apikey_list() -> None:
    """Show every API key: id, name, scope, when made, last used and revoked (no secrets)."""
    _settings, sessions = _open_store()
    with sessions() as session:
        keys = list_api_keys(session)
    table = _table("id", "name", "scope", "created", "last used", "revoked")
    for key in keys:
        table.add_row(
            key.id,
            Text(key.name or ""),
            key.scope,
            key.created_at.isoformat(timespec="seconds"),
            key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never",
            key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "",
        )
    out.print(table)


@apikey_cli.command("revoke")
def apikey_revoke(
    key_id: Annotated[str, typer.Argument(help="The id `apikey list` shows.")],
) -> None:
    """Revoke an API key for good: requests with it are refused from now on."""
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            revoke_api_key(session, key_id)
    except LeadlensError as exc:
        raise _fail(exc.detail) from None
    typer.echo(f"revoked API key {key_id}")


def _read_secret(
    password_stdin: bool, password_env: str | None, token_env: str | None
) -> dict[str, str]:
    """``{"password": ...}`` or ``{"oauth2_token": ...}`` from exactly one of the sources."""
    if sum((password_stdin, password_env is not None, token_env is not None)) != 1:
        raise _fail("give exactly one of --password-stdin, --password-env and --oauth2-token-env")
    if password_stdin:
        if sys.stdin.isatty():
            return {"password": getpass.getpass("password: ")}
        line = sys.stdin.readline()
        return {"password": line.removesuffix("\n").removesuffix("\r")}
    variable = password_env or token_env
    assert variable is not None
    value = os.environ.get(variable)
    if value is None:
        raise _fail(f"the environment variable {variable} is not set")
    return {"password": value} if password_env is not None else {"oauth2_token": value}


@mailbox_cli.command("add")
def mailbox_add(
    host: Annotated[str, typer.Option(help="IMAP server host name or address.")],
    username: Annotated[str, typer.Option(help="Login name.")],
    port: Annotated[int, typer.Option(help="IMAP port (993 for tls, 143 otherwise).")] = 993,
    security: Annotated[
        str, typer.Option(help="tls (implicit TLS), starttls, or none (plain text).")
    ] = "tls",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
    ] = False,
    password_env: Annotated[
        str | None, typer.Option(help="Read the password from this environment variable.")
    ] = None,
    oauth2_token_env: Annotated[
        str | None, typer.Option(help="Read an OAuth2 token (XOAUTH2) from this variable.")
    ] = None,
    folder: Annotated[
        list[str] | None,
        typer.Option(help="A folder to sync (repeatable); default INBOX plus the Sent folder."),
    ] = None,
    own_domain: Annotated[
        list[str] | None,
        typer.Option(help="A domain of your own company (repeatable); the login's is added."),
    ] = None,
    tls_verify: Annotated[
        bool, typer.Option("--tls-verify/--no-tls-verify", help="Check the server certificate.")
    ] = True,
    ca_file: Annotated[
        str | None, typer.Option(help="PEM file of CAs to trust instead of the system ones.")
    ] = None,
) -> None:
    """Add an IMAP mailbox after checking that the server accepts the login.

    The password or token is stored encrypted (LEADLENS_SECRET_KEY). The mailbox is synced
    by the running `leadlens serve` / `leadlens sync`, not by this command.
    """
    secret = _read_secret(password_stdin, password_env, oauth2_token_env)
    try:
        data = MailboxCreate.model_validate(
            {
                "host": host,
                "port": port,
                "security": security,
                "username": username,
                "folders": folder or None,
                "own_domains": own_domain or [],
                "tls_verify": tls_verify,
                "ca_file": ca_file,
                **secret,
            }
        )
    except ValidationError as exc:
        raise _fail(_validation_text(exc)) from None
    settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            mailbox = create_mailbox(session, SecretBox.from_settings(settings), data)
            view = describe(session, [mailbox])[0]
    except LeadlensError as exc:
        raise _fail(f"{exc.code}: {exc.detail}") from None
    folders = ", ".join(view.folders) if view.folders else "INBOX and the Sent folder"
    typer.echo(f"added mailbox {view.id} ({view.username}@{view.host}), folders: {folders}")
    typer.echo(f"login checked; {_PICKED_UP}")


def _all_mailboxes(sessions: sessionmaker[Session]) -> list[MailboxOut]:
    found: list[MailboxOut] = []
    cursor: str | None = None
    with sessions() as session:
        while True:
            page = list_mailboxes(session, 500, cursor)
            found.extend(page.items)
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor


@mailbox_cli.command("list")
def mailbox_list() -> None:
    """Show every IMAP mailbox: state, last sync, counts, last error (never a secret)."""
    _settings, sessions = _open_store()
    table = _table("id", "mailbox", "state", "last sync", "messages", "quarantined", "last error")
    for view in _all_mailboxes(sessions):
        table.add_row(
            view.id,
            Text(f"{view.username}@{view.host}:{view.port}"),
            view.state,
            view.last_sync_at.isoformat(timespec="seconds") if view.last_sync_at else "never",
            str(view.messages),
            str(view.quarantined),
            Text(view.last_error or ""),
        )
    out.print(table)


@mailbox_cli.command("remove")
def mailbox_remove(
    mailbox_id: Annotated[str, typer.Argument(help="The id `mailbox list` shows.")],
    purge: Annotated[
        bool, typer.Option("--purge", help="Also delete its messages and quarantine.")
    ] = False,
) -> None:
    """Stop syncing a mailbox (its mail is kept), or with --purge delete it and its mail."""
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            remove_mailbox(session, mailbox_id, purge=purge)
    except LeadlensError as exc:
        raise _fail(exc.detail) from None
    done = "deleted with its mail" if purge else "disabled (its mail is kept)"
    typer.echo(f"mailbox {mailbox_id} {done}; {_PICKED_UP}")
