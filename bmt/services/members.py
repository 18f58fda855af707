"""Members (anggota): registration with simpanan pokok, monthly simpanan wajib, search, deactivation.

Simpanan pokok and wajib are equity (UU 25/1992 Ps. 41; domain.md §9): Dr Kas / Cr Simpanan pokok|wajib,
each line tagged with the member's sub-ledger ``member:<id>`` so a member's equity is always known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from bmt.dates import Period
from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bmt.ledger import Posting, entry
from bmt.money import rupiah
from bmt.persistence.models import Cooperative, JournalEntry, Member
from bmt.services import audit, ledger, teller
from bmt.services.uow import Actor, UnitOfWork

# Province codes (BPS) that begin a valid NIK.
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97}
)
_PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")


def check_nik(nik: str, birth_date: date | None = None) -> str:
    """Validate an Indonesian NIK and return the sex it encodes ("L" or "P").

    A NIK has 16 digits: province (2), regency (2), district (2), birth day (+40 for women), month, year (2),
    and a 4-digit serial that is never 0000. When ``birth_date`` is given, the NIK must encode it.

    Raises:
        InvalidInput: naming what is wrong.
    """
    nik = nik.strip()
    if not re.fullmatch(r"\d{16}", nik):
        raise InvalidInput("NIK harus 16 angka / NIK must be 16 digits", field="nik")
    if int(nik[:2]) not in PROVINCES:
        raise InvalidInput("kode provinsi pada NIK tidak valid / invalid province code in NIK", field="nik")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise InvalidInput("tanggal lahir pada NIK tidak valid / invalid birth date in NIK", field="nik")
    if nik[12:] == "0000":
        raise InvalidInput("nomor urut NIK tidak valid / invalid NIK serial", field="nik")
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, yy):
        raise InvalidInput("NIK tidak sesuai dengan tanggal lahir / NIK does not match the birth date", field="nik")
    return sex


@dataclass(frozen=True, slots=True)
class RegisterMember:
    nik: str
    name: str
    birth_date: date
    address: str
    phone: str
    joined_on: date | None = None
    branch_id: int | None = None
    simpanan_pokok_paid: bool = True


def _validate(cmd: RegisterMember, today: date) -> tuple[str, str]:
    sex = check_nik(cmd.nik, cmd.birth_date)
    name = " ".join(cmd.name.split())
    if not (2 <= len(name) <= 200):
        raise InvalidInput("nama wajib diisi (2–200 huruf) / name is required", field="name")
    if cmd.birth_date > today or (today.year - cmd.birth_date.year) > 120:
        raise InvalidInput("tanggal lahir tidak masuk akal / implausible birth date", field="birth_date")
    age = today.year - cmd.birth_date.year - ((today.month, today.day) < (cmd.birth_date.month, cmd.birth_date.day))
    if age < 17:
        raise InvalidInput("anggota minimal berusia 17 tahun / members must be at least 17", field="birth_date")
    if not cmd.address.strip():
        raise InvalidInput("alamat wajib diisi / address is required", field="address")
    phone = re.sub(r"[\s-]", "", cmd.phone)
    if not _PHONE.match(phone):
        raise InvalidInput("nomor HP tidak valid (mis. 081234567890) / invalid mobile number", field="phone")
    return sex, phone


async def register(uow: UnitOfWork, actor: Actor, cmd: RegisterMember, *, idempotency_key: str | None = None) -> Member:
    """Register a member, give the next member number, and post the simpanan pokok paid in cash."""
    actor.require("members.write")
    coop_id = actor.coop
    today = uow.business_date()
    sex, phone = _validate(cmd, today)
    if (await uow.session.execute(select(Member.id).where(Member.cooperative_id == coop_id, Member.nik == cmd.nik.strip()))).scalar_one_or_none():
        raise Conflict("NIK sudah terdaftar sebagai anggota / this NIK is already a member", field="nik")
    coop = (await uow.session.execute(select(Cooperative).where(Cooperative.id == coop_id).with_for_update())).scalar_one()
    member_no = f"{coop.member_no_prefix}{coop.next_member_seq:06d}"
    coop.next_member_seq += 1
    joined = cmd.joined_on or today
    m = Member(
        cooperative_id=coop_id, branch_id=cmd.branch_id or actor.branch_id, member_no=member_no, nik=cmd.nik.strip(),
        name=" ".join(cmd.name.split()), birth_date=cmd.birth_date, gender=sex, address=cmd.address.strip(), phone=phone,
        joined_on=joined, status="active", deactivation_reason="", created_by=actor.user_id,
    )
    uow.session.add(m)
    await uow.session.flush()
    if cmd.simpanan_pokok_paid and coop.simpanan_pokok_amount > 0:
        cash_key, cash_sub = await teller.cash_leg(uow, actor)
        je = entry(
            joined, f"Simpanan pokok {m.member_no} {m.name}",
            Posting.debit(cash_key, coop.simpanan_pokok_amount, subledger=cash_sub),
            Posting.credit("simpanan_pokok", coop.simpanan_pokok_amount, subledger=f"member:{m.id}"),
            source=f"member:{m.id}:pokok",
        )
        await ledger.post(uow, actor, je, idempotency_key=idempotency_key)
    await audit.record(uow, actor, "member.register", f"member:{m.id}", {"member_no": member_no, "nik": m.nik, "name": m.name})
    return m


async def pay_simpanan_wajib(uow: UnitOfWork, actor: Actor, member_id: int, period: Period, amount: Decimal | None = None, *, idempotency_key: str | None = None) -> int:
    """Post one month's simpanan wajib for a member (once per month)."""
    actor.require("members.write")
    m = await get(uow, actor, member_id)
    if m.status != "active":
        raise Conflict("anggota tidak aktif / member is not active")
    coop = await uow.session.get(Cooperative, actor.coop)
    value = rupiah(amount if amount is not None else coop.simpanan_wajib_amount, allow_zero=False)
    source = f"member:{m.id}:wajib:{period}"
    if (await uow.session.execute(select(JournalEntry.id).where(JournalEntry.cooperative_id == actor.coop, JournalEntry.source == source))).scalar_one_or_none():
        raise Conflict(f"simpanan wajib {period} sudah dibayar / already paid for {period}")
    cash_key, cash_sub = await teller.cash_leg(uow, actor)
    je = entry(
        uow.business_date(), f"Simpanan wajib {period} {m.member_no} {m.name}",
        Posting.debit(cash_key, value, subledger=cash_sub), Posting.credit("simpanan_wajib", value, subledger=f"member:{m.id}"), source=source,
    )
    return await ledger.post(uow, actor, je, idempotency_key=idempotency_key)


