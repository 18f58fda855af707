"""Financial statements (PSAK 101) on screen, as PDF and as xlsx; month and year close; reopening.

Screens: ``/laporan-keuangan`` (one statement at a time, both periods side by side, each line linked to the
general ledger of its accounts for the period), ``/laporan-keuangan.pdf`` (the whole set with the DPS
opinions signed for the period), ``/laporan-keuangan.xlsx``; ``/tutup-buku`` (checks, close, reopen).
JSON: ``/api/v1/statements`` and ``/api/v1/periods``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Template

from bmt.api import documents
from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._governance import (
    CheckRead,
    ClosePeriod,
    CloseRead,
    CloseYear,
    Reopen,
    StatementBlockRead,
    StatementLineRead,
    StatementRead,
    StatementSetRead,
    TieRead,
)
from bmt.api.security import requires
from bmt.compliance.close_checks import CheckResult
from bmt.compliance.reporting_period import ReportPeriod, default_period
from bmt.errors import Conflict, DomainError, InvalidInput, NotFound
from bmt.money import money_str
from bmt.reports import statements as builders
from bmt.reports import xlsx
from bmt.services import dps, period_close, platform
from bmt.services import statements as gather
from bmt.services.period_close import CloseOutcome
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def period_of(request: Request, text: str | None) -> ReportPeriod:
    """The period asked for, or the financial year to date."""
    return ReportPeriod.parse(text) if text and text.strip() else default_period(_today(request))


async def statement_set(request: Request, period: ReportPeriod, branch_id: int | None) -> builders.StatementSet:
    async with request.app.state.uow() as uow:
        inputs = await gather.gather(uow, _actor(request), period, branch_id)
    return builders.build(inputs)


def _amount(v: Any) -> str | None:
    return None if v is None else money_str(v)


def statement_read(st: builders.Statement) -> StatementRead:
    blocks = [
        StatementBlockRead(b.title, list(b.columns or st.columns), [StatementLineRead(ln.label, [_amount(a) for a in ln.amounts], list(ln.accounts), ln.style, ln.indent) for ln in b.lines])
        for b in st.blocks
    ]
    ties = [TieRead(t.label, money_str(t.left), money_str(t.right), t.ok) for t in st.ties]
    return StatementRead(st.slug, st.title, st.subtitle, list(st.columns), blocks, ties, st.ok, st.note)


def set_read(s: builders.StatementSet, period: ReportPeriod) -> StatementSetRead:
    return StatementSetRead(s.cooperative, s.branch, period.label, period.since, period.through, period.previous().label, s.ok, [statement_read(x) for x in s.statements])


def check_read(r: CheckResult) -> CheckRead:
    return CheckRead(r.code, r.title, r.ok, r.detail, r.skipped)


def close_read(o: CloseOutcome) -> CloseRead:
    return CloseRead(o.run_id, o.kind, o.period, o.status, [check_read(c) for c in o.checks], money_str(o.shu) if o.shu is not None else None, list(o.entry_ids))


def _refused(o: CloseOutcome) -> None:
    """A refused close is committed (the attempt is kept) and then answered as a conflict listing what failed."""
    if o.status == "refused":
        raise Conflict(
            f"tutup buku {o.period} ditolak: {', '.join(c.title for c in o.failed)} / the close was refused",
            checks=[{"code": c.code, "title": c.title, "detail": c.detail} for c in o.failed],
        )


class StatementsApi(Controller):
    path = "/api/v1/statements"
    tags = ["statements"]
    guards = [requires("ledger.read")]

    @get("/")
    async def all_statements(self, request: Request, period: FromQuery[str | None] = None, branch_id: FromQuery[int | None] = None) -> StatementSetRead:
        """The seven PSAK 101 statements for a period (``2025``, ``2025-06``, ``2025-Q2``, ``a..b``) and the one before."""
        p = period_of(request, period)
        return set_read(await statement_set(request, p, branch_id), p)

    @get("/{slug:str}")
    async def one_statement(self, request: Request, slug: FromPath[str], period: FromQuery[str | None] = None, branch_id: FromQuery[int | None] = None) -> StatementRead:
        """One statement by its slug (posisi-keuangan, hasil-usaha, perubahan-ekuitas, arus-kas, ...)."""
        s = await statement_set(request, period_of(request, period), branch_id)
        try:
            return statement_read(s.get(slug))
        except KeyError:
            raise NotFound(f"laporan {slug} tidak dikenal / unknown statement") from None


class PeriodsApi(Controller):
    path = "/api/v1/periods"
    tags = ["periods"]
    guards = [requires("ledger.read")]

    @get("/checks")
    async def checks(self, request: Request, period: FromQuery[str]) -> list[CheckRead]:
        """What must hold before the month or year closes, passed or not."""
        async with request.app.state.uow() as uow:
            return [check_read(r) for r in await period_close.check(uow, _actor(request), period)]

    @post("/close-month", guards=[requires("period.close")], status_code=200)
    async def close_month(self, request: Request, data: JSONBody[ClosePeriod]) -> CloseRead:
        """Close a month (409 with the failed checks when it may not be closed yet)."""
        async with request.app.state.uow() as uow:
            outcome = await period_close.close_month(uow, _actor(request), data.period)
        _refused(outcome)
        return close_read(outcome)

    @post("/close-year", guards=[requires("period.close")], status_code=200)
    async def close_year(self, request: Request, data: JSONBody[CloseYear]) -> CloseRead:
        """Close a financial year: the checks, then income and expense to SHU tahun berjalan."""
        async with request.app.state.uow() as uow:
            outcome = await period_close.close_year(uow, _actor(request), data.year)
        _refused(outcome)
        return close_read(outcome)

    @post("/reopen", guards=[requires("period.reopen")], status_code=200)
    async def reopen(self, request: Request, data: JSONBody[Reopen]) -> dict[str, str]:
        """Reopen the books after a date (admin, with a reason; audited)."""
        async with request.app.state.uow() as uow:
            await period_close.reopen(uow, _actor(request), data.back_to, data.reason)
        return {"closed_through": data.back_to.isoformat()}


SLUGS = tuple(builders.TITLES)


class StatementPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [requires("ledger.read")]

    async def _branches(self, request: Request) -> list[Any]:
        async with request.app.state.uow() as uow:
            return await platform.branches(uow, _actor(request).coop)

    @get("/laporan-keuangan")
    async def index(self, request: Request, periode: FromQuery[str | None] = None, cabang: FromQuery[int | None] = None, laporan: FromQuery[str] = "posisi-keuangan") -> Template:
        branches = await self._branches(request)
        try:
            p = period_of(request, periode)
            s = await statement_set(request, p, cabang)
        except DomainError as exc:
            return page(request, "statements/index.html", status=exc.status, errors=form_errors(exc), periode=periode or "", cabang=cabang, branches=branches, s=None, slugs=SLUGS, titles=builders.TITLES, current=laporan)
        slug = laporan if laporan in SLUGS else "posisi-keuangan"
        return page(request, "statements/index.html", errors={}, p=p, s=s, st=s.get(slug), periode=p.label, cabang=cabang, branches=branches, slugs=SLUGS, titles=builders.TITLES, current=slug)

    async def _document(self, request: Request, periode: str | None, cabang: int | None) -> tuple[ReportPeriod, builders.StatementSet, list[Any]]:
        p = period_of(request, periode)
        s = await statement_set(request, p, cabang)
        async with request.app.state.uow() as uow:
            opinions = await dps.opinions(uow, _actor(request), p.label)
        return p, s, opinions

    @get("/laporan-keuangan.pdf")
    async def pdf(self, request: Request, periode: FromQuery[str | None] = None, cabang: FromQuery[int | None] = None) -> Response[bytes]:
        p, s, opinions = await self._document(request, periode, cabang)
        body = await documents.render(request, "statements/report_pdf.html", s=s, p=p, opinions=opinions, conclusions=dps.CONCLUSIONS, coop_name=s.cooperative, printed_on=_today(request))
        return Response(body, media_type="application/pdf", headers={"content-disposition": f'inline; filename="laporan-keuangan-{p.label}.pdf"'})

    @get("/laporan-keuangan.xlsx")
    async def spreadsheet(self, request: Request, periode: FromQuery[str | None] = None, cabang: FromQuery[int | None] = None) -> Response[bytes]:
        p = period_of(request, periode)
        s = await statement_set(request, p, cabang)
        return Response(
            xlsx.workbook(s), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="laporan-keuangan-{p.label}.xlsx"'},
        )


class PeriodClosePages(Controller):
    path = "/tutup-buku"
    include_in_schema = False
    guards = [requires("period.close")]

    async def _render(self, request: Request, *, periode: str = "", checks: list[CheckResult] | None = None, outcome: CloseOutcome | None = None, errors: dict | None = None, status: int = 200, messages: list | None = None) -> Template:
        async with request.app.state.uow() as uow:
            runs = await period_close.history(uow, _actor(request))
            lock = await period_close.closed_through(uow, _actor(request))
        return page(request, "statements/close.html", status=status, periode=periode, checks=checks, outcome=outcome, errors=errors or {}, runs=runs, lock=lock, checks_of=period_close.checks_of, today=_today(request), messages=messages or [])

    @get("/")
    async def show(self, request: Request, periode: FromQuery[str | None] = None) -> Template:
        if not periode:
            return await self._render(request)
        try:
            async with request.app.state.uow() as uow:
                checks = await period_close.check(uow, _actor(request), periode)
        except DomainError as exc:
            return await self._render(request, periode=periode, errors=form_errors(exc), status=exc.status)
        return await self._render(request, periode=periode, checks=checks)

    @post("/bulan", status_code=200)
    async def close_month(self, request: Request, data: Form) -> Template:
        label = data.get("periode", "").strip()
        try:
            async with request.app.state.uow() as uow:
                outcome = await period_close.close_month(uow, _actor(request), label)
        except DomainError as exc:
            return await self._render(request, periode=label, errors=form_errors(exc), status=exc.status)
        return await self._render(request, periode=label, outcome=outcome, checks=list(outcome.checks), status=409 if outcome.status == "refused" else 200)

    @post("/tahun", status_code=200)
    async def close_year(self, request: Request, data: Form) -> Template:
        text = data.get("tahun", "").strip()
        try:
            if not text.isdigit():
                raise InvalidInput("tahun harus angka, mis. 2025 / the year is a number", field="tahun")
            async with request.app.state.uow() as uow:
                outcome = await period_close.close_year(uow, _actor(request), int(text))
        except DomainError as exc:
            return await self._render(request, periode=text, errors=form_errors(exc), status=exc.status)
        return await self._render(request, periode=text, outcome=outcome, checks=list(outcome.checks), status=409 if outcome.status == "refused" else 200)

    @post("/buka", guards=[requires("period.reopen")], status_code=200)
    async def reopen(self, request: Request, data: Form) -> Template:
        try:
            back_to = form_date(data.get("back_to"), "back_to")
            async with request.app.state.uow() as uow:
                await period_close.reopen(uow, _actor(request), back_to, data.get("reason", ""))
        except DomainError as exc:
            return await self._render(request, errors=form_errors(exc), status=exc.status)
        return await self._render(request, messages=[{"level": "success", "text": f"Buku dibuka kembali setelah {back_to.isoformat()}."}])
