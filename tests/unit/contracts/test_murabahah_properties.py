"""Properties of the murabahah engine over random terms (Hypothesis): totals tie, nothing goes negative,
annuity margins fall, settlements stay between the remaining principal and the outstanding receivable."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import isqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmt.contracts.allocation import DueItem, allocate
from bmt.contracts.murabahah import (
    AkadSigned,
    InstallmentReceived,
    MurabahahQuote,
    MurabahahTerms,
    Recognition,
    entries_for,
    live_settlement_quote,
    margin_recognised,
    payment_split,
    quote,
    reschedule,
)
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import net_by_account
from bmt.money import MAX_AMOUNT, D

FIRST_DUE = date(2025, 1, 31)
recognitions = st.sampled_from(["proportional", "annuity"])


def percents(max_bp: int) -> st.SearchStrategy[Decimal]:
    """0.01 % up to ``max_bp`` hundredths of a percent, two decimals."""
    return st.integers(min_value=1, max_value=max_bp).map(lambda bp: Decimal(bp).scaleb(-2))


def half_up(x: Fraction) -> int:
    """The oracle's rounding, independent of Decimal: half-up to a whole number (x >= 0)."""
    return int((x * 2 + 1) // 2)


@st.composite
def realistic_terms(draw: st.DrawFn) -> MurabahahTerms:
    """Terms a BMT would write: Rp100.000 and up, flat margins up to 60 % a year over any tenor up to 30
    years; effective rates up to 30 % a year up to 10 years, or up to 20 % a year on Rp50 juta and more
    beyond (where an annuity in whole rupiah exists at all; see ``check_schedulable``)."""
    tenor = draw(st.integers(min_value=1, max_value=360))
    basis = draw(st.sampled_from(["margin_amount", "margin_rate_flat_annual", "effective_rate_annual"]))
    floor = 50_000_000 if basis == "effective_rate_annual" and tenor > 120 else 100_000
    cost = draw(st.integers(min_value=floor, max_value=10**14))
    down = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=cost // 2)))
    financed = cost - down
    if basis == "margin_amount":
        most = min(int(MAX_AMOUNT), financed * tenor // 20)  # 60 % flat a year: P * 0.6 * n / 12
        value = D(draw(st.integers(min_value=1, max_value=most)))
    elif basis == "margin_rate_flat_annual":
        value = draw(percents(6_000))
    else:
        value = draw(percents(3_000 if tenor <= 120 else 2_000))
    return MurabahahTerms(
        D(cost), tenor, FIRST_DUE, draw(recognitions), down_payment=D(down), **{basis: value}
    )


@st.composite
def any_terms(draw: st.DrawFn) -> MurabahahTerms:
    """Anything the terms accept: 1 rupiah to 1e15, rates up to 100 % a year, 1..360 months."""
    cost = draw(st.integers(min_value=1, max_value=int(MAX_AMOUNT)))
    down = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=cost - 1)))
    basis = draw(st.sampled_from(["margin_amount", "margin_rate_flat_annual", "effective_rate_annual"]))
    if basis == "margin_amount":
        value = D(draw(st.integers(min_value=1, max_value=int(MAX_AMOUNT))))
    else:
        value = Decimal(draw(st.integers(min_value=1, max_value=10_000))).scaleb(-2)
    tenor = draw(st.integers(min_value=1, max_value=360))
    return MurabahahTerms(
        D(cost), tenor, FIRST_DUE, draw(recognitions), down_payment=D(down), **{basis: value}
    )


def assert_sound(q: MurabahahQuote) -> None:
    rows = q.schedule.installments
    assert sum(i.amount for i in rows) == q.selling_price - q.terms.down_payment == q.receivable
    assert sum(i.margin for i in rows) == q.total_margin
    assert sum(i.principal for i in rows) == q.financed_amount == q.terms.cost_price - q.terms.down_payment
    assert all(
        i.amount > 0 and i.margin >= 0 and i.principal >= 0 and i.outstanding_principal >= 0 for i in rows
    )
    assert all(i.amount == i.principal + i.margin for i in rows)
    assert [i.outstanding_principal for i in rows] == sorted(
        (i.outstanding_principal for i in rows), reverse=True
    )
    assert rows[-1].outstanding_principal == 0


@settings(max_examples=300, deadline=None)
@given(realistic_terms())
def test_totals_always_tie_and_nothing_goes_negative(terms: MurabahahTerms) -> None:
    assert_sound(quote(terms))


