"""Mudharabah, musyarakah, musyarakah mutanaqisah (MMQ) and qardh contracts: JSON API and web pages.

* ``/api/v1/financing/{mudharabah|musyarakah|mmq|qardh}``: ``POST /applications``; ``GET /`` and ``GET /{id}``
  (the contract with its schedule, events, balances and the akad's own figures); ``POST /{id}/approve``,
  ``/reject``, ``/disburse``; the akad's events (``reports``, ``payments``, ``loss``, ``capital-return``,
  ``due-payments``, ``contributions``, ``withdrawals``, ``rent-review``, ``buy-out``, ``repay``, ``forgive``);
  ``GET /{id}/akad.pdf``. Postings accept an ``Idempotency-Key`` header.
* ``/pembiayaan/{mudharabah|musyarakah|mmq|qardh}``: the list, the application form (``/baru``), the contract
  page with its schedule, history, projection vs actual (mudharabah) and the actions as forms
  (``POST /{id}/<aksi>``), and the akad PDF.

The rules live in the services and the pure core; a refusal is a problem-details response (JSON) or the page
again with the message (HTML), and nothing is written.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from bmt.api.controllers._savings import posting
from bmt.api.documents import render
from bmt.api.pages import form_date, page
from bmt.api.schemas._pls import (
    AmountIn,
    BuyOutIn,
    EndAkadIn,
    ForgiveIn,
    MmqApply,
    MudharabahApply,
    MudharabahLossIn,
    MudharabahReportIn,
    MusyarakahApply,
    MusyarakahLossIn,
    MusyarakahReportIn,
    QardhApply,
    Reason,
    RentReviewIn,
    RepayIn,
)
from bmt.api.security import logged_in, requires
from bmt.contracts.mudharabah import RealisationReport
from bmt.dates import add_months
from bmt.errors import DomainError, InvalidInput, NotFound
from bmt.money import ZERO, money_str, percent, rupiah
from bmt.persistence.models import Member, User
from bmt.persistence.models_financing import ContractInstallment
from bmt.reports.formatting import format_rupiah
from bmt.services import members, pls, pls_mmq, pls_mudharabah, pls_musyarakah, pls_qardh
from bmt.services.financing import APPROVERS, PROPOSERS
from bmt.services.pls import MMQ, MUDHARABAH, MUSYARAKAH, QARDH, EventView
from bmt.services.uow import Actor, UnitOfWork

Form = URLEncodedBody[dict[str, str]]
READ = requires("members.read", "self.read")
#: Keys of percentages in a view (every other decimal there is money).
PERCENT_KEYS = frozenset({"bmt_nisbah", "mudharib_nisbah", "partner_nisbah", "bmt_percent", "bmt_share_percent_start", "bmt_capital_percent", "partner_capital_percent", "realisation_percent"})


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


# ------------------------------------------------------------------------------------------------ JSON views


def installment_json(r: ContractInstallment) -> dict[str, Any]:
    return {
        "number": r.number, "due_date": r.due_date.isoformat(), "amount": money_str(r.amount), "principal": money_str(r.principal),
        "margin": money_str(r.margin), "paid_principal": money_str(r.paid_principal), "paid_margin": money_str(r.paid_margin),
        "status": r.status, "schedule_version": r.schedule_version, "paid_on": r.paid_on.isoformat() if r.paid_on else None,
        "type": "profit_share" if r.number >= pls.SHARE_BASE else "installment",
    }


def jsonable(value: Any, key: str = "") -> Any:
    """A view value as JSON: money as rupiah strings, percentages as strings of percent, dates ISO."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value) if key in PERCENT_KEYS else money_str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ContractInstallment):
        return installment_json(value)
    if isinstance(value, dict):
        return {k: jsonable(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, key) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: jsonable(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    return str(value)


def event_json(e: EventView) -> dict[str, Any]:
    return {"kind": e.kind, "value_date": e.value_date.isoformat(), "amount": money_str(e.amount), "entry_id": e.entry_id, "actor_id": e.actor_id, "payload": e.payload}


def _signed(amount: Decimal) -> str:
    """A signed balance (debit positive) as API text."""
    return money_str(amount) if amount >= 0 else "-" + money_str(-amount)


def view_json(v: pls.ContractView) -> dict[str, Any]:
    """The contract as ``GET`` returns it."""
    c, m = v.contract, v.member
    dates = {k: (getattr(c, k).isoformat() if getattr(c, k) else None) for k in ("applied_on", "approved_on", "akad_date", "maturity_date", "closed_on", "last_paid_on")}
    return {
        "id": c.id, "contract_no": c.contract_no, "kind": c.kind, "akad": pls.SLUGS[c.kind], "status": c.status,
        "member": {"id": m.id, "member_no": m.member_no, "name": m.name}, "purpose": c.purpose, "maker_id": c.maker_id, "checker_id": c.checker_id,
        "principal": money_str(c.principal), "outstanding": money_str(c.outstanding), "outstanding_principal": money_str(c.outstanding_principal),
        "margin_total": money_str(c.margin_total), "share_receivable": money_str(v.share_receivable), "schedule_version": c.schedule_version, **dates,
        "terms": v.terms, "schedule": [installment_json(r) for r in v.schedule], "events": [event_json(e) for e in v.events],
        "balances": {k: _signed(b) for k, b in sorted(v.balances.items()) if k}, "detail": jsonable(v.detail),
    }


# ------------------------------------------------------------------------------------------------ applications


def _mudharabah_app(d: MudharabahApply) -> pls.MudharabahApplication:
    projections = tuple(RealisationReport(p.period_end, p.revenue, p.costs) for p in d.projections)
    return pls.MudharabahApplication(
        d.member_id, d.capital, d.bmt_nisbah, d.profit_basis, d.loss_policy, d.fixed_return, d.return_installments, d.first_return_date,
        d.disbursement, d.goods_book_value, d.goods_account, d.goods_description, d.share_due_days, projections, d.business, d.purpose,
        d.collateral_value, d.product_id,
    )


def _musyarakah_app(d: MusyarakahApply) -> pls.MusyarakahApplication:
    return pls.MusyarakahApplication(d.member_id, d.bmt_capital, d.partner_capital, d.bmt_nisbah, d.profit_basis, d.fixed_return, d.maturity_date, d.share_due_days, d.business, d.purpose, d.collateral_value, d.product_id)


def _mmq_app(d: MmqApply) -> pls.MmqApplication:
    reviews = tuple((r.from_month, r.monthly_rent) for r in d.rent_reviews)
    return pls.MmqApplication(d.member_id, d.asset_price, d.bmt_share_amount, d.monthly_rent, d.tenor_months, d.first_due_date, reviews, d.buyout_includes_current_rent, d.asset_description, d.purpose, d.collateral_value, d.product_id)


def _qardh_app(d: QardhApply) -> pls.QardhApplication:
    return pls.QardhApplication(d.member_id, d.principal, d.source, d.admin_fee, d.documented_real_costs, d.cost_documents, d.installments, d.first_due_date, d.purpose, d.collateral_value, d.product_id)


async def _apply(request: Request, kind: str, app: pls.Applications) -> dict[str, Any]:
    async with request.app.state.uow() as uow:
        c = await pls.apply(uow, _actor(request), app)
        return view_json(await pls.view(uow, _actor(request), c.id, kind))


async def _names(uow: UnitOfWork, actor: Actor, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    q = select(User.id, User.name).where(User.id.in_(wanted), User.cooperative_id == actor.coop)
    return dict((await uow.session.execute(q)).tuples().all())


async def akad_pdf(request: Request, kind: str, contract_id: int) -> Response[bytes]:
    """The akad in Indonesian: parties, amounts in figures and words, nisbah, Gregorian and Hijri dates."""
    actor = _actor(request)
    async with request.app.state.uow() as uow:
        v = await pls.view(uow, actor, contract_id, kind)
        names = await _names(uow, actor, {v.contract.maker_id, v.contract.checker_id})
    c = v.contract
    pdf = await render(
        request, f"financing/akad_{pls.SLUGS[kind]}_pdf.html", v=v, c=c, m=v.member, t=v.terms, d=v.detail, names=names,
        coop_name=request.app.state.coop_names.get(actor.coop, "BMT"), printed_on=_today(request), akad_date=c.akad_date or c.approved_on or c.applied_on,
    )
    return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="akad-{c.contract_no}.pdf"'})


# ------------------------------------------------------------------------------------------------ JSON API


class _PlsApi(Controller):
    """What every akad's API shares; each subclass sets ``path`` and ``kind`` and adds its events."""

    kind: ClassVar[str] = ""
    guards = [logged_in]
    tags = ["pembiayaan bagi hasil dan qardh"]

    @get("/", guards=[READ])
    async def list_contracts(self, request: Request, status: FromQuery[str | None] = None, limit: FromQuery[int] = 100, offset: FromQuery[int] = 0) -> list[dict[str, Any]]:
        """Contracts of this akad, newest first."""
        async with request.app.state.uow() as uow:
            rows = await pls.list_contracts(uow, _actor(request), self.kind, status=status, limit=limit, offset=offset)
        return [{"id": c.id, "contract_no": c.contract_no, "status": c.status, "member_id": c.member_id, "member_name": name, "principal": money_str(c.principal), "outstanding": money_str(c.outstanding), "applied_on": c.applied_on.isoformat()} for c, name in rows]

    @get("/{contract_id:int}", guards=[READ])
    async def get_contract(self, request: Request, contract_id: FromPath[int]) -> dict[str, Any]:
        """One contract with its schedule, events, sub-ledger balances and the akad's own figures."""
        async with request.app.state.uow() as uow:
            return view_json(await pls.view(uow, _actor(request), contract_id, self.kind))

    @post("/{contract_id:int}/approve", status_code=200)
    async def approve(self, request: Request, contract_id: FromPath[int]) -> dict[str, Any]:
        """A manager who is not the maker approves the application."""
        async with request.app.state.uow() as uow:
            await pls.approve(uow, _actor(request), contract_id, self.kind)
            return view_json(await pls.view(uow, _actor(request), contract_id, self.kind))

    @post("/{contract_id:int}/reject", status_code=200)
    async def reject(self, request: Request, contract_id: FromPath[int], data: JSONBody[Reason]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            await pls.reject(uow, _actor(request), contract_id, data.reason, self.kind)
            return view_json(await pls.view(uow, _actor(request), contract_id, self.kind))

    @post("/{contract_id:int}/disburse", status_code=200)
    async def disburse(self, request: Request, contract_id: FromPath[int]) -> dict[str, Any]:
        """A manager who is not the maker pays out: posts, stores the schedule, activates the contract."""
        return await posting(request, lambda uow: pls.disburse(uow, _actor(request), contract_id, self.kind, idempotency_key=_key(request)))

    @get("/{contract_id:int}/akad.pdf", guards=[READ])
    async def akad(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        """The akad document (PDF, Indonesian)."""
        return await akad_pdf(request, self.kind, contract_id)


class MudharabahApi(_PlsApi):
    path = "/api/v1/financing/mudharabah"
    kind = MUDHARABAH

    @post("/applications", status_code=201)
    async def apply(self, request: Request, data: JSONBody[MudharabahApply]) -> dict[str, Any]:
        """A mudharabah application; a fixed rupiah return is refused (MDH-01)."""
        return await _apply(request, self.kind, _mudharabah_app(data))

    @post("/{contract_id:int}/reports", status_code=200)
    async def report(self, request: Request, contract_id: FromPath[int], data: JSONBody[MudharabahReportIn]) -> dict[str, Any]:
        """The mudharib's realisation report: the BMT's share accrued; a loss booked as the rules allocate it."""
        rep = pls_mudharabah.Report(data.period_end, data.revenue, data.costs, data.capital_loss, data.negligence_proven, data.charge_to_mudharib, data.note)
        return await posting(request, lambda uow: pls_mudharabah.record_report(uow, _actor(request), contract_id, rep, idempotency_key=_key(request)))

    @post("/{contract_id:int}/payments", status_code=200)
    async def pay_share(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """A reported share paid in cash."""
        return await posting(request, lambda uow: pls.pay_share(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/loss", status_code=200)
    async def loss(self, request: Request, contract_id: FromPath[int], data: JSONBody[MudharabahLossIn]) -> dict[str, Any]:
        """A loss; charged to the mudharib only with proven negligence (MDH-03)."""
        return await posting(request, lambda uow: pls_mudharabah.record_loss(uow, _actor(request), contract_id, data.amount, negligence_proven=data.negligence_proven, charge_to_mudharib=data.charge_to_mudharib, note=data.note, idempotency_key=_key(request)))

    @post("/{contract_id:int}/capital-return", status_code=200)
    async def capital_return(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        return await posting(request, lambda uow: pls_mudharabah.return_capital(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/due-payments", status_code=200)
    async def due_payment(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """The mudharib pays a negligence loss charged to him (piutang mudharabah jatuh tempo)."""
        return await posting(request, lambda uow: pls_mudharabah.pay_due(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/end-akad", status_code=200)
    async def end_akad(self, request: Request, contract_id: FromPath[int], data: JSONBody[EndAkadIn]) -> dict[str, Any]:
        """End the akad (early, or at maturity) with capital not returned: it becomes piutang mudharabah jatuh tempo."""
        return await posting(request, lambda uow: pls_mudharabah.end_akad(uow, _actor(request), contract_id, reason=data.reason, idempotency_key=_key(request)))


class MusyarakahApi(_PlsApi):
    path = "/api/v1/financing/musyarakah"
    kind = MUSYARAKAH

    @post("/applications", status_code=201)
    async def apply(self, request: Request, data: JSONBody[MusyarakahApply]) -> dict[str, Any]:
        return await _apply(request, self.kind, _musyarakah_app(data))

    @post("/{contract_id:int}/reports", status_code=200)
    async def report(self, request: Request, contract_id: FromPath[int], data: JSONBody[MusyarakahReportIn]) -> dict[str, Any]:
        """A period's result: profit by nisbah, loss by capital."""
        rep = pls_musyarakah.Report(data.period_end, data.revenue, data.costs, data.capital_loss, data.note)
        return await posting(request, lambda uow: pls_musyarakah.record_report(uow, _actor(request), contract_id, rep, idempotency_key=_key(request)))

    @post("/{contract_id:int}/payments", status_code=200)
    async def pay_share(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        return await posting(request, lambda uow: pls.pay_share(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/loss", status_code=200)
    async def loss(self, request: Request, contract_id: FromPath[int], data: JSONBody[MusyarakahLossIn]) -> dict[str, Any]:
        """A loss split strictly by capital; a ``bmt_part`` that does not follow capital is refused (MSY-01)."""
        return await posting(request, lambda uow: pls_musyarakah.record_loss(uow, _actor(request), contract_id, data.amount, bmt_part=data.bmt_part, note=data.note, idempotency_key=_key(request)))

    @post("/{contract_id:int}/capital-return", status_code=200)
    async def capital_return(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        return await posting(request, lambda uow: pls_musyarakah.return_capital(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/contributions", status_code=200)
    async def contribution(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """The partner adds capital (recorded in the contract's history; not in the BMT's books)."""
        return await posting(request, lambda uow: pls_musyarakah.change_partner_capital(uow, _actor(request), contract_id, "contribution", data.amount, note=data.note, idempotency_key=_key(request)))

    @post("/{contract_id:int}/withdrawals", status_code=200)
    async def withdrawal(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        return await posting(request, lambda uow: pls_musyarakah.change_partner_capital(uow, _actor(request), contract_id, "withdrawal", data.amount, note=data.note, idempotency_key=_key(request)))


class MmqApi(_PlsApi):
    path = "/api/v1/financing/mmq"
    kind = MMQ

    @post("/applications", status_code=201)
    async def apply(self, request: Request, data: JSONBody[MmqApply]) -> dict[str, Any]:
        return await _apply(request, self.kind, _mmq_app(data))

    @post("/{contract_id:int}/payments", status_code=200)
    async def pay(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """A monthly payment: rent share first, then the buy-back."""
        return await posting(request, lambda uow: pls_mmq.pay(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/{contract_id:int}/rent-review", status_code=200)
    async def rent_review(self, request: Request, contract_id: FromPath[int], data: JSONBody[RentReviewIn]) -> dict[str, Any]:
        """A rent agreed at a review, from an unpaid month on; the rest is re-scheduled."""
        return await posting(request, lambda uow: pls_mmq.review_rent(uow, _actor(request), contract_id, data.from_month, data.monthly_rent, idempotency_key=_key(request)))

    @post("/{contract_id:int}/buy-out", status_code=200)
    async def buy_out(self, request: Request, contract_id: FromPath[int], data: JSONBody[BuyOutIn]) -> dict[str, Any]:
        """The customer buys the BMT's remaining share at once."""
        return await posting(request, lambda uow: pls_mmq.buy_out(uow, _actor(request), contract_id, expected_amount=data.expected_amount, idempotency_key=_key(request)))


class QardhApi(_PlsApi):
    path = "/api/v1/financing/qardh"
    kind = QARDH

    @post("/applications", status_code=201)
    async def apply(self, request: Request, data: JSONBody[QardhApply]) -> dict[str, Any]:
        """A qardh; a fee beyond the documented real costs is refused (QRD-01)."""
        return await _apply(request, self.kind, _qardh_app(data))

    @post("/{contract_id:int}/repay", status_code=200)
    async def repay(self, request: Request, contract_id: FromPath[int], data: JSONBody[RepayIn]) -> dict[str, Any]:
        """Principal only; a real-cost fee agreed in the akad may be taken beside it."""
        return await posting(request, lambda uow: pls_qardh.repay(uow, _actor(request), contract_id, data.amount, fee=data.fee, idempotency_key=_key(request)))

    @post("/{contract_id:int}/forgive", status_code=200)
    async def forgive(self, request: Request, contract_id: FromPath[int], data: JSONBody[ForgiveIn]) -> dict[str, Any]:
        """Forgiveness (ibra') charged to the kebajikan fund, by a manager who is not the maker."""
        return await posting(request, lambda uow: pls_qardh.forgive(uow, _actor(request), contract_id, data.reason, amount=data.amount, idempotency_key=_key(request)))


# ------------------------------------------------------------------------------------------------ form parsing


def _money(form: dict[str, str], name: str, *, required: bool = True, allow_zero: bool = False) -> Decimal:
    raw = (form.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput("wajib diisi / required", field=name)
        return ZERO
    try:
        value = rupiah(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=name) from None
    if value == 0 and not allow_zero:
        raise InvalidInput("harus lebih dari nol / must be positive", field=name)
    return value


def _int(form: dict[str, str], name: str, default: int | None = None) -> int:
    raw = (form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit():
        raise InvalidInput("harus bilangan bulat / must be a whole number", field=name)
    return int(raw)


def _percent(form: dict[str, str], name: str) -> Decimal:
    raw = (form.get(name) or "").strip()
    if not raw:
        raise InvalidInput("wajib diisi / required", field=name)
    try:
        return percent(raw, name="nisbah")
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=name) from None


def _flag(form: dict[str, str], name: str) -> bool:
    return form.get(name, "") in ("1", "on", "true")


def _projections(form: dict[str, str]) -> tuple[RealisationReport, ...]:
    """A monthly projection: the same revenue and costs for ``proj_months`` periods from ``proj_first_end``."""
    if not (form.get("proj_revenue") or "").strip():
        return ()
    first = form_date(form.get("proj_first_end"), "proj_first_end")
    months = _int(form, "proj_months", 12)
    if not 1 <= months <= 120:
        raise InvalidInput("jumlah bulan proyeksi 1..120 / 1..120 months", field="proj_months")
    revenue, costs = _money(form, "proj_revenue", allow_zero=True), _money(form, "proj_costs", required=False, allow_zero=True)
    return tuple(RealisationReport(add_months(first, k), revenue, costs) for k in range(months))


def mudharabah_from_form(member_id: int, f: dict[str, str]) -> pls.MudharabahApplication:
    goods = f.get("disbursement") == "goods"
    return pls.MudharabahApplication(
        member_id, _money(f, "capital"), _percent(f, "bmt_nisbah"), f.get("profit_basis") or "profit", f.get("loss_policy") or "reduce_financing", None,
        _int(f, "return_installments", 1), form_date(f.get("first_return_date"), "first_return_date", required=False), "goods" if goods else "cash",
        _money(f, "goods_book_value") if goods else None, "other_assets", f.get("goods_description", ""), _int(f, "share_due_days", 10),
        _projections(f), f.get("business", ""), f.get("purpose", ""),
    )


def musyarakah_from_form(member_id: int, f: dict[str, str]) -> pls.MusyarakahApplication:
    return pls.MusyarakahApplication(
        member_id, _money(f, "bmt_capital"), _money(f, "partner_capital"), _percent(f, "bmt_nisbah"), f.get("profit_basis") or "profit", None,
        form_date(f.get("maturity_date"), "maturity_date", required=False), _int(f, "share_due_days", 10), f.get("business", ""), f.get("purpose", ""),
    )


def mmq_from_form(member_id: int, f: dict[str, str]) -> pls.MmqApplication:
    reviews = ((_int(f, "review_from_month"), _money(f, "review_monthly_rent", allow_zero=True)),) if (f.get("review_from_month") or "").strip() else ()
    return pls.MmqApplication(
        member_id, _money(f, "asset_price"), _money(f, "bmt_share_amount"), _money(f, "monthly_rent", allow_zero=True), _int(f, "tenor_months"),
        form_date(f.get("first_due_date"), "first_due_date"), reviews, _flag(f, "buyout_includes_current_rent"), f.get("asset_description", ""), f.get("purpose", ""),
    )


def qardh_from_form(member_id: int, f: dict[str, str]) -> pls.QardhApplication:
    return pls.QardhApplication(
        member_id, _money(f, "principal"), f.get("source") or "commercial", _money(f, "admin_fee", required=False, allow_zero=True),
        _money(f, "documented_real_costs", required=False, allow_zero=True), f.get("cost_documents", ""), _int(f, "installments", 1),
        form_date(f.get("first_due_date"), "first_due_date", required=False), f.get("purpose", ""),
    )


FROM_FORM: dict[str, Callable[[int, dict[str, str]], pls.Applications]] = {MUDHARABAH: mudharabah_from_form, MUSYARAKAH: musyarakah_from_form, MMQ: mmq_from_form, QARDH: qardh_from_form}


async def _member(uow: UnitOfWork, actor: Actor, text: str) -> Member:
    """A member by number ("A000012") or id ("12")."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("isi nomor anggota / enter a member number", field="anggota")
    if text.isdigit():
        return await members.get(uow, actor, int(text))
    rows, _ = await members.search(uow, actor, text, limit=20)
    for m in rows:
        if m.member_no.upper() == text.upper():
            return m
    raise NotFound(f"anggota {text} tidak ditemukan / member not found", field="anggota")


# ------------------------------------------------------------------------------------------------ page actions

def _rp(value: str | Decimal) -> str:
    return format_rupiah(Decimal(value))


async def _approve(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None, kind: str) -> str:
    c = await pls.approve(uow, actor, cid, kind)
    return f"Pengajuan {c.contract_no} disetujui."


async def _reject(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None, kind: str) -> str:
    c = await pls.reject(uow, actor, cid, f.get("reason", ""), kind)
    return f"Pengajuan {c.contract_no} ditolak."


async def _disburse(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None, kind: str) -> str:
    r = await pls.disburse(uow, actor, cid, kind, idempotency_key=key)
    return f"Pembiayaan {r['contract_no']} dicairkan {_rp(r['amount'])}."


async def _mdh_report(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    rep = pls_mudharabah.Report(
        form_date(f.get("period_end"), "period_end"), _money(f, "revenue", allow_zero=True), _money(f, "costs", required=False, allow_zero=True),
        _money(f, "capital_loss", required=False, allow_zero=True), _flag(f, "negligence_proven"), note=f.get("note", ""),
    )
    r = await pls_mudharabah.record_report(uow, actor, cid, rep, idempotency_key=key)
    loss = f"; kerugian {_rp(r['loss'])}" if r["loss"] != "0" else ""
    return f"Laporan dicatat: bagi hasil BMT {_rp(r['bmt_share'])}{loss}."


async def _share_payment(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls.pay_share(uow, actor, cid, _money(f, "amount"), idempotency_key=key)
    return f"Bagi hasil {_rp(r['amount'])} diterima."


async def _mdh_loss(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mudharabah.record_loss(uow, actor, cid, _money(f, "amount"), negligence_proven=_flag(f, "negligence_proven"), note=f.get("note", ""), idempotency_key=key)
    return f"Kerugian dicatat: ditanggung BMT {_rp(r['borne_by_bmt'])}, dibebankan ke mudharib {_rp(r['charged_to_mudharib'])}."


async def _mdh_capital(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mudharabah.return_capital(uow, actor, cid, _money(f, "amount"), idempotency_key=key)
    return f"Pengembalian modal {_rp(r['amount'])} diterima."


async def _mdh_due(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mudharabah.pay_due(uow, actor, cid, _money(f, "amount"), idempotency_key=key)
    return f"Pembayaran piutang jatuh tempo {_rp(r['amount'])} diterima."


async def _mdh_end(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mudharabah.end_akad(uow, actor, cid, reason=f.get("reason", ""), idempotency_key=key)
    return f"Akad berakhir: modal {_rp(r['amount'])} menjadi piutang mudharabah jatuh tempo."


async def _msy_report(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    rep = pls_musyarakah.Report(form_date(f.get("period_end"), "period_end"), _money(f, "revenue", allow_zero=True), _money(f, "costs", required=False, allow_zero=True), _money(f, "capital_loss", required=False, allow_zero=True), f.get("note", ""))
    r = await pls_musyarakah.record_report(uow, actor, cid, rep, idempotency_key=key)
    return f"Laporan dicatat: bagi hasil BMT {_rp(r['bmt_share'])}, kerugian bagian BMT {_rp(r['bmt_loss'])}."


async def _msy_loss(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_musyarakah.record_loss(uow, actor, cid, _money(f, "amount"), note=f.get("note", ""), idempotency_key=key)
    return f"Kerugian dibagi menurut porsi modal: BMT {_rp(r['bmt_loss'])}, mitra {_rp(r['partner_loss'])}."


async def _msy_capital(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_musyarakah.return_capital(uow, actor, cid, _money(f, "amount"), idempotency_key=key)
    return f"Pengembalian modal BMT {_rp(r['amount'])} diterima."


def _partner(action: str) -> Callable[..., Awaitable[str]]:
    async def run(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
        r = await pls_musyarakah.change_partner_capital(uow, actor, cid, action, _money(f, "amount"), note=f.get("note", ""), idempotency_key=key)
        return f"Modal mitra sekarang {_rp(r['partner_capital'])} (porsi BMT {r['bmt_capital_percent'].replace('.', ',')}%)."

    return run


async def _mmq_pay(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mmq.pay(uow, actor, cid, _money(f, "amount"), idempotency_key=key)
    return f"Angsuran {_rp(r['amount'])} diterima: sewa {_rp(r['rent'])}, pengalihan porsi {_rp(r['buyback'])}."


async def _mmq_review(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_mmq.review_rent(uow, actor, cid, _int(f, "from_month"), _money(f, "monthly_rent", allow_zero=True), idempotency_key=key)
    return f"Sewa baru berlaku; jadwal versi {r['schedule_version']}, total sewa bagian BMT {_rp(r['total_rent_to_bmt'])}."


async def _mmq_buyout(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    expected = _money(f, "expected_amount") if (f.get("expected_amount") or "").strip() else None
    r = await pls_mmq.buy_out(uow, actor, cid, expected_amount=expected, idempotency_key=key)
    return f"Pelunasan dipercepat {_rp(r['amount'])} diterima; porsi BMT beralih seluruhnya."


async def _qardh_repay(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    r = await pls_qardh.repay(uow, actor, cid, _money(f, "amount", allow_zero=True), fee=_money(f, "fee", required=False, allow_zero=True), idempotency_key=key)
    return f"Pembayaran {_rp(r['amount'])} diterima" + (f" (biaya riil {_rp(r['fee'])})." if r["fee"] != "0" else ".")


async def _qardh_forgive(uow: UnitOfWork, actor: Actor, cid: int, f: dict[str, str], key: str | None) -> str:
    amount = _money(f, "amount") if (f.get("amount") or "").strip() else None
    r = await pls_qardh.forgive(uow, actor, cid, f.get("reason", ""), amount=amount, idempotency_key=key)
    return f"Pembebasan {_rp(r['amount'])} dibebankan ke dana kebajikan."


ACTIONS: dict[str, dict[str, Callable[..., Awaitable[str]]]] = {
    MUDHARABAH: {"laporan": _mdh_report, "bayar-bagi-hasil": _share_payment, "kerugian": _mdh_loss, "kembali-modal": _mdh_capital, "bayar-piutang": _mdh_due, "akhiri-akad": _mdh_end},
    MUSYARAKAH: {
        "laporan": _msy_report, "bayar-bagi-hasil": _share_payment, "kerugian": _msy_loss, "kembali-modal": _msy_capital,
        "setoran-mitra": _partner("contribution"), "penarikan-mitra": _partner("withdrawal"),
    },
    MMQ: {"angsuran": _mmq_pay, "tinjau-sewa": _mmq_review, "pelunasan": _mmq_buyout},
    QARDH: {"bayar": _qardh_repay, "bebaskan": _qardh_forgive},
}
COMMON_ACTIONS = {"setujui": _approve, "tolak": _reject, "cairkan": _disburse}


# ------------------------------------------------------------------------------------------------ pages


def _keys(*names: str) -> dict[str, str]:
    """A fresh idempotency key per rendered form (a double submit posts once)."""
    return {n: secrets.token_hex(8) for n in names}


def _back(path: str, message: str) -> Redirect:
    return Redirect(f"{path}?{urlencode({'pesan': message})}", status_code=303)


def _form_errors(exc: DomainError) -> dict[str, str]:
    """{field or "_": the Indonesian half of the message}."""
    return {exc.field or "_": exc.message.split(" / ")[0]}


def _can(actor: Actor, c: Any) -> dict[str, bool]:
    """Which action forms the page offers this actor (the services check again)."""
    role, status, maker = actor.role, c.status, actor.user_id == c.maker_id
    return {
        "approve": role in APPROVERS and status == "application" and not maker,
        "disburse": role in APPROVERS and status == "approved" and not maker,
        "cash": role in pls.CASH_ROLES and status == "active",
        "officer": role in PROPOSERS and status == "active",
        "manager": role in APPROVERS and status == "active",
        "forgive": role in APPROVERS and status == "active" and not maker,
    }


class _PlsPages(Controller):
    """The pages every akad shares; each subclass sets ``path`` and ``kind``."""

    kind: ClassVar[str] = ""
    include_in_schema = False
    guards = [requires("members.read")]

    def _ctx(self) -> dict[str, Any]:
        return {"kind": self.kind, "slug": pls.SLUGS[self.kind], "label": pls.LABELS[self.kind], "base": f"/pembiayaan/{pls.SLUGS[self.kind]}"}

    @get("/")
    async def index(self, request: Request, status: FromQuery[str | None] = None) -> Template:
        async with request.app.state.uow() as uow:
            rows = await pls.list_contracts(uow, _actor(request), self.kind, status=status or None)
        return page(request, "financing/pls_list.html", rows=rows, status=status or "", can_apply=_actor(request).role in PROPOSERS, **self._ctx())

    @get("/baru")
    async def new(self, request: Request, anggota: FromQuery[str] = "") -> Template:
        return page(request, "financing/pls_new.html", form={"anggota": anggota}, errors={}, today=_today(request), **self._ctx())

    @post("/baru", status_code=200)
    async def create(self, request: Request, data: Form) -> Response[Any]:
        """Record the application; the page of the new contract follows."""
        actor = _actor(request)
        try:
            async with request.app.state.uow() as uow:
                member = await _member(uow, actor, data.get("anggota", ""))
                c = await pls.apply(uow, actor, FROM_FORM[self.kind](member.id, data))
        except DomainError as exc:
            return page(request, "financing/pls_new.html", status=422, form=data, errors=_form_errors(exc), today=_today(request), **self._ctx())
        return _back(f"/pembiayaan/{pls.SLUGS[self.kind]}/{c.id}", f"Pengajuan {c.contract_no} tercatat; menunggu persetujuan manajer.")

    async def _contract_page(self, request: Request, contract_id: int, *, status: int = 200, errors: dict[str, str] | None = None, failed: str = "", form: dict[str, str] | None = None) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            v = await pls.view(uow, actor, contract_id, self.kind)
            names = await _names(uow, actor, {v.contract.maker_id, v.contract.checker_id, *(e.actor_id for e in v.events)})
        keys = _keys(*COMMON_ACTIONS, *ACTIONS[self.kind])
        return page(
            request, "financing/pls_contract.html", status=status, v=v, c=v.contract, t=v.terms, d=v.detail, names=names, can=_can(actor, v.contract),
            keys=keys, errors=errors or {}, failed=failed, form=form or {}, today=_today(request), share_base=pls.SHARE_BASE, **self._ctx(),
        )

    @get("/{contract_id:int}")
    async def detail(self, request: Request, contract_id: FromPath[int]) -> Template:
        return await self._contract_page(request, contract_id)

    @post("/{contract_id:int}/{action:str}", status_code=200)
    async def act(self, request: Request, contract_id: FromPath[int], action: FromPath[str], data: Form) -> Response[Any]:
        """One action form of the contract page; the page again with the message when it is refused."""
        common = COMMON_ACTIONS.get(action)
        run = ACTIONS[self.kind].get(action)
        if common is None and run is None:
            raise NotFoundException("aksi tidak dikenal / unknown action")
        actor, key = _actor(request), data.get("idempotency_key") or None
        try:
            async def use_case(uow: UnitOfWork) -> dict[str, Any]:
                text = await (common(uow, actor, contract_id, data, key, self.kind) if common else run(uow, actor, contract_id, data, key))
                return {"message": text}

            done = await posting(request, use_case)
        except DomainError as exc:
            return await self._contract_page(request, contract_id, status=422, errors=_form_errors(exc), failed=action, form=data)
        return _back(f"/pembiayaan/{pls.SLUGS[self.kind]}/{contract_id}", done["message"])

    @get("/{contract_id:int}/akad.pdf")
    async def akad(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        return await akad_pdf(request, self.kind, contract_id)


class MudharabahPages(_PlsPages):
    path = "/pembiayaan/mudharabah"
    kind = MUDHARABAH


class MusyarakahPages(_PlsPages):
    path = "/pembiayaan/musyarakah"
    kind = MUSYARAKAH


class MmqPages(_PlsPages):
    path = "/pembiayaan/mmq"
    kind = MMQ


class QardhPages(_PlsPages):
    path = "/pembiayaan/qardh"
    kind = QARDH


PLS_ROUTES = [MudharabahApi, MusyarakahApi, MmqApi, QardhApi, MudharabahPages, MusyarakahPages, MmqPages, QardhPages]

__all__ = ["PLS_ROUTES", "MmqApi", "MmqPages", "MudharabahApi", "MudharabahPages", "MusyarakahApi", "MusyarakahPages", "QardhApi", "QardhPages"]
