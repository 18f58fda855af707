"""The Baitul Maal's screens (``/baitul-maal``): the overview of every fund, receiving zakat and infak at the
counter with its printed proof, muzakki (with their haul), mustahik, proposals and their approval, restricted
funds, statements (screen and PDF), the cooperative's own zakat and the settings.

A posting form redirects (303) to the page that shows its result; a refused one re-renders with the reason.
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

from bmt.api.controllers._maal import READ, receipt_pdf, teller_name
from bmt.api.documents import render
from bmt.api.pages import form_date, form_errors, page
from bmt.api.security import requires
from bmt.auth.roles import can
from bmt.errors import DomainError, InvalidInput, NotFound
from bmt.money import ZERO, rupiah
from bmt.persistence.models_maal import MaalDonor
from bmt.reports.formatting import format_rupiah
from bmt.services import maal, maal_collect, maal_disburse, maal_reports, maal_zakat, members, savings
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import ASNAF_LABELS_ID, Asnaf, Fund

Form = URLEncodedBody[dict[str, str]]
BASE = "/baitul-maal"
TABS = (
    ("", "Ringkasan", ("maal.collect", "maal.distribute", "ledger.read")),
    ("/terima", "Terima ZIS", ("maal.collect",)),
    ("/muzakki", "Muzakki", ("maal.collect",)),
    ("/mustahik", "Mustahik", ("maal.distribute",)),
    ("/penyaluran", "Penyaluran", ("maal.distribute",)),
    ("/dana-terikat", "Dana terikat", ("maal.collect", "maal.distribute", "ledger.read")),
    ("/laporan", "Laporan", ("ledger.read",)),
    ("/zakat-koperasi", "Zakat koperasi", ("maal.distribute",)),
    ("/pengaturan", "Pengaturan", ("maal.approve", "zakat.nisab")),
)
REPORTS = {"dana": "Laporan perubahan dana", "kebajikan": "Laporan sumber dan penggunaan dana kebajikan", "asnaf": "Penyaluran zakat per asnaf", "terikat": "Laporan dana terikat"}
ZAKAT_OPTIONS = [("maal", "Zakat maal"), ("penghasilan", "Zakat penghasilan"), ("perdagangan", "Zakat perdagangan"), ("fitrah", "Zakat fitrah"), ("lainnya", "Lainnya")]
MUSTAHIK_ASNAF = [(a.value, ASNAF_LABELS_ID[a]) for a in Asnaf if a is not Asnaf.AMIL]
SPEND_FUNDS = [(Fund.INFAQ.value, "Infak/sedekah tidak terikat"), (Fund.INFAQ_RESTRICTED.value, "Dana terikat"), (Fund.AMIL.value, "Dana amil"), (Fund.NONHALAL.value, "Dana nonhalal"), (Fund.KEBAJIKAN.value, "Dana kebajikan")]


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


def _fmt(amount: Decimal | str) -> str:
    return format_rupiah(Decimal(str(amount)))


def _back(path: str, message: str) -> Redirect:
    return Redirect(f"{path}?{urlencode({'pesan': message})}", status_code=303)


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


def _int(data: dict[str, str], name: str) -> int | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput("pilihan tidak valid / invalid choice", field=name)
    return int(raw)


def _view(request: Request, template: str, *, status: int = 200, **ctx: Any) -> Template:
    """A Baitul Maal page: the layout's context, the section's tabs, and what the actor may do."""
    actor = _actor(request)
    tabs = [(BASE + href, label) for href, label, perms in TABS if any(can(actor.role, p) for p in perms)]
    may = {p: can(actor.role, p) for p in ("maal.collect", "maal.distribute", "maal.approve", "zakat.nisab")}
    return page(request, template, status=status, tabs=tabs, may=may, today=_today(request), base=BASE, fmt=_fmt, **ctx)


async def _attempt(request: Request, action: Callable[[UnitOfWork], Awaitable[Any]], retry: Callable[[dict, int], Awaitable[Template]], data: dict) -> tuple[Any, Template | None]:
    """Run a posting in one unit of work; on a refusal, the page to show again (with the reason)."""
    try:
        async with request.app.state.uow() as uow:
            return await action(uow), None
    except DomainError as exc:
        kept = {k: v for k, v in data.items() if k not in ("_csrf_token", "idempotency_key")}
        return None, await retry({"form": kept, "errors": form_errors(exc)}, exc.status)


class MaalPages(Controller):
    """Every Baitul Maal screen."""

    path = BASE
    include_in_schema = False
    guards = [READ]

    # ---- overview

    @get("/")
    async def overview(self, request: Request) -> Template:
        return await self._overview(request, {})

    async def _overview(self, request: Request, extra: dict, status: int = 200) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            x = await maal.summary(uow, actor)
            recent = await maal_collect.receipts(uow, actor, limit=8)
        return _view(request, "maal/overview.html", status=status, s=x, recent=recent, form=extra.get("form", {}), errors=extra.get("errors", {}), kind_labels=maal_collect.KIND_LABELS)

    @post("/amil", guards=[requires("maal.distribute")], status_code=200)
    async def allocate_amil(self, request: Request, data: Form) -> Response[Any]:
        source = data.get("source_fund", Fund.ZAKAT.value)
        done, again = await _attempt(request, lambda uow: maal.allocate_amil(uow, _actor(request), _money(data, "amount"), source_fund=source, note=data.get("note", "")), lambda e, st: self._overview(request, e, st), data)
        return again or _back(BASE, f"Bagian amil dialokasikan dari {'zakat' if source == Fund.ZAKAT.value else 'infak/sedekah'} (jurnal #{done}).")

    @post("/setor", guards=[requires("maal.distribute")], status_code=200)
    async def settle(self, request: Request, data: Form) -> Response[Any]:
        into = data.get("into", "maal_cash")
        done, again = await _attempt(request, lambda uow: maal.settle_from_tamwil(uow, _actor(request), _money(data, "amount", required=False), into=into), lambda e, st: self._overview(request, e, st), data)
        return again or _back(BASE, f"Dana dari Baitul Tamwil diterima ke {'kas' if into == 'maal_cash' else 'bank'} Baitul Maal (jurnal #{done[1]}).")

    @post("/nonhalal", guards=[requires("maal.distribute")], status_code=200)
    async def nonhalal(self, request: Request, data: Form) -> Response[Any]:
        done, again = await _attempt(request, lambda uow: maal.receive_nonhalal_income(uow, _actor(request), _money(data, "amount"), data.get("kind", "bank_interest"), note=data.get("note", "")), lambda e, st: self._overview(request, e, st), data)
        return again or _back(BASE, f"Penerimaan nonhalal dibukukan ke dana sosial, bukan pendapatan (jurnal #{done}).")

    # ---- receiving zakat and infak

    @get("/terima", guards=[requires("maal.collect")])
    async def receive_form(self, request: Request, q: FromQuery[str] = "", anggota: FromQuery[int | None] = None, donatur: FromQuery[int | None] = None) -> Template:
        form = {"member_id": str(anggota or ""), "donor_id": str(donatur or ""), "kind": "zakat", "zakat_type": "maal", "channel": "cash"}
        return await self._receive(request, q, {"form": form, "errors": {}})

    async def _receive(self, request: Request, q: str, state: dict, status: int = 200) -> Template:
        actor, form = _actor(request), state["form"]
        found_members, found_donors, donor, member, accounts = [], [], None, None, []
        async with request.app.state.uow() as uow:
            if q.strip():
                found_members = (await members.search(uow, actor, q, limit=8))[0] if can(actor.role, "members.read") else []
                found_donors = await maal_collect.search_donors(uow, actor, q, limit=8)
            if form.get("donor_id"):
                donor = await maal_collect.get_donor(uow, actor, int(form["donor_id"]))
                member = await members.get(uow, actor, donor.member_id) if donor.member_id else None
            elif form.get("member_id"):
                member = await members.get(uow, actor, int(form["member_id"]))
            if member is not None:
                accounts = [(a, p) for a, p in await savings.accounts_of_member(uow, actor, member.id) if p.kind != "deposito" and a.status == "active"]
            funds = await maal.restricted_funds(uow, actor.coop, active_only=True)
            drawer_open = await _drawer_open(uow, actor)
        channels = [(k, v) for k, v in maal_collect.CHANNEL_LABELS.items() if k != "savings" or accounts]
        if not can(actor.role, "maal.distribute"):
            channels = [(k, v) for k, v in channels if k in ("cash", "savings")]
        return _view(
            request, "maal/receive.html", status=status, q=q, found_members=found_members, found_donors=found_donors, donor=donor, member=member, accounts=accounts,
            funds=funds, channels=channels, drawer_open=drawer_open, zakat_options=ZAKAT_OPTIONS, kind_labels=maal_collect.KIND_LABELS,
            fund_options=[(f.purpose, f.name) for f in funds], account_options=[(a.id, f"{a.account_no} — {p.name} (saldo {_fmt(a.balance)})") for a, p in accounts],
            key=form.get("idempotency_key") or secrets.token_hex(8), **state,
        )

    @post("/terima", guards=[requires("maal.collect")], status_code=200)
    async def receive(self, request: Request, data: Form) -> Response[Any]:
        actor = _actor(request)

        async def action(uow: UnitOfWork) -> int:
            if (seen := await maal_collect.receipt_for_key(uow, actor, data.get("idempotency_key"))) is not None:
                return seen
            donor_id = _int(data, "donor_id")
            if donor_id is None:
                new = maal_collect.NewDonor(data.get("name", ""), _int(data, "member_id"), data.get("npwp", ""), data.get("nik", ""), data.get("address", ""), data.get("phone", ""))
                donor_id = (await maal_collect.add_donor(uow, actor, new)).id
            cmd = maal_collect.NewReceipt(
                donor_id, data.get("kind", ""), _money(data, "amount"), data.get("channel", "cash"), data.get("zakat_type", ""),
                data.get("purpose") or None, _int(data, "savings_account_id"), data.get("note", ""),
            )
            return (await maal_collect.receive(uow, actor, cmd, idempotency_key=data.get("idempotency_key") or None)).id

        rid, again = await _attempt(request, action, lambda e, st: self._receive(request, "", e, st), data)
        return again or Redirect(f"{BASE}/penerimaan/{rid}", status_code=303)

    @get("/penerimaan/{receipt_id:int}")
    async def receipt(self, request: Request, receipt_id: FromPath[int]) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            r = await maal_collect.get_receipt(uow, actor, receipt_id)
            donor = await maal_collect.get_donor(uow, actor, r.donor_id)
            officer = await teller_name(uow, actor, r.received_by)
        return _view(request, "maal/receipt.html", r=r, donor=donor, officer=officer, kind_labels=maal_collect.KIND_LABELS, channel_labels=maal_collect.CHANNEL_LABELS)

    @get("/penerimaan/{receipt_id:int}/pdf")
    async def receipt_pdf(self, request: Request, receipt_id: FromPath[int]) -> Response[bytes]:
        return await receipt_pdf(request, receipt_id)

    # ---- muzakki and donors

    @get("/muzakki", guards=[requires("maal.collect")])
    async def donors(self, request: Request, q: FromQuery[str] = "") -> Template:
        return await self._donors(request, q, {"form": {}, "errors": {}})

    async def _donors(self, request: Request, q: str, state: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            rows = await maal_collect.search_donors(uow, _actor(request), q, limit=100)
        hauls = {d.id: maal_zakat.haul_of(d.wealth_start, _today(request)) for d in rows if d.wealth_start}
        return _view(request, "maal/donors.html", status=status, q=q, rows=rows, hauls=hauls, npwp=maal_collect.format_npwp, **state)

    @post("/muzakki", guards=[requires("maal.collect")], status_code=200)
    async def add_donor(self, request: Request, data: Form) -> Response[Any]:
        async def action(uow: UnitOfWork) -> MaalDonor:
            start = form_date(data.get("wealth_start"), "wealth_start", required=False)
            return await maal_collect.add_donor(uow, _actor(request), maal_collect.NewDonor(data.get("name", ""), None, data.get("npwp", ""), data.get("nik", ""), data.get("address", ""), data.get("phone", ""), start))

        d, again = await _attempt(request, action, lambda e, st: self._donors(request, "", e, st), data)
        return again or _back(f"{BASE}/muzakki/{d.id}", f"{d.name} terdaftar sebagai muzakki/donatur.")

    @get("/muzakki/{donor_id:int}", guards=[requires("maal.collect")])
    async def donor(self, request: Request, donor_id: FromPath[int]) -> Template:
        return await self._donor(request, donor_id, {"form": {}, "errors": {}})

    async def _donor(self, request: Request, donor_id: int, state: dict, status: int = 200) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            d = await maal_collect.get_donor(uow, actor, donor_id)
            member = await members.get(uow, actor, d.member_id) if d.member_id else None
            rows = await maal_collect.receipts(uow, actor, donor_id=d.id, limit=200)
        haul = maal_zakat.haul_of(d.wealth_start, _today(request)) if d.wealth_start else None
        total = sum((r.amount for r, _ in rows if r.kind == "zakat"), ZERO)
        return _view(request, "maal/donor.html", status=status, d=d, member=member, rows=rows, haul=haul, zakat_total=total, npwp=maal_collect.format_npwp(d.npwp), kind_labels=maal_collect.KIND_LABELS, **state)

    @post("/muzakki/{donor_id:int}", guards=[requires("maal.collect")], status_code=200)
    async def update_donor(self, request: Request, donor_id: FromPath[int], data: Form) -> Response[Any]:
        async def action(uow: UnitOfWork) -> MaalDonor:
            start = form_date(data.get("wealth_start"), "wealth_start", required=False)
            return await maal_collect.update_donor(uow, _actor(request), donor_id, npwp=data.get("npwp"), wealth_start=start, clear_wealth_start=start is None)

        _, again = await _attempt(request, action, lambda e, st: self._donor(request, donor_id, e, st), data)
        return again or _back(f"{BASE}/muzakki/{donor_id}", "Data muzakki disimpan.")

    # ---- mustahik

    @get("/mustahik", guards=[requires("maal.distribute")])
    async def mustahik(self, request: Request, asnaf: FromQuery[str] = "") -> Template:
        return await self._mustahik(request, asnaf, {"form": {}, "errors": {}})

    async def _mustahik(self, request: Request, asnaf: str, state: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            rows = await maal_collect.list_mustahik(uow, _actor(request), asnaf=asnaf or None)
        return _view(request, "maal/mustahik.html", status=status, rows=rows, asnaf=asnaf, asnaf_options=MUSTAHIK_ASNAF, label=maal_reports.asnaf_label, **state)

    @post("/mustahik", guards=[requires("maal.distribute")], status_code=200)
    async def add_mustahik(self, request: Request, data: Form) -> Response[Any]:
        cmd = maal_collect.NewMustahik(data.get("name", ""), data.get("asnaf", ""), None, data.get("nik", ""), data.get("address", ""), data.get("phone", ""), data.get("notes", ""))
        m, again = await _attempt(request, lambda uow: maal_collect.add_mustahik(uow, _actor(request), cmd), lambda e, st: self._mustahik(request, "", e, st), data)
        return again or _back(f"{BASE}/mustahik", f"{m.name} terdaftar sebagai mustahik ({maal_reports.asnaf_label(m.asnaf).lower()}).")

    # ---- proposals, approval, qardhul hasan

    @get("/penyaluran", guards=[requires("maal.distribute")])
    async def disbursements(self, request: Request) -> Template:
        return await self._disbursements(request, {"form": {"kind": "zakat", "paid_from": "maal_cash"}, "errors": {}})

    async def _disbursements(self, request: Request, state: dict, status: int = 200) -> Template:
        actor = _actor(request)
        async with request.app.state.uow() as uow:
            rows = await maal_disburse.proposals(uow, actor, limit=200)
            people = await maal_collect.list_mustahik(uow, actor)
            funds = await maal.restricted_funds(uow, actor.coop, active_only=True)
            owed = {d.id: await maal_disburse.qh_outstanding(uow, actor, d) for d in rows if d.kind == "qardhul_hasan"}
            x = await maal.summary(uow, actor)
        return _view(
            request, "maal/disbursements.html", status=status, pending=[d for d in rows if d.status == "proposed"], done=[d for d in rows if d.status != "proposed"],
            loans=[d for d in rows if d.kind == "qardhul_hasan" and d.status in ("paid", "settled")], owed=owed, people=people, funds=funds, s=x,
            spend_funds=SPEND_FUNDS, funds_options=[(f.purpose, f.name) for f in funds], fund_names={f.purpose: f.name for f in funds}, fund_labels=maal.FUND_LABELS, uses=maal_disburse.USE_LABELS, kinds=maal_disburse.KIND_LABELS, statuses=maal_disburse.STATUS_LABELS, label=maal_reports.asnaf_label, **state,
        )

    @post("/penyaluran", guards=[requires("maal.distribute")], status_code=200)
    async def propose(self, request: Request, data: Form) -> Response[Any]:
        async def action(uow: UnitOfWork) -> Any:
            account_id = None
            if (no := data.get("savings_account_no", "").strip()):
                account_id = await _account_id(uow, _actor(request), no)
            p = maal_disburse.Proposal(
                kind=data.get("kind", ""), amount=_money(data, "amount"), fund=data.get("fund") or Fund.INFAQ.value, purpose=data.get("purpose") or None,
                use=data.get("use", ""), mustahik_id=_int(data, "mustahik_id"), asnaf=data.get("asnaf") or None, beneficiary=data.get("beneficiary", ""),
                paid_from=data.get("paid_from", "maal_cash"), savings_account_id=account_id, description=data.get("description", ""),
            )
            return await maal_disburse.propose(uow, _actor(request), p)

        d, again = await _attempt(request, action, lambda e, st: self._disbursements(request, e, st), data)
        return again or _back(f"{BASE}/penyaluran", f"Usulan {d.proposal_no} ({_fmt(d.amount)} untuk {d.beneficiary}) menunggu persetujuan.")

    @post("/penyaluran/{disbursement_id:int}/{action:str}", status_code=200)
    async def decide(self, request: Request, disbursement_id: FromPath[int], action: FromPath[str], data: Form) -> Response[Any]:
        """setujui | tolak (a checker), kembali (a qardhul hasan repayment), bebaskan (forgive the rest)."""
        actor = _actor(request)
        ops = {
            "setujui": lambda uow: maal_disburse.approve(uow, actor, disbursement_id, data.get("note", "")),
            "tolak": lambda uow: maal_disburse.reject(uow, actor, disbursement_id, data.get("note", "")),
            "kembali": lambda uow: maal_disburse.repay_qardhul_hasan(uow, actor, disbursement_id, _money(data, "amount"), received_in=data.get("received_in", "maal_cash")),
            "bebaskan": lambda uow: maal_disburse.forgive_qardhul_hasan(uow, actor, disbursement_id, reason=data.get("note", "")),
        }
        if action not in ops:
            raise NotFound("tindakan tidak dikenal / unknown action")
        _, again = await _attempt(request, ops[action], lambda e, st: self._disbursements(request, e, st), data)
        words = {"setujui": "disetujui dan dibayarkan", "tolak": "ditolak", "kembali": "— pengembalian dibukukan", "bebaskan": "— sisa pinjaman dibebaskan"}
        return again or _back(f"{BASE}/penyaluran", f"Usulan #{disbursement_id} {words[action]}.")

    # ---- restricted funds

    @get("/dana-terikat")
    async def funds(self, request: Request) -> Template:
        return await self._funds(request, {"form": {}, "errors": {}})

    async def _funds(self, request: Request, state: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            x = await maal.summary(uow, _actor(request))
            rows = await maal.restricted_funds(uow, _actor(request).coop)
        balances = {f.purpose: f.balance for f in x.restricted}
        return _view(request, "maal/funds.html", status=status, rows=rows, balances=balances, **state)

    @post("/dana-terikat", guards=[requires("maal.distribute")], status_code=200)
    async def open_fund(self, request: Request, data: Form) -> Response[Any]:
        f, again = await _attempt(request, lambda uow: maal_collect.open_restricted_fund(uow, _actor(request), data.get("purpose") or data.get("name", ""), data.get("name", ""), data.get("description", "")), lambda e, st: self._funds(request, e, st), data)
        return again or _back(f"{BASE}/dana-terikat", f"Dana terikat \u201c{f.name}\u201d dibuka.")

    # ---- statements

    @get("/laporan", guards=[requires("ledger.read")])
    async def reports(self, request: Request, jenis: FromQuery[str] = "dana", dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None, dana: FromQuery[str] = "") -> Template:
        ctx = await _statement(request, jenis, dari, sampai, dana)
        return _view(request, "maal/reports.html", reports=REPORTS, **ctx)

    @get("/laporan/pdf", guards=[requires("ledger.read")])
    async def report_pdf(self, request: Request, jenis: FromQuery[str] = "dana", dari: FromQuery[date | None] = None, sampai: FromQuery[date | None] = None, dana: FromQuery[str] = "") -> Response[bytes]:
        ctx = await _statement(request, jenis, dari, sampai, dana)
        async with request.app.state.uow() as uow:
            coop = await maal.cooperative(uow, _actor(request).coop)
        pdf = await render(request, "maal/report_pdf.html", title=REPORTS.get(jenis, ""), coop_name=coop.name, coop_address=coop.address, printed_on=_today(request), fmt=_fmt, **ctx)
        return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="baitul-maal-{jenis}-{ctx["since"]}-{ctx["through"]}.pdf"'})

    # ---- the cooperative's own zakat

    @get("/zakat-koperasi", guards=[requires("maal.distribute")])
    async def coop_zakat(self, request: Request, tahun: FromQuery[int | None] = None, metode: FromQuery[str] = "", emas: FromQuery[str] = "") -> Template:
        return await self._coop_zakat(request, tahun, {"form": {"method": metode, "gold_price": emas}, "errors": {}})

    async def _coop_zakat(self, request: Request, year: int | None, state: dict, status: int = 200) -> Template:
        year = year or _today(request).year
        form, preview, errors = state["form"], None, dict(state["errors"])
        try:
            gold = _money(form, "gold_price", required=False)
            async with request.app.state.uow() as uow:
                preview = await maal_zakat.preview_coop_zakat(uow, _actor(request), year, gold_price=gold, method=form.get("method") or None)
        except DomainError as exc:
            errors = errors or form_errors(exc)
            status = status if status != 200 else exc.status
        return _view(request, "maal/coop_zakat.html", status=status, year=year, p=preview, form=form, errors=errors)

    @post("/zakat-koperasi", guards=[requires("maal.approve")], status_code=200)
    async def post_coop_zakat(self, request: Request, data: Form) -> Response[Any]:
        year = _int(data, "year") or _today(request).year
        row, again = await _attempt(request, lambda uow: maal_zakat.post_coop_zakat(uow, _actor(request), year, gold_price=_money(data, "gold_price", required=False), method=data.get("method") or None), lambda e, st: self._coop_zakat(request, year, e, st), data)
        return again or _back(f"{BASE}/zakat-koperasi", f"Zakat koperasi tahun {year} sebesar {_fmt(row.zakat_due)} dibukukan ke dana zakat.")

    # ---- settings and nisab years

    @get("/pengaturan", guards=[requires("maal.approve", "zakat.nisab")])
    async def settings_page(self, request: Request) -> Template:
        return await self._settings(request, {"form": {}, "errors": {}})

    async def _settings(self, request: Request, state: dict, status: int = 200) -> Template:
        async with request.app.state.uow() as uow:
            current = await maal.settings(uow, _actor(request).coop)
            added = {r.year: r for r in await maal_zakat.added_nisab_years(uow)}
            table = await maal_zakat.income_nisab_table(uow)
        form = state["form"] or {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in current.to_json().items()}
        return _view(request, "maal/settings.html", status=status, current=current, years=sorted(table.items()), added=added, form=form, errors=state["errors"])

    @post("/pengaturan", guards=[requires("maal.approve")], status_code=200)
    async def save_settings(self, request: Request, data: Form) -> Response[Any]:
        raw = {k: data[k] for k in ("amil_cap_percent", "collect_only_cap_percent", "infaq_amil_cap_percent", "tazir_fund", "bank_interest_fund", "coop_zakat_method", "gold_price") if data.get(k, "").strip()}
        raw = {k: (str(rupiah(v)) if k == "gold_price" else v.replace(",", ".").strip()) for k, v in raw.items()}
        raw["collect_only"] = data.get("collect_only") == "true"
        _, again = await _attempt(request, lambda uow: maal.save_settings(uow, _actor(request), raw), lambda e, st: self._settings(request, e, st), data)
        return again or _back(f"{BASE}/pengaturan", "Pengaturan Baitul Maal disimpan.")

    @post("/pengaturan/nisab", guards=[requires("zakat.nisab")], status_code=200)
    async def add_nisab(self, request: Request, data: Form) -> Response[Any]:
        r, again = await _attempt(request, lambda uow: maal_zakat.add_nisab_year(uow, _actor(request), _int(data, "year") or 0, _money(data, "annual"), data.get("reference", "")), lambda e, st: self._settings(request, e, st), data)
        return again or _back(f"{BASE}/pengaturan", f"Nisab zakat penghasilan {r.year} disimpan: {_fmt(r.annual)} setahun, {_fmt(r.monthly)} sebulan.")


async def _drawer_open(uow: UnitOfWork, actor: Actor) -> bool:
    from bmt.services import teller

    return await teller.current_drawer(uow, actor, required=False) is not None


async def _account_id(uow: UnitOfWork, actor: Actor, account_no: str) -> int:
    from sqlalchemy import func, select

    from bmt.persistence.models import SavingsAccount

    q = select(SavingsAccount.id).where(SavingsAccount.cooperative_id == actor.coop, func.upper(SavingsAccount.account_no) == account_no.strip().upper())
    found = (await uow.session.execute(q)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"rekening {account_no} tidak ditemukan / account not found", field="savings_account_no")
    return found


async def _statement(request: Request, kind: str, since: date | None, through: date | None, purpose: str) -> dict[str, Any]:
    """The context of one statement (screen and PDF share it)."""
    actor = _actor(request)
    through = through or _today(request)
    since = since or through.replace(month=1, day=1)
    kind = kind if kind in REPORTS else "dana"
    ctx: dict[str, Any] = {"kind": kind, "since": since, "through": through, "purpose": purpose, "error": ""}
    async with request.app.state.uow() as uow:
        ctx["funds"] = await maal.restricted_funds(uow, actor.coop)
        ctx["fund_options"] = [(f.purpose, f.name) for f in ctx["funds"]]
        try:
            if kind == "dana":
                ctx["sections"] = await maal_reports.fund_changes(uow, actor, since, through)
            elif kind == "kebajikan":
                ctx["section"] = await maal_reports.kebajikan(uow, actor, since, through)
            elif kind == "asnaf":
                ctx["rows"] = await maal_reports.by_asnaf(uow, actor, since, through)
            elif purpose or ctx["funds"]:
                ctx["st"] = await maal_reports.restricted_fund_statement(uow, actor, purpose or ctx["funds"][0].purpose, since, through)
        except DomainError as exc:
            ctx["error"] = exc.message
    return ctx
