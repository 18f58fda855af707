"""Complaints and consultation (pengaduan dan konsultasi): filed by a member or anyone, answered by staff.

Life of a ticket: ``open`` (filed, or the filer wrote again) → ``answered`` (staff replied) → ``closed`` (by
staff, or by the filer when satisfied); a closed ticket may be reopened by the filer within the thread. Every
step is a message in the thread (the trail the filer reads) and an audit event (the trail the office checks).
A ticket not answered by its due time (``SLA_DAYS``) is overdue. A public filer follows the ticket with the
ticket number and a tracking code shown once; only the code's hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bmt.persistence.models import Cooperative
from bmt.persistence.models_portal import Complaint, ComplaintMessage
from bmt.services import audit, members
from bmt.services.uow import SYSTEM, Actor, UnitOfWork

KINDS = {"complaint": "Pengaduan", "question": "Pertanyaan / konsultasi"}
STATUS_LABELS = {"open": "Menunggu jawaban", "answered": "Sudah dijawab", "closed": "Selesai"}
SLA_DAYS = {"complaint": 5, "question": 3}
ANSWERERS = ("admin", "manager", "teller", "financing_officer", "accountant")
MAX_BODY = 4000


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    v = (value or "").strip()
    if required and not v:
        raise InvalidInput(f"{field} wajib diisi / {field} is required", field=field)
    if len(v) > limit:
        raise InvalidInput(f"{field} paling panjang {limit} karakter / too long", field=field)
    return v


def _tracking_hash(code: str) -> str:
    return hashlib.sha256(f"complaint:{code.strip().upper()}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewComplaint:
    kind: str
    subject: str
    body: str
    name: str = ""
    contact: str = ""


@dataclass(frozen=True, slots=True)
class Filed:
    complaint: Complaint
    tracking_code: str  # public filers only; empty for members


async def _next_ticket(uow: UnitOfWork, coop_id: int) -> str:
    n = (await uow.session.execute(select(func.count()).select_from(Complaint).where(Complaint.cooperative_id == coop_id))).scalar_one()
    return f"ADU-{n + 1:06d}"


def _check(cmd: NewComplaint) -> None:
    if cmd.kind not in KINDS:
        raise InvalidInput("jenis: pengaduan atau pertanyaan / kind must be complaint or question", field="kind")
    _text(cmd.subject, "subject", 200)
    _text(cmd.body, "body", MAX_BODY)


async def _create(uow: UnitOfWork, coop_id: int, cmd: NewComplaint, channel: str, member_id: int | None, name: str, tracking: str) -> Complaint:
    now = uow.now()
    # Ticket numbers come from a count, so two filings at once are serialised on the cooperative row.
    await uow.session.execute(select(Cooperative.id).where(Cooperative.id == coop_id).with_for_update())
    c = Complaint(
        cooperative_id=coop_id, ticket_no=await _next_ticket(uow, coop_id), kind=cmd.kind, channel=channel, member_id=member_id, name=name,
        contact=_text(cmd.contact, "contact", 120, required=False), subject=cmd.subject.strip(), status="open",
        tracking_hash=_tracking_hash(tracking) if tracking else "", created_at=now, updated_at=now, due_at=now + timedelta(days=SLA_DAYS[cmd.kind]), closed_at=None,
    )
    uow.session.add(c)
    await uow.session.flush()
    uow.session.add(ComplaintMessage(complaint_id=c.id, cooperative_id=coop_id, author_kind="filer", author_user_id=None, author_name=name, body=cmd.body.strip(), status_after="open", at=now))
    return c


async def file_as_member(uow: UnitOfWork, actor: Actor, cmd: NewComplaint) -> Filed:
    """A member files a complaint or question about their cooperative."""
    actor.require("self.read")
    _check(cmd)
    m = await members.get(uow, actor, actor.member_id or 0)
    c = await _create(uow, actor.coop, cmd, "member", m.id, m.name, "")
    await audit.record(uow, actor, "complaint.file", f"complaint:{c.id}", {"ticket": c.ticket_no, "kind": c.kind, "channel": "member"})
    return Filed(c, "")


async def file_public(uow: UnitOfWork, coop_code: str, cmd: NewComplaint) -> Filed:
    """Anyone files on the public page; returns the tracking code to show once."""
    _check(cmd)
    name = _text(cmd.name, "name", 200)
    _text(cmd.contact, "contact", 120)
    coop = (await uow.session.execute(select(Cooperative).where(func.lower(Cooperative.code) == coop_code.strip().lower()))).scalar_one_or_none()
    if coop is None:
        raise InvalidInput("kode koperasi tidak dikenal / unknown cooperative code", field="coop_code")
    code = secrets.token_hex(4).upper()
    c = await _create(uow, coop.id, cmd, "public", None, name, code)
    await audit.record(uow, SYSTEM, "complaint.file", f"complaint:{c.id}", {"ticket": c.ticket_no, "kind": c.kind, "channel": "public"}, cooperative_id=coop.id)
    return Filed(c, code)


async def _get(uow: UnitOfWork, coop_id: int, complaint_id: int, *, lock: bool = False) -> Complaint:
    q = select(Complaint).where(Complaint.id == complaint_id, Complaint.cooperative_id == coop_id)
    c = (await uow.session.execute(q.with_for_update() if lock else q)).scalar_one_or_none()
    if c is None:
        raise NotFound("pengaduan tidak ditemukan / complaint not found")
    return c


async def get(uow: UnitOfWork, actor: Actor, complaint_id: int, *, lock: bool = False) -> tuple[Complaint, list[ComplaintMessage]]:
    """A ticket and its thread: staff see their cooperative's, a member only their own."""
    if actor.is_member:
        actor.require("self.read")
    elif actor.role not in ANSWERERS and actor.role != "dps":
        raise PermissionDenied("peran ini tidak membaca pengaduan / this role does not read complaints")
    c = await _get(uow, actor.coop, complaint_id, lock=lock)
    if actor.is_member and c.member_id != actor.member_id:
        raise NotFound("pengaduan tidak ditemukan / complaint not found")
    return c, await thread(uow, c)


