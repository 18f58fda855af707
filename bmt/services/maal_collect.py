"""Collection: muzakki and donors, mustahik and restricted funds (the registers), and ZIS receipts.

A receipt is taken by the teller in cash (into their drawer) or by transfer from the donor's savings; both
post to the business book (Dr drawer / savings, Cr ``maal_payable``) and to the maal book (Dr
``due_from_tamwil``, Cr the fund) in one unit of work. A Baitul Maal officer may also receive straight into
the maal book's own cash box or bank (``maal_cash`` / ``maal_bank``). The receipt row carries the number
printed on the proof (bukti setor zakat / infak).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from bmt.errors import Conflict, InvalidInput, NotFound, ShariaViolation
from bmt.ledger import Posting, entry
from bmt.persistence.models import IdempotencyRecord, Member
from bmt.persistence.models_maal import MaalDonor, MaalMustahik, MaalReceipt, MaalRestrictedFund
from bmt.services import audit, idempotency, ledger, members, savings, teller
from bmt.services.maal import SOURCE_PREFIX
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import Asnaf, parse_asnaf
from bmt.zakat import funds as zf
from bmt.zakat.funds import normalize_purpose

RECEIPT_KINDS = ("zakat", "infaq", "infaq_restricted")
ZAKAT_TYPES = ("maal", "penghasilan", "perdagangan", "fitrah", "lainnya")
CHANNELS = ("cash", "savings", "maal_cash", "maal_bank")
CHANNEL_LABELS = {"cash": "Tunai di teller", "savings": "Pemindahbukuan dari tabungan", "maal_cash": "Tunai ke kas Baitul Maal", "maal_bank": "Transfer ke rekening Baitul Maal"}
KIND_LABELS = {"zakat": "Zakat", "infaq": "Infak/sedekah", "infaq_restricted": "Infak/sedekah terikat"}


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def check_npwp(npwp: str) -> str:
    """An NPWP as digits: 15 (the old format) or 16 (the NIK-based one since 2024); empty when not given.

    Raises:
        InvalidInput: for anything else.
    """
    digits = re.sub(r"[.\-\s]", "", npwp or "")
    if digits and not re.fullmatch(r"\d{15}|\d{16}", digits):
        raise InvalidInput("NPWP harus 15 atau 16 angka / NPWP must have 15 or 16 digits", field="npwp")
    return digits


def format_npwp(digits: str) -> str:
    """The 15-digit NPWP as printed (99.999.999.9-999.999); 16 digits stay as they are."""
    if len(digits) == 15:
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:]}"
    return digits


# ---------------------------------------------------------------------------------------------- donors


@dataclass(frozen=True, slots=True)
class NewDonor:
    name: str = ""
    member_id: int | None = None
    npwp: str = ""
    nik: str = ""
    address: str = ""
    phone: str = ""
    wealth_start: date | None = None


async def add_donor(uow: UnitOfWork, actor: Actor, cmd: NewDonor) -> MaalDonor:
    """Register a muzakki or donor. A member is registered once (the existing record is returned)."""
    actor.require("maal.collect")
    member: Member | None = None
    if cmd.member_id is not None:
        member = await members.get(uow, actor, cmd.member_id)
        existing = (await uow.session.execute(select(MaalDonor).where(MaalDonor.cooperative_id == actor.coop, MaalDonor.member_id == member.id))).scalars().first()
        if existing is not None:
            return existing
    name = _text(cmd.name, 200) or (member.name if member else "")
    if not name:
        raise InvalidInput("nama muzakki/donatur wajib diisi / name is required", field="name")
    nik = _text(cmd.nik, 16) or (member.nik if member else "")
    if nik and not re.fullmatch(r"\d{16}", nik):
        raise InvalidInput("NIK harus 16 angka / NIK must be 16 digits", field="nik")
    if cmd.wealth_start is not None and cmd.wealth_start > uow.business_date():
        raise InvalidInput("awal haul tidak boleh di masa depan / haul start cannot be in the future", field="wealth_start")
    d = MaalDonor(
        cooperative_id=actor.coop, member_id=member.id if member else None, name=name, npwp=check_npwp(cmd.npwp), nik=nik,
        address=_text(cmd.address, 300) or (member.address if member else ""), phone=_text(cmd.phone, 20) or (member.phone if member else ""),
        wealth_start=cmd.wealth_start, created_by=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(d)
    await uow.session.flush()
    await audit.record(uow, actor, "maal.donor.add", f"maal_donor:{d.id}", {"name": name, "member_id": d.member_id})
    return d


async def update_donor(uow: UnitOfWork, actor: Actor, donor_id: int, *, npwp: str | None = None, wealth_start: date | None = None, clear_wealth_start: bool = False) -> MaalDonor:
    """Change a donor's NPWP or declared haul start."""
    actor.require("maal.collect")
    d = await get_donor(uow, actor, donor_id)
    before = {"npwp": d.npwp, "wealth_start": d.wealth_start.isoformat() if d.wealth_start else None}
    if npwp is not None:
        d.npwp = check_npwp(npwp)
    if wealth_start is not None:
        if wealth_start > uow.business_date():
            raise InvalidInput("awal haul tidak boleh di masa depan / haul start cannot be in the future", field="wealth_start")
        d.wealth_start = wealth_start
    elif clear_wealth_start:
        d.wealth_start = None
    await audit.record(uow, actor, "maal.donor.update", f"maal_donor:{d.id}", {"from": before, "npwp": d.npwp, "wealth_start": d.wealth_start.isoformat() if d.wealth_start else None})
    return d


async def get_donor(uow: UnitOfWork, actor: Actor, donor_id: int) -> MaalDonor:
    d = (await uow.session.execute(select(MaalDonor).where(MaalDonor.id == donor_id, MaalDonor.cooperative_id == actor.coop))).scalar_one_or_none()
    if d is None:
        raise NotFound("muzakki/donatur tidak ditemukan / donor not found", field="donor_id")
    return d


async def search_donors(uow: UnitOfWork, actor: Actor, q: str = "", *, limit: int = 50) -> list[MaalDonor]:
    query = select(MaalDonor).where(MaalDonor.cooperative_id == actor.coop)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(MaalDonor.name).like(like), MaalDonor.npwp.like(like), MaalDonor.nik.like(like)))
    return list((await uow.session.execute(query.order_by(MaalDonor.name).limit(max(1, min(limit, 200))))).scalars())


# ---------------------------------------------------------------------------------------------- mustahik


@dataclass(frozen=True, slots=True)
class NewMustahik:
    name: str
    asnaf: str
    member_id: int | None = None
    nik: str = ""
    address: str = ""
    phone: str = ""
    notes: str = ""


def mustahik_asnaf(value: str) -> Asnaf:
    """The asnaf a mustahik may be registered under: one of the eight, but never amil (that is the capped share).

    Raises:
        ShariaViolation: ZIS-04 outside the eight asnaf; ZIS-02 for amil.
    """
    tag = parse_asnaf(value)
    if tag is Asnaf.AMIL:
        raise ShariaViolation("amil tidak didaftarkan sebagai mustahik: bagiannya lewat alokasi amil yang dibatasi / the amil is paid through the capped amil share", rule="ZIS-02", field="asnaf")
    return tag


