"""PDF documents: render the Jinja template to HTML here, then hand only the string to the PDF process pool."""

from __future__ import annotations

from typing import Any

from litestar import Request

from bmt.reports.pdf import render_pdf_async


def render_html(request: Request, template: str, **context: Any) -> str:
    return request.app.template_engine.get_template(template).render(**context)


async def render(request: Request, template: str, **context: Any) -> bytes:
    """A PDF of ``template`` rendered with ``context`` (same HTML as the screen, print stylesheet)."""
    return await render_pdf_async(render_html(request, template, **context), base_url=None)
