"""JSON shapes for savings, deposits and the teller's drawer. Money travels as strings of rupiah."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class ProductCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    kind: str  # wadiah | mudharabah | deposito
    nisbah_member_percent: Decimal = Decimal(0)
    tenor_months: int | None = None
    min_opening: Decimal = Decimal(0)
    min_balance: Decimal = Decimal(0)
    dormant_after_days: int = 365
    approval_threshold: Decimal = Decimal(10_000_000)
    aro_default: bool = True
    early_break: str = "forfeit_month"


class ProductRead(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    nisbah_member_percent: str
    tenor_months: int | None
    min_opening: str
    min_balance: str
    dormant_after_days: int
    approval_threshold: str
    aro_default: bool
    early_break: str


class AccountOpen(msgspec.Struct, forbid_unknown_fields=True):
    member_id: int
    product_id: int
    initial_deposit: Decimal = Decimal(0)
    aro: bool | None = None
    profit_to_account_id: int | None = None
    funding_account_id: int | None = None


class Amount(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    memo: str = ""


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    from_account_id: int
    to_account_id: int
    amount: Decimal


class BreakIn(msgspec.Struct, forbid_unknown_fields=True):
    to_account_id: int | None = None


class AccountRead(msgspec.Struct):
    id: int
    account_no: str
    member_id: int
    member_name: str
    product_code: str
    kind: str
    status: str
    balance: str
    nisbah_member_percent: str
    opened_on: date
    maturity_date: date | None
    aro: bool
    profit_to_account_id: int | None


class StatementLineRead(msgspec.Struct):
    value_date: date
    entry_id: int
    description: str
    debit: str
    credit: str
    balance: str


class StatementRead(msgspec.Struct):
    account_id: int
    account_no: str
    since: date
    through: date
    opening_balance: str
    closing_balance: str
    lines: list[StatementLineRead]


class AdbRead(msgspec.Struct):
    account_id: int
    average_daily_balance: str
    closing_balance: str


class DrawerOpen(msgspec.Struct, forbid_unknown_fields=True):
    float_amount: Decimal


class DrawerCount(msgspec.Struct, forbid_unknown_fields=True):
    counted_amount: Decimal


class DrawerRead(msgspec.Struct):
    id: int
    teller_id: int
    business_date: date
    status: str
    float_amount: str
    balance: str | None = None
    expected_amount: str | None = None
    counted_amount: str | None = None
    difference: str | None = None


class SubledgerCheckRead(msgspec.Struct):
    kind: str
    control_account: str
    control_balance: str
    accounts_balance: str
    lines_balance: str
    ok: bool
