"""A member on a phone (360×740, in a real browser): gets a code from the office, sets a password, logs in
with the member number and reads this month's statement; the page fits the screen without sideways scrolling."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bmt.persistence.models import Cooperative
from bmt.services import members, savings
from tests.conftest import nik_for, run
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PASSWORD_MEMBER = "kata-sandi-hp-1"


async def _seed(world) -> tuple[int, str, int, str, str]:  # noqa: ANN001
    """A member with a mudharabah savings account: an opening deposit, a deposit and a withdrawal today."""
    mgr = world.actor("manager")
    async with world.factory() as uow:
        prod = await savings.create_product(uow, mgr, savings.ProductSpec("HPTM", "Tabungan Mudharabah HP", "mudharabah", nisbah_member_percent=Decimal(35), min_opening=Decimal(20_000)))
        m = await members.register(uow, mgr, members.RegisterMember(nik_for(date(1992, 3, 4), 4321, female=True), "Siti Nurhaliza", date(1992, 3, 4), "Kp. Babakan, Soreang", "081311112222"))
        opened = await savings.open_account(uow, mgr, savings.OpenAccount(m.id, prod.id, Decimal(500_000)))
        coop = (await uow.session.get(Cooperative, world.coop_id)).code
    async with world.factory() as uow:
        await savings.deposit(uow, mgr, opened["account_id"], Decimal(250_000))
    async with world.factory() as uow:
        await savings.withdraw(uow, mgr, opened["account_id"], Decimal(75_000))
    return m.id, m.member_no, opened["account_id"], opened["account_no"], coop


def test_a_member_reads_a_statement_on_a_phone(live_server, browser, tmp_path: Path) -> None:
    base, world = live_server
    # Playwright's sync API owns this thread's event loop: seed the books from another thread.
    with ThreadPoolExecutor(1) as pool:
        member_id, member_no, account_id, account_no, coop = pool.submit(run, _seed(world)).result()

    staff = browser.new_page()
    login(staff, base, world.actor("manager").username)
    staff.goto(f"{base}/anggota/{member_id}")
    staff.click("button:has-text('Buat kode aktivasi')")
    code = staff.inner_text("#kode-aktivasi").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    staff.close()

    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone = ctx.new_page()
    phone.goto(f"{base}/aktivasi?koperasi={coop}")
    phone.fill("#f-member_no", member_no)
    phone.fill("#f-code", code)
    phone.fill("#f-password", PASSWORD_MEMBER)
    phone.fill("#f-password_again", PASSWORD_MEMBER)
    phone.click("button:has-text('Simpan kata sandi')")
    phone.wait_for_selector("#username")
    phone.click("a.btn:has-text('Masuk')")
    phone.wait_for_url(re.compile(r".*/masuk-anggota.*"))
    phone.fill("#f-member_no", member_no)
    phone.fill("#f-password", PASSWORD_MEMBER)
    phone.click("button:has-text('Masuk')")
    phone.wait_for_url(f"{base}/saya")
    assert "Siti Nurhaliza" in phone.inner_text("h1")
    assert phone.inner_text("#total-tabungan") == "Rp675.000"

    phone.click(f"text={account_no}")
    phone.wait_for_selector("#saldo-akhir")
    assert phone.inner_text("#saldo-akhir") == "Rp675.000"
    lines = phone.inner_text("ul[aria-labelledby=mutasi]")
    assert "+Rp500.000" in lines and "+Rp250.000" in lines and "−Rp75.000" in lines
    # Built for the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots = Path(os.environ.get("BMT_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(shots / "member-statement-360x740.png"), full_page=True)

    pdf = phone.request.get(f"{base}/saya/rekening/{account_id}/pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    # Another member's account does not exist for this login.
    assert phone.goto(f"{base}/saya/rekening/{account_id + 10_000}").status == 404
    ctx.close()
