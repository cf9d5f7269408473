"""SQL of customer profiles: which profiles are stale, the facts they are built from, and
what they store (profile columns, tags with evidence, lookalike features and scores)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.db.repositories._chunks import chunks
from app.db.tables import Customer, CustomerTag, Message, MessageTopic, MessageTrait, Topic
from models.profiles import MessageFacts
from models.traits import TraitHit


class ProfileRepository:
    """Reads and writes profile data inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def dirty_ids(self, limit: int) -> list[str]:
        """Up to ``limit`` customers whose profile must be rebuilt, by id."""
        query = (
            select(Customer.id)
            .where(Customer.profile_dirty.is_(True))
            .order_by(Customer.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def pending_count(self, model_version: str | None) -> int:
        """Customers whose profile waits for a rebuild, or (when ``model_version`` is the model
        in force) whose stored score comes from another model."""
        stale: ColumnElement[bool] = Customer.profile_dirty.is_(True)
        if model_version is not None:
            stale = or_(
                stale,
                and_(
                    Customer.profiled_at.is_not(None),
                    or_(
                        Customer.lookalike_version.is_(None),
                        Customer.lookalike_version != model_version,
                    ),
                ),
            )
        return self.session.scalar(select(func.count()).select_from(Customer).where(stale)) or 0

    def mark_dirty_scored_by_another(self, model_version: str) -> None:
        """Flag the profiled customers whose stored score is not from ``model_version`` (a
        rescoring that was cut short) for a rebuild, which scores them again."""
        self.session.execute(
            update(Customer)
            .where(
                Customer.profiled_at.is_not(None),
                Customer.profile_dirty.is_(False),
                or_(
                    Customer.lookalike_version.is_(None),
                    Customer.lookalike_version != model_version,
                ),
            )
            .values(profile_dirty=True)
        )

    def mark_dirty(self, customer_ids: Collection[str] | None = None) -> None:
        """Flag these customers' profiles (all of them when None) for a rebuild."""
        if customer_ids is None:
            self.session.execute(update(Customer).values(profile_dirty=True))
            return
        for chunk in chunks(customer_ids):
            self.session.execute(
                update(Customer).where(Customer.id.in_(chunk)).values(profile_dirty=True)
            )

    def mark_dirty_for_messages(self, message_ids: Collection[str]) -> None:
        """Flag the profiles of the customers these messages belong to."""
        for chunk in chunks(message_ids):
            owners = select(Message.customer_id).where(Message.id.in_(chunk))
            self.session.execute(
                update(Customer).where(Customer.id.in_(owners)).values(profile_dirty=True)
            )

    def names(self, customer_ids: Collection[str]) -> dict[str, str]:
        """Display names (the name, else the key) of these customers."""
        found: dict[str, str] = {}
        for chunk in chunks(customer_ids):
            query = select(Customer.id, Customer.name, Customer.key).where(Customer.id.in_(chunk))
            found.update({i: name or key for i, name, key in self.session.execute(query)})
        return found

    def topic_names(self) -> dict[int, str]:
        """Current names of the interest topics (a user-given name wins), by topic id."""
        query = select(Topic.id, Topic.name, Topic.user_name).where(Topic.interest.is_(True))
        return {i: user or name for i, name, user in self.session.execute(query)}

    def message_facts(self, customer_ids: Collection[str]) -> dict[str, list[MessageFacts]]:
        """The enriched customer mail (inbound and outbound) of these customers, as profile
        facts. Bulk and automatic mail has no customer unless it is a marketplace's or web
        form's notification, which is the buyer's inquiry (SPEC §4): those count."""
        facts: dict[str, list[MessageFacts]] = defaultdict(list)
        for chunk in chunks(customer_ids):
            rows = self._message_rows(chunk)
            traits = self._traits([row.id for row in rows])
            for row in rows:
                facts[row.customer_id].append(
                    MessageFacts(
                        id=row.id,
                        sent_at=row.sent_at or row.created_at,
                        direction=row.direction,
                        thread_id=row.thread_id,
                        subject=row.subject,
                        text=row.new_text,
                        intent=row.intent,
                        valid_inquiry=None
                        if row.valid_inquiry is None
                        else (
                            bool(row.valid_inquiry["value"]),
                            tuple(row.valid_inquiry["missing"]),
                        ),
                        language=row.language,
                        topic_id=row.topic_id,
                        topic_confidence=row.confidence or 0.0,
                        traits=tuple(traits.get(row.id, ())),
                    )
                )
        return dict(facts)

    def _message_rows(self, customer_ids: Sequence[str]) -> Sequence[Row[Any]]:
        query = (
            select(
                Message.id,
                Message.customer_id,
                Message.sent_at,
                Message.created_at,
                Message.direction,
                Message.thread_id,
                Message.subject,
                Message.new_text,
                Message.intent,
                Message.valid_inquiry,
                Message.language,
                MessageTopic.topic_id,
                MessageTopic.confidence,
            )
            .outerjoin(MessageTopic, MessageTopic.message_id == Message.id)
            .where(
                Message.customer_id.in_(customer_ids),
                Message.direction.in_(("inbound", "outbound")),
                Message.enriched_at.is_not(None),
            )
            .order_by(Message.customer_id, Message.id)
        )
        return self.session.execute(query).all()

    def signatures(self, message_ids: Collection[str]) -> dict[str, str]:
        """The signature split off each of these messages (empty when it has none), by id."""
        found: dict[str, str] = {}
        for chunk in chunks(message_ids):
            query = select(Message.id, Message.signature_text).where(Message.id.in_(chunk))
            found.update({i: signature or "" for i, signature in self.session.execute(query)})
        return found

    def _traits(self, message_ids: Sequence[str]) -> dict[str, list[TraitHit]]:
        found: dict[str, list[TraitHit]] = defaultdict(list)
        for chunk in chunks(message_ids):
            query = select(
                MessageTrait.message_id,
                MessageTrait.name,
                MessageTrait.value,
                MessageTrait.score,
                MessageTrait.evidence,
            ).where(MessageTrait.message_id.in_(chunk))
            for message_id, name, value, score, evidence in self.session.execute(query):
                found[message_id].append(TraitHit(name, value, score, evidence))
        return found

    def save_profiles(
        self,
        profiles: Sequence[dict[str, Any]],
        outcomes: Sequence[dict[str, Any]],
        tags: Sequence[dict[str, Any]],
    ) -> None:
        """Store rebuilt profiles: columns by ``id``, inferred outcomes (kept only where no
        outcome was set through the API), and the tags that replace the old ones."""
        if not profiles:
            return
        ids = [p["id"] for p in profiles]
        for chunk in chunks(ids):
            self.session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(chunk)))
        if tags:
            self.session.execute(insert(CustomerTag), list(tags))
        self.session.execute(update(Customer), [{**p, "profile_dirty": False} for p in profiles])
        if outcomes:
            statement = (
                update(Customer)
                .where(Customer.id == bindparam("b_id"), Customer.outcome_set.is_(None))
                .values(
                    outcome=bindparam("b_outcome"),
                    outcome_source="inferred",
                    outcome_at=bindparam("b_at"),
                )
            )
            self.session.connection().execute(
                statement,
                [
                    {"b_id": o["id"], "b_outcome": o["outcome"], "b_at": o["outcome_at"]}
                    for o in outcomes
                ],
            )

    def outcomes(self) -> dict[str, str]:
        """The outcome in force of every customer with a profile, by id."""
        query = select(Customer.id, Customer.outcome).where(Customer.profiled_at.is_not(None))
        return {str(row[0]): row[1] for row in self.session.execute(query)}

    def features(self, customer_ids: Collection[str] | None = None) -> list[Row[Any]]:
        """(id, name, key, feature_embedding, feature_tags) of profiled customers: the
        lookalike features :func:`app.profiles.lookalike.features_of` reads."""
        query = select(
            Customer.id,
            Customer.name,
            Customer.key,
            Customer.feature_embedding,
            Customer.feature_tags,
        ).where(Customer.profiled_at.is_not(None))
        rows: list[Row[Any]] = []
        if customer_ids is None:
            rows.extend(self.session.execute(query.order_by(Customer.key)))
        else:
            for chunk in chunks(customer_ids):
                rows.extend(self.session.execute(query.where(Customer.id.in_(chunk))))
        return rows

    def save_scores(self, scores: Sequence[dict[str, Any]]) -> None:
        """Store lookalike scores (each dict: ``id`` and the ``lookalike_*`` columns)."""
        if scores:
            self.session.execute(update(Customer), list(scores))
