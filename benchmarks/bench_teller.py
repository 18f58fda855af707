"""Teller postings per second on PostgreSQL: service layer, HTTP, and the same SQL run raw.

Run:  .venv/bin/python benchmarks/bench_teller.py [--postings 3000] [--clients 50]

It creates a throw-away database on the local PostgreSQL (BMT_BENCH_PG_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres as the admin connection), migrates it, seeds one
cooperative with tellers and savings accounts, then measures:

1. raw SQL: the statements one deposit issues (account row lock, balance update, entry header, two lines,
   audit head lock, audit event, head update), run with psycopg by 8 async connections;
2. the service layer (bmt.services.savings.deposit) on 8 concurrent units of work (uvloop, as the server);
3. HTTP: POST /api/v1/savings/accounts/{id}/deposit against uvicorn (2 workers, uvloop, httptools) driven by
   wrk with 50 connections, p50/p99 latency.

Deposits are spread over many accounts (as at a real counter), each teller on their own drawer.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BMT_FAST_HASH", "1")

ADMIN_URL = os.environ.get("BMT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TODAY = date.today()
TELLERS = 8
PASSWORD = "bench-password"


def create_db() -> str:
    import psycopg

    name = f"bmt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_db(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def seed(url: str, accounts: int) -> dict:
    from sqlalchemy import select

    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.persistence.models import User
    from bmt.services import members, platform, savings, teller
    from bmt.services.auth import actor_of
    from bmt.services.uow import SYSTEM, UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", TODAY)
    async with f() as uow:
        coop = await platform.create_cooperative(uow, SYSTEM, platform.NewCooperative("BENCH", "KSPPS Bench"))
        await platform.create_user(uow, SYSTEM, platform.NewUser("bench.mgr", "Manajer", "manager", PASSWORD, coop))
        for i in range(TELLERS):
            await platform.create_user(uow, SYSTEM, platform.NewUser(f"bench.t{i}", f"Teller {i}", "teller", PASSWORD, coop))
    async with f() as uow:
        users = {u.username: actor_of(u) for u in (await uow.session.execute(select(User))).scalars()}
        prod = await savings.create_product(uow, users["bench.mgr"], savings.ProductSpec("TW", "Wadiah", "wadiah", approval_threshold=Decimal(10**12)))
    for i in range(TELLERS):
        async with f() as uow:
            await teller.open_drawer(uow, users[f"bench.t{i}"], Decimal(0))
    async with f() as uow:
        m = await members.register(uow, users["bench.mgr"], members.RegisterMember("3273010101800001", "Anggota Bench", date(1980, 1, 1), "Bandung", "081234567890"))
    ids = []
    for _ in range(accounts):
        async with f() as uow:
            r = await savings.open_account(uow, users["bench.mgr"], savings.OpenAccount(m.id, prod.id, Decimal(0)))
            ids.append(r["account_id"])
    await engine.dispose()
    return {"coop": coop, "users": users, "accounts": ids}


async def bench_raw(url: str, ctx: dict, n: int, conns: int = 8) -> float:
    """The SQL of one deposit, issued raw through psycopg's async connections."""
    import psycopg

    dsn = url.replace("+psycopg", "")
    coop = ctx["coop"]
    async with await psycopg.AsyncConnection.connect(dsn) as c:
        cur = await c.execute("SELECT key, id FROM gl_account WHERE cooperative_id = %s AND key IN ('teller_cash', 'wadiah_savings')", (coop,))
        acc = dict(await cur.fetchall())
        cur = await c.execute("SELECT id FROM teller_drawer WHERE cooperative_id = %s ORDER BY id LIMIT 1", (coop,))
        drawer = (await cur.fetchone())[0]
        # Chains written by the service's seeding must not collide with the raw run's chains: start them fresh.
        await c.execute("UPDATE audit_head SET seq = seq + 1000000 WHERE chain_id IN (SELECT id FROM app_user WHERE username LIKE 'bench.t%%')")
        await c.commit()
    accounts = ctx["accounts"]
    counter = iter(range(n))
    chains = iter([ctx["users"][f"bench.t{k % TELLERS}"].user_id for k in range(conns)])

    async def worker() -> None:
        chain = next(chains)  # like the service: each teller writes their own audit chain
        async with await psycopg.AsyncConnection.connect(dsn) as c:
            for i in counter:
                a = accounts[i % len(accounts)]
                async with c.transaction():
                    await c.execute("SELECT id FROM teller_drawer WHERE id = %s AND status = 'open'", (drawer,))
                    await c.execute("SELECT balance FROM savings_account WHERE id = %s FOR UPDATE", (a,))
                    await c.execute("SELECT closed_through FROM ledger_lock WHERE cooperative_id = %s", (coop,))
                    cur = await c.execute(
                        "INSERT INTO journal_entry (cooperative_id, book, value_date, posted_at, description, source) VALUES (%s, 'tamwil', %s, now(), 'raw', 'raw') RETURNING id",
                        (coop, TODAY),
                    )
                    eid = (await cur.fetchone())[0]
                    await c.execute(
                        "INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger) VALUES (%s,%s,%s,%s,%s,%s), (%s,%s,%s,%s,%s,%s)",
                        (eid, coop, acc["teller_cash"], TODAY, 100, f"drawer:{drawer}", eid, coop, acc["wadiah_savings"], TODAY, -100, f"savings:{a}"),
                    )
                    cur = await c.execute("SELECT seq, hash FROM audit_head WHERE chain_id = %s FOR UPDATE", (chain,))
                    seq, prev = await cur.fetchone()
                    h = hashlib.sha256(f"{seq}{prev}".encode()).hexdigest()
                    await c.execute(
                        "INSERT INTO audit_event (chain_id, cooperative_id, seq, at, actor, action, object_ref, payload_json, prev_hash, hash) VALUES (%s,%s,%s,now(),'raw','journal.post','x','{}',%s,%s)",
                        (chain, coop, seq + 1, prev, h),
                    )
                    await c.execute("UPDATE audit_head SET seq = %s, hash = %s WHERE chain_id = %s", (seq + 1, h, chain))
                    await c.execute("UPDATE savings_account SET balance = balance + 100, last_activity_on = %s WHERE id = %s", (TODAY, a))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return n / (time.perf_counter() - t0)


