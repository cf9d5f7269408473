"""The in-process webhook sender of `leadlens serve`: one thread that sends what the
outbox holds every ``webhook_send_interval_seconds``, or at once when woken."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from app.secret_box import SecretBox
from app.settings import Settings
from app.webhooks.sender import http_client, send_due

log = logging.getLogger("leadlens.webhooks")


class WebhookSender:
    """Sends due webhook deliveries from a background thread until stopped."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], secrets: SecretBox
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.secrets = secrets
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (not when ``webhook_sender`` is off: events then wait)."""
        if self._thread is None and self.settings.webhook_sender:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Something may be due now (a replay, a re-enabled endpoint): send without waiting."""
        self._wake.set()

    def _run(self) -> None:
        with http_client(self.settings) as client:
            while not self._stop.is_set():
                try:
                    send_due(self.sessions, self.secrets, self.settings, client, self._stop)
                except Exception:
                    log.exception("sending webhooks failed; retrying later")
                self._wake.wait(self.settings.webhook_send_interval_seconds)
                self._wake.clear()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the POST in flight (deliveries taken and not tried are handed back)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
