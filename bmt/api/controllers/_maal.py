"""The Baitul Maal through the JSON API (``/api/v1/maal``): registers, receipts and their proof, proposals and
their approval, the amil share, qardhul hasan, hand-over from the business book, the cooperative's own
zakat, statements, settings, and the BAZNAS nisab years. The web pages are in ``_maal_pages``.

``provide_nisab_table`` is the app-level provider of the calculators' ``nisab_table`` dependency: the shipped
BAZNAS years merged with the years an admin added.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from bmt.api.controllers._savings import posting
from bmt.api.documents import render
from bmt.api.schemas import _maal as s
from bmt.api.security import logged_in, requires
from bmt.money import money_str
from bmt.persistence.models import User
from bmt.persistence.models_maal import MaalDisbursement, MaalDonor, MaalReceipt
from bmt.services import maal, maal_collect, maal_disburse, maal_reports, maal_zakat
from bmt.services.maal_reports import Section
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import DEFAULT_INCOME_NISAB, IncomeNisabTable

READ = requires("maal.collect", "maal.distribute", "ledger.read")


async def provide_nisab_table(state: State) -> IncomeNisabTable:
    """The income nisab table of the app: shipped years, with the admin's years over them."""
    async with state.uow() as uow:
        return await maal_zakat.income_nisab_table(uow)


def _actor(request: Request) -> Actor:
    return request.scope["user"]


def _today(request: Request) -> date:
    return request.app.state.uow.today or date.today()


# ---------------------------------------------------------------------------------------------- reads


def donor_read(d: MaalDonor, today: date) -> s.DonorRead:
    h = maal_zakat.haul_of(d.wealth_start, today) if d.wealth_start else None
    haul = s.HaulRead(h.start, h.due, h.start_hijri, h.due_hijri, h.complete, h.days_left) if h else None
    return s.DonorRead(d.id, d.name, d.member_id, d.npwp, d.nik, d.address, d.phone, d.wealth_start, haul)


def receipt_read(r: MaalReceipt, donor_name: str) -> s.ReceiptRead:
    return s.ReceiptRead(r.id, r.receipt_no, r.donor_id, donor_name, r.kind, r.zakat_type, r.purpose, money_str(r.amount), r.channel, r.value_date, r.tamwil_entry_id, r.maal_entry_id)


def proposal_read(d: MaalDisbursement, outstanding: Any = None) -> s.ProposalRead:
    return s.ProposalRead(
        d.id, d.proposal_no, d.kind, d.fund, d.purpose, d.use, d.asnaf, d.mustahik_id, d.beneficiary, money_str(d.amount), d.channel,
        d.savings_account_id, d.description, d.status, d.maker_id, d.checker_id, d.value_date, d.entry_id,
        money_str(outstanding) if outstanding is not None else None,
    )


def section_read(x: Section) -> s.SectionRead:
    m = lambda d: {k: money_str(v) for k, v in d.items()}  # noqa: E731
    return s.SectionRead(x.key, x.title, money_str(x.opening), m(x.increases), m(x.decreases), money_str(x.closing), m(x.notes))


def coop_zakat_read(p: maal_zakat.CoopZakatPreview) -> s.CoopZakatRead:
    a = p.assessment
    return s.CoopZakatRead(
        p.year, p.method, p.as_of, money_str(p.current_assets), money_str(p.current_liabilities), money_str(p.shu), money_str(p.gold_price), money_str(a.basis),
        money_str(a.nisab), a.obligated, money_str(a.zakat_due), p.posted is not None,
        p.posted.tamwil_entry_id if p.posted else None, p.posted.maal_entry_id if p.posted else None,
    )


async def teller_name(uow: UnitOfWork, actor: Actor, user_id: int | None) -> str:
    if user_id is None:
        return ""
    u = await uow.session.get(User, user_id)
    return u.name if u is not None and u.cooperative_id == actor.coop else ""


