"""The close of a business day over every financing contract, set-based and safe to repeat.

For a cooperative and a date D:

1. claim the date (a ``day_close`` row; a date already done returns its summary and posts nothing);
2. deposits that mature roll over or pay out; savings without activity turn dormant;
   a mudharabah past its maturity with capital not returned ends its akad: the capital left becomes piutang
   mudharabah jatuh tempo (``pls_mudharabah.end_matured``);
3. ta'zir assessment of overdue murabahah installments (the murabahah service's ``assess_tazir``, if present);
4. days past due of every active contract from its oldest open installment due on or before D — one
   aggregate query and two UPDATEs, no loop over contracts in Python;
5. kolektibilitas and the required allowance (PPAP) of every contract, vectorised with numpy over chunks of
   contracts locked ``FOR UPDATE`` (a teller paying during the close waits for the chunk, then pays against
   consistent rows); only the *change* of PPAP is posted, per contract sub-ledger, in balanced entries dated D;
6. a portfolio snapshot (outstanding, NPF, PPAP by class) for the trend; the books close through D.

Running D twice posts nothing new; a missed day is caught up date by date (``close_through``); a crash leaves
committed chunks in place and the rerun posts only what is still missing, because each chunk compares the
required allowance with the one already formed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import JSON, BigInteger, Date, Integer, cast, func, literal, select, text, type_coerce, update

from bmt.contracts.quality import CLASSES, NON_PERFORMING, POLICIES, QualityPolicy, assess_sen_arrays
from bmt.errors import Conflict, InvalidInput
from bmt.money import ZERO, from_sen, money_str
from bmt.persistence.models import Cooperative, LedgerLock
from bmt.persistence.models_close import DayClose, PortfolioSnapshot
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.services import audit, ledger, savings
from bmt.services.uow import Actor, UnitOfWorkFactory

ACTIVE = ("active",)
CHUNK = 20_000
MAX_CATCH_UP_DAYS = 366


@dataclass
class CloseSummary:
    business_date: date
    contracts: int = 0
    overdue: int = 0
    ppap_posted: Decimal = ZERO
    tazir_charged: int = 0
    mudharabah_ended: int = 0
    deposits_rolled: int = 0
    deposits_paid: int = 0
    dormant: int = 0
    already_closed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: (money_str(v) if isinstance(v, Decimal) and v >= 0 else str(v) if isinstance(v, (Decimal, date)) else v) for k, v in self.__dict__.items()}


def policy_of(coop: Cooperative) -> QualityPolicy:
    """The cooperative's classification policy (setting ``quality_policy``; default: the cooperative rule)."""
    name = json.loads(coop.settings_json or "{}").get("quality_policy", "cooperative_default")
    if name not in POLICIES:
        raise InvalidInput(f"kebijakan kolektibilitas tidak dikenal: {name}")
    return POLICIES[name]


async def last_closed(factory: UnitOfWorkFactory, cooperative_id: int) -> date | None:
    async with factory() as uow:
        return (await uow.session.execute(select(func.max(DayClose.business_date)).where(DayClose.cooperative_id == cooperative_id, DayClose.status == "done"))).scalar_one()


async def close_through(factory: UnitOfWorkFactory, actor: Actor, target: date, *, progress: Callable[[str, int, int], None] | None = None) -> list[CloseSummary]:
    """Close every day from the one after the last closed day up to ``target`` (a missed day is caught up)."""
    if actor.role not in ("manager", "admin"):
        raise Conflict("hanya manajer yang menutup hari / only a manager closes the day")
    last = await last_closed(factory, actor.coop)
    start = target if last is None else last + timedelta(days=1)
    if (target - start).days >= MAX_CATCH_UP_DAYS:
        raise InvalidInput(f"terlalu banyak hari tertunda ({(target - start).days}); tutup bertahap / too many days to catch up at once")
    out = []
    d = start
    while d <= target:
        out.append(await close_day(factory, actor, d, progress=progress))
        d += timedelta(days=1)
    if not out and last is not None and target <= last:
        out.append(CloseSummary(target, already_closed=True))
    return out


