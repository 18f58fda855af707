"""The teller's cash drawer: opened with a float from the vault, moved by every cash operation, closed with a
count. A difference goes to the suspense account and waits for the manager.

Journals (sub-ledger ``drawer:<id>`` on the teller-cash account):

* open:   Dr Kas teller (float) / Cr Kas (vault)
* close:  Dr Kas (counted) [+ Dr Suspense shortage | Cr Suspense overage] / Cr Kas teller (expected)
* manager approves a shortage: Dr Selisih kas (kurang) / Cr Suspense; an overage: Dr Suspense / Cr Selisih kas (lebih)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bmt.auth.roles import check_four_eyes
from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bmt.ledger import Posting, entry
from bmt.money import ZERO, rupiah
from bmt.persistence.models import TellerDrawer
from bmt.services import audit, ledger
from bmt.services.uow import Actor, UnitOfWork

CASH_ROLES = ("teller", "manager", "admin")


async def open_drawer(uow: UnitOfWork, actor: Actor, float_amount: Decimal) -> TellerDrawer:
    """Open today's drawer for the acting teller (one open drawer at a time)."""
    if actor.role not in CASH_ROLES:
        raise PermissionDenied("hanya teller yang membuka laci kas / only tellers open a cash drawer")
    amount = rupiah(float_amount)
    today = uow.business_date()
    existing = await current_drawer(uow, actor, required=False)
    if existing is not None:
        raise Conflict(f"laci kas #{existing.id} masih terbuka / a drawer is already open")
    d = TellerDrawer(cooperative_id=actor.coop, branch_id=actor.branch_id, teller_id=actor.user_id, business_date=today, status="open", float_amount=amount, opened_at=uow.now())
    uow.session.add(d)
    await uow.session.flush()
    if amount > 0:
        await ledger.post(uow, actor, entry(today, f"Buka laci kas #{d.id} ({actor.name})", Posting.debit("teller_cash", amount, subledger=f"drawer:{d.id}"), Posting.credit("cash", amount), source=f"drawer:{d.id}:open"))
    await audit.record(uow, actor, "drawer.open", f"teller_drawer:{d.id}", {"float": str(amount)})
    return d


async def current_drawer(uow: UnitOfWork, actor: Actor, *, required: bool = True, lock: bool = False) -> TellerDrawer | None:
    """The acting teller's open drawer (any date: a drawer left open must be closed first)."""
    q = select(TellerDrawer).where(TellerDrawer.cooperative_id == actor.coop, TellerDrawer.teller_id == actor.user_id, TellerDrawer.status == "open")
    if lock:
        q = q.with_for_update()
    d = (await uow.session.execute(q)).scalar_one_or_none()
    if d is None and required:
        raise Conflict("laci kas belum dibuka / open your cash drawer first", field="drawer")
    if d is not None and required and d.business_date != uow.business_date():
        raise Conflict(f"laci kas tanggal {d.business_date.isoformat()} belum ditutup / close the previous day's drawer first", field="drawer")
    return d


async def cash_leg(uow: UnitOfWork, actor: Actor) -> tuple[str, str | None]:
    """Where cash moves for this actor: their open drawer (tellers must have one), else the main cash account."""
    if actor.role == "teller":
        d = await current_drawer(uow, actor)
        return "teller_cash", f"drawer:{d.id}"
    d = await current_drawer(uow, actor, required=False)
    if d is not None and d.business_date == uow.business_date():
        return "teller_cash", f"drawer:{d.id}"
    return "cash", None


async def drawer_balance(uow: UnitOfWork, d: TellerDrawer) -> Decimal:
    return await ledger.subledger_balance(uow, d.cooperative_id, f"drawer:{d.id}", ["teller_cash"])


@dataclass(frozen=True, slots=True)
class DrawerClose:
    drawer_id: int
    expected: Decimal
    counted: Decimal
    difference: Decimal  # counted - expected (negative = shortage)


async def close_drawer(uow: UnitOfWork, actor: Actor, counted: Decimal) -> DrawerClose:
    """Close the acting teller's drawer with the cash counted; a difference waits for the manager."""
    d = await current_drawer(uow, actor, required=False, lock=True)
    if d is None:
        raise Conflict("tidak ada laci kas yang terbuka / no open drawer")
    counted = rupiah(counted)
    expected = await drawer_balance(uow, d)
    diff = counted - expected
    lines = []
    if counted > 0:
        lines.append(Posting.debit("cash", counted))
    if diff < 0:
        lines.append(Posting.debit("suspense", -diff, subledger=f"drawer:{d.id}"))
    elif diff > 0:
        lines.append(Posting.credit("suspense", diff, subledger=f"drawer:{d.id}"))
    if expected > 0:
        lines.append(Posting.credit("teller_cash", expected, subledger=f"drawer:{d.id}"))
    elif expected < 0:
        raise Conflict("saldo laci negatif; hubungi manajer / negative drawer balance")
    if lines:
        await ledger.post(uow, actor, entry(d.business_date if d.business_date >= (await _lock(uow, actor)) else uow.business_date(), f"Tutup laci kas #{d.id} ({actor.name})", *lines, source=f"drawer:{d.id}:close"))
    d.expected_amount, d.counted_amount, d.difference = expected, counted, diff
    d.status = "difference_pending" if diff != 0 else "closed"
    d.closed_at = uow.now()
    await audit.record(uow, actor, "drawer.close", f"teller_drawer:{d.id}", {"expected": str(expected), "counted": str(counted), "difference": str(diff)})
    return DrawerClose(d.id, expected, counted, diff)


async def _lock(uow: UnitOfWork, actor: Actor) -> date:
    return (await ledger.closed_through(uow, actor.coop)) or date.min


async def approve_difference(uow: UnitOfWork, actor: Actor, drawer_id: int, note: str = "") -> int:
    """The manager settles a closing difference out of suspense (never the teller themself)."""
    if actor.role not in ("manager", "admin"):
        raise PermissionDenied("hanya manajer yang menyetujui selisih kas / only a manager approves a cash difference")
    d = (await uow.session.execute(select(TellerDrawer).where(TellerDrawer.id == drawer_id, TellerDrawer.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if d is None:
        raise NotFound("laci kas tidak ditemukan / drawer not found")
    if d.status != "difference_pending":
        raise Conflict("tidak ada selisih yang menunggu persetujuan / no pending difference")
    check_four_eyes(d.teller_id, actor.user_id, "selisih kas")
    diff = d.difference or ZERO
    sub = f"drawer:{d.id}"
    if diff < 0:
        je = entry(uow.business_date(), f"Selisih kurang laci #{d.id}: {note}".strip(), Posting.debit("teller_shortage", -diff), Posting.credit("suspense", -diff, subledger=sub), source=f"drawer:{d.id}:difference")
    else:
        je = entry(uow.business_date(), f"Selisih lebih laci #{d.id}: {note}".strip(), Posting.debit("suspense", diff, subledger=sub), Posting.credit("teller_overage", diff), source=f"drawer:{d.id}:difference")
    eid = await ledger.post(uow, actor, je)
    d.status, d.approved_by = "difference_approved", actor.user_id
    await audit.record(uow, actor, "drawer.approve_difference", f"teller_drawer:{d.id}", {"difference": str(diff), "note": note})
    return eid


async def drawers(uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 50) -> list[TellerDrawer]:
    q = select(TellerDrawer).where(TellerDrawer.cooperative_id == actor.coop)
    if status:
        q = q.where(TellerDrawer.status == status)
    return list((await uow.session.execute(q.order_by(TellerDrawer.id.desc()).limit(limit))).scalars())


def require_positive(amount: Decimal, field: str = "amount") -> Decimal:
    value = rupiah(amount, allow_zero=False)
    if value <= 0:
        raise InvalidInput("jumlah harus lebih dari nol / amount must be positive", field=field)
    return value
