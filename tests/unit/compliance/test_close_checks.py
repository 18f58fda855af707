"""The checks before a month or year closes: each says what is wrong, and all are listed at once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bmt.compliance.close_checks import CloseFacts, SubledgerFact, failures, run_checks
from bmt.compliance.reporting_period import ReportPeriod

JUNE = ReportPeriod.parse("2025-06")
ALL_DAYS = frozenset(JUNE.since + timedelta(days=i) for i in range(30))
GOOD = CloseFacts(
    JUNE, ALL_DAYS, Decimal(0), (("2025-06", "posted"),), (SubledgerFact("wadiah_savings: saldo rekening", Decimal(500), Decimal(500)),),
    (("tamwil", Decimal(900), Decimal(900)), ("maal", Decimal(40), Decimal(40))), (Decimal(40), Decimal(40)),
)


def _failed(facts: CloseFacts) -> dict[str, str]:
    return {c.code: c.detail for c in failures(run_checks(facts))}


def test_a_month_in_order_passes_every_check() -> None:
    assert _failed(GOOD) == {}


def test_missing_day_closes_are_listed_as_ranges() -> None:
    gaps = ALL_DAYS - {date(2025, 6, 3), date(2025, 6, 4), date(2025, 6, 5), date(2025, 6, 20)}
    detail = _failed(CloseFacts(JUNE, frozenset(gaps), Decimal(0)))["days"]
    assert detail == "4 hari belum ditutup: 2025-06-03..2025-06-05, 2025-06-20"


def test_unposted_profit_sharing_fails_but_a_month_without_depositors_does_not() -> None:
    assert "2025-06" in _failed(CloseFacts(JUNE, ALL_DAYS, Decimal(0), (("2025-06", "missing"),)))["profit_sharing"]
    assert "profit_sharing" not in _failed(CloseFacts(JUNE, ALL_DAYS, Decimal(0), (("2025-06", "not_required"),)))


def test_profit_sharing_is_not_checked_without_its_module() -> None:
    checks = {c.code: c for c in run_checks(CloseFacts(JUNE, ALL_DAYS, Decimal(0), (("2025-06", "unavailable"),)))}
    assert checks["profit_sharing"].ok and checks["profit_sharing"].skipped


def test_a_subledger_that_differs_from_its_control_account_names_the_difference() -> None:
    facts = CloseFacts(JUNE, ALL_DAYS, Decimal(0), subledgers=(SubledgerFact("simpanan_pokok: per member", Decimal(300_000), Decimal(200_000)),))
    assert "selisih 100000" in _failed(facts)["subledgers"]


def test_suspense_unbalanced_books_and_a_broken_maal_link_all_fail_together() -> None:
    facts = CloseFacts(JUNE, ALL_DAYS, Decimal(12_500), trial_balances=(("tamwil", Decimal(10), Decimal(9)),), maal_link=(Decimal(50), Decimal(40)))
    assert set(_failed(facts)) == {"suspense", "trial_balance", "maal_link"}
