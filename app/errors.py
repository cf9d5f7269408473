"""The one error base class of leadlens: a code, a status and a human-readable detail."""

from __future__ import annotations


class LeadlensError(Exception):
    """An error a user can act on; the API renders it as ``{"error", "detail"}``."""

    code = "error"
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers: dict[str, str] = {}


class DatabaseNotMigratedError(LeadlensError):
    """The database schema is missing or older than this version of leadlens expects."""

    code = "database_not_migrated"
    status_code = 503


class DatabaseUrlError(LeadlensError):
    """The database URL cannot be used: malformed, a database or driver leadlens does not
    support, or a SQLite file in a folder that does not exist."""

    code = "database_url_invalid"
    status_code = 503


class DatabaseUnreachableError(LeadlensError):
    """The database named by a valid URL cannot be connected to (server down, refused login,
    unopenable SQLite file)."""

    code = "database_unreachable"
    status_code = 503


class NotFoundError(LeadlensError):
    """An id or path named by the user does not exist."""

    code = "not_found"
    status_code = 404


class InvalidRequestError(LeadlensError):
    """A request is well-formed JSON but asks for something that cannot be (bad cursor...)."""

    code = "invalid_request"
    status_code = 422


class RequestTooLargeError(LeadlensError):
    """A request body larger than the service accepts (``LEADLENS_MAX_REQUEST_BYTES``)."""

    code = "request_too_large"
    status_code = 413


class UnauthorizedError(LeadlensError):
    """No API key, or one that is malformed, unknown or revoked."""

    code = "unauthorized"
    status_code = 401

    def __init__(self, detail: str, *, invalid_token: bool = False) -> None:
        super().__init__(detail)
        challenge = 'Bearer realm="leadlens"'
        if invalid_token:
            challenge += ', error="invalid_token"'
        self.headers = {"WWW-Authenticate": challenge}


class ForbiddenError(LeadlensError):
    """A valid API key whose scope is too small for the endpoint."""

    code = "forbidden"
    status_code = 403

    def __init__(self, detail: str, *, needed_scope: str) -> None:
        super().__init__(detail)
        self.headers = {
            "WWW-Authenticate": (
                f'Bearer realm="leadlens", error="insufficient_scope", scope="{needed_scope}"'
            )
        }


class ConflictError(LeadlensError):
    """The request conflicts with the current state of a resource."""

    code = "conflict"
    status_code = 409


class MailboxExistsError(ConflictError):
    """A mailbox with the same ``username@host`` is stored already."""

    code = "mailbox_exists"


class MailboxDisabledError(ConflictError):
    """The mailbox was removed without purge: it is not synced until re-enabled."""

    code = "mailbox_disabled"


class MailboxAuthFailedError(ConflictError):
    """The server refused the stored login: nothing is tried until the login changes."""

    code = "mailbox_auth_failed"


class ImapLoginFailedError(LeadlensError):
    """The IMAP server refused the username with that password or token."""

    code = "imap_auth_failed"
    status_code = 400


class ImapFolderMissingError(LeadlensError):
    """A requested folder does not exist on the IMAP server (or cannot be selected)."""

    code = "imap_folder_missing"
    status_code = 400


class InvalidCaFileError(LeadlensError):
    """The ``ca_file`` of a mailbox cannot be read as a PEM bundle of certificates."""

    code = "invalid_ca_file"
    status_code = 400


class ImapServerUnreachableError(LeadlensError):
    """No usable connection to the IMAP server (DNS, refused, timeout, TLS)."""

    code = "imap_unreachable"
    status_code = 502


class ImapServerProtocolError(LeadlensError):
    """The IMAP server answered something unexpected while the login was being checked."""

    code = "imap_protocol_error"
    status_code = 502


class OAuth2GrantRefusedError(LeadlensError):
    """The token endpoint refused the OAuth2 grant (``invalid_grant`` and the like): the
    refresh token is revoked or expired, or the client is wrong. Authorise again."""

    code = "oauth2_grant_refused"
    status_code = 400


class TokenEndpointUnreachableError(LeadlensError):
    """The OAuth2 token endpoint gave no usable answer (down, timed out, 5xx)."""

    code = "oauth2_token_endpoint_unreachable"
    status_code = 502


class SecretKeyError(LeadlensError):
    """The secret key is unusable, or is not the key a stored secret was encrypted with."""

    code = "secret_key_error"
    status_code = 503


class TagNotRenamableError(ConflictError):
    """Trait tags carry fixed vocabulary names; only topics (interest tags) can be renamed."""

    code = "tag_not_renamable"


class ServiceUnavailableError(LeadlensError):
    """This process cannot do that now (e.g. it runs without background workers)."""

    code = "unavailable"
    status_code = 503
