"""Rupiah, numbers, percentages and dates as Indonesian readers expect them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bmt.errors import InvalidInput
from bmt.money import MAX_AMOUNT, rupiah
from bmt.reports.formatting import (
    format_date_id,
    format_hijri,
    format_number_id,
    format_percent_id,
    format_rupiah,
)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567"), "Rp1.234.567"),
        (Decimal("0"), "Rp0"),
        (Decimal("999"), "Rp999"),
        (Decimal("1000"), "Rp1.000"),
        (Decimal("11200000"), "Rp11.200.000"),
        (Decimal("-1234567"), "-Rp1.234.567"),
        (1500000, "Rp1.500.000"),
        ("1500000.00", "Rp1.500.000"),
    ],
)
def test_rupiah_has_dots_between_thousands_and_no_space_after_rp(amount: Decimal, text: str) -> None:
    assert format_rupiah(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        # Babel would round these half-even (Rp0, Rp2); the books round half-up, and so does the screen.
        (Decimal("0.5"), "Rp1"),
        (Decimal("2.5"), "Rp3"),
        (Decimal("933333.50"), "Rp933.334"),
        (Decimal("-2.5"), "-Rp3"),
        (Decimal("1234566.49"), "Rp1.234.566"),
    ],
)
def test_rupiah_rounds_half_up_to_whole_rupiah(amount: Decimal, text: str) -> None:
    assert format_rupiah(amount) == text


def test_an_amount_that_rounds_to_zero_has_no_minus_sign() -> None:
    assert format_rupiah(Decimal("-0.4")) == "Rp0"
    assert format_rupiah(Decimal("-0.004"), sen=True) == "Rp0,00"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1500000.5"), "Rp1.500.000,50"),
        (Decimal("1500000"), "Rp1.500.000,00"),
        (Decimal("0.005"), "Rp0,01"),
        (Decimal("-1234.565"), "-Rp1.234,57"),
        ("1500000.50", "Rp1.500.000,50"),
    ],
)
def test_rupiah_with_sen_shows_two_places_after_a_comma(amount: Decimal, text: str) -> None:
    assert format_rupiah(amount, sen=True) == text


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_rupiah_reads_back_to_the_same_integer(n: int) -> None:
    text = format_rupiah(Decimal(n))
    assert re.fullmatch(r"-?Rp\d{1,3}(\.\d{3})*", text)
    assert int(text.replace("Rp", "").replace(".", "")) == n


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False))
def test_rupiah_with_sen_parses_back_exactly_with_the_teller_parser(amount: Decimal) -> None:
    assert rupiah(format_rupiah(amount, sen=True)) == amount


@pytest.mark.parametrize("bad", [1.5, True, None, "Rp1.000", "abc", Decimal("Infinity"), Decimal("1e50")])
def test_formatting_refuses_floats_and_non_numbers(bad: object) -> None:
    with pytest.raises(InvalidInput):
        format_rupiah(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("1234567.50"), None, "1.234.567,50"),
        (1234, None, "1.234"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("1234.5"), 0, "1.235"),
        (Decimal("-1234.5"), None, "-1.234,5"),
        (Decimal("7"), 3, "7,000"),
    ],
)
def test_numbers_use_dot_for_thousands_and_comma_for_decimals(
    value: Decimal, places: int | None, text: str
) -> None:
    assert format_number_id(value, places=places) == text


def test_decimal_places_outside_zero_to_ten_are_refused() -> None:
    with pytest.raises(InvalidInput):
        format_number_id(Decimal(1), places=11)


@pytest.mark.parametrize(
    ("rate", "places", "text"),
    [
        (Decimal("12.5"), 2, "12,50%"),
        (Decimal("0"), 2, "0,00%"),
        (Decimal("100"), 2, "100,00%"),
        (Decimal("2.345"), 2, "2,35%"),
        (Decimal("60"), 0, "60%"),
    ],
)
def test_percentages_are_given_in_percent_with_a_decimal_comma(rate: Decimal, places: int, text: str) -> None:
    assert format_percent_id(rate, places=places) == text


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2025, 3, 1), "1 Maret 2025"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2025, 12, 31), "31 Desember 2025"),
    ],
)
def test_dates_read_in_indonesian(d: date, text: str) -> None:
    assert format_date_id(d) == text


def test_dates_can_carry_the_weekday() -> None:
    assert format_date_id(date(2025, 3, 1), weekday=True) == "Sabtu, 1 Maret 2025"
    assert format_date_id(date(2025, 3, 3), weekday=True) == "Senin, 3 Maret 2025"


def test_hijri_date_follows_umm_al_qura_by_default() -> None:
    assert format_hijri(date(2025, 3, 1)) == "1 Ramadan 1446 H"
    assert format_hijri(date(2025, 3, 30)) == "1 Syawal 1446 H"


def test_hijri_date_follows_the_official_month_start_when_one_is_given() -> None:
    # Indonesia (sidang isbat) began Syawal 1446 on 31 March 2025, a day after Umm al-Qura.
    overrides = {(1446, 10): date(2025, 3, 31)}
    assert format_hijri(date(2025, 3, 30), overrides) == "30 Ramadan 1446 H"
    assert format_hijri(date(2025, 3, 31), overrides) == "1 Syawal 1446 H"
