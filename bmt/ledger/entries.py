"""Journal entries: immutable, balanced, with the sides spelled out.

Storage sign convention (stated once, here, and tested): a posting line keeps one signed ``amount_sen``;
**debit is positive, credit is negative**. A balanced entry therefore sums to zero. Code never builds a
signed amount by hand: it calls ``Posting.debit`` or ``Posting.credit`` with a positive amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bmt.errors import InvalidInput, UnbalancedEntry
from bmt.money import ZERO, to_sen

#: An entry with more lines than this is refused; batch postings split into several entries.
MAX_LINES_PER_ENTRY = 10_000


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry. ``amount`` is signed: debit > 0, credit < 0 (see module doc).

    Attributes:
        account: The account's key (system accounts) or code.
        amount: Signed exact rupiah (whole sen).
        subledger: Optional sub-ledger reference, e.g. ``"savings:42"`` or ``"contract:7"``.
        memo: Optional line text.
    """

    account: str
    amount: Decimal
    subledger: str | None = None
    memo: str | None = None

    @classmethod
    def debit(cls, account: str, amount: Decimal, subledger: str | None = None, memo: str | None = None) -> Posting:
        """A debit of ``amount`` (> 0) to ``account``."""
        _check_positive(amount)
        return cls(account, amount, subledger, memo)

    @classmethod
    def credit(cls, account: str, amount: Decimal, subledger: str | None = None, memo: str | None = None) -> Posting:
        """A credit of ``amount`` (> 0) to ``account``."""
        _check_positive(amount)
        return cls(account, -amount, subledger, memo)

    @property
    def is_debit(self) -> bool:
        return self.amount > 0

    @property
    def debit_amount(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit_amount(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


def _check_positive(amount: Decimal) -> None:
    if not isinstance(amount, Decimal):
        raise InvalidInput("posting amounts are Decimal")
    if amount <= 0:
        raise InvalidInput(f"posting amount must be positive, got {amount}")
    try:
        to_sen(amount)
    except ValueError:
        raise InvalidInput(f"posting amount {amount} has a fraction of a sen") from None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of postings on one value date.

    Attributes:
        value_date: The business date the entry belongs to.
        description: What happened, in words a member or auditor understands.
        postings: The lines; at least two, debits equal credits.
        source: Reference to what caused it, e.g. ``"murabahah:12:installment:3"``.
        book: ``"tamwil"`` or ``"maal"``; every account of the entry must belong to it.
        reverses: The id of the entry this one reverses, if it is a reversal.
    """

    value_date: date
    description: str
    postings: tuple[Posting, ...]
    source: str = ""
    book: str = "tamwil"
    reverses: int | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_balanced(self.postings)

    @property
    def total(self) -> Decimal:
        """The sum of the debits (equal to the credits)."""
        return sum((p.amount for p in self.postings if p.amount > 0), ZERO)


def check_balanced(postings: Iterable[Posting]) -> None:
    """Refuse postings that do not form a balanced entry (exactly zero tolerance).

    Raises:
        UnbalancedEntry: fewer than two lines, zero lines, too many lines, or debits != credits.
    """
    lines = list(postings)
    if len(lines) < 2:
        raise UnbalancedEntry("a journal entry needs at least two lines")
    if len(lines) > MAX_LINES_PER_ENTRY:
        raise UnbalancedEntry(f"a journal entry may have at most {MAX_LINES_PER_ENTRY} lines")
    if any(p.amount == 0 for p in lines):
        raise UnbalancedEntry("a journal line may not be zero")
    total = sum((p.amount for p in lines), ZERO)
    if total != 0:
        debit = sum((p.amount for p in lines if p.amount > 0), ZERO)
        raise UnbalancedEntry(
            f"debit {debit} and credit {debit - total} differ by {total}; jurnal tidak seimbang",
            debit=str(debit),
            credit=str(debit - total),
        )


def entry(value_date: date, description: str, *postings: Posting, source: str = "", book: str = "tamwil") -> JournalEntry:
    """Build a balanced entry, dropping nothing and merging nothing (each line is kept as written)."""
    return JournalEntry(value_date, description, tuple(postings), source=source, book=book)


def reverse(original: JournalEntry, value_date: date, reason: str, original_id: int | None = None) -> JournalEntry:
    """The entry that undoes ``original``: every line with its side swapped, on ``value_date``."""
    lines = tuple(Posting(p.account, -p.amount, p.subledger, p.memo) for p in original.postings)
    return JournalEntry(
        value_date,
        f"Koreksi (pembalikan): {original.description} — {reason}",
        lines,
        source=f"reversal:{original.source}" if original.source else "reversal",
        book=original.book,
        reverses=original_id,
    )


def net_by_account(postings: Iterable[Posting]) -> dict[str, Decimal]:
    """Signed totals per account (debit positive)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        out[p.account] += p.amount
    return dict(out)
