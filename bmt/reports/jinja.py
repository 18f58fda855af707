"""Jinja glue: the Indonesian formatting filters, where templates and static files live.

The app factory calls ``register_filters`` on the Jinja environment Litestar builds::

    TemplateConfig(
        directory=TEMPLATE_DIR,
        engine=JinjaTemplateEngine,
        engine_callback=lambda engine: register_filters(engine.engine, hijri_overrides=...),
    )
    create_static_files_router(path="/static", directories=[STATIC_DIR])

Filters (all render ``""`` for ``None`` or an undefined variable, so an empty cell stays empty):

========================  ==========================================  =============================
filter                    example                                     gives
========================  ==========================================  =============================
``rupiah``                ``{{ Decimal("1234567.5")|rupiah }}``       ``Rp1.234.568``
``rupiah_sen``            ``{{ Decimal("1234567.5")|rupiah_sen }}``   ``Rp1.234.567,50``
``angka``                 ``{{ n|angka }}`` / ``{{ n|angka(2) }}``    ``1.234.567,50``
``persen``                ``{{ Decimal("12.5")|persen }}``            ``12,50%``
``terbilang``             ``{{ 1500000|terbilang }}``                 ``satu juta lima ratus ribu``
``terbilang_rupiah``      ``{{ Decimal("0.5")|terbilang_rupiah }}``   ``lima puluh sen``
``tanggal``               ``{{ d|tanggal }}``                         ``1 Maret 2025``
``tanggal_hari``          ``{{ d|tanggal_hari }}``                    ``Sabtu, 1 Maret 2025``
``hijri``                 ``{{ d|hijri }}``                           ``1 Ramadan 1446 H``
========================  ==========================================  =============================

Dates may be ``date``/``datetime`` values or ISO strings (``"2025-03-01"``), as API payloads carry them.
The global ``inline_css("print.css")`` returns a static stylesheet's text, so PDF templates carry their CSS
inline and WeasyPrint fetches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bmt.dates import HijriOverrides
from bmt.errors import InvalidInput
from bmt.reports.formatting import (
    format_date_id,
    format_hijri,
    format_number_id,
    format_percent_id,
    format_rupiah,
    terbilang,
    terbilang_rupiah,
)

#: ``<repo>/templates``: pages, partials (``_flash.html``), macros and the PDF base.
TEMPLATE_DIR: Path = Path(__file__).resolve().parents[2] / "templates"
#: ``bmt/api/static``: htmx, app.css (screens) and print.css (PDFs), served under ``/static``.
STATIC_DIR: Path = Path(__file__).resolve().parents[1] / "api" / "static"


def _blank(value: Any) -> bool:
    return value is None or isinstance(value, jinja2.Undefined)


def _lenient(fn: Callable[..., str]) -> Callable[..., str]:
    """Wrap a formatter so a missing value renders as an empty string instead of an error."""

    def apply(value: Any, *args: Any, **kwargs: Any) -> str:
        return "" if _blank(value) else fn(value, *args, **kwargs)

    apply.__name__ = fn.__name__
    apply.__doc__ = fn.__doc__
    return apply


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InvalidInput(f"bukan tanggal / not a date: {value!r}")


def _tanggal(value: date | str) -> str:
    return format_date_id(_as_date(value))


def _tanggal_hari(value: date | str) -> str:
    return format_date_id(_as_date(value), weekday=True)


def _rupiah_sen(value: Any) -> str:
    return format_rupiah(value, sen=True)


def _angka(value: Any, places: int | None = None) -> str:
    return format_number_id(value, places=places)


def _persen(value: Any, places: int = 2) -> str:
    return format_percent_id(value, places=places)


@lru_cache(maxsize=8)
def _static_text(name: str) -> str:
    # Only plain file names inside STATIC_DIR: a template must not be able to read arbitrary files.
    path = (STATIC_DIR / name).resolve()
    if path.parent != STATIC_DIR.resolve() or path.suffix != ".css" or not path.is_file():
        raise InvalidInput(f"stylesheet tidak ada / no such stylesheet: {name!r}")
    return path.read_text(encoding="utf-8")


def inline_css(name: str) -> Markup:
    """The text of ``STATIC_DIR/name`` (a ``.css`` file) for an inline ``<style>`` element."""
    return Markup(_static_text(name))


def register_filters(env: jinja2.Environment, *, hijri_overrides: HijriOverrides | None = None) -> None:
    """Add the Indonesian formatting filters and the ``inline_css`` global to ``env``.

    Args:
        env: The Jinja environment (Litestar's ``JinjaTemplateEngine.engine``).
        hijri_overrides: The cooperative's official Hijri month starts, used by ``|hijri`` unless a
            template passes its own (``{{ d|hijri(overrides) }}``).
    """

    def hijri(value: date | str, overrides: HijriOverrides | None = None) -> str:
        return format_hijri(_as_date(value), overrides if overrides is not None else hijri_overrides)

    filters: dict[str, Callable[..., str]] = {
        "rupiah": format_rupiah,
        "rupiah_sen": _rupiah_sen,
        "angka": _angka,
        "persen": _persen,
        "terbilang": terbilang,
        "terbilang_rupiah": terbilang_rupiah,
        "tanggal": _tanggal,
        "tanggal_hari": _tanggal_hari,
        "hijri": hijri,
    }
    env.filters.update({name: _lenient(fn) for name, fn in filters.items()})
    env.globals["inline_css"] = inline_css
