"""The Litestar application: JSON API under /api/v1 (OpenAPI at /schema) and web pages in Bahasa Indonesia."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.logging.config import LoggingConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy import select

from bmt.api import errors as api_errors
from bmt.api.controllers import ROUTES
from bmt.api.controllers._maal import provide_nisab_table
from bmt.api.security import AuthMiddleware
from bmt.config import Settings
from bmt.errors import DomainError
from bmt.persistence.db import make_engine, make_sessionmaker
from bmt.persistence.models import Cooperative
from bmt.reports.jinja import STATIC_DIR, TEMPLATE_DIR, register_filters
from bmt.services.uow import UnitOfWorkFactory

log = logging.getLogger("bmt")


async def _is_login_attempt(request: Request) -> bool:
    # Async on purpose: Litestar runs a plain function in a worker thread, on every request.
    return request.method == "POST" and request.scope["path"] in ("/login", "/api/v1/auth/token")


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/schema", "/static"))


def _html_error(request: Request, status: int, title: str, detail: str = "") -> Response:
    from bmt.api.pages import page

    return page(request, "error.html", status=status, title=title, detail=detail)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    if _is_page(request):
        if isinstance(exc, NotAuthorizedException):
            return Redirect(f"/login?next={request.url.path}")
        if exc.status_code == 403 and "CSRF" in str(exc.detail):
            return _html_error(request, 403, "Formulir kedaluwarsa", "Muat ulang halaman lalu kirim lagi. (CSRF)")
        if isinstance(exc, PermissionDeniedException):
            return _html_error(request, 403, "Akses ditolak", str(exc.detail))
        if isinstance(exc, NotFoundException):
            return _html_error(request, 404, "Halaman tidak ditemukan")
    return api_errors.http_exception_handler(request, exc)


def domain_exception_handler(request: Request, exc: DomainError) -> Response:
    if _is_page(request):
        return _html_error(request, exc.status, exc.message)
    return api_errors.domain_error_handler(request, exc)


def internal_handler(request: Request, exc: Exception) -> Response:
    if _is_page(request):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _html_error(request, 500, "Terjadi kesalahan", "Kesalahan internal; tidak ada yang tersimpan.")
    return api_errors.internal_error_handler(request, exc)


def create_app(settings: Settings | None = None, *, today: date | None = None, debug: bool = False) -> Litestar:
    """Build the app. ``today`` pins the business date (tests, demo); otherwise the clock's date is used."""
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url, **({} if settings.database_url.startswith("sqlite") else {"pool_size": settings.db_pool_size, "max_overflow": 0, "pool_timeout": 30}))
    uow = UnitOfWorkFactory(make_sessionmaker(engine), settings.audit_key, today)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> Any:
        async with uow() as u:
            app.state.coop_names = {c.id: c.name for c in (await u.session.execute(select(Cooperative))).scalars()}
        try:
            yield
        finally:
            await engine.dispose()

    templates = TemplateConfig(directory=TEMPLATE_DIR, engine=JinjaTemplateEngine, engine_callback=lambda e: register_filters(e.engine))
    csrf = CSRFConfig(secret=settings.secret_key, exclude=[r"^/api/"], cookie_samesite="lax", cookie_secure=settings.secure_cookies, cookie_httponly=False)
    # Per-IP limit on the login doors only; the per-username lockout lives in the database (services.auth).
    rate_limit = RateLimitConfig(rate_limit=("minute", 30), check_throttle_handler=_is_login_attempt)
    app = Litestar(
        route_handlers=[*ROUTES, create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False)],
        middleware=[AuthMiddleware(), rate_limit.middleware],
        # The zakat calculators' income nisab: shipped BAZNAS years plus those an admin added (in the database).
        dependencies={"nisab_table": Provide(provide_nisab_table)},
        csrf_config=csrf,
        template_config=templates,
        plugins=[HTMXPlugin()],
        exception_handlers={
            DomainError: domain_exception_handler,
            HTTPException: http_exception_handler,
            Exception: internal_handler,
        },
        openapi_config=OpenAPIConfig(title="bmt API", version="0.1.0", path="/schema", render_plugins=[ScalarRenderPlugin()]),
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=False),
        lifespan=[lifespan],
        debug=debug,
    )
    app.state.uow = uow
    app.state.settings = settings
    app.state.engine = engine
    app.state.coop_names = {}
    return app


__all__ = ["create_app", "Template"]
