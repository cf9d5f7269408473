"""Log in to a stored mailbox: its password, its static token, or an access token obtained
with its OAuth2 grant and kept fresh.

An ``oauth2_grant`` mailbox logs in with an access token cached (encrypted) in its grant row,
so that every thread and worker process shares it. A token within its renewal margin
(:func:`app.oauth2.protocol.needs_renewal`) is renewed with the refresh token first
(RFC 6749 §6), and once more when the IMAP server refuses it. A rotated refresh token is
stored at once. Renewals of one grant are serialised: by a lock in this process, and by a
row lock (``SELECT ... FOR UPDATE``) where the database has them, so a rotating provider
never sees the same refresh token twice from us.

The token endpoint's troubles are IMAP errors to the callers, so that sync treats them as it
treats the IMAP server's: :class:`GrantRefusedError` (``invalid_grant``) parks the mailbox
like a refused login until the grant is replaced; :class:`TokenEndpointDownError` is retried
with the usual backoff.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import cast

from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox, OAuth2Grant
from app.db.types import utcnow
from app.oauth2.client import TokenClient
from app.oauth2.protocol import (
    OAuth2Error,
    TokenEndpointUnavailableError,
    TokenSet,
    needs_renewal,
)
from app.secret_box import SecretBox
from ingest.imap import ImapAuthError, ImapConfig, ImapSession, ImapUnreachableError, Security

log = logging.getLogger("leadlens.sync")

REAUTHORISE = (
    "re-authorise the mailbox: `leadlens mailbox authorize`, or PATCH /v1/mailboxes/{id} "
    "with a new oauth2 grant"
)


class GrantRefusedError(ImapAuthError):
    """The token endpoint refused the mailbox's grant (``invalid_grant``): only a new
    authorisation mends it."""


class TokenEndpointDownError(ImapUnreachableError):
    """The token endpoint gave no usable answer (down, timed out, 5xx): retried later."""


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _grant_lock(mailbox_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(mailbox_id, threading.Lock())


def grant_access_token(
    sessions: sessionmaker[Session],
    secrets: SecretBox,
    mailbox_id: str,
    timeout: float,
    *,
    refused: str | None = None,
) -> str:
    """A usable access token of the mailbox's grant, renewed and stored when due (see
    :func:`fresh_token`), in a transaction of its own that holds the grant's locks.

    Raises :class:`GrantRefusedError` (the refusal is committed: the grant is not tried
    again) and :class:`TokenEndpointDownError`.
    """
    refusal: GrantRefusedError | None = None
    with _grant_lock(mailbox_id), sessions.begin() as session:
        grant = session.get(OAuth2Grant, mailbox_id, with_for_update=True)
        if grant is None:
            raise ImapAuthError(f"mailbox {mailbox_id} has no OAuth2 grant: {REAUTHORISE}")
        try:
            return fresh_token(grant, secrets, timeout, refused=refused)
        except GrantRefusedError as exc:
            refusal = exc
    raise refusal


def fresh_token(
    grant: OAuth2Grant, secrets: SecretBox, timeout: float, *, refused: str | None = None
) -> str:
    """The grant's cached access token unless it is due for renewal or is ``refused`` (the
    token the IMAP server just refused); else a new one obtained with the refresh token
    (RFC 6749 §6) and stored on ``grant`` with a rotated refresh token (not committed).

    A grant refused before raises :class:`GrantRefusedError` without asking the endpoint;
    a refusal now sets ``grant.refused_at`` and raises it. An endpoint that cannot answer
    raises :class:`TokenEndpointDownError`.
    """
    mailbox_id = grant.mailbox_id
    if grant.refused_at is not None:
        raise GrantRefusedError(_refused_text(mailbox_id, "refused before"))
    cached = _cached_token(grant, secrets)
    if cached is not None and cached != refused:
        return cached
    try:
        tokens = _client(grant, secrets, timeout).refresh(
            grant.token_endpoint, secrets.decrypt(grant.refresh_token_ciphertext), grant.scopes
        )
    except OAuth2Error as exc:
        if not exc.grant_refused:
            raise TokenEndpointDownError(f"token endpoint: {exc}") from None
        grant.refused_at = utcnow()
        raise GrantRefusedError(_refused_text(mailbox_id, str(exc))) from None
    except TokenEndpointUnavailableError as exc:
        raise TokenEndpointDownError(str(exc)) from None
    store_tokens(grant, secrets, tokens)
    log.info(
        "mailbox %s: renewed its OAuth2 access token (valid %.0f s%s)",
        mailbox_id,
        tokens.expires_in,
        ", refresh token rotated" if tokens.refresh_token else "",
    )
    return tokens.access_token


def store_tokens(grant: OAuth2Grant, secrets: SecretBox, tokens: TokenSet) -> None:
    """Cache ``tokens``' access token with its expiry on ``grant``, and keep its refresh
    token when the server issued a new one (rotation, RFC 6749 §6 / §10.4)."""
    now = utcnow()
    grant.access_token_ciphertext = secrets.encrypt(tokens.access_token)
    grant.access_token_expires_at = now + timedelta(seconds=tokens.expires_in)
    grant.refreshed_at = now
    if tokens.refresh_token is not None:
        grant.refresh_token_ciphertext = secrets.encrypt(tokens.refresh_token)


def imap_config(
    mailbox: Mailbox, secret: str, timeout: float, *, auth_kind: str | None = None
) -> ImapConfig:
    """The connection settings of a stored IMAP mailbox logging in with ``secret``: its
    password, or an access token when the auth kind (``auth_kind``, default the mailbox's
    own) is ``oauth2`` / ``oauth2_grant``."""
    password = (auth_kind or mailbox.auth_kind) == "password"
    return ImapConfig(
        host=mailbox.host or "",
        port=mailbox.port or 993,
        username=mailbox.username or "",
        security=cast(Security, mailbox.security or "tls"),
        password=secret if password else None,
        oauth2_token=None if password else secret,
        tls_verify=mailbox.tls_verify,
        ca_file=mailbox.ca_file,
        timeout=timeout,
    )


@contextmanager
def open_imap(
    sessions: sessionmaker[Session], secrets: SecretBox, mailbox_id: str, timeout: float
) -> Iterator[ImapSession]:
    """A logged-in session on the mailbox, closed after the block.

    A grant mailbox whose token the server refuses gets one new token and one more try;
    raises ImapError (the token endpoint's failures included, see the module).
    """
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        session.expunge(mailbox)
    if mailbox.auth_kind != "oauth2_grant":
        if mailbox.secret_ciphertext is None:
            raise ImapAuthError(f"mailbox {mailbox_id} has no stored login")
        secret = secrets.decrypt(mailbox.secret_ciphertext)
        with ImapSession.connect(imap_config(mailbox, secret, timeout)) as imap:
            yield imap
        return
    token = grant_access_token(sessions, secrets, mailbox_id, timeout)
    try:
        imap = ImapSession.connect(imap_config(mailbox, token, timeout))
    except ImapAuthError:
        log.info("mailbox %s: the server refused the access token; renewing it", mailbox_id)
        token = grant_access_token(sessions, secrets, mailbox_id, timeout, refused=token)
        imap = ImapSession.connect(imap_config(mailbox, token, timeout))
    with imap:
        yield imap


def _cached_token(grant: OAuth2Grant, secrets: SecretBox) -> str | None:
    if grant.access_token_ciphertext is None:
        return None
    if needs_renewal(grant.refreshed_at, grant.access_token_expires_at, utcnow()):
        return None
    return secrets.decrypt(grant.access_token_ciphertext)


def _client(grant: OAuth2Grant, secrets: SecretBox, timeout: float) -> TokenClient:
    client_secret = None
    if grant.client_secret_ciphertext is not None:
        client_secret = secrets.decrypt(grant.client_secret_ciphertext)
    return TokenClient(grant.client_id, client_secret, timeout=timeout)


def _refused_text(mailbox_id: str, why: str) -> str:
    return (
        f"the token endpoint refused the OAuth2 grant of mailbox {mailbox_id} ({why}); "
        f"{REAUTHORISE}"
    )
