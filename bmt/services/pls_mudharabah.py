"""Mudharabah financing after disbursement (domain.md §2, Example E; PSAK 105).

* The mudharib's periodic realisation report (revenue, costs) gives the BMT's share by the nisbah of the akad
  (on revenue or on profit, fatwa 15/2000); the share is accrued at once — Dr piutang pendapatan bagi hasil /
  Cr pendapatan bagi hasil mudharabah — and falls due ``share_due_days`` after the period it reports.
* A loss without proven negligence is the BMT's and lowers the carrying amount (policy of the akad: reduce
  the financing, or an allowance); only a loss from proven negligence becomes *piutang mudharabah jatuh tempo*
  of the mudharib (charging a non-negligent mudharib is refused, MDH-03). Proven negligence is a manager's call.
* Capital comes back at maturity or in instalments (allocated over the capital-return schedule); the deferred
  gain of capital given in goods is released in step with it, and an allowance is settled against the
  financing when the last capital comes back.
* Arrears are the reported-but-unpaid shares past their due date (``share_arrears``), shown beside the
  projection agreed in the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from bmt.contracts import mudharabah as mdh
from bmt.contracts.mudharabah import RealisationReport
from bmt.errors import Conflict, InvalidInput
from bmt.money import EXACT, ZERO, D, money_str
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.services import financing, pls
from bmt.services.financing import APPROVERS, PROPOSERS
from bmt.services.pls import MUDHARABAH, EventView
from bmt.services.uow import Actor, UnitOfWork


@dataclass(frozen=True, slots=True)
class Report:
    """The mudharib's realisation report for one period, as the officer enters it.

    Attributes:
        period_end: Last day of the period reported (not in the future).
        revenue: Revenue of the period.
        costs: Costs of the period.
        capital_loss: Capital lost beyond the period's result (goods destroyed...).
        negligence_proven: Whether the loss of this period comes from the mudharib's proven negligence.
        charge_to_mudharib: The part of the loss charged to the mudharib (default: all of it when negligent).
        note: Free text (what the report was based on).
    """

    period_end: date
    revenue: Decimal
    costs: Decimal = ZERO
    capital_loss: Decimal = ZERO
    negligence_proven: bool = False
    charge_to_mudharib: Decimal | None = None
    note: str = ""


def _returnable(bal: dict[str, Decimal]) -> Decimal:
    """Capital the mudharib still has to return: the financing less the loss allowance."""
    return bal.get("mudharabah_financing", ZERO) + bal.get("mudharabah_loss_allowance", ZERO)


async def _book_loss(uow: UnitOfWork, actor: Actor, c: FinancingContract, loss: Decimal, negligence: bool, charge: Decimal | None) -> tuple[list[int], mdh.LossAllocation]:
    """Allocate a loss (MDH-03 refuses charging a non-negligent mudharib), post it, re-spread the capital returns."""
    allocation = mdh.allocate_loss(loss, negligence_proven=negligence, charge_to_mudharib=charge)
    returnable = _returnable(await pls.balances(uow, c))
    if allocation.loss > returnable:
        raise InvalidInput(
            f"kerugian {money_str(allocation.loss)} melebihi sisa modal {money_str(returnable)} / the loss exceeds the capital left", field="amount"
        )
    je = mdh.loss_entry(pls.mudharabah_terms(c), allocation, uow.business_date(), ref=str(c.id))
    entry_id = await pls.post(uow, actor, c, je)
    await pls.reschedule_capital(uow, c, returnable - allocation.loss)
    return [entry_id], allocation


def _loss_payload(a: mdh.LossAllocation) -> dict[str, Any]:
    return {"loss": str(a.loss), "borne_by_bmt": str(a.borne_by_bmt), "charged_to_mudharib": str(a.charged_to_mudharib), "negligence_proven": a.negligence_proven}


async def record_report(uow: UnitOfWork, actor: Actor, contract_id: int, report: Report, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Record a realisation report: accrue the BMT's share, book the period's loss, if any, as the rules allocate it."""
    pls.require_role(actor, APPROVERS if report.negligence_proven else PROPOSERS, "laporan realisasi mudharib")
    rr = RealisationReport(report.period_end, report.revenue, report.costs, report.capital_loss)
    payload = {
        "contract": contract_id, "period_end": rr.period_end.isoformat(), "revenue": str(rr.revenue), "costs": str(rr.costs),
        "capital_loss": str(rr.capital_loss), "negligence": report.negligence_proven, "charge": str(report.charge_to_mudharib),
    }
    if (prev := await pls.replay(uow, actor, idempotency_key, "mudharabah.report", payload)) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUDHARABAH)
    financing.require_status(c, "active")
    if await akad_ended(uow, c):
        raise Conflict("akad sudah berakhir; laporan periode baru tidak diterima / the akad has ended: no further period reports")
    today = uow.business_date()
    pls.check_report_period(c, rr.period_end, today, pls.event_views(await financing.events(uow, c)))
    terms = pls.mudharabah_terms(c)
    result = mdh.period_result(terms, rr)
    if result.loss == 0 and (report.negligence_proven or report.charge_to_mudharib):
        raise InvalidInput("laporan ini tidak rugi; tidak ada yang dibebankan / no loss in this report to charge", field="charge_to_mudharib")
    ids: list[int] = []
    if result.bmt_share > 0:
        ids.append(await pls.post(uow, actor, c, mdh.share_accrual_entry(result, today, ref=str(c.id)), key=idempotency_key))
    loss: dict[str, Any] = {}
    if result.loss > 0:
        loss_ids, allocation = await _book_loss(uow, actor, c, result.loss, report.negligence_proven, report.charge_to_mudharib)
        ids += loss_ids
        loss = _loss_payload(allocation)
    due = pls.due_date_after(rr.period_end, int(financing.terms_of(c)["share_due_days"]))
    if result.bmt_share > 0:
        await pls.add_share_row(uow, c, due, result.bmt_share)
    body = {
        "period_end": rr.period_end.isoformat(), "revenue": str(rr.revenue), "costs": str(rr.costs), "capital_loss": str(rr.capital_loss),
        "profit": str(rr.profit), "basis_amount": str(result.basis_amount), "bmt_share": str(result.bmt_share),
        "mudharib_share": str(result.mudharib_share), "due_date": due.isoformat(), "note": report.note.strip()[:300], **loss,
    }
    extra = {"bmt_share": money_str(result.bmt_share), "mudharib_share": money_str(result.mudharib_share), "loss": money_str(result.loss), "due_date": due.isoformat()}
    return await pls.finish(uow, actor, c, "report", result.bmt_share, ids, key=idempotency_key, payload=body, extra=extra)


