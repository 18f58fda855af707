"""The month-end profit distribution and the wadiah bonus: JSON under ``/api/v1/profit-sharing`` and the
manager's pages under ``/bagi-hasil``.

Computing, approving (a second person), posting and reversing need ``period.close`` (manager, admin); the
reports need ``ledger.read``; a member sees how their own account's share was made (posted months only).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Stream, Template

from bmt.api.documents import render
from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._profit_distribution import (
    BonusCreate,
    ExplanationRead,
    LineRead,
    PoolRead,
    ReasonIn,
    ReconciliationRead,
    ReconciliationRow,
    RunCreate,
    RunRead,
    RunSummary,
)
from bmt.api.security import logged_in, requires
from bmt.auth.roles import can
from bmt.errors import DomainError, NotFound, PermissionDenied
from bmt.money import D, money_str
from bmt.persistence.models_profit import ProfitRun, ProfitRunProduct
from bmt.profit_sharing import to_decimal
from bmt.services import profit_distribution as pd
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]
STATUS_LABELS = {"draft": "Draf", "approved": "Disetujui", "posted": "Diposting", "reversed": "Dibatalkan"}
KIND_LABELS = {pd.DISTRIBUTION: "Distribusi bagi hasil", pd.WADIAH_BONUS: "Bonus wadiah"}
PDF_ACCOUNT_LIMIT = 3000


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def plain(value: str | Fraction | Decimal) -> str:
    """An exact stored value as API text: plain notation, ≤ 50 significant digits."""
    return format(pd.show(value) if not isinstance(value, Decimal) else value, "f")


def pool_read(p: ProfitRunProduct) -> PoolRead:
    return PoolRead(
        p.pool_no, p.product_id, p.code, p.name, p.kind, str(Decimal(p.nisbah_bps) / 100), p.accounts, plain(p.adb), plain(p.income_share),
        plain(p.member_share), plain(p.bmt_share), plain(p.carried_in), plain(p.pool), plain(p.equivalent_rate), money_str(p.paid_total),
        money_str(p.tax_total), money_str(p.forfeited), plain(p.residue),
    )


def run_read(r: ProfitRun, pools: list[ProfitRunProduct]) -> RunRead:
    return RunRead(
        r.id, r.kind, r.period, r.since, r.through, r.days, r.value_date, r.status, r.version, money_str(r.income), plain(r.financing_adb),
        plain(r.equity_adb), plain(r.divisor), plain(r.member_share), plain(Fraction(D(r.income)) - pd.frac(r.member_share)),
        money_str(r.paid_total), money_str(r.tax_total), money_str(r.forfeited_total), r.accounts, r.paid_accounts, r.computed_by, r.approved_by,
        r.posted_by, json.loads(r.entry_ids_json), r.reversal_requested_by, r.reversal_reason, json.loads(r.reversal_entry_ids_json),
        json.loads(r.income_json), json.loads(r.settings_json), json.loads(r.previous_json or "{}"), [pool_read(p) for p in pools],
    )


def summary_read(r: ProfitRun) -> RunSummary:
    return RunSummary(r.id, r.kind, r.period, r.status, r.version, money_str(r.income), money_str(r.paid_total), r.paid_accounts, r.value_date)


def line_read(x: pd.LineView) -> LineRead:
    return LineRead(x.account_id, x.account_no, x.member_name, x.pool_no, format(x.adb, "f"), x.share_exact, money_str(x.share_floor), money_str(x.share_paid), money_str(x.tax), money_str(x.credited), x.credited_to)


def explanation_read(account_id: int, e: pd.Explanation) -> ExplanationRead:
    r, p = e.run, e.pool
    return ExplanationRead(
        account_id, e.account_no, r.period, r.id, r.status, r.days, format(e.account_adb, "f"), p.code, p.name, str(Decimal(p.nisbah_bps) / 100),
        plain(p.adb), money_str(r.income), plain(r.financing_adb), plain(r.divisor), plain(p.income_share), plain(p.member_share), plain(p.carried_in),
        plain(p.pool), plain(p.equivalent_rate), e.share_exact, money_str(e.share_floor), money_str(e.share_paid), money_str(e.tax), money_str(e.credited),
        e.credited_to, format(e.personal_rate, "f"), e.forfeited,
    )


def reconciliation_read(rec: pd.Reconciliation) -> ReconciliationRead:
    rows = [ReconciliationRow(x.label, ("-" if x.amount < 0 else "") + plain(to_decimal(Fraction(abs(x.amount)))), x.note) for x in rec.rows]
    return ReconciliationRead(rec.run.id, rec.run.period, rows, money_str(rec.income), plain(rec.depositors), plain(rec.bmt), rec.per_account, rec.excluded)


async def _run_with_pools(request: Request, run_id: int) -> tuple[ProfitRun, list[ProfitRunProduct]]:
    async with request.app.state.uow() as uow:
        _actor(request).require("ledger.read")
        r = await pd.get_run(uow, _actor(request), run_id)
        return r, await pd.pools_of(uow, r.id)


async def _explain(request: Request, account_id: int, period: str) -> pd.Explanation:
    actor = _actor(request)
    if not actor.is_member and not can(actor.role, "ledger.read"):
        raise PermissionDenied("peran ini tidak dapat melihat bagi hasil / this role cannot see profit shares")
    async with request.app.state.uow() as uow:
        e = await pd.explanation(uow, actor, account_id, period)
    if e is None:
        raise NotFound(f"belum ada bagi hasil rekening ini untuk {period} / no profit share for this account and month")
    return e


def _csv_response(request: Request, run_id: int, name: str) -> Stream:
    async def body() -> AsyncIterator[bytes]:
        async for chunk in pd.csv_chunks(request.app.state.uow, _actor(request), run_id):
            yield chunk.encode()

    return Stream(body(), media_type="text/csv; charset=utf-8", headers={"content-disposition": f'attachment; filename="{name}"'})


class ProfitDistributionApi(Controller):
    """Runs of the monthly distribution and the wadiah bonus."""

    path = "/api/v1/profit-sharing"
    tags = ["profit-sharing"]
    guards = [logged_in]

    @get("/runs", guards=[requires("ledger.read")])
    async def list_runs(self, request: Request, kind: FromQuery[str | None] = None) -> list[RunSummary]:
        async with request.app.state.uow() as uow:
            return [summary_read(r) for r in await pd.runs(uow, _actor(request), kind=kind)]

    @post("/runs", guards=[requires("period.close")], status_code=201)
    async def compute(self, request: Request, data: JSONBody[RunCreate]) -> RunRead:
        """Compute (or recompute) the month's draft; an approved or posted month comes back unchanged."""
        async with request.app.state.uow() as uow:
            r = await pd.compute(uow, _actor(request), data.period, value_date=data.value_date)
            return run_read(r, await pd.pools_of(uow, r.id))

    @post("/wadiah-bonus", guards=[requires("period.close")], status_code=201)
    async def wadiah_bonus(self, request: Request, data: JSONBody[BonusCreate]) -> RunRead:
        """Draft a wadiah bonus: the total management decided, split over wadiah accounts by ADB (floored)."""
        async with request.app.state.uow() as uow:
            r = await pd.compute(uow, _actor(request), data.period, kind=pd.WADIAH_BONUS, bonus_total=data.total, value_date=data.value_date)
            return run_read(r, await pd.pools_of(uow, r.id))

    @get("/runs/{run_id:int}", guards=[requires("ledger.read")])
    async def get_run(self, request: Request, run_id: FromPath[int]) -> RunRead:
        return run_read(*await _run_with_pools(request, run_id))

    @post("/runs/{run_id:int}/approve", guards=[requires("period.close")], status_code=200)
    async def approve(self, request: Request, run_id: FromPath[int]) -> RunRead:
        """Approve a draft (not the person who computed it)."""
        async with request.app.state.uow() as uow:
            r = await pd.approve(uow, _actor(request), run_id)
            return run_read(r, await pd.pools_of(uow, r.id))

    @post("/runs/{run_id:int}/reopen", guards=[requires("period.close")], status_code=200)
    async def reopen(self, request: Request, run_id: FromPath[int], data: JSONBody[ReasonIn]) -> RunRead:
        async with request.app.state.uow() as uow:
            r = await pd.reopen(uow, _actor(request), run_id, data.reason)
            return run_read(r, await pd.pools_of(uow, r.id))

    @post("/runs/{run_id:int}/discard", guards=[requires("period.close")], status_code=200)
    async def discard(self, request: Request, run_id: FromPath[int]) -> dict[str, str]:
        async with request.app.state.uow() as uow:
            await pd.discard(uow, _actor(request), run_id)
        return {"status": "discarded"}

    @post("/runs/{run_id:int}/post", guards=[requires("period.close")], status_code=200)
    async def post_run(self, request: Request, run_id: FromPath[int]) -> RunRead:
        """Post an approved run in balanced entries; posting twice posts nothing."""
        async with request.app.state.uow() as uow:
            r = await pd.post(uow, _actor(request), run_id)
            return run_read(r, await pd.pools_of(uow, r.id))

    @post("/runs/{run_id:int}/reversal", guards=[requires("period.close")], status_code=200)
    async def request_reversal(self, request: Request, run_id: FromPath[int], data: JSONBody[ReasonIn]) -> RunRead:
        async with request.app.state.uow() as uow:
            r = await pd.request_reversal(uow, _actor(request), run_id, data.reason)
            return run_read(r, await pd.pools_of(uow, r.id))

    @post("/runs/{run_id:int}/reversal/approve", guards=[requires("period.close")], status_code=200)
    async def approve_reversal(self, request: Request, run_id: FromPath[int]) -> RunRead:
        """Reverse the whole run (a second person), dated today; the month can then be computed again."""
        async with request.app.state.uow() as uow:
            r = await pd.approve_reversal(uow, _actor(request), run_id)
            return run_read(r, await pd.pools_of(uow, r.id))

    @get("/runs/{run_id:int}/accounts", guards=[requires("ledger.read")])
    async def accounts(self, request: Request, run_id: FromPath[int], pool_no: FromQuery[int | None] = None, after: FromQuery[int] = 0, limit: FromQuery[int] = 100) -> list[LineRead]:
        """The run's lines per account in account order (``after`` = the last account id of the previous page)."""
        async with request.app.state.uow() as uow:
            return [line_read(x) for x in await pd.lines(uow, _actor(request), run_id, pool_no=pool_no, after=after, limit=limit)]

    @get("/runs/{run_id:int}/accounts.csv", guards=[requires("ledger.read")])
    async def accounts_csv(self, request: Request, run_id: FromPath[int]) -> Stream:
        return _csv_response(request, run_id, f"bagi-hasil-{run_id}.csv")

    @get("/runs/{run_id:int}/reconciliation", guards=[requires("ledger.read")])
    async def reconciliation(self, request: Request, run_id: FromPath[int]) -> ReconciliationRead:
        """Rekonsiliasi pendapatan dan bagi hasil (PSAK 101): accrual income to Y, and Y split."""
        r, _ = await _run_with_pools(request, run_id)
        return reconciliation_read(pd.reconciliation(r))

    @get("/accounts/{account_id:int}/explanation")
    async def explanation(self, request: Request, account_id: FromPath[int], period: FromQuery[str]) -> ExplanationRead:
        """How an account's share of a month was made (a member: own accounts, posted months)."""
        return explanation_read(account_id, await _explain(request, account_id, period))


