"""Mudharabah, musyarakah, MMQ and qardh through the services, on SQLite and PostgreSQL: domain.md Examples D
and E as golden tests, the journal of every event, and the contract sub-ledger against ``outstanding``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bmt.errors import (
    Conflict,
    ContractStateError,
    InsufficientBalance,
    InvalidInput,
    PermissionDenied,
    ShariaViolation,
)
from bmt.ledger import Posting, entry
from bmt.persistence.models import JournalEntry
from bmt.persistence.models_financing import FinancingContract
from bmt.services import (
    financing,
    ledger,
    members,
    pls,
    pls_mmq,
    pls_mudharabah,
    pls_musyarakah,
    pls_qardh,
    teller,
)
from tests.conftest import TODAY, World, nik_for, run

D = Decimal
_serial = iter(range(1, 10_000))

# domain.md Example D: k, BMT % at start, BMT rent share, buy-back, payment, BMT balance at the end.
EXAMPLE_D = [
    (1, "80.0000", 1_200_000, 5_000_000, 6_200_000, 115_000_000),
    (2, "76.6667", 1_150_000, 5_000_000, 6_150_000, 110_000_000),
    (3, "73.3333", 1_100_000, 5_000_000, 6_100_000, 105_000_000),
    (12, "43.3333", 650_000, 5_000_000, 5_650_000, 60_000_000),
    (23, "6.6667", 100_000, 5_000_000, 5_100_000, 5_000_000),
    (24, "3.3333", 50_000, 5_000_000, 5_050_000, 0),
]


# ------------------------------------------------------------------------------------------------ helpers


def go(w: World, fn, *, today: date | None = None):  # noqa: ANN001, ANN201
    """Run ``fn(uow)`` in one unit of work on ``today`` (the business date), then restore TODAY."""

    async def inner():  # noqa: ANN202
        w.factory.today = today or TODAY
        try:
            async with w.factory() as uow:
                return await fn(uow)
        finally:
            w.factory.today = TODAY

    return run(inner())


def new_member(w: World) -> int:
    serial = next(_serial)
    cmd = members.RegisterMember(nik_for(date(1985, 3, 9), serial), "Asep Sunandar", date(1985, 3, 9), "Kp. Babakan, Soreang", "081311112222", simpanan_pokok_paid=False)
    return go(w, lambda uow: members.register(uow, w.actor("financing_officer"), cmd)).id


def approved(w: World, app_of) -> int:  # noqa: ANN001
    """An application by the officer (maker), approved by the manager (checker)."""
    member_id = new_member(w)
    c = go(w, lambda uow: pls.apply(uow, w.actor("financing_officer"), app_of(member_id)))
    go(w, lambda uow: pls.approve(uow, w.actor("manager"), c.id))
    return c.id


def active(w: World, app_of) -> tuple[int, dict]:  # noqa: ANN001
    cid = approved(w, app_of)
    return cid, go(w, lambda uow: pls.disburse(uow, w.actor("manager"), cid))


def lines(w: World, entry_id: int) -> list[tuple[str, Decimal, str | None]]:
    """An entry's lines as (account key, signed amount, sub-ledger), debit positive."""

    async def fn(uow):  # noqa: ANN001, ANN202
        _, rows = await ledger.load_entry(uow, w.coop_id, entry_id)
        return sorted((acc.key, line.amount, line.subledger) for line, acc in rows)

    return go(w, fn)


def book_of(w: World, entry_id: int) -> str:
    return go(w, lambda uow: uow.session.get(JournalEntry, entry_id)).book


def contract(w: World, cid: int) -> FinancingContract:
    return go(w, lambda uow: financing.get(uow, w.actor("manager"), cid))


def assert_subledger_ties(w: World, cid: int) -> FinancingContract:
    """Σ of the contract-tagged lines on the akad's exposure accounts equals ``outstanding`` (and the principal)."""
    c = contract(w, cid)
    tagged = go(w, lambda uow: ledger.subledger_balance(uow, w.coop_id, f"contract:{cid}", list(pls.EXPOSURE[c.kind])))
    assert tagged == c.outstanding == c.outstanding_principal
    return c


def account(w: World, key: str) -> Decimal:
    return go(w, lambda uow: pls.account_balance(uow, w.coop_id, key))


def tag(cid: int) -> str:
    return f"contract:{cid}"


