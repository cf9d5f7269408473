"""Score a stored customer or a lead given as texts; describe the model in force."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from app.api.customers.schemas import NearestWonOut, SharedTagOut
from app.api.customers.service import find_by_email, get_customer
from app.api.scoring.schemas import LookalikeRequest, LookalikeResult, ModelBrief, ModelOut
from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.profiles import ProfileRepository
from app.db.types import new_id, utcnow
from app.enrichment.enricher import MessageInput, enrich
from app.enrichment.topic_assignment import assign_stored_topics
from app.errors import NotFoundError
from app.profiles.lookalike import ModelCache, NotEnoughOutcomesError, features_of, nearest_won
from app.profiles.tags import explanation
from ingest.quoting import split_body
from models.embedder import Embedder
from models.lookalike import CustomerFeatures, LookalikeModel, customer_features, label_of
from models.profiles import MessageFacts


def _features_of_texts(
    session: Session, embedder: Embedder, texts: list[str], subject: str | None
) -> CustomerFeatures:
    """The features of a lead that exists only as these texts (one inbound message each,
    an hour apart, the last one now); nothing is stored."""
    repository = ProfileRepository(session)
    topics = repository.topic_names()
    parts = [split_body(text) for text in texts]
    found = enrich(
        embedder,
        partial(assign_stored_topics, session),
        [MessageInput(subject or "", p.new_text, p.signature, None, "inbound") for p in parts],
    )
    now = utcnow()
    messages, vectors = [], {}
    for index, (part, result) in enumerate(zip(parts, found, strict=True)):
        message_id = f"text-{index}"
        vectors[message_id] = result.embedding
        messages.append(
            MessageFacts(
                id=message_id,
                sent_at=now - timedelta(hours=len(parts) - 1 - index),
                direction="inbound",
                thread_id="texts",
                subject=subject or "",
                text=part.new_text,
                intent=result.intent.intent,
                valid_inquiry=None
                if result.inquiry is None
                else (result.inquiry.value, tuple(result.inquiry.missing)),
                language=result.language,
                topic_id=None if result.topic is None else result.topic.topic_id,
                topic_confidence=0.0 if result.topic is None else result.topic.confidence,
                traits=result.traits,
            )
        )
    return customer_features(new_id("lead"), "lead", messages, vectors, topics, now=now)


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


def describe_model(session: Session) -> ModelOut:
    """The model in force; NotEnoughOutcomesError before the first training."""
    row = LookalikeRepository(session).current()
    if row is None:
        raise NotEnoughOutcomesError(
            "no lookalike model yet: too few customers with outcomes (see POST /v1/lookalike)"
        )
    return ModelOut(
        version=row.version,
        trained_at=row.trained_at,
        n_won=row.n_won,
        n_lost=row.n_lost,
        n_open=row.n_open,
        cv_auc=row.cv_auc,
    )
