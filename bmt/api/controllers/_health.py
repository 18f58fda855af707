"""Health assessment pages (/kesehatan) and API (/api/v1/health): compute from the books, answer the
questionnaires, save, read the report with its trend, print it as PDF."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from bmt.api.documents import render
from bmt.api.pages import form_date, form_errors, page
from bmt.api.security import requires
from bmt.compliance import health as scoring
from bmt.errors import DomainError
from bmt.money import money_str
from bmt.persistence.models_portal import HealthAssessment
from bmt.services import health
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]
FRAMEWORK_LABELS = {"perdep_07_2016": "Perdep 07/2016 (KSPPS)", "permenkop_9_2020": "Permenkop 9/2020 + Juknis 15/2021"}


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def report_context(a: HealthAssessment, history: list[HealthAssessment], coop_name: str) -> dict[str, Any]:
    """What the report (screen, PDF, and the cooperative office's copy) shows for one stored assessment."""
    table = scoring.load_table(json.loads(a.table_json))
    result = health.result_of(a)
    same = [h for h in history if h.framework == a.framework]
    return {
        "a": a, "result": result, "figures": json.loads(a.figures_json), "figure_labels": health.FIGURE_LABELS, "answers": json.loads(a.answers_json),
        "table": table, "framework_labels": FRAMEWORK_LABELS, "coop_name": coop_name, "history": sorted(same, key=lambda h: h.period_end),
        "trend": health.trend_svg(same, table.framework(a.framework).bands), "score_of": health.score_of,
    }


def _answers(data: dict[str, str]) -> dict[str, bool]:
    return {k[2:]: v == "1" for k, v in data.items() if k.startswith("q_")}


class HealthPages(Controller):
    path = "/kesehatan"
    include_in_schema = False
    guards = [requires("ledger.read")]

    @get("/")
    async def index(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await health.assessments(uow, _actor(request).coop)
        table = scoring.default_table()
        trend = health.trend_svg([a for a in rows if a.framework == "perdep_07_2016"], table.framework("perdep_07_2016").bands)
        today = _today(request)
        return page(request, "health/index.html", rows=rows, trend=trend, labels=FRAMEWORK_LABELS, score_of=health.score_of, start=date(today.year, 1, 1), end=today)

    @get("/baru")
    async def new(self, request: Request, kerangka: FromQuery[str] = "perdep_07_2016", dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None) -> Template:
        end = sampai or _today(request)
        start = dari or date(end.year, 1, 1)
        async with request.app.state.uow() as uow:
            d = await health.draft(uow, _actor(request), kerangka, start, end)
        return page(request, "health/new.html", d=d, labels=FRAMEWORK_LABELS, figure_labels=health.FIGURE_LABELS, errors={})

    @post("/baru", status_code=200)
    async def save(self, request: Request, data: Form) -> Response[Any]:
        try:
            start, end = form_date(data.get("period_start"), "period_start"), form_date(data.get("period_end"), "period_end")
            async with request.app.state.uow() as uow:
                a = await health.save(uow, _actor(request), data.get("framework", ""), start, end, _answers(data), data.get("note", ""))
        except DomainError as exc:
            return page(request, "error.html", status=exc.status, title="Penilaian tidak tersimpan", detail=form_errors(exc).popitem()[1])
        return Redirect(f"/kesehatan/{a.id}?pesan=Penilaian tersimpan.", status_code=303)

    @get("/{assessment_id:int}")
    async def report(self, request: Request, assessment_id: FromPath[int]) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            a = await health.for_staff(uow, actor, assessment_id)
            history = await health.assessments(uow, actor.coop)
        ctx = report_context(a, history, request.app.state.coop_names.get(actor.coop, ""))
        return page(request, "health/report.html", **ctx, pdf_href=f"/kesehatan/{a.id}/pdf")

    @get("/{assessment_id:int}/pdf")
    async def report_pdf(self, request: Request, assessment_id: FromPath[int]) -> Response[bytes]:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            a = await health.for_staff(uow, actor, assessment_id)
            history = await health.assessments(uow, actor.coop)
        pdf = await render(request, "health/report_pdf.html", **report_context(a, history, request.app.state.coop_names.get(actor.coop, "")), printed_on=_today(request))
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="penilaian-kesehatan-{a.period_end.isoformat()}.pdf"'})


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    framework: str
    period_start: date
    period_end: date
    answers: dict[str, bool] = {}
    note: str = ""


def assessment_json(a: HealthAssessment) -> dict[str, Any]:
    return {
        "id": a.id, "framework": a.framework, "period_start": a.period_start.isoformat(), "period_end": a.period_end.isoformat(),
        "score": str(health.score_of(a)), "band": a.band, "figures": {k: money_str(Decimal(v)) for k, v in json.loads(a.figures_json).items()},
        "result": json.loads(a.result_json),
    }


class HealthApi(Controller):
    path = "/api/v1/health"
    tags = ["health"]
    guards = [requires("ledger.read")]

    @get("/draft")
    async def draft(self, request: Request, framework: FromQuery[str], period_start: FromQuery[date], period_end: FromQuery[date]) -> dict[str, Any]:
        """The period's figures and score (questionnaires pre-filled from DPS findings), not saved."""
        async with request.app.state.uow() as uow:
            d = await health.draft(uow, _actor(request), framework, period_start, period_end)
        return {"figures": {k: money_str(v) for k, v in d.figures.items()}, "answers": d.answers, "dps_prefilled": d.dps_available, "result": scoring.result_to_json(d.result)}

    @post("/assessments", status_code=201)
    async def create(self, request: Request, data: JSONBody[AssessmentCreate]) -> dict[str, Any]:
        """Score a period with the cooperative's answers and store it (with the weights it used)."""
        async with request.app.state.uow() as uow:
            a = await health.save(uow, _actor(request), data.framework, data.period_start, data.period_end, dict(data.answers), data.note)
        return assessment_json(a)

    @get("/assessments")
    async def list_(self, request: Request) -> list[dict[str, Any]]:
        async with request.app.state.uow() as uow:
            rows = await health.assessments(uow, _actor(request).coop)
        return [assessment_json(a) for a in rows]

    @get("/assessments/{assessment_id:int}")
    async def get_(self, request: Request, assessment_id: FromPath[int]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            a = await health.for_staff(uow, _actor(request), assessment_id)
        return assessment_json(a)