def mmq_d(member_id: int, **over: object) -> pls.MmqApplication:
    args = {"asset_price": D(150_000_000), "bmt_share_amount": D(120_000_000), "monthly_rent": D(1_500_000), "tenor_months": 24, "first_due_date": date(2025, 7, 16)} | over
    return pls.MmqApplication(member_id, asset_description="Ruko Jl. Raya Soreang No. 12", **args)


def mudharabah_e(member_id: int, **over: object) -> pls.MudharabahApplication:
    args = {"capital": D(50_000_000), "bmt_nisbah": D(40), "first_return_date": date(2026, 6, 16)} | over
    return pls.MudharabahApplication(member_id, business="Konveksi kerudung", **args)


def musyarakah_e(member_id: int, **over: object) -> pls.MusyarakahApplication:
    args = {"bmt_capital": D(60_000_000), "partner_capital": D(40_000_000), "bmt_nisbah": D(35), "maturity_date": date(2026, 6, 16)} | over
    return pls.MusyarakahApplication(member_id, business="Penggilingan padi", **args)


# ------------------------------------------------------------------------------------------------ Example D (MMQ)


def test_example_d_mmq_schedule_is_stored_and_the_first_payment_posts_the_month_1_journal(world: World) -> None:
    cid, disbursed = active(world, mmq_d)
    assert lines(world, disbursed["entry_ids"][0]) == sorted([("cash", D(-120_000_000), None), ("mmq_financing", D(120_000_000), tag(cid))])
    rows = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid)).schedule
    assert len(rows) == 24 and sum(r.margin for r in rows) == 15_000_000 and sum(r.amount for r in rows) == 135_000_000
    by_k = {r.number: r for r in rows}
    for k, _pct, rent, buyback, payment, _end in EXAMPLE_D:
        assert (by_k[k].margin, by_k[k].principal, by_k[k].amount) == (rent, buyback, payment)
    c = assert_subledger_ties(world, cid)
    assert (c.status, c.outstanding, c.margin_total, c.maturity_date) == ("active", 120_000_000, 15_000_000, date(2027, 6, 16))

    teller_actor = world.actor("teller")
    go(world, lambda uow: teller.open_drawer(uow, teller_actor, D(0)))
    paid = go(world, lambda uow: pls_mmq.pay(uow, teller_actor, cid, D(6_200_000)))
    drawer = go(world, lambda uow: teller.current_drawer(uow, teller_actor))
    # Month 1 journal: Dr Kas 6,200,000 / Cr Pembiayaan MMQ 5,000,000 / Cr Pendapatan ujrah MMQ 1,200,000.
    assert lines(world, paid["entry_ids"][0]) == sorted([
        ("teller_cash", D(6_200_000), f"drawer:{drawer.id}"), ("mmq_financing", D(-5_000_000), tag(cid)), ("mmq_income", D(-1_200_000), tag(cid)),
    ])
    assert assert_subledger_ties(world, cid).outstanding == 115_000_000


def test_example_d_paying_every_month_settles_the_contract_with_the_golden_totals(world: World) -> None:
    cid, _ = active(world, mmq_d)
    rows = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid)).schedule
    ends = {k: end for k, _p, _r, _b, _pay, end in EXAMPLE_D}
    income_before = account(world, "mmq_income")
    for r in rows:
        go(world, lambda uow, r=r: pls_mmq.pay(uow, world.actor("manager"), cid, r.amount), today=r.due_date)
        if r.number in ends:
            assert assert_subledger_ties(world, cid).outstanding == ends[r.number]
    c = contract(world, cid)
    assert (c.status, c.outstanding, c.closed_on) == ("settled", 0, date(2027, 6, 16))
    assert income_before - account(world, "mmq_income") == 15_000_000  # rent to the BMT (income is a credit)
    paid = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid)).events
    assert sum(e.amount for e in paid if e.kind == "installment_payment") == 135_000_000


def test_a_part_payment_settles_rent_first_and_an_overpayment_is_refused_with_nothing_written(world: World) -> None:
    cid, _ = active(world, mmq_d)
    part = go(world, lambda uow: pls_mmq.pay(uow, world.actor("manager"), cid, D(2_000_000)))
    assert (part["rent"], part["buyback"]) == ("1200000", "800000")
    assert assert_subledger_ties(world, cid).outstanding == 119_200_000
    before = go(world, lambda uow: uow.session.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id == world.coop_id))).scalar_one()
    with pytest.raises(InvalidInput, match="melebihi seluruh sisa kewajiban"):
        go(world, lambda uow: pls_mmq.pay(uow, world.actor("manager"), cid, D(200_000_000)))
    after = go(world, lambda uow: uow.session.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id == world.coop_id))).scalar_one()
    assert after == before and assert_subledger_ties(world, cid).outstanding == 119_200_000


