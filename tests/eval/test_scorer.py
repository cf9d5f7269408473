"""The shared scorer end to end on a small draw: floors far below the targets.

``../shared/eval/run.sh`` — the product's real use — loads a labelled corpus of 40 customers
into a throwaway dovecot, serves this checkout with ``leadlens serve`` on a fresh SQLite
store and scores what its REST API says against the truth. A draw this small is noisy, so the
floors sit well below both the targets and the lowest figure measured; they catch a
regression (a trait family gone, stages broken, a 5xx), not a slow drift.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, skip_or_fail

pytestmark = pytest.mark.scorer

SHARED_EVAL = REPO_ROOT.parent / "shared" / "eval"
CUSTOMERS = 40
CORPUS_SEED = 11
# run.sh as a whole (it took 110-345 s on 2 cores shared with other work); score.py's own
# timeouts end a stuck section sooner and name it
RUN_TIMEOUT = 570
SCORE_OPTIONS = (
    "--sync-timeout", "180", "--enrich-timeout", "420", "--stall-timeout", "180",
    "--settle-timeout", "180", "--rebuild-timeout", "180",
)  # fmt: skip

# Floors on the headline figures, each with the target of issue 13 and the lowest figure
# measured on this draw size (seeds 7, 11 and 12). No floor on auc_early_texts_masked
# (target 0.80): it is ranked over the 6 to 8 held-out won/lost customers of a 40-customer
# draw, so one customer moves it by 0.1 to 0.25 (measured 0.50 to 0.92, with the truth's
# own oracle at 0.58 to 1.0); the lookalike is checked to rebuild and score every one instead.
FLOORS = {
    "customer_coverage": 0.90,  # no target; measured 1.0
    "accx_customer_type": 0.55,  # target 0.85; measured 0.74
    "accx_lead_source": 0.70,  # target 0.85; measured 1.0
    "accx_country": 0.70,  # target 0.85; measured 0.89
    "accx_incoterm": 0.70,  # target 0.85; measured 1.0
    "accx_payment_term": 0.70,  # target 0.85; measured 1.0
    "prec_customer_type": 0.75,  # target 0.90; measured 0.97
    "prec_lead_source": 0.75,  # target 0.90; measured 1.0
    "prec_country": 0.75,  # target 0.90; measured 0.97
    "prec_incoterm": 0.75,  # target 0.90; measured 0.97
    "prec_payment_term": 0.75,  # target 0.90; measured 1.0
    # target 0.75; measured 0.33 (3 to 5 topics on so few customers; the scorer's
    # most-frequent-category baseline is near 0.27), so this catches interests gone
    "interest_micro_f1": 0.20,
    "stage_acc": 0.75,  # target 0.85; measured 1.0
    "valid_inquiry_acc": 0.75,  # target 0.85; measured 0.97
}


def _end_group(process: subprocess.Popen[str]) -> None:
    """Stop whatever is left of run.sh's process group: on SIGTERM, after a timeout, its EXIT
    trap stops the server and dovecot; after a normal end `leadlens serve` (stopped by
    run.sh with SIGTERM) has left its parser worker processes behind."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """TMPDIR of the run: its dovecot keeps its mail store there, for an unprivileged mail
    user to reach (pytest's own temp folders are private), and it is removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="leadlens-scorer-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, scratch: Path) -> dict[str, Any]:
    """What the scorer found of this checkout on a 40-customer draw (its whole JSON)."""
    if not (SHARED_EVAL / "run.sh").is_file():
        skip_or_fail(f"the scorer was not found at {SHARED_EVAL}")
    for tool in ("dovecot", "openssl", "curl"):
        if shutil.which(tool) is None:
            skip_or_fail(f"`{tool}` is not installed (the scorer's run.sh needs it)")
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "leadlens").exists():
        skip_or_fail(f"the `leadlens` command is not installed beside {sys.executable}")
    folder = tmp_path_factory.mktemp("scorer")
    corpus, out = folder / f"devcorpus-{CORPUS_SEED}", folder / "score.json"
    # the service judges silence against the clock, so the mail must end today
    today = dt.datetime.now(dt.UTC).date().isoformat()
    subprocess.run(
        [sys.executable, str(SHARED_EVAL / "devcorpus.py"), "--out", str(corpus),
         "--seed", str(CORPUS_SEED), "--customers", str(CUSTOMERS), "--end-date", today],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    env.update(
        PATH=os.pathsep.join([str(bin_dir), env.get("PATH", "")]),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        OUT=str(out),
        TMPDIR=str(scratch),
    )
    command = [str(SHARED_EVAL / "run.sh"), str(corpus), *SCORE_OPTIONS]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, text=True, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as process:  # fmt: skip
        try:
            output, _ = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _end_group(process)
            output, _ = process.communicate()
            pytest.fail(f"run.sh took over {RUN_TIMEOUT} s; its output:\n{output[-4000:]}")
        finally:
            _end_group(process)
    assert process.returncode == 0, f"run.sh exited {process.returncode}:\n{output[-4000:]}"
    assert output.splitlines()[-1].startswith("SCORE {"), output[-4000:]
    scored: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return scored


def test_the_run_is_complete_and_every_answer_well_formed(result: dict[str, Any]) -> None:
    headline = result["headline"]
    assert headline["sections_failed"] == []
    assert headline["sync_complete"] is True
    assert headline["status_done_early"] is False
    assert headline["probes_5xx"] == 0


def test_the_lookalike_is_rebuilt_and_scores_every_held_out_customer(
    result: dict[str, Any],
) -> None:
    lookalike = result["lookalike"]
    assert lookalike["rebuild"]["completed"] is True
    assert lookalike["masked"]["rebuild"]["completed"] is True
    early = lookalike["masked"]["auc_heldout_early_texts"]
    assert early["n_missing"] == 0
    assert early["n_pos"] > 0
    assert early["n_neg"] > 0
    assert isinstance(early["auc"], float)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_quality_stays_above_its_floor(result: dict[str, Any], metric: str) -> None:
    value = result["headline"][metric]
    assert isinstance(value, int | float), f"{metric} is missing: {value!r}"
    assert value >= FLOORS[metric]
