"""``DELETE /v1/contacts/{email}``: erase a person (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from app.api.auth import GuardedRoute, require_scope
from app.api.contacts.service import erase_contact
from app.api.deps import Models, Sessions
from app.api.responses import ERROR_RESPONSES

router = APIRouter(
    route_class=GuardedRoute,
    tags=["privacy"],
    dependencies=[Depends(require_scope("admin"))],
    responses=ERROR_RESPONSES,
)


@router.delete("/v1/contacts/{email}", status_code=status.HTTP_204_NO_CONTENT)
def erase(email: str, request: Request, sessions: Sessions, models: Models) -> Response:
    """Erase that contact's messages, embeddings, evidence and profile data; nothing of
    them stays in the store."""
    erase_contact(
        sessions,
        models.lookalike,
        email,
        lost_after_days=request.app.state.settings.lost_after_days,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
