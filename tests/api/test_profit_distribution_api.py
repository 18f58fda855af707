"""The monthly distribution through HTTP (JSON API and the manager's pages), on SQLite and PostgreSQL: Example B
computed, approved by a second manager and posted; reports (screen, PDF, CSV, reconciliation); a member's
explanation of their own share; guards and problem details."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litestar.testing import TestClient

from bmt.config import Settings
from bmt.services import platform
from tests.api.test_teller_pages import bearer, web_login
from tests.conftest import PASSWORD, World, make_world, run
from tests.integration.test_profit_distribution import ExampleB, _seed_example_b

JULY1 = date(2025, 7, 1)


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, ExampleB]]:
    from bmt.api.app import create_app

    w = run(make_world(db_url, today=JULY1))
    ex = run(_seed_example_b(w))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=JULY1)
    with TestClient(app) as c:
        yield c, ex
    run(w.engine.dispose())


def _member_login(c: TestClient, w: World, member_id: int, username: str) -> dict[str, str]:
    async def make() -> None:
        async with w.factory() as uow:
            from bmt.services.uow import SYSTEM

            await platform.create_user(uow, SYSTEM, platform.NewUser(username, "Anggota", "member", PASSWORD, w.coop_id, member_id=member_id))

    run(make())
    r = c.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _computed_and_posted(c: TestClient, ex: ExampleB) -> dict:
    mgr, mgr2 = bearer(c, ex.w, "manager"), bearer(c, ex.w, "manager2")
    r = c.post("/api/v1/profit-sharing/runs", json={"period": "2025-06"}, headers=mgr)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert c.post(f"/api/v1/profit-sharing/runs/{rid}/approve", headers=mgr2).status_code == 200
    r = c.post(f"/api/v1/profit-sharing/runs/{rid}/post", headers=mgr2)
    assert r.status_code == 200, r.text
    return r.json()


def test_example_b_is_computed_approved_by_another_manager_and_posted_through_the_api(shop) -> None:
    c, ex = shop
    mgr, mgr2 = bearer(c, ex.w, "manager"), bearer(c, ex.w, "manager2")
    r = c.post("/api/v1/profit-sharing/runs", json={"period": "2025-06"}, headers=mgr)
    assert r.status_code == 201, r.text
    body = r.json()
    pools = {p["code"]: p for p in body["pools"]}
    assert body["status"] == "draft" and body["income"] == "16234567" and body["financing_adb"] == "800000000" and body["divisor"] == "1000000000"
    assert (pools["TM"]["income_share"], pools["TM"]["member_share"], pools["TM"]["residue"]) == ("4870370.1", "1461111.03", "1.03")
    assert pools["D12"]["member_share"] == "1339351.7775" and body["member_share"] == "4261573.8375" and body["bmt_share"] == "11972993.1625"
    approve = c.post(f"/api/v1/profit-sharing/runs/{body['id']}/approve", headers=mgr)
    assert approve.status_code == 403 and approve.headers["content-type"].startswith("application/problem+json")
    assert c.post(f"/api/v1/profit-sharing/runs/{body['id']}/post", headers=mgr2).status_code == 409
    assert c.post(f"/api/v1/profit-sharing/runs/{body['id']}/approve", headers=mgr2).json()["status"] == "approved"
    posted = c.post(f"/api/v1/profit-sharing/runs/{body['id']}/post", headers=mgr).json()
    assert posted["status"] == "posted" and posted["paid_total"] == "4261571" and len(posted["entry_ids"]) == 1
    e = c.get(f"/api/v1/ledger/entries/{posted['entry_ids'][0]}", headers=mgr).json()
    assert sum(int(x["debit"]) for x in e["lines"]) == 4_261_571 == sum(int(x["credit"]) for x in e["lines"])
    assert all(x["ok"] for x in c.get("/api/v1/savings/subledger-check", headers=mgr).json())
    again = c.post("/api/v1/profit-sharing/runs", json={"period": "2025-06"}, headers=mgr2).json()
    assert again["id"] == body["id"] and again["status"] == "posted" and again["version"] == 1


def test_bad_requests_and_roles_get_problem_details(shop) -> None:
    c, ex = shop
    mgr, teller = bearer(c, ex.w, "manager"), bearer(c, ex.w, "teller")
    assert c.post("/api/v1/profit-sharing/runs", json={"period": "2025-06"}, headers=teller).status_code == 403
    r = c.post("/api/v1/profit-sharing/runs", json={"period": "Juni"}, headers=mgr)
    assert r.status_code == 400 and "YYYY-MM" in r.json()["title"]
    assert c.post("/api/v1/profit-sharing/runs", json={"period": "2025-06", "extra": 1}, headers=mgr).status_code == 400
    assert c.post("/api/v1/profit-sharing/wadiah-bonus", json={"period": "2025-06", "total": "-5"}, headers=mgr).status_code == 400
    assert c.get("/api/v1/profit-sharing/runs/999999", headers=mgr).status_code == 404
    assert c.get("/api/v1/profit-sharing/runs").status_code == 401


def test_reports_per_product_and_account_as_json_csv_pdf_and_the_reconciliation(shop) -> None:
    c, ex = shop
    posted = _computed_and_posted(c, ex)
    rid, mgr = posted["id"], bearer(c, ex.w, "manager")
    lines = c.get(f"/api/v1/profit-sharing/runs/{rid}/accounts", headers=mgr).json()
    by_id = {x["account_id"]: x for x in lines}
    assert by_id[ex.acc["TM-B"]]["adb"] == "92000000" and by_id[ex.acc["TM-B"]]["share_exact"] == "448074.0492" and by_id[ex.acc["TM-B"]]["share_paid"] == "448074"
    page2 = c.get(f"/api/v1/profit-sharing/runs/{rid}/accounts", params={"after": lines[2]["account_id"], "limit": 2}, headers=mgr).json()
    assert [x["account_id"] for x in page2] == [x["account_id"] for x in lines[3:5]]
    r = c.get(f"/api/v1/profit-sharing/runs/{rid}/accounts.csv", headers=mgr)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 7 and sum(int(x["share_paid"]) for x in rows) == 4_261_571
    rec = c.get(f"/api/v1/profit-sharing/runs/{rid}/reconciliation", headers=mgr).json()
    assert [x["amount"] for x in rec["rows"]][:4] == ["16234567", "0", "0", "16234567"]
    assert rec["depositors_share"] == "4261573.8375" and rec["bmt_share"] == "11972993.1625"
    web_login(c, ex.w, "manager")
    pdf = c.get(f"/bagi-hasil/distribusi/{rid}/laporan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
        assert "Mudharabah" in text and "Rp448.074" in text and "1.461.111,03" in text
    assert c.get(f"/bagi-hasil/distribusi/{rid}/rekonsiliasi.pdf").content.startswith(b"%PDF")
    assert "16.234.567" in c.get(f"/bagi-hasil/distribusi/{rid}/rekonsiliasi").text


def test_a_member_sees_how_their_own_share_was_made_and_nobody_elses(shop) -> None:
    c, ex = shop
    _computed_and_posted(c, ex)
    me = _member_login(c, ex.w, ex.member, f"anggota.{ex.w.coop_id}")
    r = c.get(f"/api/v1/profit-sharing/accounts/{ex.acc['TM-B']}/explanation", params={"period": "2025-06"}, headers=me)
    assert r.status_code == 200, r.text
    e = r.json()
    assert (e["account_adb"], e["product_adb"], e["income_share"], e["nisbah_percent"], e["share_paid"]) == ("92000000", "300000000", "4870370.1", "30", "448074")
    assert e["equivalent_rate_percent"].startswith("5.844444")
    assert c.get(f"/api/v1/profit-sharing/accounts/{ex.acc['TM-B']}/explanation", params={"period": "2025-05"}, headers=me).status_code == 404
    assert c.get("/api/v1/profit-sharing/runs", headers=me).status_code == 403

    async def other_member() -> int:
        from bmt.services import members
        from tests.conftest import nik_for

        async with ex.w.factory() as uow:
            return (await members.register(uow, ex.w.actor("manager"), members.RegisterMember(nik_for(date(1985, 1, 1), 9), "Orang Lain", date(1985, 1, 1), "Bandung", "081234567890", simpanan_pokok_paid=False))).id

    stranger = _member_login(c, ex.w, run(other_member()), f"lain.{ex.w.coop_id}")
    assert c.get(f"/api/v1/profit-sharing/accounts/{ex.acc['TM-B']}/explanation", params={"period": "2025-06"}, headers=stranger).status_code == 404


def test_the_managers_pages_compute_approve_and_post_with_csrf(shop) -> None:
    c, ex = shop
    web_login(c, ex.w, "manager")
    assert "Distribusi bagi hasil" in c.get("/bagi-hasil/distribusi").text
    token = c.cookies.get("csrftoken")
    r = c.post("/bagi-hasil/distribusi", data={"period": "2025-13", "_csrf_token": token})
    assert r.status_code == 400 and "periode" in r.text.lower()
    r = c.post("/bagi-hasil/distribusi", data={"period": "2025-06", "_csrf_token": token}, follow_redirects=False)
    assert r.status_code in (302, 303)
    rid = int(re.search(r"/bagi-hasil/distribusi/(\d+)", r.headers["location"]).group(1))
    page = c.get(f"/bagi-hasil/distribusi/{rid}").text
    assert "4.870.370,10" in page and "Draf" in page
    r = c.post(f"/bagi-hasil/distribusi/{rid}/setujui", data={"_csrf_token": token})
    assert r.status_code == 403 and "pembuat tidak boleh menyetujui" in r.text
    c.get("/logout")
    c.cookies.clear()
    web_login(c, ex.w, "manager2")
    token = c.cookies.get("csrftoken")
    assert c.post(f"/bagi-hasil/distribusi/{rid}/setujui", data={"_csrf_token": token}, follow_redirects=False).status_code in (302, 303)
    assert c.post(f"/bagi-hasil/distribusi/{rid}/posting", data={"_csrf_token": token}, follow_redirects=False).status_code in (302, 303)
    assert "Diposting" in c.get(f"/bagi-hasil/distribusi/{rid}").text
    lines = c.get(f"/bagi-hasil/distribusi/{rid}/rekening").text
    assert "448.074" in lines
    explain = c.get(f"/bagi-hasil/rekening/{ex.acc['TM-B']}", params={"periode": "2025-06"})
    assert explain.status_code == 200 and "92.000.000" in explain.text and "448.074" in explain.text
    assert c.get(f"/bagi-hasil/rekening/{ex.acc['TM-B']}/pdf", params={"periode": "2025-06"}).content.startswith(b"%PDF")


def test_the_wadiah_bonus_form_drafts_a_bonus_for_approval(shop) -> None:
    c, ex = shop
    web_login(c, ex.w, "manager")
    assert "Total bonus" in c.get("/bagi-hasil/bonus-wadiah").text
    token = c.cookies.get("csrftoken")
    r = c.post("/bagi-hasil/bonus-wadiah", data={"period": "2025-06", "total": "", "_csrf_token": token})
    assert r.status_code == 400 and "bonus" in r.text.lower()
    r = c.post("/bagi-hasil/bonus-wadiah", data={"period": "2025-06", "total": "250.000", "_csrf_token": token}, follow_redirects=False)
    assert r.status_code in (302, 303)
    rid = int(re.search(r"/bagi-hasil/distribusi/(\d+)", r.headers["location"]).group(1))
    body = c.get(f"/api/v1/profit-sharing/runs/{rid}", headers=bearer(c, ex.w, "manager")).json()
    assert body["kind"] == "wadiah_bonus" and body["income"] == "250000" and body["paid_total"] == "250000"
