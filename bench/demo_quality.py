"""Trait and interest quality of our profiles on the demo corpus, in the terms of the
independent scorer (../shared/eval/score.py).

Usage: python bench/demo_quality.py [--customers 300] [--seed 7]
                                    [--now 2026-06-01T00:00:00+00:00] [--backend torch|onnx-int8]

The demo generator writes the mail of ``--customers`` customers (its default corpus: 300
customers, seed 7, ~3,600 messages), dated before a fixed ``--now`` so that the mail and
therefore the figures are reproducible. It is imported into a fresh SQLite store, enriched
(real sentence model), clustered and profiled as in ``bench/lookalike.py``; the profiles
are then read through the real API (``GET /v1/customers`` page by page, then
``GET /v1/customers/{id}`` for each customer the generator knows) and compared with the
generator's truth:

* ``customer_coverage`` / ``extra_customers``: truth customers found by their key, and
  listed customers that are not in the truth;
* ``acc_<trait>`` for customer_type, lead_source and country: accuracy over the truth
  customers found (as score.py), a missing tag counted wrong; ``prec_<trait>`` the accuracy
  over those that carry the tag; ``cov_<trait>`` the share that carry it (as score.py, the
  tag of a trait with the highest score is taken);
* ``interest_micro_f1``: each interest topic on the profiles is mapped to the majority
  true product line of the customers carrying it, and the micro-F1 of each customer's
  mapped topics against its true product lines (fit on the same customers, as score.py);
  beside it the same for the most frequent product line given to everyone.

The generator's vocabularies are SPEC §5's, as ours, so values are compared as they are
(trimmed, case-folded; countries as ISO alpha-2 codes). score.py's ``accx_`` figures need
the stage each customer's journey reached, which the demo truth does not carry; stages and
outcomes are not scored, since the product judges silence against the real clock, not
against ``--now``. A table of figures is printed, and last a line ``SCORE {json}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.demo import DemoCustomer, generate
from app.settings import Settings
from app.web import create_app
from bench.lookalike import build_store

TRAITS = ("customer_type", "lead_source", "country")
NOW = "2026-06-01T00:00:00+00:00"


def _truth_value(customer: DemoCustomer, trait: str) -> str:
    value: str = getattr(customer, trait)
    return value.upper() if trait == "country" else value


def _tag_value(trait: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return value.upper() if trait == "country" else value.lower()


def best_traits(profile: Mapping[str, Any]) -> dict[str, str | None]:
    """The value of each scored trait on a profile: its trait tag with the highest score."""
    best: dict[str, tuple[float, str | None]] = {}
    for tag in profile.get("tags") or []:
        name = tag.get("name")
        if tag.get("kind") != "trait" or name not in TRAITS:
            continue
        score = float(tag.get("score") or 0.0)
        if name not in best or score > best[name][0]:
            best[name] = (score, _tag_value(name, tag.get("value")))
    return {name: value for name, (_, value) in best.items()}


def trait_figures(
    profiles: Mapping[str, Mapping[str, Any]], truth: Sequence[DemoCustomer]
) -> dict[str, float | None]:
    """``acc_``, ``prec_`` and ``cov_`` of each trait; ``profiles`` by truth key."""
    figures: dict[str, float | None] = {}
    found = [c for c in truth if c.key in profiles]
    carried = {c.key: best_traits(profiles[c.key]) for c in found}
    for trait in TRAITS:
        present = [c for c in found if trait in carried[c.key]]
        correct = sum(carried[c.key][trait] == _truth_value(c, trait) for c in present)
        figures[f"acc_{trait}"] = _ratio(correct, len(found))
        figures[f"prec_{trait}"] = _ratio(correct, len(present))
        figures[f"cov_{trait}"] = _ratio(len(present), len(found))
    return figures


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def interest_figures(
    profiles: Mapping[str, Mapping[str, Any]], truth: Mapping[str, DemoCustomer]
) -> dict[str, Any]:
    """score.py's interest micro-F1: each topic (interest tag id) mapped to the majority
    true product line of the customers carrying it; ``profiles`` by truth key, in the order
    they were listed (ties of the majority go to the line counted first, as there)."""
    topic_lines: defaultdict[str, Counter[str]] = defaultdict(Counter)
    topics_of: dict[str, set[str]] = {}
    for key, profile in profiles.items():
        topics = {
            str(tag["id"]) for tag in profile.get("tags") or [] if tag.get("kind") == "interest"
        }
        topics_of[key] = topics
        for topic in topics:
            for line in truth[key].interests:
                topic_lines[topic][line] += 1
    mapping = {topic: lines.most_common(1)[0][0] for topic, lines in topic_lines.items() if lines}
    commonest = Counter(line for key in profiles for line in truth[key].interests).most_common(1)
    baseline = {commonest[0][0]} if commonest else set()
    tp = fp = fn = btp = bfp = bfn = 0
    for key, topics in topics_of.items():
        lines = set(truth[key].interests)
        predicted = {mapping[t] for t in topics if t in mapping}
        tp += len(predicted & lines)
        fp += len(predicted - lines)
        fn += len(lines - predicted)
        btp += len(baseline & lines)
        bfp += len(baseline - lines)
        bfn += len(lines - baseline)
    precision, recall, f1 = _f1(tp, fp, fn)
    return {
        "interest_micro_f1": round(f1, 4),
        "interest_micro_precision": round(precision, 4),
        "interest_micro_recall": round(recall, 4),
        "interest_baseline_f1": round(_f1(btp, bfp, bfn)[2], 4),
        "interest_topics": len(topic_lines),
        "customers_with_interest_tags": _ratio(
            sum(bool(t) for t in topics_of.values()), len(profiles)
        ),
    }


def _pages(client: TestClient, headers: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/v1/customers", params=params, headers=headers)
        response.raise_for_status()
        page = response.json()
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def read_profiles(
    settings: Settings, truth: Mapping[str, DemoCustomer]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The profiles of the truth customers found, by key in listing order, and the keys of
    the listed customers that are not in the truth — read through the API."""
    engine = create_db_engine(settings.database_url)
    with session_factory(engine).begin() as session:
        _, key = create_api_key(session, "read", "bench demo quality")
    engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    profiles: dict[str, dict[str, Any]] = {}
    extra: list[str] = []
    with TestClient(create_app(settings)) as client:
        for item in list(_pages(client, headers)):
            listed = str(item["key"]).lower().strip()
            if listed not in truth:
                extra.append(listed)
            elif listed not in profiles:
                response = client.get(f"/v1/customers/{item['id']}", headers=headers)
                response.raise_for_status()
                profiles[listed] = response.json()
    return profiles, extra


