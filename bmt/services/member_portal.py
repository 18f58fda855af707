"""Member self-service: activation with a one-time code, and the member's own accounts, financing and receipts.

Activation: a teller or manager makes a short one-time code on the member's page and hands it over in person;
the member enters their cooperative code, member number, the code and a new password on /aktivasi. Only an
HMAC of the code is stored (keyed with the audit key, which lives outside the database, so a database copy
does not let anyone try all codes offline); a code lives 24 hours, is used once, and five wrong tries burn it.
The login's username is ``"<cooperative code>-<member number>"`` lowercased, because usernames are unique
across every cooperative of a deployment; the member login page asks for the two parts separately.

Every read below goes through the services that already refuse another member's rows (``members.get``,
``savings.get_account``, ``financing.get``), and additionally checks the ``self.read`` permission.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from bmt.auth.passwords import hash_password
from bmt.errors import InvalidInput, PermissionDenied
from bmt.money import ZERO
from bmt.persistence.models import (
    AuthSession,
    Cooperative,
    GlAccount,
    JournalEntry,
    JournalLine,
    Member,
    User,
)
from bmt.persistence.models_financing import ContractInstallment, FinancingContract
from bmt.persistence.models_governance import ShuLine, ShuRun
from bmt.persistence.models_maal import MaalDonor, MaalReceipt
from bmt.persistence.models_portal import ActivationCode
from bmt.services import audit, financing, members, platform, savings
from bmt.services.uow import SYSTEM, Actor, UnitOfWork

ACTIVATION_HOURS = 24
MAX_CODE_ATTEMPTS = 5
CODE_LENGTH = 8
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at the counter
MIN_PASSWORD = 8
ISSUERS = ("admin", "manager", "teller", "financing_officer")
BAD_CODE = "kode aktivasi salah, sudah dipakai atau kedaluwarsa; minta kode baru di kantor / invalid or expired code"


def username_for(coop_code: str, member_no: str) -> str:
    """The member's login name: cooperative code and member number, lowercased."""
    return f"{coop_code.strip()}-{member_no.strip()}".lower()


def _code_hash(key: bytes, coop_id: int, member_id: int, code: str) -> str:
    normal = code.strip().upper().replace("-", "").replace(" ", "")
    return hmac.new(key, f"activation:{coop_id}:{member_id}:{normal}".encode(), hashlib.sha256).hexdigest()


def _aware(at: datetime, like: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=like.tzinfo)


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str  # shown once, to the staff member who hands it over
    expires_at: datetime
    username: str
    member_no: str
    coop_code: str


async def create_activation_code(uow: UnitOfWork, actor: Actor, member_id: int) -> IssuedCode:
    """A new one-time code for a member; earlier live codes of the member stop working."""
    if actor.role not in ISSUERS:
        raise PermissionDenied("hanya teller atau manajer yang membuat kode aktivasi / only staff issue activation codes")
    m = await members.get(uow, actor, member_id)
    if m.status != "active":
        raise InvalidInput("anggota tidak aktif / the member is not active")
    coop = await platform.get_cooperative(uow, actor.coop)
    await uow.session.execute(
        update(ActivationCode).where(ActivationCode.cooperative_id == actor.coop, ActivationCode.member_id == m.id, ActivationCode.status == "live").values(status="revoked")
    )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = uow.now()
    expires = now + timedelta(hours=ACTIVATION_HOURS)
    uow.session.add(ActivationCode(cooperative_id=actor.coop, member_id=m.id, code_hash=_code_hash(uow.audit_key, actor.coop, m.id, raw), created_by=actor.user_id, created_at=now, expires_at=expires, used_at=None, failed_attempts=0, status="live"))
    await audit.record(uow, actor, "member.activation_code", f"member:{m.id}", {"expires_at": expires.isoformat()})
    return IssuedCode(f"{raw[:4]}-{raw[4:]}", expires, username_for(coop.code, m.member_no), m.member_no, coop.code)


@dataclass(frozen=True, slots=True)
class Activation:
    coop_code: str
    member_no: str
    code: str
    password: str
    password_again: str


def _check_password(cmd: Activation) -> None:
    if len(cmd.password) < MIN_PASSWORD:
        raise InvalidInput(f"kata sandi paling sedikit {MIN_PASSWORD} karakter / password too short", field="password")
    if cmd.password != cmd.password_again:
        raise InvalidInput("kedua kata sandi tidak sama / passwords differ", field="password_again")
    if cmd.password.strip().lower() in (cmd.member_no.strip().lower(), cmd.code.strip().lower()):
        raise InvalidInput("kata sandi jangan sama dengan nomor anggota atau kode / choose another password", field="password")


async def _member_by_number(uow: UnitOfWork, coop_code: str, member_no: str) -> tuple[Cooperative, Member] | None:
    coop = (await uow.session.execute(select(Cooperative).where(func.lower(Cooperative.code) == coop_code.strip().lower()))).scalar_one_or_none()
    if coop is None:
        return None
    m = (await uow.session.execute(select(Member).where(Member.cooperative_id == coop.id, func.lower(Member.member_no) == member_no.strip().lower()))).scalar_one_or_none()
    return None if m is None or m.status != "active" else (coop, m)


