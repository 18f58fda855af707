"""Savings under random sequences of operations and under concurrent withdrawals."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bmt.errors import DomainError
from bmt.services import members, savings, teller
from tests.conftest import TODAY, World, make_world, nik_for, run


async def _setup(w: World, n_accounts: int = 3) -> list[int]:
    t = w.actor("teller")
    async with w.factory() as uow:
        await teller.open_drawer(uow, t, Decimal(0))
    async with w.factory() as uow:
        mgr = w.actor("manager")
        tw = await savings.create_product(uow, mgr, savings.ProductSpec("TW", "Wadiah", "wadiah", min_opening=Decimal(10_000), min_balance=Decimal(10_000), approval_threshold=Decimal(10**12)))
        tm = await savings.create_product(uow, mgr, savings.ProductSpec("TM", "Mudharabah", "mudharabah", Decimal(30), min_opening=Decimal(0), approval_threshold=Decimal(10**12)))
    ids = []
    async with w.factory() as uow:
        m = await members.register(uow, t, members.RegisterMember(nik_for(__import__("datetime").date(1980, 1, 1), 1), "Anggota Uji", __import__("datetime").date(1980, 1, 1), "Bandung", "081234567890"))
    for i in range(n_accounts):
        async with w.factory() as uow:
            r = await savings.open_account(uow, t, savings.OpenAccount(m.id, tw.id if i % 2 == 0 else tm.id, Decimal(50_000)))
            ids.append(r["account_id"])
    return ids


ops = st.lists(
    st.tuples(st.sampled_from(["deposit", "withdraw", "transfer"]), st.integers(0, 2), st.integers(0, 2), st.integers(1, 200_000)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=ops)
def test_random_operations_never_make_a_balance_negative_and_keep_the_sub_ledger_equal_to_control(sqlite_url: str, sequence: list) -> None:
    w = run(make_world(sqlite_url))

    async def go() -> None:
        ids = await _setup(w)
        t = w.actor("teller")
        for op, a, b, amount in sequence:
            try:
                async with w.factory() as uow:
                    if op == "deposit":
                        await savings.deposit(uow, t, ids[a], Decimal(amount))
                    elif op == "withdraw":
                        await savings.withdraw(uow, t, ids[a], Decimal(amount))
                    elif a != b:
                        await savings.transfer(uow, t, ids[a], ids[b], Decimal(amount))
            except DomainError:
                pass  # refused operations write nothing; the invariants below must still hold
        async with w.factory() as uow:
            checks = await savings.check_subledgers(uow, w.coop_id)
            assert all(c.ok for c in checks), checks
            for acc_id in ids:
                a, p, _ = await savings.get_account(uow, t, acc_id)
                assert a.balance >= p.min_balance >= 0
                assert a.balance == await savings.balance_at(uow, w.coop_id, acc_id, TODAY)

    run(go())
    run(w.engine.dispose())


@pytest.mark.pg
def test_many_concurrent_withdrawals_on_one_account_never_overdraw_and_lose_nothing(pg_url: str) -> None:
    """Six threads, each with its own engine and event loop, hammer one account with withdrawals."""
    w = run(make_world(pg_url))
    ids = run(_setup(w, 1))
    acc_id = ids[0]

    async def top_up() -> None:
        async with w.factory() as uow:
            await savings.deposit(uow, w.actor("teller"), acc_id, Decimal(950_000))  # balance 1,000,000

    run(top_up())
    done: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        async def go() -> None:
            from bmt.persistence.db import make_engine, make_sessionmaker
            from bmt.services.uow import UnitOfWorkFactory

            engine = make_engine(pg_url)
            f = UnitOfWorkFactory(make_sessionmaker(engine), "test-audit-key", TODAY)
            try:
                for _ in range(15):
                    try:
                        async with f() as uow:
                            await savings.withdraw(uow, w.actor("teller"), acc_id, Decimal(15_000))
                        done.append(15_000)
                    except DomainError:
                        refused.append(15_000)
            finally:
                await engine.dispose()

        try:
            asyncio.run(go())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Wadiah minimum balance 10,000: at most (1,000,000 - 10,000) // 15,000 = 66 withdrawals fit; 90 were tried.
    assert len(done) == 66 and len(refused) == 24

    async def check() -> tuple[Decimal, Decimal, list]:
        async with w.factory() as uow:
            a, _, _ = await savings.get_account(uow, w.actor("teller"), acc_id)
            return a.balance, await savings.balance_at(uow, w.coop_id, acc_id, TODAY), await savings.check_subledgers(uow, w.coop_id)

    balance, from_ledger, checks = run(check())
    assert balance == from_ledger == Decimal(1_000_000 - 66 * 15_000)
    assert all(c.ok for c in checks)
    run(w.engine.dispose())
