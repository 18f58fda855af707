"""domain.md Example B (June, D = 30) as a golden test: every figure must come out exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from bmt.ledger import net_by_account
from bmt.profit_sharing import (
    BalanceEvents,
    EquivalentRateBasis,
    Payout,
    PeriodDistribution,
    ProductSpec,
    balance_events,
    distribute_period,
    distribution_entries,
    to_decimal,
)

DAYS = 30
INCOME = Decimal("16234567")
FINANCING_ADB = Decimal("800000000")

PRODUCTS = [
    ProductSpec("TW", "wadiah"),
    ProductSpec("TM", "mudharabah", Decimal(30)),
    ProductSpec("D3", "mudharabah", Decimal(45)),
    ProductSpec("D12", "mudharabah", Decimal(55)),
    ProductSpec("EQ", "equity"),
]
GIVEN_ADB = {"TW": Decimal("100000000"), "EQ": Decimal("250000000")}

# account id, product, [(from_day, balance rupiah)]
ACCOUNTS = [
    ("TM-A", "TM", [(1, 100_000_000)]),
    ("TM-B", "TM", [(1, 50_000_000), (10, 110_000_000)]),
    ("TM-C", "TM", [(1, 120_000_000), (16, 96_000_000)]),
    ("D3-X", "D3", [(1, 150_000_000)]),
    ("D3-Y", "D3", [(1, 50_000_000)]),
    ("D12-Z", "D12", [(1, 150_000_000)]),
]

# product, ADB, Y_j, B_j, BMT keeps, ER p.a. (×12, percent) — exact values behind the table of domain.md
PRODUCT_TABLE = """
TM   300000000 4870370.10 1461111.03   3409259.07   5.84444412
D3   200000000 3246913.40 1461111.03   1785802.37   8.76666618
D12  150000000 2435185.05 1339351.7775 1095833.2725 10.71481422
TW   100000000 1623456.70 0            1623456.70   0
EQ   250000000 4058641.75 0            4058641.75   0
"""

# account, ADB, exact share, paid (floor)
ACCOUNT_TABLE = """
TM-A  100000000 487037.01     487037
TM-B  92000000  448074.0492   448074
TM-C  108000000 525999.9708   525999
D3-X  150000000 1095833.2725  1095833
D3-Y  50000000  365277.7575   365277
D12-Z 150000000 1339351.7775  1339351
"""


def _rows(table: str) -> list[list[str]]:
    return [line.split() for line in table.strip().splitlines()]


def _accounts() -> tuple[np.ndarray, BalanceEvents]:
    codes = [p.code for p in PRODUCTS]
    acc, day, sen = [], [], []
    for i, (_, _, balances) in enumerate(ACCOUNTS):
        for from_day, balance in balances:
            acc.append(i)
            day.append(from_day)
            sen.append(balance * 100)
    events = balance_events(acc, day, sen, n_accounts=len(ACCOUNTS), days=DAYS)
    return np.array([codes.index(product) for _, product, _ in ACCOUNTS]), events


def run_example_b(
    rate_basis: EquivalentRateBasis = EquivalentRateBasis.MONTHLY,
    carried_in: dict[str, Decimal] | None = None,
) -> PeriodDistribution:
    owner, events = _accounts()
    return distribute_period(
        INCOME,
        FINANCING_ADB,
        PRODUCTS,
        owner,
        events,
        given_adbs=GIVEN_ADB,
        carried_in=carried_in,
        rate_basis=rate_basis,
    )


@pytest.fixture(scope="module")
def result() -> PeriodDistribution:
    return run_example_b()


def test_the_divisor_is_the_sum_of_all_sources_because_it_exceeds_financing(
    result: PeriodDistribution,
) -> None:
    assert result.allocation.divisor == 1_000_000_000
    assert result.allocation.unallocated == 0


@pytest.mark.parametrize("row", _rows(PRODUCT_TABLE), ids=lambda r: r[0])
def test_each_product_gets_exactly_the_figures_of_example_b(
    result: PeriodDistribution, row: list[str]
) -> None:
    code, adb, y_j, b_j, bmt, rate = row
    pool = result.allocation.product(code)
    assert pool.adb == Fraction(adb)
    assert pool.income_share == Fraction(y_j)
    assert pool.member_share == Fraction(b_j)
    assert pool.bmt_share == Fraction(bmt)
    assert pool.equivalent_rate_annual == Fraction(rate)
    assert to_decimal(pool.income_share) == Decimal(y_j)


def test_the_equivalent_rates_round_to_the_percentages_shown_in_the_table(result: PeriodDistribution) -> None:
    shown = {
        c: to_decimal(result.allocation.product(c).equivalent_rate_annual).quantize(Decimal("0.01"))
        for c in ("TM", "D3", "D12")
    }
    assert shown == {"TM": Decimal("5.84"), "D3": Decimal("8.77"), "D12": Decimal("10.71")}


def test_totals_are_the_depositors_share_and_what_the_bmt_keeps(result: PeriodDistribution) -> None:
    assert result.allocation.total_member_share == Fraction("4261573.8375")
    assert result.allocation.total_bmt_share == Fraction("11972993.1625")
    assert to_decimal(result.allocation.total_member_share).quantize(Decimal("0.01")) == Decimal("4261573.84")
    assert sum(p.income_share for p in result.allocation.products) == INCOME


@pytest.mark.parametrize("row", _rows(ACCOUNT_TABLE), ids=lambda r: r[0])
def test_each_account_gets_its_exact_share_floored_to_the_rupiah(
    result: PeriodDistribution, row: list[str]
) -> None:
    account, adb, exact, paid = row
    i = [a[0] for a in ACCOUNTS].index(account)
    assert result.account_adb(i) == Fraction(adb)
    assert result.account_exact_share(i) == Fraction(exact)
    assert result.account_exact_share_decimal(i) == Decimal(exact)
    assert int(result.paid[i]) == int(paid)


def test_each_products_residue_is_carried_and_ties_the_pool(result: PeriodDistribution) -> None:
    codes = [p.spec.code for p in result.allocation.products]
    residues = dict(zip(codes, result.residues, strict=True))
    assert residues == {
        "TW": None,
        "TM": Fraction("1.03"),
        "D3": Fraction("1.03"),
        "D12": Fraction("0.7775"),
        "EQ": None,
    }
    assert to_decimal(residues["D12"]).quantize(Decimal("0.01")) == Decimal("0.78")


def test_the_journal_is_dr_4261571_cr_savings_1461110_cr_deposits_2800461(result: PeriodDistribution) -> None:
    payouts = []
    for i, (account, product, _) in enumerate(ACCOUNTS):
        amount = int(result.paid[i])
        payouts.append(
            Payout.to_savings(account, amount) if product == "TM" else Payout.to_deposit(account, amount)
        )
    entries = distribution_entries(payouts, date(2025, 6, 30), "2025-06")
    assert len(entries) == 1
    net = net_by_account(entries[0].postings)
    assert net == {
        "profit_sharing_expense": Decimal(4_261_571),
        "mudharabah_savings": Decimal(-1_461_110),
        "deposit_profit_payable": Decimal(-2_800_461),
    }
    assert {p.subledger for p in entries[0].postings if p.account == "mudharabah_savings"} == {
        "savings:TM-A",
        "savings:TM-B",
        "savings:TM-C",
    }


def test_the_actual_day_equivalent_rate_of_the_savings_is_5_93_percent() -> None:
    result = run_example_b(EquivalentRateBasis.ACTUAL_DAYS)
    rate = result.allocation.product("TM").equivalent_rate_annual
    assert rate == Fraction("1461111.03") / 300_000_000 * Fraction(365, 30) * 100
    assert to_decimal(rate).quantize(Decimal("0.01")) == Decimal("5.93")


def test_a_carried_in_residue_is_added_to_the_pool_before_allocating() -> None:
    base = run_example_b()
    carried = run_example_b(carried_in={"TM": Decimal("1.03")})
    tm = carried.allocation.product("TM")
    assert tm.member_share == base.allocation.product("TM").member_share  # B_j itself is this month's share
    assert tm.pool == Fraction("1461112.06")
    # 1,461,112.06 × (100, 92, 108)/300 = 487,037.353…, 448,074.365…, 526,000.341… -> TM-C gains a rupiah.
    assert carried.paid[:3].tolist() == [487037, 448074, 526000]
    assert carried.residues[1] == Fraction("1461112.06") - 1461111
