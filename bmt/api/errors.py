"""Errors to responses: RFC 9457 problem details for JSON, the form re-rendered with a message for HTML.

No stack trace ever reaches a user: unexpected exceptions become a plain 500 problem (logged server-side).
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from bmt.errors import DomainError

log = logging.getLogger("bmt.api")

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str | None = None, *, type_: str = "about:blank", **extra: Any) -> Response:
    """A problem-details response."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON)


def wants_html(request: Request) -> bool:
    """True for browser form posts (not /api, and HTML accepted)."""
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or request.headers.get("hx-request") == "true"


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    """Map a domain refusal to a problem (JSON) — HTML handlers catch DomainError themselves to re-render."""
    extra = {k: (str(v) if not isinstance(v, (int, str, float, bool, list, dict)) else v) for k, v in exc.extra.items()}
    return problem(
        exc.status,
        exc.message,
        type_=f"https://bmt.local/problems/{exc.code}",
        code=exc.code,
        field=exc.field,
        **extra,
    )


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    """Litestar's own errors (404, 401, 403, 405, 429, validation) as problem details."""
    detail = exc.detail
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
    title = detail if isinstance(detail, str) and detail else "Error"
    headers = getattr(exc, "headers", None)
    resp = problem(exc.status_code, title, **extra)
    if headers:
        resp.headers.update(headers)
    return resp


def internal_error_handler(request: Request, exc: Exception) -> Response:
    """Anything unexpected: log it with its trace, tell the user only that it failed."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if isinstance(exc, msgspec.ValidationError):
        return problem(400, str(exc))
    return problem(500, "Terjadi kesalahan internal / internal error")


def exception_handlers() -> dict[Any, Any]:
    """The handlers the app (and controller tests) install."""
    return {
        DomainError: domain_error_handler,
        HTTPException: http_exception_handler,
        500: internal_error_handler,
        Exception: internal_error_handler,
    }


__all__ = ["PROBLEM_JSON", "exception_handlers", "problem", "wants_html", "MediaType"]
