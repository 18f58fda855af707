"""Murabahah after the akad: early settlement, ta'zir, rescheduling, write-off and recovery.

Private module of ``bmt.services.murabahah`` (which re-exports these names).

* **Early settlement (fatwa 153/2022).** The price is what is still owed less the margin of installments not
  yet due: installments due by the settlement date still owe their margin (that time has elapsed), later
  ones owe only their principal. It is computed from the stored schedule rows, so it agrees with the margin
  the ledger has recognised (payments recognise margin per installment, by the product's allocation order).
  Example A4: after 6 of 12 installments of A1, 5,000,002 (proportional) or 5,265,597 (annuity).
* **Ta'zir (fatwa 17/2000).** A fixed amount agreed in the akad, charged once per installment that is still
  unpaid (or was paid) more than the grace days after its due date; a manager may waive it with a reason
  (force majeure). What is collected goes to the kebajikan fund through ``maal.receive_tazir``, never to
  income (DPS rule FEE-01).
* **Rescheduling (fatwa 48/2005).** A new schedule over the remaining receivable, never more (MUR-07); only a
  documented real cost may be charged, posted separately to fee income.
* **Write-off** needs a proposal and the approval of another manager; **recovery** after it is other income.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bmt.auth.roles import check_four_eyes
from bmt.contracts.common import ContractKind, Installment, Schedule
from bmt.contracts.murabahah import (
    EarlySettled,
    RealCost,
    Recovered,
    Rescheduled,
    SettlementQuote,
    TazirReceived,
    UrbunCancelled,
    WrittenOff,
    entries_for,
    reschedule,
    tazir_due,
)
from bmt.errors import Conflict, ContractStateError, InvalidInput
from bmt.money import R1_HALF_UP_RUPIAH, ZERO, money_str, rupiah
from bmt.persistence.models_financing import ContractEvent, ContractInstallment, FinancingContract
from bmt.services import audit, financing, maal, teller
from bmt.services._murabahah_base import (
    CASH_ROLES,
    KIND,
    MANAGERS,
    OFFICERS,
    contract_balance,
    lock,
    once,
    post,
    require_role,
    result,
    tazir_policy,
    terms_of,
)
from bmt.services.uow import Actor, UnitOfWork

#: Statuses after the akad in which a ta'zir already assessed may still be collected.
TAZIR_PAYABLE = ("active", "settled", "written_off", "closed")
WRITE_OFF_KINDS = ("write_off_proposed", "write_off_rejected", "written_off")


# ---------------------------------------------------------------- pure helpers over the stored rows


def live_settlement(rows: Sequence[ContractInstallment], as_of: date, recognised: Decimal, paid: Decimal) -> SettlementQuote:
    """The settlement price of a live contract on ``as_of`` from its open installment rows (pure).

    Args:
        rows: The contract's installments (open ones count).
        as_of: The settlement date; installments due on or before it keep their margin.
        recognised: Margin recognised so far (ledger).
        paid: Payments received so far (informational).

    Returns:
        The engine's ``SettlementQuote``: ``unrecognised_margin`` is the margin waived, the elapsed margin of
        installments in arrears is recognised when the settlement is paid.
    """
    open_rows = [r for r in rows if r.status == "open"]
    outstanding = sum((r.amount - r.paid_principal - r.paid_margin for r in open_rows), ZERO)
    arrears_margin = sum((r.margin - r.paid_margin for r in open_rows if r.due_date <= as_of), ZERO)
    waived = sum((r.margin - r.paid_margin for r in open_rows if r.due_date > as_of), ZERO)
    return SettlementQuote(as_of, paid, outstanding, waived, outstanding - waived, recognised, recognised + arrears_margin)


def late_installments(rows: Sequence[ContractInstallment], grace_days: int, as_of: date) -> list[ContractInstallment]:
    """Installments that may carry a ta'zir on ``as_of`` (pure): not yet charged, and unpaid more than
    ``grace_days`` after the due date (still open on ``as_of``, or paid only after the grace period)."""
    out = []
    for r in rows:
        if r.tazir_charged or r.status not in ("open", "paid") or r.due_date >= as_of:
            continue
        late_until = as_of if r.status == "open" or r.paid_on is None else min(r.paid_on, as_of)
        if (late_until - r.due_date).days > grace_days:
            out.append(r)
    return out


@dataclass(frozen=True, slots=True)
class Arrear:
    """One installment in arrears on a date."""

    number: int
    due_date: date
    amount_due: Decimal
    days_late: int
    tazir_charged: bool


def arrears(rows: Sequence[ContractInstallment], as_of: date) -> list[Arrear]:
    """Open installments due on or before ``as_of``, with what is still owed on each (pure)."""
    return [
        Arrear(r.number, r.due_date, r.amount - r.paid_principal - r.paid_margin, (as_of - r.due_date).days, r.tazir_charged)
        for r in rows
        if r.status == "open" and r.due_date <= as_of
    ]


def _sum(events: Sequence[ContractEvent], kind: str) -> Decimal:
    return sum((e.amount for e in events if e.kind == kind), ZERO)


def tazir_owed(events: Sequence[ContractEvent]) -> Decimal:
    """Ta'zir assessed and neither waived nor paid."""
    return _sum(events, "tazir_assessed") - _sum(events, "tazir_waived") - _sum(events, "tazir_paid")


