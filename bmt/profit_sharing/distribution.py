"""Per-account shares: the product's pool split by ADB and floored to whole rupiah (R2), exactly.

``b_i = floor(pool_j × ADB_i / ADB_j)`` (domain.md §4.2 item 7) with ``pool_j = B_j + carried_in_j``: the
residue left last month is added to this month's depositors' share *before* allocating, so it reaches
depositors in the end instead of drifting into BMT income. What flooring leaves,
``residue_j = pool_j − Σ_i b_i`` (exact, ``0 ≤ residue_j < number of accounts``), is carried to next
month. Invariants: ``Σ b_i + residue_j = pool_j`` exactly; no account gets more than its exact share;
accounts with ADB 0 get 0.

How the floor stays exact at numpy speed. ``ADB_i / ADB_j = num_i / num_j`` (sen·days numerators, see
``adb``), and ``pool_j = p / q`` is an exact rational, so ``b_i = floor(num_i × p / (q × num_j))``. The
products exceed int64 (num_i ≤ 3.1e18, p unbounded), so the floor is taken in two steps:

1. A float64 candidate: ``v_i = float(num_i) × r`` with ``r = p / (q × num_j)`` correctly rounded
   (Python int division). Three roundings (num_i → float, r, the product) give ``|v_i − exact_i| ≤
   3.0000001 u × exact_i``, u = 2^-53, so ``exact_i`` lies within ``v_i(1 ± 3.0000002 u)``. With
   ``tol_i = v_i × 2^-50`` (= 8u × v_i, exact: a power-of-two scaling), the computed bounds
   ``lo_i = fl(v_i − tol_i) ≤ v_i(1 − 6u)`` and ``hi_i = fl(v_i + tol_i) ≥ v_i(1 + 6u)`` bracket the
   exact value even after their own rounding. Where ``floor(lo_i) == floor(hi_i)`` the candidate *is*
   the exact floor. Values stay below 2^53 (pools ≤ Rp10^15), so floors are exact integers in float64
   and int64; candidates below 1/2 (including any float underflow) floor to 0, as the exact value does.
2. The rare rest (an exact share within ~1e-15 relative of a whole rupiah, e.g. a pool that divides
   evenly) is settled with exact Python integers: ``(num_i × p) // (q × num_j)``.

The equality with a Decimal/Fraction floor is tested on random and on adversarial (exactly divisible)
inputs in tests/unit/profit_sharing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from bmt.errors import InvalidInput
from bmt.money import D
from bmt.profit_sharing.adb import BalanceEvents, adb_numerators, exact_group_sums, exact_sum
from bmt.profit_sharing.pools import (
    F0,
    REPORT_CONTEXT,
    EquivalentRateBasis,
    PoolAllocation,
    ProductSpec,
    allocate_pools,
    exact_non_negative,
    to_decimal,
)

#: Tolerance factor of the float candidate: 2^-50 = 8 × the float64 unit roundoff (see module doc).
_TOLERANCE = 2.0**-50


def floor_shares(pool: Fraction, weights: np.ndarray) -> np.ndarray:
    """``floor(pool × w_i / Σw)`` in whole rupiah for every i, exactly (see module doc).

    Args:
        pool: The amount to split, exact rupiah, 0 ≤ pool ≤ Rp10^15.
        weights: Non-negative int64 weights (ADB numerators in sen·days).

    Returns:
        int64 array of whole rupiah, each ≤ its exact share.
    """
    w = np.asarray(weights, dtype=np.int64)
    pool = exact_non_negative(pool, "pool")
    if w.size and w.min() < 0:
        raise InvalidInput("bobot tidak boleh negatif / weights must not be negative")
    total = exact_sum(w)
    return _grouped_floor(w, np.zeros(w.size, dtype=np.intp), [pool], [total])


def _grouped_floor(
    w: np.ndarray, group: np.ndarray, pools: Sequence[Fraction], totals: Sequence[int]
) -> np.ndarray:
    """``floor(pools[g] × w_i / totals[g])`` with g = group[i], for all i in one vectorised pass.

    A group whose pool or total is 0 pays 0. Step 1 of the module doc gives a certified float
    candidate; step 2 settles the uncertain ones with exact integers.
    """
    numerators = [q.numerator if t else 0 for q, t in zip(pools, totals, strict=True)]
    denominators = [q.denominator * t if t else 1 for q, t in zip(pools, totals, strict=True)]
    # Correctly rounded: CPython's int / int. Each rate ≤ pool / 1, far from float overflow.
    rates = np.array([n / d for n, d in zip(numerators, denominators, strict=True)], dtype=np.float64)
    v = w.astype(np.float64)
    v *= rates[group]
    tol = v * _TOLERANCE
    hi = np.floor(v + tol)
    v -= tol
    lo = np.floor(v, out=v)
    uncertain = np.flatnonzero(lo != hi)
    paid = lo.astype(np.int64)
    for i in uncertain.tolist():
        g = int(group[i])
        paid[i] = (int(w[i]) * numerators[g]) // denominators[g]
    return paid


@dataclass(frozen=True, slots=True, eq=False)
class FloorAllocation:
    """A pool split by weights and floored: what each got and what is left.

    Attributes:
        pool: The exact amount split.
        weights: int64 weights (ADB numerators).
        paid: int64 whole rupiah per weight.
    """

    pool: Fraction
    weights: np.ndarray
    paid: np.ndarray

    @property
    def paid_total(self) -> int:
        return exact_sum(self.paid)

    @property
    def residue(self) -> Fraction:
        """pool − Σ paid: carried to next month's pool."""
        return self.pool - self.paid_total

    def exact_share(self, i: int) -> Fraction:
        """The unrounded share of weight i: pool × w_i / Σw."""
        total = exact_sum(self.weights)
        return self.pool * int(self.weights[i]) / total if total else F0


