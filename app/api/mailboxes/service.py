"""Mailboxes: add one after checking its login, show them, change, disable or purge them.

Shared by the API and `leadlens mailbox`. The functions run inside the caller's
transaction and never commit; asking the runner for a sync is the caller's job too, after
the commit (the runner reads the mailbox in its own transaction). Checking a login talks to
the IMAP server and blocks for up to ``LOGIN_CHECK_TIMEOUT_S``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.api.mailboxes.oauth2 import (
    grant_out,
    obtain_tokens,
    store_grant,
    stored_grant_token,
)
from app.api.mailboxes.schemas import (
    AuthKind,
    FolderStatusOut,
    MailboxCreate,
    MailboxOut,
    MailboxPage,
    MailboxState,
    MailboxUpdate,
    SyncRequested,
)
from app.api.pagination import decode_cursor, encode_cursor
from app.db.repositories.mailboxes import MailboxRepository
from app.db.tables import Mailbox
from app.errors import (
    ImapFolderMissingError,
    ImapLoginFailedError,
    ImapServerProtocolError,
    ImapServerUnreachableError,
    InvalidCaFileError,
    MailboxAuthFailedError,
    MailboxDisabledError,
    MailboxExistsError,
    NotFoundError,
)
from app.oauth2.protocol import TokenSet
from app.secret_box import SecretBox
from app.sync.login import imap_config
from ingest.imap import (
    ImapAuthError,
    ImapConfig,
    ImapProtocolError,
    ImapSession,
    ImapUnreachableError,
    Security,
)

LOGIN_CHECK_TIMEOUT_S = 20.0
CURSOR_KIND = "mailboxes"
MAILBOX_ID = re.compile(r"mbx_[0-9a-z]{26}")


def check_login(config: ImapConfig, folders: Sequence[str] | None) -> list[str] | None:
    """Log in with ``config`` and check ``folders`` exist; returns them as the server names them.

    ``folders`` None (INBOX plus the \\Sent folder, found at each sync) is returned as None.
    Raises ``imap_auth_failed`` (400), ``imap_folder_missing`` (400), ``invalid_ca_file``
    (400), ``imap_unreachable`` (502) or ``imap_protocol_error`` (502).
    """
    if config.security != "none" and config.ca_file is not None:
        try:
            config.ssl_context()
        except (OSError, ValueError) as exc:
            raise InvalidCaFileError(f"ca_file {config.ca_file!r} is unusable: {exc}") from None
    try:
        with ImapSession.connect(config) as imap:
            imap.sync_folders(None)  # LIST works: a failure below is about the folders asked for
            if folders is None:
                return None
            try:
                return imap.sync_folders(folders)
            except ImapProtocolError as exc:
                raise ImapFolderMissingError(str(exc)) from None
    except ImapAuthError as exc:
        raise ImapLoginFailedError(str(exc)) from None
    except ImapUnreachableError as exc:
        raise ImapServerUnreachableError(str(exc)) from None
    except ImapProtocolError as exc:
        raise ImapServerProtocolError(str(exc)) from None


def create_mailbox(
    session: Session,
    secrets: SecretBox,
    data: MailboxCreate,
    *,
    timeout: float = LOGIN_CHECK_TIMEOUT_S,
) -> Mailbox:
    """Check the login of ``data`` and store the mailbox, its secret encrypted; with an
    OAuth2 grant, a first access token is obtained with it (and stored) to log in.

    Named ``username@host``; a second mailbox of that name is ``409 mailbox_exists``. Its
    own domains are the login's domain plus ``data.own_domains``. State ``idle``.
    """
    name = f"{data.username}@{data.imap_host}"
    repository = MailboxRepository(session)
    _ensure_name_free(repository, name)
    tokens = None if data.oauth2 is None else obtain_tokens(data.oauth2, timeout)
    secret = data.secret if tokens is None else tokens.access_token
    config = ImapConfig(
        host=data.imap_host,
        port=data.port,
        username=data.username,
        security=data.security,
        password=secret if data.auth_kind == "password" else None,
        oauth2_token=None if data.auth_kind == "password" else secret,
        tls_verify=data.tls_verify,
        ca_file=data.ca_file,
        timeout=timeout,
    )
    folders = check_login(config, data.folders)
    try:
        mailbox = repository.create_imap(
            name=name,
            host=data.imap_host,
            port=data.port,
            security=data.security,
            username=data.username,
            auth_kind=data.auth_kind,
            secret_ciphertext=None if tokens is not None else secrets.encrypt(secret),
            folders=folders,
            own_domains=own_domains_of(data.username, data.own_domains),
            tls_verify=data.tls_verify,
            ca_file=data.ca_file,
            state="idle",
        )
    except IntegrityError:  # added meanwhile by a concurrent request
        raise MailboxExistsError(f"a mailbox named {name!r} exists already") from None
    if data.oauth2 is not None and tokens is not None:
        store_grant(repository, secrets, mailbox.id, data.oauth2, tokens)
    return mailbox


def update_mailbox(
    session: Session,
    secrets: SecretBox,
    mailbox_id: str,
    data: MailboxUpdate,
    *,
    timeout: float = LOGIN_CHECK_TIMEOUT_S,
) -> tuple[Mailbox, bool]:
    """Apply ``data``; returns the mailbox and whether it should be synced now.

    A new password, token or OAuth2 grant, or new folders, is checked against the server
    first (new folders with the stored login). A new login replaces the old one (a grant
    replaces a password and the other way round), clears the authentication failure and
    the last error and re-enables a disabled mailbox.
    """
    repository = MailboxRepository(session)
    mailbox = _imap_mailbox(repository, mailbox_id)
    new_login = data.new_secret
    new_grant = None if data.oauth2 is None else obtain_tokens(data.oauth2, timeout)
    changes_login = new_login is not None or new_grant is not None
    folders = data.folders if data.changes_folders else mailbox.folders
    if changes_login or data.changes_folders:
        if new_grant is not None:
            auth_kind, secret = "oauth2_grant", new_grant.access_token
        elif new_login is not None:
            auth_kind, secret = new_login
        elif mailbox.auth_kind == "oauth2_grant":
            auth_kind = mailbox.auth_kind
            secret = stored_grant_token(repository, secrets, mailbox.id, timeout)
        else:
            auth_kind, secret = mailbox.auth_kind or "password", _stored_secret(mailbox, secrets)
        resolved = check_login(imap_config(mailbox, secret, timeout, auth_kind=auth_kind), folders)
        if data.changes_folders:
            mailbox.folders = resolved
        if changes_login:
            _replace_login(repository, secrets, mailbox, data, auth_kind, secret, new_grant)
    if data.own_domains is not None:
        mailbox.own_domains = own_domains_of(mailbox.username or "", data.own_domains)
    sync_now = mailbox.state != "disabled" and (changes_login or data.changes_folders)
    return mailbox, sync_now


def _replace_login(
    repository: MailboxRepository,
    secrets: SecretBox,
    mailbox: Mailbox,
    data: MailboxUpdate,
    auth_kind: str,
    secret: str,
    tokens: TokenSet | None,
) -> None:
    """Store the new login checked already (a grant with its first token, or a password or
    token), clear the authentication failure and the last error, re-enable the mailbox."""
    if data.oauth2 is not None and tokens is not None:
        store_grant(repository, secrets, mailbox.id, data.oauth2, tokens)
        mailbox.secret_ciphertext = None
    else:
        repository.drop_grant(mailbox.id)
        mailbox.secret_ciphertext = secrets.encrypt(secret)
    mailbox.auth_kind = auth_kind
    mailbox.auth_failed_at, mailbox.last_error = None, None
    if mailbox.state != "syncing":
        mailbox.state = "idle"


def list_mailboxes(session: Session, limit: int, cursor: str | None) -> MailboxPage:
    """One page of IMAP mailboxes by id (creation order); ``cursor`` from the previous page."""
    after = None if cursor is None else decode_cursor(cursor, CURSOR_KIND, MAILBOX_ID)
    rows = list(MailboxRepository(session).page_imap(after, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(CURSOR_KIND, rows[-1].id) if more else None
    return MailboxPage(items=describe(session, rows), next_cursor=next_cursor)


def get_mailbox(session: Session, mailbox_id: str) -> MailboxOut:
    """The IMAP mailbox ``mailbox_id``; ``404 not_found`` when there is none."""
    return describe(session, [_imap_mailbox(MailboxRepository(session), mailbox_id)])[0]


def prepare_sync(session: Session, mailbox_id: str) -> SyncRequested:
    """Check that the mailbox can be synced now: 404, or 409 when disabled or its login failed."""
    mailbox = _imap_mailbox(MailboxRepository(session), mailbox_id)
    if mailbox.state == "disabled":
        raise MailboxDisabledError(
            f"mailbox {mailbox_id} is disabled; PATCH it with a password or token to re-enable"
        )
    if mailbox.auth_failed_at is not None:
        raise MailboxAuthFailedError(
            f"the server refused the login of mailbox {mailbox_id} at "
            f"{mailbox.auth_failed_at.isoformat()}; PATCH it with a new password, token or "
            "oauth2 grant"
        )
    return SyncRequested(id=mailbox.id, state=cast(MailboxState, mailbox.state))


def remove_mailbox(session: Session, mailbox_id: str, *, purge: bool) -> None:
    """Disable the mailbox (it is not synced again, its mail is kept), or with ``purge``
    delete it with every message, quarantined input and folder state that came from it."""
    repository = MailboxRepository(session)
    mailbox = _imap_mailbox(repository, mailbox_id)
    if purge:
        repository.purge(mailbox.id)
    else:
        mailbox.state = "disabled"


def describe(session: Session, mailboxes: Sequence[Mailbox]) -> list[MailboxOut]:
    """The API view of each mailbox, with its counts, folder positions and what its OAuth2
    grant may show (no secret)."""
    repository = MailboxRepository(session)
    ids = [mailbox.id for mailbox in mailboxes]
    grants = repository.grants(ids)
    messages = repository.message_counts(ids)
    quarantined = repository.quarantine_counts(ids)
    folders = repository.folder_states(ids)
    return [
        MailboxOut(
            id=mailbox.id,
            host=mailbox.host or "",
            port=mailbox.port or 0,
            security=cast(Security, mailbox.security or "tls"),
            username=mailbox.username or "",
            auth=cast(AuthKind, mailbox.auth_kind or "password"),
            oauth2=grant_out(grants[mailbox.id]) if mailbox.id in grants else None,
            folders=mailbox.folders,
            own_domains=list(mailbox.own_domains),
            tls_verify=mailbox.tls_verify,
            ca_file=mailbox.ca_file,
            state=cast(MailboxState, mailbox.state),
            last_sync_at=mailbox.last_sync_at,
            last_error=mailbox.last_error,
            auth_failed_at=mailbox.auth_failed_at,
            created_at=mailbox.created_at,
            messages=messages[mailbox.id],
            quarantined=quarantined[mailbox.id],
            folder_status=[
                FolderStatusOut(
                    name=state.name,
                    uidvalidity=state.uidvalidity,
                    last_uid=state.last_uid,
                    messages=state.messages,
                )
                for state in folders[mailbox.id]
            ],
        )
        for mailbox in mailboxes
    ]


def own_domains_of(username: str, given: Sequence[str]) -> list[str]:
    """The login's domain (after its last ``@``) and ``given``, lower-cased, unique, sorted."""
    login_domain = username.rpartition("@")[2].strip().lower() if "@" in username else ""
    return sorted({d.lower() for d in given} | ({login_domain} if login_domain else set()))


def _ensure_name_free(repository: MailboxRepository, name: str) -> None:
    existing = repository.get_by_name(name)
    if existing is None:
        return
    if existing.kind != "imap":
        detail = f"{name!r} is the name of an import target (`leadlens import --mailbox`)"
    elif existing.state == "disabled":
        detail = (
            f"mailbox {existing.id} ({name}) exists and is disabled: PATCH it with a password "
            "or token to re-enable it, or DELETE it with purge=true first"
        )
    else:
        detail = f"mailbox {existing.id} ({name}) exists already"
    raise MailboxExistsError(detail)


def _imap_mailbox(repository: MailboxRepository, mailbox_id: str) -> Mailbox:
    mailbox = repository.get_imap(mailbox_id) if MAILBOX_ID.fullmatch(mailbox_id) else None
    if mailbox is None:
        raise NotFoundError(f"no mailbox with id {mailbox_id!r}")
    return mailbox


def _stored_secret(mailbox: Mailbox, secrets: SecretBox) -> str:
    if mailbox.secret_ciphertext is None:
        raise ImapLoginFailedError(f"mailbox {mailbox.id} has no stored login: give one")
    return secrets.decrypt(mailbox.secret_ciphertext)
