"""The lookalike against a naive-Bayes baseline and the generator's oracle; API latency.

Usage: python bench/lookalike.py [--customers 600] [--splits 5] [--latency-customers 10000]
                                 [--requests 400] [--backend torch|onnx-int8]

(1) Quality. The demo generator writes the mail of ``--customers`` customers; it is imported
into a fresh SQLite store, enriched (real sentence model), clustered and profiled exactly as
`leadlens demo` does. Then, for each of ``--splits`` seeded splits, a fifth of the customers
is held out: their outcomes are hidden from training (they count as open leads, as they
would in production), and on the held-out customers whose true outcome is decided (won or
lost) we measure the ROC AUC of

* ours: the lookalike score (``models.lookalike.train`` on the rest), which reads every
  customer as at first contact (its mail up to our first quotation),
* ours, stage-aware: the model's second score, which adds what the mail said later, up to
  the outcome (what a stored profile shows mid-journey),
* naive Bayes: Odoo CRM's predictive lead scoring in spirit — per trait value, the
  Laplace-smoothed frequencies among won and lost training customers, multiplied (on the
  first-contact trait tags, as ours),
* oracle: the generator's own noise-free P(won) of each customer — from its true traits,
  without the hidden random effect that was added when its outcome was drawn: the best
  ranking anything reading the mail could reach.

(2) Latency. The profiled customers are cloned (new ids, keys, contacts; same profiles) up
to ``--latency-customers``, a model is trained on them, and the real app is served by
uvicorn on 127.0.0.1; ``--requests`` requests of `POST /v1/lookalike` by customer id and of
`GET /v1/customers/{id}` for random customers give p50 and p99, plus a few scored from texts
(the sentence model runs per request).
"""

from __future__ import annotations

import argparse
import math
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
import uvicorn
from sklearn.metrics import roc_auc_score
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import create_api_key
from app.db.migrations import upgrade
from app.db.repositories.profiles import ProfileRepository
from app.db.session import create_db_engine, session_factory
from app.db.tables import Contact, Customer, CustomerTag
from app.db.types import new_id, utcnow
from app.demo import DemoCorpus, generate, write_mboxes
from app.enrichment.service import enrich_pending, rebuild_topics
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.pipeline import profile_and_score
from app.profiles.lookalike import ModelCache, features_of, train_lookalike
from app.settings import Settings
from app.web import create_app
from models.embedder import load_embedder
from models.lookalike import CustomerFeatures, train

SECRET = "bench lookalike secret"
LEAD = (
    "Hello, we met at your booth at Light+Building. We are a distributor of lighting in "
    "Germany and need 2000 pcs LED panel 600x600 40W with CE and RoHS, FOB Ningbo please."
)


