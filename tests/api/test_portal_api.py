"""Member self-service through HTTP, on SQLite and PostgreSQL: activation with a one-time code, the member's
own pages and API (never another member's), complaints from filing to closing, the public complaint page."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from bmt.config import Settings
from bmt.persistence.models import AuditEvent, Cooperative
from bmt.persistence.models_portal import ActivationCode, Complaint
from bmt.services import member_portal
from tests.api.test_platform_api import new_member, token
from tests.api.test_teller_pages import bearer, web_login
from tests.conftest import TODAY, World, make_world, run

MEMBER_PASSWORD = "sandi-anggota-1"


@pytest.fixture
def portal(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, World, dict]]:
    """Two cooperatives; in the first, members m1 and m2 with a savings account each; in the second, m3."""
    from bmt.api.app import create_app

    a, b = run(make_world(db_url)), run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        data = {}
        for w, names in ((a, ("m1", "m2")), (b, ("m3",))):
            mgr, t = bearer(c, w, "manager"), token(c, w, "teller")
            r = c.post("/api/v1/savings/products", json={"code": "TW", "name": "Tabungan Wadiah", "kind": "wadiah", "min_opening": "10000"}, headers=mgr)
            assert r.status_code == 201, r.text
            for i, name in enumerate(names, start=1):
                m = new_member(c, t, 700 + i + (10 if w is b else 0), name=f"Anggota {name}")
                acc = c.post("/api/v1/savings/accounts", json={"member_id": m["id"], "product_id": r.json()["id"], "initial_deposit": str(100_000 * i)}, headers=t).json()
                data[name] = {"member": m, "account": acc["account_id"], "world": w}
        c.cookies.clear()
        yield c, a, b, data
    run(a.engine.dispose())
    run(b.engine.dispose())


def coop_code(w: World) -> str:
    async def go() -> str:
        async with w.factory() as uow:
            return (await uow.session.get(Cooperative, w.coop_id)).code

    return run(go())


def activate(w: World, member_id: int, member_no: str, password: str = MEMBER_PASSWORD) -> str:
    """Issue a code as the teller and use it (services), returning the member's username."""

    async def go() -> str:
        async with w.factory() as uow:
            issued = await member_portal.create_activation_code(uow, w.actor("teller"), member_id)
        async with w.factory() as uow:
            username = await member_portal.activate(uow, member_portal.Activation(issued.coop_code, member_no, issued.code, password, password))
        assert username is not None
        return username

    return run(go())


