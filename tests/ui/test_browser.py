"""The dashboard in a real headless Chromium, against a real uvicorn on the demo store.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``), driven by
Playwright's Python API; ``playwright install`` is never needed. Locally the tests skip
without either; with ``CI=true`` they fail. Screenshots go to ``artifacts/ui/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.loaded_models import LoadedModels
from app.web import create_app
from models.embedder import Embedder
from tests.conftest import REPO_ROOT
from tests.demo_store import demo_settings_for
from tests.ui.helpers import LAST_ERROR, seed_imap_mailbox, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SHOTS = REPO_ROOT / "artifacts" / "ui"


@dataclass(frozen=True, slots=True)
class Live:
    """The running dashboard: where it listens and a plain key of each scope."""

    base_url: str
    keys: dict[str, str]
    mailbox_id: str

    def api(self, path: str, scope: str = "read", **params: Any) -> Any:
        """GET a JSON API path with a key of ``scope`` (fails the test unless 200)."""
        response = httpx.get(
            self.base_url + path,
            params=params,
            headers={"Authorization": f"Bearer {self.keys[scope]}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def live(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory, shared_embedder: Embedder
) -> Iterator[Live]:
    """uvicorn serving the app in a thread on 127.0.0.1 (a free port), on a copy of the
    demo store with an IMAP mailbox in error and a key of each scope."""
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    shutil.copyfile(demo_template, path)
    settings = demo_settings_for(path)
    engine = create_db_engine(settings.database_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        keys = {scope: create_api_key(session, scope, scope)[1] for scope in ("read", "write")}
        keys["admin"] = create_api_key(session, "admin", "browser admin")[1]
    mailbox_id = seed_imap_mailbox(sessions)
    app = create_app(settings, models=LoadedModels(settings, shared_embedder))
    try:
        with serving(app) as base_url:
            yield Live(base_url, keys, mailbox_id)
    finally:
        engine.dispose()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    """A fresh browser tab (its own cookies) on the live dashboard."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live.base_url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Page, key: str) -> None:
    """Sign in through the form and land on the overview."""
    page.goto("/ui/login")
    page.fill("input[name=key]", key)
    page.click("button[type=submit]")
    page.wait_for_url("**/ui")


def texts(page: Page, selector: str) -> list[str]:
    """The visible text of every element matching ``selector``, stripped."""
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as ``artifacts/ui/<name>.png``."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_page_shows_the_apis_numbers(page: Page, live: Live) -> None:
    from playwright.sync_api import expect

    page.goto("/ui/funnel")
    assert page.url.startswith(f"{live.base_url}/ui/login?next=")
    page.fill("input[name=key]", "ll_not-a-key")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("unknown or revoked")
    shot(page, "login")
    page.fill("input[name=key]", live.keys["admin"])
    page.click("button[type=submit]")
    page.wait_for_url("**/ui/funnel")  # back where the sign-in started
    page.click("nav >> text=Overview")

    status = live.api("/v1/status")
    expect(page.locator('[data-status="messages"] .value')).to_have_text(str(status["messages"]))
    funnel = live.api("/v1/analytics/funnel")
    reached = [str(row["reached"]) for row in funnel["stages"]]
    assert texts(page, "table.stages td.reached") == reached
    bars = page.locator("svg.bar-chart rect.bar")
    assert [float(v or "nan") for v in (b.get_attribute("data-value") for b in bars.all())] == [
        float(row["reached"]) for row in funnel["stages"]
    ]
    assert page.locator("svg.line-chart circle.point").count() > 0
    shot(page, "overview")

    page.click("nav >> text=Funnel")
    page.select_option("select[name=group_by]", "customer_type")
    page.fill("input[name=window_days]", "30")
    page.click("form.filters button")
    page.wait_for_url("**group_by=customer_type**")
    grouped = live.api("/v1/analytics/funnel", group_by="customer_type", window_days=30)
    assert texts(page, "table.stages td.reached") == [
        str(row["reached"]) for row in grouped["stages"]
    ]
    assert texts(page, "table.stages td.median") == [
        "–" if row["median_days"] is None else f"{row['median_days']:.1f}"
        for row in grouped["stages"]
    ]
    for group, rows in grouped["groups"].items():
        cells = texts(page, f'table.groups tr[data-group="{group}"] span.reached')
        assert cells == [str(row["reached"]) for row in rows], group
    assert page.locator("svg.heatmap rect.cell").count() > 0
    shot(page, "funnel")

    page.click("nav >> text=Topics")
    for tag in live.api("/v1/tags", kind="interest", limit=500)["items"]:
        row = page.locator(f'tr[data-tag="{tag["id"]}"]')
        assert row.locator("td.customers").inner_text().strip() == str(tag["customers"])
        assert row.locator("td.messages").inner_text().strip() == str(tag["messages"])
    shot(page, "topics")

    page.click("nav >> text=Mailboxes")
    mailbox = live.api(f"/v1/mailboxes/{live.mailbox_id}", scope="admin")
    block = page.locator(f'article[data-mailbox="{live.mailbox_id}"]')
    expect(block.locator(".state")).to_have_text(mailbox["state"])
    expect(block.locator(".last-error")).to_have_text(LAST_ERROR)
    expect(block.locator('tr[data-folder="INBOX"] td.messages')).to_have_text(
        str(mailbox["folder_status"][0]["messages"])
    )
    shot(page, "mailboxes")


