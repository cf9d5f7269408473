"""Density clustering of sentence embeddings: UMAP to a few dimensions, then HDBSCAN.

HDBSCAN on the raw 384-d vectors grows with N² and suffers from the dimension; UMAP keeps
the neighbourhoods (cosine) in 5 dimensions where HDBSCAN is fast and finds dense groups.
Both libraries are imported here, lazily, so that importing the topic model stays cheap.
"""

from __future__ import annotations

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
    return cast(NDArray[np.float32], np.asarray(model.fit_transform(vectors), dtype=np.float32))


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
