"""Murabahah contracts through HTTP, on SQLite and PostgreSQL: the lifecycle, the sharia refusals as problem
details with nothing written (MUR-01 sale before ownership, MUR-04 price change after the akad, FEE-01 late
charge to income, FEE-02 percentage late charge), the guards (maker cannot approve, another cooperative gets
404, a member sees only their own contract), the akad and schedule PDFs, and the contract page's forms."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from bmt.config import Settings
from bmt.persistence.models import AuditEvent, JournalEntry
from bmt.persistence.models_financing import ContractEvent
from bmt.services import murabahah, platform
from tests.api.test_platform_api import new_member, token
from tests.api.test_teller_pages import submit, web_login
from tests.conftest import PASSWORD, TODAY, World, make_world, run

BASE = "/api/v1/financing/murabahah"
FIRST_DUE = "2025-07-16"


@pytest.fixture
def bmt(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, World, int]]:
    """The app, a cooperative with a murabahah product (ta'zir Rp25.000 after 7 days), and another cooperative."""
    from bmt.api.app import create_app

    w, other = run(make_world(db_url)), run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        r = c.post(f"{BASE}/products", json={"code": "MRB", "name": "Murabahah Kendaraan", "tazir_amount": "25000", "grace_days": 7}, headers=token(c, w, "manager"))
        assert r.status_code == 201, r.text
        yield c, w, other, r.json()["id"]
    run(w.engine.dispose())
    run(other.engine.dispose())


def counts(w: World) -> tuple[int, int, int]:
    async def go() -> tuple[int, int, int]:
        async with w.factory() as uow:
            n = lambda m: select(func.count()).select_from(m).where(m.cooperative_id == w.coop_id)  # noqa: E731
            return tuple([(await uow.session.execute(n(m))).scalar_one() for m in (JournalEntry, ContractEvent, AuditEvent)])

    return run(go())


def apply(c: TestClient, h: dict, member_id: int, product_id: int, **over: object) -> dict:
    body = {"member_id": member_id, "product_id": product_id, "goods": "Sepeda motor Honda Beat 2025", "cost_price": "10000000", "tenor_months": 12, "first_due_date": FIRST_DUE, "margin_rate_flat_annual": "12", "supplier": "Dealer Sinar Jaya", **over}
    r = c.post(f"{BASE}/applications", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def to_akad(c: TestClient, w: World, product_id: int, serial: int, **over: object) -> dict:
    """A member, an application by the officer, approval, purchase and akad; returns the contract."""
    member = new_member(c, token(c, w, "manager"), serial)
    officer, manager = token(c, w, "financing_officer"), token(c, w, "manager")
    k = apply(c, officer, member["id"], product_id, **over)
    assert c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager).status_code == 200
    r = c.post(f"{BASE}/contracts/{k['id']}/purchase", json={"ownership_date": TODAY.isoformat(), "supplier": "Dealer Sinar Jaya", "invoice_ref": f"INV-{serial}"}, headers=manager)
    assert r.status_code == 200, r.text
    r = c.post(f"{BASE}/contracts/{k['id']}/akad", json={}, headers=officer)
    assert r.status_code == 200, r.text
    return c.get(f"{BASE}/contracts/{k['id']}", headers=manager).json()


def entry_lines(c: TestClient, h: dict, entry_id: int) -> set[tuple[str, str, str]]:
    e = c.get(f"/api/v1/ledger/entries/{entry_id}", headers=h).json()
    return {(x["account"], "Dr" if x["debit"] != "0" else "Cr", x["debit"] if x["debit"] != "0" else x["credit"]) for x in e["lines"]}


def assert_problem(r, status: int, rule: str | None = None) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["title"]
    if rule:
        assert body["rule"] == rule
    return body


def test_an_officer_applies_a_manager_approves_and_the_teller_takes_installments(bmt) -> None:
    c, w, _, pid = bmt
    member = new_member(c, token(c, w, "manager"), 11)
    officer, manager, teller = token(c, w, "financing_officer"), token(c, w, "manager"), token(c, w, "teller")
    k = apply(c, officer, member["id"], pid)
    assert (k["status"], k["selling_price"], k["margin"], k["receivable"], k["schedule"]) == ("application", "11200000", "1200000", "11200000", [])
    assert (k["tazir_amount"], k["grace_days"], k["recognition"]) == ("25000", 7, "proportional")
    assert c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager).json()["status"] == "approved"
    bought = c.post(f"{BASE}/contracts/{k['id']}/purchase", json={"ownership_date": TODAY.isoformat(), "supplier": "Dealer Sinar Jaya", "invoice_ref": "INV-77"}, headers=manager).json()
    assert entry_lines(c, manager, bought["entry_id"]) == {("1203", "Dr", "10000000"), ("1101", "Cr", "10000000")}
    akad = c.post(f"{BASE}/contracts/{k['id']}/akad", json={}, headers=officer).json()
    assert (akad["status"], akad["selling_price"], akad["installment"]) == ("active", "11200000", "933333")
    assert entry_lines(c, manager, akad["entry_id"]) == {("1201", "Dr", "11200000"), ("1203", "Cr", "10000000"), ("1202", "Cr", "1200000")}
    r = c.post(f"{BASE}/contracts/{k['id']}/payments", json={"amount": "933333"}, headers={**teller, "Idempotency-Key": "pay-1"})
    assert r.status_code == 200, r.text
    again = c.post(f"{BASE}/contracts/{k['id']}/payments", json={"amount": "933333"}, headers={**teller, "Idempotency-Key": "pay-1"})
    assert again.json() == r.json()  # a retry posts nothing new
    assert entry_lines(c, manager, r.json()["entry_id"]) == {("1102", "Dr", "933333"), ("1201", "Cr", "933333"), ("1202", "Dr", "100000"), ("5101", "Cr", "100000")}
    got = c.get(f"{BASE}/contracts/{k['id']}", headers=manager).json()
    assert (got["outstanding"], got["recognised_margin"], got["deferred_margin"], got["outstanding_principal"]) == ("10266667", "100000", "1100000", "9166667")
    assert len(got["schedule"]) == 12 and got["schedule"][0]["status"] == "paid" and got["ownership_date"] == TODAY.isoformat()
    assert [e["kind"] for e in got["events"]] == ["application", "approval", "purchase", "akad", "installment"]
    q = c.get(f"{BASE}/contracts/{k['id']}/settlement-quote", params={"as_of": "2025-08-20"}, headers=manager).json()
    # Installment 2 (due 16 Aug) is in arrears and keeps its margin; 3..12 owe principal only.
    assert (q["outstanding_receivable"], q["arrears_margin"], q["unrecognised_margin"], q["settlement_amount"]) == ("10266667", "100000", "1000000", "9266667")
    today = c.get(f"{BASE}/contracts/{k['id']}/settlement-quote", headers=manager).json()
    s = c.post(f"{BASE}/contracts/{k['id']}/settle", json={"expected_amount": today["settlement_amount"]}, headers=teller).json()
    assert s["status"] == "settled" and entry_lines(c, manager, s["entry_id"]) == {("1102", "Dr", "9166667"), ("1202", "Dr", "1100000"), ("1201", "Cr", "10266667")}


