"""What `leadlens` commands print besides their results: help that reads well, the progress
of long steps, and no more of the libraries' own output than their warnings.

Progress goes to stderr. On a terminal a step is a live bar (a spinner when there is
nothing to count) with the count, the rate and the time left. When stderr is not a
terminal (a log file, a pipe, CI) it is a plain line every :data:`PLAIN_INTERVAL` seconds
instead, never a terminal control code. Either way a step that completes leaves one line
saying what it did and how long it took, e.g. ``enriching: 4400 messages in 52 s (85/s)``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.text import Text
from typer.core import TyperCommand

PLAIN_INTERVAL = 10.0
"""Seconds between two progress lines when stderr is not a terminal."""

QUIET_LOGGERS = (
    "alembic",
    "httpcore",
    "httpx",
    "huggingface_hub",
    "imapclient",
    "numba",
    "sentence_transformers",
    "transformers",
)
"""Libraries whose INFO logs are noise to a user (kept to warnings and errors)."""


def quiet_libraries(*, celery: bool = True) -> None:
    """Keep the libraries' INFO logs and progress bars (loading the sentence model, encoding,
    migrations, IMAP, HTTP) out of this process's output: only their warnings and errors
    show. With ``celery`` Celery's and kombu's INFO logs go too (not for the worker and the
    scheduler, whose log those are). Call it before the sentence model is imported."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for name in (*QUIET_LOGGERS, *(("celery", "kombu") if celery else ())):
        logging.getLogger(name).setLevel(logging.WARNING)


class ConsoleHandler(logging.Handler):
    """A logging handler that prints through a rich console, so that a log line shows
    above a live progress bar instead of breaking into it."""

    def __init__(self, console: Console) -> None:
        """Print the records on ``console``."""
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        """Print one formatted record, as it is (no markup, no highlighting)."""
        try:
            line = self.format(record)
            self.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        except Exception:
            self.handleError(record)


def _metavar(param: Any) -> str:
    return str(param.metavar or param.name.upper())


class PlainCommand(TyperCommand):
    """A command whose help names each argument by its metavar alone, as in ``leadlens
    import [OPTIONS] PATH`` (typer writes ``{PATH}`` in the usage line and ``PATH <path>``
    under Arguments). For plain help (``rich_markup_mode=None``)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS]`` and the arguments by their metavars, for the usage line."""
        pieces = [self.options_metavar] if self.options_metavar else []
        params = self.get_params(ctx)
        return pieces + [_metavar(p) for p in params if p.param_type_name == "argument"]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The arguments, each by its metavar with its help, then the options."""
        params = self.get_params(ctx)
        arguments = [
            (_metavar(p), getattr(p, "help", None) or "")
            for p in params
            if p.param_type_name == "argument"
        ]
        options = [
            record
            for p in params
            if p.param_type_name == "option" and (record := p.get_help_record(ctx)) is not None
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def duration(seconds: float) -> str:
    """``seconds`` as people read them: ``8 s`` below a minute, else ``4 min 05 s``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def _rate(count: int, seconds: float) -> str:
    rate = count / seconds
    return f"{rate:.0f}/s" if rate >= 10 else f"{rate:.1f}/s"


class Step:
    """A long step under way: the thread doing the work tells it what is done with
    :meth:`advance` or :meth:`update`; it knows its rate and the time left."""

    def __init__(self, label: str, total: int | None, unit: str | None) -> None:
        """``total``: how many ``unit`` the step will do, None when unknown; ``unit``: what
        is counted (``messages``), None when nothing is."""
        self.label = label
        self.total = total
        self.unit = unit
        self.completed = 0
        self._started = time.monotonic()

    @property
    def elapsed(self) -> float:
        """Seconds since the step began."""
        return time.monotonic() - self._started

    def advance(self, count: int) -> None:
        """``count`` more are done."""
        self.completed += count

    def update(self, completed: int) -> None:
        """``completed`` are done in all."""
        self.completed = completed

    def status(self) -> str:
        """Where the step stands: ``1200/4400 messages (85/s, ETA 38 s)``, ``1200 messages
        (85/s)`` without a total, ``0/4400 messages (12 s elapsed)`` before the first are
        done, ``12 s elapsed`` when nothing is counted."""
        elapsed = self.elapsed
        if self.unit is None:
            return f"{duration(elapsed)} elapsed"
        done = str(self.completed) if self.total is None else f"{self.completed}/{self.total}"
        details = []
        if self.completed and elapsed >= 1:
            details.append(_rate(self.completed, elapsed))
            if self.total is not None and self.completed < self.total:
                left = (self.total - self.completed) * elapsed / self.completed
                details.append(f"ETA {duration(left)}")
        elif elapsed >= 1:
            details.append(f"{duration(elapsed)} elapsed")
        return f"{done} {self.unit}" + (f" ({', '.join(details)})" if details else "")

    def summary(self) -> str:
        """The line a completed step leaves: ``enriching: 4400 messages in 52 s (85/s)``."""
        elapsed = self.elapsed
        if self.unit is None:
            return f"{self.label}: done in {duration(elapsed)}"
        rate = f" ({_rate(self.completed, elapsed)})" if self.completed and elapsed >= 1 else ""
        return f"{self.label}: {self.completed} {self.unit} in {duration(elapsed)}{rate}"


class _StatusColumn(ProgressColumn):
    """The step's own status text, so that bar and plain lines read the same."""

    def __init__(self, step: Step) -> None:
        super().__init__(table_column=None)
        self.max_refresh = 0.5
        self.step = step

    def render(self, task: Task) -> Text:
        """The status of the step this column belongs to."""
        return Text(self.step.status())


class _Bar:
    """Keeps a rich bar in step with a :class:`Step` until stopped."""

    def __init__(self, console: Console, step: Step) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn(step.label),
            BarColumn(),
            _StatusColumn(step),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(step.label, total=step.total)
        self._step = step
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="progress", daemon=True)

    def _follow(self) -> None:
        while not self._stop.wait(0.1):
            self._progress.update(self._task, completed=self._step.completed)

    def __enter__(self) -> None:
        self._progress.start()
        self._thread.start()

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._progress.stop()


class _Lines:
    """Prints the status of a :class:`Step` every ``interval`` seconds until stopped."""

    def __init__(self, console: Console, step: Step, interval: float) -> None:
        self._console = console
        self._step = step
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._report, name="progress", daemon=True)

    def _report(self) -> None:
        while not self._stop.wait(self._interval):
            line = f"{self._step.label}: {self._step.status()}"
            self._console.print(line, markup=False, highlight=False, soft_wrap=True)

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def step(
    console: Console,
    label: str,
    *,
    total: int | None = None,
    unit: str | None = "messages",
    interval: float = PLAIN_INTERVAL,
) -> Iterator[Step]:
    """Show the progress of the step run inside the block on ``console``: a live bar on a
    terminal, else a plain ``label: status`` line every ``interval`` seconds; when the block
    completes, one summary line (:meth:`Step.summary`). ``unit=None``: nothing is counted,
    only the time elapsed is shown."""
    current = Step(label, total, unit)
    live = console.is_terminal and not console.is_dumb_terminal
    display = _Bar(console, current) if live else _Lines(console, current, interval)
    with display:
        yield current
    console.print(current.summary(), markup=False, highlight=False, soft_wrap=True)
