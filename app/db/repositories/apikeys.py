"""SQL about API keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.db.tables import ApiKey
from app.db.types import new_id


class ApiKeyRepository:
    """Reads and writes API keys inside the caller's transaction (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, scope: str, name: str | None, key_hash: str) -> ApiKey:
        """Store a new key by its hash and return it (flushed, so it has its id)."""
        api_key = ApiKey(id=new_id("key"), scope=scope, name=name, key_hash=key_hash)
        self.session.add(api_key)
        self.session.flush()
        return api_key

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, or None."""
        return self.session.get(ApiKey, key_id)

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        """The key whose SHA-256 hex digest is ``key_hash`` (revoked or not), or None."""
        return self.session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()

    def list(self) -> Sequence[ApiKey]:
        """Every key, oldest first."""
        return self.session.scalars(select(ApiKey).order_by(ApiKey.id)).all()

    def touch(self, key_id: str, now: datetime, *, unless_after: datetime) -> None:
        """Set ``last_used_at`` to ``now`` unless it is already later than ``unless_after``.

        One conditional UPDATE: a key used many times a minute costs one write a minute.
        """
        self.session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= unless_after),
            )
            .values(last_used_at=now)
        )
