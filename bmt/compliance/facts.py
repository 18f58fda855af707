"""The plain facts the DPS rules read: contracts, savings products and accounts, the chart, journal lines,
profit distributions, the amil tallies and the board on file. The review service fills them from the
books; tests build them by hand. A fact group left as ``None`` means "not available" (its module is not
installed): the rules that need it report themselves as not checked instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.money import ZERO


@dataclass(frozen=True, slots=True)
class EventFact:
    """One event of a contract's history (kind, date, amount, payload, the entry it posted)."""

    kind: str
    value_date: date
    amount: Decimal = ZERO
    payload: Mapping[str, Any] = field(default_factory=dict)
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class ContractFact:
    """A financing contract as the DPS sees it.

    Attributes:
        principal: Financed amount (murabahah: cost − urbun) or the BMT's capital.
        selling_price: Murabahah H (fixed at the akad).
        scheduled_total: Σ installments of the current schedule version (None when there is none).
        income_credited: Σ credits to income accounts on the contract's sub-ledger in the period.
        repaid: Σ credits to the contract's receivable (qardh: what the borrower has repaid).
    """

    id: int
    contract_no: str
    kind: str
    status: str
    principal: Decimal = ZERO
    selling_price: Decimal = ZERO
    margin_total: Decimal = ZERO
    down_payment: Decimal = ZERO
    akad_date: date | None = None
    terms: Mapping[str, Any] = field(default_factory=dict)
    schedule_version: int = 1
    scheduled_total: Decimal | None = None
    events: tuple[EventFact, ...] = ()
    income_credited: Decimal = ZERO
    repaid: Decimal = ZERO

    @property
    def ref(self) -> str:
        return f"contract:{self.id}"


@dataclass(frozen=True, slots=True)
class SavingsProductFact:
    id: int
    code: str
    name: str
    kind: str  # wadiah | mudharabah | deposito
    nisbah_member_bps: int


@dataclass(frozen=True, slots=True)
class SavingsAccountFact:
    id: int
    account_no: str
    kind: str
    nisbah_member_bps: int
    status: str = "active"


@dataclass(frozen=True, slots=True)
class ChartFact:
    code: str
    name: str
    kind: str
    book: str
    key: str | None = None
    is_cash: bool = False


@dataclass(frozen=True, slots=True)
class LineFact:
    """A journal line with its entry's context. ``group`` is the account's system key (or its parent's)."""

    entry_id: int
    value_date: date
    code: str
    group: str | None
    kind: str
    book: str
    amount: Decimal  # signed: debit positive
    memo: str = ""
    source: str = ""
    description: str = ""
    subledger: str | None = None
    entry_groups: tuple[str, ...] = ()  # the groups of every line of the same entry

    @property
    def ref(self) -> str:
        return f"journal_entry:{self.entry_id}"


@dataclass(frozen=True, slots=True)
class DistributionFact:
    """One product's monthly profit distribution: the depositors' pool B_j and what was paid to accounts."""

    product: str
    period: str
    pool: Decimal
    paid: Decimal
    ref: str = ""


@dataclass(frozen=True, slots=True)
class AmilFact:
    """The amil share taken from a fund in the financial year against what that fund collected."""

    source_fund: str  # zakat_fund | infaq_fund
    collected: Decimal
    taken: Decimal
    cap_percent: Decimal
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DisbursementFact:
    id: int
    proposal_no: str
    fund: str
    use: str
    status: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class GovernanceFact:
    """The board on file and the Baitul Maal's licence to collect zakat."""

    dps_members: int
    min_dps_members: int = 1
    zakat_collected: Decimal = ZERO
    zakat_authorisation: str = ""


@dataclass(frozen=True, slots=True)
class Books:
    """Everything the rules read, for one cooperative and one period."""

    contracts: tuple[ContractFact, ...] | None = ()
    savings_products: tuple[SavingsProductFact, ...] | None = ()
    savings_accounts: tuple[SavingsAccountFact, ...] | None = ()
    chart: tuple[ChartFact, ...] | None = ()
    lines: tuple[LineFact, ...] | None = ()
    distributions: tuple[DistributionFact, ...] | None = None
    amil: tuple[AmilFact, ...] | None = ()
    disbursements: tuple[DisbursementFact, ...] | None = ()
    governance: GovernanceFact | None = None
