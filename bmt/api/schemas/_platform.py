"""JSON shapes for auth, members and the ledger. Money travels as strings of rupiah."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str


class TokenResponse(msgspec.Struct):
    access_token: str
    token_type: str
    role: str
    expires_in_hours: int


class MemberCreate(msgspec.Struct, forbid_unknown_fields=True):
    nik: str
    name: str
    birth_date: date
    address: str
    phone: str
    joined_on: date | None = None
    simpanan_pokok_paid: bool = True


class MemberRead(msgspec.Struct):
    id: int
    member_no: str
    nik: str
    name: str
    birth_date: date
    gender: str
    address: str
    phone: str
    joined_on: date
    status: str
    simpanan_pokok: str | None = None
    simpanan_wajib: str | None = None


class MemberPage(msgspec.Struct):
    items: list[MemberRead]
    total: int
    limit: int
    offset: int


class Deactivate(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    refund_equity: bool = False


class WajibPayment(msgspec.Struct, forbid_unknown_fields=True):
    period: str
    amount: Decimal | None = None


class EntryId(msgspec.Struct):
    entry_id: int


class DraftLineIn(msgspec.Struct, forbid_unknown_fields=True):
    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    memo: str = ""


class DraftCreate(msgspec.Struct, forbid_unknown_fields=True):
    value_date: date
    description: str
    lines: list[DraftLineIn]
    book: str = "tamwil"


class DraftRead(msgspec.Struct):
    id: int
    status: str
    value_date: date
    description: str
    book: str
    maker_id: int
    checker_id: int | None
    entry_id: int | None
    lines: list[dict[str, str]]


class Reason(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    value_date: date | None = None


class TrialBalanceLine(msgspec.Struct):
    code: str
    name: str
    kind: str
    book: str
    debit: str
    credit: str


class TrialBalance(msgspec.Struct):
    as_of: date
    lines: list[TrialBalanceLine]
    total_debit: str
    total_credit: str


class AccountRead(msgspec.Struct):
    code: str
    name: str
    kind: str
    book: str
    key: str | None
    parent_code: str | None
    system: bool


class AccountCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    parent_code: str


class AccountRename(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class LedgerLineRead(msgspec.Struct):
    entry_id: int
    value_date: date
    description: str
    debit: str
    credit: str
    balance: str


class GeneralLedger(msgspec.Struct):
    account: str
    name: str
    opening: str
    lines: list[LedgerLineRead]


class EntryRead(msgspec.Struct):
    id: int
    value_date: date
    book: str
    description: str
    source: str
    maker_id: int | None
    checker_id: int | None
    reverses_id: int | None
    lines: list[dict[str, str]]
