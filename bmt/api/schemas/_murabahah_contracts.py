"""JSON shapes of murabahah contracts (``/api/v1/financing/murabahah``).

Money comes in as ``Decimal`` (a JSON string ``"933333"`` or a number, decoded exactly) and goes out as rupiah
strings (``money_str``); rates in percent per year (``12`` = 12 %); dates ISO. Ranges are checked by the
services and the pure core, whose errors become 400/409/422 problem details.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import msgspec

from bmt.money import ZERO

RecognitionName = Literal["proportional", "annuity"]
OrderName = Literal["margin,principal", "principal,margin"]


class MurabahahProductCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A murabahah product. ``tazir_basis`` other than a fixed amount is refused (FEE-02)."""

    code: str
    name: str
    recognition: RecognitionName = "proportional"
    allocation_order: OrderName = "margin,principal"
    tazir_amount: Decimal = ZERO
    grace_days: int = 7
    tazir_basis: str = "fixed_per_installment"


class MurabahahProductRead(msgspec.Struct):
    id: int
    code: str
    name: str
    recognition: str
    allocation_order: str
    tazir_amount: str
    grace_days: int
    active: bool


class MurabahahApplicationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An application: the goods and the terms of the sale. Give exactly one margin field; without
    ``recognition`` the product's applies."""

    member_id: int
    product_id: int
    goods: str
    cost_price: Decimal
    tenor_months: int
    first_due_date: date
    down_payment: Decimal = ZERO
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None
    recognition: RecognitionName | None = None
    supplier: str = ""
    purpose: str = ""
    collateral_value: Decimal = ZERO


class MurabahahTermsAmend(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Changes to an application's terms (omitted: unchanged). Refused after the akad (MUR-04)."""

    cost_price: Decimal | None = None
    down_payment: Decimal | None = None
    tenor_months: int | None = None
    first_due_date: date | None = None
    recognition: RecognitionName | None = None
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None
    goods: str | None = None


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class AmountIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal


class PurchaseIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The BMT's purchase: ownership date, supplier, invoice; ``via_wakalah`` when the member bought as agent."""

    ownership_date: date
    supplier: str
    invoice_ref: str
    cost: Decimal | None = None
    via_wakalah: bool = False


class AkadIn(msgspec.Struct, forbid_unknown_fields=True):
    first_due_date: date | None = None


class SettleIn(msgspec.Struct, forbid_unknown_fields=True):
    """``expected_amount``: the settlement price quoted to the member; a different price today is refused."""

    expected_amount: Decimal | None = None


class TazirAssessIn(msgspec.Struct, forbid_unknown_fields=True):
    as_of: date | None = None


class TazirPayIn(msgspec.Struct, forbid_unknown_fields=True):
    """Ta'zir collected. It always goes to the kebajikan fund; any other ``credit_account`` is refused (FEE-01)."""

    amount: Decimal
    credit_account: str = "kebajikan_payable"


class TazirWaiveIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    amount: Decimal | None = None


class RescheduleIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new schedule over what remains (never more: MUR-07); a real cost needs its ``document_ref``."""

    tenor_months: int
    first_due_date: date
    new_receivable: Decimal | None = None
    real_cost: Decimal = ZERO
    real_cost_description: str = ""
    document_ref: str = ""


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    """Cancellation before the purchase: the urbun covers ``documented_real_loss`` (MUR-08), the rest is refunded."""

    reason: str
    documented_real_loss: Decimal = ZERO


class WriteOffDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    approve: bool = True
    note: str = ""


class InstallmentRead(msgspec.Struct):
    number: int
    schedule_version: int
    due_date: date
    amount: str
    principal: str
    margin: str
    paid_principal: str
    paid_margin: str
    status: str
    paid_on: date | None
    tazir_charged: bool


class EventRead(msgspec.Struct):
    id: int
    kind: str
    value_date: date
    amount: str
    entry_id: int | None
    actor_id: int | None
    payload: dict[str, Any]


class ArrearRead(msgspec.Struct):
    number: int
    due_date: date
    amount_due: str
    days_late: int
    tazir_charged: bool


class SettlementQuoteRead(msgspec.Struct):
    """Early settlement without unelapsed margin (fatwa 153/2022): settlement = outstanding - unrecognised."""

    contract_id: int
    as_of: date
    outstanding_receivable: str
    unrecognised_margin: str
    arrears_margin: str
    settlement_amount: str


class ContractSummary(msgspec.Struct):
    id: int
    contract_no: str
    member_id: int
    member_name: str
    status: str
    goods: str
    selling_price: str
    outstanding: str
    applied_on: date
    akad_date: date | None


class ContractRead(msgspec.Struct):
    """A murabahah contract with its schedule, history, arrears and recognised margin."""

    id: int
    contract_no: str
    member_id: int
    member_name: str
    product_code: str | None
    status: str
    goods: str
    recognition: str
    allocation_order: str
    cost_price: str
    down_payment: str
    down_payment_received: str
    financed_amount: str
    margin: str
    selling_price: str
    receivable: str
    outstanding: str
    outstanding_principal: str
    deferred_margin: str
    recognised_margin: str
    wakalah_advanced: str
    tazir_amount: str
    grace_days: int
    tazir_owed: str
    days_past_due: int
    applied_on: date
    approved_on: date | None
    akad_date: date | None
    maturity_date: date | None
    ownership_date: date | None
    write_off_pending: bool
    schedule: list[InstallmentRead]
    arrears: list[ArrearRead]
    events: list[EventRead]
    settlement: SettlementQuoteRead | None


__all__ = [
    "AkadIn", "AmountIn", "CancelIn", "ArrearRead", "ContractRead", "ContractSummary", "EventRead", "InstallmentRead",
    "MurabahahApplicationCreate", "MurabahahProductCreate", "MurabahahProductRead", "MurabahahTermsAmend",
    "PurchaseIn", "ReasonIn", "RescheduleIn", "SettleIn", "SettlementQuoteRead", "TazirAssessIn", "TazirPayIn",
    "TazirWaiveIn", "WriteOffDecisionIn",
]
