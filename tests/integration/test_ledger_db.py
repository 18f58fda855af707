"""The ledger on real databases (SQLite and PostgreSQL): the database refuses what the code refuses."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bmt.errors import PeriodClosed, UnbalancedEntry
from bmt.ledger import Posting, entry
from bmt.persistence.models import GlAccount, JournalEntry, JournalLine
from bmt.services import audit, ledger, periods
from tests.conftest import TODAY, World, run


async def _post_simple(w: World, amount: int, *, actor: str = "teller", value_date: date = TODAY) -> int:
    async with w.factory() as uow:
        return await ledger.post(uow, w.actor(actor), entry(value_date, "Setoran uji", Posting.debit("cash", Decimal(amount)), Posting.credit("simpanan_wajib", Decimal(amount), subledger="member:1")))


def test_a_posted_entry_shows_in_the_trial_balance_and_ties(world: World) -> None:
    run(_post_simple(world, 150_000))

    async def tb():
        async with world.factory() as uow:
            return await ledger.trial_balance_rows(uow, world.coop_id)

    rows = run(tb())
    by_code = {r.code: r for r in rows}
    assert by_code["1101"].debit == 150_000 and by_code["4102"].credit == 150_000
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)


def test_the_database_refuses_to_update_or_delete_ledger_rows(world: World) -> None:
    eid = run(_post_simple(world, 1000))

    async def tamper(sql: str) -> None:
        async with world.factory() as uow:
            await uow.session.execute(text(sql), {"id": eid})

    for sql in (
        "UPDATE journal_line SET amount_sen = 1 WHERE entry_id = :id",
        "DELETE FROM journal_line WHERE entry_id = :id",
        "UPDATE journal_entry SET description = 'x' WHERE id = :id",
        "DELETE FROM journal_entry WHERE id = :id",
        "UPDATE audit_event SET actor = 'mallory' WHERE id = :id",
    ):
        with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
            run(tamper(sql))


@pytest.mark.pg
def test_postgresql_refuses_an_unbalanced_entry_at_commit(pg_url: str) -> None:
    from tests.conftest import make_world

    w = run(make_world(pg_url))

    async def unbalanced() -> None:
        async with w.factory() as uow:
            acc = (await uow.session.execute(select(GlAccount.id).where(GlAccount.cooperative_id == w.coop_id, GlAccount.key == "cash"))).scalar_one()
            h = JournalEntry(cooperative_id=w.coop_id, book="tamwil", value_date=TODAY, posted_at=uow.now(), description="bypass", source="")
            uow.session.add(h)
            await uow.session.flush()
            uow.session.add(JournalLine(entry_id=h.id, cooperative_id=w.coop_id, account_id=acc, value_date=TODAY, amount=Decimal(100)))
            uow.session.add(JournalLine(entry_id=h.id, cooperative_id=w.coop_id, account_id=acc, value_date=TODAY, amount=Decimal(-99)))

    with pytest.raises((IntegrityError, DBAPIError), match="unbalanced"):
        run(unbalanced())

    async def count() -> int:
        async with w.factory() as uow:
            return (await uow.session.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.cooperative_id == w.coop_id, JournalEntry.description == "bypass"))).scalar_one()

    assert run(count()) == 0
    run(w.engine.dispose())


def test_the_service_refuses_an_unbalanced_entry_before_writing(world: World) -> None:
    from bmt.ledger.entries import JournalEntry as Je

    async def go() -> None:
        async with world.factory() as uow:
            bad = object.__new__(Je)  # bypass the value's own check to reach the service's
            object.__setattr__(bad, "postings", (Posting.debit("cash", Decimal(10)), Posting.credit("fee_income", Decimal(9))))
            object.__setattr__(bad, "value_date", TODAY)
            await ledger.post(uow, world.actor("teller"), bad)

    with pytest.raises(UnbalancedEntry):
        run(go())


def test_a_closed_period_refuses_postings_in_code_and_in_the_database(world: World) -> None:
    async def close() -> None:
        async with world.factory() as uow:
            await periods.close_through(uow, world.actor("manager"), date(2025, 5, 31), label="2025-05")

    run(close())
    with pytest.raises(PeriodClosed):
        run(_post_simple(world, 500, value_date=date(2025, 5, 31)))

    async def raw_insert() -> None:
        async with world.factory() as uow:
            uow.session.add(JournalEntry(cooperative_id=world.coop_id, book="tamwil", value_date=date(2025, 5, 2), posted_at=uow.now(), description="raw", source=""))
            await uow.session.flush()

    with pytest.raises((IntegrityError, DBAPIError), match="period closed"):
        run(raw_insert())
    assert run(_post_simple(world, 500, value_date=date(2025, 6, 1))) > 0


def test_concurrent_postings_to_one_account_lose_nothing(world: World) -> None:
    """Forty postings from eight concurrent tasks (separate connections) all land, and the cash total is exact."""

    async def burst() -> None:
        sem = asyncio.Semaphore(8)

        async def one(i: int) -> None:
            async with sem:
                await _post_simple(world, 1000 + i, actor="teller" if i % 2 else "teller2")

        await asyncio.gather(*(one(i) for i in range(40)))

    run(burst())

    async def cash() -> Decimal:
        async with world.factory() as uow:
            return (await ledger.net_by_account(uow, world.coop_id))["1101"]

    assert run(cash()) == sum(1000 + i for i in range(40))


def test_concurrent_postings_from_threads_on_separate_engines_lose_nothing(db_url: str) -> None:
    import threading

    from tests.conftest import make_world

    w = run(make_world(db_url))
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        async def go() -> None:
            from bmt.persistence.db import make_engine, make_sessionmaker
            from bmt.services.uow import UnitOfWorkFactory

            engine = make_engine(db_url)
            f = UnitOfWorkFactory(make_sessionmaker(engine), "test-audit-key", TODAY)
            try:
                for _ in range(10):
                    async with f() as uow:
                        await ledger.post(uow, w.actor("teller"), entry(TODAY, "t", Posting.debit("cash", Decimal(100 + n)), Posting.credit("simpanan_wajib", Decimal(100 + n))))
            finally:
                await engine.dispose()

        try:
            asyncio.run(go())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    async def check() -> tuple[Decimal, int]:
        async with w.factory() as uow:
            nets = await ledger.net_by_account(uow, w.coop_id)
            checked, findings = await audit.verify(uow)
            return nets["1101"], len([f for f in findings if f.cooperative_id == w.coop_id])

    cash, broken = run(check())
    assert cash == sum(10 * (100 + n) for n in range(4))
    assert broken == 0
    run(w.engine.dispose())


def test_a_reversal_nets_the_entry_to_zero_and_cannot_be_repeated(world: World) -> None:
    eid = run(_post_simple(world, 7000))

    async def rev() -> int:
        async with world.factory() as uow:
            return await ledger.reverse_entry(uow, world.actor("manager"), eid, "salah akun", TODAY)

    rid = run(rev())
    assert rid != eid

    async def nets() -> dict:
        async with world.factory() as uow:
            return await ledger.net_by_account(uow, world.coop_id)

    n = run(nets())
    assert n.get("1101", 0) == 0 and n.get("4102", 0) == 0
    from bmt.errors import Conflict

    with pytest.raises(Conflict):
        run(rev())


def test_bulk_postings_balance_tie_to_sub_ledgers_and_refuse_imbalance(world: World) -> None:
    async def go(amounts: list[int]) -> int:
        async with world.factory() as uow:
            groups = [
                ledger.BulkLines("ppap", [-a for a in amounts], [f"contract:{i}" for i in range(len(amounts))]),
                ledger.BulkLines("ppap_expense", [sum(amounts)], [None]),
            ]
            return await ledger.post_bulk(uow, world.actor("manager"), TODAY, "PPAP", "test:bulk", groups)

    run(go([100, 250, 5000]))

    async def check() -> tuple[Decimal, Decimal]:
        async with world.factory() as uow:
            return await ledger.subledger_balance(uow, world.coop_id, "contract:1", ["ppap"]), (await ledger.net_by_account(uow, world.coop_id))["6103"]

    assert run(check()) == (Decimal("-2.50"), Decimal("53.50"))

    async def unbalanced() -> None:
        async with world.factory() as uow:
            await ledger.post_bulk(uow, world.actor("manager"), TODAY, "x", "x", [ledger.BulkLines("ppap", [-100], [None]), ledger.BulkLines("ppap_expense", [99], [None])])

    with pytest.raises(UnbalancedEntry):
        run(unbalanced())
