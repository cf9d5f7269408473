"""`leadlens demo`: fill the store with a fictional exporter's mail, profile it, serve it.

The mail reaches the store the way real mail does when dovecot is installed: a private
dovecot (its maildirs beside the SQLite database) serves each rep's INBOX and Sent folder,
and one IMAP mailbox per rep is synced from it; dovecot runs as long as the command does.
Without dovecot, or with ``--via import``, the mail is imported from mbox files instead.
"""

from __future__ import annotations

import imaplib
import secrets
import shlex
from collections import Counter
from contextlib import ExitStack
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from app.api.mailboxes.schemas import MailboxCreate, MailboxUpdate
from app.api.mailboxes.service import create_mailbox, update_mailbox
from app.apikeys import create_api_key
from app.cli.support import (
    HostOption,
    PortOption,
    check_port,
    enrich_and_profile,
    err,
    exit_on_signals,
    fail,
    load_settings,
    progress,
    serve_forever,
    sync_once,
)
from app.db.migrations import upgrade
from app.db.repositories.customer_views import CustomerFilter, CustomerViewRepository
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.lookalike import LookalikeRepository
from app.db.repositories.mailboxes import MailboxRepository
from app.db.repositories.pipeline_state import DEMO_NOW, PipelineStateRepository
from app.db.repositories.profiles import ProfileRepository
from app.db.session import create_db_engine, session_factory
from app.db.types import utcnow
from app.demo import DemoCorpus, generate, write_mboxes
from app.demo.imap_server import HOST, DemoImapServer, DovecotError, find_dovecot
from app.errors import LeadlensError
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner

MAIL_FOLDER = "leadlens-demo-imap"
"""The folder beside the SQLite database (else in the working directory) of dovecot's mail."""
_INSTALL = "apt-get install dovecot-imapd"
_HEADERS = BytesHeaderParser()
_LEAD_TEXT = (
    "Hello, we met at your booth at Light+Building. We are a distributor of lighting "
    "products in Germany and need 2000 pcs LED panel 600x600 40W with CE and RoHS, "
    "price FOB Ningbo please."
)


class Via(StrEnum):
    """How the demo's mail reaches the store: IMAP when dovecot is installed, or import."""

    AUTO = "auto"
    IMAP = "imap"
    IMPORT = "import"


def _demo_now(sessions: sessionmaker[Session]) -> datetime:
    with sessions.begin() as session:
        state = PipelineStateRepository(session)
        stored = state.state(DEMO_NOW)
        if stored is not None:
            return datetime.fromisoformat(stored)
        now = utcnow().replace(second=0, microsecond=0)
        state.set_state(DEMO_NOW, now.isoformat())
        return now


def _import(settings: Settings, sessions: sessionmaker[Session], corpus: DemoCorpus) -> int:
    """Import every rep's mailbox; returns how many messages were new."""
    imported = 0
    total = sum(len(messages) for messages in corpus.mail.values())
    with TemporaryDirectory(prefix="leadlens-demo-") as folder:
        paths = write_mboxes(corpus, Path(folder))
        with (
            progress("importing", total) as importing,
            Preparer(settings.resolved_parse_workers()) as prep,
        ):
            for rep, path in paths.items():
                with sessions.begin() as session:
                    target = import_target(session, rep, [corpus.own_domain])
                result = import_path(
                    sessions,
                    target.id,
                    path,
                    settings.import_batch_size,
                    prep,
                    on_progress=importing.advance,
                    max_message_bytes=settings.max_message_bytes,
                )
                imported += result.imported
    return imported


