"""Stateful fuzzing: Hypothesis rule-based machines drive the real app through sequences of
calls — add a mailbox, read, change, sync, remove or purge it; set outcomes, score, erase
contacts and look them up — and check each answer against a model of what must hold, and
against the operation's declared responses (schemathesis). Each example starts from a
fresh copy of the store; the runs are derandomized."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.db.tables import Contact, Customer
from app.loaded_models import LoadedModels
from app.settings import Settings
from app.web import create_app
from models.embedder import Embedder
from tests.demo_store import demo_settings_for
from tests.servers.dovecot import HOST, Account, DovecotServer

pytestmark = pytest.mark.fuzz

MACHINE_SETTINGS = settings(
    max_examples=10,
    stateful_step_count=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
DOMAINS = st.lists(st.from_regex(r"[a-z]{1,8}\.(com|de|co\.uk)", fullmatch=True), max_size=3)


class Api:
    """The real app on a copy of ``template`` (an admin key made in it); every answer is
    checked against its operation's declared responses and the error shape."""

    def __init__(self, template: Path, folder: Path, embedder: Embedder) -> None:
        folder.mkdir(parents=True)
        path = folder / "leadlens.db"
        shutil.copyfile(template, path)
        self.settings: Settings = demo_settings_for(path)
        self.engine = create_db_engine(self.settings.database_url)
        self.sessions = session_factory(self.engine)
        with self.sessions.begin() as session:
            key = create_api_key(session, "admin", "stateful")[1]
        self.headers = {"Authorization": f"Bearer {key}"}
        models = LoadedModels(self.settings, embedder)
        self.client = TestClient(create_app(self.settings, models=models))
        self.schema = schemathesis.openapi.from_dict(self.client.get("/openapi.json").json())

    def call(self, method: str, template: str, path: str, **kwargs: Any) -> Any:
        """Send one request; fail unless the answer is one the operation declares."""
        response = self.client.request(method, path, headers=self.headers, **kwargs)
        self.schema[template][method].validate_response(response)
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "detail"}, response.text
        assert response.status_code < 500, response.text
        return response

    def close(self) -> None:
        """Release the store."""
        self.client.close()
        self.engine.dispose()


@pytest.fixture
def accounts(dovecot: DovecotServer) -> list[Account]:
    """Three users of the session's dovecot."""
    return [dovecot.new_account() for _ in range(3)]