def amount_paid(events: Sequence[ContractEvent]) -> Decimal:
    """Installment payments and the early settlement received."""
    return _sum(events, "installment") + _sum(events, "early_settlement")


def pending_write_off(events: Sequence[ContractEvent]) -> ContractEvent | None:
    """The write-off proposal still waiting for a second manager, if any."""
    last = [e for e in events if e.kind in WRITE_OFF_KINDS]
    return last[-1] if last and last[-1].kind == "write_off_proposed" else None


# ---------------------------------------------------------------- early settlement


async def recognised_margin(uow: UnitOfWork, c: FinancingContract) -> Decimal:
    """Margin recognised as income on this contract so far (its income lines in the ledger)."""
    return -await contract_balance(uow, c, "murabahah_income")


async def settlement_quote(uow: UnitOfWork, actor: Actor, contract_id: int, as_of: date | None = None) -> SettlementQuote:
    """What settling an active contract costs on ``as_of`` (default today), without unelapsed margin.

    Raises:
        ContractStateError: unless the contract is active.
        InvalidInput: for a date before the akad.
    """
    c = await financing.get(uow, actor, contract_id)
    if c.kind != KIND:
        raise InvalidInput("bukan kontrak murabahah / not a murabahah contract")
    financing.require_status(c, "active")
    return await _quote(uow, c, as_of or uow.business_date())


async def _quote(uow: UnitOfWork, c: FinancingContract, as_of: date) -> SettlementQuote:
    if c.akad_date is not None and as_of < c.akad_date:
        raise InvalidInput("tanggal pelunasan sebelum tanggal akad / settlement date before the akad", field="as_of")
    rows = await financing.installments(uow, c)
    paid = amount_paid(await financing.events(uow, c))
    return live_settlement(rows, as_of, await recognised_margin(uow, c), paid)


async def settle_early(uow: UnitOfWork, actor: Actor, contract_id: int, *, expected_amount: Decimal | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """Receive the early-settlement price today and close the contract (Dr Kas + Dr MMD / Cr Piutang).

    Args:
        expected_amount: The price the teller told the member; a different price today is refused.

    Raises:
        Conflict: when the price differs from ``expected_amount``.
    """
    require_role(actor, CASH_ROLES, "menerima pelunasan")
    payload = {"contract": contract_id, "expected": str(expected_amount) if expected_amount is not None else None}

    async def run() -> dict[str, Any]:
        cash = await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "active")
        today = uow.business_date()
        q = await _quote(uow, c, today)
        if expected_amount is not None and rupiah(expected_amount) != q.settlement_amount:
            raise Conflict(f"harga pelunasan hari ini Rp{money_str(q.settlement_amount)}, bukan Rp{money_str(rupiah(expected_amount))} / the settlement price today differs", field="expected_amount")
        entries = entries_for(EarlySettled(today, q, source=f"contract:{c.id}:settlement", cash_account=cash[0]))
        [eid] = await post(uow, actor, c, entries, cash, idempotency_key=idempotency_key)
        for r in await financing.installments(uow, c, open_only=True):
            # Principal in full; margin only where its time had elapsed (the rest is not charged).
            r.paid_principal = r.principal
            r.paid_margin = r.margin if r.due_date <= today else r.paid_margin
            r.status, r.paid_on = "paid", today
        _close(c, today, "settled")
        payload_out = {"waived_margin": str(q.unrecognised_margin), "arrears_margin": str(q.margin_recognised_at_settlement)}
        await financing.event(uow, actor, c, "early_settlement", q.settlement_amount, entry_id=eid, payload=payload_out)
        return result("early_settlement", c, eid, q.settlement_amount, waived_margin=money_str(q.unrecognised_margin))

    return await once(uow, actor, idempotency_key, "murabahah.settle", payload, run)


def _close(c: FinancingContract, today: date, status: str) -> None:
    c.outstanding = ZERO
    c.outstanding_principal = ZERO
    c.days_past_due = 0
    c.status, c.closed_on = status, today


# ---------------------------------------------------------------- ta'zir


def _late_condition(as_of: date):  # noqa: ANN202
    """SQL pre-filter of installments that may be late: open and past due, or paid after their due date."""
    from sqlalchemy import and_, or_

    i = ContractInstallment
    return or_(and_(i.status == "open", i.due_date < as_of), and_(i.status == "paid", i.paid_on > i.due_date))


async def assess_tazir(uow: UnitOfWork, actor: Actor, as_of: date | None = None, *, contract_id: int | None = None) -> list[dict[str, Any]]:
    """Charge the akad's ta'zir on every installment late beyond the grace period, once per installment.

    Runs for one contract or, without ``contract_id``, for every active murabahah of the cooperative (the
    daily close calls it that way): then it is set-based — one query finds the candidate installments (locked),
    the pure rules run per contract in memory, and the marks and events are written in bulk. A charge is
    recorded on the contract (an event), not posted: the money reaches the books only when it is paid, and
    then into the kebajikan fund.

    Returns:
        One ``{"contract_id", "installments", "amount"}`` per contract charged.

    Raises:
        InvalidInput: for a date after today.
    """
    require_role(actor, OFFICERS, "menilai ta'zir")
    as_of = as_of or uow.business_date()
    if as_of > uow.business_date():
        raise InvalidInput("tanggal penilaian ta'zir di masa depan / assessment date in the future", field="as_of")
    q = (
        select(ContractInstallment, FinancingContract.terms_json)
        .join(FinancingContract, FinancingContract.id == ContractInstallment.contract_id)
        .where(
            FinancingContract.cooperative_id == actor.coop, FinancingContract.kind == KIND, FinancingContract.status == "active",
            ContractInstallment.tazir_charged.is_(False), _late_condition(as_of),
        )
        .order_by(ContractInstallment.contract_id, ContractInstallment.number)
        .with_for_update(of=ContractInstallment)
    )
    if contract_id is not None:
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "active")
        q = q.where(ContractInstallment.contract_id == contract_id)
    groups: dict[int, tuple[str, list[ContractInstallment]]] = {}
    for row, terms_json in (await uow.session.execute(q)).all():
        groups.setdefault(row.contract_id, (terms_json, []))[1].append(row)
    out = []
    events = []
    for cid, (terms_json, rows) in groups.items():
        policy = tazir_policy(json.loads(terms_json or "{}"))
        late = late_installments(rows, policy.grace_days, as_of)
        if not late:
            continue
        amount = tazir_due(policy, [r.due_date for r in late], as_of)
        for r in late:
            r.tazir_charged = True  # assessed once: with no ta'zir clause (amount 0) it is never looked at again
        if amount == 0:
            continue
        numbers = [r.number for r in late]
        events.append({"contract_id": cid, "cooperative_id": actor.coop, "kind": "tazir_assessed", "value_date": as_of, "at": uow.now(), "actor_id": actor.user_id or None, "amount": amount, "payload_json": json.dumps({"installments": numbers, "per_installment": str(policy.amount), "grace_days": policy.grace_days})})
        out.append({"contract_id": cid, "installments": numbers, "amount": money_str(amount)})
    if events:
        from sqlalchemy import insert

        await uow.session.execute(insert(ContractEvent), events)
        await audit.record(uow, actor, "financing.tazir_assessed", f"cooperative:{actor.coop}", {"as_of": as_of.isoformat(), "contracts": len(events), "charges": out[:50]})
    return out


async def waive_tazir(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str, amount: Decimal | None = None) -> dict[str, Any]:
    """A manager waives ta'zir owed (force majeure, or a customer unable to pay), with the reason recorded.

    Raises:
        InvalidInput: without a reason, or for more than is owed.
        Conflict: when nothing is owed.
    """
    require_role(actor, MANAGERS, "menghapus ta'zir")
    if not reason or not reason.strip():
        raise InvalidInput("alasan penghapusan ta'zir wajib diisi / a reason is required", field="reason")
    c = await lock(uow, actor, contract_id)
    owed = tazir_owed(await financing.events(uow, c))
    if owed == 0:
        raise Conflict("tidak ada ta'zir terutang / no ta'zir is owed")
    waived = owed if amount is None else rupiah(amount, allow_zero=False)
    if waived > owed:
        raise InvalidInput(f"melebihi ta'zir terutang Rp{money_str(owed)} / more than is owed", field="amount")
    await financing.event(uow, actor, c, "tazir_waived", waived, payload={"reason": reason.strip()[:300]})
    return result("tazir_waived", c, None, waived, tazir_owed=money_str(owed - waived))


async def pay_tazir(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, credit_account: str = "kebajikan_payable", idempotency_key: str | None = None) -> dict[str, Any]:
    """Collect ta'zir owed in cash into the kebajikan fund (both books, through ``maal.receive_tazir``).

    Raises:
        ShariaViolation: FEE-01 when ``credit_account`` is anything but the kebajikan fund (e.g. income),
            before anything is read or written.
        InvalidInput: for more than is owed.
    """
    require_role(actor, CASH_ROLES, "menerima ta'zir")
    amount = teller.require_positive(amount)
    # The sharia rule first: the pure builder refuses any credit but the kebajikan fund (FEE-01).
    entries_for(TazirReceived(uow.business_date(), amount, credit_account=credit_account))

    async def run() -> dict[str, Any]:
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, *TAZIR_PAYABLE)
        owed = tazir_owed(await financing.events(uow, c))
        if amount > owed:
            raise InvalidInput(f"ta'zir terutang hanya Rp{money_str(owed)} / only {money_str(owed)} is owed", field="amount")
        eid = await maal.receive_tazir(uow, actor, amount, source=f"contract:{c.id}:tazir", member_id=c.member_id, contract_id=c.id)
        await financing.event(uow, actor, c, "tazir_paid", amount, entry_id=eid, payload={"fund": "kebajikan"})
        return result("tazir_paid", c, eid, amount, tazir_owed=money_str(owed - amount))

    return await once(uow, actor, idempotency_key, "murabahah.tazir", {"contract": contract_id, "amount": str(amount)}, run)


# ---------------------------------------------------------------- rescheduling


@dataclass(frozen=True, slots=True)
class Reschedule:
    """A request to reschedule (fatwa 48/2005).

    Attributes:
        tenor_months: Installments of the new schedule.
        first_due_date: Due date of its first installment (after today).
        new_receivable: Optional lower amount owed (a margin waiver); never more than what remains.
        real_cost: A documented real cost of rescheduling (e.g. notary), charged separately; 0 for none.
        real_cost_description: What the cost was.
        document_ref: The receipt or invoice proving it (required with a cost).
    """

    tenor_months: int
    first_due_date: date
    new_receivable: Decimal | None = None
    real_cost: Decimal = ZERO
    real_cost_description: str = ""
    document_ref: str = ""


def _remaining_as_schedule(c: FinancingContract, due: date) -> Schedule:
    """What remains owed as a one-line schedule (principal + unrecognised margin), for the engine's rule."""
    principal, margin = c.outstanding_principal, c.outstanding - c.outstanding_principal
    row = Installment(1, due, c.outstanding, principal, margin, ZERO)
    return Schedule(ContractKind.MURABAHAH, principal, margin, (row,), R1_HALF_UP_RUPIAH.name)


async def reschedule_contract(uow: UnitOfWork, actor: Actor, contract_id: int, cmd: Reschedule, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """A new schedule over the remaining receivable (never more: MUR-07); any real cost is a separate fee.

    Raises:
        ShariaViolation: MUR-07 for a larger receivable or an undocumented cost.
        InvalidInput: for a first due date not after today, or a bad tenor.
    """
    require_role(actor, MANAGERS, "menjadwal ulang pembiayaan")

    async def run() -> dict[str, Any]:
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "active")
        today = uow.business_date()
        if cmd.first_due_date <= today:
            raise InvalidInput("jatuh tempo pertama jadwal baru harus setelah hari ini / first due date must be after today", field="first_due_date")
        costs = [RealCost(cmd.real_cost_description or "biaya riil penjadwalan ulang", cmd.real_cost, cmd.document_ref)] if cmd.real_cost else []
        r = reschedule(_remaining_as_schedule(c, cmd.first_due_date), _recognition(c), amount_paid=ZERO, tenor_months=cmd.tenor_months, first_due_date=cmd.first_due_date, new_receivable=cmd.new_receivable, real_costs=costs)
        receivable_before = c.outstanding
        cash = await teller.cash_leg(uow, actor) if r.fee > 0 else ("cash", None)
        ids = await post(uow, actor, c, entries_for(Rescheduled(today, r, source=f"contract:{c.id}:reschedule", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        rows = [financing.ScheduleRow(i.number, i.due_date, i.amount, i.principal, i.margin) for i in r.schedule.installments]
        await financing.save_schedule(uow, c, rows, new_version=True)
        c.outstanding -= r.margin_reduction
        c.maturity_date = r.schedule.installments[-1].due_date
        c.days_past_due = 0
        info = {"tenor_months": cmd.tenor_months, "first_due_date": cmd.first_due_date.isoformat(), "margin_reduction": str(r.margin_reduction), "fee": str(r.fee), "document_ref": cmd.document_ref, "schedule_version": c.schedule_version, "receivable_before": str(receivable_before)}
        await financing.event(uow, actor, c, "reschedule", r.schedule.total_amount, entry_id=ids[0] if ids else None, payload=info)
        return result("reschedule", c, ids[0] if ids else None, r.schedule.total_amount, margin_reduction=money_str(r.margin_reduction), fee=money_str(r.fee), schedule_version=c.schedule_version)

    payload = {"contract": contract_id, **{k: str(getattr(cmd, k)) for k in cmd.__dataclass_fields__}}
    return await once(uow, actor, idempotency_key, "murabahah.reschedule", payload, run)


def _recognition(c: FinancingContract) -> str:
    return terms_of(c)["recognition"]


# ---------------------------------------------------------------- cancellation before the akad


async def cancel(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str, *, documented_real_loss: Decimal = ZERO, idempotency_key: str | None = None) -> dict[str, Any]:
    """The member cancels before the goods are bought: the urbun covers the BMT's documented real loss and the
    rest is refunded (fatwa 13/2000; MUR-08): Dr Uang muka / Cr Pendapatan lain (retained); Cr Kas (refund).

    Raises:
        ContractStateError: once the goods are bought or while a wakalah advance is outstanding.
        InvalidInput: without a reason.
    """
    require_role(actor, MANAGERS, "membatalkan pembiayaan")
    if not reason or not reason.strip():
        raise InvalidInput("alasan pembatalan wajib diisi / a reason is required", field="reason")

    async def run() -> dict[str, Any]:
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "application", "approved")
        if await contract_balance(uow, c, "wakalah_receivable") != 0:
            raise ContractStateError("uang muka wakalah belum kembali / a wakalah advance is outstanding")
        cash = await teller.cash_leg(uow, actor) if c.down_payment > 0 else ("cash", None)
        ids: list[int] = []
        if c.down_payment > 0:
            ev = UrbunCancelled(uow.business_date(), c.down_payment, rupiah(documented_real_loss), source=f"contract:{c.id}:cancel", cash_account=cash[0])
            ids = await post(uow, actor, c, entries_for(ev), cash, idempotency_key=idempotency_key)
        urbun, c.down_payment = c.down_payment, ZERO
        c.status, c.closed_on = "cancelled", uow.business_date()
        await financing.event(uow, actor, c, "cancellation", urbun, entry_id=ids[0] if ids else None, payload={"reason": reason.strip()[:300], "documented_real_loss": str(documented_real_loss)})
        return result("cancellation", c, ids[0] if ids else None, urbun)

    return await once(uow, actor, idempotency_key, "murabahah.cancel", {"contract": contract_id, "loss": str(documented_real_loss)}, run)


# ---------------------------------------------------------------- write-off and recovery


async def propose_write_off(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str) -> dict[str, Any]:
    """A manager proposes to write the contract off (hapus buku); another manager must approve it."""
    require_role(actor, MANAGERS, "mengusulkan hapus buku")
    if not reason or not reason.strip():
        raise InvalidInput("alasan hapus buku wajib diisi / a reason is required", field="reason")
    c = await lock(uow, actor, contract_id)
    financing.require_status(c, "active")
    if pending_write_off(await financing.events(uow, c)) is not None:
        raise Conflict("usulan hapus buku sudah menunggu persetujuan / a proposal is already pending")
    await financing.event(uow, actor, c, "write_off_proposed", c.outstanding, payload={"reason": reason.strip()[:300]})
    return result("write_off_proposed", c, None, c.outstanding)


async def decide_write_off(uow: UnitOfWork, actor: Actor, contract_id: int, *, approve: bool, note: str = "") -> dict[str, Any]:
    """A second manager approves (posts Dr PPAP + Dr MMD / Cr Piutang) or rejects the pending proposal.

    Raises:
        PermissionDenied: when the proposer decides their own proposal (four eyes).
        Conflict: when no proposal is pending.
    """
    require_role(actor, MANAGERS, "menyetujui hapus buku")
    c = await lock(uow, actor, contract_id)
    financing.require_status(c, "active")
    proposal = pending_write_off(await financing.events(uow, c))
    if proposal is None:
        raise Conflict("tidak ada usulan hapus buku / no write-off proposal is pending")
    check_four_eyes(proposal.actor_id or 0, actor.user_id, "hapus buku")
    if not approve:
        await financing.event(uow, actor, c, "write_off_rejected", ZERO, payload={"note": note[:300]})
        return result("write_off_rejected", c, None, ZERO)
    today, outstanding = uow.business_date(), c.outstanding
    ev = WrittenOff(today, outstanding, outstanding - c.outstanding_principal, c.ppap_formed, source=f"contract:{c.id}:write_off")
    [eid] = await post(uow, actor, c, entries_for(ev))
    c.ppap_formed -= min(c.ppap_formed, c.outstanding_principal)
    for r in await financing.installments(uow, c, open_only=True):
        r.status = "closed"
    _close(c, today, "written_off")
    await financing.event(uow, actor, c, "written_off", outstanding, entry_id=eid, payload={"proposed_by": proposal.actor_id, "note": note[:300]})
    return result("written_off", c, eid, outstanding)


async def recover(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Cash collected on a written-off contract: Dr Kas / Cr Pendapatan lain (recovery), up to what was written off."""
    require_role(actor, CASH_ROLES, "menerima pemulihan")
    amount = teller.require_positive(amount)

    async def run() -> dict[str, Any]:
        cash = await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "written_off")
        events = await financing.events(uow, c)
        left = _sum(events, "written_off") - _sum(events, "recovery")
        if amount > left:
            raise InvalidInput(f"melebihi sisa yang dihapus buku Rp{money_str(left)} / more than remains written off", field="amount")
        [eid] = await post(uow, actor, c, entries_for(Recovered(uow.business_date(), amount, source=f"contract:{c.id}:recovery", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        await financing.event(uow, actor, c, "recovery", amount, entry_id=eid)
        return result("recovery", c, eid, amount, remaining_written_off=money_str(left - amount))

    return await once(uow, actor, idempotency_key, "murabahah.recovery", {"contract": contract_id, "amount": str(amount)}, run)
