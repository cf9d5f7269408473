"""How to reach and log in to one mailbox: :class:`ImapConfig`."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Literal

Security = Literal["tls", "starttls", "none"]
OAuth2Mechanism = Literal["auto", "XOAUTH2", "OAUTHBEARER"]
_SECURITY: frozenset[str] = frozenset({"tls", "starttls", "none"})


@dataclass(frozen=True, slots=True, repr=False)
class ImapConfig:
    """Connection settings of one IMAP account.

    ``security``: ``"tls"`` is implicit TLS from the first byte (IMAPS, RFC 8314 §3.2),
    ``"starttls"`` upgrades a plain connection with STARTTLS (RFC 3501 §6.2.1, RFC 2595)
    and refuses to go on without it, ``"none"`` stays in plain text. Exactly one of
    ``password`` (LOGIN) and ``oauth2_token`` (AUTHENTICATE OAUTHBEARER or XOAUTH2) must be
    given. ``oauth2_mechanism`` ``auto`` uses OAUTHBEARER (RFC 7628) where the server
    advertises ``AUTH=OAUTHBEARER`` and XOAUTH2 otherwise.
    ``tls_verify=False`` skips certificate and host-name checks; ``ca_file`` trusts that PEM
    bundle instead of the system store. ``timeout`` (seconds) bounds the connect and every
    read. ``repr`` never shows the password or the token.
    """

    host: str
    port: int
    username: str
    security: Security = "tls"
    password: str | None = None
    oauth2_token: str | None = None
    oauth2_mechanism: OAuth2Mechanism = "auto"
    tls_verify: bool = True
    ca_file: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        """Reject settings that cannot work, before any connection is tried."""
        if self.security not in _SECURITY:
            raise ValueError(f"security must be one of {sorted(_SECURITY)}, not {self.security!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be 1-65535, not {self.port}")
        if (self.password is None) == (self.oauth2_token is None):
            raise ValueError("give exactly one of password and oauth2_token")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    def __repr__(self) -> str:
        """Every setting except the secrets, which show only as the kind of login."""
        auth = "password" if self.password is not None else "oauth2"
        return (
            f"ImapConfig(host={self.host!r}, port={self.port}, username={self.username!r}, "
            f"security={self.security!r}, auth={auth!r}, tls_verify={self.tls_verify}, "
            f"ca_file={self.ca_file!r}, timeout={self.timeout})"
        )

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context for ``tls`` / ``starttls``: verifying unless ``tls_verify`` is off.

        Raises ``OSError`` / ``ssl.SSLError`` when ``ca_file`` cannot be read or parsed.
        """
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context
