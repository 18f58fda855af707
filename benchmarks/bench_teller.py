"""Teller postings per second on PostgreSQL: service layer, HTTP, and the same SQL run raw.

Run:  .venv/bin/python benchmarks/bench_teller.py [--postings 3000] [--clients 50]

It creates a throw-away database on the local PostgreSQL (BMT_BENCH_PG_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres as the admin connection), migrates it, seeds one
cooperative with tellers and savings accounts, then measures:

1. raw SQL: the statements one service deposit sends (claim the idempotency key, move the balance, lock the
   audit chain and draw the entry id, write entry + lines + audit event, store the answer), their texts taken
   from the service's modules and checked against what a service deposit was seen to send, run with psycopg
   by 8 async connections;
2. the service layer (bmt.services.savings.deposit) on 8 concurrent units of work (uvloop, as the server);
3. HTTP: POST /api/v1/savings/accounts/{id}/deposit against the server (2 workers) driven by wrk with 50
   connections, p50/p99 latency.

Every deposit carries its own idempotency key, as a teller's request does. Deposits are spread over many
accounts (as at a real counter), each teller on their own drawer.
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
TELLERS = 50  # one per wrk connection: a teller serves one member at a time
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
    # API tokens straight from the service: the HTTP login door allows 30 attempts a minute per address.
    from bmt.services import auth

    tokens = []
    for i in range(TELLERS):
        async with f() as uow:
            tokens.append((await auth.login(uow, f"bench.t{i}", PASSWORD, kind="api"))[0])
    await engine.dispose()
    return {"coop": coop, "users": users, "accounts": ids, "tokens": tokens}


def _service_sql() -> dict[str, str]:
    """The SQL texts the service sends for one deposit, as psycopg receives them."""
    from bmt.services import idempotency, ledger, savings

    return {
        "claim": idempotency._CLAIM._pg,
        "move": savings._DEPOSIT_FAST._pg,
        "reserve": ledger._PG_RESERVE._pg,
        "post": ledger._PG_POST._pg,
        "remember": idempotency._REMEMBER._pg,
    }


async def bench_raw(url: str, ctx: dict, n: int, conns: int = 8) -> float:
    """The statements one service deposit sends (taken from the service's own modules, and checked against what
    the service was seen to send by ``statements_of_one_deposit``), issued raw through psycopg's async
    connections, with only the Python needed to fill their parameters (the audit event's HMAC included)."""
    import hmac
    import json

    import psycopg

    sql = _service_sql()
    dsn = url.replace("+psycopg", "")
    coop = ctx["coop"]
    async with await psycopg.AsyncConnection.connect(dsn) as c:
        cur = await c.execute("SELECT key, id FROM gl_account WHERE cooperative_id = %s AND key IN ('teller_cash', 'wadiah_savings')", (coop,))
        acc = dict(await cur.fetchall())
    accounts = ctx["accounts"]
    counter = iter(range(n))
    key = b"bench-key"

    async def worker(k: int) -> None:
        user = ctx["users"][f"bench.t{k % TELLERS}"]
        async with await psycopg.AsyncConnection.connect(dsn) as c:
            for i in counter:
                a = accounts[i % len(accounts)]
                now = datetime.now(UTC)
                async with c.transaction():
                    idem = {"coop": coop, "key": f"raw-{i}"}
                    await c.execute(sql["claim"], {**idem, "operation": "savings.deposit", "digest": hashlib.sha256(str(i).encode()).hexdigest(), "at": now})
                    cur = await c.execute(sql["move"], {"amount": 100, "today": TODAY, "id": a, "coop": coop, "user": user.user_id, "needs_drawer": 1})
                    balance, account_no, _kind, drawer = await cur.fetchone()
                    cur = await c.execute(sql["reserve"], {"chain": user.user_id})
                    seq, prev, eid = await cur.fetchone()
                    payload = json.dumps({"book": "tamwil", "total": "1"})
                    digest = hmac.new(key, f"{seq}{prev}{eid}{payload}".encode(), hashlib.sha256).hexdigest()
                    await c.execute(sql["post"], {
                        "id": eid, "cooperative_id": coop, "branch_id": None, "book": "tamwil", "value_date": TODAY, "posted_at": now,
                        "description": f"Setoran tunai {account_no}", "source": f"savings:{a}:deposit", "idempotency_key": f"raw-{i}", "maker_id": user.user_id,
                        "checker_id": None, "reverses_id": None,
                        "l_accounts": [acc["teller_cash"], acc["wadiah_savings"]], "l_amounts": [100, -100], "l_subs": [f"drawer:{drawer}", f"savings:{a}"], "l_memos": [None, None],
                        "chain_id": user.user_id, "seq": seq + 1, "at": now, "actor": user.username, "action": "journal.post", "object_ref": f"journal_entry:{eid}",
                        "payload_json": payload, "prev_hash": prev, "hash": digest,
                    })
                    await c.execute(sql["remember"], {**idem, "response": json.dumps({"balance": balance, "entry_id": eid})})

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(conns)))
    return n / (time.perf_counter() - t0)


