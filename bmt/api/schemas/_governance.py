"""JSON shapes for the financial statements, period close, SHU at the RAT and the DPS review.

Money travels as strings of rupiah (``money_str``; a negative amount keeps its minus sign), percentages as
strings of percent, dates ISO.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from bmt.errors import InvalidInput


class StatementLineRead(msgspec.Struct):
    label: str
    amounts: list[str | None]
    accounts: list[str]
    style: str
    indent: int


class StatementBlockRead(msgspec.Struct):
    title: str
    columns: list[str]
    lines: list[StatementLineRead]


class TieRead(msgspec.Struct):
    label: str
    left: str
    right: str
    ok: bool


class StatementRead(msgspec.Struct):
    slug: str
    title: str
    subtitle: str
    columns: list[str]
    blocks: list[StatementBlockRead]
    ties: list[TieRead]
    ok: bool
    note: str = ""


class StatementSetRead(msgspec.Struct):
    cooperative: str
    branch: str | None
    period: str
    since: date
    through: date
    prior_period: str
    ok: bool
    statements: list[StatementRead]


class CheckRead(msgspec.Struct):
    code: str
    title: str
    ok: bool
    detail: str
    skipped: bool


class ClosePeriod(msgspec.Struct, forbid_unknown_fields=True):
    period: str


class CloseYear(msgspec.Struct, forbid_unknown_fields=True):
    year: int


class Reopen(msgspec.Struct, forbid_unknown_fields=True):
    back_to: date
    reason: str


class CloseRead(msgspec.Struct):
    run_id: int
    kind: str
    period: str
    status: str
    checks: list[CheckRead]
    shu: str | None = None
    entry_ids: list[int] = msgspec.field(default_factory=list)


class ShuPolicyWrite(msgspec.Struct, forbid_unknown_fields=True):
    percentages: dict[str, Decimal]
    zakat_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if any(v < 0 for v in self.percentages.values()) or self.zakat_percent < 0:
            raise InvalidInput("persentase tidak boleh negatif / percentages must not be negative", field="percentages")


class ShuPolicyRead(msgspec.Struct):
    percentages: dict[str, str]
    zakat_percent: str


class ShuCalculate(msgspec.Struct, forbid_unknown_fields=True):
    target: str = "savings"


class ShuPost(msgspec.Struct, forbid_unknown_fields=True):
    rat_date: date | None = None


class ShuPartRead(msgspec.Struct):
    category: str
    label: str
    percent: str
    amount: str


class ShuMemberRead(msgspec.Struct):
    member_id: int
    member_no: str
    name: str
    modal_basis: str
    usaha_basis: str
    jasa_modal: str
    jasa_usaha: str
    total: str
    to: str


class ShuRunRead(msgspec.Struct):
    id: int
    year: int
    status: str
    shu: str
    zakat: str
    members_total: str
    residue: str
    target: str
    parts: list[ShuPartRead]
    members: list[ShuMemberRead]
    entry_ids: list[int]
    rat_date: date | None = None


class FindingRead(msgspec.Struct):
    rule: str
    title: str
    message: str
    severity: str
    refs: list[str]


class ReviewRead(msgspec.Struct):
    period: str
    since: date
    through: date
    findings: list[FindingRead]
    checked: list[str]
    not_checked: list[list[str]]


class OpinionWrite(msgspec.Struct, forbid_unknown_fields=True):
    period: str
    conclusion: str
    text: str


class OpinionRead(msgspec.Struct):
    id: int
    period: str
    since: date
    through: date
    conclusion: str
    text: str
    signer_username: str
    signer_name: str
    signed_on: date
    report_hash: str
    findings: int
    still_matches: bool | None = None


class GovernanceWrite(msgspec.Struct, forbid_unknown_fields=True):
    min_dps_members: int | None = None
    zakat_authorisation: str | None = None
