"""The one WeasyPrint adapter: an HTML string in, PDF bytes out.

Callers render the Jinja template to a string first (templates extend ``_pdf_base.html``, which inlines
``print.css``) and hand only that string here. Nothing is fetched from the network: resources may come
only from ``data:`` URLs or files inside ``STATIC_DIR`` (or the directory ``base_url`` names).

Why a process pool (stack.md §1): WeasyPrint holds the GIL for most of a render, so threads are slower than
serial and have a history of crashes; two processes rendered 24 statements in 2.8 s against 5.6 s serial.
``render_pdf_async`` therefore ships the string to a small ``ProcessPoolExecutor`` made lazily with the
``spawn`` context (forking a process that runs an event loop and database connections is unsafe).
``BMT_PDF_WORKERS`` (default 1) sizes it; ``BMT_PDF_INLINE=1`` renders in-process instead (tests).
Call ``shutdown_pdf_pool()`` when the app stops.

WeasyPrint is imported inside the functions, so the web process that only forwards work to the pool never
pays its import time (about 0.4 s) or memory.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from bmt.reports.jinja import STATIC_DIR

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

#: The PDF flavours we offer: archival PDF/A (statements, DPS reports) and accessible PDF/UA.
PDF_VARIANTS = frozenset({"pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/ua-1"})
#: A bound on the pool: each worker holds ~80 MB and the target box has two cores.
MAX_PDF_WORKERS = 8


class PdfRenderError(RuntimeError):
    """A render worker died (the pool is discarded and rebuilt on the next call)."""


def _allowed_roots(base_url: str | None) -> tuple[Path, ...]:
    roots = [STATIC_DIR.resolve()]
    if base_url and urlsplit(base_url).scheme == "file":
        path = Path(url2pathname(urlsplit(base_url).path)).resolve()
        roots.append(path if base_url.endswith("/") or path.is_dir() else path.parent)
    return tuple(roots)


def _local_fetcher(base_url: str | None) -> URLFetcher:
    """A WeasyPrint fetcher that serves ``data:`` URLs and files under the allowed roots, nothing else."""
    from weasyprint.urls import URLFetcher

    roots = _allowed_roots(base_url)

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"file outside the allowed folders: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"), timeout=5)


def render_pdf(html: str, *, base_url: str | None = None, pdf_variant: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes, in this process.

    Args:
        html: A complete HTML document (usually a template extending ``_pdf_base.html``).
        base_url: Where relative URLs resolve; defaults to ``STATIC_DIR`` so ``<img src="logo.png">``
            finds a static file. Only ``file:`` and ``data:`` resources are ever loaded.
        pdf_variant: ``None`` for plain PDF, or one of ``PDF_VARIANTS`` such as ``"pdf/a-3b"``.

    Returns:
        The PDF file's bytes (they start with ``%PDF-``).

    Raises:
        ValueError: for an unknown ``pdf_variant``.
    """
    if pdf_variant is not None and pdf_variant not in PDF_VARIANTS:
        raise ValueError(f"unknown pdf_variant {pdf_variant!r}; use one of {sorted(PDF_VARIANTS)}")
    from weasyprint import HTML

    base = base_url or STATIC_DIR.resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=_local_fetcher(base))
    return document.write_pdf(pdf_variant=pdf_variant)


def _warm_up() -> None:
    """Worker initializer: import WeasyPrint and load fonts once, so the first real render is fast."""
    render_pdf("<html><body><p>Rp0</p></body></html>")


def _workers_from_env() -> int:
    raw = os.environ.get("BMT_PDF_WORKERS", "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PDF_WORKERS:
        raise ValueError(f"BMT_PDF_WORKERS must be an integer 1..{MAX_PDF_WORKERS}, got {raw!r}")
    return int(raw)


def _inline() -> bool:
    return os.environ.get("BMT_PDF_INLINE", "").strip().lower() in {"1", "true", "yes"}


class _Pool:
    """The lazily created render pool, shared by all requests of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=_workers_from_env(),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_up,
                )
            return self._executor

    def discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_POOL = _Pool()


async def render_pdf_async(
    html: str, base_url: str | None = None, *, pdf_variant: str | None = None
) -> bytes:
    """``render_pdf`` in a worker process, so the event loop keeps serving while a statement renders.

    With ``BMT_PDF_INLINE=1`` it renders in this process instead (blocking; meant for tests).

    Raises:
        ValueError: for an unknown ``pdf_variant`` or a bad ``BMT_PDF_WORKERS``.
        PdfRenderError: if the worker process died during the render.
    """
    job = partial(render_pdf, html, base_url=base_url, pdf_variant=pdf_variant)
    if _inline():
        return job()
    executor = _POOL.get()
    try:
        return await asyncio.get_running_loop().run_in_executor(executor, job)
    except BrokenProcessPool as exc:
        _POOL.discard(executor)
        raise PdfRenderError("PDF gagal dibuat, silakan coba lagi / the PDF renderer crashed") from exc


def shutdown_pdf_pool() -> None:
    """Stop the render workers (call from the app's shutdown hook; safe to call when none were started)."""
    _POOL.shutdown()
