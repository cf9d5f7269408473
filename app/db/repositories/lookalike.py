"""SQL of lookalike models: the current one, a new one, and the ones it replaces."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db.tables import LookalikeModelRow, PipelineState

MODEL_VERSION = "model_version"


class LookalikeRepository:
    """Reads and writes lookalike models inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current_version(self) -> str | None:
        """The version of the model in force, or None before the first training."""
        row = self.session.get(PipelineState, MODEL_VERSION)
        return None if row is None else row.value

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
        state = self.session.get(PipelineState, MODEL_VERSION)
        if state is None:
            self.session.add(PipelineState(key=MODEL_VERSION, value=model.version))
        else:
            state.value = model.version

    def digest(self) -> str | None:
        """The outcomes digest the model in force was trained on, or None."""
        current = self.current()
        return None if current is None else current.outcomes_digest