def distribute_floor(pool: Fraction | Decimal | int, weights: np.ndarray) -> FloorAllocation:
    """Split ``pool`` by ``weights`` with R2 (floor to whole rupiah), exact residue kept."""
    q = exact_non_negative(pool, "pool")
    w = np.asarray(weights, dtype=np.int64)
    return FloorAllocation(q, w, floor_shares(q, w))


def wadiah_bonus(total_bonus: Decimal | int | str, adb_numerators_sen_days: np.ndarray) -> FloorAllocation:
    """Split a bonus total the manager decided over wadiah accounts by ADB, floored (R2).

    A wadiah bonus is a discretionary gift (athaya, fatwa 02/2000): it is never computed from the
    profit pool and never promised; this only spreads a total someone decided.

    Args:
        total_bonus: The decided total, exact rupiah, ≥ 0.
        adb_numerators_sen_days: The wadiah accounts' ADB numerators (from ``adb_numerators``).

    Returns:
        Paid per account and the residue (which stays with the BMT: there is no wadiah pool).
    """
    return distribute_floor(D(total_bonus), adb_numerators_sen_days)


@dataclass(frozen=True, slots=True, eq=False)
class PeriodDistribution:
    """A month's distribution: product pools and every account's share.

    Attributes:
        allocation: Y split over the products (exact).
        days: Days in the period, D.
        account_product: int64 product index (into ``allocation.products``) per account.
        numerators: int64 ADB numerators per account (sen·days).
        paid: int64 whole rupiah paid per account (0 for wadiah/equity accounts).
        product_numerators: Σ numerators per product (exact).
        residues: Per product: pool − Σ paid, or None when the product had no accounts (not distributed).
    """

    allocation: PoolAllocation
    days: int
    account_product: np.ndarray
    numerators: np.ndarray
    paid: np.ndarray
    product_numerators: tuple[int, ...]
    residues: tuple[Fraction | None, ...]

    def account_adb(self, i: int) -> Fraction:
        """ADB of account i in rupiah."""
        return Fraction(int(self.numerators[i]), 100 * self.days)

    def account_exact_share(self, i: int) -> Fraction:
        """pool_j × ADB_i / ADB_j, unrounded (0 for non-sharing products)."""
        j = int(self.account_product[i])
        total, pool = self.product_numerators[j], self.allocation.products[j].pool
        return pool * int(self.numerators[i]) / total if total else F0

    def account_exact_share_decimal(self, i: int) -> Decimal:
        """``account_exact_share`` rendered in the 50-digit context without building a Fraction."""
        j = int(self.account_product[i])
        total, pool = self.product_numerators[j], self.allocation.products[j].pool
        if not total or not pool:
            return Decimal(0)
        d = REPORT_CONTEXT.divide(
            Decimal(pool.numerator * int(self.numerators[i])), Decimal(pool.denominator * total)
        )
        return d.normalize(REPORT_CONTEXT) if d else Decimal(0)


