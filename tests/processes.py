"""The processes of a `python -m app` child under test, found by its environment.

Every process a service starts inherits its environment: its forkserver, the parser
workers forked from it, multiprocessing's resource tracker, a prefork pool's children,
the demo's dovecot. Orphaned, they are re-parented to init and no longer descend from the
service, but they still carry its environment: a setting unique to the test (its store's
URL) finds them all, whoever their parent is now.
"""

from __future__ import annotations

import time
from pathlib import Path

_PROC = Path("/proc")


def processes_with(setting: str) -> dict[int, str]:
    """PID → command line of every live process whose environment holds exactly
    ``setting`` (``NAME=value``); zombies, which have no environment left, are not counted."""
    needle = b"\0" + setting.encode() + b"\0"
    found = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = b"\0" + (entry / "environ").read_bytes()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in environment:
            found[int(entry.name)] = command.replace(b"\0", b" ").decode(errors="replace").strip()
    return found


def left_after(setting: str, seconds: float = 30.0) -> dict[int, str]:
    """The processes with ``setting`` still alive once they are all gone or ``seconds``
    have passed (a hang guard: processes that end with their parent take a moment)."""
    deadline = time.monotonic() + seconds
    while (found := processes_with(setting)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found