async def bench_service(url: str, ctx: dict, n: int, conns: int = 8) -> float:
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services import savings
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(url, pool_size=conns)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", TODAY)
    accounts = ctx["accounts"]
    counter = iter(range(n))

    async def worker(k: int) -> None:
        actor = ctx["users"][f"bench.t{k % TELLERS}"]
        for i in counter:
            async with f() as uow:
                await savings.deposit(uow, actor, accounts[i % len(accounts)], Decimal(1))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(conns)))
    rate = n / (time.perf_counter() - t0)
    await engine.dispose()
    return rate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WRK_SCRIPT = """
local tokens = {%s}
local accounts = {%s}
local i = 0
request = function()
  i = i + 1
  local t = tokens[(i %% #tokens) + 1]
  local a = accounts[(i %% #accounts) + 1]
  return wrk.format("POST", "/api/v1/savings/accounts/" .. a .. "/deposit",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t}, '{"amount":"1"}')
end
response = function(status, headers, body)
  if status ~= 200 then failures = (failures or 0) + 1 end
end
"""


def bench_http(url: str, ctx: dict, seconds: int, clients: int, workers: int) -> str:
    """POST deposits with wrk (a C load generator, so the client does not eat the server's CPU)."""
    import shutil

    import httpx

    if not shutil.which("wrk"):
        return "  HTTP: wrk is not installed (apt-get install wrk); skipped"
    port = _free_port()
    env = dict(os.environ, BMT_DATABASE_URL=url, BMT_AUDIT_KEY="bench-key", BMT_SECRET_KEY="x" * 32, BMT_VAR_DIR="/tmp/bmt-bench-var")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bmt.api.asgi:app", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/schema/openapi.json")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        tokens = [httpx.post(base + "/api/v1/auth/token", json={"username": f"bench.t{i}", "password": PASSWORD}).json()["access_token"] for i in range(TELLERS)]
        script = Path("/tmp/bmt-bench-deposit.lua")
        script.write_text(WRK_SCRIPT % (",".join(f'"{t}"' for t in tokens), ",".join(str(a) for a in ctx["accounts"])))
        subprocess.run(["wrk", "-t2", f"-c{clients}", "-d3s", "-s", str(script), base], capture_output=True)  # warm-up
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), base], capture_output=True, text=True).stdout
        rate = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
        lat = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip().startswith(("50%", "99%"))}
        non2xx = next((line.strip() for line in out.splitlines() if "Non-2xx" in line), "all 2xx")
        return f"  HTTP (uvicorn {workers} workers, wrk {clients} connections, {seconds}s): {float(rate):8.0f} postings/s  p50 {lat.get('50%')}  p99 {lat.get('99%')}  ({non2xx})"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--postings", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--accounts", type=int, default=500)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from bmt.persistence.migrate import upgrade

    url = create_db()
    try:
        upgrade(url)
        ctx = asyncio.run(seed(url, args.accounts))
        print(f"bench_teller: PostgreSQL, {args.accounts} accounts, {TELLERS} tellers, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
        import uvloop

        raw = uvloop.run(bench_raw(url, ctx, args.postings))
        print(f"  raw SQL (psycopg, 8 connections)      : {raw:8.0f} postings/s")
        import uvloop

        svc = uvloop.run(bench_service(url, ctx, args.postings))
        print(f"  service layer (8 concurrent UoW)       : {svc:8.0f} postings/s  = {svc / raw:.2f} x raw")
        print(bench_http(url, ctx, args.seconds, args.clients, args.workers))
    finally:
        drop_db(url)


if __name__ == "__main__":
    main()
