"""Time to settled profiles, the whole way: from connecting the mailboxes of an empty store
to `GET /v1/status` saying `settled`, through the API only, as a user waits for it.

Usage: python bench/settle.py [--corpus devcorpus,demo] [--backends torch,onnx-int8]
                              [--seed 11] [--customers 300] [--demo-customers 125]

For each corpus and each embedding backend (`LEADLENS_EMBEDDING_BACKEND`), in the same run:
a throwaway dovecot holding the corpus, a fresh SQLite store and `leadlens serve` on it
(process start and model load included). The corpora:

- `devcorpus`: `../shared/eval/devcorpus.py --seed N` (the independent export-sales corpus,
  ~5,000 messages in four mailboxes), driven by `../shared/eval/score.py`, which connects
  the mailboxes, waits for `settled` and then scores what the API says against the corpus's
  truth: its quality figures are printed beside the timings of the same run;
- `demo`: three mailboxes of the demo generator's mail (`--demo-customers` customers each),
  connected by this script through `POST /v1/mailboxes`.

Meanwhile this script polls `GET /v1/status` (every 0.25 s) and prints, from the first
mailbox connected: when the last message was stored (sync), when nothing waited for
enrichment any more (enrich), and when the status said `settled`; then, from `/metrics`,
the time the service spent in each task (enrichment batches, topic clustering, profile
batches, lookalike training; they overlap the sync and each other). The int8 ONNX model is
made before the first timed run, so no run pays for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import imaplib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from app.demo.imap_server import find_dovecot, free_port
from bench.scale import seed as seed_demo_mail
from models.embedder import load_embedder
from tests.servers.dovecot import DovecotServer

EVAL = ROOT.parent / "shared" / "eval"
PASSWORD = "secret"
TASKS = ("enrich_batch", "topics_rebuild", "profile_batch", "lookalike_training")
QUALITY = (
    "accx_customer_type",
    "accx_lead_source",
    "accx_country",
    "accx_incoterm",
    "accx_payment_term",
    "interest_micro_f1",
    "interest_topics",
    "stage_acc",
    "valid_inquiry_acc",
    "auc_early_texts_masked",
    "status_done_early",
)


@dataclass
class Timeline:
    """What the status poller saw, in seconds from the first mailbox connected."""

    expected: int
    started: float | None = None
    synced: float | None = None
    enriched: float | None = None
    settled: float | None = None
    polls: int = 0
    error: str | None = None
    tasks: dict[str, float] = field(default_factory=dict)


@contextmanager
def serving(store: Path, backend: str, log: Path) -> Iterator[tuple[str, str]]:
    """`leadlens serve` on a fresh SQLite store in ``store`` with ``backend``; (url, key)."""
    env = {
        **os.environ,
        "LEADLENS_DATABASE_URL": f"sqlite:///{store / 'leadlens.db'}",
        "LEADLENS_EMBEDDING_BACKEND": backend,
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(["leadlens", "db", "upgrade"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        ["leadlens", "apikey", "create", "--scope", "admin"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["leadlens", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"leadlens serve did not answer; see {log}")
        yield url, key
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def watch(url: str, key: str, timeline: Timeline, done: threading.Event) -> None:
    """Poll the status until ``done`` or settled, filling ``timeline``."""
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    origin = 0.0
    try:
        while not done.is_set():
            now = time.perf_counter()
            if timeline.started is None:
                if client.get("/v1/mailboxes").json()["items"]:
                    origin = now
                    timeline.started = 0.0
                time.sleep(0.1)
                continue
            status = client.get("/v1/status").json()
            timeline.polls += 1
            stored = status["messages"] + status["quarantined"]
            at = round(now - origin, 2)
            if timeline.synced is None and stored >= timeline.expected:
                timeline.synced = at
            if timeline.synced is not None:
                if timeline.enriched is None and status["pending_enrichment"] == 0:
                    timeline.enriched = at
                if status["settled"]:
                    timeline.settled = at
                    timeline.tasks = task_seconds(client)
                    return
            time.sleep(0.25)
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        timeline.error = f"{type(exc).__name__}: {exc}"
    finally:
        client.close()


def task_seconds(client: httpx.Client) -> dict[str, float]:
    """Seconds spent in each pipeline task, from the service's `/metrics`."""
    text = client.get("/metrics").text
    found = {}
    for task in TASKS:
        match = re.search(
            rf'^leadlens_task_duration_seconds_sum\{{[^}}]*task="{task}"[^}}]*\}} (\S+)$',
            text,
            re.MULTILINE,
        )
        found[task] = round(float(match.group(1)), 1) if match else 0.0
    return found


def imap_total(port: int, logins: list[str]) -> int:
    """Messages the server holds for ``logins``, all folders."""
    total = 0
    for login in logins:
        with imaplib.IMAP4("127.0.0.1", port) as imap:
            imap.login(login, PASSWORD)
            _, folders = imap.list()
            for line in folders:
                name = line.decode().rsplit(' "/" ', 1)[-1].strip('"')
                _, answer = imap.status(f'"{name}"', "(MESSAGES)")
                total += int(re.findall(rb"MESSAGES (\d+)", answer[0])[0])
    return total