def test_urbun_and_wakalah_before_the_akad_post_their_journals(bmt) -> None:
    c, w, _, pid = bmt
    member = new_member(c, token(c, w, "manager"), 12)
    officer, manager, teller = token(c, w, "financing_officer"), token(c, w, "manager"), token(c, w, "teller")
    k = apply(c, officer, member["id"], pid, down_payment="1000000")
    u = c.post(f"{BASE}/contracts/{k['id']}/urbun", json={"amount": "1000000"}, headers=teller).json()
    assert entry_lines(c, manager, u["entry_id"]) == {("1102", "Dr", "1000000"), ("2103", "Cr", "1000000")}
    c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager)
    wk = c.post(f"{BASE}/contracts/{k['id']}/wakalah-advance", json={"amount": "10000000"}, headers=manager).json()
    assert entry_lines(c, manager, wk["entry_id"]) == {("1204", "Dr", "10000000"), ("1101", "Cr", "10000000")}
    r = c.post(f"{BASE}/contracts/{k['id']}/purchase", json={"ownership_date": TODAY.isoformat(), "supplier": "Dealer", "invoice_ref": "INV-W", "via_wakalah": True}, headers=officer).json()
    assert entry_lines(c, manager, r["entry_id"]) == {("1203", "Dr", "10000000"), ("1204", "Cr", "10000000")}
    akad = c.post(f"{BASE}/contracts/{k['id']}/akad", json={}, headers=officer).json()
    assert entry_lines(c, manager, akad["entry_id"]) == {("1201", "Dr", "10080000"), ("2103", "Dr", "1000000"), ("1203", "Cr", "10000000"), ("1202", "Cr", "1080000")}


