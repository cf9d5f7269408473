"""Read raw messages from an mbox file, a Maildir, a folder of files, or one file.

A message is read whole only when it is within a size limit; of a larger one only its first
``KEPT_BYTES`` are read (its header section, whole in practice), with its size, so that the
caller can quarantine it with the reason instead of parsing it or losing it.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ingest.errors import SourceError

DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024
"""The size limit of one raw message unless told otherwise: what the big providers accept
(Gmail receives up to 50 MB; Exchange Online's default is 36 MB, base64 included)."""
KEPT_BYTES = 64 * 1024
"""How much of a message over the size limit is read and kept: its first 64 KiB."""


@dataclass(frozen=True, slots=True)
class RawMessage:
    """The bytes of one message and where they came from (a path, ``mbox#key``, a folder+UID).

    ``whole_size`` is set only for a message over the size limit: its size in bytes, while
    ``data`` holds just its first bytes (at most ``KEPT_BYTES``).
    """

    source: str
    data: bytes
    folder: str | None = None
    uid: int | None = None
    whole_size: int | None = None

    @property
    def size(self) -> int:
        """The size of the whole message in bytes, read or not."""
        return len(self.data) if self.whole_size is None else self.whole_size


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _files_below(path: Path) -> list[Path]:
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def count_messages(path: Path) -> int:
    """How many messages ``iter_messages(path)`` will yield (for progress bars)."""
    if _is_maildir(path):
        return len(mailbox.Maildir(path, factory=None, create=False))
    if path.is_dir():
        return len(_files_below(path))
    if _is_mbox(path):
        box = mailbox.mbox(path, factory=None, create=False)
        try:
            return len(box)
        finally:
            box.close()
    return 1


def _bounded(
    source: str, file: IO[bytes] | Any, max_bytes: int, whole: Callable[[], bytes]
) -> RawMessage:
    """The message in ``file`` (open at its first byte; closed here): ``whole()`` when it
    is within ``max_bytes``, else its first ``KEPT_BYTES`` and its size."""
    try:
        file.seek(0, os.SEEK_END)
        size: int = file.tell()
        if size <= max_bytes:
            return RawMessage(source, whole())
        file.seek(0)
        return RawMessage(source, file.read(KEPT_BYTES), whole_size=size)
    finally:
        file.close()


def iter_messages(path: Path, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> Iterator[RawMessage]:
    """Yield every message under ``path`` in a stable order.

    A Maildir (``cur``/``new`` inside), an mbox file (starts with ``From ``, RFC 4155), a
    folder of ``.eml`` or raw files (recursively, hidden files skipped), or a single message
    file. A message over ``max_bytes`` is not read whole: it comes with its first
    ``KEPT_BYTES`` and its ``whole_size``. Raises SourceError when ``path`` does not exist
    or cannot be read.
    """
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    try:
        if _is_maildir(path):
            maildir = mailbox.Maildir(path, factory=None, create=False)
            for key in sorted(maildir.keys()):
                yield _bounded(
                    f"{path}#{key}", maildir.get_file(key), max_bytes, _getter(maildir, key)
                )
        elif path.is_dir():
            for file in _files_below(path):
                yield _bounded(str(file), file.open("rb"), max_bytes, file.read_bytes)
        elif _is_mbox(path):
            box = mailbox.mbox(path, factory=None, create=False)
            try:
                for index, key in enumerate(box.keys()):
                    yield _bounded(
                        f"{path}#{index}", box.get_file(key), max_bytes, _getter(box, key)
                    )
            finally:
                box.close()
        else:
            yield _bounded(str(path), path.open("rb"), max_bytes, path.read_bytes)
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from exc


def _getter(box: mailbox.Mailbox[Any], key: str) -> Callable[[], bytes]:
    return lambda: box.get_bytes(key)
