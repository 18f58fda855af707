"""The manager's close-of-day screen and the portfolio report (screen, PDF, JSON)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from bmt.api.documents import render
from bmt.api.pages import form_date, form_errors, page
from bmt.api.security import logged_in, requires
from bmt.errors import DomainError
from bmt.money import money_str
from bmt.services import close_day, portfolio
from bmt.services.uow import Actor


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


async def _report(request: Request) -> portfolio.Portfolio:
    async with request.app.state.uow() as uow:
        return await portfolio.report(uow, _actor(request).coop)


class PortfolioPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [requires("ledger.read")]

    @get("/portofolio")
    async def report_page(self, request: Request) -> Template:
        p = await _report(request)
        return page(request, "portfolio/report.html", p=p, chart=Markup(portfolio.trend_svg(p.trend)))

    @get("/portofolio/pdf")
    async def report_pdf(self, request: Request) -> Response[bytes]:
        p = await _report(request)
        coop = request.app.state.coop_names.get(_actor(request).coop, "")
        pdf = await render(request, "portfolio/report_pdf.html", p=p, chart=Markup(portfolio.trend_svg(p.trend)), coop_name=coop, today=_today(request))
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": 'inline; filename="portofolio.pdf"'})

    @get("/tutup-hari", guards=[requires("period.close")])
    async def close_form(self, request: Request) -> Template:
        last = await close_day.last_closed(request.app.state.uow, _actor(request).coop)
        return page(request, "portfolio/close_day.html", last=last, day=_today(request), results=None, errors={})

    @post("/tutup-hari", guards=[requires("period.close")], status_code=200)
    async def close(self, request: Request, data: URLEncodedBody[dict[str, str]]) -> Response[Any]:
        factory = request.app.state.uow
        try:
            target = form_date(data.get("date"), "date")
            results = await close_day.close_through(factory, _actor(request), target)
        except DomainError as exc:
            last = await close_day.last_closed(factory, _actor(request).coop)
            return page(request, "portfolio/close_day.html", status=exc.status, last=last, day=_today(request), results=None, errors=form_errors(exc))
        last = await close_day.last_closed(factory, _actor(request).coop)
        return page(request, "portfolio/close_day.html", last=last, day=_today(request), results=results, errors={})


class PortfolioApi(Controller):
    path = "/api/v1/portfolio"
    tags = ["portfolio"]
    guards = [logged_in, requires("ledger.read")]

    @get("/")
    async def summary(self, request: Request) -> dict[str, Any]:
        """Outstanding by akad, aging, kolektibilitas and PPAP, NPF gross and net, and the NPF trend."""
        p = await _report(request)
        return {
            "as_of": p.as_of.isoformat() if p.as_of else None,
            "contracts": p.contracts,
            "outstanding": money_str(p.total),
            "npf_gross_percent": str(p.npf_gross),
            "npf_net_percent": str(p.npf_net),
            "ppap_formed": money_str(p.ppap_total),
            "by_kind": [{"label": g.label, "contracts": g.contracts, "outstanding": money_str(g.outstanding)} for g in p.by_kind],
            "aging": [{"label": g.label, "contracts": g.contracts, "outstanding": money_str(g.outstanding)} for g in p.aging],
            "collectibility": [{"class": c.cls, "contracts": c.contracts, "outstanding": money_str(c.outstanding), "ppap": money_str(c.ppap)} for c in p.classes],
            "trend": [{"period": t.period, "npf_gross_percent": str(t.npf_gross)} for t in p.trend],
            "visits": [{"contract_id": v.contract_id, "contract_no": v.contract_no, "member": v.member_name, "days_past_due": v.days_past_due} for v in p.visits],
        }

    @post("/close-day", guards=[requires("period.close")], status_code=200)
    async def close(self, request: Request, business_date: FromQuery[date | None] = None) -> list[dict[str, Any]]:
        """Close the business day (catching up missed days first); a date already closed posts nothing."""
        results = await close_day.close_through(request.app.state.uow, _actor(request), business_date or _today(request))
        return [r.as_dict() for r in results]


__all__ = ["PortfolioApi", "PortfolioPages", "Redirect"]
