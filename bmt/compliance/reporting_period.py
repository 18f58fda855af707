"""The period a statement, a close or a DPS review covers, and the period it is compared with.

A period is named the way accountants say it: ``"2025"`` (the financial year, 1 January to 31 December),
``"2025-06"`` (a month), ``"2025-Q2"`` (a quarter) or an explicit range ``"2025-01-15..2025-03-31"``. The
comparative period is the one just before of the same kind: the previous year, month or quarter; for a
range, the same number of days ending the day before it starts.

Example:
    >>> p = ReportPeriod.parse("2025-06")
    >>> p.since, p.through, p.previous().label
    (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30), '2025-05')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bmt.dates import Period, add_months
from bmt.errors import InvalidInput

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
#: The longest range a report may cover (ten years): every query over it is bounded.
MAX_DAYS = 3660
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """A closed date range with its kind (``year``, ``quarter``, ``month`` or ``range``) and label."""

    kind: str
    label: str
    since: date
    through: date

    @classmethod
    def parse(cls, text: str) -> ReportPeriod:
        """A period from its label.

        Raises:
            InvalidInput: for anything that is not a year, month, quarter or ``from..to`` range.
        """
        t = (text or "").strip()
        try:
            if m := _YEAR.match(t):
                return cls.year(int(m[1]))
            if m := _MONTH.match(t):
                return cls.month(Period.parse(t))
            if m := _QUARTER.match(t):
                return cls.quarter(int(m[1]), int(m[2]))
            if m := _RANGE.match(t):
                return cls.between(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        except ValueError:
            pass
        raise InvalidInput(f"periode tidak valid: {t!r} (mis. 2025, 2025-06, 2025-Q2) / invalid period", field="period")

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        _check_year(year)
        return cls("year", f"{year:04d}", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, period: Period) -> ReportPeriod:
        _check_year(period.year)
        return cls("month", str(period), period.first_day, period.last_day)

    @classmethod
    def quarter(cls, year: int, q: int) -> ReportPeriod:
        _check_year(year)
        start = date(year, 3 * q - 2, 1)
        return cls("quarter", f"{year:04d}-Q{q}", start, add_months(start, 3) - timedelta(days=1))

    @classmethod
    def between(cls, since: date, through: date) -> ReportPeriod:
        if through < since:
            raise InvalidInput("tanggal akhir sebelum tanggal awal / the end is before the start", field="period")
        if (through - since).days > MAX_DAYS:
            raise InvalidInput("periode paling lama 10 tahun / a period spans at most ten years", field="period")
        _check_year(since.year)
        _check_year(through.year)
        return cls("range", f"{since.isoformat()}..{through.isoformat()}", since, through)

    def previous(self) -> ReportPeriod:
        """The comparative period: the one just before, of the same kind and length."""
        if self.kind == "year":
            return ReportPeriod.year(self.since.year - 1)
        if self.kind == "month":
            return ReportPeriod.month(Period.of(self.since).previous())
        if self.kind == "quarter":
            return ReportPeriod.quarter(self.since.year - (self.since.month == 1), (self.since.month - 1) // 3 or 4)
        if self.since == date(self.since.year, 1, 1) and self.through.year == self.since.year:
            # The year to date compares with the same days of last year.
            last = self.through.replace(year=self.through.year - 1, day=min(self.through.day, 28 if self.through.month == 2 else 31))
            return ReportPeriod.between(date(self.since.year - 1, 1, 1), last)
        days = (self.through - self.since).days
        end = self.since - timedelta(days=1)
        return ReportPeriod.between(end - timedelta(days=days), end)

    @property
    def days(self) -> int:
        return (self.through - self.since).days + 1

    @property
    def title(self) -> str:
        """The period in words, in Indonesian: "tahun 2025", "Juni 2025", "triwulan II 2025", or a range."""
        if self.kind == "year":
            return f"tahun {self.since.year}"
        if self.kind == "month":
            return f"{MONTHS_ID[self.since.month - 1]} {self.since.year}"
        if self.kind == "quarter":
            return f"triwulan {('I', 'II', 'III', 'IV')[(self.since.month - 1) // 3]} {self.since.year}"
        return f"{_day(self.since)} s.d. {_day(self.through)}"


def _day(d: date) -> str:
    return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2999:
        raise InvalidInput(f"tahun tidak valid: {year} / invalid year", field="period")


def default_period(today: date) -> ReportPeriod:
    """The financial year to date: what a manager usually wants to see first."""
    if (today.month, today.day) == (12, 31):
        return ReportPeriod.year(today.year)
    return ReportPeriod.between(date(today.year, 1, 1), today)
