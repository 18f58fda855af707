from datetime import date

import pytest

from bmt.dates import Period, add_months, due_dates, format_date_id, hijri_year_end, to_hijri
from bmt.errors import InvalidInput


def test_month_stepping_clamps_to_month_end_and_recovers() -> None:
    assert due_dates(date(2025, 1, 31), 4) == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_tenor_is_bounded() -> None:
    with pytest.raises(InvalidInput):
        due_dates(date(2025, 1, 1), 0)
    with pytest.raises(InvalidInput):
        due_dates(date(2025, 1, 1), 361)


def test_hijri_date_follows_umm_al_qura_unless_an_official_start_overrides_it() -> None:
    assert str(to_hijri(date(2025, 3, 1))) == "1 Ramadan 1446 H"
    # Kemenag declared 1 Ramadan a day later: 1 March is then still 30 Syakban.
    shifted = to_hijri(date(2025, 3, 1), {(1446, 9): date(2025, 3, 2)})
    assert (shifted.month, shifted.day) == (8, 30)
    assert to_hijri(date(2025, 3, 2), {(1446, 9): date(2025, 3, 2)}).day == 1


def test_a_haul_is_one_hijri_year() -> None:
    end = hijri_year_end(date(2025, 3, 1))
    assert to_hijri(end).year == 1447 and to_hijri(end).month == 9 and to_hijri(end).day == 1
    assert 353 <= (end - date(2025, 3, 1)).days <= 356


def test_periods_parse_and_step() -> None:
    p = Period.parse("2025-12")
    assert (p.first_day, p.last_day, p.days) == (date(2025, 12, 1), date(2025, 12, 31), 31)
    assert str(p.next()) == "2026-01"
    with pytest.raises(InvalidInput):
        Period.parse("2025-13")


def test_indonesian_date_text() -> None:
    assert format_date_id(date(2025, 3, 1)) == "1 Maret 2025"
    assert format_date_id(date(2025, 3, 1), weekday=True) == "Sabtu, 1 Maret 2025"
