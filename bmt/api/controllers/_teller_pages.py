"""The teller's screens: the counter (drawer, look-up, a manager's approvals), savings products, opening an
account, the account page with its postings, and the statement, passbook and receipt as PDF.

Every posting form carries a hidden ``idempotency_key`` made when the form is rendered, so a double click or a
browser retry posts once: the service returns the first answer for a key it has seen. After a posting the
browser is redirected (303) to the account page, which offers the receipt ("Cetak bukti") of that entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from bmt.api.controllers._savings import posting
from bmt.api.documents import render
from bmt.api.pages import form_errors, page
from bmt.api.security import requires
from bmt.auth.roles import can
from bmt.errors import DomainError, InvalidInput, NotFound
from bmt.money import ZERO, rupiah
from bmt.persistence.models import JournalEntry, JournalLine, Member, SavingsAccount, User
from bmt.reports.formatting import format_rupiah
from bmt.services import ledger, members, savings, teller
from bmt.services.uow import Actor, UnitOfWork

Form = URLEncodedBody[dict[str, str]]

KIND_LABELS = {"wadiah": "Tabungan wadiah", "mudharabah": "Tabungan mudharabah", "deposito": "Deposito mudharabah"}
STATUS_LABELS = {"active": "Aktif", "dormant": "Dorman", "closed": "Ditutup", "matured": "Jatuh tempo (dicairkan)", "broken": "Dicairkan sebelum jatuh tempo"}
DRAWER_LABELS = {"open": "Terbuka", "closed": "Ditutup", "difference_pending": "Selisih menunggu manajer", "difference_approved": "Selisih disetujui"}
#: Passbook transaction codes (sandi), from the journal entry's source.
PASSBOOK_CODES = {"open": "SA", "deposit": "ST", "withdraw": "TT", "transfer": "PB", "payout": "CR", "maturity": "JT"}
PASSBOOK_LEGEND = "SA setoran awal · ST setor tunai · TT tarik tunai · PB pemindahbukuan · CR pencairan · JT jatuh tempo · BH bagi hasil · KR koreksi · LN lain-lain"
ACCOUNT_FORMS = ("setor", "tarik", "pindah", "tutup", "cairkan")


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _keys(*names: str) -> dict[str, str]:
    """A fresh idempotency key per rendered form."""
    return {n: secrets.token_hex(8) for n in names}


def _money(data: dict[str, str], name: str, *, required: bool = True) -> Decimal:
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput("jumlah wajib diisi / amount is required", field=name)
        return ZERO
    try:
        return rupiah(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=name) from None


def _int(data: dict[str, str], name: str, *, required: bool = False) -> int | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput("wajib dipilih / required", field=name)
        return None
    if not raw.isdigit():
        raise InvalidInput("pilihan tidak valid / invalid choice", field=name)
    return int(raw)


def _back(path: str, message: str, entry_id: int | None = None) -> Redirect:
    query = {"pesan": message} | ({"bukti": str(entry_id)} if entry_id else {})
    return Redirect(f"{path}?{urlencode(query)}", status_code=303)


def _pdf(content: bytes, filename: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{filename}"'})


def _coop_name(request: Request) -> str:
    return request.app.state.coop_names.get(_actor(request).coop, "")


async def _account_by_no(uow: UnitOfWork, actor: Actor, account_no: str) -> SavingsAccount | None:
    q = select(SavingsAccount).where(SavingsAccount.cooperative_id == actor.coop, func.upper(SavingsAccount.account_no) == account_no.strip().upper())
    return (await uow.session.execute(q)).scalar_one_or_none()


async def _find_member(uow: UnitOfWork, actor: Actor, text: str) -> Member:
    """A member by number ("A000012") or by id ("12")."""
    text = text.strip()
    if not text:
        raise InvalidInput("isi nomor anggota / enter a member number", field="anggota")
    if text.isdigit():
        return await members.get(uow, actor, int(text))
    rows, _ = await members.search(uow, actor, text, limit=20)
    for m in rows:
        if m.member_no.upper() == text.upper():
            return m
    raise NotFound(f"anggota {text} tidak ditemukan / member not found", field="anggota")


async def _user_names(uow: UnitOfWork, actor: Actor, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    q = select(User.id, User.name).where(User.id.in_(ids), User.cooperative_id == actor.coop)
    return dict((await uow.session.execute(q)).tuples().all())


async def _drawer_info(uow: UnitOfWork, actor: Actor) -> dict[str, Any] | None:
    """The actor's open drawer, its balance and today's movements (newest first)."""
    d = await teller.current_drawer(uow, actor, required=False)
    if d is None:
        return None
    q = (
        select(JournalLine.entry_id, JournalEntry.description, JournalLine.amount)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == actor.coop, JournalLine.subledger == f"drawer:{d.id}")
        .order_by(JournalLine.id.desc())
        .limit(30)
    )
    moves = [{"entry_id": e, "description": desc, "cash_in": amt if amt > 0 else ZERO, "cash_out": -amt if amt < 0 else ZERO} for e, desc, amt in (await uow.session.execute(q)).all()]
    return {"drawer": d, "balance": await teller.drawer_balance(uow, d), "stale": d.business_date != uow.business_date(), "moves": moves}


# ---------------------------------------------------------------- the counter


class TellerPages(Controller):
    """The counter: the drawer, a look-up box, and (for a manager) what waits for approval."""

    path = "/teller"
    include_in_schema = False
    guards = [requires("members.write")]

    @get("/")
    async def counter(self, request: Request, q: FromQuery[str] = "", bukti: FromQuery[int | None] = None) -> Template | Redirect:
        if q.strip():
            async with request.app.state.uow() as uow:
                acc = await _account_by_no(uow, _actor(request), q)
            if acc is not None:
                return Redirect(f"/tabungan/{acc.id}", status_code=303)
        return await self._counter(request, q=q, receipt=bukti)

    async def _counter(self, request: Request, *, q: str = "", receipt: int | None = None, errors: dict | None = None, status: int = 200) -> Template:
        actor = _actor(request)
        manager = can(actor.role, "members.deactivate")
        async with request.app.state.uow() as uow:
            drawer = await _drawer_info(uow, actor)
            found = []
            if q.strip():
                rows, _ = await members.search(uow, actor, q, limit=10)
                found = [(m, await savings.accounts_of_member(uow, actor, m.id)) for m in rows]
            pending = await savings.pending_withdrawals(uow, actor) if manager else []
            differences = await teller.drawers(uow, actor, status="difference_pending") if manager else []
            names = await _user_names(uow, actor, {r.maker_id for r, _ in pending} | {d.teller_id for d in differences})
        return page(
            request, "teller/counter.html", status=status, q=q, found=found, drawer=drawer, pending=pending, differences=differences,
            names=names, manager=manager, receipt=receipt, errors=errors or {}, today=_today(request), drawer_labels=DRAWER_LABELS, status_labels=STATUS_LABELS,
        )

    @post("/laci/buka", status_code=200)
    async def open_drawer(self, request: Request, data: Form) -> Response[Any]:
        try:
            amount = _money(data, "float_amount")
            async with request.app.state.uow() as uow:
                d = await teller.open_drawer(uow, _actor(request), amount)
        except DomainError as exc:
            return await self._counter(request, errors=form_errors(exc), status=exc.status)
        return _back("/teller", f"Laci kas #{d.id} dibuka dengan modal awal Rp{_fmt(d.float_amount)}.")

    @post("/laci/tutup", status_code=200)
    async def close_drawer(self, request: Request, data: Form) -> Response[Any]:
        try:
            counted = _money(data, "counted_amount")
            async with request.app.state.uow() as uow:
                res = await teller.close_drawer(uow, _actor(request), counted)
        except DomainError as exc:
            return await self._counter(request, errors=form_errors(exc), status=exc.status)
        if res.difference == 0:
            return _back("/teller", f"Laci kas #{res.drawer_id} ditutup; uang fisik sesuai (Rp{_fmt(res.counted)}).")
        kind = "kurang" if res.difference < 0 else "lebih"
        return _back("/teller", f"Laci kas #{res.drawer_id} ditutup dengan selisih {kind} Rp{_fmt(abs(res.difference))}; dicatat di akun penampungan dan menunggu persetujuan manajer.")

    @post("/penarikan/{request_id:int}/setujui", guards=[requires("members.deactivate")], status_code=200)
    async def approve_withdrawal(self, request: Request, request_id: FromPath[int]) -> Response[Any]:
        try:
            result = await posting(request, lambda uow: savings.approve_withdrawal(uow, _actor(request), request_id))
        except DomainError as exc:
            return await self._counter(request, errors=form_errors(exc), status=exc.status)
        return _back("/teller", f"Penarikan Rp{_fmt(result['amount'])} dari {result['account_no']} disetujui dan dibukukan.", result.get("entry_id"))

    @post("/penarikan/{request_id:int}/tolak", guards=[requires("members.deactivate")], status_code=200)
    async def reject_withdrawal(self, request: Request, request_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                await savings.reject_withdrawal(uow, _actor(request), request_id, data.get("note", ""))
        except DomainError as exc:
            return await self._counter(request, errors=form_errors(exc), status=exc.status)
        return _back("/teller", f"Permintaan penarikan #{request_id} ditolak.")

    @post("/laci/{drawer_id:int}/setujui-selisih", guards=[requires("members.deactivate")], status_code=200)
    async def approve_difference(self, request: Request, drawer_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                eid = await teller.approve_difference(uow, _actor(request), drawer_id, data.get("note", ""))
        except DomainError as exc:
            return await self._counter(request, errors=form_errors(exc), status=exc.status)
        return _back("/teller", f"Selisih laci kas #{drawer_id} disetujui (jurnal #{eid}).", eid)


def _fmt(amount: Decimal | str) -> str:
    """Rupiah digits with Indonesian thousands separators, for flash messages."""
    return format_rupiah(Decimal(str(amount))).removeprefix("Rp")


# ---------------------------------------------------------------- savings pages


class SavingsPages(Controller):
    """Products, opening accounts, the account page and its documents."""

    path = "/tabungan"
    include_in_schema = False
    guards = [requires("members.read")]

    # ---- products (a manager configures them)

    @get("/produk", guards=[requires("members.deactivate")])
    async def products(self, request: Request) -> Template:
        return await self._products(request, {"kind": "mudharabah", "dormant_after_days": "365", "approval_threshold": "10.000.000", "aro_default": "1", "early_break": "forfeit_month"}, {})

    async def _products(self, request: Request, form: dict, errors: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            rows = await savings.products(uow, _actor(request))
        return page(request, "savings/products.html", status=status, products=rows, form=form, errors=errors, kind_labels=KIND_LABELS, percent=lambda bps: Decimal(bps) / 100)

    @post("/produk", guards=[requires("members.deactivate")], status_code=200)
    async def create_product(self, request: Request, data: Form) -> Response[Any]:
        try:
            kind = data.get("kind", "")
            tenor = _int(data, "tenor_months") if kind == "deposito" else None
            days = _int(data, "dormant_after_days")
            spec = savings.ProductSpec(
                code=data.get("code", "").strip().upper(), name=data.get("name", ""), kind=kind,
                nisbah_member_percent=_percent(data.get("nisbah_member_percent", "")), tenor_months=tenor,
                min_opening=_money(data, "min_opening", required=False), min_balance=_money(data, "min_balance", required=False),
                dormant_after_days=365 if days is None else days, approval_threshold=_money(data, "approval_threshold"),
                aro_default=data.get("aro_default") == "1", early_break=data.get("early_break", "forfeit_month"),
            )
            async with request.app.state.uow() as uow:
                prod = await savings.create_product(uow, _actor(request), spec)
        except DomainError as exc:
            return await self._products(request, data, form_errors(exc), exc.status)
        return _back("/tabungan/produk", f"Produk {prod.code} — {prod.name} disimpan.")

    # ---- opening an account or placing a deposito

    @get("/buka", guards=[requires("members.write")])
    async def open_form(self, request: Request, anggota: FromQuery[str] = "") -> Template:
        return await self._open(request, anggota, {}, {})

    async def _open(self, request: Request, who: str, form: dict, errors: dict, status: int = 200) -> Template:
        actor = _actor(request)
        member, accounts = None, []
        async with request.app.state.uow() as uow:
            if who.strip():
                try:
                    member = await _find_member(uow, actor, who)
                    accounts = await savings.accounts_of_member(uow, actor, member.id)
                except DomainError as exc:
                    errors = errors or form_errors(exc)
                    status = status if status != 200 else exc.status
            offered = [p for p in await savings.products(uow, actor) if p.active]
        return page(
            request, "savings/open.html", status=status, who=who, member=member, accounts=accounts, products=offered, form=form, errors=errors,
            key=form.get("idempotency_key") or _keys("open")["open"], kind_labels=KIND_LABELS, status_labels=STATUS_LABELS, percent=lambda bps: Decimal(bps) / 100,
        )

    @post("/buka", guards=[requires("members.write")], status_code=200)
    async def open_account(self, request: Request, data: Form) -> Response[Any]:
        try:
            aro = {"1": True, "0": False}.get(data.get("aro", ""))
            cmd = savings.OpenAccount(
                member_id=_int(data, "member_id", required=True), product_id=_int(data, "product_id", required=True),
                initial_deposit=_money(data, "initial_deposit", required=False), aro=aro,
                profit_to_account_id=_int(data, "profit_to_account_id"), funding_account_id=_int(data, "funding_account_id"),
            )
            key = data.get("idempotency_key") or None
            result = await posting(request, lambda uow: savings.open_account(uow, _actor(request), cmd, idempotency_key=key))
        except DomainError as exc:
            # A failed attempt stored nothing under its key: the re-rendered form gets a fresh one.
            return await self._open(request, data.get("member_id", ""), {k: v for k, v in data.items() if k != "idempotency_key"}, form_errors(exc), exc.status)
        note = f" Jatuh tempo {result['maturity_date']}." if result.get("maturity_date") else ""
        return _back(f"/tabungan/{result['account_id']}", f"Rekening {result['account_no']} dibuka dengan setoran awal Rp{_fmt(result['amount'])}.{note}", result.get("entry_id"))

    # ---- the account page

    @get("/{account_id:int}")
    async def account(self, request: Request, account_id: FromPath[int], dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None, bukti: FromQuery[int | None] = None) -> Template:
        return await self._account(request, account_id, since=dari, through=sampai, receipt=bukti)

    async def _account(self, request: Request, account_id: int, *, since: date | None = None, through: date | None = None, receipt: int | None = None, failed: str = "", form: dict | None = None, errors: dict | None = None, status: int = 200) -> Template:
        actor = _actor(request)
        through = through or _today(request)
        since = since or through.replace(day=1)
        statement_error = ""
        async with request.app.state.uow() as uow:
            acc, prod, member = await savings.get_account(uow, actor, account_id)
            others = [(a, p) for a, p in await savings.accounts_of_member(uow, actor, member.id) if a.id != acc.id]
            try:
                opening, lines, closing = await savings.statement(uow, actor, acc.id, since, through)
            except InvalidInput as exc:
                opening, lines, closing, statement_error = ZERO, [], ZERO, exc.message
            drawer = await _drawer_info(uow, actor) if can(actor.role, "members.write") else None
            pending = [r for r, a in await savings.pending_withdrawals(uow, actor) if a.id == acc.id] if not actor.is_member else []
            profit_to = (await savings.get_account(uow, actor, acc.profit_to_account_id))[0] if acc.profit_to_account_id else None
        payout_options = [("", "Tunai dari laci")] + [(a.id, f"{a.account_no} — {p.name}") for a, p in others if a.status in ("active", "dormant") and p.kind != "deposito"]
        return page(
            request, "savings/account.html", status=status, acc=acc, prod=prod, member=member, others=others, opening=opening, lines=lines, closing=closing,
            since=since, through=through, statement_error=statement_error, drawer=drawer, payout_options=payout_options, pending=pending, profit_to=profit_to, receipt=receipt,
            failed=failed, form=form or {}, errors=errors or {}, keys=_keys(*ACCOUNT_FORMS), can_write=can(actor.role, "members.write"),
            is_manager=can(actor.role, "members.deactivate"), kind_labels=KIND_LABELS, status_labels=STATUS_LABELS, today=_today(request),
            nisbah=Decimal(acc.nisbah_member_bps) / 100,
        )

    async def _operate(self, request: Request, account_id: int, form_name: str, data: dict[str, str], op: Callable[[], Callable[[UnitOfWork], Awaitable[dict[str, Any]]]], message: Callable[[dict[str, Any]], str]) -> Response[Any]:
        """Run one posting from the account page: redirect with a receipt, or re-render with the error."""
        try:
            result = await posting(request, op())
        except DomainError as exc:
            kept = {k: v for k, v in data.items() if k not in ("idempotency_key", "_csrf_token")}
            return await self._account(request, account_id, failed=form_name, form=kept, errors=form_errors(exc), status=exc.status)
        return _back(f"/tabungan/{account_id}", message(result), result.get("entry_id"))

    @post("/{account_id:int}/setor", guards=[requires("members.write")], status_code=200)
    async def deposit(self, request: Request, account_id: FromPath[int], data: Form) -> Response[Any]:
        def op() -> Callable[[UnitOfWork], Awaitable[dict[str, Any]]]:
            amount, key = _money(data, "amount"), data.get("idempotency_key") or None
            return lambda uow: savings.deposit(uow, _actor(request), account_id, amount, idempotency_key=key, memo=data.get("memo", "").strip()[:100])

        return await self._operate(request, account_id, "setor", data, op, lambda r: f"Setoran Rp{_fmt(r['amount'])} ke {r['account_no']} dibukukan. Saldo Rp{_fmt(r['balance'])}.")

    @post("/{account_id:int}/tarik", guards=[requires("members.write")], status_code=200)
    async def withdraw(self, request: Request, account_id: FromPath[int], data: Form) -> Response[Any]:
        def op() -> Callable[[UnitOfWork], Awaitable[dict[str, Any]]]:
            amount, key = _money(data, "amount"), data.get("idempotency_key") or None
            return lambda uow: savings.withdraw(uow, _actor(request), account_id, amount, idempotency_key=key)

        def message(r: dict[str, Any]) -> str:
            if r.get("status") == "pending_approval":
                return f"Penarikan Rp{_fmt(r['amount'])} melebihi batas teller: menunggu persetujuan manajer (permintaan #{r['request_id']}). Uang belum dibayarkan."
            return f"Penarikan Rp{_fmt(r['amount'])} dari {r['account_no']} dibukukan. Saldo Rp{_fmt(r['balance'])}."

        return await self._operate(request, account_id, "tarik", data, op, message)

    @post("/{account_id:int}/pindah", guards=[requires("members.write")], status_code=200)
    async def transfer(self, request: Request, account_id: FromPath[int], data: Form) -> Response[Any]:
        to_no = data.get("to_account_no", "").strip()
        if not to_no:
            return await self._account(request, account_id, failed="pindah", form=data, errors={"to_account_no": "rekening tujuan wajib diisi / destination required"}, status=400)
        async with request.app.state.uow() as uow:
            dst = await _account_by_no(uow, _actor(request), to_no)
        if dst is None:
            return await self._account(request, account_id, failed="pindah", form=data, errors={"to_account_no": f"rekening {to_no} tidak ditemukan / account not found"}, status=404)

        def op() -> Callable[[UnitOfWork], Awaitable[dict[str, Any]]]:
            amount, key = _money(data, "amount"), data.get("idempotency_key") or None
            return lambda uow: savings.transfer(uow, _actor(request), account_id, dst.id, amount, idempotency_key=key)

        return await self._operate(request, account_id, "pindah", data, op, lambda r: f"Pemindahbukuan Rp{_fmt(r['amount'])} ke {dst.account_no} dibukukan. Saldo Rp{_fmt(r['balance'])}.")

    @post("/{account_id:int}/tutup", guards=[requires("members.write")], status_code=200)
    async def close(self, request: Request, account_id: FromPath[int], data: Form) -> Response[Any]:
        def op() -> Callable[[UnitOfWork], Awaitable[dict[str, Any]]]:
            if data.get("confirm") != "1":
                raise InvalidInput("centang konfirmasi penutupan rekening / tick the confirmation", field="confirm")
            key = data.get("idempotency_key") or None
            return lambda uow: savings.close_account(uow, _actor(request), account_id, idempotency_key=key)

        return await self._operate(request, account_id, "tutup", data, op, lambda r: f"Rekening {r['account_no']} ditutup; dibayarkan tunai Rp{_fmt(r['amount'])}.")

    @post("/{account_id:int}/cairkan", guards=[requires("members.write")], status_code=200)
    async def break_deposit(self, request: Request, account_id: FromPath[int], data: Form) -> Response[Any]:
        def op() -> Callable[[UnitOfWork], Awaitable[dict[str, Any]]]:
            to, key = _int(data, "to_account_id"), data.get("idempotency_key") or None
            return lambda uow: savings.break_deposit(uow, _actor(request), account_id, to_account_id=to, idempotency_key=key)

        return await self._operate(request, account_id, "cairkan", data, op, lambda r: f"Deposito {r['account_no']} dicairkan Rp{_fmt(r['amount'])}.")

    @post("/{account_id:int}/aktifkan", guards=[requires("members.deactivate")], status_code=200)
    async def reactivate(self, request: Request, account_id: FromPath[int]) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                await savings.reactivate(uow, _actor(request), account_id)
        except DomainError as exc:
            return await self._account(request, account_id, errors=form_errors(exc), status=exc.status)
        return _back(f"/tabungan/{account_id}", "Rekening diaktifkan kembali.")

    # ---- documents

    @get("/{account_id:int}/rekening-koran/pdf")
    async def statement_pdf(self, request: Request, account_id: FromPath[int], dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None) -> Response[bytes]:
        """Rekening koran for a period as a PDF (ties to the ledger: the lines are the account's postings)."""
        actor = _actor(request)
        through = sampai or _today(request)
        since = dari or through.replace(day=1)
        async with request.app.state.uow() as uow:
            acc, prod, member = await savings.get_account(uow, actor, account_id)
            opening, lines, closing = await savings.statement(uow, actor, account_id, since, through)
        totals = {"debit": sum((x.debit for x in lines), ZERO), "credit": sum((x.credit for x in lines), ZERO)}
        pdf = await render(
            request, "savings/statement_pdf.html", acc=acc, prod=prod, member=member, opening=opening, lines=lines, closing=closing, totals=totals,
            since=since, through=through, coop_name=_coop_name(request), printed_on=_today(request), kind_labels=KIND_LABELS, nisbah=Decimal(acc.nisbah_member_bps) / 100,
        )
        return _pdf(pdf, f"rekening-koran-{acc.account_no}-{since.isoformat()}-{through.isoformat()}.pdf")

    @get("/{account_id:int}/buku/pdf")
    async def passbook_pdf(self, request: Request, account_id: FromPath[int], mulai: FromQuery[int] = 1) -> Response[bytes]:
        """Passbook print: every posting since opening, numbered; ``mulai`` prints from that line on."""
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            acc, prod, member = await savings.get_account(uow, actor, account_id)
            _, lines, _ = await savings.statement(uow, actor, account_id, acc.opened_on, max(_today(request), acc.opened_on))
            ids = {x.entry_id for x in lines}
            sources = dict((await uow.session.execute(select(JournalEntry.id, JournalEntry.source).where(JournalEntry.cooperative_id == actor.coop, JournalEntry.id.in_(ids)))).tuples().all()) if ids else {}
        rows = [(n, x, passbook_code(sources.get(x.entry_id, ""))) for n, x in enumerate(lines, start=1) if n >= mulai]
        pdf = await render(request, "savings/passbook_pdf.html", acc=acc, prod=prod, member=member, rows=rows, legend=PASSBOOK_LEGEND, coop_name=_coop_name(request), printed_on=_today(request), kind_labels=KIND_LABELS)
        return _pdf(pdf, f"buku-tabungan-{acc.account_no}.pdf")

    @get("/bukti/{entry_id:int}/pdf")
    async def receipt(self, request: Request, entry_id: FromPath[int]) -> Response[bytes]:
        """The teller's slip for a posting, with the amount in words (same template as the API's)."""
        async with request.app.state.uow() as uow:
            header, lines = await ledger.load_entry(uow, _actor(request).coop, entry_id)
        total = sum((ln.amount for ln, _ in lines if ln.amount > 0), Decimal(0))
        pdf = await render(request, "savings/receipt_pdf.html", entry=header, lines=lines, total=total, coop_name=_coop_name(request), teller=_actor(request))
        return _pdf(pdf, f"bukti-{entry_id}.pdf")


def passbook_code(source: str) -> str:
    """The passbook's transaction code for a journal entry's source ("savings:12:deposit" -> "ST")."""
    if source.startswith("reversal"):
        return "KR"
    parts = source.split(":")
    if parts[0] == "savings" and len(parts) >= 3:
        return PASSBOOK_CODES.get(parts[2], "LN")
    return "BH" if "profit" in source or "bagi" in source else "LN"


def _percent(text: str) -> Decimal:
    """A percentage as typed ("30", "32,5", "30%"); empty is zero (a wadiah product has no nisbah)."""
    raw = text.strip().replace(",", ".").removesuffix("%").strip()
    if not raw:
        return ZERO
    try:
        value = Decimal(raw)
    except ArithmeticError:
        raise InvalidInput("nisbah harus angka persen, misalnya 30 / nisbah must be a percent", field="nisbah_member_percent") from None
    if not value.is_finite():
        raise InvalidInput("nisbah harus angka persen / nisbah must be a percent", field="nisbah_member_percent")
    return value

