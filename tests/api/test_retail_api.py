"""The retail unit's batches through HTTP, on SQLite and PostgreSQL: one balanced entry per batch, idempotent
retries, validation that writes nothing, and who may post."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from bmt.config import Settings
from bmt.persistence.models import GlAccount, JournalEntry, JournalLine
from bmt.persistence.models_portal import RetailBatch
from tests.api.test_platform_api import count
from tests.api.test_teller_pages import bearer
from tests.conftest import TODAY, World, make_world, run

D = Decimal

BATCH = {
    "business_date": "2025-06-15",
    "reference": "TOKO-0615",
    "lines": [
        {"type": "sale", "payment": "cash", "amount": "1500000", "cost": "1200000", "memo": "penjualan tunai"},
        {"type": "sale", "payment": "cash", "amount": "250000.50", "cost": "200000"},
        {"type": "sale", "payment": "credit", "amount": "400000", "cost": "320000"},
        {"type": "purchase", "payment": "cash", "amount": "900000"},
        {"type": "purchase", "payment": "credit", "amount": "600000"},
    ],
}


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    from bmt.api.app import create_app

    w = run(make_world(db_url))
    app = create_app(Settings(database_url=db_url, secret_key="s" * 32, audit_key="test-audit-key", var_dir=tmp_path), today=TODAY)
    with TestClient(app) as c:
        yield c, w
    run(w.engine.dispose())


def entry_sums(w: World, entry_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Debits and credits per account code of one entry, read from the ledger tables."""

    async def go() -> dict[str, tuple[Decimal, Decimal]]:
        async with w.factory() as uow:
            q = select(GlAccount.code, JournalLine.amount).join(GlAccount, GlAccount.id == JournalLine.account_id).where(JournalLine.entry_id == entry_id)
            out: dict[str, tuple[Decimal, Decimal]] = {}
            for code, amount in (await uow.session.execute(q)).all():
                d, cr = out.get(code, (D(0), D(0)))
                out[code] = (d + amount, cr) if amount > 0 else (d, cr - amount)
            return out

    return run(go())


def post(c: TestClient, h: dict, key: str | None, body: dict) -> object:
    headers = {**h, **({"Idempotency-Key": key} if key else {})}
    return c.post("/api/v1/retail/batches", json=body, headers=headers)


def test_a_batch_posts_one_balanced_entry_with_sales_cost_and_purchases(shop) -> None:
    c, w = shop
    h = bearer(c, w, "accountant")
    r = post(c, h, "toko-2025-06-15", BATCH)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["sales_cash"], got["sales_credit"], got["cost_of_sales"], got["purchases_cash"], got["purchases_credit"]) == ("1750000.50", "400000", "1720000", "900000", "600000")
    sums = entry_sums(w, got["entry_id"])
    assert sums["1101"] == (D("1750000.50"), D(900_000))  # cash in from sales, out for purchases
    assert sums["5108"] == (D(0), D("2150000.50")) and sums["6110"] == (D(1_720_000), D(0))
    assert sums["1491"] == (D(1_500_000), D(1_720_000)) and sums["1492"] == (D(400_000), D(0)) and sums["2191"] == (D(0), D(600_000))
    assert sum(d for d, _ in sums.values()) == sum(cr for _, cr in sums.values())
    tb = c.get("/api/v1/ledger/trial-balance", headers=h).json()
    assert tb["total_debit"] == tb["total_credit"]


def test_a_retry_with_the_same_key_returns_the_first_answer_and_posts_nothing(shop) -> None:
    c, w = shop
    h = bearer(c, w, "accountant")
    first = post(c, h, "k-1", BATCH)
    again = post(c, h, "k-1", BATCH)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["entry_id"] == first.json()["entry_id"] and again.json()["replayed"] is True
    assert count(w, JournalEntry) == 1 and count(w, RetailBatch) == 1
    other = post(c, h, "k-1", {**BATCH, "reference": "LAIN"})
    assert other.status_code == 409 and count(w, JournalEntry) == 1


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"lines": []}, "baris"),
        ({"lines": [{"type": "sale", "payment": "cash", "amount": "-5"}]}, "nol"),
        ({"lines": [{"type": "sale", "payment": "cash", "amount": "10.001"}]}, "sen"),
        ({"lines": [{"type": "refund", "payment": "cash", "amount": "10"}]}, "sale"),
        ({"lines": [{"type": "purchase", "payment": "cash", "amount": "10", "cost": "5"}]}, "HPP"),
        ({"business_date": "2025-06-17"}, "tanggal"),
    ],
)
def test_a_bad_batch_is_refused_with_a_problem_and_writes_nothing(shop, change: dict, needle: str) -> None:
    c, w = shop
    r = post(c, bearer(c, w, "accountant"), "bad-1", {**BATCH, **change})
    assert r.status_code == 400 and needle in r.json()["title"], r.text
    assert count(w, JournalEntry) == 0 and count(w, RetailBatch) == 0


def test_a_batch_needs_a_key_an_allowed_role_and_known_fields(shop) -> None:
    c, w = shop
    assert post(c, bearer(c, w, "accountant"), None, BATCH).status_code == 400
    assert post(c, bearer(c, w, "teller"), "t-1", BATCH).status_code == 403
    assert post(c, {}, "anon", BATCH).status_code == 401
    assert post(c, bearer(c, w, "accountant"), "x-1", {**BATCH, "discount": "5"}).status_code == 400
    assert count(w, JournalEntry) == 0
    listed = c.get("/api/v1/retail/batches", headers=bearer(c, w, "manager"))
    assert listed.status_code == 200 and listed.json() == []
