"""A teller at the counter, in a real browser: opens the drawer, finds a member, opens an account with a first
deposit, takes a deposit and pays a withdrawal, and watches the account and drawer balances move."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/bmt-e2e-teller.png")


def _set_up(base: str, world: object) -> dict:
    """A wadiah product (configured by the manager) and a member, through the API."""
    import httpx

    tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": world.actor("manager").username, "password": PASSWORD}).json()["access_token"]
    h = {"Authorization": f"Bearer {tok}"}
    prod = httpx.post(f"{base}/api/v1/savings/products", json={"code": "E2ETW", "name": "Tabungan Wadiah Harian", "kind": "wadiah", "min_opening": "10000", "min_balance": "10000"}, headers=h)
    prod.raise_for_status()
    body = {"nik": nik_for(date(1979, 11, 23), 88), "name": "Ujang Saepudin", "birth_date": "1979-11-23", "address": "Kp. Cikole RT 01/03, Lembang", "phone": "081322223333"}
    member = httpx.post(f"{base}/api/v1/members/", json=body, headers=h)
    member.raise_for_status()
    return {"product": prod.json(), "member": member.json()}


def _submit(page, selector: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.click(selector)


def test_a_teller_opens_the_drawer_and_serves_a_member_at_the_counter(live_server, browser) -> None:
    base, world = live_server
    data = _set_up(base, world)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, base, world.actor("teller2").username)  # "teller" has its own drawer in the other browser test
    menu(page, "Teller")
    page.wait_for_selector("#form-buka-laci")
    page.fill("#f-float_amount", "1.000.000")
    _submit(page, "#form-buka-laci button[type=submit]")
    assert page.inner_text("#drawer-balance") == "Rp1.000.000"

    page.fill("#q", "Ujang")
    _submit(page, "button:has-text('Cari')")
    assert data["member"]["member_no"] in page.inner_text("main")
    _submit(page, ".tl-member >> text=Buka rekening")
    page.select_option("#f-product_id", str(data["product"]["id"]))
    page.fill("#f-initial_deposit", "100.000")
    _submit(page, "#form-buka button[type=submit]")
    assert page.inner_text("#account-balance") == "Rp100.000"
    assert page.inner_text("#drawer-balance") == "Rp1.100.000"
    assert page.is_visible("#print-receipt")

    page.fill("#setor-amount", "250.000")
    _submit(page, "#form-setor button[type=submit]")
    assert page.inner_text("#account-balance") == "Rp350.000"
    assert page.inner_text("#drawer-balance") == "Rp1.350.000"

    page.fill("#tarik-amount", "345.000")  # would leave less than the Rp10.000 minimum
    _submit(page, "#form-tarik button[type=submit]")
    assert "saldo tidak cukup" in page.inner_text(".alert-error")
    assert page.inner_text("#account-balance") == "Rp350.000"

    page.fill("#tarik-amount", "75.000")
    _submit(page, "#form-tarik button[type=submit]")
    assert page.inner_text("#account-balance") == "Rp275.000"
    assert page.inner_text("#drawer-balance") == "Rp1.275.000"
    assert "Penarikan Rp75.000" in page.inner_text("#flash")
    statement = page.inner_text("#statement")
    assert "Rp250.000" in statement and "Rp75.000" in statement and page.inner_text("#statement-closing") == "Rp275.000"
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    menu(page, "Teller")
    page.wait_for_selector("#drawer-moves")
    assert page.inner_text("#drawer-balance") == "Rp1.275.000"
    page.screenshot(path=str(SCREENSHOT.with_name("bmt-e2e-teller-counter.png")), full_page=True)
    page.close()
