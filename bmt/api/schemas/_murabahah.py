"""Request and response shapes of the murabahah quote and settlement quote.

Money comes in as ``Decimal`` (a JSON string ``"10000000"`` or a number, both decoded exactly) and goes out
as rupiah strings (``money_str``). Rates come in as percent (``12`` means 12 % a year) and go out as percent
strings with ``RATE_PERCENT_PLACES`` (10) decimals: ``effective_rate_monthly`` is the implied monthly rate
(A1: ``"1.7880981452"``), ``effective_rate_annual`` twelve times it (nominal). Dates are ISO.
Ranges, and "exactly one of the three margin fields", are checked by the pure core (``MurabahahTerms``),
whose ``InvalidInput`` becomes a 400 problem.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

from bmt.contracts.common import Installment
from bmt.contracts.murabahah import MurabahahQuote, MurabahahTerms, SettlementQuote, monthly_rate_percent
from bmt.money import EXACT, ZERO, money_str

RecognitionName = Literal["proportional", "annuity"]


class MurabahahQuoteRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the financing officer enters to price a murabahah. Give exactly one margin field."""

    cost_price: Decimal
    tenor_months: int
    first_due_date: date
    recognition: RecognitionName
    down_payment: Decimal = ZERO
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None

    def to_terms(self) -> MurabahahTerms:
        """The pure core's terms (validated there)."""
        return MurabahahTerms(
            cost_price=self.cost_price,
            tenor_months=self.tenor_months,
            first_due_date=self.first_due_date,
            recognition=self.recognition,  # type: ignore[arg-type]  # the core turns it into Recognition
            down_payment=self.down_payment,
            margin_amount=self.margin_amount,
            margin_rate_flat_annual=self.margin_rate_flat_annual,
            effective_rate_annual=self.effective_rate_annual,
        )


class MurabahahSettlementQuoteRequest(MurabahahQuoteRequest, forbid_unknown_fields=True, kw_only=True):
    """The quote request plus what has been paid: ``installments_paid`` whole installments (0..n), or
    ``amount_paid`` in rupiah (any amount up to the receivable), not both. ``as_of`` is the settlement
    date; without it the customer is taken to be up to date (no margin of months in arrears is added)."""

    installments_paid: int | None = None
    amount_paid: Decimal | None = None
    as_of: date | None = None


class MurabahahInstallmentOut(msgspec.Struct):
    """One installment of the schedule."""

    number: int
    due_date: date
    amount: str
    principal: str
    margin: str
    outstanding_principal: str

    @classmethod
    def of(cls, row: Installment) -> MurabahahInstallmentOut:
        return cls(
            number=row.number,
            due_date=row.due_date,
            amount=money_str(row.amount),
            principal=money_str(row.principal),
            margin=money_str(row.margin),
            outstanding_principal=money_str(row.outstanding_principal),
        )


class MurabahahQuoteResponse(msgspec.Struct):
    """The priced murabahah: totals, the implied rate, and the schedule (Σ amount = receivable)."""

    cost_price: str
    down_payment: str
    financed_amount: str
    total_margin: str
    selling_price: str
    receivable: str
    installment: str
    tenor_months: int
    recognition: str
    effective_rate_monthly: str
    effective_rate_annual: str
    installments: list[MurabahahInstallmentOut]

    @classmethod
    def of(cls, q: MurabahahQuote) -> MurabahahQuoteResponse:
        return cls(
            cost_price=money_str(q.terms.cost_price),
            down_payment=money_str(q.terms.down_payment),
            financed_amount=money_str(q.financed_amount),
            total_margin=money_str(q.total_margin),
            selling_price=money_str(q.selling_price),
            receivable=money_str(q.receivable),
            installment=money_str(q.installment),
            tenor_months=q.terms.tenor_months,
            recognition=str(q.recognition),
            effective_rate_monthly=monthly_rate_percent(q.monthly_rate),
            effective_rate_annual=monthly_rate_percent(EXACT.multiply(q.monthly_rate, 12)),
            installments=[MurabahahInstallmentOut.of(row) for row in q.schedule.installments],
        )


class MurabahahSettlementQuoteResponse(msgspec.Struct):
    """Early settlement without unelapsed margin (fatwa 153/2022): settlement = outstanding - unrecognised."""

    recognition: str
    as_of: date | None
    amount_paid: str
    outstanding_receivable: str
    unrecognised_margin: str
    settlement_amount: str

    @classmethod
    def of(cls, q: MurabahahQuote, s: SettlementQuote) -> MurabahahSettlementQuoteResponse:
        return cls(
            recognition=str(q.recognition),
            as_of=s.as_of,
            amount_paid=money_str(s.amount_paid),
            outstanding_receivable=money_str(s.outstanding_receivable),
            unrecognised_margin=money_str(s.unrecognised_margin),
            settlement_amount=money_str(s.settlement_amount),
        )


__all__ = [
    "MurabahahInstallmentOut",
    "MurabahahQuoteRequest",
    "MurabahahQuoteResponse",
    "MurabahahSettlementQuoteRequest",
    "MurabahahSettlementQuoteResponse",
]
