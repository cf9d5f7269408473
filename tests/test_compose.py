"""docker-compose.yml, checked without a Docker engine: every service command is a real
`leadlens` command with real options, and every LEADLENS_* setting it passes exists."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import typer
import yaml
from typer.core import TyperGroup

from app.cli import cli
from app.settings import Settings
from app.workers.celery_app import QUEUES
from tests.conftest import REPO_ROOT

LEADLENS_SERVICES = ("api", "worker", "scheduler")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return loaded


def _commands(service: dict[str, Any]) -> list[list[str]]:
    command = service["command"]
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [list(command)]


def _parse(args: list[str]) -> Any:
    """Parse ``args`` (after `leadlens`) as the CLI would, down to the leaf command's
    context; a wrong command or option raises the CLI's usage error."""
    command: Any = typer.main.get_command(cli)
    context = command.make_context("leadlens", list(args))
    while isinstance(command, TyperGroup):
        name, sub, rest = command.resolve_command(context, context._protected_args + context.args)
        assert sub is not None and name is not None
        command, context = sub, sub.make_context(name, rest, parent=context)
    return context


def _usage_error(args: list[str], match: str) -> None:
    with pytest.raises(Exception, match=match) as raised:
        _parse(args)
    assert raised.typename in {"NoSuchOption", "UsageError"}, raised


def test_the_stack_has_postgres_with_pgvector_redis_and_the_three_leadlens_services() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "redis", *LEADLENS_SERVICES}
    assert "pgvector" in services["db"]["image"]
    assert services["redis"]["image"].startswith("redis")
    for name in LEADLENS_SERVICES:
        assert services[name]["build"] == "."
    assert (REPO_ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("name", LEADLENS_SERVICES)
def test_each_service_runs_real_leadlens_commands(name: str) -> None:
    service = _compose()["services"][name]
    commands = _commands(service)
    assert commands[-1][0] == "leadlens"
    for command in commands:
        assert command[0] == "leadlens", command
        context = _parse(command[1:])
        assert context.command.name is not None
        queues = context.params.get("queues")
        if queues is not None:
            assert set(queues.split(",")) <= set(QUEUES)


@pytest.mark.parametrize("name", LEADLENS_SERVICES)
def test_each_setting_a_service_passes_exists(name: str) -> None:
    environment = _compose()["services"][name]["environment"]
    fields = set(Settings.model_fields)
    for key in environment:
        assert key.startswith("LEADLENS_"), key
        assert key.removeprefix("LEADLENS_").lower() in fields, key
    assert {"LEADLENS_DATABASE_URL", "LEADLENS_BROKER_URL", "LEADLENS_SECRET_KEY"} <= set(
        environment
    )


def test_the_parser_refuses_what_is_not_a_command_or_an_option() -> None:
    _usage_error(["worker", "--no-such-option"], "--no-such-option")
    _usage_error(["no-such-command"], "no-such-command")
    assert _parse(["db", "upgrade"]).command.name == "upgrade"
    assert _parse(["worker", "--pool", "solo"]).params["pool"] == "solo"
