"""What must hold before a month or a year is closed, as checks over plain facts. Each check says whether it
passed and, when it did not, exactly what is wrong, so the manager sees the whole list at once.

1. every business day of the period has been closed (the day close: arrears, PPAP, maturities);
2. the month's profit sharing has been posted (when the profit-distribution module is installed and there
   were depositors' funds to share with);
3. every sub-ledger equals its control account (savings accounts, members' simpanan, financing contracts);
4. the suspense account is empty;
5. each book's trial balance balances;
6. the Baitul Maal's claim on the business book equals what the business book owes it.

Example:
    >>> from datetime import date
    >>> from bmt.compliance.reporting_period import ReportPeriod
    >>> p = ReportPeriod.parse("2025-02")
    >>> facts = CloseFacts(p, days_closed=frozenset(), suspense=Decimal(0))
    >>> [c.code for c in run_checks(facts) if not c.ok]
    ['days']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bmt.compliance.reporting_period import ReportPeriod
from bmt.money import ZERO

PROFIT_SHARING_STATES = ("posted", "missing", "not_required", "unavailable")


@dataclass(frozen=True, slots=True)
class SubledgerFact:
    """A control account against the sum of its sub-ledgers (or of the records that mirror them)."""

    name: str
    control: Decimal
    detail: Decimal
    ref: str = ""


@dataclass(frozen=True, slots=True)
class CloseFacts:
    period: ReportPeriod
    days_closed: frozenset[date]
    suspense: Decimal
    profit_sharing: tuple[tuple[str, str], ...] = ()  # (month label, state) per month of the period
    subledgers: tuple[SubledgerFact, ...] = ()
    trial_balances: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (book, Σ debit, Σ credit)
    maal_link: tuple[Decimal, Decimal] | None = None  # (due_from_tamwil, Σ tamwil liabilities to the maal)


@dataclass(frozen=True, slots=True)
class CheckResult:
    code: str
    title: str
    ok: bool
    detail: str = ""
    skipped: bool = False


def _ranges(days: list[date]) -> str:
    """``2025-02-03..2025-02-05, 2025-02-09`` — missing days as compact ranges (at most 10 shown)."""
    out: list[str] = []
    start = prev = None
    for d in days:
        if start is None:
            start = prev = d
        elif d == prev + timedelta(days=1):
            prev = d
        else:
            out.append(start.isoformat() if start == prev else f"{start.isoformat()}..{prev.isoformat()}")
            start = prev = d
    if start is not None:
        out.append(start.isoformat() if start == prev else f"{start.isoformat()}..{prev.isoformat()}")
    return ", ".join(out[:10]) + (f" (+{len(out) - 10} lagi)" if len(out) > 10 else "")


def days_check(f: CloseFacts) -> CheckResult:
    missing = [f.period.since + timedelta(days=i) for i in range(f.period.days) if f.period.since + timedelta(days=i) not in f.days_closed]
    detail = f"{len(missing)} hari belum ditutup: {_ranges(missing)}" if missing else f"{f.period.days} hari sudah ditutup"
    return CheckResult("days", "Tutup hari selesai untuk setiap tanggal", not missing, detail)


def profit_sharing_check(f: CloseFacts) -> CheckResult:
    title = "Bagi hasil bulanan sudah dibukukan"
    if not f.profit_sharing or all(s == "unavailable" for _, s in f.profit_sharing):
        return CheckResult("profit_sharing", title, True, "modul distribusi bagi hasil belum terpasang: tidak diperiksa", skipped=True)
    missing = [m for m, s in f.profit_sharing if s == "missing"]
    if missing:
        return CheckResult("profit_sharing", title, False, f"belum dibukukan untuk: {', '.join(missing)}")
    return CheckResult("profit_sharing", title, True, "sudah dibukukan (atau tidak ada dana pihak ketiga yang berhak)")


def subledger_check(f: CloseFacts) -> CheckResult:
    wrong = [s for s in f.subledgers if s.control != s.detail]
    detail = "; ".join(f"{s.name}: buku besar {s.control}, rincian {s.detail} (selisih {s.control - s.detail})" for s in wrong)
    return CheckResult("subledgers", "Sub-buku besar = akun kontrol", not wrong, detail or f"{len(f.subledgers)} akun kontrol cocok")


def suspense_check(f: CloseFacts) -> CheckResult:
    ok = f.suspense == ZERO
    return CheckResult("suspense", "Rekening sementara (suspense) kosong", ok, "kosong" if ok else f"saldo suspense {f.suspense} harus diselesaikan")


def trial_balance_check(f: CloseFacts) -> CheckResult:
    wrong = [(b, d, c) for b, d, c in f.trial_balances if d != c]
    detail = "; ".join(f"buku {b}: debit {d} ≠ kredit {c}" for b, d, c in wrong)
    return CheckResult("trial_balance", "Neraca saldo seimbang", not wrong, detail or "seimbang")


def maal_link_check(f: CloseFacts) -> CheckResult:
    title = "Piutang Baitul Maal = utang Baitul Tamwil kepada Baitul Maal"
    if f.maal_link is None:
        return CheckResult("maal_link", title, True, "tidak diperiksa", skipped=True)
    due, owed = f.maal_link
    return CheckResult("maal_link", title, due == owed, "cocok" if due == owed else f"buku maal {due}, buku tamwil {owed}")


CHECKS = (days_check, profit_sharing_check, subledger_check, suspense_check, trial_balance_check, maal_link_check)


def run_checks(facts: CloseFacts) -> list[CheckResult]:
    """Every check, passed or not, in a fixed order."""
    return [check(facts) for check in CHECKS]


def failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.ok]
