"""A murabahah from application to the first installment, in a real browser and by three people: the financing
officer applies, the manager approves, records the purchase and signs the akad (refused before the purchase),
and the teller takes the first installment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/bmt-e2e-murabahah.png")


def _set_up(base: str, world: object) -> dict:
    """A product (by the manager), a member, and the teller's drawer open, through the API."""
    import httpx

    def bearer(role: str) -> dict[str, str]:
        tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": world.actor(role).username, "password": PASSWORD}).json()["access_token"]
        return {"Authorization": f"Bearer {tok}"}

    mgr = bearer("manager")
    prod = httpx.post(f"{base}/api/v1/financing/murabahah/products", json={"code": "E2EMRB", "name": "Murabahah Modal Barang", "tazir_amount": "20000", "grace_days": 5}, headers=mgr)
    prod.raise_for_status()
    body = {"nik": nik_for(date(1982, 2, 14), 91), "name": "Dadang Sutisna", "birth_date": "1982-02-14", "address": "Kp. Sukasari RT 03/01, Pangalengan", "phone": "081299998888"}
    member = httpx.post(f"{base}/api/v1/members/", json=body, headers=mgr)
    member.raise_for_status()
    # The teller's drawer may already be open from another browser test on the same server.
    opened = httpx.post(f"{base}/api/v1/teller/drawer/open", json={"float_amount": "0"}, headers=bearer("teller"))
    assert opened.status_code in (201, 409), opened.text
    return {"product": prod.json(), "member": member.json()}


def _submit(page, selector: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.click(selector)


def _officer_applies(browser, base: str, world, data: dict) -> str:  # noqa: ANN001
    """The financing officer fills the application form; returns the contract page's address."""
    officer = browser.new_page(viewport={"width": 1280, "height": 900})
    login(officer, base, world.actor("financing_officer").username)
    menu(officer, "Murabahah")
    officer.click("#new-application")
    officer.fill("#f-member", data["member"]["member_no"])
    officer.select_option("#f-product_id", str(data["product"]["id"]))
    officer.fill("#f-goods", "Mesin penggiling kopi 5 kg/jam")
    officer.fill("#f-supplier", "CV Tani Makmur")
    officer.fill("#f-cost_price", "12.000.000")
    officer.select_option("#f-margin_basis", "margin_rate_flat_annual")
    officer.fill("#f-margin_value", "12")
    officer.fill("#f-tenor_months", "12")
    officer.fill("#f-first_due_date", "2025-07-16")
    officer.screenshot(path=str(SCREENSHOT.with_name("bmt-e2e-murabahah-apply.png")), full_page=True)
    _submit(officer, "#form-pengajuan button[type=submit]")
    assert officer.inner_text("#contract-status") == "Pengajuan"
    assert officer.inner_text("#selling-price") == "Rp13.440.000"
    assert not officer.is_visible("#form-setujui")  # the maker never approves
    url = officer.url.split("?")[0]
    officer.close()
    return url


def _manager_approves_buys_and_signs(browser, base: str, world, url: str) -> None:  # noqa: ANN001
    manager = browser.new_page(viewport={"width": 1280, "height": 900})
    login(manager, base, world.actor("manager").username)
    manager.goto(url)
    _submit(manager, "#form-setujui button[type=submit]")
    assert manager.inner_text("#contract-status") == "Disetujui"
    assert manager.is_visible("#ownership-note")
    _submit(manager, "#form-akad button[type=submit]")  # before the purchase: refused (MUR-01)
    assert "belum dimiliki BMT" in manager.inner_text("#action-error")
    manager.fill("#purchase-invoice", "TM-2025-0616")
    _submit(manager, "#form-pembelian button[type=submit]")
    assert manager.inner_text("#contract-status") == "Barang dimiliki BMT"
    _submit(manager, "#form-akad button[type=submit]")
    assert manager.inner_text("#contract-status") == "Berjalan"
    assert manager.inner_text("#outstanding") == "Rp13.440.000"
    assert "Akad ditandatangani" in manager.inner_text("#flash")
    manager.screenshot(path=str(SCREENSHOT.with_name("bmt-e2e-murabahah-akad.png")), full_page=True)
    manager.close()


def test_an_officer_applies_a_manager_approves_and_signs_and_the_teller_takes_the_first_installment(live_server, browser) -> None:
    base, world = live_server
    url = _officer_applies(browser, base, world, _set_up(base, world))
    _manager_approves_buys_and_signs(browser, base, world, url)
    teller = browser.new_page(viewport={"width": 1280, "height": 1000})
    login(teller, base, world.actor("teller").username)
    menu(teller, "Murabahah")
    teller.click("#contracts tr:has-text('Dadang Sutisna') a")
    teller.fill("#pay-amount", "1.120.000")
    _submit(teller, "#form-angsuran button[type=submit]")
    assert "Angsuran Rp1.120.000 diterima (margin Rp120.000, pokok Rp1.000.000)" in teller.inner_text("#flash")
    assert teller.inner_text("#outstanding") == "Rp12.320.000"
    assert teller.inner_text("#recognised-margin") == "Rp120.000"
    assert teller.is_visible("#print-receipt")
    assert "Lunas" in teller.inner_text("#schedule tbody tr:first-child")
    teller.screenshot(path=str(SCREENSHOT), full_page=True)
    teller.close()
