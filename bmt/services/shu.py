"""SHU at the RAT: the closed year's SHU divided by the articles' percentages, the members' part per member,
and its posting after the meeting.

1. ``calculate`` (manager, admin or accountant) takes the SHU the year close moved to *SHU tahun berjalan*,
   each active member's weights — simpanan pokok + wajib at 31 December (sub-ledgers ``member:<id>``), and
   the margin and profit share of their transactions in the year (murabahah/mudharabah/musyarakah/MMQ income
   on the sub-ledgers of their contracts, and the profit sharing credited to their savings and deposits) —
   and stores a draft run with one line per member (``bmt.compliance.shu`` does the arithmetic).
2. ``post`` (another manager or an admin: four eyes) books it: Dr SHU tahun berjalan / Cr cadangan, the
   funds for pengurus, karyawan, pendidikan, sosial and daerah kerja (``shu_funds_payable``), zakat
   (``zakat_payable``, with the Baitul Maal's side), what flooring left (``retained_shu``), and each member's
   share to their savings account or, when they have none or the RAT says so, to ``shu_payable`` on their
   sub-ledger. Member lines are cut into entries of at most ``MEMBER_LINES_PER_ENTRY``.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String, cast, func, literal, or_, select, type_coerce

from bmt.auth.roles import check_four_eyes
from bmt.compliance.shu import (
    CATEGORY_LABELS,
    MEMBER_PARTS,
    MemberBasis,
    ShuAllocation,
    ShuPolicy,
    allocate_shu,
)
from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bmt.ledger import Posting, entry
from bmt.money import ZERO, D, from_sen
from bmt.persistence.models import Cooperative, GlAccount, Member, SavingsAccount, SavingsProduct
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.persistence.models_financing import FinancingContract
from bmt.persistence.models_governance import PeriodCloseRun, ShuLine, ShuRun
from bmt.services import audit, ledger, savings
from bmt.services.statements import YEAR_CLOSE_PREFIX
from bmt.services.uow import Actor, UnitOfWork

CALCULATORS = ("manager", "admin", "accountant")
POSTERS = ("manager", "admin")
TARGETS = ("savings", "payable")
FINANCING_INCOME = ("murabahah_income", "mudharabah_income", "musyarakah_income", "mmq_income")
MEMBER_LINES_PER_ENTRY = 5000
#: Where each non-member part of the SHU is credited.
PART_ACCOUNTS = {"cadangan": "reserves", "pengurus": "shu_funds_payable", "karyawan": "shu_funds_payable", "pendidikan": "shu_funds_payable", "sosial": "shu_funds_payable", "pembangunan_daerah": "shu_funds_payable"}


def _require(actor: Actor, roles: tuple[str, ...], what: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"peran {actor.role} tidak berwenang untuk {what} / role {actor.role} may not do this")


# ---------------------------------------------------------------------------------------------- settings


async def policy(uow: UnitOfWork, cooperative_id: int) -> ShuPolicy:
    """The articles' division of the SHU (``settings_json["shu"]``; Example G's percentages by default)."""
    coop = await uow.session.get(Cooperative, cooperative_id)
    return ShuPolicy.from_json(json.loads(coop.settings_json or "{}").get("shu", {}))


async def save_policy(uow: UnitOfWork, actor: Actor, raw: dict[str, Any]) -> ShuPolicy:
    """Record the articles' percentages (manager or admin); before and after go to the audit log."""
    _require(actor, POSTERS, "mengubah pembagian SHU")
    coop = (await uow.session.execute(select(Cooperative).where(Cooperative.id == actor.coop).with_for_update())).scalar_one()
    doc = json.loads(coop.settings_json or "{}")
    before = doc.get("shu", {})
    new = ShuPolicy.from_json(raw)
    doc["shu"] = new.to_json()
    coop.settings_json = json.dumps(doc, sort_keys=True)
    await audit.record(uow, actor, "shu.settings", f"cooperative:{coop.id}", {"from": before, "to": doc["shu"]})
    return new


# ---------------------------------------------------------------------------------------------- weights


def _sen(expr: Any) -> Any:
    return type_coerce(expr, BigInteger)


