"""A teller at the counter, in a real browser: receives zakat in cash from a member and prints the proof of
payment (bukti setor zakat) with the amount in words and the Hijri date."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, nik_for
from tests.e2e.conftest import login, menu

pytestmark = pytest.mark.e2e

SCREENSHOT = Path("/tmp/bmt-e2e-maal.png")


def _own_cooperative(world: object) -> object:
    """A cooperative of its own on the shared server, so that this test's member and drawer change nothing
    the other browser tests look at (their trial balance, the drawers of their tellers)."""
    from tests.conftest import make_world

    out: dict = {}

    async def go() -> None:
        out["world"] = await make_world(world.engine.url.render_as_string(hide_password=False))
        await out["world"].engine.dispose()

    # Playwright's sync API keeps an event loop running in this thread: run the coroutine in another one.
    worker = threading.Thread(target=lambda: asyncio.run(go()))
    worker.start()
    worker.join(timeout=60)
    return out["world"]


def _set_up(base: str, world: object) -> dict:
    """A member (registered by the manager) and the teller's drawer open, through the API."""
    import httpx

    def bearer(username: str) -> dict:
        tok = httpx.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json()["access_token"]
        return {"Authorization": f"Bearer {tok}"}

    body = {"nik": nik_for(date(1975, 2, 14), 411), "name": "Hj. Nurhayati Sumarna", "birth_date": "1975-02-14", "address": "Jl. Cibeunying 12, Bandung", "phone": "081322114455"}
    member = httpx.post(f"{base}/api/v1/members/", json=body, headers=bearer(world.actor("manager").username))
    member.raise_for_status()
    httpx.post(f"{base}/api/v1/teller/drawer/open", json={"float_amount": "0"}, headers=bearer(world.actor("teller").username)).raise_for_status()
    return member.json()


def _submit(page, selector: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.click(selector)


def test_a_teller_receives_zakat_from_a_member_and_prints_the_proof(live_server, browser) -> None:
    base, shared = live_server
    world = _own_cooperative(shared)
    member = _set_up(base, world)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, base, world.actor("teller").username)
    menu(page, "Dana ZIS & kebajikan")
    _submit(page, "#btn-terima")
    page.fill("#q", "Nurhayati")
    _submit(page, "#btn-cari")
    _submit(page, "#search-results tr:has-text('Nurhayati') >> text=Pilih")
    assert page.inner_text("#donor-name") == member["name"]
    page.select_option("#f-zakat_type", "penghasilan")
    page.fill("#terima-amount", "2.500.000")
    _submit(page, "#btn-bukukan")

    receipt_no = page.inner_text("#receipt-no")
    assert receipt_no.startswith("BSZ-")
    assert "Dua juta lima ratus ribu rupiah" in page.inner_text("#receipt-box ~ section")
    pdf = page.request.get(base + page.get_attribute("#print-proof", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    page.goto(f"{base}/baitul-maal")
    assert page.inner_text("#fund-zakat_fund .bm-amount") == "Rp2.500.000"
    assert receipt_no in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