async def activate(uow: UnitOfWork, cmd: Activation) -> str | None:
    """Check the one-time code and set the member's password; returns the username, or None when refused.

    A refusal returns None instead of raising, so the caller's unit of work commits the failed attempt (five
    burn the code). The same answer is given for an unknown member and a wrong code.

    Raises:
        InvalidInput: a password that is too short or not repeated exactly.
    """
    _check_password(cmd)
    found = await _member_by_number(uow, cmd.coop_code, cmd.member_no)
    if found is None:
        return None
    coop, m = found
    now = uow.now()
    live = list((await uow.session.execute(select(ActivationCode).where(ActivationCode.cooperative_id == coop.id, ActivationCode.member_id == m.id, ActivationCode.status == "live").order_by(ActivationCode.id.desc()).with_for_update())).scalars())
    digest = _code_hash(uow.audit_key, coop.id, m.id, cmd.code)
    match = next((c for c in live if hmac.compare_digest(c.code_hash, digest)), None)
    if match is None or _aware(match.expires_at, now) <= now:
        for c in live[:1]:
            c.failed_attempts += 1
            if c.failed_attempts >= MAX_CODE_ATTEMPTS:
                c.status = "burnt"
        return None
    match.status, match.used_at = "used", now
    username = username_for(coop.code, m.member_no)
    await _set_login(uow, coop, m, username, cmd.password)
    return username


async def _set_login(uow: UnitOfWork, coop: Cooperative, m: Member, username: str, password: str) -> None:
    user = (await uow.session.execute(select(User).where(User.username == username).with_for_update())).scalar_one_or_none()
    if user is None:
        await platform.create_user(uow, SYSTEM, platform.NewUser(username, m.name, "member", password, coop.id, member_id=m.id))
        return
    if user.role != "member" or user.cooperative_id != coop.id or user.member_id != m.id:
        raise InvalidInput("nama pengguna ini dipakai akun lain; hubungi admin / username belongs to another login")
    user.password_hash, user.active, user.failed_logins, user.locked_until = hash_password(password), True, 0, None
    # A reset password ends every session opened with the old one.
    await uow.session.execute(update(AuthSession).where(AuthSession.user_id == user.id).values(revoked=True))
    await audit.record(uow, SYSTEM, "member.password_reset", f"user:{user.id}", {"member": m.id}, cooperative_id=coop.id)


# ---------------------------------------------------------------- the member's own data


def _me(actor: Actor) -> int:
    actor.require("self.read")
    if actor.member_id is None:
        raise PermissionDenied("login ini tidak terkait anggota / this login has no member")
    return actor.member_id


@dataclass(frozen=True, slots=True)
class FinancingLine:
    contract: FinancingContract
    arrears: Decimal  # installments due on or before today and not paid
    arrears_count: int
    next_due: ContractInstallment | None


@dataclass
class Overview:
    member: Member
    equity: dict[str, Decimal]
    savings: list[tuple[Any, Any]]
    financing: list[FinancingLine] = field(default_factory=list)

    @property
    def savings_total(self) -> Decimal:
        return sum((a.balance for a, p in self.savings if p.kind != "deposito" and a.status != "closed"), ZERO)

    @property
    def deposito_total(self) -> Decimal:
        return sum((a.balance for a, p in self.savings if p.kind == "deposito" and a.status != "closed"), ZERO)


def _arrears(rows: list[ContractInstallment], today: date) -> tuple[Decimal, int, ContractInstallment | None]:
    due = [r for r in rows if r.status == "open" and r.due_date <= today]
    owed = sum((r.amount - r.paid_principal - r.paid_margin for r in due), ZERO)
    upcoming = next((r for r in rows if r.status == "open" and r.due_date > today), None)
    return owed, len(due), due[0] if due else upcoming


async def overview(uow: UnitOfWork, actor: Actor) -> Overview:
    """The member's home: equity, savings and deposits, and each financing with its arrears."""
    member_id = _me(actor)
    m = await members.get(uow, actor, member_id)
    out = Overview(m, await members.equity_balances(uow, actor, member_id), await savings.accounts_of_member(uow, actor, member_id))
    today = uow.business_date()
    for c in await financing.list_contracts(uow, actor, member_id=member_id):
        if c.status in ("rejected", "cancelled"):
            continue
        owed, n, nxt = _arrears(await financing.installments(uow, c), today)
        out.financing.append(FinancingLine(c, owed, n, nxt))
    return out


