from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bmt.errors import InvalidInput, UnbalancedEntry
from bmt.ledger import JournalEntry, Posting, entry, net_by_account, reverse
from bmt.ledger.accounts import STANDARD_CHART, AccountType, Book, validate_chart
from bmt.ledger.checks import totals, trial_balance

D0 = date(2025, 1, 2)


def test_the_sign_convention_is_debit_positive_credit_negative() -> None:
    assert Posting.debit("cash", Decimal(5)).amount == 5
    assert Posting.credit("cash", Decimal(5)).amount == -5


def test_a_murabahah_sale_entry_from_example_a1_balances() -> None:
    e = entry(
        D0, "Akad murabahah",
        Posting.debit("murabahah_receivable", Decimal(11_200_000)),
        Posting.credit("murabahah_inventory", Decimal(10_000_000)),
        Posting.credit("murabahah_deferred_margin", Decimal(1_200_000)),
    )
    assert e.total == Decimal(11_200_000)


def test_unbalanced_entries_are_refused() -> None:
    with pytest.raises(UnbalancedEntry):
        entry(D0, "x", Posting.debit("cash", Decimal(10)), Posting.credit("simpanan_pokok", Decimal(9)))
    with pytest.raises(UnbalancedEntry):
        JournalEntry(D0, "one line", (Posting.debit("cash", Decimal(10)),))


def test_postings_refuse_zero_negative_and_fractions_of_a_sen() -> None:
    for bad in (Decimal(0), Decimal(-1), Decimal("0.001")):
        with pytest.raises(InvalidInput):
            Posting.debit("cash", bad)


def test_a_reversal_undoes_the_entry_exactly() -> None:
    e = entry(D0, "Setoran", Posting.debit("cash", Decimal(100)), Posting.credit("simpanan_wajib", Decimal(100)))
    r = reverse(e, date(2025, 1, 3), "salah input", original_id=7)
    both = net_by_account(e.postings + r.postings)
    assert all(v == 0 for v in both.values())
    assert r.reverses == 7


def test_the_standard_chart_is_consistent_and_keeps_the_maal_book_apart() -> None:
    assert validate_chart() == []
    assert all(a.book is Book.MAAL for a in STANDARD_CHART if a.kind is AccountType.FUND)
    kinds = {a.kind for a in STANDARD_CHART}
    assert AccountType.TEMPORARY_SYIRKAH in kinds and AccountType.CONTRA_ASSET in kinds


amounts = st.integers(min_value=1, max_value=10**13).map(lambda s: Decimal(s) / 100)


@given(st.lists(st.tuples(st.sampled_from(["cash", "bank", "simpanan_pokok", "fee_income", "other_expense"]), amounts), min_size=1, max_size=20))
def test_any_set_of_debits_balanced_by_one_credit_is_a_valid_entry(debits: list[tuple[str, Decimal]]) -> None:
    lines = [Posting.debit(a, x) for a, x in debits]
    total = sum((x for _, x in debits), Decimal(0))
    e = entry(D0, "x", *lines, Posting.credit("suspense", total))
    assert sum(p.amount for p in e.postings) == 0
    rows = trial_balance(net_by_account(e.postings), [(a.code, a.name, a.kind, a.book.value) for a in STANDARD_CHART] + [(k, k, AccountType.ASSET, "tamwil") for k in ("cash", "bank", "simpanan_pokok", "fee_income", "other_expense", "suspense")])
    d, c = totals(rows)
    assert d == c
