"""The progress of a long step as `leadlens` shows it: plain lines every few seconds when
stderr is not a terminal, a live bar on one, and a summary line either way."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

from rich.console import Console

from app.cli.output import duration, step


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_off_a_terminal_a_step_prints_its_status_every_interval_then_a_summary() -> None:
    console, buffer = _console(terminal=False)
    with step(console, "enriching", total=40, interval=0.05) as enriching:
        enriching.advance(10)
        _wait_for(lambda: "enriching: 10/40 messages" in buffer.getvalue())
        time.sleep(1.0)  # rate and time left are shown after a second
        enriching.advance(10)
        _wait_for(lambda: "enriching: 20/40 messages (" in buffer.getvalue())
        enriching.update(40)
    output = buffer.getvalue()
    assert "\x1b" not in output
    lines = output.splitlines()
    assert re.fullmatch(r"enriching: 40 messages in \d+ s \([\d.]+/s\)", lines[-1])
    with_eta = [line for line in lines if line.startswith("enriching: 20/40")]
    assert re.fullmatch(r"enriching: 20/40 messages \([\d.]+/s, ETA \d+ s\)", with_eta[0])
    assert all(re.fullmatch(r"enriching: \d+/40 messages( \(.+\))?", x) for x in lines[:-1])


def test_a_step_without_a_count_shows_the_time_and_no_summary_when_it_fails() -> None:
    console, buffer = _console(terminal=False)
    with step(console, "clustering topics", unit=None, interval=0.02):
        _wait_for(lambda: "clustering topics: 0 s elapsed" in buffer.getvalue())
    assert buffer.getvalue().splitlines()[-1] == "clustering topics: done in 0 s"

    console, buffer = _console(terminal=False)
    try:
        with step(console, "syncing", interval=60) as syncing:
            syncing.advance(3)
            raise ConnectionError
    except ConnectionError:
        pass
    assert buffer.getvalue() == ""


def test_on_a_terminal_a_step_is_a_live_bar_that_leaves_its_summary() -> None:
    console, buffer = _console(terminal=True)
    with step(console, "importing", total=12) as importing:
        importing.advance(12)
        time.sleep(0.3)  # the bar follows the count ten times a second
    output = buffer.getvalue()
    assert "\x1b[" in output  # drawn and erased in place
    assert "12/12 messages" in output
    assert re.search(r"\x1b\[2Kimporting: 12 messages in \d+ s\n$", output)  # bar erased


def test_durations_read_as_seconds_then_minutes() -> None:
    assert [duration(s) for s in (0.4, 8, 59.4, 60, 245, 3725)] == [
        "0 s",
        "8 s",
        "59 s",
        "1 min 00 s",
        "4 min 05 s",
        "62 min 05 s",
    ]