async def record_loss(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, negligence_proven: bool = False, charge_to_mudharib: Decimal | None = None, note: str = "", idempotency_key: str | None = None) -> dict[str, Any]:
    """A loss found outside a periodic report (e.g. capital lost before the business started), decided by a manager."""
    pls.require_role(actor, APPROVERS, "pencatatan kerugian mudharabah")
    amount = mdh.require_amount(amount, "amount")
    payload = {"contract": contract_id, "amount": str(amount), "negligence": negligence_proven, "charge": str(charge_to_mudharib)}
    if (prev := await pls.replay(uow, actor, idempotency_key, "mudharabah.loss", payload)) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUDHARABAH)
    financing.require_status(c, "active")
    ids, allocation = await _book_loss(uow, actor, c, amount, negligence_proven, charge_to_mudharib)
    body = _loss_payload(allocation) | {"note": note.strip()[:300]}
    extra = {"borne_by_bmt": money_str(allocation.borne_by_bmt), "charged_to_mudharib": money_str(allocation.charged_to_mudharib)}
    return await pls.finish(uow, actor, c, "loss", amount, ids, key=idempotency_key, payload=body, extra=extra)


async def return_capital(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Capital returned by the mudharib: Dr kas / Cr pembiayaan mudharabah; the deferred gain released in step."""
    pls.require_role(actor, pls.CASH_ROLES, "pengembalian modal")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, "mudharabah.capital_return", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUDHARABAH)
    financing.require_status(c, "active")
    if await akad_ended(uow, c):
        raise Conflict("akad sudah berakhir: modal yang belum kembali kini piutang jatuh tempo; terima lewat pembayaran piutang jatuh tempo / the akad has ended: take it as a due-receivable payment")
    bal, today, ref = await pls.balances(uow, c), uow.business_date(), str(c.id)
    returnable = _returnable(bal)
    entries = [mdh.capital_return_entry(today, amount, returnable, ref=ref)]
    gain = -bal.get("mudharabah_deferred_gain", ZERO)
    release = gain if amount == returnable else EXACT.divide(gain * amount, returnable).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if release > 0:
        entries.append(mdh.deferred_gain_amortisation_entry(today, release, ref=ref))
    allowance = -bal.get("mudharabah_loss_allowance", ZERO)
    if amount == returnable and allowance > 0:
        entries.append(mdh.allowance_settlement_entry(today, allowance, ref=ref))
    ids = [await pls.post(uow, actor, c, je, key=idempotency_key if i == 0 else None) for i, je in enumerate(entries)]
    await pls.settle_rows(uow, c, amount, "principal", today)
    c.last_paid_on = today
    return await pls.finish(uow, actor, c, "capital_return", amount, ids, key=idempotency_key, payload={"released_gain": str(release)}, extra={"capital_left": money_str(returnable - amount)})


async def pay_due(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """The mudharib pays what became due from him (a negligence loss, or the capital left when the akad ended):
    Dr kas / Cr piutang mudharabah jatuh tempo. After the akad's end it also settles the open capital rows."""
    pls.require_role(actor, pls.CASH_ROLES, "penerimaan piutang jatuh tempo")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, "mudharabah.due_payment", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUDHARABAH)
    financing.require_status(c, "active")
    today = uow.business_date()
    due = (await pls.balances(uow, c)).get("mudharabah_due_receivable", ZERO)
    entry_id = await pls.post(uow, actor, c, mdh.due_receivable_receipt_entry(today, amount, due, ref=str(c.id)), key=idempotency_key)
    if await akad_ended(uow, c):
        await pls.settle_rows(uow, c, amount, "principal", today)
    c.last_paid_on = today
    return await pls.finish(uow, actor, c, "due_payment", amount, [entry_id], key=idempotency_key)


async def akad_ended(uow: UnitOfWork, c: FinancingContract) -> bool:
    return any(e.kind == "akad_end" for e in await financing.events(uow, c))


async def end_akad(uow: UnitOfWork, actor: Actor, contract_id: int, *, reason: str = "", idempotency_key: str | None = None) -> dict[str, Any]:
    """The akad ends — at maturity, or early by agreement or breach — with capital not returned at once.

    The capital left becomes *piutang mudharabah jatuh tempo* of the mudharib (domain.md §2, [S18b]): Dr piutang
    mudharabah jatuh tempo / Cr pembiayaan mudharabah. As at any end of the akad, a loss allowance is first
    settled against the financing and the deferred gain of capital given in goods is released. From then on
    the mudharib pays through ``pay_due``; reports of later periods are refused (the contract is no longer
    active capital). A manager's decision; the daily close makes it for akad past their maturity date.
    """
    pls.require_role(actor, APPROVERS, "pengakhiran akad mudharabah")
    if (prev := await pls.replay(uow, actor, idempotency_key, "mudharabah.akad_end", {"contract": contract_id})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUDHARABAH)
    financing.require_status(c, "active")
    if await akad_ended(uow, c):
        raise Conflict(f"akad {c.contract_no} sudah berakhir / the akad has already ended")
    bal = await pls.balances(uow, c)
    if _returnable(bal) <= 0:
        raise Conflict("modal sudah kembali seluruhnya; tidak ada yang direklasifikasi / all capital is back: nothing to reclassify")
    return await _end(uow, actor, c, bal, reason, idempotency_key)


async def _end(uow: UnitOfWork, actor: Actor, c: FinancingContract, bal: dict[str, Decimal], reason: str, key: str | None) -> dict[str, Any]:
    """Post the end of an active akad with capital left (the caller has checked both)."""
    today, ref, returnable = uow.business_date(), str(c.id), _returnable(bal)
    entries = []
    allowance = -bal.get("mudharabah_loss_allowance", ZERO)
    if allowance > 0:
        entries.append(mdh.allowance_settlement_entry(today, allowance, ref=ref))
    gain = -bal.get("mudharabah_deferred_gain", ZERO)
    if gain > 0:
        entries.append(mdh.deferred_gain_amortisation_entry(today, gain, ref=ref))
    entries.append(mdh.maturity_reclass_entry(today, returnable, ref=ref))
    ids = [await pls.post(uow, actor, c, je, key=key if i == 0 else None) for i, je in enumerate(entries)]
    early = c.maturity_date is not None and today < c.maturity_date
    body = {"reason": reason.strip()[:300], "early": early, "released_gain": str(gain), "settled_allowance": str(allowance)}
    return await pls.finish(uow, actor, c, "akad_end", returnable, ids, key=key, payload=body, extra={"due_receivable": money_str(returnable), "early": early})


async def end_matured(uow: UnitOfWork, actor: Actor, d: date) -> int:
    """The daily close: every active mudharabah past its maturity date with capital left ends its akad."""
    pls.require_role(actor, APPROVERS, "pengakhiran akad mudharabah")
    q = select(FinancingContract.id).where(
        FinancingContract.cooperative_id == actor.coop, FinancingContract.kind == MUDHARABAH, FinancingContract.status == "active", FinancingContract.maturity_date < d
    )
    ended = 0
    for cid in (await uow.session.execute(q.order_by(FinancingContract.id))).scalars().all():
        c = await pls.contract(uow, actor, cid, MUDHARABAH)
        bal = await pls.balances(uow, c)
        if await akad_ended(uow, c) or _returnable(bal) <= 0:
            continue
        await _end(uow, actor, c, bal, f"jatuh tempo {c.maturity_date.isoformat()}, modal belum kembali / matured with capital outstanding", None)
        ended += 1
    return ended


# ------------------------------------------------------------------------------------------------ reading


def reports_of(events: list[EventView]) -> list[RealisationReport]:
    return [RealisationReport(date.fromisoformat(e.payload["period_end"]), D(e.payload["revenue"]), D(e.payload["costs"]), D(e.payload["capital_loss"])) for e in events if e.kind == "report"]


def projection_rows(terms: mdh.MudharabahTerms, projections: list[RealisationReport], actuals: list[RealisationReport]) -> list[mdh.ProjectionComparison]:
    """Projected and actual BMT shares per period; a reported period that was not projected shows a zero projection."""
    projected = {p.period_end for p in projections}
    padded = projections + [RealisationReport(a.period_end, ZERO) for a in actuals if a.period_end not in projected]
    return mdh.compare_with_projection(terms, sorted(padded, key=lambda p: p.period_end), actuals)


def detail(c: FinancingContract, events: list[EventView], schedule: list[ContractInstallment], bal: dict[str, Decimal], today: date) -> dict[str, Any]:
    """What the mudharabah page shows beyond the common view: projection vs actual, arrears, capital left."""
    terms = pls.mudharabah_terms(c)
    return {
        "projection": projection_rows(terms, pls.projections_of(c), reports_of(events)),
        "reports": [e for e in events if e.kind == "report"],
        "arrears": pls.share_arrears(events, today),
        "capital_left": _returnable(bal),
        "deferred_gain": -bal.get("mudharabah_deferred_gain", ZERO),
        "loss_allowance": -bal.get("mudharabah_loss_allowance", ZERO),
        "due_receivable": bal.get("mudharabah_due_receivable", ZERO),
        "mudharib_nisbah": terms.mudharib_nisbah,
        "ended": any(e.kind == "akad_end" for e in events),
    }