async def thread(uow: UnitOfWork, c: Complaint) -> list[ComplaintMessage]:
    return list((await uow.session.execute(select(ComplaintMessage).where(ComplaintMessage.complaint_id == c.id).order_by(ComplaintMessage.id))).scalars())


async def track(uow: UnitOfWork, coop_code: str, ticket_no: str, code: str) -> tuple[Complaint, list[ComplaintMessage]]:
    """A public filer's view of their ticket (same NotFound for any mismatch)."""
    coop = (await uow.session.execute(select(Cooperative.id).where(func.lower(Cooperative.code) == coop_code.strip().lower()))).scalar_one_or_none()
    c = None
    if coop is not None:
        c = (await uow.session.execute(select(Complaint).where(Complaint.cooperative_id == coop, Complaint.ticket_no == ticket_no.strip().upper()))).scalar_one_or_none()
    if c is None or not c.tracking_hash or not secrets.compare_digest(c.tracking_hash, _tracking_hash(code)):
        raise NotFound("tiket tidak ditemukan; periksa nomor dan kode lacak / ticket not found")
    return c, await thread(uow, c)


async def _append(uow: UnitOfWork, actor: Actor, c: Complaint, body: str, status: str, *, staff: bool) -> None:
    now = uow.now()
    c.status, c.updated_at = status, now
    c.closed_at = now if status == "closed" else None
    if status == "open" and not staff:
        c.due_at = now + timedelta(days=SLA_DAYS[c.kind])  # the filer wrote again: a new answer is due
    uow.session.add(ComplaintMessage(complaint_id=c.id, cooperative_id=c.cooperative_id, author_kind="staff" if staff else "filer", author_user_id=actor.user_id or None, author_name=actor.name if staff else c.name, body=body, status_after=status, at=now))
    await audit.record(uow, actor, f"complaint.{status}", f"complaint:{c.id}", {"ticket": c.ticket_no, "by": "staff" if staff else "filer"}, cooperative_id=c.cooperative_id)


