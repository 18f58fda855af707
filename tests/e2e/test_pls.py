"""A musyarakah mutanaqisah from application to the first payment, in a real browser and by three people: the
financing officer applies (domain.md Example D), the manager approves and disburses, the teller takes the first
month's payment and sees the rent share and the buy-back split."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/bmt-e2e-mmq.png")


def _set_up(base: str, world: object) -> dict:
    """A member (registered by the manager) and the teller's drawer open, through the API."""
    import httpx

    def bearer(role: str) -> dict[str, str]:
        tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": world.actor(role).username, "password": PASSWORD}).json()["access_token"]
        return {"Authorization": f"Bearer {tok}"}

    body = {"nik": nik_for(date(1977, 8, 17), 92), "name": "Iis Rohayati", "birth_date": "1977-08-17", "address": "Jl. Raya Soreang No. 12, Kab. Bandung", "phone": "081277776666"}
    member = httpx.post(f"{base}/api/v1/members/", json=body, headers=bearer("manager"))
    member.raise_for_status()
    # The teller's drawer may already be open from another browser test on the same server.
    opened = httpx.post(f"{base}/api/v1/teller/drawer/open", json={"float_amount": "0"}, headers=bearer("teller"))
    assert opened.status_code in (201, 409), opened.text
    return {"member": member.json()}


def _submit(page, selector: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.click(selector)


def test_an_officer_applies_for_an_mmq_a_manager_disburses_and_the_teller_takes_the_first_payment(live_server, browser) -> None:
    base, world = live_server
    data = _set_up(base, world)

    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    login(officer, base, world.actor("financing_officer").username)
    menu(officer, "Bagi hasil & qardh")
    officer.click("text=Musyarakah mutanaqisah")
    officer.click("#new-application")
    officer.fill("#f-anggota", data["member"]["member_no"])
    officer.fill("#f-asset_price", "150.000.000")
    officer.fill("#f-bmt_share_amount", "120.000.000")
    officer.fill("#f-monthly_rent", "1.500.000")
    officer.fill("#f-tenor_months", "24")
    officer.fill("#f-first_due_date", "2025-07-16")
    officer.fill("#f-asset_description", "Ruko dua lantai, Jl. Raya Soreang")
    _submit(officer, "#form-pengajuan button[type=submit]")
    assert officer.inner_text("#contract-status") == "Pengajuan"
    assert not officer.is_visible("#form-setujui")  # the maker never approves
    url = officer.url.split("?")[0]
    officer.close()

    manager = browser.new_page(viewport={"width": 1280, "height": 900})
    login(manager, base, world.actor("manager").username)
    manager.goto(url)
    _submit(manager, "#form-setujui button[type=submit]")
    assert manager.inner_text("#contract-status") == "Disetujui"
    _submit(manager, "#form-cairkan button[type=submit]")
    assert manager.inner_text("#contract-status") == "Aktif"
    assert manager.inner_text("#outstanding") == "Rp120.000.000"
    assert "dicairkan Rp120.000.000" in manager.inner_text("#flash")
    assert manager.locator("#jadwal tbody tr").count() == 24
    manager.close()

    teller = browser.new_page(viewport={"width": 1280, "height": 1000})
    login(teller, base, world.actor("teller").username)
    teller.goto(f"{base}/pembiayaan/mmq/")
    teller.click("#contracts tr:has-text('Iis Rohayati') a")
    assert teller.input_value("#angsuran-amount") == "6.200.000"  # month 1: rent share 1,200,000 + buy-back 5,000,000
    _submit(teller, "#form-angsuran button[type=submit]")
    assert "Angsuran Rp6.200.000 diterima: sewa Rp1.200.000, pengalihan porsi Rp5.000.000" in teller.inner_text("#flash")
    assert teller.inner_text("#outstanding") == "Rp115.000.000"
    assert "76,6667%" in teller.inner_text("#ownership")
    assert "Lunas" in teller.inner_text("#jadwal tbody tr:first-child")
    teller.screenshot(path=str(SCREENSHOT), full_page=True)
    teller.close()