async def year_shu(uow: UnitOfWork, cooperative_id: int, year: int) -> Decimal | None:
    """The SHU the close of ``year`` moved to SHU tahun berjalan (None while the year is open)."""
    q = select(PeriodCloseRun.shu).where(PeriodCloseRun.cooperative_id == cooperative_id, PeriodCloseRun.kind == "year", PeriodCloseRun.period == f"{year:04d}", PeriodCloseRun.status == "closed")
    return (await uow.session.execute(q.order_by(PeriodCloseRun.id.desc()))).scalars().first()


async def _modal(uow: UnitOfWork, coop: int, year: int) -> dict[int, Decimal]:
    """Simpanan pokok + wajib per member at 31 December."""
    accounts = await ledger.chart(uow, coop)
    ids = [accounts[k].id for k in ("simpanan_pokok", "simpanan_wajib") if k in accounts]
    q = (
        select(LineRow.subledger, func.sum(_sen(LineRow.amount)))
        .where(LineRow.cooperative_id == coop, LineRow.account_id.in_(ids), LineRow.value_date <= date(year, 12, 31), LineRow.subledger.like("member:%"))
        .group_by(LineRow.subledger)
    )
    return {int(sub[7:]): -from_sen(int(v)) for sub, v in (await uow.session.execute(q)).all() if v and sub[7:].isdigit()}


async def _margin(uow: UnitOfWork, coop: int, year: int) -> dict[int, Decimal]:
    """Margin and profit share earned on each member's contracts in the year (income on ``contract:<id>``)."""
    tag = literal("contract:") + cast(FinancingContract.id, String)
    q = (
        select(FinancingContract.member_id, func.sum(_sen(LineRow.amount)))
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .join(FinancingContract, tag == LineRow.subledger)
        .where(
            LineRow.cooperative_id == coop, FinancingContract.cooperative_id == coop, GlAccount.key.in_(FINANCING_INCOME),
            LineRow.value_date >= date(year, 1, 1), LineRow.value_date <= date(year, 12, 31), EntryRow.source.not_like(f"{YEAR_CLOSE_PREFIX}%"),
        )
        .group_by(FinancingContract.member_id)
    )
    return {m: -from_sen(int(v)) for m, v in (await uow.session.execute(q)).all() if v}


async def _profit_share(uow: UnitOfWork, coop: int, year: int) -> dict[int, Decimal]:
    """Profit sharing credited to each member's savings and deposits in the year."""
    expense = (await ledger.chart(uow, coop)).get("profit_sharing_expense")
    if expense is None:
        return {}
    since, through = date(year, 1, 1), date(year, 12, 31)
    sharing = select(LineRow.entry_id).where(LineRow.cooperative_id == coop, LineRow.account_id == expense.id, LineRow.value_date >= since, LineRow.value_date <= through)
    tags = or_(LineRow.subledger == literal("savings:") + cast(SavingsAccount.id, String), LineRow.subledger == literal("deposit:") + cast(SavingsAccount.id, String))
    q = (
        select(SavingsAccount.member_id, func.sum(_sen(LineRow.amount)))
        .select_from(LineRow)
        .join(SavingsAccount, tags)
        .where(LineRow.cooperative_id == coop, SavingsAccount.cooperative_id == coop, LineRow.entry_id.in_(sharing), LineRow.value_date >= since, LineRow.value_date <= through)
        .group_by(SavingsAccount.member_id)
    )
    return {m: -from_sen(int(v)) for m, v in (await uow.session.execute(q)).all() if v}


async def member_bases(uow: UnitOfWork, cooperative_id: int, year: int) -> list[MemberBasis]:
    """Every active member's weights for ``year`` (members with no weight at all are left out)."""
    modal = await _modal(uow, cooperative_id, year)
    usaha = await _margin(uow, cooperative_id, year)
    for m, v in (await _profit_share(uow, cooperative_id, year)).items():
        usaha[m] = usaha.get(m, ZERO) + v
    active = set((await uow.session.execute(select(Member.id).where(Member.cooperative_id == cooperative_id, Member.status == "active"))).scalars())
    ids = sorted(m for m in set(modal) | set(usaha) if m in active)
    return [MemberBasis(m, max(modal.get(m, ZERO), ZERO), max(usaha.get(m, ZERO), ZERO)) for m in ids if modal.get(m, ZERO) > 0 or usaha.get(m, ZERO) > 0]


