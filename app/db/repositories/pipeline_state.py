"""The pipeline's named values (table ``pipeline_state``): which topics and lookalike model
are in force, where topic ids go on, and the marks of work asked for or done. Every key is
defined here."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.tables import PipelineState

TOPICS_VERSION = "topics_version"
TOPICS_FIT_SIZE = "topics_fit_size"
"""How many messages the topics in force were clustered from (a re-clustering is due when
the store has grown well past it)."""
TOPICS_NEXT_ID = "topics_next_id"
"""The next topic id: ids of topics that disappeared are never reused."""
TOPICS_BASIS = "topics_basis"
"""What the stored topics were clustered from: "items" (the item lines of customer mail) or
"text" (whole messages, where item lines are rare; see :data:`models.interests.
MIN_ITEM_COVERAGE`). New messages are placed the same way."""
MODEL_VERSION = "model_version"
"""The version of the lookalike model in force."""
REBUILD_REQUESTED = "rebuild_requested"
"""The mark of a rebuild asked for: set by ``POST /v1/rebuild``, cleared when a rebuild that
began after it has re-clustered, re-profiled and retrained (so ``GET /v1/status`` is not
settled meanwhile)."""
PROFILES_REFRESHED_AT = "profiles_refreshed_at"
"""When every profile was last flagged for its daily refresh."""
DEMO_NOW = "demo_now"
"""The demo's "today", kept so that a second `leadlens demo` adds nothing."""


class PipelineStateRepository:
    """Reads and writes the pipeline's named values inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, key: str) -> str | None:
        """The value of ``key``, or None."""
        row = self.session.get(PipelineState, key)
        return None if row is None else row.value

    def set_state(self, key: str, value: str) -> None:
        """Set a pipeline value in one upsert, so that another transaction setting or clearing
        the same key meanwhile cannot make it fail (a row loaded in this session is refreshed)."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(PipelineState).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[PipelineState.key], set_={"value": value}
        )
        self.session.scalars(
            statement.returning(PipelineState), execution_options={"populate_existing": True}
        ).all()

    def clear_state(self, key: str, value: str) -> None:
        """Remove a pipeline value if it still is ``value`` (one DELETE: no error when another
        transaction removed or changed it meanwhile)."""
        self.session.execute(
            delete(PipelineState).where(PipelineState.key == key, PipelineState.value == value)
        )
