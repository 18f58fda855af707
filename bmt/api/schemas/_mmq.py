"""Request and response shapes of the MMQ (musyarakah mutanaqisah) quote.

Money comes in as ``Decimal`` (a JSON string "150000000" or a number, both decoded exactly) and goes out as
rupiah strings (``money_str``); the ownership percent goes out as a percent string with 4 decimals.
Ranges are checked by the pure core (``MmqTerms``), whose ``InvalidInput`` becomes a 400 problem.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from bmt.contracts.musyarakah import MmqInstallment, MmqSchedule, MmqTerms, RentReview
from bmt.money import money_str


class RentReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """A rent agreed at a review: ``monthly_rent`` (of the whole asset) from month ``from_month`` on."""

    from_month: int
    monthly_rent: Decimal


class MmqQuoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What the financing officer enters to quote an MMQ."""

    asset_price: Decimal
    bmt_share_amount: Decimal
    monthly_rent: Decimal
    tenor_months: int
    first_due_date: date
    rent_reviews: list[RentReviewIn] = []

    def to_terms(self) -> MmqTerms:
        """The pure core's terms (validated there)."""
        return MmqTerms(
            asset_price=self.asset_price,
            bmt_share_amount=self.bmt_share_amount,
            monthly_rent=self.monthly_rent,
            tenor_months=self.tenor_months,
            first_due_date=self.first_due_date,
            rent_reviews=tuple(RentReview(r.from_month, r.monthly_rent) for r in self.rent_reviews),
        )


class MmqInstallmentOut(msgspec.Struct):
    """One month of the quote."""

    number: int
    due_date: date
    bmt_share_percent_start: str
    rent_to_bmt: str
    buyback: str
    payment: str
    bmt_balance_end: str

    @classmethod
    def of(cls, row: MmqInstallment) -> MmqInstallmentOut:
        """The API shape of one schedule row."""
        return cls(
            number=row.number,
            due_date=row.due_date,
            bmt_share_percent_start=str(row.bmt_share_percent_start),
            rent_to_bmt=money_str(row.rent_to_bmt),
            buyback=money_str(row.buyback),
            payment=money_str(row.payment),
            bmt_balance_end=money_str(row.bmt_balance_end),
        )


class MmqQuoteResponse(msgspec.Struct):
    """The quote: the inputs echoed, the monthly schedule, and its totals."""

    asset_price: str
    bmt_share_amount: str
    customer_share_amount: str
    monthly_rent: str
    tenor_months: int
    installments: list[MmqInstallmentOut]
    total_rent_to_bmt: str
    total_buyback: str
    total_payment: str

    @classmethod
    def of(cls, schedule: MmqSchedule) -> MmqQuoteResponse:
        """The API shape of a whole schedule."""
        terms = schedule.terms
        return cls(
            asset_price=money_str(terms.asset_price),
            bmt_share_amount=money_str(terms.bmt_share_amount),
            customer_share_amount=money_str(terms.customer_share_amount),
            monthly_rent=money_str(terms.monthly_rent),
            tenor_months=terms.tenor_months,
            installments=[MmqInstallmentOut.of(row) for row in schedule.installments],
            total_rent_to_bmt=money_str(schedule.total_rent_to_bmt),
            total_buyback=money_str(schedule.total_buyback),
            total_payment=money_str(schedule.total_payment),
        )


__all__ = ["MmqInstallmentOut", "MmqQuoteRequest", "MmqQuoteResponse", "RentReviewIn"]
