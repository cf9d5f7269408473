"""What the customer page shows of a profile: the stage timeline, the lookalike meter, the
tags by kind. A pure function of the API's own :class:`CustomerOut`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.api.customers.schemas import CustomerOut
from app.ui._format import label
from app.ui._params import STAGES
from app.ui.charts import Milestone, meter, timeline


def stage_milestones(profile: CustomerOut) -> list[Milestone]:
    """Each stage reached, in journey order, with its date; then the outcome when it is
    ``won`` or ``lost`` and dated."""
    reached: list[tuple[str, datetime]] = [
        (stage, profile.stage.reached[stage]) for stage in STAGES if stage in profile.stage.reached
    ]
    milestones = [Milestone(label=label(stage), at=at) for stage, at in reached]
    outcome = profile.outcome
    if outcome.value != "open" and outcome.at is not None:
        milestones.append(Milestone(label=outcome.value, at=outcome.at, tone=outcome.value))
    return milestones


def customer_context(profile: CustomerOut) -> dict[str, Any]:
    """The template variables of the customer page: the profile, its timeline and meter
    as SVG, its interest and trait tags apart, and the stages reached in order."""
    lookalike = profile.lookalike
    return {
        "profile": profile,
        "reached": [
            (stage, profile.stage.reached[stage])
            for stage in STAGES
            if stage in profile.stage.reached
        ],
        "timeline_svg": timeline(stage_milestones(profile), title="Stage timeline"),
        "meter_svg": None
        if lookalike is None
        else meter(
            lookalike.score,
            mark=lookalike.percentile / 100,
            title=f"Lookalike score {lookalike.score:.3f}; the line marks its percentile",
        ),
        "interest_tags": [tag for tag in profile.tags if tag.kind == "interest"],
        "trait_tags": [tag for tag in profile.tags if tag.kind == "trait"],
    }