def test_a_sale_before_the_bmt_owns_the_goods_is_refused_with_mur_01_and_nothing_is_written(bmt) -> None:
    c, w, _, pid = bmt
    member = new_member(c, token(c, w, "manager"), 13)
    officer, manager = token(c, w, "financing_officer"), token(c, w, "manager")
    k = apply(c, officer, member["id"], pid)
    c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager)
    before = counts(w)
    body = assert_problem(c.post(f"{BASE}/contracts/{k['id']}/akad", json={}, headers=officer), 422, "MUR-01")
    assert body["code"] == "sharia_violation"
    assert counts(w) == before
    assert c.get(f"{BASE}/contracts/{k['id']}", headers=manager).json()["status"] == "approved"


def test_the_selling_price_cannot_change_after_the_akad(bmt) -> None:
    c, w, _, pid = bmt
    k = to_akad(c, w, pid, 14)
    manager = token(c, w, "manager")
    before = counts(w)
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/terms", json={"margin_rate_flat_annual": "8"}, headers=manager), 422, "MUR-04")
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/akad", json={}, headers=manager), 409)
    assert counts(w) == before
    assert c.get(f"{BASE}/contracts/{k['id']}", headers=manager).json()["selling_price"] == "11200000"


def test_a_late_charge_to_income_is_refused_with_fee_01_and_a_percentage_with_fee_02(bmt) -> None:
    c, w, _, pid = bmt
    manager = token(c, w, "manager")
    member = new_member(c, manager, 15)

    async def late_contract() -> int:
        # An akad in January, through the services, so that installments are overdue on TODAY.
        w.factory.today = date(2025, 1, 2)
        async with w.factory() as uow:
            cid = (await murabahah.apply(uow, w.actor("financing_officer"), murabahah.Apply(member["id"], pid, "Kulkas 2 pintu", Decimal(3_000_000), 6, date(2025, 2, 1), margin_amount=Decimal(180_000)))).id
        async with w.factory() as uow:
            await murabahah.approve(uow, w.actor("manager"), cid)
        async with w.factory() as uow:
            await murabahah.record_purchase(uow, w.actor("manager"), cid, murabahah.Purchase(date(2025, 1, 2), "Toko Elektronik", "F-1"))
        async with w.factory() as uow:
            await murabahah.sign_akad(uow, w.actor("financing_officer"), cid)
        return cid

    cid = run(late_contract())
    charged = c.post(f"{BASE}/contracts/{cid}/tazir/assess", json={}, headers=manager).json()
    assert charged == [{"contract_id": cid, "installments": [1, 2, 3, 4, 5], "amount": "125000"}]
    before = counts(w)
    assert_problem(c.post(f"{BASE}/contracts/{cid}/tazir/payments", json={"amount": "25000", "credit_account": "murabahah_income"}, headers=manager), 422, "FEE-01")
    assert_problem(c.post(f"{BASE}/contracts/{cid}/tazir/payments", json={"amount": "25000", "credit_account": "other_income"}, headers=manager), 422, "FEE-01")
    assert counts(w) == before
    paid = c.post(f"{BASE}/contracts/{cid}/tazir/payments", json={"amount": "25000"}, headers=manager).json()
    assert paid["tazir_owed"] == "100000"
    assert_problem(c.post(f"{BASE}/contracts/{cid}/tazir/waive", json={"reason": ""}, headers=manager), 400)
    assert c.post(f"{BASE}/contracts/{cid}/tazir/waive", json={"reason": "Gagal panen karena banjir"}, headers=manager).json()["tazir_owed"] == "0"
    got = c.get(f"{BASE}/contracts/{cid}", headers=manager).json()
    assert [a["number"] for a in got["arrears"]] == [1, 2, 3, 4, 5] and got["tazir_owed"] == "0" and got["days_past_due"] == 0
    r = c.post(f"{BASE}/products", json={"code": "MRBX", "name": "Denda persen", "tazir_amount": "1", "tazir_basis": "percent_per_day"}, headers=manager)
    assert_problem(r, 422, "FEE-02")