async def close_day(factory: UnitOfWorkFactory, actor: Actor, d: date, *, progress: Callable[[str, int, int], None] | None = None, stop_after_chunks: int | None = None) -> CloseSummary:
    """Close one business date. ``stop_after_chunks`` simulates a crash midway (tests)."""
    coop_id = actor.coop
    summary = CloseSummary(d)
    async with factory() as uow:
        uow.today = d
        row = (await uow.session.execute(select(DayClose).where(DayClose.cooperative_id == coop_id, DayClose.business_date == d).with_for_update())).scalar_one_or_none()
        if row is not None and row.status == "done":
            return CloseSummary(d, already_closed=True, **{k: v for k, v in json.loads(row.summary_json).items() if k in ("contracts", "overdue")})
        prev_done = (await uow.session.execute(select(func.max(DayClose.business_date)).where(DayClose.cooperative_id == coop_id, DayClose.status == "done"))).scalar_one()
        if prev_done is not None and d <= prev_done:
            raise Conflict(f"hari {d.isoformat()} sebelum hari terakhir yang ditutup ({prev_done.isoformat()}) / already past that date")
        if prev_done is not None and d != prev_done + timedelta(days=1):
            raise Conflict(f"tutup dulu {(prev_done + timedelta(days=1)).isoformat()} / close the missed days first")
        if row is None:
            uow.session.add(DayClose(cooperative_id=coop_id, business_date=d, status="running", started_at=uow.now(), last_contract_id=0, processed=0, summary_json="{}"))
        coop = await uow.session.get(Cooperative, coop_id)
        policy = policy_of(coop)
    await _savings_steps(factory, actor, d, summary)
    await _tazir_step(factory, actor, d, summary)
    await _mudharabah_maturity_step(factory, actor, d, summary)
    summary.overdue = await _update_days_past_due(factory, coop_id, d)
    await _classify_and_provision(factory, actor, d, policy, summary, progress, stop_after_chunks)
    await _finish(factory, actor, d, policy, summary)
    return summary


async def _savings_steps(factory: UnitOfWorkFactory, actor: Actor, d: date, summary: CloseSummary) -> None:
    async with factory() as uow:
        uow.today = d
        res = await savings.process_maturities(uow, actor, d)
        summary.deposits_rolled, summary.deposits_paid = res["rolled_over"], res["paid_out"]
        summary.dormant = await savings.mark_dormant(uow, actor, d)


async def _mudharabah_maturity_step(factory: UnitOfWorkFactory, actor: Actor, d: date, summary: CloseSummary) -> None:
    """A mudharabah past its maturity with capital not returned: the capital becomes piutang jatuh tempo."""
    from bmt.services import pls_mudharabah

    async with factory() as uow:
        uow.today = d
        summary.mudharabah_ended = await pls_mudharabah.end_matured(uow, actor, d)


async def _tazir_step(factory: UnitOfWorkFactory, actor: Actor, d: date, summary: CloseSummary) -> None:
    try:
        from bmt.services import murabahah
    except ImportError:
        return
    assess = getattr(murabahah, "assess_tazir", None)
    if assess is None:
        return
    async with factory() as uow:
        uow.today = d
        result = await assess(uow, actor, d)
        summary.tazir_charged = result if isinstance(result, int) else len(result or [])


