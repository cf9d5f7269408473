"""`leadlens apikey ...` and `leadlens mailbox ...`: the administration commands.

They work on the store at LEADLENS_DATABASE_URL through the same services as the API.
Secrets never come from the command line itself (it shows in `ps` and shell history): a
password is read from stdin or an environment variable, a token from an environment variable.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.cells import cell_len
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MailboxCreate, MailboxOut
from app.api.mailboxes.service import create_mailbox, describe, list_mailboxes, remove_mailbox
from app.apikeys import Scope, create_api_key, list_api_keys, revoke_api_key
from app.cli.output import PlainCommand
from app.cli.support import err, fail, load_settings, open_store_or_exit
from app.errors import LeadlensError
from app.secret_box import SecretBox
from app.settings import Settings

apikey_cli = typer.Typer(
    help="Make and revoke API keys.", no_args_is_help=True, rich_markup_mode=None
)
mailbox_cli = typer.Typer(
    help="Add, list and remove IMAP mailboxes.", no_args_is_help=True, rich_markup_mode=None
)

_PICKED_UP = (
    "a running `leadlens serve` or `leadlens sync` picks the change up; this command does not sync"
)


def _open_store() -> tuple[Settings, sessionmaker[Session]]:
    settings = load_settings()
    return settings, open_store_or_exit(settings)


def _print_rows(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Rows in aligned columns, each on one line however long (a terminal may fold it,
    nothing here does): the id in the first column can always be copied whole."""
    table = [headers, *([" ".join(cell.split()) for cell in row] for row in rows)]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        cells = (
            cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True)
        )
        typer.echo("  ".join(cells).rstrip())


def _when(moment: datetime | None, otherwise: str = "") -> str:
    return moment.isoformat(timespec="seconds") if moment else otherwise


def _print_json(items: list[dict[str, Any]]) -> None:
    typer.echo(json.dumps(items, indent=2, ensure_ascii=False))


_JSON = typer.Option("--json", help="Print a JSON array instead of a table.")


def _validation_text(error: ValidationError) -> str:
    """Each problem as ``field: message``, never the value (it may be a password)."""
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'input'}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    )


@apikey_cli.command("create")
def apikey_create(
    scope: Annotated[
        Scope,
        typer.Option(
            metavar="[read|write|admin]", help="What the key may do: read < write < admin."
        ),
    ],
    name: Annotated[
        str | None, typer.Option(metavar="TEXT", help="A label to recognise the key by.")
    ] = None,
) -> None:
    """Make an API key, printed once alone on the last line.

    Only its hash is stored: it cannot be shown again.
    """
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            api_key, plaintext = create_api_key(session, scope, name)
    except LeadlensError as exc:
        raise fail(exc.detail) from None
    typer.echo(f"created API key {api_key.id} with scope {scope}; it is shown once:", err=True)
    typer.echo(plaintext)


@apikey_cli.command("list")
def apikey_list(as_json: Annotated[bool, _JSON] = False) -> None:
    """Show every API key, never the key itself.

    One line per key: id, name, scope, when made, last used and revoked.
    """
    _settings, sessions = _open_store()
    with sessions() as session:
        keys = list_api_keys(session)
    if as_json:
        _print_json(
            [
                {
                    "id": key.id,
                    "name": key.name,
                    "scope": key.scope,
                    "created_at": _when(key.created_at),
                    "last_used_at": _when(key.last_used_at) or None,
                    "revoked_at": _when(key.revoked_at) or None,
                }
                for key in keys
            ]
        )
        return
    rows = [
        (
            key.id,
            key.name or "",
            key.scope,
            _when(key.created_at),
            _when(key.last_used_at, "never"),
            _when(key.revoked_at),
        )
        for key in keys
    ]
    _print_rows(("id", "name", "scope", "created", "last used", "revoked"), rows)


@apikey_cli.command("revoke", cls=PlainCommand)
def apikey_revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The id `apikey list` shows.")],
) -> None:
    """Revoke an API key for good.

    Requests with it are refused from now on.
    """
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            revoke_api_key(session, key_id)
    except LeadlensError as exc:
        raise fail(exc.detail) from None
    typer.echo(f"revoked API key {key_id}")