def test_a_rent_review_reschedules_the_unpaid_months_and_keeps_the_paid_ones(world: World) -> None:
    cid, _ = active(world, mmq_d)
    go(world, lambda uow: pls_mmq.pay(uow, world.actor("manager"), cid, D(6_200_000)))
    with pytest.raises(ContractStateError):
        go(world, lambda uow: pls_mmq.review_rent(uow, world.actor("manager"), cid, 1, D(1_800_000)))
    with pytest.raises(PermissionDenied):
        go(world, lambda uow: pls_mmq.review_rent(uow, world.actor("teller"), cid, 13, D(1_800_000)))
    done = go(world, lambda uow: pls_mmq.review_rent(uow, world.actor("manager"), cid, 13, D(1_800_000)))
    assert done["schedule_version"] == 2
    v = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid))
    by_k = {r.number: r for r in v.schedule}
    assert by_k[1].status == "paid" and by_k[1].schedule_version == 1 and by_k[2].schedule_version == 2
    assert by_k[12].margin == 650_000  # before the review: unchanged
    assert by_k[13].margin == 720_000  # 1,800,000 × 60,000,000 / 150,000,000
    assert by_k[24].margin == 60_000 and all(by_k[k].principal == 5_000_000 for k in by_k)
    expected_total = sum(1_200_000 - 50_000 * (k - 1) for k in range(1, 13)) + sum(1_800_000 * (120_000_000 - 5_000_000 * (k - 1)) // 150_000_000 for k in range(13, 25))
    assert v.contract.margin_total == expected_total
    assert [r["from_month"] for r in v.terms["rent_reviews"]] == [13]


def test_an_early_buy_out_pays_the_remaining_share_and_settles(world: World) -> None:
    cid, _ = active(world, mmq_d)
    for amount in (6_200_000, 6_150_000):
        go(world, lambda uow, amount=amount: pls_mmq.pay(uow, world.actor("manager"), cid, D(amount)))
    quote = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid)).detail["buyout"]
    assert (quote.month, quote.bmt_balance, quote.rent_to_bmt, quote.amount) == (3, 110_000_000, 0, 110_000_000)
    with pytest.raises(Exception, match="jumlah pelunasan adalah 110000000"):
        go(world, lambda uow: pls_mmq.buy_out(uow, world.actor("manager"), cid, expected_amount=D(100_000_000)))
    done = go(world, lambda uow: pls_mmq.buy_out(uow, world.actor("manager"), cid, expected_amount=D(110_000_000)))
    assert lines(world, done["entry_ids"][0]) == sorted([("cash", D(110_000_000), None), ("mmq_financing", D(-110_000_000), tag(cid))])
    c = assert_subledger_ties(world, cid)
    assert c.status == "settled" and not go(world, lambda uow: financing.installments(uow, c, open_only=True))


# ------------------------------------------------------------------------------------------------ Example E (mudharabah)


def test_example_e_mudharabah_profit_then_a_loss_without_negligence_reduce_the_carrying_amount(world: World) -> None:
    cid, disbursed = active(world, mudharabah_e)
    assert lines(world, disbursed["entry_ids"][0]) == sorted([("cash", D(-50_000_000), None), ("mudharabah_financing", D(50_000_000), tag(cid))])
    officer = world.actor("financing_officer")
    month1 = go(world, lambda uow: pls_mudharabah.record_report(uow, officer, cid, pls_mudharabah.Report(date(2025, 7, 15), D(20_000_000), D(14_000_000))), today=date(2025, 7, 20))
    assert (month1["bmt_share"], month1["mudharib_share"], month1["due_date"]) == ("2400000", "3600000", "2025-07-25")
    assert lines(world, month1["entry_ids"][0]) == sorted([("profit_share_receivable", D(2_400_000), tag(cid)), ("mudharabah_income", D(-2_400_000), None)])
    month2 = go(world, lambda uow: pls_mudharabah.record_report(uow, officer, cid, pls_mudharabah.Report(date(2025, 8, 15), D(10_000_000), D(15_000_000))), today=date(2025, 8, 20))
    assert (month2["bmt_share"], month2["loss"]) == ("0", "5000000")
    assert lines(world, month2["entry_ids"][0]) == sorted([("mudharabah_loss", D(5_000_000), None), ("mudharabah_financing", D(-5_000_000), tag(cid))])
    c = assert_subledger_ties(world, cid)
    assert c.outstanding == 45_000_000  # carrying amount; the mudharib bears nothing but his effort
    schedule = go(world, lambda uow: financing.installments(uow, c, open_only=True))
    # The capital return is re-spread over the carrying amount; the reported share moves along, still owed.
    assert [(r.number, r.principal, r.margin, r.schedule_version) for r in schedule] == [(1, 45_000_000, 0, 2), (pls.SHARE_BASE, 0, 2_400_000, 2)]

    v = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid), today=date(2025, 8, 20))
    assert v.detail["arrears"].overdue == 2_400_000 and v.detail["arrears"].days_past_due == 26
    paid = go(world, lambda uow: pls.pay_share(uow, world.actor("manager"), cid, D(2_400_000)), today=date(2025, 8, 20))
    assert lines(world, paid["entry_ids"][0]) == sorted([("cash", D(2_400_000), None), ("profit_share_receivable", D(-2_400_000), tag(cid))])
    share_row = [r for r in go(world, lambda uow: financing.installments(uow, c)) if r.number == pls.SHARE_BASE]
    assert [(r.status, r.paid_margin, r.paid_on) for r in share_row] == [("paid", 2_400_000, date(2025, 8, 20))]
    back = go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(45_000_000)), today=date(2026, 6, 16))
    assert lines(world, back["entry_ids"][0]) == sorted([("cash", D(45_000_000), None), ("mudharabah_financing", D(-45_000_000), tag(cid))])
    c = assert_subledger_ties(world, cid)
    assert (c.status, c.outstanding) == ("settled", 0)


