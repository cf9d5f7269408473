"""The dashboard's pages under ``/ui``: sign-in, overview, funnel, customers, topics, mailboxes.

Every page needs a signed-in key (else a redirect to ``/ui/login``) and reads its data
through the same service functions as the JSON API, so both always show the same numbers.
Bad query values answer a page that says what is wrong (422), unknown ids a 404 page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from app.api.analytics.service import funnel_report
from app.api.customers import service as customers
from app.api.deps import get_sessions
from app.api.mailboxes.service import describe, list_mailboxes
from app.api.operations.service import pipeline_status
from app.api.pagination import MAX_LIMIT
from app.api.scoring.service import describe_model
from app.api.tags.schemas import TagRename, TagSummary
from app.api.tags.service import list_tags, rename_topic
from app.db.repositories.mailboxes import MailboxRepository
from app.errors import LeadlensError
from app.profiles.lookalike import NotEnoughOutcomesError
from app.ui import _params
from app.ui._customer import customer_context
from app.ui._funnel import conversion_heatmap, reach_chart, reached_chart
from app.ui._session import (
    FormTooLargeError,
    Viewer,
    carries_token,
    check_key,
    from_this_site,
    message_page,
    read_form,
    render,
    safe_next,
    sign_in,
    sign_out,
    to_login,
    viewer_of,
)

router = APIRouter(prefix="/ui", include_in_schema=False)
_CSS = (Path(__file__).parent / "static" / "style.css").read_bytes()
OVERVIEW_WINDOW_DAYS = 90


async def _form(request: Request) -> Mapping[str, str] | None:
    """The posted form's fields; None when it is too large."""
    try:
        return await read_form(request)
    except FormTooLargeError:
        return None


Form = Annotated[Mapping[str, str] | None, Depends(_form)]


@router.get("/style.css")
def stylesheet() -> Response:
    """The dashboard's one stylesheet (no sign-in needed: it holds no data)."""
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=300"})


@router.get("/login")
def login_form(target: Annotated[str | None, Query(alias="next")] = None) -> HTMLResponse:
    """The sign-in form: one field for an API key."""
    return render("login.html", viewer=None, next=safe_next(target), error=None)


def _refused_form(viewer: Viewer | None) -> HTMLResponse:
    """The 403 page of a form another site posted (or one without this session's token)."""
    return message_page(
        viewer,
        403,
        "Form refused",
        "This form did not come from a page of this dashboard: reload the page and send it again.",
    )


@router.post("/login", response_model=None)
def login(request: Request, form: Form) -> Response:
    """Check the key with the API's own code; on success set the cookie and go on. A form
    another site posted is refused (403)."""
    if not from_this_site(request):
        return _refused_form(None)
    fields = form or {}
    target = safe_next(fields.get("next"))
    key = fields.get("key", "").strip()
    viewer = check_key(request, key) if key else None
    if viewer is None:
        error = (
            "That form is too large."
            if form is None
            else "That key is unknown or revoked. Paste a key made with leadlens apikey create."
        )
        return render("login.html", viewer=None, next=target, error=error, http_status=401)
    return sign_in(RedirectResponse(target, status_code=303), request, key)


@router.post("/logout", response_model=None)
def logout(request: Request, form: Form) -> Response:
    """Forget the key: delete the cookie and go back to the sign-in form. A form without the
    session's token, or from another site, is refused (403) and the session goes on."""
    viewer = viewer_of(request)
    if viewer is not None and not (from_this_site(request) and carries_token(form, viewer)):
        return _refused_form(viewer)
    return sign_out(RedirectResponse("/ui/login", status_code=303))


@router.get("", response_model=None)
def overview(request: Request) -> Response:
    """Pipeline counts, the lookalike model, the funnel summary and the cohort chart."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    sessions = get_sessions(request)
    with sessions() as session:
        status = pipeline_status(session)
        try:
            model = describe_model(session)
        except NotEnoughOutcomesError:
            model = None
        funnel = funnel_report(
            session, start=None, end=None, group_by=None, window_days=OVERVIEW_WINDOW_DAYS
        )
    return render(
        "overview.html",
        viewer=viewer,
        active="overview",
        status=status,
        model=model,
        funnel=funnel,
        window_days=OVERVIEW_WINDOW_DAYS,
        reached_svg=reached_chart(
            funnel.stages, title=f"Customers per stage ({OVERVIEW_WINDOW_DAYS}-day window)"
        ),
        cohort_svg=reach_chart(funnel.cohorts, title="How far each month's new customers got"),
    )


@router.get("/funnel", response_model=None)
def funnel_page(request: Request) -> Response:
    """Customers per stage, conversion and cycle times, per group and per cohort."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    try:
        query = _params.funnel_query(request.query_params)
    except _params.BadParameterError as exc:
        return message_page(viewer, 422, "Bad funnel parameters", str(exc), active="funnel")
    with get_sessions(request)() as session:
        try:
            funnel = funnel_report(
                session,
                start=query.start,
                end=query.end,
                group_by=query.group_by,
                window_days=query.window_days,
            )
        except LeadlensError as exc:
            return message_page(
                viewer, exc.status_code, "Bad funnel parameters", exc.detail, active="funnel"
            )
    title = f"Customers per stage ({query.window_days}-day window)"
    return render(
        "funnel.html",
        viewer=viewer,
        active="funnel",
        query=query,
        group_bys=_params.GROUP_BYS,
        funnel=funnel,
        reached_svg=reached_chart(funnel.stages, title=title),
        cohort_svg=conversion_heatmap(
            funnel.cohorts, title="Conversion per stage by month of first contact"
        ),
    )