async def _update_days_past_due(factory: UnitOfWorkFactory, coop_id: int, d: date) -> int:
    """Days past due of every active contract, set-based: D minus its oldest open installment due before D.

    Two statements whatever the portfolio size: reset, then one UPDATE … FROM an aggregate over the open
    installments (both databases support UPDATE … FROM). Returns how many contracts are in arrears.
    """
    async with factory() as uow:
        inst = ContractInstallment.__table__
        oldest = (
            select(inst.c.contract_id.label("cid"), func.min(inst.c.due_date).label("oldest"))
            .where(inst.c.cooperative_id == coop_id, inst.c.status == "open", inst.c.due_date < d)
            .group_by(inst.c.contract_id)
        ).subquery()
        t = FinancingContract.__table__
        await uow.session.execute(update(t).where(t.c.cooperative_id == coop_id, t.c.status.in_(ACTIVE), t.c.days_past_due != 0).values(days_past_due=0))
        if uow.dialect == "postgresql":
            days = type_coerce(literal(d, Date) - oldest.c.oldest, Integer)
        else:
            days = cast(func.julianday(d.isoformat()) - func.julianday(oldest.c.oldest), Integer)
        result = await uow.session.execute(update(t).where(t.c.id == oldest.c.cid, t.c.status.in_(ACTIVE)).values(days_past_due=days))
        return int(result.rowcount or 0)


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


async def _classify_and_provision(factory: UnitOfWorkFactory, actor: Actor, d: date, policy: QualityPolicy, summary: CloseSummary, progress: Callable[[str, int, int], None] | None, stop_after_chunks: int | None) -> None:
    coop_id = actor.coop
    async with factory() as uow:
        total = (await uow.session.execute(select(func.count()).select_from(FinancingContract).where(FinancingContract.cooperative_id == coop_id, FinancingContract.status.in_(ACTIVE)))).scalar_one()
    done = chunks = 0
    after = 0
    table = FinancingContract.__table__
    while True:
        async with factory() as uow:
            uow.today = d
            # A qardhul hasan lent from the kebajikan fund is the Baitul Maal's (PSAK 109): its loss is borne by
            # the fund (domain.md §6, written off against dana kebajikan), so it is classified for follow-up but
            # never provisioned in the Tamwil book.
            source = func.json_extract(table.c.terms_json, "$.source") if uow.dialect == "sqlite" else cast(table.c.terms_json, JSON)["source"].as_string()
            from_fund = (table.c.kind == "qardh") & (func.coalesce(source, "") == "kebajikan")
            rows = (
                await uow.session.execute(
                    select(table.c.id, table.c.days_past_due, type_coerce(table.c.outstanding_principal, BigInteger), type_coerce(table.c.collateral_value, BigInteger), type_coerce(table.c.ppap_formed, BigInteger), table.c.collectibility, from_fund)
                    .where(table.c.cooperative_id == coop_id, table.c.status.in_(ACTIVE), table.c.id > after)
                    .order_by(table.c.id)
                    .limit(CHUNK)
                    .with_for_update()
                )
            ).all()
            if not rows:
                break
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            dpd = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            out = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
            col = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
            formed = np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows))
            cls, required = assess_sen_arrays(dpd, out, col, policy)
            required[np.fromiter((bool(r[6]) for r in rows), dtype=bool, count=len(rows))] = 0
            old_cls = [r[5] for r in rows]
            delta = required - formed
            changed = np.nonzero((delta != 0) | (np.array([CLASSES.index(c) if c in CLASSES else -1 for c in old_cls]) != cls))[0]
            if changed.size:
                await _update_classes(uow, [int(x) for x in ids[changed]], [CLASSES[c] for c in cls[changed]], [int(x) for x in required[changed]])
            moved = np.nonzero(delta)[0]
            if moved.size:
                summary.ppap_posted += await _post_ppap(uow, actor, d, ids[moved], delta[moved])
            after = int(ids[-1])
            done += len(rows)
            await uow.session.execute(update(DayClose).where(DayClose.cooperative_id == coop_id, DayClose.business_date == d).values(last_contract_id=after, processed=done))
        chunks += 1
        if progress:
            progress("contracts", done, total)
        if stop_after_chunks is not None and chunks >= stop_after_chunks:
            raise RuntimeError("simulated crash during the day close")
    summary.contracts = done


