"""The cooperative office through HTTP, on SQLite and PostgreSQL: the health score of a seeded cooperative
worked by hand, its report and trend, and a supervisor who sees only its region and can change nothing."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from bmt.config import Settings
from bmt.ledger import Posting, entry
from bmt.persistence.models import AuditEvent, Cooperative, JournalEntry, Member
from bmt.persistence.models_financing import FinancingContract
from bmt.services import ledger, platform
from bmt.services.uow import SYSTEM
from tests.api.test_teller_pages import bearer
from tests.conftest import PASSWORD, TODAY, World, make_world, nik_for, run

D = Decimal
M = 1_000_000
# The seeded cooperative's books: an opening balance at the end of 2024, then the year's income and costs.
OPENING = (
    ("debit", "cash", 16 * M), ("debit", "murabahah_receivable", 138_580_000), ("debit", "fixed_assets", 50 * M),
    ("credit", "ppap", 8_580_000), ("credit", "wadiah_savings", 40 * M), ("credit", "mudharabah_savings", 50 * M), ("credit", "mudharabah_deposits", 70 * M),
    ("credit", "other_liabilities", 10 * M), ("credit", "simpanan_pokok", 5 * M), ("credit", "simpanan_wajib", 20 * M), ("credit", "reserves", 1 * M),
)
YEAR = (
    ("debit", "cash", 22 * M), ("credit", "murabahah_income", 20 * M), ("credit", "other_income", 2 * M),
    ("debit", "salary_expense", 6 * M), ("debit", "operating_expense", 5 * M), ("debit", "depreciation_expense", 1 * M), ("debit", "profit_sharing_expense", 6 * M), ("credit", "cash", 18 * M),
)
# domain.md §11 Example F: outstanding, collateral, class.
CONTRACTS = ((40 * M, 0, "L"), (25 * M, 0, "L"), (15 * M, 6 * M, "KL"), (12 * M, 5 * M, "D"), (8 * M, 2 * M, "M"))
YES = ["mu1", "mu2", "mu3", "mu4", "mk1", "mk2", "mk3", "mp1", "mp2", "ma1", "ma2", "ma3", "ks1", "ks2", "ks3", "ks4", "ks5", "ks6"]

# Worked by hand from the books above (ratio %, score): total 72.32 -> Cukup Sehat.
EXPECTED = {
    "modal_sendiri_aset": ("15.00", "3.75"),  # 30.000.000 / 200.000.000
    "car": ("16.67", "5.00"),  # 30.000.000 / ATMR 180.000.000 (cash 0 %)
    "npf": ("35.00", "2.50"),  # (15+12+8) / 100 juta
    "portofolio_berisiko": ("35.00", "1.25"),
    "rasio_ppap": ("80.00", "2.50"),  # 8.580.000 / 10.725.000
    "biaya_operasional_partisipasi": ("60.00", "4.00"),  # 12 / 20 juta
    "aktiva_tetap_aset": ("25.00", "4.00"),
    "efisiensi_pelayanan": ("6.00", "1.50"),
    "cash_ratio": ("20.00", "10.00"),  # 20 / (50 + 50) juta
    "pembiayaan_dana_diterima": ("52.63", "2.50"),  # 100 / (160 + 30) juta
    "rentabilitas_aset": ("2.00", "1.50"),
    "rentabilitas_modal_sendiri": ("13.33", "3.00"),
    "kemandirian_operasional": ("122.22", "2.00"),
    "partisipasi_bruto": ("90.91", "5.00"),
    "promosi_ekonomi_anggota": ("16.00", "5.00"),
    "kepatuhan_syariah": ("85.71", "8.57"),
}


def _post(side: str, key: str, amount: int) -> Posting:
    return Posting.debit(key, D(amount)) if side == "debit" else Posting.credit(key, D(amount))


async def seed_books(w: World) -> None:
    """The cooperative above: two entries and the five contracts of Example F."""
    mgr = w.actor("manager")
    async with w.factory() as uow:
        await ledger.post(uow, mgr, entry(date(2024, 12, 31), "Saldo awal", *(_post(*x) for x in OPENING)))
        await ledger.post(uow, mgr, entry(date(2025, 3, 31), "Pendapatan dan beban triwulan I", *(_post(*x) for x in YEAR)))
        m = Member(cooperative_id=w.coop_id, member_no="A9", nik=nik_for(date(1980, 1, 1), 9), name="Pembiaya", birth_date=date(1980, 1, 1), address="-", phone="081200000000", joined_on=date(2020, 1, 1), status="active")
        uow.session.add(m)
        await uow.session.flush()
        for i, (out, col, cls) in enumerate(CONTRACTS, start=1):
            uow.session.add(FinancingContract(
                cooperative_id=w.coop_id, member_id=m.id, kind="murabahah", contract_no=f"MRB-{i}", status="active", maker_id=mgr.user_id, applied_on=date(2024, 1, 1),
                principal=D(out), outstanding=D(out), outstanding_principal=D(out), collateral_value=D(col), collectibility=cls,
            ))


async def add_supervisor(w: World, region: str) -> str:
    name = f"dinas.{uuid.uuid4().hex[:8]}"
    async with w.factory() as uow:
        await platform.create_user(uow, SYSTEM, platform.NewUser(name, "Dinas Koperasi", "supervisor", PASSWORD, None, region_code=region))
    return name


async def set_region(w: World, region: str) -> None:
    async with w.factory() as uow:
        await uow.session.execute(update(Cooperative).where(Cooperative.id == w.coop_id).values(region_code=region))


@pytest.fixture
def office(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, World, World, dict]]:
    """Cooperatives A and B in one city of a region of their own, C in another province; a supervisor of the region."""
    from bmt.api.app import create_app

    a, b, c_ = run(make_world(db_url)), run(make_world(db_url)), run(make_world(db_url))
    tag = uuid.uuid4().hex[:6]
    region = f"32.{tag}"
    run(set_region(a, f"{region}.01"))
    run(set_region(b, region))
    run(set_region(c_, f"33.{tag}.01"))
    run(seed_books(a))
    sup = run(add_supervisor(a, region))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as client:
        r = client.post("/api/v1/auth/token", json={"username": sup, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield client, a, b, c_, {"username": sup, "headers": {"Authorization": f"Bearer {r.json()['access_token']}"}, "region": region}
    for w in (a, b, c_):
        run(w.engine.dispose())


def _assess(c: TestClient, w: World, **over: object) -> dict:
    body = {"framework": "perdep_07_2016", "period_start": "2025-01-01", "period_end": "2025-06-16", "answers": dict.fromkeys(YES, True), **over}
    r = c.post("/api/v1/health/assessments", json=body, headers=bearer(c, w, "manager"))
    assert r.status_code == 201, r.text
    return r.json()


def test_the_health_score_of_the_seeded_cooperative_matches_the_hand_computation(office) -> None:
    c, a, *_ = office
    got = _assess(c, a)
    assert got["figures"]["total_aset"] == "200000000" and got["figures"]["modal_sendiri"] == "30000000"
    assert got["figures"]["ppap_wajib"] == "10725000" and got["figures"]["atmr"] == "180000000"
    lines = {x["key"]: (x["percent"], x["score"]) for asp in got["result"]["aspects"] for x in asp["components"] if x["key"] in EXPECTED}
    assert lines == EXPECTED
    assert got["score"] == "72.32" and got["band"] == "Cukup Sehat"
    # The weights and cut-offs used are stored with the assessment.
    stored = c.get(f"/api/v1/health/assessments/{got['id']}", headers=bearer(c, a, "accountant")).json()
    assert stored["score"] == "72.32" and stored["result"]["framework"] == "perdep_07_2016"


def test_the_draft_prefills_nothing_without_dps_findings_and_a_teller_cannot_save(office) -> None:
    c, a, *_ = office
    r = c.get("/api/v1/health/draft", params={"framework": "permenkop_9_2020", "period_start": "2025-01-01", "period_end": "2025-06-16"}, headers=bearer(c, a, "dps"))
    assert r.status_code == 200 and r.json()["result"]["framework"] == "permenkop_9_2020"
    body = {"framework": "perdep_07_2016", "period_start": "2025-01-01", "period_end": "2025-06-16"}
    assert c.post("/api/v1/health/assessments", json=body, headers=bearer(c, a, "teller")).status_code == 403
    bad = {**body, "period_start": "2025-07-01"}
    assert c.post("/api/v1/health/assessments", json=bad, headers=bearer(c, a, "manager")).status_code == 400


def test_the_report_pdf_shows_each_ratio_its_inputs_and_the_trend(office) -> None:
    c, a, *_ = office
    _assess(c, a, period_end="2025-03-31", answers={})
    got = _assess(c, a)
    from tests.api.test_teller_pages import web_login

    web_login(c, a, "manager")
    form = c.get("/kesehatan/baru", params={"kerangka": "perdep_07_2016", "dari": "2025-01-01", "sampai": "2025-06-16"})
    assert form.status_code == 200 and 'name="q_ks1"' in form.text and "Rp10.725.000" in form.text
    index = c.get("/kesehatan/")
    assert index.status_code == 200 and index.text.count("<circle") == 2
    page = c.get(f"/kesehatan/{got['id']}")
    assert page.status_code == 200 and "<svg" in page.text and "72.32" in page.text and "Cukup Sehat" in page.text
    assert page.text.count("<circle") == 2  # two periods in the trend
    r = c.get(f"/kesehatan/{got['id']}/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
        assert "Cash ratio" in text and "72.32" in text and "Rp10.725.000" in text and "Cukup Sehat" in text


def test_a_supervisor_sees_its_regions_cooperatives_with_totals_and_no_others(office) -> None:
    c, a, b, other, sup = office
    _assess(c, a)
    r = c.get("/api/v1/supervision/cooperatives", headers=sup["headers"])
    assert r.status_code == 200, r.text
    items = {x["id"]: x for x in r.json()["items"]}
    assert set(items) == {a.coop_id, b.coop_id}
    assert items[a.coop_id]["band"] == "Cukup Sehat" and items[a.coop_id]["npf_percent"] == "35.00" and items[a.coop_id]["assets"] == "200000000"
    assert items[a.coop_id]["last_rat"] is None  # the RAT service reports none yet
    totals = r.json()["totals"]
    assert totals["cooperatives"] == 2 and totals["financing"] == "100000000" and totals["npf_percent"] == "35.00" and totals["members"] == 1
    assert c.get(f"/api/v1/supervision/cooperatives/{other.coop_id}", headers=sup["headers"]).status_code == 404
    d = c.get(f"/api/v1/supervision/cooperatives/{a.coop_id}", headers=sup["headers"]).json()
    assert d["assessments"][0]["band"] == "Cukup Sehat" and any(x["code"] == "1101" for x in d["trial_balance"])
    # Staff of a cooperative never reach the office's view; the office never reaches a cooperative's own API.
    assert c.get("/api/v1/supervision/cooperatives", headers=bearer(c, a, "manager")).status_code == 403
    assert c.get("/api/v1/members/", headers=sup["headers"]).status_code == 403


def test_the_office_exports_its_list_to_excel_and_reads_a_report_it_supervises(office) -> None:
    from openpyxl import load_workbook

    c, a, b, other, sup = office
    got = _assess(c, a)
    c.get("/login")
    r = c.post("/login", data={"username": sup["username"], "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert c.get("/", follow_redirects=False).headers["location"] == "/dinas"
    listing = c.get("/dinas")
    assert listing.status_code == 200 and re.search(r'id="jumlah-koperasi">2<', listing.text)
    x = c.get("/dinas/ekspor.xlsx")
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content)).active
    names = [ws.cell(row=i, column=2).value for i in range(3, ws.max_row + 1)]
    assert len(names) == 3 and names[-1] == "Jumlah" and D(str(ws.cell(row=ws.max_row, column=8).value)) == D(200_000_000)
    assert c.get(f"/dinas/koperasi/{a.coop_id}/kesehatan/{got['id']}").status_code == 200
    assert c.get(f"/dinas/koperasi/{a.coop_id}/kesehatan/{got['id']}/pdf").content.startswith(b"%PDF")
    assert c.get(f"/dinas/koperasi/{other.coop_id}").status_code == 404
    assert c.get(f"/dinas/koperasi/{b.coop_id}/kesehatan/{got['id']}").status_code == 404  # not B's assessment


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_a_supervisor_can_change_nothing_every_post_is_refused(office) -> None:
    c, a, b, _, sup = office
    app = c.app
    writes = sorted({(_concrete(p.path), m) for p in app.routes for h in getattr(p, "route_handlers", []) for m in h.http_methods if m in ("POST", "PUT", "PATCH", "DELETE")})
    assert len(writes) > 20
    c.get("/login")
    c.post("/login", data={"username": sup["username"], "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")})
    csrf = c.cookies.get("csrftoken")
    before = _counts(a, b, sup["username"])
    allowed = []
    for path, method in writes:
        if path in ("/login", "/logout", "/api/v1/auth/token"):
            continue
        if path.startswith("/api/"):
            r = c.request(method, path, json={}, headers=sup["headers"])
        else:
            r = c.request(method, path, data={"_csrf_token": csrf}, headers={"x-csrftoken": csrf}, follow_redirects=False)
        if r.status_code < 400:
            allowed.append((method, path, r.status_code))
    # What answers at all are the public calculators, which store nothing; the counts below prove it.
    assert all("simulasi" in p or "kalkulator" in p or "/quote" in p or "/calculate" in p or "/simulate" in p for _, p, _ in allowed), allowed
    assert _counts(a, b, sup["username"]) == before


def _counts(a: World, b: World, username: str) -> tuple[int, ...]:
    async def go() -> tuple[int, ...]:
        async with a.factory() as uow:
            s = uow.session
            by_sup = (await s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == username, AuditEvent.action != "auth.login"))).scalar_one()
            entries = (await s.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id.in_([a.coop_id, b.coop_id])))).scalar_one()
            members = (await s.execute(select(func.count()).select_from(Member).where(Member.cooperative_id.in_([a.coop_id, b.coop_id])))).scalar_one()
            return by_sup, entries, members

    return run(go())
