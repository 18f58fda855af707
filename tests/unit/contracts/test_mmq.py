"""Musyarakah mutanaqisah: the diminishing share, rent by ownership, reviews, buy-out (domain.md §3, Example D)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.contracts.common import ContractKind
from bmt.contracts.musyarakah import (
    MmqTerms,
    RentReview,
    build_schedule,
    mmq_buyout_entry,
    mmq_disbursement_entry,
    mmq_early_buyout,
    mmq_payment_entry,
    mmq_schedule,
    with_rent_review,
)
from bmt.errors import InvalidInput
from bmt.ledger import JournalEntry
from bmt.money import D

FIRST_DUE = date(2025, 1, 31)

# domain.md §11 Example D: k, BMT % at start, BMT rent share, buy-back, payment, BMT balance end.
EXAMPLE_D = [
    (1, "80.0000", 1_200_000, 5_000_000, 6_200_000, 115_000_000),
    (2, "76.6667", 1_150_000, 5_000_000, 6_150_000, 110_000_000),
    (3, "73.3333", 1_100_000, 5_000_000, 6_100_000, 105_000_000),
    (12, "43.3333", 650_000, 5_000_000, 5_650_000, 60_000_000),
    (23, "6.6667", 100_000, 5_000_000, 5_100_000, 5_000_000),
    (24, "3.3333", 50_000, 5_000_000, 5_050_000, 0),
]


def example_d(**kw: object) -> MmqTerms:
    return MmqTerms(D(150_000_000), D(120_000_000), D(1_500_000), 24, FIRST_DUE, **kw)


def lines(e: JournalEntry) -> set[tuple[str, str, Decimal]]:
    return {("D" if p.amount > 0 else "C", p.account, abs(p.amount)) for p in e.postings}


@pytest.mark.parametrize(("k", "pct", "rent", "buyback", "payment", "balance"), EXAMPLE_D)
def test_example_d_rows_match_the_worked_example(
    k: int, pct: str, rent: int, buyback: int, payment: int, balance: int
) -> None:
    row = mmq_schedule(example_d()).installments[k - 1]
    assert row.number == k
    assert str(row.bmt_share_percent_start) == pct
    assert (row.rent_to_bmt, row.buyback, row.payment, row.bmt_balance_end) == (
        D(rent),
        D(buyback),
        D(payment),
        D(balance),
    )


def test_example_d_every_rent_share_follows_the_general_term() -> None:
    rows = mmq_schedule(example_d()).installments
    assert [r.rent_to_bmt for r in rows] == [D(1_200_000 - 50_000 * (k - 1)) for k in range(1, 25)]


def test_example_d_totals_are_15_million_rent_and_135_million_paid() -> None:
    s = mmq_schedule(example_d())
    assert (s.total_rent_to_bmt, s.total_buyback, s.total_payment) == (
        D(15_000_000),
        D(120_000_000),
        D(135_000_000),
    )
    assert s.terms.customer_share_amount == D(30_000_000)


def test_example_d_month_1_journal_splits_the_payment_into_buyback_and_rent_income() -> None:
    row = mmq_schedule(example_d()).installments[0]
    e = mmq_payment_entry(row, FIRST_DUE, ref="MMQ-1")
    assert lines(e) == {
        ("D", "cash", D(6_200_000)),
        ("C", "mmq_financing", D(5_000_000)),
        ("C", "mmq_income", D(1_200_000)),
    }
    assert e.source == "mmq:MMQ-1:installment:1"


def test_disbursement_pays_the_bmt_share_of_the_asset() -> None:
    assert lines(mmq_disbursement_entry(example_d(), date(2025, 1, 2))) == {
        ("D", "mmq_financing", D(120_000_000)),
        ("C", "cash", D(120_000_000)),
    }


def test_due_dates_step_monthly_from_the_first_and_keep_the_month_end() -> None:
    rows = mmq_schedule(example_d()).installments
    assert [r.due_date for r in rows[:3]] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_a_share_that_does_not_divide_rounds_each_buyback_half_up_and_the_last_clears_the_balance() -> None:
    s = mmq_schedule(MmqTerms(D(150_000_000), D(100_000_000), D(1_500_000), 24, FIRST_DUE))
    buybacks = [r.buyback for r in s.installments]
    assert buybacks[:23] == [D(4_166_667)] * 23  # 4,166,666.67 rounds up
    assert buybacks[23] == D(100_000_000) - 23 * D(4_166_667) == D(4_166_659)
    assert s.installments[-1].bmt_balance_end == 0


def test_rent_shares_are_computed_from_the_exact_balance_not_the_rounded_percent() -> None:
    # 1/3 ownership: rent 1,000,000 × 1/3 = 333,333.33 -> 333,333; via "33.3333%" it would be 333,333 too,
    # so use a rent where the rounded percent misleads: 10,000,000 × 33.3333% = 3,333,330 vs exact 3,333,333.
    s = mmq_schedule(MmqTerms(D(300), D(100), D(10_000_000), 1, FIRST_DUE))
    assert str(s.installments[0].bmt_share_percent_start) == "33.3333"
    assert s.installments[0].rent_to_bmt == D(3_333_333)


def test_a_rent_review_changes_the_rent_share_from_its_month_and_leaves_the_balance_path_alone() -> None:
    before = mmq_schedule(example_d())
    after = mmq_schedule(with_rent_review(example_d(), 13, D(1_800_000)))
    assert after.installments[:12] == before.installments[:12]
    assert [r.bmt_balance_end for r in after.installments] == [r.bmt_balance_end for r in before.installments]
    assert after.installments[12].rent_to_bmt == D(720_000)  # 1,800,000 × 60,000,000 / 150,000,000
    assert after.installments[12].payment == D(5_720_000)
    assert after.total_rent_to_bmt == D(11_100_000) + D(4_680_000)  # months 1-12 as before; 13-24 × 1.2


def test_a_second_review_in_the_same_month_replaces_the_first() -> None:
    terms = with_rent_review(with_rent_review(example_d(), 13, D(1_800_000)), 13, D(1_650_000))
    assert terms.rent_reviews == (RentReview(13, D(1_650_000)),)


def test_early_buyout_costs_the_remaining_balance_and_rent_only_when_the_akad_says() -> None:
    s = mmq_schedule(example_d())
    plain = mmq_early_buyout(s, 13)
    assert (plain.bmt_balance, plain.rent_to_bmt, plain.amount) == (D(60_000_000), D(0), D(60_000_000))
    with_rent = mmq_early_buyout(s, 13, include_current_rent=True)
    assert (with_rent.rent_to_bmt, with_rent.amount) == (D(600_000), D(60_600_000))
    assert lines(mmq_buyout_entry(with_rent, date(2026, 1, 31))) == {
        ("D", "cash", D(60_600_000)),
        ("C", "mmq_financing", D(60_000_000)),
        ("C", "mmq_income", D(600_000)),
    }
    assert lines(mmq_buyout_entry(plain, date(2026, 1, 31))) == {
        ("D", "cash", D(60_000_000)),
        ("C", "mmq_financing", D(60_000_000)),
    }


@pytest.mark.parametrize("month", [0, 25])
def test_a_buyout_month_outside_the_tenor_is_refused(month: int) -> None:
    with pytest.raises(InvalidInput):
        mmq_early_buyout(mmq_schedule(example_d()), month)


def test_a_rent_free_month_books_no_income_line() -> None:
    row = mmq_schedule(MmqTerms(D(150_000_000), D(120_000_000), D(0), 24, FIRST_DUE)).installments[0]
    assert lines(mmq_payment_entry(row, FIRST_DUE)) == {
        ("D", "cash", D(5_000_000)),
        ("C", "mmq_financing", D(5_000_000)),
    }


def test_the_common_schedule_treats_buybacks_as_principal_and_the_bmt_rent_as_margin() -> None:
    schedule = build_schedule(example_d())
    assert schedule.kind is ContractKind.MUSYARAKAH_MUTANAQISAH
    assert (schedule.financed_amount, schedule.total_margin, schedule.total_amount) == (
        D(120_000_000),
        D(15_000_000),
        D(135_000_000),
    )
    assert schedule.installments[0].outstanding_principal == D(115_000_000)


def test_a_bmt_share_equal_to_the_asset_price_is_refused_because_it_is_not_a_partnership() -> None:
    with pytest.raises(InvalidInput) as caught:
        MmqTerms(D(150_000_000), D(150_000_000), D(1_500_000), 24, FIRST_DUE)
    assert "bukan musyarakah" in caught.value.message
    assert caught.value.field == "bmt_share_amount"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bmt_share_amount": D(150_000_001)}, "bmt_share_amount"),
        ({"bmt_share_amount": D(0)}, "bmt_share_amount"),
        ({"asset_price": D(0)}, "asset_price"),
        ({"monthly_rent": D(-1)}, "monthly_rent"),
        ({"monthly_rent": D("1.001")}, "monthly_rent"),
        ({"tenor_months": 0}, "tenor_months"),
        ({"tenor_months": 361}, "tenor_months"),
        ({"rent_reviews": (RentReview(1, D(1)),)}, "rent_reviews"),
        ({"rent_reviews": (RentReview(25, D(1)),)}, "rent_reviews"),
        ({"rent_reviews": (RentReview(5, D(1)), RentReview(5, D(2)))}, "rent_reviews"),
    ],
)
def test_out_of_range_terms_are_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "asset_price": D(150_000_000),
        "bmt_share_amount": D(120_000_000),
        "monthly_rent": D(1_500_000),
        "tenor_months": 24,
        "first_due_date": FIRST_DUE,
    }
    with pytest.raises(InvalidInput) as caught:
        MmqTerms(**(base | kwargs))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_share_too_small_for_the_tenor_is_refused_rather_than_giving_a_negative_last_buyback() -> None:
    with pytest.raises(InvalidInput) as caught:
        MmqTerms(D(1_000), D(540), D(0), 360, FIRST_DUE)  # 540 / 360 = 1.5 -> 2 each; 359 × 2 > 540
    assert caught.value.field == "bmt_share_amount"
    assert mmq_schedule(MmqTerms(D(1_000), D(720), D(0), 360, FIRST_DUE)).installments[-1].buyback == D(2)
