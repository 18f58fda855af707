"""Schemas of the profit-sharing simulation (``POST /api/v1/profit-sharing/simulate``).

Money, ADB and rates travel as strings. Exact results (per product and per account) are the exact
rational values rendered in plain notation (never an exponent) with at most 50 significant digits and
no trailing zeros: ``"4870370.1"``, ``"1461111.03"``, ``"300000000"``, ``"5.84444412"``. Paid shares are
whole rupiah.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec

#: Most accounts in one simulation request.
MAX_SIM_ACCOUNTS = 100_000
#: Most balance entries (all accounts together) in one request.
MAX_SIM_BALANCES = 1_000_000
#: Largest request body: 100,000 accounts with a few balance entries each fit comfortably.
MAX_SIM_BODY_BYTES = 48 * 1024 * 1024
#: Most products in one simulation request.
MAX_SIM_PRODUCTS = 100


class BalanceFrom(msgspec.Struct, forbid_unknown_fields=True):
    """The balance from ``from_day`` (1-based) until the day before the next entry (or the period's end)."""

    from_day: int
    balance: Decimal


class SimulationProduct(msgspec.Struct, forbid_unknown_fields=True):
    """A fund source. ``adb`` is for sources without accounts in the request (e.g. equity).

    ``carried_residue``: last month's residue, added to the depositors' share before allocating.
    ``liquidity_reserve_percent`` / ``weight``: optional reserve (part of ADB not lent) and bobot.
    """

    code: str
    kind: Literal["mudharabah", "wadiah", "equity"]
    nisbah_member_percent: Decimal
    adb: Decimal | None = None
    carried_residue: Decimal = Decimal(0)
    liquidity_reserve_percent: Decimal = Decimal(0)
    weight: Decimal = Decimal(1)


class SimulationAccount(msgspec.Struct, forbid_unknown_fields=True):
    """An account: its product code and its balances over the period (before the first entry: 0)."""

    id: str | int
    product: str
    balances: list[BalanceFrom] = []


class SimulationRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Inputs of a month's distribution, for a manager choosing nisbah.

    ``equivalent_rate_basis``: ``"monthly"`` (B/ADB × 12, default) or ``"actual_days"`` (× 365 / D).
    """

    days_in_period: int
    income: Decimal
    financing_adb: Decimal
    products: list[SimulationProduct]
    accounts: list[SimulationAccount] = []
    equivalent_rate_basis: Literal["monthly", "actual_days"] = "monthly"


class ProductResult(msgspec.Struct):
    """One product's exact figures.

    ``equivalent_rate_annual`` is a percent; ``"0"`` for wadiah and equity (they take no share).
    ``paid_total`` and ``residue`` (pool − paid, carried to next month) are null when the product had no
    accounts in the request, because nothing was distributed.
    """

    code: str
    kind: str
    nisbah_member_percent: str
    adb: str
    income_share: str
    member_share: str
    bmt_share: str
    equivalent_rate_annual: str
    carried_residue: str
    accounts: int
    paid_total: str | None
    residue: str | None


class AccountResult(msgspec.Struct):
    """One account: its ADB, its exact share of the product pool and what it is paid (floor, whole rupiah)."""

    id: str | int
    product: str
    adb: str
    share_exact: str
    share_paid: str


class SimulationResponse(msgspec.Struct):
    """The simulation's answer. ``divisor`` is max(S, F); ``total_bmt_share`` is Y − Σ member shares."""

    days_in_period: int
    income: str
    financing_adb: str
    divisor: str
    unallocated_income: str
    total_member_share: str
    total_bmt_share: str
    equivalent_rate_basis: str
    products: list[ProductResult]
    accounts: list[AccountResult]
