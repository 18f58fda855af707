"""Golden test: domain.md §11 Example C (zakat), line by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.errors import ShariaViolation
from bmt.zakat import (
    AMIL_CAP_DEFAULT,
    DEFAULT_INCOME_NISAB,
    CooperativeZakatMethod,
    Fund,
    FundBook,
    FundRef,
    allocate_amil,
    amil_cap,
    receive_zakat,
    zakat_koperasi,
    zakat_maal,
    zakat_penghasilan,
)

D = Decimal
DAY = date(2025, 3, 3)

# C1: (gross monthly income, 2025 nisab) -> zakat; the second also fails the annual test.
C1 = [
    # monthly,   monthly nisab, annual nisab, obligated, zakat
    ("9000000", "7140498", "85685972", True, "225000"),
    ("6500000", "7140498", "85685972", False, "0"),
]


@pytest.mark.parametrize(("monthly", "nisab", "nisab_annual", "obligated", "due"), C1)
def test_c1_zakat_penghasilan_with_the_2025_nisab(
    monthly: str, nisab: str, nisab_annual: str, obligated: bool, due: str
) -> None:
    result = zakat_penghasilan(D(monthly), 2025, DEFAULT_INCOME_NISAB)
    assert (result.nisab, result.nisab_annual) == (D(nisab), D(nisab_annual))
    assert (result.obligated, result.zakat_due) == (obligated, D(due))


def test_c1_twelve_months_of_6_500_000_stay_below_the_annual_nisab() -> None:
    assert 12 * D(6_500_000) == D(78_000_000) < DEFAULT_INCOME_NISAB[2025].annual


def test_c2_zakat_maal_on_savings_held_a_full_haul() -> None:
    result = zakat_maal(D(150_000_000), D(1_500_000), haul_complete=True)
    assert result.nisab == D(127_500_000)
    assert (result.obligated, result.zakat_due) == (True, D(3_750_000))


def test_c3_the_cooperative_business_by_working_capital() -> None:
    result = zakat_koperasi(
        CooperativeZakatMethod.WORKING_CAPITAL,
        current_assets=D(2_500_000_000),
        current_liabilities=D(1_900_000_000),
        gold_price_per_gram=D(1_500_000),
    )
    assert result.basis == D(600_000_000)
    assert result.basis >= result.nisab
    assert (result.obligated, result.zakat_due) == (True, D(15_000_000))


def test_c4_the_amil_share_of_40_000_000_is_at_most_5_000_000() -> None:
    cap = amil_cap(D(40_000_000), AMIL_CAP_DEFAULT)
    assert cap == D(5_000_000)
    assert D(40_000_000) - cap == D(35_000_000)  # left for the other asnaf
    with pytest.raises(ShariaViolation) as exc:
        allocate_amil(DAY, D(40_000_000), D(0), D(5_000_001))
    assert exc.value.rule == "ZIS-02"


def test_c4_journals_receipt_then_amil_allocation() -> None:
    receipt = receive_zakat(DAY, D(40_000_000))
    amil = allocate_amil(DAY, D(40_000_000), D(0), D(5_000_000))
    lines = [[(p.account, p.debit_amount, p.credit_amount) for p in e.postings] for e in (receipt, amil)]
    assert lines == [
        [("maal_cash", D(40_000_000), D(0)), ("zakat_fund", D(0), D(40_000_000))],
        [("zakat_fund", D(5_000_000), D(0)), ("amil_fund", D(0), D(5_000_000))],
    ]
    assert receipt.book == amil.book == "maal"


def test_c4_through_the_fund_book_leaves_35_000_000_for_the_other_asnaf() -> None:
    book, _ = FundBook().receive_zakat(DAY, D(40_000_000))
    book, _ = book.allocate_amil(DAY, D(5_000_000))
    assert book.fund_balance(FundRef(Fund.ZAKAT)) == D(35_000_000)
    assert book.fund_balance(FundRef(Fund.AMIL)) == D(5_000_000)
    assert book.balance("maal_cash") == D(40_000_000)
    with pytest.raises(ShariaViolation):
        book.allocate_amil(DAY, D(1))
