"""A real PostgreSQL 16 (+ pgvector) on 127.0.0.1, from the binaries the `pgserver` wheel ships.

The server runs as user ``nobody`` when the tests run as root (PostgreSQL refuses root), from
a copy of the binaries in a world-readable temp folder (site-packages may sit under a 0700
home). It is stopped by PID at the end of the session.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


def pgserver_install_dir() -> Path | None:
    """The `pginstall` folder of the installed `pgserver` wheel, without importing it."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    return folder if (folder / "bin" / "postgres").exists() else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running server; ``url(name)`` gives a SQLAlchemy URL for database ``name``."""

    port: int
    process: subprocess.Popen[bytes]
    root: Path

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction in the `postgres` database."""
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(sql.encode())

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then SIGKILL if it lingers; remove its files."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _runs_as() -> dict[str, int]:
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid}


def start_postgres(install: Path) -> PostgresServer:
    """Init a throwaway cluster (trust auth, fsync off) and start it on a free port."""
    root = Path(tempfile.mkdtemp(prefix="leadlens-pg-"))
    root.chmod(0o755)
    # the binaries find their libraries through RPATH $ORIGIN/../../../pgserver.libs
    binaries = root / "pkg" / "pgserver" / "pginstall"
    shutil.copytree(install, binaries, symlinks=True)
    shutil.copytree(install.parent.parent / "pgserver.libs", root / "pkg" / "pgserver.libs")
    data = root / "data"
    data.mkdir(mode=0o700)
    owner = _runs_as()
    if owner:
        os.chown(data, owner["user"], owner["group"])
    subprocess.run(
        [binaries / "bin" / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        **owner,  # type: ignore[arg-type]
    )
    port = free_port()
    log = (root / "postgres.log").open("wb")
    process = subprocess.Popen(
        [
            binaries / "bin" / "postgres",
            "-D",
            data,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-c",
            "unix_socket_directories=",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        **owner,  # type: ignore[arg-type]
    )
    log.close()
    server = PostgresServer(port=port, process=process, root=root)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.execute("SELECT 1")
            return server
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = (root / "postgres.log").read_text(errors="replace")
                server.stop()
                raise RuntimeError(f"PostgreSQL did not start:\n{output}") from None
            time.sleep(0.1)


def running_postgres(install: Path) -> Iterator[PostgresServer]:
    """Start a server for the duration of a fixture."""
    server = start_postgres(install)
    try:
        yield server
    finally:
        server.stop()
