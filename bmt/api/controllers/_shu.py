"""SHU at the RAT: the articles' percentages, the division of a closed year's SHU (per category and per
member), and its posting after the meeting by a second manager."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Response, Template

from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._governance import (
    ShuCalculate,
    ShuMemberRead,
    ShuPartRead,
    ShuPolicyRead,
    ShuPolicyWrite,
    ShuPost,
    ShuRunRead,
)
from bmt.api.security import requires
from bmt.compliance.shu import CATEGORIES, CATEGORY_LABELS, ShuPolicy
from bmt.errors import DomainError, InvalidInput
from bmt.money import money_str
from bmt.persistence.models_governance import ShuLine, ShuRun
from bmt.services import shu
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def policy_read(p: ShuPolicy) -> ShuPolicyRead:
    return ShuPolicyRead({c: str(v) for c, v in p.percentages}, str(p.zakat_percent))


def run_read(run: ShuRun, lines: list[tuple[ShuLine, Any]]) -> ShuRunRead:
    parts = [ShuPartRead(c, label, str(pct), money_str(a)) for c, label, pct, a in shu.parts_of(run)]
    members = [
        ShuMemberRead(m.id, m.member_no, m.name, money_str(ln.modal_basis), money_str(ln.usaha_basis), money_str(ln.jasa_modal), money_str(ln.jasa_usaha),
                      money_str(ln.jasa_modal + ln.jasa_usaha), f"savings:{ln.savings_account_id}" if run.target == "savings" and ln.savings_account_id else "shu_payable")
        for ln, m in lines
    ]
    return ShuRunRead(run.id, run.year, run.status, money_str(run.shu), money_str(run.zakat), money_str(run.members_total), money_str(run.residue), run.target, parts, members, json.loads(run.entry_ids_json or "[]"), run.rat_date)


class ShuApi(Controller):
    path = "/api/v1/shu"
    tags = ["shu"]
    guards = [requires("ledger.read")]

    @get("/policy")
    async def get_policy(self, request: Request) -> ShuPolicyRead:
        """The articles' division of the SHU (percent per category, zakat first if set)."""
        async with request.app.state.uow() as uow:
            return policy_read(await shu.policy(uow, _actor(request).coop))

    @put("/policy")
    async def put_policy(self, request: Request, data: JSONBody[ShuPolicyWrite]) -> ShuPolicyRead:
        """Record the articles' percentages (manager or admin); they must sum to 100."""
        raw = {"percentages": {k: str(v) for k, v in data.percentages.items()}, "zakat_percent": str(data.zakat_percent)}
        async with request.app.state.uow() as uow:
            return policy_read(await shu.save_policy(uow, _actor(request), raw))

    @post("/{year:int}/runs", status_code=201)
    async def calculate(self, request: Request, year: FromPath[int], data: JSONBody[ShuCalculate]) -> ShuRunRead:
        """Divide a closed year's SHU by the articles and among the members (a draft for the RAT)."""
        async with request.app.state.uow() as uow:
            run = await shu.calculate(uow, _actor(request), year, target=data.target)
            return run_read(*await shu.get_run(uow, _actor(request), run.id))

    @get("/runs/{run_id:int}")
    async def get_run(self, request: Request, run_id: FromPath[int]) -> ShuRunRead:
        async with request.app.state.uow() as uow:
            return run_read(*await shu.get_run(uow, _actor(request), run_id))

    @post("/runs/{run_id:int}/post", status_code=200)
    async def post_run(self, request: Request, run_id: FromPath[int], data: JSONBody[ShuPost]) -> ShuRunRead:
        """Book the division after the RAT (another manager than the one who calculated it)."""
        async with request.app.state.uow() as uow:
            await shu.post(uow, _actor(request), run_id, rat_date=data.rat_date)
        async with request.app.state.uow() as uow:
            return run_read(*await shu.get_run(uow, _actor(request), run_id))


class ShuPages(Controller):
    path = "/shu"
    include_in_schema = False
    guards = [requires("ledger.read")]

    async def _render(self, request: Request, tahun: int | None, *, run_id: int | None = None, errors: dict | None = None, form: dict | None = None, status: int = 200) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            detail = await shu.get_run(uow, actor, run_id) if run_id else None
            year = tahun or (detail[0].year if detail else _today(request).year - 1)
            pv = await shu.preview(uow, actor, year)
            runs = await shu.runs(uow, actor, year)
            shown = next((r.id for r in runs if r.status in ("posted", "draft")), None)
            if detail is None and shown:
                detail = await shu.get_run(uow, actor, shown)
        return page(
            request, "shu/index.html", status=status, year=year, pv=pv, runs=runs, detail=detail, parts_of=shu.parts_of,
            categories=CATEGORIES, labels=CATEGORY_LABELS, errors=errors or {}, form=form or {}, today=_today(request),
        )

    @get("/")
    async def index(self, request: Request, tahun: FromQuery[int | None] = None, run: FromQuery[int | None] = None) -> Template:
        return await self._render(request, tahun, run_id=run)

    @post("/kebijakan", status_code=200)
    async def save_policy(self, request: Request, data: Form) -> Response[Any]:
        year = int(data["tahun"]) if data.get("tahun", "").isdigit() else None
        try:
            raw = {"percentages": {c: data.get(f"pct_{c}", "0").strip() or "0" for c, _ in CATEGORIES}, "zakat_percent": data.get("zakat_percent", "0").strip() or "0"}
            async with request.app.state.uow() as uow:
                await shu.save_policy(uow, _actor(request), raw)
        except DomainError as exc:
            return await self._render(request, year, errors=form_errors(exc), form=data, status=exc.status)
        return Redirect(f"/shu?tahun={year or ''}&pesan=Pembagian SHU menurut AD/ART disimpan.")

    @post("/hitung", status_code=200)
    async def calculate(self, request: Request, data: Form) -> Response[Any]:
        try:
            if not data.get("tahun", "").isdigit():
                raise InvalidInput("tahun harus angka / the year is a number", field="tahun")
            year = int(data["tahun"])
            async with request.app.state.uow() as uow:
                run = await shu.calculate(uow, _actor(request), year, target=data.get("target", "savings"))
        except DomainError as exc:
            return await self._render(request, int(data["tahun"]) if data.get("tahun", "").isdigit() else None, errors=form_errors(exc), form=data, status=exc.status)
        return Redirect(f"/shu?tahun={year}&run={run.id}&pesan=Perhitungan SHU disimpan sebagai draf untuk RAT.")

    @post("/{run_id:int}/bukukan", status_code=200)
    async def post_run(self, request: Request, run_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            rat = form_date(data.get("rat_date"), "rat_date", required=False)
            async with request.app.state.uow() as uow:
                run = await shu.post(uow, _actor(request), run_id, rat_date=rat)
                year = run.year
        except DomainError as exc:
            return await self._render(request, None, run_id=run_id, errors=form_errors(exc), status=exc.status)
        return Redirect(f"/shu?tahun={year}&run={run_id}&pesan=Pembagian SHU {year} dibukukan.")