def devcorpus_dir(seed: int, customers: int, work: Path) -> Path:
    """The corpus of ``seed`` with its mail ending today (made in ``work`` when absent)."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    corpus = work / f"devcorpus-{seed}-{customers}-{today}"
    if not (corpus / "truth.json").is_file():
        subprocess.run(
            [
                sys.executable,
                str(EVAL / "devcorpus.py"),
                "--out",
                str(corpus),
                "--seed",
                str(seed),
                "--customers",
                str(customers),
                "--end-date",
                today,
            ],
            check=True,
            capture_output=True,
        )
    return corpus


def run_devcorpus(corpus: Path, backend: str, work: Path) -> tuple[Timeline, dict[str, object]]:
    """One timed run of score.py on ``corpus``; (timeline, score.py's SCORE figures)."""
    logins = sorted(p.name for p in (corpus / "mailboxes").iterdir())
    started = subprocess.run(
        [
            sys.executable,
            str(EVAL / "imapserver.py"),
            "start",
            "--users",
            ",".join(logins),
            "--password",
            PASSWORD,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    imap = json.loads(started.stdout)
    store = Path(tempfile.mkdtemp(prefix=f"settle-{backend}-", dir=work))
    try:
        subprocess.run(
            [
                sys.executable,
                str(EVAL / "imapserver.py"),
                "load",
                "--port",
                str(imap["port"]),
                "--corpus",
                str(corpus),
                "--password",
                PASSWORD,
            ],
            check=True,
            capture_output=True,
        )
        timeline = Timeline(expected=imap_total(int(imap["port"]), logins))
        with serving(store, backend, store / "serve.log") as (url, key):
            done = threading.Event()
            poller = threading.Thread(target=watch, args=(url, key, timeline, done))
            poller.start()
            out = store / "score.json"
            scored = subprocess.run(
                [
                    sys.executable,
                    str(EVAL / "score.py"),
                    "--url",
                    url,
                    "--key",
                    key,
                    "--corpus",
                    str(corpus),
                    "--imap-port",
                    str(imap["port"]),
                    "--out",
                    str(out),
                ],
                check=False,
                capture_output=True,
                text=True,
            )
            done.set()
            poller.join()
        line = next((row for row in scored.stdout.splitlines() if row.startswith("SCORE ")), None)
        if line is None:
            timeline.error = timeline.error or f"score.py printed no SCORE: {scored.stderr[-500:]}"
            return timeline, {}
        return timeline, json.loads(line.removeprefix("SCORE "))
    finally:
        subprocess.run(
            [sys.executable, str(EVAL / "imapserver.py"), "stop", imap["dir"]],
            check=False,
            capture_output=True,
        )


def run_demo(customers: int, backend: str, work: Path) -> Timeline:
    """One timed run on three mailboxes of demo mail, connected through the API."""
    server = DovecotServer(find_dovecot() or "dovecot")
    store = Path(tempfile.mkdtemp(prefix=f"settle-demo-{backend}-", dir=work))
    try:
        server.start()
        accounts, own, count = seed_demo_mail(server, 3, customers)
        timeline = Timeline(expected=count)
        with serving(store, backend, store / "serve.log") as (url, key):
            done = threading.Event()
            poller = threading.Thread(target=watch, args=(url, key, timeline, done))
            poller.start()
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
            ) as client:
                for account in accounts:
                    client.post(
                        "/v1/mailboxes",
                        json={
                            "host": server.host,
                            "port": server.port,
                            "security": "none",
                            "username": account.username,
                            "password": account.password,
                            "own_domains": [own],
                        },
                    ).raise_for_status()
            poller.join(timeout=3600)
            done.set()
        return timeline
    finally:
        server.close()


def show(corpus: str, backend: str, timeline: Timeline, score: dict[str, object]) -> None:
    tasks = " ".join(f"{task}={seconds}" for task, seconds in timeline.tasks.items())
    print(
        f"{corpus:9} {backend:9} messages={timeline.expected} synced={timeline.synced}s "
        f"enriched={timeline.enriched}s settled={timeline.settled}s  in tasks: {tasks}"
        + (f"  ERROR {timeline.error}" if timeline.error else ""),
        flush=True,
    )
    if score:
        print(f"{'':19} " + " ".join(f"{name}={score.get(name)}" for name in QUALITY), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="devcorpus,demo")
    parser.add_argument("--backends", default="torch,onnx-int8")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--demo-customers", type=int, default=125)
    args = parser.parse_args()
    corpora = args.corpus.split(",")
    backends = args.backends.split(",")
    if "devcorpus" in corpora and not (EVAL / "score.py").is_file():
        print(f"skipping devcorpus: {EVAL} is absent")
        corpora.remove("devcorpus")
    if "onnx-int8" in backends:
        load_embedder(backend="onnx-int8")  # made once here, reused by every run
    work = Path(tempfile.mkdtemp(prefix="bench-settle-"))
    settled: dict[tuple[str, str], float | None] = {}
    try:
        for corpus in corpora:
            for backend in backends:
                if corpus == "devcorpus":
                    folder = devcorpus_dir(args.seed, args.customers, work)
                    timeline, score = run_devcorpus(folder, backend, work)
                else:
                    timeline, score = run_demo(args.demo_customers, backend, work), {}
                show(corpus, backend, timeline, score)
                settled[corpus, backend] = timeline.settled
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for corpus in corpora:
        base = settled.get((corpus, backends[0]))
        for backend in backends[1:]:
            other = settled.get((corpus, backend))
            if base and other:
                print(f"{corpus}: {backend} settles {base / other:.2f}× as fast as {backends[0]}")


if __name__ == "__main__":
    main()
