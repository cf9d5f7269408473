"""A real, throwaway dovecot IMAP server on 127.0.0.1 for tests.

``dovecot_server`` (session scope) starts one ``dovecot -F`` with its own configuration,
certificate, passwd-files and mail store in a temp dir; ``dovecot`` (function scope) hands
the same server to a test and restarts it afterwards if the test stopped it; ``imap_account``
is a fresh user per test. Import them into a ``conftest.py`` to use them::

    from tests.servers.dovecot import dovecot, dovecot_server, imap_account  # noqa: F401

The server offers STARTTLS on the plain port and implicit TLS on ``tls_port`` (self-signed
certificate for IP 127.0.0.1, usable as the CA file), a ``\\Sent`` special-use folder,
IDLE, CONDSTORE, MULTIAPPEND, and AUTHENTICATE XOAUTH2 and OAUTHBEARER checked by a tiny
token introspection endpoint served from this process (``set_token``, or ``trust`` an
issuer such as tests/servers/oauth2.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from imapclient import IMAPClient

from app.demo.imap_server import (
    HOST,
    DovecotProcess,
    find_dovecot,
    free_port,
    mail_ids,
    service_users,
)
from tests.conftest import skip_or_fail


@dataclass(frozen=True)
class Account:
    """One mail user of the test server."""

    username: str
    password: str


class _Introspection(ThreadingHTTPServer):
    """RFC 7662-style token introspection that dovecot's oauth2 passdb calls."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((HOST, 0), _IntrospectionHandler)
        self.tokens: dict[str, str] = {}
        self.issuer: Callable[[str], str | None] | None = None

    def user_of(self, token: str) -> str | None:
        """The user ``token`` was set for (``set_token``), else the trusted issuer's answer."""
        user = self.tokens.get(token)
        if user is None and self.issuer is not None:
            user = self.issuer(token)
        return user


