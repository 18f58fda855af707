"""JSON shapes of the month-end profit distribution (runs, pools, account lines, explanation, reconciliation).

Money paid is a string of rupiah (``money_str``). Exact figures that rarely terminate (ADB, the income attributed
to a pool, the depositors' share before flooring, residues, equivalent rates) are plain decimal strings of up to
50 significant digits, exact whenever the value terminates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec


class RunCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Compute (or recompute) a month's draft distribution."""

    period: str  # YYYY-MM
    value_date: date | None = None


class BonusCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A wadiah bonus decided by management: the total is spread over wadiah accounts by ADB."""

    period: str
    total: Decimal
    value_date: date | None = None


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class PoolRead(msgspec.Struct):
    pool_no: int
    product_id: int | None
    code: str
    name: str
    kind: str
    nisbah_percent: str
    accounts: int
    adb: str
    income_share: str
    member_share: str
    bmt_share: str
    carried_in: str
    pool: str
    equivalent_rate_percent: str
    paid_total: str
    tax_total: str
    forfeited: str
    residue: str


class RunRead(msgspec.Struct):
    id: int
    kind: str
    period: str
    since: date
    through: date
    days: int
    value_date: date
    status: str
    version: int
    income: str
    financing_adb: str
    equity_adb: str
    divisor: str
    member_share: str
    bmt_share: str
    paid_total: str
    tax_total: str
    forfeited_total: str
    accounts: int
    paid_accounts: int
    computed_by: int
    approved_by: int | None
    posted_by: int | None
    entry_ids: list[int]
    reversal_requested_by: int | None
    reversal_reason: str
    reversal_entry_ids: list[int]
    income_detail: dict[str, Any]
    settings: dict[str, Any]
    previous: dict[str, Any]
    pools: list[PoolRead]


class RunSummary(msgspec.Struct):
    id: int
    kind: str
    period: str
    status: str
    version: int
    income: str
    paid_total: str
    paid_accounts: int
    value_date: date


class LineRead(msgspec.Struct):
    account_id: int
    account_no: str
    member_name: str
    pool_no: int
    adb: str
    share_exact: str
    share_floor: str
    share_paid: str
    tax: str
    credited: str
    credited_to: str


class ExplanationRead(msgspec.Struct):
    """How one account's share of one month was made."""

    account_id: int
    account_no: str
    period: str
    run_id: int
    status: str
    days: int
    account_adb: str
    product_code: str
    product_name: str
    nisbah_percent: str
    product_adb: str
    income: str
    financing_adb: str
    divisor: str
    income_share: str
    member_share: str
    carried_in: str
    pool: str
    equivalent_rate_percent: str
    share_exact: str
    share_floor: str
    share_paid: str
    tax: str
    credited: str
    credited_to: str
    personal_rate_percent: str
    forfeited: bool


class ReconciliationRow(msgspec.Struct):
    label: str
    amount: str
    note: str


class ReconciliationRead(msgspec.Struct):
    """Laporan rekonsiliasi pendapatan dan bagi hasil (PSAK 101)."""

    run_id: int
    period: str
    rows: list[ReconciliationRow]
    income: str
    depositors_share: str
    bmt_share: str
    accounts: list[dict[str, Any]]
    excluded: list[dict[str, str]]