@settings(max_examples=300, deadline=None)
@given(any_terms())
def test_any_accepted_terms_give_a_sound_schedule_or_a_clear_refusal(terms: MurabahahTerms) -> None:
    try:
        q = quote(terms)
    except InvalidInput as exc:
        assert "cannot be scheduled" in exc.message
        return
    assert_sound(q)


@settings(max_examples=300, deadline=None)
@given(realistic_terms())
def test_installments_are_level_and_the_last_absorbs_the_residue(terms: MurabahahTerms) -> None:
    q = quote(terms)
    amounts = [i.amount for i in q.schedule.installments]
    P, n = int(q.financed_amount), terms.tenor_months
    if terms.effective_rate_annual is None:
        regular = half_up(Fraction(int(q.receivable), n))
    else:
        r = Fraction(terms.effective_rate_annual) / 1200
        growth = (1 + r) ** n
        regular = half_up(P * r * growth / (growth - 1))
    assert amounts[:-1] == [regular] * (n - 1)
    assert amounts[-1] == q.receivable - regular * (n - 1)


@settings(max_examples=300, deadline=None)
@given(realistic_terms().filter(lambda t: t.recognition == "annuity"))
def test_annuity_margins_decrease(terms: MurabahahTerms) -> None:
    margins = [i.margin for i in quote(terms).schedule.installments]
    assert all(later <= earlier for earlier, later in zip(margins, margins[1:], strict=False)), margins[-3:]


@settings(max_examples=300, deadline=None)
@given(realistic_terms().filter(lambda t: t.recognition == "proportional"))
def test_proportional_margin_recognised_so_far_is_within_half_a_rupiah_of_cash_times_m_over_p_plus_m(
    terms: MurabahahTerms,
) -> None:
    q = quote(terms)
    ratio = Fraction(q.total_margin) / Fraction(q.receivable)
    paid = recognised = Fraction(0)
    for i in q.schedule.installments:
        paid += Fraction(i.amount)
        recognised += Fraction(i.margin)
        assert abs(recognised - paid * ratio) <= Fraction(1, 2)


@settings(max_examples=200, deadline=None)
@given(realistic_terms().filter(lambda t: t.effective_rate_annual is None))
def test_the_implied_rate_discounts_the_level_installment_back_to_the_financed_amount(
    terms: MurabahahTerms,
) -> None:
    q = quote(terms)
    v = 1 / (1 + q.monthly_rate)
    n = len(q.schedule.installments)
    if terms.effective_rate_annual is not None:
        amounts = [i.amount for i in q.schedule.installments]  # the contract rate prices the rounded annuity
        tolerance = Decimal(n)  # within the rounding of the installments (half a rupiah each)
    else:
        amounts = [(q.financed_amount + q.total_margin) / n] * n  # domain.md A1: the level installment
        tolerance = Decimal("1e-5")
    pv = sum((a * v**k for k, a in enumerate(amounts, 1)), Decimal(0))
    assert abs(pv - q.financed_amount) < tolerance


@st.composite
def contract_and_payment(draw: st.DrawFn) -> tuple[MurabahahQuote, Decimal, date]:
    q = quote(draw(realistic_terms()))
    paid = draw(st.integers(min_value=0, max_value=int(q.receivable)))
    as_of = FIRST_DUE + timedelta(days=draw(st.integers(min_value=-30, max_value=366 * 31)))
    return q, D(paid), as_of


@settings(max_examples=300, deadline=None)
@given(contract_and_payment())
def test_a_settlement_lies_between_the_remaining_principal_and_the_outstanding_receivable(
    case: tuple[MurabahahQuote, Decimal, date],
) -> None:
    q, paid, as_of = case
    s = live_settlement_quote(q.schedule, q.recognition, paid, as_of)
    principal_left = q.financed_amount - (paid - s.margin_recognised_by_payments)
    assert s.outstanding_receivable == q.receivable - paid >= 0
    assert 0 <= s.unrecognised_margin <= q.total_margin
    assert 0 <= principal_left <= s.settlement_amount <= s.outstanding_receivable
    assert s.settlement_amount == s.outstanding_receivable - s.unrecognised_margin


