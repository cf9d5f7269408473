"""The real dovecot fixtures for the IMAP tests."""

from tests.servers.dovecot import dovecot, dovecot_server, imap_account  # noqa: F401