async def _post_ppap(uow: Any, actor: Actor, d: date, ids: np.ndarray, delta: np.ndarray) -> Decimal:
    """Post the change of allowance in one bulk entry per chunk: each contract's PPAP line on its sub-ledger
    (formed more -> credit PPAP; released -> debit PPAP) against the PPAP expense."""
    amounts = [-int(x) for x in delta]  # PPAP is credit-normal: more allowance is a credit (negative)
    subs = [f"contract:{int(c)}" for c in ids]
    up = int(delta[delta > 0].sum())
    down = int(-delta[delta < 0].sum())
    expense_amounts, expense_subs = [], []
    if up:
        expense_amounts.append(up)
        expense_subs.append(None)
    if down:
        expense_amounts.append(-down)
        expense_subs.append(None)
    groups = [ledger.BulkLines("ppap", amounts, subs), ledger.BulkLines("ppap_expense", expense_amounts, expense_subs)]
    await ledger.post_bulk(uow, actor, d, f"Pembentukan/pemulihan PPAP tutup hari {d.isoformat()}", f"close:{d.isoformat()}:ppap", groups)
    return from_sen(up - down)


async def _update_classes(uow: Any, ids: list[int], classes: list[str], ppap_sen: list[int]) -> None:
    """Write the new class and allowance of the changed contracts (one statement on PostgreSQL)."""
    if uow.dialect == "postgresql":
        await uow.session.execute(
            text(
                "UPDATE financing_contract AS t SET collectibility = v.c, ppap_formed = v.p "
                "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:cls AS VARCHAR[]), CAST(:ppap AS BIGINT[])) AS v(i, c, p) WHERE t.id = v.i"
            ),
            {"ids": ids, "cls": classes, "ppap": ppap_sen},
        )
        return
    t = FinancingContract.__table__
    stmt = t.update().where(t.c.id == _bind("cid")).values(collectibility=_bind("cls"), ppap_formed=_bind("ppap"))
    await uow.session.execute(stmt, [{"cid": i, "cls": c, "ppap": from_sen(p)} for i, c, p in zip(ids, classes, ppap_sen, strict=True)])


async def _finish(factory: UnitOfWorkFactory, actor: Actor, d: date, policy: QualityPolicy, summary: CloseSummary) -> None:
    coop_id = actor.coop
    async with factory() as uow:
        uow.today = d
        t = FinancingContract.__table__
        rows = (
            await uow.session.execute(
                select(t.c.collectibility, func.count(), func.sum(type_coerce(t.c.outstanding_principal, BigInteger)), func.sum(type_coerce(t.c.ppap_formed, BigInteger)))
                .where(t.c.cooperative_id == coop_id, t.c.status.in_(ACTIVE))
                .group_by(t.c.collectibility)
            )
        ).all()
        by_class = {c: {"contracts": n, "outstanding": str(from_sen(int(o or 0))), "ppap": str(from_sen(int(p or 0)))} for c, n, o, p in rows}
        outstanding = sum((from_sen(int(o or 0)) for _, _, o, _ in rows), ZERO)
        npl = sum((from_sen(int(o or 0)) for c, _, o, _ in rows if c in NON_PERFORMING), ZERO)
        formed = sum((from_sen(int(p or 0)) for *_, p in rows), ZERO)
        existing = await uow.session.get(PortfolioSnapshot, (coop_id, d))
        if existing is None:
            uow.session.add(PortfolioSnapshot(cooperative_id=coop_id, business_date=d, contracts=sum(n for _, n, _, _ in rows), outstanding=outstanding, non_performing=npl, ppap_required=formed, ppap_formed=formed, by_class_json=json.dumps(by_class)))
        lock = (await uow.session.execute(select(LedgerLock).where(LedgerLock.cooperative_id == coop_id).with_for_update())).scalar_one_or_none()
        if lock is None:
            uow.session.add(LedgerLock(cooperative_id=coop_id, closed_through=d))
        elif lock.closed_through < d:
            lock.closed_through = d
        await uow.session.execute(update(DayClose).where(DayClose.cooperative_id == coop_id, DayClose.business_date == d).values(status="done", finished_at=uow.now(), summary_json=json.dumps(summary.as_dict())))
        await audit.record(uow, actor, "close.day", f"day_close:{coop_id}:{d.isoformat()}", summary.as_dict())
