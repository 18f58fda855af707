"""Zakat calculators: maal (savings and other wealth), penghasilan (income), perdagangan (trade), and the
cooperative's own zakat by the method its articles choose.

Every calculator answers a ``ZakatAssessment``: the nisab it tested against, whether zakat is due
(``obligated``), the amount the rate applied to (``basis``) and ``zakat_due``, which is 2.5% of the basis
rounded by a named policy (half-up to the rupiah by default, R1) and zero when not obligated. An amount
exactly at the nisab is obligated (the test is ``>=``).

Example (domain.md Example C2, C3)::

    >>> zakat_maal(Decimal(150_000_000), Decimal(1_500_000), haul_complete=True).zakat_due
    Decimal('3750000')
    >>> zakat_perdagangan(Decimal(2_500_000_000), Decimal(1_900_000_000), Decimal(1_500_000)).zakat_due
    Decimal('15000000')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bmt.errors import InvalidInput
from bmt.money import EXACT, R1_HALF_UP_RUPIAH, ZERO, RoundingPolicy, round_money
from bmt.zakat.nisab import (
    MONTHS_PER_YEAR,
    ZAKAT_RATE,
    ZAKAT_RATE_PERCENT,
    IncomeNisabTable,
    gold_nisab,
    income_nisab,
)


class ZakatKind(StrEnum):
    """What a calculation was for."""

    MAAL = "maal"
    PENGHASILAN = "penghasilan"
    PERDAGANGAN = "perdagangan"
    KOPERASI_MODAL_KERJA = "koperasi_modal_kerja"
    KOPERASI_SHU = "koperasi_shu"


class IncomeBasis(StrEnum):
    """Which income the penghasilan test and rate use (domain.md §5 DISAGREEMENT).

    BAZNAS applies the rate to gross income; the 2024 article tests "penghasilan bersih". Gross is the
    default; net is offered as a setting.
    """

    GROSS = "gross"
    NET = "net"


class CooperativeZakatMethod(StrEnum):
    """How a cooperative's articles (AD/ART) compute its own zakat (domain.md §5, open question 4)."""

    WORKING_CAPITAL = "working_capital"
    SHU = "shu"


@dataclass(frozen=True, slots=True)
class ZakatAssessment:
    """The answer of a calculator.

    Attributes:
        kind: Which calculator answered.
        basis: The amount the 2.5% rate applies to (may be negative for net current assets).
        nisab: The threshold tested against (the monthly nisab for penghasilan; zero for the SHU method).
        obligated: Whether zakat is due.
        zakat_due: 2.5% of ``basis`` under the rounding policy when obligated, else zero.
        rate_percent: The rate, in percent.
        nisab_annual: The annual nisab, for penghasilan only.
    """

    kind: ZakatKind
    basis: Decimal
    nisab: Decimal
    obligated: bool
    zakat_due: Decimal
    rate_percent: Decimal = ZAKAT_RATE_PERCENT
    nisab_annual: Decimal | None = None


def zakat_at_rate(basis: Decimal, rounding: RoundingPolicy = R1_HALF_UP_RUPIAH) -> Decimal:
    """2.5% of ``basis``, rounded by ``rounding`` (half-up to the rupiah by default)."""
    return round_money(EXACT.multiply(basis, ZAKAT_RATE), rounding)


def _non_negative(value: Decimal, field: str) -> Decimal:
    if value < 0:
        raise InvalidInput(f"{field} tidak boleh negatif / {field} must not be negative", field=field)
    return value


def zakat_maal(
    wealth: Decimal,
    gold_price_per_gram: Decimal,
    *,
    haul_complete: bool,
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH,
) -> ZakatAssessment:
    """Zakat maal on wealth held (savings, gold, cash).

    nisab = 85 g × ``gold_price_per_gram``; obligated = ``haul_complete`` and ``wealth >= nisab``;
    zakat_due = round(2.5% × wealth) when obligated, else 0. (Example C2: price 1,500,000/g -> nisab
    127,500,000; wealth 150,000,000 held a full haul -> 3,750,000.)

    Args:
        wealth: Zakatable wealth on the haul date.
        gold_price_per_gram: The gold price used, in rupiah per gram (an input; the caller records its date).
        haul_complete: Whether the wealth has been held one Hijri year (see ``nisab.haul_complete``).
        rounding: Rounding of the amount due.

    Raises:
        InvalidInput: for negative wealth or a price that is not positive.
    """
    _non_negative(wealth, "wealth")
    nisab = gold_nisab(gold_price_per_gram)
    obligated = haul_complete and wealth >= nisab
    due = zakat_at_rate(wealth, rounding) if obligated else ZERO
    return ZakatAssessment(ZakatKind.MAAL, wealth, nisab, obligated, due)


