"""JSON shapes for mudharabah, musyarakah, musyarakah mutanaqisah and qardh contracts (requests only; the
contract view is a plain mapping built in the controller). Money and rates are decimals in, strings out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class ProjectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """One projected period of the mudharib's business (shown beside the actual reports)."""

    period_end: date
    revenue: Decimal
    costs: Decimal = Decimal(0)


class MudharabahApply(msgspec.Struct, forbid_unknown_fields=True):
    """``fixed_return`` exists to be refused (MDH-01): a mudharabah return is a nisbah, never fixed rupiah."""

    member_id: int
    capital: Decimal
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    loss_policy: str = "reduce_financing"
    fixed_return: Decimal | None = None
    return_installments: int = 1
    first_return_date: date | None = None
    disbursement: str = "cash"
    goods_book_value: Decimal | None = None
    goods_account: str = "other_assets"
    goods_description: str = ""
    share_due_days: int = 10
    projections: list[ProjectionIn] = msgspec.field(default_factory=list)
    business: str = ""
    purpose: str = ""
    collateral_value: Decimal = Decimal(0)
    product_id: int | None = None


class MusyarakahApply(msgspec.Struct, forbid_unknown_fields=True):
    member_id: int
    bmt_capital: Decimal
    partner_capital: Decimal
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    fixed_return: Decimal | None = None
    maturity_date: date | None = None
    share_due_days: int = 10
    business: str = ""
    purpose: str = ""
    collateral_value: Decimal = Decimal(0)
    product_id: int | None = None


class RentReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    from_month: int
    monthly_rent: Decimal


class MmqApply(msgspec.Struct, forbid_unknown_fields=True):
    member_id: int
    asset_price: Decimal
    bmt_share_amount: Decimal
    monthly_rent: Decimal
    tenor_months: int
    first_due_date: date
    rent_reviews: list[RentReviewIn] = msgspec.field(default_factory=list)
    buyout_includes_current_rent: bool = False
    asset_description: str = ""
    purpose: str = ""
    collateral_value: Decimal = Decimal(0)
    product_id: int | None = None


class QardhApply(msgspec.Struct, forbid_unknown_fields=True):
    member_id: int
    principal: Decimal
    source: str = "commercial"
    admin_fee: Decimal = Decimal(0)
    documented_real_costs: Decimal = Decimal(0)
    cost_documents: str = ""
    installments: int = 1
    first_due_date: date | None = None
    purpose: str = ""
    collateral_value: Decimal = Decimal(0)
    product_id: int | None = None


class Reason(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class AmountIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    note: str = ""


class MudharabahReportIn(msgspec.Struct, forbid_unknown_fields=True):
    period_end: date
    revenue: Decimal
    costs: Decimal = Decimal(0)
    capital_loss: Decimal = Decimal(0)
    negligence_proven: bool = False
    charge_to_mudharib: Decimal | None = None
    note: str = ""


class EndAkadIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str = ""


class MudharabahLossIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    negligence_proven: bool = False
    charge_to_mudharib: Decimal | None = None
    note: str = ""


class MusyarakahReportIn(msgspec.Struct, forbid_unknown_fields=True):
    period_end: date
    revenue: Decimal
    costs: Decimal = Decimal(0)
    capital_loss: Decimal = Decimal(0)
    note: str = ""


class MusyarakahLossIn(msgspec.Struct, forbid_unknown_fields=True):
    """``bmt_part``, when given, must be the capital-proportional part (MSY-01)."""

    amount: Decimal
    bmt_part: Decimal | None = None
    note: str = ""


class BuyOutIn(msgspec.Struct, forbid_unknown_fields=True):
    """``expected_amount``: the quote the customer was shown; a different amount is refused (409)."""

    expected_amount: Decimal | None = None


class RepayIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    fee: Decimal = Decimal(0)


class ForgiveIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    amount: Decimal | None = None
