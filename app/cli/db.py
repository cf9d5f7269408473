"""`leadlens db ...`: the database schema."""

from __future__ import annotations

import typer

from app.cli.support import (
    fail,
    load_settings,
)
from app.db.migrations import current_revision, head_revision, upgrade
from app.db.session import create_db_engine
from app.errors import LeadlensError

db_cli = typer.Typer(
    help="Manage the database schema.", no_args_is_help=True, rich_markup_mode=None
)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database (LEADLENS_DATABASE_URL) to this version's schema."""
    settings = load_settings()
    try:
        engine = create_db_engine(settings.database_url)
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    before = current_revision(engine)
    upgrade(engine)
    after = head_revision()
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    typer.echo(f"database {state} revision {after}")
