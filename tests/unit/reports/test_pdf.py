"""The WeasyPrint adapter: a 60-row Indonesian statement on A4, read back with pdftotext when available."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

from bmt.reports import pdf
from bmt.reports.jinja import STATIC_DIR, TEMPLATE_DIR, register_filters
from bmt.reports.pdf import render_pdf, render_pdf_async, shutdown_pdf_pool

STATEMENT = """{% extends "_pdf_base.html" %}
{% import "macros/_money.html" as m %}
{% block title %}{{ "Account statement" if lang == "en" else "Rekening Koran Simpanan" }}{% endblock %}
{% block content %}
<dl class="facts"><dt>Anggota</dt><dd>Siti Aminah</dd><dt>Periode</dt><dd>{{ start|tanggal }} ({{ start|hijri }})</dd></dl>
<table>
  <thead><tr><th>No</th><th>Tanggal</th><th>Keterangan</th><th class="num">Mutasi</th><th class="num">Saldo</th></tr></thead>
  <tbody>
  {%- for row in rows %}
    <tr><td>{{ loop.index }}</td><td>{{ row.day|tanggal }}</td><td>{{ row.text }}</td>
        {{ m.money_cell(row.amount) }}{{ m.money_cell(row.balance) }}</tr>
  {%- endfor %}
  </tbody>
</table>
{{ m.terbilang_box(rows[-1].balance) }}
{% endblock %}"""

PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is missing: install poppler-utils to check the PDF's text"
)


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"statement.html": STATEMENT}), jinja2.FileSystemLoader(TEMPLATE_DIR)]
    )
    environment = jinja2.Environment(loader=loader, autoescape=True)
    register_filters(environment)
    return environment


def statement_html(env: jinja2.Environment, *, lang: str = "id") -> str:
    rows, balance = [], Decimal(0)
    for i in range(60):
        amount = Decimal(1234567) if i % 2 == 0 else Decimal(-250000 - i)
        balance += amount
        rows.append(
            {
                "day": date(2025, 3, 1 + i % 28),
                "text": "Setoran tunai" if amount > 0 else "Penarikan",
                "amount": amount,
                "balance": balance,
            }
        )
    return env.get_template("statement.html").render(
        rows=rows,
        start=date(2025, 3, 1),
        coop_name="KSPPS BMT Al-Ikhlas",
        printed_on=date(2025, 4, 1),
        lang=lang,
    )


@pytest.fixture(scope="module")
def statement_pdf(env: jinja2.Environment) -> bytes:
    return render_pdf(statement_html(env))


def pdf_text(data: bytes, tmp_path: Path, *pages: int) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        [PDFTOTEXT, "-layout", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_a_statement_renders_to_a_pdf(statement_pdf: bytes) -> None:
    assert statement_pdf.startswith(b"%PDF-")
    assert statement_pdf.rstrip().endswith(b"%%EOF")


@needs_pdftotext
def test_the_pdf_text_has_rupiah_amounts_and_indonesian_page_numbers(
    statement_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(statement_pdf, tmp_path)
    assert "Rp1.234.567" in text
    assert "-Rp250.001" in text
    assert "Halaman 1 dari" in text
    assert "1 Ramadan 1446 H" in text
    assert "Dicetak 1 April 2025" in text


@needs_pdftotext
def test_sixty_rows_span_pages_and_every_page_repeats_the_header_and_counts_the_pages(
    statement_pdf: bytes, tmp_path: Path
) -> None:
    pages = pdf_text(statement_pdf, tmp_path).count("\f")
    pages_with_rows = 0
    for page in range(1, pages + 1):
        text = pdf_text(statement_pdf, tmp_path, page)
        assert f"Halaman {page} dari {pages}" in text
        if page > 1:  # the margins carry the cooperative and the title after the first page
            assert "KSPPS BMT Al-Ikhlas" in text and "Rekening Koran Simpanan" in text
        if re.search(r"^\s*\d+\s+\d+ Maret 2025\s", text, re.M):
            pages_with_rows += 1
            assert re.search(r"No\s+Tanggal\s+Keterangan\s+Mutasi\s+Saldo", text), f"no header on page {page}"
    assert pages_with_rows >= 2


@pytest.mark.skipif(
    PDFFONTS is None, reason="pdffonts is missing: install poppler-utils to list the PDF's fonts"
)
def test_page_margins_use_the_sans_font_not_the_serif_fallback(statement_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(statement_pdf)
    fonts = subprocess.run([PDFFONTS, str(path)], check=True, capture_output=True, text=True).stdout
    assert "DejaVu-Sans" in fonts
    assert "Serif" not in fonts


@needs_pdftotext
def test_an_english_pdf_counts_pages_in_english(env: jinja2.Environment, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(statement_html(env, lang="en")), tmp_path)
    assert "Page 1 of" in text
    assert "Halaman" not in text


def test_an_archival_pdf_a_3b_can_be_asked_for(env: jinja2.Environment) -> None:
    data = render_pdf(
        "<html><head><title>Akad</title></head><body><p>Rp1.000</p></body></html>", pdf_variant="pdf/a-3b"
    )
    assert data.startswith(b"%PDF-")
    metadata = b"".join(_streams(data))
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata


def _streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated where it is Flate-compressed."""
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def test_an_unknown_pdf_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf_variant"):
        render_pdf("<p>x</p>", pdf_variant="pdf/z-9")


def test_the_fetcher_serves_static_files_and_data_urls_only() -> None:
    fetcher = pdf._local_fetcher(STATIC_DIR.resolve().as_uri() + "/")
    for url, expected in (
        ((STATIC_DIR / "print.css").resolve().as_uri(), b"@page"),
        ("data:text/plain,halo", b"halo"),
    ):
        response = fetcher.fetch(url)
        try:
            assert expected in response.read()
        finally:
            response.close()
    for url in (
        "http://example.com/logo.png",
        "https://example.com/a.css",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / ".." / ".." / "pyproject.toml").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


async def test_async_render_runs_in_process_when_inline_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BMT_PDF_INLINE", "1")
    monkeypatch.setattr(pdf, "_POOL", None)  # any use of the pool would now fail
    data = await render_pdf_async("<html><body><p>Rp1.234.567</p></body></html>")
    assert data.startswith(b"%PDF-")


async def test_async_render_uses_a_worker_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BMT_PDF_INLINE", raising=False)
    monkeypatch.setenv("BMT_PDF_WORKERS", "1")
    monkeypatch.setattr(pdf, "_POOL", pdf._Pool())
    try:
        data = await render_pdf_async("<html><body><p>Rp1.234.567</p></body></html>")
        assert data.startswith(b"%PDF-")
        executor = pdf._POOL._executor
        assert executor is not None and executor._mp_context.get_start_method() == "spawn"
    finally:
        shutdown_pdf_pool()
    assert pdf._POOL._executor is None


@pytest.mark.parametrize("workers", ["0", "many", "99"])
async def test_a_bad_worker_count_is_refused_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.delenv("BMT_PDF_INLINE", raising=False)
    monkeypatch.setenv("BMT_PDF_WORKERS", workers)
    monkeypatch.setattr(pdf, "_POOL", pdf._Pool())
    with pytest.raises(ValueError, match="BMT_PDF_WORKERS"):
        await render_pdf_async("<p>x</p>")
