"""A tiny webhook receiver for leadlens events: standard library only, verifies the
Standard Webhooks signature, drops duplicates by `webhook-id`, answers 204.

    LEADLENS_WEBHOOK_SECRET=whsec_... python docs/webhook_receiver.py 8765

Then subscribe it: POST /v1/webhooks {"url": "http://127.0.0.1:8765/", "events": [...]}.
(With `pip install standardwebhooks`, `Webhook(secret).verify(body, headers)` does what
`verify` does here.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

TOLERANCE_S = 300  # refuse a timestamp this far from now (replayed captures)


def verify(secret: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The event in ``body`` if its signature is one of ``secret``'s and its timestamp is
    recent; ValueError otherwise. ``headers`` are lower-cased."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > TOLERANCE_S:
        raise ValueError("timestamp too old or too new")
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in headers["webhook-signature"].split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            event: dict[str, Any] = json.loads(body)
            return event
    raise ValueError("no valid signature")


class Receiver(BaseHTTPRequestHandler):
    """Verifies each POST, handles each event once (a retry or replay repeats its id)."""

    seen: ClassVar[set[str]] = set()  # keep this in your database in real life

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            event = verify(os.environ["LEADLENS_WEBHOOK_SECRET"], headers, body)
        except (KeyError, ValueError) as exc:
            self.send_response(400)
            self.end_headers()
            print("refused:", exc, file=sys.stderr)
            return
        if headers["webhook-id"] not in self.seen:
            self.seen.add(headers["webhook-id"])
            data = event["data"]
            subject = data.get("customer") or data.get("mailbox")
            print(event["type"], subject["id"], json.dumps(data["changes"]))
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
