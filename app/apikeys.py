"""API keys: made once and shown once, stored only as a SHA-256, checked on every request.

Scopes nest: ``admin`` can do everything ``write`` can, and ``write`` everything ``read`` can.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Literal, get_args

from sqlalchemy.orm import Session

from app.db.repositories.apikeys import ApiKeyRepository
from app.db.tables import ApiKey
from app.db.types import utcnow
from app.errors import InvalidRequestError, NotFoundError

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
KEY_PREFIX = "ll_"
# last_used_at is only rewritten when older than this: usage is known to the minute, and a
# busy client costs one UPDATE a minute instead of one per request.
LAST_USED_PRECISION = timedelta(minutes=1)
_MAX_KEY_LENGTH = 200
MAX_NAME_LENGTH = 200  # api_keys.name


def hash_key(key: str) -> str:
    """The SHA-256 hex digest that identifies ``key`` in the store."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def scope_allows(granted: str, needed: Scope) -> bool:
    """True when a key with scope ``granted`` may do what needs ``needed``."""
    rank = {scope: position for position, scope in enumerate(SCOPES)}
    return granted in rank and rank[granted] >= rank[needed]


def create_api_key(session: Session, scope: Scope, name: str | None) -> tuple[ApiKey, str]:
    """Store a new key with ``scope``; returns it and its plaintext, which exists only here.

    The plaintext is ``ll_`` and 43 urlsafe characters (256 random bits); only its SHA-256
    is stored, so it cannot be shown again. A bad scope or a name longer than
    ``MAX_NAME_LENGTH`` is InvalidRequestError.
    """
    if scope not in SCOPES:
        raise InvalidRequestError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise InvalidRequestError(f"the name must be at most {MAX_NAME_LENGTH} characters")
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKeyRepository(session).add(scope=scope, name=name, key_hash=hash_key(plaintext))
    return api_key, plaintext


def authenticate(session: Session, key: str) -> ApiKey | None:
    """The live key ``key`` is the plaintext of, or None when it is unknown or revoked.

    Records the use in ``last_used_at`` (to the minute, see ``LAST_USED_PRECISION``).
    """
    if not key.startswith(KEY_PREFIX) or len(key) > _MAX_KEY_LENGTH:
        return None
    repository = ApiKeyRepository(session)
    api_key = repository.get_by_hash(hash_key(key))
    if api_key is None or api_key.revoked_at is not None:
        return None
    now = utcnow()
    if api_key.last_used_at is None or api_key.last_used_at <= now - LAST_USED_PRECISION:
        repository.touch(api_key.id, now, unless_after=now - LAST_USED_PRECISION)
    return api_key


def list_api_keys(session: Session) -> Sequence[ApiKey]:
    """Every key, revoked ones included, oldest first (hashes only, never a plaintext)."""
    return ApiKeyRepository(session).list()


def revoke_api_key(session: Session, key_id: str) -> ApiKey:
    """Revoke a key for good (idempotent); raises NotFoundError for an unknown id."""
    api_key = ApiKeyRepository(session).get(key_id)
    if api_key is None:
        raise NotFoundError(f"no API key with id {key_id!r}")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
    return api_key