# ------------------------------------------------------------------------------------------------ pages


def _exact(value: str) -> Decimal:
    return pd.show(value)


async def _runs_page(request: Request, *, errors: dict[str, str] | None = None, form: dict[str, str] | None = None, status: int = 200) -> Template:
    async with request.app.state.uow() as uow:
        rows = await pd.runs(uow, _actor(request))
    last_month = (_today(request).replace(day=1) - date.resolution).strftime("%Y-%m")
    return page(request, "profit_sharing/runs.html", status=status, runs=rows, errors=errors or {}, form=form or {"period": last_month}, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS)


async def _run_page(request: Request, run_id: int, *, errors: dict[str, str] | None = None, status: int = 200) -> Template:
    r, pools = await _run_with_pools(request, run_id)
    actor = _actor(request)
    ctx = {
        "run": r, "pools": pools, "income": json.loads(r.income_json), "settings": json.loads(r.settings_json), "previous": json.loads(r.previous_json or "{}"),
        "exact": _exact, "status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS, "errors": errors or {}, "can_act": can(actor.role, "period.close"),
        "bmt_share": to_decimal(Fraction(D(r.income)) - pd.frac(r.member_share)), "decimal": Decimal,
    }
    return page(request, "profit_sharing/run.html", status=status, **ctx)


