"""Density clustering of sentence embeddings: UMAP to a few dimensions, then HDBSCAN.

HDBSCAN on the raw 384-d vectors grows with N² and suffers from the dimension; UMAP keeps
the neighbourhoods (cosine) in 5 dimensions where HDBSCAN is fast and finds dense groups.
Both libraries are imported here, lazily, so that importing the topic model stays cheap.
"""

from __future__ import annotations

import functools
import sys
import threading
import warnings
from typing import cast

import numpy as np
from numpy.typing import NDArray

REDUCED_DIMENSIONS = 5
NEIGHBOURS = 15


def reduce(vectors: NDArray[np.float32], *, seed: int) -> NDArray[np.float32]:
    """``vectors`` (unit rows) mapped by UMAP to ``REDUCED_DIMENSIONS`` dimensions.

    Deterministic for a given seed (which makes UMAP single-threaded). Needs at least 4
    rows (:func:`models.topics.fit_topics` never asks with fewer).

    The layout starts from the vectors' principal components, not from UMAP's spectral
    default: repeated texts (the same item line in many mails) make small separate
    components of the neighbour graph, whose spectral layout ARPACK does not give the
    same way twice (degenerate eigenvalues), so the same rows could cluster differently
    from one run to the next.
    """
    from umap import UMAP

    keep_compiled_kernels()
    rows = vectors.shape[0]
    model = UMAP(
        n_neighbors=min(NEIGHBOURS, rows - 1),
        n_components=REDUCED_DIMENSIONS,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
        low_memory=True,
        # Principal components are ill-posed on a handful of points; random is fine there.
        init="pca" if rows > 4 * REDUCED_DIMENSIONS else "random",
    )
    with warnings.catch_warnings():
        # A kernel numba cannot keep on disk (see keep_compiled_kernels) is compiled anyway.
        warnings.filterwarnings("ignore", ".*Cannot cache compiled function", Warning)
        reduced = model.fit_transform(vectors)
    return cast(NDArray[np.float32], np.asarray(reduced, dtype=np.float32))


_KEEPING = threading.Lock()


@functools.cache
def keep_compiled_kernels() -> None:
    """Have numba keep the machine code of UMAP's and pynndescent's kernels on disk, as it
    already does for those they mark ``cache=True``: a new process then loads them in about
    a second instead of compiling them for ten or more. numba puts them where it puts its
    own (``__pycache__`` beside the library when writable, else its user-wide cache; the
    ``NUMBA_CACHE_DIR`` environment variable overrides both) and recompiles what is stale.
    A kernel without a writable place, or that numba cannot cache, is compiled as before.
    Idempotent; imports both libraries."""
    with _KEEPING:
        import pynndescent  # noqa: F401  (its modules are scanned below)
        import umap  # noqa: F401
        from numba.core.caching import NullCache
        from numba.core.registry import CPUDispatcher

        for name, module in list(sys.modules.items()):
            if name.partition(".")[0] not in ("umap", "pynndescent"):
                continue
            for value in list(vars(module).values()):
                cache = getattr(value, "_cache", None)
                if isinstance(value, CPUDispatcher) and isinstance(cache, NullCache):
                    try:
                        value.enable_caching()
                    except RuntimeError:  # no writable cache folder for it
                        continue


def cluster(
    points: NDArray[np.float32], *, min_cluster_size: int, min_samples: int
) -> NDArray[np.intp]:
    """HDBSCAN labels of ``points``: 0 … k − 1 for the clusters, −1 for noise."""
    from hdbscan import HDBSCAN

    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
        core_dist_n_jobs=1,
    )
    return np.asarray(model.fit_predict(points), dtype=np.intp)
