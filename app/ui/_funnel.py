"""The funnel report as the dashboard draws it: bars of customers per stage, and per monthly
cohort how far its customers got and how each stage converted. Pure functions of the rows
the analytics service returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.api.analytics.schemas import StageRowOut
from app.ui._format import label, percent
from app.ui.charts import Bar, Series, bar_chart, heatmap, line_chart

Cohorts = Mapping[str, Sequence[StageRowOut]]
REACH_STAGES = ("quotation", "sample", "trial_order")


def reached_chart(rows: Sequence[StageRowOut], *, title: str) -> str:
    """Horizontal bars of how many customers reached each stage, in journey order, each
    written as ``<reached> · <conversion rate>`` (the share that went further)."""
    bars = [
        Bar(
            label=label(row.stage),
            value=float(row.reached),
            text=f"{row.reached} · {percent(row.conversion_rate)}",
        )
        for row in rows
    ]
    return bar_chart(bars, title=title)


def months_of(cohorts: Cohorts) -> list[str]:
    """Every month (``YYYY-MM``) from the oldest cohort to the newest, those without a
    cohort included, so that charts keep time evenly spaced; malformed keys are left out."""
    keys = sorted(
        key for key in cohorts if len(key) == 7 and key[:4].isdigit() and key[5:].isdigit()
    )
    if not keys:
        return []
    year, month = int(keys[0][:4]), int(keys[0][5:])
    months = []
    while (current := f"{year:04d}-{month:02d}") <= keys[-1]:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def reach_series(
    cohorts: Cohorts, stages: Sequence[str] = REACH_STAGES
) -> tuple[list[str], list[Series]]:
    """Months (:func:`months_of`) and, per stage of ``stages``, the share of each month's
    cohort (customers that reached the first stage) that has reached that stage; None for a
    month without customers."""
    months = months_of(cohorts)
    series: list[Series] = []
    for stage in stages:
        shares: list[float | None] = []
        for month in months:
            rows = cohorts.get(month, [])
            size = rows[0].reached if rows else 0
            reached = next((row.reached for row in rows if row.stage == stage), 0)
            shares.append(reached / size if size else None)
        series.append(Series(name=f"reached {label(stage)}", values=shares))
    return months, series


def reach_chart(cohorts: Cohorts, *, title: str) -> str:
    """Lines of :func:`reach_series`: how far each month's new customers have got."""
    months, series = reach_series(cohorts)
    return line_chart(months, series, title=title)


def conversion_grid(cohorts: Cohorts) -> tuple[list[str], list[str], list[list[float | None]]]:
    """Months (:func:`months_of`), the stages that have a conversion rate in some month
    (journey order), and ``rates[stage][month]``: that stage's conversion rate in that
    month's cohort (None without one)."""
    months = months_of(cohorts)
    stages: list[str] = []
    for month in months:
        stages.extend(row.stage for row in cohorts.get(month, []) if row.stage not in stages)
    by_month = [
        {row.stage: row.conversion_rate for row in cohorts.get(month, [])} for month in months
    ]
    rates = [[rates.get(stage) for rates in by_month] for stage in stages]
    kept = [index for index, row in enumerate(rates) if any(v is not None for v in row)]
    return months, [stages[i] for i in kept], [rates[i] for i in kept]


def conversion_heatmap(cohorts: Cohorts, *, title: str) -> str:
    """A cohort × stage grid of conversion rates (:func:`conversion_grid`), months across."""
    months, stages, rates = conversion_grid(cohorts)
    return heatmap(months, [label(stage) for stage in stages], rates, title=title)