class ProfitDistributionPages(Controller):
    """The manager's screens: runs, a run's review and actions, account lines, reports, the wadiah bonus form."""

    path = "/bagi-hasil"
    include_in_schema = False
    guards = [logged_in]

    @get("/distribusi", guards=[requires("ledger.read")])
    async def runs_page(self, request: Request) -> Template:
        return await _runs_page(request)

    @post("/distribusi", guards=[requires("period.close")], status_code=200)
    async def compute(self, request: Request, data: Form) -> Response[Any]:
        try:
            vd = form_date(data.get("value_date"), "value_date", required=False)
            async with request.app.state.uow() as uow:
                r = await pd.compute(uow, _actor(request), data.get("period", ""), value_date=vd)
        except DomainError as exc:
            return await _runs_page(request, errors=form_errors(exc), form=data, status=exc.status)
        return Redirect(f"/bagi-hasil/distribusi/{r.id}?pesan=Perhitungan {r.period} versi {r.version} tersimpan.")

    @get("/distribusi/{run_id:int}", guards=[requires("ledger.read")])
    async def run_page(self, request: Request, run_id: FromPath[int]) -> Template:
        return await _run_page(request, run_id)

    async def _act(self, request: Request, run_id: int, action: str, data: dict[str, str]) -> Response[Any]:
        actor = _actor(request)
        messages = {"setujui": "Perhitungan disetujui.", "posting": "Bagi hasil diposting.", "buka": "Perhitungan dibuka kembali sebagai draf.", "batal": "Permintaan pembatalan tercatat; menunggu persetujuan orang kedua.", "batal-setujui": "Bagi hasil dibatalkan dengan jurnal pembalik.", "buang": "Draf dibuang."}
        try:
            async with request.app.state.uow() as uow:
                if action == "setujui":
                    await pd.approve(uow, actor, run_id)
                elif action == "posting":
                    await pd.post(uow, actor, run_id)
                elif action == "buka":
                    await pd.reopen(uow, actor, run_id, data.get("reason", ""))
                elif action == "batal":
                    await pd.request_reversal(uow, actor, run_id, data.get("reason", ""))
                elif action == "batal-setujui":
                    await pd.approve_reversal(uow, actor, run_id)
                else:
                    await pd.discard(uow, actor, run_id)
        except DomainError as exc:
            return await _run_page(request, run_id, errors=form_errors(exc), status=exc.status)
        target = "/bagi-hasil/distribusi" if action == "buang" else f"/bagi-hasil/distribusi/{run_id}"
        return Redirect(f"{target}?pesan={messages[action]}")

    @post("/distribusi/{run_id:int}/{action:str}", guards=[requires("period.close")], status_code=200)
    async def act(self, request: Request, run_id: FromPath[int], action: FromPath[str], data: Form) -> Response[Any]:
        """setujui | posting | buka | batal | batal-setujui | buang."""
        if action not in ("setujui", "posting", "buka", "batal", "batal-setujui", "buang"):
            raise NotFound("tindakan tidak dikenal / unknown action")
        return await self._act(request, run_id, action, data)

    @get("/distribusi/{run_id:int}/rekening", guards=[requires("ledger.read")])
    async def lines_page(self, request: Request, run_id: FromPath[int], produk: FromQuery[int | None] = None, setelah: FromQuery[int] = 0) -> Template:
        r, pools = await _run_with_pools(request, run_id)
        async with request.app.state.uow() as uow:
            rows = await pd.lines(uow, _actor(request), run_id, pool_no=produk, after=setelah, limit=100)
        return page(request, "profit_sharing/lines.html", run=r, pools={p.pool_no: p for p in pools}, rows=rows, pool_no=produk, after=setelah, page_size=100, kind_labels=KIND_LABELS)

    @get("/distribusi/{run_id:int}/laporan.csv", guards=[requires("ledger.read")])
    async def report_csv(self, request: Request, run_id: FromPath[int]) -> Stream:
        return _csv_response(request, run_id, f"bagi-hasil-{run_id}.csv")

    @get("/distribusi/{run_id:int}/laporan.pdf", guards=[requires("ledger.read")])
    async def report_pdf(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        """Per product and per account (the first accounts; the CSV holds every account)."""
        r, pools = await _run_with_pools(request, run_id)
        async with request.app.state.uow() as uow:
            rows = await pd.lines(uow, _actor(request), run_id, limit=PDF_ACCOUNT_LIMIT)
        coop = request.app.state.coop_names.get(_actor(request).coop, "")
        pdf = await render(request, "profit_sharing/report_pdf.html", run=r, pools=pools, by_no={p.pool_no: p for p in pools}, rows=rows, limit=PDF_ACCOUNT_LIMIT, exact=_exact, coop_name=coop, printed_on=_today(request), status_labels=STATUS_LABELS, kind_labels=KIND_LABELS)
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="bagi-hasil-{r.period}.pdf"'})

    @get("/distribusi/{run_id:int}/rekonsiliasi", guards=[requires("ledger.read")])
    async def reconciliation_page(self, request: Request, run_id: FromPath[int]) -> Template:
        r, _ = await _run_with_pools(request, run_id)
        return page(request, "profit_sharing/reconciliation.html", rec=pd.reconciliation(r), run=r, status_labels=STATUS_LABELS)

    @get("/distribusi/{run_id:int}/rekonsiliasi.pdf", guards=[requires("ledger.read")])
    async def reconciliation_pdf(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        r, _ = await _run_with_pools(request, run_id)
        coop = request.app.state.coop_names.get(_actor(request).coop, "")
        pdf = await render(request, "profit_sharing/reconciliation_pdf.html", rec=pd.reconciliation(r), run=r, coop_name=coop, printed_on=_today(request), status_labels=STATUS_LABELS)
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="rekonsiliasi-{r.period}.pdf"'})

    @get("/rekening/{account_id:int}")
    async def explanation_page(self, request: Request, account_id: FromPath[int], periode: FromQuery[str]) -> Template:
        """The member's screen: how this account's share of the month was made."""
        e = await _explain(request, account_id, periode)
        return page(request, "profit_sharing/explanation.html", e=e, exact=_exact, account_id=account_id)

    @get("/rekening/{account_id:int}/pdf")
    async def explanation_pdf(self, request: Request, account_id: FromPath[int], periode: FromQuery[str]) -> Response[bytes]:
        e = await _explain(request, account_id, periode)
        coop = request.app.state.coop_names.get(_actor(request).coop, "")
        pdf = await render(request, "profit_sharing/explanation_pdf.html", e=e, exact=_exact, account_id=account_id, coop_name=coop, printed_on=_today(request))
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="bagi-hasil-{e.account_no}-{e.run.period}.pdf"'})

    @get("/bonus-wadiah", guards=[requires("period.close")])
    async def bonus_form(self, request: Request) -> Template:
        last_month = (_today(request).replace(day=1) - date.resolution).strftime("%Y-%m")
        return page(request, "profit_sharing/wadiah_bonus.html", form={"period": last_month}, errors={})

    @post("/bonus-wadiah", guards=[requires("period.close")], status_code=200)
    async def bonus(self, request: Request, data: Form) -> Response[Any]:
        """The manager decides a total; it is spread over the wadiah accounts by ADB, then approved and posted."""
        try:
            vd = form_date(data.get("value_date"), "value_date", required=False)
            async with request.app.state.uow() as uow:
                r = await pd.compute(uow, _actor(request), data.get("period", ""), kind=pd.WADIAH_BONUS, bonus_total=data.get("total", ""), value_date=vd)
        except DomainError as exc:
            return page(request, "profit_sharing/wadiah_bonus.html", status=exc.status, form=data, errors=form_errors(exc))
        return Redirect(f"/bagi-hasil/distribusi/{r.id}?pesan=Bonus wadiah {r.period} dihitung; menunggu persetujuan.")
