"""What every financing contract shares: application, approval (maker–checker), schedule storage, payment
allocation over the schedule, and the event history. Each akad's own use cases (murabahah sale, mudharabah
report, MMQ buy-back...) live in their own service module and call these.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from bmt.auth.roles import check_four_eyes
from bmt.contracts.allocation import Allocation, DueItem, allocate
from bmt.errors import Conflict, ContractStateError, InvalidInput, NotFound, PermissionDenied
from bmt.money import ZERO, rupiah
from bmt.persistence.models import Member
from bmt.persistence.models_financing import (
    ContractEvent,
    ContractInstallment,
    FinancingContract,
    FinancingProduct,
)
from bmt.services import audit
from bmt.services.uow import Actor, UnitOfWork

KINDS = ("murabahah", "mudharabah", "musyarakah", "musyarakah_mutanaqisah", "qardh")
PREFIX = {"murabahah": "MRB", "mudharabah": "MDH", "musyarakah": "MSY", "musyarakah_mutanaqisah": "MMQ", "qardh": "QRD"}
APPROVERS = ("manager", "admin")
PROPOSERS = ("financing_officer", "manager", "admin")


@dataclass(frozen=True, slots=True)
class Application:
    member_id: int
    kind: str
    principal: Decimal
    terms: dict[str, Any]
    purpose: str = ""
    product_id: int | None = None
    collateral_value: Decimal = ZERO
    officer_id: int | None = None


async def apply(uow: UnitOfWork, actor: Actor, app: Application) -> FinancingContract:
    """Record an application (the officer is the maker)."""
    if actor.role not in PROPOSERS:
        raise PermissionDenied("hanya AO atau manajer yang mengajukan pembiayaan / only a financing officer or manager proposes financing")
    if app.kind not in KINDS:
        raise InvalidInput(f"jenis akad tidak dikenal: {app.kind} / unknown akad", field="kind")
    member = (await uow.session.execute(select(Member).where(Member.id == app.member_id, Member.cooperative_id == actor.coop))).scalar_one_or_none()
    if member is None:
        raise NotFound("anggota tidak ditemukan / member not found")
    if member.status != "active":
        raise Conflict("anggota tidak aktif / member is not active")
    principal = rupiah(app.principal, allow_zero=False)
    if app.product_id is not None:
        prod = await product(uow, actor.coop, app.product_id)
        if prod.kind != app.kind:
            raise InvalidInput("produk bukan untuk akad ini / product of another akad", field="product_id")
    seq = (await uow.session.execute(select(func.count()).select_from(FinancingContract).where(FinancingContract.cooperative_id == actor.coop))).scalar_one() + 1
    c = FinancingContract(
        cooperative_id=actor.coop, branch_id=actor.branch_id, member_id=member.id, product_id=app.product_id, kind=app.kind,
        contract_no=f"{PREFIX[app.kind]}{actor.coop:03d}{seq:06d}", status="application", purpose=app.purpose.strip()[:300],
        officer_id=app.officer_id or actor.user_id, maker_id=actor.user_id, applied_on=uow.business_date(), principal=principal,
        collateral_value=rupiah(app.collateral_value), terms_json=json.dumps(app.terms, default=str, sort_keys=True), schedule_version=1, version=0,
    )
    uow.session.add(c)
    await uow.session.flush()
    await event(uow, actor, c, "application", principal, payload={"terms": app.terms})
    return c


async def approve(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """A manager other than the maker approves the application."""
    if actor.role not in APPROVERS:
        raise PermissionDenied("hanya manajer yang menyetujui pembiayaan / only a manager approves financing")
    c = await lock(uow, actor, contract_id)
    require_status(c, "application")
    check_four_eyes(c.maker_id, actor.user_id, "persetujuan pembiayaan")
    c.status, c.checker_id, c.approved_on = "approved", actor.user_id, uow.business_date()
    await event(uow, actor, c, "approval", ZERO)
    return c


async def reject(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str) -> FinancingContract:
    if actor.role not in APPROVERS:
        raise PermissionDenied("hanya manajer / manager only")
    c = await lock(uow, actor, contract_id)
    require_status(c, "application")
    c.status, c.checker_id, c.closed_on = "rejected", actor.user_id, uow.business_date()
    await event(uow, actor, c, "rejection", ZERO, payload={"reason": reason})
    return c


async def get(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """A contract of the actor's cooperative (a member sees only their own)."""
    c = (await uow.session.execute(select(FinancingContract).where(FinancingContract.id == contract_id, FinancingContract.cooperative_id == actor.coop))).scalar_one_or_none()
    if c is None or (actor.is_member and c.member_id != actor.member_id):
        raise NotFound("kontrak tidak ditemukan / contract not found")
    return c


