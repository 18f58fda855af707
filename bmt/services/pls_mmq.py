"""Musyarakah mutanaqisah (MMQ) after disbursement (domain.md §3, Example D; fatwa 73/2008).

Each monthly payment is allocated over the schedule, rent share first, then the buy-back of the BMT's share
(hishshah): Dr kas / Cr pembiayaan MMQ (buy-back) / Cr pendapatan ujrah MMQ (rent). A rent review agreed in
the akad changes the rent from a month not yet paid and re-schedules the rest as a new schedule version (the
balance path never changes). An early buy-out pays the BMT's remaining share — plus that month's rent share
only when the akad says so — and ends the schedule.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.contracts import mudharabah as mdh
from bmt.contracts import musyarakah as msy
from bmt.errors import Conflict, ContractStateError, InvalidInput
from bmt.money import ZERO, money_str, rupiah
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.services import financing, pls
from bmt.services.financing import APPROVERS, ScheduleRow
from bmt.services.pls import MMQ, EventView
from bmt.services.uow import Actor, UnitOfWork


async def pay(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Take a monthly payment: rent share first, then buy-back, oldest installment first."""
    pls.require_role(actor, pls.CASH_ROLES, "penerimaan angsuran")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, "mmq.payment", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MMQ)
    financing.require_status(c, "active")
    today = uow.business_date()
    alloc, totals = await financing.allocate_payment(uow, c, amount, ("margin", "principal"), today)
    if alloc.unapplied > 0:
        owed = amount - alloc.unapplied
        raise InvalidInput(
            f"pembayaran melebihi seluruh sisa kewajiban {money_str(owed)}; untuk melunasi gunakan pelunasan dipercepat / the payment exceeds everything owed",
            field="amount",
        )
    numbers = sorted({ln.number for ln in alloc.lines})
    rent, buyback = totals["margin"], totals["principal"]
    row = msy.MmqInstallment(numbers[0], today, c.outstanding, ZERO, ZERO, rent, buyback, amount, c.outstanding - buyback)
    entry_id = await pls.post(uow, actor, c, msy.mmq_payment_entry(row, today, ref=str(c.id)), key=idempotency_key)
    c.last_paid_on = today
    body = {"installments": numbers, "rent": str(rent), "buyback": str(buyback)}
    return await pls.finish(uow, actor, c, "installment_payment", amount, [entry_id], key=idempotency_key, payload=body, extra={"rent": money_str(rent), "buyback": money_str(buyback), "installments": numbers})


async def _first_open(uow: UnitOfWork, c: FinancingContract) -> ContractInstallment:
    rows = await financing.installments(uow, c, open_only=True)
    if not rows:
        raise Conflict("tidak ada angsuran terbuka / no open installment")
    return rows[0]