# ---------------------------------------------------------------------------------------------- runs


@dataclass(frozen=True, slots=True)
class Preview:
    year: int
    shu: Decimal | None
    policy: ShuPolicy
    allocation: ShuAllocation | None
    posted: ShuRun | None


async def preview(uow: UnitOfWork, actor: Actor, year: int) -> Preview:
    """The division as it would be today (nothing stored)."""
    actor.require("ledger.read")
    shu = await year_shu(uow, actor.coop, year)
    pol = await policy(uow, actor.coop)
    alloc = allocate_shu(shu, pol, await member_bases(uow, actor.coop, year)) if shu and shu > 0 else None
    return Preview(year, shu, pol, alloc, await posted_run(uow, actor.coop, year))


async def posted_run(uow: UnitOfWork, cooperative_id: int, year: int) -> ShuRun | None:
    q = select(ShuRun).where(ShuRun.cooperative_id == cooperative_id, ShuRun.year == year, ShuRun.status == "posted")
    return (await uow.session.execute(q)).scalars().first()


async def _savings_targets(uow: UnitOfWork, coop: int, member_ids: list[int]) -> dict[int, int]:
    """Each member's first active wadiah or mudharabah savings account (not a deposit)."""
    q = (
        select(SavingsAccount.member_id, func.min(SavingsAccount.id))
        .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
        .where(SavingsAccount.cooperative_id == coop, SavingsAccount.member_id.in_(member_ids), SavingsAccount.status == "active", SavingsProduct.kind.in_(("wadiah", "mudharabah")))
        .group_by(SavingsAccount.member_id)
    )
    return dict((await uow.session.execute(q)).all()) if member_ids else {}


