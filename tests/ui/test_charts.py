"""The SVG chart helpers and the funnel's chart data: pure functions, data in, SVG out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from app.api.analytics.schemas import StageRowOut
from app.ui._funnel import conversion_grid, months_of, reach_series, reached_chart
from app.ui.charts import Bar, Milestone, Series, bar_chart, heatmap, line_chart, meter, timeline

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The SVG as an element tree (fails on anything that is not well-formed XML)."""
    return ET.fromstring(svg)


def marks(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    """The SVG elements ``<tag class="css_class">``, in document order."""
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == css_class]


def texts(root: ET.Element) -> list[str]:
    """Every ``<text>`` of the SVG, in document order."""
    return [e.text or "" for e in root.iter(f"{SVG}text")]


def test_bars_are_proportional_to_their_values() -> None:
    root = parse(
        bar_chart(
            [Bar("lead", 80, "80"), Bar("inquiry", 40, "40"), Bar("sample", 0, "0")],
            title="Customers",
        )
    )
    bars = marks(root, "rect", "bar")
    assert [b.get("data-label") for b in bars] == ["lead", "inquiry", "sample"]
    widths = [float(b.get("width", "nan")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[0] > 0
    assert widths[2] == 0
    assert [float(b.get("data-value", "nan")) for b in bars] == [80, 40, 0]
    assert root.get("aria-label") == "Customers"
    assert {"80", "40", "0", "lead"} <= set(texts(root))


def test_text_is_escaped_not_interpreted() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    root = parse(bar_chart([Bar(hostile, 1, hostile)], title=hostile))
    assert hostile in texts(root)
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
    assert root.get("aria-label") == hostile


def test_no_bars_says_so() -> None:
    root = parse(bar_chart([], title="empty"))
    assert marks(root, "rect", "bar") == []
    assert "no data" in texts(root)


def test_line_chart_places_points_by_value_and_breaks_at_gaps() -> None:
    root = parse(
        line_chart(
            ["2025-01", "2025-02", "2025-03", "2025-04"],
            [
                Series("quotation", [1.0, 0.5, None, 0.0]),
                Series("sample", [0.25, 0.25, 0.25, 0.25]),
            ],
            title="Cohorts",
        )
    )
    points = marks(root, "circle", "point")
    quotation = [p for p in points if p.get("data-series") == "quotation"]
    assert [p.get("data-x") for p in quotation] == ["2025-01", "2025-02", "2025-04"]
    ys = [float(p.get("cy", "nan")) for p in quotation]
    assert ys[0] < ys[1] < ys[2]  # higher values are drawn higher up
    top, middle, bottom = ys
    assert middle - top == pytest.approx(bottom - middle)
    # the gap at 2025-03 splits quotation into two runs: one line of two points, one lone
    # point (no line); sample is one line of four points
    lines = [p.get("points", "").split() for p in root.iter(f"{SVG}polyline")]
    assert sorted(len(line) for line in lines) == [2, 4]
    assert {"quotation", "sample", "0 %", "100 %"} <= set(texts(root))


def test_line_chart_thins_out_many_x_labels() -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
    root = parse(line_chart(months, [Series("s", [0.5] * 24)], title="t"))
    shown = [t for t in texts(root) if t in months]
    assert shown == months[::2]
    assert len(marks(root, "circle", "point")) == 24


def test_heatmap_shades_by_value_and_leaves_none_blank() -> None:
    root = parse(
        heatmap(["2025-01", "2025-02"], ["lead", "sample"], [[1.0, 0.0], [None, 0.5]], title="h")
    )
    cells = {(c.get("data-y"), c.get("data-x")): c for c in marks(root, "rect", "cell")}
    assert len(cells) == 4
    assert cells[("lead", "2025-01")].get("fill") == "#0072b2"
    assert cells[("lead", "2025-02")].get("fill") == "#ffffff"
    assert cells[("sample", "2025-01")].get("data-value") == ""
    assert cells[("sample", "2025-02")].get("data-value") == "0.5"
    assert {"100 %", "0 %", "50 %"} <= set(texts(root))


def test_timeline_writes_dates_and_gaps_in_order() -> None:
    root = parse(
        timeline(
            [
                Milestone("lead", datetime(2025, 1, 1, tzinfo=UTC)),
                Milestone("quotation", datetime(2025, 1, 13, tzinfo=UTC)),
                Milestone("lost", datetime(2025, 4, 13, tzinfo=UTC), tone="lost"),
            ],
            title="Stages",
        )
    )
    dots = marks(root, "circle", "milestone")
    assert [d.get("data-label") for d in dots] == ["lead", "quotation", "lost"]
    xs = [float(d.get("cx", "nan")) for d in dots]
    assert xs == sorted(xs)
    assert dots[2].get("fill") != dots[0].get("fill")
    assert {"2025-01-01", "2025-01-13", "+12 d", "+90 d"} <= set(texts(root))


def test_timeline_without_stages() -> None:
    assert "no stages yet" in texts(parse(timeline([], title="Stages")))


@pytest.mark.parametrize(("value", "expected"), [(0.5, 120.0), (1.7, 240.0), (-1.0, 0.0)])
def test_meter_fills_its_share_clamped(value: float, expected: float) -> None:
    root = parse(meter(value, title="score", mark=0.25))
    [fill] = marks(root, "rect", "fill")
    assert float(fill.get("width", "nan")) == expected
    [mark] = marks(root, "line", "mark")
    assert float(mark.get("x1", "nan")) == 60.0


def row(stage: str, reached: int, rate: float | None) -> StageRowOut:
    """A funnel row with these counts (times and losses left empty)."""
    return StageRowOut(
        stage=stage,
        reached=reached,
        converted=0 if rate is None else round(reached * rate),
        conversion_rate=rate,
        median_days=None,
        p75_days=None,
        lost=0,
        loss_rate=None,
    )


COHORTS = {
    "2025-02": [row("lead", 4, 0.5), row("quotation", 2, 0.5), row("sample", 1, None)],
    "2025-01": [row("lead", 10, 0.8), row("quotation", 8, 0.25), row("sample", 2, None)],
}


def test_reach_series_is_the_share_of_each_cohort_that_got_there() -> None:
    months, series = reach_series(COHORTS, ["quotation", "sample", "trial_order"])
    assert months == ["2025-01", "2025-02"]
    assert [s.name for s in series] == [
        "reached quotation",
        "reached sample",
        "reached trial order",
    ]
    assert [list(s.values) for s in series] == [[0.8, 0.5], [0.2, 0.25], [0.0, 0.0]]


def test_months_without_a_cohort_are_gaps() -> None:
    cohorts = {"2024-11": COHORTS["2025-01"], "2025-02": COHORTS["2025-02"], "2025-03": []}
    months, series = reach_series(cohorts, ["quotation"])
    assert months == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
    assert list(series[0].values) == [0.8, None, None, 0.5, None]
    grid_months, stages, rates = conversion_grid(cohorts)
    assert grid_months == months
    assert rates[stages.index("quotation")] == [0.25, None, None, 0.5, None]


def test_months_of_ignores_keys_that_are_not_months() -> None:
    assert months_of({"2025-12": [], "unknown": [], "2026-01": []}) == ["2025-12", "2026-01"]
    assert months_of({}) == []


def test_conversion_grid_keeps_stages_with_a_rate() -> None:
    months, stages, rates = conversion_grid(COHORTS)
    assert months == ["2025-01", "2025-02"]
    assert stages == ["lead", "quotation"]  # sample never has a rate: no row for it
    assert rates == [[0.8, 0.5], [0.25, 0.5]]


def test_reached_chart_writes_counts_and_rates() -> None:
    root = parse(reached_chart(COHORTS["2025-01"], title="Funnel"))
    assert [b.get("data-value") for b in marks(root, "rect", "bar")] == ["10.0", "8.0", "2.0"]
    assert {"10 · 80.0 %", "8 · 25.0 %", "2 · –"} <= set(texts(root))
