"""Properties of the Baitul Maal funds, whatever the order and size of receipts and payments.

A state machine drives a ``FundBook`` through random receipts, amil allocations, zakat distributions,
spending, qardhul hasan loans, repayments and write-offs, including requests that must be refused. After
every step: no balance is negative, the amil share is within its cap, the kebajikan fund covers the loans,
every entry is balanced in the maal book, and the book's balances equal an independent replay of the
entries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bmt.errors import DomainError, InsufficientBalance, ShariaViolation
from bmt.ledger.accounts import Book, normal_side, standard_chart_by_key
from bmt.zakat import (
    AMIL_CAP_COLLECT_ONLY,
    AMIL_CAP_DEFAULT,
    Asnaf,
    Fund,
    FundBook,
    FundRef,
    FundUse,
    NonhalalKind,
)
from bmt.zakat.funds import allocate_amil, amil_cap

DAY = date(2025, 3, 3)
CHART = standard_chart_by_key()
PURPOSES = ("beasiswa", "pembangunan")
BORROWERS = ("anggota:1", "anggota:2")
NON_AMIL_ASNAF = [a for a in Asnaf if a is not Asnaf.AMIL]

# Whole rupiah and amounts with sen, from tiny to large.
amounts = st.one_of(
    st.integers(1, 200_000_000).map(Decimal),
    st.integers(1, 20_000_000_000).map(lambda sen: Decimal(sen).scaleb(-2)),
)
percent_of_room = st.integers(1, 125)  # over 100 asks for more than there is


def part(available: Decimal, pct: int) -> Decimal:
    """``pct``% of ``available``, floored to the sen, at least one sen."""
    value = (available * pct / 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return max(value, Decimal("0.01"))


def assert_maal_entry(entry) -> None:
    assert entry.book == Book.MAAL.value
    assert sum(p.amount for p in entry.postings) == 0
    assert entry.total > 0
    for p in entry.postings:
        assert CHART[p.account].book is Book.MAAL


class MaalBookMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.book = FundBook()
        self.entries: list = []

    @initialize(collect_only=st.booleans())
    def open_book(self, collect_only: bool) -> None:
        policy = AMIL_CAP_COLLECT_ONLY if collect_only else AMIL_CAP_DEFAULT
        book = FundBook(amil_policy=policy)
        for purpose in PURPOSES:
            book = book.open_restricted_fund(purpose, f"Dana {purpose}")
        self.book = book

    def _post(self, operation) -> bool:
        try:
            self.book, entry = operation()
        except DomainError:
            return False
        assert_maal_entry(entry)
        self.entries.append(entry)
        return True

    # -- receipts -------------------------------------------------------------------------------------------

    @rule(amount=amounts, received_in=st.sampled_from(["maal_cash", "maal_cash", "maal_bank", "due_from_tamwil"]))
    def receive_zakat(self, amount: Decimal, received_in: str) -> None:
        assert self._post(lambda: self.book.receive_zakat(DAY, amount, received_in=received_in))

    @rule(amount=amounts, purpose=st.sampled_from([None, *PURPOSES]))
    def receive_infaq(self, amount: Decimal, purpose: str | None) -> None:
        assert self._post(lambda: self.book.receive_infaq(DAY, amount, purpose=purpose))

    @rule(amount=amounts, kind=st.sampled_from(list(NonhalalKind)))
    def receive_nonhalal(self, amount: Decimal, kind: NonhalalKind) -> None:
        assert self._post(lambda: self.book.receive_nonhalal(DAY, amount, kind))

    @rule(pct=percent_of_room)
    def settle_due_from_tamwil(self, pct: int) -> None:
        due = self.book.balance("due_from_tamwil")
        amount = part(due, pct) if due > 0 else Decimal(1)
        ok = self._post(lambda: self.book.settle_due_from_tamwil(DAY, amount))
        assert ok == (amount <= due)

    # -- amil and zakat ------------------------------------------------------------------------------------

    @rule(pct=percent_of_room, source=st.sampled_from([Fund.ZAKAT, Fund.INFAQ]))
    def allocate_amil(self, pct: int, source: Fund) -> None:
        zakat = source is Fund.ZAKAT
        collected = self.book.zakat_collected if zakat else self.book.infaq_collected
        taken = self.book.amil_from_zakat if zakat else self.book.amil_from_infaq
        room = amil_cap(collected, self.book.amil_policy, source) - taken
        amount = part(room, pct) if room > 0 else Decimal(1)
        fits_cap = taken + amount <= amil_cap(collected, self.book.amil_policy, source)
        fits_fund = amount <= self.book.balance(source.value)
        try:
            self.book, entry = self.book.allocate_amil(DAY, amount, source_fund=source)
        except ShariaViolation as exc:
            assert exc.rule == "ZIS-02" and not fits_cap
            return
        except InsufficientBalance:
            assert fits_cap and not fits_fund
            return
        assert fits_cap and fits_fund
        assert_maal_entry(entry)
        self.entries.append(entry)

    @rule(pct=percent_of_room, asnaf=st.sampled_from(NON_AMIL_ASNAF), paid_from=st.sampled_from(["maal_cash", "maal_cash", "maal_bank"]))
    def distribute_zakat(self, pct: int, asnaf: Asnaf, paid_from: str) -> None:
        balance, cash = self.book.balance(Fund.ZAKAT.value), self.book.balance(paid_from)
        amount = part(balance, pct) if balance > 0 else Decimal(1)
        ok = self._post(lambda: self.book.distribute_zakat(DAY, asnaf, amount, paid_from=paid_from))
        assert ok == (amount <= balance and amount <= cash)
        if ok:
            assert self.entries[-1].meta["asnaf"] == asnaf.value

    # -- spending from the other funds ---------------------------------------------------------------------

    @rule(
        pct=percent_of_room,
        spending=st.sampled_from(
            [
                (FundRef(Fund.AMIL), FundUse.AMIL_OPERATIONS, None),
                (FundRef(Fund.INFAQ), FundUse.SOCIAL, None),
                (FundRef(Fund.NONHALAL), FundUse.SOCIAL, None),
                (FundRef(Fund.KEBAJIKAN), FundUse.SOCIAL, None),
                *[(FundRef.restricted(p), FundUse.RESTRICTED_PURPOSE, p) for p in PURPOSES],
            ]
        ),
    )
    def spend(self, pct: int, spending: tuple) -> None:
        ref, use, purpose = spending
        available, cash = self.book.spendable(ref), self.book.balance("maal_cash")
        amount = part(available, pct) if available > 0 else Decimal(1)
        ok = self._post(lambda: self.book.spend(DAY, ref, amount, use=use, purpose=purpose))
        assert ok == (amount <= available and amount <= cash)

    @rule(
        pct=percent_of_room,
        wrong=st.sampled_from(
            [
                (FundRef(Fund.ZAKAT), FundUse.LOSS_COVERAGE, None),
                (FundRef(Fund.ZAKAT), FundUse.SOCIAL, None),
                (FundRef(Fund.INFAQ), FundUse.AMIL_OPERATIONS, None),
                (FundRef(Fund.KEBAJIKAN), FundUse.LOSS_COVERAGE, None),
                (FundRef.restricted("beasiswa"), FundUse.RESTRICTED_PURPOSE, "pembangunan"),
                (FundRef.restricted("pembangunan"), FundUse.RESTRICTED_PURPOSE, "beasiswa"),
            ]
        ),
    )
    def spending_for_another_purpose_is_always_refused(self, pct: int, wrong: tuple) -> None:
        ref, use, purpose = wrong
        amount = part(self.book.fund_balance(ref), pct) if self.book.fund_balance(ref) > 0 else Decimal(1)
        with pytest.raises(ShariaViolation):
            self.book.spend(DAY, ref, amount, use=use, purpose=purpose)

    # -- qardhul hasan -------------------------------------------------------------------------------------

    @rule(pct=percent_of_room, borrower=st.sampled_from(BORROWERS))
    def lend(self, pct: int, borrower: str) -> None:
        available, cash = self.book.spendable(FundRef(Fund.KEBAJIKAN)), self.book.balance("maal_cash")
        amount = part(available, pct) if available > 0 else Decimal(1)
        ok = self._post(lambda: self.book.lend_qardhul_hasan(DAY, borrower, amount))
        assert ok == (amount <= available and amount <= cash)

    @rule(pct=percent_of_room, borrower=st.sampled_from(BORROWERS), forgive=st.booleans())
    def repay_or_forgive(self, pct: int, borrower: str, forgive: bool) -> None:
        owed = self.book.qardh_outstanding(borrower)
        amount = part(owed, pct) if owed > 0 else Decimal(1)
        if forgive:
            ok = self._post(lambda: self.book.forgive_qardhul_hasan(DAY, borrower, amount))
        else:
            ok = self._post(lambda: self.book.repay_qardhul_hasan(DAY, borrower, amount))
        assert ok == (amount <= owed)

    # -- invariants ----------------------------------------------------------------------------------------

    @invariant()
    def no_balance_is_negative(self) -> None:
        assert all(v >= 0 for v in self.book.balances.values())

    @invariant()
    def amil_share_is_never_above_the_cap(self) -> None:
        policy = self.book.amil_policy
        assert self.book.amil_from_zakat * 100 <= self.book.zakat_collected * policy.cap_percent(Fund.ZAKAT)
        assert self.book.amil_from_infaq * 100 <= self.book.infaq_collected * policy.cap_percent(Fund.INFAQ)

    @invariant()
    def kebajikan_covers_the_loans_it_made(self) -> None:
        assert self.book.balance(Fund.KEBAJIKAN.value) >= self.book.account_total("qardhul_hasan_receivable")

    @invariant()
    def assets_equal_funds(self) -> None:
        assets, funds = self.book.totals()
        assert assets == funds

    @invariant()
    def balances_equal_a_replay_of_the_entries(self) -> None:
        replay: dict = defaultdict(Decimal)
        for e in self.entries:
            for p in e.postings:
                sign = 1 if normal_side(CHART[p.account].kind) == "debit" else -1
                replay[(p.account, p.subledger)] += sign * p.amount
        assert {k: v for k, v in replay.items() if v} == {k: v for k, v in self.book.balances.items() if v}

    @invariant()
    def tallies_match_the_entries(self) -> None:
        credited = defaultdict(Decimal)
        for e in self.entries:
            for p in e.postings:
                if p.amount < 0:
                    credited[p.account] -= p.amount
        assert credited["zakat_fund"] == self.book.zakat_collected
        assert credited["amil_fund"] == self.book.amil_from_zakat + self.book.amil_from_infaq


MaalBookMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=60, deadline=None)
TestMaalBook = MaalBookMachine.TestCase


@given(
    collected=st.integers(0, 10**12).map(lambda s: Decimal(s).scaleb(-2)),
    already_pct=st.integers(0, 110),
    amount=st.integers(1, 10**11).map(lambda s: Decimal(s).scaleb(-2)),
    collect_only=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_an_amil_allocation_is_accepted_exactly_when_it_stays_within_the_cap(
    collected: Decimal, already_pct: int, amount: Decimal, collect_only: bool
) -> None:
    policy = AMIL_CAP_COLLECT_ONLY if collect_only else AMIL_CAP_DEFAULT
    pct = Decimal(5) if collect_only else Decimal("12.5")
    already = (collected * pct / 100 * already_pct / 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    within = (already + amount) * 100 <= collected * pct
    try:
        entry = allocate_amil(DAY, collected, already, amount, policy)
    except ShariaViolation as exc:
        assert exc.rule == "ZIS-02"
        assert not within
    else:
        assert within
        assert_maal_entry(entry)
        assert [(p.account, p.amount) for p in entry.postings] == [("zakat_fund", amount), ("amil_fund", -amount)]
