"""The dashboard over HTTP on the demo store: sign-in, every page, bad input, topic renames."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import revoke_api_key
from app.db.tables import ApiKey
from app.ui._format import percent
from app.ui._session import csrf_token
from tests.ui.helpers import LAST_ERROR, seed_imap_mailbox, sign_in

Headers = dict[str, dict[str, str]]
PAGES = ["/ui", "/ui/funnel", "/ui/customers", "/ui/topics", "/ui/mailboxes"]


def cells(html: str, css_class: str) -> list[str]:
    """The text of every ``<td class="<css_class>">`` of a page, in order."""
    found = re.findall(rf'<td class="{css_class}">(.*?)</td>', html, flags=re.DOTALL)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]


def customer_ids(html: str) -> list[str]:
    """The customer ids of the customers table, top to bottom."""
    return re.findall(r'<tr data-customer="([^"]+)">', html)


def get_json(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    """The JSON body of a GET of the API (fails the test unless 200)."""
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("path", [*PAGES, "/ui/customers/cus_nope", "/ui/funnel?group_by=interest"])
def test_every_page_needs_a_sign_in(demo_client: TestClient, path: str) -> None:
    response = demo_client.get(path, follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/ui/login"
    assert parse_qs(location.query)["next"] == [path]


def test_a_post_without_sign_in_changes_nothing(
    demo_client: TestClient, demo_keys: Headers
) -> None:
    response = demo_client.post(
        "/ui/topics/topic:1/rename", data={"name": "hijacked"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/ui/login")
    tags = get_json(demo_client, "/v1/tags", demo_keys["read"], kind="interest")["items"]
    assert "hijacked" not in {tag["name"] for tag in tags}


@pytest.mark.parametrize("key", ["", "nope", "ll_" + "x" * 43, "ll_" + "é" * 10, "x" * 20_000])
def test_a_bad_key_is_rejected(demo_client: TestClient, key: str) -> None:
    response = demo_client.post("/ui/login", data={"key": key}, follow_redirects=False)
    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert "set-cookie" not in response.headers
    assert demo_client.get("/ui", follow_redirects=False).status_code == 303


def test_signing_in_sets_a_strict_httponly_cookie_and_goes_back(
    demo_client: TestClient, plain_keys: dict[str, str]
) -> None:
    response = demo_client.post(
        "/ui/login",
        data={"key": plain_keys["read"], "next": "/ui/customers?stage=sample"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/customers?stage=sample"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/ui" in cookie
    assert plain_keys["read"].lower() in cookie
    page = demo_client.get("/ui/customers?stage=sample")
    assert page.status_code == 200
    assert "read" in page.text and "Sign out" in page.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/ui", "/uix", "/v1/x"])
def test_sign_in_never_redirects_off_the_dashboard(
    demo_client: TestClient, plain_keys: dict[str, str], target: str
) -> None:
    response = demo_client.post(
        "/ui/login", data={"key": plain_keys["read"], "next": target}, follow_redirects=False
    )
    assert response.headers["location"] == "/ui"


def test_sign_out_and_revocation_end_the_session(
    demo_client: TestClient, plain_keys: dict[str, str], demo_sessions: sessionmaker[Session]
) -> None:
    sign_in(demo_client, plain_keys["write"])
    assert demo_client.get("/ui", follow_redirects=False).status_code == 200
    token = {"csrf": csrf_token(plain_keys["write"])}
    response = demo_client.post("/ui/logout", data=token, follow_redirects=False)
    assert response.status_code == 303
    assert demo_client.get("/ui", follow_redirects=False).status_code == 303
    sign_in(demo_client, plain_keys["write"])
    with demo_sessions.begin() as session:
        key_id = session.scalars(select(ApiKey.id).where(ApiKey.scope == "write")).one()
        revoke_api_key(session, key_id)
    assert demo_client.get("/ui", follow_redirects=False).status_code == 303


def test_every_page_answers_a_read_key(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    sign_in(demo_client, plain_keys["read"])
    for path in PAGES[:-1]:
        response = demo_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert 'aria-current="page"' in response.text
    for path in ("/ui", "/ui/funnel"):
        assert demo_client.get(path).text.count("<svg") == 2
    customer = get_json(demo_client, "/v1/customers", demo_keys["read"], limit=1)["items"][0]
    assert demo_client.get(f"/ui/customers/{customer['id']}").status_code == 200
    mailboxes = demo_client.get("/ui/mailboxes")
    assert mailboxes.status_code == 403
    assert "needs an admin key" in mailboxes.text
    topics = demo_client.get("/ui/topics").text
    assert "needs a key with scope write" in topics and 'class="rename"' not in topics
    assert demo_client.get("/ui/style.css").headers["content-type"].startswith("text/css")


def test_the_funnel_shows_the_apis_numbers(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    sign_in(demo_client, plain_keys["read"])
    for params in [{}, {"group_by": "lead_source", "window_days": "30", "from": "2025-01-01"}]:
        api = get_json(demo_client, "/v1/analytics/funnel", demo_keys["read"], **params)
        html = demo_client.get("/ui/funnel", params=params).text
        reached = cells(html, "reached")
        stages = len(api["stages"])
        assert reached[:stages] == [str(row["reached"]) for row in api["stages"]]
        assert cells(html, "conversion")[:stages] == [
            percent(row["conversion_rate"]) for row in api["stages"]
        ]
        for name in api["groups"]:
            assert f'data-group="{name}"' in html
    overview = demo_client.get("/ui").text
    status = get_json(demo_client, "/v1/status", demo_keys["read"])
    assert f'data-status="messages"><span class="value">{status["messages"]}<' in overview


def test_the_customers_table_pages_through_the_apis_order(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    sign_in(demo_client, plain_keys["read"])
    api = get_json(demo_client, "/v1/customers", demo_keys["read"], sort="lookalike", limit=500)
    shown: list[str] = []
    url: str | None = "/ui/customers?sort=lookalike&limit=30"
    while url is not None:
        html = demo_client.get(url).text
        shown.extend(customer_ids(html))
        found = re.search(r'<a rel="next" href="\?([^"]+)"', html)
        url = None if found is None else "/ui/customers?" + unescape(found.group(1))
    assert shown == [item["id"] for item in api["items"]]
    scores = cells(demo_client.get("/ui/customers?sort=lookalike").text, "num lookalike")
    assert scores[0].split()[0] == f"{api['items'][0]['lookalike']['score']:.3f}"


def test_filters_match_the_api(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    sign_in(demo_client, plain_keys["read"])
    tag = get_json(demo_client, "/v1/tags", demo_keys["read"], kind="trait")["items"][0]["id"]
    for params in [
        {"stage": "sample", "sort": "last_contact"},
        {"outcome": "open", "sort": "lookalike"},
        {"tag": tag, "sort": "messages"},
        {"q": "ltd", "sort": "lookalike"},
    ]:
        api = get_json(demo_client, "/v1/customers", demo_keys["read"], limit=500, **params)
        html = demo_client.get("/ui/customers", params={**params, "limit": "500"}).text
        assert customer_ids(html) == [item["id"] for item in api["items"]], params
    unknown = demo_client.get("/ui/customers", params={"tag": "topic:999999"})
    assert unknown.status_code == 200 and "No tag has the id topic:999999" in unknown.text


@pytest.mark.parametrize(
    "query",
    [
        "stage=nope",
        "outcome=maybe",
        "sort=name",
        "limit=0",
        "limit=501",
        "limit=abc",
        "limit=" + "9" * 5000,
        "cursor=garbage",
        "cursor=djE6Y3VzdG9tZXJzLW1lc3NhZ2VzOjF8Y3VzX3g",
        "q=" + "x" * 201,
        "q=%00",
        "tag=" + "t" * 121,
        "stage=%F0%9F%98%80",
    ],
)
def test_bad_customer_filters_are_a_422_page(
    demo_client: TestClient, plain_keys: dict[str, str], query: str
) -> None:
    sign_in(demo_client, plain_keys["read"])
    response = demo_client.get(f"/ui/customers?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error"' in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "window_days=0",
        "window_days=3651",
        "window_days=-5",
        "window_days=1e3",
        "group_by=country",
        "from=2025-13-01",
        "from=yesterday",
        "from=2025-06-01&to=2025-01-01",
        "to=%00",
    ],
)
def test_bad_funnel_parameters_are_a_422_page(
    demo_client: TestClient, plain_keys: dict[str, str], query: str
) -> None:
    sign_in(demo_client, plain_keys["read"])
    response = demo_client.get(f"/ui/funnel?{query}")
    assert response.status_code == 422
    assert 'class="error"' in response.text


@pytest.mark.parametrize("customer_id", ["cus_nope", "x" * 300, "%00", "<script>"])
def test_an_unknown_customer_is_a_404_page(
    demo_client: TestClient, plain_keys: dict[str, str], customer_id: str
) -> None:
    sign_in(demo_client, plain_keys["read"])
    response = demo_client.get(f"/ui/customers/{customer_id}")
    assert response.status_code == 404
    assert "No such customer" in response.text and "<script>" not in response.text


def test_a_customer_page_shows_its_profile(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    sign_in(demo_client, plain_keys["read"])
    first = get_json(demo_client, "/v1/customers", demo_keys["read"], sort="lookalike")
    profile = get_json(demo_client, f"/v1/customers/{first['items'][0]['id']}", demo_keys["read"])
    html = unescape(demo_client.get(f"/ui/customers/{profile['id']}").text)
    assert f'lookalike-score">{profile["lookalike"]["score"]:.3f}<' in html
    stage_aware = profile["lookalike"]["stage_aware"]
    assert 0 <= stage_aware["score"] <= 1 and 0 <= stage_aware["percentile"] <= 100
    assert f'lookalike-stage-aware">{stage_aware["score"]:.3f}<' in html
    for won in profile["lookalike"]["nearest_won"]:
        assert f'href="/ui/customers/{won["customer_id"]}"' in html
    for tag in profile["tags"]:
        assert f'data-tag="{tag["id"]}"' in html
        for evidence in tag["evidence"]:
            assert evidence["snippet"].strip() in html
    for stage, at in profile["stage"]["reached"].items():
        assert f'<td data-stage="{stage}"><time datetime="' in html
        assert at[:10] in html
    for contact in profile["contacts"]:
        assert contact["email"] in html


def test_renaming_a_topic(
    demo_client: TestClient, plain_keys: dict[str, str], demo_keys: Headers
) -> None:
    listed = get_json(demo_client, "/v1/tags", demo_keys["read"], kind="interest")["items"]
    first, second = listed[0]["id"], listed[1]["id"]  # whichever the clustering made
    sign_in(demo_client, plain_keys["read"])
    read_token = {"csrf": csrf_token(plain_keys["read"])}
    refused = demo_client.post(
        f"/ui/topics/{first}/rename", data={"name": "Smart bulbs"} | read_token
    )
    assert refused.status_code == 403 and "needs a key with scope write" in refused.text
    demo_client.post("/ui/logout", data=read_token)
    sign_in(demo_client, plain_keys["write"])
    token = {"csrf": csrf_token(plain_keys["write"])}
    done = demo_client.post(
        f"/ui/topics/{first}/rename",
        data={"name": "Smart bulbs & <b>"} | token,
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = demo_client.get(done.headers["location"])
    assert f"Renamed {first} to “Smart bulbs &amp; &lt;b&gt;”" in page.text
    tags = get_json(demo_client, "/v1/tags", demo_keys["read"], kind="interest")["items"]
    assert {tag["id"]: tag["name"] for tag in tags}[first] == "Smart bulbs & <b>"
    api = {tag["id"]: tag for tag in tags}
    html = page.text
    for tag_id in (first, second):
        row = html.split(f'data-tag="{tag_id}"', 1)[1].split("</tr>", 1)[0]
        assert f">{api[tag_id]['customers']}</a>" in row
        assert f'messages">{api[tag_id]["messages"]}<' in row
    for form, status in [
        ({"name": ""}, 422),
        ({"name": "x" * 201}, 422),
        ({}, 422),
    ]:
        response = demo_client.post(f"/ui/topics/{first}/rename", data=form | token)
        assert response.status_code == status and "1 to 200 characters" in response.text
    unknown = demo_client.post("/ui/topics/topic:99999/rename", data={"name": "x"} | token)
    assert unknown.status_code == 404
    trait = demo_client.post("/ui/topics/trait:country:DE/rename", data={"name": "x"} | token)
    assert trait.status_code == 409 and "only topics can be renamed" in trait.text


def test_mailbox_health_shows_the_apis_numbers(
    demo_client: TestClient,
    plain_keys: dict[str, str],
    demo_keys: Headers,
    demo_sessions: sessionmaker[Session],
) -> None:
    mailbox_id = seed_imap_mailbox(demo_sessions)
    sign_in(demo_client, plain_keys["admin"])
    html = demo_client.get("/ui/mailboxes").text
    api = get_json(demo_client, f"/v1/mailboxes/{mailbox_id}", demo_keys["admin"])
    block = html.split(f'data-mailbox="{mailbox_id}"', 1)[1].split("</article>", 1)[0]
    assert '<span class="state">error</span>' in block
    assert LAST_ERROR in block
    assert f'<span class="messages">{api["messages"]}</span>' in block
    [folder] = api["folder_status"]
    assert f'<td class="messages">{folder["messages"]}</td>' in block
    assert api["last_sync_at"][:16].replace("T", " ") in block
    status = get_json(demo_client, "/v1/status", demo_keys["admin"])
    assert f"{status['messages']} messages stored" in html
    imported = cells(html, "messages")
    assert sum(int(n) for n in imported[1:]) == status["messages"]


def test_an_empty_store_renders_every_page(empty_client: tuple[TestClient, str]) -> None:
    client, key = empty_client
    sign_in(client, key)
    expected = {
        "/ui": "No lookalike model yet",
        "/ui/funnel?group_by=interest": "No customers.",
        "/ui/customers": "No customer matches these filters.",
        "/ui/topics": "No topics yet",
        "/ui/mailboxes": "No IMAP mailbox yet",
    }
    for path, text in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.text, path


def test_the_sign_in_form_keeps_where_to_go_next(demo_client: TestClient) -> None:
    html = demo_client.get("/ui/login", params={"next": "/ui/topics?x=1"}).text
    assert '<input type="hidden" name="next" value="/ui/topics?x=1">' in html
    html = demo_client.get("/ui/login", params={"next": "https://evil.example"}).text
    assert '<input type="hidden" name="next" value="/ui">' in html