class _IntrospectionHandler(BaseHTTPRequestHandler):
    server: _Introspection

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        user = self.server.user_of(form.get("token", [""])[0])
        answer = {"active": True, "username": user} if user else {"active": False}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep pytest's output clean."""


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = {instance}
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
mail_location = mdbox:~/mdbox
mail_fsync = never
first_valid_uid = 0
auth_failure_delay = 0
auth_verbose = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users/%u
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  args = {root}/oauth2.conf.ext
  mechanisms = xoauth2 oauthbearer
}}
userdb {{
  driver = passwd-file
  args = {root}/users/%u
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
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


class DovecotServer:
    """A dovecot process with helpers to manage users, folders and mail."""

    host = HOST

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="leadlens-dovecot-"))
        self.root.chmod(0o755)  # dovecot's mail processes run as nobody and must traverse it
        self.port = free_port()
        self.tls_port = free_port()
        self.ca_file = str(self.root / "cert.pem")
        self.log_file = self.root / "dovecot.log"
        self._accounts: dict[str, Account] = {}
        self._dovecot = DovecotProcess(binary, self.root, (self.port, self.tls_port))
        self._uid, self._gid = mail_ids()
        self._introspection = _Introspection()
        self._introspection_thread = threading.Thread(
            target=self._introspection.serve_forever, daemon=True
        )
        self._introspection_thread.start()
        try:
            self._write_files()
        except BaseException:
            self.close()
            raise

    @property
    def running(self) -> bool:
        """True while the dovecot master process is alive."""
        return self._dovecot.running

    def start(self) -> None:
        """Start dovecot on this server's ports and wait until both accept connections."""
        self._dovecot.start()

    def stop(self) -> None:
        """Stop dovecot and its children (open IMAP sessions included), like an outage.

        SIGTERM to the process group of the master we started (its PID), SIGKILL to what is
        left after a grace period; returns when the master has exited and the group is empty.
        """
        self._dovecot.stop()

    def close(self) -> None:
        """Stop dovecot and the introspection endpoint, and delete every file."""
        self.stop()
        self._introspection.shutdown()
        self._introspection.server_close()
        self._introspection_thread.join()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        """The end of dovecot's stderr and log, for failure messages."""
        return self._dovecot.log_tail(lines)

    def add_user(self, name: str, password: str) -> Account:
        """Create a mail user (its own passwd-file); dovecot sees it at the next login."""
        if name in self._accounts:
            raise ValueError(f"user {name!r} exists; use set_password")
        home = self.root / "home" / name
        home.mkdir()
        os.chown(home, self._uid, self._gid)
        self._accounts[name] = Account(name, password)
        self._write_user(name)
        return self._accounts[name]

    def set_password(self, name: str, new: str) -> None:
        """Change a user's password; returns once dovecot is sure to read the new one.

        dovecot re-checks a passwd-file at most once per second (and only notices a changed
        mtime or size), so this bumps the mtime and waits for the next whole second.
        """
        mtime = self._user_file(name).stat().st_mtime
        self._accounts[name] = Account(name, new)
        self._write_user(name)
        os.utime(self._user_file(name), (mtime + 1, mtime + 1))
        time.sleep(math.ceil(time.time()) - time.time() + 0.05)

    def set_token(self, name: str, token: str) -> None:
        """Make the introspection endpoint accept ``token`` as an OAuth2 token for ``name``."""
        self._introspection.tokens[token] = name

    def trust(self, issuer: Callable[[str], str | None] | None) -> None:
        """Accept the tokens ``issuer`` vouches for (it returns the user of a live token, else
        None: ``OAuth2Server.user_of``) beside those of ``set_token``; None: stop."""
        self._introspection.issuer = issuer

    def new_account(self) -> Account:
        """A user with a unique name and a random password."""
        suffix = uuid.uuid4().hex[:10]
        return self.add_user(f"user{suffix}", f"pw-{uuid.uuid4().hex}")

    def client(self, user: str) -> IMAPClient:
        """A logged-in plain-port IMAPClient for ``user``; close it (``with``) when done."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        try:
            client.login(user, self._accounts[user].password)
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(
        self, user: str, folder: str, raw_messages: Sequence[bytes], flags: Sequence[str] = ()
    ) -> list[int]:
        """Store messages in one MULTIAPPEND (RFC 3502); returns their UIDs (RFC 4315)."""
        if not raw_messages:
            return []
        with self.client(user) as client:
            status, answer = client.multiappend(
                folder, [{"msg": raw, "flags": tuple(flags)} for raw in raw_messages]
            )
        if status != "OK":
            raise AssertionError(f"APPEND to {folder!r} failed: {answer!r}")
        return _appended_uids(answer[0])

    def create_folder(self, user: str, folder: str) -> None:
        """Create a folder in ``user``'s mailbox."""
        with self.client(user) as client:
            client.create_folder(folder)

    def delete_folder(self, user: str, folder: str) -> None:
        """Delete a folder (and its mail) from ``user``'s mailbox."""
        with self.client(user) as client:
            client.delete_folder(folder)

    def reset_uidvalidity(self, user: str, folder: str) -> int:
        """Give ``folder`` of ``user`` a new, higher UIDVALIDITY, keeping its messages and
        their UIDs (RFC 3501 §2.3.1.1): a client must read it all again. Returns it.

        Done by ``doveadm mailbox update`` under dovecot's own index locks: sessions that
        have the folder open are told and closed. A DELETE and CREATE of the same name
        instead races the sessions still closing the old folder, which can wipe the new
        one's mail (seen as "Mailbox was deleted under us")."""
        with self.client(user) as client:
            old = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        new = old + 1
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        config = str(self.root / "dovecot.conf")
        update = ["mailbox", "update", "-u", user, "--uid-validity", str(new), folder]
        command = [doveadm, "-c", config, *update]
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise AssertionError(f"doveadm could not reset {folder!r}: {done.stderr}")
        return new

    def _write_files(self) -> None:
        for sub in ("run", "state", "home", "users"):
            (self.root / sub).mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-keyout", str(self.root / "key.pem"), "-out", self.ca_file,
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        introspect = f"http://{HOST}:{self._introspection.server_address[1]}/introspect"
        (self.root / "oauth2.conf.ext").write_text(
            f"introspection_mode = post\nintrospection_url = {introspect}\n"
            "username_attribute = username\nactive_attribute = active\nactive_value = true\n"
        )
        login_user, internal_user, internal_group = service_users()
        (self.root / "dovecot.conf").write_text(
            _CONFIG.format(
                root=self.root,
                host=HOST,
                port=self.port,
                tls_port=self.tls_port,
                instance=f"leadlens-test-{self.port}",
                login_user=login_user,
                internal_user=internal_user,
                internal_group=internal_group,
            )
        )

    def _user_file(self, name: str) -> Path:
        return self.root / "users" / name

    def _write_user(self, name: str) -> None:
        account = self._accounts[name]
        home = self.root / "home" / name
        self._user_file(name).write_text(
            f"{name}:{{PLAIN}}{account.password}:{self._uid}:{self._gid}::{home}::\n"
        )


def _appended_uids(answer: bytes) -> list[int]:
    match = re.search(rb"\[APPENDUID \d+ ([\d:,]+)\]", answer)
    if match is None:
        raise AssertionError(f"no APPENDUID in {answer!r}")
    uids: list[int] = []
    for part in match.group(1).split(b","):
        first, _, last = part.partition(b":")
        uids.extend(range(int(first), int(last or first) + 1))
    return uids


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[DovecotServer]:
    """One dovecot for the whole session (skips without the binary, fails in CI)."""
    binary = find_dovecot()
    if binary is None:
        skip_or_fail("dovecot is not installed (apt-get install dovecot-imapd)")
    else:
        server = DovecotServer(binary)
        try:
            server.start()
            yield server
        finally:
            server.close()


@pytest.fixture
def dovecot(dovecot_server: DovecotServer) -> Iterator[DovecotServer]:
    """The session's dovecot, running; restarted after the test if the test stopped it."""
    dovecot_server.start()
    yield dovecot_server
    dovecot_server.start()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Account:
    """A fresh user (empty INBOX and Sent) on the running dovecot."""
    return dovecot.new_account()