async def review_rent(uow: UnitOfWork, actor: Actor, contract_id: int, from_month: int, monthly_rent: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Agree a new rent from ``from_month`` (not yet paid) on; the rest of the schedule becomes a new version."""
    pls.require_role(actor, APPROVERS, "tinjauan sewa MMQ")
    rent = mdh.require_amount(monthly_rent, "monthly_rent", allow_zero=True)
    if (prev := await pls.replay(uow, actor, idempotency_key, "mmq.rent_review", {"contract": contract_id, "from": from_month, "rent": str(rent)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MMQ)
    financing.require_status(c, "active")
    first = await _first_open(uow, c)
    touched = first.paid_margin > 0 or first.paid_principal > 0
    if isinstance(from_month, bool) or not isinstance(from_month, int) or from_month < first.number or (from_month == first.number and touched):
        raise ContractStateError(
            f"tinjauan sewa hanya untuk bulan yang belum dibayar (mulai bulan ke-{first.number + (1 if touched else 0)}) / a review applies to unpaid months only",
            field="from_month",
        )
    terms = pls.mmq_terms(c)
    new_terms = msy.with_rent_review(terms, from_month, rent)
    schedule = msy.build_schedule(new_terms)
    rows = [ScheduleRow(i.number, i.due_date, i.amount, i.principal, i.margin) for i in schedule.installments if i.number >= first.number]
    paid_principal, paid_margin = first.paid_principal, first.paid_margin
    await financing.save_schedule(uow, c, rows, new_version=True)
    if touched:  # the first open month keeps what was already paid on it (its rent did not change)
        carried = (await financing.installments(uow, c, open_only=True))[0]
        carried.paid_principal, carried.paid_margin = paid_principal, paid_margin
    stored = financing.terms_of(c) | {"rent_reviews": [{"from_month": r.from_month, "monthly_rent": str(r.monthly_rent)} for r in new_terms.rent_reviews]}
    c.terms_json = json.dumps(stored, sort_keys=True)
    c.margin_total = sum((r.margin for r in await financing.installments(uow, c)), ZERO)
    body = {"from_month": from_month, "monthly_rent": str(rent), "previous_rent": str(terms.rent_for_month(from_month)), "total_rent_to_bmt": str(c.margin_total)}
    return await pls.finish(uow, actor, c, "rent_review", rent, [], key=idempotency_key, payload=body, extra={"schedule_version": c.schedule_version, "total_rent_to_bmt": money_str(c.margin_total)})


def buyout_quote(c: FinancingContract, first: ContractInstallment) -> msy.MmqBuyout:
    """What buying out the BMT's share costs now, in the month of the first open installment."""
    include = bool(financing.terms_of(c).get("buyout_includes_current_rent"))
    quote = msy.mmq_early_buyout(msy.mmq_schedule(pls.mmq_terms(c)), first.number, include_current_rent=include)
    balance = quote.bmt_balance - first.paid_principal
    rent = max(first.margin - first.paid_margin, ZERO) if include else ZERO
    return msy.MmqBuyout(first.number, balance, rent, balance + rent)


async def buy_out(uow: UnitOfWork, actor: Actor, contract_id: int, *, expected_amount: Decimal | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """The customer buys the BMT's remaining share at once; the open schedule is closed."""
    pls.require_role(actor, pls.CASH_ROLES, "pelunasan dipercepat")
    if (prev := await pls.replay(uow, actor, idempotency_key, "mmq.buyout", {"contract": contract_id, "expected": str(expected_amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, MMQ)
    financing.require_status(c, "active")
    buyout = buyout_quote(c, await _first_open(uow, c))
    if buyout.bmt_balance != c.outstanding:
        raise Conflict(f"porsi BMT di jadwal {money_str(buyout.bmt_balance)} berbeda dengan buku {money_str(c.outstanding)} / schedule and ledger differ")
    if expected_amount is not None and rupiah(expected_amount) != buyout.amount:
        raise Conflict(f"jumlah pelunasan adalah {money_str(buyout.amount)} / the buy-out amount is {money_str(buyout.amount)}", field="expected_amount", amount=money_str(buyout.amount))
    today = uow.business_date()
    entry_id = await pls.post(uow, actor, c, msy.mmq_buyout_entry(buyout, today, ref=str(c.id)), key=idempotency_key)
    await financing.save_schedule(uow, c, [], new_version=True)
    c.last_paid_on = today
    body = {"month": buyout.month, "bmt_balance": str(buyout.bmt_balance), "rent": str(buyout.rent_to_bmt)}
    return await pls.finish(uow, actor, c, "buyout", buyout.amount, [entry_id], key=idempotency_key, payload=body, extra={"month": buyout.month, "bmt_balance": money_str(buyout.bmt_balance), "rent": money_str(buyout.rent_to_bmt)})


def detail(c: FinancingContract, events: list[EventView], schedule: list[ContractInstallment], bal: dict[str, Decimal], today: date) -> dict[str, Any]:
    """The ownership now, the rent in force and the buy-out quote."""
    terms = pls.mmq_terms(c)
    balance = c.principal if c.status in ("application", "approved") else c.outstanding
    first = next((r for r in schedule if r.status == "open"), None)
    return {
        "asset_price": terms.asset_price,
        "bmt_share": balance,
        "customer_share": terms.asset_price - balance,
        "bmt_percent": msy.ownership_percent(balance, terms.asset_price),
        "current_rent": terms.rent_for_month(first.number if first else terms.tenor_months),
        "rent_reviews": terms.rent_reviews,
        "next_installment": first,
        "buyout": buyout_quote(c, first) if first is not None and c.status == "active" else None,
    }