async def calculate(uow: UnitOfWork, actor: Actor, year: int, *, target: str = "savings") -> ShuRun:
    """Store a draft division of ``year``'s SHU (an older draft of the year is superseded).

    Raises:
        Conflict: the year is not closed, its SHU is not positive, or it has already been posted.
        InvalidInput: an unknown target.
    """
    _require(actor, CALCULATORS, "menghitung pembagian SHU")
    if target not in TARGETS:
        raise InvalidInput("tujuan: savings atau payable / target must be savings or payable", field="target")
    shu = await year_shu(uow, actor.coop, year)
    if shu is None:
        raise Conflict(f"tahun buku {year} belum ditutup / close the year first", field="year")
    if shu <= 0:
        raise Conflict(f"SHU tahun {year} tidak positif ({shu}): tidak ada yang dibagi / nothing to divide", field="year")
    if await posted_run(uow, actor.coop, year) is not None:
        raise Conflict(f"SHU tahun {year} sudah dibukukan / already posted", field="year")
    pol = await policy(uow, actor.coop)
    await _refuse_double_zakat(uow, actor.coop, year, pol)
    bases = await member_bases(uow, actor.coop, year)
    alloc = allocate_shu(shu, pol, bases)
    for old in (await uow.session.execute(select(ShuRun).where(ShuRun.cooperative_id == actor.coop, ShuRun.year == year, ShuRun.status == "draft"))).scalars():
        old.status = "superseded"
    run = ShuRun(
        cooperative_id=actor.coop, year=year, status="draft", shu=shu, zakat=alloc.zakat, members_total=alloc.members_total, residue=alloc.residue,
        policy_json=json.dumps(pol.to_json()), parts_json=json.dumps([[c, str(p), str(a)] for c, p, a in alloc.parts]), target=target,
        entry_ids_json="[]", maker_id=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(run)
    await uow.session.flush()
    accounts = await _savings_targets(uow, actor.coop, [m.member_id for m in alloc.members]) if target == "savings" else {}
    uow.session.add_all([
        ShuLine(run_id=run.id, cooperative_id=actor.coop, member_id=m.member_id, modal_basis=m.modal, usaha_basis=m.usaha, jasa_modal=m.jasa_modal, jasa_usaha=m.jasa_usaha, savings_account_id=accounts.get(m.member_id))
        for m in alloc.members
    ])
    await audit.record(uow, actor, "shu.calculate", f"shu_run:{run.id}", {"year": year, "shu": str(shu), "zakat": str(alloc.zakat), "members": len(alloc.members), "members_total": str(alloc.members_total), "residue": str(alloc.residue)})
    return run


async def _refuse_double_zakat(uow: UnitOfWork, coop: int, year: int, pol: ShuPolicy) -> None:
    """Zakat from the SHU only when the Baitul Maal has not already booked the cooperative's zakat for the year."""
    if pol.zakat_percent <= 0:
        return
    try:
        maal_models = importlib.import_module("bmt.persistence.models_maal")
    except ImportError:
        return
    row = maal_models.MaalCoopZakat
    if (await uow.session.execute(select(row.id).where(row.cooperative_id == coop, row.year == year))).scalar_one_or_none() is not None:
        raise Conflict(f"zakat koperasi tahun {year} sudah dibukukan Baitul Maal; set zakat SHU 0% / the cooperative's zakat is already booked", field="zakat_percent")


async def get_run(uow: UnitOfWork, actor: Actor, run_id: int) -> tuple[ShuRun, list[tuple[ShuLine, Member]]]:
    actor.require("ledger.read")
    run = (await uow.session.execute(select(ShuRun).where(ShuRun.id == run_id, ShuRun.cooperative_id == actor.coop))).scalar_one_or_none()
    if run is None:
        raise NotFound("perhitungan SHU tidak ditemukan / SHU run not found")
    q = select(ShuLine, Member).join(Member, Member.id == ShuLine.member_id).where(ShuLine.run_id == run.id).order_by(Member.member_no)
    return run, [(ln, m) for ln, m in (await uow.session.execute(q)).all()]


async def runs(uow: UnitOfWork, actor: Actor, year: int | None = None) -> list[ShuRun]:
    actor.require("ledger.read")
    q = select(ShuRun).where(ShuRun.cooperative_id == actor.coop).order_by(ShuRun.id.desc()).limit(50)
    if year is not None:
        q = q.where(ShuRun.year == year)
    return list((await uow.session.execute(q)).scalars())


def parts_of(run: ShuRun) -> list[tuple[str, str, Decimal, Decimal]]:
    """(category, label, percent, amount) of a stored run."""
    return [(c, CATEGORY_LABELS.get(c, c), D(p), D(a)) for c, p, a in json.loads(run.parts_json)]


# ---------------------------------------------------------------------------------------------- posting


def _fund_lines(run: ShuRun) -> list[Posting]:
    """The non-member parts: reserves, the SHU funds (one line each, named in the memo), zakat, the residue."""
    lines = []
    for category, label, _pct, amount in parts_of(run):
        if category in MEMBER_PARTS or amount <= 0:
            continue
        lines.append(Posting.credit(PART_ACCOUNTS[category], amount, memo=f"shu:{run.year}:{category} {label}"[:200]))
    if run.zakat > 0:
        lines.append(Posting.credit("zakat_payable", run.zakat, memo=f"shu:{run.year}:zakat"))
    if run.residue > 0:
        lines.append(Posting.credit("retained_shu", run.residue, memo=f"shu:{run.year}:sisa pembulatan"))
    return lines


async def _member_lines(uow: UnitOfWork, actor: Actor, run: ShuRun, lines: list[tuple[ShuLine, Member]], value_date: date) -> list[Posting]:
    """Each member's share: to their savings account (running balance kept in step) or to shu_payable."""
    to_savings = {ln.savings_account_id: ln for ln, _ in lines if run.target == "savings" and ln.savings_account_id and ln.jasa_modal + ln.jasa_usaha > 0}
    locked = await savings._lock_accounts(uow, actor, *to_savings) if to_savings else {}  # noqa: SLF001 - the savings module's own lock order
    out = []
    for ln, m in lines:
        amount = ln.jasa_modal + ln.jasa_usaha
        if amount <= 0:
            continue
        acc = locked.get(ln.savings_account_id) if run.target == "savings" else None
        if acc is not None and acc.status == "active":
            prod = await savings._product(uow, actor.coop, acc.product_id)  # noqa: SLF001
            acc.balance += amount
            acc.last_activity_on = value_date
            out.append(Posting.credit(savings.CONTROL[prod.kind], amount, subledger=savings.sub(acc.id), memo=f"SHU {run.year} {m.member_no}"))
        else:
            out.append(Posting.credit("shu_payable", amount, subledger=f"member:{m.id}", memo=f"SHU {run.year} {m.member_no}"))
    return out


async def _maal_zakat(uow: UnitOfWork, actor: Actor, run: ShuRun, value_date: date) -> None:
    """The Baitul Maal's side of zakat taken from the SHU: Dr due_from_tamwil / Cr zakat_fund."""
    try:
        zakat = importlib.import_module("bmt.zakat")
    except ImportError:
        return
    je = zakat.receive_zakat(value_date, run.zakat, received_in="due_from_tamwil", muzakki="Koperasi", source=f"maal:coop_zakat:{run.year}")
    await ledger.post(uow, actor, je)


async def post(uow: UnitOfWork, actor: Actor, run_id: int, *, rat_date: date | None = None) -> ShuRun:
    """Book a draft run after the RAT (a manager other than the one who calculated it, or an admin).

    Raises:
        Conflict: the run is not the year's standing draft, or SHU tahun berjalan no longer holds its SHU.
        PermissionDenied: the maker posting their own run.
    """
    _require(actor, POSTERS, "membukukan pembagian SHU")
    run = (await uow.session.execute(select(ShuRun).where(ShuRun.id == run_id, ShuRun.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if run is None:
        raise NotFound("perhitungan SHU tidak ditemukan / SHU run not found")
    if run.status != "draft":
        raise Conflict(f"perhitungan SHU berstatus {run.status} / the run is {run.status}")
    check_four_eyes(run.maker_id, actor.user_id, "pembagian SHU")
    if await posted_run(uow, actor.coop, run.year) is not None:
        raise Conflict(f"SHU tahun {run.year} sudah dibukukan / already posted")
    held = -(await ledger.net_by_account(uow, actor.coop, book="tamwil")).get((await ledger.chart(uow, actor.coop))["current_year_shu"].code, ZERO)
    if held < run.shu or await year_shu(uow, actor.coop, run.year) != run.shu:
        raise Conflict(f"SHU tahun berjalan {held} tidak memuat SHU {run.shu}; hitung ulang / recalculate the run")
    today = uow.business_date()
    _, lines = await get_run(uow, actor, run.id)
    ids = []
    funds = _fund_lines(run)
    if funds:
        total = sum((p.credit_amount for p in funds), ZERO)
        ids.append(await ledger.post(uow, actor, entry(today, f"Pembagian SHU tahun {run.year} (RAT): dana-dana", Posting.debit("current_year_shu", total), *funds, source=f"shu:{run.year}:{run.id}:funds"), checker_id=actor.user_id))
    members = await _member_lines(uow, actor, run, lines, today)
    for k in range(0, len(members), MEMBER_LINES_PER_ENTRY):
        chunk = members[k : k + MEMBER_LINES_PER_ENTRY]
        total = sum((p.credit_amount for p in chunk), ZERO)
        ids.append(await ledger.post(uow, actor, entry(today, f"Pembagian SHU tahun {run.year} (RAT): jasa anggota {k // MEMBER_LINES_PER_ENTRY + 1}", Posting.debit("current_year_shu", total), *chunk, source=f"shu:{run.year}:{run.id}:members:{k // MEMBER_LINES_PER_ENTRY + 1}"), checker_id=actor.user_id))
    if run.zakat > 0:
        await _maal_zakat(uow, actor, run, today)
    run.status, run.checker_id, run.posted_at, run.rat_date, run.entry_ids_json = "posted", actor.user_id, uow.now(), rat_date or today, json.dumps(ids)
    await audit.record(uow, actor, "shu.post", f"shu_run:{run.id}", {"year": run.year, "entries": ids, "shu": str(run.shu), "rat_date": (rat_date or today).isoformat()})
    return run
