"""Qardh and qardhul hasan after disbursement (domain.md §6).

* Repayment is of the principal only (QRD-01 refuses more than is outstanding). A fee may be taken beside it,
  as a separate entry to fee income, and only up to the fee agreed in the akad, itself capped by the
  documented real costs (QRD-01 again).
* A loan from the kebajikan fund lives in the Baitul Maal (piutang qardhul hasan, kas Baitul Maal); one from
  the business book in the Baitul Tamwil (pinjaman qardh, the teller's cash).
* A borrower who cannot pay is forgiven (ibra') by a manager who is not the maker, and the kebajikan fund
  bears it; for a business-book qardh the Tamwil writes the loan off against the kebajikan money it holds
  (titipan dana kebajikan) and the Maal mirrors it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.auth.roles import check_four_eyes
from bmt.contracts import qardh as qrd
from bmt.errors import InsufficientBalance, InvalidInput
from bmt.money import ZERO, money_str, rupiah
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.services import financing, pls
from bmt.services.financing import APPROVERS
from bmt.services.pls import QARDH, EventView
from bmt.services.uow import Actor, UnitOfWork


def fee_collected(events: list[EventView]) -> Decimal:
    return sum((Decimal(e.payload.get("fee", "0")) for e in events if e.kind == "repayment"), ZERO)


def _check_fee(terms: qrd.QardhTerms, already: Decimal, fee: Decimal) -> None:
    """The fee taken so far plus this one stays within the documented real costs and the fee agreed."""
    qrd.check_fee(already + fee, terms.documented_real_costs)
    if already + fee > terms.admin_fee:
        raise InvalidInput(
            f"biaya melebihi biaya administrasi yang disepakati dalam akad ({money_str(terms.admin_fee)}, sudah dipungut {money_str(already)}) / the fee exceeds what the akad agreed",
            field="fee",
        )


async def repay(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, fee: Decimal = ZERO, idempotency_key: str | None = None) -> dict[str, Any]:
    """Take a repayment of principal, and beside it, as its own entry, a real-cost fee agreed in the akad."""
    pls.require_role(actor, pls.CASH_ROLES, "penerimaan angsuran qardh")
    amount, fee = rupiah(amount), rupiah(fee)
    if amount + fee == 0:
        raise InvalidInput("jumlah harus lebih dari nol / amount must be positive", field="amount")
    if (prev := await pls.replay(uow, actor, idempotency_key, "qardh.repayment", {"contract": contract_id, "amount": str(amount), "fee": str(fee)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, QARDH)
    financing.require_status(c, "active")
    terms, today, ref = pls.qardh_terms(c), uow.business_date(), str(c.id)
    if fee > 0:
        _check_fee(terms, fee_collected(pls.event_views(await financing.events(uow, c))), fee)
    entries = [qrd.repayment_entry(terms, today, amount, c.outstanding, ref=ref)] if amount > 0 else []
    if fee > 0:
        entries.append(qrd.fee_entry(replace(terms, admin_fee=fee), today, ref=ref))
    ids = [await pls.post(uow, actor, c, je, key=idempotency_key if i == 0 else None) for i, je in enumerate(entries)]
    if amount > 0:
        await financing.allocate_payment(uow, c, amount, ("margin", "principal"), today)
        c.last_paid_on = today
    return await pls.finish(uow, actor, c, "repayment", amount, ids, key=idempotency_key, payload={"fee": str(fee), "book": terms.book}, extra={"fee": money_str(fee)})


async def forgive(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str, *, amount: Decimal | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """Forgive (ibra') what the borrower cannot pay, all of it by default, charged to the kebajikan fund."""
    pls.require_role(actor, APPROVERS, "pembebasan qardh")
    if not reason.strip():
        raise InvalidInput("alasan pembebasan wajib diisi / a reason is required", field="reason")
    if (prev := await pls.replay(uow, actor, idempotency_key, "qardh.forgiveness", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await pls.contract(uow, actor, contract_id, QARDH)
    financing.require_status(c, "active")
    check_four_eyes(c.maker_id, actor.user_id, "pembebasan qardh")
    terms, today = pls.qardh_terms(c), uow.business_date()
    forgiven = c.outstanding if amount is None else rupiah(amount, allow_zero=False)
    await _check_kebajikan_bears(uow, c, terms, forgiven)
    entries = qrd.forgiveness_entries(terms, today, forgiven, c.outstanding, ref=str(c.id))
    ids = [await pls.post(uow, actor, c, je, key=idempotency_key if i == 0 else None) for i, je in enumerate(entries)]
    await pls.reschedule_capital(uow, c, c.outstanding)
    return await pls.finish(uow, actor, c, "forgiveness", forgiven, ids, key=idempotency_key, payload={"reason": reason.strip()[:300]})


async def _check_kebajikan_bears(uow: UnitOfWork, c: FinancingContract, terms: qrd.QardhTerms, amount: Decimal) -> None:
    """The kebajikan fund (and, for a business-book loan, the kebajikan money the Tamwil holds) covers the amount."""
    fund = -await pls.account_balance(uow, c.cooperative_id, "kebajikan_fund")
    if amount > fund:
        raise InsufficientBalance(f"dana kebajikan {money_str(max(fund, ZERO))} tidak cukup untuk pembebasan {money_str(amount)} / the kebajikan fund cannot bear it")
    if terms.source == "commercial":
        held = -await pls.account_balance(uow, c.cooperative_id, "kebajikan_payable")
        if amount > held:
            raise InsufficientBalance(
                f"titipan dana kebajikan di Baitul Tamwil {money_str(max(held, ZERO))} tidak cukup untuk pembebasan {money_str(amount)} / "
                "the kebajikan money held by the Tamwil cannot bear it"
            )


def detail(c: FinancingContract, events: list[EventView], schedule: list[ContractInstallment], bal: dict[str, Decimal], today: date) -> dict[str, Any]:
    """The source and book of the loan, the fee agreed and taken, what was forgiven."""
    terms = pls.qardh_terms(c)
    return {
        "source": terms.source,
        "book": terms.book,
        "admin_fee": terms.admin_fee,
        "documented_real_costs": terms.documented_real_costs,
        "fee_collected": fee_collected(events),
        "repaid": sum((e.amount for e in events if e.kind == "repayment"), ZERO),
        "forgiven": sum((e.amount for e in events if e.kind == "forgiveness"), ZERO),
    }
