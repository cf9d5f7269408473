"""Background work: the in-process runners (sync, enrichment) of `leadlens serve`, and Celery
for the scale-out mode."""

from __future__ import annotations

from typing import Protocol


class SyncTrigger(Protocol):
    """What the API needs from a sync runner: ask for a sync, or stop one."""

    def request_sync(self, mailbox_id: str) -> None:
        """Sync this mailbox as soon as possible (returns at once)."""

    def forget(self, mailbox_id: str) -> None:
        """Stop syncing this mailbox (it was disabled or deleted)."""


class WebhookTrigger(Protocol):
    """What the API needs from a webhook sender: send what is due without waiting."""

    def wake(self) -> None:
        """Deliveries may be due now (returns at once)."""


class EnrichmentTrigger(Protocol):
    """What the API needs from whatever enriches and profiles: new work, or a full rebuild."""

    def wake(self) -> None:
        """Mail or outcomes changed: enrich and refresh the profiles soon (returns at once)."""

    def request_rebuild(self) -> None:
        """Re-cluster topics, rebuild profiles and retrain the lookalike soon (returns at
        once); a LeadlensError when it cannot be asked now."""
