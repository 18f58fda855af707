"""Mudharabah, musyarakah, MMQ and qardh through HTTP, on SQLite and PostgreSQL: the lifecycle, the guards
(maker–checker, roles, tenancy), the sharia refusals as problem details with nothing written, the pages and
the akad PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from bmt.config import Settings
from bmt.ledger import Posting, entry
from bmt.persistence.models import AuditEvent, JournalEntry
from bmt.persistence.models_financing import ContractEvent, FinancingContract
from bmt.services import ledger
from tests.api.test_platform_api import new_member, token
from tests.api.test_teller_pages import submit, web_login
from tests.conftest import TODAY, World, make_world, run

PDFTOTEXT = shutil.which("pdftotext")
MMQ = {"asset_price": "150000000", "bmt_share_amount": "120000000", "monthly_rent": "1500000", "tenor_months": 24, "first_due_date": "2025-07-16", "asset_description": "Ruko Jl. Raya Soreang No. 12"}
MUDHARABAH = {"capital": "50000000", "bmt_nisbah": "40", "first_return_date": "2026-06-16", "business": "Konveksi kerudung"}


@pytest.fixture
def bank(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, World]]:
    """The app, a cooperative with its staff logged in through the API, and another cooperative."""
    from bmt.api.app import create_app

    w, other = run(make_world(db_url)), run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        yield c, w, other
    run(w.engine.dispose())
    run(other.engine.dispose())


_serial = iter(range(100, 10_000))


def member_id(c: TestClient, headers: dict) -> int:
    m = new_member(c, headers, next(_serial), name="Euis Komariah")
    return m["id"]


def written(w: World) -> tuple[int, int, int, int]:
    """Rows that a refused request must not add: contracts, their events, journal entries, audit events."""

    async def go() -> tuple[int, int, int, int]:
        async with w.factory() as uow:
            out = []
            for model in (FinancingContract, ContractEvent, JournalEntry, AuditEvent):
                out.append((await uow.session.execute(select(func.count()).select_from(model).where(model.cooperative_id == w.coop_id))).scalar_one())
            return tuple(out)

    return run(go())


def problem(r, status: int, code: str, rule: str | None = None) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code and body["status"] == status and body["title"]
    if rule:
        assert body["rule"] == rule
    return body


def applied(c: TestClient, w: World, akad: str, body: dict) -> tuple[int, dict]:
    officer = token(c, w, "financing_officer")
    r = c.post(f"/api/v1/financing/{akad}/applications", json={"member_id": member_id(c, officer), **body}, headers=officer)
    assert r.status_code == 201, r.text
    return r.json()["id"], officer


def disbursed(c: TestClient, w: World, akad: str, body: dict) -> tuple[int, dict]:
    cid, _ = applied(c, w, akad, body)
    mgr = token(c, w, "manager")
    assert c.post(f"/api/v1/financing/{akad}/{cid}/approve", headers=mgr).status_code == 200
    r = c.post(f"/api/v1/financing/{akad}/{cid}/disburse", headers=mgr)
    assert r.status_code == 200, r.text
    return cid, mgr


def pdf_text(content: bytes, tmp: Path) -> str:
    path = tmp / "akad.pdf"
    path.write_bytes(content)
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------------------------------------------------------ lifecycle


def test_an_mmq_goes_from_application_to_payments_with_maker_checker(bank) -> None:
    c, w, _ = bank
    cid, officer = applied(c, w, "mmq", MMQ)
    problem(c.post(f"/api/v1/financing/mmq/{cid}/approve", headers=officer), 403, "permission_denied")  # the maker
    problem(c.post(f"/api/v1/financing/mmq/{cid}/approve", headers=token(c, w, "teller")), 403, "permission_denied")
    mgr = token(c, w, "manager")
    problem(c.post(f"/api/v1/financing/mmq/{cid}/disburse", headers=mgr), 409, "contract_state")  # not approved yet
    approved = c.post(f"/api/v1/financing/mmq/{cid}/approve", headers=mgr).json()
    assert approved["status"] == "approved" and approved["schedule"] == []
    done = c.post(f"/api/v1/financing/mmq/{cid}/disburse", headers={**mgr, "Idempotency-Key": "cair-mmq-1"}).json()
    again = c.post(f"/api/v1/financing/mmq/{cid}/disburse", headers={**mgr, "Idempotency-Key": "cair-mmq-1"}).json()
    assert done == again and done["status"] == "active" and done["outstanding"] == "120000000"

    teller = token(c, w, "teller")
    paid = c.post(f"/api/v1/financing/mmq/{cid}/payments", json={"amount": "6200000"}, headers=teller).json()
    assert (paid["rent"], paid["buyback"], paid["outstanding"]) == ("1200000", "5000000", "115000000")
    view = c.get(f"/api/v1/financing/mmq/{cid}", headers=teller).json()
    assert len(view["schedule"]) == 24 and view["schedule"][0]["status"] == "paid"
    assert view["schedule"][1] | {"status": "open"} == view["schedule"][1] and view["schedule"][1]["amount"] == "6150000"
    assert view["detail"]["bmt_percent"] == "76.6667" and view["detail"]["buyout"]["amount"] == "115000000"
    assert [e["kind"] for e in view["events"]] == ["application", "approval", "disbursement", "installment_payment"]

    review = c.post(f"/api/v1/financing/mmq/{cid}/rent-review", json={"from_month": 13, "monthly_rent": "1800000"}, headers=mgr).json()
    assert review["schedule_version"] == 2
    problem(c.post(f"/api/v1/financing/mmq/{cid}/rent-review", json={"from_month": 13, "monthly_rent": "1"}, headers=teller), 403, "permission_denied")
    out = c.post(f"/api/v1/financing/mmq/{cid}/buy-out", json={"expected_amount": "115000000"}, headers=teller).json()
    assert (out["status"], out["outstanding"], out["amount"]) == ("settled", "0", "115000000")


def test_a_mudharabah_report_accrues_the_share_and_shows_projection_and_arrears(bank) -> None:
    c, w, _ = bank
    body = MUDHARABAH | {"projections": [{"period_end": "2025-06-16", "revenue": "20000000", "costs": "14000000"}]}
    cid, mgr = disbursed(c, w, "mudharabah", body)
    officer = token(c, w, "financing_officer")
    r = c.post(f"/api/v1/financing/mudharabah/{cid}/reports", json={"period_end": "2025-06-16", "revenue": "20000000", "costs": "14000000"}, headers=officer)
    assert r.status_code == 200, r.text
    assert (r.json()["bmt_share"], r.json()["mudharib_share"]) == ("2400000", "3600000")
    problem(c.post(f"/api/v1/financing/mudharabah/{cid}/reports", json={"period_end": "2025-06-16", "revenue": "1"}, headers=officer), 409, "conflict")
    view = c.get(f"/api/v1/financing/mudharabah/{cid}", headers=officer).json()
    assert view["share_receivable"] == "2400000" and view["balances"]["profit_share_receivable"] == "2400000"
    assert view["detail"]["projection"] == [{"period_end": "2025-06-16", "projected_bmt_share": "2400000", "actual_bmt_share": "2400000", "difference": "0", "realisation_percent": "100.00"}]
    assert view["detail"]["arrears"]["overdue"] == "0"  # due ten days after the period
    paid = c.post(f"/api/v1/financing/mudharabah/{cid}/payments", json={"amount": "2400000"}, headers=token(c, w, "teller")).json()
    assert paid["share_receivable"] == "0"
    back = c.post(f"/api/v1/financing/mudharabah/{cid}/capital-return", json={"amount": "50000000"}, headers=mgr).json()
    assert (back["status"], back["outstanding"]) == ("settled", "0")


def test_musyarakah_and_qardh_through_the_api(bank) -> None:
    c, w, _ = bank
    cid, mgr = disbursed(c, w, "musyarakah", {"bmt_capital": "60000000", "partner_capital": "40000000", "bmt_nisbah": "35"})
    officer = token(c, w, "financing_officer")
    assert c.post(f"/api/v1/financing/musyarakah/{cid}/contributions", json={"amount": "20000000"}, headers=officer).json()["partner_capital"] == "60000000"
    loss = c.post(f"/api/v1/financing/musyarakah/{cid}/loss", json={"amount": "10000000", "bmt_part": "5000000"}, headers=mgr).json()
    assert (loss["bmt_loss"], loss["partner_loss"], loss["outstanding"]) == ("5000000", "5000000", "55000000")

    qid, _ = disbursed(c, w, "qardh", {"principal": "2000000", "admin_fee": "50000", "documented_real_costs": "50000", "cost_documents": "Meterai", "installments": 2, "first_due_date": "2025-07-16"})
    teller = token(c, w, "teller")
    paid = c.post(f"/api/v1/financing/qardh/{qid}/repay", json={"amount": "1000000", "fee": "50000"}, headers=teller).json()
    assert (paid["amount"], paid["fee"], paid["outstanding"], len(paid["entry_ids"])) == ("1000000", "50000", "1000000", 2)
    view = c.get(f"/api/v1/financing/qardh/{qid}", headers=teller).json()
    assert view["detail"]["fee_collected"] == "50000" and [r["status"] for r in view["schedule"]] == ["paid", "open"]


# ------------------------------------------------------------------------------------------------ guards


def test_another_cooperatives_contract_is_not_found(bank) -> None:
    c, w, other = bank
    cid, _ = applied(c, w, "mmq", MMQ)
    stranger = token(c, other, "manager")
    problem(c.get(f"/api/v1/financing/mmq/{cid}", headers=stranger), 404, "not_found")
    problem(c.post(f"/api/v1/financing/mmq/{cid}/approve", headers=stranger), 404, "not_found")
    problem(c.get(f"/api/v1/financing/mudharabah/{cid}", headers=token(c, w, "manager")), 404, "not_found")  # another akad's path


def test_an_api_call_without_a_token_is_refused(bank) -> None:
    c, _, _ = bank
    assert c.get("/api/v1/financing/qardh/").status_code == 401


# ------------------------------------------------------------------------------------------------ refusals: problem details, nothing written


def test_a_fixed_rupiah_return_on_mudharabah_is_refused_and_nothing_is_written(bank) -> None:
    c, w, _ = bank
    officer = token(c, w, "financing_officer")
    mid = member_id(c, officer)
    before = written(w)
    r = c.post("/api/v1/financing/mudharabah/applications", json={"member_id": mid, **MUDHARABAH, "fixed_return": "1500000"}, headers=officer)
    body = problem(r, 422, "sharia_violation", "MDH-01")
    assert "nisbah" in body["title"]
    assert written(w) == before


def test_a_loss_charged_to_a_mudharib_without_proven_negligence_is_refused_and_nothing_is_written(bank) -> None:
    c, w, _ = bank
    cid, mgr = disbursed(c, w, "mudharabah", MUDHARABAH)
    before = written(w)
    r = c.post(f"/api/v1/financing/mudharabah/{cid}/loss", json={"amount": "5000000", "negligence_proven": False, "charge_to_mudharib": "5000000"}, headers=mgr)
    problem(r, 422, "sharia_violation", "MDH-03")
    assert written(w) == before
    assert c.get(f"/api/v1/financing/mudharabah/{cid}", headers=mgr).json()["outstanding"] == "50000000"
    ok = c.post(f"/api/v1/financing/mudharabah/{cid}/loss", json={"amount": "5000000"}, headers=mgr).json()
    assert (ok["borne_by_bmt"], ok["charged_to_mudharib"], ok["outstanding"]) == ("5000000", "0", "45000000")


def test_a_qardh_fee_beyond_the_documented_real_costs_is_refused_and_nothing_is_written(bank) -> None:
    c, w, _ = bank
    officer = token(c, w, "financing_officer")
    mid = member_id(c, officer)
    before = written(w)
    r = c.post("/api/v1/financing/qardh/applications", json={"member_id": mid, "principal": "2000000", "admin_fee": "100000", "documented_real_costs": "50000", "cost_documents": "Meterai"}, headers=officer)
    problem(r, 422, "sharia_violation", "QRD-01")
    assert written(w) == before

    qid, _ = disbursed(c, w, "qardh", {"principal": "2000000", "admin_fee": "50000", "documented_real_costs": "50000", "cost_documents": "Meterai"})
    teller = token(c, w, "teller")
    before = written(w)
    problem(c.post(f"/api/v1/financing/qardh/{qid}/repay", json={"amount": "500000", "fee": "75000"}, headers=teller), 422, "sharia_violation", "QRD-01")
    problem(c.post(f"/api/v1/financing/qardh/{qid}/repay", json={"amount": "2500000"}, headers=teller), 422, "sharia_violation", "QRD-01")
    assert written(w) == before


def test_bad_input_gets_a_400_problem_and_a_musyarakah_loss_off_capital_is_refused(bank) -> None:
    c, w, _ = bank
    officer = token(c, w, "financing_officer")
    mid = member_id(c, officer)
    before = written(w)
    problem(c.post("/api/v1/financing/mmq/applications", json={"member_id": mid, **MMQ, "bmt_share_amount": "150000000"}, headers=officer), 400, "invalid_input")
    problem(c.post("/api/v1/financing/mudharabah/applications", json={"member_id": mid, **MUDHARABAH, "bmt_nisbah": "100"}, headers=officer), 400, "invalid_input")
    assert c.post("/api/v1/financing/qardh/applications", json={"member_id": mid, "principal": "1", "interest": "5"}, headers=officer).status_code == 400
    assert written(w) == before
    cid, mgr = disbursed(c, w, "musyarakah", {"bmt_capital": "60000000", "partner_capital": "40000000", "bmt_nisbah": "35"})
    before = written(w)
    problem(c.post(f"/api/v1/financing/musyarakah/{cid}/loss", json={"amount": "8000000", "bmt_part": "2800000"}, headers=mgr), 422, "sharia_violation", "MSY-01")
    assert written(w) == before


# ------------------------------------------------------------------------------------------------ documents and pages


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is missing")
def test_the_akad_pdfs_are_in_indonesian_with_amounts_in_words_and_the_hijri_date(bank, tmp_path: Path) -> None:
    c, w, _ = bank
    cid, mgr = disbursed(c, w, "mudharabah", MUDHARABAH)
    r = c.get(f"/api/v1/financing/mudharabah/{cid}/akad.pdf", headers=mgr)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(r.content, tmp_path).split())
    assert "AKAD PEMBIAYAAN MUDHARABAH" in text and "Lima puluh juta rupiah" in text
    assert "40,00% untuk BMT" in text and "60,00% untuk mudharib" in text
    assert "16 Juni 2025" in text and "1446 H" in text and "Euis Komariah" in text
    mmq, _ = disbursed(c, w, "mmq", MMQ)
    text = " ".join(pdf_text(c.get(f"/api/v1/financing/mmq/{mmq}/akad.pdf", headers=mgr).content, tmp_path).split())
    assert "MUSYARAKAH MUTANAQISAH" in text and "Seratus dua puluh juta rupiah" in text and "6.200.000" in text
    qid, _ = disbursed(c, w, "qardh", {"principal": "2000000"})
    text = " ".join(pdf_text(c.get(f"/api/v1/financing/qardh/{qid}/akad.pdf", headers=mgr).content, tmp_path).split())
    assert "sebesar pokok pinjaman saja" in text and "Dua juta rupiah" in text


def test_the_pages_apply_approve_disburse_and_show_a_refusal_on_the_form(bank) -> None:
    c, w, _ = bank
    officer = token(c, w, "financing_officer")
    member = new_member(c, officer, next(_serial))
    web_login(c, w, "financing_officer")
    r = submit(c, "/pembiayaan/musyarakah/baru", anggota=member["member_no"], bmt_capital="60.000.000", partner_capital="40.000.000", bmt_nisbah="35")
    assert r.status_code == 200 and "Menunggu persetujuan" in r.text.replace("menunggu", "Menunggu")
    cid = int(str(r.url).rstrip("/").split("?")[0].rsplit("/", 1)[1])
    refused = submit(c, "/pembiayaan/qardh/baru", anggota=member["member_no"], principal="2.000.000", admin_fee="100.000", documented_real_costs="50.000", cost_documents="Meterai")
    assert refused.status_code == 422 and "melebihi biaya riil" in refused.text
    web_login(c, w, "manager")
    page = c.get(f"/pembiayaan/musyarakah/{cid}")
    assert page.status_code == 200 and 'id="form-setujui"' in page.text
    assert "disetujui" in submit(c, f"/pembiayaan/musyarakah/{cid}/setujui").text
    done = submit(c, f"/pembiayaan/musyarakah/{cid}/cairkan", idempotency_key="form-cair-1")
    assert done.status_code == 200 and "dicairkan Rp60.000.000" in done.text and 'id="form-kerugian"' in done.text and 'id="form-cairkan"' not in done.text
    bad = submit(c, f"/pembiayaan/musyarakah/{cid}/kerugian", amount="200.000.000", idempotency_key="form-rugi-1")
    assert bad.status_code == 422 and 'id="action-error"' in bad.text and "melebihi modal" in bad.text
    listing = c.get("/pembiayaan/musyarakah/")
    assert listing.status_code == 200 and "MSY" in listing.text


def test_kebajikan_qardh_needs_the_fund_to_cover_it(bank) -> None:
    c, w, _ = bank
    qid, _ = applied(c, w, "qardh", {"principal": "3000000", "source": "kebajikan"})
    mgr = token(c, w, "manager")
    c.post(f"/api/v1/financing/qardh/{qid}/approve", headers=mgr)
    problem(c.post(f"/api/v1/financing/qardh/{qid}/disburse", headers=mgr), 409, "insufficient_balance")

    async def seed() -> None:
        async with w.factory() as uow:
            infaq = entry(TODAY, "Infak kebajikan", Posting.debit("maal_cash", Decimal(5_000_000)), Posting.credit("kebajikan_fund", Decimal(5_000_000)), book="maal")
            await ledger.post(uow, w.actor("manager"), infaq)

    run(seed())
    done = c.post(f"/api/v1/financing/qardh/{qid}/disburse", headers=mgr).json()
    assert done["status"] == "active"
    view = c.get(f"/api/v1/financing/qardh/{qid}", headers=mgr).json()
    assert view["balances"] == {"qardhul_hasan_receivable": "3000000"} and view["detail"]["book"] == "maal"


def test_the_mmq_and_qardh_action_forms_take_payments_review_rent_buy_out_reject_and_forgive(bank) -> None:
    c, w, _ = bank
    mmq, _ = disbursed(c, w, "mmq", MMQ)
    token(c, w, "teller")  # opens the teller's drawer for today
    web_login(c, w, "teller")
    page = c.get(f"/pembiayaan/mmq/{mmq}").text
    assert 'value="6.200.000"' in page and 'id="form-tinjau-sewa"' not in page  # a teller does not review rent
    paid = submit(c, f"/pembiayaan/mmq/{mmq}/angsuran", amount="6.200.000", idempotency_key="k-ang-1")
    assert "Angsuran Rp6.200.000 diterima" in paid.text and "Rp115.000.000" in paid.text
    again = submit(c, f"/pembiayaan/mmq/{mmq}/angsuran", amount="6.200.000", idempotency_key="k-ang-1")  # a double submit
    assert c.get(f"/api/v1/financing/mmq/{mmq}", headers=token(c, w, "manager")).json()["outstanding"] == "115000000" and again.status_code == 200
    web_login(c, w, "manager")
    refused = submit(c, f"/pembiayaan/mmq/{mmq}/tinjau-sewa", from_month="1", monthly_rent="1.800.000", idempotency_key="k-sewa-0")
    assert refused.status_code == 422 and "belum dibayar" in refused.text
    reviewed = submit(c, f"/pembiayaan/mmq/{mmq}/tinjau-sewa", from_month="13", monthly_rent="1.800.000", idempotency_key="k-sewa-1")
    assert "jadwal versi 2" in reviewed.text
    web_login(c, w, "teller")
    out = submit(c, f"/pembiayaan/mmq/{mmq}/pelunasan", expected_amount="115.000.000", idempotency_key="k-lunas-1")
    assert "Pelunasan dipercepat Rp115.000.000 diterima" in out.text and 'id="contract-status" class="badge">Lunas' in out.text

    qardh, _ = applied(c, w, "qardh", {"principal": "1000000"})
    web_login(c, w, "manager")
    rejected = submit(c, f"/pembiayaan/qardh/{qardh}/tolak", reason="Dokumen belum lengkap")
    assert "ditolak" in rejected.text and "Dokumen belum lengkap" in rejected.text
    active, _ = disbursed(c, w, "qardh", {"principal": "1000000", "source": "commercial"})
    no_fund = submit(c, f"/pembiayaan/qardh/{active}/bebaskan", reason="Anggota sakit berat", idempotency_key="k-ibra-1")
    assert no_fund.status_code == 422 and "tidak cukup" in no_fund.text


def test_ending_a_mudharabah_akad_early_through_the_api_and_the_contract_page(bank) -> None:
    c, w, _ = bank
    cid, mgr = disbursed(c, w, "mudharabah", MUDHARABAH)
    problem(c.post(f"/api/v1/financing/mudharabah/{cid}/end-akad", json={"reason": "x"}, headers=token(c, w, "teller")), 403, "permission_denied")
    web_login(c, w, "manager")
    page = c.get(f"/pembiayaan/mudharabah/{cid}")
    assert 'id="form-akhiri-akad"' in page.text and 'id="form-kembali-modal"' in page.text
    done = submit(c, f"/pembiayaan/mudharabah/{cid}/akhiri-akad", reason="usaha berhenti", idempotency_key="form-akhir-1")
    assert done.status_code == 200 and "menjadi piutang mudharabah jatuh tempo" in done.text
    assert 'id="form-akhiri-akad"' not in done.text and 'id="form-kembali-modal"' not in done.text and 'id="form-bayar-piutang"' in done.text
    again = c.post(f"/api/v1/financing/mudharabah/{cid}/end-akad", json={"reason": "lagi"}, headers=mgr)
    problem(again, 409, "conflict")
    view = c.get(f"/api/v1/financing/mudharabah/{cid}", headers=mgr).json()
    assert view["balances"]["mudharabah_due_receivable"] == "50000000" and view["detail"]["ended"] is True
    paid = c.post(f"/api/v1/financing/mudharabah/{cid}/due-payments", json={"amount": "50000000"}, headers=token(c, w, "teller")).json()
    assert (paid["status"], paid["outstanding"]) == ("settled", "0")
