"""The int8 ONNX backend of :mod:`models.embedder`: export once, quantize, run on the CPU.

:func:`int8_model` makes (or finds) ``<folder>/model_int8.onnx``: the fp32 graph is the
model's own ``onnx/model.onnx`` when it ships one, else a ``torch.onnx.export`` of the
transformer (checked against torch before use); it is quantized with onnxruntime's
``quantize_dynamic`` (int8 weights, per channel). The folder is written under a temporary
name and renamed into place, so a reader never sees half an export and two processes
exporting at once both end with the same result. :class:`OnnxEncoder` runs it:
the model's fast tokenizer, onnxruntime's ``CPUExecutionProvider``, mean pooling.

torch, transformers and onnxruntime are imported inside the functions that use them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

logger = logging.getLogger(__name__)

MAX_SEQ_LENGTH = 128
"""Word pieces read per text; longer texts are truncated. all-MiniLM-L6-v2 was trained on
128; reading 256 costs ~18 % more word pieces on sales mail (the long ones: a message's
opening says what it is about) and scored lower on the eval corpus (first-contact AUC,
interest F1)."""

INT8_FILE = "model_int8.onnx"
"""File name of the quantized model inside its cache folder."""

_OUTPUT = "last_hidden_state"
_MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_PROBE = ("Price inquiry: 500 pcs LED panel 600x600", "Hi")
_CHECK_PROBE = (
    "",
    "Could you quote FOB Ningbo and CIF Hamburg for 2,000 solar street lights?",
    "Thank you.",
)
_CHECK_TOLERANCE = 1e-3


def l2_normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """``vectors`` with each row scaled to unit L2 norm (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def mean_pool(hidden: NDArray[np.float32], mask: NDArray[np.int64]) -> NDArray[np.float32]:
    """Mean of the token vectors ``hidden`` (batch, tokens, dim) where ``mask`` is 1."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    return np.asarray(summed / np.maximum(weights.sum(axis=1), 1e-9), dtype=np.float32)


def transformer_dir(model_dir: Path) -> Path:
    """The folder of the Hugging Face transformer inside a sentence-transformers directory.

    Reads ``modules.json`` (a plain transformer folder without one is its own transformer)
    and raises ``ValueError`` unless the model pools by mean, the one pooling the ONNX
    backend implements.
    """
    modules_file = model_dir / "modules.json"
    if not modules_file.is_file():
        return model_dir
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    found = model_dir
    for module in modules:
        kind = str(module.get("type", ""))
        folder = model_dir / str(module.get("path", ""))
        if kind.endswith(".Transformer"):
            found = folder
        elif kind.endswith(".Pooling") and (folder / "config.json").is_file():
            pooling = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            if not pooling.get("pooling_mode_mean_tokens", False):
                raise ValueError(f"{model_dir} does not use mean pooling: no ONNX backend")
    return found


def int8_model(model_dir: Path, folder: Path) -> Path:
    """Path of ``folder/model_int8.onnx``, made from the transformer in ``model_dir`` when
    absent (a few seconds for MiniLM); an existing one is reused as it is."""
    target = folder / INT8_FILE
    if target.is_file():
        logger.info("reusing the int8 ONNX model at %s", target)
        return target
    started = time.perf_counter()
    shipped = model_dir / "onnx" / "model.onnx"
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        if shipped.is_file():
            source = shipped
        else:
            source = work / "model_fp32.onnx"
            export_fp32(model_dir, source)
        _quantize(source, work / INT8_FILE)
        if source != shipped:
            source.unlink()
        _publish(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    logger.info(
        "made the int8 ONNX model %s from %s in %.1f s (%.1f MB)",
        target,
        "the shipped onnx/model.onnx" if source == shipped else "a torch.onnx export",
        time.perf_counter() - started,
        target.stat().st_size / 1e6,
    )
    return target


def export_fp32(model_dir: Path, target: Path) -> None:
    """Write the transformer in ``model_dir`` to ``target`` as an fp32 ONNX graph.

    Inputs ``input_ids``, ``attention_mask`` (and ``token_type_ids`` when the tokenizer
    makes them), output ``last_hidden_state``, batch and sequence length dynamic. Raises
    ``RuntimeError`` when onnxruntime's result differs from torch's on a probe batch of
    shapes other than the traced one.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()
    probe = tokenizer(list(_EXPORT_PROBE), padding=True, return_tensors="pt")
    names = [name for name in _MODEL_INPUTS if name in probe]

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model  # a submodule, so that its weights become graph initialisers

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            output = self.model(**dict(zip(names, inputs, strict=True)))
            hidden: torch.Tensor = output.last_hidden_state
            return hidden

    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated (its successor needs onnxscript) and warns
        # about traced Python conditions; the check below compares the graph with torch.
        warnings.filterwarnings("ignore", "You are using the legacy TorchScript", Warning)
        warnings.filterwarnings("ignore", "The feature will be removed", DeprecationWarning)
        warnings.filterwarnings("ignore", "Exporting aten::index operator", UserWarning)
        warnings.filterwarnings("ignore", "Converting a tensor to a Python", Warning)
        torch.onnx.export(
            LastHiddenState().eval(),  # the exporter puts the module back in its own mode
            tuple(probe[name] for name in names),
            str(target),
            input_names=names,
            output_names=[_OUTPUT],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in [*names, _OUTPUT]},
            opset_version=17,
            dynamo=False,
            external_data=False,
        )
    check = tokenizer(list(_CHECK_PROBE), padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = model(**{name: check[name] for name in names}).last_hidden_state.numpy()
    mask = check["attention_mask"].numpy()
    session = _session(target)
    got = session.run([_OUTPUT], {name: check[name].numpy() for name in names})[0]
    gap = float(np.abs(mean_pool(got, mask) - mean_pool(expected, mask)).max())
    if gap > _CHECK_TOLERANCE:
        raise RuntimeError(f"the ONNX export of {model_dir} differs from torch by {gap:.2g}")


class OnnxEncoder:
    """Raw (unnormalised) mean-pooled sentence vectors from an ONNX transformer graph."""

    def __init__(self, model_file: Path, model_dir: Path, threads: int | None = None) -> None:
        """``threads``: texts run at once, each in a forward pass on one CPU thread (None: one
        per core this process may use)."""
        from transformers import AutoTokenizer

        self._session = _session(model_file, threads=1)
        self._at_once = threads if threads is not None else usable_cores()
        self._inputs = [node.name for node in self._session.get_inputs()]
        outputs = [node.name for node in self._session.get_outputs()]
        self._output = _OUTPUT if _OUTPUT in outputs else outputs[0]
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)

    def __call__(self, batch: list[str]) -> NDArray[np.float32]:
        """Each text in a forward pass of its own, unpadded: int8 quantises activations per
        pass, so a text's vector then depends on nothing but the text. A single-threaded
        pass gives the same bits as a pass on several threads, and passes side by side are
        ~1.5× faster on two cores than one pass at a time on both (short texts leave a
        pass's threads waiting on each other)."""
        encoded = self._tokenizer(batch, truncation=True, max_length=MAX_SEQ_LENGTH)

        def vector(row: int) -> NDArray[np.float32]:
            tokens = np.asarray([encoded["input_ids"][row]], dtype=np.int64)
            feeds = {
                name: np.asarray([encoded[name][row]], dtype=np.int64)
                if name in encoded
                else np.zeros_like(tokens)
                for name in self._inputs
            }
            hidden = np.asarray(self._session.run([self._output], feeds)[0], dtype=np.float32)
            pooled: NDArray[np.float32] = hidden[0].mean(axis=0)
            return pooled

        workers = min(self._at_once, len(batch))
        if workers <= 1:
            return np.asarray([vector(row) for row in range(len(batch))], dtype=np.float32)
        # A pool per call: an encoder loaded before a fork (a prefork worker) has no threads
        # of a pool that did not survive it.
        with ThreadPoolExecutor(workers, thread_name_prefix="leadlens-onnx") as pool:
            return np.asarray(list(pool.map(vector, range(len(batch)))), dtype=np.float32)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _session(model_file: Path, threads: int | None = None) -> InferenceSession:
    """An onnxruntime session on the CPU provider (onnxruntime would list Azure's first)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(
        str(model_file), options, providers=["CPUExecutionProvider"]
    )


def _quantize(source: Path, target: Path) -> None:
    """int8 weights, one scale per output channel: per tensor loses too much (cos ~0.95)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # onnxruntime.quantization logs through the root logger; were the root logger bare,
    # that would run logging.basicConfig() behind the application's back.
    guard = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(guard)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.removeHandler(guard)


def _publish(work: Path, folder: Path) -> None:
    """Rename the finished ``work`` folder to ``folder``; if another process got there
    first with a complete model, keep theirs."""
    try:
        work.rename(folder)
    except OSError:
        if not (folder / INT8_FILE).is_file():
            raise
