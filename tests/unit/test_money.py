from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bmt.errors import InvalidInput
from bmt.money import (
    R1_HALF_UP_RUPIAH,
    R2_FLOOR_RUPIAH,
    D,
    allocate_floor,
    allocate_largest_remainder,
    from_sen,
    money_str,
    percent,
    round_money,
    rupiah,
    to_sen,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", "1500000"),
        ("1500000", "1500000"),
        ("Rp 1.500.000", "1500000"),
        ("Rp1.500.000,50", "1500000.50"),
        ("1500000,5", "1500000.50"),
        ("1500000.50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("0", "0"),
        (" 25.000 ", "25000"),
    ],
)
def test_rupiah_reads_indonesian_and_api_notation(text: str, expected: str) -> None:
    assert rupiah(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1.50.000", "1.500.000,505", "-5", "1e6", "12,345,67", "1.2.3"])
def test_rupiah_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(InvalidInput):
        rupiah(text)


def test_floats_are_refused_because_they_are_not_exact() -> None:
    with pytest.raises(InvalidInput):
        D(0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        rupiah(0.1)  # type: ignore[arg-type]


def test_zero_and_sen_can_be_refused_by_the_caller() -> None:
    with pytest.raises(InvalidInput):
        rupiah("0", allow_zero=False)
    with pytest.raises(InvalidInput):
        rupiah("10,50", allow_sen=False)


def test_named_rounding_policies_round_as_their_names_say() -> None:
    assert round_money(D("933333.5"), R1_HALF_UP_RUPIAH) == 933334
    assert round_money(D("933333.49"), R1_HALF_UP_RUPIAH) == 933333
    assert round_money(D("487037.99"), R2_FLOOR_RUPIAH) == 487037


def test_sen_storage_round_trips_and_refuses_fractions_of_a_sen() -> None:
    assert to_sen(D("12345678901234567.89")) == 1234567890123456789
    assert from_sen(1234567890123456789) == D("12345678901234567.89")
    with pytest.raises(ValueError):
        to_sen(D("0.001"))


def test_money_text_for_the_api_has_no_exponent_and_no_needless_sen() -> None:
    assert money_str(D("1500000.00")) == "1500000"
    assert money_str(D("1E+6")) == "1000000"
    assert money_str(D("0.5")) == "0.50"


def test_percent_is_range_checked() -> None:
    assert percent("12,5") == D("12.5")
    with pytest.raises(InvalidInput):
        percent("101")


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_largest_remainder_allocation_ties_to_the_total_exactly(total: int, weights: list[int]) -> None:
    parts = allocate_largest_remainder(Decimal(total), weights)
    assert sum(parts) == total
    exact = [Decimal(total) * w / sum(weights) for w in weights]
    assert all(abs(p - e) < 1 for p, e in zip(parts, exact, strict=True))
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30),
)
def test_floor_allocation_never_exceeds_the_total_and_reports_the_residue(total: int, weights: list[int]) -> None:
    parts, residue = allocate_floor(Decimal(total), weights)
    assert sum(parts) + residue == total
    assert residue >= 0
    if sum(weights):
        assert residue < len(weights)
