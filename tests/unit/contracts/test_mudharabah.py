"""Mudharabah financing: shares from actual reports, losses by negligence, journals (domain.md §2, Example E)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.contracts.common import ContractKind
from bmt.contracts.mudharabah import (
    DueShare,
    GoodsCapital,
    MudharabahTerms,
    RealisationReport,
    allocate_loss,
    allowance_settlement_entry,
    build_schedule,
    capital_return_entry,
    capital_return_schedule,
    carrying_amount,
    compare_with_projection,
    deferred_gain_amortisation_entry,
    disbursement_entry,
    due_receivable_receipt_entry,
    loss_entry,
    maturity_reclass_entry,
    nisbah_from_basis_points,
    period_result,
    share_accrual_entry,
    share_arrears,
    share_receipt_entry,
)
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, net_by_account
from bmt.money import D

JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)


def lines(e: JournalEntry) -> set[tuple[str, str, Decimal]]:
    """An entry as {(side, account, amount)}: what a reader of the journal sees."""
    return {("D" if p.amount > 0 else "C", p.account, abs(p.amount)) for p in e.postings}


def example_e(**kw: object) -> MudharabahTerms:
    return MudharabahTerms(capital=D(50_000_000), bmt_nisbah=D(40), **kw)


# --- Example E ---------------------------------------------------------------------------------------------


def test_example_e_profit_sharing_gives_the_bmt_40_percent_of_the_reported_net_profit() -> None:
    result = period_result(example_e(), RealisationReport(JAN, D(20_000_000), D(14_000_000)))
    assert (result.basis_amount, result.bmt_share, result.mudharib_share, result.loss) == (
        D(6_000_000),
        D(2_400_000),
        D(3_600_000),
        D(0),
    )


def test_example_e_revenue_sharing_applies_the_nisbah_to_gross_revenue() -> None:
    terms = MudharabahTerms(capital=D(50_000_000), bmt_nisbah=D(10), profit_basis="revenue")
    result = period_result(terms, RealisationReport(JAN, D(20_000_000), D(14_000_000)))
    assert result.bmt_share == D(2_000_000)
    assert result.mudharib_share == D(18_000_000)


def test_example_e_a_loss_without_negligence_is_borne_by_the_bmt_and_leaves_45_million_carried() -> None:
    terms = example_e()
    result = period_result(terms, RealisationReport(FEB, D(10_000_000), D(15_000_000)))
    assert (result.bmt_share, result.mudharib_share, result.loss) == (D(0), D(0), D(5_000_000))
    allocation = allocate_loss(result.loss, negligence_proven=False)
    assert (allocation.borne_by_bmt, allocation.charged_to_mudharib) == (D(5_000_000), D(0))
    entries = [disbursement_entry(terms, JAN), loss_entry(terms, allocation, FEB)]
    assert carrying_amount(entries) == D(45_000_000)
    assert lines(entries[1]) == {
        ("D", "mudharabah_loss", D(5_000_000)),
        ("C", "mudharabah_financing", D(5_000_000)),
    }


def test_example_e_under_the_allowance_policy_the_loss_goes_to_an_allowance_and_the_carrying_amount_is_the_same() -> (
    None
):
    terms = example_e(loss_policy="allowance")
    allocation = allocate_loss(D(5_000_000), negligence_proven=False)
    entries = [disbursement_entry(terms, JAN), loss_entry(terms, allocation, FEB)]
    assert lines(entries[1]) == {
        ("D", "mudharabah_loss", D(5_000_000)),
        ("C", "mudharabah_loss_allowance", D(5_000_000)),
    }
    assert net_by_account(p for e in entries for p in e.postings)["mudharabah_financing"] == D(50_000_000)
    assert carrying_amount(entries) == D(45_000_000)
    settled = allowance_settlement_entry(date(2025, 12, 31), D(5_000_000))
    assert lines(settled) == {
        ("D", "mudharabah_loss_allowance", D(5_000_000)),
        ("C", "mudharabah_financing", D(5_000_000)),
    }
    assert carrying_amount([*entries, settled]) == D(45_000_000)


def test_example_e_a_proven_negligence_loss_becomes_a_receivable_from_the_mudharib() -> None:
    terms = example_e()
    allocation = allocate_loss(D(5_000_000), negligence_proven=True)
    assert (allocation.borne_by_bmt, allocation.charged_to_mudharib) == (D(0), D(5_000_000))
    assert lines(loss_entry(terms, allocation, FEB)) == {
        ("D", "mudharabah_due_receivable", D(5_000_000)),
        ("C", "mudharabah_financing", D(5_000_000)),
    }


def test_a_loss_partly_due_to_negligence_splits_between_the_bmt_and_the_mudharib() -> None:
    terms = example_e()
    allocation = allocate_loss(D(5_000_000), negligence_proven=True, charge_to_mudharib=D(2_000_000))
    assert lines(loss_entry(terms, allocation, FEB)) == {
        ("D", "mudharabah_loss", D(3_000_000)),
        ("D", "mudharabah_due_receivable", D(2_000_000)),
        ("C", "mudharabah_financing", D(5_000_000)),
    }


# --- refusals -------------------------------------------------------------------------------------------


def test_a_fixed_rupiah_return_is_refused_as_mdh_01() -> None:
    with pytest.raises(ShariaViolation) as caught:
        example_e(fixed_return=D(1_000_000))
    assert caught.value.rule == "MDH-01"
    assert "nisbah" in caught.value.message


def test_charging_a_loss_to_a_mudharib_without_proven_negligence_is_refused_as_mdh_03() -> None:
    with pytest.raises(ShariaViolation) as caught:
        allocate_loss(D(5_000_000), negligence_proven=False, charge_to_mudharib=D(1))
    assert caught.value.rule == "MDH-03"


def test_the_mudharib_cannot_be_charged_more_than_the_loss() -> None:
    with pytest.raises(InvalidInput):
        allocate_loss(D(5_000_000), negligence_proven=True, charge_to_mudharib=D(5_000_001))


@pytest.mark.parametrize("nisbah", [D(0), D(100), D(-1), D("100.01"), "abc"])
def test_a_nisbah_outside_the_open_range_0_to_100_is_refused(nisbah: object) -> None:
    with pytest.raises(InvalidInput):
        MudharabahTerms(capital=D(1_000_000), bmt_nisbah=nisbah)  # type: ignore[arg-type]


def test_a_float_nisbah_or_capital_is_refused() -> None:
    with pytest.raises(InvalidInput):
        MudharabahTerms(capital=D(1_000_000), bmt_nisbah=40.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        MudharabahTerms(capital=1e6, bmt_nisbah=D(40))  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value"), [("profit_basis", "turnover"), ("loss_policy", "mudharib")])
def test_unknown_basis_or_loss_policy_is_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidInput):
        example_e(**{field: value})


def test_a_nisbah_in_basis_points_becomes_a_percent() -> None:
    assert nisbah_from_basis_points(4000) == D(40)
    assert nisbah_from_basis_points(1) == D("0.01")
    with pytest.raises(InvalidInput):
        nisbah_from_basis_points(10_000)


# --- reports, projection, arrears ------------------------------------------------------------------------


def test_revenue_sharing_owes_the_share_even_when_costs_exceed_revenue_and_only_capital_loss_is_a_loss() -> (
    None
):
    terms = MudharabahTerms(capital=D(50_000_000), bmt_nisbah=D(10), profit_basis="revenue")
    result = period_result(
        terms, RealisationReport(JAN, D(8_000_000), D(9_000_000), capital_loss=D(1_500_000))
    )
    assert (result.bmt_share, result.loss) == (D(800_000), D(1_500_000))


def test_profit_sharing_counts_a_capital_loss_against_the_period_profit() -> None:
    result = period_result(
        example_e(), RealisationReport(JAN, D(20_000_000), D(14_000_000), capital_loss=D(1_000_000))
    )
    assert (result.basis_amount, result.bmt_share, result.loss) == (D(5_000_000), D(2_000_000), D(0))


def test_the_bmt_share_is_rounded_half_up_and_the_mudharib_gets_the_exact_rest() -> None:
    half = period_result(
        MudharabahTerms(capital=D(10_000_000), bmt_nisbah=D(50)), RealisationReport(JAN, D(1_000_001))
    )
    assert (half.bmt_share, half.mudharib_share) == (D(500_001), D(500_000))  # 500,000.5 rounds up
    third = period_result(
        MudharabahTerms(capital=D(10_000_000), bmt_nisbah=D("33.3333")), RealisationReport(JAN, D(1_000_002))
    )
    assert (third.bmt_share, third.mudharib_share) == (D(333_334), D(666_668))  # 333,333.67 rounds up


def test_the_projection_is_shown_beside_the_actual_share_with_the_difference() -> None:
    terms = example_e()
    projected = [
        RealisationReport(JAN, D(20_000_000), D(14_000_000)),
        RealisationReport(FEB, D(20_000_000), D(14_000_000)),
    ]
    actual = [RealisationReport(JAN, D(17_000_000), D(14_000_000))]
    jan, feb = compare_with_projection(terms, projected, actual)
    assert (jan.projected_bmt_share, jan.actual_bmt_share, jan.difference) == (
        D(2_400_000),
        D(1_200_000),
        D(-1_200_000),
    )
    assert jan.realisation_percent == D("50.00")
    assert (feb.actual_bmt_share, feb.difference) == (D(0), D(-2_400_000))


def test_a_report_for_a_period_that_was_not_projected_is_refused() -> None:
    with pytest.raises(InvalidInput):
        compare_with_projection(
            example_e(), [RealisationReport(JAN, D(1), D(0))], [RealisationReport(FEB, D(1), D(0))]
        )


def test_arrears_count_reported_shares_unpaid_after_their_due_date_oldest_first() -> None:
    shares = [DueShare(date(2025, 2, 10), D(1_000_000)), DueShare(date(2025, 3, 10), D(1_200_000))]
    arrears = share_arrears(shares, paid=D(500_000), as_of=date(2025, 3, 20))
    assert (arrears.overdue, arrears.oldest_unpaid_due, arrears.days_past_due) == (
        D(1_700_000),
        date(2025, 2, 10),
        38,
    )


def test_a_share_due_today_is_not_yet_in_arrears() -> None:
    shares = [DueShare(date(2025, 2, 10), D(1_000_000)), DueShare(date(2025, 3, 10), D(1_200_000))]
    arrears = share_arrears(shares, paid=D(1_000_000), as_of=date(2025, 3, 10))
    assert (arrears.overdue, arrears.oldest_unpaid_due, arrears.days_past_due) == (D(0), None, 0)


# --- capital return --------------------------------------------------------------------------------------


def test_capital_is_returned_in_equal_installments_with_the_last_absorbing_the_rounding() -> None:
    rows = capital_return_schedule(D(50_000_000), 3, date(2025, 1, 31))
    assert [r.amount for r in rows] == [D(16_666_667), D(16_666_667), D(16_666_666)]
    assert [r.due_date for r in rows] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_the_common_schedule_returns_the_capital_at_maturity_with_no_scheduled_profit() -> None:
    schedule = build_schedule(example_e(first_return_date=date(2025, 12, 31)))
    assert schedule.kind is ContractKind.MUDHARABAH
    assert [(i.amount, i.margin) for i in schedule.installments] == [(D(50_000_000), D(0))]
    with pytest.raises(InvalidInput):
        build_schedule(example_e())


# --- journals per event ----------------------------------------------------------------------------------


def test_disbursement_in_cash_debits_mudharabah_financing_and_credits_cash() -> None:
    e = disbursement_entry(example_e(), JAN, ref="M-7")
    assert lines(e) == {("D", "mudharabah_financing", D(50_000_000)), ("C", "cash", D(50_000_000))}
    assert e.source == "mudharabah:M-7:disbursement"


def test_goods_below_book_value_are_a_loss_at_disbursement() -> None:
    e = disbursement_entry(example_e(), JAN, goods=GoodsCapital(D(52_000_000)))
    assert lines(e) == {
        ("D", "mudharabah_financing", D(50_000_000)),
        ("D", "mudharabah_loss", D(2_000_000)),
        ("C", "other_assets", D(52_000_000)),
    }


def test_goods_above_book_value_give_a_deferred_gain_that_is_amortised() -> None:
    e = disbursement_entry(example_e(), JAN, goods=GoodsCapital(D(46_000_000), account="murabahah_inventory"))
    assert lines(e) == {
        ("D", "mudharabah_financing", D(50_000_000)),
        ("C", "murabahah_inventory", D(46_000_000)),
        ("C", "mudharabah_deferred_gain", D(4_000_000)),
    }
    assert carrying_amount([e]) == D(46_000_000)
    release = deferred_gain_amortisation_entry(FEB, D(4_000_000))
    assert lines(release) == {
        ("D", "mudharabah_deferred_gain", D(4_000_000)),
        ("C", "other_income", D(4_000_000)),
    }
    assert carrying_amount([e, release]) == D(50_000_000)


def test_a_report_accrues_the_share_and_the_cash_receipt_clears_it() -> None:
    result = period_result(example_e(), RealisationReport(JAN, D(20_000_000), D(14_000_000)))
    accrual = share_accrual_entry(result, JAN)
    receipt = share_receipt_entry(date(2025, 2, 5), D(2_400_000), outstanding=D(2_400_000))
    assert lines(accrual) == {
        ("D", "profit_share_receivable", D(2_400_000)),
        ("C", "mudharabah_income", D(2_400_000)),
    }
    assert lines(receipt) == {("D", "cash", D(2_400_000)), ("C", "profit_share_receivable", D(2_400_000))}
    paid_with_report = share_accrual_entry(result, JAN, received_in_cash=True)
    assert lines(paid_with_report) == {("D", "cash", D(2_400_000)), ("C", "mudharabah_income", D(2_400_000))}


def test_a_report_without_a_share_books_no_income() -> None:
    result = period_result(example_e(), RealisationReport(FEB, D(10_000_000), D(15_000_000)))
    with pytest.raises(InvalidInput):
        share_accrual_entry(result, FEB)


def test_capital_returned_credits_the_financing_and_never_more_than_is_outstanding() -> None:
    e = capital_return_entry(date(2025, 12, 31), D(45_000_000), outstanding=D(45_000_000))
    assert lines(e) == {("D", "cash", D(45_000_000)), ("C", "mudharabah_financing", D(45_000_000))}
    with pytest.raises(InvalidInput):
        capital_return_entry(date(2025, 12, 31), D(45_000_001), outstanding=D(45_000_000))
    with pytest.raises(InvalidInput):
        share_receipt_entry(JAN, D(2), outstanding=D(1))


def test_unreturned_capital_at_maturity_is_reclassified_and_collected_as_due_from_the_mudharib() -> None:
    reclass = maturity_reclass_entry(date(2025, 12, 31), D(10_000_000))
    assert lines(reclass) == {
        ("D", "mudharabah_due_receivable", D(10_000_000)),
        ("C", "mudharabah_financing", D(10_000_000)),
    }
    paid = due_receivable_receipt_entry(date(2026, 1, 15), D(4_000_000), outstanding=D(10_000_000))
    assert lines(paid) == {("D", "cash", D(4_000_000)), ("C", "mudharabah_due_receivable", D(4_000_000))}
