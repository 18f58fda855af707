"""Nisab and haul: the thresholds that make zakat due, and the lunar year wealth must be held.

* Zakat maal and perdagangan: nisab = 85 g of gold × the gold price per gram, an input stamped with its
  date (domain.md §5 [S20b, S22]). The price is never looked up here.
* Zakat penghasilan: BAZNAS publishes a nisab per year (SK Ketua BAZNAS); the engine ships 2024 and 2025
  as ``DEFAULT_INCOME_NISAB`` and an admin adds later years. Functions take the table as an argument, so
  the caller decides whether it is the default or the default merged with the admin's years.
* Haul: one Hijri year (``bmt.dates.hijri_year_end``), with the cooperative's table of official month
  starts (Kemenag) as overrides, because Umm al-Qura may differ by a day.

Example:
    >>> gold_nisab(Decimal(1_500_000))
    Decimal('127500000')
    >>> income_nisab(2025, DEFAULT_INCOME_NISAB).monthly
    Decimal('7140498')
    >>> haul_end(date(2024, 3, 11))  # 1 Ramadan 1445 H -> 1 Ramadan 1446 H
    datetime.date(2025, 3, 1)
    >>> haul_complete(date(2024, 3, 11), date(2025, 2, 28))
    False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from bmt.dates import HijriOverrides, hijri_year_end
from bmt.errors import InvalidInput
from bmt.money import EXACT, R1_HALF_UP_RUPIAH, RoundingPolicy, round_money

#: Nisab of zakat maal and perdagangan in grams of gold [S22].
NISAB_GOLD_GRAMS = Decimal(85)
#: The zakat rate as a fraction (2.5%) [S20b, S22].
ZAKAT_RATE = Decimal("0.025")
#: The same rate as the API shows it, in percent.
ZAKAT_RATE_PERCENT = Decimal("2.5")
#: Months in a year of income: the monthly nisab is the annual nisab over this.
MONTHS_PER_YEAR = 12
#: Years an admin may add to the income nisab table.
MIN_NISAB_YEAR, MAX_NISAB_YEAR = 2000, 2100


@dataclass(frozen=True, slots=True)
class IncomeNisab:
    """The BAZNAS nisab of zakat penghasilan for one Gregorian year.

    Attributes:
        year: The year the nisab applies to.
        annual: Nisab per year, in rupiah.
        monthly: Nisab per month, in rupiah, as BAZNAS publishes it (annual / 12, half-up to the rupiah).
    """

    year: int
    annual: Decimal
    monthly: Decimal


IncomeNisabTable = Mapping[int, IncomeNisab]

#: The BAZNAS nisab shipped with the engine: 2024 from SK Ketua BAZNAS No. 01/2024 [S20b], 2025 [S20].
DEFAULT_INCOME_NISAB: IncomeNisabTable = MappingProxyType(
    {
        2024: IncomeNisab(2024, Decimal(82_312_725), Decimal(6_859_394)),
        2025: IncomeNisab(2025, Decimal(85_685_972), Decimal(7_140_498)),
    }
)


def gold_nisab(gold_price_per_gram: Decimal) -> Decimal:
    """The nisab of zakat maal and perdagangan: 85 g × the gold price per gram, exact (no rounding).

    Raises:
        InvalidInput: if the price is not positive.
    """
    if gold_price_per_gram <= 0:
        raise InvalidInput(
            "harga emas per gram harus lebih dari nol / gold price per gram must be positive",
            field="gold_price_per_gram",
        )
    return EXACT.multiply(NISAB_GOLD_GRAMS, gold_price_per_gram)


def income_nisab(year: int, table: IncomeNisabTable) -> IncomeNisab:
    """The income nisab of ``year`` from ``table``.

    Raises:
        InvalidInput: if the table has no entry for the year; the message tells the user an admin must add
            the BAZNAS figure first, because guessing a nisab would misstate who owes zakat.
    """
    found = table.get(year)
    if found is None:
        known = ", ".join(str(y) for y in sorted(table)) or "-"
        raise InvalidInput(
            f"nisab zakat penghasilan tahun {year} belum ada; admin harus menambahkannya dari SK BAZNAS "
            f"(tersedia: {known}) / no income nisab for {year}: an admin must add it",
            field="year",
        )
    return found


def income_nisab_from_annual(
    year: int, annual: Decimal, rounding: RoundingPolicy = R1_HALF_UP_RUPIAH
) -> IncomeNisab:
    """Build the nisab an admin adds for a new year from the annual BAZNAS figure.

    The monthly nisab is annual / 12 rounded half-up to the rupiah, which reproduces both published years
    (82,312,725 / 12 -> 6,859,394 and 85,685,972 / 12 -> 7,140,498).

    Raises:
        InvalidInput: for a year outside 2000..2100 or a nisab that is not positive.
    """
    if not MIN_NISAB_YEAR <= year <= MAX_NISAB_YEAR:
        raise InvalidInput(f"tahun harus {MIN_NISAB_YEAR}..{MAX_NISAB_YEAR} / year out of range", field="year")
    if annual <= 0:
        raise InvalidInput("nisab tahunan harus lebih dari nol / annual nisab must be positive", field="annual")
    monthly = round_money(EXACT.divide(annual, Decimal(MONTHS_PER_YEAR)), rounding)
    return IncomeNisab(year, annual, monthly)


def merge_income_nisab(base: IncomeNisabTable, added: IncomeNisabTable) -> IncomeNisabTable:
    """``base`` with the admin's years in ``added``; an added year replaces the shipped one (a corrected SK)."""
    merged = dict(base)
    merged.update(added)
    return MappingProxyType(merged)


def haul_end(start: date, overrides: HijriOverrides | None = None) -> date:
    """The day the haul of wealth held since ``start`` completes: the same Hijri day one Hijri year later."""
    return hijri_year_end(start, overrides)


def haul_complete(start_date: date, as_of: date, overrides: HijriOverrides | None = None) -> bool:
    """Whether wealth held since ``start_date`` has completed one Hijri year (haul) by ``as_of``.

    The haul is lunar (354 or 355 days), so it completes about eleven days before the Gregorian
    anniversary. The day the Hijri year turns counts as complete. An ``as_of`` before ``start_date`` is
    simply not complete.

    Args:
        start_date: The day the wealth reached the nisab.
        as_of: The day asked about ("today" is always an argument).
        overrides: Official Hijri month starts, ``{(year, month): first_day}``.

    Raises:
        InvalidInput: for dates outside the supported Hijri calendar (1924..2077).
    """
    if as_of < start_date:
        return False
    return as_of >= haul_end(start_date, overrides)
