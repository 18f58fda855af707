"""A DPS member, in a real browser: opens the review of June 2025, reads the findings by rule and the
statements, writes and signs the sharia opinion, and finds it — with the report's hash — in the period's PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path("/tmp")
OPINION = "Berdasarkan penelaahan atas akad, produk dan pembukuan bulan Juni 2025, kegiatan usaha koperasi sesuai prinsip syariah; izin UPZ Baitul Maal agar dilengkapi."


def _token(base: str, username: str) -> dict[str, str]:
    import httpx

    tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {tok}"}


def test_a_dps_member_signs_the_sharia_opinion_and_it_lands_in_the_period_report(live_server, browser) -> None:
    import httpx

    base, world = live_server
    mgr = _token(base, world.actor("manager").username)
    body = {"nik": nik_for(date(1975, 2, 14), 4242), "name": "Hj. Euis Rohmah", "birth_date": "1975-02-14", "address": "Kp. Cikajang, Garut", "phone": "081377778888"}
    httpx.post(f"{base}/api/v1/members/", json=body, headers=mgr).raise_for_status()

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    login(page, base, world.actor("dps").username)
    menu(page, "Tinjauan DPS")
    page.fill("#f-periode", "2025-06")
    with page.expect_navigation():
        page.click("form.searchbar button[type=submit]")
    assert "Temuan per aturan" in page.inner_text("main")
    assert page.inner_text("#rule-GOV-01").count("sesuai") == 1  # the DPS member is on file
    page.screenshot(path=str(SCREENSHOTS / "bmt-e2e-dps-review.png"), full_page=True)

    page.select_option("#f-conclusion", "sesuai_dengan_catatan")
    page.fill("#f-text", OPINION)
    with page.expect_navigation():
        page.click("#opinion-form button[type=submit]")
    card = page.locator("article.opinion").first
    assert "Sesuai prinsip syariah dengan catatan" in card.inner_text()
    assert "laporan tidak berubah" in card.inner_text()
    digest = card.locator(".mono").inner_text().strip()
    assert len(digest) == 64
    assert page.locator("#opinion-form").count() == 0  # signed once per period
    page.screenshot(path=str(SCREENSHOTS / "bmt-e2e-dps-opinion.png"), full_page=True)

    page.click("a.btn:has-text('Laporan keuangan')")
    page.wait_for_selector("#laporan-posisi-keuangan")
    assert "Dana syirkah temporer" in page.inner_text("#laporan-posisi-keuangan")
    page.screenshot(path=str(SCREENSHOTS / "bmt-e2e-dps-statements.png"), full_page=True)

    pdf = page.context.request.get(f"{base}/laporan-keuangan.pdf?periode=2025-06")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True).stdout.decode()
        assert "Opini Dewan Pengawas Syariah" in text and "izin UPZ Baitul Maal" in text
        assert digest in text.replace("\n", "")
    page.close()
