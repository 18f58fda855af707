"""Murabahah contracts: the JSON API (``/api/v1/financing/murabahah``) and the pages (``/pembiayaan/murabahah``).

Every handler translates one request into one call of ``bmt.services.murabahah``; the services check roles,
the cooperative and the contract's state, and the pure core the sharia rules (MUR-01 sale before ownership,
MUR-04 price fixed at the akad, MUR-07 rescheduling, FEE-01/02 ta'zir). Posting calls take an
``Idempotency-Key`` header (API) or a hidden ``idempotency_key`` field (forms): a retry posts nothing new.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from bmt.api.controllers._murabahah_quote import FORM_FIELDS as QUOTE_FIELDS
from bmt.api.controllers._murabahah_quote import MARGIN_BASES, RECOGNITIONS, terms_from_form
from bmt.api.controllers._savings import posting
from bmt.api.documents import render
from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._murabahah_contracts import (
    AkadIn,
    AmountIn,
    ArrearRead,
    CancelIn,
    ContractRead,
    ContractSummary,
    EventRead,
    InstallmentRead,
    MurabahahApplicationCreate,
    MurabahahProductCreate,
    MurabahahProductRead,
    MurabahahTermsAmend,
    PurchaseIn,
    ReasonIn,
    RescheduleIn,
    SettleIn,
    SettlementQuoteRead,
    TazirAssessIn,
    TazirPayIn,
    TazirWaiveIn,
    WriteOffDecisionIn,
)
from bmt.api.security import logged_in, requires
from bmt.errors import DomainError, InvalidInput, NotFound
from bmt.money import ZERO, money_str, rupiah
from bmt.persistence.models import User
from bmt.persistence.models_financing import FinancingProduct
from bmt.reports.formatting import format_rupiah
from bmt.services import members, murabahah
from bmt.services.uow import Actor, UnitOfWork

Form = URLEncodedBody[dict[str, str]]
STAFF = requires("members.read")
PAGE_ROOT = "/pembiayaan/murabahah/kontrak"

STATUS_LABELS = {
    "application": "Pengajuan", "approved": "Disetujui", "purchased": "Barang dimiliki BMT", "active": "Berjalan",
    "settled": "Lunas", "rejected": "Ditolak", "cancelled": "Dibatalkan", "written_off": "Dihapusbukukan", "closed": "Ditutup",
}
EVENT_LABELS = {
    "application": "Pengajuan", "amendment": "Perubahan pengajuan", "approval": "Persetujuan", "rejection": "Penolakan",
    "urbun": "Urbun diterima", "wakalah_advance": "Uang muka wakalah", "purchase": "Pembelian barang", "akad": "Akad murabahah",
    "installment": "Angsuran", "early_settlement": "Pelunasan dipercepat", "tazir_assessed": "Ta'zir dikenakan",
    "tazir_waived": "Ta'zir dihapus", "tazir_paid": "Ta'zir dibayar (dana kebajikan)", "reschedule": "Penjadwalan ulang",
    "write_off_proposed": "Usulan hapus buku", "write_off_rejected": "Usulan hapus buku ditolak", "written_off": "Hapus buku",
    "recovery": "Pemulihan setelah hapus buku", "cancellation": "Pembatalan",
}
ROW_LABELS = {"open": "Belum lunas", "paid": "Lunas", "superseded": "Diganti jadwal baru", "closed": "Dihapusbukukan"}


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")


def product_read(p: FinancingProduct) -> MurabahahProductRead:
    return MurabahahProductRead(p.id, p.code, p.name, p.recognition, p.allocation_order, money_str(p.tazir_amount), p.grace_days, p.active)


def _settlement_read(v: murabahah.ContractView) -> SettlementQuoteRead | None:
    s = v.settlement
    if s is None:
        return None
    return SettlementQuoteRead(v.contract.id, s.as_of, money_str(s.outstanding_receivable), money_str(s.unrecognised_margin), money_str(s.margin_recognised_at_settlement), money_str(s.settlement_amount))


def contract_read(v: murabahah.ContractView) -> ContractRead:
    c, t, q = v.contract, v.terms, v.quote
    owned = t.get("purchase", {}).get("ownership_date")
    return ContractRead(
        id=c.id, contract_no=c.contract_no, member_id=c.member_id, member_name=v.member.name, product_code=t.get("product_code"),
        status=c.status, goods=t.get("goods", ""), recognition=t["recognition"], allocation_order=t.get("allocation_order", "margin,principal"),
        cost_price=money_str(q.terms.cost_price), down_payment=money_str(q.terms.down_payment), down_payment_received=money_str(c.down_payment),
        financed_amount=money_str(q.financed_amount), margin=money_str(q.total_margin), selling_price=money_str(q.selling_price),
        receivable=money_str(q.receivable), outstanding=money_str(c.outstanding), outstanding_principal=money_str(c.outstanding_principal),
        deferred_margin=money_str(v.deferred_margin), recognised_margin=money_str(v.recognised_margin), wakalah_advanced=money_str(v.wakalah_advanced),
        tazir_amount=money_str(v.tazir_policy.amount if v.tazir_policy else ZERO), grace_days=v.tazir_policy.grace_days if v.tazir_policy else 0,
        tazir_owed=money_str(v.tazir_owed), days_past_due=c.days_past_due, applied_on=c.applied_on, approved_on=c.approved_on,
        akad_date=c.akad_date, maturity_date=c.maturity_date, ownership_date=date.fromisoformat(owned) if owned else None,
        write_off_pending=v.write_off_pending is not None,
        schedule=[
            InstallmentRead(r.number, r.schedule_version, r.due_date, money_str(r.amount), money_str(r.principal), money_str(r.margin), money_str(r.paid_principal), money_str(r.paid_margin), r.status, r.paid_on, r.tazir_charged)
            for r in v.installments
        ],
        arrears=[ArrearRead(a.number, a.due_date, money_str(a.amount_due), a.days_late, a.tazir_charged) for a in v.arrears],
        events=[EventRead(e.id, e.kind, e.value_date, money_str(e.amount), e.entry_id, e.actor_id, json.loads(e.payload_json or "{}")) for e in v.events],
        settlement=_settlement_read(v),
    )


async def _read(request: Request, contract_id: int) -> ContractRead:
    async with request.app.state.uow() as uow:
        return contract_read(await murabahah.view(uow, _actor(request), contract_id))


class MurabahahContractsApi(Controller):
    """Murabahah contracts through JSON, from the application to the settlement."""

    path = "/api/v1/financing/murabahah"
    tags = ["murabahah"]
    guards = [logged_in]

    @get("/products", guards=[STAFF])
    async def list_products(self, request: Request) -> list[MurabahahProductRead]:
        async with request.app.state.uow() as uow:
            return [product_read(p) for p in await murabahah.products(uow, _actor(request))]

    @post("/products", guards=[STAFF], status_code=201)
    async def create_product(self, request: Request, data: JSONBody[MurabahahProductCreate]) -> MurabahahProductRead:
        """A manager configures a product: recognition, allocation order, ta'zir (fixed amount) and grace days."""
        spec = murabahah.ProductSpec(data.code, data.name, data.recognition, data.allocation_order, data.tazir_amount, data.grace_days, data.tazir_basis)
        async with request.app.state.uow() as uow:
            return product_read(await murabahah.create_product(uow, _actor(request), spec))

    @get("/contracts")
    async def list_contracts(self, request: Request, status: FromQuery[str | None] = None) -> list[ContractSummary]:
        """Contracts of the cooperative (a member sees only their own)."""
        async with request.app.state.uow() as uow:
            rows = await murabahah.list_contracts(uow, _actor(request), status=status)
        return [ContractSummary(c.id, c.contract_no, c.member_id, m.name, c.status, murabahah.terms_of(c).get("goods", ""), money_str(c.selling_price), money_str(c.outstanding), c.applied_on, c.akad_date) for c, m in rows]

    @post("/applications", guards=[STAFF], status_code=201)
    async def apply(self, request: Request, data: JSONBody[MurabahahApplicationCreate]) -> ContractRead:
        """An application, priced by the pure core; the officer who applies cannot approve it."""
        cmd = murabahah.Apply(**{f: getattr(data, f) for f in data.__struct_fields__})
        async with request.app.state.uow() as uow:
            cid = (await murabahah.apply(uow, _actor(request), cmd)).id
        return await _read(request, cid)

    @get("/contracts/{contract_id:int}")
    async def get_contract(self, request: Request, contract_id: FromPath[int], as_of: FromQuery[date | None] = None) -> ContractRead:
        """The contract with its schedule, history, arrears, recognised margin and today's settlement price."""
        async with request.app.state.uow() as uow:
            return contract_read(await murabahah.view(uow, _actor(request), contract_id, as_of))

    @post("/contracts/{contract_id:int}/terms", guards=[STAFF], status_code=200)
    async def amend(self, request: Request, contract_id: FromPath[int], data: JSONBody[MurabahahTermsAmend]) -> ContractRead:
        """Change the terms before the akad (then a new approval is needed); after the akad: MUR-04."""
        cmd = murabahah.Amend(**{f: getattr(data, f) for f in data.__struct_fields__})
        async with request.app.state.uow() as uow:
            await murabahah.amend_terms(uow, _actor(request), contract_id, cmd)
        return await _read(request, contract_id)

    @post("/contracts/{contract_id:int}/approve", guards=[STAFF], status_code=200)
    async def approve(self, request: Request, contract_id: FromPath[int]) -> ContractRead:
        """A manager other than the maker approves."""
        async with request.app.state.uow() as uow:
            await murabahah.approve(uow, _actor(request), contract_id)
        return await _read(request, contract_id)

    @post("/contracts/{contract_id:int}/reject", guards=[STAFF], status_code=200)
    async def reject(self, request: Request, contract_id: FromPath[int], data: JSONBody[ReasonIn]) -> ContractRead:
        async with request.app.state.uow() as uow:
            await murabahah.reject(uow, _actor(request), contract_id, data.reason)
        return await _read(request, contract_id)

    @post("/contracts/{contract_id:int}/cancel", guards=[STAFF], status_code=200)
    async def cancel(self, request: Request, contract_id: FromPath[int], data: JSONBody[CancelIn]) -> dict[str, Any]:
        """The member cancels before the purchase: the urbun covers the documented real loss, the rest is refunded."""
        return await posting(request, lambda uow: murabahah.cancel(uow, _actor(request), contract_id, data.reason, documented_real_loss=data.documented_real_loss, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/urbun", guards=[STAFF], status_code=200)
    async def urbun(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """Urbun received before the akad (Dr Kas / Cr Uang muka murabahah)."""
        return await posting(request, lambda uow: murabahah.receive_urbun(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/wakalah-advance", guards=[STAFF], status_code=200)
    async def wakalah(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """Cash advanced to the member as the BMT's agent (Dr Piutang wakalah / Cr Kas)."""
        return await posting(request, lambda uow: murabahah.wakalah_advance(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/purchase", guards=[STAFF], status_code=200)
    async def purchase(self, request: Request, contract_id: FromPath[int], data: JSONBody[PurchaseIn]) -> dict[str, Any]:
        """The BMT owns the goods (Dr Aset murabahah / Cr Kas or Cr Piutang wakalah)."""
        cmd = murabahah.Purchase(data.ownership_date, data.supplier, data.invoice_ref, data.cost, data.via_wakalah)
        return await posting(request, lambda uow: murabahah.record_purchase(uow, _actor(request), contract_id, cmd, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/akad", guards=[STAFF], status_code=200)
    async def akad(self, request: Request, contract_id: FromPath[int], data: JSONBody[AkadIn]) -> dict[str, Any]:
        """The sale: refused before the BMT owns the goods (MUR-01); fixes price, margin and schedule."""
        return await posting(request, lambda uow: murabahah.sign_akad(uow, _actor(request), contract_id, first_due_date=data.first_due_date, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/payments", guards=[STAFF], status_code=200)
    async def pay(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """Any amount, allocated oldest first in the product's order; the margin it settles is recognised."""
        return await posting(request, lambda uow: murabahah.pay_installment(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @get("/contracts/{contract_id:int}/settlement-quote")
    async def settlement_quote(self, request: Request, contract_id: FromPath[int], as_of: FromQuery[date | None] = None) -> SettlementQuoteRead:
        """The early-settlement price on ``as_of`` (default today) without unelapsed margin (fatwa 153/2022)."""
        async with request.app.state.uow() as uow:
            s = await murabahah.settlement_quote(uow, _actor(request), contract_id, as_of)
        return SettlementQuoteRead(contract_id, s.as_of, money_str(s.outstanding_receivable), money_str(s.unrecognised_margin), money_str(s.margin_recognised_at_settlement), money_str(s.settlement_amount))

    @post("/contracts/{contract_id:int}/settle", guards=[STAFF], status_code=200)
    async def settle(self, request: Request, contract_id: FromPath[int], data: JSONBody[SettleIn]) -> dict[str, Any]:
        """Early settlement today at the quoted price (Dr Kas + Dr MMD / Cr Piutang)."""
        return await posting(request, lambda uow: murabahah.settle_early(uow, _actor(request), contract_id, expected_amount=data.expected_amount, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/tazir/assess", guards=[STAFF], status_code=200)
    async def tazir_assess(self, request: Request, contract_id: FromPath[int], data: JSONBody[TazirAssessIn]) -> list[dict[str, Any]]:
        """Charge the akad's ta'zir on installments late beyond the grace period (once each)."""
        async with request.app.state.uow() as uow:
            return await murabahah.assess_tazir(uow, _actor(request), data.as_of, contract_id=contract_id)

    @post("/contracts/{contract_id:int}/tazir/payments", guards=[STAFF], status_code=200)
    async def tazir_pay(self, request: Request, contract_id: FromPath[int], data: JSONBody[TazirPayIn]) -> dict[str, Any]:
        """Ta'zir collected into the kebajikan fund; never income (FEE-01)."""
        return await posting(request, lambda uow: murabahah.pay_tazir(uow, _actor(request), contract_id, data.amount, credit_account=data.credit_account, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/tazir/waive", guards=[STAFF], status_code=200)
    async def tazir_waive(self, request: Request, contract_id: FromPath[int], data: JSONBody[TazirWaiveIn]) -> dict[str, Any]:
        """A manager waives ta'zir owed (force majeure), with the reason."""
        async with request.app.state.uow() as uow:
            return await murabahah.waive_tazir(uow, _actor(request), contract_id, data.reason, data.amount)

    @post("/contracts/{contract_id:int}/reschedule", guards=[STAFF], status_code=200)
    async def reschedule(self, request: Request, contract_id: FromPath[int], data: JSONBody[RescheduleIn]) -> dict[str, Any]:
        """A new schedule over what remains, never more (MUR-07); a documented real cost is a separate fee."""
        cmd = murabahah.Reschedule(data.tenor_months, data.first_due_date, data.new_receivable, data.real_cost, data.real_cost_description, data.document_ref)
        return await posting(request, lambda uow: murabahah.reschedule_contract(uow, _actor(request), contract_id, cmd, idempotency_key=_key(request)))

    @post("/contracts/{contract_id:int}/write-off/proposal", guards=[STAFF], status_code=200)
    async def write_off_proposal(self, request: Request, contract_id: FromPath[int], data: JSONBody[ReasonIn]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            return await murabahah.propose_write_off(uow, _actor(request), contract_id, data.reason)

    @post("/contracts/{contract_id:int}/write-off/approval", guards=[STAFF], status_code=200)
    async def write_off_approval(self, request: Request, contract_id: FromPath[int], data: JSONBody[WriteOffDecisionIn]) -> dict[str, Any]:
        """Another manager approves (Dr PPAP + Dr MMD / Cr Piutang) or rejects the proposal."""
        async with request.app.state.uow() as uow:
            return await murabahah.decide_write_off(uow, _actor(request), contract_id, approve=data.approve, note=data.note)

    @post("/contracts/{contract_id:int}/recovery", guards=[STAFF], status_code=200)
    async def recovery(self, request: Request, contract_id: FromPath[int], data: JSONBody[AmountIn]) -> dict[str, Any]:
        """Cash collected after the write-off (Dr Kas / Cr Pendapatan lain)."""
        return await posting(request, lambda uow: murabahah.recover(uow, _actor(request), contract_id, data.amount, idempotency_key=_key(request)))

    @get("/contracts/{contract_id:int}/akad.pdf")
    async def akad_pdf(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        """The akad in Indonesian (a draft before it is signed)."""
        return await akad_document(request, contract_id)

    @get("/contracts/{contract_id:int}/schedule.pdf")
    async def schedule_pdf(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        return await schedule_document(request, contract_id)


# ---------------------------------------------------------------- documents


async def _document_context(request: Request, contract_id: int) -> dict[str, Any]:
    actor = _actor(request)
    async with request.app.state.uow() as uow:
        v = await murabahah.view(uow, actor, contract_id)
        names = await _user_names(uow, actor, {v.contract.checker_id or 0, v.contract.officer_id or 0})
    rows = v.installments or list(v.quote.schedule.installments)
    return {
        "v": v, "c": v.contract, "t": v.terms, "q": v.quote, "rows": rows, "member": v.member, "names": names,
        "coop_name": request.app.state.coop_names.get(actor.coop, ""), "printed_on": request.app.state.uow.today or date.today(),
        "signed": v.contract.akad_date is not None, "akad_date": v.contract.akad_date or (request.app.state.uow.today or date.today()),
    }


def _pdf(content: bytes, filename: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{filename}"'})


async def akad_document(request: Request, contract_id: int) -> Response[bytes]:
    ctx = await _document_context(request, contract_id)
    return _pdf(await render(request, "financing/akad_murabahah_pdf.html", **ctx), f"akad-{ctx['c'].contract_no}.pdf")


async def schedule_document(request: Request, contract_id: int) -> Response[bytes]:
    ctx = await _document_context(request, contract_id)
    return _pdf(await render(request, "financing/murabahah_schedule_pdf.html", **ctx), f"jadwal-{ctx['c'].contract_no}.pdf")


async def _user_names(uow: UnitOfWork, actor: Actor, ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = select(User.id, User.name).where(User.id.in_(ids), User.cooperative_id == actor.coop)
    return dict((await uow.session.execute(q)).tuples().all())


# ---------------------------------------------------------------- pages


def _fmt(amount: Decimal | str) -> str:
    return format_rupiah(Decimal(str(amount)))


def _back(contract_id: int, message: str, entry_id: int | None = None) -> Redirect:
    query = {"pesan": message} | ({"bukti": str(entry_id)} if entry_id else {})
    return Redirect(f"{PAGE_ROOT}/{contract_id}?{urlencode(query)}", status_code=303)


def _money(data: dict[str, str], name: str, *, required: bool = True) -> Decimal | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput("jumlah wajib diisi / amount is required", field=name)
        return None
    try:
        return rupiah(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=name) from None


def _int(data: dict[str, str], name: str) -> int:
    raw = (data.get(name) or "").strip()
    if not raw.isdigit():
        raise InvalidInput("isi dengan bilangan bulat / a whole number is required", field=name)
    return int(raw)


Action = Callable[[Request, UnitOfWork, int, dict[str, str], str | None], Awaitable[tuple[str, int | None]]]


async def _approve(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    c = await murabahah.approve(uow, _actor(request), cid)
    return f"Pengajuan {c.contract_no} disetujui.", None


async def _reject(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    c = await murabahah.reject(uow, _actor(request), cid, data.get("reason", ""))
    return f"Pengajuan {c.contract_no} ditolak.", None


async def _cancel(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.cancel(uow, _actor(request), cid, data.get("reason", ""), documented_real_loss=_money(data, "documented_real_loss", required=False) or ZERO, idempotency_key=key)
    return f"Pengajuan dibatalkan; urbun {_fmt(r['amount'])} diselesaikan (ditahan sebatas kerugian riil, sisanya dikembalikan).", r["entry_id"]


async def _urbun(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.receive_urbun(uow, _actor(request), cid, _money(data, "amount"), idempotency_key=key)
    return f"Urbun {_fmt(r['amount'])} diterima.", r["entry_id"]


async def _wakalah(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.wakalah_advance(uow, _actor(request), cid, _money(data, "amount"), idempotency_key=key)
    return f"Uang muka wakalah {_fmt(r['amount'])} dibayarkan kepada anggota sebagai wakil BMT.", r["entry_id"]


async def _purchase(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    cmd = murabahah.Purchase(form_date(data.get("ownership_date"), "ownership_date"), data.get("supplier", ""), data.get("invoice_ref", ""), _money(data, "cost", required=False), data.get("via_wakalah") == "1")
    r = await murabahah.record_purchase(uow, _actor(request), cid, cmd, idempotency_key=key)
    return f"Pembelian barang {_fmt(r['amount'])} dicatat; barang milik BMT sejak {r['ownership_date']}.", r["entry_id"]


async def _akad(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    first_due = form_date(data.get("first_due_date"), "first_due_date", required=False)
    r = await murabahah.sign_akad(uow, _actor(request), cid, first_due_date=first_due, idempotency_key=key)
    return f"Akad ditandatangani: harga jual {_fmt(r['selling_price'])}, angsuran {_fmt(r['installment'])} per bulan.", r["entry_id"]


async def _pay(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.pay_installment(uow, _actor(request), cid, _money(data, "amount"), idempotency_key=key)
    done = " Pembiayaan lunas." if r["status"] == "settled" else ""
    return f"Angsuran {_fmt(r['amount'])} diterima (margin {_fmt(r['margin'])}, pokok {_fmt(r['principal'])}).{done}", r["entry_id"]


async def _settle(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.settle_early(uow, _actor(request), cid, expected_amount=_money(data, "expected_amount", required=False), idempotency_key=key)
    return f"Pelunasan dipercepat {_fmt(r['amount'])} diterima; margin {_fmt(r['waived_margin'])} yang belum jatuh waktu tidak ditagih.", r["entry_id"]


async def _tazir_assess(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    out = await murabahah.assess_tazir(uow, _actor(request), contract_id=cid)
    if not out:
        return "Tidak ada angsuran yang terlambat melewati masa tenggang.", None
    return f"Ta'zir {_fmt(out[0]['amount'])} dikenakan untuk angsuran ke-{', '.join(map(str, out[0]['installments']))}.", None


async def _tazir_pay(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.pay_tazir(uow, _actor(request), cid, _money(data, "amount"), idempotency_key=key)
    return f"Ta'zir {_fmt(r['amount'])} diterima untuk dana kebajikan (bukan pendapatan).", None


async def _tazir_waive(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.waive_tazir(uow, _actor(request), cid, data.get("reason", ""), _money(data, "amount", required=False))
    return f"Ta'zir {_fmt(r['amount'])} dihapus.", None


async def _reschedule(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    cmd = murabahah.Reschedule(
        _int(data, "tenor_months"), form_date(data.get("first_due_date"), "first_due_date"), _money(data, "new_receivable", required=False),
        _money(data, "real_cost", required=False) or ZERO, data.get("real_cost_description", ""), data.get("document_ref", ""),
    )
    r = await murabahah.reschedule_contract(uow, _actor(request), cid, cmd, idempotency_key=key)
    return f"Jadwal baru {cmd.tenor_months} bulan atas sisa piutang {_fmt(r['amount'])} disimpan.", r["entry_id"]


async def _write_off_propose(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    await murabahah.propose_write_off(uow, _actor(request), cid, data.get("reason", ""))
    return "Usulan hapus buku dicatat; menunggu persetujuan manajer lain.", None


async def _write_off_decide(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    approve = data.get("decision") == "approve"
    r = await murabahah.decide_write_off(uow, _actor(request), cid, approve=approve, note=data.get("note", ""))
    return ("Piutang dihapusbukukan." if approve else "Usulan hapus buku ditolak."), r["entry_id"]


async def _recover(request: Request, uow: UnitOfWork, cid: int, data: dict[str, str], key: str | None) -> tuple[str, int | None]:
    r = await murabahah.recover(uow, _actor(request), cid, _money(data, "amount"), idempotency_key=key)
    return f"Pemulihan {_fmt(r['amount'])} diterima.", r["entry_id"]


ACTIONS: dict[str, Action] = {
    "setujui": _approve, "tolak": _reject, "batal": _cancel, "urbun": _urbun, "wakalah": _wakalah, "pembelian": _purchase, "akad": _akad,
    "angsuran": _pay, "pelunasan": _settle, "tazir-nilai": _tazir_assess, "tazir-bayar": _tazir_pay, "tazir-hapus": _tazir_waive,
    "jadwal-ulang": _reschedule, "hapus-buku-usul": _write_off_propose, "hapus-buku-putus": _write_off_decide, "pemulihan": _recover,
}


def _allowed(actor: Actor, v: murabahah.ContractView) -> dict[str, bool]:
    """Which action forms the contract page shows to this user (the services check again)."""
    role, c = actor.role, v.contract
    cash, officer, manager = role in murabahah.CASH_ROLES, role in murabahah.OFFICERS, role in murabahah.MANAGERS
    agreed = v.quote.terms.down_payment
    pending = v.write_off_pending
    return {
        "setujui": manager and c.status == "application" and c.maker_id != actor.user_id,
        "tolak": manager and c.status == "application" and c.down_payment == 0,
        "batal": manager and c.status in ("application", "approved") and (c.down_payment > 0 or c.status == "approved"),
        "urbun": cash and c.status in ("application", "approved", "purchased") and c.down_payment < agreed,
        "wakalah": cash and c.status == "approved",
        "pembelian": officer and c.status == "approved",
        "akad": officer and c.status in ("approved", "purchased"),
        "angsuran": cash and c.status == "active", "pelunasan": cash and c.status == "active",
        "tazir-nilai": officer and c.status == "active",
        "tazir-bayar": cash and v.tazir_owed > 0, "tazir-hapus": manager and v.tazir_owed > 0,
        "jadwal-ulang": manager and c.status == "active",
        "hapus-buku-usul": manager and c.status == "active" and pending is None,
        "hapus-buku-putus": manager and pending is not None and pending.actor_id != actor.user_id,
        "pemulihan": cash and c.status == "written_off",
    }


class MurabahahContractPages(Controller):
    """The list, the application form and the contract page with its actions (Bahasa Indonesia)."""

    path = PAGE_ROOT
    include_in_schema = False
    guards = [STAFF]

    @get("/")
    async def index(self, request: Request, status: FromQuery[str] = "") -> Template:
        async with request.app.state.uow() as uow:
            rows = await murabahah.list_contracts(uow, _actor(request), status=status or None, limit=200)
        return page(request, "financing/murabahah_list.html", rows=rows, status=status, status_labels=STATUS_LABELS, terms_of=murabahah.terms_of)

    @get("/baru")
    async def new(self, request: Request, anggota: FromQuery[str] = "") -> Template:
        return await self._form(request, {"member": anggota, "margin_basis": "margin_rate_flat_annual", "recognition": ""}, {})

    async def _form(self, request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            offered = [p for p in await murabahah.products(uow, _actor(request)) if p.active]
        recognitions = [("", "Sesuai produk"), *RECOGNITIONS]
        return page(request, "financing/murabahah_apply.html", status=status, form=form, errors=errors, products=offered, margin_bases=MARGIN_BASES, recognitions=recognitions)

    @post("/baru", status_code=200)
    async def create(self, request: Request, data: Form) -> Response[Any]:
        form = dict(data)
        try:
            async with request.app.state.uow() as uow:
                cid = await _apply_from_form(uow, _actor(request), form)
        except DomainError as exc:
            return await self._form(request, form, _field_errors(exc), exc.status)
        return _back(cid, "Pengajuan murabahah dicatat; menunggu persetujuan manajer.")

    @get("/{contract_id:int}")
    async def detail(self, request: Request, contract_id: FromPath[int], bukti: FromQuery[int | None] = None) -> Template:
        return await self._detail(request, contract_id, receipt=bukti)

    async def _detail(self, request: Request, contract_id: int, *, receipt: int | None = None, failed: str = "", form: dict | None = None, errors: dict | None = None, status: int = 200) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            v = await murabahah.view(uow, actor, contract_id)
            names = await _user_names(uow, actor, {e.actor_id or 0 for e in v.events})
        keys = {name: secrets.token_hex(8) for name in ACTIONS}
        return page(
            request, "financing/murabahah_contract.html", status=status, v=v, c=v.contract, t=v.terms, allowed=_allowed(actor, v), keys=keys,
            failed=failed, form=form or {}, errors=errors or {}, receipt=receipt, names=names, status_labels=STATUS_LABELS,
            event_labels=EVENT_LABELS, row_labels=ROW_LABELS, today=request.app.state.uow.today or date.today(),
        )

    @post("/{contract_id:int}/{action:str}", status_code=200)
    async def act(self, request: Request, contract_id: FromPath[int], action: FromPath[str], data: Form) -> Response[Any]:
        handler = ACTIONS.get(action)
        if handler is None:
            raise NotFound("tindakan tidak dikenal / unknown action")
        form = dict(data)
        key = form.pop("idempotency_key", None) or None
        try:
            message, entry_id = await posting(request, lambda uow: _run(handler, request, uow, contract_id, form, key))
        except DomainError as exc:
            return await self._detail(request, contract_id, failed=action, form=form, errors=form_errors(exc), status=exc.status)
        return _back(contract_id, message, entry_id)

    @get("/{contract_id:int}/akad.pdf")
    async def akad_pdf(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        return await akad_document(request, contract_id)

    @get("/{contract_id:int}/jadwal.pdf")
    async def schedule_pdf(self, request: Request, contract_id: FromPath[int]) -> Response[bytes]:
        return await schedule_document(request, contract_id)


async def _run(handler: Action, request: Request, uow: UnitOfWork, cid: int, form: dict[str, str], key: str | None) -> Any:
    return await handler(request, uow, cid, form, key)


def _field_errors(exc: DomainError) -> dict[str, str]:
    field = exc.field or "_"
    if field in ("margin", "margin_amount", "margin_rate_flat_annual", "effective_rate_annual"):
        field = "margin_value"
    return {field: exc.message.split(" / ")[0]}


async def _apply_from_form(uow: UnitOfWork, actor: Actor, form: dict[str, str]) -> int:
    """Read the application form (amounts like ``10.000.000``, rates like ``12,5``) and apply."""
    member = await _find_member(uow, actor, form.get("member", ""))
    product_id = _int(form, "product_id")
    prod = next((p for p in await murabahah.products(uow, actor) if p.id == product_id), None)
    if prod is None:
        raise InvalidInput("pilih produk murabahah / choose a product", field="product_id")
    fields = {k: form.get(k, "") for k in QUOTE_FIELDS} | {"recognition": form.get("recognition") or prod.recognition}
    terms = terms_from_form(fields)
    cmd = murabahah.Apply(
        member.id, prod.id, form.get("goods", ""), terms.cost_price, terms.tenor_months, terms.first_due_date, terms.down_payment,
        terms.margin_amount, terms.margin_rate_flat_annual, terms.effective_rate_annual, str(terms.recognition), form.get("supplier", ""), form.get("purpose", ""),
    )
    return (await murabahah.apply(uow, actor, cmd)).id


async def _find_member(uow: UnitOfWork, actor: Actor, text: str) -> Any:
    """A member by number ("A000012") or id ("12")."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("isi nomor anggota / enter a member number", field="member")
    if text.isdigit():
        return await members.get(uow, actor, int(text))
    rows, _ = await members.search(uow, actor, text, limit=20)
    for m in rows:
        if m.member_no.upper() == text.upper():
            return m
    raise NotFound(f"anggota {text} tidak ditemukan / member not found", field="member")


class MurabahahProductPages(Controller):
    """A manager's list and form of murabahah products."""

    path = "/pembiayaan/murabahah/produk"
    include_in_schema = False
    guards = [requires("members.deactivate")]

    async def _render(self, request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            rows = await murabahah.products(uow, _actor(request))
        return page(request, "financing/murabahah_products.html", status=status, products=rows, form=form, errors=errors, recognitions=RECOGNITIONS)

    @get("/")
    async def index(self, request: Request) -> Template:
        return await self._render(request, {"recognition": "proportional", "allocation_order": "margin,principal", "grace_days": "7"}, {})

    @post("/", status_code=200)
    async def create(self, request: Request, data: Form) -> Response[Any]:
        form = dict(data)
        try:
            spec = murabahah.ProductSpec(
                form.get("code", ""), form.get("name", ""), form.get("recognition", ""), form.get("allocation_order", ""),
                _money(form, "tazir_amount", required=False) or ZERO, _int(form, "grace_days"),
            )
            async with request.app.state.uow() as uow:
                p = await murabahah.create_product(uow, _actor(request), spec)
        except DomainError as exc:
            return await self._render(request, form, form_errors(exc), exc.status)
        return Redirect(f"/pembiayaan/murabahah/produk?{urlencode({'pesan': f'Produk {p.code} — {p.name} disimpan.'})}", status_code=303)


__all__ = ["MurabahahContractPages", "MurabahahContractsApi", "MurabahahProductPages", "contract_read"]
