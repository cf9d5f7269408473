"""Score a stored customer or a lead given as texts; describe the model in force."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.api.customers.schemas import NearestWonOut, SharedTagOut
from app.api.customers.service import find_by_email, get_customer
from app.api.scoring.schemas import LookalikeRequest, LookalikeResult, ModelBrief, ModelOut
from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.profiles import ProfileRepository
from app.db.types import new_id
from app.enrichment.enricher import embed_mail
from app.enrichment.topic_assignment import assign_stored_topics
from app.errors import NotFoundError
from app.profiles.lookalike import ModelCache, NotEnoughOutcomesError, features_of, nearest_won
from app.profiles.tags import explanation
from ingest.quoting import split_body
from models.embedder import Embedder
from models.first_contact import FIRST_CONTACT_MESSAGES, EarlyMail, first_contact_features
from models.lookalike import CustomerFeatures, LookalikeModel, label_of


def _features_of_texts(
    session: Session, embedder: Embedder, texts: list[str], subject: str | None
) -> CustomerFeatures:
    """The features of a lead that exists only as these texts: its first-contact mail,
    oldest first, read as a stored customer's is (each text's quoted history and signature
    split off, embedded with its item lines and put into the stored topics as enrichment
    does); nothing is stored."""
    parts = [split_body(text) for text in texts[:FIRST_CONTACT_MESSAGES]]
    title = subject or ""
    vectors, interest_vectors = embed_mail(embedder, [(title, part.new_text) for part in parts])
    assignments = assign_stored_topics(session, vectors, interest_vectors)
    topics = ProfileRepository(session).topic_names()
    mail = [
        EarlyMail(
            subject=title,
            new_text=part.new_text,
            signature=part.signature,
            embedding=vector,
            topic_id=None
            if assignment is None or assignment.topic_id not in topics
            else assignment.topic_id,
        )
        for part, vector, assignment in zip(parts, vectors, assignments, strict=True)
    ]
    return first_contact_features(new_id("lead"), "lead", mail)


def _stored_features(session: Session, customer_id: str) -> CustomerFeatures:
    rows = ProfileRepository(session).features([customer_id])
    if not rows:
        raise NotFoundError(f"customer {customer_id!r} has no profile yet; try again shortly")
    return features_of(rows[0])


def score_lead(
    session: Session,
    models: ModelCache,
    embedder: Callable[[], Embedder],
    body: LookalikeRequest,
) -> LookalikeResult:
    """The lookalike score of the lead ``body`` names, with its explanation (the sentence
    model is loaded only to read texts). A stored customer whose profile was scored by the
    model in force and has not changed since gets that stored score and explanation (what
    its profile shows); any other lead is scored now."""
    model: LookalikeModel = models.require(session)
    if body.texts is not None:
        features = _features_of_texts(session, embedder(), body.texts, body.subject)
    else:
        customer = (
            get_customer(session, body.customer_id)
            if body.customer_id is not None
            else find_by_email(session, body.email or "")
        )
        if (
            customer.lookalike_version == model.version
            and customer.lookalike_score is not None
            and customer.lookalike_percentile is not None
            and customer.lookalike_explanation is not None
            and not customer.profile_dirty
        ):
            return _result(
                model,
                customer.lookalike_score,
                customer.lookalike_percentile,
                customer.lookalike_explanation,
            )
        features = _stored_features(session, customer.id)
    score = model.score(features)
    neighbours = nearest_won(session, [features])[features.customer_id]
    explained = explanation(score, neighbours, ProfileRepository(session).topic_names())
    return _result(model, score.score, score.percentile, explained)


def _result(
    model: LookalikeModel, score: float, percentile: float, explained: dict[str, Any]
) -> LookalikeResult:
    return LookalikeResult(
        score=round(score, 4),
        percentile=round(percentile, 1),
        label=label_of(score),
        nearest_won=[NearestWonOut(**n) for n in explained["nearest_won"]],
        shared_tags=[SharedTagOut(**t) for t in explained["shared_tags"]],
        model=ModelBrief(
            version=model.version,
            n_won=model.n_won,
            n_other=model.n_lost + model.n_open,
            cv_auc=model.cv_auc,
        ),
    )


def describe_model(session: Session, models: ModelCache | None = None) -> ModelOut:
    """The model in force (``cv_auc`` of its first-contact score; ``stage_aware_cv_auc`` of
    its stage-aware one, read from ``models``, None without); NotEnoughOutcomesError before
    the first training."""
    row = LookalikeRepository(session).current()
    if row is None:
        raise NotEnoughOutcomesError(
            "no lookalike model yet: too few customers with outcomes (see POST /v1/lookalike)"
        )
    loaded = None if models is None else models.get(session)
    return ModelOut(
        version=row.version,
        trained_at=row.trained_at,
        n_won=row.n_won,
        n_lost=row.n_lost,
        n_open=row.n_open,
        cv_auc=row.cv_auc,
        stage_aware_cv_auc=None if loaded is None else loaded.stage_aware_cv_auc,
    )