def zakat_penghasilan(
    monthly_income: Decimal,
    year: int,
    table: IncomeNisabTable,
    *,
    annual_income: Decimal | None = None,
    income_basis: IncomeBasis = IncomeBasis.GROSS,
    monthly_deductions: Decimal = ZERO,
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH,
) -> ZakatAssessment:
    """Zakat penghasilan (income and services) by the BAZNAS rule [S20b].

    With the year's nisab from ``table``: if the monthly income >= the monthly nisab, zakat is 2.5% of the
    monthly income; otherwise, if the annual income (``annual_income``, or 12 × the monthly income when it
    is not given) >= the annual nisab, zakat is still 2.5% of the monthly income; otherwise nothing is due.
    The answer's ``nisab`` is the monthly nisab; ``nisab_annual`` the annual one.

    Under ``IncomeBasis.NET`` both tests and the rate use income after ``monthly_deductions`` (basic needs
    and debt installments): monthly net = monthly income − deductions, annual net = annual income −
    12 × deductions, neither below zero. Under GROSS (the default) deductions must be zero.

    Example C1 (2025): 9,000,000 -> 225,000; 6,500,000 -> 0 (78,000,000 a year < 85,685,972).

    Raises:
        InvalidInput: for negative amounts, deductions under the gross basis, or a year missing from
            ``table`` (an admin must add its BAZNAS nisab).
    """
    _non_negative(monthly_income, "monthly_income")
    _non_negative(monthly_deductions, "monthly_deductions")
    if annual_income is not None:
        _non_negative(annual_income, "annual_income")
    nisab = income_nisab(year, table)
    annual = annual_income if annual_income is not None else monthly_income * MONTHS_PER_YEAR
    monthly_basis, annual_basis = _income_after_basis(monthly_income, annual, income_basis, monthly_deductions)
    obligated = monthly_basis >= nisab.monthly or annual_basis >= nisab.annual
    due = zakat_at_rate(monthly_basis, rounding) if obligated else ZERO
    return ZakatAssessment(
        ZakatKind.PENGHASILAN, monthly_basis, nisab.monthly, obligated, due, nisab_annual=nisab.annual
    )


def _income_after_basis(
    monthly: Decimal, annual: Decimal, basis: IncomeBasis, deductions: Decimal
) -> tuple[Decimal, Decimal]:
    if basis is IncomeBasis.GROSS:
        if deductions != 0:
            raise InvalidInput(
                "potongan kebutuhan pokok hanya dipakai bila dasar perhitungan 'net' / "
                "monthly_deductions apply only with income_basis 'net'",
                field="monthly_deductions",
            )
        return monthly, annual
    return max(monthly - deductions, ZERO), max(annual - deductions * MONTHS_PER_YEAR, ZERO)


def zakat_perdagangan(
    current_assets: Decimal,
    current_liabilities: Decimal,
    gold_price_per_gram: Decimal,
    *,
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH,
    kind: ZakatKind = ZakatKind.PERDAGANGAN,
) -> ZakatAssessment:
    """Zakat perdagangan (trade) by the working-capital method [S23].

    basis = current assets − current liabilities; nisab = 85 g × the gold price; obligated = basis >=
    nisab; zakat_due = round(2.5% × basis) when obligated. A negative basis is never obligated and is
    reported as it is. (Example C3: 2,500,000,000 − 1,900,000,000 = 600,000,000 -> 15,000,000.)

    Raises:
        InvalidInput: for negative assets or liabilities, or a price that is not positive.
    """
    _non_negative(current_assets, "current_assets")
    _non_negative(current_liabilities, "current_liabilities")
    nisab = gold_nisab(gold_price_per_gram)
    basis = current_assets - current_liabilities
    obligated = basis >= nisab
    due = zakat_at_rate(basis, rounding) if obligated else ZERO
    return ZakatAssessment(kind, basis, nisab, obligated, due)


def zakat_koperasi(
    method: CooperativeZakatMethod,
    *,
    current_assets: Decimal | None = None,
    current_liabilities: Decimal | None = None,
    gold_price_per_gram: Decimal | None = None,
    shu: Decimal | None = None,
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH,
) -> ZakatAssessment:
    """The cooperative's own zakat, by the method its articles choose (domain.md §5 DISAGREEMENT).

    * ``WORKING_CAPITAL``: as ``zakat_perdagangan`` on the cooperative's current assets and liabilities.
    * ``SHU``: 2.5% of the year's SHU when the SHU is positive; the articles set it aside without a nisab
      test, so the answer's nisab is zero. A loss year (SHU <= 0) owes nothing.

    Raises:
        InvalidInput: when an input the method needs is missing.
    """
    if method is CooperativeZakatMethod.WORKING_CAPITAL:
        if current_assets is None or current_liabilities is None or gold_price_per_gram is None:
            raise InvalidInput(
                "metode modal kerja memerlukan aset lancar, kewajiban lancar dan harga emas / "
                "working-capital method needs current assets, current liabilities and the gold price"
            )
        return zakat_perdagangan(
            current_assets, current_liabilities, gold_price_per_gram,
            rounding=rounding, kind=ZakatKind.KOPERASI_MODAL_KERJA,
        )
    if shu is None:
        raise InvalidInput("metode SHU memerlukan nilai SHU / SHU method needs the SHU", field="shu")
    obligated = shu > 0
    due = zakat_at_rate(shu, rounding) if obligated else ZERO
    return ZakatAssessment(ZakatKind.KOPERASI_SHU, shu, ZERO, obligated, due)
