"""The lookalike model in the store: training on the profiled customers' outcomes, scoring
every customer, and the process-wide cache of the model in force."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.profiles import ProfileRepository
from app.db.repositories.won_neighbours import WonNeighbour, WonNeighbourRepository
from app.db.tables import LookalikeModelRow
from app.db.vector import vector_bytes, vector_of
from app.errors import ConflictError
from app.metrics import Metrics, observe_since
from app.profiles.tags import explanation
from app.webhooks.events import ProfileChanges
from models.lookalike import (
    MIN_OTHER,
    MIN_WON,
    MODEL_FORMAT_VERSION,
    CustomerFeatures,
    LookalikeModel,
    TooFewOutcomesError,
    load_model,
    train,
)

log = logging.getLogger("leadlens.lookalike")

_SCORE_BATCH = 1000
NEAREST_WON = 5  # won customers shown as the nearest to a scored one
_FIRST_CONTACT, _STAGE_AWARE = "first_contact", "stage_aware"  # keys of feature_tags


class NotEnoughOutcomesError(ConflictError):
    """Too few won (or other) customers for a lookalike model: it does not guess."""

    code = "not_enough_outcomes"


class ModelCache:
    """The model in force, read from the store once per version and shared by threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._model: LookalikeModel | None = None

    def get(self, session: Session) -> LookalikeModel | None:
        """The current model, or None before the first training."""
        repository = LookalikeRepository(session)
        version = repository.current_version()
        if version is None:
            return None
        with self._lock:
            if version != self._version:
                row = repository.current()
                if row is None:
                    return None
                try:
                    self._model = load_model(row.payload)
                except ValueError as error:  # of an older format: retrained soon (digest)
                    log.warning("lookalike model %s not used: %s", version, error)
                    self._model = None
                self._version = version
            return self._model

    def require(self, session: Session) -> LookalikeModel:
        """The current model; NotEnoughOutcomesError when there is none."""
        model = self.get(session)
        if model is None:
            raise NotEnoughOutcomesError(
                f"no lookalike model yet: it needs at least {MIN_WON} won and {MIN_OTHER} "
                "other customers with outcomes (set them with PUT /v1/customers/{id}/outcome, "
                "or let the mail show orders and refusals), then it trains on its own"
            )
        return model


def outcomes_digest(outcomes: Mapping[str, str]) -> str:
    """A fingerprint of every customer's outcome and of the lookalike's model format: it
    changes when any outcome changes, and after an upgrade to a model format that the model
    in force is not of (so that it is retrained)."""
    digest = hashlib.sha256()
    digest.update(f"format:{MODEL_FORMAT_VERSION}\n".encode())
    for customer_id in sorted(outcomes):
        digest.update(f"{customer_id}:{outcomes[customer_id]}\n".encode())
    return digest.hexdigest()


def feature_columns(features: CustomerFeatures) -> dict[str, Any]:
    """The ``feature_*`` columns that store ``features`` (:func:`features_of` reads them):
    the first-contact embedding, and the first-contact and stage-aware tags."""
    return {
        "feature_embedding": None
        if features.embedding is None
        else vector_bytes(features.embedding),
        "feature_tags": {
            _FIRST_CONTACT: dict(features.tags),
            _STAGE_AWARE: dict(features.stage_tags),
        },
    }


def features_of(row: Any) -> CustomerFeatures:
    """The lookalike features stored on a customer row (see ProfileRepository.features).
    Tags stored by a version before the first-contact features (one flat mapping) read as
    none until the profile is rebuilt."""
    embedding = None if row.feature_embedding is None else vector_of(row.feature_embedding)
    stored = row.feature_tags if isinstance(row.feature_tags, dict) else {}
    first, later = stored.get(_FIRST_CONTACT), stored.get(_STAGE_AWARE)
    return CustomerFeatures(
        row.id,
        row.name or row.key,
        embedding,
        dict(first) if isinstance(first, dict) else {},
        dict(later) if isinstance(later, dict) else {},
    )


def nearest_won(
    session: Session, features: Sequence[CustomerFeatures]
) -> dict[str, list[WonNeighbour]]:
    """The (at most :data:`NEAREST_WON`) won customers in the store whose first-contact mail
    reads most like each of ``features`` (cosine of the mean embeddings of that mail; by
    customer id, the customer itself never included; none for features without an
    embedding)."""
    queries = {f.customer_id: f.embedding for f in features if f.embedding is not None}
    found = WonNeighbourRepository(session).nearest_won(queries, NEAREST_WON)
    return {f.customer_id: found.get(f.customer_id, []) for f in features}


