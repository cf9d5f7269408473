"""Property-based fuzzing of the real API with schemathesis, shared by ``test_fuzz.py`` (the
CI-sized run) and ``bench/fuzz.py`` (the long one).

:class:`Fuzzer` reads the app's own ``/openapi.json`` and, for every operation, generates
positive and negative requests (path, query, headers, body) with Hypothesis — seeded, so
that a run with the same seed sends the same requests — and sends each one with the admin
key, without a key and with an unknown key. Every response goes through schemathesis's
checks (no 5xx; status code, content type, headers and body as declared; schema-valid data
accepted and invalid data refused) and two of ours: every error body is the SPEC's
``{"error", "detail"}``, and a request without a live key is ``401 unauthorized`` whatever
else is wrong with it.

Three things are bent, each for a stated reason, in :meth:`Fuzzer.prepare`:

* a generated IMAP host (and port) is pinned to the test's dovecot on 127.0.0.1: no DNS,
  no stranger's server, no timeout; the login it then checks fails (400) or the TLS it asks
  for does not match (502 ``imap_unreachable``), both declared answers of those operations;
* in positive cases, about half the ids in paths and bodies are replaced by real ones of the
  seeded store, so that profiles, outcomes and erasures are reached, not only 404s;
* positive cases keep the documented rules JSON Schema cannot say: no cursor (the valid ones
  come from ``next_cursor``; an unknown one is 422 by the SPEC), ``from`` not after ``to``,
  ``username@host`` at most 320 characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from pydantic import TypeAdapter, ValidationError
from schemathesis import CheckContext, GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import CustomFailure, Failure, FailureGroup
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MAX_NAME_LENGTH, Host
from app.api.tags.service import list_tags
from app.api.webhooks.schemas import WebhookCreate
from app.api.webhooks.service import create_webhook
from app.apikeys import create_api_key
from app.db.repositories.webhooks import WebhookRepository
from app.db.tables import Contact, Customer, Mailbox, WebhookDelivery
from app.db.types import utcnow
from app.secret_box import SecretBox

SEED = 16
AUTH_VARIANTS = ("admin", "no key", "unknown key")
UNKNOWN_KEY = "ll_" + "Z" * 43  # well-formed, never issued
PUBLIC = frozenset({"GET /healthz"})
IMAP_OPERATIONS = ("POST /v1/mailboxes", "PATCH /v1/mailboxes/{mailbox_id}")
# the 502s
UPSTREAM_ERRORS = frozenset(
    {"imap_unreachable", "imap_protocol_error", "oauth2_token_endpoint_unreachable"}
)
# nothing listens on port 9 (discard) of this machine: a token request fails at once (502)
CLOSED_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")
_HOSTS: TypeAdapter[str] = TypeAdapter(Host)
# Path parameters and body fields that name something of the store, by the kind of thing.
_ID_FIELDS = {
    "customer_id": "customers",
    "email": "emails",
    "tag_id": "tags",
    "mailbox_id": "mailboxes",
    "webhook_id": "webhooks",
    "delivery_id": "deliveries",
}


LONG_TEXT = 10_000
"""Texts the schema lets run past this many characters are generated without their limit:
hypothesis cannot draw a text longer than ~10,000 characters (a negative case past the
200,000 of an email's text), and tests/api/test_limits.py sends those at the limits."""


def _without_long_limits(node: Any) -> Any:
    """A copy of the OpenAPI document ``node`` without the ``maxLength`` limits above
    :data:`LONG_TEXT`."""
    if isinstance(node, dict):
        return {
            key: _without_long_limits(value)
            for key, value in node.items()
            if not (key == "maxLength" and isinstance(value, int) and value > LONG_TEXT)
        }
    if isinstance(node, list):
        return [_without_long_limits(value) for value in node]
    return node


def fuzz_config(seed: int = SEED) -> SchemathesisConfig:
    """The schemathesis configuration of a run.

    Every check is on. Two are widened, for the IMAP operations only and only by the answers
    that say the IMAP server refused (400) or could not be used (502); Authorization is never
    generated (each auth variant sets it). Sequences of calls are ``test_fuzz_stateful.py``'s.
    """
    upstream = {"include-name": list(IMAP_OPERATIONS)}
    return SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "generation": {
                "mode": "all",
                "deterministic": True,
                "database": "none",
                "with-security-parameters": False,
            },
            "operations": [
                upstream
                | {
                    "checks": {
                        "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", 502]},
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 502]
                        },
                    }
                }
            ],
        }
    )


def error_shape(
    _ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool:
    """Every 4xx and 5xx is JSON ``{"error": "<code>", "detail": "<text>"}`` (SPEC §8), a 5xx
    only the declared 502 of an IMAP server that could not be used."""
    if response.status_code < 400:
        return True
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"the {response.status_code} body is not JSON") from None
    assert isinstance(body, dict), "the error body is not an object"
    assert set(body) == {"error", "detail"}, f"the error body has keys {sorted(body)}"
    assert isinstance(body["error"], str), "`error` is not a string"
    assert _ERROR_CODE.fullmatch(body["error"]), f"`error` {body['error']!r} is not a code"
    assert isinstance(body["detail"], str), "`detail` is not a string"
    assert body["detail"].strip(), "`detail` is empty"
    if response.status_code >= 500:
        assert response.status_code == 502, f"{response.status_code} {body['error']}"
        assert body["error"] in UPSTREAM_ERRORS, f"502 {body['error']}"
        assert case.operation.label in IMAP_OPERATIONS, f"502 from {case.operation.label}"
    return True


