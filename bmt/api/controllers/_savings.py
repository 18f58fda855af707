"""Savings, deposits and the teller's drawer through the JSON API (``Idempotency-Key`` header on postings)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.exc import IntegrityError

from bmt.api.documents import render
from bmt.api.schemas._savings import (
    AccountOpen,
    AccountRead,
    AdbRead,
    Amount,
    BreakIn,
    DrawerCount,
    DrawerOpen,
    DrawerRead,
    ProductCreate,
    ProductRead,
    StatementLineRead,
    StatementRead,
    SubledgerCheckRead,
    TransferIn,
)
from bmt.api.security import logged_in, requires
from bmt.money import money_str
from bmt.persistence.models import SavingsAccount, SavingsProduct, TellerDrawer
from bmt.services import ledger, savings, teller
from bmt.services.uow import Actor, UnitOfWork


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


async def posting(request: Request, fn: Callable[[UnitOfWork], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run a posting use case; when a concurrent request with the same idempotency key won the race, run it
    again so this request returns the first result."""
    for attempt in (1, 2):
        try:
            async with request.app.state.uow() as uow:
                return await fn(uow)
        except IntegrityError as exc:
            if attempt == 2 or "idempotency_record" not in str(exc):
                raise
    raise AssertionError("unreachable")


def product_read(p: SavingsProduct) -> ProductRead:
    return ProductRead(p.id, p.code, p.name, p.kind, str(Decimal(p.nisbah_member_bps) / 100), p.tenor_months, money_str(p.min_opening), money_str(p.min_balance), p.dormant_after_days, money_str(p.approval_threshold), p.aro_default, p.early_break)


def account_read(a: SavingsAccount, p: SavingsProduct, member_name: str) -> AccountRead:
    return AccountRead(a.id, a.account_no, a.member_id, member_name, p.code, p.kind, a.status, money_str(a.balance), str(Decimal(a.nisbah_member_bps) / 100), a.opened_on, a.maturity_date, a.aro, a.profit_to_account_id)


async def drawer_read(uow: UnitOfWork, d: TellerDrawer) -> DrawerRead:
    bal = await teller.drawer_balance(uow, d) if d.status == "open" else None
    opt = lambda v: money_str(v) if v is not None and v >= 0 else (("-" + money_str(-v)) if v is not None else None)  # noqa: E731
    return DrawerRead(d.id, d.teller_id, d.business_date, d.status, money_str(d.float_amount), opt(bal), opt(d.expected_amount), opt(d.counted_amount), opt(d.difference))


