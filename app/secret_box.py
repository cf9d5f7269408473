"""Mailbox passwords and tokens at rest: :class:`SecretBox` encrypts them with Fernet.

The key comes from ``LEADLENS_SECRET_KEY`` (any string). Without it, a random key is
generated on first use into a file only its owner can read (``leadlens.key`` beside the
SQLite database, or ``LEADLENS_SECRET_KEY_FILE``), and a warning names that file once.
The key itself is never logged, printed or put into an exception.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
import stat
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from app.errors import SecretKeyError
from app.settings import Settings

log = logging.getLogger("leadlens.secrets")

KEY_FILE_NAME = "leadlens.key"
# scrypt makes guessing a weak LEADLENS_SECRET_KEY from a stolen database expensive; the
# salt is fixed so that the same key string always opens the same store.
_SALT = b"leadlens-secretbox-v1"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def derive_fernet_key(secret: str) -> bytes:
    """The Fernet key (urlsafe base64 of 32 bytes) that ``secret`` stands for (scrypt)."""
    raw = hashlib.scrypt(
        secret.encode("utf-8", "surrogateescape"),
        salt=_SALT,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=32,
    )
    return base64.urlsafe_b64encode(raw)


def key_file_path(settings: Settings) -> Path:
    """Where the generated key lives: the setting, else beside the SQLite file, else ``.``."""
    if settings.secret_key_file is not None:
        return settings.secret_key_file
    database = settings.sqlite_path()
    return (database.parent if database is not None else Path()) / KEY_FILE_NAME


class SecretBox:
    """Encrypts and decrypts short secrets with one key, loaded (or generated) on first use."""

    def __init__(self, *, secret: str | None = None, key_file: Path | None = None) -> None:
        """Use ``secret`` as the key, or else the key in ``key_file`` (made when missing)."""
        if (secret is None) == (key_file is None):
            raise ValueError("give exactly one of secret and key_file")
        self._secret = secret
        self._key_file = key_file
        self._fernet: Fernet | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box for ``LEADLENS_SECRET_KEY``, or for the key file when that is unset."""
        if settings.secret_key is not None:
            return cls(secret=settings.secret_key.get_secret_value())
        return cls(key_file=key_file_path(settings))

    @property
    def origin(self) -> str:
        """Where the key comes from, in words (never the key)."""
        return "LEADLENS_SECRET_KEY" if self._key_file is None else f"the key file {self._key_file}"

    def check(self) -> None:
        """Raise :class:`SecretKeyError` now, at start-up, when the key will not be usable:
        ``LEADLENS_SECRET_KEY`` empty, or the key file unreadable or empty, or missing in a
        folder that does not exist (so that it could not be generated). Creates no file: a
        missing key file in an existing folder is generated on first use as before."""
        if self._key_file is not None and not os.path.lexists(self._key_file):
            folder = self._key_file.absolute().parent
            if not folder.is_dir():
                raise SecretKeyError(
                    f"the folder {folder} of the secret key file does not exist: create it, "
                    "or set LEADLENS_SECRET_KEY_FILE or LEADLENS_SECRET_KEY"
                )
            return
        self._cipher()

    def encrypt(self, plaintext: str) -> bytes:
        """A Fernet token (authenticated AES-128-CBC + HMAC) holding ``plaintext``."""
        return self._cipher().encrypt(plaintext.encode("utf-8"))

    def decrypt(self, ciphertext: bytes) -> str:
        """The plaintext of a token made by :meth:`encrypt` with the same key.

        Raises :class:`SecretKeyError` when the token was made with another key or is damaged.
        """
        try:
            return self._cipher().decrypt(ciphertext).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError):
            raise SecretKeyError(
                f"cannot decrypt a stored mailbox secret with {self.origin}: it was encrypted "
                "with another key (or is damaged). Set LEADLENS_SECRET_KEY to the key used when "
                "the mailbox was added, or enter its password again (PATCH /v1/mailboxes/{id})"
            ) from None

    def _cipher(self) -> Fernet:
        with self._lock:
            if self._fernet is None:
                secret = self._secret if self._key_file is None else _load_or_create(self._key_file)
                if not secret:
                    raise SecretKeyError(f"the secret key from {self.origin} is empty")
                self._fernet = Fernet(derive_fernet_key(secret))
            return self._fernet


def _load_or_create(path: Path) -> str:
    """The key stored in ``path``, generating the file (0600) when it does not exist."""
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(32)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() never replaces an existing file: when another process created the key
        # first, its key wins and is read back, so both encrypt with the same one.
        os.link(temporary, path)
    except FileExistsError:
        return _read_key_file(path)
    except OSError as exc:
        raise SecretKeyError(
            f"cannot create the secret key file {path} ({exc.strerror or exc}); "
            "set LEADLENS_SECRET_KEY or LEADLENS_SECRET_KEY_FILE"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)
    log.warning(
        "LEADLENS_SECRET_KEY is not set: generated a new secret key in %s (readable by its "
        "owner only). Mailbox passwords are encrypted with it: back it up, and use the same "
        "file or its content as LEADLENS_SECRET_KEY on every machine sharing this database",
        path,
    )
    return key


def _read_key_file(path: Path) -> str:
    """The stripped content of an existing key file; FileNotFoundError when there is none."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SecretKeyError(
            f"cannot read the secret key file {path} ({exc.strerror or exc}): make it a file "
            "this user may read, or set LEADLENS_SECRET_KEY_FILE or LEADLENS_SECRET_KEY"
        ) from None
    except UnicodeDecodeError:
        raise SecretKeyError(
            f"the secret key file {path} is not UTF-8 text: restore the key it held, or set "
            "LEADLENS_SECRET_KEY_FILE or LEADLENS_SECRET_KEY"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the secret key file %s can be read by other users: chmod 600 it", path)
    log.info("mailbox secrets are encrypted with the key in %s", path)
    return text