def test_the_daily_close_sees_a_reported_share_left_unpaid_as_arrears(world: World) -> None:
    from bmt.services import close_day

    cid, _ = active(world, musyarakah_e)
    go(world, lambda uow: pls_musyarakah.record_report(uow, world.actor("financing_officer"), cid, pls_musyarakah.Report(date(2025, 7, 15), D(30_000_000), D(20_000_000))), today=date(2025, 7, 20))
    run(close_day.close_day(world.factory, world.actor("manager"), date(2025, 8, 4)))
    c = contract(world, cid)
    assert c.days_past_due == 10  # the 3,500,000 share fell due on 25 July 2025
    assert assert_subledger_ties(world, cid).outstanding == 60_000_000


def test_example_e_a_negligence_loss_becomes_the_mudharibs_due_receivable_but_only_when_proven(world: World) -> None:
    cid, _ = active(world, mudharabah_e)
    with pytest.raises(ShariaViolation) as refused:
        go(world, lambda uow: pls_mudharabah.record_loss(uow, world.actor("manager"), cid, D(5_000_000), negligence_proven=False, charge_to_mudharib=D(5_000_000)))
    assert refused.value.rule == "MDH-03"
    assert assert_subledger_ties(world, cid).outstanding == 50_000_000
    with pytest.raises(PermissionDenied):  # proving negligence is the manager's call, not the officer's
        go(world, lambda uow: pls_mudharabah.record_loss(uow, world.actor("financing_officer"), cid, D(5_000_000), negligence_proven=True))
    done = go(world, lambda uow: pls_mudharabah.record_loss(uow, world.actor("manager"), cid, D(5_000_000), negligence_proven=True))
    assert lines(world, done["entry_ids"][0]) == sorted([("mudharabah_due_receivable", D(5_000_000), tag(cid)), ("mudharabah_financing", D(-5_000_000), tag(cid))])
    v = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid))
    assert (v.detail["due_receivable"], v.detail["capital_left"], v.contract.outstanding) == (5_000_000, 45_000_000, 50_000_000)
    go(world, lambda uow: pls_mudharabah.pay_due(uow, world.actor("manager"), cid, D(5_000_000)))
    assert assert_subledger_ties(world, cid).outstanding == 45_000_000


def test_example_e_revenue_sharing_takes_the_nisbah_of_gross_revenue(world: World) -> None:
    cid, _ = active(world, lambda m: mudharabah_e(m, bmt_nisbah=D(10), profit_basis="revenue"))
    done = go(world, lambda uow: pls_mudharabah.record_report(uow, world.actor("financing_officer"), cid, pls_mudharabah.Report(date(2025, 7, 15), D(20_000_000), D(19_000_000))), today=date(2025, 7, 20))
    assert done["bmt_share"] == "2000000"