async def get(uow: UnitOfWork, actor: Actor, member_id: int) -> Member:
    """A member of the actor's cooperative. A member login sees only itself; others get NotFound."""
    if actor.is_member and actor.member_id != member_id:
        raise NotFound("anggota tidak ditemukan / member not found")
    if not actor.is_member:
        actor.require("members.read")
    m = (await uow.session.execute(select(Member).where(Member.id == member_id, Member.cooperative_id == actor.coop))).scalar_one_or_none()
    if m is None:
        raise NotFound("anggota tidak ditemukan / member not found")
    return m


async def search(uow: UnitOfWork, actor: Actor, q: str = "", *, status: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Member], int]:
    """Members matching ``q`` in name, member number, NIK or phone; newest first."""
    if actor.is_member:
        raise PermissionDenied("anggota tidak dapat mencari anggota lain / members cannot search members")
    actor.require("members.read")
    limit = max(1, min(limit, 200))
    cond = [Member.cooperative_id == actor.coop]
    if q.strip():
        like = f"%{q.strip().lower()}%"
        cond.append(or_(func.lower(Member.name).like(like), Member.member_no.ilike(like), Member.nik.like(like), Member.phone.like(like)))
    if status:
        cond.append(Member.status == status)
    total = (await uow.session.execute(select(func.count()).select_from(Member).where(*cond))).scalar_one()
    rows = (await uow.session.execute(select(Member).where(*cond).order_by(Member.id.desc()).limit(limit).offset(max(0, offset)))).scalars()
    return list(rows), int(total)


async def equity_balances(uow: UnitOfWork, actor: Actor, member_id: int) -> dict[str, Decimal]:
    """The member's simpanan pokok and wajib (credit-normal, as positive amounts)."""
    await get(uow, actor, member_id)
    sub = f"member:{member_id}"
    pokok = -(await ledger.subledger_balance(uow, actor.coop, sub, ["simpanan_pokok"]))
    wajib = -(await ledger.subledger_balance(uow, actor.coop, sub, ["simpanan_wajib"]))
    return {"simpanan_pokok": pokok, "simpanan_wajib": wajib}


async def deactivate(uow: UnitOfWork, actor: Actor, member_id: int, reason: str, *, refund_equity: bool = False) -> None:
    """Deactivate a member (never delete). Optionally return their simpanan pokok and wajib in cash."""
    actor.require("members.deactivate")
    if not reason.strip():
        raise InvalidInput("alasan wajib diisi / a reason is required", field="reason")
    m = await get(uow, actor, member_id)
    if m.status != "active":
        raise Conflict("anggota sudah tidak aktif / member already inactive")
    today = uow.business_date()
    if refund_equity:
        bal = await equity_balances(uow, actor, member_id)
        lines = [Posting.debit(k, v, subledger=f"member:{m.id}") for k, v in bal.items() if v > 0]
        total = sum(bal.values(), Decimal(0))
        if lines:
            cash_key, cash_sub = await teller.cash_leg(uow, actor)
            await ledger.post(uow, actor, entry(today, f"Pengembalian simpanan {m.member_no} {m.name} (keluar)", *lines, Posting.credit(cash_key, total, subledger=cash_sub), source=f"member:{m.id}:exit"))
    m.status = "inactive"
    m.deactivated_on = today
    m.deactivation_reason = reason.strip()[:300]
    await audit.record(uow, actor, "member.deactivate", f"member:{m.id}", {"reason": m.deactivation_reason, "refund": refund_equity})