def build_store(folder: Path, corpus: DemoCorpus, backend: str) -> tuple[Settings, float]:
    """Import, enrich, cluster and profile the corpus into a fresh SQLite store."""
    settings = Settings(
        database_url=f"sqlite:///{folder / 'store.db'}",
        secret_key=SECRET,
        embedding_backend=backend,  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    started = time.perf_counter()
    with Preparer(settings.resolved_parse_workers()) as preparer:
        for rep, mbox in write_mboxes(corpus, folder / "mail").items():
            with sessions.begin() as session:
                target = import_target(session, rep, [corpus.own_domain])
            import_path(sessions, target.id, mbox, 500, preparer)
    enrich_pending(sessions, load_embedder(backend=backend))  # type: ignore[arg-type]
    rebuild_topics(sessions)
    profile_and_score(sessions, ModelCache(), settings, retrain=False)
    engine.dispose()
    return settings, time.perf_counter() - started


def _trait_values(features: CustomerFeatures) -> list[str]:
    """The trait tags of a customer, as the naive-Bayes baseline's categorical fields."""
    return sorted(tag for tag in features.tags if tag.startswith("trait:"))


def naive_bayes(
    train_rows: Sequence[tuple[CustomerFeatures, str]], test: Sequence[CustomerFeatures]
) -> list[float]:
    """P(won) per test customer from Laplace-smoothed value frequencies among the won and
    lost training customers (each trait value a yes/no field)."""
    decided = [(f, o) for f, o in train_rows if o in ("won", "lost")]
    won = [f for f, o in decided if o == "won"]
    lost = [f for f, o in decided if o == "lost"]
    vocabulary = sorted({v for f, _ in decided for v in _trait_values(f)})
    won_counts = Counter(v for f in won for v in _trait_values(f))
    lost_counts = Counter(v for f in lost for v in _trait_values(f))
    prior = math.log((len(won) + 1) / (len(lost) + 1))
    scores = []
    for features in test:
        present = set(_trait_values(features))
        logit = prior
        for value in vocabulary:
            p_won = (won_counts[value] + 1) / (len(won) + 2)
            p_lost = (lost_counts[value] + 1) / (len(lost) + 2)
            if value in present:
                logit += math.log(p_won / p_lost)
            else:
                logit += math.log((1 - p_won) / (1 - p_lost))
        scores.append(1 / (1 + math.exp(-logit)))
    return scores


def quality(settings: Settings, corpus: DemoCorpus, splits: int) -> dict[str, list[float]]:
    """AUC of ours, naive Bayes and the oracle on held-out decided customers, per split."""
    engine = create_db_engine(settings.database_url)
    with session_factory(engine)() as session:
        repository = ProfileRepository(session)
        rows = repository.features()
        inferred = repository.outcomes()
        keys = {row[0]: row[1] for row in session.execute(select(Customer.id, Customer.key))}
    engine.dispose()
    truth = {c.key: c for c in corpus.customers}
    customers = [(features_of(r), truth[keys[r.id]]) for r in rows if keys[r.id] in truth]
    print(
        f"customers profiled: {len(rows)}; matched to the generator: {len(customers)}; "
        f"inferred outcomes: {dict(Counter(inferred.values()))}"
    )
    results: dict[str, list[float]] = {
        "ours": [],
        "ours_stage_aware": [],
        "naive_bayes": [],
        "oracle": [],
    }
    for split in range(splits):
        rng = random.Random(split)
        held = set(rng.sample(range(len(customers)), len(customers) // 5))
        outcomes = {
            f.customer_id: ("open" if i in held else inferred.get(f.customer_id, "open"))
            for i, (f, _) in enumerate(customers)
        }
        model = train([f for f, _ in customers], outcomes, seed=split)  # type: ignore[arg-type]
        test = [(f, t) for i, (f, t) in enumerate(customers) if i in held and t.outcome != "open"]
        labels = [t.outcome == "won" for _, t in test]
        train_rows = [(f, outcomes[f.customer_id]) for f, _ in customers]
        scores = {
            "ours": list(model.score_many([f for f, _ in test])),
            "ours_stage_aware": [model.stage_aware(f).score for f, _ in test],
            "naive_bayes": naive_bayes(train_rows, [f for f, _ in test]),
            "oracle": [t.oracle for _, t in test],
        }
        for name, found in scores.items():
            results[name].append(float(roc_auc_score(labels, found)))
        print(
            f"split {split + 1}: held-out decided {len(test)} ({sum(labels)} won); AUC ours "
            f"{results['ours'][-1]:.3f} (stage-aware {results['ours_stage_aware'][-1]:.3f}), "
            f"naive Bayes {results['naive_bayes'][-1]:.3f}, oracle {results['oracle'][-1]:.3f}; "
            f"model cv AUC {model.cv_auc} (stage-aware {model.stage_aware_cv_auc})",
            flush=True,
        )
    return results


def clone_customers(sessions: sessionmaker[Session], target: int) -> int:
    """Copy profiled customers (with tags and contacts) under new ids until ``target``."""
    with sessions() as session:
        customers = session.scalars(select(Customer)).all()
        tags = session.scalars(select(CustomerTag)).all()
        contacts = session.scalars(select(Contact)).all()
    by_customer: dict[str, list[CustomerTag]] = {}
    for tag in tags:
        by_customer.setdefault(tag.customer_id, []).append(tag)
    people: dict[str, list[Contact]] = {}
    for contact in contacts:
        people.setdefault(contact.customer_id, []).append(contact)
    columns = [c.key for c in Customer.__table__.columns]
    count, copy = len(customers), 0
    while count < target:
        copy += 1
        rows, tag_rows, contact_rows = [], [], []
        for original in customers[: target - count]:
            clone_id = new_id("cus")
            row = {name: getattr(original, name) for name in columns}
            row.update(id=clone_id, key=f"c{copy}.{original.key}", lookalike_explanation=None)
            rows.append(row)
            tag_rows.extend(
                {
                    "customer_id": clone_id,
                    "tag_id": t.tag_id,
                    "kind": t.kind,
                    "name": t.name,
                    "value": t.value,
                    "score": t.score,
                    "evidence": t.evidence,
                }
                for t in by_customer.get(original.id, [])
            )
            contact_rows.extend(
                {
                    "id": new_id("con"),
                    "email": f"c{copy}.{c.email}",
                    "customer_id": clone_id,
                    "name": c.name,
                    "title": c.title,
                    "phone": c.phone,
                    "company": c.company,
                }
                for c in people.get(original.id, [])
            )
        with sessions.begin() as session:
            session.execute(insert(Customer), rows)
            if tag_rows:
                session.execute(insert(CustomerTag), tag_rows)
            if contact_rows:
                session.execute(insert(Contact), contact_rows)
        count += len(rows)
    return count


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(ordered)} requests"


def latency(settings: Settings, target: int, requests: int) -> None:
    """p50 / p99 of the two endpoints with ``target`` customers in the store."""
    engine = create_db_engine(settings.database_url)
    sessions = session_factory(engine)
    total = clone_customers(sessions, target)
    started = time.perf_counter()
    model = train_lookalike(sessions, seed=1)
    print(
        f"{total} customers; training + scoring all: {time.perf_counter() - started:.1f} s "
        f"(cv AUC {model.cv_auc}, stage-aware {model.stage_aware_cv_auc})",
        flush=True,
    )
    with sessions.begin() as session:
        _, key = create_api_key(session, "read", "bench")
        ids = list(session.scalars(select(Customer.id)))
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    rng = random.Random(0)
    headers = {"Authorization": f"Bearer {key}"}
    timings: dict[str, list[float]] = {"lookalike": [], "customer": [], "texts": []}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            client.post("/v1/lookalike", json={"texts": [LEAD]}).raise_for_status()  # load model
            for _ in range(requests):
                customer = rng.choice(ids)
                begin = time.perf_counter()
                client.post("/v1/lookalike", json={"customer_id": customer}).raise_for_status()
                timings["lookalike"].append(time.perf_counter() - begin)
                begin = time.perf_counter()
                client.get(f"/v1/customers/{customer}").raise_for_status()
                timings["customer"].append(time.perf_counter() - begin)
            for _ in range(20):
                begin = time.perf_counter()
                client.post("/v1/lookalike", json={"texts": [LEAD]}).raise_for_status()
                timings["texts"].append(time.perf_counter() - begin)
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()
    print(f"POST /v1/lookalike {{customer_id}}: {_percentiles(timings['lookalike'])}")
    print(f"GET /v1/customers/{{id}}:          {_percentiles(timings['customer'])}")
    print(f"POST /v1/lookalike {{texts}}:       {_percentiles(timings['texts'])}")


def main() -> None:
    """Build the store once, then measure quality and latency; print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=600)
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--latency-customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--backend", default="torch", choices=["torch", "onnx-int8"])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-lookalike-"))
    corpus = generate(args.customers, seed=2026, now=utcnow().replace(second=0, microsecond=0))
    messages = sum(len(m) for m in corpus.mail.values())
    settings, seconds = build_store(folder, corpus, args.backend)
    print(f"store built: {args.customers} customers, {messages} messages in {seconds:.0f} s")
    results = quality(settings, corpus, args.splits)
    print(
        "median AUC over splits: "
        + ", ".join(f"{name} {statistics.median(v):.3f}" for name, v in results.items())
    )
    ours, bayes, oracle = (statistics.median(results[n]) for n in ("ours", "naive_bayes", "oracle"))
    print(
        f"ours - naive Bayes = {ours - bayes:+.3f} (target > 0); "
        f"oracle - ours = {oracle - ours:+.3f} (target <= 0.05)"
    )
    latency(settings, args.latency_customers, args.requests)
    print(f"target p99 <= 50 ms; store at {folder}")


if __name__ == "__main__":
    main()