def test_under_the_allowance_policy_a_loss_is_provided_for_and_settled_against_the_financing_at_the_end(world: World) -> None:
    cid, _ = active(world, lambda m: mudharabah_e(m, loss_policy="allowance"))
    loss = go(world, lambda uow: pls_mudharabah.record_loss(uow, world.actor("manager"), cid, D(5_000_000)))
    assert lines(world, loss["entry_ids"][0]) == sorted([("mudharabah_loss", D(5_000_000), None), ("mudharabah_loss_allowance", D(-5_000_000), tag(cid))])
    assert assert_subledger_ties(world, cid).outstanding == 45_000_000
    with pytest.raises(InvalidInput):  # the mudharib owes 45,000,000, not the 50,000,000 gross
        go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(50_000_000)))
    done = go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(45_000_000)))
    assert lines(world, done["entry_ids"][1]) == sorted([("mudharabah_loss_allowance", D(5_000_000), tag(cid)), ("mudharabah_financing", D(-5_000_000), tag(cid))])
    c = contract(world, cid)
    assert go(world, lambda uow: pls.balances(uow, c)) == {"mudharabah_financing": 0, "mudharabah_loss_allowance": 0}
    assert assert_subledger_ties(world, cid).status == "settled"


def test_capital_in_goods_is_measured_at_fair_value_and_its_deferred_gain_is_released_with_the_returns(world: World) -> None:
    go(world, lambda uow: ledger.post(uow, world.actor("manager"), entry(TODAY, "Pembelian mesin jahit", Posting.debit("other_assets", D(40_000_000)), Posting.credit("cash", D(40_000_000)))))
    app = lambda m: mudharabah_e(m, disbursement="goods", goods_book_value=D(40_000_000), goods_description="10 mesin jahit", return_installments=2, first_return_date=date(2026, 1, 16))  # noqa: E731
    cid, disbursed = active(world, app)
    assert lines(world, disbursed["entry_ids"][0]) == sorted([
        ("mudharabah_financing", D(50_000_000), tag(cid)), ("other_assets", D(-40_000_000), None), ("mudharabah_deferred_gain", D(-10_000_000), tag(cid)),
    ])
    assert assert_subledger_ties(world, cid).outstanding == 40_000_000
    first = go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(25_000_000)))
    assert lines(world, first["entry_ids"][1]) == sorted([("mudharabah_deferred_gain", D(5_000_000), tag(cid)), ("other_income", D(-5_000_000), None)])
    assert assert_subledger_ties(world, cid).outstanding == 20_000_000
    go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(25_000_000)))
    assert assert_subledger_ties(world, cid).status == "settled"


def test_a_fixed_rupiah_return_is_refused_at_application(world: World) -> None:
    member_id = new_member(world)
    with pytest.raises(ShariaViolation) as refused:
        go(world, lambda uow: pls.apply(uow, world.actor("financing_officer"), mudharabah_e(member_id, fixed_return=D(1_000_000))))
    assert refused.value.rule == "MDH-01"


def test_the_projection_is_shown_beside_the_actual_share(world: World) -> None:
    projections = tuple(pls_mudharabah.RealisationReport(date(2025, m, 15), D(20_000_000), D(14_000_000)) for m in (7, 8))
    cid, _ = active(world, lambda m: mudharabah_e(m, projections=projections))
    go(world, lambda uow: pls_mudharabah.record_report(uow, world.actor("financing_officer"), cid, pls_mudharabah.Report(date(2025, 7, 15), D(18_000_000), D(14_000_000))), today=date(2025, 7, 20))
    rows = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid)).detail["projection"]
    assert [(r.period_end.month, r.projected_bmt_share, r.actual_bmt_share, r.realisation_percent) for r in rows] == [
        (7, 2_400_000, 1_600_000, D("66.67")), (8, 2_400_000, 0, D("0.00")),
    ]


# ------------------------------------------------------------------------------------------------ Example E (musyarakah)


