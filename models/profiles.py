"""Customer profiles (SPEC §5-§7) from the enriched facts of one customer's messages.

Pure: typed message facts in, a :class:`Profile` out. The store, the API's outcome override
and the lookalike score are the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from models._message_facts import STAGES, MessageFacts, Stage
from models._profile_stages import (
    ORDER_STAGES,
    first_valid_inquiry,
    infer_outcome,
    reached_stages,
)
from models._profile_traits import trait_support
from models.interests import interest_weights, item_lines
from models.traits import TRAIT_VOCABULARY, responsiveness

__all__ = [
    "STAGES",
    "Evidence",
    "InferredOutcome",
    "MessageFacts",
    "Profile",
    "ProfileTag",
    "Stage",
    "StageInfo",
    "build_profile",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A message behind a tag, with the snippet that shows why."""

    message_id: str
    sent_at: datetime
    subject: str
    snippet: str


@dataclass(frozen=True, slots=True)
class ProfileTag:
    """One tag of a profile: ``id`` is ``topic:<n>`` or ``trait:<name>:<value>``."""

    id: str
    kind: Literal["interest", "trait"]
    name: str
    value: str | None
    score: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class StageInfo:
    """The furthest stage reached, the date each stage was reached, the first inquiry's check."""

    current: Stage
    reached: Mapping[Stage, datetime]
    valid_inquiry: tuple[bool, tuple[str, ...]] | None


