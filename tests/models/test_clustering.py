"""UMAP + HDBSCAN as the topic model uses them: reproducible, and compiled once per machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from models._clustering import reduce
from tests.conftest import REPO_ROOT

# Runs reduce() in a fresh process with warnings as errors, then prints how many of UMAP's
# own kernels (all but one of them not marked cache=True) numba loaded from its cache, and
# how many it compiled and saved there.
_FRESH_PROCESS = """
import sys, warnings
import numpy as np
warnings.simplefilter("error")
warnings.filterwarnings("ignore", category=ImportWarning)  # umap: no TensorFlow
from numba.core.registry import CPUDispatcher
from models._clustering import reduce
rows = np.random.default_rng(0).normal(size=(120, 16)).astype(np.float32)
reduce(rows / np.linalg.norm(rows, axis=1, keepdims=True), seed=1)
hits = misses = 0
for name, module in list(sys.modules.items()):
    if name.partition(".")[0] == "umap":
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher):
                hits += sum(value.stats.cache_hits.values())
                misses += sum(value.stats.cache_misses.values())
print(hits, misses)
"""


def _loaded_and_compiled(cache: Path) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS],
        cwd=REPO_ROOT,
        env={**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    hits, misses = done.stdout.split()
    return int(hits), int(misses)


def test_a_new_process_loads_the_kernels_an_earlier_one_compiled(tmp_path: Path) -> None:
    loaded, compiled = _loaded_and_compiled(tmp_path)
    assert (loaded, compiled > 5) == (0, True)
    assert any(tmp_path.rglob("*.nbi"))
    loaded_again, compiled_again = _loaded_and_compiled(tmp_path)
    assert loaded_again > 5
    assert compiled_again < compiled / 2


def test_the_same_rows_give_the_same_layout() -> None:
    # Six groups and, far from them, three near-identical texts four times each (a repeated
    # item line): a separate component of the neighbour graph. UMAP's spectral start laid
    # it out differently on every call (ARPACK on its degenerate eigenvalues), and so moved
    # the whole layout; the start from principal components does not.
    rng = np.random.default_rng(2)
    centres = rng.normal(size=(6, 24))
    far = rng.normal(size=(1, 24))
    repeated = np.vstack([far + 0.05 * rng.normal(size=(1, 24)) for _ in range(3)])
    rows = np.vstack(
        [centres[i] + 0.4 * rng.normal(size=(40, 24)) for i in range(6)]
        + [np.repeat(repeated, 4, axis=0)]
    ).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    first = reduce(rows, seed=3)
    assert first.shape == (252, 5)
    assert first.dtype == np.float32
    for _ in range(3):
        np.testing.assert_array_equal(reduce(rows, seed=3), first)
