"""Response bodies of ``/v1/analytics`` (SPEC §8 "Analytics")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

GroupBy = Literal["lead_source", "customer_type", "interest"]


class StageRowOut(BaseModel):
    """How one stage converts: counts, the share converted in the window, KM times."""

    stage: str
    reached: int = Field(description="Customers that reached this stage.")
    converted: int = Field(
        description="Of those, customers that reached a later stage within `window_days`."
    )
    conversion_rate: float | None = Field(
        description="`converted / reached`; null when nobody reached it, or for the last stage."
    )
    median_days: float | None = Field(
        description="Kaplan–Meier median days to a later stage (customers in progress are "
        "censored); null while fewer than half are estimated to have converted."
    )
    p75_days: float | None = Field(
        description="Kaplan–Meier days by which 75 % have reached a later stage; null if not yet."
    )
    lost: int = Field(description="Of those that reached it, lost without a later stage.")
    loss_rate: float | None = Field(description="`lost / reached`; null when nobody reached it.")


class FunnelOut(BaseModel):
    """The funnel of the selected customers, per group and per monthly cohort."""

    stages: list[StageRowOut] = Field(description="One row per stage, in journey order.")
    groups: dict[str, list[StageRowOut]] = Field(
        description="The same rows per group of `group_by` (empty without `group_by`)."
    )
    cohorts: dict[str, list[StageRowOut]] = Field(
        description="The same rows per month of first contact (`YYYY-MM`, oldest first)."
    )
