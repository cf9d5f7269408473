"""`leadlens import` as a user runs it: progress on stderr, the summary as the last line."""

from __future__ import annotations

from pathlib import Path

from tests.cli import leadlens
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "app" / "samples" / "exporter.mbox"


def test_import_of_the_sample_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert leadlens(url, "db", "upgrade").returncode == 0
    args = ("import", str(SAMPLE), "--mailbox", "sales", "--own-domain", "lumora-lighting.com")

    first = leadlens(url, *args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert lines[-1] == "imported=11 duplicates=0 quarantined=1"
    assert lines[0].startswith(f"quarantined {SAMPLE}#11: ")

    second = leadlens(url, *args)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines() == ["imported=0 duplicates=12 quarantined=0"]


def test_import_refuses_an_unmigrated_database_and_a_missing_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    refused = leadlens(url, "import", str(SAMPLE), "--mailbox", "sales")
    assert refused.returncode == 1
    assert "leadlens db upgrade" in refused.stderr
    assert leadlens(url, "db", "upgrade").returncode == 0
    missing = leadlens(url, "import", str(tmp_path / "nope.mbox"), "--mailbox", "sales")
    assert missing.returncode == 1
    assert "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr
