"""All of leadlens's settings, read from ``LEADLENS_*`` environment variables and ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.embedder import usable_cores


class Settings(BaseSettings):
    """Configuration of one leadlens process; build it once at start-up and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="LEADLENS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///./leadlens.db",
        description="SQLAlchemy URL of the store: SQLite file (embedded default) or PostgreSQL.",
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Key that encrypts mailbox secrets at rest."
    )
    secret_key_file: Path | None = Field(
        default=None,
        description=(
            "File holding the generated secret key when LEADLENS_SECRET_KEY is unset "
            "(created on first use, mode 0600); default: `leadlens.key` beside the SQLite "
            "database, else `./leadlens.key`."
        ),
    )
    lost_after_days: int = Field(
        default=90, ge=1, description="Silence after our last message that infers `lost`."
    )
    import_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Messages parsed and committed per batch."
    )
    sync_batch_size: int = Field(
        default=500, ge=1, le=5_000, description="IMAP messages fetched and committed per batch."
    )
    sync_concurrency: int = Field(
        default=4, ge=1, le=64, description="Mailboxes `sync --once` works on at the same time."
    )
    sync_poll_seconds: float = Field(
        default=60.0, gt=0, description="Longest wait between two checks of every folder."
    )
    sync_backoff_seconds: float = Field(
        default=2.0, gt=0, description="First retry delay after a network error (doubles)."
    )
    sync_backoff_max_seconds: float = Field(
        default=300.0, gt=0, description="Longest retry delay after repeated network errors."
    )
    imap_timeout: float = Field(
        default=30.0, gt=0, description="Seconds an IMAP connect or read may take."
    )
    max_request_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description=(
            "Largest request body the API and the dashboard accept, in bytes: a larger one "
            "is answered 413 before it is read (the default holds the largest valid request "
            "of every endpoint, whatever its JSON encoding)."
        ),
    )
    max_message_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=64 * 1024,
        description=(
            "Largest raw message imported or synced, in bytes: a larger one is not read "
            "whole but quarantined, with its first 64 KiB and its size."
        ),
    )
    parse_workers: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description="Processes that parse mail beside the main one (0: none; unset: by cores); "
        "none in a daemonic process, such as a prefork worker's child.",
    )
    embedding_model_dir: Path | None = Field(
        default=None,
        description="A local sentence-transformers model folder (default: bundled MiniLM).",
    )
    embedding_backend: Literal["auto", "torch", "onnx-int8"] = Field(
        default="auto",
        description="Run the sentence model as int8 ONNX (made once into the user cache) or "
        "with torch in fp32, the exact path; auto: torch on a GPU, int8 ONNX on the CPU.",
    )
    embedding_device: str | None = Field(
        default=None, description="torch device for the sentence model (default: cuda if any)."
    )
    embedding_threads: int | None = Field(
        default=None,
        ge=1,
        description="CPU threads of one process's sentence model (default: one per core; "
        "`leadlens worker --concurrency N` gives each process cores / N).",
    )
    enrich_batch_size: int = Field(
        default=256, ge=1, le=10_000, description="Messages enriched and committed per batch."
    )
    enrich_poll_seconds: float = Field(
        default=2.0, gt=0, description="Longest wait before new mail is enriched."
    )
    topic_seed: int = Field(
        default=42, description="Seed of topic clustering and lookalike training (deterministic)."
    )
    lookalike_debounce_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long outcomes must stay unchanged before the lookalike retrains "
        "(the first model is trained at once).",
    )
    broker_url: str | None = Field(
        default=None,
        description=(
            "Redis URL of the Celery broker: set, `leadlens worker` processes sync and enrich "
            "and `leadlens serve` only enqueues; unset, `serve` does it all in-process."
        ),
    )
    broker_visibility_timeout: float = Field(
        default=3600.0,
        gt=0,
        description=(
            "Seconds after which a task taken by a worker that died is handed to another "
            "(keep it above the longest task)."
        ),
    )
    broker_timeout: float = Field(
        default=10.0,
        gt=0,
        description=(
            "Seconds a connect to, or a command of, the broker's Redis may take before it "
            "fails (a broker that stops answering then fails a call instead of hanging it)."
        ),
    )
    lock_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "Lifetime of a worker's lock on a mailbox folder (renewed every third of it while "
            "held): a dead worker's lock frees within it."
        ),
    )
    sync_task_batches: int = Field(
        default=10,
        ge=1,
        description="IMAP batches one `sync` task stores before the next task takes the rest.",
    )
    webhook_sender: bool = Field(
        default=True,
        description=(
            "Send webhook events from this process (`serve` in-process, or the Celery "
            "task); off, events are still written to the outbox and wait there."
        ),
    )
    webhook_send_interval_seconds: float = Field(
        default=2.0, gt=0, description="Longest wait before a new webhook event is sent."
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Seconds one webhook POST may take."
    )
    webhook_retry_schedule: list[Annotated[float, Field(ge=0)]] = Field(
        default=[5, 30, 120, 600, 3600, 10800, 21600, 43200, 43200],
        min_length=1,
        description=(
            "Seconds before each retry of a failed webhook delivery (JSON list; default "
            "5 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h, 12 h: 10 attempts over 34 h); "
            "after the last, the delivery fails and its endpoint is disabled."
        ),
    )
    webhook_disable_after_seconds: float = Field(
        default=86400.0,
        gt=0,
        description=(
            "An endpoint failing for longer than this (no delivery succeeded since its "
            "first failure) is disabled."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `leadlens serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `leadlens serve` uses.")
    log_level: str = Field(default="INFO", description="Python logging level name.")

    def resolved_parse_workers(self) -> int:
        """``parse_workers``, or when unset one per core on a multi-core machine (at most 4)."""
        if self.parse_workers is not None:
            return self.parse_workers
        cores = usable_cores()
        return min(4, cores) if cores > 1 else 0

    def sqlite_path(self) -> Path | None:
        """The database file when the store is a SQLite file, else None."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        rest = self.database_url[len(prefix) :].split("?", 1)[0]
        return None if rest in {"", ":memory:"} else Path(rest)
