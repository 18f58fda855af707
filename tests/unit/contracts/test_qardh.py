"""Qardh and qardhul hasan: principal only, real-cost fees, repayment, forgiveness (domain.md §6, QRD-01)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.contracts.common import ContractKind
from bmt.contracts.qardh import (
    QardhTerms,
    build_schedule,
    check_repayment_total,
    disbursement_entry,
    fee_entry,
    forgiveness_entries,
    repayment_entry,
    repayment_schedule,
)
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry
from bmt.money import D

DAY = date(2025, 3, 3)


def lines(e: JournalEntry) -> set[tuple[str, str, Decimal]]:
    return {("D" if p.amount > 0 else "C", p.account, abs(p.amount)) for p in e.postings}


def test_a_qardh_from_business_funds_is_booked_in_the_tamwil_book() -> None:
    e = disbursement_entry(QardhTerms(principal=D(3_000_000)), DAY, ref="Q-1")
    assert e.book == "tamwil"
    assert lines(e) == {("D", "qardh_receivable", D(3_000_000)), ("C", "cash", D(3_000_000))}
    assert e.source == "qardh:Q-1:disbursement"


def test_qardhul_hasan_from_the_kebajikan_fund_is_booked_in_the_maal_book() -> None:
    e = disbursement_entry(QardhTerms(principal=D(2_000_000), source="kebajikan"), DAY)
    assert e.book == "maal"
    assert lines(e) == {("D", "qardhul_hasan_receivable", D(2_000_000)), ("C", "maal_cash", D(2_000_000))}


def test_repayment_credits_the_loan_in_its_own_book() -> None:
    business = repayment_entry(
        QardhTerms(principal=D(3_000_000)), DAY, D(1_000_000), outstanding=D(3_000_000)
    )
    assert (business.book, lines(business)) == (
        "tamwil",
        {("D", "cash", D(1_000_000)), ("C", "qardh_receivable", D(1_000_000))},
    )
    social = repayment_entry(
        QardhTerms(principal=D(2_000_000), source="kebajikan"), DAY, D(500_000), D(2_000_000)
    )
    assert (social.book, lines(social)) == (
        "maal",
        {("D", "maal_cash", D(500_000)), ("C", "qardhul_hasan_receivable", D(500_000))},
    )


def test_paying_back_more_than_the_principal_outstanding_is_refused_as_qrd_01() -> None:
    with pytest.raises(ShariaViolation) as caught:
        repayment_entry(QardhTerms(principal=D(3_000_000)), DAY, D(3_000_001), outstanding=D(3_000_000))
    assert caught.value.rule == "QRD-01"


def test_a_fee_within_the_documented_real_costs_is_allowed_and_booked() -> None:
    terms = QardhTerms(principal=D(3_000_000), admin_fee=D(10_000), documented_real_costs=D(10_000))
    assert lines(fee_entry(terms, DAY)) == {("D", "cash", D(10_000)), ("C", "fee_income", D(10_000))}


def test_a_fee_beyond_the_documented_real_costs_is_refused_as_qrd_01() -> None:
    with pytest.raises(ShariaViolation) as caught:
        QardhTerms(principal=D(3_000_000), admin_fee=D(50_000), documented_real_costs=D(10_000))
    assert caught.value.rule == "QRD-01"
    with pytest.raises(ShariaViolation):
        QardhTerms(principal=D(3_000_000), admin_fee=D(1))  # no documented cost at all


def test_a_qardh_without_a_fee_has_no_fee_entry() -> None:
    with pytest.raises(InvalidInput):
        fee_entry(QardhTerms(principal=D(3_000_000)), DAY)


def test_the_repayment_schedule_returns_exactly_the_principal() -> None:
    terms = QardhTerms(principal=D(1_000_000), installments=3, first_due_date=date(2025, 1, 31))
    rows = repayment_schedule(terms)
    assert [r.amount for r in rows] == [D(333_333), D(333_333), D(333_334)]
    assert [r.balance_after for r in rows] == [D(666_667), D(333_334), D(0)]
    assert [r.due_date for r in rows] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    schedule = build_schedule(terms)
    assert (schedule.kind, schedule.total_margin, schedule.total_amount) == (
        ContractKind.QARDH,
        D(0),
        D(1_000_000),
    )


def test_a_repayment_plan_above_the_principal_is_refused_as_qrd_01() -> None:
    terms = QardhTerms(principal=D(1_000_000))
    with pytest.raises(ShariaViolation) as caught:
        check_repayment_total(terms, D(1_050_000))
    assert caught.value.rule == "QRD-01"
    with pytest.raises(InvalidInput):
        check_repayment_total(terms, D(999_999))
    check_repayment_total(terms, D(1_000_000))


def test_a_schedule_needs_an_agreed_first_due_date() -> None:
    with pytest.raises(InvalidInput):
        repayment_schedule(QardhTerms(principal=D(1_000_000), installments=2))


def test_forgiving_qardhul_hasan_is_charged_to_the_kebajikan_fund_in_the_maal_book() -> None:
    (e,) = forgiveness_entries(
        QardhTerms(principal=D(2_000_000), source="kebajikan"), DAY, D(800_000), D(800_000)
    )
    assert e.book == "maal"
    assert lines(e) == {("D", "kebajikan_fund", D(800_000)), ("C", "qardhul_hasan_receivable", D(800_000))}


def test_forgiving_a_business_qardh_charges_the_kebajikan_fund_through_both_books() -> None:
    tamwil, maal = forgiveness_entries(QardhTerms(principal=D(3_000_000)), DAY, D(1_000_000), D(1_000_000))
    assert (tamwil.book, maal.book) == ("tamwil", "maal")
    assert lines(tamwil) == {
        ("D", "kebajikan_payable", D(1_000_000)),
        ("C", "qardh_receivable", D(1_000_000)),
    }
    assert lines(maal) == {("D", "kebajikan_fund", D(1_000_000)), ("C", "due_from_tamwil", D(1_000_000))}


def test_more_than_the_outstanding_cannot_be_forgiven() -> None:
    with pytest.raises(InvalidInput):
        forgiveness_entries(QardhTerms(principal=D(3_000_000)), DAY, D(1_000_001), D(1_000_000))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal": D(0)},
        {"principal": D(1_000), "source": "zakat"},
        {"principal": D(1_000), "installments": 0},
        {"principal": D(1_000), "installments": 361},
        {"principal": 1000.0},
    ],
)
def test_bad_terms_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        QardhTerms(**kwargs)  # type: ignore[arg-type]
