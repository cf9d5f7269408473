"""What the multi-process worker tests share: fresh PostgreSQL databases, the environment
of `python -m app` children, the children themselves, and waiting on a condition."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import REPO_ROOT
from tests.servers.postgres import PostgresServer

SECRET = "scale-out-secret"


def fresh_databases(
    server: PostgresServer, template: str, count: int, prefix: str
) -> Iterator[list[str]]:
    """URLs of ``count`` fresh migrated databases, dropped when the generator resumes."""
    names = [f"{prefix}_{os.getpid()}_{time.monotonic_ns()}_{n}" for n in range(count)]
    for name in names:
        server.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield [server.url(name) for name in names]
    for name in names:
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")


def worker_environment(database_url: str, redis_url: str, **settings: str) -> dict[str, str]:
    """The environment of a child on this store and broker: no other LEADLENS_* setting
    than these, quiet logs, the model on the CPU, no periodic full sync; ``settings`` adds
    ``LEADLENS_<NAME>`` values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    env.update(
        LEADLENS_DATABASE_URL=database_url,
        LEADLENS_BROKER_URL=redis_url,
        LEADLENS_SECRET_KEY=SECRET,
        LEADLENS_LOG_LEVEL="WARNING",
        LEADLENS_PARSE_WORKERS="0",
        LEADLENS_EMBEDDING_DEVICE="cpu",
        LEADLENS_SYNC_POLL_SECONDS="3600",
    )
    env.update({f"LEADLENS_{name.upper()}": value for name, value in settings.items()})
    return env


class Processes:
    """`python -m app` children, killed by PID at the end of the test."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start ``leadlens ARGS``, its output in ``logs/NAME.log``."""
        with (self.logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "app", *args],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        return process

    def tail(self) -> str:
        """The end of every child's output, for failure messages."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        """SIGKILL every child still running."""
        for process in self.started:
            if process.poll() is None:
                process.kill()
            process.wait()


def until(check: Callable[[], Any], what: str, seconds: float, tail: Callable[[], str]) -> Any:
    """Poll ``check`` until it returns something true (returned); fail with ``tail()`` after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{tail()}"
        time.sleep(0.05)
    return value


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """The ``leadlens_*`` samples of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        if family.name.startswith("leadlens_")
        for sample in family.samples
    }


def sample(found: Samples, name: str, **labels: str) -> float:
    """One sample's value (KeyError when it is absent)."""
    return found[(name, frozenset(labels.items()))]
