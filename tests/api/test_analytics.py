"""``/v1/analytics/funnel`` on the demo store, on an empty store, and its errors."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.api.analytics.service import funnel_report
from app.db.tables import Customer
from app.errors import InvalidRequestError
from models.profiles import STAGES
from tests.api.conftest import bearer
from tests.api.helpers import assert_error

Headers = dict[str, dict[str, str]]
ROW_KEYS = {
    "stage",
    "reached",
    "converted",
    "conversion_rate",
    "median_days",
    "p75_days",
    "lost",
    "loss_rate",
}
LEAD_SOURCES = {"trade_show", "marketplace", "website_form", "referral", "cold_outreach"}
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _funnel(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/v1/analytics/funnel", params=params, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _leads(rows: list[dict[str, Any]]) -> int:
    assert rows[0]["stage"] == "lead"
    count: int = rows[0]["reached"]
    return count


def _profiled_first_contacts(sessions: sessionmaker[Session]) -> list[date]:
    """The first-contact dates of the customers that have a journey, by SQL."""
    with sessions() as session:
        rows = session.execute(select(Customer.first_contact_at, Customer.stage_reached)).all()
    return sorted(at.date() for at, reached in rows if at is not None and "lead" in reached)


def _check_rows(rows: list[dict[str, Any]]) -> None:
    assert [r["stage"] for r in rows] == list(STAGES)
    for r in rows:
        assert set(r) == ROW_KEYS
        assert 0 <= r["converted"] <= r["reached"]
        assert 0 <= r["lost"] <= r["reached"] - r["converted"]
        for rate in ("conversion_rate", "loss_rate"):
            assert r[rate] is None or 0 <= r[rate] <= 1
        if r["median_days"] is not None and r["p75_days"] is not None:
            assert r["p75_days"] >= r["median_days"] >= 0


def test_the_funnel_of_every_customer(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    body = _funnel(demo_client, demo_keys["read"])
    assert set(body) == {"stages", "groups", "cohorts"}
    assert body["groups"] == {}
    _check_rows(body["stages"])
    firsts = _profiled_first_contacts(demo_sessions)
    assert _leads(body["stages"]) == len(firsts) > 50
    by_stage = {r["stage"]: r for r in body["stages"]}
    assert by_stage["inquiry"]["converted"] > 0
    assert by_stage["inquiry"]["median_days"] is not None
    assert by_stage["repeat_order"]["conversion_rate"] is None
    assert by_stage["repeat_order"]["median_days"] is None
    months = list(body["cohorts"])
    assert months == sorted(months)
    assert all(MONTH.fullmatch(m) for m in months)
    assert set(months) == {f"{d:%Y-%m}" for d in firsts}
    for rows in body["cohorts"].values():
        _check_rows(rows)
    assert sum(_leads(rows) for rows in body["cohorts"].values()) == len(firsts)


def test_from_and_to_select_by_first_contact(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    read = demo_keys["read"]
    firsts = _profiled_first_contacts(demo_sessions)
    middle = firsts[len(firsts) // 2]
    total = _leads(_funnel(demo_client, read)["stages"])
    later = _leads(_funnel(demo_client, read, **{"from": middle.isoformat()})["stages"])
    earlier = _leads(
        _funnel(demo_client, read, to=(middle - timedelta(days=1)).isoformat())["stages"]
    )
    assert later == sum(d >= middle for d in firsts)
    assert earlier == sum(d < middle for d in firsts)
    assert 0 < later < total
    assert 0 < earlier < total
    assert later + earlier == total
    one_day = _funnel(demo_client, read, **{"from": middle.isoformat(), "to": middle.isoformat()})
    assert _leads(one_day["stages"]) == firsts.count(middle)
    assert list(one_day["cohorts"]) == [f"{middle:%Y-%m}"]
    past = _funnel(demo_client, read, to="1999-12-31")
    assert [r["reached"] for r in past["stages"]] == [0] * len(STAGES)
    assert past["cohorts"] == {}


def test_groups_by_lead_source_customer_type_and_interest(
    demo_client: TestClient, demo_keys: Headers
) -> None:
    read = demo_keys["read"]
    total = _leads(_funnel(demo_client, read)["stages"])
    sources = _funnel(demo_client, read, group_by="lead_source")["groups"]
    assert LEAD_SOURCES <= set(sources) <= LEAD_SOURCES | {"unknown"}
    assert sum(_leads(rows) for rows in sources.values()) == total
    for rows in sources.values():
        _check_rows(rows)
    types = _funnel(demo_client, read, group_by="customer_type")["groups"]
    assert len(types) >= 3
    assert sum(_leads(rows) for rows in types.values()) == total
    if "unknown" in types:
        assert list(types)[-1] == "unknown"
    interests = _funnel(demo_client, read, group_by="interest")["groups"]
    assert interests
    named = [k for k in interests if k != "unknown"]
    assert named
    assert all(re.fullmatch(r".+ \(topic:\d+\)", k) for k in named)
    assert sum(_leads(rows) for rows in interests.values()) >= total


def test_the_window_changes_counts_not_times(demo_client: TestClient, demo_keys: Headers) -> None:
    read = demo_keys["read"]
    short = _funnel(demo_client, read, window_days=1)["stages"]
    long = _funnel(demo_client, read, window_days=3650)["stages"]
    for a, b in zip(short, long, strict=True):
        assert a["reached"] == b["reached"]
        assert a["converted"] <= b["converted"]
        assert (a["median_days"], a["p75_days"]) == (b["median_days"], b["p75_days"])
    assert sum(a["converted"] for a in short) < sum(b["converted"] for b in long)


def test_the_service_answers_the_dashboard_as_the_api_does(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    body = _funnel(demo_client, demo_keys["read"], group_by="lead_source", window_days=30)
    with demo_sessions() as session:
        report = funnel_report(
            session, start=None, end=None, group_by="lead_source", window_days=30
        )
        assert [r.reached for r in report.stages] == [r["reached"] for r in body["stages"]]
        assert list(report.groups) == list(body["groups"])
        with pytest.raises(InvalidRequestError):
            funnel_report(session, start=None, end=None, group_by=None, window_days=0)
        with pytest.raises(InvalidRequestError):
            funnel_report(
                session,
                start=date(2024, 2, 1),
                end=date(2024, 1, 1),
                group_by=None,
                window_days=90,
            )


@pytest.mark.parametrize(
    "params",
    [
        {"window_days": 0},
        {"window_days": 3651},
        {"window_days": "ninety"},
        {"group_by": "country"},
        {"from": "2024-03-01", "to": "2024-02-01"},
        {"from": "2024-13-01"},
        {"to": "yesterday"},
    ],
)
def test_bad_parameters_are_422(
    demo_client: TestClient, demo_keys: Headers, params: dict[str, Any]
) -> None:
    response = demo_client.get("/v1/analytics/funnel", params=params, headers=demo_keys["read"])
    assert_error(response, 422, "invalid_request")


def test_a_key_is_needed(client: TestClient) -> None:
    assert_error(client.get("/v1/analytics/funnel"), 401, "unauthorized")


def test_an_empty_store_has_a_funnel_of_zeros(client: TestClient, keys: dict[str, str]) -> None:
    for group_by in (None, "lead_source", "interest"):
        params = {} if group_by is None else {"group_by": group_by}
        body = _funnel(client, bearer(keys["read"]), **params)
        assert body["groups"] == {}
        assert body["cohorts"] == {}
        assert [r["stage"] for r in body["stages"]] == list(STAGES)
        for r in body["stages"]:
            assert (r["reached"], r["converted"], r["lost"]) == (0, 0, 0)
            assert r["conversion_rate"] is r["median_days"] is r["loss_rate"] is None
