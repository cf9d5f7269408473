"""The `leadlens` command line: one module per command group, registered here."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.admin import apikey_cli, mailbox_cli
from app.cli.db import db_cli
from app.cli.demo import demo_command
from app.cli.mail import import_command, rebuild_command, sync_command
from app.cli.oauth import mailbox_authorize
from app.cli.output import PlainCommand, quiet_libraries
from app.cli.serve import scheduler_command, serve, worker_command

__all__ = ["cli", "main"]

cli = typer.Typer(
    name="leadlens",
    help="Turn a sales team's mailboxes into explained customer profiles.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@cli.callback()
def options(
    ctx: typer.Context,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also show the libraries' own logs and progress bars (loading the sentence "
            "model, migrations, IMAP, HTTP, Celery).",
        ),
    ] = False,
) -> None:
    """Options of every command, given before it: `leadlens --verbose demo`."""
    if not verbose:
        quiet_libraries(celery=ctx.invoked_subcommand not in {"worker", "scheduler"})


cli.add_typer(db_cli, name="db")
cli.command("import", cls=PlainCommand)(import_command)
cli.command("rebuild")(rebuild_command)
cli.command("sync")(sync_command)
cli.command("serve")(serve)
cli.add_typer(apikey_cli, name="apikey")
mailbox_cli.command("authorize")(mailbox_authorize)
cli.add_typer(mailbox_cli, name="mailbox")
cli.command("demo")(demo_command)
cli.command("worker")(worker_command)
cli.command("scheduler")(scheduler_command)


def main() -> None:
    """Entry point of the `leadlens` console script."""
    cli()
