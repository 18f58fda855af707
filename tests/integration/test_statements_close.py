"""Month and year close on SQLite and PostgreSQL: the checks first (and the list of what fails), no posting
into a closed period, reopening only by an admin with a reason, the year's closing entries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bmt.compliance.reporting_period import ReportPeriod
from bmt.dates import Period
from bmt.errors import Conflict, InvalidInput, PeriodClosed, PermissionDenied
from bmt.ledger import Posting
from bmt.persistence.models import AuditEvent, GlAccount, LedgerLock
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models_close import DayClose
from bmt.persistence.models_governance import PeriodCloseRun
from bmt.reports.statements import build
from bmt.services import close_day, ledger, members, period_close
from bmt.services import statements as gather
from tests.conftest import World, nik_for, run
from tests.integration.statements_seed import SHU_2023, SHU_2024, at, post, seed


async def _january(w: World) -> None:
    """A member joins on 2 January 2025; a teller's shortage of 12,500 waits in suspense from the 10th."""
    async with at(w, date(2025, 1, 2)) as uow:
        m = await members.register(uow, w.actor("manager"), members.RegisterMember(nik_for(date(1990, 1, 1), 9), "Ujang", date(1990, 1, 1), "Soreang", "081234567890"))
    async with at(w, date(2025, 1, 3)) as uow:
        await members.pay_simpanan_wajib(uow, w.actor("manager"), m.id, Period(2025, 1))
    await post(w, date(2025, 1, 10), "Selisih kas teller menunggu persetujuan", Posting.debit("suspense", Decimal(12_500)), Posting.credit("cash", Decimal(12_500)))


async def _close_days(w: World, first: date, last: date) -> None:
    """The day close service, day by day (the first day, then its catch-up to ``last``)."""
    await close_day.close_day(w.factory, w.actor("manager"), first)
    await close_day.close_through(w.factory, w.actor("manager"), last)


def test_a_month_closes_only_after_every_check_passes_and_then_refuses_postings(world: World) -> None:
    w = world

    async def go() -> None:
        await _january(w)
        async with at(w, date(2025, 2, 1)) as uow:
            early = await period_close.close_month(uow, w.actor("manager"), "2025-01")
        assert early.status == "refused" and [c.code for c in early.failed] == ["days", "suspense"]
        await _close_days(w, date(2025, 1, 1), date(2025, 1, 31))
        async with at(w, date(2025, 2, 1)) as uow:
            still = await period_close.close_month(uow, w.actor("manager"), "2025-01")
        assert [c.code for c in still.failed] == ["suspense"] and "12500" in still.failed[0].detail
        # the manager approves the shortage in February: the January close can go ahead
        await post(w, date(2025, 2, 3), "Selisih kas (kurang) disetujui", Posting.debit("teller_shortage", Decimal(12_500)), Posting.credit("suspense", Decimal(12_500)))
        async with at(w, date(2025, 2, 3)) as uow:
            done = await period_close.close_month(uow, w.actor("manager"), "2025-01")
        assert done.status == "closed" and done.failed == []
        async with w.factory() as uow:
            runs = (await uow.session.execute(select(PeriodCloseRun.status).where(PeriodCloseRun.cooperative_id == w.coop_id).order_by(PeriodCloseRun.id))).scalars().all()
            audited = (await uow.session.execute(select(AuditEvent.payload_json).where(AuditEvent.cooperative_id == w.coop_id, AuditEvent.action == "period.month_close"))).scalars().all()
        assert runs == ["refused", "refused", "closed"] and len(audited) == 3 and '"status":"closed"' in audited[-1]
        with pytest.raises(PeriodClosed):
            await post(w, date(2025, 1, 20), "Jurnal terlambat", Posting.debit("operating_expense", Decimal(1_000)), Posting.credit("cash", Decimal(1_000)))
        with pytest.raises(Conflict):
            async with at(w, date(2025, 2, 3)) as uow:
                await period_close.close_month(uow, w.actor("manager"), "2025-01")

    run(go())