def test_mailbox_lifecycle(
    sqlite_template: Path,
    tmp_path: Path,
    shared_embedder: Embedder,
    dovecot: DovecotServer,
    accounts: list[Account],
) -> None:
    """Add → read → change → sync → remove (disable) or purge, in any order, on an empty
    store: a mailbox reads back as it was added and changed, a disabled one is not synced
    and cannot be added again, a purged one is gone and can."""
    folders = iter(tmp_path / f"run{n}" for n in range(10_000))

    class Mailboxes(RuleBasedStateMachine):
        live = Bundle("live")

        def __init__(self) -> None:
            super().__init__()
            self.api = Api(sqlite_template, next(folders), shared_embedder)
            self.views: dict[str, dict[str, Any]] = {}  # id -> what it must read as
            self.owner: dict[int, str] = {}  # account -> id of its stored mailbox

        def teardown(self) -> None:
            self.api.close()

        @rule(
            target=live,
            account=st.integers(0, len(accounts) - 1),
            security=st.sampled_from(["tls", "starttls", "none"]),
            own_domains=DOMAINS,
            folders=st.sampled_from([None, ["INBOX"], ["INBOX", "Sent"]]),
        )
        def add(
            self, account: int, security: str, own_domains: list[str], folders: list[str] | None
        ) -> Any:
            user = accounts[account]
            body = {
                "host": HOST,
                "port": dovecot.tls_port if security == "tls" else dovecot.port,
                "security": security,
                "username": user.username,
                "password": user.password,
                "own_domains": own_domains,
                "folders": folders,
                "ca_file": dovecot.ca_file,
            }
            response = self.api.call("POST", "/v1/mailboxes", "/v1/mailboxes", json=body)
            if account in self.owner:
                assert response.status_code == 409, response.text
                assert response.json()["error"] == "mailbox_exists"
                return multiple()
            assert response.status_code == 201, response.text
            view = response.json()
            assert (view["username"], view["folders"]) == (user.username, folders)
            assert set(own_domains) <= set(view["own_domains"])
            self.owner[account] = view["id"]
            self.views[view["id"]] = view | {"account": account}
            return view["id"]

        def _read(self, mailbox: str) -> Any:
            return self.api.call("GET", "/v1/mailboxes/{mailbox_id}", f"/v1/mailboxes/{mailbox}")

        @rule(mailbox=live)
        def read(self, mailbox: str) -> None:
            response = self._read(mailbox)
            assert response.status_code == 200, response.text
            found, expected = response.json(), self.views[mailbox]
            for name in ("id", "host", "port", "username", "folders", "own_domains", "state"):
                assert found[name] == expected[name], name

        @rule(
            mailbox=live,
            change=st.one_of(
                st.fixed_dictionaries({"own_domains": DOMAINS}),
                st.fixed_dictionaries({"folders": st.sampled_from([None, ["Sent"]])}),
                st.just({"password": "the right one"}),
            ),
        )
        def change(self, mailbox: str, change: dict[str, Any]) -> None:
            expected = self.views[mailbox]
            if "password" in change:
                change = {"password": accounts[expected["account"]].password}
            response = self.api.call(
                "PATCH", "/v1/mailboxes/{mailbox_id}", f"/v1/mailboxes/{mailbox}", json=change
            )
            assert response.status_code == 200, response.text
            found = response.json()
            if "password" in change:
                expected["state"] = "idle"  # a login that works re-enables it
            expected.update({k: v for k, v in change.items() if k != "password"})
            if "own_domains" in change:
                assert set(change["own_domains"]) <= set(found["own_domains"])
                expected["own_domains"] = found["own_domains"]
            assert (found["folders"], found["state"]) == (expected["folders"], expected["state"])

        @rule(mailbox=live)
        def sync(self, mailbox: str) -> None:
            response = self.api.call(
                "POST", "/v1/mailboxes/{mailbox_id}/sync", f"/v1/mailboxes/{mailbox}/sync"
            )
            if self.views[mailbox]["state"] == "disabled":
                assert response.status_code == 409, response.text
                assert response.json()["error"] == "mailbox_disabled"
            else:
                assert response.status_code == 202, response.text

        @rule(mailbox=live)
        def disable(self, mailbox: str) -> None:
            response = self.api.call(
                "DELETE", "/v1/mailboxes/{mailbox_id}", f"/v1/mailboxes/{mailbox}"
            )
            assert response.status_code == 204, response.text
            self.views[mailbox]["state"] = "disabled"

        @rule(mailbox=consumes(live))
        def purge(self, mailbox: str) -> None:
            template, path = "/v1/mailboxes/{mailbox_id}", f"/v1/mailboxes/{mailbox}"
            response = self.api.call("DELETE", template, path, params={"purge": "true"})
            assert response.status_code == 204, response.text
            del self.owner[self.views.pop(mailbox)["account"]]
            assert self._read(mailbox).status_code == 404
            response = self.api.call("DELETE", template, path, params={"purge": "true"})
            assert response.status_code == 404, response.text

        @invariant()
        def the_list_is_the_stored_mailboxes(self) -> None:
            listed, cursor = [], None
            while True:
                params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
                page = self.api.call("GET", "/v1/mailboxes", "/v1/mailboxes", params=params)
                assert page.status_code == 200, page.text
                listed += [item["id"] for item in page.json()["items"]]
                if (cursor := page.json()["next_cursor"]) is None:
                    break
            assert sorted(listed) == sorted(self.views)
            assert len(listed) == len(set(listed))

    run_state_machine_as_test(Mailboxes, settings=MACHINE_SETTINGS)


@pytest.fixture(scope="module")
def store_people(demo_template: Path) -> tuple[list[str], dict[str, str]]:
    """Some customers of the demo store, and some contacts' addresses with their customer."""
    engine = create_db_engine(f"sqlite:///{demo_template}")
    with session_factory(engine)() as session:
        customers = list(session.scalars(select(Customer.id).order_by(Customer.key).limit(12)))
        rows = session.execute(
            select(Contact.email, Contact.customer_id).order_by(Contact.email)
        ).all()
    engine.dispose()
    return customers, {row.email: row.customer_id for row in rows[::9][:12]}


