"""A teller, in a real browser: logs in, registers a member, and sees the simpanan pokok in the trial balance."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e


def test_a_teller_registers_a_member_and_sees_the_simpanan_pokok_in_the_trial_balance(live_server, browser) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import make_world, run

    base, shared = live_server
    # A cooperative of its own: other browser tests register members on the same server. Made in a thread,
    # because Playwright's sync API keeps an event loop running in this one.
    url = shared.engine.url.render_as_string(hide_password=False)
    with ThreadPoolExecutor(1) as pool:
        world = pool.submit(lambda: run(make_world(url))).result()
    import httpx

    from tests.conftest import PASSWORD

    tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": world.actor("teller").username, "password": PASSWORD}).json()["access_token"]
    httpx.post(f"{base}/api/v1/teller/drawer/open", json={"float_amount": "500000"}, headers={"Authorization": f"Bearer {tok}"}).raise_for_status()
    page = browser.new_page()
    login(page, base, world.actor("teller").username)
    # The menu's groups: one open at a time, closed by a click elsewhere or Escape.
    page.click("nav.mainnav summary:text-is('Pembiayaan')")
    page.click("nav.mainnav summary:text-is('Akuntansi')")
    assert page.locator("nav.mainnav details[open]").count() == 1
    page.click("main")
    assert page.locator("nav.mainnav details[open]").count() == 0
    page.click("nav.mainnav summary:text-is('Akuntansi')")
    page.keyboard.press("Escape")
    assert page.locator("nav.mainnav details[open]").count() == 0
    menu(page, "Anggota")
    page.click("text=Daftarkan anggota")
    page.fill("#f-nik", nik_for(date(1988, 7, 9), 77, female=True))
    page.fill("#f-name", "Neng Lilis Suryani")
    page.fill("#f-birth_date", "1988-07-09")
    page.fill("#f-address", "Kp. Cibodas RT 02/05, Lembang")
    page.fill("#f-phone", "085612345678")
    page.click("button:has-text('Daftarkan')")
    page.wait_for_selector("#simpanan-pokok")
    assert page.inner_text("#simpanan-pokok") == "Rp100.000"
    assert "Neng Lilis Suryani" in page.inner_text("h1")
    menu(page, "Neraca saldo")
    page.wait_for_selector("#tb-total-debit")
    body = page.inner_text("table")
    assert "Simpanan pokok" in body and "Rp100.000" in body and "Kas teller" in body
    assert page.inner_text("#tb-total-debit") == page.inner_text("#tb-total-credit")
    page.screenshot(path=str(__import__("pathlib").Path("/tmp/bmt-e2e-trial-balance.png")))
    page.close()
