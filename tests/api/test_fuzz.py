"""Property-based fuzzing of every API operation, CI-sized: schemathesis against the real
app on a copy of the demo store (see tests/api/fuzzing.py for the checks and what is bent).

Each operation gets up to ``EXAMPLES`` positive and ``EXAMPLES`` negative cases with the
admin key, and ``KEYLESS_EXAMPLES`` of each without a key and with an unknown one. The
generation is seeded (``SEED`` of tests/api/fuzzing.py): a run sends the same requests
every time. The long run is ``bench/fuzz.py``; deselect these with ``-m "not fuzz"``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from schemathesis import GenerationMode

from app.db.session import create_db_engine, session_factory
from app.loaded_models import LoadedModels
from app.secret_box import SecretBox
from app.web import create_app
from app.workers.enrichment import EnrichmentRunner
from models.embedder import Embedder
from tests.api.fuzzing import AUTH_VARIANTS, Fuzzer, Tally, seed_store
from tests.demo_store import demo_settings_for
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.fuzz

EXAMPLES = 30
KEYLESS_EXAMPLES = 5
OPERATIONS = [
    "GET /healthz",
    "POST /v1/mailboxes",
    "GET /v1/mailboxes",
    "GET /v1/mailboxes/{mailbox_id}",
    "PATCH /v1/mailboxes/{mailbox_id}",
    "DELETE /v1/mailboxes/{mailbox_id}",
    "POST /v1/mailboxes/{mailbox_id}/sync",
    "GET /v1/customers",
    "GET /v1/customers/lookup",
    "GET /v1/customers/{customer_id}",
    "PUT /v1/customers/{customer_id}/outcome",
    "POST /v1/lookalike",
    "GET /v1/model",
    "POST /v1/tag",
    "GET /v1/tags",
    "PATCH /v1/tags/{tag_id}",
    "GET /v1/analytics/funnel",
    "DELETE /v1/contacts/{email}",
    "POST /v1/webhooks",
    "GET /v1/webhooks",
    "GET /v1/webhooks/{webhook_id}",
    "PATCH /v1/webhooks/{webhook_id}",
    "DELETE /v1/webhooks/{webhook_id}",
    "GET /v1/webhooks/{webhook_id}/deliveries",
    "POST /v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
    "GET /v1/status",
    "POST /v1/rebuild",
    "GET /metrics",
]


@pytest.fixture(scope="module")
def fuzzer(
    demo_template: Path,
    shared_embedder: Embedder,
    dovecot_server: DovecotServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fuzzer]:
    """The real app on a copy of the demo store, its enrichment runner started (as in
    `leadlens serve`), three IMAP mailboxes added; logins go to the session's dovecot."""
    dovecot_server.start()
    path = tmp_path_factory.mktemp("fuzz") / "demo.db"
    shutil.copyfile(demo_template, path)
    settings = demo_settings_for(path)
    engine = create_db_engine(settings.database_url)
    sessions = session_factory(engine)
    models = LoadedModels(settings, shared_embedder)
    enrichment = EnrichmentRunner(settings, sessions, models)
    admin_key, ids = seed_store(sessions, SecretBox.from_settings(settings), dovecot_server.port)
    app = create_app(settings, enrichment=enrichment, models=models, metrics=enrichment.metrics)
    enrichment.start()
    try:
        ports = (dovecot_server.port, dovecot_server.tls_port)
        yield Fuzzer(app, admin_key, ids, ports)
    finally:
        enrichment.stop()
        engine.dispose()


def test_every_operation_is_fuzzed(fuzzer: Fuzzer) -> None:
    """A new operation cannot be left out: the list below is the schema's."""
    assert fuzzer.labels() == OPERATIONS


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation(fuzzer: Fuzzer, label: str) -> None:
    fuzzer.tally = Tally()
    for auth in AUTH_VARIANTS:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzzer.run(label, mode, auth, EXAMPLES if auth == "admin" else KEYLESS_EXAMPLES)
    assert fuzzer.tally.cases[label] > 0
    assert not fuzzer.tally.failures, fuzzer.tally.report()
