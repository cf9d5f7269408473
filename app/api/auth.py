"""Bearer API keys on every endpoint but ``/healthz``: :func:`require_scope` declares the
scope a route needs, :class:`GuardedRoute` checks it before anything of the request is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from app.api.deps import get_sessions
from app.apikeys import SCOPES, Scope, authenticate, scope_allows
from app.db.tables import ApiKey
from app.errors import ForbiddenError, InvalidRequestError, UnauthorizedError

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key made with `leadlens apikey create --scope read|write|admin`.",
)


class ScopeRequired:
    """The dependency made by :func:`require_scope`: it carries the ``scope`` a route needs
    (read by :func:`required_scope`) and declares the bearer key in the OpenAPI document."""

    def __init__(self, scope: Scope) -> None:
        """Admit keys of ``scope`` or a larger one."""
        self.scope = scope

    def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        """This request's key, checked (see :func:`admit`)."""
        return admit(request, None if credentials is None else credentials.credentials, self.scope)


def require_scope(scope: Scope) -> ScopeRequired:
    """A dependency that admits requests with a live key of ``scope`` or a larger one.

    No ``Authorization: Bearer <key>`` header, a malformed one, or an unknown or revoked key
    is ``401 unauthorized`` (with ``WWW-Authenticate: Bearer``); a key whose scope is too
    small is ``403 forbidden``. The dependency returns the key.
    """
    return ScopeRequired(scope)


def admit(request: Request, key: str | None, scope: Scope) -> ApiKey:
    """The live key ``key`` when its scope covers ``scope``; raises UnauthorizedError (no,
    unknown or revoked key) or ForbiddenError (too small a scope)."""
    if key is None:
        raise UnauthorizedError(
            "this endpoint needs an API key: send `Authorization: Bearer <key>`"
        )
    with get_sessions(request).begin() as session:
        api_key = authenticate(session, key)
    if api_key is None:
        raise UnauthorizedError("the API key is unknown or revoked", invalid_token=True)
    if not scope_allows(api_key.scope, scope):
        raise ForbiddenError(
            f"this endpoint needs a key with scope {scope!r}; this key has {api_key.scope!r}",
            needed_scope=scope,
        )
    return api_key


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _dependants(dependency)


def required_scope(dependant: Dependant) -> Scope | None:
    """The scope a route with this dependency tree needs (the largest its
    :func:`require_scope` dependencies name), or None when it needs no key."""
    needed = [d.call.scope for d in _dependants(dependant) if isinstance(d.call, ScopeRequired)]
    return max(needed, key=SCOPES.index) if needed else None


class GuardedRoute(APIRoute):
    """An API route that refuses a request before FastAPI reads its body: first the API key
    (401, 403: see :func:`require_scope`), then query parameters the route does not take or
    that are given twice (422 ``invalid_request``: every query parameter of the API takes one
    value, and a misspelt filter must not silently list everything)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, behind the key and query checks."""
        handler = super().get_route_handler()
        scope = required_scope(self.dependant)
        taken = {
            field.alias
            for dependant in _dependants(self.dependant)
            for field in dependant.query_params
        }

        async def guarded(request: Request) -> Response:
            if scope is not None:
                credentials = await _bearer(request)
                key = None if credentials is None else credentials.credentials
                await run_in_threadpool(admit, request, key, scope)
            _check_query(request, taken)
            return await handler(request)

        return guarded


def _check_query(request: Request, taken: set[str]) -> None:
    names = [name for name, _ in request.query_params.multi_items()]
    unknown = sorted(set(names) - taken)
    if unknown:
        accepted = ", ".join(sorted(taken)) or "none"
        raise InvalidRequestError(
            f"unknown query parameter {', '.join(map(repr, unknown))}; this endpoint takes: "
            f"{accepted}"
        )
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise InvalidRequestError(
            f"query parameter {', '.join(map(repr, repeated))} given more than once"
        )