def test_example_e_musyarakah_profit_by_nisbah_and_loss_by_capital(world: World) -> None:
    cid, disbursed = active(world, musyarakah_e)
    assert lines(world, disbursed["entry_ids"][0]) == sorted([("cash", D(-60_000_000), None), ("musyarakah_financing", D(60_000_000), tag(cid))])
    officer = world.actor("financing_officer")
    profit = go(world, lambda uow: pls_musyarakah.record_report(uow, officer, cid, pls_musyarakah.Report(date(2025, 7, 15), D(30_000_000), D(20_000_000))), today=date(2025, 7, 20))
    assert (profit["bmt_share"], profit["partner_share"]) == ("3500000", "6500000")
    assert lines(world, profit["entry_ids"][0]) == sorted([("profit_share_receivable", D(3_500_000), tag(cid)), ("musyarakah_income", D(-3_500_000), None)])
    loss = go(world, lambda uow: pls_musyarakah.record_report(uow, officer, cid, pls_musyarakah.Report(date(2025, 8, 15), D(12_000_000), D(20_000_000))), today=date(2025, 8, 20))
    assert (loss["bmt_loss"], loss["partner_loss"]) == ("4800000", "3200000")
    assert lines(world, loss["entry_ids"][0]) == sorted([("musyarakah_loss", D(4_800_000), None), ("musyarakah_financing", D(-4_800_000), tag(cid))])
    v = go(world, lambda uow: pls.view(uow, world.actor("manager"), cid))
    assert (v.detail["bmt_capital"], v.detail["partner_capital"], v.detail["bmt_capital_percent"]) == (55_200_000, 36_800_000, D("60.00"))
    assert assert_subledger_ties(world, cid).outstanding == 55_200_000


def test_a_musyarakah_loss_split_copied_from_the_profit_nisbah_is_refused(world: World) -> None:
    cid, _ = active(world, musyarakah_e)
    with pytest.raises(ShariaViolation) as refused:
        go(world, lambda uow: pls_musyarakah.record_loss(uow, world.actor("manager"), cid, D(8_000_000), bmt_part=D(2_800_000)))
    assert refused.value.rule == "MSY-01"
    done = go(world, lambda uow: pls_musyarakah.record_loss(uow, world.actor("manager"), cid, D(8_000_000), bmt_part=D(4_800_000)))
    assert done["bmt_loss"] == "4800000"


def test_the_partners_later_contribution_and_withdrawal_change_the_capital_shares_of_later_losses(world: World) -> None:
    cid, _ = active(world, musyarakah_e)
    officer = world.actor("financing_officer")
    added = go(world, lambda uow: pls_musyarakah.change_partner_capital(uow, officer, cid, "contribution", D(20_000_000)))
    assert (added["partner_capital"], added["bmt_capital_percent"]) == ("60000000", "50.00")
    assert added["entry_ids"] == []  # the partner's money never enters the BMT's books
    loss = go(world, lambda uow: pls_musyarakah.record_loss(uow, world.actor("manager"), cid, D(10_000_000)))
    assert (loss["bmt_loss"], loss["partner_loss"]) == ("5000000", "5000000")
    taken = go(world, lambda uow: pls_musyarakah.change_partner_capital(uow, officer, cid, "withdrawal", D(15_000_000)))
    assert taken["partner_capital"] == "40000000"
    with pytest.raises(InvalidInput):
        go(world, lambda uow: pls_musyarakah.change_partner_capital(uow, officer, cid, "withdrawal", D(40_000_000)))
    assert assert_subledger_ties(world, cid).outstanding == 55_000_000
    back = go(world, lambda uow: pls_musyarakah.return_capital(uow, world.actor("manager"), cid, D(55_000_000)))
    assert lines(world, back["entry_ids"][0]) == sorted([("cash", D(55_000_000), None), ("musyarakah_financing", D(-55_000_000), tag(cid))])
    assert assert_subledger_ties(world, cid).status == "settled"


# ------------------------------------------------------------------------------------------------ qardh


def seed_kebajikan(w: World, amount: int, *, held_by_tamwil: int = 0) -> None:
    """Infaq into the kebajikan fund (Maal cash), and kebajikan money the Tamwil holds (titipan)."""
    manager = w.actor("manager")
    go(w, lambda uow: ledger.post(uow, manager, entry(TODAY, "Infak kebajikan", Posting.debit("maal_cash", D(amount)), Posting.credit("kebajikan_fund", D(amount)), book="maal")))
    if held_by_tamwil:
        go(w, lambda uow: ledger.post(uow, manager, entry(TODAY, "Denda ta'zir untuk dana kebajikan", Posting.debit("cash", D(held_by_tamwil)), Posting.credit("kebajikan_payable", D(held_by_tamwil)))))
        go(w, lambda uow: ledger.post(uow, manager, entry(TODAY, "Dana kebajikan dititipkan di Baitul Tamwil", Posting.debit("due_from_tamwil", D(held_by_tamwil)), Posting.credit("kebajikan_fund", D(held_by_tamwil)), book="maal")))


