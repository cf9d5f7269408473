"""A small real HTTP server that receives webhooks, as a CRM would: it records every POST
(headers and body) and answers the status its test chooses (fail the first N, always
fail, or 204), so that retries, ordering and dedup by ``webhook-id`` can be checked.

``webhook_receiver`` (function scope) starts one on 127.0.0.1 and stops it after the test::

    from tests.servers.receiver import webhook_receiver  # noqa: F401
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One POST as it arrived: lower-cased headers, the raw body, the status answered."""

    headers: dict[str, str]
    body: bytes
    status: int
    verified: dict[str, Any] | None = None

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` header."""
        return self.headers["webhook-id"]

    def payload(self) -> dict[str, Any]:
        """The body as JSON."""
        data: dict[str, Any] = json.loads(self.body)
        return data


def _verified(
    verifier: Callable[[bytes, dict[str, str]], Any], body: bytes, headers: dict[str, str]
) -> dict[str, Any] | None:
    try:
        payload: dict[str, Any] = verifier(body, headers)
    except Exception:  # whatever the verifier raises is a refusal
        return None
    return payload


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: WebhookReceiver


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        status = self.server.receiver.record(headers, body)
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        """Quiet: the test reads :attr:`WebhookReceiver.received` instead."""


class WebhookReceiver:
    """The running receiver: its URL, what it got, and how it answers (``answer``: a
    function of the number of POSTs before this one → status; default 204)."""

    def __init__(self) -> None:
        self._server = _Server((HOST, 0), _Handler)
        self._server.receiver = self
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self.answer: Callable[[int], int] = lambda _n: 204
        # e.g. standardwebhooks.Webhook(secret).verify: run on arrival (its timestamp
        # tolerance is about the time of arrival), its result kept as ``verified``
        self.verifier: Callable[[bytes, dict[str, str]], Any] | None = None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Where to POST (path ``/hooks``)."""
        return f"http://{HOST}:{self._server.server_address[1]}/hooks"

    def record(self, headers: dict[str, str], body: bytes) -> int:
        """Keep one POST and decide the status it gets (400 when the verifier refuses it)."""
        verified = None if self.verifier is None else _verified(self.verifier, body, headers)
        with self._lock:
            status = self.answer(len(self.received))
            if self.verifier is not None and verified is None:
                status = 400
            self.received.append(Received(headers, body, status, verified))
            return status

    def fail_first(self, count: int, status: int = 503) -> None:
        """Answer ``status`` to the first ``count`` POSTs, then 204."""
        self.answer = lambda n: status if n < count else 204

    def accepted(self) -> list[Received]:
        """The POSTs answered 2xx, in arrival order."""
        with self._lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def deduplicated(self) -> list[Received]:
        """The accepted POSTs with a ``webhook-id`` not accepted before (what a receiver
        that dedups by it keeps), in arrival order."""
        seen: set[str] = set()
        kept = []
        for item in self.accepted():
            if item.webhook_id not in seen:
                seen.add(item.webhook_id)
                kept.append(item)
        return kept

    def wait_for(self, done: Callable[[WebhookReceiver], bool], seconds: float = 30.0) -> None:
        """Poll until ``done(self)`` or fail the test after ``seconds``."""
        self.poll(lambda: done(self), seconds, lambda: f"got {self.received}")

    @staticmethod
    def poll(
        done: Callable[[], bool],
        seconds: float = 30.0,
        context: Callable[[], str] = lambda: "",
    ) -> None:
        """Poll until ``done()`` or fail the test after ``seconds``."""
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                pytest.fail(f"condition not met in {seconds} s; {context()}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A receiver on 127.0.0.1 for one test."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()
