"""How profile tags and lookalike explanations are stored and shown: plain JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.db.repositories.won_neighbours import WonNeighbour
from models.lookalike import Score, StageAwareScore
from models.profiles import ProfileTag


def describe_tag(tag_id: str, topic_names: Mapping[int, str]) -> dict[str, Any]:
    """``{"id", "kind", "name", "value"}`` of a tag id (``topic:<n>``,
    ``trait:<name>:<value>``, or the lookalike's ``derived:<name>:<value>``, shown as a
    trait); a topic that no longer exists is named ``topic <n>``."""
    family, _, rest = tag_id.partition(":")
    if family == "topic":
        number = int(rest) if rest.isdigit() else -1
        return {
            "id": tag_id,
            "kind": "interest",
            "name": topic_names.get(number, f"topic {rest}"),
            "value": None,
        }
    name, _, value = rest.partition(":")
    return {"id": tag_id, "kind": "trait", "name": name, "value": value or None}


def tag_row(customer_id: str, tag: ProfileTag) -> dict[str, Any]:
    """The ``customer_tags`` row of one profile tag, its evidence as JSON."""
    return {
        "customer_id": customer_id,
        "tag_id": tag.id,
        "kind": tag.kind,
        "name": tag.name,
        "value": tag.value,
        "score": tag.score,
        "evidence": [
            {
                "message_id": e.message_id,
                "date": e.sent_at.isoformat(),
                "subject": e.subject,
                "snippet": e.snippet,
            }
            for e in tag.evidence
        ],
    }


def explanation(
    score: Score,
    nearest_won: Sequence[WonNeighbour],
    topic_names: Mapping[int, str],
    stage_aware: StageAwareScore | None = None,
) -> dict[str, Any]:
    """The stored explanation of a score: the nearest won customers, the shared tags, and
    (for a stored customer) its stage-aware score, ``{"score", "percentile"}``, else None."""
    return {
        "nearest_won": [
            {"customer_id": n.customer_id, "name": n.name, "similarity": n.similarity}
            for n in nearest_won
        ],
        "shared_tags": [
            {
                **describe_tag(t.id, topic_names),
                "weight": round(t.weight, 4),
                "won_share": round(t.won_share, 4),
            }
            for t in score.shared_tags
        ],
        "stage_aware": None
        if stage_aware is None
        else {
            "score": round(stage_aware.score, 4),
            "percentile": round(stage_aware.percentile, 1),
        },
    }
