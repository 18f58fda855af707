"""Login and logout: web sessions (cookie + CSRF) and API bearer tokens."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from bmt.api.pages import page
from bmt.api.schemas._platform import TokenRequest, TokenResponse
from bmt.api.security import SESSION_COOKIE, forget_token, logged_in
from bmt.services import auth as auth_service

Form = URLEncodedBody[dict[str, str]]


def _safe_next(value: str | None) -> str:
    # Only local paths: never redirect a freshly logged-in teller to another site.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


class AuthPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/login")
    async def login_form(self, request: Request) -> Template:
        return page(request, "auth/login.html", next=request.query_params.get("next", "/"), errors={})

    @post("/login", status_code=200)
    async def login(self, request: Request, data: Form) -> Response[Any]:
        username, password = data.get("username", ""), data.get("password", "")
        nxt = _safe_next(data.get("next"))
        if not username or not password:
            return page(request, "auth/login.html", status=400, next=nxt, username=username, errors={"_": "Isi nama pengguna dan kata sandi."})
        settings = request.app.state.settings
        async with request.app.state.uow() as uow:
            try:
                token, actor = await auth_service.login(uow, username, password, kind="web", hours=settings.session_hours)
            except auth_service.LoginFailed as exc:
                return page(request, "auth/login.html", status=401, next=nxt, username=username, errors={"_": exc.message})
        if not token:
            return page(request, "auth/login.html", status=401, next=nxt, username=username, errors={"_": "Nama pengguna atau kata sandi salah."})
        if actor.role == "member" and nxt == "/":
            nxt = "/"
        resp = Redirect(nxt)
        resp.cookies.append(Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", secure=settings.secure_cookies, max_age=settings.session_hours * 3600, path="/"))
        return resp

    @post("/logout", guards=[logged_in])
    async def logout(self, request: Request) -> Redirect:
        token = request.scope.get("state", {}).get("auth_token")
        if token:
            forget_token(token)
            async with request.app.state.uow() as uow:
                await auth_service.logout(uow, token)
        resp = Redirect("/login")
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp


class AuthApi(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/token", status_code=200)
    async def token(self, request: Request, data: JSONBody[TokenRequest]) -> TokenResponse:
        """Exchange a username and password for a bearer token (API clients)."""
        settings = request.app.state.settings
        async with request.app.state.uow() as uow:
            token, actor = await auth_service.login(uow, data.username, data.password, kind="api", hours=settings.api_token_days * 24)
        if not token:
            raise auth_service.LoginFailed("nama pengguna atau kata sandi salah / wrong username or password")
        return TokenResponse(access_token=token, token_type="bearer", role=actor.role, expires_in_hours=settings.api_token_days * 24)

    @delete("/token", guards=[logged_in], status_code=204)
    async def revoke(self, request: Request) -> None:
        """Revoke the bearer token of this request."""
        token = request.scope.get("state", {}).get("auth_token")
        forget_token(token)
        async with request.app.state.uow() as uow:
            await auth_service.logout(uow, token)
