"""Bearer API keys on every endpoint but ``/healthz``: :func:`require_scope`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import get_sessions
from app.apikeys import Scope, authenticate, scope_allows
from app.db.tables import ApiKey
from app.errors import ForbiddenError, UnauthorizedError

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key made with `leadlens apikey create --scope read|write|admin`.",
)


def require_scope(scope: Scope) -> Callable[..., ApiKey]:
    """A dependency that admits requests with a live key of ``scope`` or a larger one.

    No ``Authorization: Bearer <key>`` header, a malformed one, or an unknown or revoked key
    is ``401 unauthorized`` (with ``WWW-Authenticate: Bearer``); a key whose scope is too
    small is ``403 forbidden``. The dependency returns the key.
    """

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        if credentials is None:
            raise UnauthorizedError(
                "this endpoint needs an API key: send `Authorization: Bearer <key>`"
            )
        with get_sessions(request).begin() as session:
            api_key = authenticate(session, credentials.credentials)
        if api_key is None:
            raise UnauthorizedError("the API key is unknown or revoked", invalid_token=True)
        if not scope_allows(api_key.scope, scope):
            raise ForbiddenError(
                f"this endpoint needs a key with scope {scope!r}; this key has {api_key.scope!r}",
                needed_scope=scope,
            )
        return api_key

    return dependency
