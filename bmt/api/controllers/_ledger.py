"""The ledger: chart of accounts, manual entries with maker–checker, reversals, journal, trial balance (+PDF)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from bmt.api import documents
from bmt.api.pages import form_date, form_errors, page
from bmt.api.schemas._platform import (
    AccountCreate,
    AccountRead,
    AccountRename,
    DraftCreate,
    DraftRead,
    EntryId,
    EntryRead,
    GeneralLedger,
    LedgerLineRead,
    Reason,
    TrialBalance,
    TrialBalanceLine,
)
from bmt.api.security import logged_in, requires
from bmt.errors import DomainError, InvalidInput
from bmt.ledger.checks import totals
from bmt.money import ZERO, money_str, rupiah
from bmt.persistence.models import GlAccount, JournalDraft
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.services import journal, ledger, platform
from bmt.services.uow import Actor

Form = URLEncodedBody[dict[str, str]]


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _draft_read(d: JournalDraft) -> DraftRead:
    return DraftRead(d.id, d.status, d.value_date, d.description, d.book, d.maker_id, d.checker_id, d.entry_id, journal.draft_lines(d))


async def _trial_balance(request: Request, as_of: date, book: str | None) -> TrialBalance:
    actor = _actor(request)
    async with request.app.state.uow() as uow:
        rows = await ledger.trial_balance_rows(uow, actor.coop, through=as_of, book=book)
    d, c = totals(rows)
    return TrialBalance(as_of, [TrialBalanceLine(r.code, r.name, r.kind.value, r.book, money_str(r.debit), money_str(r.credit)) for r in rows], money_str(d), money_str(c))


class LedgerApi(Controller):
    path = "/api/v1/ledger"
    tags = ["ledger"]
    guards = [logged_in, requires("ledger.read")]

    @get("/accounts")
    async def accounts(self, request: Request) -> list[AccountRead]:
        """The cooperative's chart of accounts (Baitul Tamwil and Baitul Maal books)."""
        async with request.app.state.uow() as uow:
            rows = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == _actor(request).coop).order_by(GlAccount.code))).scalars()
            return [AccountRead(a.code, a.name, a.kind, a.book, a.key, a.parent_code, a.system) for a in rows]

    @post("/accounts", guards=[requires("chart.edit")], status_code=201)
    async def add_account(self, request: Request, data: JSONBody[AccountCreate]) -> AccountRead:
        """Add a sub-account under a parent; it inherits the parent's type and book."""
        async with request.app.state.uow() as uow:
            await platform.add_account(uow, _actor(request), platform.AccountEdit(data.code, data.name, parent_code=data.parent_code))
            a = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == _actor(request).coop, GlAccount.code == data.code))).scalar_one()
            return AccountRead(a.code, a.name, a.kind, a.book, a.key, a.parent_code, a.system)

    @patch("/accounts/{code:str}", guards=[requires("chart.edit")])
    async def rename_account(self, request: Request, code: FromPath[str], data: JSONBody[AccountRename]) -> dict[str, str]:
        """Rename an account (its type, book and key never change)."""
        async with request.app.state.uow() as uow:
            await platform.rename_account(uow, _actor(request), code, data.name)
        return {"code": code, "name": data.name.strip()}

    @get("/trial-balance")
    async def trial_balance(self, request: Request, as_of: FromQuery[date | None] = None, book: FromQuery[str | None] = None) -> TrialBalance:
        """Trial balance through ``as_of`` (default today); Σ debit = Σ credit."""
        return await _trial_balance(request, as_of or _today(request), book)

    @get("/general-ledger/{code:str}")
    async def general_ledger(self, request: Request, code: FromPath[str], since: FromQuery[date], through: FromQuery[date]) -> GeneralLedger:
        """One account's lines between two dates with the running balance (debit positive)."""
        if through < since:
            raise InvalidInput("tanggal akhir sebelum tanggal awal / through before since")
        async with request.app.state.uow() as uow:
            ref, opening, lines = await ledger.general_ledger(uow, _actor(request).coop, code, since, through)
        return GeneralLedger(ref.code, ref.name, money_str(opening) if opening >= 0 else "-" + money_str(-opening), [LedgerLineRead(x.entry_id, x.value_date, x.description, money_str(x.debit), money_str(x.credit), str(x.balance)) for x in lines])

    @get("/entries/{entry_id:int}")
    async def get_entry(self, request: Request, entry_id: FromPath[int]) -> EntryRead:
        """One journal entry with debit and credit lines."""
        async with request.app.state.uow() as uow:
            h, lines = await ledger.load_entry(uow, _actor(request).coop, entry_id)
        return EntryRead(h.id, h.value_date, h.book, h.description, h.source, h.maker_id, h.checker_id, h.reverses_id, [{"account": a.code, "name": a.name, "debit": money_str(ln.amount) if ln.amount > 0 else "0", "credit": money_str(-ln.amount) if ln.amount < 0 else "0", "subledger": ln.subledger or ""} for ln, a in lines])

    @post("/drafts", guards=[requires("ledger.propose")], status_code=201)
    async def propose(self, request: Request, data: JSONBody[DraftCreate]) -> DraftRead:
        """Propose a manual entry; it is posted only when another person approves it."""
        cmd = journal.ProposeEntry(data.value_date, data.description, tuple(journal.DraftLine(x.account, x.debit, x.credit, x.memo) for x in data.lines), data.book)
        async with request.app.state.uow() as uow:
            did = await journal.propose(uow, _actor(request), cmd)
            d = await uow.session.get(JournalDraft, did)
            return _draft_read(d)

    @get("/drafts")
    async def drafts(self, request: Request, status: FromQuery[str | None] = "pending") -> list[DraftRead]:
        async with request.app.state.uow() as uow:
            return [_draft_read(d) for d in await journal.drafts(uow, _actor(request), status)]

    @post("/drafts/{draft_id:int}/approve", guards=[requires("ledger.approve")], status_code=200)
    async def approve(self, request: Request, draft_id: FromPath[int]) -> EntryId:
        """Approve and post a draft (the maker cannot approve their own)."""
        async with request.app.state.uow() as uow:
            return EntryId(await journal.approve(uow, _actor(request), draft_id))

    @post("/drafts/{draft_id:int}/reject", guards=[requires("ledger.approve")], status_code=200)
    async def reject(self, request: Request, draft_id: FromPath[int], data: JSONBody[Reason]) -> dict[str, str]:
        async with request.app.state.uow() as uow:
            await journal.reject(uow, _actor(request), draft_id, data.reason)
        return {"status": "rejected"}

    @post("/entries/{entry_id:int}/reverse", guards=[requires("ledger.approve")], status_code=201)
    async def reverse(self, request: Request, entry_id: FromPath[int], data: JSONBody[Reason]) -> EntryId:
        """Post the reversal of an entry (the only correction the ledger allows)."""
        async with request.app.state.uow() as uow:
            return EntryId(await ledger.reverse_entry(uow, _actor(request), entry_id, data.reason, data.value_date or _today(request)))


class LedgerPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [requires("ledger.read")]

    @get("/jurnal")
    async def journal_list(self, request: Request, offset: FromQuery[int] = 0) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            q = select(EntryRow).where(EntryRow.cooperative_id == actor.coop).order_by(EntryRow.id.desc()).limit(50).offset(max(0, offset))
            entries = list((await uow.session.execute(q)).scalars())
            details = {e.id: (await ledger.load_entry(uow, actor.coop, e.id))[1] for e in entries}
        return page(request, "ledger/journal.html", entries=entries, details=details, offset=offset)

    @get("/jurnal/baru", guards=[requires("ledger.propose")])
    async def new_entry(self, request: Request) -> Template:
        return await self._form(request, {"value_date": _today(request).isoformat()}, {})

    async def _form(self, request: Request, form: dict, errors: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            accounts = list((await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == _actor(request).coop).order_by(GlAccount.code))).scalars())
        return page(request, "ledger/new_entry.html", status=status, form=form, errors=errors, accounts=accounts, rows=range(6))

    @post("/jurnal/baru", guards=[requires("ledger.propose")], status_code=200)
    async def propose(self, request: Request, data: Form) -> Response[Any]:
        try:
            lines = []
            for i in range(6):
                acc = data.get(f"account_{i}", "").strip()
                d, c = data.get(f"debit_{i}", "").strip(), data.get(f"credit_{i}", "").strip()
                if not acc and not d and not c:
                    continue
                lines.append(journal.DraftLine(acc, rupiah(d) if d else ZERO, rupiah(c) if c else ZERO, data.get(f"memo_{i}", "")))
            cmd = journal.ProposeEntry(form_date(data.get("value_date"), "value_date"), data.get("description", ""), tuple(lines), data.get("book", "tamwil"))
            async with request.app.state.uow() as uow:
                did = await journal.propose(uow, _actor(request), cmd)
        except DomainError as exc:
            return await self._form(request, data, form_errors(exc), 422)
        return Redirect(f"/jurnal/draf?pesan=Draf jurnal #{did} menunggu persetujuan.")

    @get("/jurnal/draf")
    async def drafts(self, request: Request) -> Template:
        async with request.app.state.uow() as uow:
            rows = await journal.drafts(uow, _actor(request), "pending")
        return page(request, "ledger/drafts.html", drafts=[(d, journal.draft_lines(d)) for d in rows], errors={})

    @post("/jurnal/draf/{draft_id:int}/setujui", guards=[requires("ledger.approve")], status_code=200)
    async def approve(self, request: Request, draft_id: FromPath[int]) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                eid = await journal.approve(uow, _actor(request), draft_id)
        except DomainError as exc:
            async with request.app.state.uow() as uow:
                rows = await journal.drafts(uow, _actor(request), "pending")
            return page(request, "ledger/drafts.html", status=exc.status, drafts=[(d, journal.draft_lines(d)) for d in rows], errors=form_errors(exc))
        return Redirect(f"/jurnal?pesan=Jurnal #{eid} dibukukan.")

    @post("/jurnal/draf/{draft_id:int}/tolak", guards=[requires("ledger.approve")], status_code=200)
    async def reject(self, request: Request, draft_id: FromPath[int], data: Form) -> Response[Any]:
        try:
            async with request.app.state.uow() as uow:
                await journal.reject(uow, _actor(request), draft_id, data.get("note", ""))
        except DomainError as exc:
            async with request.app.state.uow() as uow:
                rows = await journal.drafts(uow, _actor(request), "pending")
            return page(request, "ledger/drafts.html", status=exc.status, drafts=[(d, journal.draft_lines(d)) for d in rows], errors=form_errors(exc))
        return Redirect("/jurnal/draf?pesan=Draf ditolak.")

    @get("/neraca-saldo")
    async def trial_balance(self, request: Request, as_of: FromQuery[date | None] = None) -> Template:
        tb = await _trial_balance(request, as_of or _today(request), None)
        return page(request, "ledger/trial_balance.html", tb=tb, as_of=tb.as_of, decimal=Decimal)

    @get("/neraca-saldo.pdf")
    async def trial_balance_pdf(self, request: Request, as_of: FromQuery[date | None] = None) -> Response[bytes]:
        tb = await _trial_balance(request, as_of or _today(request), None)
        coop = request.app.state.coop_names.get(_actor(request).coop, "")
        pdf = await documents.render(request, "ledger/trial_balance_pdf.html", tb=tb, as_of=tb.as_of, coop_name=coop, decimal=Decimal)
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="neraca-saldo-{tb.as_of.isoformat()}.pdf"'})

    @get("/buku-besar")
    async def general_ledger(self, request: Request, akun: FromQuery[str] = "1101", dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None) -> Template:
        through = sampai or _today(request)
        since = dari or through.replace(day=1)
        async with request.app.state.uow() as uow:
            ref, opening, lines = await ledger.general_ledger(uow, _actor(request).coop, akun, since, through)
        return page(request, "ledger/general_ledger.html", ref=ref, opening=opening, lines=lines, since=since, through=through)