async def statements_of_one_deposit(url: str, ctx: dict) -> list[str]:
    """Every statement psycopg is asked to run for one service deposit (BEGIN and COMMIT aside)."""
    import psycopg

    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services import savings
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(url)
    f = UnitOfWorkFactory(make_sessionmaker(engine), "bench-key", TODAY)
    seen: list[str] = []
    original = psycopg.AsyncCursor.execute

    async def spy(self, query, params=None, **kw):  # noqa: ANN001, ANN202
        seen.append(query if isinstance(query, str) else query.as_string(self))
        return await original(self, query, params, **kw)

    async with f() as uow:  # a first use of the pool, outside the count
        await savings.deposit(uow, ctx["users"]["bench.t0"], ctx["accounts"][0], Decimal(1), idempotency_key="probe-0")
    psycopg.AsyncCursor.execute = spy
    try:
        async with f() as uow:
            await savings.deposit(uow, ctx["users"]["bench.t0"], ctx["accounts"][1], Decimal(1), idempotency_key="probe-1")
    finally:
        psycopg.AsyncCursor.execute = original
        await engine.dispose()
    return seen


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
                await savings.deposit(uow, actor, accounts[i % len(accounts)], Decimal(1), idempotency_key=f"svc-{i}")

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
local prefix = ""
local first = 0
local threads = 0
setup = function(thread)
  thread:set("prefix", tostring(math.random(1, 1000000000)))
  thread:set("first", threads)
  threads = threads + 1
end
request = function()
  i = i + 1
  -- each of the two wrk threads takes its own half of the tellers, in turn
  local half = math.floor(#tokens / 2)
  local t = tokens[first * half + (i %% half) + 1]
  local a = accounts[(i %% #accounts) + 1]
  return wrk.format("POST", "/api/v1/savings/accounts/" .. a .. "/deposit",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. t, ["Idempotency-Key"] = "http-" .. prefix .. "-" .. i},
    '{"amount":"1"}')
end
response = function(status, headers, body)
  if status ~= 200 then failures = (failures or 0) + 1 end
end
"""


def bench_http(url: str, ctx: dict, seconds: int, clients: int, workers: int, server: str) -> str:
    """POST deposits with wrk (a C load generator, so the client does not eat the server's CPU)."""
    import shutil

    import httpx

    if not shutil.which("wrk"):
        return "  HTTP: wrk is not installed (apt-get install wrk); skipped"
    port = _free_port()
    env = dict(os.environ, BMT_DATABASE_URL=url, BMT_AUDIT_KEY="bench-key", BMT_SECRET_KEY="x" * 32, BMT_VAR_DIR="/tmp/bmt-bench-var")
    if server == "uvicorn":
        cmd = [sys.executable, "-m", "uvicorn", "bmt.api.asgi:app", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log"]
    else:  # what `bmt serve` runs
        cmd = [sys.executable, "-m", "bmt.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/schema/openapi.json")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        tokens = ctx["tokens"]
        script = Path("/tmp/bmt-bench-deposit.lua")
        script.write_text(WRK_SCRIPT % (",".join(f'"{t}"' for t in tokens), ",".join(str(a) for a in ctx["accounts"])))
        subprocess.run(["wrk", "-t2", f"-c{clients}", "-d3s", "-s", str(script), base], capture_output=True)  # warm-up
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), base], capture_output=True, text=True).stdout
        rate = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
        lat = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip().startswith(("50%", "99%"))}
        non2xx = next((line.strip() for line in out.splitlines() if "Non-2xx" in line), "all 2xx")
        return f"  HTTP ({server} {workers} workers, wrk {clients} connections, {seconds}s): {float(rate):8.0f} postings/s  p50 {lat.get('50%')}  p99 {lat.get('99%')}  ({non2xx})"
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
    ap.add_argument("--server", choices=("bmt", "uvicorn"), default="bmt", help="bmt: `bmt serve` (Granian); uvicorn: uvicorn with uvloop + httptools")
    args = ap.parse_args()
    from bmt.persistence.migrate import upgrade

    url = create_db()
    try:
        upgrade(url)
        ctx = asyncio.run(seed(url, args.accounts))
        print(f"bench_teller: PostgreSQL, {args.accounts} accounts, {TELLERS} tellers, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
        import uvloop

        seen = uvloop.run(statements_of_one_deposit(url, ctx))
        same = sorted(seen) == sorted(_service_sql().values())
        print(f"  statements per service deposit: {len(seen)} (+ BEGIN, COMMIT); the raw run sends the same texts: {'yes' if same else 'NO'}")
        if not same:
            for q in seen:
                print("    service:", q[:100])
        raw = uvloop.run(bench_raw(url, ctx, args.postings))
        print(f"  raw SQL (psycopg, 8 connections)      : {raw:8.0f} postings/s")

        svc = uvloop.run(bench_service(url, ctx, args.postings))
        print(f"  service layer (8 concurrent UoW)       : {svc:8.0f} postings/s  = {svc / raw:.2f} x raw")
        print(bench_http(url, ctx, args.seconds, args.clients, args.workers, args.server))
    finally:
        drop_db(url)


if __name__ == "__main__":
    main()
