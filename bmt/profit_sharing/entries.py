"""Journal entries of a month's distribution (domain.md §4.2 item 8; Example B journal).

* Savings: Dr ``profit_sharing_expense`` / Cr ``mudharabah_savings`` on the account's sub-ledger
  ``savings:<id>``.
* Deposits: Dr the same / Cr ``deposit_profit_payable`` (sub-ledger ``deposit:<id>``), or, when the
  deposito pays into a linked savings account, Cr that savings account's sub-ledger.
* Optional withholding tax: the tax part of a payout goes to Cr ``tax_payable`` instead of the member's
  account (rate, exemption threshold and rounding are settings: the PPh rules for cooperatives are
  unsourced in domain.md, check them with the auditor).
* Wadiah bonus: Dr ``wadiah_bonus_expense`` / Cr ``wadiah_savings``.

Only whole-rupiah amounts actually paid are posted; the residue is not: it stays in the product's pool
(a carried figure, not a ledger balance). A month of a large BMT has a million lines, so the lines are
cut into entries of at most ``MAX_LINES_PER_ENTRY`` (10,000) lines, each balanced on its own: one debit
line for the chunk's total, the credits, and one tax line when tax was withheld.

Example B: Dr 4,261,571 / Cr tabungan mudharabah 1,461,110 / Cr utang bagi hasil deposito 2,800,461.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bmt.errors import InvalidInput
from bmt.ledger.entries import MAX_LINES_PER_ENTRY, JournalEntry, Posting
from bmt.money import R1_HALF_UP_RUPIAH, ZERO, D, RoundingPolicy, percent, round_money


class PayoutKind(StrEnum):
    """What a payout is, for the tax rule (which kinds are taxed)."""

    SAVINGS = "savings"
    DEPOSIT = "deposit"
    WADIAH_BONUS = "wadiah_bonus"


@dataclass(frozen=True, slots=True)
class Payout:
    """One account's whole-rupiah share, and where it is credited. Build with the class methods.

    Attributes:
        account_id: The savings/deposit account it belongs to.
        amount: Whole rupiah paid (the floored share), ≥ 0.
        kind: savings, deposit or wadiah bonus.
        credit_account: Chart key credited.
        subledger: Sub-ledger reference credited.
    """

    account_id: str | int
    amount: Decimal
    kind: PayoutKind
    credit_account: str
    subledger: str

    def __post_init__(self) -> None:
        amount = D(self.amount)
        if amount < 0 or amount != amount.to_integral_value():
            raise InvalidInput(
                f"bagi hasil rekening {self.account_id} harus rupiah bulat ≥ 0 / whole rupiah ≥ 0"
            )
        object.__setattr__(self, "amount", amount)

    @classmethod
    def to_savings(cls, account_id: str | int, amount: Decimal | int) -> Payout:
        """A mudharabah savings share, credited to the account itself."""
        return cls(account_id, D(amount), PayoutKind.SAVINGS, "mudharabah_savings", f"savings:{account_id}")

    @classmethod
    def to_deposit(
        cls,
        account_id: str | int,
        amount: Decimal | int,
        *,
        linked_savings: str | int | None = None,
        wadiah: bool = False,
    ) -> Payout:
        """A deposito share: payable, or credited to the linked (mudharabah or wadiah) savings account."""
        if linked_savings is None:
            return cls(
                account_id, D(amount), PayoutKind.DEPOSIT, "deposit_profit_payable", f"deposit:{account_id}"
            )
        key = "wadiah_savings" if wadiah else "mudharabah_savings"
        return cls(account_id, D(amount), PayoutKind.DEPOSIT, key, f"savings:{linked_savings}")

    @classmethod
    def wadiah_bonus(cls, account_id: str | int, amount: Decimal | int) -> Payout:
        """A discretionary wadiah bonus, credited to the wadiah savings account."""
        return cls(account_id, D(amount), PayoutKind.WADIAH_BONUS, "wadiah_savings", f"savings:{account_id}")


@dataclass(frozen=True, slots=True)
class WithholdingTax:
    """Tax withheld from payouts above a threshold (the whole payout is taxed once above it).

    Attributes:
        rate_percent: Tax rate, 0..100.
        threshold: Payouts up to and including this amount are not taxed.
        rounding: How the tax is rounded to whole rupiah (named, passed in).
        applies_to: Kinds of payout taxed.
    """

    rate_percent: Decimal
    threshold: Decimal = ZERO
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH
    applies_to: frozenset[PayoutKind] = field(default_factory=lambda: frozenset(PayoutKind))

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate_percent", percent(self.rate_percent, name="tarif pajak / tax rate"))
        if D(self.threshold) < 0:
            raise InvalidInput("batas bebas pajak tidak boleh negatif / threshold must not be negative")

    def tax_on(self, payout: Payout) -> Decimal:
        """The tax withheld from ``payout`` (0 when exempt)."""
        if payout.kind not in self.applies_to or payout.amount <= self.threshold:
            return ZERO
        tax = round_money(payout.amount * self.rate_percent / 100, self.rounding)
        return min(tax, payout.amount)


def distribution_entries(
    payouts: Iterable[Payout],
    value_date: date,
    period: str,
    *,
    withholding: WithholdingTax | None = None,
    max_lines: int = MAX_LINES_PER_ENTRY,
) -> list[JournalEntry]:
    """Entries for a month's profit-sharing payouts (savings and deposits), chunked and balanced.

    Args:
        payouts: One per account; zero payouts are skipped.
        value_date: The distribution date (usually the month's last day).
        period: Label of the period, e.g. ``"2025-06"``; used in descriptions and sources.
        withholding: Optional tax withheld to ``tax_payable``.
        max_lines: Most lines per entry (≥ 3, ≤ the ledger's limit).

    Returns:
        Balanced entries in payout order; empty when nothing was paid.
    """
    header = _Header("profit_sharing_expense", "Distribusi bagi hasil", "profit_sharing")
    return _chunked_entries(payouts, value_date, period, header, withholding, max_lines)


def wadiah_bonus_entries(
    payouts: Iterable[Payout],
    value_date: date,
    period: str,
    *,
    withholding: WithholdingTax | None = None,
    max_lines: int = MAX_LINES_PER_ENTRY,
) -> list[JournalEntry]:
    """Entries for a decided wadiah bonus: Dr wadiah_bonus_expense / Cr wadiah_savings (chunked)."""
    header = _Header("wadiah_bonus_expense", "Bonus wadiah", "wadiah_bonus")
    return _chunked_entries(payouts, value_date, period, header, withholding, max_lines)


@dataclass(frozen=True, slots=True)
class _Header:
    debit_account: str
    title: str
    source: str


def _chunked_entries(
    payouts: Iterable[Payout],
    value_date: date,
    period: str,
    header: _Header,
    withholding: WithholdingTax | None,
    max_lines: int,
) -> list[JournalEntry]:
    if not 3 <= max_lines <= MAX_LINES_PER_ENTRY:
        raise InvalidInput(
            f"max_lines harus 3..{MAX_LINES_PER_ENTRY} / max_lines must be 3..{MAX_LINES_PER_ENTRY}"
        )
    paid = [p for p in payouts if p.amount > 0]
    per_chunk = max_lines - 2  # room for the debit line and one tax line
    chunks = [paid[i : i + per_chunk] for i in range(0, len(paid), per_chunk)]
    n = len(chunks)
    return [
        JournalEntry(
            value_date,
            f"{header.title} {period} (bagian {k}/{n})",
            _chunk_lines(chunk, header.debit_account, withholding),
            source=f"{header.source}:{period}:{k}",
        )
        for k, chunk in enumerate(chunks, start=1)
    ]


def _chunk_lines(
    chunk: Sequence[Payout], debit_account: str, withholding: WithholdingTax | None
) -> tuple[Posting, ...]:
    lines: list[Posting] = []
    total = tax_total = ZERO
    for p in chunk:
        tax = withholding.tax_on(p) if withholding else ZERO
        if p.amount > tax:
            lines.append(Posting.credit(p.credit_account, p.amount - tax, p.subledger))
        total += p.amount
        tax_total += tax
    if tax_total:
        lines.append(Posting.credit("tax_payable", tax_total, memo="PPh atas bagi hasil"))
    return (Posting.debit(debit_account, total), *lines)
