"""What the PSAK 101 statements are built from: the ledger's figures for a period and the one before it.

This module only reads. It gathers, for one branch or the whole cooperative, per account code:

* the balance at the start and the end of each period (signed, debit positive);
* the period's debits and credits, and the part of it made by the year-close entries (``year_close:<year>``),
  which the income statement leaves out (they move the year's result to *SHU tahun berjalan*);
* the cash effect of every entry that moved a cash account of the business book, per non-cash account it
  touched (the direct method: ``Σ −amount`` of the other lines equals the cash moved, since entries balance);
* the Baitul Maal's zakat and kebajikan statements, from the maal helper's read model
  (``bmt.services.maal_reports``) when it is installed; the Baitul Maal is kept for the whole cooperative;
* the whole cooperative's trial balance at both ends, through the ledger's own query, to tie against.

``bmt.reports.statements`` turns these plain values into the statements; nothing here formats or decides
presentation.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, case, func, select, type_coerce

from bmt.compliance.reporting_period import ReportPeriod
from bmt.errors import NotFound
from bmt.money import ZERO, from_sen
from bmt.persistence.models import Branch, Cooperative, GlAccount
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.services import ledger
from bmt.services.uow import Actor, UnitOfWork

#: Source prefix of the entries that close a financial year (bmt.services.period_close).
YEAR_CLOSE_PREFIX = "year_close:"


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """One account of the chart. ``group`` is its own system key or that of its nearest keyed ancestor."""

    code: str
    name: str
    kind: str
    book: str
    key: str | None
    group: str | None
    is_cash: bool


@dataclass(frozen=True, slots=True)
class FundStatement:
    """A Baitul Maal fund over a period: opening, signed movements by label (+ in, − out), closing."""

    opening: Decimal
    movements: tuple[tuple[str, Decimal], ...]
    closing: Decimal
    notes: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class Figures:
    """One period's ledger figures, per account code (signed, debit positive)."""

    period: ReportPeriod
    opening: Mapping[str, Decimal]
    debits: Mapping[str, Decimal]
    credits: Mapping[str, Decimal]
    year_close: Mapping[str, Decimal]
    cash_flow: Mapping[str, Decimal]
    zakat: FundStatement | None = None
    kebajikan: FundStatement | None = None

    def closing(self, code: str) -> Decimal:
        return self.opening.get(code, ZERO) + self.debits.get(code, ZERO) - self.credits.get(code, ZERO)

    def movement(self, code: str) -> Decimal:
        """The period's signed movement excluding the year-close entries (what the income statement shows)."""
        return self.debits.get(code, ZERO) - self.credits.get(code, ZERO) - self.year_close.get(code, ZERO)


@dataclass(frozen=True, slots=True)
class StatementInputs:
    """Everything the statement builders need, for one period and its comparative."""

    cooperative: str
    branch: str | None
    accounts: tuple[AccountInfo, ...]
    current: Figures
    prior: Figures
    tb_opening: Mapping[str, Decimal] = field(default_factory=dict)
    tb_closing: Mapping[str, Decimal] = field(default_factory=dict)

    def code_of(self, key: str) -> str | None:
        return next((a.code for a in self.accounts if a.key == key), None)


def _sen(expr: Any) -> Any:
    return type_coerce(expr, BigInteger)


def _scoped(q: Any, coop: int, branch_id: int | None) -> Any:
    q = q.where(LineRow.cooperative_id == coop)
    if branch_id is not None:
        q = q.join(EntryRow, EntryRow.id == LineRow.entry_id).where(EntryRow.branch_id == branch_id)
    return q


async def _accounts(uow: UnitOfWork, coop: int) -> tuple[AccountInfo, ...]:
    rows = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == coop).order_by(GlAccount.book.desc(), GlAccount.code))).scalars().all()
    by_code = {a.code: a for a in rows}

    def group(a: GlAccount) -> str | None:
        seen = 0
        while a is not None and seen < 20:  # a chart is shallow; the bound guards against a parent cycle
            if a.key:
                return a.key
            a, seen = by_code.get(a.parent_code or ""), seen + 1
        return None

    return tuple(AccountInfo(a.code, a.name, a.kind, a.book, a.key, group(a), a.is_cash) for a in rows)


async def _balances(uow: UnitOfWork, coop: int, branch_id: int | None, through: date) -> dict[str, Decimal]:
    q = select(GlAccount.code, func.coalesce(func.sum(_sen(LineRow.amount)), 0)).select_from(LineRow).join(GlAccount, GlAccount.id == LineRow.account_id)
    q = _scoped(q, coop, branch_id).where(LineRow.value_date <= through).group_by(GlAccount.code)
    return {code: from_sen(int(v)) for code, v in (await uow.session.execute(q)).all()}


async def _sides(uow: UnitOfWork, coop: int, branch_id: int | None, p: ReportPeriod) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    amount = _sen(LineRow.amount)
    q = (
        select(GlAccount.code, func.sum(case((amount > 0, amount), else_=0)), func.sum(case((amount < 0, -amount), else_=0)))
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
    )
    q = _scoped(q, coop, branch_id).where(LineRow.value_date >= p.since, LineRow.value_date <= p.through).group_by(GlAccount.code)
    debits, credits = {}, {}
    for code, d, c in (await uow.session.execute(q)).all():
        debits[code], credits[code] = from_sen(int(d or 0)), from_sen(int(c or 0))
    return debits, credits


