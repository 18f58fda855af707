"""Properties of the per-account distribution: exact floors, ties to the pool, nothing over-paid."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Context, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bmt.errors import InvalidInput
from bmt.profit_sharing import (
    MAX_BALANCE_SEN,
    ProductSpec,
    balance_events,
    distribute_floor,
    distribute_period,
    floor_shares,
    wadiah_bonus,
)

MAX_NUMERATOR = MAX_BALANCE_SEN * 31
FLOOR_CONTEXT = Context(prec=400, rounding=ROUND_FLOOR)


def decimal_floor(pool: Fraction, weight: int, total: int) -> int:
    """Reference: floor(pool × w / Σw) in Decimal (400 digits, rounding toward -inf at every step)."""
    share = FLOOR_CONTEXT.divide(
        FLOOR_CONTEXT.multiply(Decimal(pool.numerator), Decimal(weight)), Decimal(pool.denominator * total)
    )
    return int(share.to_integral_value(rounding=ROUND_FLOOR))


pools = st.one_of(
    st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False).map(Fraction),
    st.builds(Fraction, st.integers(0, 10**17), st.integers(1, 10**6)).filter(lambda q: q <= 10**15),
    st.builds(Fraction, st.integers(0, 10**40), st.integers(10**25, 10**30)),
)
weights = st.lists(
    st.one_of(st.integers(0, 10**6), st.integers(0, MAX_NUMERATOR), st.just(0), st.just(MAX_NUMERATOR)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(pools, weights)
@example(Fraction(300), [1, 1, 1])  # every share is a whole 100: the exact-integer fallback decides
@example(Fraction(10**15), [MAX_NUMERATOR, MAX_NUMERATOR, 1])
@example(Fraction(1, 3), [MAX_NUMERATOR - 1, 1])
def test_the_numpy_floor_equals_the_exact_decimal_and_fraction_floor(pool: Fraction, ws: list[int]) -> None:
    paid = floor_shares(pool, np.array(ws, dtype=np.int64)).tolist()
    total = sum(ws)
    if total == 0:
        assert paid == [0] * len(ws)
        return
    assert paid == [int(pool * w // total) for w in ws]
    assert paid == [decimal_floor(pool, w, total) for w in ws]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=50), st.integers(1, 10**6), st.booleans())
def test_shares_that_are_whole_rupiah_or_a_hair_below_are_floored_exactly(
    ws: list[int], per_weight: int, nudge: bool
) -> None:
    total = sum(ws)
    assume(0 < total * per_weight <= 10**15)
    # pool = total × k, or 10^-20 / total less: each share is w × k exactly, or a hair (≤ 1e-20) below.
    pool = Fraction(total * per_weight) - (Fraction(1, 10**20 * total) if nudge else 0)
    paid = floor_shares(pool, np.array(ws, dtype=np.int64)).tolist()
    assert paid == [w * per_weight - (1 if nudge and w else 0) for w in ws]


def test_a_large_random_book_floors_exactly_like_decimal() -> None:
    rng = np.random.default_rng(2025)
    ws = rng.integers(0, MAX_NUMERATOR, size=20_000, dtype=np.int64)
    ws[::97] = 0
    pool = Fraction("7654321098.37")
    paid = floor_shares(pool, ws).tolist()
    total = int(ws.astype(object).sum())
    assert paid == [decimal_floor(pool, int(w), total) for w in ws.tolist()]


@settings(max_examples=300, deadline=None)
@given(pools, weights)
def test_paid_plus_residue_is_the_pool_and_nobody_gets_more_than_their_exact_share(
    pool: Fraction, ws: list[int]
) -> None:
    alloc = distribute_floor(pool, np.array(ws, dtype=np.int64))
    assert alloc.paid_total + alloc.residue == pool
    assert alloc.residue >= 0
    for i, w in enumerate(ws):
        assert alloc.paid[i] <= alloc.exact_share(i)
        assert alloc.exact_share(i) - alloc.paid[i] < 1
        if w == 0:
            assert alloc.paid[i] == 0
    holders = sum(1 for w in ws if w)
    if holders:
        assert alloc.residue < holders  # each floor loses less than one rupiah
    else:
        assert alloc.residue == pool  # nobody to pay: the whole pool stays


# ----------------------------------------------------------------------------- whole periods

account_strategy = st.tuples(
    st.integers(0, 3),  # product index: three mudharabah products and a wadiah one
    st.lists(st.tuples(st.integers(1, 30), st.integers(0, 10**14)), max_size=5, unique_by=lambda e: e[0]).map(
        sorted
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    income=st.decimals(min_value=0, max_value=10**12, places=2),
    financing=st.decimals(min_value=0, max_value=10**13, places=0),
    nisbah=st.lists(
        st.sampled_from([0, 100, 30, Decimal("33.33")]) | st.integers(0, 100), min_size=3, max_size=3
    ),
    carried=st.decimals(min_value=0, max_value=1000, places=4),
    accounts=st.lists(account_strategy, max_size=25),
)
def test_every_product_ties_paid_plus_residue_to_its_pool(
    income: Decimal, financing: Decimal, nisbah: list[int], carried: Decimal, accounts: list
) -> None:
    products = [ProductSpec(f"M{k}", "mudharabah", Decimal(n)) for k, n in enumerate(nisbah)]
    products += [ProductSpec("W", "wadiah"), ProductSpec("EQ", "equity")]
    acc, day, bal = [], [], []
    for i, (_, events) in enumerate(accounts):
        for d, b in events:
            acc.append(i)
            day.append(d)
            bal.append(b)
    ev = balance_events(acc, day, bal, n_accounts=len(accounts), days=30)
    owner = np.array([p for p, _ in accounts], dtype=np.int64)
    result = distribute_period(
        income, financing, products, owner, ev, given_adbs={"EQ": Decimal(10**9)}, carried_in={"M0": carried}
    )
    paid = result.paid.tolist()
    for j, pool in enumerate(result.allocation.products):
        members = [i for i, (p, _) in enumerate(accounts) if p == j]
        if not members:
            assert result.residues[j] is None
            continue
        assert sum(paid[i] for i in members) + result.residues[j] == pool.pool
        for i in members:
            exact = result.account_exact_share(i)
            assert paid[i] <= exact
            assert Decimal(paid[i]) <= result.account_exact_share_decimal(i)
            if result.numerators[i] == 0 or not pool.spec.sharing:
                assert paid[i] == 0
    assert result.allocation.total_member_share + result.allocation.total_bmt_share == income


def _single_product_period(nisbah: Decimal, carried: Decimal = Decimal(0)):
    ev = balance_events([0, 1, 2], [1, 1, 15], [10**9, 3 * 10**9, 7 * 10**9], n_accounts=4, days=30)
    products = [ProductSpec("TM", "mudharabah", nisbah), ProductSpec("EQ", "equity")]
    return distribute_period(
        Decimal("1234567.89"),
        Decimal(0),
        products,
        np.zeros(4, dtype=np.int64),
        ev,
        given_adbs={"EQ": Decimal(10**7)},
        carried_in={"TM": carried},
    )


def test_nisbah_zero_pays_nobody_from_this_months_income() -> None:
    result = _single_product_period(Decimal(0))
    assert result.allocation.product("TM").member_share == 0
    assert result.allocation.product("TM").bmt_share == result.allocation.product("TM").income_share
    assert result.paid.tolist() == [0, 0, 0, 0]
    assert result.residues[0] == 0


def test_nisbah_zero_still_hands_out_last_months_residue_which_belongs_to_depositors() -> None:
    result = _single_product_period(Decimal(0), Decimal("5.5"))
    assert result.allocation.product("TM").member_share == 0
    # ADB numerators 30e9, 90e9, 112e9 (of 232e9): 5.5 × those = 0.71…, 2.13…, 2.65…
    assert result.paid.tolist() == [0, 2, 2, 0]
    assert result.residues[0] == Fraction("1.5")


def test_nisbah_hundred_gives_depositors_the_whole_product_share() -> None:
    result = _single_product_period(Decimal(100))
    tm = result.allocation.product("TM")
    assert tm.member_share == tm.income_share
    assert tm.bmt_share == 0
    assert result.paid[3] == 0  # the account without balances
    assert int(result.paid.sum()) + result.residues[0] == tm.income_share


def test_a_wadiah_bonus_is_spread_by_adb_floored_and_never_over_the_decided_total() -> None:
    alloc = wadiah_bonus("1000000", np.array([3, 3, 3, 0], dtype=np.int64))
    assert alloc.paid.tolist() == [333333, 333333, 333333, 0]
    assert alloc.residue == 1


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**12), weights)
def test_a_wadiah_bonus_never_exceeds_the_total(total: int, ws: list[int]) -> None:
    alloc = wadiah_bonus(total, np.array(ws, dtype=np.int64))
    assert 0 <= total - alloc.paid_total == alloc.residue


def test_a_negative_pool_or_a_float_is_refused() -> None:
    with pytest.raises(InvalidInput):
        floor_shares(Fraction(-1), np.array([1]))
    with pytest.raises(InvalidInput):
        distribute_floor(1.5, np.array([1]))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        floor_shares(Fraction(1), np.array([-1, 2]))
