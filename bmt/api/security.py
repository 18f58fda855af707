"""Who is calling: a web session cookie (pages) or a bearer token (/api). Guards check role and cooperative.

The middleware resolves the caller once per request into ``scope["user"]`` (an ``Actor`` or None). Pages
with no user redirect to /login; API calls get 401 problem details. Permission checks name a permission of
``bmt.auth.roles``; cooperative scoping happens in the services (every query filters by the actor's
cooperative), so another cooperative's rows simply do not exist for the caller.
"""

from __future__ import annotations

import time
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from bmt.auth.roles import can
from bmt.services import auth as auth_service
from bmt.services.uow import Actor

SESSION_COOKIE = "bmt_session"

# Resolved tokens are remembered briefly so a busy teller's requests do not each open a transaction just to
# learn who is calling. A logout clears the entry in this process at once; other workers forget within the TTL.
TOKEN_TTL_SECONDS = 10.0
_resolved: dict[tuple[str, str], tuple[float, Actor]] = {}


def forget_token(token: str) -> None:
    for kind in ("web", "api"):
        _resolved.pop((token, kind), None)


async def _resolve(scope: Scope, token: str, kind: str) -> Actor | None:
    now = time.monotonic()
    hit = _resolved.get((token, kind))
    if hit is not None and hit[0] > now:
        return hit[1]
    async with scope["app"].state.uow() as uow:
        actor = await auth_service.resolve(uow, token, kind)
    if actor is not None:
        if len(_resolved) > 10_000:
            _resolved.clear()
        _resolved[(token, kind)] = (now + TOKEN_TTL_SECONDS, actor)
    return actor


class AuthMiddleware(ASGIMiddleware):
    """Resolve the caller into ``scope["user"]``. API paths accept only bearer tokens (no cookies, so no CSRF)."""

    scopes = ("http",)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        path: str = scope.get("path", "")
        token, kind = None, "web"
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if path.startswith("/api/"):
            authz = headers.get("authorization", "")
            if authz.lower().startswith("bearer "):
                token, kind = authz[7:].strip(), "api"
        else:
            token = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
        if token:
            scope["user"] = await _resolve(scope, token, kind)
            scope.setdefault("state", {})["auth_token"] = token
        await next_app(scope, receive, send)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name and v:
            return v
    return None


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("silakan masuk / authentication required")
    return user


def requires(*permissions: str):  # noqa: ANN201 - returns a Litestar guard
    """A guard: the caller is logged in and holds at least one of ``permissions``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = current_actor(connection)
        if not any(can(actor.role, p) for p in permissions):
            raise PermissionDeniedException(f"peran {actor.role} tidak berwenang / role {actor.role} is not allowed here")

    return guard


def logged_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    current_actor(connection)


async def provide_actor(request: Any) -> Actor:
    """Dependency: the logged-in actor (guards have already refused anonymous callers)."""
    return current_actor(request)
