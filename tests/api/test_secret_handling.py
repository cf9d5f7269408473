"""Secrets stay secret: the SQLite store and the key file are made readable by their owner
only (0600, whatever the umask); API keys and dashboard tokens are never compared as text;
and a whole run of `leadlens serve` at DEBUG with the libraries' logs on — mailboxes added
with passwords (right and wrong ones) and with an OAuth2 grant, synced, changed, API calls
with a key, a webhook added and sent to — logs none of the passwords, the API key,
LEADLENS_SECRET_KEY, the client secret, any refresh or access token, or the webhook's
signing secret."""

from __future__ import annotations

import ast
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.demo.imap_server import free_port
from tests.conftest import REPO_ROOT
from tests.mail import make_email
from tests.servers.dovecot import HOST, Account, DovecotServer
from tests.servers.oauth2 import OAuth2Server, oauth2_server
from tests.servers.receiver import WebhookReceiver

__all__ = ["oauth2_server"]

SECRET_KEY = "the LEADLENS_SECRET_KEY of this test"


def _environment(database: Path, **settings: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    environment.update(LEADLENS_DATABASE_URL=f"sqlite:///{database}", COLUMNS="250")
    environment.update(settings)
    return environment


def _under_umask_000(command: list[str], environment: dict[str, str]) -> str:
    """Run ``command`` with umask 000 (files it makes get the mode it asks for); its stdout."""
    done = subprocess.run(
        ["sh", "-c", 'umask 000 && exec "$@"', "sh", *command],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _leadlens(database: Path, *args: str) -> str:
    """Run ``python -m app ARGS`` on ``database``; returns its stdout."""
    return _under_umask_000([sys.executable, "-m", "app", *args], _environment(database))


# with the store open (SQLite removes -wal and -shm when the last connection closes)
MODES = """
import json, os, stat, sys
from pathlib import Path
from app.db.session import create_db_engine
from app.secret_box import SecretBox
folder = Path(sys.argv[1])
engine = create_db_engine(f"sqlite:///{folder / 'leadlens.db'}")
with engine.begin() as connection:
    connection.exec_driver_sql("CREATE TABLE written (x)")
SecretBox(key_file=folder / "leadlens.key").encrypt("x")
print(json.dumps({p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}))
"""


def test_the_store_and_the_key_file_are_private_whatever_the_umask(tmp_path: Path) -> None:
    database = tmp_path / "leadlens.db"
    _leadlens(database, "db", "upgrade")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    database.unlink()
    modes = _under_umask_000([sys.executable, "-c", MODES, str(tmp_path)], _environment(database))
    assert json.loads(modes) == {
        "leadlens.db": 0o600,
        "leadlens.db-wal": 0o600,
        "leadlens.db-shm": 0o600,
        "leadlens.key": 0o600,
    }


SECRET_NAMES = {"key", "key_hash", "plaintext", "token", "csrf", "secret", "credentials"}
SECRET_MODULES = [
    "app/apikeys.py",
    "app/api/auth.py",
    "app/ui/_session.py",
    "app/secret_box.py",
    "app/webhooks/signing.py",
]


def _named(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_keys_and_tokens_are_never_compared_as_text() -> None:
    """API keys are found by the SHA-256 of what was sent, in one indexed lookup (what that
    can leak is about the digest of the attacker's own input, not about any stored key), and
    the dashboard's token is compared with hmac.compare_digest: no ``==`` on a secret."""
    for module in SECRET_MODULES:
        tree = ast.parse((REPO_ROOT / module).read_text(), module)
        for node in ast.walk(tree):
            equality = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
            if isinstance(node, ast.Compare) and any(isinstance(o, equality) for o in node.ops):
                operands = [node.left, *node.comparators]
                secret = [name for name in map(_named, operands) if name in SECRET_NAMES]
                assert not secret, f"{module}:{node.lineno} compares {secret}"
    tree = ast.parse((REPO_ROOT / "app/apikeys.py").read_text())
    authenticate = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "authenticate"
    )
    lookups = [
        n
        for n in ast.walk(authenticate)
        if isinstance(n, ast.Call) and _named(n.func) == "get_by_hash"
    ]
    assert [ast.unparse(n.args[0]) for n in lookups] == ["hash_key(key)"]


def _serve(database: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    environment = _environment(database, LEADLENS_SECRET_KEY=SECRET_KEY, LEADLENS_LOG_LEVEL="DEBUG")
    command = [sys.executable, "-m", "app", "--verbose", "serve", "--port", str(port)]
    with log.open("wb") as output:
        return subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, cwd=REPO_ROOT, env=environment
        )


def _until(condition: object, what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while not callable(condition) or not condition():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def test_no_secret_in_the_logs_of_a_whole_run(
    tmp_path: Path,
    dovecot: DovecotServer,
    imap_account: Account,
    oauth2_server: OAuth2Server,
    webhook_receiver: WebhookReceiver,
) -> None:
    database, log = tmp_path / "leadlens.db", tmp_path / "serve.log"
    _leadlens(database, "db", "upgrade")
    key = _leadlens(database, "apikey", "create", "--scope", "admin").strip()
    other = dovecot.new_account()
    dovecot.append(
        imap_account.username,
        "INBOX",
        [make_email(sender="buyer@acme.de", to="rep@lumora.com", subject="RFQ", body="Hi")],
    )
    port = free_port()
    process = _serve(database, port, log)
    base, headers = f"http://{HOST}:{port}", {"Authorization": f"Bearer {key}"}
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz").status_code == 200
            except httpx.TransportError:
                return False

        _until(up, "serving", process, log)
        body = {"host": HOST, "port": dovecot.port, "security": "none"}
        wrong = "a-wrong-password-" + other.password
        with httpx.Client(base_url=base, headers=headers, timeout=60) as api:
            assert (
                api.post(
                    "/v1/mailboxes", json=body | {"username": other.username, "password": wrong}
                ).status_code
                == 400
            )
            added = api.post(
                "/v1/mailboxes",
                json=body | {"username": imap_account.username, "password": imap_account.password},
            )
            assert added.status_code == 201, added.text
            path = f"/v1/mailboxes/{added.json()['id']}"
            assert api.patch(path, json={"password": wrong}).status_code == 400
            assert api.patch(path, json={"password": imap_account.password}).is_success
            _until(lambda: api.get(path).json()["messages"] == 1, "synced", process, log)
            # an OAuth2 grant mailbox whose tokens expire (and rotate) while it syncs
            granted = dovecot.new_account()
            dovecot.append(
                granted.username,
                "INBOX",
                [make_email(sender="b@acme.de", to="rep@lumora.com", subject="Q", body="Hi")],
            )
            oauth2_server.lifetime = 1.0
            dovecot.trust(oauth2_server.user_of)
            grant = {
                "provider": "custom",
                "client_id": "leadlens-test",
                "client_secret": "client-secret-of-the-test",
                "refresh_token": oauth2_server.issue_grant(granted.username, "leadlens-test"),
                "token_endpoint": oauth2_server.token_endpoint,
            }
            added = api.post(
                "/v1/mailboxes", json=body | {"username": granted.username, "oauth2": grant}
            )
            assert added.status_code == 201, added.text
            granted_path = f"/v1/mailboxes/{added.json()['id']}"
            _until(lambda: api.get(granted_path).json()["messages"] == 1, "synced", process, log)
            assert api.patch(granted_path, json={"folders": ["INBOX"]}).is_success
            hook = {"url": webhook_receiver.url, "events": ["customer.outcome_changed"]}
            webhook_secret = api.post("/v1/webhooks", json=hook).json()["secret"]
            customer = api.get("/v1/customers").json()["items"][0]["id"]
            assert api.put(f"/v1/customers/{customer}/outcome", json={"outcome": "won"}).is_success
            _until(webhook_receiver.accepted, "webhook sent", process, log)
            assert api.post("/v1/tag", json={"body": "Please quote 500 pcs"}).is_success
            assert api.get("/v1/status").is_success
            assert (
                api.get("/v1/customers", headers={"Authorization": "Bearer x"}).status_code == 401
            )
    finally:
        dovecot.trust(None)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    text = log.read_text(errors="replace")
    oauth2 = [*oauth2_server.grants, *oauth2_server.retired, *oauth2_server.access]
    # adding the mailbox refreshed its grant: a rotated refresh token, the current one and an
    # access token at least (more when a token expired meanwhile, which depends on the pace)
    assert oauth2_server.grants and oauth2_server.retired and oauth2_server.access
    for secret in [*oauth2, "client-secret-of-the-test"]:
        assert secret not in text, f"an OAuth2 secret is in the logs:\n{text}"
    assert "DEBUG" in text and "imapclient" in text  # the most the logs say
    secrets = (imap_account.password, other.password, wrong, key, SECRET_KEY, webhook_secret)
    for secret in secrets:
        assert secret not in text, f"a secret is in the logs:\n{text}"