class SavingsApi(Controller):
    path = "/api/v1/savings"
    tags = ["savings"]
    guards = [logged_in]

    @get("/products", guards=[requires("members.read")])
    async def list_products(self, request: Request) -> list[ProductRead]:
        async with request.app.state.uow() as uow:
            return [product_read(p) for p in await savings.products(uow, _actor(request))]

    @post("/products", guards=[requires("members.deactivate")], status_code=201)
    async def create_product(self, request: Request, data: JSONBody[ProductCreate]) -> ProductRead:
        """A manager configures a wadiah, mudharabah or deposito product."""
        spec = savings.ProductSpec(**{f: getattr(data, f) for f in data.__struct_fields__})
        async with request.app.state.uow() as uow:
            return product_read(await savings.create_product(uow, _actor(request), spec))

    @post("/accounts", guards=[requires("members.write")], status_code=201)
    async def open_account(self, request: Request, data: JSONBody[AccountOpen]) -> dict[str, Any]:
        """Open a savings account or place a deposito (first deposit in cash, or from ``funding_account_id``)."""
        cmd = savings.OpenAccount(data.member_id, data.product_id, data.initial_deposit, data.aro, data.profit_to_account_id, data.funding_account_id)
        return await posting(request, lambda uow: savings.open_account(uow, _actor(request), cmd, idempotency_key=_key(request)))

    @get("/accounts")
    async def member_accounts(self, request: Request, member_id: FromQuery[int]) -> list[AccountRead]:
        async with request.app.state.uow() as uow:
            rows = await savings.accounts_of_member(uow, _actor(request), member_id)
            from bmt.services import members

            m = await members.get(uow, _actor(request), member_id)
        return [account_read(a, p, m.name) for a, p in rows]

    @get("/accounts/{account_id:int}")
    async def get_account(self, request: Request, account_id: FromPath[int]) -> AccountRead:
        async with request.app.state.uow() as uow:
            a, p, m = await savings.get_account(uow, _actor(request), account_id)
        return account_read(a, p, m.name)

    @post("/accounts/{account_id:int}/deposit", guards=[requires("members.write")], status_code=200)
    async def deposit(self, request: Request, account_id: FromPath[int], data: JSONBody[Amount]) -> dict[str, Any]:
        """Cash deposit (moves the teller's drawer)."""
        return await posting(request, lambda uow: savings.deposit(uow, _actor(request), account_id, data.amount, idempotency_key=_key(request), memo=data.memo))

    @post("/accounts/{account_id:int}/withdraw", guards=[requires("members.write")], status_code=200)
    async def withdraw(self, request: Request, account_id: FromPath[int], data: JSONBody[Amount]) -> dict[str, Any]:
        """Cash withdrawal; above the product's threshold it waits for a manager (status ``pending_approval``)."""
        return await posting(request, lambda uow: savings.withdraw(uow, _actor(request), account_id, data.amount, idempotency_key=_key(request)))

    @post("/transfers", guards=[requires("members.write")], status_code=200)
    async def transfer(self, request: Request, data: JSONBody[TransferIn]) -> dict[str, Any]:
        return await posting(request, lambda uow: savings.transfer(uow, _actor(request), data.from_account_id, data.to_account_id, data.amount, idempotency_key=_key(request)))

    @post("/accounts/{account_id:int}/break", guards=[requires("members.write")], status_code=200)
    async def break_deposit(self, request: Request, account_id: FromPath[int], data: JSONBody[BreakIn]) -> dict[str, Any]:
        """Pay out a deposito (early, under the product's policy, or at maturity)."""
        return await posting(request, lambda uow: savings.break_deposit(uow, _actor(request), account_id, to_account_id=data.to_account_id, idempotency_key=_key(request)))

    @post("/accounts/{account_id:int}/close", guards=[requires("members.write")], status_code=200)
    async def close(self, request: Request, account_id: FromPath[int]) -> dict[str, Any]:
        return await posting(request, lambda uow: savings.close_account(uow, _actor(request), account_id, idempotency_key=_key(request)))

    @post("/accounts/{account_id:int}/reactivate", guards=[requires("members.deactivate")], status_code=200)
    async def reactivate(self, request: Request, account_id: FromPath[int]) -> dict[str, str]:
        async with request.app.state.uow() as uow:
            await savings.reactivate(uow, _actor(request), account_id)
        return {"status": "active"}

    @get("/withdrawal-requests", guards=[requires("members.deactivate")])
    async def pending(self, request: Request) -> list[dict[str, Any]]:
        async with request.app.state.uow() as uow:
            rows = await savings.pending_withdrawals(uow, _actor(request))
        return [{"id": r.id, "account_id": a.id, "account_no": a.account_no, "amount": money_str(r.amount), "maker_id": r.maker_id} for r, a in rows]

    @post("/withdrawal-requests/{request_id:int}/approve", guards=[requires("members.deactivate")], status_code=200)
    async def approve(self, request: Request, request_id: FromPath[int]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            return await savings.approve_withdrawal(uow, _actor(request), request_id)

    @get("/accounts/{account_id:int}/statement")
    async def statement(self, request: Request, account_id: FromPath[int], since: FromQuery[date], through: FromQuery[date]) -> StatementRead:
        """Rekening koran for a period; ties to the ledger."""
        async with request.app.state.uow() as uow:
            a, _, _ = await savings.get_account(uow, _actor(request), account_id)
            opening, lines, closing = await savings.statement(uow, _actor(request), account_id, since, through)
        return StatementRead(a.id, a.account_no, since, through, money_str(opening), money_str(closing), [StatementLineRead(x.value_date, x.entry_id, x.description, money_str(x.debit), money_str(x.credit), money_str(x.balance)) for x in lines])

    @get("/accounts/{account_id:int}/balance")
    async def balance_at(self, request: Request, account_id: FromPath[int], as_of: FromQuery[date]) -> dict[str, str]:
        """The balance at the end of a day."""
        async with request.app.state.uow() as uow:
            await savings.get_account(uow, _actor(request), account_id)
            bal = await savings.balance_at(uow, _actor(request).coop, account_id, as_of)
        return {"account_id": str(account_id), "as_of": as_of.isoformat(), "balance": money_str(bal)}

    @get("/average-daily-balances", guards=[requires("ledger.read")])
    async def adb(self, request: Request, since: FromQuery[date], through: FromQuery[date], product_id: FromQuery[int | None] = None) -> list[AdbRead]:
        """Average daily balance of every account over a period (one set-based query)."""
        async with request.app.state.uow() as uow:
            rows = await savings.average_daily_balances(uow, _actor(request).coop, since, through, product_id=product_id)
        return [AdbRead(k, str(v[0].quantize(Decimal("0.01"))), money_str(v[1])) for k, v in sorted(rows.items())]

    @get("/subledger-check", guards=[requires("ledger.read")])
    async def subledger_check(self, request: Request) -> list[SubledgerCheckRead]:
        """Σ savings balances per kind = control account = Σ the accounts' ledger lines."""
        async with request.app.state.uow() as uow:
            rows = await savings.check_subledgers(uow, _actor(request).coop)
        return [SubledgerCheckRead(r.kind, r.control_key, money_str(r.control_balance) if r.control_balance >= 0 else str(r.control_balance), money_str(r.accounts_balance) if r.accounts_balance >= 0 else str(r.accounts_balance), str(r.lines_balance), r.ok) for r in rows]

    @get("/receipts/{entry_id:int}/pdf", guards=[requires("members.read")])
    async def receipt(self, request: Request, entry_id: FromPath[int]) -> Response[bytes]:
        """A teller's slip for a posting: amount in words (terbilang)."""
        async with request.app.state.uow() as uow:
            header, lines = await ledger.load_entry(uow, _actor(request).coop, entry_id)
        total = sum((ln.amount for ln, _ in lines if ln.amount > 0), Decimal(0))
        pdf = await render(request, "savings/receipt_pdf.html", entry=header, lines=lines, total=total, coop_name=request.app.state.coop_names.get(_actor(request).coop, ""), teller=_actor(request))
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="slip-{entry_id}.pdf"'})


class TellerApi(Controller):
    path = "/api/v1/teller"
    tags = ["teller"]
    guards = [logged_in]

    @post("/drawer/open", status_code=201)
    async def open_drawer(self, request: Request, data: JSONBody[DrawerOpen]) -> DrawerRead:
        """Open today's drawer with a float from the vault."""
        async with request.app.state.uow() as uow:
            d = await teller.open_drawer(uow, _actor(request), data.float_amount)
            return await drawer_read(uow, d)

    @get("/drawer")
    async def current(self, request: Request) -> DrawerRead | None:
        async with request.app.state.uow() as uow:
            d = await teller.current_drawer(uow, _actor(request), required=False)
            return await drawer_read(uow, d) if d else None

    @post("/drawer/close", status_code=200)
    async def close_drawer(self, request: Request, data: JSONBody[DrawerCount]) -> DrawerRead:
        """Close the drawer with the cash counted; a difference goes to suspense for the manager."""
        async with request.app.state.uow() as uow:
            res = await teller.close_drawer(uow, _actor(request), data.counted_amount)
            d = await uow.session.get(TellerDrawer, res.drawer_id)
            return await drawer_read(uow, d)

    @post("/drawers/{drawer_id:int}/approve-difference", guards=[requires("members.deactivate")], status_code=200)
    async def approve_difference(self, request: Request, drawer_id: FromPath[int]) -> dict[str, int]:
        async with request.app.state.uow() as uow:
            return {"entry_id": await teller.approve_difference(uow, _actor(request), drawer_id)}

    @get("/drawers", guards=[requires("members.deactivate")])
    async def list_drawers(self, request: Request, status: FromQuery[str | None] = None) -> list[DrawerRead]:
        async with request.app.state.uow() as uow:
            return [await drawer_read(uow, d) for d in await teller.drawers(uow, _actor(request), status=status)]
