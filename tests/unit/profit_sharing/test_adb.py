"""Average daily balances from balance-change events, against a day-by-day reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmt.errors import InvalidInput
from bmt.profit_sharing import MAX_BALANCE_SEN, adb_numerators, balance_events, exact_group_sums, exact_sum

RUPIAH = 100  # sen


def day_by_day(accounts: list[list[tuple[int, int]]], days: int) -> list[int]:
    """Reference: walk every day of every account, Σ closing balance (sen·days)."""
    out = []
    for events in accounts:
        by_day = dict(events)
        balance = total = 0
        for d in range(1, days + 1):
            balance = by_day.get(d, balance)
            total += balance
        out.append(total)
    return out


def to_arrays(accounts: list[list[tuple[int, int]]]) -> tuple[list[int], list[int], list[int]]:
    acc, day, bal = [], [], []
    for i, events in enumerate(accounts):
        for d, b in events:
            acc.append(i)
            day.append(d)
            bal.append(b)
    return acc, day, bal


def test_tm_b_who_moves_from_50_to_110_million_on_day_10_has_an_adb_of_92_million() -> None:
    ev = balance_events([0, 0], [1, 10], [50_000_000 * RUPIAH, 110_000_000 * RUPIAH], n_accounts=1, days=30)
    num = int(adb_numerators(ev)[0])
    assert num == (50_000_000 * 9 + 110_000_000 * 21) * RUPIAH
    assert num == 92_000_000 * RUPIAH * 30


def test_tm_c_who_drops_to_96_million_on_day_16_has_an_adb_of_108_million() -> None:
    ev = balance_events([0, 0], [1, 16], [120_000_000 * RUPIAH, 96_000_000 * RUPIAH], n_accounts=1, days=30)
    assert int(adb_numerators(ev)[0]) == 108_000_000 * RUPIAH * 30


def test_the_balance_before_an_accounts_first_event_is_zero() -> None:
    ev = balance_events([0], [10], [3_000 * RUPIAH], n_accounts=1, days=30)
    assert int(adb_numerators(ev)[0]) == 3_000 * RUPIAH * 21


def test_accounts_without_events_have_an_adb_of_zero() -> None:
    ev = balance_events([1, 3], [1, 5], [700, 900], n_accounts=5, days=31)
    assert adb_numerators(ev).tolist() == [0, 700 * 31, 0, 900 * 27, 0]


def test_no_events_at_all_gives_zeros() -> None:
    ev = balance_events([], [], [], n_accounts=3, days=28)
    assert adb_numerators(ev).tolist() == [0, 0, 0]


def test_an_event_on_the_last_day_counts_for_one_day() -> None:
    ev = balance_events([0, 0], [1, 30], [100, 1_000], n_accounts=1, days=30)
    assert int(adb_numerators(ev)[0]) == 100 * 29 + 1_000


def test_the_largest_balance_for_31_days_does_not_overflow_int64() -> None:
    ev = balance_events([0, 1], [1, 1], [MAX_BALANCE_SEN, MAX_BALANCE_SEN], n_accounts=2, days=31)
    num = adb_numerators(ev)
    assert num.tolist() == [MAX_BALANCE_SEN * 31] * 2
    assert exact_sum(num) == 2 * MAX_BALANCE_SEN * 31  # 6.2e18 fits, but four of them would not
    assert exact_sum(np.repeat(num, 4)) == 8 * MAX_BALANCE_SEN * 31


def test_running_totals_that_pass_int64_still_give_exact_per_account_numerators() -> None:
    # Five accounts at the largest balance all month: the running total passes 2^63 and wraps.
    n = 5
    ev = balance_events(
        list(range(n)) + [n], [1] * n + [7], [MAX_BALANCE_SEN] * n + [123], n_accounts=n + 1, days=31
    )
    assert adb_numerators(ev).tolist() == [MAX_BALANCE_SEN * 31] * n + [123 * 25]


def test_narrow_integer_types_give_the_same_numerators() -> None:
    acc, day, bal = [0, 0, 2, 2, 2], [1, 9, 3, 4, 30], [10**15, 0, 5, 10**12, 7]
    wide = adb_numerators(balance_events(acc, day, bal, n_accounts=3, days=30)).tolist()
    narrow = balance_events(
        np.array(acc, dtype=np.int32),
        np.array(day, dtype=np.uint8),
        np.array(bal, dtype=np.uint64),
        n_accounts=3,
        days=30,
    )
    assert narrow.balance_sen.dtype == np.int64
    assert adb_numerators(narrow).tolist() == wide == [10**15 * 8, 0, 5 + 10**12 * 26 + 7]


def test_fractional_or_float_events_are_refused() -> None:
    with pytest.raises(InvalidInput, match="bilangan bulat"):
        balance_events([0], [1.5], [100], n_accounts=1, days=30)
    with pytest.raises(InvalidInput, match="bilangan bulat"):
        balance_events([0], [1], [100.0], n_accounts=1, days=30)


events_strategy = st.integers(min_value=1, max_value=31).flatmap(
    lambda days: st.tuples(
        st.just(days),
        st.lists(
            st.lists(
                st.tuples(st.integers(1, days), st.integers(0, MAX_BALANCE_SEN)),
                max_size=8,
                unique_by=lambda e: e[0],
            ).map(sorted),
            max_size=12,
        ),
    )
)


@settings(max_examples=300, deadline=None)
@given(events_strategy)
def test_vectorised_numerators_equal_the_day_by_day_sum(
    case: tuple[int, list[list[tuple[int, int]]]],
) -> None:
    days, accounts = case
    acc, day, bal = to_arrays(accounts)
    ev = balance_events(acc, day, bal, n_accounts=len(accounts), days=days)
    assert adb_numerators(ev).tolist() == day_by_day(accounts, days)


def test_a_large_random_book_matches_the_day_by_day_reference() -> None:
    rng = np.random.default_rng(7)
    accounts = []
    for _ in range(2_000):
        days = sorted(set(rng.integers(1, 31, size=rng.integers(0, 8)).tolist()))
        accounts.append([(d, int(rng.integers(0, 10**13))) for d in days])
    acc, day, bal = to_arrays(accounts)
    ev = balance_events(acc, day, bal, n_accounts=len(accounts), days=30)
    assert adb_numerators(ev).tolist() == day_by_day(accounts, 30)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2**62), st.integers(0, 4)), max_size=40),
)
def test_group_sums_are_exact_beyond_int64(pairs: list[tuple[int, int]]) -> None:
    values = np.array([v for v, _ in pairs], dtype=np.int64)
    groups = np.array([g for _, g in pairs], dtype=np.int64)
    expected = [sum(v for v, g in pairs if g == k) for k in range(5)]
    assert exact_group_sums(values, groups, 5) == expected
    assert exact_sum(values) == sum(v for v, _ in pairs)


@pytest.mark.parametrize(
    ("acc", "day", "bal", "n", "days", "message"),
    [
        ([0], [1], [1], 1, 0, "1..31"),
        ([0], [1], [1], 1, 32, "1..31"),
        ([0], [0], [1], 1, 30, "hari"),
        ([0], [31], [1], 1, 30, "hari"),
        ([0], [1], [-1], 1, 30, "negatif"),
        ([0], [1], [MAX_BALANCE_SEN + 1], 1, 30, "terlalu besar"),
        ([1], [1], [1], 1, 30, "indeks"),
        ([-1], [1], [1], 1, 30, "indeks"),
        ([1, 0], [1, 1], [1, 1], 2, 30, "urut per rekening"),
        ([0, 0], [5, 5], [1, 2], 1, 30, "unik"),
        ([0, 0], [9, 5], [1, 2], 1, 30, "unik"),
        ([0, 0], [1], [1, 2], 1, 30, "sepanjang"),
    ],
)
def test_bad_events_are_refused_with_a_clear_message(
    acc: list[int], day: list[int], bal: list[int], n: int, days: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        balance_events(acc, day, bal, n_accounts=n, days=days)