def refused_without_key(
    _ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool:
    """A request without a live API key is ``401 unauthorized``, before anything else of it
    is read (a bad body or query is no reason to answer otherwise)."""
    sent = response.request.headers.get("Authorization")
    if case.operation.label in PUBLIC or (sent is not None and sent != f"Bearer {UNKNOWN_KEY}"):
        return True
    assert response.status_code == 401, f"{response.status_code} without a live key"
    assert json.loads(response.content)["error"] == "unauthorized"
    return True


CUSTOM_CHECKS = [error_shape, refused_without_key]


@dataclass
class Tally:
    """What a run did: cases sent, statuses seen, failures by check, one reproduction each."""

    cases: Counter[str] = field(default_factory=Counter)
    by_auth: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    reproductions: dict[tuple[str, str], str] = field(default_factory=dict)
    no_negative_cases: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        """Responses 500 and above but the declared 502s of an unusable IMAP server."""
        return sum(n for status, n in self.statuses.items() if status >= 500 and status != 502)

    @property
    def schema_violations(self) -> int:
        """Responses whose body or headers do not match what the operation declares."""
        return sum(
            n
            for check, n in self.failures.items()
            if check in {"response_schema_conformance", "response_headers_conformance"}
        )

    def report(self) -> str:
        """The failures, each with the curl command of its first case."""
        return "\n\n".join(
            f"{label} — {check}:\n{how}" for (label, check), how in self.reproductions.items()
        )


@dataclass(frozen=True)
class StoreIds:
    """Real ids of the seeded store that generated ones are sometimes replaced with."""

    customers: Sequence[str]
    emails: Sequence[str]
    tags: Sequence[str]
    mailboxes: Sequence[str]
    webhooks: Sequence[str]
    deliveries: Sequence[str]


def seed_store(
    sessions: sessionmaker[Session], secrets: SecretBox, imap_port: int
) -> tuple[str, StoreIds]:
    """Add an admin key and three IMAP mailboxes (users 127.0.0.1:``imap_port`` does not
    know, so that a login checked again fails quickly) to the store; returns the key and
    the store's real ids (some of each kind, in a fixed order)."""
    with sessions.begin() as session:
        admin_key = create_api_key(session, "admin", "fuzz")[1]
        for number in range(3):
            username = f"fuzz{number}@lumora.example"
            session.add(
                Mailbox(
                    id=f"mbx_fuzz{number:022d}",
                    name=f"{username}@127.0.0.1",
                    kind="imap",
                    host="127.0.0.1",
                    port=imap_port,
                    security="none",
                    username=username,
                    auth_kind="password",
                    secret_ciphertext=secrets.encrypt("not the password"),
                )
            )
        webhooks = _seed_webhooks(session, secrets)
    with sessions() as session:
        tags, _ = list_tags(session, None, 500, None)

        def some(column: Any, order: Any) -> list[str]:
            return list(session.scalars(select(column).order_by(order).limit(20)))

        ids = StoreIds(
            customers=some(Customer.id, Customer.key),  # ids differ from build to build
            emails=some(Contact.email, Contact.email),
            tags=[tag.id for tag in tags][:20],
            mailboxes=list(
                session.scalars(
                    select(Mailbox.id).where(Mailbox.kind == "imap").order_by(Mailbox.id)
                )
            ),
            webhooks=webhooks,
            deliveries=[
                f"dlv_{seq}"
                for seq in session.scalars(
                    select(WebhookDelivery.seq).order_by(WebhookDelivery.seq)
                )
            ],
        )
    return admin_key, ids


def _seed_webhooks(session: Session, secrets: SecretBox) -> list[str]:
    """Two webhook endpoints (nothing is sent in the fuzzed app: it has no sender) with an
    event delivered to both; their ids."""
    ids = []
    for number in range(2):
        created = create_webhook(
            session,
            secrets,
            WebhookCreate(url=f"http://127.0.0.1:9/fuzz{number}", events=["mailbox.error"]),
        )
        ids.append(created.id)
    WebhookRepository(session).add_event("mailbox.error", "mailbox:fuzz", "{}", ids, utcnow())
    return ids


class Fuzzer:
    """Runs the schemathesis cases of one app, and tallies them."""

    def __init__(
        self,
        app: Any,
        admin_key: str,
        ids: StoreIds,
        imap_ports: tuple[int, int],
        *,
        seed: int = SEED,
    ) -> None:
        """Fuzz ``app`` (an ASGI application) with ``admin_key``; mailbox logins go to
        127.0.0.1 on ``imap_ports`` (plain or STARTTLS, implicit TLS)."""
        self.schema = schemathesis.openapi.from_dict(
            _without_long_limits(app.openapi()), config=fuzz_config(seed)
        )
        self.schema.app = app
        self.schema.location = "/openapi.json"
        self.admin_key = admin_key
        self.ids = ids
        self.imap_ports = imap_ports
        self.seed = seed
        self.tally = Tally()

    def labels(self) -> list[str]:
        """``METHOD /path`` of every operation of the schema, in its order."""
        return [result.ok().label for result in self.schema.get_all_operations()]

    def run(self, label: str, mode: GenerationMode, auth: str, max_examples: int) -> None:
        """Send ``max_examples`` cases (fewer when there are not as many distinct ones) of
        operation ``label`` in ``mode`` with ``auth``; every failure is tallied."""
        operation = self.schema.find_operation_by_label(label)
        assert operation is not None, label
        headers = {
            "admin": {"Authorization": f"Bearer {self.admin_key}"},
            "no key": {},
            "unknown key": {"Authorization": f"Bearer {UNKNOWN_KEY}"},
        }[auth]

        @hypothesis.seed(self.seed)  # the same cases at every run with the same seed
        @settings(
            max_examples=max_examples,
            database=None,
            deadline=None,
            phases=[Phase.generate],  # failures are tallied, not raised: nothing to shrink
            # a case is a real request: slowness or rejected draws say nothing of the API
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode))
        def send(case: schemathesis.Case) -> None:
            self.prepare(case, mode)
            self._send(case, headers)
            self.tally.by_auth[auth] += 1

        started = time.perf_counter()
        try:
            send()
        except Unsatisfiable:
            # nothing of the operation can be made invalid (no parameters, no body)
            assert mode is GenerationMode.NEGATIVE, label
            self.tally.no_negative_cases.add(label)
        self.tally.seconds += time.perf_counter() - started

    def _send(self, case: schemathesis.Case, headers: dict[str, str]) -> None:
        label = case.operation.label
        response = case.call(headers=headers)
        self.tally.cases[label] += 1
        self.tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, headers=headers, additional_checks=CUSTOM_CHECKS)
        except FailureGroup as group:
            failures = group.exceptions
        else:
            return
        for failure in failures:
            check = _check_name(failure)
            self.tally.failures[check] += 1
            self.tally.reproductions.setdefault(
                (label, check),
                f"{case.as_curl_command(headers=headers)}\n→ {response.status_code} "
                f"{response.content[:300]!r}\n{failure}",
            )

    def prepare(self, case: schemathesis.Case, mode: GenerationMode) -> None:
        """Pin IMAP hosts; in positive cases use real ids and keep to the documented rules
        (see the module's docstring). A negative case keeps what makes it invalid."""
        body = case.body
        if isinstance(body, dict) and case.operation.label in IMAP_OPERATIONS:
            self._pin_imap(body)
        if mode is not GenerationMode.POSITIVE:
            return
        if case.path_parameters:
            for name, value in case.path_parameters.items():
                case.path_parameters[name] = self._real(name, value)
        if isinstance(body, dict):
            for name in ("customer_id", "email"):
                if name in body:
                    body[name] = self._real(name, body[name])
        _documented_rules(case)

    def _real(self, name: str, value: object) -> object:
        """``value``, or (about half the time, decided by the value) a real id of its kind."""
        kind = _ID_FIELDS.get(name)
        if kind is None or not isinstance(value, str):
            return value
        real: Sequence[str] = getattr(self.ids, kind)
        index = int(hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest(), 16)
        index %= 2 * len(real)
        return real[index] if index < len(real) else value

    def _pin_imap(self, body: dict[str, Any]) -> None:
        grant = body.get("oauth2")
        if isinstance(grant, dict) and isinstance(grant.get("token_endpoint", ""), str):
            grant["token_endpoint"] = CLOSED_TOKEN_ENDPOINT  # never a provider on the internet
        host = body.get("host")
        try:
            valid = isinstance(host, str) and bool(_HOSTS.validate_python(host))
        except ValidationError:
            valid = False
        if not valid:
            return  # refused (422) before any connection
        body["host"] = "127.0.0.1"
        port = body.get("port", 993)
        if isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535:
            plain, tls = self.imap_ports
            body["port"] = tls if body.get("security", "tls") == "tls" else plain


def _documented_rules(case: schemathesis.Case) -> None:
    """Make a positive case keep the rules its operation documents but JSON Schema cannot say."""
    query = case.query
    if query:
        query.pop("cursor", None)
        start, end = query.get("from"), query.get("to")
        if isinstance(start, str) and isinstance(end, str) and start > end:
            query["from"], query["to"] = end, start
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("username"), str):
        room = MAX_NAME_LENGTH - 1 - len(str(body.get("host", "")))
        body["username"] = body["username"][: max(room, 1)]


def _check_name(failure: Failure) -> str:
    """The check that found ``failure`` (ours are named in the title of a CustomFailure)."""
    if isinstance(failure, CustomFailure):
        named = re.search(r"`(\w+)`", failure.title)
        return named.group(1) if named else failure.title
    return failure.checks[0] if failure.checks else type(failure).__name__
