"""Ta'zir: the late fee of fatwa 17/2000, a fixed sum agreed in the akad, for the kebajikan fund.

Private module; the public names are re-exported by ``bmt.contracts.murabahah``. Receiving it is journalled
by ``TazirReceived`` (never to income, FEE-01).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bmt.contracts._murabahah_journals import _amount
from bmt.errors import InvalidInput, ShariaViolation
from bmt.money import ZERO


class LateFeeBasis(StrEnum):
    """How a late fee is set. Only a fixed amount is allowed (FEE-02)."""

    FIXED_PER_INSTALLMENT = "fixed_per_installment"
    PERCENT_OF_OUTSTANDING = "percent_of_outstanding"
    PERCENT_PER_DAY = "percent_per_day"


@dataclass(frozen=True, slots=True)
class TazirPolicy:
    """The ta'zir agreed and written in the akad (fatwa 17/2000).

    Attributes:
        amount: Fixed rupiah per overdue installment.
        grace_days: Days after the due date before an installment counts as late.
        basis: Must be ``fixed_per_installment``; a percentage of the outstanding is riba-like.

    Raises:
        ShariaViolation: FEE-02 for any percentage basis.
        InvalidInput: for a negative amount or grace period outside 0..365 days.
    """

    amount: Decimal
    grace_days: int = 0
    basis: LateFeeBasis | str = LateFeeBasis.FIXED_PER_INSTALLMENT

    def __post_init__(self) -> None:
        if self.basis != LateFeeBasis.FIXED_PER_INSTALLMENT:
            raise ShariaViolation(
                "denda berupa persentase dari sisa pembiayaan tidak dibolehkan; ta'zir adalah jumlah tetap / "
                "a late fee as a percentage of the outstanding is not allowed; ta'zir is a fixed amount",
                rule="FEE-02",
            )
        object.__setattr__(self, "amount", _amount("tazir_amount", self.amount, allow_zero=True))
        if (
            isinstance(self.grace_days, bool)
            or not isinstance(self.grace_days, int)
            or not 0 <= self.grace_days <= 365
        ):
            raise InvalidInput(
                "masa tenggang harus 0..365 hari / grace period must be 0..365 days", field="grace_days"
            )


def tazir_due(
    policy: TazirPolicy,
    unpaid_due_dates: Sequence[date],
    as_of: date,
    *,
    force_majeure: bool = False,
    waived: bool = False,
    able_to_pay: bool = True,
    deliberate_delay: bool = True,
) -> Decimal:
    """Ta'zir owed: the fixed amount for each unpaid installment late beyond the grace period.

    Only a customer able to pay who delays deliberately is fined (FEE-01); force majeure or a waiver
    means no fine at all.
    """
    if force_majeure or waived or not (able_to_pay and deliberate_delay):
        return ZERO
    late = sum(1 for due in unpaid_due_dates if (as_of - due).days > policy.grace_days)
    return policy.amount * late