async def account(uow: UnitOfWork, actor: Actor, account_id: int, since: date, through: date) -> dict[str, Any]:
    """One of the member's accounts with its statement for a period (another member's account: NotFound)."""
    _me(actor)
    acc, prod, member = await savings.get_account(uow, actor, account_id)
    opening, lines, closing = await savings.statement(uow, actor, account_id, since, through)
    totals = {"debit": sum((x.debit for x in lines), ZERO), "credit": sum((x.credit for x in lines), ZERO)}
    return {"acc": acc, "prod": prod, "member": member, "opening": opening, "lines": lines, "closing": closing, "totals": totals, "since": since, "through": through}


def _optional(module: str) -> Any:
    """A service another part of the engine provides, when it is installed (None otherwise)."""
    try:
        return importlib.import_module(f"bmt.services.{module}")
    except ImportError:
        return None


async def financing_detail(uow: UnitOfWork, actor: Actor, contract_id: int) -> dict[str, Any]:
    """A contract's schedule, arrears, and today's early-settlement price (murabahah, fatwa 153/2022)."""
    _me(actor)
    c = await financing.get(uow, actor, contract_id)
    rows = await financing.installments(uow, c)
    today = uow.business_date()
    owed, n, nxt = _arrears(rows, today)
    quote, quote_note = None, ""
    mod = _optional("murabahah")
    fn = getattr(mod, "settlement_quote", None)
    if c.kind != "murabahah" or c.status != "active":
        quote_note = "Harga pelunasan dipercepat hanya untuk murabahah yang berjalan."
    elif fn is None:
        quote_note = "Harga pelunasan belum tersedia."
    else:
        quote = await fn(uow, actor, c.id, today)
    return {"contract": c, "rows": rows, "arrears": owed, "arrears_count": n, "next_due": nxt, "quote": quote, "quote_note": quote_note, "today": today}


@dataclass(frozen=True, slots=True)
class ProfitShare:
    value_date: date
    account_no: str
    amount: Decimal
    description: str
    explanation: list[str]


async def profit_shares(uow: UnitOfWork, actor: Actor, *, limit: int = 36) -> list[ProfitShare]:
    """Each month's profit share credited to the member's accounts, newest first, read from the ledger.

    The explanation lines (average balance, nisbah, pool) come from the profit-distribution service when it
    offers ``explain_share(uow, actor, entry_id, account_id)``; otherwise the entry's own description stands.
    """
    member_id = _me(actor)
    accounts = {a.id: a.account_no for a, _ in await savings.accounts_of_member(uow, actor, member_id)}
    if not accounts:
        return []
    subs = {savings.sub(i): i for i in accounts}
    expense = select(JournalLine.entry_id).join(GlAccount, GlAccount.id == JournalLine.account_id).where(
        JournalLine.cooperative_id == actor.coop, GlAccount.key.in_(("profit_sharing_expense", "wadiah_bonus_expense"))
    )
    q = (
        select(JournalLine.entry_id, JournalLine.value_date, JournalLine.subledger, JournalLine.amount, JournalEntry.description)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == actor.coop, JournalLine.subledger.in_(list(subs)), JournalLine.amount < 0, JournalLine.entry_id.in_(expense))
        .order_by(JournalLine.value_date.desc(), JournalLine.id.desc())
        .limit(limit)
    )
    explain = getattr(_optional("profit_distribution"), "explain_share", None)
    out = []
    for eid, vd, sub, amount, desc in (await uow.session.execute(q)).all():
        lines = list(await explain(uow, actor, eid, subs[sub])) if explain else []
        out.append(ProfitShare(vd, accounts[subs[sub]], -amount, desc, lines))
    return out


async def zakat_receipts(uow: UnitOfWork, actor: Actor, *, limit: int = 100) -> list[MaalReceipt]:
    """The member's own ZIS receipts (as muzakki or donor)."""
    member_id = _me(actor)
    q = (
        select(MaalReceipt)
        .join(MaalDonor, MaalDonor.id == MaalReceipt.donor_id)
        .where(MaalReceipt.cooperative_id == actor.coop, MaalDonor.member_id == member_id)
        .order_by(MaalReceipt.value_date.desc(), MaalReceipt.id.desc())
        .limit(limit)
    )
    return list((await uow.session.execute(q)).scalars())


@dataclass(frozen=True, slots=True)
class ShuReceived:
    year: int
    rat_date: date | None
    jasa_modal: Decimal
    jasa_usaha: Decimal

    @property
    def total(self) -> Decimal:
        return self.jasa_modal + self.jasa_usaha


async def shu_received(uow: UnitOfWork, actor: Actor) -> list[ShuReceived]:
    """The member's share of each posted SHU distribution (bmt.services.shu), newest year first."""
    member_id = _me(actor)
    q = (
        select(ShuRun.year, ShuRun.rat_date, ShuLine.jasa_modal, ShuLine.jasa_usaha)
        .join(ShuRun, ShuRun.id == ShuLine.run_id)
        .where(ShuLine.cooperative_id == actor.coop, ShuLine.member_id == member_id, ShuRun.status == "posted")
        .order_by(ShuRun.year.desc())
    )
    return [ShuReceived(y, rat, jm, ju) for y, rat, jm, ju in (await uow.session.execute(q)).all()]