def test_outcomes_scores_and_erasure(
    demo_template: Path,
    tmp_path: Path,
    shared_embedder: Embedder,
    store_people: tuple[list[str], dict[str, str]],
) -> None:
    """Set outcomes → read and score customers → erase contacts → look them up, in any
    order: an outcome set through the API is the one in force, a score is a score or a
    409, an erased address is never found again (its organisation may be, without it), a
    customer once gone stays gone."""
    customers, emails = store_people
    folders = iter(tmp_path / f"run{n}" for n in range(10_000))

    class Customers(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.api = Api(demo_template, next(folders), shared_embedder)
            self.outcomes: dict[str, str] = {}
            self.erased: set[str] = set()
            self.gone: set[str] = set()

        def teardown(self) -> None:
            self.api.close()

        def _customer(self, customer: str) -> Any:
            response = self.api.call(
                "GET", "/v1/customers/{customer_id}", f"/v1/customers/{customer}"
            )
            if customer in self.gone:
                assert response.status_code == 404, response.text
            elif response.status_code == 404:
                self.gone.add(customer)  # its only mail was erased
            else:
                assert response.status_code == 200, response.text
            return response

        def _not_found(self, customer: str, response: Any) -> bool:
            """True for a 404, which only a customer that is gone may get."""
            if response.status_code != 404:
                assert customer not in self.gone, response.text
                return False
            assert self._customer(customer).status_code == 404
            return True

        @rule(
            customer=st.sampled_from(customers),
            outcome=st.sampled_from(["won", "lost", "open"]),
        )
        def set_outcome(self, customer: str, outcome: str) -> None:
            template = "/v1/customers/{customer_id}/outcome"
            path = f"/v1/customers/{customer}/outcome"
            response = self.api.call("PUT", template, path, json={"outcome": outcome})
            if self._not_found(customer, response):
                return
            assert response.status_code == 200, response.text
            found = response.json()["outcome"]
            assert (found["value"], found["source"]) == (outcome, "api")
            self.outcomes[customer] = outcome

        @rule(customer=st.sampled_from(customers))
        def read(self, customer: str) -> None:
            response = self._customer(customer)
            if response.status_code == 200 and customer in self.outcomes:
                found = response.json()["outcome"]
                assert (found["value"], found["source"]) == (self.outcomes[customer], "api")

        @rule(customer=st.sampled_from(customers))
        def score(self, customer: str) -> None:
            body = {"customer_id": customer}
            response = self.api.call("POST", "/v1/lookalike", "/v1/lookalike", json=body)
            if not self._not_found(customer, response) and response.status_code != 409:
                assert response.status_code == 200, response.text
                assert 0 <= response.json()["score"] <= 1

        @rule(email=st.sampled_from(sorted(emails)))
        def erase(self, email: str) -> None:
            template, path = "/v1/contacts/{email}", f"/v1/contacts/{email}"
            response = self.api.call("DELETE", template, path)
            assert response.status_code == (404 if email in self.erased else 204), response.text
            self.erased.add(email)
            self.outcomes.clear()  # the profiles it touched were rebuilt from what is left
            self.lookup(email)

        @rule(email=st.sampled_from(sorted(emails)))
        def lookup(self, email: str) -> None:
            response = self.api.call(
                "GET", "/v1/customers/lookup", "/v1/customers/lookup", params={"email": email}
            )
            if email in self.erased:
                # 404, or the organisation the address's domain belongs to, without a trace
                # of the address
                if response.status_code != 404:
                    assert response.status_code == 200, response.text
                    assert response.json()["kind"] == "organization"
                    assert email.lower() not in response.text.lower()
            elif response.status_code == 404:
                # the erasure of another address took all of its customer's mail
                assert self._customer(emails[email]).status_code == 404
            else:
                assert response.status_code == 200, response.text
                assert response.json()["id"] == emails[email]

    run_state_machine_as_test(Customers, settings=MACHINE_SETTINGS)
