"""Mailbox secrets at rest: encrypted with LEADLENS_SECRET_KEY or a generated 0600 key file."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.errors import SecretKeyError
from app.secret_box import SecretBox, key_file_path
from app.settings import Settings
from tests.servers.dovecot import HOST, Account, DovecotServer


def settings_for(url: str, **values: Any) -> Settings:
    """Settings for ``url`` that ignore any .env file."""
    return Settings(database_url=url, _env_file=None, **values)  # type: ignore[call-arg]


def test_round_trip_with_a_configured_key() -> None:
    box = SecretBox.from_settings(settings_for("sqlite://", secret_key=SecretStr("correct horse")))
    token = box.encrypt("pässwörd ✓")
    assert b"p\xc3\xa4ssw" not in token
    assert box.encrypt("pässwörd ✓") != token  # random IV each time
    assert box.decrypt(token) == "pässwörd ✓"
    same_key = SecretBox(secret="correct horse")
    assert same_key.decrypt(token) == "pässwörd ✓"


def test_another_key_cannot_decrypt() -> None:
    token = SecretBox(secret="key one").encrypt("hunter2")
    with pytest.raises(SecretKeyError, match="another key") as raised:
        SecretBox(secret="key two").decrypt(token)
    assert raised.value.code == "secret_key_error"
    assert "hunter2" not in str(raised.value)
    with pytest.raises(SecretKeyError):
        SecretBox(secret="key one").decrypt(b"not a token")


def test_empty_key_is_refused() -> None:
    with pytest.raises(SecretKeyError, match="empty"):
        SecretBox(secret="").encrypt("x")


def test_key_file_is_generated_once_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(f"sqlite:///{tmp_path}/store.db")
    path = key_file_path(settings)
    assert path == tmp_path / "leadlens.key"
    assert not path.exists()
    box = SecretBox.from_settings(settings)
    assert not path.exists()  # generated on first use, not before
    with caplog.at_level(logging.INFO, logger="leadlens.secrets"):
        token = box.encrypt("hunter2")
        box.encrypt("again")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text().strip()
    assert len(key) >= 43
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(path) in warnings[0].getMessage()
    assert key not in caplog.text
    assert SecretBox.from_settings(settings).decrypt(token) == "hunter2"
    assert SecretBox(secret=key).decrypt(token) == "hunter2"  # the file's content is the key
    assert [p.name for p in tmp_path.iterdir()] == ["leadlens.key"]


def test_key_file_for_a_server_database(tmp_path: Path) -> None:
    server = settings_for("postgresql+psycopg://db.example/leadlens")
    assert key_file_path(server) == Path("leadlens.key")
    chosen = settings_for("postgresql+psycopg://db/x", secret_key_file=tmp_path / "k")
    assert key_file_path(chosen) == tmp_path / "k"


def test_unusable_key_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.key"
    empty.write_text("\n")
    with pytest.raises(SecretKeyError, match="empty"):
        SecretBox(key_file=empty).encrypt("x")
    with pytest.raises(SecretKeyError, match="cannot create"):
        SecretBox(key_file=tmp_path / "missing-dir" / "k").encrypt("x")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_password_is_not_in_the_database_file_in_clear(
    client: TestClient,
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
) -> None:
    body = {
        "host": HOST,
        "port": dovecot.port,
        "security": "none",
        "username": imap_account.username,
        "password": imap_account.password,
    }
    response = client.post("/v1/mailboxes", json=body, headers=admin)
    assert response.status_code == 201, response.text
    database = settings.sqlite_path()
    assert database is not None
    files = [p for p in (database, Path(f"{database}-wal")) if p.exists()]
    stored = b"".join(p.read_bytes() for p in files)
    assert imap_account.username.encode() in stored  # the row is in these files
    assert imap_account.password.encode() not in stored
    with sessions() as session:
        ciphertext = session.get_one(Mailbox, response.json()["id"]).secret_ciphertext
    assert ciphertext is not None
    assert SecretBox.from_settings(settings).decrypt(ciphertext) == imap_account.password