def test_filter_then_customer_then_evidence(page: Page, live: Live) -> None:
    from playwright.sync_api import expect

    sign_in(page, live.keys["read"])
    page.click("nav >> text=Customers")
    page.select_option("select[name=outcome]", "open")
    page.select_option("select[name=sort]", "lookalike")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**outcome=open**")
    assert set(texts(page, "table.customers td.outcome")) == {"open"}
    expected = live.api("/v1/customers", outcome="open", sort="lookalike", limit=25)["items"]
    rows = page.locator("table.customers tbody tr")
    assert [r.get_attribute("data-customer") for r in rows.all()] == [c["id"] for c in expected]
    shot(page, "customers")

    profile = live.api(f"/v1/customers/{expected[0]['id']}")
    rows.first.locator("td a").first.click()
    page.wait_for_url(f"**/ui/customers/{profile['id']}")
    expect(page.locator("h1")).to_have_text(profile["name"] or profile["key"])
    expect(page.locator(".lookalike-score")).to_have_text(f"{profile['lookalike']['score']:.3f}")
    nearest = [won["name"] for won in profile["lookalike"]["nearest_won"]]
    assert texts(page, "ul.nearest a") == nearest
    dots = page.locator("svg.timeline circle.milestone")
    assert dots.count() >= len(profile["stage"]["reached"])

    tag = next(t for t in profile["tags"] if t["evidence"])
    details = page.locator(f'details[data-tag="{tag["id"]}"]')
    snippet = details.locator("blockquote.snippet").first
    expect(snippet).to_be_hidden()
    details.locator("summary").click()
    expect(snippet).to_be_visible()
    assert snippet.inner_text().strip() == tag["evidence"][0]["snippet"].strip()
    shot(page, "customer")


def test_rename_a_topic_and_scopes(page: Page, live: Live) -> None:
    from playwright.sync_api import expect

    sign_in(page, live.keys["read"])
    page.click("nav >> text=Topics")
    expect(page.locator("main")).to_contain_text("Renaming topics needs a key with scope write")
    assert page.locator("form.rename").count() == 0
    page.click("nav >> text=Mailboxes")
    expect(page.locator(".error")).to_contain_text("needs an admin key")
    page.click("form.who button")
    page.wait_for_url("**/ui/login")

    sign_in(page, live.keys["write"])
    page.click("nav >> text=Topics")
    listed = live.api("/v1/tags", kind="interest", limit=500)["items"]
    topic = listed[-1]["id"]  # whichever interest topic the clustering made last
    row = page.locator(f'tr[data-tag="{topic}"]')
    row.locator("input[name=name]").fill("Smart A60 bulbs (Wi-Fi)")
    row.locator("button").click()
    expect(page.locator(".notice[role=status]")).to_have_text(
        f"Renamed {topic} to “Smart A60 bulbs (Wi-Fi)”."
    )
    expect(row.locator(".name")).to_have_text("Smart A60 bulbs (Wi-Fi)")
    tags = {t["id"]: t["name"] for t in live.api("/v1/tags", kind="interest", limit=500)["items"]}
    assert tags[topic] == "Smart A60 bulbs (Wi-Fi)"
