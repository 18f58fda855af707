"""Properties of the profit-and-loss-sharing engines, over many generated contracts (Hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from bmt.contracts.mudharabah import MudharabahTerms, RealisationReport, allocate_loss, period_result
from bmt.contracts.musyarakah import (
    MmqTerms,
    MusyarakahCapital,
    RentReview,
    check_loss_split,
    mmq_early_buyout,
    mmq_payment_entry,
    mmq_schedule,
    split_loss,
)
from bmt.money import D

rupiahs = st.integers(min_value=1, max_value=10**12).map(D)
nisbahs = st.integers(min_value=1, max_value=9_999).map(lambda bp: Decimal(bp).scaleb(-2))


def half_up(x: Fraction) -> int:
    """The oracle's rounding, independent of Decimal: half-up to a whole number (x ≥ 0)."""
    return (x * 2 + 1) // 2


@st.composite
def mmq_terms(draw: st.DrawFn) -> MmqTerms:
    tenor = draw(st.integers(min_value=1, max_value=360))
    # A share of at least tenor² rupiah can always be split into positive rounded buy-backs.
    share = draw(st.integers(min_value=tenor * tenor, max_value=10**12))
    asset = draw(st.integers(min_value=share + 1, max_value=share * 4 + 1))
    rent = draw(st.integers(min_value=0, max_value=10**9))
    review_months = (
        draw(st.sets(st.integers(min_value=2, max_value=tenor), max_size=3)) if tenor >= 2 else set()
    )
    reviews = tuple(
        RentReview(m, D(draw(st.integers(min_value=0, max_value=10**9)))) for m in sorted(review_months)
    )
    return MmqTerms(D(asset), D(share), D(rent), tenor, date(2025, 1, 31), rent_reviews=reviews)


@given(mmq_terms())
def test_mmq_buybacks_sum_exactly_to_the_bmt_share_and_the_balance_ends_at_zero(terms: MmqTerms) -> None:
    s = mmq_schedule(terms)
    assert s.total_buyback == terms.bmt_share_amount
    assert s.installments[-1].bmt_balance_end == 0
    assert all(r.buyback > 0 for r in s.installments)
    for prev, row in zip(s.installments, s.installments[1:], strict=False):
        assert row.bmt_balance_start == prev.bmt_balance_end


@given(mmq_terms())
def test_mmq_rent_shares_follow_ownership_at_the_start_of_each_month(terms: MmqTerms) -> None:
    for row in mmq_schedule(terms).installments:
        exact = (
            Fraction(int(terms.rent_for_month(row.number)))
            * Fraction(int(row.bmt_balance_start))
            / Fraction(int(terms.asset_price))
        )
        assert row.rent_to_bmt == half_up(exact)
        assert row.payment == row.buyback + row.rent_to_bmt
        assert row.rent_to_bmt <= row.monthly_rent  # the BMT never owns more than the asset


@given(mmq_terms())
def test_mmq_monthly_journals_balance_and_carry_the_whole_payment(terms: MmqTerms) -> None:
    for row in mmq_schedule(terms).installments:
        e = mmq_payment_entry(row, row.due_date)
        assert e.total == row.payment
        assert -sum(p.amount for p in e.postings if p.account == "mmq_financing") == row.buyback


@given(mmq_terms(), st.data())
def test_an_early_buyout_pays_exactly_what_the_remaining_buybacks_would(
    terms: MmqTerms, data: st.DataObject
) -> None:
    s = mmq_schedule(terms)
    month = data.draw(st.integers(min_value=1, max_value=terms.tenor_months))
    buyout = mmq_early_buyout(s, month)
    assert buyout.amount == sum((r.buyback for r in s.installments[month - 1 :]), D(0))


@given(rupiahs, rupiahs, rupiahs)
def test_musyarakah_losses_split_exactly_by_capital(bmt: Decimal, partner: Decimal, loss: Decimal) -> None:
    capital = MusyarakahCapital(bmt, partner)
    split = split_loss(capital, loss)
    assert split.bmt + split.partner == loss
    exact_bmt = Fraction(int(loss)) * Fraction(int(bmt), int(bmt + partner))
    # Largest remainder between two parts is the exact share rounded half-up (a tie goes to the BMT).
    assert split.bmt == half_up(exact_bmt)
    check_loss_split(capital, loss, split.bmt)  # the DPS check accepts the engine's own split


@given(rupiahs, rupiahs, rupiahs, rupiahs)
def test_musyarakah_loss_shares_grow_with_capital(
    bmt: Decimal, partner: Decimal, extra: Decimal, loss: Decimal
) -> None:
    before = split_loss(MusyarakahCapital(bmt, partner), loss)
    after = split_loss(MusyarakahCapital(bmt, partner).contribute("bmt", extra), loss)
    assert after.bmt >= before.bmt


@given(nisbahs, st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_mudharabah_shares_tie_to_the_basis_and_round_half_up(
    nisbah: Decimal, revenue: int, costs: int
) -> None:
    terms = MudharabahTerms(capital=D(1_000_000), bmt_nisbah=nisbah)
    result = period_result(terms, RealisationReport(date(2025, 1, 31), D(revenue), D(costs)))
    assert result.bmt_share + result.mudharib_share == result.basis_amount
    assert result.basis_amount == max(revenue - costs, 0)
    assert result.loss == max(costs - revenue, 0)
    exact = Fraction(revenue - costs) * Fraction(nisbah) / 100 if revenue > costs else Fraction(0)
    assert result.bmt_share == half_up(exact)


@given(rupiahs, st.booleans())
def test_mudharabah_losses_are_the_bmt_s_unless_negligence_is_proven(loss: Decimal, negligent: bool) -> None:
    allocation = allocate_loss(loss, negligence_proven=negligent)
    assert allocation.borne_by_bmt + allocation.charged_to_mudharib == loss
    assert allocation.charged_to_mudharib == (loss if negligent else 0)


def test_the_half_up_oracle_rounds_halves_up() -> None:
    assert [half_up(Fraction(n, 2)) for n in (1, 2, 3, 5)] == [1, 1, 2, 3]
    assert Decimal("2.5").quantize(Decimal(1), rounding=ROUND_HALF_UP) == half_up(Fraction(5, 2))
