"""The lookalike's serialisation: numpy arrays in an ``.npz`` (no pickle) with a JSON header.
Private to :mod:`models.lookalike`."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

FORMAT = "leadlens-lookalike"
FORMAT_VERSION = 2  # 2: a first-contact and a stage-aware scorer
_HEADER = "header"


def pack(header: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> bytes:
    """``header`` (JSON-serialisable) and ``arrays`` (numeric) in one blob."""
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, **header}
    encoded = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **{_HEADER: encoded, **arrays})
    return buffer.getvalue()


def unpack(data: bytes) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The header and arrays :func:`pack` wrote; ValueError when ``data`` is not such a blob."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        header = json.loads(arrays.pop(_HEADER).tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"not a lookalike model: {error}") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("not a lookalike model: unknown format")
    if header.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"lookalike model format {header.get('format_version')} not supported")
    return header, arrays