def _read_secret(
    password_stdin: bool, password_env: str | None, token_env: str | None
) -> dict[str, str]:
    """``{"password": ...}`` or ``{"oauth2_token": ...}`` from exactly one of the sources."""
    if sum((password_stdin, password_env is not None, token_env is not None)) != 1:
        raise fail("give exactly one of --password-stdin, --password-env and --oauth2-token-env")
    if password_stdin:
        if sys.stdin.isatty():
            return {"password": getpass.getpass("password: ")}
        line = sys.stdin.readline()
        return {"password": line.removesuffix("\n").removesuffix("\r")}
    variable = password_env or token_env
    assert variable is not None
    value = os.environ.get(variable)
    if value is None:
        raise fail(f"the environment variable {variable} is not set")
    return {"password": value} if password_env is not None else {"oauth2_token": value}


@mailbox_cli.command("add")
def mailbox_add(
    host: Annotated[str, typer.Option(metavar="HOST", help="IMAP server host name or address.")],
    username: Annotated[str, typer.Option(metavar="NAME", help="Login name.")],
    port: Annotated[
        int, typer.Option(metavar="N", help="IMAP port (993 for tls, 143 otherwise).")
    ] = 993,
    security: Annotated[
        str,
        typer.Option(
            metavar="[tls|starttls|none]",
            help="tls (implicit TLS), starttls, or none (plain text).",
        ),
    ] = "tls",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
    ] = False,
    password_env: Annotated[
        str | None,
        typer.Option(metavar="VAR", help="Read the password from this environment variable."),
    ] = None,
    oauth2_token_env: Annotated[
        str | None,
        typer.Option(metavar="VAR", help="Read an OAuth2 token (XOAUTH2) from this variable."),
    ] = None,
    folder: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="A folder to sync (repeatable); default INBOX plus the Sent folder.",
        ),
    ] = None,
    own_domain: Annotated[
        list[str] | None,
        typer.Option(
            metavar="DOMAIN",
            help="A domain of your own company (repeatable); the login's is added.",
        ),
    ] = None,
    tls_verify: Annotated[
        bool, typer.Option("--tls-verify/--no-tls-verify", help="Check the server certificate.")
    ] = True,
    ca_file: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="PEM file of CAs to trust instead of the system ones."),
    ] = None,
) -> None:
    """Add an IMAP mailbox once its server accepts the login.

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
        raise fail(_validation_text(exc)) from None
    settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            mailbox = create_mailbox(session, SecretBox.from_settings(settings), data)
            view = describe(session, [mailbox])[0]
    except LeadlensError as exc:
        raise fail(f"{exc.code}: {exc.detail}") from None
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
def mailbox_list(as_json: Annotated[bool, _JSON] = False) -> None:
    """Show every IMAP mailbox and its sync state, never a secret.

    One line per mailbox: id, login, state, last sync, messages, quarantined, last error.
    With --json, each as `GET /v1/mailboxes` shows it.
    """
    _settings, sessions = _open_store()
    views = _all_mailboxes(sessions)
    if as_json:
        _print_json([view.model_dump(mode="json") for view in views])
        return
    rows = [
        (
            view.id,
            f"{view.username}@{view.host}:{view.port}",
            view.state,
            _when(view.last_sync_at, "never"),
            str(view.messages),
            str(view.quarantined),
            view.last_error or "",
        )
        for view in views
    ]
    headers = ("id", "mailbox", "state", "last sync", "messages", "quarantined", "last error")
    _print_rows(headers, rows)
    if not rows:
        err.print("no IMAP mailbox yet: add one with `leadlens mailbox add`")


@mailbox_cli.command("remove", cls=PlainCommand)
def mailbox_remove(
    mailbox_id: Annotated[str, typer.Argument(metavar="ID", help="The id `mailbox list` shows.")],
    purge: Annotated[
        bool, typer.Option("--purge", help="Also delete its messages and quarantine.")
    ] = False,
) -> None:
    """Stop syncing a mailbox, or delete it with its mail (--purge).

    Without --purge the mailbox is disabled and its mail is kept.
    """
    _settings, sessions = _open_store()
    try:
        with sessions.begin() as session:
            remove_mailbox(session, mailbox_id, purge=purge)
    except LeadlensError as exc:
        raise fail(exc.detail) from None
    done = "deleted with its mail" if purge else "disabled (its mail is kept)"
    typer.echo(f"mailbox {mailbox_id} {done}; {_PICKED_UP}")
