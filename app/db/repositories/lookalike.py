"""SQL of lookalike models: the current one, a new one, and the ones it replaces."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db.repositories.pipeline_state import MODEL_VERSION, PipelineStateRepository
from app.db.tables import LookalikeModelRow


class LookalikeRepository:
    """Reads and writes lookalike models inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current_version(self) -> str | None:
        """The version of the model in force, or None before the first training."""
        return PipelineStateRepository(self.session).state(MODEL_VERSION)

    def current(self) -> LookalikeModelRow | None:
        """The model in force, or None."""
        version = self.current_version()
        return None if version is None else self.session.get(LookalikeModelRow, version)

    def replace(self, model: LookalikeModelRow) -> None:
        """Make ``model`` the one in force and drop the older ones."""
        self.session.execute(
            delete(LookalikeModelRow).where(LookalikeModelRow.version != model.version)
        )
        self.session.add(model)
        PipelineStateRepository(self.session).set_state(MODEL_VERSION, model.version)

    def digest(self) -> str | None:
        """The outcomes digest the model in force was trained on, or None."""
        current = self.current()
        return None if current is None else current.outcomes_digest