async def _year_close(uow: UnitOfWork, coop: int, branch_id: int | None, p: ReportPeriod) -> dict[str, Decimal]:
    q = (
        select(GlAccount.code, func.sum(_sen(LineRow.amount)))
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == coop, LineRow.value_date >= p.since, LineRow.value_date <= p.through, EntryRow.source.like(f"{YEAR_CLOSE_PREFIX}%"))
        .group_by(GlAccount.code)
    )
    if branch_id is not None:
        q = q.where(EntryRow.branch_id == branch_id)
    return {code: from_sen(int(v or 0)) for code, v in (await uow.session.execute(q)).all()}


async def _cash_flow(uow: UnitOfWork, coop: int, branch_id: int | None, p: ReportPeriod) -> dict[str, Decimal]:
    """Cash effect (inflow positive) per non-cash account, over entries that moved a business-book cash account."""
    cash_entries = (
        select(LineRow.entry_id)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .where(LineRow.cooperative_id == coop, GlAccount.is_cash.is_(True), GlAccount.book == "tamwil", LineRow.value_date >= p.since, LineRow.value_date <= p.through)
    )
    q = (
        select(GlAccount.code, func.sum(_sen(LineRow.amount)))
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .where(LineRow.entry_id.in_(cash_entries), GlAccount.is_cash.is_(False), LineRow.value_date >= p.since, LineRow.value_date <= p.through)
    )
    q = _scoped(q, coop, branch_id).group_by(GlAccount.code)
    return {code: -from_sen(int(v or 0)) for code, v in (await uow.session.execute(q)).all() if v}


def _fund(section: Any) -> FundStatement:
    moves = [(label, v) for label, v in section.increases.items()] + [(label, -v) for label, v in section.decreases.items()]
    return FundStatement(section.opening, tuple(moves), section.closing, tuple(getattr(section, "notes", {}).items()))


async def _maal(uow: UnitOfWork, actor: Actor, p: ReportPeriod) -> tuple[FundStatement | None, FundStatement | None]:
    """The zakat and kebajikan statements from the Baitul Maal read model, when that module is installed."""
    try:
        reports = importlib.import_module("bmt.services.maal_reports")
    except ImportError:
        return None, None
    sections = await reports.fund_changes(uow, actor, p.since, p.through)
    zakat = next((s for s in sections if s.key == "zakat_fund"), None)
    keb = await reports.kebajikan(uow, actor, p.since, p.through)
    return (_fund(zakat) if zakat is not None else None), _fund(keb)


async def figures(uow: UnitOfWork, actor: Actor, p: ReportPeriod, branch_id: int | None = None) -> Figures:
    """One period's figures for a branch (or the whole cooperative when ``branch_id`` is None)."""
    coop = actor.coop
    debits, credits = await _sides(uow, coop, branch_id, p)
    zakat, keb = await _maal(uow, actor, p)
    return Figures(
        p, await _balances(uow, coop, branch_id, p.since - timedelta(days=1)), debits, credits,
        await _year_close(uow, coop, branch_id, p), await _cash_flow(uow, coop, branch_id, p), zakat, keb,
    )


async def _trial_balance(uow: UnitOfWork, coop: int, through: date) -> dict[str, Decimal]:
    return {r.code: r.debit - r.credit for r in await ledger.trial_balance_rows(uow, coop, through=through)}


async def branch_name(uow: UnitOfWork, coop: int, branch_id: int | None) -> str | None:
    if branch_id is None:
        return None
    b = (await uow.session.execute(select(Branch).where(Branch.id == branch_id, Branch.cooperative_id == coop))).scalar_one_or_none()
    if b is None:
        raise NotFound("cabang tidak ditemukan / branch not found")
    return b.name


async def gather(uow: UnitOfWork, actor: Actor, period: ReportPeriod, branch_id: int | None = None, *, prior: ReportPeriod | None = None) -> StatementInputs:
    """Everything the statements need for ``period`` and its comparative (the one before, by default).

    Args:
        period: The period reported.
        branch_id: One branch's entries only; None for the whole cooperative.
        prior: The comparative period (default: ``period.previous()``).
    """
    actor.require("ledger.read")
    coop = await uow.session.get(Cooperative, actor.coop)
    branch = await branch_name(uow, actor.coop, branch_id)
    before = prior or period.previous()
    return StatementInputs(
        coop.name, branch, await _accounts(uow, actor.coop),
        await figures(uow, actor, period, branch_id), await figures(uow, actor, before, branch_id),
        await _trial_balance(uow, actor.coop, period.since - timedelta(days=1)),
        await _trial_balance(uow, actor.coop, period.through),
    )


def canonical(inputs: StatementInputs) -> dict[str, Any]:
    """The figures as sorted plain JSON values: what a signed DPS opinion's hash covers."""

    def flat(m: Mapping[str, Decimal]) -> dict[str, str]:
        return {k: str(v) for k, v in sorted(m.items()) if v}

    def fig(f: Figures) -> dict[str, Any]:
        return {
            "period": f.period.label, "opening": flat(f.opening), "debits": flat(f.debits), "credits": flat(f.credits),
            "year_close": flat(f.year_close), "cash_flow": flat(f.cash_flow),
        }

    return {"branch": inputs.branch, "current": fig(inputs.current), "prior": fig(inputs.prior)}
