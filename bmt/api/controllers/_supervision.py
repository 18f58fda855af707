"""The cooperative office (Dinas Koperasi): its region's cooperatives, read-only, as pages (/dinas), JSON
(/api/v1/supervision) and an Excel export. There is no POST here; every other write refuses a supervisor
because it holds no write permission (bmt.auth.roles) and has no cooperative."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from bmt.api.controllers._health import FRAMEWORK_LABELS, report_context
from bmt.api.documents import render
from bmt.api.pages import page
from bmt.api.security import requires
from bmt.money import money_str
from bmt.services import health, supervision
from bmt.services.uow import Actor

NAV = [{"href": "/dinas", "label": "Koperasi binaan"}, {"href": "/dinas/ekspor.xlsx", "label": "Ekspor Excel"}]


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _pct(x: Any) -> str | None:
    return None if x is None else str(x)


def row_json(r: supervision.CoopRow) -> dict[str, Any]:
    return {
        "id": r.coop.id, "code": r.coop.code, "name": r.coop.name, "region_code": r.coop.region_code, "band": r.band or None,
        "score": _pct(r.score), "assessed_through": r.assessed_through.isoformat() if r.assessed_through else None, "members": r.members,
        "assets": money_str(r.assets), "financing": money_str(r.financing), "npf_percent": _pct(r.npf),
        "last_rat": r.last_rat.isoformat() if r.last_rat else None, "last_statements": r.last_statements.isoformat() if r.last_statements else None,
        "complaints_open": r.complaints_open, "complaints_overdue": r.complaints_overdue,
    }


def totals_json(t: supervision.Totals) -> dict[str, Any]:
    return {
        "cooperatives": t.cooperatives, "members": t.members, "assets": money_str(t.assets), "financing": money_str(t.financing),
        "non_performing": money_str(t.non_performing), "npf_percent": _pct(t.npf), "bands": t.bands, "complaints_overdue": t.complaints_overdue,
    }


class SupervisionPages(Controller):
    path = "/dinas"
    include_in_schema = False
    guards = [requires("region.read")]

    @get("/")
    async def index(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows, totals = await supervision.overview(uow, _actor(request))
        return page(request, "supervision/index.html", nav=NAV, rows=rows, totals=totals, region=_actor(request).region_code, today=_today(request))

    @get("/koperasi/{coop_id:int}")
    async def cooperative(self, request: Request, coop_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            d = await supervision.detail(uow, _actor(request), coop_id)
        return page(request, "supervision/cooperative.html", nav=NAV, d=d, labels=FRAMEWORK_LABELS, figure_labels=health.FIGURE_LABELS, score_of=health.score_of, today=_today(request))

    @get("/koperasi/{coop_id:int}/kesehatan/{assessment_id:int}")
    async def report(self, request: Request, coop_id: FromPath[int], assessment_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            coop, a = await supervision.assessment(uow, _actor(request), coop_id, assessment_id)
            history = await health.assessments(uow, coop.id)
        return page(request, "health/report.html", nav=NAV, **report_context(a, history, coop.name), pdf_href=f"/dinas/koperasi/{coop.id}/kesehatan/{a.id}/pdf")

    @get("/koperasi/{coop_id:int}/kesehatan/{assessment_id:int}/pdf")
    async def report_pdf(self, request: Request, coop_id: FromPath[int], assessment_id: FromPath[int]) -> Response[bytes]:
        async with request.app.state.uow() as uow:
            coop, a = await supervision.assessment(uow, _actor(request), coop_id, assessment_id)
            history = await health.assessments(uow, coop.id)
        pdf = await render(request, "health/report_pdf.html", **report_context(a, history, coop.name), printed_on=_today(request))
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="kesehatan-{coop.code}-{a.period_end.isoformat()}.pdf"'})

    @get("/ekspor.xlsx")
    async def export(self, request: Request) -> Response[bytes]:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            rows, totals = await supervision.overview(uow, actor)
        content = supervision.export_xlsx(rows, totals, actor.region_code, _today(request))
        return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers={"content-disposition": f'attachment; filename="koperasi-{actor.region_code}-{_today(request).isoformat()}.xlsx"'})


class SupervisionApi(Controller):
    path = "/api/v1/supervision"
    tags = ["supervision"]
    guards = [requires("region.read")]

    @get("/cooperatives")
    async def cooperatives(self, request: Request) -> dict[str, Any]:
        """The region's cooperatives with health band, members, assets, financing, NPF; and the totals."""
        async with request.app.state.uow() as uow:
            rows, totals = await supervision.overview(uow, _actor(request))
        return {"region_code": _actor(request).region_code, "items": [row_json(r) for r in rows], "totals": totals_json(totals)}

    @get("/cooperatives/{coop_id:int}")
    async def cooperative(self, request: Request, coop_id: FromPath[int]) -> dict[str, Any]:
        """One cooperative of the region (another region's: 404)."""
        async with request.app.state.uow() as uow:
            d = await supervision.detail(uow, _actor(request), coop_id)
        return {
            **row_json(d.row),
            "figures": {k: money_str(v) for k, v in d.balance_sheet.items()},
            "trial_balance": [{"code": r.code, "name": r.name, "debit": money_str(r.debit), "credit": money_str(r.credit)} for r in d.trial_balance],
            "assessments": [{"id": a.id, "framework": a.framework, "period_end": a.period_end.isoformat(), "score": str(health.score_of(a)), "band": a.band} for a in d.assessments],
            "overdue_complaints": [{"ticket_no": c.ticket_no, "subject": c.subject, "due_at": c.due_at.isoformat()} for c in d.overdue],
        }
