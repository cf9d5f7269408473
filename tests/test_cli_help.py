"""`leadlens … --help` reads well at 80 columns: plain flags, metavars a user types
(``PATH``, ``ID``, ``N``), no type placeholders, and one-line command summaries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from app.cli import cli

PLACEHOLDER = re.compile(r"<(bool|int|str|path|float|list)\b|<\w+\||\{\w+\}|list\[")


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


COMMANDS = list(_command_paths(typer.main.get_command(cli)))


def _help(*path: str) -> str:
    # --verbose: the callback then leaves this process's logging as it is
    result = CliRunner().invoke(cli, ["--verbose", *path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "leadlens")
def test_help_has_no_type_placeholders_and_fits_80_columns(path: tuple[str, ...]) -> None:
    text = _help(*path)
    assert not PLACEHOLDER.search(text), text
    assert max(len(line) for line in text.splitlines()) <= 80, text
    assert "Show this message and exit." in text


def test_arguments_and_flags_read_as_typed() -> None:
    assert "Usage: leadlens import [OPTIONS] PATH\n" in _help("import")
    assert "Usage: leadlens mailbox remove [OPTIONS] ID\n" in _help("mailbox", "remove")
    assert "Usage: leadlens apikey revoke [OPTIONS] ID\n" in _help("apikey", "revoke")
    add = _help("mailbox", "add")
    assert re.search(r"^  --password-stdin {2,}Read the password", add, re.MULTILINE), add
    assert re.search(r"^  --port N {2,}IMAP port", add, re.MULTILINE), add
    assert re.search(r"^  --customers N {2,}How many", _help("demo"), re.MULTILINE)


def test_every_command_is_summed_up_in_one_whole_line() -> None:
    text = _help()
    commands = text.split("\nCommands:\n")[1].splitlines()
    top = [path[0] for path in COMMANDS if len(path) == 1]
    assert [line.split()[0] for line in commands] == top
    assert all(line.endswith(".") and not line.endswith("...") for line in commands), text
    assert re.search(r"^  -v, --verbose {2,}Also show the libraries' own logs", text, re.MULTILINE)
    demo = _help("demo")
    assert "\n  Fill the store with a fictional exporter's mail, and serve it.\n\n" in demo