def test_a_qardhul_hasan_from_the_kebajikan_fund_lives_in_the_maal_book_and_its_forgiveness_is_charged_to_the_fund(world: World) -> None:
    seed_kebajikan(world, 5_000_000)
    app = lambda m: pls.QardhApplication(m, D(3_000_000), source="kebajikan", installments=3, first_due_date=date(2025, 7, 16))  # noqa: E731
    too_big = approved(world, lambda m: pls.QardhApplication(m, D(6_000_000), source="kebajikan"))
    with pytest.raises(InsufficientBalance):
        go(world, lambda uow: pls.disburse(uow, world.actor("manager"), too_big))
    cid, disbursed = active(world, app)
    assert book_of(world, disbursed["entry_ids"][0]) == "maal"
    assert lines(world, disbursed["entry_ids"][0]) == sorted([("qardhul_hasan_receivable", D(3_000_000), tag(cid)), ("maal_cash", D(-3_000_000), None)])
    paid = go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(1_000_000)))
    assert lines(world, paid["entry_ids"][0]) == sorted([("maal_cash", D(1_000_000), None), ("qardhul_hasan_receivable", D(-1_000_000), tag(cid))])
    with pytest.raises(ShariaViolation):  # a qardh is repaid at exactly the principal
        go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(2_500_000)))
    with pytest.raises(PermissionDenied):  # the officer who made the loan may not forgive it
        go(world, lambda uow: pls_qardh.forgive(uow, world.actor("financing_officer"), cid, "usaha bangkrut"))
    forgiven = go(world, lambda uow: pls_qardh.forgive(uow, world.actor("manager"), cid, "usaha bangkrut karena banjir"))
    assert lines(world, forgiven["entry_ids"][0]) == sorted([("kebajikan_fund", D(2_000_000), None), ("qardhul_hasan_receivable", D(-2_000_000), tag(cid))])
    c = assert_subledger_ties(world, cid)
    assert (c.status, account(world, "kebajikan_fund")) == ("settled", D(-3_000_000))


def test_a_business_qardh_takes_a_real_cost_fee_beside_the_principal_and_crosses_books_when_forgiven(world: World) -> None:
    seed_kebajikan(world, 1_000_000, held_by_tamwil=2_000_000)
    app = lambda m: pls.QardhApplication(m, D(2_000_000), admin_fee=D(50_000), documented_real_costs=D(50_000), cost_documents="Meterai dan fotokopi akad", installments=4, first_due_date=date(2025, 7, 16))  # noqa: E731
    cid, disbursed = active(world, app)
    assert lines(world, disbursed["entry_ids"][0]) == sorted([("qardh_receivable", D(2_000_000), tag(cid)), ("cash", D(-2_000_000), None)])
    with pytest.raises(ShariaViolation):  # more than the documented real costs
        go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(500_000), fee=D(60_000)))
    paid = go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(500_000), fee=D(50_000)))
    repayment, fee = (lines(world, e) for e in paid["entry_ids"])
    assert repayment == sorted([("cash", D(500_000), None), ("qardh_receivable", D(-500_000), tag(cid))])
    assert fee == sorted([("cash", D(50_000), None), ("fee_income", D(-50_000), tag(cid))])
    with pytest.raises(ShariaViolation):  # the real costs are recovered once
        go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(500_000), fee=D(1)))
    forgiven = go(world, lambda uow: pls_qardh.forgive(uow, world.actor("manager"), cid, "anggota wafat", amount=D(1_000_000)))
    tamwil, maal = forgiven["entry_ids"]
    assert lines(world, tamwil) == sorted([("kebajikan_payable", D(1_000_000), None), ("qardh_receivable", D(-1_000_000), tag(cid))])
    assert book_of(world, maal) == "maal" and lines(world, maal) == sorted([("kebajikan_fund", D(1_000_000), None), ("due_from_tamwil", D(-1_000_000), None)])
    c = assert_subledger_ties(world, cid)
    assert c.outstanding == 500_000
    open_rows = go(world, lambda uow: financing.installments(uow, c, open_only=True))
    assert sum(r.principal - r.paid_principal for r in open_rows) == 500_000
    go(world, lambda uow: pls_qardh.repay(uow, world.actor("manager"), cid, D(500_000)))
    assert assert_subledger_ties(world, cid).status == "settled"


def test_a_fee_beyond_the_documented_real_costs_is_refused_at_application(world: World) -> None:
    member_id = new_member(world)
    with pytest.raises(ShariaViolation) as refused:
        go(world, lambda uow: pls.apply(uow, world.actor("financing_officer"), pls.QardhApplication(member_id, D(2_000_000), admin_fee=D(100_000), documented_real_costs=D(50_000), cost_documents="Meterai")))
    assert refused.value.rule == "QRD-01"


# ------------------------------------------------------------------------------------------------ maker–checker


