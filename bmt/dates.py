"""Dates: month stepping with month-end clamping, periods, and Hijri dates.

"Today" is always an argument here; nothing in the core reads the clock.

Hijri dates come from hijridate (Umm al-Qura). Indonesia's official month starts (Kemenag, sidang isbat)
can differ by a day, so anything with legal effect passes an override table of official month starts:
``{(1446, 9): date(2025, 3, 1), ...}``.

Example:
    >>> add_months(date(2025, 1, 31), 1)
    datetime.date(2025, 2, 28)
    >>> due_dates(date(2025, 1, 31), 3)
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 31)]
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hijridate import Gregorian, Hijri

from bmt.errors import InvalidInput

#: Longest schedule we accept anywhere: 30 years of monthly installments.
MAX_TENOR_MONTHS = 360

HIJRI_MONTHS_ID = (
    "Muharram",
    "Safar",
    "Rabiulawal",
    "Rabiulakhir",
    "Jumadilawal",
    "Jumadilakhir",
    "Rajab",
    "Syakban",
    "Ramadan",
    "Syawal",
    "Zulkaidah",
    "Zulhijah",
)
GREGORIAN_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

HijriOverrides = Mapping[tuple[int, int], date]


def add_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` calendar months, clamped to the month's last day."""
    return start + relativedelta(months=months)


def due_dates(first_due: date, count: int) -> list[date]:
    """Monthly due dates from ``first_due``; each is computed from the first, so 31 Jan stays month-end.

    Raises:
        InvalidInput: if ``count`` is not within 1..MAX_TENOR_MONTHS.
    """
    if count < 1 or count > MAX_TENOR_MONTHS:
        raise InvalidInput(f"tenor harus 1..{MAX_TENOR_MONTHS} bulan / tenor must be 1..{MAX_TENOR_MONTHS} months")
    return [add_months(first_due, k) for k in range(count)]


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def days_in_month(year: int, month: int) -> int:
    """Calendar days of a month."""
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month, the unit of closing and profit sharing."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``.

        Raises:
            InvalidInput: for anything else.
        """
        try:
            y, m = text.strip().split("-")
            period = cls(int(y), int(m))
        except ValueError:
            raise InvalidInput(f"periode harus YYYY-MM / period must be YYYY-MM: {text!r}") from None
        if not (1 <= period.month <= 12 and 1900 <= period.year <= 2999):
            raise InvalidInput(f"periode tidak valid / invalid period: {text!r}")
        return period

    @classmethod
    def of(cls, d: date) -> Period:
        return cls(d.year, d.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return month_end(self.first_day)

    @property
    def days(self) -> int:
        return days_in_month(self.year, self.month)

    def next(self) -> Period:
        return Period.of(add_months(self.first_day, 1))

    def previous(self) -> Period:
        return Period.of(add_months(self.first_day, -1))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def days_between(start: date, end: date) -> int:
    """Whole days from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    return (end - start).days


@dataclass(frozen=True, slots=True)
class HijriDate:
    """A Hijri date as the cooperative recognises it."""

    year: int
    month: int
    day: int

    @property
    def month_name(self) -> str:
        return HIJRI_MONTHS_ID[self.month - 1]

    def __str__(self) -> str:
        return f"{self.day} {self.month_name} {self.year} H"


def to_hijri(d: date, overrides: HijriOverrides | None = None) -> HijriDate:
    """The Hijri date of ``d``: Umm al-Qura, unless an official month start in ``overrides`` says otherwise.

    An override ``(year, month) -> gregorian first day`` fixes the start of that Hijri month; days are
    counted from it until the next month starts (by override or by Umm al-Qura).

    Raises:
        InvalidInput: for dates outside the Umm al-Qura table (1924-08-01..2077-11-16).
    """
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (OverflowError, ValueError):
        raise InvalidInput(f"tanggal di luar kalender Hijriah yang didukung: {d.isoformat()}") from None
    result = HijriDate(h.year, h.month, h.day)
    if not overrides:
        return result
    # Consider the month Umm al-Qura says, and its neighbours, whose official start may shift d across.
    candidates = []
    for dm in (0, 1, -1):
        y, m = result.year, result.month + dm
        if m == 0:
            y, m = y - 1, 12
        elif m == 13:
            y, m = y + 1, 1
        start = overrides.get((y, m)) or _umm_al_qura_start(y, m)
        if start is not None and start <= d:
            candidates.append((start, y, m))
    if not candidates:
        return result
    start, y, m = max(candidates)
    return HijriDate(y, m, (d - start).days + 1)


def _umm_al_qura_start(year: int, month: int) -> date | None:
    try:
        g = Hijri(year, month, 1).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return date(g.year, g.month, g.day)


def hijri_year_end(start: date, overrides: HijriOverrides | None = None) -> date:
    """The date one Hijri year (a haul) after ``start``: same day and month, next Hijri year."""
    h = to_hijri(start, overrides)
    target_year, month = h.year + 1, h.month
    first = (overrides or {}).get((target_year, month)) or _umm_al_qura_start(target_year, month)
    if first is None:
        raise InvalidInput("haul di luar kalender Hijriah yang didukung")
    return first + timedelta(days=h.day - 1)


def format_date_id(d: date, *, weekday: bool = False) -> str:
    """``1 Maret 2025`` (or ``Sabtu, 1 Maret 2025``)."""
    text = f"{d.day} {GREGORIAN_MONTHS_ID[d.month - 1]} {d.year}"
    return f"{WEEKDAYS_ID[d.weekday()]}, {text}" if weekday else text
