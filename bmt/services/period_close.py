"""Closing a month or a financial year, after the checks that must pass first, and reopening.

``close_month`` gathers the facts (day closes, the month's profit sharing, sub-ledgers against control
accounts, suspense, trial balance per book, the Baitul Maal's claim on the business book), runs the pure
checks of ``bmt.compliance.close_checks`` and records the attempt. Only when every check passes are the
books closed through the month's last day (``periods.close_through``): from then on the ledger refuses any
posting dated in it. A refused attempt changes nothing but is kept, with the list of what failed.

``close_year`` runs the same checks over the year and then posts the closing entries: every income and
expense balance as of 31 December goes to *SHU tahun berjalan* (``current_year_shu``), one entry per
branch. The day closes have already locked 31 December, so the entries carry the first open date; they
move the balances *as of 31 December* and are marked ``year_close:<year>`` so the statements leave them out
of income and expense.

Reopening (``reopen``) is ``periods.reopen``: an admin, with a reason, audited.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, String, cast, func, literal, select, type_coerce

from bmt.compliance.close_checks import CheckResult, CloseFacts, SubledgerFact, failures, run_checks
from bmt.compliance.reporting_period import ReportPeriod
from bmt.dates import Period
from bmt.errors import Conflict, InvalidInput
from bmt.ledger import Posting, entry
from bmt.ledger.checks import totals
from bmt.money import ZERO, from_sen
from bmt.persistence.models import GlAccount, LedgerLock
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.persistence.models_close import DayClose
from bmt.persistence.models_financing import FinancingContract
from bmt.persistence.models_governance import PeriodCloseRun
from bmt.services import audit, ledger, periods, savings
from bmt.services.statements import YEAR_CLOSE_PREFIX
from bmt.services.uow import Actor, UnitOfWork

MEMBER_EQUITY = ("simpanan_pokok", "simpanan_wajib")
CONTRACT_ACCOUNTS = ("murabahah_receivable", "mudharabah_financing", "musyarakah_financing", "mmq_financing", "qardh_receivable")
TAMWIL_OWES_MAAL = ("kebajikan_payable", "maal_payable", "zakat_payable")
DEPOSITOR_FUNDS = ("mudharabah_savings", "mudharabah_deposits")


@dataclass(frozen=True, slots=True)
class CloseOutcome:
    """The result of a close attempt: ``closed`` or ``refused``, with every check."""

    run_id: int
    kind: str
    period: str
    status: str
    checks: tuple[CheckResult, ...]
    shu: Decimal | None = None
    entry_ids: tuple[int, ...] = ()

    @property
    def failed(self) -> list[CheckResult]:
        return failures(list(self.checks))


def _sum_sen():  # noqa: ANN202
    return func.coalesce(func.sum(type_coerce(LineRow.amount, BigInteger)), 0)


async def _net(uow: UnitOfWork, coop: int, key: str, through: date, *, tagged: str | None = None) -> Decimal | None:
    """Signed net of one system account through a date (optionally only lines whose sub-ledger starts so)."""
    ref = (await ledger.chart(uow, coop)).get(key)
    if ref is None:
        return None
    q = select(_sum_sen()).where(LineRow.cooperative_id == coop, LineRow.account_id == ref.id, LineRow.value_date <= through)
    if tagged is not None:
        q = q.where(LineRow.subledger.like(f"{tagged}%"))
    return from_sen(int((await uow.session.execute(q)).scalar_one()))


async def _subledgers(uow: UnitOfWork, coop: int, through: date) -> list[SubledgerFact]:
    out = []
    for c in await savings.check_subledgers(uow, coop):
        out.append(SubledgerFact(f"{c.control_key}: saldo rekening", c.control_balance, c.accounts_balance, f"gl:{c.control_key}"))
        out.append(SubledgerFact(f"{c.control_key}: jurnal per rekening", c.control_balance, c.lines_balance, f"gl:{c.control_key}"))
    far = date.max
    for key, prefix in [*((k, "member:") for k in MEMBER_EQUITY), *((k, "contract:") for k in CONTRACT_ACCOUNTS)]:
        control, detail = await _net(uow, coop, key, far), await _net(uow, coop, key, far, tagged=prefix)
        if control is not None:
            out.append(SubledgerFact(f"{key}: per {prefix.rstrip(':')}", control, detail or ZERO, f"gl:{key}"))
    out.append(await _murabahah_outstanding(uow, coop))
    return out


async def _murabahah_outstanding(uow: UnitOfWork, coop: int) -> SubledgerFact:
    """Σ outstanding on active murabahah contracts = Σ their sub-ledgers on the receivable account."""
    ref = (await ledger.chart(uow, coop)).get("murabahah_receivable")
    active = select(FinancingContract.id).where(FinancingContract.cooperative_id == coop, FinancingContract.kind == "murabahah", FinancingContract.status == "active")
    stated = (await uow.session.execute(select(func.coalesce(func.sum(type_coerce(FinancingContract.outstanding, BigInteger)), 0)).where(FinancingContract.id.in_(active)))).scalar_one()
    tags = select(literal("contract:") + cast(FinancingContract.id, String)).where(FinancingContract.id.in_(active))
    lines = 0
    if ref is not None:
        lines = (await uow.session.execute(select(_sum_sen()).where(LineRow.cooperative_id == coop, LineRow.account_id == ref.id, LineRow.subledger.in_(tags)))).scalar_one()
    return SubledgerFact("murabahah: sisa piutang kontrak aktif", from_sen(int(stated)), from_sen(int(lines)), "gl:murabahah_receivable")


def _months(p: ReportPeriod) -> list[Period]:
    out, m = [], Period.of(p.since)
    while m.first_day <= p.through and len(out) < 120:
        out.append(m)
        m = m.next()
    return out


async def _profit_sharing(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[tuple[str, str], ...]:
    """Per month: ``posted``, ``missing``, ``not_required`` (no depositors' funds) or ``unavailable`` (the
    monthly distribution is not installed, so nobody could have posted it)."""
    if importlib.util.find_spec("bmt.services.profit_distribution") is None:
        return tuple((str(m), "unavailable") for m in _months(p))
    try:
        profit = importlib.import_module("bmt.persistence.models_profit")
    except ImportError:
        return tuple((str(m), "unavailable") for m in _months(p))
    run = profit.ProfitRun
    out = []
    for m in _months(p):
        posted = (await uow.session.execute(select(func.count()).select_from(run).where(run.cooperative_id == coop, run.kind == "distribution", run.period == str(m), run.status == "posted"))).scalar_one()
        if posted:
            out.append((str(m), "posted"))
            continue
        funds = [await _net(uow, coop, k, m.last_day) for k in DEPOSITOR_FUNDS] + [await _net(uow, coop, k, m.first_day - timedelta(days=1)) for k in DEPOSITOR_FUNDS]
        out.append((str(m), "missing" if any(funds) else "not_required"))
    return tuple(out)


async def facts(uow: UnitOfWork, coop: int, p: ReportPeriod) -> CloseFacts:
    """What the close checks read, for a cooperative and a period."""
    done = (await uow.session.execute(select(DayClose.business_date).where(DayClose.cooperative_id == coop, DayClose.status == "done", DayClose.business_date >= p.since, DayClose.business_date <= p.through))).scalars()
    tbs = []
    for book in ("tamwil", "maal"):
        d, c = totals(await ledger.trial_balance_rows(uow, coop, through=p.through, book=book))
        tbs.append((book, d, c))
    due = await _net(uow, coop, "due_from_tamwil", p.through)
    owed = [await _net(uow, coop, k, p.through) for k in TAMWIL_OWES_MAAL]
    link = None if due is None or any(o is None for o in owed) else (due, -sum((o or ZERO for o in owed), ZERO))
    # Suspense is read as it stands now: an item of the period may only be cleared after the day closes have
    # locked it, and a period whose items are all cleared must be closable.
    return CloseFacts(
        p, frozenset(done), await _net(uow, coop, "suspense", date.max) or ZERO, await _profit_sharing(uow, coop, p),
        tuple(await _subledgers(uow, coop, p.through)), tuple(tbs), link,
    )


async def check(uow: UnitOfWork, actor: Actor, period: str) -> list[CheckResult]:
    """Run the close checks for a month or a year without closing anything."""
    actor.require("ledger.read")
    return run_checks(await facts(uow, actor.coop, _parse(period)))


def _parse(label: str) -> ReportPeriod:
    p = ReportPeriod.parse(label)
    if p.kind not in ("month", "year"):
        raise InvalidInput("tutup buku per bulan (YYYY-MM) atau tahun (YYYY) / close a month or a year", field="period")
    return p


async def _lock(uow: UnitOfWork, coop: int) -> date | None:
    return (await uow.session.execute(select(LedgerLock.closed_through).where(LedgerLock.cooperative_id == coop).with_for_update())).scalar_one_or_none()


async def _closed_run(uow: UnitOfWork, coop: int, kind: str, label: str) -> PeriodCloseRun | None:
    q = select(PeriodCloseRun).where(PeriodCloseRun.cooperative_id == coop, PeriodCloseRun.kind == kind, PeriodCloseRun.period == label, PeriodCloseRun.status == "closed").order_by(PeriodCloseRun.id.desc())
    return (await uow.session.execute(q)).scalars().first()


def _checks_json(results: list[CheckResult]) -> str:
    return json.dumps([asdict(r) for r in results], ensure_ascii=False)


async def _record(uow: UnitOfWork, actor: Actor, p: ReportPeriod, results: list[CheckResult], status: str, *, shu: Decimal | None = None, entry_id: int | None = None) -> PeriodCloseRun:
    run = PeriodCloseRun(
        cooperative_id=actor.coop, kind=p.kind, period=p.label, through=p.through, status=status, checks_json=_checks_json(results),
        shu=shu, entry_id=entry_id, by_user_id=actor.user_id, at=uow.now(),
    )
    uow.session.add(run)
    await uow.session.flush()
    await audit.record(uow, actor, f"period.{p.kind}_close", f"period_close_run:{run.id}", {"period": p.label, "status": status, "failed": [r.code for r in failures(results)], "shu": str(shu) if shu is not None else None})
    return run


async def close_month(uow: UnitOfWork, actor: Actor, period: str) -> CloseOutcome:
    """Close a month when every check passes; otherwise record the refusal and what failed.

    Raises:
        InvalidInput: a label that is not a month, or a month that has not ended.
        Conflict: the month is already closed.
    """
    actor.require("period.close")
    p = ReportPeriod.parse(period)
    if p.kind != "month":
        raise InvalidInput("periode bulan harus YYYY-MM / a month is YYYY-MM", field="period")
    if p.through > uow.business_date():
        raise InvalidInput(f"bulan {p.label} belum berakhir / the month has not ended", field="period")
    lock = await _lock(uow, actor.coop)
    if await _closed_run(uow, actor.coop, "month", p.label) is not None and lock is not None and lock >= p.through:
        raise Conflict(f"bulan {p.label} sudah ditutup / already closed", field="period")
    results = run_checks(await facts(uow, actor.coop, p))
    status = "refused" if failures(results) else "closed"
    run = await _record(uow, actor, p, results, status)
    if status == "closed":
        await periods.close_through(uow, actor, p.through, label=p.label)
    return CloseOutcome(run.id, "month", p.label, status, tuple(results))


async def _year_balances(uow: UnitOfWork, coop: int, through: date) -> dict[tuple[int | None, str], Decimal]:
    """Income and expense balances per (branch, account code) through a date, business book."""
    q = (
        select(EntryRow.branch_id, GlAccount.code, _sum_sen())
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == coop, LineRow.value_date <= through, GlAccount.book == "tamwil", GlAccount.kind.in_(("income", "expense")))
        .group_by(EntryRow.branch_id, GlAccount.code)
    )
    return {(b, code): from_sen(int(v)) for b, code, v in (await uow.session.execute(q)).all() if v}


async def _post_closing(uow: UnitOfWork, actor: Actor, year: int, value_date: date) -> tuple[Decimal, list[int]]:
    """Move every income and expense balance as of 31 December to SHU tahun berjalan, one entry per branch."""
    by_branch: dict[int | None, list[tuple[str, Decimal]]] = {}
    for (branch, code), net in sorted((await _year_balances(uow, actor.coop, date(year, 12, 31))).items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        by_branch.setdefault(branch, []).append((code, net))
    shu, ids = ZERO, []
    for branch, rows in by_branch.items():
        lines = [Posting.credit(code, net) if net > 0 else Posting.debit(code, -net) for code, net in rows]
        result = sum((net for _, net in rows), ZERO)  # debit positive: a profit leaves a negative sum
        if result < 0:
            lines.append(Posting.credit("current_year_shu", -result))
        elif result > 0:
            lines.append(Posting.debit("current_year_shu", result))
        shu -= result
        je = entry(value_date, f"Jurnal penutup tahun buku {year}: pendapatan dan beban ke SHU tahun berjalan", *lines, source=f"{YEAR_CLOSE_PREFIX}{year}")
        ids.append(await ledger.post(uow, actor, je, branch_id=branch))
    return shu, ids


async def close_year(uow: UnitOfWork, actor: Actor, year: int) -> CloseOutcome:
    """Close a financial year: the checks over the whole year, then the closing entries.

    Raises:
        InvalidInput: a year that has not ended.
        Conflict: the year is already closed, or the year before it is not.
    """
    actor.require("period.close")
    p = ReportPeriod.year(year)
    today = uow.business_date()
    if p.through >= today:
        raise InvalidInput(f"tahun {year} belum berakhir / the year has not ended", field="year")
    if await _closed_run(uow, actor.coop, "year", p.label) is not None:
        raise Conflict(f"tahun buku {year} sudah ditutup / already closed", field="year")
    earlier = (await uow.session.execute(select(func.count()).select_from(LineRow).join(GlAccount, GlAccount.id == LineRow.account_id).where(LineRow.cooperative_id == actor.coop, LineRow.value_date < p.since, GlAccount.kind.in_(("income", "expense"))))).scalar_one()
    if earlier and await _closed_run(uow, actor.coop, "year", str(year - 1)) is None:
        raise Conflict(f"tutup dulu tahun buku {year - 1} / close {year - 1} first", field="year")
    lock = await _lock(uow, actor.coop)
    results = run_checks(await facts(uow, actor.coop, p))
    if failures(results):
        run = await _record(uow, actor, p, results, "refused")
        return CloseOutcome(run.id, "year", p.label, "refused", tuple(results))
    await periods.close_through(uow, actor, p.through, label=p.label)
    value_date = max(today, (lock or p.through) + timedelta(days=1), p.through + timedelta(days=1))
    shu, ids = await _post_closing(uow, actor, year, value_date)
    run = await _record(uow, actor, p, results, "closed", shu=shu, entry_id=ids[0] if ids else None)
    return CloseOutcome(run.id, "year", p.label, "closed", tuple(results), shu, tuple(ids))


async def reopen(uow: UnitOfWork, actor: Actor, back_to: date, reason: str) -> None:
    """Reopen the books after ``back_to`` (admin only, with a reason; audited by ``periods.reopen``)."""
    await periods.reopen(uow, actor, back_to, reason)


async def history(uow: UnitOfWork, actor: Actor, *, limit: int = 50) -> list[PeriodCloseRun]:
    actor.require("ledger.read")
    q = select(PeriodCloseRun).where(PeriodCloseRun.cooperative_id == actor.coop).order_by(PeriodCloseRun.id.desc()).limit(limit)
    return list((await uow.session.execute(q)).scalars())


async def closed_through(uow: UnitOfWork, actor: Actor) -> date | None:
    return await ledger.closed_through(uow, actor.coop)


def checks_of(run: PeriodCloseRun) -> list[dict]:
    return json.loads(run.checks_json or "[]")