def _route(
    via: Via, binary: str | None, sessions: sessionmaker[Session], corpus: DemoCorpus
) -> Via:
    """IMAP or IMPORT: as asked, else as the store's demo mail came before, else IMAP when
    dovecot is installed. Refuses to bring the same mail in both ways (it would count twice)."""
    with sessions() as session:
        boxes = MailboxRepository(session)
        imported = any(
            box is not None and box.kind == "import" for box in map(boxes.get_by_name, corpus.reps)
        )
        synced = any(boxes.get_by_name(f"{rep}@{HOST}") is not None for rep in corpus.reps)
    if via is Via.IMPORT and synced:
        raise fail("this store's demo mail came over IMAP: leave out --via, or use a new database")
    if via is Via.IMAP and imported:
        raise fail("this store's demo mail was imported: use --via import, or a new database")
    if via is Via.IMPORT or imported:
        return Via.IMPORT
    if binary is None:
        if synced:
            raise fail(f"this store's demo mail comes over IMAP: install dovecot ({_INSTALL})")
        err.print(f"dovecot is not installed ({_INSTALL}): importing the mail", highlight=False)
        return Via.IMPORT
    return Via.IMAP


def _fill(server: DemoImapServer, corpus: DemoCorpus, total: int) -> int:
    """Append each rep's inbound mail to INBOX and sent mail to Sent, what is not there yet."""
    appended = 0
    with progress("storing in dovecot", total) as storing:
        for rep in corpus.reps:
            folders: dict[str, list[bytes]] = {"INBOX": [], "Sent": []}
            for raw in corpus.mail[rep]:
                folders["Sent" if _sender(raw) == rep else "INBOX"].append(raw)
            for folder, mail in folders.items():
                added = server.append_missing(
                    rep, folder, mail, flags=("\\Seen",), on_progress=storing.advance
                )
                storing.advance(len(mail) - added)
                appended += added
    return appended


def _sender(raw: bytes) -> str:
    return parseaddr(str(_HEADERS.parsebytes(raw)["From"] or ""))[1].lower()


def _mailboxes(
    settings: Settings, sessions: sessionmaker[Session], server: DemoImapServer, own: list[str]
) -> list[str]:
    """One IMAP mailbox per account of ``server`` (created, or pointed at it with the new
    password), through the service the API uses; their ids."""
    box = SecretBox.from_settings(settings)
    ids = []
    with sessions.begin() as session:
        for rep, password in server.passwords.items():
            found = MailboxRepository(session).get_by_name(f"{rep}@{server.host}")
            if found is None:
                data = MailboxCreate.model_validate(
                    {"host": server.host, "port": server.port, "security": "none",
                     "username": rep, "password": password, "own_domains": own}
                )  # fmt: skip
                ids.append(create_mailbox(session, box, data).id)
                continue
            found.host, found.port, found.security = server.host, server.port, "none"
            change = MailboxUpdate.model_validate({"password": password, "own_domains": own})
            ids.append(update_mailbox(session, box, found.id, change)[0].id)
    return ids


def _sync(settings: Settings, sessions: sessionmaker[Session], ids: list[str], total: int) -> int:
    """Sync the mailboxes once with the sync runner; returns how many messages were new."""
    runner = SyncRunner(settings, sessions, SecretBox.from_settings(settings))
    try:
        results = sync_once(runner, ids, expected=total)
    finally:
        runner.stop()
    for result in results:
        if result.error is not None:
            raise fail(f"syncing {result.name} failed: {result.error}")
    return sum(result.stored.imported for result in results)


def _over_imap(
    settings: Settings,
    sessions: sessionmaker[Session],
    corpus: DemoCorpus,
    binary: str,
    stack: ExitStack,
) -> int:
    """Serve the corpus from a private dovecot, running until ``stack`` closes, and sync
    it; returns how many messages were new."""
    database = settings.sqlite_path()
    root = (database.parent if database is not None else Path()).absolute() / MAIL_FOLDER
    total = sum(len(mail) for mail in corpus.mail.values())
    passwords = {rep: secrets.token_urlsafe(18) for rep in corpus.reps}
    try:
        server = stack.enter_context(DemoImapServer(binary, root, passwords))
        appended = _fill(server, corpus, total)
    except (DovecotError, imaplib.IMAP4.error, OSError) as exc:
        raise fail(f"the demo's dovecot failed: {exc}") from None
    where = f"on {server.host}:{server.port} ({appended} messages added to {root})"
    err.print(f"dovecot serves the demo mail {where}", highlight=False, soft_wrap=True)
    ids = _mailboxes(settings, sessions, server, [corpus.own_domain])
    return _sync(settings, sessions, ids, total)