def test_reopening_needs_an_admin_and_a_reason_and_is_audited(world: World) -> None:
    w = world

    async def go() -> None:
        await _january(w)
        await post(w, date(2025, 1, 11), "Selisih disetujui", Posting.debit("teller_shortage", Decimal(12_500)), Posting.credit("suspense", Decimal(12_500)))
        await _close_days(w, date(2025, 1, 1), date(2025, 1, 31))
        async with at(w, date(2025, 2, 1)) as uow:
            assert (await period_close.close_month(uow, w.actor("manager"), "2025-01")).status == "closed"
        with pytest.raises(PermissionDenied):
            async with w.factory() as uow:
                await period_close.reopen(uow, w.actor("manager"), date(2025, 1, 19), "salah catat")
        with pytest.raises(InvalidInput):
            async with w.factory() as uow:
                await period_close.reopen(uow, w.actor("admin"), date(2025, 1, 19), "  ")
        async with w.factory() as uow:
            await period_close.reopen(uow, w.actor("admin"), date(2025, 1, 19), "koreksi faktur pemasok tanggal 20")
        await post(w, date(2025, 1, 20), "Koreksi", Posting.debit("operating_expense", Decimal(1_000)), Posting.credit("cash", Decimal(1_000)))
        async with w.factory() as uow:
            lock = (await uow.session.execute(select(LedgerLock.closed_through).where(LedgerLock.cooperative_id == w.coop_id))).scalar_one()
            audited = (await uow.session.execute(select(AuditEvent.payload_json).where(AuditEvent.cooperative_id == w.coop_id, AuditEvent.action == "period.reopen"))).scalars().all()
        assert lock == date(2025, 1, 19) and "koreksi faktur" in audited[0]

    run(go())


async def _days_done(w: World, year: int) -> None:
    """Mark every day of a year closed. The day close service runs a year in minutes (six transactions a day,
    tested in test_close_day.py); the year close only reads that the rows are done and the lock set."""
    async with w.factory() as uow:
        start = date(year, 1, 1)
        uow.session.add_all([DayClose(cooperative_id=w.coop_id, business_date=start + timedelta(days=i), status="done", started_at=uow.now(), finished_at=uow.now(), last_contract_id=0, processed=0, summary_json="{}") for i in range((date(year, 12, 31) - start).days + 1)])
        lock = (await uow.session.execute(select(LedgerLock).where(LedgerLock.cooperative_id == w.coop_id))).scalar_one_or_none()
        if lock is None:
            uow.session.add(LedgerLock(cooperative_id=w.coop_id, closed_through=date(year, 12, 31)))
        else:
            lock.closed_through = max(lock.closed_through, date(year, 12, 31))


async def distribute(w: World, year: int) -> Decimal:
    """Each month's profit distribution through its service (computed, approved by a second manager, posted);
    returns what the year paid to depositors."""
    from bmt.services import profit_distribution as pd

    paid = Decimal(0)
    for month in range(1, 13):
        p = Period(year, month)
        async with at(w, p.last_day + timedelta(days=1)) as uow:
            run_id = (await pd.compute(uow, w.actor("manager"), str(p))).id
        async with at(w, p.last_day + timedelta(days=1)) as uow:
            await pd.approve(uow, w.actor("manager2"), run_id)
        async with at(w, p.last_day + timedelta(days=1)) as uow:
            paid += (await pd.post(uow, w.actor("manager"), run_id)).paid_total
    return paid


async def close_both_years(w: World) -> tuple:
    """Seed 2023–2024 and share 2024's profit monthly; close 2023 on 10 January 2024 and 2024 on 15 January
    2025. Returns both outcomes and 2024's SHU (the seed's, less the profit shared with depositors)."""
    await seed(w)
    shu_2024 = SHU_2024 - await distribute(w, 2024)
    await _days_done(w, 2023)
    async with at(w, date(2024, 1, 10)) as uow:
        first = await period_close.close_year(uow, w.actor("manager"), 2023)
    await _days_done(w, 2024)
    async with at(w, date(2025, 1, 15)) as uow:
        second = await period_close.close_year(uow, w.actor("manager"), 2024)
    return first, second, shu_2024


