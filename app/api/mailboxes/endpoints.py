"""``/v1/mailboxes``: add (login checked first), list, show, change, sync now, remove.

Every endpoint needs an ``admin`` key. Endpoints are plain functions, so FastAPI runs them
in its thread pool: the IMAP login check and the database calls block only that thread.
Each commits its own transaction, then asks the runner (when the app has one) to sync.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Secrets, Sessions, Sync
from app.api.mailboxes import service
from app.api.mailboxes.schemas import (
    MailboxCreate,
    MailboxOut,
    MailboxPage,
    MailboxUpdate,
    SyncRequested,
)
from app.api.pagination import DEFAULT_LIMIT, Cursor, Limit
from app.api.responses import ERROR_RESPONSES, UNREADABLE_BODY, error_responses

router = APIRouter(
    route_class=GuardedRoute,
    prefix="/v1/mailboxes",
    tags=["mailboxes"],
    dependencies=[Depends(require_scope("admin"))],
    responses=ERROR_RESPONSES,
)

_IMAP_ERRORS: dict[int | str, dict[str, Any]] = error_responses(
    {
        400: f"{UNREADABLE_BODY}; `imap_auth_failed`: the server refused the login; "
        "`imap_folder_missing`: a folder asked for does not exist; `invalid_ca_file`; "
        "`oauth2_grant_refused`: the token endpoint refused the OAuth2 grant",
        502: "`imap_unreachable`, `imap_protocol_error`, or `oauth2_token_endpoint_unreachable`",
    }
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**_IMAP_ERRORS, **error_responses({409: "`mailbox_exists`: same username@host"})},
)
def add_mailbox(
    body: MailboxCreate, sessions: Sessions, secrets: Secrets, sync: Sync
) -> MailboxOut:
    """Add an IMAP mailbox after checking its login; syncing starts at once."""
    with sessions.begin() as session:
        mailbox = service.create_mailbox(session, secrets, body)
        view = service.describe(session, [mailbox])[0]
    if sync is not None:
        sync.request_sync(mailbox.id)
    return view


@router.get("")
def list_mailboxes(
    sessions: Sessions, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> MailboxPage:
    """The IMAP mailboxes in the order they were added, a page at a time."""
    with sessions() as session:
        return service.list_mailboxes(session, limit, cursor)


@router.get("/{mailbox_id}")
def get_mailbox(mailbox_id: str, sessions: Sessions) -> MailboxOut:
    """One mailbox: its sync state, counts and folder positions."""
    with sessions() as session:
        return service.get_mailbox(session, mailbox_id)


@router.patch("/{mailbox_id}", responses=_IMAP_ERRORS)
def update_mailbox(
    mailbox_id: str, body: MailboxUpdate, sessions: Sessions, secrets: Secrets, sync: Sync
) -> MailboxOut:
    """Change the password, token or OAuth2 grant (checked first; re-enables), the folders
    or own domains."""
    with sessions.begin() as session:
        mailbox, sync_now = service.update_mailbox(session, secrets, mailbox_id, body)
        view = service.describe(session, [mailbox])[0]
    if sync_now and sync is not None:
        sync.request_sync(mailbox.id)
    return view


@router.post(
    "/{mailbox_id}/sync",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(
        {409: "`mailbox_disabled`, or `mailbox_auth_failed`: PATCH a new login first"}
    ),
)
def sync_mailbox(mailbox_id: str, sessions: Sessions, sync: Sync) -> SyncRequested:
    """Sync this mailbox now."""
    with sessions() as session:
        requested = service.prepare_sync(session, mailbox_id)
    if sync is not None:
        sync.request_sync(requested.id)
    return requested


@router.delete("/{mailbox_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_mailbox(
    mailbox_id: str,
    sessions: Sessions,
    sync: Sync,
    purge: Annotated[
        bool, Query(description="Also delete its messages, quarantine and folder states.")
    ] = False,
) -> Response:
    """Stop syncing the mailbox (state `disabled`, mail kept), or with purge=true delete it all."""
    with sessions.begin() as session:
        service.remove_mailbox(session, mailbox_id, purge=purge)
    if sync is not None:
        sync.forget(mailbox_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