async def add_mustahik(uow: UnitOfWork, actor: Actor, cmd: NewMustahik) -> MaalMustahik:
    """Register a mustahik under one of the eight asnaf."""
    actor.require("maal.distribute")
    tag = mustahik_asnaf(cmd.asnaf)
    member = await members.get(uow, actor, cmd.member_id) if cmd.member_id is not None else None
    name = _text(cmd.name, 200) or (member.name if member else "")
    if not name:
        raise InvalidInput("nama mustahik wajib diisi / name is required", field="name")
    nik = _text(cmd.nik, 16)
    if nik and not re.fullmatch(r"\d{16}", nik):
        raise InvalidInput("NIK harus 16 angka / NIK must be 16 digits", field="nik")
    m = MaalMustahik(
        cooperative_id=actor.coop, member_id=member.id if member else None, name=name, asnaf=tag.value, nik=nik,
        address=_text(cmd.address, 300), phone=_text(cmd.phone, 20), notes=_text(cmd.notes, 500), active=True,
        created_by=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(m)
    await uow.session.flush()
    await audit.record(uow, actor, "maal.mustahik.add", f"maal_mustahik:{m.id}", {"name": name, "asnaf": tag.value})
    return m


async def get_mustahik(uow: UnitOfWork, actor: Actor, mustahik_id: int) -> MaalMustahik:
    m = (await uow.session.execute(select(MaalMustahik).where(MaalMustahik.id == mustahik_id, MaalMustahik.cooperative_id == actor.coop))).scalar_one_or_none()
    if m is None:
        raise NotFound("mustahik tidak ditemukan / mustahik not found", field="mustahik_id")
    return m


async def list_mustahik(uow: UnitOfWork, actor: Actor, *, asnaf: str | None = None, limit: int = 200) -> list[MaalMustahik]:
    q = select(MaalMustahik).where(MaalMustahik.cooperative_id == actor.coop)
    if asnaf:
        q = q.where(MaalMustahik.asnaf == parse_asnaf(asnaf).value)
    return list((await uow.session.execute(q.order_by(MaalMustahik.name).limit(limit))).scalars())


# ---------------------------------------------------------------------------------------------- restricted funds


async def open_restricted_fund(uow: UnitOfWork, actor: Actor, purpose: str, name: str, description: str = "") -> MaalRestrictedFund:
    """Open a restricted fund: a donor's purpose, or a pesantren's own (beasiswa santri, pembangunan asrama)."""
    actor.require("maal.distribute")
    key = normalize_purpose(purpose)
    if not name.strip():
        raise InvalidInput("nama dana terikat wajib diisi / the fund needs a name", field="name")
    if (await uow.session.execute(select(MaalRestrictedFund.id).where(MaalRestrictedFund.cooperative_id == actor.coop, MaalRestrictedFund.purpose == key))).scalar_one_or_none():
        raise Conflict(f"dana terikat '{key}' sudah ada / restricted fund exists", field="purpose")
    f = MaalRestrictedFund(cooperative_id=actor.coop, purpose=key, name=_text(name, 200), description=_text(description, 500), active=True, created_by=actor.user_id, created_at=uow.now())
    uow.session.add(f)
    await uow.session.flush()
    await audit.record(uow, actor, "maal.fund.open", f"maal_restricted_fund:{f.id}", {"purpose": key, "name": f.name})
    return f


async def restricted_fund(uow: UnitOfWork, actor: Actor, purpose: str) -> MaalRestrictedFund:
    key = normalize_purpose(purpose)
    f = (await uow.session.execute(select(MaalRestrictedFund).where(MaalRestrictedFund.cooperative_id == actor.coop, MaalRestrictedFund.purpose == key))).scalar_one_or_none()
    if f is None:
        raise NotFound(f"dana terikat '{key}' belum dibuka / restricted fund not open", field="purpose")
    return f


# ---------------------------------------------------------------------------------------------- receipts


@dataclass(frozen=True, slots=True)
class NewReceipt:
    donor_id: int
    kind: str
    amount: Decimal
    channel: str = "cash"
    zakat_type: str = ""
    purpose: str | None = None
    savings_account_id: int | None = None
    note: str = ""


def _check_receipt(cmd: NewReceipt) -> None:
    if cmd.kind not in RECEIPT_KINDS:
        raise InvalidInput("jenis penerimaan: zakat, infaq atau infaq_restricted / kind must be zakat, infaq or infaq_restricted", field="kind")
    if cmd.channel not in CHANNELS:
        raise InvalidInput("cara bayar: cash, savings, maal_cash atau maal_bank / channel must be cash, savings, maal_cash or maal_bank", field="channel")
    if cmd.kind == "zakat" and cmd.zakat_type not in ZAKAT_TYPES:
        raise InvalidInput(f"jenis zakat: {', '.join(ZAKAT_TYPES)} / zakat_type required", field="zakat_type")
    if cmd.kind == "infaq_restricted" and not cmd.purpose:
        raise InvalidInput("infak terikat memerlukan dana tujuan / a restricted gift needs its fund", field="purpose")
    if cmd.channel == "savings" and cmd.savings_account_id is None:
        raise InvalidInput("pilih rekening tabungan sumber / choose the savings account", field="savings_account_id")


async def receive(uow: UnitOfWork, actor: Actor, cmd: NewReceipt, *, idempotency_key: str | None = None) -> MaalReceipt:
    """Receive zakat or infaq/sedekah; returns the receipt (its number goes on the printed proof).

    Raises:
        InvalidInput / NotFound: a bad kind, channel, donor, fund or account.
        InsufficientBalance: a savings account that cannot pay.
        PermissionDenied: a teller receiving into the maal book's own cash (tellers use their drawer).
    """
    actor.require("maal.collect")
    amount = teller.require_positive(cmd.amount)
    _check_receipt(cmd)
    payload = {"donor": cmd.donor_id, "kind": cmd.kind, "amount": str(amount), "channel": cmd.channel, "purpose": cmd.purpose, "account": cmd.savings_account_id}
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "maal.receive", payload)) is not None:
        return await get_receipt(uow, actor, int(prev["receipt_id"]))
    if cmd.channel in ("maal_cash", "maal_bank"):
        actor.require("maal.distribute")
    donor = await get_donor(uow, actor, cmd.donor_id)
    purpose = None
    if cmd.kind == "infaq_restricted":
        fund = await restricted_fund(uow, actor, cmd.purpose or "")
        if not fund.active:
            raise Conflict(f"dana terikat '{fund.purpose}' sudah ditutup / restricted fund closed", field="purpose")
        purpose = fund.purpose
    today = uow.business_date()
    r = MaalReceipt(
        cooperative_id=actor.coop, receipt_no=f"tmp-{secrets.token_hex(8)}", donor_id=donor.id, kind=cmd.kind,
        zakat_type=cmd.zakat_type if cmd.kind == "zakat" else "", purpose=purpose, amount=amount, channel=cmd.channel,
        savings_account_id=cmd.savings_account_id if cmd.channel == "savings" else None, value_date=today, maal_entry_id=0,
        note=_text(cmd.note, 300), received_by=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(r)
    await uow.session.flush()
    r.receipt_no = f"{'BSZ' if cmd.kind == 'zakat' else 'BSI'}-{today.year}-{r.id:06d}"
    r.tamwil_entry_id = await _tamwil_leg(uow, actor, r, donor)
    r.maal_entry_id = await ledger.post(uow, actor, _maal_leg(r, donor))
    await audit.record(uow, actor, "maal.receive", f"maal_receipt:{r.id}", {**payload, "receipt_no": r.receipt_no})
    await idempotency.remember(uow, actor.coop, idempotency_key, {"receipt_id": r.id})
    return r


async def receipt_for_key(uow: UnitOfWork, actor: Actor, key: str | None) -> int | None:
    """The receipt an idempotency key already produced (a form submitted twice), without claiming the key."""
    if not key:
        return None
    q = select(IdempotencyRecord.response_json).where(IdempotencyRecord.cooperative_id == actor.coop, IdempotencyRecord.key == key, IdempotencyRecord.operation == "maal.receive")
    stored = (await uow.session.execute(q)).scalar_one_or_none()
    return int(json.loads(stored)["receipt_id"]) if stored else None


def _maal_leg(r: MaalReceipt, donor: MaalDonor):  # noqa: ANN202 - a JournalEntry
    received_in = "due_from_tamwil" if r.channel in ("cash", "savings") else r.channel
    source = f"{SOURCE_PREFIX}{'zakat_receipt' if r.kind == 'zakat' else 'infaq_receipt'}:{r.receipt_no}"
    if r.kind == "zakat":
        return zf.receive_zakat(r.value_date, r.amount, received_in=received_in, muzakki=donor.name, source=source)
    return zf.receive_infaq(r.value_date, r.amount, purpose=r.purpose, received_in=received_in, donor=donor.name, source=source)


async def _tamwil_leg(uow: UnitOfWork, actor: Actor, r: MaalReceipt, donor: MaalDonor) -> int | None:
    """The business book's side when the money came through it: Dr drawer or savings / Cr maal_payable."""
    if r.channel in ("maal_cash", "maal_bank"):
        return None
    label = f"{KIND_LABELS[r.kind]} {r.receipt_no} a.n. {donor.name}"
    if r.channel == "cash":
        cash_key, cash_sub = await teller.cash_leg(uow, actor)
        debit = Posting.debit(cash_key, r.amount, subledger=cash_sub)
    else:
        acc = (await savings._lock_accounts(uow, actor, r.savings_account_id))[r.savings_account_id]  # noqa: SLF001
        if donor.member_id is None or acc.member_id != donor.member_id:
            raise InvalidInput("rekening tabungan bukan milik muzakki/donatur ini / the account is not the donor's", field="savings_account_id")
        prod = await savings._product(uow, actor.coop, acc.product_id)  # noqa: SLF001
        if prod.kind == "deposito":
            raise Conflict("deposito tidak dapat didebet / a deposit cannot be debited", field="savings_account_id")
        savings._check_usable(acc, for_debit=True)  # noqa: SLF001
        savings._check_funds(acc, prod, r.amount)  # noqa: SLF001
        acc.balance -= r.amount
        acc.last_activity_on = r.value_date
        debit = Posting.debit(savings.CONTROL[prod.kind], r.amount, subledger=savings.sub(acc.id))
        label = f"{label} (dari {acc.account_no})"
    return await ledger.post(uow, actor, entry(r.value_date, label, debit, Posting.credit("maal_payable", r.amount), source=f"maal-receipt:{r.receipt_no}"))


async def get_receipt(uow: UnitOfWork, actor: Actor, receipt_id: int) -> MaalReceipt:
    r = (await uow.session.execute(select(MaalReceipt).where(MaalReceipt.id == receipt_id, MaalReceipt.cooperative_id == actor.coop))).scalar_one_or_none()
    if r is None:
        raise NotFound("bukti penerimaan tidak ditemukan / receipt not found")
    return r


async def receipts(uow: UnitOfWork, actor: Actor, *, donor_id: int | None = None, purpose: str | None = None, since: date | None = None, through: date | None = None, limit: int = 100) -> list[tuple[MaalReceipt, MaalDonor]]:
    q = select(MaalReceipt, MaalDonor).join(MaalDonor, MaalDonor.id == MaalReceipt.donor_id).where(MaalReceipt.cooperative_id == actor.coop)
    if donor_id is not None:
        q = q.where(MaalReceipt.donor_id == donor_id)
    if purpose is not None:
        q = q.where(MaalReceipt.purpose == purpose)
    if since is not None:
        q = q.where(MaalReceipt.value_date >= since)
    if through is not None:
        q = q.where(MaalReceipt.value_date <= through)
    return [(r, d) for r, d in (await uow.session.execute(q.order_by(MaalReceipt.id.desc()).limit(limit))).all()]