async def lock(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """The contract row, locked for this transaction (payments and the daily close never interleave)."""
    c = (await uow.session.execute(select(FinancingContract).where(FinancingContract.id == contract_id, FinancingContract.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if c is None or (actor.is_member and c.member_id != actor.member_id):
        raise NotFound("kontrak tidak ditemukan / contract not found")
    return c


def require_status(c: FinancingContract, *allowed: str) -> None:
    if c.status not in allowed:
        raise ContractStateError(f"kontrak {c.contract_no} berstatus {c.status}; tindakan ini butuh status {' / '.join(allowed)} / contract is {c.status}")


def terms_of(c: FinancingContract) -> dict[str, Any]:
    return json.loads(c.terms_json or "{}")


async def product(uow: UnitOfWork, coop: int, product_id: int) -> FinancingProduct:
    p = (await uow.session.execute(select(FinancingProduct).where(FinancingProduct.id == product_id, FinancingProduct.cooperative_id == coop))).scalar_one_or_none()
    if p is None:
        raise NotFound("produk pembiayaan tidak ditemukan / financing product not found")
    return p


async def list_contracts(uow: UnitOfWork, actor: Actor, *, kind: str | None = None, status: str | None = None, member_id: int | None = None, limit: int = 100, offset: int = 0) -> list[FinancingContract]:
    q = select(FinancingContract).where(FinancingContract.cooperative_id == actor.coop)
    if actor.is_member:
        q = q.where(FinancingContract.member_id == actor.member_id)
    if kind:
        q = q.where(FinancingContract.kind == kind)
    if status:
        q = q.where(FinancingContract.status == status)
    if member_id:
        q = q.where(FinancingContract.member_id == member_id)
    return list((await uow.session.execute(q.order_by(FinancingContract.id.desc()).limit(min(max(limit, 1), 500)).offset(max(offset, 0)))).scalars())


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    number: int
    due_date: date
    amount: Decimal
    principal: Decimal
    margin: Decimal


async def save_schedule(uow: UnitOfWork, c: FinancingContract, rows: Sequence[ScheduleRow], *, new_version: bool = False) -> None:
    """Store the contract's schedule. A new version (rescheduling) supersedes the open installments of the old."""
    if new_version:
        await uow.session.execute(
            update(ContractInstallment).where(ContractInstallment.contract_id == c.id, ContractInstallment.schedule_version == c.schedule_version, ContractInstallment.status == "open").values(status="superseded")
        )
        c.schedule_version += 1
    uow.session.add_all(
        ContractInstallment(contract_id=c.id, cooperative_id=c.cooperative_id, schedule_version=c.schedule_version, number=r.number, due_date=r.due_date, amount=r.amount, principal=r.principal, margin=r.margin, paid_principal=ZERO, paid_margin=ZERO, status="open")
        for r in rows
    )
    await uow.session.flush()


async def installments(uow: UnitOfWork, c: FinancingContract, *, open_only: bool = False) -> list[ContractInstallment]:
    q = select(ContractInstallment).where(ContractInstallment.contract_id == c.id, ContractInstallment.status != "superseded")
    if open_only:
        q = q.where(ContractInstallment.status == "open")
    return list((await uow.session.execute(q.order_by(ContractInstallment.schedule_version, ContractInstallment.number))).scalars())


async def allocate_payment(uow: UnitOfWork, c: FinancingContract, amount: Decimal, order: tuple[str, ...], value_date: date) -> tuple[Allocation, dict[str, Decimal]]:
    """Apply a payment to the open installments, oldest first, by component order; mark what it settles.

    Returns the allocation and totals per component (``margin``, ``principal``). What exceeds everything owed
    is reported as ``allocation.unapplied`` for the caller to refuse or hold.
    """
    rows = await installments(uow, c, open_only=True)
    items = [DueItem(r.number, {"margin": r.margin - r.paid_margin, "principal": r.principal - r.paid_principal}) for r in rows]
    alloc = allocate(amount, items, order)
    by_number = {r.number: r for r in rows}
    totals = {"margin": ZERO, "principal": ZERO}
    for line in alloc.lines:
        r = by_number[line.number]
        if line.component == "margin":
            r.paid_margin += line.amount
        else:
            r.paid_principal += line.amount
        totals[line.component] += line.amount
    for r in rows:
        if r.paid_margin == r.margin and r.paid_principal == r.principal:
            r.status, r.paid_on = "paid", value_date
    return alloc, totals


async def event(uow: UnitOfWork, actor: Actor, c: FinancingContract, kind: str, amount: Decimal, *, entry_id: int | None = None, value_date: date | None = None, payload: dict[str, Any] | None = None) -> None:
    """Append to the contract's history and to the audit chain."""
    uow.session.add(ContractEvent(contract_id=c.id, cooperative_id=c.cooperative_id, kind=kind, value_date=value_date or uow.business_date(), at=uow.now(), actor_id=actor.user_id or None, amount=amount, entry_id=entry_id, payload_json=json.dumps(payload or {}, default=str)))
    await audit.record(uow, actor, f"financing.{kind}", f"contract:{c.id}", {"amount": str(amount), "entry": entry_id, **(payload or {})}, cooperative_id=c.cooperative_id)


async def events(uow: UnitOfWork, c: FinancingContract) -> list[ContractEvent]:
    return list((await uow.session.execute(select(ContractEvent).where(ContractEvent.contract_id == c.id).order_by(ContractEvent.id))).scalars())


def sub(c: FinancingContract) -> str:
    """The sub-ledger tag of a contract's lines."""
    return f"contract:{c.id}"
