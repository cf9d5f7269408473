"""``/v1/analytics/funnel``: stage conversion and cycle times of the journey (SPEC §8)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.analytics import service
from app.api.analytics.schemas import FunnelOut, GroupBy
from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Sessions
from app.api.patterns import Date
from app.api.responses import ERROR_RESPONSES

router = APIRouter(
    route_class=GuardedRoute, prefix="/v1/analytics", tags=["analytics"], responses=ERROR_RESPONSES
)


@router.get("/funnel", dependencies=[Depends(require_scope("read"))])
def get_funnel(
    sessions: Sessions,
    start: Annotated[
        Date | None,
        Query(alias="from", description="First contact on or after this date (UTC)."),
    ] = None,
    end: Annotated[
        Date | None, Query(alias="to", description="First contact on or before this date (UTC).")
    ] = None,
    group_by: Annotated[
        GroupBy | None, Query(description="Also give the rows per lead source, type or topic.")
    ] = None,
    window_days: Annotated[
        int,
        Query(
            ge=service.MIN_WINDOW_DAYS,
            le=service.MAX_WINDOW_DAYS,
            description="`converted` counts later stages reached within this many days.",
        ),
    ] = 90,
) -> FunnelOut:
    """Per stage: customers that reached it, the share that reached a later stage within the
    window, Kaplan–Meier median and p75 days to convert; per group and per monthly cohort."""
    with sessions() as session:
        return service.funnel_report(
            session, start=start, end=end, group_by=group_by, window_days=window_days
        )
