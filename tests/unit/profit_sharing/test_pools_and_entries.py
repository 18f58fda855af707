"""The income basket, the product allocation variants, and the distribution journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import net_by_account
from bmt.ledger.entries import MAX_LINES_PER_ENTRY
from bmt.money import R2_FLOOR_RUPIAH
from bmt.profit_sharing import (
    BROAD_BASKET,
    DEFAULT_BASKET,
    EquivalentRateBasis,
    FundKind,
    IncomeBasket,
    IncomeKind,
    Payout,
    ProductSpec,
    SharingBasis,
    WithholdingTax,
    allocate_pools,
    distribution_entries,
    income_to_share,
    shareable_income,
    wadiah_bonus_entries,
)

MONTH = [
    ("murabahah_margin", Decimal("9000000")),
    ("mudharabah_profit_share", Decimal("2400000")),
    ("musyarakah_profit_share", Decimal("3500000")),
    ("mmq_ujrah", Decimal("1200000")),
    ("fee", Decimal("150000")),
    ("placement", Decimal("80000")),
    ("denda", Decimal("50000")),
    ("non_halal", Decimal("12345.67")),
    ("murabahah_margin", Decimal("100000.50")),
]


def test_by_default_only_cash_financing_income_is_shared() -> None:
    y = income_to_share(MONTH)
    assert y.amount == Decimal("16200000.50")
    assert dict(y.excluded) == {
        IncomeKind.FEE: Decimal("150000"),
        IncomeKind.PLACEMENT: Decimal("80000"),
        IncomeKind.DENDA: Decimal("50000"),
        IncomeKind.NON_HALAL: Decimal("12345.67"),
    }


def test_the_broad_basket_adds_fees_and_placements_but_never_penalties() -> None:
    y = income_to_share(MONTH, BROAD_BASKET)
    assert y.amount == Decimal("16430000.50")
    assert {k for k, _ in y.excluded} == {IncomeKind.DENDA, IncomeKind.NON_HALAL}


@pytest.mark.parametrize("kind", [IncomeKind.DENDA, IncomeKind.NON_HALAL])
def test_a_basket_that_includes_penalties_or_non_halal_income_is_refused(kind: IncomeKind) -> None:
    with pytest.raises(ShariaViolation) as err:
        IncomeBasket("greedy", DEFAULT_BASKET.included | {kind})
    assert err.value.rule == "DEP-03"


@pytest.mark.parametrize(
    "items",
    [[("bunga", Decimal(1))], [("fee", Decimal(-1))], [("fee", 1.5)]],
    ids=["unknown kind", "negative", "float"],
)
def test_bad_income_items_are_refused(items: list) -> None:
    with pytest.raises(InvalidInput):
        income_to_share(items)


def test_revenue_sharing_shares_revenue_and_profit_sharing_deducts_attributable_costs() -> None:
    assert shareable_income(Decimal(1000)) == 1000
    assert shareable_income(Decimal(1000), basis=SharingBasis.PROFIT, attributable_costs=Decimal(300)) == 700
    assert shareable_income(Decimal(1000), basis=SharingBasis.PROFIT, attributable_costs=Decimal(1300)) == 0
    with pytest.raises(InvalidInput):
        shareable_income(Decimal(1000), attributable_costs=Decimal(1))


def test_when_financing_exceeds_the_funds_the_divisor_is_financing_and_the_bmt_keeps_the_rest() -> None:
    products = [ProductSpec("TM", FundKind.MUDHARABAH, Decimal(40)), ProductSpec("EQ", FundKind.EQUITY)]
    alloc = allocate_pools(Decimal(1000), Decimal(500), products, {"TM": 300, "EQ": 100}, days=30)
    assert alloc.divisor == 500
    assert alloc.product("TM").income_share == 600
    assert alloc.product("TM").member_share == 240
    assert alloc.unallocated == 200
    assert alloc.total_bmt_share == 760


def test_a_liquidity_reserve_and_a_weight_change_the_claim_and_the_divisor() -> None:
    products = [
        ProductSpec("TM", FundKind.MUDHARABAH, Decimal(50), reserve_percent=Decimal(15)),
        ProductSpec("D12", FundKind.MUDHARABAH, Decimal(60), weight=Decimal("1.5")),
        ProductSpec("TW", FundKind.WADIAH),
    ]
    alloc = allocate_pools(Decimal(1000), Decimal(0), products, {"TM": 200, "D12": 100, "TW": 80}, days=30)
    # loanable: TM 200 × 0.85 = 170, D12 100 × 1.5 = 150, TW 80 -> S' = 400
    assert alloc.divisor == 400
    assert [p.income_share for p in alloc.products] == [Fraction(425), Fraction(375), Fraction(200)]
    assert alloc.product("TM").equivalent_rate_annual == Fraction(425, 2) / 200 * 12 * 100


def test_an_actual_day_rate_annualises_by_365_over_the_days() -> None:
    products = [ProductSpec("TM", FundKind.MUDHARABAH, Decimal(30))]
    alloc = allocate_pools(
        Decimal(1000),
        Decimal(0),
        products,
        {"TM": 10000},
        days=28,
        rate_basis=EquivalentRateBasis.ACTUAL_DAYS,
    )
    assert alloc.product("TM").equivalent_rate_annual == Fraction(300, 10000) * Fraction(365, 28) * 100


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ProductSpec("TW", "wadiah", Decimal(5)), "nisbah harus 0"),
        (lambda: ProductSpec("EQ", "equity", Decimal(1)), "nisbah harus 0"),
        (lambda: ProductSpec("TM", "mudharabah", Decimal(101)), "0..100"),
        (lambda: ProductSpec("TM", "mudharabah", Decimal(-1)), "0..100"),
        (lambda: ProductSpec("TM", "qardh"), "tidak dikenal"),
        (lambda: ProductSpec(" ", "mudharabah"), "wajib"),
        (lambda: ProductSpec("TM", "mudharabah", Decimal(30), reserve_percent=Decimal(120)), "cadangan"),
        (lambda: ProductSpec("TM", "mudharabah", Decimal(30), weight=Decimal(-1)), "bobot"),
    ],
)
def test_bad_products_are_refused(make, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        make()


def test_duplicate_codes_unknown_adbs_and_carry_on_wadiah_are_refused() -> None:
    tm, tw = ProductSpec("TM", "mudharabah", Decimal(30)), ProductSpec("TW", "wadiah")
    with pytest.raises(InvalidInput, match="unik"):
        allocate_pools(Decimal(1), Decimal(0), [tm, tm], {}, days=30)
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        allocate_pools(Decimal(1), Decimal(0), [tm], {"XX": 5}, days=30)
    with pytest.raises(InvalidInput, match="sisa"):
        allocate_pools(Decimal(1), Decimal(0), [tm, tw], {}, days=30, carried_in={"TW": Decimal(1)})
    with pytest.raises(InvalidInput, match="negatif"):
        allocate_pools(Decimal(-1), Decimal(0), [tm], {}, days=30)


# ----------------------------------------------------------------------------- journal


def test_payouts_are_cut_into_balanced_entries_of_at_most_max_lines() -> None:
    payouts = [Payout.to_savings(i, i % 7) for i in range(1, 50)]
    entries = distribution_entries(payouts, date(2025, 6, 30), "2025-06", max_lines=10)
    paying = [p for p in payouts if p.amount > 0]
    assert all(len(e.postings) <= 10 for e in entries)
    assert len(entries) == -(-len(paying) // 8)
    total = sum((e.total for e in entries), Decimal(0))
    assert total == sum(p.amount for p in payouts)
    assert [e.source for e in entries][:2] == ["profit_sharing:2025-06:1", "profit_sharing:2025-06:2"]
    assert entries[0].description.startswith("Distribusi bagi hasil 2025-06 (bagian 1/")


def test_a_large_month_uses_the_ledgers_line_limit() -> None:
    payouts = [Payout.to_savings(i, 1000) for i in range(25_000)]
    entries = distribution_entries(payouts, date(2025, 6, 30), "2025-06")
    assert [len(e.postings) for e in entries] == [
        MAX_LINES_PER_ENTRY - 1,
        MAX_LINES_PER_ENTRY - 1,
        25_000 - 2 * 9_998 + 1,
    ]
    assert sum(e.total for e in entries) == 25_000_000


def test_withholding_tax_goes_to_tax_payable_above_the_threshold_only() -> None:
    tax = WithholdingTax(Decimal(10), threshold=Decimal(240_000), rounding=R2_FLOOR_RUPIAH)
    payouts = [
        Payout.to_savings("A", 240_000),
        Payout.to_savings("B", 250_005),
        Payout.to_deposit("C", 1_000_000),
    ]
    (e,) = distribution_entries(payouts, date(2025, 6, 30), "2025-06", withholding=tax)
    net = net_by_account(e.postings)
    assert net == {
        "profit_sharing_expense": Decimal(1_490_005),
        "mudharabah_savings": -(Decimal(240_000) + Decimal(250_005) - Decimal(25_000)),
        "deposit_profit_payable": Decimal(-900_000),
        "tax_payable": Decimal(-125_000),
    }


def test_a_deposito_can_pay_into_its_linked_savings_account() -> None:
    (e,) = distribution_entries(
        [
            Payout.to_deposit("D1", 500, linked_savings="S9"),
            Payout.to_deposit("D2", 700, linked_savings="W3", wadiah=True),
        ],
        date(2025, 6, 30),
        "2025-06",
    )
    lines = {(p.account, p.subledger): p.amount for p in e.postings}
    assert lines == {
        ("profit_sharing_expense", None): Decimal(1200),
        ("mudharabah_savings", "savings:S9"): Decimal(-500),
        ("wadiah_savings", "savings:W3"): Decimal(-700),
    }


def test_a_wadiah_bonus_is_its_own_expense_credited_to_wadiah_savings() -> None:
    (e,) = wadiah_bonus_entries(
        [Payout.wadiah_bonus("W1", 333_333), Payout.wadiah_bonus("W2", 0)], date(2025, 6, 30), "2025-06"
    )
    assert net_by_account(e.postings) == {
        "wadiah_bonus_expense": Decimal(333_333),
        "wadiah_savings": Decimal(-333_333),
    }
    assert e.source == "wadiah_bonus:2025-06:1"


def test_nothing_paid_means_no_entry_and_fractions_of_a_rupiah_are_refused() -> None:
    assert distribution_entries([Payout.to_savings("A", 0)], date(2025, 6, 30), "2025-06") == []
    with pytest.raises(InvalidInput):
        Payout.to_savings("A", Decimal("10.5"))
    with pytest.raises(InvalidInput):
        distribution_entries([], date(2025, 6, 30), "2025-06", max_lines=2)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), max_size=60),
    st.integers(3, 12),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_every_chunk_balances_and_the_chunks_carry_every_rupiah(
    amounts: list[int], max_lines: int, rate: Decimal
) -> None:
    tax = WithholdingTax(rate, threshold=Decimal(1000))
    payouts = [Payout.to_savings(i, a) if i % 2 else Payout.to_deposit(i, a) for i, a in enumerate(amounts)]
    entries = distribution_entries(
        payouts, date(2025, 6, 30), "2025-06", withholding=tax, max_lines=max_lines
    )
    assert all(len(e.postings) <= max_lines for e in entries)
    assert sum((e.total for e in entries), Decimal(0)) == sum(amounts)
    credited = sum((-p.amount for e in entries for p in e.postings if p.amount < 0), Decimal(0))
    assert credited == sum(amounts)
