"""Musyarakah after disbursement (domain.md §3, Example E; PSAK 106, fatwa 08/2000).

Both parties' capital is recorded: the BMT's in its ledger (pembiayaan musyarakah, ``contract:<id>``), the
partner's only in the contract's history (it never enters the BMT's books). Profit is split by the agreed
nisbah and the BMT's share accrued when reported; a loss is split **strictly by capital** (MSY-01: a split
that follows anything else is refused) and the BMT's part reduces its financing, the partner's its capital.
The partner may add capital or take some out later; the shares of later losses follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.contracts import mudharabah as mdh
from bmt.contracts import musyarakah as msy
from bmt.contracts.mudharabah import RealisationReport
from bmt.errors import Conflict, InvalidInput
from bmt.money import HUNDRED, ZERO, D, money_str
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.services import financing, pls
from bmt.services.financing import APPROVERS, PROPOSERS
from bmt.services.pls import MUSYARAKAH, EventView
from bmt.services.uow import Actor, UnitOfWork


@dataclass(frozen=True, slots=True)
class Report:
    """The partner's report of the venture's result for one period."""

    period_end: date
    revenue: Decimal
    costs: Decimal = ZERO
    capital_loss: Decimal = ZERO
    note: str = ""


def partner_capital(c: FinancingContract, events: list[EventView]) -> Decimal:
    """The partner's capital now: at the akad, plus contributions, less withdrawals and its parts of losses."""
    capital = D(financing.terms_of(c)["partner_capital"])
    for e in events:
        if e.kind == "partner_contribution":
            capital += e.amount
        elif e.kind == "partner_withdrawal":
            capital -= e.amount
        elif e.kind in ("report", "loss") and e.payload.get("partner_loss"):
            capital -= D(e.payload["partner_loss"])
    return capital


async def _capital(uow: UnitOfWork, c: FinancingContract) -> tuple[msy.MusyarakahCapital, list[EventView]]:
    """Both parties' capital now (the BMT's is its financing outstanding)."""
    events = pls.event_views(await financing.events(uow, c))
    partner = partner_capital(c, events)
    if c.outstanding <= 0 or partner <= 0:
        raise Conflict("modal salah satu pihak sudah habis; akad berakhir / a party has no capital left")
    return msy.MusyarakahCapital(c.outstanding, partner), events


async def _book_loss(uow: UnitOfWork, actor: Actor, c: FinancingContract, capital: msy.MusyarakahCapital, split: msy.Split) -> tuple[list[int], dict[str, str]]:
    if split.total > capital.total:
        raise InvalidInput(f"kerugian melebihi modal usaha {money_str(capital.total)} / the loss exceeds the venture's capital", field="amount")
    entry_id = await pls.post(uow, actor, c, msy.musyarakah_loss_entry(uow.business_date(), split, ref=str(c.id)))
    await pls.reschedule_capital(uow, c, c.outstanding)
    return [entry_id], {"loss": str(split.total), "bmt_loss": str(split.bmt), "partner_loss": str(split.partner), "bmt_capital_before": str(capital.bmt), "partner_capital_before": str(capital.partner)}


async def record_report(uow: UnitOfWork, actor: Actor, contract_id: int, report: Report, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """A period's result: the profit split by nisbah (the BMT's part accrued), a loss split by capital."""
    pls.require_role(actor, PROPOSERS, "laporan hasil usaha musyarakah")
    rr = RealisationReport(report.period_end, report.revenue, report.costs, report.capital_loss)
    payload = {"contract": contract_id, "period_end": rr.period_end.isoformat(), "revenue": str(rr.revenue), "costs": str(rr.costs), "capital_loss": str(rr.capital_loss)}
    if (prev := await pls.replay(uow, actor, idempotency_key, "musyarakah.report", payload)) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUSYARAKAH)
    financing.require_status(c, "active")
    capital, events = await _capital(uow, c)
    today = uow.business_date()
    pls.check_report_period(c, rr.period_end, today, events)
    result = msy.period_result(pls.musyarakah_terms(c), capital, rr)
    ids: list[int] = []
    if result.profit.bmt > 0:
        ids.append(await pls.post(uow, actor, c, msy.musyarakah_share_entry(today, result.profit, ref=str(c.id)), key=idempotency_key))
    loss: dict[str, str] = {}
    if result.loss is not None:
        loss_ids, loss = await _book_loss(uow, actor, c, capital, result.loss)
        ids += loss_ids
    due = pls.due_date_after(rr.period_end, int(financing.terms_of(c)["share_due_days"]))
    if result.profit.bmt > 0:
        await pls.add_share_row(uow, c, due, result.profit.bmt)
    body = {
        "period_end": rr.period_end.isoformat(), "revenue": str(rr.revenue), "costs": str(rr.costs), "capital_loss": str(rr.capital_loss),
        "profit": str(rr.profit), "basis_amount": str(result.profit.total), "bmt_share": str(result.profit.bmt), "partner_share": str(result.profit.partner),
        "due_date": due.isoformat(), "note": report.note.strip()[:300], **loss,
    }
    extra = {"bmt_share": money_str(result.profit.bmt), "partner_share": money_str(result.profit.partner), "bmt_loss": loss.get("bmt_loss", "0"), "partner_loss": loss.get("partner_loss", "0")}
    return await pls.finish(uow, actor, c, "report", result.profit.bmt, ids, key=idempotency_key, payload=body, extra=extra)


