"""Murabahah: pricing, recognition, early settlement, rescheduling, ta'zir and journals (domain.md §1, §11 A1–A4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy_financial as npf
import pytest

from bmt.contracts import REGISTRY, ContractKind, murabahah
from bmt.contracts.allocation import PRINCIPAL_FIRST, DueItem, allocate, due_items, remaining
from bmt.contracts.murabahah import (
    AkadSigned,
    EarlySettled,
    GoodsAcquired,
    InstallmentReceived,
    MurabahahTerms,
    RealCost,
    Recognition,
    Recovered,
    Rescheduled,
    TazirPolicy,
    TazirReceived,
    UrbunCancelled,
    UrbunReceived,
    WakalahAdvanced,
    WrittenOff,
    entries_for,
    implied_monthly_rate,
    live_settlement_quote,
    margin_recognised,
    monthly_rate_percent,
    payment_split,
    quote,
    recursive_annuity_split,
    reschedule,
    settlement_quote,
    tazir_due,
    unpaid_due_dates,
    urbun_cancellation,
)
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, net_by_account
from bmt.money import HALF_UP_SEN, R1_HALF_UP_RUPIAH, D

FIRST_DUE = date(2025, 2, 1)
AKAD = date(2025, 1, 2)


def a1(recognition: str = "proportional", **over: object) -> MurabahahTerms:
    fields: dict[str, object] = {
        "cost_price": D(10_000_000),
        "tenor_months": 12,
        "first_due_date": FIRST_DUE,
        "recognition": recognition,
        "margin_rate_flat_annual": D(12),
    }
    fields.update(over)
    return MurabahahTerms(**fields)  # type: ignore[arg-type]


def lines(entry: JournalEntry) -> list[tuple[str, str, Decimal]]:
    """(side, account, amount) per posting, as the domain.md journal tables read."""
    return [("Dr" if p.is_debit else "Cr", p.account, abs(p.amount)) for p in entry.postings]


# ---- pricing ---------------------------------------------------------------------------------------------


def test_a1_flat_quote_has_margin_1_200_000_and_installments_933_333_then_933_337() -> None:
    q = quote(a1())
    assert (q.financed_amount, q.total_margin, q.selling_price, q.receivable) == (
        D(10_000_000),
        D(1_200_000),
        D(11_200_000),
        D(11_200_000),
    )
    assert [i.amount for i in q.schedule.installments] == [D(933_333)] * 11 + [D(933_337)]
    assert q.installment == D(933_333)


def test_a1_proportional_recognises_100_000_a_month_and_principal_833_333_then_833_337() -> None:
    rows = quote(a1()).schedule.installments
    assert [i.margin for i in rows] == [D(100_000)] * 12
    assert [i.principal for i in rows] == [D(833_333)] * 11 + [D(833_337)]
    assert rows[5].outstanding_principal == D(5_000_002)


def test_a1_implied_monthly_rate_is_the_irr_of_the_level_installment_as_domain_quotes_it() -> None:
    q = quote(a1("annuity"))
    # domain.md §11 A1: r = 0.0178809869, the IRR of the level installment 11,200,000 / 12 (before rounding).
    assert q.monthly_rate.quantize(Decimal("1e-10")) == Decimal("0.0178809869")
    exact = implied_monthly_rate(D(10_000_000), [D(11_200_000) / 12] * 12)
    assert abs(q.monthly_rate - exact) < Decimal("1e-20")
    # The rounded installments' IRR differs only by the 4-rupiah residue of the last one (numpy-financial oracle).
    amounts = [float(i.amount) for i in q.schedule.installments]
    assert abs(q.monthly_rate - Decimal(str(npf.irr([-10_000_000.0, *amounts])))) < Decimal("1e-8")
    assert monthly_rate_percent(q.monthly_rate) == "1.7880986919"


def test_implied_rate_solves_the_present_value_to_a_millionth_of_a_rupiah() -> None:
    amounts = [D(250_000)] * 35 + [D(250_017)]
    r = implied_monthly_rate(D(7_000_000), amounts)
    pv = sum((a / (1 + r) ** k for k, a in enumerate(amounts, start=1)), Decimal(0))
    assert abs(pv - D(7_000_000)) < Decimal("1e-6")
    assert abs(float(r) - npf.rate(36, -250_000, 7_000_000, 0)) < 1e-6


def test_a2_effective_12_percent_prices_888_488_then_888_485_with_margin_661_853() -> None:
    q = quote(a1("annuity", margin_rate_flat_annual=None, effective_rate_annual=D(12)))
    rows = q.schedule.installments
    assert [i.amount for i in rows] == [D(888_488)] * 11 + [D(888_485)]
    assert [int(i.margin) for i in rows] == [
        100_000, 92_115, 84_151, 76_108, 67_984, 59_779, 51_492, 43_122, 34_668, 26_130, 17_507, 8_797,
    ]  # fmt: skip
    assert (rows[-1].principal, rows[-1].margin) == (D(879_688), D(8_797))
    assert (q.total_margin, q.selling_price) == (D(661_853), D(10_661_853))
    assert monthly_rate_percent(q.monthly_rate) == "1.0000000000"
    annuity = npf.pmt(0.01, 12, -10_000_000)
    assert round(annuity) == 888_488


def test_effective_pricing_with_proportional_recognition_keeps_the_price_and_splits_margin_by_cash() -> None:
    annuity = quote(a1("annuity", margin_rate_flat_annual=None, effective_rate_annual=D(12)))
    prop = quote(a1("proportional", margin_rate_flat_annual=None, effective_rate_annual=D(12)))
    assert [i.amount for i in prop.schedule.installments] == [i.amount for i in annuity.schedule.installments]
    assert prop.total_margin == annuity.total_margin == D(661_853)
    # 888,488 x 661,853 / 10,661,853 = 55,154.36...
    assert prop.schedule.installments[0].margin == D(55_154)
    assert sum(i.margin for i in prop.schedule.installments) == D(661_853)


def test_a3_urbun_finances_9_000_000_with_installments_of_840_000() -> None:
    q = quote(a1(down_payment=D(1_000_000)))
    assert (q.financed_amount, q.total_margin, q.selling_price, q.receivable) == (
        D(9_000_000),
        D(1_080_000),
        D(11_080_000),
        D(10_080_000),
    )
    assert {(i.amount, i.principal, i.margin) for i in q.schedule.installments} == {
        (D(840_000), D(750_000), D(90_000))
    }


def test_a_margin_given_as_an_amount_prices_like_the_same_flat_rate() -> None:
    by_amount = quote(a1(margin_rate_flat_annual=None, margin_amount=D(1_200_000)))
    assert by_amount.schedule == quote(a1()).schedule


@pytest.mark.parametrize(
    ("cost", "tenor", "flat"),
    [(D(100_000), 9, D("0.03")), (D(10_000_000), 360, D(60))],
    ids=["tiny margin: 23 rupiah over 9 months", "60 % flat over 30 years"],
)
def test_where_the_domain_rounding_rule_breaks_down_annuity_margins_come_from_the_exact_path(
    cost: Decimal, tenor: int, flat: Decimal
) -> None:
    q = quote(a1("annuity", cost_price=cost, tenor_months=tenor, margin_rate_flat_annual=flat))
    amounts = [i.amount for i in q.schedule.installments]
    domain_rule = recursive_annuity_split(
        q.financed_amount, amounts, q.total_margin, q.monthly_rate, R1_HALF_UP_RUPIAH
    )
    # The domain rule compounds its roundings: a negative last margin, or a book outstanding that runs away.
    assert domain_rule is None or domain_rule[-1] < 0
    margins = [i.margin for i in q.schedule.installments]
    assert sum(margins) == q.total_margin and min(margins) >= 0
    assert margins == sorted(margins, reverse=True)
    assert all(i.principal >= 0 for i in q.schedule.installments)


def test_due_dates_step_monthly_and_clamp_to_month_end() -> None:
    rows = quote(a1(first_due_date=date(2025, 1, 31))).schedule.installments
    assert [i.due_date for i in rows[:3]] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_a_one_month_murabahah_is_one_installment_of_the_whole_receivable() -> None:
    q = quote(a1(tenor_months=1))
    (only,) = q.schedule.installments
    assert (only.amount, only.margin, only.principal) == (D(10_100_000), D(100_000), D(10_000_000))


def test_rounding_is_passed_in_so_a_sen_policy_keeps_sen() -> None:
    q = quote(a1(margin_rate_flat_annual=None, margin_amount=D(1_000_000)), HALF_UP_SEN)
    assert q.installment == D("916666.67")
    assert q.schedule.rounding == "HALF_UP_SEN"
    assert q.schedule.total_amount == D(11_000_000)


def test_the_registry_maps_murabahah_to_its_module() -> None:
    assert REGISTRY[ContractKind.MURABAHAH] is murabahah
    assert murabahah.build_schedule(a1()) == quote(a1()).schedule


# ---- terms validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "fragment"),
    [
        ({"margin_rate_flat_annual": None}, "exactly one"),
        ({"margin_amount": D(5)}, "exactly one"),
        ({"effective_rate_annual": D(5)}, "exactly one"),
        ({"cost_price": D(-1)}, "cost_price"),
        ({"cost_price": D(0)}, "cost_price"),
        ({"cost_price": D("1000000000000001")}, "too large"),
        ({"cost_price": D("1000.001")}, "two decimals"),
        ({"tenor_months": 0}, "tenor"),
        ({"tenor_months": 361}, "tenor"),
        ({"tenor_months": True}, "tenor"),
        ({"down_payment": D(10_000_000)}, "down payment"),
        ({"down_payment": D(-5)}, "down_payment"),
        ({"margin_rate_flat_annual": D(0)}, "must be > 0"),
        ({"margin_rate_flat_annual": D("100.01")}, "<= 100"),
        ({"recognition": "flat"}, "recognition"),
        ({"first_due_date": datetime(2025, 2, 1, 9, 0)}, "due date"),
        ({"first_due_date": "2025-02-01"}, "due date"),
    ],
)
def test_terms_out_of_range_are_refused_with_a_clear_message(over: dict, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        a1(**over)


def test_floats_are_refused_because_they_are_not_exact() -> None:
    with pytest.raises(InvalidInput, match="float"):
        a1(cost_price=10_000_000.0)


def test_terms_too_small_for_the_tenor_are_refused_rather_than_scheduled_with_zero_installments() -> None:
    with pytest.raises(InvalidInput, match="too small"):
        quote(a1(cost_price=D(100), tenor_months=360, margin_rate_flat_annual=D(1)))


def test_rates_at_the_upper_bound_are_accepted() -> None:
    q = quote(a1(margin_rate_flat_annual=D(100)))
    assert q.total_margin == D(10_000_000)


# ---- early settlement (fatwa 153/2022) -------------------------------------------------------------------


def test_a4_proportional_settlement_after_six_installments_waives_600_000() -> None:
    s = settlement_quote(quote(a1()), installments_paid=6)
    assert (s.amount_paid, s.outstanding_receivable, s.unrecognised_margin, s.settlement_amount) == (
        D(5_599_998),
        D(5_600_002),
        D(600_000),
        D(5_000_002),
    )


def test_a4_annuity_settlement_after_six_installments_is_the_annuity_outstanding_principal() -> None:
    q = quote(a1("annuity"))
    s = settlement_quote(q, installments_paid=6)
    assert (s.outstanding_receivable, s.unrecognised_margin, s.settlement_amount) == (
        D(5_600_002),
        D(334_405),
        D(5_265_597),
    )
    assert s.settlement_amount == q.schedule.installments[5].outstanding_principal


def test_settlement_from_terms_or_amount_paid_matches_whole_installments() -> None:
    by_count = settlement_quote(a1(), installments_paid=6)
    by_amount = settlement_quote(a1(), amount_paid=D(5_599_998))
    assert by_count == by_amount


def test_settlement_needs_exactly_one_of_installments_paid_and_amount_paid() -> None:
    with pytest.raises(InvalidInput, match="exactly one"):
        settlement_quote(a1())
    with pytest.raises(InvalidInput, match="exactly one"):
        settlement_quote(a1(), installments_paid=1, amount_paid=D(933_333))
    with pytest.raises(InvalidInput, match="0..12"):
        settlement_quote(a1(), installments_paid=13)
    with pytest.raises(InvalidInput, match="exceeds"):
        settlement_quote(a1(), amount_paid=D(11_200_001))


def test_a_partial_payment_recognises_margin_in_proportion_under_proportional_recognition() -> None:
    q = quote(a1())
    # 1,000,000 x 1,200,000 / 11,200,000 = 107,142.857 -> 107,143
    assert margin_recognised(q.schedule, Recognition.PROPORTIONAL, D(1_000_000)) == D(107_143)
    s = live_settlement_quote(q.schedule, Recognition.PROPORTIONAL, D(1_000_000))
    assert s.unrecognised_margin == D(1_092_857)
    assert s.settlement_amount == D(10_000_000) - (D(1_000_000) - D(107_143))


def test_a_partial_payment_settles_margin_first_under_annuity_recognition() -> None:
    q = quote(a1("annuity"))
    # installment 1 in full (margin 178,810), then 66,667 of installment 2: all of it margin (165,318 due).
    assert margin_recognised(q.schedule, Recognition.ANNUITY, D(1_000_000)) == D(178_810 + 66_667)
    assert payment_split(q.schedule, Recognition.ANNUITY, D(1_000_000), D(200_000)) == (D(98_651), D(101_349))


def test_arrears_still_owe_the_margin_of_elapsed_months() -> None:
    q = quote(a1())
    # Three installments paid, settled the day the sixth fell due: months 4-6 have elapsed.
    s = settlement_quote(q, installments_paid=3, as_of=date(2025, 7, 1))
    assert s.elapsed_margin == D(600_000)
    assert s.unrecognised_margin == D(600_000)
    assert s.outstanding_receivable == D(8_400_001)
    # remaining principal 7,500,001 plus the 300,000 margin of months 4-6
    assert s.settlement_amount == D(7_800_001)
    assert s.margin_recognised_at_settlement == D(300_000)


def test_a_settlement_date_between_due_dates_charges_no_margin_for_the_unfinished_month() -> None:
    q = quote(a1())
    on_due = settlement_quote(q, installments_paid=6, as_of=date(2025, 7, 1))
    mid_month = settlement_quote(q, installments_paid=6, as_of=date(2025, 7, 20))
    assert on_due.settlement_amount == mid_month.settlement_amount == D(5_000_002)


def test_advance_payments_are_not_charged_again_and_settlement_never_falls_below_remaining_principal() -> (
    None
):
    q = quote(a1())
    s = settlement_quote(q, installments_paid=9, as_of=date(2025, 3, 1))
    assert s.settlement_amount == q.schedule.installments[8].outstanding_principal
    assert s.margin_recognised_at_settlement == 0


def test_unpaid_due_dates_lists_the_installments_in_arrears() -> None:
    q = quote(a1())
    assert unpaid_due_dates(q.schedule, D(1_000_000), date(2025, 4, 15)) == [
        date(2025, 3, 1),
        date(2025, 4, 1),
    ]


# ---- rescheduling (fatwa 48/2005, MUR-07) ----------------------------------------------------------------


def test_rescheduling_spreads_the_remaining_receivable_over_the_new_tenor_without_increase() -> None:
    q = quote(a1())
    r = reschedule(
        q.schedule,
        Recognition.PROPORTIONAL,
        amount_paid=D(5_599_998),
        tenor_months=12,
        first_due_date=date(2025, 8, 1),
    )
    assert r.remaining_receivable == D(5_600_002)
    assert r.schedule.total_amount == D(5_600_002)
    assert (r.schedule.financed_amount, r.schedule.total_margin) == (D(5_000_002), D(600_000))
    assert r.margin_reduction == 0 and r.fee == 0
    assert entries_for(Rescheduled(date(2025, 7, 15), r)) == []


def test_rescheduling_under_annuity_keeps_principal_and_margin_and_the_new_margins_decrease() -> None:
    q = quote(a1("annuity"))
    r = reschedule(
        q.schedule,
        Recognition.ANNUITY,
        amount_paid=D(5_599_998),
        tenor_months=18,
        first_due_date=date(2025, 8, 1),
    )
    assert (r.schedule.financed_amount, r.schedule.total_margin) == (D(5_265_597), D(334_405))
    margins = [i.margin for i in r.schedule.installments]
    assert margins == sorted(margins, reverse=True)


def test_rescheduling_that_increases_the_receivable_is_refused_as_mur_07() -> None:
    q = quote(a1())
    with pytest.raises(ShariaViolation) as err:
        reschedule(
            q.schedule,
            Recognition.PROPORTIONAL,
            amount_paid=D(5_599_998),
            tenor_months=24,
            first_due_date=date(2025, 8, 1),
            new_receivable=D(5_600_003),
        )
    assert err.value.rule == "MUR-07"


def test_rescheduling_fees_must_be_documented_real_costs() -> None:
    q = quote(a1())
    with pytest.raises(ShariaViolation) as err:
        reschedule(
            q.schedule,
            Recognition.PROPORTIONAL,
            amount_paid=D(0),
            tenor_months=24,
            first_due_date=FIRST_DUE,
            real_costs=[RealCost("biaya admin", D(50_000), " ")],
        )
    assert err.value.rule == "MUR-07"


def test_a_margin_waiver_and_a_real_cost_fee_are_journalled_separately_from_the_receivable() -> None:
    q = quote(a1())
    r = reschedule(
        q.schedule,
        Recognition.PROPORTIONAL,
        amount_paid=D(5_599_998),
        tenor_months=12,
        first_due_date=date(2025, 8, 1),
        new_receivable=D(5_500_002),
        real_costs=[RealCost("Legalisasi addendum akad", D(150_000), "KW-2025/071")],
    )
    assert (r.margin_reduction, r.fee, r.schedule.total_margin) == (D(100_000), D(150_000), D(500_000))
    waiver, fee = entries_for(Rescheduled(date(2025, 7, 15), r))
    assert lines(waiver) == [
        ("Dr", "murabahah_deferred_margin", D(100_000)),
        ("Cr", "murabahah_receivable", D(100_000)),
    ]
    assert lines(fee) == [("Dr", "cash", D(150_000)), ("Cr", "fee_income", D(150_000))]


def test_rescheduling_below_the_remaining_principal_is_a_write_off_not_a_rescheduling() -> None:
    q = quote(a1())
    with pytest.raises(InvalidInput, match="write-off"):
        reschedule(
            q.schedule,
            Recognition.PROPORTIONAL,
            amount_paid=D(5_599_998),
            tenor_months=12,
            first_due_date=FIRST_DUE,
            new_receivable=D(5_000_001),
        )
    with pytest.raises(InvalidInput, match="nothing remains"):
        reschedule(
            q.schedule,
            Recognition.PROPORTIONAL,
            amount_paid=D(11_200_000),
            tenor_months=12,
            first_due_date=FIRST_DUE,
        )


# ---- ta'zir (fatwa 17/2000, FEE-01, FEE-02) --------------------------------------------------------------


def test_tazir_is_a_fixed_amount_per_installment_late_beyond_the_grace_period() -> None:
    policy = TazirPolicy(D(25_000), grace_days=7)
    overdue = [date(2025, 3, 1), date(2025, 4, 1), date(2025, 4, 10)]
    assert tazir_due(policy, overdue, date(2025, 4, 10)) == D(
        50_000
    )  # 10 Apr is within grace; 1 Apr is 9 days late
    assert tazir_due(policy, overdue, date(2025, 4, 8)) == D(
        25_000
    )  # 1 Apr is exactly 7 days late: still grace


@pytest.mark.parametrize(
    "flags",
    [{"force_majeure": True}, {"waived": True}, {"able_to_pay": False}, {"deliberate_delay": False}],
)
def test_no_tazir_under_force_majeure_waiver_or_without_deliberate_delay_by_one_able_to_pay(
    flags: dict,
) -> None:
    assert tazir_due(TazirPolicy(D(25_000)), [date(2025, 3, 1)], date(2025, 5, 1), **flags) == 0


@pytest.mark.parametrize("basis", ["percent_of_outstanding", "percent_per_day"])
def test_a_late_fee_as_a_percentage_is_refused_as_fee_02(basis: str) -> None:
    with pytest.raises(ShariaViolation) as err:
        TazirPolicy(D("0.1"), basis=basis)
    assert err.value.rule == "FEE-02"


def test_tazir_received_goes_to_the_kebajikan_fund_through_both_books() -> None:
    tamwil, maal = entries_for(TazirReceived(date(2025, 4, 10), D(25_000)))
    assert lines(tamwil) == [("Dr", "cash", D(25_000)), ("Cr", "kebajikan_payable", D(25_000))]
    assert (maal.book, lines(maal)) == (
        "maal",
        [("Dr", "due_from_tamwil", D(25_000)), ("Cr", "kebajikan_fund", D(25_000))],
    )
    (direct,) = entries_for(
        TazirReceived(date(2025, 4, 10), D(25_000), cash_account="maal_cash", credit_account="kebajikan_fund")
    )
    assert lines(direct) == [("Dr", "maal_cash", D(25_000)), ("Cr", "kebajikan_fund", D(25_000))]


@pytest.mark.parametrize("account", ["murabahah_income", "other_income", "fee_income", "cash"])
def test_a_tazir_builder_asked_to_credit_income_or_anything_but_kebajikan_refuses_as_fee_01(
    account: str,
) -> None:
    with pytest.raises(ShariaViolation) as err:
        entries_for(TazirReceived(date(2025, 4, 10), D(25_000), credit_account=account))
    assert err.value.rule == "FEE-01"


# ---- journals per event (domain.md §1.3 and §11) ---------------------------------------------------------


def test_urbun_wakalah_and_goods_acquired_journals() -> None:
    (urbun,) = entries_for(UrbunReceived(AKAD, D(1_000_000)))
    assert lines(urbun) == [("Dr", "cash", D(1_000_000)), ("Cr", "murabahah_down_payment", D(1_000_000))]
    (advance,) = entries_for(WakalahAdvanced(AKAD, D(10_000_000)))
    assert lines(advance) == [("Dr", "wakalah_receivable", D(10_000_000)), ("Cr", "cash", D(10_000_000))]
    (via_agent,) = entries_for(GoodsAcquired(AKAD, D(10_000_000), via_wakalah=True))
    assert lines(via_agent) == [
        ("Dr", "murabahah_inventory", D(10_000_000)),
        ("Cr", "wakalah_receivable", D(10_000_000)),
    ]
    (direct,) = entries_for(GoodsAcquired(AKAD, D(10_000_000), cash_account="bank"))
    assert lines(direct) == [("Dr", "murabahah_inventory", D(10_000_000)), ("Cr", "bank", D(10_000_000))]


def test_a1_sale_journal_defers_the_whole_margin() -> None:
    (sale,) = entries_for(AkadSigned(AKAD, quote(a1()), owned_since=AKAD))
    assert lines(sale) == [
        ("Dr", "murabahah_receivable", D(11_200_000)),
        ("Cr", "murabahah_inventory", D(10_000_000)),
        ("Cr", "murabahah_deferred_margin", D(1_200_000)),
    ]


def test_a3_sale_journal_clears_the_urbun_liability() -> None:
    (sale,) = entries_for(
        AkadSigned(AKAD, quote(a1(down_payment=D(1_000_000))), owned_since=date(2024, 12, 30))
    )
    assert lines(sale) == [
        ("Dr", "murabahah_receivable", D(10_080_000)),
        ("Dr", "murabahah_down_payment", D(1_000_000)),
        ("Cr", "murabahah_inventory", D(10_000_000)),
        ("Cr", "murabahah_deferred_margin", D(1_080_000)),
    ]


def test_selling_goods_the_bmt_does_not_yet_own_is_refused_as_mur_01() -> None:
    with pytest.raises(ShariaViolation) as err:
        entries_for(AkadSigned(AKAD, quote(a1()), owned_since=date(2025, 1, 3)))
    assert err.value.rule == "MUR-01"


@pytest.mark.parametrize(("recognition", "margin"), [("proportional", D(100_000)), ("annuity", D(178_810))])
def test_a1_month_one_installment_recognises_margin_by_the_method(recognition: str, margin: Decimal) -> None:
    q = quote(a1(recognition))
    got_margin, _ = payment_split(q.schedule, q.recognition, D(0), D(933_333))
    (received,) = entries_for(InstallmentReceived(FIRST_DUE, D(933_333), got_margin))
    assert lines(received) == [
        ("Dr", "cash", D(933_333)),
        ("Cr", "murabahah_receivable", D(933_333)),
        ("Dr", "murabahah_deferred_margin", margin),
        ("Cr", "murabahah_income", margin),
    ]


def test_a4_early_settlement_journal() -> None:
    s = settlement_quote(quote(a1()), installments_paid=6)
    (settled,) = entries_for(EarlySettled(date(2025, 7, 2), s))
    assert lines(settled) == [
        ("Dr", "cash", D(5_000_002)),
        ("Dr", "murabahah_deferred_margin", D(600_000)),
        ("Cr", "murabahah_receivable", D(5_600_002)),
    ]


def test_settling_with_arrears_recognises_the_elapsed_margin_as_income() -> None:
    s = settlement_quote(quote(a1()), installments_paid=3, as_of=date(2025, 7, 1))
    (settled,) = entries_for(EarlySettled(date(2025, 7, 1), s))
    assert lines(settled) == [
        ("Dr", "cash", D(7_800_001)),
        ("Dr", "murabahah_deferred_margin", D(900_000)),
        ("Cr", "murabahah_receivable", D(8_400_001)),
        ("Cr", "murabahah_income", D(300_000)),
    ]


def test_a_whole_life_of_payments_leaves_receivable_and_deferred_margin_at_zero() -> None:
    for recognition in ("proportional", "annuity"):
        q = quote(a1(recognition))
        entries = entries_for(AkadSigned(AKAD, q, owned_since=AKAD))
        paid = D(0)
        for payment in [D(500_000)] * 22 + [D(200_000)]:
            margin, _ = payment_split(q.schedule, q.recognition, paid, payment)
            entries += entries_for(InstallmentReceived(FIRST_DUE, payment, margin))
            paid += payment
        net = net_by_account(p for e in entries for p in e.postings)
        assert net["murabahah_receivable"] == 0 and net["murabahah_deferred_margin"] == 0
        assert net["murabahah_income"] == -q.total_margin


def test_write_off_uses_the_allowance_then_expense_and_clears_deferred_margin() -> None:
    (off,) = entries_for(WrittenOff(date(2025, 12, 31), D(5_600_002), D(600_000), D(4_000_000)))
    assert lines(off) == [
        ("Dr", "ppap", D(4_000_000)),
        ("Dr", "ppap_expense", D(1_000_002)),
        ("Dr", "murabahah_deferred_margin", D(600_000)),
        ("Cr", "murabahah_receivable", D(5_600_002)),
    ]
    (recovery,) = entries_for(Recovered(date(2026, 3, 1), D(750_000)))
    assert lines(recovery) == [("Dr", "cash", D(750_000)), ("Cr", "recovery_income", D(750_000))]


def test_a3_cancellation_retains_the_real_loss_300_000_and_refunds_700_000() -> None:
    outcome = urbun_cancellation(D(1_000_000), D(300_000))
    assert (outcome.retained, outcome.refunded, outcome.shortfall) == (D(300_000), D(700_000), D(0))
    (cancel,) = entries_for(UrbunCancelled(date(2025, 1, 5), D(1_000_000), D(300_000)))
    assert lines(cancel) == [
        ("Dr", "murabahah_down_payment", D(1_000_000)),
        ("Cr", "other_income", D(300_000)),
        ("Cr", "cash", D(700_000)),
    ]
    assert urbun_cancellation(D(1_000_000), D(1_250_000)).shortfall == D(250_000)


def test_retaining_urbun_beyond_the_real_loss_is_refused_as_mur_08() -> None:
    with pytest.raises(ShariaViolation) as err:
        entries_for(UrbunCancelled(date(2025, 1, 5), D(1_000_000), D(300_000), retained=D(400_000)))
    assert err.value.rule == "MUR-08"


def test_entries_for_refuses_what_is_not_a_murabahah_event() -> None:
    with pytest.raises(InvalidInput, match="not a murabahah event"):
        entries_for(object())


# ---- payment allocation ----------------------------------------------------------------------------------


def test_allocation_goes_oldest_first_components_in_the_given_order_and_reports_the_excess() -> None:
    items = [
        DueItem(2, {"margin": D(100), "principal": D(900)}),
        DueItem(1, {"margin": D(100), "principal": D(900)}),
    ]
    partial = allocate(D(1_050), items, ("margin", "principal"))
    assert partial.for_installment(1) == {"margin": D(100), "principal": D(900)}
    assert partial.for_installment(2) == {"margin": D(50)}
    assert remaining(items, partial) == [DueItem(2, {"margin": D(50), "principal": D(900)})]
    principal_first = allocate(D(1_050), items, PRINCIPAL_FIRST)
    assert principal_first.for_installment(2) == {"principal": D(50)}
    advance = allocate(D(2_300), items)
    assert (advance.total(), advance.unapplied) == (D(2_000), D(300))


def test_allocation_refuses_orders_that_could_never_pay_a_component() -> None:
    with pytest.raises(InvalidInput, match="not in the allocation order"):
        allocate(D(10), [DueItem(1, {"margin": D(5), "fee": D(5)})], ("margin",))
    with pytest.raises(InvalidInput, match="once"):
        allocate(D(10), [], ("margin", "margin"))
    with pytest.raises(InvalidInput, match="negative"):
        allocate(D(-1), [], ("margin",))


def test_due_items_of_a_schedule_carry_its_margin_and_principal() -> None:
    items = due_items(quote(a1()).schedule)
    assert items[0] == DueItem(1, {"margin": D(100_000), "principal": D(833_333)})
    assert len(items) == 12
