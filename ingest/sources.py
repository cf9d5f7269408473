"""Read raw messages from an mbox file, a Maildir, a folder of files, or one file."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SourceError


@dataclass(frozen=True, slots=True)
class RawMessage:
    """The bytes of one message and where they came from (a path, ``mbox#key``, a folder+UID)."""

    source: str
    data: bytes
    folder: str | None = None
    uid: int | None = None


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


def iter_messages(path: Path) -> Iterator[RawMessage]:
    """Yield every message under ``path`` in a stable order.

    A Maildir (``cur``/``new`` inside), an mbox file (starts with ``From ``, RFC 4155), a
    folder of ``.eml`` or raw files (recursively, hidden files skipped), or a single message
    file. Raises SourceError when ``path`` does not exist or cannot be read.
    """
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    try:
        if _is_maildir(path):
            maildir = mailbox.Maildir(path, factory=None, create=False)
            for key in sorted(maildir.keys()):
                yield RawMessage(f"{path}#{key}", maildir.get_bytes(key))
        elif path.is_dir():
            for file in _files_below(path):
                yield RawMessage(str(file), file.read_bytes())
        elif _is_mbox(path):
            box = mailbox.mbox(path, factory=None, create=False)
            try:
                for index, key in enumerate(box.keys()):
                    yield RawMessage(f"{path}#{index}", box.get_bytes(key))
            finally:
                box.close()
        else:
            yield RawMessage(str(path), path.read_bytes())
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from exc
