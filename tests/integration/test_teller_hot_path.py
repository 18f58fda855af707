"""The teller's fast path (one UPDATE … RETURNING per deposit or withdrawal, statements on the driver) against
the full path it falls back to: the same answers, refusals and journals, and no lost update when both meet in
one unit of work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, text

from bmt.errors import Conflict, InsufficientBalance, PeriodClosed
from bmt.persistence.models import JournalEntry, JournalLine, SavingsAccount
from bmt.services import audit, ledger, periods, savings, teller
from tests.conftest import TODAY, World, run
from tests.integration.test_savings_properties import _setup


def _balance(w: World, acc_id: int) -> tuple[Decimal, Decimal]:
    async def go() -> tuple[Decimal, Decimal]:
        async with w.factory() as uow:
            a, _, _ = await savings.get_account(uow, w.actor("teller"), acc_id)
            return a.balance, await savings.balance_at(uow, w.coop_id, acc_id, TODAY)

    return run(go())


def test_fast_deposit_and_withdrawal_post_the_journal_of_the_full_path(world: World) -> None:
    a, _, _ = run(_setup(world))
    t = world.actor("teller")

    async def go() -> tuple[dict, dict, list]:
        async with world.factory() as uow:
            dep = await savings.deposit(uow, t, a, Decimal("125000.50"), idempotency_key="hot-1", memo="setoran")
        async with world.factory() as uow:
            wd = await savings.withdraw(uow, t, a, Decimal(25_000), idempotency_key="hot-2")
        async with world.factory() as uow:
            rows = (
                await uow.session.execute(
                    select(JournalLine.entry_id, JournalLine.amount, JournalLine.subledger).where(JournalLine.entry_id.in_([dep["entry_id"], wd["entry_id"]])).order_by(JournalLine.id)
                )
            ).all()
            drawer = await teller.current_drawer(uow, t)
            headers = {e.id: e for e in (await uow.session.execute(select(JournalEntry).where(JournalEntry.id.in_([dep["entry_id"], wd["entry_id"]])))).scalars()}
            assert headers[dep["entry_id"]].description.endswith("— setoran") and headers[dep["entry_id"]].idempotency_key == "hot-1"
            assert headers[wd["entry_id"]].maker_id == t.user_id
            return dep, wd, [(r[0], r[1], r[2], drawer.id) for r in rows]

    dep, wd, lines = run(go())
    assert dep["balance"] == "175000.50" and wd["balance"] == "150000.50" and wd["status"] == "posted"
    d = lines[0][3]
    # Lines in the order of the postings: cash leg first on a deposit, savings leg first on a withdrawal.
    assert [(e, amt, sub) for e, amt, sub, _ in lines] == [
        (dep["entry_id"], Decimal("125000.50"), f"drawer:{d}"),
        (dep["entry_id"], Decimal("-125000.50"), f"savings:{a}"),
        (wd["entry_id"], Decimal(25_000), f"savings:{a}"),
        (wd["entry_id"], Decimal(-25_000), f"drawer:{d}"),
    ]
    assert _balance(world, a) == (Decimal("150000.50"), Decimal("150000.50"))


def test_refusals_still_come_from_the_full_checks(world: World) -> None:
    a, b, _ = run(_setup(world))  # a: wadiah, minimum balance 10,000; b: mudharabah
    t = world.actor("teller")

    async def attempt(fn, *args):  # noqa: ANN001, ANN202
        async with world.factory() as uow:
            return await fn(uow, *args)

    with pytest.raises(InsufficientBalance) as exc:
        run(attempt(lambda uow: savings.withdraw(uow, t, a, Decimal(40_001))))
    assert exc.value.extra.get("available") == "40000"
    # Above the product's threshold: a request for the manager, the balance untouched.
    async def lower_threshold() -> None:
        async with world.factory() as uow:
            await uow.session.execute(text("UPDATE savings_product SET approval_threshold = 100000000 WHERE code = 'TM'"))

    run(lower_threshold())
    r = run(attempt(lambda uow: savings.withdraw(uow, t, b, Decimal(20_000))))
    assert r["status"] == "posted"
    run(attempt(lambda uow: savings.deposit(uow, t, b, Decimal(5_000_000))))
    r = run(attempt(lambda uow: savings.withdraw(uow, t, b, Decimal(2_000_000))))
    assert r["status"] == "pending_approval" and r["entry_id"] is None
    assert _balance(world, b)[0] == Decimal(5_030_000)
    # Another cooperative's account, or no such account: not found either way, nothing written.
    with pytest.raises(Exception, match="tidak ditemukan"):
        run(attempt(lambda uow: savings.deposit(uow, t, 999_999, Decimal(1))))


def test_a_teller_without_an_open_drawer_is_refused_and_a_manager_posts_to_the_vault(world: World) -> None:
    a, _, _ = run(_setup(world))
    t, mgr = world.actor("teller"), world.actor("manager")

    async def go() -> dict:
        async with world.factory() as uow:
            await teller.close_drawer(uow, t, await teller.drawer_balance(uow, await teller.current_drawer(uow, t)))
        with pytest.raises(Conflict, match="laci kas"):
            async with world.factory() as uow:
                await savings.deposit(uow, t, a, Decimal(1_000))
        async with world.factory() as uow:
            r = await savings.deposit(uow, mgr, a, Decimal(1_000))
        async with world.factory() as uow:
            _, lines = await ledger.load_entry(uow, world.coop_id, r["entry_id"])
            return {acc.key: line.subledger for line, acc in lines}

    assert run(go()) == {"cash": None, "wadiah_savings": f"savings:{a}"}


def test_a_dormant_account_comes_alive_with_a_deposit_but_refuses_a_withdrawal(world: World) -> None:
    a, _, _ = run(_setup(world))
    t = world.actor("teller")

    async def go() -> str:
        async with world.factory() as uow:
            await uow.session.execute(text(f"UPDATE savings_account SET status = 'dormant' WHERE id = {a}"))
        with pytest.raises(Conflict, match="dorman"):
            async with world.factory() as uow:
                await savings.withdraw(uow, t, a, Decimal(1_000))
        async with world.factory() as uow:
            await savings.deposit(uow, t, a, Decimal(1_000))
        async with world.factory() as uow:
            return (await uow.session.get(SavingsAccount, a)).status

    assert run(go()) == "active"


def test_fast_and_full_paths_in_one_unit_of_work_lose_no_update(world: World) -> None:
    """A transfer changes the ORM's copy of an account; a fast deposit on it follows; another transfer reads it."""
    a, b, _ = run(_setup(world))
    t = world.actor("teller")

    async def go() -> None:
        async with world.factory() as uow:
            await savings.transfer(uow, t, a, b, Decimal(10_000))  # ORM: a 40,000 (not yet flushed)
            await savings.deposit(uow, t, a, Decimal(5_000))  # fast: 45,000
            await savings.transfer(uow, t, a, b, Decimal(20_000))  # ORM again: 25,000
            r = await savings.withdraw(uow, t, a, Decimal(1_000))  # fast: 24,000
            assert r["balance"] == "24000"

    run(go())
    assert _balance(world, a) == (Decimal(24_000), Decimal(24_000))
    assert _balance(world, b) == (Decimal(80_000), Decimal(80_000))

    async def check() -> None:
        async with world.factory() as uow:
            assert all(c.ok for c in await savings.check_subledgers(uow, world.coop_id))
            _, findings = await audit.verify(uow)
            # The session's database is shared: other tests tamper with their own chains on purpose.
            assert [f for f in findings if f.cooperative_id == world.coop_id] == []

    run(check())


