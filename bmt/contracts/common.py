"""What every akad module shares: the kinds of contract, installments and schedules, and the module surface.

An installment splits into a *principal* part (what returns the financed amount) and a *margin* part (the
return: murabahah margin, MMQ ujrah, zero for qardh). A schedule is a tuple of installments whose parts tie
exactly to its totals; the constructor checks that, so a schedule that does not tie cannot exist.

Example (domain.md Example A3, proportional recognition, the first line)::

    Installment(number=1, due_date=date(2025, 2, 1), amount=D(840_000), principal=D(750_000),
                margin=D(90_000), outstanding_principal=D(8_250_000))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from bmt.errors import InvalidInput
from bmt.money import ZERO, RoundingPolicy


class ContractKind(StrEnum):
    """The akad the engine knows."""

    MURABAHAH = "murabahah"
    MUDHARABAH = "mudharabah"
    MUSYARAKAH = "musyarakah"
    MUSYARAKAH_MUTANAQISAH = "musyarakah_mutanaqisah"
    QARDH = "qardh"


@dataclass(frozen=True, slots=True)
class Installment:
    """One scheduled installment (angsuran).

    Attributes:
        number: 1-based position in the schedule.
        due_date: When it falls due.
        amount: What the customer pays: ``principal + margin``.
        principal: The part that repays the financed amount.
        margin: The return part (margin, ujrah; zero for qardh).
        outstanding_principal: Principal still owed after this installment is paid.
    """

    number: int
    due_date: date
    amount: Decimal
    principal: Decimal
    margin: Decimal
    outstanding_principal: Decimal


@dataclass(frozen=True, slots=True)
class Schedule:
    """A repayment schedule whose installments tie exactly to its totals.

    Attributes:
        kind: The akad this schedule belongs to.
        financed_amount: The principal the installments repay (Σ principal).
        total_margin: The return over the whole schedule (Σ margin).
        installments: The installments, numbered 1..n in due-date order.
        rounding: The name of the rounding policy that produced it (kept with the contract).

    Raises:
        InvalidInput: if the parts do not tie, an amount is negative, or the numbering has gaps.
    """

    kind: ContractKind
    financed_amount: Decimal
    total_margin: Decimal
    installments: tuple[Installment, ...]
    rounding: str

    def __post_init__(self) -> None:
        _check_ties(self)

    @property
    def total_amount(self) -> Decimal:
        """Σ amount: what the customer pays over the schedule."""
        return sum((i.amount for i in self.installments), ZERO)

    @property
    def tenor(self) -> int:
        """Number of installments."""
        return len(self.installments)


def _check_ties(s: Schedule) -> None:
    if not s.installments:
        raise InvalidInput("jadwal angsuran kosong / a schedule needs at least one installment")
    if [i.number for i in s.installments] != list(range(1, len(s.installments) + 1)):
        raise InvalidInput("nomor angsuran harus 1..n berurutan / installments must be numbered 1..n")
    for i in s.installments:
        if i.amount != i.principal + i.margin:
            raise InvalidInput(
                f"angsuran {i.number}: jumlah != pokok + margin / amount != principal + margin"
            )
        if min(i.amount, i.principal, i.margin, i.outstanding_principal) < 0:
            raise InvalidInput(f"angsuran {i.number}: nilai negatif / negative amount in installment")
    if sum((i.principal for i in s.installments), ZERO) != s.financed_amount:
        raise InvalidInput("Σ pokok != jumlah pembiayaan / principals do not sum to the financed amount")
    if sum((i.margin for i in s.installments), ZERO) != s.total_margin:
        raise InvalidInput("Σ margin != total margin / margins do not sum to the total margin")
    if s.installments[-1].outstanding_principal != 0:
        raise InvalidInput("sisa pokok akhir harus nol / the last installment must clear the principal")


def paid_installments_amount(schedule: Schedule, count: int) -> Decimal:
    """Σ amount of the first ``count`` installments (whole installments paid).

    Raises:
        InvalidInput: if ``count`` is not within 0..n.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= schedule.tenor:
        raise InvalidInput(
            f"jumlah angsuran dibayar harus 0..{schedule.tenor} / installments paid must be 0..{schedule.tenor}"
        )
    return sum((i.amount for i in schedule.installments[:count]), ZERO)


class ContractModule(Protocol):
    """The small surface every akad module offers (style.md principle 8)."""

    def build_schedule(self, terms: Any, rounding: RoundingPolicy = ...) -> Any:
        """The schedule (or quote carrying it) for ``terms``."""
        ...

    def entries_for(self, event: Any) -> Sequence[Any]:
        """The journal entries for one event of the contract's life."""
        ...
