"""The platform through HTTP: logins, guards, tenancy, problem details, and that bad input writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from bmt.config import Settings
from bmt.persistence.models import JournalEntry, Member
from tests.conftest import PASSWORD, TODAY, World, make_world, nik_for, run


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, World]]:
    from bmt.api.app import create_app

    a, b = run(make_world(db_url)), run(make_world(db_url))
    settings = Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path)
    app = create_app(settings, today=TODAY)
    with TestClient(app) as c:
        yield c, a, b
    run(a.engine.dispose())
    run(b.engine.dispose())


def token(c: TestClient, w: World, role: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/token", json={"username": w.actor(role).username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    if role.startswith("teller"):
        # Every cash operation moves the teller's drawer: open today's drawer once.
        c.post("/api/v1/teller/drawer/open", json={"float_amount": "0"}, headers=headers)
    return headers


def new_member(c: TestClient, headers: dict, serial: int, **over: object) -> dict:
    body = {"nik": nik_for(date(1990, 5, 17), serial), "name": "Euis Komariah", "birth_date": "1990-05-17", "address": "Kp. Sukamaju, Ciwidey", "phone": "081234567890"}
    body.update(over)
    return c.post("/api/v1/members/", json=body, headers=headers).json()


def count(w: World, model: type) -> int:
    async def go() -> int:
        async with w.factory() as uow:
            return (await uow.session.execute(select(func.count()).select_from(model).where(model.cooperative_id == w.coop_id))).scalar_one()

    return run(go())


def test_api_calls_without_a_token_get_401_problem_details(client) -> None:
    c, a, _ = client
    r = c.get("/api/v1/members/")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


def test_wrong_password_is_refused_and_five_failures_lock_the_login(client) -> None:
    c, a, _ = client
    user = a.actor("teller").username
    for _ in range(5):
        assert c.post("/api/v1/auth/token", json={"username": user, "password": "salah-salah"}).status_code == 401
    r = c.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
    assert r.status_code == 401 and "terkunci" in r.json()["title"]


def test_registering_a_member_posts_simpanan_pokok_to_equity(client) -> None:
    c, a, _ = client
    h = token(c, a, "teller")
    m = new_member(c, h, 1)
    assert m["member_no"].startswith("A") and m["simpanan_pokok"] == "100000" and m["gender"] == "L"
    tb = c.get("/api/v1/ledger/trial-balance", headers=h).json()
    lines = {x["code"]: x for x in tb["lines"]}
    assert lines["4101"]["credit"] == "100000" and lines["1102"]["debit"] == "100000"  # into the teller's drawer
    assert tb["total_debit"] == tb["total_credit"]


def test_bad_member_input_gives_problem_details_and_writes_nothing(client) -> None:
    c, a, _ = client
    h = token(c, a, "teller")
    before = (count(a, Member), count(a, JournalEntry))
    cases = [
        {"nik": "123"},
        {"nik": nik_for(date(1991, 5, 17), 2)},  # NIK does not match the birth date
        {"phone": "12345"},
        {"name": ""},
        {"birth_date": "2015-01-01", "nik": nik_for(date(2015, 1, 1), 3)},
    ]
    for over in cases:
        body = {"nik": nik_for(date(1990, 5, 17), 2), "name": "Budi", "birth_date": "1990-05-17", "address": "Bandung", "phone": "081234567890", **over}
        r = c.post("/api/v1/members/", json=body, headers=h)
        assert r.status_code == 400, (over, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["title"]
    r = c.post("/api/v1/members/", json={"nik": "x", "unknown": 1}, headers=h)
    assert r.status_code == 400
    assert (count(a, Member), count(a, JournalEntry)) == before


def test_a_duplicate_nik_is_a_conflict(client) -> None:
    c, a, _ = client
    h = token(c, a, "teller")
    new_member(c, h, 4)
    r = c.post("/api/v1/members/", json={"nik": nik_for(date(1990, 5, 17), 4), "name": "X Y", "birth_date": "1990-05-17", "address": "A", "phone": "081234567890"}, headers=h)
    assert r.status_code == 409


def test_a_teller_cannot_approve_any_entry_and_nobody_approves_their_own(client) -> None:
    c, a, _ = client
    teller, manager, accountant = token(c, a, "teller"), token(c, a, "manager"), token(c, a, "accountant")
    draft = {"value_date": TODAY.isoformat(), "description": "Biaya listrik Juni", "lines": [{"account": "6107", "debit": "350000"}, {"account": "1101", "credit": "350000"}]}
    d1 = c.post("/api/v1/ledger/drafts", json=draft, headers=teller).json()
    assert c.post(f"/api/v1/ledger/drafts/{d1['id']}/approve", headers=teller).status_code == 403
    d2 = c.post("/api/v1/ledger/drafts", json=draft, headers=manager).json()
    r = c.post(f"/api/v1/ledger/drafts/{d2['id']}/approve", headers=manager)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    entries_before = count(a, JournalEntry)
    ok = c.post(f"/api/v1/ledger/drafts/{d2['id']}/approve", headers=accountant)
    assert ok.status_code == 200
    e = c.get(f"/api/v1/ledger/entries/{ok.json()['entry_id']}", headers=accountant).json()
    assert e["maker_id"] == a.actor("manager").user_id and e["checker_id"] == a.actor("accountant").user_id
    assert count(a, JournalEntry) == entries_before + 1
    assert c.post(f"/api/v1/ledger/drafts/{d2['id']}/approve", headers=accountant).status_code == 409


def test_an_unbalanced_manual_entry_is_refused_as_a_problem(client) -> None:
    c, a, _ = client
    h = token(c, a, "accountant")
    r = c.post("/api/v1/ledger/drafts", json={"value_date": TODAY.isoformat(), "description": "x", "lines": [{"account": "6107", "debit": "100"}, {"account": "1101", "credit": "90"}]}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "unbalanced_entry"
    r = c.post("/api/v1/ledger/drafts", json={"value_date": TODAY.isoformat(), "description": "x", "lines": [{"account": "8101", "debit": "100"}, {"account": "1101", "credit": "100"}]}, headers=h)
    assert r.status_code == 400  # a Baitul Maal fund in a Tamwil entry


def test_another_cooperatives_data_is_never_visible(client) -> None:
    c, a, b = client
    ha, hb = token(c, a, "teller"), token(c, b, "teller")
    m = new_member(c, ha, 5)
    assert c.get(f"/api/v1/members/{m['id']}", headers=hb).status_code == 404
    assert c.get("/api/v1/members/", headers=hb).json()["total"] == 0
    tb_b = c.get("/api/v1/ledger/trial-balance", headers=hb).json()
    assert tb_b["lines"] == []
    draft = c.post("/api/v1/ledger/drafts", json={"value_date": TODAY.isoformat(), "description": "x", "lines": [{"account": "6107", "debit": "1"}, {"account": "1101", "credit": "1"}]}, headers=ha).json()
    assert c.post(f"/api/v1/ledger/drafts/{draft['id']}/approve", headers=token(c, b, "manager")).status_code == 404


def test_a_member_reads_only_their_own_record(client, db_url: str) -> None:
    c, a, _ = client
    h = token(c, a, "teller")
    m1, m2 = new_member(c, h, 6), new_member(c, h, 7)

    from bmt.services import platform
    from bmt.services.uow import SYSTEM

    async def make_login() -> None:
        async with a.factory() as uow:
            await platform.create_user(uow, SYSTEM, platform.NewUser(f"m{m1['id']}.{a.coop_id}", "Anggota", "member", PASSWORD, a.coop_id, member_id=m1["id"]))

    run(make_login())
    r = c.post("/api/v1/auth/token", json={"username": f"m{m1['id']}.{a.coop_id}", "password": PASSWORD})
    hm = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert c.get(f"/api/v1/members/{m1['id']}", headers=hm).status_code == 200
    assert c.get(f"/api/v1/members/{m2['id']}", headers=hm).status_code == 404
    assert c.get("/api/v1/members/", headers=hm).status_code == 403
    assert c.get("/api/v1/ledger/trial-balance", headers=hm).status_code == 403


def test_dps_reads_but_cannot_write(client) -> None:
    c, a, _ = client
    h = token(c, a, "dps")
    assert c.get("/api/v1/ledger/trial-balance", headers=h).status_code == 200
    assert c.post("/api/v1/members/", json={}, headers=h).status_code in (400, 403)
    r = c.post("/api/v1/ledger/drafts", json={"value_date": TODAY.isoformat(), "description": "x", "lines": []}, headers=h)
    assert r.status_code == 403


def test_simpanan_wajib_is_taken_once_per_month(client) -> None:
    c, a, _ = client
    h = token(c, a, "teller")
    m = new_member(c, h, 8)
    assert c.post(f"/api/v1/members/{m['id']}/simpanan-wajib", json={"period": "2025-06"}, headers=h).status_code == 201
    assert c.post(f"/api/v1/members/{m['id']}/simpanan-wajib", json={"period": "2025-06"}, headers=h).status_code == 409
    assert c.get(f"/api/v1/members/{m['id']}", headers=h).json()["simpanan_wajib"] == "20000"


def test_deactivation_keeps_the_member_and_can_refund_equity(client) -> None:
    c, a, _ = client
    h, mgr = token(c, a, "teller"), token(c, a, "manager")
    m = new_member(c, h, 9)
    assert c.post(f"/api/v1/members/{m['id']}/deactivate", json={"reason": "pindah"}, headers=h).status_code == 403
    r = c.post(f"/api/v1/members/{m['id']}/deactivate", json={"reason": "pindah domisili", "refund_equity": True}, headers=mgr)
    assert r.status_code == 200 and r.json()["status"] == "inactive"
    again = c.get(f"/api/v1/members/{m['id']}", headers=mgr).json()
    assert again["simpanan_pokok"] == "0"


def test_the_openapi_schema_is_served(client) -> None:
    c, _, _ = client
    r = c.get("/schema/openapi.json")
    assert r.status_code == 200 and "/api/v1/members" in str(r.json()["paths"])


def test_web_pages_need_a_login_and_forms_need_csrf(client) -> None:
    c, a, _ = client
    assert c.get("/anggota", follow_redirects=False).status_code in (302, 303, 307)
    c.get("/login")
    assert c.post("/login", data={"username": a.actor("teller").username, "password": PASSWORD}).status_code == 403
    r = c.post("/login", data={"username": a.actor("teller").username, "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")}, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert c.get("/anggota").status_code == 200
    page = c.get("/neraca-saldo")
    assert page.status_code == 200 and "Neraca saldo" in page.text
    pdf = c.get("/neraca-saldo.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_a_teller_registers_a_member_through_the_web_form(client) -> None:
    c, a, _ = client
    token(c, a, "teller")
    c.get("/login")
    c.post("/login", data={"username": a.actor("teller").username, "password": PASSWORD, "_csrf_token": c.cookies.get("csrftoken")})
    form = {"nik": nik_for(date(1985, 2, 3), 11, female=True), "name": "Siti Nurhayati", "birth_date": "1985-02-03", "address": "Garut", "phone": "0812 3456 7890", "pokok_paid": "1", "_csrf_token": c.cookies.get("csrftoken")}
    r = c.post("/anggota/baru", data=form)
    assert r.status_code == 200 and "Siti Nurhayati" in r.text and "Rp100.000" in r.text
    bad = dict(form, nik="1234")
    r = c.post("/anggota/baru", data=bad)
    assert r.status_code == 422 and "NIK harus 16 angka" in r.text
