"""Run the `leadlens` command line as a user would, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT


def leadlens(
    database_url: str,
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m app ARGS`` on ``database_url``, with no other LEADLENS_* setting
    than those in ``env``; stdout and stderr are pipes, not a terminal, 250 columns wide
    unless ``env`` sets COLUMNS."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    environment.update(LEADLENS_DATABASE_URL=database_url, COLUMNS="250")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=environment,
        timeout=timeout,
        check=False,
    )