def test_the_maker_cannot_approve_and_bad_input_writes_nothing(bmt) -> None:
    c, w, _, pid = bmt
    manager, manager2, teller = token(c, w, "manager"), token(c, w, "manager2"), token(c, w, "teller")
    member = new_member(c, manager, 16)
    before = counts(w)
    for over in ({"margin_amount": "100000"}, {"tenor_months": 0}, {"goods": "  "}, {"cost_price": "-5"}):
        assert_problem(c.post(f"{BASE}/applications", json={"member_id": member["id"], "product_id": pid, "goods": "Laptop", "cost_price": "8000000", "tenor_months": 12, "first_due_date": FIRST_DUE, "margin_rate_flat_annual": "12", **over}, headers=manager), 400)
    assert c.post(f"{BASE}/applications", json={"member_id": member["id"], "unknown": 1}, headers=manager).status_code == 400
    assert_problem(c.post(f"{BASE}/applications", json={"member_id": member["id"], "product_id": pid, "goods": "Laptop", "cost_price": "8000000", "tenor_months": 12, "first_due_date": FIRST_DUE, "margin_rate_flat_annual": "12"}, headers=teller), 403)
    assert counts(w) == before
    k = apply(c, manager, member["id"], pid)
    body = assert_problem(c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager), 403)
    assert body["rule"] == "four_eyes"
    assert c.post(f"{BASE}/contracts/{k['id']}/approve", headers=manager2).json()["status"] == "approved"


def test_an_overpayment_is_refused_and_rescheduling_cannot_raise_the_receivable(bmt) -> None:
    c, w, _, pid = bmt
    k = to_akad(c, w, pid, 17)
    manager, teller = token(c, w, "manager"), token(c, w, "teller")
    before = counts(w)
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/payments", json={"amount": "11200001"}, headers=teller), 400)
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/reschedule", json={"tenor_months": 24, "first_due_date": "2025-08-01", "new_receivable": "11200001"}, headers=manager), 422, "MUR-07")
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/reschedule", json={"tenor_months": 24, "first_due_date": "2025-08-01", "real_cost": "50000"}, headers=manager), 422, "MUR-07")
    assert counts(w) == before
    r = c.post(f"{BASE}/contracts/{k['id']}/reschedule", json={"tenor_months": 24, "first_due_date": "2025-08-01", "real_cost": "50000", "document_ref": "KW-17"}, headers=manager)
    assert r.status_code == 200 and r.json()["fee"] == "50000"
    got = c.get(f"{BASE}/contracts/{k['id']}", headers=manager).json()
    assert got["outstanding"] == "11200000" and len([s for s in got["schedule"] if s["schedule_version"] == 2]) == 24


def test_a_write_off_needs_another_manager_then_recovery_is_income(bmt) -> None:
    c, w, _, pid = bmt
    k = to_akad(c, w, pid, 18)
    manager, manager2 = token(c, w, "manager"), token(c, w, "manager2")
    assert c.post(f"{BASE}/contracts/{k['id']}/write-off/proposal", json={"reason": "Anggota meninggal, ahli waris tidak mampu"}, headers=manager).status_code == 200
    assert_problem(c.post(f"{BASE}/contracts/{k['id']}/write-off/approval", json={"approve": True}, headers=manager), 403)
    r = c.post(f"{BASE}/contracts/{k['id']}/write-off/approval", json={"approve": True}, headers=manager2).json()
    # No allowance formed yet: the net amount is expensed at once.
    assert entry_lines(c, manager, r["entry_id"]) == {("6103", "Dr", "10000000"), ("1202", "Dr", "1200000"), ("1201", "Cr", "11200000")}
    rec = c.post(f"{BASE}/contracts/{k['id']}/recovery", json={"amount": "500000"}, headers=manager).json()
    assert entry_lines(c, manager, rec["entry_id"]) == {("1101", "Dr", "500000"), ("5107", "Cr", "500000")}


def test_another_cooperative_gets_404_and_a_member_sees_only_their_own_contract(bmt) -> None:
    c, w, other, pid = bmt
    mine, theirs = to_akad(c, w, pid, 19), to_akad(c, w, pid, 20)
    outsider = token(c, other, "manager")
    assert_problem(c.get(f"{BASE}/contracts/{mine['id']}", headers=outsider), 404)
    assert_problem(c.post(f"{BASE}/contracts/{mine['id']}/payments", json={"amount": "1000"}, headers=token(c, other, "teller")), 404)
    assert c.get(f"{BASE}/contracts", headers=outsider).json() == []

    async def member_login() -> None:
        async with w.factory() as uow:
            await platform.create_user(uow, w.actor("admin"), platform.NewUser(f"anggota{mine['member_id']}.{w.coop_id}", mine["member_name"], "member", PASSWORD, w.coop_id, member_id=mine["member_id"]))

    run(member_login())
    r = c.post("/api/v1/auth/token", json={"username": f"anggota{mine['member_id']}.{w.coop_id}", "password": PASSWORD})
    member = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert c.get(f"{BASE}/contracts/{mine['id']}", headers=member).json()["contract_no"] == mine["contract_no"]
    assert_problem(c.get(f"{BASE}/contracts/{theirs['id']}", headers=member), 404)
    assert [x["id"] for x in c.get(f"{BASE}/contracts", headers=member).json()] == [mine["id"]]
    assert_problem(c.post(f"{BASE}/contracts/{mine['id']}/payments", json={"amount": "933333"}, headers=member), 403)


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp / "doc.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp / "doc.pdf"), "-"], capture_output=True, text=True, check=True).stdout


