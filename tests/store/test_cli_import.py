"""`leadlens import` as a user runs it: progress on stderr, the summary as the last line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "app" / "samples" / "exporter.mbox"


def _leadlens(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    env["LEADLENS_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_import_of_the_sample_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _leadlens(url, "db", "upgrade").returncode == 0
    args = ("import", str(SAMPLE), "--mailbox", "sales", "--own-domain", "lumora-lighting.com")

    first = _leadlens(url, *args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert lines[-1] == "imported=11 duplicates=0 quarantined=1"
    assert lines[0].startswith(f"quarantined {SAMPLE}#11: ")

    second = _leadlens(url, *args)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines() == ["imported=0 duplicates=12 quarantined=0"]


def test_import_refuses_an_unmigrated_database_and_a_missing_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    refused = _leadlens(url, "import", str(SAMPLE), "--mailbox", "sales")
    assert refused.returncode == 1
    assert "leadlens db upgrade" in refused.stderr
    assert _leadlens(url, "db", "upgrade").returncode == 0
    missing = _leadlens(url, "import", str(tmp_path / "nope.mbox"), "--mailbox", "sales")
    assert missing.returncode == 1
    assert "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr
