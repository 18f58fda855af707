"""Cooperatives, branches, users and the chart of accounts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from bmt.auth.passwords import hash_password
from bmt.auth.roles import Role
from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bmt.ledger.accounts import STANDARD_CHART, AccountType, Book
from bmt.persistence.models import AuditHead, Branch, Cooperative, GlAccount, User
from bmt.services import audit, ledger
from bmt.services.audit import GENESIS
from bmt.services.uow import Actor, UnitOfWork

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
_USERNAME = re.compile(r"^[a-z0-9_.-]{3,80}$")


@dataclass(frozen=True, slots=True)
class NewCooperative:
    code: str
    name: str
    kind: str = "kspps"
    region_code: str = ""
    address: str = ""
    simpanan_pokok_amount: Decimal = Decimal(100_000)
    simpanan_wajib_amount: Decimal = Decimal(20_000)
    member_no_prefix: str = "A"


async def create_cooperative(uow: UnitOfWork, actor: Actor, cmd: NewCooperative) -> int:
    """A cooperative with its head office branch and its own copy of the standard chart of accounts."""
    if actor.role != Role.ADMIN or actor.cooperative_id is not None:
        raise PermissionDenied("hanya admin platform yang dapat membuat koperasi / only a platform admin creates cooperatives")
    if not _CODE.match(cmd.code):
        raise InvalidInput("kode koperasi 2–32 huruf/angka / cooperative code must be 2–32 letters or digits", field="code")
    if not cmd.name.strip():
        raise InvalidInput("nama koperasi wajib diisi / name is required", field="name")
    if cmd.kind not in ("kspps", "kopontren"):
        raise InvalidInput("jenis koperasi: kspps atau kopontren", field="kind")
    exists = (await uow.session.execute(select(Cooperative.id).where(Cooperative.code == cmd.code))).scalar_one_or_none()
    if exists:
        raise Conflict(f"kode koperasi {cmd.code} sudah dipakai / already exists", field="code")
    coop = Cooperative(
        code=cmd.code, name=cmd.name.strip(), kind=cmd.kind, region_code=cmd.region_code, address=cmd.address,
        simpanan_pokok_amount=cmd.simpanan_pokok_amount, simpanan_wajib_amount=cmd.simpanan_wajib_amount,
        member_no_prefix=cmd.member_no_prefix, next_member_seq=1, settings_json="{}", created_at=uow.now(),
    )
    uow.session.add(coop)
    await uow.session.flush()
    uow.session.add(Branch(cooperative_id=coop.id, code="PUSAT", name="Kantor Pusat"))
    uow.session.add_all(
        GlAccount(cooperative_id=coop.id, code=a.code, name=a.name, kind=a.kind.value, book=a.book.value, key=a.key, parent_code=a.parent, is_cash=a.cash, system=a.key is not None)
        for a in STANDARD_CHART
    )
    await uow.session.flush()
    await audit.record(uow, actor, "cooperative.create", f"cooperative:{coop.id}", {"code": cmd.code, "name": cmd.name}, cooperative_id=coop.id)
    return coop.id


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    name: str
    role: str
    password: str
    cooperative_id: int | None
    branch_id: int | None = None
    member_id: int | None = None
    region_code: str = ""


async def create_user(uow: UnitOfWork, actor: Actor, cmd: NewUser) -> int:
    """A login. Cooperative admins create users of their own cooperative; the platform admin any."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("hanya admin yang dapat membuat pengguna / only an admin creates users")
    if actor.cooperative_id is not None and cmd.cooperative_id != actor.cooperative_id:
        raise PermissionDenied("pengguna koperasi lain / another cooperative's user")
    username = cmd.username.strip().lower()
    if not _USERNAME.match(username):
        raise InvalidInput("nama pengguna 3–80 huruf kecil, angka, titik, garis / username: 3–80 of a-z 0-9 . _ -", field="username")
    try:
        role = Role(cmd.role)
    except ValueError:
        raise InvalidInput(f"peran tidak dikenal: {cmd.role} / unknown role", field="role") from None
    if role == Role.SUPERVISOR and (cmd.cooperative_id is not None or not cmd.region_code):
        raise InvalidInput("pengguna Dinas Koperasi punya wilayah, bukan koperasi / a supervisor has a region, not a cooperative", field="region_code")
    if role != Role.SUPERVISOR and cmd.cooperative_id is None and role != Role.ADMIN:
        raise InvalidInput("pengguna ini harus milik sebuah koperasi / this user must belong to a cooperative", field="cooperative_id")
    if role == Role.MEMBER and cmd.member_id is None:
        raise InvalidInput("login anggota harus terkait dengan anggota / a member login needs a member", field="member_id")
    if (await uow.session.execute(select(User.id).where(User.username == username))).scalar_one_or_none():
        raise Conflict(f"nama pengguna {username} sudah dipakai / username taken", field="username")
    user = User(
        cooperative_id=cmd.cooperative_id, branch_id=cmd.branch_id, username=username, name=cmd.name.strip() or username,
        role=role.value, password_hash=hash_password(cmd.password), member_id=cmd.member_id, region_code=cmd.region_code,
        active=True, failed_logins=0, created_at=uow.now(),
    )
    uow.session.add(user)
    await uow.session.flush()
    uow.session.add(AuditHead(chain_id=user.id, seq=0, hash=GENESIS))  # the user's own audit chain
    await audit.record(uow, actor, "user.create", f"user:{user.id}", {"username": username, "role": role.value}, cooperative_id=cmd.cooperative_id)
    return user.id


