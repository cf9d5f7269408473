"""Tagging: read one email statelessly; list and rename tags of the store."""

from __future__ import annotations

import re
from email.errors import HeaderDefect
from email.message import EmailMessage
from functools import partial
from typing import Literal

from sqlalchemy.orm import Session

from app.api.pagination import decode_cursor, encode_cursor
from app.api.tags.schemas import Evidence, TagOut, TagResult, TagSummary, ValidInquiry
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.tables import Topic
from app.enrichment.enricher import MessageInput, enrich
from app.enrichment.topic_assignment import assign_stored_topics
from app.errors import InvalidRequestError, NotFoundError, TagNotRenamableError
from ingest.mime import ParseError, parse_message
from models.embedder import Embedder
from models.inquiry import check_inquiry

_HTML = re.compile(r"<\s*(html|body|div|p|br|table|span)\b", re.IGNORECASE)
_TAG_ID = re.compile(r"(topic:\d{1,9}|trait:[a-z_]{1,40}:[A-Za-z_]{1,40})")
_SNIPPET = 200


def _as_email(subject: str | None, body: str, sender: str | None) -> bytes:
    message = EmailMessage()
    try:
        if subject:
            message["Subject"] = subject
        if sender:
            message["From"] = sender
    except (ValueError, HeaderDefect) as exc:
        raise InvalidRequestError(f"body: a header value is not valid: {exc}") from None
    message.set_content(body, subtype="html" if _HTML.search(body) else "plain", charset="utf-8")
    return message.as_bytes()


def tag_email(
    session: Session, embedder: Embedder, subject: str | None, body: str, sender: str | None
) -> TagResult:
    """Language, intent, inquiry check and tags of one email; nothing is stored."""
    try:
        parsed = parse_message(_as_email(subject, body, sender))
    except ParseError as exc:
        raise InvalidRequestError(f"body: not readable as an email: {exc.reason}") from None
    sender_email = parsed.sender.email if parsed.sender else None
    item = MessageInput(
        parsed.subject, parsed.parts.new_text, parsed.parts.signature, sender_email, "inbound"
    )
    [found] = enrich(embedder, partial(assign_stored_topics, session), [item])
    inquiry = found.inquiry or check_inquiry(
        item.subject, item.new_text, item.signature, sender_email
    )
    best: dict[tuple[str, str], TagOut] = {}
    for hit in found.traits:
        tag = TagOut(
            id=f"trait:{hit.name}:{hit.value}",
            kind="trait",
            name=hit.name,
            value=hit.value,
            score=round(hit.score, 4),
            evidence=[Evidence(snippet=hit.evidence)],
        )
        key = (hit.name, hit.value)
        if key not in best or best[key].score < tag.score:
            best[key] = tag
    tags = list(best.values())
    topic = None if found.topic is None else found.topic.topic_id
    row = (
        None
        if topic is None
        else EnrichmentRepository(session).get_topic(topic, interests_only=True)
    )
    if found.topic is not None and row is not None:
        tags.append(
            TagOut(
                id=f"topic:{row.id}",
                kind="interest",
                name=row.user_name or row.name,
                value=None,
                score=round(found.topic.confidence, 4),
                evidence=[Evidence(snippet=(item.new_text or item.subject)[:_SNIPPET])],
            )
        )
    return TagResult(
        language=found.language,
        intent=found.intent.intent,
        valid_inquiry=ValidInquiry(value=inquiry.value, missing=list(inquiry.missing)),
        tags=tags,
    )


def _topic_summary(topic: Topic, counts: dict[int, tuple[int, int]]) -> TagSummary:
    customers, messages = counts.get(topic.id, (0, 0))
    return TagSummary(
        id=f"topic:{topic.id}",
        kind="interest",
        name=topic.user_name or topic.name,
        value=None,
        keywords=list(topic.keywords),
        customers=customers,
        messages=messages,
    )


def list_tags(
    session: Session, kind: Literal["interest", "trait"] | None, limit: int, cursor: str | None
) -> tuple[list[TagSummary], str | None]:
    """Tags sorted by id, one page after ``cursor``."""
    repository = EnrichmentRepository(session)
    items: list[TagSummary] = []
    if kind in (None, "interest"):
        counts = repository.topic_counts()
        items.extend(
            _topic_summary(topic, counts) for topic in repository.topics(interests_only=True)
        )
    if kind in (None, "trait"):
        items.extend(
            TagSummary(
                id=f"trait:{name}:{value}",
                kind="trait",
                name=name,
                value=value,
                keywords=[],
                customers=customers,
                messages=messages,
            )
            for name, value, customers, messages in repository.trait_counts()
        )
    items.sort(key=lambda t: t.id)
    if cursor is not None:
        after = decode_cursor(cursor, "tags", _TAG_ID)
        items = [t for t in items if t.id > after]
    page = items[:limit]
    more = len(items) > limit
    return page, encode_cursor("tags", page[-1].id) if more and page else None


def rename_topic(session: Session, tag_id: str, name: str) -> TagSummary:
    """Give a topic a name of the user's; it survives re-clustering."""
    if tag_id.startswith("trait:") and _TAG_ID.fullmatch(tag_id):
        raise TagNotRenamableError("trait tags have fixed names; only topics can be renamed")
    match = re.fullmatch(r"topic:(\d{1,9})", tag_id)
    repository = EnrichmentRepository(session)
    topic = repository.get_topic(int(match.group(1)), interests_only=True) if match else None
    if topic is None:
        raise NotFoundError(f"no tag {tag_id!r}")
    topic.user_name = name.strip() or None
    return _topic_summary(topic, EnrichmentRepository(session).topic_counts())
