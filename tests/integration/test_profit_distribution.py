"""The month-end profit distribution on real databases (SQLite and PostgreSQL): Example B end to end, the
maker–checker workflow, posting and reversal, carried residues, the cash basis of Y, the wadiah bonus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bmt.errors import (
    Conflict,
    InsufficientBalance,
    InvalidInput,
    PeriodClosed,
    PermissionDenied,
    UnbalancedEntry,
)
from bmt.ledger import Posting, entry
from bmt.persistence.models import (
    AuditEvent,
    Cooperative,
    GlAccount,
    JournalEntry,
    JournalLine,
    SavingsAccount,
)
from bmt.persistence.models_profit import ProfitRun, ProfitRunLine
from bmt.profit_sharing import Payout, distribution_entries
from bmt.services import ledger, members, periods, savings
from bmt.services import profit_distribution as pd
from tests.conftest import World, make_world, nik_for, run

M = Decimal(1_000_000)
MAY31, JUNE30, JULY1 = date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 1)


@dataclass
class ExampleB:
    """Example B's cooperative: account ids by the example's names, product ids by code."""

    w: World
    acc: dict[str, int]
    prod: dict[str, int]
    member: int


async def _post(w: World, d: date, *lines: Posting, who: str = "manager") -> int:
    async with w.factory() as uow:
        uow.today = d
        return await ledger.post(uow, w.actor(who), entry(d, "seed", *lines))


async def _seed_example_b(w: World, *, income: bool = True) -> ExampleB:
    mgr = w.actor("manager")
    prod: dict[str, int] = {}
    async with w.factory() as uow:
        uow.today = MAY31
        for spec in (
            savings.ProductSpec("TW", "Tabungan Wadiah", "wadiah", approval_threshold=Decimal(10**12)),
            savings.ProductSpec("TM", "Tabungan Mudharabah", "mudharabah", Decimal(30), approval_threshold=Decimal(10**12)),
            savings.ProductSpec("D3", "Deposito 3 bulan", "deposito", Decimal(45), tenor_months=3),
            savings.ProductSpec("D12", "Deposito 12 bulan", "deposito", Decimal(55), tenor_months=12),
        ):
            prod[spec.code] = (await savings.create_product(uow, mgr, spec)).id
        member = (await members.register(uow, mgr, members.RegisterMember(nik_for(date(1980, 3, 3), 7), "Siti Aminah", date(1980, 3, 3), "Garut", "081234567890", simpanan_pokok_paid=False))).id
    acc: dict[str, int] = {}
    opening = {"TW-W": ("TW", 100), "TM-A": ("TM", 100), "TM-B": ("TM", 50), "TM-C": ("TM", 120), "D3-X": ("D3", 150), "D3-Y": ("D3", 50), "D12-Z": ("D12", 150)}
    for name, (code, millions) in opening.items():
        async with w.factory() as uow:
            uow.today = MAY31
            res = await savings.open_account(uow, mgr, savings.OpenAccount(member, prod[code], millions * M))
            acc[name] = res["account_id"]
    await _post(w, MAY31, Posting.debit("cash", 250 * M), Posting.credit("simpanan_pokok", 250 * M))
    await _post(w, MAY31, Posting.debit("mudharabah_financing", 800 * M), Posting.credit("cash", 800 * M))
    async with w.factory() as uow:
        uow.today = date(2025, 6, 10)
        await savings.deposit(uow, mgr, acc["TM-B"], 60 * M)
    async with w.factory() as uow:
        uow.today = date(2025, 6, 16)
        await savings.withdraw(uow, mgr, acc["TM-C"], 24 * M)
    if income:
        await _post(w, date(2025, 6, 20), Posting.debit("cash", Decimal(16_234_567)), Posting.credit("murabahah_income", Decimal(16_234_567)))
    return ExampleB(w, acc, prod, member)


@pytest.fixture
def ex(db_url: str):
    w = run(make_world(db_url, today=JULY1))
    yield run(_seed_example_b(w))
    run(w.engine.dispose())


def _compute(w: World, who: str = "manager", period: str = "2025-06", **kw) -> ProfitRun:
    async def go() -> ProfitRun:
        async with w.factory() as uow:
            return await pd.compute(uow, w.actor(who), period, **kw)

    return run(go())


def _act(w: World, fn, who: str, *args, **kw):  # noqa: ANN001, ANN202
    async def go():  # noqa: ANN202
        async with w.factory() as uow:
            return await fn(uow, w.actor(who), *args, **kw)

    return run(go())


def _lines(w: World, run_id: int) -> dict[int, ProfitRunLine]:
    async def go() -> dict[int, ProfitRunLine]:
        async with w.factory() as uow:
            return {ln.account_id: ln for ln in (await uow.session.execute(select(ProfitRunLine).where(ProfitRunLine.run_id == run_id))).scalars()}

    return run(go())


def _line_tuples(w: World, run_id: int) -> list[tuple]:
    return [(a, ln.adb_num, ln.share_exact, ln.share_paid, ln.credited, ln.credit_kind, ln.seq) for a, ln in sorted(_lines(w, run_id).items())]


def _balances(w: World) -> dict[int, Decimal]:
    async def go() -> dict[int, Decimal]:
        async with w.factory() as uow:
            return {a.id: a.balance for a in (await uow.session.execute(select(SavingsAccount).where(SavingsAccount.cooperative_id == w.coop_id))).scalars()}

    return run(go())


def _entry_lines(w: World, entry_ids: list[int]) -> list[tuple[str, Decimal, str | None]]:
    async def go() -> list[tuple[str, Decimal, str | None]]:
        async with w.factory() as uow:
            q = select(GlAccount.key, JournalLine.amount, JournalLine.subledger).join(GlAccount, GlAccount.id == JournalLine.account_id).where(JournalLine.entry_id.in_(entry_ids)).order_by(JournalLine.id)
            return [(k, a, s) for k, a, s in (await uow.session.execute(q)).all()]

    return run(go())


def _subledgers_ok(w: World) -> bool:
    async def go() -> bool:
        async with w.factory() as uow:
            return all(c.ok for c in await savings.check_subledgers(uow, w.coop_id))

    return run(go())


def _approve_and_post(ex: ExampleB, r: ProfitRun) -> ProfitRun:
    _act(ex.w, pd.approve, "manager2", r.id)
    return _act(ex.w, pd.post, "manager2", r.id)


# ------------------------------------------------------------------------------------------------ Example B


def test_example_b_through_the_database_gives_the_golden_pools_shares_and_journal(ex: ExampleB) -> None:
    r = _compute(ex.w)
    assert r.status == "draft" and r.income == Decimal(16_234_567)
    assert pd.frac(r.financing_adb) == 800 * M and pd.frac(r.equity_adb) == 250 * M and pd.frac(r.divisor) == 1000 * M

    async def pools() -> dict[str, object]:
        async with ex.w.factory() as uow:
            return {p.code: p for p in await pd.pools_of(uow, r.id)}

    p = run(pools())
    golden = {  # code: (ADB, Y_j, B_j, residue)
        "TM": ("300000000", "4870370.1", "1461111.03", "1.03"),
        "D3": ("200000000", "3246913.4", "1461111.03", "1.03"),
        "D12": ("150000000", "2435185.05", "1339351.7775", "0.7775"),
        "TW": ("100000000", "1623456.7", "0", "0"),
        "EKUITAS": ("250000000", "4058641.75", "0", "0"),
    }
    for code, (adb, y_j, b_j, residue) in golden.items():
        assert (pd.frac(p[code].adb), pd.frac(p[code].income_share), pd.frac(p[code].member_share), pd.frac(p[code].residue)) == tuple(Fraction(v) for v in (adb, y_j, b_j, residue)), code
    assert pd.show(p["TM"].equivalent_rate).quantize(Decimal("0.01")) == Decimal("5.84")
    assert pd.frac(r.member_share) == Fraction("4261573.8375")
    paid = {name: _lines(ex.w, r.id)[ex.acc[name]].share_paid for name in ("TM-A", "TM-B", "TM-C", "D3-X", "D3-Y", "D12-Z", "TW-W")}
    assert paid == {"TM-A": 487_037, "TM-B": 448_074, "TM-C": 525_999, "D3-X": 1_095_833, "D3-Y": 365_277, "D12-Z": 1_339_351, "TW-W": 0}
    before = _balances(ex.w)
    posted = _approve_and_post(ex, r)
    ids = json.loads(posted.entry_ids_json)
    lines = _entry_lines(ex.w, ids)
    debit = sum(a for k, a, _ in lines if a > 0)
    by_key: dict[str, Decimal] = {}
    for k, a, _ in lines:
        if a < 0:
            by_key[k] = by_key.get(k, Decimal(0)) - a
    assert debit == Decimal(4_261_571) and by_key == {"mudharabah_savings": Decimal(1_461_110), "deposit_profit_payable": Decimal(2_800_461)}
    after = _balances(ex.w)
    for name in ("TM-A", "TM-B", "TM-C"):
        assert after[ex.acc[name]] - before[ex.acc[name]] == paid[name]
    assert {s: -a for k, a, s in lines if k == "deposit_profit_payable"} == {f"deposit:{ex.acc[n]}": Decimal(paid[n]) for n in ("D3-X", "D3-Y", "D12-Z")}
    assert after[ex.acc["D3-X"]] == before[ex.acc["D3-X"]] and _subledgers_ok(ex.w)


def test_the_posted_lines_are_exactly_the_pure_engines_entries(ex: ExampleB) -> None:
    r = _approve_and_post(ex, _compute(ex.w))
    stored = _lines(ex.w, r.id)
    payouts = []
    for acc_id in sorted(stored):
        ln = stored[acc_id]
        if ln.credit_kind == 1:
            payouts.append(Payout.to_savings(acc_id, ln.share_paid))
        elif ln.credit_kind == 3:
            payouts.append(Payout.to_deposit(acc_id, ln.share_paid))
    engine = distribution_entries(payouts, JUNE30, "2025-06")
    expected = [(p.account, p.amount, p.subledger) for je in engine for p in je.postings]
    assert _entry_lines(ex.w, json.loads(r.entry_ids_json)) == expected


def test_the_maker_cannot_approve_and_nothing_posts_before_approval(ex: ExampleB) -> None:
    r = _compute(ex.w)
    with pytest.raises(PermissionDenied):
        _act(ex.w, pd.approve, "manager", r.id)
    with pytest.raises(Conflict):
        _act(ex.w, pd.post, "manager2", r.id)
    with pytest.raises(PermissionDenied):
        _compute(ex.w, who="teller")
    assert _act(ex.w, pd.get_run, "manager", r.id).status == "draft"


def test_a_draft_recomputes_with_the_previous_figures_kept_and_an_approved_month_does_not_change(ex: ExampleB) -> None:
    first = _compute(ex.w)
    run(_post(ex.w, date(2025, 6, 25), Posting.debit("cash", Decimal(1_000_000)), Posting.credit("murabahah_income", Decimal(1_000_000))))
    second = _compute(ex.w, who="manager2")
    assert second.id == first.id and second.version == 2 and second.income == Decimal(17_234_567)
    assert json.loads(second.previous_json)["income"] == "16234567" and second.computed_by == ex.w.actor("manager2").user_id
    _act(ex.w, pd.approve, "manager", second.id)
    before = (_line_tuples(ex.w, second.id), second.paid_total)
    again = _compute(ex.w)
    assert again.status == "approved" and again.version == 2 and (_line_tuples(ex.w, again.id), again.paid_total) == before
    _act(ex.w, pd.post, "manager", second.id)
    bal = _balances(ex.w)
    assert _act(ex.w, pd.post, "manager", second.id).status == "posted" and _balances(ex.w) == bal


def test_a_late_entry_in_the_month_makes_the_approved_run_stale(ex: ExampleB) -> None:
    r = _compute(ex.w)
    _act(ex.w, pd.approve, "manager2", r.id)
    run(_post(ex.w, date(2025, 6, 28), Posting.debit("cash", M), Posting.credit("murabahah_income", M)))
    with pytest.raises(Conflict):
        _act(ex.w, pd.post, "manager2", r.id)
    _act(ex.w, pd.reopen, "manager2", r.id, "pendapatan terlambat")
    fresh = _compute(ex.w)
    assert fresh.income == Decimal(17_234_567) and fresh.status == "draft"


def test_an_entry_on_accounts_the_run_does_not_read_leaves_it_valid(ex: ExampleB) -> None:
    r = _compute(ex.w)
    run(_post(ex.w, JUNE30, Posting.debit("ppap_expense", M), Posting.credit("ppap", M)))  # a day close's allowance
    assert _approve_and_post(ex, r).status == "posted"


def test_the_period_lock_is_respected_at_posting(ex: ExampleB) -> None:
    r = _compute(ex.w)
    _act(ex.w, pd.approve, "manager2", r.id)
    _act(ex.w, periods.close_through, "manager", JUNE30, label="2025-06")
    with pytest.raises(PeriodClosed):
        _act(ex.w, pd.post, "manager2", r.id)
    assert _act(ex.w, pd.get_run, "manager", r.id).status == "approved"


def test_after_the_day_close_the_distribution_is_dated_the_first_open_day(ex: ExampleB) -> None:
    _act(ex.w, periods.close_through, "manager", JUNE30, label="2025-06")
    r = _compute(ex.w)
    assert r.value_date == JULY1
    with pytest.raises(PeriodClosed):
        _compute(ex.w, value_date=JUNE30)


def test_reversal_takes_a_posted_month_back_as_a_whole_with_two_people(ex: ExampleB) -> None:
    before = _balances(ex.w)
    r = _approve_and_post(ex, _compute(ex.w))
    with pytest.raises(Conflict):
        _act(ex.w, pd.approve_reversal, "manager2", r.id)
    _act(ex.w, pd.request_reversal, "manager", r.id, "salah nisbah")
    with pytest.raises(PermissionDenied):
        _act(ex.w, pd.approve_reversal, "manager", r.id)
    rev = _act(ex.w, pd.approve_reversal, "manager2", r.id)
    assert rev.status == "reversed" and rev.live is None and _balances(ex.w) == before and _subledgers_ok(ex.w)
    rev_ids = json.loads(rev.reversal_entry_ids_json)
    assert sum(a for _, a, _ in _entry_lines(ex.w, rev_ids) if a > 0) == Decimal(4_261_571)

    async def expense() -> Decimal:
        async with ex.w.factory() as uow:
            return (await ledger.net_by_account(uow, ex.w.coop_id)).get("6101", Decimal(0))

    assert run(expense()) == 0
    again = _compute(ex.w)
    assert again.id != r.id and again.status == "draft" and again.paid_total == Decimal(4_261_571)


def test_a_reversal_that_would_overdraw_a_member_is_refused(ex: ExampleB) -> None:
    r = _approve_and_post(ex, _compute(ex.w))
    async def drain() -> None:
        async with ex.w.factory() as uow:
            uow.today = JULY1
            a = (await uow.session.get(SavingsAccount, ex.acc["TM-A"]))
            await savings.withdraw(uow, ex.w.actor("manager"), a.id, a.balance)

    run(drain())
    _act(ex.w, pd.request_reversal, "manager", r.id, "uji")
    with pytest.raises(InsufficientBalance):
        _act(ex.w, pd.approve_reversal, "manager2", r.id)


def test_one_audit_event_per_run_action_not_per_account(ex: ExampleB) -> None:
    r = _approve_and_post(ex, _compute(ex.w))

    async def events() -> list[str]:
        async with ex.w.factory() as uow:
            q = select(AuditEvent.action).where(AuditEvent.object_ref == f"profit_run:{r.id}").order_by(AuditEvent.id)
            return list((await uow.session.execute(q)).scalars())

    assert run(events()) == ["profit_sharing.distribution.compute", "profit_sharing.distribution.approve", "profit_sharing.distribution.post"]


# ------------------------------------------------------------------------------------------------ residues, forfeits, links, tax


def test_the_residue_is_carried_into_next_months_pool(ex: ExampleB) -> None:
    june = _approve_and_post(ex, _compute(ex.w))
    run(_post(ex.w, date(2025, 7, 15), Posting.debit("cash", Decimal(9_000_000)), Posting.credit("murabahah_income", Decimal(9_000_000))))

    async def july() -> dict[str, object]:
        async with ex.w.factory() as uow:
            uow.today = date(2025, 8, 1)
            r = await pd.compute(uow, ex.w.actor("manager"), "2025-07")
            return {p.code: p for p in await pd.pools_of(uow, r.id)} | {"_run": r}

    p = run(july())
    assert p["_run"].carry_from_run_id == june.id
    assert pd.frac(p["TM"].carried_in) == Fraction("1.03") and pd.frac(p["D12"].carried_in) == Fraction("0.7775")
    assert pd.frac(p["TM"].pool) == pd.frac(p["TM"].member_share) + Fraction("1.03")


def test_a_closed_account_forfeits_and_its_share_stays_in_the_pool(ex: ExampleB) -> None:
    async def close_c() -> None:
        async with ex.w.factory() as uow:
            uow.today = JULY1
            await savings.close_account(uow, ex.w.actor("manager"), ex.acc["TM-C"])

    run(close_c())
    r = _compute(ex.w)
    ln = _lines(ex.w, r.id)[ex.acc["TM-C"]]
    assert (ln.share_floor, ln.share_paid, ln.credit_kind) == (Decimal(525_999), Decimal(0), 0)

    async def tm() -> object:
        async with ex.w.factory() as uow:
            return next(p for p in await pd.pools_of(uow, r.id) if p.code == "TM")

    pool = run(tm())
    assert pd.frac(pool.residue) == Fraction("1.03") + 525_999 and pool.forfeited == Decimal(525_999)


def test_deposito_profit_goes_to_the_linked_savings_account_and_tax_is_withheld(ex: ExampleB) -> None:
    async def setup() -> None:
        async with ex.w.factory() as uow:
            d = await uow.session.get(SavingsAccount, ex.acc["D12-Z"])
            d.profit_to_account_id = ex.acc["TM-A"]
            coop = await uow.session.get(Cooperative, ex.w.coop_id)
            coop.settings_json = json.dumps({"profit_sharing": {"withholding_tax": {"rate_percent": "10", "threshold": "500000", "applies_to": ["deposit"]}}})

    run(setup())
    before = _balances(ex.w)
    r = _approve_and_post(ex, _compute(ex.w))
    ln = _lines(ex.w, r.id)
    assert (ln[ex.acc["D12-Z"]].tax, ln[ex.acc["D12-Z"]].credited, ln[ex.acc["D12-Z"]].target_id) == (Decimal(133_935), Decimal(1_205_416), ex.acc["TM-A"])
    assert ln[ex.acc["D3-Y"]].tax == 0 and ln[ex.acc["D3-X"]].tax == Decimal(109_583) and r.tax_total == Decimal(243_518)
    after = _balances(ex.w)
    assert after[ex.acc["TM-A"]] - before[ex.acc["TM-A"]] == Decimal(487_037 + 1_205_416)
    lines = _entry_lines(ex.w, json.loads(r.entry_ids_json))
    assert sum(-a for k, a, _ in lines if k == "tax_payable") == Decimal(243_518) and sum(a for _, a, _ in lines) == 0
    assert _subledgers_ok(ex.w)


def test_accounts_opened_at_an_older_nisbah_form_their_own_pool(ex: ExampleB) -> None:
    async def older() -> None:
        async with ex.w.factory() as uow:
            a = await uow.session.get(SavingsAccount, ex.acc["TM-C"])
            a.nisbah_member_bps = 2500

    run(older())
    r = _compute(ex.w)

    async def pools() -> list[object]:
        async with ex.w.factory() as uow:
            return [p for p in await pd.pools_of(uow, r.id) if p.code == "TM"]

    tm = sorted(run(pools()), key=lambda p: p.nisbah_bps)
    assert [p.nisbah_bps for p in tm] == [2500, 3000]
    y = Fraction(16_234_567)
    assert pd.frac(tm[0].income_share) == y * 108 / 1000 and pd.frac(tm[0].member_share) == y * 108 / 1000 * Fraction(25, 100)
    assert _lines(ex.w, r.id)[ex.acc["TM-C"]].share_paid == int(y * 108 / 1000 * Fraction(25, 100))


# ------------------------------------------------------------------------------------------------ Y on a cash basis, F


def test_accrued_profit_shares_count_only_when_received_and_the_reconciliation_ties_to_y(db_url: str) -> None:
    w = run(make_world(db_url, today=JULY1))
    try:
        ex = run(_seed_example_b(w, income=False))
        run(_post(w, date(2025, 5, 20), Posting.debit("profit_share_receivable", 3 * M, "contract:901"), Posting.credit("mudharabah_income", 3 * M)))  # May: accrued
        run(_post(w, date(2025, 6, 5), Posting.debit("cash", 2 * M), Posting.credit("profit_share_receivable", 2 * M, "contract:901")))  # June: 2 of May's 3 received
        run(_post(w, date(2025, 6, 25), Posting.debit("profit_share_receivable", 5 * M, "contract:902"), Posting.credit("mudharabah_income", 5 * M)))  # June accrual
        run(_post(w, date(2025, 6, 28), Posting.debit("cash", 1 * M), Posting.credit("profit_share_receivable", 1 * M, "contract:902")))  # 1 of it received
        run(_post(w, date(2025, 6, 12), Posting.debit("cash", Decimal(400_000)), Posting.credit("murabahah_income", Decimal(400_000))))
        run(_post(w, date(2025, 6, 12), Posting.debit("cash", Decimal(150_000)), Posting.credit("fee_income", Decimal(150_000))))
        r = _compute(ex.w)
        assert r.income == Decimal(400_000) + 2 * M + 1 * M  # fees are outside the default basket
        rec = pd.reconciliation(r)
        amounts = [row.amount for row in rec.rows]
        assert amounts[:4] == [Decimal(400_000) + 5 * M, -(4 * M), 2 * M, r.income]
        assert amounts[0] + amounts[1] + amounts[2] == amounts[3] and rec.depositors + rec.bmt == r.income
        assert {x["kind"] for x in rec.excluded} == {"fee"}
    finally:
        run(w.engine.dispose())


def test_the_broad_basket_shares_fees_too_and_f_can_come_from_snapshots(ex: ExampleB) -> None:
    run(_post(ex.w, date(2025, 6, 12), Posting.debit("cash", Decimal(150_000)), Posting.credit("fee_income", Decimal(150_000))))

    async def settings() -> None:
        from bmt.persistence.models_close import PortfolioSnapshot

        async with ex.w.factory() as uow:
            coop = await uow.session.get(Cooperative, ex.w.coop_id)
            coop.settings_json = json.dumps({"profit_sharing": {"income_basket": "financing_fees_placements", "financing_adb_source": "snapshots"}})
            for day, out in ((date(2025, 6, 1), 700 * M), (date(2025, 6, 2), 900 * M), (date(2025, 6, 3), 1400 * M)):
                uow.session.add(PortfolioSnapshot(cooperative_id=ex.w.coop_id, business_date=day, contracts=1, outstanding=out, non_performing=0, ppap_required=0, ppap_formed=0, by_class_json="{}"))

    run(settings())
    r = _compute(ex.w)
    assert r.income == Decimal(16_234_567 + 150_000) and pd.frac(r.financing_adb) == 1000 * M
    assert pd.frac(r.divisor) == 1000 * M and json.loads(r.settings_json)["income_basket"] == "financing_fees_placements"


def test_a_liquidity_reserve_and_product_weights_are_settings_of_the_month_run(ex: ExampleB) -> None:
    """domain.md §4.2 variants (a) and (b): ADB'_j = ADB_j × (1 − reserve_j) × weight_j, divisor max(S', F)."""

    async def settings(value: dict) -> None:
        async with ex.w.factory() as uow:
            coop = await uow.session.get(Cooperative, ex.w.coop_id)
            coop.settings_json = json.dumps({"profit_sharing": value})

    run(settings({"reserve_percent": {"TM": "15"}, "weights": {"D12": "0.5"}}))
    r = _compute(ex.w)

    async def pools() -> dict[str, object]:
        async with ex.w.factory() as uow:
            return {p.code: p for p in await pd.pools_of(uow, r.id)}

    p = run(pools())
    y = Fraction(16_234_567)
    s_prime = Fraction(300 * 85, 100) + 200 + Fraction(150, 2) + 100 + 250  # millions: 880 > F = 800
    assert pd.frac(r.divisor) == s_prime * int(M)
    for code, adb_prime in (("TM", Fraction(255)), ("D3", Fraction(200)), ("D12", Fraction(75)), ("TW", Fraction(100)), ("EKUITAS", Fraction(250))):
        assert pd.frac(p[code].income_share) == y * adb_prime / s_prime, code
    assert pd.frac(p["TM"].adb) == 300 * int(M)  # the ADB itself is unchanged; only its share of Y
    assert json.loads(r.settings_json)["reserve_percent"] == {"TM": "15"}
    for bad in ({"reserve_percent": {"TM": "120"}}, {"weights": {"XX": "1"}}, {"weights": ["TM"]}):
        run(settings(bad))
        with pytest.raises(InvalidInput):
            _compute(ex.w)


def test_unknown_settings_and_a_future_period_are_refused(ex: ExampleB) -> None:
    with pytest.raises(InvalidInput):
        _compute(ex.w, period="2025-08")

    async def bad() -> None:
        async with ex.w.factory() as uow:
            coop = await uow.session.get(Cooperative, ex.w.coop_id)
            coop.settings_json = json.dumps({"profit_sharing": {"income_basket": "semua"}})

    run(bad())
    with pytest.raises(InvalidInput):
        _compute(ex.w)


# ------------------------------------------------------------------------------------------------ explanation, wadiah bonus


def test_the_explanation_shows_how_an_accounts_share_was_made(ex: ExampleB) -> None:
    r = _approve_and_post(ex, _compute(ex.w))

    async def explain(who: str, account: str) -> pd.Explanation | None:
        async with ex.w.factory() as uow:
            return await pd.explanation(uow, ex.w.actor(who), ex.acc[account], "2025-06")

    e = run(explain("teller", "TM-B"))
    assert e.run.id == r.id and e.account_adb == Decimal(92_000_000) and pd.frac(e.pool.adb) == 300 * M
    assert pd.show(e.pool.income_share) == Decimal("4870370.1") and e.pool.nisbah_bps == 3000
    assert Decimal(e.share_exact) == Decimal("448074.0492") and e.share_paid == Decimal(448_074)
    assert e.personal_rate.quantize(Decimal("0.0001")) == (Decimal(448_074) / Decimal(92_000_000) * 1200).quantize(Decimal("0.0001"))
    assert run(explain("teller", "TW-W")).share_paid == 0


def test_a_wadiah_bonus_is_split_by_adb_floored_and_posted_as_a_bonus_expense(ex: ExampleB) -> None:
    async def second_wadiah() -> int:
        async with ex.w.factory() as uow:
            uow.today = date(2025, 6, 11)
            return (await savings.open_account(uow, ex.w.actor("manager"), savings.OpenAccount(ex.member, ex.prod["TW"], 30 * M)))["account_id"]

    tw2 = run(second_wadiah())  # 30 M from day 11: ADB 20 M
    with pytest.raises(InvalidInput):
        _compute(ex.w, kind=pd.WADIAH_BONUS)
    r = _compute(ex.w, kind=pd.WADIAH_BONUS, bonus_total="100.000")
    ln = _lines(ex.w, r.id)
    assert set(ln) == {ex.acc["TW-W"], tw2}
    assert (ln[ex.acc["TW-W"]].share_paid, ln[tw2].share_paid) == (Decimal(83_333), Decimal(16_666))
    before = _balances(ex.w)
    posted = _approve_and_post(ex, r)
    lines = _entry_lines(ex.w, json.loads(posted.entry_ids_json))
    assert [(k, a) for k, a, _ in lines] == [("wadiah_bonus_expense", Decimal(99_999)), ("wadiah_savings", Decimal(-83_333)), ("wadiah_savings", Decimal(-16_666))]
    assert _balances(ex.w)[tw2] - before[tw2] == Decimal(16_666) and _subledgers_ok(ex.w)


def test_every_set_based_entry_is_checked_to_balance_before_commit(db_url: str) -> None:
    w = run(make_world(db_url, today=JULY1))
    try:
        with pytest.raises(UnbalancedEntry):
            run(_unbalanced_entry(w, check_in_code=True))
        assert _entries(w) == 0
    finally:
        run(w.engine.dispose())


@pytest.mark.pg
def test_postgres_checks_each_entry_once_at_commit_and_still_refuses_an_unbalanced_one(pg_url: str) -> None:
    w = run(make_world(pg_url, today=JULY1))
    try:
        with pytest.raises(IntegrityError, match="unbalanced journal entry"):
            run(_unbalanced_entry(w, check_in_code=False))
        assert _entries(w) == 0
    finally:
        run(w.engine.dispose())


async def _unbalanced_entry(w: World, *, check_in_code: bool) -> None:
    """A balanced entry of 300 lines, then one whose last line is a sen short, in one transaction."""
    from bmt.services import _bulk

    async with w.factory() as uow:
        ids = await _bulk.insert_entries(uow, w.coop_id, JULY1, [_bulk.EntryHeader("ok", "t"), _bulk.EntryHeader("short", "t")], maker_id=None, checker_id=None)
        accounts = await ledger.chart(uow, w.coop_id)
        vd = JULY1 if _bulk.is_postgres(uow) else JULY1.isoformat()
        rows = []
        for eid, short in zip(ids, (0, 1), strict=True):
            rows.append({"entry_id": eid, "cooperative_id": w.coop_id, "account_id": accounts["cash"].id, "value_date": vd, "amount_sen": 299 * 100})
            rows += [{"entry_id": eid, "cooperative_id": w.coop_id, "account_id": accounts["other_income"].id, "value_date": vd, "amount_sen": -100} for _ in range(299)]
            rows[-1]["amount_sen"] += short
        await uow.session.execute(text("INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen) VALUES (:entry_id, :cooperative_id, :account_id, :value_date, :amount_sen)"), rows)
        if check_in_code:
            await _bulk.check_entries(uow, ids)


def _entries(w: World) -> int:
    async def go() -> int:
        async with w.factory() as uow:
            return (await uow.session.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id == w.coop_id))).scalar_one()

    return run(go())


def test_the_close_month_command_computes_approves_and_posts(ex: ExampleB, db_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bmt.cli import main

    async def code() -> str:
        async with ex.w.factory() as uow:
            return (await uow.session.get(Cooperative, ex.w.coop_id)).code

    monkeypatch.setenv("BMT_DATABASE_URL", db_url)
    monkeypatch.setenv("BMT_AUDIT_KEY", "test-audit-key")
    monkeypatch.setenv("BMT_VAR_DIR", str(tmp_path))
    base = ["close-month", "--period", "2025-06", "--cooperative", run(code())]
    cli = CliRunner()
    first = cli.invoke(main, [*base, "--as", ex.w.actor("manager").username])
    assert first.exit_code == 0, first.output
    assert "status draft" in first.output and "dibayar 4261571" in first.output
    refused = cli.invoke(main, [*base, "--approve", "--as", ex.w.actor("manager").username])
    assert refused.exit_code == 1 and "pembuat tidak boleh menyetujui" in refused.output
    posted = cli.invoke(main, [*base, "--approve", "--post", "--as", ex.w.actor("manager2").username])
    assert posted.exit_code == 0, posted.output
    assert "status posted" in posted.output and _subledgers_ok(ex.w)


# ------------------------------------------------------------------------------------------------ the numpy path, property


@st.composite
def _ledgers(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, list[tuple[int, int]]]]]:
    """Accounts with an opening balance and credit-normal movements on days 1..D+5 (after the month too),
    never taking a balance below zero: (days, [(account id, opening sen, [(day, +credit / −debit sen)])])."""
    days = draw(st.integers(28, 31))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=12, unique=True))
    accounts = []
    for acc in ids:
        balance = opening = draw(st.integers(0, 10**9))
        moves = []
        for day in sorted(draw(st.lists(st.integers(1, days + 5), max_size=8))):
            amount = draw(st.integers(-balance, 10**9))
            if amount:
                moves.append((day, amount))
                balance += amount
        accounts.append((acc, opening, moves))
    return days, accounts


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ledgers())
def test_the_month_read_from_running_balances_gives_each_accounts_exact_adb(book: tuple) -> None:
    """Openings derived from today's balance less the month's lines, then the engine's events: Σ of each day's
    closing balance equals a plain day-by-day loop, for every account (accounts at zero all month drop out)."""
    from bmt.profit_sharing import adb_numerators, balance_events

    days, accounts = book
    rows = []  # (account, day, amount): today's balance as day −1, the lines in the ledger's sign (credit < 0)
    for a, opening, moves in accounts:
        rows.append((a, -1, opening + sum(m for _, m in moves)))
        rows += [(a, d, -m) for d, m in moves]
    acc, day, amount = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    rows = pd._with_openings(acc, day, amount, days)
    ids = np.array(sorted(a for a, _, _ in accounts), dtype=np.int64)
    zeros = np.zeros(ids.size, dtype=np.int64)
    got_book = pd._events_to_book(*rows, (ids, zeros, zeros, zeros, zeros, zeros), None)
    nums = adb_numerators(balance_events(got_book.ev_account, got_book.ev_day, got_book.ev_balance, n_accounts=got_book.ids.size, days=days))
    got = dict(zip(got_book.ids.tolist(), nums.tolist(), strict=True))
    for a, opening, moves in accounts:
        balance, total = opening, 0
        for d in range(1, days + 1):
            balance += sum(m for md, m in moves if md == d)
            total += balance
        assert got.get(a, 0) == total


def test_the_member_portal_gets_plain_lines_explaining_a_posted_credit(ex: ExampleB) -> None:
    async def setup() -> None:
        async with ex.w.factory() as uow:
            (await uow.session.get(SavingsAccount, ex.acc["D12-Z"])).profit_to_account_id = ex.acc["TM-A"]

    run(setup())
    r = _approve_and_post(ex, _compute(ex.w))
    [entry_id] = json.loads(r.entry_ids_json)

    async def explain(account: str) -> list[str]:
        async with ex.w.factory() as uow:
            return await pd.explain_share(uow, ex.w.actor("teller"), entry_id, ex.acc[account])

    tm_b = run(explain("TM-B"))
    assert "92.000.000,00" in tm_b[0] and "448.074,0492" in tm_b[-1] and "Rp448.074" in tm_b[-1]
    tm_a = run(explain("TM-A"))  # its own share and the deposito's, credited to it
    assert len(tm_a) == 6 and any(f"deposito #{ex.acc['D12-Z']}" in line for line in tm_a) and any("Rp1.339.351" in line for line in tm_a)
