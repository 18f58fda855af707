"""Savings and deposits at the counter, through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from bmt.config import Settings
from bmt.persistence.models import JournalEntry
from tests.api.test_platform_api import count, new_member, token
from tests.conftest import TODAY, World, make_world, run


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, dict]]:
    from bmt.api.app import create_app

    w = run(make_world(db_url))
    other = run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        mgr = token(c, w, "manager")
        prods = {}
        for body in (
            {"code": "TW", "name": "Tabungan Wadiah", "kind": "wadiah", "min_opening": "10000", "min_balance": "10000", "approval_threshold": "5000000"},
            {"code": "TM", "name": "Tabungan Mudharabah", "kind": "mudharabah", "nisbah_member_percent": "30", "min_opening": "20000", "min_balance": "20000"},
            {"code": "D3", "name": "Deposito 3 bulan", "kind": "deposito", "nisbah_member_percent": "45", "tenor_months": 3, "min_opening": "1000000"},
            {"code": "D12", "name": "Deposito 12 bulan", "kind": "deposito", "nisbah_member_percent": "55", "tenor_months": 12, "min_opening": "1000000", "early_break": "refuse"},
        ):
            r = c.post("/api/v1/savings/products", json=body, headers=mgr)
            assert r.status_code == 201, r.text
            prods[body["code"]] = r.json()["id"]
        yield c, w, {"products": prods, "other": other}
    run(w.engine.dispose())
    run(other.engine.dispose())


def open_acc(c: TestClient, h: dict, member_id: int, product_id: int, amount: str, **extra: object) -> dict:
    r = c.post("/api/v1/savings/accounts", json={"member_id": member_id, "product_id": product_id, "initial_deposit": amount, **extra}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def test_products_refuse_a_wadiah_nisbah_and_a_bad_tenor(shop) -> None:
    c, w, _ = shop
    mgr = token(c, w, "manager")
    r = c.post("/api/v1/savings/products", json={"code": "X", "name": "X", "kind": "wadiah", "nisbah_member_percent": "10"}, headers=mgr)
    assert r.status_code == 400 and "wadiah" in r.json()["title"]
    r = c.post("/api/v1/savings/products", json={"code": "Y", "name": "Y", "kind": "deposito", "nisbah_member_percent": "40", "tenor_months": 5}, headers=mgr)
    assert r.status_code == 400
    assert c.post("/api/v1/savings/products", json={"code": "Z", "name": "Z", "kind": "wadiah"}, headers=token(c, w, "teller")).status_code == 403


def test_a_day_at_the_counter_posts_balanced_entries_and_ties_to_the_ledger(shop) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 101)
    acc = open_acc(c, t, m["id"], s["products"]["TM"], "500.000".replace(".", ""))
    assert acc["balance"] == "500000"
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "250000"}, headers=t)
    assert r.status_code == 200 and r.json()["balance"] == "750000"
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/withdraw", json={"amount": "100000"}, headers=t)
    assert r.json()["status"] == "posted" and r.json()["balance"] == "650000"
    drawer = c.get("/api/v1/teller/drawer", headers=t).json()
    assert drawer["balance"] == str(100_000 + 500_000 + 250_000 - 100_000)
    checks = c.get("/api/v1/savings/subledger-check", headers=t).json()
    assert all(x["ok"] for x in checks), checks
    st = c.get(f"/api/v1/savings/accounts/{acc['account_id']}/statement", params={"since": "2025-06-01", "through": "2025-06-30"}, headers=t).json()
    assert st["opening_balance"] == "0" and st["closing_balance"] == "650000" and len(st["lines"]) == 3
    e = c.get(f"/api/v1/ledger/entries/{r.json()['entry_id']}", headers=t).json()
    assert {x["name"] for x in e["lines"]} == {"Tabungan mudharabah", "Kas teller"}


def test_withdrawals_below_the_minimum_balance_are_refused_and_write_nothing(shop) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 102)
    acc = open_acc(c, t, m["id"], s["products"]["TW"], "50000")
    before = count(w, JournalEntry)
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/withdraw", json={"amount": "45000"}, headers=t)
    assert r.status_code == 409 and r.json()["code"] == "insufficient_balance" and r.json()["available"] == "40000"
    for bad in ("0", "-5", "abc", "10.001"):
        assert c.post(f"/api/v1/savings/accounts/{acc['account_id']}/withdraw", json={"amount": bad}, headers=t).status_code == 400
    assert count(w, JournalEntry) == before


def test_an_idempotent_retry_returns_the_first_result_and_posts_nothing_new(shop) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 103)
    acc = open_acc(c, t, m["id"], s["products"]["TW"], "100000")
    h = dict(t, **{"Idempotency-Key": "setor-103-1"})
    first = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "70000"}, headers=h).json()
    n = count(w, JournalEntry)
    again = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "70000"}, headers=h).json()
    assert again == first and count(w, JournalEntry) == n
    assert c.get(f"/api/v1/savings/accounts/{acc['account_id']}", headers=t).json()["balance"] == "170000"
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "1"}, headers=h)
    assert r.status_code == 409  # the same key for a different request


def test_a_large_withdrawal_waits_for_a_manager_who_is_not_the_maker(shop) -> None:
    c, w, s = shop
    t, mgr = token(c, w, "teller"), token(c, w, "manager")
    m = new_member(c, t, 104)
    acc = open_acc(c, t, m["id"], s["products"]["TW"], "9000000")
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/withdraw", json={"amount": "6000000"}, headers=t).json()
    assert r["status"] == "pending_approval" and r["balance"] == "9000000"
    assert c.post(f"/api/v1/savings/withdrawal-requests/{r['request_id']}/approve", headers=t).status_code == 403
    ok = c.post(f"/api/v1/savings/withdrawal-requests/{r['request_id']}/approve", headers=mgr)
    assert ok.status_code == 200 and ok.json()["balance"] == "3000000"
    assert c.post(f"/api/v1/savings/withdrawal-requests/{r['request_id']}/approve", headers=mgr).status_code == 409


def test_transfers_move_between_sub_ledgers_and_deposits_are_placed_and_broken(shop) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 105)
    tm = open_acc(c, t, m["id"], s["products"]["TM"], "3000000")
    tw = open_acc(c, t, m["id"], s["products"]["TW"], "10000")
    r = c.post("/api/v1/savings/transfers", json={"from_account_id": tm["account_id"], "to_account_id": tw["account_id"], "amount": "500000"}, headers=t)
    assert r.status_code == 200 and r.json()["to_balance"] == "510000"
    d3 = open_acc(c, t, m["id"], s["products"]["D3"], "2000000", funding_account_id=tm["account_id"], profit_to_account_id=tw["account_id"], aro=False)
    assert d3["maturity_date"] == "2025-09-16"
    assert c.get(f"/api/v1/savings/accounts/{tm['account_id']}", headers=t).json()["balance"] == "500000"
    assert c.post(f"/api/v1/savings/accounts/{d3['account_id']}/deposit", json={"amount": "1"}, headers=t).status_code == 409
    assert c.post(f"/api/v1/savings/accounts/{d3['account_id']}/withdraw", json={"amount": "1"}, headers=t).status_code == 409
    d12 = open_acc(c, t, m["id"], s["products"]["D12"], "1000000")
    assert c.post(f"/api/v1/savings/accounts/{d12['account_id']}/break", json={}, headers=t).status_code == 409  # policy: refuse
    br = c.post(f"/api/v1/savings/accounts/{d3['account_id']}/break", json={"to_account_id": tw["account_id"]}, headers=t)
    assert br.status_code == 200 and br.json()["status"] == "broken"
    assert c.get(f"/api/v1/savings/accounts/{tw['account_id']}", headers=t).json()["balance"] == "2510000"
    assert all(x["ok"] for x in c.get("/api/v1/savings/subledger-check", headers=t).json())


def test_closed_and_other_cooperatives_accounts_are_refused(shop) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 106)
    acc = open_acc(c, t, m["id"], s["products"]["TW"], "20000")
    assert c.post(f"/api/v1/savings/accounts/{acc['account_id']}/close", headers=t).json()["amount"] == "20000"
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "5000"}, headers=t)
    assert r.status_code == 409 and "ditutup" in r.json()["title"]
    other = token(c, s["other"], "teller")
    assert c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "5000"}, headers=other).status_code == 404
    assert c.get(f"/api/v1/savings/accounts/{acc['account_id']}", headers=other).status_code == 404


def test_a_teller_without_an_open_drawer_cannot_take_cash_and_a_closing_difference_goes_to_suspense(shop) -> None:
    c, w, s = shop
    t2 = token(c, w, "teller2")
    m = new_member(c, t2, 107)
    acc = open_acc(c, t2, m["id"], s["products"]["TW"], "300000")
    close = c.post("/api/v1/teller/drawer/close", json={"counted_amount": "390000"}, headers=t2).json()
    assert close["expected_amount"] == "400000" and close["difference"] == "-10000" and close["status"] == "difference_pending"
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "5000"}, headers=t2)
    assert r.status_code == 409 and "laci" in r.json()["title"]
    tb = {x["code"]: x for x in c.get("/api/v1/ledger/trial-balance", headers=t2).json()["lines"]}
    assert tb["1401"]["debit"] == "10000"  # suspense
    drawer_id = close["id"]
    assert c.post(f"/api/v1/teller/drawers/{drawer_id}/approve-difference", headers=t2).status_code == 403
    assert c.post(f"/api/v1/teller/drawers/{drawer_id}/approve-difference", headers=token(c, w, "manager")).status_code == 200
    tb = {x["code"]: x for x in c.get("/api/v1/ledger/trial-balance", headers=t2).json()["lines"]}
    assert "1401" not in tb and tb["6111"]["debit"] == "10000"


def test_average_daily_balance_and_balance_at_any_day_come_from_the_postings(shop, db_url: str) -> None:
    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 108)
    acc = open_acc(c, t, m["id"], s["products"]["TM"], "300000")
    aid = acc["account_id"]
    r = c.get(f"/api/v1/savings/accounts/{aid}/balance", params={"as_of": "2025-06-15"}, headers=t).json()
    assert r["balance"] == "0"
    assert c.get(f"/api/v1/savings/accounts/{aid}/balance", params={"as_of": "2025-06-16"}, headers=t).json()["balance"] == "300000"
    adb = {x["account_id"]: x for x in c.get("/api/v1/savings/average-daily-balances", params={"since": "2025-06-01", "through": "2025-06-30"}, headers=token(c, w, "accountant")).json()}
    # 300,000 held for days 16..30 of 30 -> 150,000.
    assert adb[aid]["average_daily_balance"] == "150000.00" and adb[aid]["closing_balance"] == "300000"


def test_a_receipt_slip_is_a_pdf_with_the_amount_in_words(shop) -> None:
    import shutil
    import subprocess

    c, w, s = shop
    t = token(c, w, "teller")
    m = new_member(c, t, 109)
    acc = open_acc(c, t, m["id"], s["products"]["TW"], "1500000")
    r = c.post(f"/api/v1/savings/accounts/{acc['account_id']}/deposit", json={"amount": "1234567"}, headers=t).json()
    pdf = c.get(f"/api/v1/savings/receipts/{r['entry_id']}/pdf", headers=t)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
        assert "Rp1.234.567" in text and "satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh" in text.lower()


def _unused(_: object) -> None:
    select, func, date  # noqa: B018
