"""Month-end profit distribution on PostgreSQL, end to end from the database: time and peak memory.

Run:  .venv/bin/python benchmarks/bench_profit_sharing_db.py [--accounts 1000000] [--postings 5000000]

Seeds a throw-away database with COPY: one cooperative, products TW (wadiah), TM (mudharabah 30%), deposito 1/3/12
months (40/45/55%); N savings accounts with an opening balance on the last day of May; P savings postings spread
over June (deposits and withdrawals, in entries of 10,000 lines with a cash line each; no balance goes below
zero); financing, equity and June income so that Y and F are non-trivial; half the deposits pay their profit
into a mudharabah savings account, the rest to the payable. Seeding runs with ``session_replication_role =
replica`` (no trigger or foreign-key check per row) to take minutes instead of hours; the seeded entries are
balanced by construction and checked with one query afterwards, and ``savings_account.balance`` is set to the
sum of each account's lines. The tables are then vacuumed and a checkpoint is taken, so background work
left by the seeding does not land inside the measurement.

Then, in a fresh process (so the peak memory is the month-end's, not the seeding's), it times through the
services exactly as the CLI and the API call them:

* ``compute``  — Y and F from the ledger, every account's events (one grouped query, COPY BINARY into numpy),
  the engine, 1,000,000 lines stored with COPY;
* ``approve``  — by a second manager (maker–checker), with the check that the month's books did not change;
* ``post``     — entries of ≤ 10,000 lines written with INSERT ... SELECT from the stored lines, checked to
  balance in code, the balances of every credited account moved with one UPDATE (rows locked in id order),
  COMMIT (PostgreSQL's deferred constraint trigger checks every entry again);

and verifies afterwards that Σ savings balances = the control accounts and that the posted debit equals the
run's paid total. Peak memory is the measuring process's maximum resident set size (ru_maxrss).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BMT_FAST_HASH", "1")

ADMIN_URL = os.environ.get("BMT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MAY31, JUNE1, JULY1 = date(2025, 5, 31), date(2025, 6, 1), date(2025, 7, 1)
PRODUCTS = [  # code, name, kind, nisbah %, tenor, share of accounts
    ("TW", "Tabungan Wadiah", "wadiah", 0, None, 0.10),
    ("TM", "Tabungan Mudharabah", "mudharabah", 30, None, 0.55),
    ("D1", "Deposito 1 bulan", "deposito", 40, 1, 0.10),
    ("D3", "Deposito 3 bulan", "deposito", 45, 3, 0.15),
    ("D12", "Deposito 12 bulan", "deposito", 55, 12, 0.10),
]
PER_ENTRY = 10_000
NULL = "\\N"  # COPY text format


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


async def seed_platform(url: str) -> dict:
    """The cooperative, two managers, a member and the products, through the services."""
    from decimal import Decimal

    from sqlalchemy import select

    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.persistence.models import User
    from bmt.services import members, platform, savings
    from bmt.services.auth import actor_of
    from bmt.services.uow import SYSTEM, UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", MAY31)
    async with f() as uow:
        coop = await platform.create_cooperative(uow, SYSTEM, platform.NewCooperative("BENCH", "KSPPS Bench"))
        m1 = await platform.create_user(uow, SYSTEM, platform.NewUser("bench.mgr", "Manajer", "manager", "bench-password", coop))
        m2 = await platform.create_user(uow, SYSTEM, platform.NewUser("bench.mgr2", "Manajer 2", "manager", "bench-password", coop))
    async with f() as uow:
        actor = actor_of((await uow.session.execute(select(User).where(User.id == m1))).scalar_one())
        member = await members.register(uow, actor, members.RegisterMember("3273010101800001", "Anggota Bench", date(1980, 1, 1), "Bandung", "081234567890", simpanan_pokok_paid=False))
        prods = {}
        for code, name, kind, nisbah, tenor, _ in PRODUCTS:
            p = await savings.create_product(uow, actor, savings.ProductSpec(code, name, kind, Decimal(nisbah), tenor_months=tenor))
            prods[code] = p.id
    await engine.dispose()
    return {"coop": coop, "m1": m1, "m2": m2, "member": member.id, "products": prods}


def _accounts(n: int, ctx: dict, rng) -> dict:  # noqa: ANN001
    """Product, opening balance (sen) and linked account of each account, as numpy arrays."""
    import numpy as np

    odds = np.array([p[5] for p in PRODUCTS])
    kind = rng.choice(len(PRODUCTS), size=n, p=odds / odds.sum())
    opening = (rng.lognormal(14.5, 1.8, size=n) * 100).astype(np.int64).clip(10_000_00, 5 * 10**11) // 100 * 100
    ids = np.arange(1, n + 1, dtype=np.int64)
    tm_ids = ids[kind == 1]
    linked = np.zeros(n, dtype=np.int64)
    deposits = np.flatnonzero(kind >= 2)
    half = deposits[rng.random(deposits.size) < 0.5]
    linked[half] = rng.choice(tm_ids, size=half.size)
    return {"ids": ids, "kind": kind, "opening": opening, "linked": linked}


def _postings(a: dict, p: int, rng) -> tuple:  # noqa: ANN001
    """P June postings on savings and wadiah accounts (deposits take none): day, account, signed sen (credit < 0)."""
    import numpy as np

    movable = np.flatnonzero(a["kind"] <= 1)
    acc_idx = rng.choice(movable, size=p)
    day = rng.integers(1, 31, size=p)
    amount = (rng.integers(1, 100, size=p) * a["opening"][acc_idx] // 1000) // 100 * 100 + 100  # ≤ ~10% each
    withdraw = rng.random(p) < 0.4
    signed = np.where(withdraw, amount, -amount)  # a withdrawal debits the savings account
    # Keep every balance ≥ 0: withdrawals of an account never exceed half of its opening balance in total.
    order = np.lexsort((day, acc_idx))
    acc_idx, day, signed = acc_idx[order], day[order], signed[order]
    out = np.where(signed > 0, signed, 0)
    spent = np.zeros(a["ids"].size, dtype=np.int64)
    np.add.at(spent, acc_idx, out)
    too_much = spent[acc_idx] > a["opening"][acc_idx] // 2
    signed = np.where(too_much & (signed > 0), -signed, signed)
    return day, a["ids"][acc_idx], signed


def copy_book(url: str, ctx: dict, n: int, p: int) -> dict:
    """COPY accounts, opening balances, June postings, financing, equity and income. Returns the totals."""
    import numpy as np
    import psycopg

    rng = np.random.default_rng(11)
    a = _accounts(n, ctx, rng)
    day, acc, signed = _postings(a, p, rng)
    balance = a["opening"].copy()
    np.add.at(balance, acc - 1, -signed)
    codes = [c for c, *_ in PRODUCTS]
    dsn = url.replace("+psycopg", "")
    with psycopg.connect(dsn) as c:
        c.execute("SET session_replication_role = replica")
        keys = {k: i for k, i in c.execute("SELECT key, id FROM gl_account WHERE cooperative_id = %s AND key IS NOT NULL", (ctx["coop"],)).fetchall()}
        _copy_accounts(c, ctx, a, balance, codes)
        entry_id = int(c.execute("SELECT coalesce(max(id), 0) FROM journal_entry").fetchone()[0])
        first_entry = entry_id
        control = {0: keys["wadiah_savings"], 1: keys["mudharabah_savings"], 2: keys["mudharabah_deposits"], 3: keys["mudharabah_deposits"], 4: keys["mudharabah_deposits"]}
        ctl = np.array([control[int(k)] for k in range(5)])[a["kind"]]
        entry_id = _copy_lines(c, ctx, keys, entry_id, MAY31, a["ids"], -a["opening"], ctl, "Saldo awal")
        ctl_by_id = np.zeros(n + 1, dtype=np.int64)
        ctl_by_id[a["ids"]] = ctl
        for d in range(1, 31):
            sel = day == d
            entry_id = _copy_lines(c, ctx, keys, entry_id, JUNE1 + timedelta(days=d - 1), acc[sel], signed[sel], ctl_by_id[acc[sel]], "Transaksi tabungan")
        entry_id = _copy_pair(c, ctx, keys, entry_id, MAY31, "mudharabah_financing", "cash", int(a["opening"].sum() * 8 // 10))
        entry_id = _copy_pair(c, ctx, keys, entry_id, MAY31, "cash", "simpanan_pokok", int(a["opening"].sum() // 10))
        income = int(a["opening"].sum() // 150) // 100 * 100
        entry_id = _copy_pair(c, ctx, keys, entry_id, date(2025, 6, 20), "cash", "murabahah_income", income)
        for t in ("journal_entry", "journal_line"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
        c.execute("SET session_replication_role = origin")
        c.commit()
        bad = c.execute("SELECT count(*) FROM (SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(amount_sen) <> 0) x").fetchone()[0]
        assert bad == 0, f"{bad} seeded entries do not balance"
    # Settle what the seeding left behind (visibility map, statistics, dirty buffers) so that autovacuum and
    # the checkpointer do not run inside the measurement.
    with psycopg.connect(dsn, autocommit=True) as c:
        for t in ("savings_account", "journal_line", "journal_entry"):
            c.execute(f"VACUUM (ANALYZE) {t}")
        c.execute("CHECKPOINT")
    return {"entries": int(entry_id - first_entry), "income_sen": income}


def _copy_accounts(c, ctx: dict, a: dict, balance, codes: list[str]) -> None:  # noqa: ANN001
    prefix = {0: "TW", 1: "TM", 2: "DM", 3: "DM", 4: "DM"}
    tenor = {2: "1", 3: "3", 4: "12"}
    rows = []
    for i, k, bal, link in zip(a["ids"].tolist(), a["kind"].tolist(), balance.tolist(), a["linked"].tolist(), strict=True):
        t = tenor.get(k, NULL)
        maturity = "2026-05-31" if k >= 2 else NULL
        linked = str(link) if link else NULL
        rows.append(f"{i}\t{ctx['coop']}\t{ctx['member']}\t{ctx['products'][codes[k]]}\t{prefix[k]}{i:09d}\tactive\t{bal}\t{(0, 3000, 4000, 4500, 5500)[k]}\t2025-01-01\t2025-05-31\t{t}\t{maturity}\tt\t{linked}\t0\n")
    with c.cursor().copy("COPY savings_account (id, cooperative_id, member_id, product_id, account_no, status, balance, nisbah_member_bps, opened_on, last_activity_on, tenor_months, maturity_date, aro, profit_to_account_id, version) FROM STDIN") as cp:
        for start in range(0, len(rows), 100_000):
            cp.write("".join(rows[start : start + 100_000]))
    c.execute("SELECT setval(pg_get_serial_sequence('savings_account', 'id'), %s)", (int(a["ids"][-1]),))


def _copy_lines(c, ctx: dict, keys: dict, entry_id: int, d: date, ids, signed, ctl, text: str) -> int:  # noqa: ANN001
    """Entries of ≤ 10,000 savings lines plus one balancing cash line each; returns the last entry id."""
    entries, lines = [], []
    for start in range(0, len(ids), PER_ENTRY):
        entry_id += 1
        part = slice(start, start + PER_ENTRY)
        total = -int(signed[part].sum())
        entries.append(f"{entry_id}\t{ctx['coop']}\ttamwil\t{d}\t2025-06-01 00:00:00+00\t{text}\tbench\t{ctx['m1']}\n")
        lines.append(f"{entry_id}\t{ctx['coop']}\t{keys['cash']}\t{d}\t{total}\t\\N\n")
        lines.extend(f"{entry_id}\t{ctx['coop']}\t{k}\t{d}\t{s}\tsavings:{i}\n" for i, s, k in zip(ids[part].tolist(), signed[part].tolist(), ctl[part].tolist(), strict=True))
    with c.cursor().copy("COPY journal_entry (id, cooperative_id, book, value_date, posted_at, description, source, maker_id) FROM STDIN") as cp:
        cp.write("".join(entries))
    with c.cursor().copy("COPY journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger) FROM STDIN") as cp:
        for start in range(0, len(lines), 200_000):
            cp.write("".join(lines[start : start + 200_000]))
    return entry_id


def _copy_pair(c, ctx: dict, keys: dict, entry_id: int, d: date, debit: str, credit: str, sen: int) -> int:  # noqa: ANN001
    entry_id += 1
    with c.cursor().copy("COPY journal_entry (id, cooperative_id, book, value_date, posted_at, description, source, maker_id) FROM STDIN") as cp:
        cp.write(f"{entry_id}\t{ctx['coop']}\ttamwil\t{d}\t2025-06-01 00:00:00+00\tbench {debit}/{credit}\tbench\t{ctx['m1']}\n")
    with c.cursor().copy("COPY journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger) FROM STDIN") as cp:
        cp.write(f"{entry_id}\t{ctx['coop']}\t{keys[debit]}\t{d}\t{sen}\t\\N\n{entry_id}\t{ctx['coop']}\t{keys[credit]}\t{d}\t{-sen}\t\\N\n")
    return entry_id


async def measure(url: str, ctx: dict) -> dict:
    """The month-end through the services, timed step by step (run in a fresh process)."""
    from sqlalchemy import select

    from bmt.money import money_str
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.persistence.models import User
    from bmt.services import profit_distribution as pd
    from bmt.services import savings
    from bmt.services.auth import actor_of
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", JULY1)
    async with f() as uow:
        m1 = actor_of((await uow.session.execute(select(User).where(User.id == ctx["m1"]))).scalar_one())
        m2 = actor_of((await uow.session.execute(select(User).where(User.id == ctx["m2"]))).scalar_one())
    out: dict = {}
    t0 = time.perf_counter()
    async with f() as uow:
        r = await pd.compute(uow, m1, "2025-06")
    out["compute_s"] = time.perf_counter() - t0
    out["rss_after_compute_mb"] = rss_mb()
    t1 = time.perf_counter()
    async with f() as uow:
        await pd.approve(uow, m2, r.id)
    out["approve_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    async with f() as uow:
        r = await pd.post(uow, m2, r.id)
    out["post_s"] = time.perf_counter() - t2
    out["total_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = rss_mb()
    async with f() as uow:
        out["subledgers_ok"] = all(x.ok for x in await savings.check_subledgers(uow, ctx["coop"]))
    out.update({"accounts": r.accounts, "paid_accounts": r.paid_accounts, "paid_total": money_str(r.paid_total), "income": money_str(r.income), "entries": len(json.loads(r.entry_ids_json))})
    await engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--postings", type=int, default=5_000_000)
    ap.add_argument("--measure", nargs=2, metavar=("URL", "CTX_JSON"), help=argparse.SUPPRESS)
    ap.add_argument("--keep", action="store_true", help="Keep the database (prints its URL).")
    ap.add_argument("--seed-only", action="store_true", help="Seed, keep the database and stop (for profiling).")
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure[0], json.loads(args.measure[1])))))
        return
    from bmt.persistence.migrate import upgrade

    url = create_db()
    try:
        upgrade(url)
        ctx = asyncio.run(seed_platform(url))
        t0 = time.perf_counter()
        seeded = copy_book(url, ctx, args.accounts, args.postings)
        print(f"bench_profit_sharing_db: {args.accounts:,} accounts, {args.postings:,} June postings ({seeded['entries']:,} entries) seeded in {time.perf_counter() - t0:.0f}s (PostgreSQL, {os.cpu_count()} cores)")
        if args.seed_only:
            args.keep = True
            print(json.dumps(ctx))
            return
        res = subprocess.run([sys.executable, __file__, "--measure", url, json.dumps(ctx)], capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(res.stderr)
        m = json.loads(res.stdout.strip().splitlines()[-1])
        print(f"  compute (draft) {m['compute_s']:6.1f}s   approve {m['approve_s']:5.2f}s   post {m['post_s']:6.1f}s   end to end {m['total_s']:6.1f}s")
        print(f"  peak RSS {m['peak_rss_mb']:.0f} MB (after compute {m['rss_after_compute_mb']:.0f} MB); {m['accounts']:,} accounts, {m['paid_accounts']:,} paid, {m['entries']} entries; Y {m['income']}, paid {m['paid_total']}; sub-ledgers = control: {m['subledgers_ok']}")
    finally:
        if args.keep:
            print(f"database kept: {url}")
        else:
            drop_db(url)


if __name__ == "__main__":
    main()
