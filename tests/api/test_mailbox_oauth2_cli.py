"""`leadlens mailbox authorize`, run as a person would against the local authorisation server
(tests/servers/oauth2.py): the test plays the browser (opens the printed URL, which
redirects to the command's loopback listener) or the user of the device flow (approves the
printed code). The grant stored is then what the mailbox syncs with."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import IO

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.workers.runner import SyncRunner
from tests.api.test_mailbox_oauth2 import CLIENT_SECRET, deliver, issuer
from tests.conftest import REPO_ROOT
from tests.servers.dovecot import HOST, Account, DovecotServer
from tests.servers.oauth2 import OAuth2Server, oauth2_server

__all__ = ["issuer", "oauth2_server"]
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def authorize() -> Iterator[list[subprocess.Popen[str]]]:
    """Started `leadlens mailbox authorize` processes, killed after the test if still alive."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _start(
    started: list[subprocess.Popen[str]],
    database_url: str,
    dovecot: DovecotServer,
    issuer: OAuth2Server,
    user: str,
    *args: str,
) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    environment.update(LEADLENS_DATABASE_URL=database_url, CLIENT_SECRET=CLIENT_SECRET)
    command = [
        sys.executable, "-m", "app", "mailbox", "authorize", "--provider", "custom",
        "--client-id", "leadlens-test", "--client-secret-env", "CLIENT_SECRET",
        "--token-endpoint", issuer.token_endpoint, "--scope", "mail",
        "--username", user, "--host", HOST, "--port", str(dovecot.tls_port),
        "--ca-file", dovecot.ca_file, *args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
    )
    started.append(process)
    return process


def _line_after(output: IO[str], prefix: str) -> str:
    """The first line of ``output`` that starts with ``prefix`` (read as it comes)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = output.readline()
        assert line, "the command ended before printing it"
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"no line starting with {prefix!r}")


def _finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out + err


def _syncs(
    runner: SyncRunner, sessions: sessionmaker[Session], dovecot: DovecotServer, account: Account
) -> None:
    mailbox_id = runner.mailbox_ids()[0]
    deliver(dovecot, account, 0)
    result = runner.sync_one(mailbox_id)
    assert result is not None
    assert (result.error, result.stored.imported) == (None, 1)


def test_authorize_in_a_browser_on_a_loopback_redirect_stores_the_grant(
    authorize: list[subprocess.Popen[str]],
    database_url: str,
    runner: SyncRunner,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    process = _start(authorize, database_url, dovecot, issuer, imap_account.username,
                     "--authorization-endpoint", f"{issuer.base_url}/authorize")  # fmt: skip
    assert process.stdout is not None
    url = _line_after(process.stdout, issuer.base_url)
    assert "code_challenge_method=S256" in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    issuer.user = imap_account.username  # the person who signs in and approves
    page = httpx.get(url, follow_redirects=True, timeout=30)  # the browser
    assert page.status_code == 200
    assert "close this window" in page.text
    output = _finished(process)
    assert "authorised mailbox mbx_" in output
    for secret in (CLIENT_SECRET, *issuer.grants, *issuer.retired, *issuer.access):
        assert secret not in output
    _syncs(runner, sessions, dovecot, imap_account)


def test_authorize_with_the_device_flow_stores_the_grant(
    authorize: list[subprocess.Popen[str]],
    database_url: str,
    runner: SyncRunner,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    device = f"{issuer.base_url}/device"
    process = _start(authorize, database_url, dovecot, issuer, imap_account.username,
                     "--flow", "device", "--device-endpoint", device)  # fmt: skip
    assert process.stdout is not None
    assert f"{issuer.base_url}/device/verify" in _line_after(process.stdout, "open ")
    user_code = process.stdout.readline().strip()
    until_polled = time.monotonic() + 30
    while issuer.requests[issuer.device_grant] < 2:  # polled, pending, at least twice
        assert time.monotonic() < until_polled, "the command does not poll"
        time.sleep(0.02)
    issuer.approve_device(user_code, imap_account.username)
    output = _finished(process)
    assert "authorised mailbox mbx_" in output
    for secret in (CLIENT_SECRET, *issuer.grants, *issuer.retired, *issuer.access):
        assert secret not in output
    _syncs(runner, sessions, dovecot, imap_account)
