"""What the multi-process worker tests share: fresh PostgreSQL databases, the environment
docker-compose.yml gives `python -m app` children, the children themselves, and waiting on
a condition while watching for failures."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.metrics import FAILURES, Metrics, SharedMetrics
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


def deployed(service: str) -> tuple[list[str], dict[str, str]]:
    """The `leadlens` arguments docker-compose.yml runs ``service`` with (its last command)
    and the LEADLENS_* settings it gives it."""
    services = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())["services"]
    command = services[service]["command"]
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2].split("&&")[-1])
    assert command[0] == "leadlens", command
    environment = {str(k): str(v) for k, v in services[service]["environment"].items()}
    return command[1:], environment


# The only settings a test may give a worker, scheduler or API child beyond those of
# docker-compose.yml, and why: each scales a time or a unit of work down to a test's size.
# None of them chooses which code runs.
SCALED_DOWN = frozenset(
    {
        # IMAP batches of a few dozen, so that a worker can die between two batches of a
        # folder of a few hundred messages (deployed: 500); at least MIN_POOLED_BATCH, the
        # size from which parsing takes the path a deployment's batches take
        "sync_batch_size",
        # a task a killed worker held goes to another after this (deployed: an hour)
        "broker_visibility_timeout",
        # a killed worker's folder lock frees after this (deployed: a minute)
        "lock_seconds",
        # the scheduler's backstop passes come this often (deployed: a minute)
        "sync_poll_seconds",
        # enrichment in small batches, so that a worker can die between two of a few hundred
        # messages (deployed: 256)
        "enrich_batch_size",
        # the scheduler's webhook sends and their retries come this often (deployed: 2 s;
        # retries 5 s to 12 h)
        "webhook_send_interval_seconds",
        "webhook_retry_schedule",
    }
)


def worker_environment(database_url: str, redis_url: str, **scaled: str) -> dict[str, str]:
    """The environment docker-compose.yml gives its leadlens services, on this store and
    broker: no other LEADLENS_* setting than its own, except ``scaled`` ones (names of
    :data:`SCALED_DOWN`, given as ``LEADLENS_<NAME>``)."""
    unknown = set(scaled) - SCALED_DOWN
    assert not unknown, f"not deployed, not a scaled-down time or size: {sorted(unknown)}"
    _, compose = deployed("worker")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    env.update(compose)
    env.update(LEADLENS_DATABASE_URL=database_url, LEADLENS_BROKER_URL=redis_url)
    env.update(LEADLENS_SECRET_KEY=SECRET)
    env.update({f"LEADLENS_{name.upper()}": value for name, value in scaled.items()})
    return env


class Processes:
    """`python -m app` children, each in a process group of its own (a prefork worker and
    its pool), killed by group at the end of the test."""

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
                start_new_session=True,
            )
        self.started.append(process)
        return process

    def tail(self) -> str:
        """The end of every child's output, for failure messages."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.logs.glob("*.log"))
        )

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL ``process`` and every process of its group at once, as when its
        container is killed, and reap it."""
        with contextlib.suppress(ProcessLookupError):  # the whole group has exited
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        """SIGKILL every child's process group."""
        for process in self.started:
            self.kill(process)


def until(
    check: Callable[[], Any],
    what: str,
    seconds: float,
    tail: Callable[[], str],
    failed: Callable[[], str | None] | None = None,
) -> Any:
    """Poll ``check`` until it returns something true (returned); fail with ``tail()`` after
    ``seconds``, or as soon as ``failed`` (asked every half second) says what failed."""
    deadline = time.monotonic() + seconds
    asked = 0.0
    while not (value := check()):
        now = time.monotonic()
        assert now < deadline, f"timed out waiting for {what}\n{tail()}"
        if failed is not None and now - asked >= 0.5:
            asked = now
            trouble = failed()
            assert trouble is None, f"failed while waiting for {what}: {trouble}\n{tail()}"
        time.sleep(0.05)
    return value


class Failures:
    """What shows that the workers on a store and broker failed for good: mailboxes in
    state ``error`` (with their ``last_error``) and failed tasks (the cluster's
    ``leadlens_task_failures_total``, as an API replica shows it)."""

    def __init__(self, sessions: sessionmaker[Session], redis_url: str) -> None:
        self.sessions = sessions
        self.redis_url = redis_url

    def __call__(self) -> str | None:
        """What failed so far, or None when nothing did."""
        with self.sessions() as session:
            errors = {
                mailbox.id: mailbox.last_error
                for mailbox in session.scalars(select(Mailbox).where(Mailbox.state == "error"))
            }
        metrics = Metrics(SharedMetrics.from_url(self.redis_url))
        assert metrics.shared is not None
        try:
            found = samples(metrics.exposition().decode())
        finally:
            metrics.shared.close()
        tasks = {
            dict(labels)["task"]: value
            for (name, labels), value in found.items()
            if name == f"{FAILURES}_total" and value
        }
        if errors or tasks:
            return f"mailboxes in error: {errors}; failed tasks: {tasks}"
        return None


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