def test_the_maker_may_not_approve_or_disburse_and_a_teller_may_not_approve(world: World) -> None:
    member_id = new_member(world)
    c = go(world, lambda uow: pls.apply(uow, world.actor("manager"), mmq_d(member_id)))
    with pytest.raises(PermissionDenied):
        go(world, lambda uow: pls.approve(uow, world.actor("manager"), c.id))
    with pytest.raises(PermissionDenied):
        go(world, lambda uow: pls.approve(uow, world.actor("teller"), c.id))
    go(world, lambda uow: pls.approve(uow, world.actor("manager2"), c.id))
    with pytest.raises(PermissionDenied):
        go(world, lambda uow: pls.disburse(uow, world.actor("manager"), c.id))
    done = go(world, lambda uow: pls.disburse(uow, world.actor("manager2"), c.id, idempotency_key="cair-1"))
    again = go(world, lambda uow: pls.disburse(uow, world.actor("manager2"), c.id, idempotency_key="cair-1"))
    assert again == done  # a retry gets the first answer and posts nothing
    assert assert_subledger_ties(world, c.id).outstanding == 120_000_000


# ------------------------------------------------------------------------------------------------ end of a mudharabah akad


def test_an_akad_ended_early_turns_the_capital_left_into_the_mudharibs_due_receivable(world: World) -> None:
    cid, _ = active(world, lambda m: mudharabah_e(m, loss_policy="allowance"))
    go(world, lambda uow: pls_mudharabah.record_loss(uow, world.actor("manager"), cid, D(5_000_000)))
    with pytest.raises(PermissionDenied):  # a manager's decision, not the officer's
        go(world, lambda uow: pls_mudharabah.end_akad(uow, world.actor("financing_officer"), cid))
    ended = go(world, lambda uow: pls_mudharabah.end_akad(uow, world.actor("manager"), cid, reason="usaha berhenti"))
    assert ended["early"] is True and ended["due_receivable"] == "45000000"
    settle, reclass = ended["entry_ids"]
    assert lines(world, settle) == sorted([("mudharabah_loss_allowance", D(5_000_000), tag(cid)), ("mudharabah_financing", D(-5_000_000), tag(cid))])
    assert lines(world, reclass) == sorted([("mudharabah_due_receivable", D(45_000_000), tag(cid)), ("mudharabah_financing", D(-45_000_000), tag(cid))])
    c = assert_subledger_ties(world, cid)
    assert c.outstanding == 45_000_000 and c.status == "active"
    # From now on: no capital return, no new period report, no second end; the mudharib pays what is due.
    with pytest.raises(Conflict, match="piutang jatuh tempo"):
        go(world, lambda uow: pls_mudharabah.return_capital(uow, world.actor("manager"), cid, D(1_000_000)))
    with pytest.raises(Conflict, match="laporan"):
        go(world, lambda uow: pls_mudharabah.record_report(uow, world.actor("manager"), cid, pls_mudharabah.Report(TODAY, D(1_000_000))))
    with pytest.raises(Conflict, match="sudah berakhir"):
        go(world, lambda uow: pls_mudharabah.end_akad(uow, world.actor("manager"), cid))
    go(world, lambda uow: pls_mudharabah.pay_due(uow, world.actor("manager"), cid, D(45_000_000)))
    c = assert_subledger_ties(world, cid)
    assert c.status == "settled"
    assert go(world, lambda uow: financing.installments(uow, c, open_only=True)) == []


def test_the_daily_close_ends_a_matured_mudharabah_with_capital_left_once(world: World) -> None:
    from bmt.services import close_day

    cid, _ = active(world, mudharabah_e)
    maturity = contract(world, cid).maturity_date
    assert maturity is not None
    day = maturity + __import__("datetime").timedelta(days=1)
    first = run(close_day.close_day(world.factory, world.actor("manager"), maturity))
    assert first.mudharabah_ended == 0  # on its maturity date the capital may still come back
    second = run(close_day.close_day(world.factory, world.actor("manager"), day))
    assert second.mudharabah_ended == 1
    c = assert_subledger_ties(world, cid)
    bal = go(world, lambda uow: pls.balances(uow, c))
    assert (bal["mudharabah_financing"], bal["mudharabah_due_receivable"]) == (0, D(50_000_000))
    assert c.days_past_due == 1  # the unpaid capital row keeps counting for kolektibilitas
    third = run(close_day.close_day(world.factory, world.actor("manager"), day + __import__("datetime").timedelta(days=1)))
    assert third.mudharabah_ended == 0
