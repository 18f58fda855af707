"""Closing the books through a date, and reopening (admin only, with a reason, audited)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bmt.errors import InvalidInput
from bmt.persistence.models import LedgerLock, PeriodClose
from bmt.services import audit
from bmt.services.uow import Actor, UnitOfWork


async def close_through(uow: UnitOfWork, actor: Actor, through: date, *, label: str = "") -> None:
    """Refuse postings on or before ``through`` from now on. Closing never moves backwards."""
    actor.require("period.close")
    lock = (await uow.session.execute(select(LedgerLock).where(LedgerLock.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if lock is None:
        uow.session.add(LedgerLock(cooperative_id=actor.coop, closed_through=through))
    elif through > lock.closed_through:
        lock.closed_through = through
    else:
        return
    uow.session.add(PeriodClose(cooperative_id=actor.coop, period=label or through.isoformat()[:7], action="close", at=uow.now(), by_user_id=actor.user_id, reason=""))
    await audit.record(uow, actor, "period.close", f"ledger_lock:{actor.coop}", {"through": through.isoformat(), "label": label})


async def reopen(uow: UnitOfWork, actor: Actor, back_to: date, reason: str) -> None:
    """Move the lock back to ``back_to`` (an admin, with a reason)."""
    actor.require("period.reopen")
    if not reason.strip():
        raise InvalidInput("alasan pembukaan kembali wajib diisi / a reason is required", field="reason")
    lock = (await uow.session.execute(select(LedgerLock).where(LedgerLock.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if lock is None or back_to >= lock.closed_through:
        raise InvalidInput("tidak ada periode tertutup setelah tanggal itu / nothing closed after that date")
    old = lock.closed_through
    lock.closed_through = back_to
    uow.session.add(PeriodClose(cooperative_id=actor.coop, period=back_to.isoformat()[:7], action="reopen", at=uow.now(), by_user_id=actor.user_id, reason=reason.strip()[:300]))
    await audit.record(uow, actor, "period.reopen", f"ledger_lock:{actor.coop}", {"from": old.isoformat(), "to": back_to.isoformat(), "reason": reason.strip()})
