"""``/v1/tag`` (stateless tagging), ``/v1/tags`` (list), ``PATCH /v1/tags/{id}`` (rename)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Models, Sessions
from app.api.pagination import DEFAULT_LIMIT, Cursor, Limit
from app.api.responses import BODY_ERRORS, ERROR_RESPONSES, error_responses
from app.api.tags import service
from app.api.tags.schemas import TagPage, TagRename, TagRequest, TagResult, TagSummary

router = APIRouter(route_class=GuardedRoute, tags=["tags"], responses=ERROR_RESPONSES)


@router.post("/v1/tag", dependencies=[Depends(require_scope("read"))], responses=BODY_ERRORS)
def tag(body: TagRequest, sessions: Sessions, models: Models) -> TagResult:
    """Read one email (text or HTML): language, intent, valid inquiry, tags. Stores nothing."""
    with sessions() as session:
        return service.tag_email(session, models.embedder(), body.subject, body.body, body.sender)


@router.get("/v1/tags", dependencies=[Depends(require_scope("read"))])
def list_tags(
    sessions: Sessions,
    kind: Literal["interest", "trait"] | None = Query(default=None),
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> TagPage:
    """Interest tags (one per topic) and trait tags (one per trait value), by id."""
    with sessions() as session:
        items, next_cursor = service.list_tags(session, kind, limit, cursor)
    return TagPage(items=items, next_cursor=next_cursor)


@router.patch(
    "/v1/tags/{tag_id}",
    dependencies=[Depends(require_scope("write"))],
    responses={**BODY_ERRORS, **error_responses({409: "`tag_not_renamable`: a trait tag"})},
)
def rename_tag(tag_id: str, body: TagRename, sessions: Sessions) -> TagSummary:
    """Rename a topic; the name is kept when topics are re-clustered."""
    with sessions.begin() as session:
        return service.rename_topic(session, tag_id, body.name)
