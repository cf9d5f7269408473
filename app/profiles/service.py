"""Keep customer profiles up to date: rebuild the stale ones in committed batches.

A profile goes stale when one of its customer's messages is enriched, when topics are
re-clustered, when a contact is erased, and once a day (silence makes customers lost).
Rebuilding a profile again gives the same result, so a kill loses at most one batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.pipeline_state import PROFILES_REFRESHED_AT, PipelineStateRepository
from app.db.repositories.profiles import ProfileRepository
from app.db.types import utcnow
from app.metrics import Metrics, observe_since
from app.profiles.lookalike import ModelCache, feature_columns, nearest_won, score_columns
from app.profiles.tags import tag_row
from app.webhooks.events import ProfileChanges
from models.first_contact import EarlyMail, first_contact_features, first_contact_messages
from models.lookalike import CustomerFeatures, stage_aware_tags
from models.profiles import MessageFacts, Profile, build_profile

_DAILY = timedelta(days=1)


def _profile_columns(
    customer_id: str, profile: Profile, features: CustomerFeatures, now: datetime
) -> dict[str, Any]:
    stage = profile.stage
    return {
        "id": customer_id,
        "profiled_at": now,
        "stage": stage.current,
        "stage_reached": {name: at.isoformat() for name, at in stage.reached.items()},
        "valid_inquiry": None
        if stage.valid_inquiry is None
        else {"value": stage.valid_inquiry[0], "missing": list(stage.valid_inquiry[1])},
        "country": profile.country,
        "languages": list(profile.languages),
        "inbound": profile.inbound,
        "outbound": profile.outbound,
        "outcome_reason": profile.outcome.reason,
        **feature_columns(features),
    }


def lookalike_features(
    customer_id: str,
    name: str,
    messages: Sequence[MessageFacts],
    profile: Profile,
    *,
    vectors: Mapping[str, NDArray[np.float32]],
    signatures: Mapping[str, str],
    topics: Mapping[int, str],
    now: datetime,
    lost_after_days: int,
) -> CustomerFeatures:
    """The lookalike features of a stored customer: its first-contact mail
    (:func:`models.first_contact.first_contact_messages`, with the stored embeddings,
    signatures and interest topics) read as a pasted lead's would be, plus the stage-aware
    tags of its mail before its outcome; ``profile`` is the profile of all ``messages``."""
    mail = [
        EarlyMail(
            subject=m.subject,
            new_text=m.text,
            signature=signatures.get(m.id, ""),
            embedding=vectors.get(m.id),
            topic_id=m.topic_id if m.topic_id in topics else None,
        )
        for m in first_contact_messages(messages)
    ]
    features = first_contact_features(customer_id, name, mail)
    later = stage_aware_tags(
        messages, topics, now=now, lost_after_days=lost_after_days, profile=profile
    )
    return replace(features, stage_tags=later)


def refresh_profiles(
    sessions: sessionmaker[Session],
    models: ModelCache,
    *,
    lost_after_days: int = 90,
    batch_size: int = 200,
    now: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
    metrics: Metrics | None = None,
) -> int:
    """Rebuild every stale profile (and its score, when a model is in force; a customer
    whose stored score is from another model counts as stale); returns how many were
    rebuilt (each committed batch timed as ``profile_batch`` in ``metrics``). The webhook
    events of what changed are written in each batch's transaction."""
    with sessions.begin() as session:
        version = LookalikeRepository(session).current_version()
        if version is not None:
            ProfileRepository(session).mark_dirty_scored_by_another(version)
    done = 0
    while True:
        started = time.perf_counter()
        with sessions() as session:
            repository = ProfileRepository(session)
            ids = repository.dirty_ids(batch_size)
            if not ids:
                return done
            facts = repository.message_facts(ids)
            names = repository.names(ids)
            topics = repository.topic_names()
            vectors = EnrichmentRepository(session).vectors(
                [m.id for messages in facts.values() for m in messages]
            )
            signatures = repository.signatures(
                [m.id for messages in facts.values() for m in first_contact_messages(messages)]
            )
            model = models.get(session)
        moment = now or utcnow()
        profiles: list[dict[str, Any]] = []
        outcomes: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        scored: list[CustomerFeatures] = []
        for customer_id in ids:
            messages: Sequence[Any] = facts.get(customer_id, [])
            profile = build_profile(messages, topics, now=moment, lost_after_days=lost_after_days)
            features = lookalike_features(
                customer_id,
                names.get(customer_id, customer_id),
                messages,
                profile,
                vectors=vectors,
                signatures=signatures,
                topics=topics,
                now=moment,
                lost_after_days=lost_after_days,
            )
            profiles.append(_profile_columns(customer_id, profile, features, moment))
            outcomes.append(
                {
                    "id": customer_id,
                    "outcome": profile.outcome.value,
                    "outcome_at": profile.outcome.at,
                }
            )
            tags.extend(tag_row(customer_id, tag) for tag in profile.tags)
            scored.append(features)
        scores: list[dict[str, Any]] = []
        if model is not None:
            with sessions() as session:
                neighbours = nearest_won(session, scored)
            scores = [score_columns(model, f, neighbours[f.customer_id], topics) for f in scored]
        with sessions.begin() as session:
            changes = ProfileChanges.watch(session, ids)
            repository = ProfileRepository(session)
            repository.save_profiles(profiles, outcomes, tags)
            repository.save_scores(scores)
            if changes is not None:
                changes.emit(session)
        observe_since(metrics, "profile_batch", started)
        done += len(ids)
        if on_progress is not None:
            on_progress(len(ids))


def mark_stale_daily(sessions: sessionmaker[Session], now: datetime | None = None) -> bool:
    """Flag every profile stale when the last full refresh is a day old (time alone turns
    silent customers lost); True when it did."""
    moment = now or utcnow()
    with sessions.begin() as session:
        state = PipelineStateRepository(session)
        last = state.state(PROFILES_REFRESHED_AT)
        if last is not None and moment - datetime.fromisoformat(last) < _DAILY:
            return False
        ProfileRepository(session).mark_dirty()
        state.set_state(PROFILES_REFRESHED_AT, moment.isoformat())
    return True