@dataclass(frozen=True, slots=True)
class InferredOutcome:
    """``won`` / ``lost`` inferred from the mail (``open`` when neither), with its date."""

    value: Literal["won", "lost", "open"]
    at: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the mail says about one customer."""

    stage: StageInfo
    outcome: InferredOutcome
    tags: tuple[ProfileTag, ...]
    country: str | None
    languages: tuple[str, ...]
    inbound: int
    outbound: int
    first_contact_at: datetime | None
    last_contact_at: datetime | None
    cutoff: datetime | None  # lookalike features use messages before it (None: all)


def build_profile(
    messages: Sequence[MessageFacts],
    topic_names: Mapping[int, str],
    *,
    now: datetime,
    lost_after_days: int = 90,
) -> Profile:
    """The profile of a customer with these messages (any order; may be empty).

    Stages, outcome and cutoff follow SPEC §6–§7 (see :mod:`models._profile_stages`; an
    explicit refusal is found by :func:`models._refusal.find_refusal` in inbound mail
    only). Tags: interests are the topics of ``topic_names`` (the interest topics) holding
    at least 20 % of the customer's weight in them (:func:`models.interests.
    interest_weights`: messages with item lines, or for a customer without any, those placed
    by their text; our messages at half weight), scored by that share, with the item lines
    as evidence; traits aggregate the messages' hits by noisy-or over distinct evidence, one
    value per single-valued trait (see :mod:`models._profile_traits`); languages come from
    inbound messages, responsiveness from reply latencies. Every tag carries up to 3
    evidence items, most recent first, snippets of at most 200 characters. Interest tags
    come first (score descending), then traits by name and value.
    """
    ordered = sorted(messages, key=lambda m: (m.sent_at, m.id))
    found = reached_stages(ordered)
    reached = {stage: found[stage] for stage in STAGES if stage in found}
    current: Stage = max(reached, key=STAGES.index) if reached else "lead"
    value, at, reason = infer_outcome(ordered, reached, now=now, lost_after_days=lost_after_days)
    ends = [reached[s] for s in ORDER_STAGES if s in reached]
    if value != "open" and at is not None:
        ends.append(at)
    interests = _interest_tags(ordered, topic_names)
    traits = sorted(
        [*_trait_tags(ordered), *_language_tags(ordered), *_responsiveness_tags(ordered)],
        key=lambda t: (t.name, t.value or ""),
    )
    languages = sorted((t for t in traits if t.name == "language"), key=lambda t: -t.score)
    return Profile(
        stage=StageInfo(current, reached, first_valid_inquiry(ordered)),
        outcome=InferredOutcome(value, at, reason),
        tags=(*interests, *traits),
        country=next((t.value for t in traits if t.name == "country"), None),
        languages=tuple(t.value for t in languages if t.value is not None),
        inbound=sum(m.direction == "inbound" for m in ordered),
        outbound=sum(m.direction == "outbound" for m in ordered),
        first_contact_at=ordered[0].sent_at if ordered else None,
        last_contact_at=ordered[-1].sent_at if ordered else None,
        cutoff=min(ends, default=None),
    )


# --- tags -------------------------------------------------------------------------------

_MAX_EVIDENCE = 3
_SNIPPET_CHARS = 200
_MIN_INTEREST_SHARE = 0.2
_MIN_LANGUAGE_SHARE = 0.2
_MIN_LANGUAGE_MESSAGES = 2


def _interest_tags(
    ordered: Sequence[MessageFacts], topic_names: Mapping[int, str]
) -> list[ProfileTag]:
    weights = interest_weights(
        ((m.topic_id, m.text, m.direction == "inbound") for m in ordered), topic_names
    )
    total = sum(weights.values())
    tags = [
        ProfileTag(
            id=f"topic:{topic}",
            kind="interest",
            name=topic_names[topic],
            value=None,
            score=round(weight / total, 4),
            evidence=_evidence((m, _items_or_opening(m)) for m in ordered if m.topic_id == topic),
        )
        for topic, weight in weights.items()
        if weight / total >= _MIN_INTEREST_SHARE
    ]
    tags.sort(key=lambda t: (-t.score, int(t.id.partition(":")[2])))
    return tags


def _trait_tags(ordered: Sequence[MessageFacts]) -> list[ProfileTag]:
    return [
        _trait_tag(found.name, found.value, found.score, _evidence(found.evidence))
        for found in trait_support(ordered)
    ]


def _language_tags(ordered: Sequence[MessageFacts]) -> list[ProfileTag]:
    known = TRAIT_VOCABULARY["language"]
    detected = [m for m in ordered if m.direction == "inbound" and m.language in known]
    by_language: dict[str, list[MessageFacts]] = {}
    for m in detected:
        by_language.setdefault(str(m.language), []).append(m)
    return [
        _trait_tag(
            "language",
            code,
            len(group) / len(detected),
            _evidence((m, _opening(m)) for m in group),
        )
        for code, group in by_language.items()
        if len(group) / len(detected) >= _MIN_LANGUAGE_SHARE or len(group) >= _MIN_LANGUAGE_MESSAGES
    ]


def _responsiveness_tags(ordered: Sequence[MessageFacts]) -> list[ProfileTag]:
    """Each first inbound message after an outbound one in the same thread is a reply."""
    awaiting: dict[str, datetime] = {}
    replies: list[tuple[MessageFacts, float]] = []
    for m in ordered:
        if m.direction == "outbound":
            awaiting[m.thread_id] = m.sent_at
        elif m.thread_id in awaiting:
            hours = (m.sent_at - awaiting.pop(m.thread_id)).total_seconds() / 3600
            replies.append((m, hours))
    hit = responsiveness([hours for _, hours in replies])
    if hit is None:
        return []
    evidence = _evidence((m, f"reply after {hours:.1f} h ({hit.evidence})") for m, hours in replies)
    return [_trait_tag(hit.name, hit.value, hit.score, evidence)]


def _trait_tag(name: str, value: str, score: float, evidence: tuple[Evidence, ...]) -> ProfileTag:
    return ProfileTag(f"trait:{name}:{value}", "trait", name, value, round(score, 4), evidence)


def _evidence(items: Iterable[tuple[MessageFacts, str]]) -> tuple[Evidence, ...]:
    newest = sorted(items, key=lambda item: (item[0].sent_at, item[0].id), reverse=True)
    return tuple(
        Evidence(m.id, m.sent_at, m.subject, _cut(text)) for m, text in newest[:_MAX_EVIDENCE]
    )


def _items_or_opening(message: MessageFacts) -> str:
    lines = item_lines(message.text)
    return " · ".join(lines) if lines else _opening(message)


def _opening(message: MessageFacts) -> str:
    return message.text if message.text.strip() else message.subject


def _cut(text: str) -> str:
    """``text`` on one line, cut at a word boundary to at most 200 characters ("…" ending)."""
    flat = " ".join(text.split())
    if len(flat) <= _SNIPPET_CHARS:
        return flat
    cut = flat[: _SNIPPET_CHARS - 1]
    space = cut.rfind(" ")
    if space > _SNIPPET_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
