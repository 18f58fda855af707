"""Each calculator at its nisab, one rupiah (or one sen) below, and above; rounding; haul; the nisab table.

Expected values are worked by hand from the rules in domain.md §5: 2.5% of the basis, half-up to the rupiah.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.errors import InvalidInput
from bmt.zakat import (
    DEFAULT_INCOME_NISAB,
    CooperativeZakatMethod,
    IncomeBasis,
    ZakatKind,
    gold_nisab,
    haul_complete,
    haul_end,
    income_nisab,
    income_nisab_from_annual,
    merge_income_nisab,
    zakat_koperasi,
    zakat_maal,
    zakat_penghasilan,
    zakat_perdagangan,
)

D = Decimal
GOLD = D(1_500_000)  # nisab 127,500,000


# -- maal ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wealth", "obligated", "due"),
    [
        ("127500000", True, "3187500"),  # exactly at the nisab: obligated
        ("127499999", False, "0"),  # one rupiah below
        ("127499999.99", False, "0"),  # one sen below
        ("127500001", True, "3187500"),  # 3,187,500.025 rounds down
        ("127500020", True, "3187501"),  # 3,187,500.5 rounds half-up
        ("150000000", True, "3750000"),
    ],
)
def test_zakat_maal_is_due_from_the_nisab_of_85_grams_of_gold(wealth: str, obligated: bool, due: str) -> None:
    result = zakat_maal(D(wealth), GOLD, haul_complete=True)
    assert result.kind is ZakatKind.MAAL
    assert result.nisab == D(127_500_000)
    assert result.obligated is obligated
    assert result.zakat_due == D(due)
    assert result.basis == D(wealth)
    assert result.rate_percent == D("2.5")


def test_zakat_maal_above_the_nisab_is_not_due_before_the_haul_completes() -> None:
    result = zakat_maal(D(500_000_000), GOLD, haul_complete=False)
    assert (result.obligated, result.zakat_due) == (False, D(0))


def test_the_gold_nisab_keeps_the_sen_of_a_price_with_sen() -> None:
    assert gold_nisab(D("1068919.50")) == D("90858157.50")


@pytest.mark.parametrize("price", ["0", "-1"])
def test_a_gold_price_that_is_not_positive_is_refused(price: str) -> None:
    with pytest.raises(InvalidInput, match="harga emas"):
        zakat_maal(D(1), D(price), haul_complete=True)


def test_negative_wealth_is_refused() -> None:
    with pytest.raises(InvalidInput, match="wealth"):
        zakat_maal(D(-1), GOLD, haul_complete=True)


# -- penghasilan ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "monthly", "obligated", "due"),
    [
        (2025, "7140498", True, "178512"),  # at the monthly nisab: 178,512.45
        (2025, "7140497", False, "0"),  # below it; 12 × = 85,685,964 < 85,685,972
        (2025, "7140499", True, "178512"),  # 178,512.475
        (2025, "9000000", True, "225000"),
        (2024, "6859394", True, "171485"),  # 171,484.85 rounds half-up
        (2024, "6859393", False, "0"),  # 12 × = 82,312,716 < 82,312,725
        (2024, "6859395", True, "171485"),  # 171,484.875
    ],
)
def test_zakat_penghasilan_uses_the_baznas_monthly_nisab_of_the_year(
    year: int, monthly: str, obligated: bool, due: str
) -> None:
    result = zakat_penghasilan(D(monthly), year, DEFAULT_INCOME_NISAB)
    assert result.nisab == DEFAULT_INCOME_NISAB[year].monthly
    assert result.nisab_annual == DEFAULT_INCOME_NISAB[year].annual
    assert (result.obligated, result.zakat_due) == (obligated, D(due))


@pytest.mark.parametrize(
    ("annual", "obligated", "due"),
    [
        ("85685972", True, "175000"),  # annual income exactly at the annual nisab
        ("85685971", False, "0"),
        ("85685973", True, "175000"),
    ],
)
def test_a_monthly_income_below_nisab_still_owes_when_the_annual_income_reaches_the_annual_nisab(
    annual: str, obligated: bool, due: str
) -> None:
    result = zakat_penghasilan(D(7_000_000), 2025, DEFAULT_INCOME_NISAB, annual_income=D(annual))
    assert (result.obligated, result.zakat_due, result.basis) == (obligated, D(due), D(7_000_000))


def test_without_an_annual_income_twelve_months_of_the_monthly_income_are_tested() -> None:
    # 7,140,497.67 is below the monthly nisab, but × 12 = 85,685,972.04 reaches the annual one.
    result = zakat_penghasilan(D("7140497.67"), 2025, DEFAULT_INCOME_NISAB)
    assert result.obligated is True
    assert result.zakat_due == D(178_512)  # 178,512.44175


def test_the_net_basis_tests_and_charges_income_after_deductions() -> None:
    gross = zakat_penghasilan(D(10_000_000), 2025, DEFAULT_INCOME_NISAB)
    net = zakat_penghasilan(
        D(10_000_000), 2025, DEFAULT_INCOME_NISAB, income_basis=IncomeBasis.NET, monthly_deductions=D(3_000_000)
    )
    assert (gross.obligated, gross.zakat_due) == (True, D(250_000))
    # 7,000,000 a month net < 7,140,498; 84,000,000 a year net < 85,685,972.
    assert (net.obligated, net.zakat_due, net.basis) == (False, D(0), D(7_000_000))
    net_due = zakat_penghasilan(
        D(10_000_000), 2025, DEFAULT_INCOME_NISAB, income_basis=IncomeBasis.NET, monthly_deductions=D(2_000_000)
    )
    assert (net_due.obligated, net_due.zakat_due) == (True, D(200_000))


def test_deductions_under_the_gross_basis_are_refused() -> None:
    with pytest.raises(InvalidInput, match="net"):
        zakat_penghasilan(D(10_000_000), 2025, DEFAULT_INCOME_NISAB, monthly_deductions=D(1))


def test_a_year_missing_from_the_nisab_table_asks_for_an_admin_to_add_it() -> None:
    with pytest.raises(InvalidInput, match="admin") as exc:
        zakat_penghasilan(D(9_000_000), 2026, DEFAULT_INCOME_NISAB)
    assert exc.value.field == "year"
    assert "2024, 2025" in exc.value.message


def test_an_admin_added_year_is_used_once_merged_into_the_table() -> None:
    table = merge_income_nisab(DEFAULT_INCOME_NISAB, {2026: income_nisab_from_annual(2026, D(90_000_000))})
    result = zakat_penghasilan(D(7_500_000), 2026, table)
    assert (result.nisab, result.nisab_annual, result.zakat_due) == (D(7_500_000), D(90_000_000), D(187_500))
    assert income_nisab(2025, table) == DEFAULT_INCOME_NISAB[2025]
    assert 2026 not in DEFAULT_INCOME_NISAB  # the shipped default is untouched


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_published_monthly_nisab_is_the_annual_nisab_over_twelve_rounded_half_up(year: int) -> None:
    shipped = DEFAULT_INCOME_NISAB[year]
    assert income_nisab_from_annual(year, shipped.annual) == shipped


def test_an_admin_year_out_of_range_or_a_nisab_not_positive_is_refused() -> None:
    with pytest.raises(InvalidInput):
        income_nisab_from_annual(1999, D(1))
    with pytest.raises(InvalidInput):
        income_nisab_from_annual(2026, D(0))


# -- perdagangan and the cooperative ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assets", "liabilities", "obligated", "due"),
    [
        ("100000000", "15000000", True, "2125000"),  # basis 85,000,000 = nisab at 1,000,000/g
        ("100000000", "15000001", False, "0"),
        ("100000000", "14999999", True, "2125000"),  # 2,125,000.025
        ("100000000", "14999980", True, "2125001"),  # 2,125,000.5 rounds half-up
        ("10000000", "20000000", False, "0"),  # negative working capital
    ],
)
def test_zakat_perdagangan_is_due_on_current_assets_less_current_liabilities_from_the_nisab(
    assets: str, liabilities: str, obligated: bool, due: str
) -> None:
    result = zakat_perdagangan(D(assets), D(liabilities), D(1_000_000))
    assert result.nisab == D(85_000_000)
    assert result.basis == D(assets) - D(liabilities)
    assert (result.obligated, result.zakat_due) == (obligated, D(due))


def test_the_cooperative_by_working_capital_follows_the_trade_method() -> None:
    result = zakat_koperasi(
        CooperativeZakatMethod.WORKING_CAPITAL,
        current_assets=D(2_500_000_000),
        current_liabilities=D(1_900_000_000),
        gold_price_per_gram=GOLD,
    )
    assert result.kind is ZakatKind.KOPERASI_MODAL_KERJA
    assert (result.basis, result.zakat_due) == (D(600_000_000), D(15_000_000))


@pytest.mark.parametrize(
    ("shu", "obligated", "due"),
    [("200000000", True, "5000000"), ("1", True, "0"), ("0", False, "0"), ("-5000000", False, "0")],
)
def test_the_cooperative_by_shu_sets_aside_two_and_a_half_percent_of_a_positive_shu(
    shu: str, obligated: bool, due: str
) -> None:
    result = zakat_koperasi(CooperativeZakatMethod.SHU, shu=D(shu))
    assert (result.kind, result.nisab, result.obligated, result.zakat_due) == (
        ZakatKind.KOPERASI_SHU,
        D(0),
        obligated,
        D(due),
    )


def test_the_cooperative_calculation_refuses_missing_inputs_of_its_method() -> None:
    with pytest.raises(InvalidInput, match="SHU"):
        zakat_koperasi(CooperativeZakatMethod.SHU)
    with pytest.raises(InvalidInput, match="modal kerja"):
        zakat_koperasi(CooperativeZakatMethod.WORKING_CAPITAL, current_assets=D(1))


# -- haul --------------------------------------------------------------------------------------------------------


def test_the_haul_is_one_hijri_year_about_eleven_days_short_of_a_gregorian_one() -> None:
    start = date(2024, 3, 11)  # 1 Ramadan 1445 (Umm al-Qura)
    assert haul_end(start) == date(2025, 3, 1)  # 1 Ramadan 1446
    assert haul_complete(start, date(2025, 2, 28)) is False
    assert haul_complete(start, date(2025, 3, 1)) is True
    assert haul_complete(start, date(2025, 3, 11)) is True


def test_an_official_month_start_moves_the_end_of_the_haul() -> None:
    start = date(2024, 3, 11)
    overrides = {(1446, 9): date(2025, 3, 2)}  # sidang isbat a day after Umm al-Qura
    assert haul_end(start, overrides) == date(2025, 3, 2)
    assert haul_complete(start, date(2025, 3, 1), overrides) is False
    assert haul_complete(start, date(2025, 3, 2), overrides) is True


def test_a_date_before_the_start_has_not_completed_a_haul() -> None:
    assert haul_complete(date(2025, 1, 1), date(2024, 1, 1)) is False
