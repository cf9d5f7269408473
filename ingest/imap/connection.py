"""One logged-in IMAP session (RFC 3501) over imapclient: folders, new UIDs, raw messages, IDLE.

The session only reads: folders are opened with EXAMINE and bodies fetched with
``BODY.PEEK[]``, so syncing never changes a flag on the server. Every failure surfaces as
an :class:`~ingest.imap.errors.ImapError`. Nothing here logs a password, a token or a
message body.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from imapclient import IMAPClient

from ingest.imap.config import ImapConfig
from ingest.imap.errors import ImapProtocolError, ImapUnreachableError, translate_errors
from ingest.imap.folders import FolderStatus, ListedFolder, choose_sync_folders

logger = logging.getLogger(__name__)

IDLE_RESTART_S = 29 * 60.0  # RFC 2177 §3: re-issue IDLE at least every 29 minutes
NOOP_POLL_INTERVAL_S = 10.0  # how often idle() polls servers without IDLE
# Untagged responses that mean the selected folder changed (RFC 3501 §7.3.1, §7.4).
_CHANGES = frozenset({b"EXISTS", b"EXPUNGE", b"FETCH"})
_CLOSE_ERRORS = (OSError, imaplib.IMAP4.error, ValueError)


class ImapSession:
    """A logged-in, read-only IMAP session; a context manager that closes itself.

    Create it with :meth:`connect`. ``capabilities`` holds the upper-cased capability
    names the server announced after login (RFC 3501 §7.2.1).
    """

    def __init__(self, client: IMAPClient, capabilities: frozenset[str]):
        """Wrap an already authenticated client; use :meth:`connect` instead."""
        self._client = client
        self._closed = False
        self.capabilities = capabilities

    @classmethod
    def connect(cls, config: ImapConfig) -> ImapSession:
        """Connect, secure the connection as ``config.security`` asks, and log in.

        Password logins use LOGIN (RFC 3501 §6.2.3), or AUTHENTICATE PLAIN (RFC 4616,
        UTF-8) when the username or password is not ASCII; a token uses AUTHENTICATE
        OAUTHBEARER (RFC 7628) where the server advertises it, else XOAUTH2 (or the
        mechanism ``config.oauth2_mechanism`` names). When the server offers CONDSTORE and
        ENABLE, CONDSTORE is enabled (RFC 7162 §3.1, RFC 5161) so SELECT reports
        HIGHESTMODSEQ.

        Raises :class:`ImapUnreachableError` (no connection, TLS failure, STARTTLS not
        offered), :class:`ImapAuthError` (credentials refused) or :class:`ImapProtocolError`.
        """
        client = _open(config)
        secrets = (config.password, config.oauth2_token)
        try:
            with translate_errors(f"log in to {config.host} as {config.username}", secrets=secrets):
                _authenticate(client, config)
                capabilities: frozenset[str] = frozenset(
                    c.decode("ascii", "replace").upper() for c in client.capabilities()
                )
                if {"CONDSTORE", "ENABLE"} <= capabilities:
                    client.enable("CONDSTORE")
        except BaseException:
            _shutdown_quietly(client)
            raise
        logger.debug("IMAP %s@%s:%d logged in", config.username, config.host, config.port)
        return cls(client, capabilities)

    def __enter__(self) -> Self:
        """The session itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the session (see :meth:`close`)."""
        self.close()

    def sync_folders(self, requested: Sequence[str] | None) -> list[str]:
        """The folders to sync, checked against LIST (RFC 3501 §6.3.8).

        None means INBOX plus the ``\\Sent`` special-use folder (RFC 6154), or a folder
        with a usual sent-mail name when the server flags none. Requested names must exist
        and be selectable, else :class:`ImapProtocolError` names them. See
        :func:`~ingest.imap.folders.choose_sync_folders`.
        """
        with translate_errors("list folders"):
            listing = [
                ListedFolder(
                    str(name), frozenset(a.decode("ascii", "replace").lower() for a in attrs)
                )
                for attrs, _delimiter, name in self._client.list_folders()
            ]
        return choose_sync_folders(listing, requested)

    def select(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only (EXAMINE, RFC 3501 §6.3.2) and return its status.

        HIGHESTMODSEQ is reported when CONDSTORE is enabled and the folder has
        mod-sequences (RFC 7162 §3.1.2). Raises :class:`ImapProtocolError` when the folder
        cannot be opened or the server sends no UIDVALIDITY.
        """
        with translate_errors(f"select {folder!r}"):
            answer = self._client.select_folder(folder, readonly=True)
            return _folder_status(folder, answer)

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs in the selected folder greater than ``last_uid``, ascending.

        A NOOP first lets the server bring the session's view up to date (RFC 3501
        §6.1.2), so mail that arrived since SELECT is included. Then ``UID SEARCH UID
        last+1:*``; since ``n:*`` always matches the highest UID even when it is below
        ``n`` (RFC 3501 §6.4.8, §9 seq-range), that one is filtered out.
        """
        first = max(last_uid, 0) + 1
        with translate_errors(f"search UIDs from {first}"):
            self._client.noop()
            found = self._client.search(["UID", f"{first}:*"])
        return sorted(uid for uid in (int(u) for u in found) if uid > last_uid)

    def fetch_raw(self, uids: Sequence[int]) -> dict[int, bytes]:
        """The exact bytes of each message, by UID, from the selected folder.

        Uses ``UID FETCH ... BODY.PEEK[]`` (RFC 3501 §6.4.5), which never sets ``\\Seen``.
        UIDs that no longer exist are absent from the result. Callers keep ``uids`` to a
        few hundred per call (see :func:`~ingest.imap.state.batched`).
        """
        wanted = set(uids)
        if not wanted:
            return {}
        with translate_errors(f"fetch {len(wanted)} message(s)"):
            answer = self._client.fetch(sorted(wanted), ["BODY.PEEK[]"])
        raw: dict[int, bytes] = {}
        for uid, data in answer.items():
            body = data.get(b"BODY[]")
            if uid in wanted and isinstance(body, bytes):
                raw[int(uid)] = body
        return raw

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """The size in bytes of each message (``RFC822.SIZE``, RFC 3501 §6.4.5), by UID,
        from the selected folder; UIDs that no longer exist are absent. Nothing is
        downloaded but the numbers."""
        wanted = set(uids)
        if not wanted:
            return {}
        with translate_errors(f"fetch the sizes of {len(wanted)} message(s)"):
            answer = self._client.fetch(sorted(wanted), ["RFC822.SIZE"])
        sizes: dict[int, int] = {}
        for uid, data in answer.items():
            size = data.get(b"RFC822.SIZE")
            if uid in wanted and isinstance(size, int):
                sizes[int(uid)] = size
        return sizes

    def fetch_heads(self, uids: Sequence[int], length: int) -> dict[int, bytes]:
        """The first ``length`` bytes of each message, by UID, from the selected folder.

        Uses a partial ``UID FETCH ... BODY.PEEK[]<0.length>`` (RFC 3501 §6.4.5): the rest
        of the message is never sent, and ``\\Seen`` is never set. UIDs that no longer
        exist are absent from the result.
        """
        wanted = set(uids)
        if not wanted:
            return {}
        with translate_errors(f"fetch the first bytes of {len(wanted)} message(s)"):
            answer = self._client.fetch(sorted(wanted), [f"BODY.PEEK[]<0.{length}>"])
        heads: dict[int, bytes] = {}
        for uid, data in answer.items():
            head = data.get(b"BODY[]<0>")
            if uid in wanted and isinstance(head, bytes):
                heads[int(uid)] = head
        return heads

    def idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds (> 0) for the selected folder to change.

        Uses IDLE (RFC 2177), re-issued every 29 minutes; without IDLE, polls with NOOP
        (RFC 3501 §6.1.2) every ``NOOP_POLL_INTERVAL_S``. Returns True as soon as the
        server reports new, expunged or changed messages, False when the time ran out.
        """
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        deadline = time.monotonic() + timeout
        if "IDLE" not in self.capabilities:
            return self._poll_noop(deadline)
        with translate_errors("IDLE"):
            while (remaining := deadline - time.monotonic()) > 0:
                self._client.idle()
                # Returns on the first data from the server (a keep-alive, a change, or the
                # end of the connection) or at the timeout; DONE then collects the rest and
                # fails if the connection is gone, so a dead socket never spins this loop.
                responses = self._client.idle_check(timeout=min(remaining, IDLE_RESTART_S))
                _text, pending = self._client.idle_done()
                if _reports_change([*responses, *pending]):
                    return True
        return False

    def abort(self) -> None:
        """Cut the connection at once, from any thread; never raises.

        A call blocked in another thread (IDLE, a read) returns with ImapProtocolError. The
        session is unusable afterwards; `close()` still releases it.
        """
        with contextlib.suppress(OSError):
            self._client.socket().shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Log out (RFC 3501 §6.1.3) and close the socket; never raises, safe to repeat."""
        if self._closed:
            return
        self._closed = True
        try:
            self._client.logout()
        except _CLOSE_ERRORS:
            _shutdown_quietly(self._client)

    def _poll_noop(self, deadline: float) -> bool:
        with translate_errors("NOOP"):
            while True:
                _text, responses = self._client.noop()
                if _reports_change(responses):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(NOOP_POLL_INTERVAL_S, left))


def _open(config: ImapConfig) -> IMAPClient:
    """A connected client, TLS established as configured, not yet logged in."""
    where = f"connect to {config.host}:{config.port}"
    with translate_errors(where, connecting=True):
        context = None if config.security == "none" else config.ssl_context()
        client = IMAPClient(
            config.host,
            config.port,
            ssl=config.security == "tls",
            ssl_context=context,
            timeout=config.timeout,
        )
        # imapclient turns imaplib's protocol trace on (debug level 5), which logs whole
        # responses — message bodies included — at DEBUG. Switch it off for this connection.
        client._imap.debug = 0
    if config.security == "starttls":
        try:
            with translate_errors(f"{where} (STARTTLS)", connecting=True):
                if not client.has_capability("STARTTLS"):
                    raise ImapUnreachableError(
                        f"{where}: the server does not offer STARTTLS; "
                        "refusing to log in over plain text"
                    )
                client.starttls(context)
        except BaseException:
            _shutdown_quietly(client)
            raise
    return client


def _authenticate(client: IMAPClient, config: ImapConfig) -> None:
    if config.oauth2_token is not None:
        mechanism = config.oauth2_mechanism
        if mechanism == "auto":
            advertised = client.has_capability("AUTH=OAUTHBEARER")
            mechanism = "OAUTHBEARER" if advertised else "XOAUTH2"
        if mechanism == "OAUTHBEARER":
            client.sasl_login(mechanism, _oauthbearer(config.username, config.oauth2_token))
        else:
            client.sasl_login(mechanism, _xoauth2(config.username, config.oauth2_token))
    elif config.password is not None:
        if (config.username + config.password).isascii():
            client.login(config.username, config.password)
        else:
            client.plain_login(config.username, config.password)


def _xoauth2(username: str, token: str) -> Callable[[bytes], bytes]:
    """The XOAUTH2 client side (Google / Microsoft SASL XOAUTH2).

    The first answer carries ``user=<u>^Aauth=Bearer <token>^A^A``; if the server replies
    with an error challenge instead of a result, the client sends an empty response so the
    server can finish with NO (as RFC 7628 §3.2.3 does for OAUTHBEARER).
    """
    sent = False

    def respond(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b""
        sent = True
        return f"user={username}\x01auth=Bearer {token}\x01\x01".encode()

    return respond


def _oauthbearer(username: str, token: str) -> Callable[[bytes], bytes]:
    """The OAUTHBEARER client side (RFC 7628 §3.1, GS2 header of RFC 5801 §4).

    The first answer is ``n,a=<u>,^Aauth=Bearer <token>^A^A``; to an error challenge
    (RFC 7628 §3.2.2) the client answers a single ``^A`` so that the server ends with NO
    (§3.2.3). imapclient's ``oauthbearer_login`` would send the token a second time instead.
    """
    sent = False
    identity = username.replace("=", "=3D").replace(",", "=2C")

    def respond(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b"\x01"
        sent = True
        return f"n,a={identity},\x01auth=Bearer {token}\x01\x01".encode()

    return respond


def _folder_status(folder: str, answer: Mapping[bytes, Any]) -> FolderStatus:
    if b"UIDVALIDITY" not in answer:
        raise ImapProtocolError(f"select {folder!r}: the server sent no UIDVALIDITY")

    def number(key: bytes) -> int | None:
        value = answer.get(key)
        return None if value is None else int(value)

    return FolderStatus(
        name=folder,
        uidvalidity=int(answer[b"UIDVALIDITY"]),
        uidnext=number(b"UIDNEXT"),
        exists=number(b"EXISTS") or 0,
        highestmodseq=number(b"HIGHESTMODSEQ"),
    )


def _reports_change(responses: Sequence[Any]) -> bool:
    """True when parsed untagged responses include EXISTS, EXPUNGE or FETCH."""
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] in _CHANGES for r in responses)


def _shutdown_quietly(client: IMAPClient) -> None:
    """Close the socket without logging out, ignoring errors of a connection already gone."""
    try:
        client.shutdown()
    except _CLOSE_ERRORS:
        logger.debug("IMAP connection was already closed")
