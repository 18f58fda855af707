"""Close of day over many active financing contracts on PostgreSQL: time and peak memory.

Run:  .venv/bin/python benchmarks/bench_close_day.py --contracts 100000 [--installments 12]

Seeds a throw-away database with COPY (contracts of every class: ~85% current, the rest 1–400 days in arrears,
schedules of N monthly installments, the past ones paid), then times:

* day 1 — the first close, which forms the allowance of every contract (a PPAP line per contract);
* day 2 — a steady-state close (arrears grow by a day; only contracts whose class or allowance changes post).

Peak memory is the process's maximum resident set size (ru_maxrss).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import resource
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BMT_FAST_HASH", "1")

ADMIN_URL = os.environ.get("BMT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
D1 = date(2025, 6, 30)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def create_db() -> str:
    import psycopg

    name = f"bmt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_db(url: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


async def seed_platform(url: str) -> tuple[int, int, int]:
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services import members, platform
    from bmt.services.uow import SYSTEM, UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", D1)
    async with f() as uow:
        coop = await platform.create_cooperative(uow, SYSTEM, platform.NewCooperative("BENCH", "KSPPS Bench"))
        uid = await platform.create_user(uow, SYSTEM, platform.NewUser("bench.mgr", "Manajer", "manager", "bench-password", coop))
    from sqlalchemy import select

    from bmt.persistence.models import User
    from bmt.services.auth import actor_of

    async with f() as uow:
        actor = actor_of((await uow.session.execute(select(User).where(User.id == uid))).scalar_one())
        m = await members.register(uow, actor, members.RegisterMember("3273010101800001", "Anggota Bench", date(1980, 1, 1), "Bandung", "081234567890", simpanan_pokok_paid=False))
    await engine.dispose()
    return coop, uid, m.id


def copy_contracts(url: str, coop: int, uid: int, member: int, n: int, k: int) -> None:
    """COPY n contracts and n·k installments (past ones paid, ~15% of contracts in arrears)."""
    import psycopg

    rng = random.Random(7)
    dsn = url.replace("+psycopg", "")
    with psycopg.connect(dsn) as c:
        buf = io.StringIO()
        ibuf = io.StringIO()
        for i in range(1, n + 1):
            principal_sen = rng.randint(1_000, 100_000) * 100_000  # Rp1 juta – Rp100 juta
            collateral_sen = principal_sen // rng.choice((1, 2, 4, 10**9))
            arrears = 0 if rng.random() < 0.85 else rng.choice((5, 40, 100, 200, 300, 400))
            start = D1 - timedelta(days=30 * (k // 2))
            buf.write(f"{i}\t{coop}\t{member}\tmurabahah\tB{i:09d}\tactive\t\t{uid}\t{start}\t{principal_sen}\t0\t0\t0\t{principal_sen}\t{principal_sen}\t{collateral_sen}\t{{}}\t1\t0\tL\t0\t0\n")
            per = principal_sen // k
            for j in range(k):
                due = start + timedelta(days=30 * j)
                paid = due <= D1 and (arrears == 0 or (D1 - due).days > arrears)
                status = "paid" if paid else "open"
                pp = per if paid else 0
                ibuf.write(f"{i}\t{coop}\t1\t{j + 1}\t{due}\t{per}\t{per}\t0\t{pp}\t0\tf\t{status}\t{due if paid else chr(92) + 'N'}\n")
        buf.seek(0)
        ibuf.seek(0)
        with c.cursor() as cur:
            with cur.copy(
                "COPY financing_contract (id, cooperative_id, member_id, kind, contract_no, status, purpose, maker_id, applied_on, principal, selling_price, margin_total, down_payment, outstanding, outstanding_principal, collateral_value, terms_json, schedule_version, days_past_due, collectibility, ppap_formed, version) FROM STDIN"
            ) as cp:
                while chunk := buf.read(1 << 20):
                    cp.write(chunk)
            with cur.copy(
                "COPY contract_installment (contract_id, cooperative_id, schedule_version, number, due_date, amount, principal, margin, paid_principal, paid_margin, tazir_charged, status, paid_on) FROM STDIN"
            ) as cp:
                while chunk := ibuf.read(1 << 20):
                    cp.write(chunk)
            cur.execute("SELECT setval(pg_get_serial_sequence('financing_contract', 'id'), %s)", (n,))
        c.commit()
        c.execute("ANALYZE financing_contract")
        c.execute("ANALYZE contract_installment")
        c.commit()


async def run_close(url: str, uid: int, d: date) -> tuple[float, object]:
    from sqlalchemy import select

    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.persistence.models import User
    from bmt.services import close_day
    from bmt.services.auth import actor_of
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", d)
    async with f() as uow:
        actor = actor_of((await uow.session.execute(select(User).where(User.id == uid))).scalar_one())
    t0 = time.perf_counter()
    summary = await close_day.close_day(f, actor, d)
    elapsed = time.perf_counter() - t0
    await engine.dispose()
    return elapsed, summary


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contracts", type=int, default=100_000)
    ap.add_argument("--installments", type=int, default=12)
    args = ap.parse_args()
    from bmt.persistence.migrate import upgrade

    url = create_db()
    try:
        upgrade(url)
        coop, uid, member = asyncio.run(seed_platform(url))
        t0 = time.perf_counter()
        copy_contracts(url, coop, uid, member, args.contracts, args.installments)
        print(f"bench_close_day: {args.contracts:,} active contracts × {args.installments} installments seeded in {time.perf_counter() - t0:.1f}s (PostgreSQL, {os.cpu_count()} cores)")
        for d in (D1, D1 + timedelta(days=1)):
            elapsed, s = asyncio.run(run_close(url, uid, d))
            print(f"  close {d}: {elapsed:6.1f}s  overdue {s.overdue:,}  PPAP posted {s.ppap_posted:,}  peak RSS {rss_mb():.0f} MB")
    finally:
        drop_db(url)


if __name__ == "__main__":
    main()