def test_the_akad_and_schedule_pdfs_carry_parties_prices_in_words_dates_and_the_tazir_clause(bmt, tmp_path: Path) -> None:
    c, w, _, pid = bmt
    k = to_akad(c, w, pid, 21)
    manager = token(c, w, "manager")
    r = c.get(f"{BASE}/contracts/{k['id']}/akad.pdf", headers=manager)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = " ".join(_pdf_text(r.content, tmp_path).split())
    for expected in ("Akad Pembiayaan Murabahah", k["contract_no"], "Euis Komariah", "Sepeda motor Honda Beat 2025", "Rp10.000.000", "Rp1.200.000", "Rp11.200.000",
                     "sebelas juta dua ratus ribu rupiah", "16 Juni 2025", "1446 H", "Rp25.000", "7 hari", "dana kebajikan", "Rp933.337", "153/2022"):
        assert expected.lower() in text.lower(), expected
    s = c.get(f"{BASE}/contracts/{k['id']}/schedule.pdf", headers=manager)
    text = " ".join(_pdf_text(s.content, tmp_path).split())
    assert "Jadwal Angsuran Murabahah" in text and "16 Juli 2025" in text and "16 Juni 2026" in text and "Rp933.337" in text


def _page_keys(html: str) -> dict[str, str]:
    return dict(re.findall(r'action="/pembiayaan/murabahah/kontrak/\d+/([a-z-]+)"[^>]*>.*?name="idempotency_key" value="([^"]+)"', html, re.S))


def test_the_contract_page_runs_the_lifecycle_through_its_forms(bmt) -> None:
    c, w, _, pid = bmt
    member = new_member(c, token(c, w, "manager"), 22)
    web_login(c, w, "financing_officer")
    page = c.get("/pembiayaan/murabahah/kontrak/baru")
    assert page.status_code == 200 and "Murabahah Kendaraan" in page.text
    r = submit(c, "/pembiayaan/murabahah/kontrak/baru", member=member["member_no"], product_id=str(pid), goods="Mesin jahit Butterfly", cost_price="2.400.000", margin_basis="margin_amount", margin_value="240.000", tenor_months="12", first_due_date=FIRST_DUE, recognition="")
    assert r.status_code == 200 and "Pengajuan murabahah dicatat" in r.text
    cid = int(re.search(r"/pembiayaan/murabahah/kontrak/(\d+)/akad.pdf", r.text).group(1))
    bad = submit(c, "/pembiayaan/murabahah/kontrak/baru", member=member["member_no"], product_id=str(pid), goods="X", cost_price="2.400.000", margin_basis="margin_amount", margin_value="", tenor_months="12", first_due_date=FIRST_DUE)
    assert bad.status_code == 400 and "Margin wajib diisi" in bad.text
    web_login(c, w, "manager")
    r = submit(c, f"/pembiayaan/murabahah/kontrak/{cid}/setujui", idempotency_key=_page_keys(c.get(f"/pembiayaan/murabahah/kontrak/{cid}").text)["setujui"])
    assert "disetujui" in r.text
    web_login(c, w, "financing_officer")
    r = submit(c, f"/pembiayaan/murabahah/kontrak/{cid}/akad")
    assert r.status_code == 422 and "belum dimiliki BMT" in r.text
    r = submit(c, f"/pembiayaan/murabahah/kontrak/{cid}/pembelian", ownership_date=TODAY.isoformat(), supplier="Toko Jahit", invoice_ref="TJ-1", cost="2.400.000")
    assert "Pembelian barang" in r.text
    r = submit(c, f"/pembiayaan/murabahah/kontrak/{cid}/akad", first_due_date=FIRST_DUE)
    assert "Akad ditandatangani" in r.text and "Rp2.640.000" in r.text
    web_login(c, w, "teller")
    submit(c, "/teller/laci/buka", float_amount="0")
    r = submit(c, f"/pembiayaan/murabahah/kontrak/{cid}/angsuran", amount="220.000")
    assert "Angsuran Rp220.000 diterima (margin Rp20.000" in r.text and 'id="print-receipt"' in r.text
    assert "Rp2.420.000" in r.text  # the outstanding after the first installment
