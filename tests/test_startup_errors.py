"""Every start-up failure a user can cause ends `leadlens` with exit 1 and exactly one line
on stderr that says what to do: no traceback. Each runs the real command line."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import leadlens
from tests.servers.postgres import PostgresServer, free_port


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``error: ...`` line of a failed command (fails the test otherwise)."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


@pytest.fixture
def migrated_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite store of its own."""
    path = tmp_path / "leadlens.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program listens on for the whole test."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


# Every command that opens the store, each with one of the URLs a user gets wrong, and a
# part of the line it must print: the hint names the URL to use instead.
STORE_COMMANDS = [
    (["db", "upgrade"], "postgres://lead:hunter2@127.0.0.1/crm", "write postgresql+psycopg://"),
    (
        ["apikey", "list"],
        "postgres://lead@127.0.0.1/crm",
        "postgresql+psycopg://lead@127.0.0.1/crm",
    ),
    (["mailbox", "list"], "mysql://lead@127.0.0.1/crm", "names mysql, which leadlens does not"),
    (["rebuild"], "not a database url", "cannot be parsed"),
    (["sync", "--once"], "postgresql+psycopg2://lead@127.0.0.1/crm", "driver psycopg2"),
    (["serve"], "oracle://lead@127.0.0.1/crm", "use sqlite:///path/to/leadlens.db or postgres"),
    (["import", "nothing.mbox", "--mailbox", "m"], "mssql://127.0.0.1/crm", "names mssql"),
    (["demo", "--no-serve"], "sqlite+aiosqlite:///crm.db", "use sqlite:///crm.db"),
    (["worker"], "postgresql+asyncpg://127.0.0.1/crm", "use postgresql+psycopg://127.0.0.1/crm"),
    (["scheduler"], "postgres://127.0.0.1:5432/crm", "(postgresql+psycopg://127.0.0.1:5432/crm)"),
]


@pytest.mark.parametrize(
    ("command", "url", "hint"), STORE_COMMANDS, ids=[" ".join(c[0]) for c in STORE_COMMANDS]
)
def test_a_database_url_leadlens_cannot_use_is_one_line_with_the_fix(
    command: list[str], url: str, hint: str, tmp_path: Path
) -> None:
    result = leadlens(
        url,
        *command,
        env={
            "LEADLENS_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
            "LEADLENS_SECRET_KEY_FILE": str(tmp_path / "leadlens.key"),
        },
    )
    line = one_error_line(result)
    assert hint in line
    assert "hunter2" not in line  # a password in the URL is never shown


def test_a_sqlite_file_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "no-such-folder"
    line = one_error_line(leadlens(f"sqlite:///{folder}/leadlens.db", "db", "upgrade"))
    assert f"the folder {folder} of the SQLite database does not exist" in line
    assert not folder.exists()


def test_postgresql_not_running_says_so() -> None:
    url = f"postgresql+psycopg://leadlens@127.0.0.1:{free_port()}/leadlens"
    line = one_error_line(leadlens(url, "apikey", "list"))
    assert f"cannot connect to the database {url}" in line
    assert "start PostgreSQL there, or correct LEADLENS_DATABASE_URL" in line


@pytest.mark.postgres
def test_a_database_missing_on_a_running_postgresql_is_named(
    postgres_server: PostgresServer,
) -> None:
    line = one_error_line(leadlens(postgres_server.url("no_such_database"), "serve"))
    assert 'database "no_such_database" does not exist' in line


def test_serve_on_a_port_in_use_stops_before_starting_anything(
    migrated_url: str, busy_port: int
) -> None:
    result = leadlens(migrated_url, "serve", "--port", str(busy_port))
    line = one_error_line(result)
    assert f"port {busy_port} on 127.0.0.1 is in use" in line
    assert "--port N or LEADLENS_PORT" in line


def test_demo_on_a_port_in_use_stops_before_touching_the_store(
    tmp_path: Path, busy_port: int
) -> None:
    database = tmp_path / "demo.db"
    result = leadlens(f"sqlite:///{database}", "demo", env={"LEADLENS_PORT": str(busy_port)})
    assert f"port {busy_port} on 127.0.0.1 is in use" in one_error_line(result)
    assert not database.exists()  # checked before the store, the mail and the model


def test_serve_with_an_unreadable_secret_key_file_says_which(
    migrated_url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "leadlens.key"
    key_file.mkdir()  # unreadable as a file, even by root
    result = leadlens(
        migrated_url,
        "serve",
        "--port",
        str(free_port()),
        env={"LEADLENS_SECRET_KEY_FILE": str(key_file)},
    )
    line = one_error_line(result)
    assert f"cannot read the secret key file {key_file} (Is a directory)" in line
    assert "LEADLENS_SECRET_KEY" in line


def test_sync_with_a_secret_key_file_in_a_missing_folder_says_which(
    migrated_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "keys"
    result = leadlens(
        migrated_url, "sync", "--once", env={"LEADLENS_SECRET_KEY_FILE": str(folder / "k")}
    )
    assert f"the folder {folder} of the secret key file does not exist" in one_error_line(result)