def test_the_year_close_moves_income_and_expense_to_shu_tahun_berjalan(world: World) -> None:
    w = world

    async def go() -> None:
        first, second, shu_2024 = await close_both_years(w)
        assert shu_2024 < SHU_2024  # the depositors got their share of 2024
        assert (first.status, first.shu, second.status, second.shu) == ("closed", SHU_2023, "closed", shu_2024)
        async with w.factory() as uow:
            head = await uow.session.get(EntryRow, second.entry_ids[0])
            nets = await ledger.net_by_account(uow, w.coop_id, through=date(2025, 1, 15), book="tamwil")
            kinds = dict((await uow.session.execute(select(GlAccount.code, GlAccount.kind).where(GlAccount.cooperative_id == w.coop_id))).all())
            year24 = build(await gather.gather(uow, w.actor("accountant"), ReportPeriod.year(2024)))
            jan25 = build(await gather.gather(uow, w.actor("accountant"), ReportPeriod.parse("2025-01")))
        assert head.value_date == date(2025, 1, 15) and head.source == "year_close:2024"
        assert len(second.entry_ids) == 2  # the head office and the second branch
        assert all(v == 0 for code, v in nets.items() if kinds[code] in ("income", "expense"))
        assert -nets["4105"] == SHU_2023 + shu_2024  # no RAT has divided 2023's SHU yet in this story
        assert year24.get("hasil-usaha").line("SHU periode berjalan").amounts[0] == shu_2024
        assert year24.ok and jan25.ok
        assert jan25.get("hasil-usaha").line("SHU periode berjalan").amounts[0] == 0
        assert jan25.get("posisi-keuangan").line("SHU tahun berjalan").amounts[0] == SHU_2023 + shu_2024
        eq = jan25.get("perubahan-ekuitas").blocks[0]
        unclosed = next(ln for ln in eq.lines if ln.label.startswith("SHU periode berjalan"))
        assert unclosed.amounts == (shu_2024, Decimal(0), shu_2024, Decimal(0))
        with pytest.raises(PeriodClosed):
            await post(w, date(2024, 12, 31), "Terlambat", Posting.debit("operating_expense", Decimal(1)), Posting.credit("cash", Decimal(1)))
        with pytest.raises(Conflict):
            async with at(w, date(2025, 1, 20)) as uow:
                await period_close.close_year(uow, w.actor("manager"), 2024)
        with pytest.raises(InvalidInput):
            async with at(w, date(2025, 1, 20)) as uow:
                await period_close.close_year(uow, w.actor("manager"), 2025)

    run(go())


def test_a_year_is_not_closed_before_the_year_before_it(world: World) -> None:
    w = world

    async def go() -> None:
        await seed(w)
        await distribute(w, 2024)
        await _days_done(w, 2024)
        with pytest.raises(Conflict, match="2023"):
            async with at(w, date(2025, 1, 15)) as uow:
                await period_close.close_year(uow, w.actor("manager"), 2024)

    run(go())


def test_a_year_with_open_days_is_refused_and_the_refusal_is_kept(world: World) -> None:
    w = world

    async def go() -> None:
        await seed(w)
        async with at(w, date(2024, 1, 10)) as uow:
            outcome = await period_close.close_year(uow, w.actor("manager"), 2023)
        assert outcome.status == "refused" and "365 hari belum ditutup" in outcome.failed[0].detail
        async with w.factory() as uow:
            n = (await uow.session.execute(select(EntryRow.id).where(EntryRow.cooperative_id == w.coop_id, EntryRow.source.like("year_close:%")))).all()
        assert n == []

    run(go())


def test_a_year_whose_months_were_not_shared_with_depositors_is_refused(world: World) -> None:
    w = world

    async def go() -> None:
        await seed(w)
        await _days_done(w, 2023)
        async with at(w, date(2024, 1, 10)) as uow:
            assert (await period_close.close_year(uow, w.actor("manager"), 2023)).status == "closed"
        await _days_done(w, 2024)
        async with at(w, date(2025, 1, 15)) as uow:
            outcome = await period_close.close_year(uow, w.actor("manager"), 2024)
        assert [c.code for c in outcome.failed] == ["profit_sharing"] and "2024-01" in outcome.failed[0].detail

    run(go())
