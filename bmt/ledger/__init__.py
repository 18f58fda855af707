"""The double-entry core: accounts, balanced entries, reversals, trial balance. Pure: no I/O.

Sign convention (the one place it is stated): a posting's stored amount is signed, **debit positive,
credit negative**, so a balanced entry sums to zero. Code builds lines only with ``Posting.debit`` and
``Posting.credit``; reports show debit and credit columns.

Example (a murabahah sale, domain.md Example A1)::

    entry(date(2025, 1, 2), "Akad murabahah",
          Posting.debit("murabahah_receivable", D(11_200_000)),
          Posting.credit("murabahah_inventory", D(10_000_000)),
          Posting.credit("murabahah_deferred_margin", D(1_200_000)))
"""

from bmt.ledger.accounts import (
    STANDARD_CHART,
    AccountSpec,
    AccountType,
    Book,
    normal_side,
    standard_chart_by_key,
)
from bmt.ledger.checks import TrialBalanceRow, trial_balance
from bmt.ledger.entries import JournalEntry, Posting, check_balanced, entry, net_by_account, reverse

__all__ = [
    "STANDARD_CHART",
    "AccountSpec",
    "AccountType",
    "Book",
    "JournalEntry",
    "Posting",
    "TrialBalanceRow",
    "check_balanced",
    "entry",
    "net_by_account",
    "normal_side",
    "reverse",
    "standard_chart_by_key",
    "trial_balance",
]
