"""Read-side checks over postings: the trial balance, and validators that return problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from bmt.ledger.accounts import AccountType, normal_side
from bmt.money import ZERO


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    """One account in a trial balance. ``debit``/``credit`` are the balance on its side (one is zero)."""

    code: str
    name: str
    kind: AccountType
    book: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """The balance on the account's normal side (positive when normal)."""
        net = self.debit - self.credit
        return net if normal_side(self.kind) == "debit" else -net


def trial_balance(
    net_by_code: Mapping[str, Decimal], accounts: Iterable[tuple[str, str, AccountType, str]], *, include_zero: bool = False
) -> list[TrialBalanceRow]:
    """Trial balance rows from signed net amounts per account code.

    Args:
        net_by_code: Signed sums (debit positive) per account code.
        accounts: ``(code, name, kind, book)`` for every account of the chart, in display order.
        include_zero: Whether to list accounts with no balance.
    """
    rows = []
    for code, name, kind, book in accounts:
        net = net_by_code.get(code, ZERO)
        if net == 0 and not include_zero:
            continue
        rows.append(TrialBalanceRow(code, name, kind, book, net if net > 0 else ZERO, -net if net < 0 else ZERO))
    return rows


def totals(rows: Iterable[TrialBalanceRow]) -> tuple[Decimal, Decimal]:
    """Σ debit and Σ credit of trial balance rows; equal in a sound ledger."""
    d = c = ZERO
    for r in rows:
        d += r.debit
        c += r.credit
    return d, c
