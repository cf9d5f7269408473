"""The service under soak as children of this process: `leadlens serve` alone (embedded:
sync, enrichment, clustering and profiles inside it), or an API replica, the scheduler and
`leadlens worker` processes on Redis. Each start of a process is an incarnation with a log
of its own; a kill is a SIGKILL, after which nothing of the killed process may be left."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from app.demo.imap_server import free_port
from tests.processes import left_after
from tests.workers.support import Processes, deployed

MODEL_LOADED = "sentence model loaded"
"""What the enrichment logs once its sentence model is loaded (INFO)."""


def environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment, but for LEADLENS_* settings: those in ``settings`` only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    return {**env, **settings}


class Service:
    """The service on one store. ``workers``: 0 for the embedded `leadlens serve`, else that
    many `leadlens worker` processes (prefork, as docker-compose.yml runs them) beside an API
    replica and the scheduler, on the broker in ``settings``."""

    def __init__(self, settings: dict[str, str], logs: Path, workers: int = 0) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.setting = f"LEADLENS_DATABASE_URL={settings['LEADLENS_DATABASE_URL']}"
        self.workers = workers
        logs.mkdir(parents=True, exist_ok=True)
        self.children = Processes(environment(settings), logs)
        self._started = 0
        self._current: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, Path] = {}
        self._loaded: set[str] = set()

    def _start(self, role: str, *args: str) -> None:
        self._started += 1
        name = f"{self._started:03d}-{role}"
        self._current[role] = self.children.start(name, *args)
        self._logs[role] = self.children.logs / f"{name}.log"
        self._loaded.discard(role)

    def start(self) -> None:
        """Start what is not running (everything at first), and wait for the API."""
        if "api" not in self._current:
            self._start("api", "serve", "--port", str(self.port))
        if self.workers and "scheduler" not in self._current:
            schedule = self.children.logs / "schedule"
            self._start("scheduler", "scheduler", "--schedule-file", str(schedule))
        for n in range(1, self.workers + 1):
            if f"worker{n}" not in self._current:
                self._start(f"worker{n}", *deployed("worker")[0])
        deadline = time.monotonic() + 120
        while not self.up():
            assert time.monotonic() < deadline, f"the API did not come up\n{self.tail()}"
            for role, process in self._current.items():
                assert process.poll() is None, f"{role} exited\n{self.tail()}"
            time.sleep(0.1)

    def up(self) -> bool:
        """Whether the API answers."""
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def loaded(self) -> bool:
        """Whether the embedded service's enrichment has its sentence model loaded (it
        loads it before it enriches, clusters or profiles anything). Always true with
        workers: there each task loads what it needs itself, the model when it enriches."""
        if self.workers:
            return True
        if "api" not in self._loaded and MODEL_LOADED in self._logs["api"].read_text(
            errors="replace"
        ):
            self._loaded.add("api")
        return "api" in self._loaded

    def victim(self, rng: random.Random) -> str:
        """What a kill hits: the service (embedded), else one of the workers at random."""
        if not self.workers:
            return "api"
        return f"worker{rng.randint(1, self.workers)}"

    def kill(self, role: str) -> dict[int, str]:
        """SIGKILL ``role``: the embedded service's process alone (its parser processes must
        end by themselves), a worker with its prefork children (its container killed). What
        of it is left 30 s later is returned, and then killed."""
        process = self._current.pop(role)
        if self.workers:
            Processes.kill(process)
        else:
            process.send_signal(signal.SIGKILL)
            process.wait()
        left = left_after(self.setting, 30) if not self.workers else {}
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        return left

    def stop(self) -> tuple[int, dict[int, str]]:
        """SIGTERM to every process, as at a deployment's shutdown; the API's exit status
        and what is left of any of them 60 s later (then killed)."""
        for process in self._current.values():
            process.send_signal(signal.SIGTERM)
        status = {role: process.wait(timeout=120) for role, process in self._current.items()}
        self._current.clear()
        left = left_after(self.setting, 60)
        self.close()
        return status["api"], left

    def close(self) -> None:
        """SIGKILL every process group still there (the end of a failed run)."""
        self.children.stop()
        self._current.clear()

    def tail(self) -> str:
        """The end of every incarnation's log, for failure messages."""
        return self.children.tail()[-12000:]

    def call(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        """One API request that must succeed (2xx); its JSON body (None when empty)."""
        response = httpx.request(method, self.base + path, headers=headers, timeout=60, **kwargs)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def wait(self, what: str, check: Callable[[], Any], seconds: float) -> Any:
        """Poll ``check`` until it returns something true (returned); a hang guard of
        ``seconds``, failing with the logs."""
        deadline = time.monotonic() + seconds
        while not (value := check()):
            assert time.monotonic() < deadline, f"timed out waiting for {what}\n{self.tail()}"
            time.sleep(0.2)
        return value