def main() -> None:
    """Build the store, read the profiles through the API, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", default=NOW, help="the corpus's end (ISO, with a time zone)")
    parser.add_argument("--backend", default="torch", choices=["torch", "onnx-int8"])
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = generate(args.customers, seed=args.seed, now=datetime.fromisoformat(args.now))
    messages = sum(len(m) for m in corpus.mail.values())
    folder = Path(tempfile.mkdtemp(prefix="bench-demo-quality-"))
    settings, build_seconds = build_store(folder, corpus, args.backend)
    truth = {c.key.lower(): c for c in corpus.customers}
    print(f"store built: {len(truth)} customers, {messages} messages in {build_seconds:.0f} s")
    profiles, extra = read_profiles(settings, truth)
    own = [k for k in extra if k == corpus.own_domain or k.endswith("@" + corpus.own_domain)]
    figures: dict[str, Any] = {
        "customers": len(truth),
        "messages": messages,
        "customers_found": len(profiles),
        "customer_coverage": _ratio(len(profiles), len(truth)),
        "extra_customers": len(extra),
        **trait_figures(profiles, list(truth.values())),
        **interest_figures(profiles, truth),
        "build_seconds": round(build_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    for name, value in figures.items():
        print(f"{name:<32} {value}")
    if extra:
        print(f"extra customers ({len(own)} of the exporter's own domain): {sorted(extra)[:10]}")
    missing = sorted(set(truth) - set(profiles))
    if missing:
        print(f"truth customers not found: {missing[:10]}")
    print(f"store at {folder}")
    print("SCORE " + json.dumps(figures))


if __name__ == "__main__":
    main()
