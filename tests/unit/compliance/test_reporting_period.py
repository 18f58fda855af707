"""Reporting periods and the period each is compared with."""

from __future__ import annotations

from datetime import date

import pytest

from bmt.compliance.reporting_period import ReportPeriod, default_period
from bmt.errors import InvalidInput


@pytest.mark.parametrize(
    ("label", "since", "through", "previous"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2024"),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31), "2025-02"),
        ("2025-01", date(2025, 1, 1), date(2025, 1, 31), "2024-12"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "2024-Q4"),
        ("2025-q3", date(2025, 7, 1), date(2025, 9, 30), "2025-Q2"),
        ("2025-03-10..2025-03-19", date(2025, 3, 10), date(2025, 3, 19), "2025-02-28..2025-03-09"),
        ("2025-01-01..2025-06-16", date(2025, 1, 1), date(2025, 6, 16), "2024-01-01..2024-06-16"),
    ],
)
def test_a_period_label_gives_its_dates_and_its_comparative(label: str, since: date, through: date, previous: str) -> None:
    p = ReportPeriod.parse(label)
    assert (p.since, p.through, p.previous().label) == (since, through, previous)


@pytest.mark.parametrize("label", ["", "2025-13", "2025-Q5", "juni", "2025-03-31..2025-03-01", "1800"])
def test_anything_else_is_refused_with_a_clear_message(label: str) -> None:
    with pytest.raises(InvalidInput, match="periode|tanggal|tahun"):
        ReportPeriod.parse(label)


def test_the_default_is_the_year_to_date_and_the_whole_year_on_its_last_day() -> None:
    assert default_period(date(2025, 6, 16)).label == "2025-01-01..2025-06-16"
    assert default_period(date(2025, 12, 31)).label == "2025"


def test_titles_read_in_indonesian() -> None:
    assert [ReportPeriod.parse(x).title for x in ("2025", "2025-06", "2025-Q2")] == ["tahun 2025", "Juni 2025", "triwulan II 2025"]