async def get_cooperative(uow: UnitOfWork, cooperative_id: int) -> Cooperative:
    coop = await uow.session.get(Cooperative, cooperative_id)
    if coop is None:
        raise NotFound("koperasi tidak ditemukan / cooperative not found")
    return coop


def coop_settings(coop: Cooperative) -> dict:
    return json.loads(coop.settings_json or "{}")


async def branches(uow: UnitOfWork, cooperative_id: int) -> list[Branch]:
    return list((await uow.session.execute(select(Branch).where(Branch.cooperative_id == cooperative_id).order_by(Branch.code))).scalars())


@dataclass(frozen=True, slots=True)
class AccountEdit:
    code: str
    name: str
    kind: str | None = None
    parent_code: str | None = None


async def add_account(uow: UnitOfWork, actor: Actor, cmd: AccountEdit) -> int:
    """An accountant adds a sub-account. Its type and book follow its parent (the chart's rules)."""
    actor.require("chart.edit")
    coop = actor.coop
    if not re.match(r"^\d{4,10}$", cmd.code):
        raise InvalidInput("kode akun 4–10 angka / account code: 4–10 digits", field="code")
    if not cmd.parent_code:
        raise InvalidInput("akun baru harus punya induk / a new account needs a parent account", field="parent_code")
    parent = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == coop, GlAccount.code == cmd.parent_code))).scalar_one_or_none()
    if parent is None:
        raise InvalidInput("akun induk tidak ditemukan / parent account not found", field="parent_code")
    if not cmd.code.startswith(parent.code[0]):
        raise InvalidInput("kode akun harus di golongan yang sama dengan induknya / code must be in the parent's group", field="code")
    if (await uow.session.execute(select(GlAccount.id).where(GlAccount.cooperative_id == coop, GlAccount.code == cmd.code))).scalar_one_or_none():
        raise Conflict(f"kode akun {cmd.code} sudah ada / account code exists", field="code")
    acc = GlAccount(cooperative_id=coop, code=cmd.code, name=cmd.name.strip(), kind=parent.kind, book=parent.book, key=None, parent_code=parent.code, is_cash=parent.is_cash, system=False, active=True)
    uow.session.add(acc)
    await uow.session.flush()
    ledger.forget_chart(coop)
    await audit.record(uow, actor, "chart.add", f"gl_account:{acc.id}", {"code": cmd.code, "name": cmd.name, "parent": parent.code})
    return acc.id


async def rename_account(uow: UnitOfWork, actor: Actor, code: str, name: str) -> None:
    """Rename an account; type, book and key of system accounts never change."""
    actor.require("chart.edit")
    if not name.strip():
        raise InvalidInput("nama akun wajib diisi / name required", field="name")
    acc = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == actor.coop, GlAccount.code == code))).scalar_one_or_none()
    if acc is None:
        raise NotFound("akun tidak ditemukan / account not found")
    old = acc.name
    acc.name = name.strip()
    ledger.forget_chart(actor.coop)
    await audit.record(uow, actor, "chart.rename", f"gl_account:{acc.id}", {"code": code, "from": old, "to": acc.name})


__all__ = ["AccountType", "Book"]
