"""Manual journal entries with maker–checker approval, and reversals.

A maker proposes an entry (a draft: not in the ledger); a second person approves it, and only then is it
posted, with both names on it. The maker can never approve their own draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bmt.auth.roles import check_four_eyes
from bmt.errors import Conflict, InvalidInput, NotFound
from bmt.ledger import JournalEntry, Posting, check_balanced
from bmt.money import rupiah
from bmt.persistence.models import JournalDraft
from bmt.services import audit, ledger
from bmt.services.uow import Actor, UnitOfWork

MAX_MANUAL_LINES = 50


@dataclass(frozen=True, slots=True)
class DraftLine:
    account: str  # code or key
    debit: Decimal
    credit: Decimal
    memo: str = ""


@dataclass(frozen=True, slots=True)
class ProposeEntry:
    value_date: date
    description: str
    lines: tuple[DraftLine, ...]
    book: str = "tamwil"


def to_postings(lines: tuple[DraftLine, ...]) -> tuple[Posting, ...]:
    """Lines with one side each, as postings; refuses a line with both or neither side."""
    if not 2 <= len(lines) <= MAX_MANUAL_LINES:
        raise InvalidInput(f"jurnal manual 2–{MAX_MANUAL_LINES} baris / a manual entry has 2–{MAX_MANUAL_LINES} lines", field="lines")
    out = []
    for i, ln in enumerate(lines, 1):
        d, c = rupiah(ln.debit), rupiah(ln.credit)
        if (d > 0) == (c > 0):
            raise InvalidInput(f"baris {i}: isi debit atau kredit, salah satu / line {i}: fill exactly one of debit or credit", field="lines")
        out.append(Posting.debit(ln.account, d, memo=ln.memo or None) if d > 0 else Posting.credit(ln.account, c, memo=ln.memo or None))
    check_balanced(out)
    return tuple(out)


async def propose(uow: UnitOfWork, actor: Actor, cmd: ProposeEntry) -> int:
    """Record a draft entry for approval. Everything is validated now, so approval cannot fail on input."""
    actor.require("ledger.propose")
    if not cmd.description.strip():
        raise InvalidInput("keterangan wajib diisi / description is required", field="description")
    if cmd.book not in ("tamwil", "maal"):
        raise InvalidInput("buku harus tamwil atau maal / book must be tamwil or maal", field="book")
    postings = to_postings(cmd.lines)
    accounts = await ledger.chart(uow, actor.coop)
    if any(p.account not in accounts for p in postings):
        accounts = await ledger.chart(uow, actor.coop, refresh=True)
    for p in postings:
        ref = accounts.get(p.account)
        if ref is None:
            raise InvalidInput(f"akun tidak dikenal: {p.account} / unknown account", field="lines")
        if ref.book != cmd.book:
            raise InvalidInput(f"akun {ref.code} bukan milik buku {cmd.book} / account of the other book", field="lines")
    lock = await ledger.closed_through(uow, actor.coop)
    if lock is not None and cmd.value_date <= lock:
        raise InvalidInput(f"tanggal {cmd.value_date.isoformat()} sudah ditutup / that date is closed", field="value_date")
    payload = [{"account": accounts[p.account].code, "amount": str(p.amount), "memo": p.memo or ""} for p in postings]
    d = JournalDraft(
        cooperative_id=actor.coop, book=cmd.book, value_date=cmd.value_date, description=cmd.description.strip()[:500],
        lines_json=json.dumps(payload), status="pending", maker_id=actor.user_id, created_at=uow.now(), decision_note="",
    )
    uow.session.add(d)
    await uow.session.flush()
    await audit.record(uow, actor, "journal.propose", f"journal_draft:{d.id}", {"lines": payload, "value_date": cmd.value_date.isoformat()})
    return d.id


async def _pending(uow: UnitOfWork, actor: Actor, draft_id: int) -> JournalDraft:
    d = (await uow.session.execute(select(JournalDraft).where(JournalDraft.id == draft_id, JournalDraft.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if d is None:
        raise NotFound("draf jurnal tidak ditemukan / draft not found")
    if d.status != "pending":
        raise Conflict(f"draf sudah {d.status} / draft already {d.status}")
    return d


async def approve(uow: UnitOfWork, actor: Actor, draft_id: int) -> int:
    """Approve a draft (by someone other than its maker) and post it. Returns the entry id."""
    actor.require("ledger.approve")
    d = await _pending(uow, actor, draft_id)
    check_four_eyes(d.maker_id, actor.user_id, "jurnal manual")
    lines = tuple(Posting(x["account"], Decimal(x["amount"]), memo=x["memo"] or None) for x in json.loads(d.lines_json))
    je = JournalEntry(d.value_date, d.description, lines, source=f"manual:{d.id}", book=d.book)
    maker = Actor(d.maker_id, "", "", "", actor.coop, actor.branch_id)
    entry_id = await ledger.post(uow, maker, je, checker_id=actor.user_id, audit_event=False)
    d.status, d.checker_id, d.entry_id, d.decided_at = "approved", actor.user_id, entry_id, uow.now()
    await audit.record(uow, actor, "journal.approve", f"journal_draft:{d.id}", {"entry_id": entry_id})
    return entry_id


async def reject(uow: UnitOfWork, actor: Actor, draft_id: int, note: str) -> None:
    actor.require("ledger.approve")
    d = await _pending(uow, actor, draft_id)
    check_four_eyes(d.maker_id, actor.user_id, "jurnal manual")
    d.status, d.checker_id, d.decided_at, d.decision_note = "rejected", actor.user_id, uow.now(), note.strip()[:300]
    await audit.record(uow, actor, "journal.reject", f"journal_draft:{d.id}", {"note": d.decision_note})


async def drafts(uow: UnitOfWork, actor: Actor, status: str | None = "pending", limit: int = 100) -> list[JournalDraft]:
    actor.require("ledger.read")
    q = select(JournalDraft).where(JournalDraft.cooperative_id == actor.coop)
    if status:
        q = q.where(JournalDraft.status == status)
    return list((await uow.session.execute(q.order_by(JournalDraft.id.desc()).limit(limit))).scalars())


def draft_lines(d: JournalDraft) -> list[dict[str, str]]:
    """A draft's lines with debit and credit spelled out."""
    out = []
    for x in json.loads(d.lines_json):
        amt = Decimal(x["amount"])
        out.append({"account": x["account"], "debit": str(amt) if amt > 0 else "", "credit": str(-amt) if amt < 0 else "", "memo": x["memo"]})
    return out
