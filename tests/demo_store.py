"""A store filled by the demo generator, enriched by the real model, profiled and scored —
built once per session, copied for each test that uses it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import SCOPES, create_api_key
from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from app.db.types import utcnow
from app.demo import generate, write_mboxes
from app.enrichment.service import enrich_pending, rebuild_topics
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.loaded_models import LoadedModels
from app.pipeline import profile_and_score
from app.profiles.lookalike import ModelCache
from app.settings import Settings
from app.web import create_app
from app.workers.enrichment import EnrichmentRunner
from models.embedder import Embedder

DEMO_CUSTOMERS = 120


def demo_settings_for(path: Path) -> Settings:
    """Settings of a test store at ``path`` (no debounce: retraining is immediate)."""
    return Settings(
        database_url=f"sqlite:///{path}",
        secret_key="test secret key",
        lookalike_debounce_seconds=0,
        _env_file=None,  # type: ignore[call-arg]
    )


def build_demo_store(path: Path, embedder: Embedder, customers: int = DEMO_CUSTOMERS) -> None:
    """Make at ``path`` a SQLite store holding the demo's mail of ``customers`` customers
    (seed 11), enriched, clustered, profiled and scored by a trained lookalike model."""
    settings = demo_settings_for(path)
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    # Dated by the clock the product profiles with (silence makes customers lost); on any
    # day it is the same mail moved by whole weeks (tests/demo/test_generator.py).
    corpus = generate(customers, seed=11, now=utcnow().replace(second=0, microsecond=0))
    with Preparer(workers=0) as preparer:
        for rep, mbox in write_mboxes(corpus, path.parent / "mail").items():
            with sessions.begin() as session:
                target = import_target(session, rep, [corpus.own_domain])
            import_path(sessions, target.id, mbox, 500, preparer)
    enrich_pending(sessions, embedder)
    rebuild_topics(sessions)
    result = profile_and_score(sessions, ModelCache(), settings, retrain=True)
    assert result.model_version is not None, result.not_enough
    engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, shared_embedder: Embedder) -> Path:
    """A SQLite store holding the demo's mail of 120 customers, enriched, clustered,
    profiled and scored by a trained lookalike model."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo_store(path, shared_embedder)
    return path


@pytest.fixture
def demo_settings(demo_template: Path, tmp_path: Path) -> Settings:
    """Settings of a private copy of the demo store."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return demo_settings_for(path)


@pytest.fixture
def demo_sessions(demo_settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on the private copy of the demo store."""
    engine = create_db_engine(demo_settings.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def demo_runner(
    demo_settings: Settings, demo_sessions: sessionmaker[Session], shared_embedder: Embedder
) -> EnrichmentRunner:
    """The enrichment runner of the demo app (not started), with the shared model."""
    models = LoadedModels(demo_settings, shared_embedder)
    return EnrichmentRunner(demo_settings, demo_sessions, models)


@pytest.fixture
def demo_client(demo_settings: Settings, demo_runner: EnrichmentRunner) -> Iterator[TestClient]:
    """The real app on the private copy of the demo store."""
    app = create_app(
        demo_settings,
        enrichment=demo_runner,
        models=demo_runner.models,
        metrics=demo_runner.metrics,
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture
def demo_keys(demo_sessions: sessionmaker[Session]) -> dict[str, dict[str, str]]:
    """Authorization headers with a key of each scope: ``{"read": {...}, ...}``."""
    with demo_sessions.begin() as session:
        return {
            scope: {"Authorization": f"Bearer {create_api_key(session, scope, scope)[1]}"}
            for scope in SCOPES
        }
