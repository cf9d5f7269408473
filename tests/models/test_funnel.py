"""Journey analytics (SPEC §6): Kaplan–Meier by hand, censoring of open and lost customers,
the conversion window, and the invariants of the funnel over generated journeys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.funnel import Journey, StageRow, by_cohort, funnel, kaplan_meier, km_quantile
from models.profiles import STAGES

BASE = datetime(2024, 1, 1, tzinfo=UTC)
NOW = BASE + timedelta(days=100)
Outcome = Literal["won", "lost", "open"]


def day(n: float) -> datetime:
    return BASE + timedelta(days=n)


def journey(
    name: str,
    stages: dict[str, float],
    outcome: Outcome = "open",
    outcome_day: float | None = None,
) -> Journey:
    return Journey(
        customer_id=name,
        first_contact=day(min(stages.values())),
        reached={stage: day(n) for stage, n in stages.items()},
        outcome=outcome,
        outcome_at=None if outcome_day is None else day(outcome_day),
    )


def row(rows: list[StageRow], stage: str) -> StageRow:
    [found] = [r for r in rows if r.stage == stage]
    return found


def test_kaplan_meier_by_hand() -> None:
    # durations 1E 2E 2C 3E 4C 5E (E event, C censored; a subject censored at t is at risk at t)
    # t=1: 6 at risk, 1 event: S = 5/6
    # t=2: 5 at risk, 1 event: S = 5/6 * 4/5 = 2/3   (the censored one leaves after t=2)
    # t=3: 3 at risk, 1 event: S = 2/3 * 2/3 = 4/9
    # t=4: censored, 1 left
    # t=5: 1 at risk, 1 event: S = 4/9 * 0 = 0
    curve = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    assert [t for t, _ in curve] == [1, 2, 3, 5]
    assert [s for _, s in curve] == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0.0], abs=1e-12)
    assert km_quantile(curve, 0.5) == 3  # first step with S <= 1/2: 4/9 at t=3
    assert km_quantile(curve, 0.75) == 5  # first step with S <= 1/4: 0 at t=5
    assert km_quantile(curve, 0.1) == 1


def test_kaplan_meier_edges() -> None:
    assert kaplan_meier([], []) == []
    assert kaplan_meier([3, 4], [False, False]) == []
    assert kaplan_meier([2, 2, 2], [True, True, True]) == [(2, 0.0)]
    assert km_quantile([], 0.5) is None
    # exactly half at t=1 (S = 1/2): the median is that first time
    assert km_quantile(kaplan_meier([1, 2], [True, False]), 0.5) == 1
    with pytest.raises(ValueError, match="observed"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="non-negative"):
        kaplan_meier([-1], [True])
    with pytest.raises(ValueError, match="non-negative"):
        kaplan_meier([float("nan")], [True])
    for q in (0.0, 1.5):
        with pytest.raises(ValueError, match="q must be"):
            km_quantile([(1.0, 0.0)], q)


def test_funnel_with_censoring_by_hand() -> None:
    journeys = [
        journey("a", {"inquiry": 0, "quotation": 10}),  # event at 10
        journey("b", {"inquiry": 0, "quotation": 30}),  # event at 30
        journey("c", {"inquiry": 0}, "lost", 20),  # lost: censored at its loss, 20
        journey("d", {"inquiry": 80}),  # open: censored at now - 80 = 20
        journey("e", {"inquiry": 0, "trial_order": 50}, "won", 50),  # skips ahead: event at 50
        journey("f", {"inquiry": 0}),  # open: censored at 100
    ]
    rows = funnel(journeys, window_days=30, now=NOW)
    assert [r.stage for r in rows] == list(STAGES)
    inquiry = row(rows, "inquiry")
    # 10E 20C 20C 30E 50E 100C
    # t=10: 6 at risk, S = 5/6; two censored at 20 leave 3 at risk
    # t=30: 3 at risk, S = 5/6 * 2/3 = 5/9 (> 1/2)
    # t=50: 2 at risk, S = 5/9 * 1/2 = 5/18 (<= 1/2, > 1/4): median 50, no p75
    assert (inquiry.reached, inquiry.converted, inquiry.lost) == (6, 2, 1)
    assert inquiry.conversion_rate == pytest.approx(2 / 6)
    assert inquiry.loss_rate == pytest.approx(1 / 6)
    assert inquiry.median_days == pytest.approx(50)
    assert inquiry.p75_days is None
    quotation = row(rows, "quotation")  # a at 10 and b at 30, both open: censored at 90, 70
    assert (quotation.reached, quotation.converted, quotation.lost) == (2, 0, 0)
    assert quotation.conversion_rate == 0.0
    assert quotation.median_days is None
    for nobody in ("lead", "sample"):
        assert row(rows, nobody) == StageRow(nobody, 0, 0, None, None, None, 0, None)
    trial = row(rows, "trial_order")
    assert (trial.reached, trial.converted, trial.conversion_rate) == (1, 0, 0.0)


def test_the_window_boundary_is_inclusive() -> None:
    journeys = [
        journey("a", {"inquiry": 0, "quotation": 10}),
        journey("b", {"inquiry": 0, "quotation": 30}),
        journey("c", {"inquiry": 0}),
    ]
    converted = {
        w: row(funnel(journeys, window_days=w, now=NOW), "inquiry").converted
        for w in (9, 10, 29, 30, 365)
    }
    assert converted == {9: 0, 10: 1, 29: 1, 30: 2, 365: 2}
    # the window changes the counts, never the Kaplan–Meier times
    medians = {
        row(funnel(journeys, window_days=w, now=NOW), "inquiry").median_days for w in (1, 30)
    }
    assert medians == {30}


def test_lost_customers_are_censored_at_the_loss() -> None:
    won_fast = journey("x", {"inquiry": 0, "quotation": 10})
    lost = journey("y", {"inquiry": 0}, "lost", 5)
    # lost at 5: 5C 10E -> t=10: 1 at risk, S = 0: median and p75 both 10
    rows = funnel([won_fast, lost], window_days=90, now=NOW)
    assert (row(rows, "inquiry").median_days, row(rows, "inquiry").p75_days) == (10, 10)
    assert row(rows, "inquiry").lost == 1
    # the same customer open is at risk until now (censored at 100):
    # 10E 100C -> t=10: 2 at risk, S = 1/2: median 10, no p75
    still_open = journey("y", {"inquiry": 0})
    rows = funnel([won_fast, still_open], window_days=90, now=NOW)
    assert (row(rows, "inquiry").median_days, row(rows, "inquiry").p75_days) == (10, None)
    assert row(rows, "inquiry").lost == 0


def test_conversion_wins_over_a_loss_and_the_future_is_ignored() -> None:
    journeys = [
        journey("lost-after-quoting", {"inquiry": 0, "quotation": 10}, "lost", 40),
        journey("lost-later", {"inquiry": 0}, "lost", 150),  # after now: still open
        journey("undated-loss", {"inquiry": 0}, "lost"),  # censored at the stage date
        journey("future-quote", {"inquiry": 0, "quotation": 120}),  # not quoted by now
    ]
    rows = funnel(journeys, window_days=90, now=NOW)
    inquiry = row(rows, "inquiry")
    assert (inquiry.reached, inquiry.converted, inquiry.lost) == (4, 1, 1)
    quotation = row(rows, "quotation")
    assert (quotation.reached, quotation.lost) == (1, 1)  # lost at 40 without a later stage


def test_stages_out_of_order_convert_at_zero_days() -> None:
    rows = funnel(
        [journey("a", {"inquiry": 0, "trial_order": 10, "sample": 20})], window_days=1, now=NOW
    )
    sample = row(rows, "sample")
    assert (sample.converted, sample.median_days) == (1, 0)
    assert row(rows, "inquiry").median_days == 10


def test_the_last_stage_has_no_conversion() -> None:
    stages = {s: float(i) for i, s in enumerate(STAGES)}
    rows = funnel([journey("a", stages, "won", 4)], window_days=90, now=NOW)
    assert rows[-1] == StageRow("repeat_order", 1, 0, None, None, None, 0, 0.0)
    assert all(r.converted == 1 and r.median_days == 1 for r in rows[:-1])


def test_empty_input_and_bad_arguments() -> None:
    rows = funnel([], window_days=90, now=NOW)
    assert rows == [StageRow(s, 0, 0, None, None, None, 0, None) for s in STAGES]
    with pytest.raises(ValueError, match="window_days"):
        funnel([], window_days=0, now=NOW)
    with pytest.raises(ValueError, match="aware"):
        funnel([], window_days=90, now=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="unknown stage"):
        funnel([journey("a", {"negotiating": 1})], window_days=90, now=NOW)


def test_cohorts_are_months_of_first_contact_in_order() -> None:
    journeys = [
        journey("march", {"lead": 70}),
        journey("january", {"lead": 3}),
        journey("late-january", {"lead": 30.9}),
    ]
    cohorts = by_cohort(journeys)
    assert list(cohorts) == ["2024-01", "2024-03"]
    assert [j.customer_id for j in cohorts["2024-01"]] == ["january", "late-january"]
    assert by_cohort([]) == {}


OUTCOMES: tuple[Outcome, ...] = ("won", "lost", "open")


@st.composite
def prefix_journeys(draw: st.DrawFn, outcomes: tuple[Outcome, ...] = OUTCOMES) -> list[Journey]:
    """Journeys that reach a prefix of the stages, in order, within 7 x 200 days."""
    found = []
    for index in range(draw(st.integers(0, 25))):
        start = draw(st.floats(0, 400, allow_nan=False))
        gaps = draw(st.lists(st.floats(0, 200, allow_nan=False), min_size=0, max_size=6))
        times = [start]
        for gap in gaps:
            times.append(times[-1] + gap)
        outcome = draw(st.sampled_from(outcomes))
        outcome_day = draw(st.none() | st.floats(0, 2000, allow_nan=False))
        stages = dict(zip(STAGES, times, strict=False))
        found.append(journey(f"c{index}", stages, outcome, outcome_day))
    return found


@settings(max_examples=200, deadline=None)
@given(
    journeys=prefix_journeys(),
    window=st.integers(1, 3650),
    now_day=st.floats(0, 3000, allow_nan=False),
)
def test_funnel_invariants(journeys: list[Journey], window: int, now_day: float) -> None:
    rows = funnel(journeys, window_days=window, now=day(now_day))
    assert [r.stage for r in rows] == list(STAGES)
    reached = [r.reached for r in rows]
    assert reached == sorted(reached, reverse=True)
    assert reached[0] <= len(journeys)
    for r in rows:
        assert 0 <= r.converted <= r.reached
        assert r.converted + r.lost <= r.reached
        for rate in (r.conversion_rate, r.loss_rate):
            assert rate is None or 0.0 <= rate <= 1.0
        assert (r.loss_rate is None) == (r.reached == 0)
        if r.median_days is not None:
            assert r.median_days >= 0
        if r.median_days is not None and r.p75_days is not None:
            assert r.p75_days >= r.median_days
        if r.p75_days is not None:
            assert r.median_days is not None


@settings(max_examples=200, deadline=None)
@given(journeys=prefix_journeys(("won", "open")))
def test_without_early_censoring_the_median_needs_half_converted(
    journeys: list[Journey],
) -> None:
    # every non-converted customer is censored at now - t0 >= 10000 - 1600 days, later than
    # any conversion (at most 1200 days): KM is then the plain share not converted yet
    rows = funnel(journeys, window_days=3650, now=day(10_000))
    for r in rows[:-1]:
        assert (r.median_days is not None) == (r.reached > 0 and 2 * r.converted >= r.reached)
        assert (r.p75_days is not None) == (r.reached > 0 and 4 * r.converted >= 3 * r.reached)


@settings(max_examples=300, deadline=None)
@given(
    samples=st.lists(
        st.tuples(st.floats(0, 1000, allow_nan=False), st.booleans()), min_size=0, max_size=40
    )
)
def test_kaplan_meier_is_a_survival_curve(samples: list[tuple[float, bool]]) -> None:
    durations = [d for d, _ in samples]
    observed = [o for _, o in samples]
    curve = kaplan_meier(durations, observed)
    times = [t for t, _ in curve]
    survival = [s for _, s in curve]
    assert times == sorted(set(times))
    assert set(times) == {d for d, o in samples if o}
    assert all(0.0 <= s <= 1.0 for s in survival)
    assert survival == sorted(survival, reverse=True)
    quantiles = [km_quantile(curve, q) for q in (0.25, 0.5, 0.75, 1.0)]
    defined = [q for q in quantiles if q is not None]
    assert defined == sorted(defined)
    assert quantiles[: len(defined)] == defined  # once undefined, undefined for larger q
    if all(observed):
        # no censoring: S(t) is the plain share of durations above t
        for t, s in curve:
            assert s == pytest.approx(sum(d > t for d in durations) / len(durations), abs=1e-9)
