"""The errors of the IMAP layer, and the one place where library exceptions become them.

Every ``socket``, ``ssl``, ``imaplib`` and ``imapclient`` exception raised while talking to
a server is translated by :func:`translate_errors` into exactly one :class:`ImapError`
subclass, so callers handle three outcomes and nothing else escapes.
"""

from __future__ import annotations

import imaplib
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from imapclient.exceptions import LoginError

from ingest.errors import IngestError


class ImapError(IngestError):
    """Base class of every failure of the IMAP layer."""


class ImapAuthError(ImapError):
    """The server refused the credentials (LOGIN, AUTHENTICATE PLAIN or XOAUTH2)."""


class ImapUnreachableError(ImapError):
    """No usable connection: DNS failure, refused, timed out, or TLS failed / not offered."""


class ImapProtocolError(ImapError):
    """The server answered something unexpected mid-session, or dropped the connection."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***`` (servers may echo input)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


@contextmanager
def translate_errors(
    action: str, *, connecting: bool = False, secrets: Iterable[str | None] = ()
) -> Iterator[None]:
    """Run the body, re-raising any network or protocol exception as an :class:`ImapError`.

    ``action`` names what was being done (it starts the message). While ``connecting``
    (TCP connect, TLS handshake, greeting, STARTTLS) an ``OSError`` means the server is
    unreachable; later it means the session broke (:class:`ImapProtocolError`). Timeouts are
    always :class:`ImapUnreachableError`. ``secrets`` are removed from every message, and
    authentication failures are raised without their cause chained, so no credential can
    travel inside an exception.
    """
    secrets = tuple(secrets)
    try:
        yield
    except ImapError:
        raise
    except LoginError as exc:
        detail = redact(_text(exc), secrets)
        raise ImapAuthError(f"{action}: the server refused the login ({detail})") from None
    except TimeoutError as exc:
        raise ImapUnreachableError(f"{action}: timed out") from exc
    except ssl.SSLError as exc:
        kind = ImapUnreachableError if connecting else ImapProtocolError
        raise kind(f"{action}: TLS failed ({_text(exc)})") from exc
    except OSError as exc:
        kind = ImapUnreachableError if connecting else ImapProtocolError
        raise kind(f"{action}: {_text(exc)}") from exc
    except (imaplib.IMAP4.error, ValueError, EOFError) as exc:
        # IMAP4.error covers IMAP4.abort (connection lost) and imapclient's own errors;
        # ValueError comes from parsing a malformed response.
        raise ImapProtocolError(f"{action}: {redact(_text(exc), secrets)}") from exc


def _text(exc: BaseException) -> str:
    """An exception's message, falling back to its class name when it has none."""
    return str(exc).strip() or type(exc).__name__