def _all_tags(request: Request, kind: Literal["interest"] | None) -> list[TagSummary]:
    tags: list[TagSummary] = []
    cursor: str | None = None
    with get_sessions(request)() as session:
        while True:
            page, cursor = list_tags(session, kind, MAX_LIMIT, cursor)
            tags.extend(page)
            if cursor is None:
                return tags


@router.get("/customers", response_model=None)
def customers_page(request: Request) -> Response:
    """The customers table: filters, sort (lookalike first), pages by cursor."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    try:
        query = _params.customer_query(request.query_params)
    except _params.BadParameterError as exc:
        return message_page(viewer, 422, "Bad filter", str(exc), active="customers")
    with get_sessions(request)() as session:
        try:
            items, next_cursor = customers.list_customers(
                session, query.where, query.sort, query.limit, query.cursor
            )
        except LeadlensError as exc:
            return message_page(
                viewer, exc.status_code, "Bad filter", exc.detail, active="customers"
            )
    tags = _all_tags(request, None)
    unknown_tag = query.where.tag is not None and all(t.id != query.where.tag for t in tags)
    return render(
        "customers.html",
        viewer=viewer,
        active="customers",
        query=query,
        items=items,
        next_cursor=next_cursor,
        tags=tags,
        unknown_tag=unknown_tag,
        stages=_params.STAGES,
        outcomes=_params.OUTCOMES,
        sorts=_params.SORTS,
    )


@router.get("/customers/{customer_id}", response_model=None)
def customer_page(request: Request, customer_id: str) -> Response:
    """One customer: tags with evidence, stage timeline, lookalike, contacts."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    with get_sessions(request)() as session:
        try:
            profile = customers.profile(session, customers.get_customer(session, customer_id))
        except LeadlensError as exc:
            return message_page(
                viewer, exc.status_code, "No such customer", exc.detail, active="customers"
            )
    return render("customer.html", viewer=viewer, active="customers", **customer_context(profile))


@router.get("/topics", response_model=None)
def topics_page(request: Request, renamed: str | None = None) -> Response:
    """Interest topics: keywords, customers and messages, a rename form for write keys."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    return _topics(request, viewer, renamed=renamed)


def _topics(
    request: Request,
    viewer: Viewer,
    *,
    renamed: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    topics = sorted(_all_tags(request, "interest"), key=lambda t: int(t.id.partition(":")[2]))
    done = next((t for t in topics if t.id == renamed), None)
    return render(
        "topics.html",
        viewer=viewer,
        active="topics",
        topics=topics,
        renamed=done,
        error=error,
        http_status=status,
    )


@router.post("/topics/{tag_id}/rename", response_model=None)
def rename(request: Request, tag_id: str, form: Form) -> Response:
    """Rename a topic (needs a write key); back to the topics page, which shows the result.
    A form without the session's token, or from another site, is refused (403)."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    if not (from_this_site(request) and carries_token(form, viewer)):
        return _refused_form(viewer)
    if not viewer.can("write"):
        detail = f"Renaming a topic needs a key with scope write; this key has {viewer.scope}."
        return _topics(request, viewer, error=detail, status=403)
    try:
        body = TagRename(name=(form or {}).get("name", ""))
    except ValidationError:
        detail = "A topic's name must be 1 to 200 characters long."
        return _topics(request, viewer, error=detail, status=422)
    try:
        with get_sessions(request).begin() as session:
            renamed = rename_topic(session, tag_id, body.name)
    except LeadlensError as exc:
        return _topics(request, viewer, error=exc.detail, status=exc.status_code)
    return RedirectResponse(f"/ui/topics?renamed={renamed.id}", status_code=303)


@router.get("/mailboxes", response_model=None)
def mailboxes_page(request: Request) -> Response:
    """Mailbox health (admin keys only): state, last sync, errors, counts per folder."""
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can("admin"):
        detail = f"Mailbox health needs an admin key; this key has scope {viewer.scope}."
        return message_page(viewer, 403, "Needs an admin key", detail, active="mailboxes")
    imap = []
    cursor: str | None = None
    with get_sessions(request)() as session:
        while True:
            page = list_mailboxes(session, MAX_LIMIT, cursor)
            imap.extend(page.items)
            if (cursor := page.next_cursor) is None:
                break
        targets = [m for m in MailboxRepository(session).list() if m.kind == "import"]
        imported = list(zip(targets, describe(session, targets), strict=True))
        status = pipeline_status(session)
    return render(
        "mailboxes.html",
        viewer=viewer,
        active="mailboxes",
        imap=imap,
        imported=imported,
        status=status,
    )
