"""Akad (contracts): one pure module per contract type, all with the same small surface.

Each module offers a ``...Terms`` value, ``build_schedule(terms, rounding) -> Schedule`` and
``entries_for(event) -> list[JournalEntry]`` (``common.ContractModule``). Schedules are
``common.Schedule`` values whose installments tie exactly to their totals; payments are spread over
installments by ``allocation.allocate`` with an ordered tuple of components.

Worked example (domain.md Example A1, murabahah): cost 10,000,000 at 12 % flat for 12 months gives a
margin of 1,200,000, a selling price of 11,200,000 and installments 933,333 x 11 then 933,337; under
proportional recognition each carries 100,000 margin, under annuity 178,810 down to 16,395.

``REGISTRY`` maps each ``ContractKind`` to its module.
"""

from __future__ import annotations

from types import ModuleType

from bmt.contracts import murabahah
from bmt.contracts.common import ContractKind

REGISTRY: dict[ContractKind, ModuleType] = {
    ContractKind.MURABAHAH: murabahah,
}

__all__ = ["REGISTRY", "ContractKind"]