def test_a_closed_day_refuses_the_fast_deposit_and_keeps_the_balance(world: World) -> None:
    a, _, _ = run(_setup(world))
    t = world.actor("teller")

    async def go() -> None:
        async with world.factory() as uow:
            await periods.close_through(uow, world.actor("admin"), TODAY)
        with pytest.raises(PeriodClosed):
            async with world.factory() as uow:
                await savings.deposit(uow, t, a, Decimal(1_000))

    run(go())
    assert _balance(world, a) == (Decimal(50_000), Decimal(50_000))


@pytest.mark.pg
def test_a_lost_database_connection_fails_one_request_and_the_next_one_works(pg_url: str) -> None:
    """No ping before each checkout: a connection killed under the pool fails its request once, cleanly."""
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services.uow import UnitOfWorkFactory
    from tests.conftest import make_world

    w = run(make_world(pg_url))
    a, _, _ = run(_setup(w))

    async def go() -> tuple[int, str]:
        engine = make_engine(pg_url, pool_size=2, max_overflow=0)
        f = UnitOfWorkFactory(make_sessionmaker(engine), "test-audit-key", TODAY)
        t = w.actor("teller")
        try:
            async with f() as uow:
                await savings.deposit(uow, t, a, Decimal(1_000))
                pid = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            async with w.factory() as uow:
                await uow.session.execute(text(f"SELECT pg_terminate_backend({pid})"))
            failures = 0
            for _ in range(3):
                try:
                    async with f() as uow:
                        r = await savings.deposit(uow, t, a, Decimal(1_000))
                except Exception:  # noqa: BLE001 - the dead connection's one failure
                    failures += 1
            return failures, r["balance"]
        finally:
            await engine.dispose()

    failures, balance = run(go())
    assert failures <= 1
    assert balance == str(50_000 + 1_000 + (3 - failures) * 1_000)
    assert _balance(w, a)[0] == Decimal(balance) == _balance(w, a)[1]
    run(w.engine.dispose())