def score_columns(
    model: LookalikeModel,
    features: CustomerFeatures,
    neighbours: Sequence[WonNeighbour],
    topics: Mapping[int, str],
) -> dict[str, Any]:
    """The ``lookalike_*`` columns of one customer scored by ``model``: its first-contact
    score and percentile, and in the explanation its nearest won customers ``neighbours``,
    the shared tags and its stage-aware score."""
    score = model.score(features)
    return {
        "id": features.customer_id,
        "lookalike_score": round(score.score, 4),
        "lookalike_percentile": round(score.percentile, 1),
        "lookalike_version": model.version,
        "lookalike_explanation": explanation(
            score, neighbours, topics, model.stage_aware(features)
        ),
    }


def outcomes_digest_now(session: Session) -> tuple[str, str | None]:
    """The digest of the outcomes in force now, and of those the model was trained on."""
    outcomes = ProfileRepository(session).outcomes()
    return outcomes_digest(outcomes), LookalikeRepository(session).digest()


def retrain_due(session: Session) -> bool:
    """Whether a new lookalike model is due: the outcomes in force differ from those the
    model was trained on (or there is no model) and they are enough to train on
    (:data:`models.lookalike.MIN_WON` won and :data:`models.lookalike.MIN_OTHER` other
    profiled customers), so that training will make a new model."""
    outcomes = ProfileRepository(session).outcomes()
    if outcomes_digest(outcomes) == LookalikeRepository(session).digest():
        return False
    won = sum(outcome == "won" for outcome in outcomes.values())
    return won >= MIN_WON and len(outcomes) - won >= MIN_OTHER


def train_lookalike(
    sessions: sessionmaker[Session], *, seed: int = 42, metrics: Metrics | None = None
) -> LookalikeModel:
    """Train a new model on the profiled customers, make it the one in force and score every
    customer with it (timed as ``lookalike_training`` in ``metrics``). NotEnoughOutcomesError
    when there are too few outcomes."""
    started = time.perf_counter()
    with sessions() as session:
        repository = ProfileRepository(session)
        outcomes = repository.outcomes()
        features = [features_of(row) for row in repository.features()]
    try:
        model = train(features, outcomes, seed=seed)  # type: ignore[arg-type]
    except TooFewOutcomesError as exc:
        raise NotEnoughOutcomesError(str(exc)) from None
    with sessions.begin() as session:
        LookalikeRepository(session).replace(
            LookalikeModelRow(
                version=model.version,
                trained_at=model.trained_at,
                n_won=model.n_won,
                n_lost=model.n_lost,
                n_open=model.n_open,
                cv_auc=model.cv_auc,
                outcomes_digest=outcomes_digest(outcomes),
                payload=model.to_bytes(),
            )
        )
    score_all(sessions, model)
    observe_since(metrics, "lookalike_training", started)
    log.info(
        "lookalike trained: %s on %d won / %d lost / %d open, cv AUC first contact %s, "
        "stage-aware %s",
        model.version,
        model.n_won,
        model.n_lost,
        model.n_open,
        "n/a" if model.cv_auc is None else f"{model.cv_auc:.3f}",
        "n/a" if model.stage_aware_cv_auc is None else f"{model.stage_aware_cv_auc:.3f}",
    )
    return model


def score_all(sessions: sessionmaker[Session], model: LookalikeModel) -> int:
    """Score every profiled customer with ``model``, committing per batch (with the
    ``customer.lookalike_changed`` events of the scores that moved); returns how many."""
    with sessions() as session:
        repository = ProfileRepository(session)
        rows = repository.features()
        topics = repository.topic_names()
    for start in range(0, len(rows), _SCORE_BATCH):
        features = [features_of(row) for row in rows[start : start + _SCORE_BATCH]]
        with sessions() as session:
            neighbours = nearest_won(session, features)
        scores = [score_columns(model, f, neighbours[f.customer_id], topics) for f in features]
        with sessions.begin() as session:
            changes = ProfileChanges.watch(session, [f.customer_id for f in features])
            ProfileRepository(session).save_scores(scores)
            if changes is not None:
                changes.emit(session)
    return len(rows)
