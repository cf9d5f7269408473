"""Fixtures of the worker tests: Redis, dovecot, and the helpers of the sync tests."""

from __future__ import annotations

from tests.servers.dovecot import dovecot, dovecot_server, imap_account
from tests.servers.redis import redis_server, redis_url

__all__ = ["dovecot", "dovecot_server", "imap_account", "redis_server", "redis_url"]