async def answer(uow: UnitOfWork, actor: Actor, complaint_id: int, body: str, *, close: bool = False) -> Complaint:
    """Staff answer a ticket (and may close it at once)."""
    if actor.role not in ANSWERERS:
        raise PermissionDenied("peran ini tidak menjawab pengaduan / this role does not answer complaints")
    text = _text(body, "body", MAX_BODY)
    c = await _get(uow, actor.coop, complaint_id, lock=True)
    if c.status == "closed":
        raise Conflict("pengaduan sudah selesai / the ticket is closed")
    await _append(uow, actor, c, text, "closed" if close else "answered", staff=True)
    return c


async def close(uow: UnitOfWork, actor: Actor, complaint_id: int, note: str = "") -> Complaint:
    """Close a ticket: staff for any of their cooperative's, a member for their own."""
    c, _ = await get(uow, actor, complaint_id, lock=True)
    if not actor.is_member and actor.role not in ANSWERERS:
        raise PermissionDenied("peran ini tidak menutup pengaduan / this role does not close complaints")
    if c.status == "closed":
        raise Conflict("pengaduan sudah selesai / already closed")
    await _append(uow, actor, c, _text(note, "note", MAX_BODY, required=False) or "Ditutup.", "closed", staff=not actor.is_member)
    return c


async def reply_as_member(uow: UnitOfWork, actor: Actor, complaint_id: int, body: str) -> Complaint:
    """The member writes again on their ticket; it is open (again) and a new answer is due."""
    c, _ = await get(uow, actor, complaint_id, lock=True)
    if not actor.is_member:
        raise PermissionDenied("hanya pelapor / only the filer")
    await _append(uow, actor, c, _text(body, "body", MAX_BODY), "open", staff=False)
    return c


def is_overdue(c: Complaint, now: datetime) -> bool:
    due = c.due_at if c.due_at.tzinfo else c.due_at.replace(tzinfo=now.tzinfo)
    return c.status == "open" and due < now


async def list_for_staff(uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 200) -> list[Complaint]:
    if actor.role not in ANSWERERS and actor.role != "dps":
        raise PermissionDenied("peran ini tidak membaca pengaduan / this role does not read complaints")
    q = select(Complaint).where(Complaint.cooperative_id == actor.coop)
    if status:
        q = q.where(Complaint.status == status)
    return list((await uow.session.execute(q.order_by(Complaint.id.desc()).limit(limit))).scalars())


async def list_for_member(uow: UnitOfWork, actor: Actor) -> list[Complaint]:
    actor.require("self.read")
    q = select(Complaint).where(Complaint.cooperative_id == actor.coop, Complaint.member_id == actor.member_id).order_by(Complaint.id.desc())
    return list((await uow.session.execute(q)).scalars())


@dataclass(frozen=True, slots=True)
class Counts:
    open: int
    answered: int
    closed: int
    overdue: int


async def counts(uow: UnitOfWork, cooperative_ids: list[int]) -> dict[int, Counts]:
    """Tickets by status and overdue, per cooperative (the cooperative office's view)."""
    if not cooperative_ids:
        return {}
    now = uow.now()
    rows = (await uow.session.execute(select(Complaint.cooperative_id, Complaint.status, func.count()).where(Complaint.cooperative_id.in_(cooperative_ids)).group_by(Complaint.cooperative_id, Complaint.status))).all()
    by: dict[int, dict[str, int]] = {i: {} for i in cooperative_ids}
    for coop, status, n in rows:
        by[coop][status] = int(n)
    overdue: dict[int, int] = dict.fromkeys(cooperative_ids, 0)
    opened = (await uow.session.execute(select(Complaint).where(Complaint.cooperative_id.in_(cooperative_ids), Complaint.status == "open"))).scalars()
    for c in opened:
        if is_overdue(c, now):
            overdue[c.cooperative_id] += 1
    return {i: Counts(by[i].get("open", 0), by[i].get("answered", 0), by[i].get("closed", 0), overdue[i]) for i in cooperative_ids}


async def overdue_tickets(uow: UnitOfWork, cooperative_ids: list[int], *, limit: int = 200) -> list[Complaint]:
    now = uow.now()
    q = select(Complaint).where(Complaint.cooperative_id.in_(cooperative_ids or [-1]), Complaint.status == "open").order_by(Complaint.due_at).limit(limit * 2)
    return [c for c in (await uow.session.execute(q)).scalars() if is_overdue(c, now)][:limit]
