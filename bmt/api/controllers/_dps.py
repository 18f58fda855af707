"""The DPS's own pages and API: findings by rule for a period, a sample of akad documents, the statements,
and the sharia opinion a DPS member writes and signs (it then appears in the period's PDF report).

Read-only for the DPS except the opinion; admins, managers and accountants see the same review.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Response, Template

from bmt.api.pages import form_errors, page
from bmt.api.schemas._governance import FindingRead, GovernanceWrite, OpinionRead, OpinionWrite, ReviewRead
from bmt.api.security import requires
from bmt.compliance.reporting_period import ReportPeriod, default_period
from bmt.compliance.rules import RULE_TITLES, RULES
from bmt.errors import DomainError
from bmt.persistence.models_governance import DpsOpinion
from bmt.services import dps
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]
KIND_WORDS = {"murabahah": "murabahah", "mudharabah": "mudharabah", "musyarakah": "musyarakah", "musyarakah_mutanaqisah": "mmq", "qardh": "qardh"}
_PARAM = re.compile(r"\{[^}]+\}")


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _period(request: Request, text: str | None) -> str:
    return ReportPeriod.parse(text).label if text and text.strip() else default_period(_today(request)).label


def akad_links(paths: list[str]) -> dict[str, str]:
    """Path templates of the akad PDFs the contract pages expose, per akad kind (``*`` for any kind).

    Only screen routes: the DPS reads in the browser, and the /api routes want a bearer token.
    """
    out: dict[str, str] = {}
    for path in paths:
        if path.startswith("/api/") or "akad" not in path or not path.endswith(".pdf") or len(_PARAM.findall(path)) != 1:
            continue
        kind = next((k for k, word in KIND_WORDS.items() if word in path), "*")
        out.setdefault(kind, _PARAM.sub("{id}", path))
    return out


def link_for(links: dict[str, str], kind: str, contract_id: int) -> str | None:
    template = links.get(kind) or links.get("*")
    return template.replace("{id}", str(contract_id)) if template else None


def opinion_read(op: DpsOpinion, still: bool | None = None) -> OpinionRead:
    return OpinionRead(op.id, op.period, op.since, op.through, op.conclusion, op.text, op.signer_username, op.signer_name, op.signed_on, op.report_hash, len(dps.findings_of(op)), still)


class DpsApi(Controller):
    path = "/api/v1/dps"
    tags = ["dps"]
    guards = [requires("audit.read")]

    @get("/findings")
    async def findings(self, request: Request, period: FromQuery[str | None] = None) -> ReviewRead:
        """Every §10 rule run over the period's books: findings with the contracts and entries behind them."""
        async with request.app.state.uow() as uow:
            p, r = await dps.review(uow, _actor(request), _period(request, period))
        return ReviewRead(
            p.label, p.since, p.through, [FindingRead(f.rule, RULE_TITLES.get(f.rule, f.rule), f.message, f.severity, list(f.refs)) for f in r.findings],
            list(r.checked), [list(x) for x in r.not_checked],
        )

    @get("/opinions")
    async def opinions(self, request: Request, period: FromQuery[str | None] = None) -> list[OpinionRead]:
        """Signed opinions, each with whether the books still give the report that was signed."""
        async with request.app.state.uow() as uow:
            ops = await dps.opinions(uow, _actor(request), period)
            return [opinion_read(op, await dps.verify(uow, _actor(request), op)) for op in ops]

    @post("/opinions", status_code=201)
    async def sign(self, request: Request, data: JSONBody[OpinionWrite]) -> OpinionRead:
        """A DPS member signs their opinion on a period (their login, today, the report's SHA-256)."""
        async with request.app.state.uow() as uow:
            op = await dps.sign(uow, _actor(request), data.period, data.conclusion, data.text)
            return opinion_read(op, True)

    @put("/governance", guards=[requires("period.close")])
    async def governance(self, request: Request, data: JSONBody[GovernanceWrite]) -> dict[str, Any]:
        """The board size the articles require and the Baitul Maal's UPZ/LAZ authorisation (GOV-01, GOV-02)."""
        async with request.app.state.uow() as uow:
            return await dps.save_governance(uow, _actor(request), min_dps_members=data.min_dps_members, zakat_authorisation=data.zakat_authorisation)


class DpsPages(Controller):
    path = "/dps"
    include_in_schema = False
    guards = [requires("audit.read")]

    async def _render(self, request: Request, periode: str | None, *, form: dict | None = None, errors: dict | None = None, status: int = 200) -> Template:
        actor = _actor(request)
        label = _period(request, periode)
        async with request.app.state.uow() as uow:
            p, r = await dps.review(uow, actor, label)
            sample = await dps.akad_sample(uow, actor, label)
            ops = await dps.opinions(uow, actor, label)
            checks = {op.id: await dps.verify(uow, actor, op) for op in ops}
        links = akad_links([r.path for r in request.app.routes])
        return page(
            request, "dps/review.html", status=status, p=p, review=r, by_rule=r.by_rule(), rules=RULES, sample=sample,
            akad_link=lambda c: link_for(links, c.kind, c.contract_id), opinions=ops, checks=checks, conclusions=dps.CONCLUSIONS,
            form=form or {}, errors=errors or {}, can_sign=actor.role == "dps" and not any(op.signed_by == actor.user_id for op in ops),
        )

    @get("/")
    async def review(self, request: Request, periode: FromQuery[str | None] = None) -> Response[Any]:
        try:
            return await self._render(request, periode)
        except DomainError as exc:
            return page(request, "error.html", status=exc.status, title="Periode tidak valid", detail=exc.message)

    @post("/opini", status_code=200)
    async def sign(self, request: Request, data: Form) -> Response[Any]:
        label = data.get("periode", "")
        try:
            async with request.app.state.uow() as uow:
                op = await dps.sign(uow, _actor(request), label, data.get("conclusion", ""), data.get("text", ""))
        except DomainError as exc:
            return await self._render(request, label or None, form=data, errors=form_errors(exc), status=exc.status)
        return Redirect(f"/dps?periode={op.period}&pesan=Opini DPS periode {op.period} ditandatangani.")
