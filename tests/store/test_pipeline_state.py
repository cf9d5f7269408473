"""Pipeline values (``pipeline_state``) set and cleared by transactions that overlap.

Found by fuzzing ``POST /v1/rebuild``: the request read the pending rebuild mark, the
enrichment runner then cleared it, and the request's UPDATE matched no row (StaleDataError,
a 500). Each test holds the row a transaction has read while another one changes it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.pipeline_state import PipelineStateRepository
from app.db.tables import PipelineState

KEY = "rebuild_requested"


def _set(sessions: sessionmaker[Session], value: str) -> None:
    with sessions.begin() as session:
        PipelineStateRepository(session).set_state(KEY, value)


def _clear(sessions: sessionmaker[Session], value: str) -> None:
    with sessions.begin() as session:
        PipelineStateRepository(session).clear_state(KEY, value)


def _value(sessions: sessionmaker[Session]) -> str | None:
    with sessions() as session:
        return PipelineStateRepository(session).state(KEY)


def test_setting_a_value_another_transaction_just_cleared(sessions: sessionmaker[Session]) -> None:
    _set(sessions, "rb_1")
    with sessions.begin() as session:
        held = session.get(PipelineState, KEY)
        assert held is not None
        _clear(sessions, "rb_1")
        PipelineStateRepository(session).set_state(KEY, "rb_2")
        assert held.value == "rb_2"
    assert _value(sessions) == "rb_2"


def test_clearing_keeps_a_newer_value_another_transaction_set(
    sessions: sessionmaker[Session],
) -> None:
    _set(sessions, "rb_1")
    with sessions.begin() as session:
        held = session.get(PipelineState, KEY)
        assert held is not None
        _set(sessions, "rb_2")
        PipelineStateRepository(session).clear_state(KEY, "rb_1")
    assert _value(sessions) == "rb_2"


def test_clearing_a_value_another_transaction_cleared(sessions: sessionmaker[Session]) -> None:
    _set(sessions, "rb_1")
    with sessions.begin() as session:
        held = session.get(PipelineState, KEY)
        assert held is not None
        _clear(sessions, "rb_1")
        repository = PipelineStateRepository(session)
        repository.clear_state(KEY, "rb_1")
        assert repository.state(KEY) is None
    assert _value(sessions) is None
