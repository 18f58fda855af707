"""Payment allocation: which parts of which installments a payment settles.

A payment goes to installments oldest first; inside each installment it settles the components in the order
given (an ordered tuple of component names, not a class per order), and moves to the next installment only
when the current one is fully paid. A payment smaller than what is due leaves the current installment
partly paid; a payment larger than what is due runs on into later installments (an advance payment); what
exceeds everything still owed is reported as ``unapplied`` for the caller to refund or hold.

Example (domain.md Example A1, proportional; 1,000,000 paid against installments 1 and 2)::

    items = due_items(schedule)                  # {"margin": 100000, "principal": 833333}, ...
    allocate(D(1_000_000), items, ("margin", "principal"))
    # -> installment 1: margin 100,000, principal 833,333; installment 2: margin 66,667
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bmt.contracts.common import Schedule
from bmt.errors import InvalidInput
from bmt.money import ZERO

#: Most installments one allocation walks through (a 30-year monthly schedule is 360).
MAX_ITEMS = 10_000

MARGIN_FIRST: tuple[str, ...] = ("margin", "principal")
PRINCIPAL_FIRST: tuple[str, ...] = ("principal", "margin")


@dataclass(frozen=True, slots=True)
class DueItem:
    """What is still owed on one installment, by component.

    Attributes:
        number: The installment number (allocation goes in increasing number: oldest first).
        amounts: Unpaid amount per component name, e.g. ``{"margin": ..., "principal": ...}``.
    """

    number: int
    amounts: Mapping[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass(frozen=True, slots=True)
class AllocatedLine:
    """One piece of a payment: ``amount`` of ``component`` of installment ``number``."""

    number: int
    component: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """The result of allocating one payment.

    Attributes:
        lines: Non-zero pieces, in the order they were settled.
        unapplied: What exceeded everything still owed.
    """

    lines: tuple[AllocatedLine, ...]
    unapplied: Decimal

    def total(self, component: str | None = None) -> Decimal:
        """Σ allocated, for one component or for all."""
        return sum((ln.amount for ln in self.lines if component is None or ln.component == component), ZERO)

    def for_installment(self, number: int) -> dict[str, Decimal]:
        """Allocated amount per component for one installment."""
        out: dict[str, Decimal] = {}
        for ln in self.lines:
            if ln.number == number:
                out[ln.component] = out.get(ln.component, ZERO) + ln.amount
        return out


def allocate(amount: Decimal, items: Sequence[DueItem], order: tuple[str, ...] = MARGIN_FIRST) -> Allocation:
    """Allocate ``amount`` over ``items`` oldest first, components in ``order`` inside each installment.

    Args:
        amount: The payment (>= 0).
        items: What is still owed per installment; sorted here by number.
        order: Component names in the order they are settled inside an installment.

    Returns:
        The pieces settled and what was left over.

    Raises:
        InvalidInput: for a negative amount, an empty or repeated order, a component that the order does
            not name (it could never be paid), negative dues, or too many items.
    """
    _check_order(order, items)
    if amount < 0:
        raise InvalidInput("pembayaran tidak boleh negatif / payment must not be negative")
    left = amount
    lines: list[AllocatedLine] = []
    for item in sorted(items, key=lambda it: it.number):
        for component in order:
            take = min(left, item.amounts.get(component, ZERO))
            if take > 0:
                lines.append(AllocatedLine(item.number, component, take))
                left -= take
        if left == 0:
            break
    return Allocation(tuple(lines), left)


def _check_order(order: tuple[str, ...], items: Sequence[DueItem]) -> None:
    if not order or len(set(order)) != len(order):
        raise InvalidInput("urutan komponen harus berisi nama unik / order must name each component once")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"terlalu banyak angsuran (> {MAX_ITEMS}) / too many installments")
    named = set(order)
    for item in items:
        for component, due in item.amounts.items():
            if due < 0:
                raise InvalidInput(f"angsuran {item.number}: tunggakan negatif / negative amount due")
            if due > 0 and component not in named:
                raise InvalidInput(
                    f"komponen {component!r} tidak ada dalam urutan / not in the allocation order"
                )


def due_items(schedule: Schedule) -> list[DueItem]:
    """Every installment of ``schedule`` as fully unpaid items (margin and principal)."""
    return [DueItem(i.number, {"margin": i.margin, "principal": i.principal}) for i in schedule.installments]


def remaining(items: Sequence[DueItem], allocation: Allocation) -> list[DueItem]:
    """``items`` less what ``allocation`` settled; fully paid installments are dropped."""
    out = []
    for item in sorted(items, key=lambda it: it.number):
        paid = allocation.for_installment(item.number)
        left = {c: due - paid.get(c, ZERO) for c, due in item.amounts.items()}
        if any(v > 0 for v in left.values()):
            out.append(DueItem(item.number, left))
    return out
