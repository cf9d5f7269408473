"""A private dovecot IMAP server on 127.0.0.1, for ``leadlens demo`` (and the tests' server).

:class:`DovecotProcess` runs ``dovecot -F`` on a configuration folder in its own process
group and stops the whole group. :class:`DemoImapServer` writes a minimal configuration
(plain-text login without TLS, one passwd-file account per user, maildirs kept under a
folder of the caller's so that mail survives restarts) and appends mail with imapclient.

As root, dovecot refuses to keep mail as root: the mail then belongs to ``nobody`` and
each session is chrooted into the mail folder, so that its parents need not be readable by
``nobody``. The runtime files (configuration, passwords, sockets, log) live in a private
temporary folder that :meth:`DemoImapServer.stop` deletes.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from imapclient import IMAPClient

HOST = "127.0.0.1"
START_TIMEOUT_S = 10.0
STOP_GRACE_S = 5.0
APPEND_BATCH = 200
"""Messages per MULTIAPPEND command."""

_HEADERS = BytesHeaderParser()
_MESSAGE_ID = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"

_CONFIG = """\
base_dir = {run}/run
state_dir = {run}/state
instance_name = leadlens-demo-{port}
log_path = {run}/dovecot.log
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 0
valid_chroot_dirs = {mail_root}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {run}/passwd
}}
userdb {{
  driver = passwd-file
  args = {run}/passwd
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


class DovecotError(RuntimeError):
    """dovecot did not start, or its configuration could not be written."""


def find_dovecot() -> str | None:
    """The dovecot binary: on PATH, else Debian's /usr/sbin/dovecot; None when absent."""
    debian = "/usr/sbin/dovecot"
    return shutil.which("dovecot") or (debian if os.access(debian, os.X_OK) else None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def mail_ids() -> tuple[int, int]:
    """uid/gid for stored mail: ``nobody`` as root (dovecot refuses root), else our own."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


def service_users() -> tuple[str, str, str]:
    """dovecot's login user, internal user and internal group: Debian's as root, else us."""
    if os.geteuid() == 0:
        return "dovenull", "dovecot", "dovecot"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, grp.getgrgid(os.getegid()).gr_name


class DovecotProcess:
    """``dovecot -F -c FOLDER/dovecot.conf`` in its own process group.

    Its stdout and stderr go to ``FOLDER/stderr.log``; the configuration is expected to
    log to ``FOLDER/dovecot.log``. ``ports`` are those it must accept connections on.
    """

    def __init__(self, binary: str, folder: Path, ports: Sequence[int]) -> None:
        """Prepare to run ``binary`` on ``folder``; nothing starts before :meth:`start`."""
        self.binary = binary
        self.folder = folder
        self.ports = tuple(ports)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        """True while the dovecot master process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start dovecot and wait until every port accepts connections.

        Raises :class:`DovecotError` with the end of its logs when it exits or is not
        listening within ``timeout`` seconds (what it started is stopped first).
        """
        if self.running:
            return
        with (self.folder / "stderr.log").open("ab") as output:
            self._process = subprocess.Popen(
                [self.binary, "-F", "-c", str(self.folder / "dovecot.conf")],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends every child too
            )
        deadline = time.monotonic() + timeout
        while not all(port_open(port) for port in self.ports):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise DovecotError(f"dovecot did not start: {self.log_tail()}")
            time.sleep(0.02)

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Stop dovecot and its children (open IMAP sessions included).

        SIGTERM to the process group of the master we started (its PID), SIGKILL to what is
        left after ``grace`` seconds; returns when the master has exited and the group is
        empty. Does nothing when it is not running.
        """
        process, self._process = self._process, None
        if process is None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while process.poll() is None or _group_alive(process.pid):
            if time.monotonic() > deadline:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.02)

    def log_tail(self, lines: int = 30) -> str:
        """The end of dovecot's stderr and log, for error messages."""
        text = "".join(
            path.read_text(errors="replace")
            for path in (self.folder / "stderr.log", self.folder / "dovecot.log")
            if path.exists()
        )
        return "\n".join(text.splitlines()[-lines:])


class DemoImapServer:
    """A private dovecot on 127.0.0.1 with one account per user, mail kept in ``mail_root``.

    ``passwords`` maps each login name to its password. Each user's maildir is
    ``mail_root/<login>/Maildir`` (INBOX, and a ``Sent`` folder with the ``\\Sent``
    special-use attribute); it outlives the server, so a later server on the same
    ``mail_root`` serves the same mail. Plain-text login, no TLS; listens on ``port``
    (a free one by default). Use as a context manager, or :meth:`start` and :meth:`stop`.
    """

    host = HOST

    def __init__(
        self,
        binary: str,
        mail_root: Path,
        passwords: Mapping[str, str],
        port: int | None = None,
    ) -> None:
        """Prepare a server for ``passwords``' users; nothing is written before :meth:`start`."""
        self.binary = binary
        self.mail_root = mail_root.absolute()
        self.port = port or free_port()
        self.passwords = dict(passwords)
        self._run: Path | None = None
        self._process: DovecotProcess | None = None

    @property
    def running(self) -> bool:
        """True while dovecot is alive."""
        return self._process is not None and self._process.running

    def start(self) -> None:
        """Write the configuration, start dovecot, and return once it accepts connections.

        Raises :class:`DovecotError` (nothing left running, runtime files deleted) when it
        does not start.
        """
        if self.running:
            return
        self._run = Path(tempfile.mkdtemp(prefix="leadlens-demo-dovecot-"))
        self._process = DovecotProcess(self.binary, self._run, [self.port])
        try:
            self._write_files(self._run)
            self._process.start()
        except (OSError, KeyError) as exc:
            self.stop()
            raise DovecotError(f"could not set up dovecot: {exc}") from None
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop dovecot (its whole process group) and delete its runtime files; keeps mail."""
        if self._process is not None:
            self._process.stop()
            self._process = None
        if self._run is not None:
            shutil.rmtree(self._run, ignore_errors=True)
            self._run = None

    def __enter__(self) -> Self:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()

    def client(self, user: str) -> IMAPClient:
        """A logged-in IMAPClient for ``user``; close it (``with``) when done."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=30)
        client._imap.debug = 0  # imapclient's protocol trace would log whole messages
        try:
            client.login(user, self.passwords[user])
        except BaseException:
            client.shutdown()
            raise
        return client

    def append_missing(
        self,
        user: str,
        folder: str,
        messages: Sequence[bytes],
        *,
        flags: Sequence[str] = (),
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Append to ``folder`` those of ``messages`` it does not hold yet; returns how many.

        Messages are told apart by their Message-ID header (ValueError for one without).
        The missing ones are appended in the given order, in MULTIAPPEND batches of
        ``APPEND_BATCH``, each with ``flags`` and its Date header as internal date;
        ``on_progress`` gets the size of each batch appended. imapclient errors propagate.
        """
        wanted = [(_message_id(raw), raw) for raw in messages]
        if any(key is None for key, _ in wanted):
            raise ValueError("a message without a Message-ID header cannot be told apart")
        with self.client(user) as client:
            held = _held_message_ids(client, folder)
            missing = [raw for key, raw in wanted if key not in held]
            for start in range(0, len(missing), APPEND_BATCH):
                batch = missing[start : start + APPEND_BATCH]
                status, answer = client.multiappend(
                    folder, [_entry(raw, tuple(flags)) for raw in batch]
                )
                if status != "OK":
                    raise DovecotError(f"APPEND to {folder!r} failed: {answer!r}")
                if on_progress is not None:
                    on_progress(len(batch))
        return len(missing)

    def _write_files(self, run: Path) -> None:
        run.chmod(0o755)  # dovecot's login and auth processes run as other users as root
        for sub in ("run", "state"):
            (run / sub).mkdir()
        self.mail_root.mkdir(parents=True, exist_ok=True)
        login_user, internal_user, internal_group = service_users()
        uid, gid = mail_ids()
        chroot = os.geteuid() == 0
        lines = []
        for user, password in self.passwords.items():
            home = self.mail_root / user
            where = f"{self.mail_root}/./{user}" if chroot else str(home)
            if "/" in user or any(c in user + password + where for c in ":\n"):
                raise DovecotError(f"a passwd-file cannot hold {user!r} with home {where!r}")
            home.mkdir(exist_ok=True)
            os.chown(home, uid, gid)
            lines.append(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{where}::\n")
        passwd = run / "passwd"
        passwd.touch(mode=0o640 if chroot else 0o600)
        if chroot:
            os.chown(passwd, 0, grp.getgrnam(internal_group).gr_gid)
        passwd.write_text("".join(lines))
        (run / "dovecot.conf").write_text(
            _CONFIG.format(
                run=run,
                host=self.host,
                port=self.port,
                mail_root=self.mail_root,
                login_user=login_user,
                internal_user=internal_user,
                internal_group=internal_group,
            )
        )


def _held_message_ids(client: IMAPClient, folder: str) -> set[str]:
    client.select_folder(folder, readonly=True)
    uids = client.search("ALL")
    if not uids:
        return set()
    fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    return {key for data in fetched.values() if (key := _message_id(data.get(_MESSAGE_ID, b"")))}


def _message_id(raw: bytes) -> str | None:
    found = _HEADERS.parsebytes(raw)["Message-ID"]
    return None if found is None else str(found).strip() or None


def _entry(raw: bytes, flags: tuple[str, ...]) -> dict[str, object]:
    """One MULTIAPPEND item: the message, its flags, and its Date header as internal date."""
    entry: dict[str, object] = {"msg": raw, "flags": flags}
    value = _HEADERS.parsebytes(raw)["Date"]
    if value is not None:
        with contextlib.suppress(TypeError, ValueError):
            entry["date"] = parsedate_to_datetime(str(value))
    return entry


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