def member_token(c: TestClient, w: World, who: dict) -> dict[str, str]:
    username = activate(w, who["member"]["id"], who["member"]["member_no"])
    r = c.post("/api/v1/auth/token", json={"username": username, "password": MEMBER_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_teller_makes_a_code_the_member_sets_a_password_and_logs_in_with_the_member_number(portal) -> None:
    c, a, _, data = portal
    m = data["m1"]["member"]
    web_login(c, a, "teller")
    r = c.post(f"/anggota/{m['id']}/kode-aktivasi", data={"_csrf_token": c.cookies.get("csrftoken")})
    assert r.status_code == 200, r.text
    code = re.search(r'id="kode-aktivasi">([A-Z0-9-]+)<', r.text).group(1)
    c.cookies.clear()
    c.get("/aktivasi")
    form = {"coop_code": coop_code(a), "member_no": m["member_no"], "code": code.lower(), "password": MEMBER_PASSWORD, "password_again": MEMBER_PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}
    r = c.post("/aktivasi", data=form)
    assert r.status_code == 200 and f"{coop_code(a)}-{m['member_no']}".lower() in r.text
    r = c.post("/masuk-anggota", data={"coop_code": coop_code(a), "member_no": m["member_no"], "password": MEMBER_PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/saya"
    home = c.get("/saya")
    assert home.status_code == 200 and "Anggota m1" in home.text and "Rp100.000" in home.text
    assert c.get("/", follow_redirects=False).headers["location"] == "/saya"
    # The code was single use.
    c.cookies.clear()
    c.get("/aktivasi")
    r = c.post("/aktivasi", data={**form, "_csrf_token": c.cookies.get("csrftoken")})
    assert r.status_code == 422 and "kode aktivasi salah" in r.text


def test_only_a_keyed_hash_of_the_code_is_stored_and_it_expires_after_24_hours(portal) -> None:
    c, a, _, data = portal
    m = data["m1"]["member"]

    async def go() -> None:
        async with a.factory() as uow:
            issued = await member_portal.create_activation_code(uow, a.actor("manager"), m["id"])
        async with a.factory() as uow:
            row = (await uow.session.execute(select(ActivationCode).where(ActivationCode.member_id == m["id"]))).scalar_one()
            assert issued.code.replace("-", "") not in row.code_hash and len(row.code_hash) == 64
            assert timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=24)
            await uow.session.execute(update(ActivationCode).where(ActivationCode.id == row.id).values(expires_at=row.created_at - timedelta(seconds=1)))
        async with a.factory() as uow:
            got = await member_portal.activate(uow, member_portal.Activation(issued.coop_code, m["member_no"], issued.code, MEMBER_PASSWORD, MEMBER_PASSWORD))
        assert got is None

    run(go())


def test_five_wrong_codes_burn_the_code_and_a_new_code_revokes_the_old(portal) -> None:
    c, a, _, data = portal
    m = data["m2"]["member"]

    async def go() -> None:
        async with a.factory() as uow:
            first = await member_portal.create_activation_code(uow, a.actor("teller"), m["id"])
        async with a.factory() as uow:
            second = await member_portal.create_activation_code(uow, a.actor("teller"), m["id"])
        for _ in range(5):
            async with a.factory() as uow:
                assert await member_portal.activate(uow, member_portal.Activation(second.coop_code, m["member_no"], "AAAA-AAAA", MEMBER_PASSWORD, MEMBER_PASSWORD)) is None
        for code in (first.code, second.code):
            async with a.factory() as uow:
                assert await member_portal.activate(uow, member_portal.Activation(second.coop_code, m["member_no"], code, MEMBER_PASSWORD, MEMBER_PASSWORD)) is None
        async with a.factory() as uow:
            statuses = sorted((await uow.session.execute(select(ActivationCode.status).where(ActivationCode.member_id == m["id"]))).scalars())
        assert statuses == ["burnt", "revoked"]

    run(go())


def test_a_short_or_unrepeated_password_is_refused_on_the_page(portal) -> None:
    c, a, _, data = portal
    c.get("/aktivasi")
    base = {"coop_code": coop_code(a), "member_no": data["m1"]["member"]["member_no"], "code": "ABCD-EFGH", "_csrf_token": c.cookies.get("csrftoken")}
    r = c.post("/aktivasi", data={**base, "password": "pendek", "password_again": "pendek"})
    assert r.status_code == 422 and "paling sedikit 8" in r.text
    r = c.post("/aktivasi", data={**base, "password": "panjang-sekali", "password_again": "panjang-sekal1"})
    assert r.status_code == 422 and "tidak sama" in r.text


def test_a_member_sees_only_their_own_accounts_and_never_another_members(portal) -> None:
    c, a, b, data = portal
    h = member_token(c, a, data["m1"])
    me = c.get("/api/v1/me/", headers=h).json()
    assert me["member"]["member_no"] == data["m1"]["member"]["member_no"]
    assert [s["balance"] for s in me["savings"]] == ["100000"]
    own = c.get(f"/api/v1/me/accounts/{data['m1']['account']}/statement", params={"since": "2025-06-01", "through": "2025-06-30"}, headers=h)
    assert own.status_code == 200 and own.json()["closing_balance"] == "100000"
    for other in ("m2", "m3"):
        r = c.get(f"/api/v1/me/accounts/{data[other]['account']}/statement", params={"since": "2025-06-01", "through": "2025-06-30"}, headers=h)
        assert r.status_code == 404, other
        assert c.get(f"/api/v1/members/{data[other]['member']['id']}", headers=h).status_code == 404
        assert c.get(f"/api/v1/savings/accounts/{data[other]['account']}", headers=h).status_code in (403, 404)
    assert c.get("/api/v1/members/", headers=h).status_code == 403
    assert c.get("/api/v1/ledger/trial-balance", headers=h).status_code == 403


def test_member_pages_refuse_another_members_account_and_staff_pages(portal) -> None:
    c, a, _, data = portal
    username = activate(a, data["m1"]["member"]["id"], data["m1"]["member"]["member_no"])
    c.get("/login")
    r = c.post("/login", data={"username": username, "password": MEMBER_PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert c.get(f"/saya/rekening/{data['m1']['account']}").status_code == 200
    assert c.get(f"/saya/rekening/{data['m2']['account']}").status_code == 404
    assert c.get(f"/saya/rekening/{data['m3']['account']}/pdf").status_code == 404
    for path in ("/saya", "/saya/bagi-hasil", "/saya/zakat", "/saya/shu", "/saya/pengaduan"):
        assert c.get(path).status_code == 200, path
    assert c.get("/anggota/").status_code == 403
    assert c.get(f"/tabungan/{data['m2']['account']}").status_code in (403, 404)


def test_a_member_downloads_a_monthly_statement_as_pdf(portal) -> None:
    c, a, _, data = portal
    h = member_token(c, a, data["m1"])
    r = c.get(f"/saya/rekening/{data['m1']['account']}/pdf", params={"bulan": "2025-06"}, follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")  # pages need the session cookie
    username = f"{coop_code(a)}-{data['m1']['member']['member_no']}".lower()
    c.get("/login")
    c.post("/login", data={"username": username, "password": MEMBER_PASSWORD, "_csrf_token": c.cookies.get("csrftoken")})
    r = c.get(f"/saya/rekening/{data['m1']['account']}/pdf", params={"bulan": "2025-06"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
        assert "Rekening Koran" in text and "Anggota m1" in text and "100.000" in text
    assert h  # the bearer token still works for the API


def test_the_complaint_lifecycle_from_filing_to_closing_leaves_a_trail(portal) -> None:
    c, a, _, data = portal
    h = member_token(c, a, data["m1"])
    staff = bearer(c, a, "manager")
    r = c.post("/api/v1/me/complaints", json={"kind": "complaint", "subject": "Bagi hasil Mei belum masuk", "body": "Mohon dicek."}, headers=h)
    assert r.status_code == 201 and r.json()["status"] == "open" and r.json()["ticket_no"].startswith("ADU-")
    cid = r.json()["id"]
    listed = {x["id"]: x for x in c.get("/api/v1/complaints/", headers=staff).json()}
    assert listed[cid]["status"] == "open" and listed[cid]["overdue"] is False
    assert c.post(f"/api/v1/complaints/{cid}/answer", json={"body": "Sudah kami cek, masuk 1 Juni."}, headers=staff).json()["status"] == "answered"
    assert c.post(f"/api/v1/me/complaints/{cid}/reply", json={"body": "Belum terlihat."}, headers=h).json()["status"] == "open"
    assert c.post(f"/api/v1/complaints/{cid}/answer", json={"body": "Terlihat di rekening koran Juni.", "close": True}, headers=staff).json()["status"] == "closed"
    assert c.post(f"/api/v1/complaints/{cid}/answer", json={"body": "lagi"}, headers=staff).status_code == 409
    thread = c.get(f"/api/v1/me/complaints/{cid}", headers=h).json()
    assert [(m["author"], m["status_after"]) for m in thread["messages"]] == [("filer", "open"), ("staff", "answered"), ("filer", "open"), ("staff", "closed")]

    async def actions() -> list[str]:
        async with a.factory() as uow:
            q = select(AuditEvent.action).where(AuditEvent.cooperative_id == a.coop_id, AuditEvent.object_ref == f"complaint:{cid}").order_by(AuditEvent.at, AuditEvent.id)
            return list((await uow.session.execute(q)).scalars())

    assert sorted(run(actions())) == sorted(["complaint.file", "complaint.answered", "complaint.open", "complaint.closed"])


def test_an_unanswered_complaint_past_its_due_time_is_overdue_and_other_members_cannot_read_it(portal) -> None:
    c, a, _, data = portal
    h1, h2 = member_token(c, a, data["m1"]), member_token(c, a, data["m2"])
    cid = c.post("/api/v1/me/complaints", json={"kind": "question", "subject": "Syarat murabahah", "body": "Apa saja?"}, headers=h1).json()["id"]
    assert c.get(f"/api/v1/me/complaints/{cid}", headers=h2).status_code == 404
    assert c.post(f"/api/v1/me/complaints/{cid}/close", json={}, headers=h2).status_code == 404
    assert c.post(f"/api/v1/complaints/{cid}/answer", json={"body": "x"}, headers=h1).status_code == 403

    async def age() -> None:
        async with a.factory() as uow:
            c_ = await uow.session.get(Complaint, cid)
            c_.due_at = c_.created_at - timedelta(hours=1)

    run(age())
    staff = bearer(c, a, "teller")
    assert {x["id"]: x["overdue"] for x in c.get("/api/v1/complaints/", headers=staff).json()}[cid] is True
    web_login(c, a, "teller")
    page = c.get("/pengaduan/kelola")
    assert page.status_code == 200 and "lewat waktu" in page.text and "Syarat murabahah" in page.text


def test_anyone_files_on_the_public_page_and_follows_the_ticket_with_its_code(portal) -> None:
    c, a, _, _ = portal
    c.get("/pengaduan")
    form = {"coop_code": coop_code(a), "name": "Pak Ujang", "contact": "081298765432", "kind": "question", "subject": "Cara menjadi anggota", "body": "Syaratnya apa?", "_csrf_token": c.cookies.get("csrftoken")}
    r = c.post("/pengaduan", data=form)
    assert r.status_code == 200, r.text
    ticket = re.search(r'id="nomor-tiket">([A-Z0-9-]+)<', r.text).group(1)
    code = re.search(r'id="kode-lacak">([A-Z0-9]+)<', r.text).group(1)
    assert "tidak ditemukan" in c.get("/pengaduan/lacak", params={"koperasi": coop_code(a), "nomor": ticket, "kode": "00000000"}).text
    r = c.get("/pengaduan/lacak", params={"koperasi": coop_code(a), "nomor": ticket, "kode": code})
    assert "Cara menjadi anggota" in r.text and "Syaratnya apa?" in r.text
    r = c.post("/pengaduan", data={**form, "coop_code": "TIDAK-ADA"})
    assert r.status_code == 422 and "tidak dikenal" in r.text


def test_a_member_sees_arrears_and_todays_early_settlement_price_of_their_murabahah(portal) -> None:
    from datetime import date
    from decimal import Decimal

    from bmt.persistence.models_financing import ContractInstallment, FinancingContract

    c, a, _, data = portal

    async def seed() -> int:
        async with a.factory() as uow:
            k = FinancingContract(
                cooperative_id=a.coop_id, member_id=data["m1"]["member"]["id"], kind="murabahah", contract_no="MRB-P1", status="active", maker_id=a.actor("manager").user_id,
                applied_on=date(2025, 4, 1), akad_date=date(2025, 4, 16), principal=Decimal(2_000_000), selling_price=Decimal(2_200_000), margin_total=Decimal(200_000),
                outstanding=Decimal(2_200_000), outstanding_principal=Decimal(2_000_000),
            )
            uow.session.add(k)
            await uow.session.flush()
            for n, due in ((1, date(2025, 5, 16)), (2, date(2025, 7, 16))):
                uow.session.add(ContractInstallment(contract_id=k.id, cooperative_id=a.coop_id, number=n, due_date=due, amount=Decimal(1_100_000), principal=Decimal(1_000_000), margin=Decimal(100_000)))
            return k.id

    kid = run(seed())
    h1, h2 = member_token(c, a, data["m1"]), member_token(c, a, data["m2"])
    got = c.get(f"/api/v1/me/financing/{kid}", headers=h1).json()
    # Installment 1 (due 16 May) is in arrears; settling on 16 June waives only installment 2's margin (fatwa 153/2022).
    assert (got["arrears"], got["arrears_installments"], got["settlement_amount"]) == ("1100000", 1, "2100000")
    assert [r["status"] for r in got["schedule"]] == ["open", "open"]
    assert c.get(f"/api/v1/me/financing/{kid}", headers=h2).status_code == 404
    me = c.get("/api/v1/me/", headers=h1).json()
    assert me["financing"][0]["arrears"] == "1100000"
    c.get("/login")
    c.post("/login", data={"username": f"{coop_code(a)}-{data['m1']['member']['member_no']}".lower(), "password": MEMBER_PASSWORD, "_csrf_token": c.cookies.get("csrftoken")})
    page = c.get(f"/saya/pembiayaan/{kid}")
    assert page.status_code == 200 and re.search(r'id="harga-pelunasan">Rp2\.100\.000<', page.text) and re.search(r'id="tunggakan">Rp1\.100\.000<', page.text)