@settings(max_examples=200, deadline=None)
@given(realistic_terms(), st.data())
def test_settling_on_a_due_date_with_everything_paid_costs_exactly_the_outstanding_principal(
    terms: MurabahahTerms, data: st.DataObject
) -> None:
    q = quote(terms)
    k = data.draw(st.integers(min_value=0, max_value=terms.tenor_months))
    rows = q.schedule.installments
    paid = sum((i.amount for i in rows[:k]), Decimal(0))
    as_of = rows[k - 1].due_date if k else None
    s = live_settlement_quote(q.schedule, q.recognition, paid, as_of)
    assert s.settlement_amount == (rows[k - 1].outstanding_principal if k else q.financed_amount)


@settings(max_examples=150, deadline=None)
@given(realistic_terms().filter(lambda t: t.tenor_months <= 60), st.data())
def test_any_series_of_payments_recognises_exactly_the_margin_and_leaves_the_books_clear(
    terms: MurabahahTerms, data: st.DataObject
) -> None:
    q = quote(terms)
    cuts = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=int(q.receivable) - 1), max_size=8)))
    bounds = [0, *cuts, int(q.receivable)]
    entries = entries_for(AkadSigned(FIRST_DUE, q, owned_since=FIRST_DUE))
    for before, after in zip(bounds, bounds[1:], strict=False):
        margin, principal = payment_split(q.schedule, q.recognition, D(before), D(after - before))
        assert margin >= 0 and principal >= 0
        entries += entries_for(InstallmentReceived(FIRST_DUE, D(after - before), margin))
    net = net_by_account(p for e in entries for p in e.postings)
    assert net.get("murabahah_receivable", 0) == 0
    assert net.get("murabahah_deferred_margin", 0) == 0
    assert -net.get("murabahah_income", 0) == q.total_margin
    assert net["cash"] == q.receivable


@settings(max_examples=150, deadline=None)
@given(realistic_terms(), st.data())
def test_rescheduling_never_increases_the_remaining_receivable(
    terms: MurabahahTerms, data: st.DataObject
) -> None:
    q = quote(terms)
    paid = D(data.draw(st.integers(min_value=0, max_value=int(q.receivable) - 1)))
    remaining = q.receivable - paid
    # Whole-rupiah level installments exist when the remaining receivable is at least tenor².
    tenor = data.draw(st.integers(min_value=1, max_value=min(360, isqrt(int(remaining)))))
    method = Recognition(q.recognition)
    more = D(data.draw(st.integers(min_value=1, max_value=10**6)))
    with pytest.raises(ShariaViolation) as refused:
        reschedule(
            q.schedule,
            method,
            amount_paid=paid,
            tenor_months=tenor,
            first_due_date=FIRST_DUE,
            new_receivable=remaining + more,
        )
    assert refused.value.rule == "MUR-07"
    if paid - margin_recognised(q.schedule, method, paid) == q.financed_amount:
        # Only unrecognised margin is left (a rupiah or so of rounding): nothing to spread over a new tenor.
        with pytest.raises(InvalidInput, match="no principal remains"):
            reschedule(q.schedule, method, amount_paid=paid, tenor_months=tenor, first_due_date=FIRST_DUE)
        return
    r = reschedule(q.schedule, method, amount_paid=paid, tenor_months=tenor, first_due_date=FIRST_DUE)
    assert r.schedule.total_amount == remaining
    assert r.schedule.total_amount + paid == q.receivable


due_items = st.lists(
    st.builds(
        lambda m, p: (D(m), D(p)),
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=0, max_value=10**6),
    ),
    max_size=12,
).map(lambda pairs: [DueItem(k, {"margin": m, "principal": p}) for k, (m, p) in enumerate(pairs, start=1)])


@settings(max_examples=300, deadline=None)
@given(
    due_items,
    st.integers(min_value=0, max_value=3 * 10**7).map(D),
    st.sampled_from([("margin", "principal"), ("principal", "margin")]),
)
def test_allocation_pays_oldest_first_never_more_than_due_and_accounts_for_every_rupiah(
    items: list[DueItem], amount: Decimal, order: tuple[str, str]
) -> None:
    a = allocate(amount, items, order)
    assert a.total() + a.unapplied == amount
    assert a.unapplied == max(amount - sum((i.total for i in items), Decimal(0)), Decimal(0))
    for item in items:
        got = a.for_installment(item.number)
        assert all(got.get(c, 0) <= due for c, due in item.amounts.items())
    touched = {ln.number for ln in a.lines}
    for item in items:
        if any(n > item.number for n in touched):
            assert sum(a.for_installment(item.number).values(), Decimal(0)) == item.total