async def record_loss(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, bmt_part: Decimal | None = None, note: str = "", idempotency_key: str | None = None) -> dict[str, Any]:
    """A loss outside a periodic report, split by capital; a proposed BMT part that does not follow capital is refused (MSY-01)."""
    pls.require_role(actor, APPROVERS, "pencatatan kerugian musyarakah")
    amount = mdh.require_amount(amount, "amount")
    payload = {"contract": contract_id, "amount": str(amount), "bmt_part": str(bmt_part)}
    if (prev := await pls.replay(uow, actor, idempotency_key, "musyarakah.loss", payload)) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUSYARAKAH)
    financing.require_status(c, "active")
    capital, _ = await _capital(uow, c)
    if bmt_part is not None:
        msy.check_loss_split(capital, amount, mdh.require_amount(bmt_part, "bmt_part", allow_zero=True))
    ids, body = await _book_loss(uow, actor, c, capital, msy.split_loss(capital, amount))
    extra = {"bmt_loss": money_str(D(body["bmt_loss"])), "partner_loss": money_str(D(body["partner_loss"]))}
    return await pls.finish(uow, actor, c, "loss", amount, ids, key=idempotency_key, payload=body | {"note": note.strip()[:300]}, extra=extra)


async def change_partner_capital(uow: UnitOfWork, actor: Actor, contract_id: int, action: str, amount: Decimal, *, note: str = "", idempotency_key: str | None = None) -> dict[str, Any]:
    """The partner adds capital (``contribution``) or takes some out (``withdrawal``); only the history records it."""
    pls.require_role(actor, PROPOSERS, "perubahan modal mitra")
    if action not in ("contribution", "withdrawal"):
        raise InvalidInput("aksi harus contribution atau withdrawal / action must be contribution or withdrawal", field="action")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, f"musyarakah.partner_{action}", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUSYARAKAH)
    financing.require_status(c, "active")
    capital, _ = await _capital(uow, c)
    after = capital.contribute("partner", amount) if action == "contribution" else capital.withdraw("partner", amount)
    body = {"partner_capital_after": str(after.partner), "bmt_capital": str(after.bmt), "note": note.strip()[:300]}
    extra = {"partner_capital": money_str(after.partner), "bmt_capital_percent": str(_ratio_percent(after))}
    return await pls.finish(uow, actor, c, f"partner_{action}", amount, [], key=idempotency_key, payload=body, extra=extra)


async def return_capital(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """The BMT's capital paid back (in part, or at the end of the akad): Dr kas / Cr pembiayaan musyarakah."""
    pls.require_role(actor, pls.CASH_ROLES, "pengembalian modal")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, "musyarakah.capital_return", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MUSYARAKAH)
    financing.require_status(c, "active")
    today = uow.business_date()
    je = msy.musyarakah_capital_return_entry(today, amount, c.outstanding, ref=str(c.id))
    entry_id = await pls.post(uow, actor, c, je, key=idempotency_key)
    await pls.settle_rows(uow, c, amount, "principal", today)
    c.last_paid_on = today
    return await pls.finish(uow, actor, c, "capital_return", amount, [entry_id], key=idempotency_key)


# ------------------------------------------------------------------------------------------------ reading


def _ratio_percent(capital: msy.MusyarakahCapital) -> Decimal:
    return (capital.bmt_ratio * HUNDRED).quantize(Decimal("0.01"))


def detail(c: FinancingContract, events: list[EventView], schedule: list[ContractInstallment], bal: dict[str, Decimal], today: date) -> dict[str, Any]:
    """Both parties' capital now, the reports and the share arrears."""
    partner = partner_capital(c, events)
    bmt = c.principal if c.status in ("application", "approved") else c.outstanding
    total = bmt + partner
    ratio = (bmt * HUNDRED / total).quantize(Decimal("0.01")) if total > 0 else ZERO
    return {
        "bmt_capital": bmt,
        "partner_capital": partner,
        "bmt_capital_percent": ratio,
        "partner_capital_percent": HUNDRED - ratio if total > 0 else ZERO,
        "partner_nisbah": HUNDRED - D(financing.terms_of(c)["bmt_nisbah"]),
        "reports": [e for e in events if e.kind == "report"],
        "arrears": pls.share_arrears(events, today),
    }
