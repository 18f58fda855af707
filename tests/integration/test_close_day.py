"""The daily close on real databases: Example F, idempotency, catch-up, resume, closed days."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bmt.contracts.quality import COOPERATIVE_DAYS, Exposure, assess
from bmt.errors import PeriodClosed
from bmt.ledger import Posting, entry
from bmt.persistence.models import Cooperative, JournalEntry
from bmt.persistence.models_close import PortfolioSnapshot
from bmt.persistence.models_financing import FinancingContract
from bmt.services import close_day, financing, ledger, members
from tests.conftest import World, make_world, nik_for, run

M = Decimal(1_000_000)
D0 = date(2025, 6, 16)

EXAMPLE_F = [  # outstanding, days past due at D0, collateral
    (40 * M, 0, 0),
    (25 * M, 45, 0),
    (15 * M, 120, 6 * M),
    (12 * M, 250, 5 * M),
    (8 * M, 400, 2 * M),
]


async def _contract(w: World, member_id: int, outstanding: Decimal, dpd: int, collateral: Decimal, as_of: date, *, kind: str = "murabahah", terms: dict | None = None) -> int:
    """A generic active contract whose oldest open installment makes it ``dpd`` days past due at ``as_of``."""
    async with w.factory() as uow:
        c = await financing.apply(uow, w.actor("financing_officer"), financing.Application(member_id, kind, outstanding, terms or {"test": True}, collateral_value=collateral))
        c.status, c.outstanding, c.outstanding_principal = "active", outstanding, outstanding
        first_due = as_of - timedelta(days=dpd) if dpd else as_of + timedelta(days=10)
        n = 4
        part = outstanding / n
        rows = [financing.ScheduleRow(k + 1, first_due + timedelta(days=30 * k), part, part, Decimal(0)) for k in range(n)]
        await financing.save_schedule(uow, c, rows)
        return c.id


def _set_policy(w: World, name: str) -> None:
    async def go() -> None:
        async with w.factory() as uow:
            coop = await uow.session.get(Cooperative, w.coop_id)
            coop.settings_json = json.dumps({"quality_policy": name})

    run(go())


def _member(w: World, serial: int = 1) -> int:
    async def go() -> int:
        async with w.factory() as uow:
            m = await members.register(uow, w.actor("manager"), members.RegisterMember(nik_for(date(1980, 2, 2), serial), "Peminjam Uji", date(1980, 2, 2), "Bandung", "081234567890", simpanan_pokok_paid=False))
            return m.id

    return run(go())


def _ppap_balance(w: World) -> Decimal:
    async def go() -> Decimal:
        async with w.factory() as uow:
            return -(await ledger.net_by_account(uow, w.coop_id)).get("1291", Decimal(0))

    return run(go())


def _entries(w: World) -> int:
    async def go() -> int:
        async with w.factory() as uow:
            return (await uow.session.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id == w.coop_id))).scalar_one()

    return run(go())


def test_example_f_through_the_close_forms_the_allowance_and_snapshots_the_npf(world: World) -> None:
    _set_policy(world, "cooperative_days")
    mid = _member(world)
    for o, dpd, col in EXAMPLE_F:
        run(_contract(world, mid, o, dpd, col, D0))
    summary = run(close_day.close_day(world.factory, world.actor("manager"), D0))
    assert summary.contracts == 5 and summary.overdue == 4
    assert summary.ppap_posted == Decimal(10_725_000) == _ppap_balance(world)

    async def snap() -> PortfolioSnapshot:
        async with world.factory() as uow:
            return await uow.session.get(PortfolioSnapshot, (world.coop_id, D0))

    s = run(snap())
    assert s.outstanding == 100 * M and s.non_performing == 35 * M and s.ppap_formed == Decimal(10_725_000)
    assert json.loads(s.by_class_json)["KL"]["contracts"] == 1


def test_a_qardhul_hasan_from_the_kebajikan_fund_is_classified_but_never_provisioned_in_the_tamwil_book(world: World) -> None:
    _set_policy(world, "cooperative_days")
    mid = _member(world)
    from_fund = run(_contract(world, mid, 3 * M, 120, Decimal(0), D0, kind="qardh", terms={"source": "kebajikan", "installments": 4}))
    from_business = run(_contract(world, mid, 3 * M, 120, Decimal(0), D0, kind="qardh", terms={"source": "business", "installments": 4}))
    summary = run(close_day.close_day(world.factory, world.actor("manager"), D0))

    async def contracts() -> dict[int, FinancingContract]:
        async with world.factory() as uow:
            return {i: await uow.session.get(FinancingContract, i) for i in (from_fund, from_business)}

    c = run(contracts())
    assert c[from_fund].collectibility == c[from_business].collectibility != "L"  # both followed up as overdue
    assert c[from_fund].ppap_formed == 0 < c[from_business].ppap_formed
    assert summary.ppap_posted == c[from_business].ppap_formed == _ppap_balance(world)


def test_running_a_date_twice_posts_nothing_new_and_the_closed_day_refuses_postings(world: World) -> None:
    mid = _member(world)
    run(_contract(world, mid, 10 * M, 100, Decimal(0), D0))
    run(close_day.close_day(world.factory, world.actor("manager"), D0))
    n, bal = _entries(world), _ppap_balance(world)
    again = run(close_day.close_day(world.factory, world.actor("manager"), D0))
    assert again.already_closed and _entries(world) == n and _ppap_balance(world) == bal

    async def post_into_closed_day() -> None:
        async with world.factory() as uow:
            await ledger.post(uow, world.actor("manager"), entry(D0, "terlambat", Posting.debit("cash", M), Posting.credit("other_income", M)))

    with pytest.raises(PeriodClosed):
        run(post_into_closed_day())


def test_catching_up_thirty_days_equals_thirty_single_closes(db_url: str) -> None:
    a, b = run(make_world(db_url)), run(make_world(db_url))
    for w in (a, b):
        mid = _member(w)
        for o, dpd, col in EXAMPLE_F:
            run(_contract(w, mid, o, dpd, col, D0))
        run(close_day.close_day(w.factory, w.actor("manager"), D0))
    target = D0 + timedelta(days=30)
    run(close_day.close_through(a.factory, a.actor("manager"), target))
    d = D0 + timedelta(days=1)
    while d <= target:
        run(close_day.close_day(b.factory, b.actor("manager"), d))
        d += timedelta(days=1)

    async def state(w: World) -> list:
        async with w.factory() as uow:
            rows = (await uow.session.execute(select(FinancingContract.days_past_due, FinancingContract.collectibility, FinancingContract.ppap_formed).where(FinancingContract.cooperative_id == w.coop_id).order_by(FinancingContract.id))).all()
            snaps = (await uow.session.execute(select(func.count()).select_from(PortfolioSnapshot).where(PortfolioSnapshot.cooperative_id == w.coop_id))).scalar_one()
            return [tuple(r) for r in rows] + [snaps]

    assert run(state(a)) == run(state(b))
    assert _ppap_balance(a) == _ppap_balance(b)
    for w in (a, b):
        run(w.engine.dispose())


def test_a_close_interrupted_midway_resumes_and_ends_as_if_uninterrupted(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_policy(world, "cooperative_days")
    mid = _member(world)
    for o, dpd, col in EXAMPLE_F:
        run(_contract(world, mid, o, dpd, col, D0))
    monkeypatch.setattr(close_day, "CHUNK", 2)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run(close_day.close_day(world.factory, world.actor("manager"), D0, stop_after_chunks=1))
    partial = _ppap_balance(world)
    assert Decimal(0) < partial < Decimal(10_725_000)
    run(close_day.close_day(world.factory, world.actor("manager"), D0))
    assert _ppap_balance(world) == Decimal(10_725_000)


def test_a_payment_that_cures_arrears_releases_allowance_at_the_next_close(world: World) -> None:
    _set_policy(world, "cooperative_days")
    mid = _member(world)
    cid = run(_contract(world, mid, 12 * M, 250, 5 * M, D0))
    run(close_day.close_day(world.factory, world.actor("manager"), D0))
    assert _ppap_balance(world) == Decimal(3_500_000)

    async def pay_all_overdue() -> None:
        async with world.factory() as uow:
            c = await financing.lock(uow, world.actor("manager"), cid)
            await financing.allocate_payment(uow, c, 12 * M, ("principal", "margin"), D0 + timedelta(days=1))
            c.outstanding = c.outstanding_principal = Decimal(0)

    run(pay_all_overdue())
    run(close_day.close_day(world.factory, world.actor("manager"), D0 + timedelta(days=1)))
    assert _ppap_balance(world) == 0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 500), st.integers(0, 30)), min_size=1, max_size=6), st.integers(1, 3))
def test_after_each_close_the_allowance_equals_the_sum_required(sqlite_url: str, contracts: list, days: int) -> None:
    w = run(make_world(sqlite_url))
    _set_policy(w, "cooperative_days")
    mid = _member(w)
    for o, dpd, col in contracts:
        run(_contract(w, mid, o * M, dpd, col * M / 10, D0))
    for k in range(days):
        d = D0 + timedelta(days=k)
        run(close_day.close_day(w.factory, w.actor("manager"), d))
        exposures = [Exposure(str(i), o * M, dpd + k, col * M / 10) for i, (o, dpd, col) in enumerate(contracts)]
        assert _ppap_balance(w) == assess(exposures, COOPERATIVE_DAYS).ppap_required
    run(w.engine.dispose())
