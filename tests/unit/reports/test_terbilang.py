"""terbilang: Indonesian number words, checked against golden cases, num2words and a parser of our own."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from num2words import num2words

from bmt.errors import InvalidInput
from bmt.reports.formatting import MAX_TERBILANG, terbilang, terbilang_rupiah

GOLDEN = [
    (0, "nol"),
    (1, "satu"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (100, "seratus"),
    (101, "seratus satu"),
    (111, "seratus sebelas"),
    (1000, "seribu"),
    (1001, "seribu satu"),
    (21_000, "dua puluh satu ribu"),
    (101_000, "seratus satu ribu"),
    (1_001_000, "satu juta seribu"),
    (1_500_000, "satu juta lima ratus ribu"),
    (1_234_567, "satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh"),
    (10**9, "satu miliar"),
    (10**12, "satu triliun"),
    (10**15, "satu kuadriliun"),
]


@pytest.mark.parametrize(("number", "words"), GOLDEN)
def test_golden_numbers_read_as_a_cashier_writes_them(number: int, words: str) -> None:
    assert terbilang(Decimal(number)) == words


# num2words writes "satu juta satu ribu" for 1.001.000; receipts and akad write "satu juta seribu"
# (formatting.py explains the choice). This is the only place the two may differ.
_SATU_RIBU_AFTER_A_SCALE = re.compile(r"\b(kuadriliun|triliun|miliar|juta) satu ribu\b")


def _num2words_house_style(n: int) -> str:
    return _SATU_RIBU_AFTER_A_SCALE.sub(r"\1 seribu", num2words(n, lang="id"))


@given(st.integers(min_value=0, max_value=10**15))
@example(1_001_000)
@example(1_000_001_000)
@example(999_999_999_999_999)
@example(10**15)
def test_terbilang_agrees_with_num2words_on_whole_numbers_up_to_a_quadrillion(n: int) -> None:
    assert terbilang(n) == _num2words_house_style(n)


_VALUES = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
}  # fmt: skip
_MULTIPLIERS = {"puluh": 10, "ratus": 100}
_SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12, "kuadriliun": 10**15}


def _parse(words: str) -> int:
    """Read Indonesian number words back into an integer (an oracle independent of num2words)."""
    total = group = last = 0
    for word in words.split():
        if word in _VALUES:
            last = _VALUES[word]
            group += last
        elif word == "belas":
            group += 10
        elif word in _MULTIPLIERS:
            group += last * (_MULTIPLIERS[word] - 1)
            last = 0
        elif word == "seribu":
            total += 1000
        elif word in _SCALES:
            total += group * _SCALES[word]
            group = last = 0
        else:
            raise AssertionError(f"unexpected word {word!r} in {words!r}")
    return total + group


@given(st.integers(min_value=0, max_value=MAX_TERBILANG))
def test_words_read_back_to_the_same_number_up_to_the_largest_supported(n: int) -> None:
    assert _parse(terbilang(n)) == n


@given(st.integers(min_value=1, max_value=10**15))
def test_a_negative_number_is_minus_its_magnitude(n: int) -> None:
    assert terbilang(-n) == f"minus {terbilang(n)}"


def test_negative_zero_is_just_nol() -> None:
    assert terbilang(Decimal("-0")) == "nol"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (Decimal("1.5"), "satu koma lima"),
        (Decimal("1.05"), "satu koma nol lima"),
        (Decimal("12.50"), "dua belas koma lima"),
        (Decimal("1500000.00"), "satu juta lima ratus ribu"),
        (Decimal("-0.25"), "minus nol koma dua lima"),
    ],
)
def test_decimals_are_read_digit_by_digit_after_koma(number: Decimal, words: str) -> None:
    assert terbilang(number) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("1500000.50"), "satu juta lima ratus ribu rupiah lima puluh sen"),
        (Decimal("1500000"), "satu juta lima ratus ribu rupiah"),
        (Decimal("0.50"), "lima puluh sen"),
        (Decimal("0"), "nol rupiah"),
        (Decimal("1000.01"), "seribu rupiah satu sen"),
        (Decimal("0.005"), "satu sen"),
        (Decimal("1000000.999"), "satu juta satu rupiah"),
        (Decimal("-250000"), "minus dua ratus lima puluh ribu rupiah"),
        ("11200000", "sebelas juta dua ratus ribu rupiah"),
    ],
)
def test_money_in_words_reads_rupiah_then_sen_after_rounding_half_up(
    amount: Decimal | str, words: str
) -> None:
    assert terbilang_rupiah(amount) == words


@given(st.integers(min_value=1, max_value=10**15), st.integers(min_value=0, max_value=99))
def test_money_in_words_is_rupiah_words_then_sen_words(rupiah: int, sen: int) -> None:
    amount = Decimal(rupiah) + Decimal(sen) / 100
    expected = f"{terbilang(rupiah)} rupiah" + (f" {terbilang(sen)} sen" if sen else "")
    assert terbilang_rupiah(amount) == expected


@pytest.mark.parametrize("bad", [1.5, True, "satu", "1.500.000", Decimal("NaN")])
def test_anything_but_an_exact_number_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        terbilang(bad)  # type: ignore[arg-type]


def test_numbers_beyond_999_kuadriliun_are_refused_with_a_clear_message() -> None:
    with pytest.raises(InvalidInput, match="terlalu besar"):
        terbilang(MAX_TERBILANG + 1)
    with pytest.raises(InvalidInput, match="terlalu besar"):
        terbilang_rupiah(Decimal(MAX_TERBILANG + 1))
