"""Members: JSON API and the teller's pages (list, search, register, detail, simpanan wajib, deactivation)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._platform import Deactivate, EntryId, MemberCreate, MemberPage, MemberRead, WajibPayment
from bmt.api.security import logged_in, requires
from bmt.dates import Period
from bmt.errors import DomainError
from bmt.money import money_str
from bmt.persistence.models import Member
from bmt.services import members, savings
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]


def to_read(m: Member, equity: dict | None = None) -> MemberRead:
    return MemberRead(
        id=m.id, member_no=m.member_no, nik=m.nik, name=m.name, birth_date=m.birth_date, gender=m.gender, address=m.address,
        phone=m.phone, joined_on=m.joined_on, status=m.status,
        simpanan_pokok=money_str(equity["simpanan_pokok"]) if equity else None,
        simpanan_wajib=money_str(equity["simpanan_wajib"]) if equity else None,
    )


def _actor(request: Request) -> Actor:
    return request.scope["user"]


class MembersApi(Controller):
    path = "/api/v1/members"
    tags = ["members"]
    guards = [logged_in]

    @get("/", guards=[requires("members.read")])
    async def list_members(self, request: Request, q: FromQuery[str] = "", status: FromQuery[str | None] = None, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> MemberPage:
        """Search members by name, member number, NIK or phone."""
        async with request.app.state.uow() as uow:
            rows, total = await members.search(uow, _actor(request), q, status=status, limit=limit, offset=offset)
        return MemberPage(items=[to_read(m) for m in rows], total=total, limit=min(max(limit, 1), 200), offset=max(offset, 0))

    @post("/", guards=[requires("members.write")], status_code=201)
    async def register(self, request: Request, data: JSONBody[MemberCreate]) -> MemberRead:
        """Register a member; the simpanan pokok is posted to equity when paid."""
        cmd = members.RegisterMember(data.nik, data.name, data.birth_date, data.address, data.phone, data.joined_on, simpanan_pokok_paid=data.simpanan_pokok_paid)
        async with request.app.state.uow() as uow:
            m = await members.register(uow, _actor(request), cmd, idempotency_key=request.headers.get("idempotency-key"))
            eq = await members.equity_balances(uow, _actor(request), m.id)
        return to_read(m, eq)

    @get("/{member_id:int}")
    async def get_member(self, request: Request, member_id: FromPath[int]) -> MemberRead:
        """One member (a member login may read only itself)."""
        async with request.app.state.uow() as uow:
            m = await members.get(uow, _actor(request), member_id)
            eq = await members.equity_balances(uow, _actor(request), member_id)
        return to_read(m, eq)

    @post("/{member_id:int}/simpanan-wajib", guards=[requires("members.write")], status_code=201)
    async def pay_wajib(self, request: Request, member_id: FromPath[int], data: JSONBody[WajibPayment]) -> EntryId:
        """Post a month's simpanan wajib."""
        async with request.app.state.uow() as uow:
            eid = await members.pay_simpanan_wajib(uow, _actor(request), member_id, Period.parse(data.period), data.amount)
        return EntryId(eid)

    @post("/{member_id:int}/deactivate", guards=[requires("members.deactivate")], status_code=200)
    async def deactivate(self, request: Request, member_id: FromPath[int], data: JSONBody[Deactivate]) -> MemberRead:
        """Deactivate (never delete) a member, optionally returning their simpanan pokok and wajib."""
        async with request.app.state.uow() as uow:
            await members.deactivate(uow, _actor(request), member_id, data.reason, refund_equity=data.refund_equity)
            m = await members.get(uow, _actor(request), member_id)
        return to_read(m)


class MemberPages(Controller):
    path = "/anggota"
    include_in_schema = False
    guards = [requires("members.read")]

    @get("/")
    async def index(self, request: Request, q: FromQuery[str] = "", offset: FromQuery[int] = 0) -> Template:
        async with request.app.state.uow() as uow:
            rows, total = await members.search(uow, _actor(request), q, limit=50, offset=offset)
        return page(request, "members/list.html", members=rows, total=total, q=q, offset=offset)

    @get("/baru", guards=[requires("members.write")])
    async def new(self, request: Request) -> Template:
        return page(request, "members/new.html", form={}, errors={})

    @post("/baru", guards=[requires("members.write")], status_code=200)
    async def create(self, request: Request, data: Form) -> Response[Any]:
        try:
            cmd = members.RegisterMember(
                nik=data.get("nik", "").strip(), name=data.get("name", ""), birth_date=form_date(data.get("birth_date"), "birth_date"),
                address=data.get("address", ""), phone=data.get("phone", ""), simpanan_pokok_paid=data.get("pokok_paid", "1") == "1",
            )
            async with request.app.state.uow() as uow:
                m = await members.register(uow, _actor(request), cmd, idempotency_key=data.get("idempotency_key") or None)
        except DomainError as exc:
            return page(request, "members/new.html", status=422, form=data, errors=form_errors(exc))
        return Redirect(f"/anggota/{m.id}?pesan=Anggota {m.member_no} terdaftar; simpanan pokok dibukukan.")

    @get("/{member_id:int}")
    async def detail(self, request: Request, member_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            m = await members.get(uow, _actor(request), member_id)
            eq = await members.equity_balances(uow, _actor(request), member_id)
            accounts = await savings.accounts_of_member(uow, _actor(request), member_id)
        return page(request, "members/detail.html", m=m, equity=eq, accounts=accounts, period=str(Period.of(date.today())), errors={})

    @post("/{member_id:int}/wajib", guards=[requires("members.write")], status_code=200)
    async def pay_wajib(self, request: Request, member_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                await members.pay_simpanan_wajib(uow, _actor(request), member_id, Period.parse(data.get("period", "")))
        except DomainError as exc:
            return await self._detail_with_error(request, member_id, exc)
        return Redirect(f"/anggota/{member_id}?pesan=Simpanan wajib {data.get('period')} dibukukan.")

    @post("/{member_id:int}/nonaktif", guards=[requires("members.deactivate")], status_code=200)
    async def deactivate(self, request: Request, member_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                await members.deactivate(uow, _actor(request), member_id, data.get("reason", ""), refund_equity=data.get("refund") == "1")
        except DomainError as exc:
            return await self._detail_with_error(request, member_id, exc)
        return Redirect(f"/anggota/{member_id}?pesan=Anggota dinonaktifkan.")

    async def _detail_with_error(self, request: Request, member_id: int, exc: DomainError) -> Template:
        async with request.app.state.uow() as uow:
            m = await members.get(uow, _actor(request), member_id)
            eq = await members.equity_balances(uow, _actor(request), member_id)
            accounts = await savings.accounts_of_member(uow, _actor(request), member_id)
        return page(request, "members/detail.html", status=422, m=m, equity=eq, accounts=accounts, period=str(Period.of(date.today())), errors=form_errors(exc))
