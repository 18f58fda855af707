"""Member self-service (/saya, for a phone), activation (/aktivasi), member login (/masuk-anggota),
complaints (/pengaduan public, /saya/pengaduan for members, /pengaduan/kelola for staff) and their JSON API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from bmt.api.documents import render
from bmt.api.pages import form_errors, page
from bmt.api.security import SESSION_COOKIE, logged_in, requires
from bmt.dates import Period
from bmt.errors import DomainError, InvalidInput, PermissionDenied
from bmt.money import money_str
from bmt.services import auth as auth_service
from bmt.services import complaints, member_portal
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]
KIND_LABELS = {"wadiah": "Tabungan wadiah", "mudharabah": "Tabungan mudharabah", "deposito": "Deposito mudharabah"}
AKAD_LABELS = {"murabahah": "Murabahah", "mudharabah": "Mudharabah", "musyarakah": "Musyarakah", "musyarakah_mutanaqisah": "Musyarakah mutanaqisah", "qardh": "Qardh"}
MEMBER_NAV = (("/saya", "Beranda"), ("/saya/bagi-hasil", "Bagi hasil"), ("/saya/zakat", "Zakat"), ("/saya/shu", "SHU"), ("/saya/pengaduan", "Pengaduan"))


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _coop_name(request: Request) -> str:
    return request.app.state.coop_names.get(_actor(request).cooperative_id, "")


def _mpage(request: Request, template: str, **ctx: Any) -> Template:
    """A member page: the short member menu instead of the staff menu."""
    return page(request, template, nav=[{"href": h, "label": label} for h, label in MEMBER_NAV], **ctx)


def _month(text: str | None, today: date) -> Period:
    if not text:
        return Period.of(today)
    try:
        return Period.parse(text)
    except (DomainError, ValueError):
        raise InvalidInput("bulan YYYY-MM / month as YYYY-MM", field="bulan") from None


def _pdf(content: bytes, filename: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{filename}"'})


def _refuse_supervisor(request: Request) -> None:
    # The cooperative office changes nothing anywhere, public forms included.
    actor: Actor | None = request.scope.get("user")
    if actor is not None and actor.role == "supervisor":
        raise PermissionDenied("Dinas Koperasi hanya membaca / the cooperative office is read-only")


class MemberPortalPages(Controller):
    path = "/saya"
    include_in_schema = False
    guards = [requires("self.read")]

    @get("/")
    async def home(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            ov = await member_portal.overview(uow, _actor(request))
        return _mpage(request, "portal/home.html", ov=ov, kind_labels=KIND_LABELS, akad_labels=AKAD_LABELS, today=_today(request))

    @get("/rekening/{account_id:int}")
    async def account(self, request: Request, account_id: FromPath[int], bulan: FromQuery[str | None] = None) -> Template:
        p = _month(bulan, _today(request))
        async with request.app.state.uow() as uow:
            st = await member_portal.account(uow, _actor(request), account_id, p.first_day, min(p.last_day, max(_today(request), p.first_day)))
        return _mpage(request, "portal/account.html", **st, period=p, prev=Period.of(p.first_day - timedelta(days=1)), next_=p.next(), kind_labels=KIND_LABELS, today=_today(request))

    @get("/rekening/{account_id:int}/pdf")
    async def account_pdf(self, request: Request, account_id: FromPath[int], bulan: FromQuery[str | None] = None) -> Response[bytes]:
        p = _month(bulan, _today(request))
        async with request.app.state.uow() as uow:
            st = await member_portal.account(uow, _actor(request), account_id, p.first_day, min(p.last_day, max(_today(request), p.first_day)))
        pdf = await render(request, "savings/statement_pdf.html", **st, coop_name=_coop_name(request), printed_on=_today(request), kind_labels=KIND_LABELS, nisbah=Decimal(st["acc"].nisbah_member_bps) / 100)
        return _pdf(pdf, f"rekening-koran-{st['acc'].account_no}-{p}.pdf")

    @get("/pembiayaan/{contract_id:int}")
    async def financing(self, request: Request, contract_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            d = await member_portal.financing_detail(uow, _actor(request), contract_id)
        return _mpage(request, "portal/financing.html", **d, akad_labels=AKAD_LABELS)

    @get("/bagi-hasil")
    async def profit(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await member_portal.profit_shares(uow, _actor(request))
        return _mpage(request, "portal/profit.html", rows=rows)

    @get("/zakat")
    async def zakat(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await member_portal.zakat_receipts(uow, _actor(request))
        return _mpage(request, "portal/zakat.html", rows=rows)

    @get("/shu")
    async def shu(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await member_portal.shu_received(uow, _actor(request))
        return _mpage(request, "portal/shu.html", rows=rows)

    @get("/pengaduan")
    async def complaints_list(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await complaints.list_for_member(uow, _actor(request))
        return _mpage(request, "portal/complaints.html", rows=rows, form={}, errors={}, kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)

    @post("/pengaduan", status_code=200)
    async def complaints_file(self, request: Request, data: Form) -> Response[Any]:
        cmd = complaints.NewComplaint(data.get("kind", ""), data.get("subject", ""), data.get("body", ""))
        try:
            async with request.app.state.uow() as uow:
                filed = await complaints.file_as_member(uow, _actor(request), cmd)
        except DomainError as exc:
            async with request.app.state.uow() as uow:
                rows = await complaints.list_for_member(uow, _actor(request))
            return _mpage(request, "portal/complaints.html", status=422, rows=rows, form=data, errors=form_errors(exc), kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)
        return Redirect(f"/saya/pengaduan/{filed.complaint.id}?{urlencode({'pesan': f'Terkirim dengan nomor {filed.complaint.ticket_no}.'})}", status_code=303)

    @get("/pengaduan/{complaint_id:int}")
    async def complaint(self, request: Request, complaint_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            c, msgs = await complaints.get(uow, _actor(request), complaint_id)
        return _mpage(request, "portal/complaint.html", c=c, msgs=msgs, errors={}, kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)

    @post("/pengaduan/{complaint_id:int}", status_code=200)
    async def complaint_reply(self, request: Request, complaint_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                if data.get("action") == "close":
                    await complaints.close(uow, _actor(request), complaint_id, data.get("body", ""))
                else:
                    await complaints.reply_as_member(uow, _actor(request), complaint_id, data.get("body", ""))
        except DomainError as exc:
            async with request.app.state.uow() as uow:
                c, msgs = await complaints.get(uow, _actor(request), complaint_id)
            return _mpage(request, "portal/complaint.html", status=422, c=c, msgs=msgs, errors=form_errors(exc), kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)
        return Redirect(f"/saya/pengaduan/{complaint_id}?pesan=Tersimpan.", status_code=303)


class ActivationPages(Controller):
    """Public pages: activation, the member login, the public complaint form and ticket tracking."""

    path = "/"
    include_in_schema = False

    @get("/aktivasi")
    async def activation_form(self, request: Request, koperasi: FromQuery[str] = "", anggota: FromQuery[str] = "") -> Template:
        return page(request, "portal/activate.html", form={"coop_code": koperasi, "member_no": anggota}, errors={}, done=None)

    @post("/aktivasi", status_code=200)
    async def activate(self, request: Request, data: Form) -> Template:
        _refuse_supervisor(request)
        cmd = member_portal.Activation(data.get("coop_code", ""), data.get("member_no", ""), data.get("code", ""), data.get("password", ""), data.get("password_again", ""))
        form = {"coop_code": cmd.coop_code, "member_no": cmd.member_no}
        try:
            async with request.app.state.uow() as uow:
                username = await member_portal.activate(uow, cmd)
        except DomainError as exc:
            return page(request, "portal/activate.html", status=422, form=form, errors=form_errors(exc), done=None)
        if username is None:
            return page(request, "portal/activate.html", status=422, form=form, errors={"code": member_portal.BAD_CODE}, done=None)
        return page(request, "portal/activate.html", form=form, errors={}, done=username)

    @get("/masuk-anggota")
    async def member_login_form(self, request: Request, koperasi: FromQuery[str] = "") -> Template:
        return page(request, "portal/login.html", form={"coop_code": koperasi}, errors={})

    @post("/masuk-anggota", status_code=200)
    async def member_login(self, request: Request, data: Form) -> Response[Any]:
        form = {"coop_code": data.get("coop_code", ""), "member_no": data.get("member_no", "")}
        if not all(form.values()) or not data.get("password"):
            return page(request, "portal/login.html", status=400, form=form, errors={"_": "Isi kode koperasi, nomor anggota dan kata sandi."})
        settings = request.app.state.settings
        async with request.app.state.uow() as uow:
            try:
                token, actor = await auth_service.login(uow, member_portal.username_for(form["coop_code"], form["member_no"]), data["password"], kind="web", hours=settings.session_hours)
            except auth_service.LoginFailed as exc:
                return page(request, "portal/login.html", status=401, form=form, errors={"_": exc.message})
        if not token or actor.role != "member":
            return page(request, "portal/login.html", status=401, form=form, errors={"_": "Nomor anggota atau kata sandi salah."})
        resp = Redirect("/saya", status_code=303)
        resp.cookies.append(Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", secure=settings.secure_cookies, max_age=settings.session_hours * 3600, path="/"))
        return resp

    @get("/pengaduan")
    async def public_form(self, request: Request, koperasi: FromQuery[str] = "") -> Template:
        return page(request, "portal/public_complaint.html", form={"coop_code": koperasi}, errors={}, filed=None, kinds=complaints.KINDS)

    @post("/pengaduan", status_code=200)
    async def public_file(self, request: Request, data: Form) -> Template:
        _refuse_supervisor(request)
        cmd = complaints.NewComplaint(data.get("kind", ""), data.get("subject", ""), data.get("body", ""), data.get("name", ""), data.get("contact", ""))
        try:
            async with request.app.state.uow() as uow:
                filed = await complaints.file_public(uow, data.get("coop_code", ""), cmd)
        except DomainError as exc:
            return page(request, "portal/public_complaint.html", status=422, form=data, errors=form_errors(exc), filed=None, kinds=complaints.KINDS)
        return page(request, "portal/public_complaint.html", form={}, errors={}, filed=filed, kinds=complaints.KINDS)

    @get("/pengaduan/lacak")
    async def track(self, request: Request, koperasi: FromQuery[str] = "", nomor: FromQuery[str] = "", kode: FromQuery[str] = "") -> Template:
        found, error = None, ""
        if nomor:
            try:
                async with request.app.state.uow() as uow:
                    found = await complaints.track(uow, koperasi, nomor, kode)
            except DomainError as exc:
                error = exc.message
        return page(request, "portal/track.html", q={"koperasi": koperasi, "nomor": nomor}, found=found, error=error, labels=complaints.STATUS_LABELS, kinds=complaints.KINDS)


class StaffPortalPages(Controller):
    """Staff: make an activation code from the member page; answer complaints."""

    path = "/"
    include_in_schema = False

    @post("/anggota/{member_id:int}/kode-aktivasi", guards=[requires("members.write")], status_code=200)
    async def activation_code(self, request: Request, member_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            issued = await member_portal.create_activation_code(uow, _actor(request), member_id)
        return page(request, "portal/activation_code.html", issued=issued, member_id=member_id)

    @get("/pengaduan/kelola", guards=[requires("members.read")])
    async def staff_list(self, request: Request, status: FromQuery[str | None] = None) -> Template:
        async with request.app.state.uow() as uow:
            rows = await complaints.list_for_staff(uow, _actor(request), status=status or None)
            now = uow.now()
        return page(request, "portal/staff_complaints.html", rows=rows, status=status or "", overdue={c.id for c in rows if complaints.is_overdue(c, now)}, kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)

    @get("/pengaduan/kelola/{complaint_id:int}", guards=[requires("members.read")])
    async def staff_detail(self, request: Request, complaint_id: FromPath[int]) -> Template:
        async with request.app.state.uow() as uow:
            c, msgs = await complaints.get(uow, _actor(request), complaint_id)
        return page(request, "portal/staff_complaint.html", c=c, msgs=msgs, errors={}, kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)

    @post("/pengaduan/kelola/{complaint_id:int}", guards=[requires("members.read")], status_code=200)
    async def staff_answer(self, request: Request, complaint_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                if data.get("action") == "close":
                    await complaints.close(uow, _actor(request), complaint_id, data.get("body", ""))
                else:
                    await complaints.answer(uow, _actor(request), complaint_id, data.get("body", ""), close=data.get("action") == "answer_close")
        except DomainError as exc:
            async with request.app.state.uow() as uow:
                c, msgs = await complaints.get(uow, _actor(request), complaint_id)
            return page(request, "portal/staff_complaint.html", status=exc.status, c=c, msgs=msgs, errors=form_errors(exc), kinds=complaints.KINDS, labels=complaints.STATUS_LABELS)
        return Redirect(f"/pengaduan/kelola/{complaint_id}?pesan=Tersimpan.", status_code=303)


# ---------------------------------------------------------------- JSON API


class ComplaintCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    subject: str
    body: str


class ComplaintAnswer(msgspec.Struct, forbid_unknown_fields=True):
    body: str = ""
    close: bool = False


def _complaint_json(c: Any, msgs: list[Any] | None = None) -> dict[str, Any]:
    out = {"id": c.id, "ticket_no": c.ticket_no, "kind": c.kind, "channel": c.channel, "subject": c.subject, "status": c.status, "name": c.name, "due_at": c.due_at.isoformat()}
    if msgs is not None:
        out["messages"] = [{"author": m.author_kind, "name": m.author_name, "body": m.body, "status_after": m.status_after, "at": m.at.isoformat()} for m in msgs]
    return out


class MemberApi(Controller):
    """The member's own data as JSON (the same guards as the pages)."""

    path = "/api/v1/me"
    tags = ["member portal"]
    guards = [requires("self.read")]

    @get("/")
    async def me(self, request: Request) -> dict[str, Any]:
        """Balances of every savings, deposit and financing account of the logged-in member."""
        async with request.app.state.uow() as uow:
            ov = await member_portal.overview(uow, _actor(request))
        return {
            "member": {"id": ov.member.id, "member_no": ov.member.member_no, "name": ov.member.name},
            "equity": {k: money_str(v) for k, v in ov.equity.items()},
            "savings": [{"id": a.id, "account_no": a.account_no, "kind": p.kind, "product": p.name, "status": a.status, "balance": money_str(a.balance)} for a, p in ov.savings],
            "financing": [{"id": f.contract.id, "contract_no": f.contract.contract_no, "kind": f.contract.kind, "status": f.contract.status, "outstanding": money_str(f.contract.outstanding), "arrears": money_str(f.arrears)} for f in ov.financing],
        }

    @get("/accounts/{account_id:int}/statement")
    async def statement(self, request: Request, account_id: FromPath[int], since: FromQuery[date], through: FromQuery[date]) -> dict[str, Any]:
        """One of the member's own accounts: opening, lines, closing (another member's account: 404)."""
        async with request.app.state.uow() as uow:
            st = await member_portal.account(uow, _actor(request), account_id, since, through)
        return {
            "account_no": st["acc"].account_no, "opening_balance": money_str(st["opening"]), "closing_balance": money_str(st["closing"]),
            "lines": [{"date": x.value_date.isoformat(), "description": x.description, "debit": money_str(x.debit), "credit": money_str(x.credit), "balance": money_str(x.balance)} for x in st["lines"]],
        }

    @get("/financing/{contract_id:int}")
    async def financing(self, request: Request, contract_id: FromPath[int]) -> dict[str, Any]:
        """Schedule, arrears and today's early-settlement price of one of the member's contracts."""
        async with request.app.state.uow() as uow:
            d = await member_portal.financing_detail(uow, _actor(request), contract_id)
        q = d["quote"]
        return {
            "contract_no": d["contract"].contract_no, "kind": d["contract"].kind, "arrears": money_str(d["arrears"]), "arrears_installments": d["arrears_count"],
            "settlement_amount": money_str(q.settlement_amount) if q else None, "settlement_note": d["quote_note"],
            "schedule": [{"number": r.number, "due_date": r.due_date.isoformat(), "amount": money_str(r.amount), "status": r.status} for r in d["rows"]],
        }

    @post("/complaints", status_code=201)
    async def file(self, request: Request, data: JSONBody[ComplaintCreate]) -> dict[str, Any]:
        """File a complaint or question."""
        async with request.app.state.uow() as uow:
            filed = await complaints.file_as_member(uow, _actor(request), complaints.NewComplaint(data.kind, data.subject, data.body))
        return _complaint_json(filed.complaint)

    @get("/complaints/{complaint_id:int}")
    async def complaint(self, request: Request, complaint_id: FromPath[int]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c, msgs = await complaints.get(uow, _actor(request), complaint_id)
        return _complaint_json(c, msgs)

    @post("/complaints/{complaint_id:int}/close", status_code=200)
    async def close(self, request: Request, complaint_id: FromPath[int], data: JSONBody[ComplaintAnswer]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c = await complaints.close(uow, _actor(request), complaint_id, data.body)
        return _complaint_json(c)

    @post("/complaints/{complaint_id:int}/reply", status_code=200)
    async def reply(self, request: Request, complaint_id: FromPath[int], data: JSONBody[ComplaintAnswer]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c = await complaints.reply_as_member(uow, _actor(request), complaint_id, data.body)
        return _complaint_json(c)


class ComplaintsApi(Controller):
    """Staff side of complaints."""

    path = "/api/v1/complaints"
    tags = ["complaints"]
    guards = [logged_in, requires("members.read")]

    @get("/")
    async def list_(self, request: Request, status: FromQuery[str | None] = None) -> list[dict[str, Any]]:
        async with request.app.state.uow() as uow:
            rows = await complaints.list_for_staff(uow, _actor(request), status=status)
            now = uow.now()
        return [{**_complaint_json(c), "overdue": complaints.is_overdue(c, now)} for c in rows]

    @get("/{complaint_id:int}")
    async def get_(self, request: Request, complaint_id: FromPath[int]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c, msgs = await complaints.get(uow, _actor(request), complaint_id)
        return _complaint_json(c, msgs)

    @post("/{complaint_id:int}/answer", status_code=200)
    async def answer(self, request: Request, complaint_id: FromPath[int], data: JSONBody[ComplaintAnswer]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c = await complaints.answer(uow, _actor(request), complaint_id, data.body, close=data.close)
        return _complaint_json(c)

    @post("/{complaint_id:int}/close", status_code=200)
    async def close(self, request: Request, complaint_id: FromPath[int], data: JSONBody[ComplaintAnswer]) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            c = await complaints.close(uow, _actor(request), complaint_id, data.body)
        return _complaint_json(c)
