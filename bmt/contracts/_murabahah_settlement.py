"""Murabahah after the akad: splitting payments, early settlement (fatwa 153/2022), rescheduling (48/2005).

Private module; the public names are re-exported by ``bmt.contracts.murabahah``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bmt.contracts._murabahah_pricing import (
    MurabahahQuote,
    MurabahahTerms,
    Recognition,
    _check_date,
    _check_tenor,
    _money,
    annuity_split,
    build_installments,
    check_schedulable,
    implied_monthly_rate,
    level_installments,
    proportional_split,
    quote,
)
from bmt.contracts.allocation import MARGIN_FIRST, allocate, due_items
from bmt.contracts.common import ContractKind, Schedule, paid_installments_amount
from bmt.dates import due_dates
from bmt.errors import InvalidInput, ShariaViolation
from bmt.money import EXACT, POLICIES, R1_HALF_UP_RUPIAH, SEN, ZERO, D, RoundingPolicy


def _policy(schedule: Schedule) -> RoundingPolicy:
    try:
        return POLICIES[schedule.rounding]
    except KeyError:
        raise InvalidInput(
            f"kebijakan pembulatan tidak dikenal: {schedule.rounding!r} / unknown rounding"
        ) from None


def _check_paid(schedule: Schedule, amount_paid: Decimal) -> Decimal:
    """0 <= paid <= receivable, in whole sen (the receivable, not 1e15, is the bound: it may exceed it)."""
    paid = D(amount_paid)
    if paid < 0 or paid != paid.quantize(SEN, context=EXACT):
        raise InvalidInput(
            "jumlah dibayar harus >= 0, paling banyak dua desimal / amount paid must be >= 0 with at most two "
            "decimals",
            field="amount_paid",
        )
    if paid > schedule.total_amount:
        raise InvalidInput(
            "jumlah dibayar melebihi piutang / amount paid exceeds the receivable", field="amount_paid"
        )
    return paid


def margin_recognised(schedule: Schedule, recognition: Recognition, amount_paid: Decimal) -> Decimal:
    """Margin recognised once ``amount_paid`` (all payments so far) has been received.

    Proportional: ``round(paid * M / (P + M))`` (PSAK 102, proportional to cash collected); for whole
    installments this is exactly the schedule's margins. Annuity: payments settle installments oldest
    first and, inside an installment, its margin before its principal (``MARGIN_FIRST``), so a partial
    installment recognises its margin first.

    Raises:
        InvalidInput: if the amount is negative or exceeds the receivable.
    """
    paid = _check_paid(schedule, amount_paid)
    total, margin = schedule.total_amount, schedule.total_margin
    if Recognition(recognition) is Recognition.ANNUITY:
        return allocate(paid, due_items(schedule), MARGIN_FIRST).total("margin")
    if paid == total:
        return margin
    return _policy(schedule).apply(EXACT.divide(EXACT.multiply(paid, margin), total))


def payment_split(
    schedule: Schedule, recognition: Recognition, paid_before: Decimal, payment: Decimal
) -> tuple[Decimal, Decimal]:
    """``(margin, principal)`` of one payment, given what had been paid before it.

    The margin is the increase of ``margin_recognised``, so the parts of any series of payments add up
    to the schedule's totals exactly.
    """
    before = margin_recognised(schedule, recognition, paid_before)
    after = margin_recognised(schedule, recognition, paid_before + payment)
    return after - before, payment - (after - before)


def elapsed_margin(schedule: Schedule, as_of: date | None) -> Decimal:
    """Σ margin of the installments due on or before ``as_of`` (time that has elapsed); 0 if None."""
    if as_of is None:
        return ZERO
    return sum((i.margin for i in schedule.installments if i.due_date <= as_of), ZERO)


def unpaid_due_dates(schedule: Schedule, amount_paid: Decimal, as_of: date) -> list[date]:
    """Due dates of the installments due by ``as_of`` that ``amount_paid`` has not fully covered."""
    paid = _check_paid(schedule, amount_paid)
    out, covered = [], ZERO
    for i in schedule.installments:
        covered += i.amount
        if i.due_date <= as_of and covered > paid:
            out.append(i.due_date)
    return out


@dataclass(frozen=True, slots=True)
class SettlementQuote:
    """The price of settling a murabahah early without charging unelapsed margin (fatwa 153/2022).

    Attributes:
        as_of: The settlement date (None: the customer is taken to be up to date).
        amount_paid: All payments received so far.
        outstanding_receivable: Piutang still owed: receivable - amount paid.
        unrecognised_margin: Margin neither elapsed nor already recognised; it is not charged.
        settlement_amount: What the customer pays now: outstanding - unrecognised margin.
        margin_recognised_by_payments: Margin the payments so far recognised (``margin_recognised``).
        elapsed_margin: Margin of installments due by ``as_of``.
    """

    as_of: date | None
    amount_paid: Decimal
    outstanding_receivable: Decimal
    unrecognised_margin: Decimal
    settlement_amount: Decimal
    margin_recognised_by_payments: Decimal
    elapsed_margin: Decimal

    @property
    def margin_recognised_at_settlement(self) -> Decimal:
        """Elapsed margin of installments in arrears, recognised as income when the settlement is paid."""
        return max(self.elapsed_margin - self.margin_recognised_by_payments, ZERO)

    @property
    def deferred_margin_released(self) -> Decimal:
        """What leaves the deferred-margin account (MMD) at settlement."""
        return self.unrecognised_margin + self.margin_recognised_at_settlement


def live_settlement_quote(
    schedule: Schedule, recognition: Recognition, amount_paid: Decimal, as_of: date | None = None
) -> SettlementQuote:
    """Settlement price for a live contract from the amount actually paid so far (any amount).

    The margin kept is the larger of the margin elapsed by ``as_of`` (installments in arrears still owe
    theirs: that time has passed) and the margin the payments already recognised (margin paid with
    installments ahead of their due date was recognised when received and is not refunded here). The
    rest of the margin is unelapsed and is not charged. The settlement therefore never exceeds the
    outstanding receivable and never falls below the remaining principal.

    Example (A4, proportional, 5,599,998 paid): outstanding 5,600,002, unrecognised 600,000,
    settlement 5,000,002; under annuity 334,405 and 5,265,597.

    Raises:
        InvalidInput: if the amount paid is negative or exceeds the receivable.
    """
    paid = _check_paid(schedule, amount_paid)
    by_payments = margin_recognised(schedule, recognition, paid)
    elapsed = elapsed_margin(schedule, as_of)
    unrecognised = schedule.total_margin - max(elapsed, by_payments)
    outstanding = schedule.total_amount - paid
    return SettlementQuote(
        as_of, paid, outstanding, unrecognised, outstanding - unrecognised, by_payments, elapsed
    )


def settlement_quote(
    terms: MurabahahTerms | MurabahahQuote,
    *,
    installments_paid: int | None = None,
    amount_paid: Decimal | None = None,
    as_of: date | None = None,
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH,
) -> SettlementQuote:
    """Settlement quote from terms (or a quote) and either whole installments paid or an amount paid.

    Raises:
        InvalidInput: unless exactly one of ``installments_paid`` and ``amount_paid`` is given, or when
            either is out of range.
    """
    q = terms if isinstance(terms, MurabahahQuote) else quote(terms, rounding)
    if (installments_paid is None) == (amount_paid is None):
        raise InvalidInput(
            "isi tepat satu dari installments_paid atau amount_paid / give exactly one of installments_paid "
            "or amount_paid",
            field="installments_paid",
        )
    if installments_paid is not None:
        amount_paid = paid_installments_amount(q.schedule, installments_paid)
    return live_settlement_quote(q.schedule, q.recognition, amount_paid, as_of)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class RealCost:
    """A documented real cost of rescheduling, the only fee fatwa 48/2005 allows.

    Attributes:
        description: What it was (e.g. notary fee for the addendum).
        amount: Rupiah, > 0.
        document_ref: The receipt or invoice that proves it; required.
    """

    description: str
    amount: Decimal
    document_ref: str


@dataclass(frozen=True, slots=True)
class Rescheduling:
    """A new schedule over what remains owed, never more (fatwa 48/2005; DPS rule MUR-07).

    Attributes:
        remaining_receivable: Piutang owed before rescheduling.
        margin_reduction: Margin waived (remaining - new receivable), possibly zero.
        schedule: The new schedule; Σ amount = new receivable.
        recognition: Recognition method (unchanged from the akad).
        monthly_rate: Implied monthly rate of the new schedule (fraction).
        real_costs: Documented real costs, charged separately, never added to the receivable.
    """

    remaining_receivable: Decimal
    margin_reduction: Decimal
    schedule: Schedule
    recognition: Recognition
    monthly_rate: Decimal
    real_costs: tuple[RealCost, ...] = ()

    @property
    def fee(self) -> Decimal:
        """Σ real costs charged as a separate fee."""
        return sum((c.amount for c in self.real_costs), ZERO)


def reschedule(
    schedule: Schedule,
    recognition: Recognition,
    *,
    amount_paid: Decimal,
    tenor_months: int,
    first_due_date: date,
    new_receivable: Decimal | None = None,
    real_costs: Sequence[RealCost] = (),
) -> Rescheduling:
    """Spread what remains owed over a new tenor without increasing it.

    The remaining receivable keeps its split: remaining principal plus the margin not yet recognised.
    ``new_receivable`` may lower it (a margin waiver, fatwa 46/2005), down to the remaining principal.

    Raises:
        ShariaViolation: rule MUR-07, if the new receivable exceeds the remaining one or a fee is not a
            documented real cost.
        InvalidInput: if nothing remains, the new receivable is below the remaining principal, or the
            tenor or date are invalid.
    """
    _check_tenor(tenor_months)
    _check_date(first_due_date)
    paid = _check_paid(schedule, amount_paid)
    remaining = schedule.total_amount - paid
    if remaining == 0:
        raise InvalidInput("tidak ada sisa piutang untuk dijadwal ulang / nothing remains to reschedule")
    principal = remaining - (schedule.total_margin - margin_recognised(schedule, recognition, paid))
    target = remaining if new_receivable is None else D(new_receivable)
    # An increase is refused as a sharia matter first; what remains is within 0..remaining by then.
    _check_reschedule_target(target, remaining, principal)
    if principal == 0:
        raise InvalidInput(
            "sisa pokok nol: lunasi sisa margin / no principal remains; settle the remaining margin"
        )
    costs = tuple(_check_real_cost(c) for c in real_costs)
    policy = _policy(schedule)
    new_margin = target - principal
    amounts = level_installments(target, tenor_months, policy)
    check_schedulable(amounts, [ZERO] * tenor_months)
    rate = implied_monthly_rate(principal, amounts)
    if Recognition(recognition) is Recognition.ANNUITY:
        margins = annuity_split(principal, amounts, new_margin, rate, policy)
    else:
        margins = proportional_split(amounts, new_margin, policy)
    check_schedulable(amounts, margins)
    rows = build_installments(principal, due_dates(first_due_date, tenor_months), amounts, margins)
    new = Schedule(ContractKind.MURABAHAH, principal, new_margin, rows, policy.name)
    return Rescheduling(remaining, remaining - target, new, Recognition(recognition), rate, costs)


def _check_reschedule_target(target: Decimal, remaining: Decimal, principal: Decimal) -> None:
    if target > remaining:
        raise ShariaViolation(
            f"penjadwalan ulang tidak boleh menambah sisa piutang ({target} > {remaining}) / rescheduling "
            "may not increase the remaining receivable",
            rule="MUR-07",
        )
    if target != target.quantize(SEN, context=EXACT):
        raise InvalidInput(
            "new_receivable: paling banyak dua desimal / at most two decimals", field="new_receivable"
        )
    if target < principal:
        raise InvalidInput(
            "piutang baru di bawah sisa pokok: itu hapus buku, bukan penjadwalan ulang / new receivable "
            "below the remaining principal is a write-off, not a rescheduling",
            field="new_receivable",
        )


def _check_real_cost(cost: RealCost) -> RealCost:
    if not cost.document_ref or not cost.document_ref.strip():
        raise ShariaViolation(
            f"biaya {cost.description!r} tanpa bukti biaya riil / only documented real costs may be charged",
            rule="MUR-07",
        )
    _money("real_cost", cost.amount)
    return cost