def distribute_period(
    income: Decimal | Fraction,
    financing_adb: Decimal | Fraction,
    products: Sequence[ProductSpec],
    account_product: np.ndarray,
    events: BalanceEvents,
    *,
    given_adbs: Mapping[str, Decimal | Fraction] | None = None,
    carried_in: Mapping[str, Decimal | Fraction] | None = None,
    rate_basis: EquivalentRateBasis = EquivalentRateBasis.MONTHLY,
) -> PeriodDistribution:
    """Run the month: ADBs from events, product pools, per-account floors and residues.

    Args:
        income: Y (see ``pools.income_to_share`` / ``shareable_income``).
        financing_adb: F.
        products: All fund sources.
        account_product: Product index of each account (len == events.n_accounts).
        events: The accounts' balance-change events.
        given_adbs: ADB for products without accounts here (e.g. equity). For a product with accounts,
            a given ADB must equal Σ account ADBs.
        carried_in: Last month's residue per sharing product.
        rate_basis: Equivalent-rate annualisation.

    Raises:
        InvalidInput: mismatched sizes, bad product indices, a given ADB contradicting the accounts.
    """
    owner = np.asarray(account_product, dtype=np.int64)
    if owner.shape != (events.n_accounts,):
        raise InvalidInput("setiap rekening harus punya satu produk / one product per account")
    if owner.size and (owner.min() < 0 or owner.max() >= len(products)):
        raise InvalidInput("indeks produk di luar jangkauan / product index out of range")
    nums = adb_numerators(events)
    product_nums = exact_group_sums(nums, owner, len(products))
    # A product with a positive ADB sum has accounts; only the others need a look (cheaper than bincount).
    has_accounts = [num > 0 or bool((owner == j).any()) for j, num in enumerate(product_nums)]
    adbs = _product_adbs(products, product_nums, has_accounts, given_adbs or {}, events.days)
    allocation = allocate_pools(
        income, financing_adb, products, adbs, days=events.days, carried_in=carried_in, rate_basis=rate_basis
    )
    paid, residues = _pay_accounts(allocation, owner, nums, product_nums, has_accounts)
    return PeriodDistribution(allocation, events.days, owner, nums, paid, tuple(product_nums), residues)


def _product_adbs(
    products: Sequence[ProductSpec],
    product_nums: list[int],
    has_accounts: list[bool],
    given: Mapping[str, Decimal | Fraction],
    days: int,
) -> dict[str, Fraction]:
    codes = {s.code for s in products}
    unknown = sorted(set(given) - codes)
    if unknown:
        raise InvalidInput(f"ADB untuk produk tidak dikenal {unknown} / ADB given for unknown products")
    adbs: dict[str, Fraction] = {}
    for spec, num, present in zip(products, product_nums, has_accounts, strict=True):
        from_accounts = Fraction(num, 100 * days)
        stated = given.get(spec.code)
        if present and stated is not None and exact_non_negative(stated, f"ADB {spec.code}") != from_accounts:
            raise InvalidInput(
                f"ADB produk {spec.code} ({stated}) tidak sama dengan jumlah ADB rekening "
                f"({format(to_decimal(from_accounts), 'f')}) / "
                "the product ADB given differs from the sum of its accounts' ADB",
                field=spec.code,
            )
        adbs[spec.code] = from_accounts if present else exact_non_negative(stated or 0, f"ADB {spec.code}")
    return adbs


def _pay_accounts(
    allocation: PoolAllocation,
    owner: np.ndarray,
    nums: np.ndarray,
    product_nums: list[int],
    has_accounts: list[bool],
) -> tuple[np.ndarray, tuple[Fraction | None, ...]]:
    """Floor every account's share in one pass over all accounts (wadiah/equity pools are 0)."""
    pools = [p.pool if p.spec.sharing else F0 for p in allocation.products]
    paid = _grouped_floor(nums, owner, pools, product_nums)
    # Σ paid of a product ≤ its pool (B_j + carry ≤ 2 × Rp10^15), so int64 sums cannot overflow here.
    paid_per_product = np.zeros(len(pools), dtype=np.int64)
    np.add.at(paid_per_product, owner, paid)
    residues = tuple(
        p.pool - paid_j if present else None
        for p, paid_j, present in zip(
            allocation.products, paid_per_product.tolist(), has_accounts, strict=True
        )
    )
    return paid, residues
