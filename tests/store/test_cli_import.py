"""`leadlens import` as a user runs it: progress on stderr, the summary as the last line."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli import leadlens
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "app" / "samples" / "exporter.mbox"
SUMMARY = r"[a-z ]+: (\d+ [a-z]+|done) in \d+ (min \d\d )?s( \([\d.]+/s\))?"


def test_import_of_the_sample_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert leadlens(url, "db", "upgrade").returncode == 0
    args = ("import", str(SAMPLE), "--mailbox", "sales", "--own-domain", "lumora-lighting.com")

    first = leadlens(url, *args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert lines[-1] == "imported=11 duplicates=0 quarantined=1"
    assert lines[0].startswith(f"quarantined {SAMPLE}#11: ")
    _plain_progress_without_noise(first.stderr)

    second = leadlens(url, *args)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines() == ["imported=0 duplicates=12 quarantined=0"]


def _plain_progress_without_noise(stderr: str) -> None:
    """Off a terminal each long step ends in one plain summary line; our own log lines stay,
    the libraries' INFO logs and tqdm bars do not, and no terminal control code appears."""
    summaries = [line for line in stderr.splitlines() if re.fullmatch(SUMMARY, line)]
    assert [line.split(":")[0] for line in summaries] == [
        "importing",
        "loading the sentence model",
        "enriching",
        "profiling and training the lookalike model",
    ], stderr
    assert re.search(r"^importing: 12 messages in \d+ s", stderr, re.MULTILINE), stderr
    assert re.search(r"^enriching: 11 messages in \d+ s", stderr, re.MULTILINE), stderr
    assert "INFO leadlens.models sentence model loaded" in stderr
    for noise in ("\x1b", "\r", "Loading weights", "Batches", "it/s", "INFO sentence_transformers"):
        assert noise not in stderr, stderr
    assert not re.search(r"^INFO (alembic|transformers|httpx|imapclient)", stderr, re.MULTILINE)


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
