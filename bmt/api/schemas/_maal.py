"""JSON shapes for the Baitul Maal (``/api/v1/maal``). Money travels as strings of rupiah, dates as ISO."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class DonorCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str = ""
    member_id: int | None = None
    npwp: str = ""
    nik: str = ""
    address: str = ""
    phone: str = ""
    wealth_start: date | None = None


class DonorUpdate(msgspec.Struct, forbid_unknown_fields=True):
    npwp: str | None = None
    wealth_start: date | None = None
    clear_wealth_start: bool = False


class HaulRead(msgspec.Struct):
    start: date
    due: date
    start_hijri: str
    due_hijri: str
    complete: bool
    days_left: int


class DonorRead(msgspec.Struct):
    id: int
    name: str
    member_id: int | None
    npwp: str
    nik: str
    address: str
    phone: str
    wealth_start: date | None
    haul: HaulRead | None


class MustahikCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    asnaf: str
    member_id: int | None = None
    nik: str = ""
    address: str = ""
    phone: str = ""
    notes: str = ""


class MustahikRead(msgspec.Struct):
    id: int
    name: str
    asnaf: str
    asnaf_label: str
    member_id: int | None
    address: str
    active: bool


class FundCreate(msgspec.Struct, forbid_unknown_fields=True):
    purpose: str
    name: str
    description: str = ""


class FundRead(msgspec.Struct):
    purpose: str
    name: str
    description: str
    balance: str
    active: bool


class ReceiptCreate(msgspec.Struct, forbid_unknown_fields=True):
    donor_id: int
    kind: str  # zakat | infaq | infaq_restricted
    amount: Decimal
    channel: str = "cash"  # cash | savings | maal_cash | maal_bank
    zakat_type: str = ""
    purpose: str | None = None
    savings_account_id: int | None = None
    note: str = ""


class ReceiptRead(msgspec.Struct):
    id: int
    receipt_no: str
    donor_id: int
    donor_name: str
    kind: str
    zakat_type: str
    purpose: str | None
    amount: str
    channel: str
    value_date: date
    tamwil_entry_id: int | None
    maal_entry_id: int


class ProposalCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: str  # zakat | spending | qardhul_hasan
    amount: Decimal
    fund: str = "zakat_fund"
    purpose: str | None = None
    use: str = ""
    mustahik_id: int | None = None
    asnaf: str | None = None
    beneficiary: str = ""
    paid_from: str = "maal_cash"
    savings_account_id: int | None = None
    description: str = ""


class ProposalRead(msgspec.Struct):
    id: int
    proposal_no: str
    kind: str
    fund: str
    purpose: str | None
    use: str
    asnaf: str | None
    mustahik_id: int | None
    beneficiary: str
    amount: str
    paid_from: str
    savings_account_id: int | None
    description: str
    status: str
    maker_id: int
    checker_id: int | None
    value_date: date | None
    entry_id: int | None
    outstanding: str | None = None


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    note: str = ""


class Repayment(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    received_in: str = "maal_cash"


class Forgiveness(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    amount: Decimal | None = None


class AmilAllocation(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    source_fund: str = "zakat_fund"
    note: str = ""


class Settlement(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal | None = None
    into: str = "maal_cash"


class NonhalalReceipt(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    kind: str = "bank_interest"
    received_in: str | None = None
    note: str = ""


class EntryIds(msgspec.Struct):
    entry_id: int
    tamwil_entry_id: int | None = None


class AmilRead(msgspec.Struct):
    source_fund: str
    cap_percent: str
    collected: str
    cap: str
    taken: str
    remaining: str


class BalancesRead(msgspec.Struct):
    funds: dict[str, str]
    restricted: dict[str, str]
    assets: dict[str, str]
    qardhul_hasan_outstanding: str
    kebajikan_available: str
    owed_by_tamwil: dict[str, str]
    amil: list[AmilRead]
    pending_proposals: int


class SettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    amil_cap_percent: Decimal | None = None
    collect_only: bool | None = None
    collect_only_cap_percent: Decimal | None = None
    infaq_amil_cap_percent: Decimal | None = None
    tazir_fund: str | None = None
    bank_interest_fund: str | None = None
    coop_zakat_method: str | None = None
    gold_price: Decimal | None = None


class CoopZakatIn(msgspec.Struct, forbid_unknown_fields=True):
    year: int
    as_of: date | None = None
    gold_price: Decimal | None = None
    method: str | None = None


class CoopZakatRead(msgspec.Struct):
    year: int
    method: str
    as_of: date
    current_assets: str
    current_liabilities: str
    shu: str
    gold_price: str
    basis: str
    nisab: str
    obligated: bool
    zakat_due: str
    posted: bool
    tamwil_entry_id: int | None = None
    maal_entry_id: int | None = None


class NisabYearIn(msgspec.Struct, forbid_unknown_fields=True):
    year: int
    annual: Decimal
    reference: str = ""


class NisabYearRead(msgspec.Struct):
    year: int
    annual: str
    monthly: str
    source: str  # "bawaan" (shipped) | "admin"
    reference: str = ""


class SectionRead(msgspec.Struct):
    key: str
    title: str
    opening: str
    increases: dict[str, str]
    decreases: dict[str, str]
    closing: str
    notes: dict[str, str]


class AsnafRowRead(msgspec.Struct):
    asnaf: str
    label: str
    amount: str
    payments: int
    share_percent: str


class RestrictedStatementRead(msgspec.Struct):
    purpose: str
    name: str
    since: date
    through: date
    opening: str
    gifts: list[dict[str, str]]
    uses: list[dict[str, str]]
    other: str
    closing: str
