"""`leadlens demo` as a newcomer runs it, on a small exporter: by import, and through dovecot."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.demo.imap_server import HOST, find_dovecot, free_port, port_open
from app.settings import Settings
from app.web import create_app
from tests.cli import leadlens
from tests.conftest import REPO_ROOT, skip_or_fail
from tests.processes import left_after, processes_with

SECRET = "demo test key"
SUMMARY = re.compile(r"(\d+) customers \((\d+) won, (\d+) lost, (\d+) open\), .*")
DOVECOT = re.compile(r"dovecot serves the demo mail on 127\.0\.0\.1:(\d+) \((\d+) messages added")


def _demo(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return leadlens(
        url,
        "demo",
        "--customers",
        "30",
        "--no-serve",
        *args,
        env={"LEADLENS_SECRET_KEY": SECRET},
        timeout=900,
    )


def _outcome(run: subprocess.CompletedProcess[str]) -> tuple[int, int, str]:
    """Customers in the summary, messages imported, and the admin key of a successful run."""
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    summary = SUMMARY.fullmatch(lines[0])
    assert summary, lines[0]
    assert sum(line.startswith("curl ") for line in lines) == 3
    key = next(line for line in lines if line.startswith("admin API key")).rsplit(" ", 1)[-1]
    imported = re.search(r"imported (\d+) new messages", run.stderr)
    assert imported, run.stderr
    enriched = re.search(r"^enriching: (\d+) messages in \d+ (min \d\d )?s", run.stderr, re.M)
    assert enriched and int(enriched.group(1)) == int(imported.group(1)), run.stderr
    for noise in ("\x1b", "Loading weights", "INFO sentence_transformers", "INFO alembic"):
        assert noise not in run.stderr, run.stderr
    return int(summary.group(1)), int(imported.group(1)), key


def _api(url: str, key: str, path: str) -> Any:
    settings = Settings(database_url=url, secret_key=SecretStr(SECRET), _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        answer = client.get(path, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, int, str]:
    """A store filled by `leadlens demo --via import`: url, customers, messages, key."""
    url = f"sqlite:///{tmp_path_factory.mktemp('import') / 'demo.db'}"
    return url, *_outcome(_demo(url, "--via", "import"))


def test_demo_by_import_profiles_prints_a_key_and_adds_nothing_twice(
    imported: tuple[str, int, int, str],
) -> None:
    url, customers, messages, key = imported
    assert customers >= 30
    assert messages > 0
    page = _api(url, key, "/v1/customers?limit=500")
    assert len(page["items"]) == customers
    status = _api(url, key, "/v1/status")
    assert status["pending_enrichment"] == 0
    assert status["topics_version"]
    assert _api(url, key, "/v1/mailboxes")["items"] == []  # import targets are no IMAP mailboxes

    second = _demo(url, "--via", "import")
    assert second.returncode == 0, second.stderr
    assert "imported 0 new messages" in second.stderr
    assert "dovecot" not in second.stderr


def test_demo_syncs_through_dovecot_serves_it_and_stops_it(
    tmp_path: Path, imported: tuple[str, int, int, str]
) -> None:
    if find_dovecot() is None:
        skip_or_fail("dovecot is not installed (apt-get install dovecot-imapd)")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = _demo(url)
    customers, messages, key = _outcome(first)
    served = DOVECOT.search(first.stderr)
    assert served, first.stderr
    assert int(served.group(2)) == messages == imported[2]
    assert customers == imported[1]
    assert not port_open(int(served.group(1)))  # --no-serve stopped dovecot
    assert len(_api(url, key, "/v1/customers?limit=500")["items"]) == customers
    mailboxes = _api(url, key, "/v1/mailboxes")["items"]
    assert len(mailboxes) == 4
    for mailbox in mailboxes:
        assert (mailbox["host"], mailbox["security"], mailbox["state"]) == (HOST, "none", "idle")
        assert mailbox["messages"] > 0
        assert mailbox["own_domains"] == ["lumora-lighting.com"]
        assert {f["name"] for f in mailbox["folder_status"]} == {"INBOX", "Sent"}
    assert sum(mailbox["messages"] for mailbox in mailboxes) == messages
    assert len(list((tmp_path / "leadlens-demo-imap").iterdir())) == 4

    second, dovecot_port = _serve_then_terminate(url, tmp_path)
    assert "imported 0 new messages" in second
    assert "(0 messages added" in second
    assert not port_open(dovecot_port)
    again = _api(url, key, "/v1/mailboxes")["items"]
    assert {m["port"] for m in again} == {dovecot_port}
    assert sum(m["messages"] for m in again) == messages

    mixed = _demo(url, "--via", "import")
    assert mixed.returncode == 1
    assert "came over IMAP" in mixed.stderr
    assert len(mixed.stderr.strip().splitlines()) == 2  # "generating …: done" and the error


def _serve_then_terminate(url: str, folder: Path) -> tuple[str, int]:
    """Run the demo again, serving: while it serves, dovecot runs and the mailboxes are
    synced from it; SIGTERM ends both, and every process of the demo. Returns its stderr and
    dovecot's port."""
    port = free_port()
    out, err = folder / "serve.out", folder / "serve.err"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    environment.update(LEADLENS_DATABASE_URL=url, LEADLENS_SECRET_KEY=SECRET, COLUMNS="250")
    command = [sys.executable, "-m", "app", "demo", "--customers", "30", "--port", str(port)]
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            command, stdout=stdout, stderr=stderr, cwd=REPO_ROOT, env=environment
        )
    try:
        key = _wait_for_key(out, process)
        assert f"dashboard http://{HOST}:{port}/ui, API docs http://{HOST}:{port}/docs" in (
            out.read_text()
        )
        dovecot_port = int(DOVECOT.search(err.read_text()).group(1))  # type: ignore[union-attr]
        assert port_open(dovecot_port)
        headers = {"Authorization": f"Bearer {key}"}
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://{HOST}:{port}/v1/mailboxes", headers=headers)
                states = {(m["port"], m["state"]) for m in answer.json()["items"]}
                if states == {(dovecot_port, "idle")}:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.2)
        running = processes_with(f"LEADLENS_DATABASE_URL={url}")
        assert process.pid in running, running
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM, err.read_text()
        # dovecot, sync, enrichment and any parser process ended with it
        assert left_after(f"LEADLENS_DATABASE_URL={url}") == {}, running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return err.read_text(), dovecot_port


def _wait_for_key(out: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 300
    while "serving on" not in out.read_text():
        assert process.poll() is None and time.monotonic() < deadline, out.read_text()
        time.sleep(0.2)
    line = next(line for line in out.read_text().splitlines() if line.startswith("admin API"))
    return line.rsplit(" ", 1)[-1]