def _summary(sessions: sessionmaker[Session]) -> tuple[str, str | None]:
    """A line about what the store now holds, and the id of the best-scored open lead."""
    with sessions() as session:
        outcomes = Counter(ProfileRepository(session).outcomes().values())
        topics = len(EnrichmentRepository(session).topics(interests_only=True))
        model = LookalikeRepository(session).current()
        best = CustomerViewRepository(session).page(
            CustomerFilter(outcome="open"), "lookalike", 1, None
        )
    auc = ""
    if model is not None and model.cv_auc is not None:
        auc = f", cross-validated AUC {model.cv_auc:.2f}"
    line = (
        f"{sum(outcomes.values())} customers ({outcomes['won']} won, {outcomes['lost']} lost, "
        f"{outcomes['open']} open), {topics} interest topics, lookalike model "
        f"{'none' if model is None else model.version}{auc}"
    )
    return line, best[0].id if best else None


def _examples(settings: Settings, key: str, lead_id: str | None) -> list[str]:
    base = f"http://{settings.host}:{settings.port}"
    auth = shlex.quote(f"Authorization: Bearer {key}")
    body = shlex.quote(f'{{"texts": ["{_LEAD_TEXT}"]}}')
    return [
        f"curl -s -H {auth} '{base}/v1/customers?outcome=open&sort=lookalike&limit=5'",
        f"curl -s -H {auth} {base}/v1/customers/{lead_id or '<customer id>'}",
        f"curl -s -H {auth} -H 'Content-Type: application/json' -d {body} {base}/v1/lookalike",
    ]


def demo_command(
    customers: Annotated[
        int,
        typer.Option(min=20, max=5000, metavar="N", help="How many customers the exporter has."),
    ] = 300,
    seed: Annotated[int, typer.Option(metavar="N", help="Seed of the generated mail.")] = 7,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API when done.")
    ] = True,
    host: HostOption = None,
    port: PortOption = None,
    via: Annotated[
        Via,
        typer.Option(
            metavar="[auto|imap|import]",
            help="imap: from a local dovecot; import: from files; auto: imap if any.",
        ),
    ] = Via.AUTO,
) -> None:
    """Fill the store with a fictional exporter's mail, and serve it.

    The mail of an LED exporter (four reps, hundreds of customers) comes in through a
    local dovecot when one is installed, otherwise by import. It is enriched and profiled,
    the lookalike model is trained, and an admin API key and three example requests are
    printed; then the API and the dashboard are served. A few minutes on two cores, each
    step showing its progress. Running it again adds nothing new."""
    settings = load_settings()
    if host is not None or port is not None:
        settings = settings.model_copy(
            update={"host": host or settings.host, "port": port or settings.port}
        )
    if serve:
        check_port(settings.host, settings.port)
    binary = find_dovecot()
    if via is Via.IMAP and binary is None:
        raise fail(f"--via imap needs dovecot: {_INSTALL}")
    with ExitStack() as stack:
        stack.enter_context(exit_on_signals())
        try:
            engine = create_db_engine(settings.database_url)
            SecretBox.from_settings(settings).check()
            upgrade(engine)
            sessions = session_factory(engine)
            with progress(f"generating the mail of {customers} customers", unit=None):
                corpus = generate(customers, seed=seed, now=_demo_now(sessions))
            if _route(via, binary, sessions, corpus) is Via.IMAP and binary is not None:
                imported = _over_imap(settings, sessions, corpus, binary, stack)
            else:
                imported = _import(settings, sessions, corpus)
            err.print(f"imported {imported} new messages", highlight=False)
            runner = EnrichmentRunner(settings, sessions)
            enrich_and_profile(settings, sessions, runner.models)
            line, lead_id = _summary(sessions)
            with sessions.begin() as session:
                _, key = create_api_key(session, "admin", "leadlens demo")
        except LeadlensError as exc:
            raise fail(str(exc)) from None
        typer.echo(line)
        typer.echo(f"admin API key (shown once): {key}")
        for example in _examples(settings, key, lead_id):
            typer.echo(example)
        if serve:
            serve_forever(settings, sessions, runner)