async def receipt_pdf(request: Request, receipt_id: int) -> Response[bytes]:
    """The bukti setor zakat / infak: amount in words, Gregorian and Hijri dates, NPWP (for the tax deduction)."""
    actor = _actor(request)
    async with request.app.state.uow() as uow:
        r = await maal_collect.get_receipt(uow, actor, receipt_id)
        donor = await maal_collect.get_donor(uow, actor, r.donor_id)
        officer = await teller_name(uow, actor, r.received_by)
        fund = await maal_collect.restricted_fund(uow, actor, r.purpose) if r.purpose else None
        coop = await maal.cooperative(uow, actor.coop)
    pdf = await render(
        request, "maal/receipt_pdf.html", r=r, donor=donor, officer=officer, fund=fund, coop_name=coop.name, coop_address=coop.address,
        printed_on=_today(request), npwp=maal_collect.format_npwp(donor.npwp), kind_labels=maal_collect.KIND_LABELS, channel_labels=maal_collect.CHANNEL_LABELS,
    )
    return Response(pdf, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{r.receipt_no}.pdf"'})


# ---------------------------------------------------------------------------------------------- the API


class MaalApi(Controller):
    path = "/api/v1/maal"
    tags = ["baitul-maal"]
    guards = [logged_in]

    @get("/balances", guards=[READ])
    async def balances(self, request: Request) -> s.BalancesRead:
        """Every fund's balance, the maal book's assets, the amil cap of the year and what the business book owes."""
        async with request.app.state.uow() as uow:
            x = await maal.summary(uow, _actor(request))
        amil = [s.AmilRead(a.source_fund, str(a.cap_percent), money_str(a.collected), money_str(a.cap), money_str(a.taken), money_str(a.remaining)) for a in x.amil]
        return s.BalancesRead(
            {f.key: money_str(f.balance) for f in x.funds}, {f.purpose or "": money_str(f.balance) for f in x.restricted},
            {k: money_str(v) for k, v in x.assets.items()}, money_str(x.qh_outstanding), money_str(x.kebajikan_available),
            {k: money_str(v) for k, v in x.owed_by_tamwil.items()}, amil, x.pending_proposals,
        )

    # ---- registers

    @post("/donors", guards=[requires("maal.collect")], status_code=201)
    async def add_donor(self, request: Request, data: JSONBody[s.DonorCreate]) -> s.DonorRead:
        """Register a muzakki or donor (a member is registered once; NPWP optional)."""
        cmd = maal_collect.NewDonor(data.name, data.member_id, data.npwp, data.nik, data.address, data.phone, data.wealth_start)
        async with request.app.state.uow() as uow:
            return donor_read(await maal_collect.add_donor(uow, _actor(request), cmd), _today(request))

    @get("/donors", guards=[READ])
    async def donors(self, request: Request, q: FromQuery[str] = "") -> list[s.DonorRead]:
        async with request.app.state.uow() as uow:
            return [donor_read(d, _today(request)) for d in await maal_collect.search_donors(uow, _actor(request), q)]

    @get("/donors/{donor_id:int}", guards=[READ])
    async def donor(self, request: Request, donor_id: FromPath[int]) -> s.DonorRead:
        """A donor, with the haul of their declared wealth (Hijri dates)."""
        async with request.app.state.uow() as uow:
            return donor_read(await maal_collect.get_donor(uow, _actor(request), donor_id), _today(request))

    @put("/donors/{donor_id:int}", guards=[requires("maal.collect")])
    async def update_donor(self, request: Request, donor_id: FromPath[int], data: JSONBody[s.DonorUpdate]) -> s.DonorRead:
        async with request.app.state.uow() as uow:
            d = await maal_collect.update_donor(uow, _actor(request), donor_id, npwp=data.npwp, wealth_start=data.wealth_start, clear_wealth_start=data.clear_wealth_start)
            return donor_read(d, _today(request))

    @post("/mustahik", guards=[requires("maal.distribute")], status_code=201)
    async def add_mustahik(self, request: Request, data: JSONBody[s.MustahikCreate]) -> s.MustahikRead:
        """Register a mustahik under one of the eight asnaf (anything else is a 422, ZIS-04)."""
        cmd = maal_collect.NewMustahik(data.name, data.asnaf, data.member_id, data.nik, data.address, data.phone, data.notes)
        async with request.app.state.uow() as uow:
            m = await maal_collect.add_mustahik(uow, _actor(request), cmd)
        return s.MustahikRead(m.id, m.name, m.asnaf, maal_reports.asnaf_label(m.asnaf), m.member_id, m.address, m.active)

    @get("/mustahik", guards=[READ])
    async def mustahik(self, request: Request, asnaf: FromQuery[str | None] = None) -> list[s.MustahikRead]:
        async with request.app.state.uow() as uow:
            rows = await maal_collect.list_mustahik(uow, _actor(request), asnaf=asnaf)
        return [s.MustahikRead(m.id, m.name, m.asnaf, maal_reports.asnaf_label(m.asnaf), m.member_id, m.address, m.active) for m in rows]

    @post("/restricted-funds", guards=[requires("maal.distribute")], status_code=201)
    async def open_fund(self, request: Request, data: JSONBody[s.FundCreate]) -> s.FundRead:
        """Open a restricted fund (a donor's purpose, or a pesantren's own fund)."""
        async with request.app.state.uow() as uow:
            f = await maal_collect.open_restricted_fund(uow, _actor(request), data.purpose, data.name, data.description)
        return s.FundRead(f.purpose, f.name, f.description, "0", f.active)

    @get("/restricted-funds", guards=[READ])
    async def funds(self, request: Request) -> list[s.FundRead]:
        async with request.app.state.uow() as uow:
            x = await maal.summary(uow, _actor(request))
            rows = await maal.restricted_funds(uow, _actor(request).coop)
        balances = {f.purpose: f.balance for f in x.restricted}
        return [s.FundRead(f.purpose, f.name, f.description, money_str(balances.get(f.purpose, 0)), f.active) for f in rows]

    # ---- collection

    @post("/receipts", guards=[requires("maal.collect")], status_code=201)
    async def receive(self, request: Request, data: JSONBody[s.ReceiptCreate]) -> s.ReceiptRead:
        """Zakat or infaq received: by the teller in cash (drawer) or from the donor's savings, or by a Baitul Maal
        officer into its own cash or bank. ``Idempotency-Key`` makes a retry return the first receipt."""
        cmd = maal_collect.NewReceipt(data.donor_id, data.kind, data.amount, data.channel, data.zakat_type, data.purpose, data.savings_account_id, data.note)
        key = request.headers.get("idempotency-key")

        async def op(uow: UnitOfWork) -> dict[str, Any]:
            return {"id": (await maal_collect.receive(uow, _actor(request), cmd, idempotency_key=key)).id}

        rid = (await posting(request, op))["id"]
        async with request.app.state.uow() as uow:
            r = await maal_collect.get_receipt(uow, _actor(request), rid)
            d = await maal_collect.get_donor(uow, _actor(request), r.donor_id)
        return receipt_read(r, d.name)

    @get("/receipts", guards=[READ])
    async def receipts(self, request: Request, donor_id: FromQuery[int | None] = None) -> list[s.ReceiptRead]:
        async with request.app.state.uow() as uow:
            return [receipt_read(r, d.name) for r, d in await maal_collect.receipts(uow, _actor(request), donor_id=donor_id)]

    @get("/receipts/{receipt_id:int}/pdf", guards=[READ])
    async def receipt_pdf(self, request: Request, receipt_id: FromPath[int]) -> Response[bytes]:
        """The printed proof (bukti setor zakat / infak)."""
        return await receipt_pdf(request, receipt_id)

    @post("/nonhalal", guards=[requires("maal.distribute")], status_code=201)
    async def nonhalal(self, request: Request, data: JSONBody[s.NonhalalReceipt]) -> s.EntryIds:
        """Conventional bank interest (or another non-halal receipt) into the non-halal/kebajikan fund, never income."""
        async with request.app.state.uow() as uow:
            return s.EntryIds(await maal.receive_nonhalal_income(uow, _actor(request), data.amount, data.kind, received_in=data.received_in, note=data.note))

    @post("/settlements", guards=[requires("maal.distribute")], status_code=201)
    async def settle(self, request: Request, data: JSONBody[s.Settlement]) -> s.EntryIds:
        """The business book hands over what it holds for the Baitul Maal (all of it unless ``amount`` is given)."""
        async with request.app.state.uow() as uow:
            tamwil_id, maal_id = await maal.settle_from_tamwil(uow, _actor(request), data.amount, into=data.into)
        return s.EntryIds(maal_id, tamwil_id)

    # ---- distribution

    @post("/amil", guards=[requires("maal.distribute")], status_code=201)
    async def amil(self, request: Request, data: JSONBody[s.AmilAllocation]) -> s.EntryIds:
        """Allocate the amil share; above the cap (12.5% of zakat collected this year, 5% collect-only) is a 422."""
        async with request.app.state.uow() as uow:
            return s.EntryIds(await maal.allocate_amil(uow, _actor(request), data.amount, source_fund=data.source_fund, note=data.note))

    @post("/disbursements", guards=[requires("maal.distribute")], status_code=201)
    async def propose(self, request: Request, data: JSONBody[s.ProposalCreate]) -> s.ProposalRead:
        """Propose a payment; refused at once when a rule or the fund's balance forbids it."""
        p = maal_disburse.Proposal(**{f: getattr(data, f) for f in data.__struct_fields__})
        async with request.app.state.uow() as uow:
            return proposal_read(await maal_disburse.propose(uow, _actor(request), p))

    @get("/disbursements", guards=[READ])
    async def proposals(self, request: Request, status: FromQuery[str | None] = None, kind: FromQuery[str | None] = None) -> list[s.ProposalRead]:
        async with request.app.state.uow() as uow:
            rows = await maal_disburse.proposals(uow, _actor(request), status=status, kind=kind)
            return [proposal_read(d, await maal_disburse.qh_outstanding(uow, _actor(request), d) if d.kind == "qardhul_hasan" else None) for d in rows]

    @post("/disbursements/{disbursement_id:int}/approve", guards=[requires("maal.approve")], status_code=200)
    async def approve(self, request: Request, disbursement_id: FromPath[int], data: JSONBody[s.Decision]) -> s.ProposalRead:
        """A checker other than the maker approves; the payment is posted now."""
        async with request.app.state.uow() as uow:
            return proposal_read(await maal_disburse.approve(uow, _actor(request), disbursement_id, data.note))

    @post("/disbursements/{disbursement_id:int}/reject", guards=[requires("maal.approve")], status_code=200)
    async def reject(self, request: Request, disbursement_id: FromPath[int], data: JSONBody[s.Decision]) -> s.ProposalRead:
        async with request.app.state.uow() as uow:
            return proposal_read(await maal_disburse.reject(uow, _actor(request), disbursement_id, data.note))

    @post("/disbursements/{disbursement_id:int}/repay", guards=[requires("maal.distribute")], status_code=201)
    async def repay(self, request: Request, disbursement_id: FromPath[int], data: JSONBody[s.Repayment]) -> s.EntryIds:
        """A qardhul hasan repayment (never above the principal outstanding: QRD-01)."""
        async with request.app.state.uow() as uow:
            return s.EntryIds(await maal_disburse.repay_qardhul_hasan(uow, _actor(request), disbursement_id, data.amount, received_in=data.received_in))

    @post("/disbursements/{disbursement_id:int}/forgive", guards=[requires("maal.approve")], status_code=201)
    async def forgive(self, request: Request, disbursement_id: FromPath[int], data: JSONBody[s.Forgiveness]) -> s.EntryIds:
        async with request.app.state.uow() as uow:
            return s.EntryIds(await maal_disburse.forgive_qardhul_hasan(uow, _actor(request), disbursement_id, data.amount, reason=data.reason))

    # ---- the cooperative's own zakat, statements, settings

    @get("/coop-zakat/{year:int}", guards=[requires("maal.distribute")])
    async def coop_zakat(self, request: Request, year: FromPath[int], method: FromQuery[str | None] = None) -> s.CoopZakatRead:
        """The cooperative's zakat for a year, computed from its ledger (not posted)."""
        async with request.app.state.uow() as uow:
            return coop_zakat_read(await maal_zakat.preview_coop_zakat(uow, _actor(request), year, method=method))

    @post("/coop-zakat", guards=[requires("maal.approve")], status_code=201)
    async def post_coop_zakat(self, request: Request, data: JSONBody[s.CoopZakatIn]) -> s.CoopZakatRead:
        """Post the cooperative's zakat of a year in both books (once)."""
        async with request.app.state.uow() as uow:
            await maal_zakat.post_coop_zakat(uow, _actor(request), data.year, as_of=data.as_of, gold_price=data.gold_price, method=data.method)
        async with request.app.state.uow() as uow:
            return coop_zakat_read(await maal_zakat.preview_coop_zakat(uow, _actor(request), data.year, as_of=data.as_of, gold_price=data.gold_price, method=data.method))

    @get("/statements/funds", guards=[READ])
    async def fund_changes(self, request: Request, since: FromQuery[date], through: FromQuery[date]) -> list[s.SectionRead]:
        """Laporan perubahan dana: zakat, infak/sedekah (tidak terikat, terikat), amil, nonhalal."""
        async with request.app.state.uow() as uow:
            return [section_read(x) for x in await maal_reports.fund_changes(uow, _actor(request), since, through)]

    @get("/statements/kebajikan", guards=[READ])
    async def kebajikan(self, request: Request, since: FromQuery[date], through: FromQuery[date]) -> s.SectionRead:
        """Laporan sumber dan penggunaan dana kebajikan."""
        async with request.app.state.uow() as uow:
            return section_read(await maal_reports.kebajikan(uow, _actor(request), since, through))

    @get("/statements/asnaf", guards=[READ])
    async def by_asnaf(self, request: Request, since: FromQuery[date], through: FromQuery[date]) -> list[s.AsnafRowRead]:
        async with request.app.state.uow() as uow:
            rows = await maal_reports.by_asnaf(uow, _actor(request), since, through)
        return [s.AsnafRowRead(r.asnaf, r.label, money_str(r.amount), r.payments, str(r.share_percent)) for r in rows]

    @get("/statements/restricted/{purpose:str}", guards=[READ])
    async def restricted(self, request: Request, purpose: FromPath[str], since: FromQuery[date], through: FromQuery[date]) -> s.RestrictedStatementRead:
        """One restricted fund's statement for its donors."""
        async with request.app.state.uow() as uow:
            x = await maal_reports.restricted_fund_statement(uow, _actor(request), purpose, since, through)
        gifts = [{"date": r.value_date.isoformat(), "receipt_no": r.receipt_no, "donor": d.name, "amount": money_str(r.amount)} for r, d in x.gifts]
        uses = [{"date": u.value_date.isoformat() if u.value_date else "", "proposal_no": u.proposal_no, "beneficiary": u.beneficiary, "description": u.description, "amount": money_str(u.amount)} for u in x.uses]
        return s.RestrictedStatementRead(x.purpose, x.name, x.since, x.through, money_str(x.opening), gifts, uses, money_str(x.other), money_str(x.closing))

    @get("/settings", guards=[READ])
    async def get_settings(self, request: Request) -> dict[str, Any]:
        async with request.app.state.uow() as uow:
            return (await maal.settings(uow, _actor(request).coop)).to_json()

    @put("/settings", guards=[requires("maal.approve")])
    async def put_settings(self, request: Request, data: JSONBody[s.SettingsIn]) -> dict[str, Any]:
        """Change the amil cap (<= 12.5%, <= 5% collect-only), routing of non-halal money, own-zakat method."""
        raw = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
        async with request.app.state.uow() as uow:
            return (await maal.save_settings(uow, _actor(request), raw)).to_json()

    @get("/nisab-years")
    async def nisab_years(self, request: Request) -> list[s.NisabYearRead]:
        """The BAZNAS income nisab per year: shipped, and added by an admin (an added year wins)."""
        async with request.app.state.uow() as uow:
            added = {r.year: r for r in await maal_zakat.added_nisab_years(uow)}
            table = await maal_zakat.income_nisab_table(uow)
        return [s.NisabYearRead(y, money_str(n.annual), money_str(n.monthly), "admin" if y in added else "bawaan", added[y].reference if y in added else "") for y, n in sorted(table.items())]

    @post("/nisab-years", guards=[requires("zakat.nisab")], status_code=201)
    async def add_nisab_year(self, request: Request, data: JSONBody[s.NisabYearIn]) -> s.NisabYearRead:
        """An admin adds the BAZNAS nisab of a year (annual; the monthly is annual / 12, half-up)."""
        async with request.app.state.uow() as uow:
            r = await maal_zakat.add_nisab_year(uow, _actor(request), data.year, data.annual, data.reference)
        return s.NisabYearRead(r.year, money_str(r.annual), money_str(r.monthly), "admin", r.reference)


__all__ = ["DEFAULT_INCOME_NISAB", "MaalApi", "provide_nisab_table", "receipt_pdf"]
