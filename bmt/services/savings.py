"""Savings (wadiah, mudharabah), time deposits (deposito mudharabah) and the teller's postings on them.

Rules (domain.md §4.1): wadiah never promises a return; mudharabah savings and deposits carry the member's
nisbah fixed at opening (changing it needs the member's consent); a deposito has a tenor of 1/3/6/12 months,
rolls over automatically (ARO) or pays out at maturity, and its profit goes to a linked savings account or to
a payable.

Every operation locks the account row(s) in id order (PostgreSQL ``FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``),
updates the running balance and posts one balanced entry whose savings line carries ``savings:<id>``, so the
sub-ledger always equals the control account. Control accounts: wadiah -> ``wadiah_savings``, mudharabah ->
``mudharabah_savings``, deposito -> ``mudharabah_deposits``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, case, cast, func, literal, select, type_coerce
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from bmt.dates import add_months
from bmt.errors import Conflict, InsufficientBalance, InvalidInput, NotFound, PermissionDenied
from bmt.ledger import JournalEntry as JournalEntryDraft
from bmt.ledger import Posting, entry
from bmt.money import ZERO, from_sen, money_str, rupiah, to_sen
from bmt.persistence import hot
from bmt.persistence.models import (
    JournalEntry,
    JournalLine,
    Member,
    SavingsAccount,
    SavingsProduct,
    WithdrawalRequest,
)
from bmt.services import audit, idempotency, ledger, teller
from bmt.services.uow import Actor, UnitOfWork

CONTROL = {"wadiah": "wadiah_savings", "mudharabah": "mudharabah_savings", "deposito": "mudharabah_deposits"}
KINDS = tuple(CONTROL)
TENORS = (1, 3, 6, 12)
PREFIX = {"wadiah": "TW", "mudharabah": "TM", "deposito": "DM"}


def sub(account_id: int) -> str:
    return f"savings:{account_id}"


# ---------------------------------------------------------------- products


@dataclass(frozen=True, slots=True)
class ProductSpec:
    code: str
    name: str
    kind: str
    nisbah_member_percent: Decimal = ZERO
    tenor_months: int | None = None
    min_opening: Decimal = ZERO
    min_balance: Decimal = ZERO
    dormant_after_days: int = 365
    approval_threshold: Decimal = Decimal(10_000_000)
    aro_default: bool = True
    early_break: str = "forfeit_month"


def _validate_product(p: ProductSpec) -> int:
    if p.kind not in KINDS:
        raise InvalidInput("jenis produk: wadiah, mudharabah atau deposito / kind must be wadiah, mudharabah or deposito", field="kind")
    if not p.code.strip() or len(p.code) > 20 or not p.name.strip():
        raise InvalidInput("kode (≤ 20) dan nama produk wajib diisi / code and name are required", field="code")
    nisbah = Decimal(p.nisbah_member_percent)
    if p.kind == "wadiah" and nisbah != 0:
        raise InvalidInput("wadiah tidak boleh menjanjikan bagi hasil (fatwa 02/2000) / a wadiah product has no nisbah", field="nisbah_member_percent", rule="DEP-02")
    if p.kind != "wadiah" and not (0 < nisbah < 100):
        raise InvalidInput("nisbah anggota harus di antara 0 dan 100 persen / member nisbah must be within (0, 100)%", field="nisbah_member_percent", rule="DEP-01")
    if (nisbah * 100) != (nisbah * 100).to_integral_value():
        raise InvalidInput("nisbah paling teliti 0,01% / nisbah to at most 0.01%", field="nisbah_member_percent")
    if p.kind == "deposito" and p.tenor_months not in TENORS:
        raise InvalidInput("tenor deposito 1, 3, 6 atau 12 bulan / deposit tenor must be 1, 3, 6 or 12 months", field="tenor_months")
    if p.kind != "deposito" and p.tenor_months:
        raise InvalidInput("hanya deposito yang punya tenor / only deposits have a tenor", field="tenor_months")
    for name in ("min_opening", "min_balance", "approval_threshold"):
        rupiah(getattr(p, name))
    if p.min_balance > p.min_opening and p.kind != "deposito":
        raise InvalidInput("setoran awal minimum tidak boleh di bawah saldo minimum / minimum opening below minimum balance", field="min_opening")
    if p.early_break not in ("refuse", "forfeit_month"):
        raise InvalidInput("kebijakan pencairan awal: refuse atau forfeit_month", field="early_break")
    if not (30 <= p.dormant_after_days <= 3650):
        raise InvalidInput("hari dorman 30–3650 / dormancy 30–3650 days", field="dormant_after_days")
    return int(nisbah * 100)


async def create_product(uow: UnitOfWork, actor: Actor, p: ProductSpec) -> SavingsProduct:
    """A manager configures a product."""
    if actor.role not in ("manager", "admin"):
        raise PermissionDenied("hanya manajer yang mengatur produk / only a manager configures products")
    bps = _validate_product(p)
    if (await uow.session.execute(select(SavingsProduct.id).where(SavingsProduct.cooperative_id == actor.coop, SavingsProduct.code == p.code.strip()))).scalar_one_or_none():
        raise Conflict(f"kode produk {p.code} sudah ada / product code exists", field="code")
    prod = SavingsProduct(
        cooperative_id=actor.coop, code=p.code.strip(), name=p.name.strip(), kind=p.kind, nisbah_member_bps=bps, tenor_months=p.tenor_months,
        min_opening=rupiah(p.min_opening), min_balance=rupiah(p.min_balance), dormant_after_days=p.dormant_after_days,
        approval_threshold=rupiah(p.approval_threshold), aro_default=p.aro_default, early_break=p.early_break, active=True,
    )
    uow.session.add(prod)
    await uow.session.flush()
    await audit.record(uow, actor, "savings.product.create", f"savings_product:{prod.id}", {"code": prod.code, "kind": prod.kind, "nisbah_bps": bps})
    return prod


async def products(uow: UnitOfWork, actor: Actor) -> list[SavingsProduct]:
    return list((await uow.session.execute(select(SavingsProduct).where(SavingsProduct.cooperative_id == actor.coop).order_by(SavingsProduct.code))).scalars())


async def _product(uow: UnitOfWork, coop: int, product_id: int) -> SavingsProduct:
    p = await uow.session.get(SavingsProduct, product_id)
    if p is None or p.cooperative_id != coop:
        raise NotFound("produk tidak ditemukan / product not found")
    return p


# ---------------------------------------------------------------- accounts


async def _lock_accounts(uow: UnitOfWork, actor: Actor, *ids: int) -> dict[int, SavingsAccount]:
    """Lock accounts of the actor's cooperative in id order (no deadlocks between two tellers)."""
    unique = sorted(set(ids))
    # The product comes along in the same statement (into the session's identity map, where _product finds it).
    q = (
        select(SavingsAccount, SavingsProduct)
        .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
        .where(SavingsAccount.id.in_(unique), SavingsAccount.cooperative_id == actor.coop)
        .order_by(SavingsAccount.id)
        .with_for_update(of=SavingsAccount)
        .execution_options(populate_existing=True)  # a lock always reads the row as it is now
    )
    found = {a.id: a for a, _ in (await uow.session.execute(q)).all()}
    if len(found) != len(unique):
        raise NotFound("rekening tidak ditemukan / account not found")
    if actor.is_member and any(a.member_id != actor.member_id for a in found.values()):
        raise NotFound("rekening tidak ditemukan / account not found")
    return found


async def get_account(uow: UnitOfWork, actor: Actor, account_id: int) -> tuple[SavingsAccount, SavingsProduct, Member]:
    row = (
        await uow.session.execute(
            select(SavingsAccount, SavingsProduct, Member)
            .join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
            .join(Member, Member.id == SavingsAccount.member_id)
            .where(SavingsAccount.id == account_id, SavingsAccount.cooperative_id == actor.coop)
        )
    ).first()
    if row is None or (actor.is_member and row[0].member_id != actor.member_id):
        raise NotFound("rekening tidak ditemukan / account not found")
    return row[0], row[1], row[2]


async def accounts_of_member(uow: UnitOfWork, actor: Actor, member_id: int) -> list[tuple[SavingsAccount, SavingsProduct]]:
    if actor.is_member and actor.member_id != member_id:
        raise NotFound("anggota tidak ditemukan / member not found")
    q = select(SavingsAccount, SavingsProduct).join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id).where(SavingsAccount.cooperative_id == actor.coop, SavingsAccount.member_id == member_id).order_by(SavingsAccount.id)
    return [(a, p) for a, p in (await uow.session.execute(q)).all()]


def _check_usable(a: SavingsAccount, *, for_debit: bool) -> None:
    if a.status == "closed":
        raise Conflict(f"rekening {a.account_no} sudah ditutup / account is closed")
    if a.status in ("matured", "broken"):
        raise Conflict(f"deposito {a.account_no} sudah dicairkan / deposit already paid out")
    if a.status == "dormant" and for_debit:
        raise Conflict(f"rekening {a.account_no} dorman; minta manajer mengaktifkan kembali / account is dormant: a manager must reactivate it")


def _result(kind: str, account: SavingsAccount | _Moved, entry_id: int | None, amount: Decimal, **extra: Any) -> dict[str, Any]:
    return {"operation": kind, "account_id": account.id, "account_no": account.account_no, "amount": money_str(amount), "balance": money_str(account.balance), "entry_id": entry_id, **extra}


@dataclass(frozen=True, slots=True)
class OpenAccount:
    member_id: int
    product_id: int
    initial_deposit: Decimal = ZERO
    aro: bool | None = None
    profit_to_account_id: int | None = None
    funding_account_id: int | None = None  # deposito funded by transfer from a savings account


async def open_account(uow: UnitOfWork, actor: Actor, cmd: OpenAccount, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Open a savings account or place a deposito, with its first deposit (cash or from another account)."""
    actor.require("members.write")
    payload = {"member": cmd.member_id, "product": cmd.product_id, "amount": str(cmd.initial_deposit), "funding": cmd.funding_account_id}
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "savings.open", payload)) is not None:
        return prev
    member = (await uow.session.execute(select(Member).where(Member.id == cmd.member_id, Member.cooperative_id == actor.coop))).scalar_one_or_none()
    if member is None:
        raise NotFound("anggota tidak ditemukan / member not found")
    if member.status != "active":
        raise Conflict("anggota tidak aktif / member is not active")
    prod = await _product(uow, actor.coop, cmd.product_id)
    if not prod.active:
        raise Conflict("produk tidak aktif / product is not offered")
    amount = rupiah(cmd.initial_deposit)
    if amount < prod.min_opening:
        raise InvalidInput(f"setoran awal minimal {money_str(prod.min_opening)} / minimum opening deposit {money_str(prod.min_opening)}", field="initial_deposit")
    if prod.kind == "deposito" and amount <= 0:
        raise InvalidInput("nominal deposito wajib diisi / a deposit needs an amount", field="initial_deposit")
    today = uow.business_date()
    profit_to = None
    if prod.kind == "deposito" and cmd.profit_to_account_id:
        target, tprod, _ = await get_account(uow, actor, cmd.profit_to_account_id)
        if target.member_id != member.id or tprod.kind == "deposito":
            raise InvalidInput("bagi hasil deposito harus ke tabungan milik anggota yang sama / profit must go to the member's own savings account", field="profit_to_account_id")
        profit_to = target.id
    seq = (await uow.session.execute(select(func.count()).select_from(SavingsAccount).where(SavingsAccount.cooperative_id == actor.coop))).scalar_one() + 1
    acc = SavingsAccount(
        cooperative_id=actor.coop, branch_id=actor.branch_id, member_id=member.id, product_id=prod.id, account_no=f"{PREFIX[prod.kind]}{actor.coop:03d}{seq:07d}",
        status="active", balance=ZERO, nisbah_member_bps=prod.nisbah_member_bps, opened_on=today, last_activity_on=today,
        tenor_months=prod.tenor_months, maturity_date=add_months(today, prod.tenor_months) if prod.tenor_months else None,
        aro=prod.aro_default if cmd.aro is None else cmd.aro, profit_to_account_id=profit_to, version=0,
    )
    uow.session.add(acc)
    await uow.session.flush()
    entry_id = None
    if amount > 0:
        if cmd.funding_account_id:
            src = (await _lock_accounts(uow, actor, cmd.funding_account_id))[cmd.funding_account_id]
            entry_id = await _move(uow, actor, src, acc, amount, f"Penempatan {prod.name} {acc.account_no} dari {src.account_no}")
        else:
            cash_key, cash_sub = await teller.cash_leg(uow, actor)
            acc.balance = amount
            entry_id = await ledger.post(uow, actor, entry(today, f"Setoran awal {prod.name} {acc.account_no} a.n. {member.name}", Posting.debit(cash_key, amount, subledger=cash_sub), Posting.credit(CONTROL[prod.kind], amount, subledger=sub(acc.id)), source=f"savings:{acc.id}:open"), idempotency_key=idempotency_key)
    await audit.record(uow, actor, "savings.open", f"savings_account:{acc.id}", {"member": member.id, "product": prod.code, "amount": str(amount), "nisbah_bps": acc.nisbah_member_bps})
    result = _result("open", acc, entry_id, amount, product=prod.code, maturity_date=acc.maturity_date.isoformat() if acc.maturity_date else None)
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


async def deposit(uow: UnitOfWork, actor: Actor, account_id: int, amount: Decimal, *, idempotency_key: str | None = None, memo: str = "") -> dict[str, Any]:
    """Cash deposit into a savings account (not a deposito: a deposito is placed once)."""
    actor.require("members.write")
    amount = teller.require_positive(amount)
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "savings.deposit", {"account": account_id, "amount": str(amount)})) is not None:
        return prev
    today = uow.business_date()
    if (moved := await _move_fast(uow, actor, _DEPOSIT_FAST, account_id, amount, today)) is not None:
        acc, kind, cash_key, cash_sub = moved
    else:
        # Something stands in the way (or the account is not ours): the full checks say what, or go ahead.
        cash_key, cash_sub, acc, prod = await _checked_cash_account(uow, actor, account_id, for_debit=False)
        acc.balance += amount
        acc.last_activity_on = today
        if acc.status == "dormant":
            acc.status = "active"  # a deposit by the member shows the account is alive again
        kind = prod.kind
    eid = await ledger.post(uow, actor, entry(today, f"Setoran tunai {acc.account_no}{' — ' + memo if memo else ''}", Posting.debit(cash_key, amount, subledger=cash_sub), Posting.credit(CONTROL[kind], amount, subledger=sub(acc.id)), source=f"savings:{acc.id}:deposit"), idempotency_key=idempotency_key)
    result = _result("deposit", acc, eid, amount)
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


async def _checked_cash_account(uow: UnitOfWork, actor: Actor, account_id: int, *, for_debit: bool) -> tuple[str, str | None, SavingsAccount, SavingsProduct]:
    """The full checks of a cash deposit or withdrawal: the actor's cash leg, the account locked, not a
    deposito, usable for the direction of the movement."""
    cash_key, cash_sub = await teller.cash_leg(uow, actor)
    acc = (await _lock_accounts(uow, actor, account_id))[account_id]
    prod = await _product(uow, actor.coop, acc.product_id)
    if prod.kind == "deposito":
        if for_debit:
            raise Conflict("deposito dicairkan lewat pencairan, bukan penarikan / use break or maturity for a deposit")
        raise Conflict("deposito tidak menerima setoran tambahan / a deposit takes no top-ups")
    _check_usable(acc, for_debit=for_debit)
    return cash_key, cash_sub, acc, prod


@dataclass(slots=True)
class _Moved:
    """What a fast deposit or withdrawal returns of the account (the fields ``_result`` reads)."""

    id: int
    account_no: str
    balance: Decimal


# The teller's hot path: one UPDATE … RETURNING that moves the balance only when every rule of the operation
# holds (the row is locked by the UPDATE itself). When it moves nothing, the caller runs the full checks,
# which raise the precise refusal or create the approval request; the WHERE clauses mirror _check_usable,
# _check_funds, the approval threshold and teller.cash_leg and must stay in step with them.
_DRAWER = "SELECT d.id FROM teller_drawer d WHERE d.cooperative_id = :coop AND d.teller_id = :user AND d.status = 'open' AND d.business_date = :today"
_RETURNING = f"RETURNING balance, account_no, (SELECT p.kind FROM savings_product p WHERE p.id = savings_account.product_id), ({_DRAWER})"
_DEPOSIT_FAST = hot.Sql(
    "UPDATE savings_account SET balance = balance + :amount, last_activity_on = :today, status = 'active' "
    "WHERE id = :id AND cooperative_id = :coop AND status IN ('active', 'dormant') "
    "AND EXISTS (SELECT 1 FROM savings_product p WHERE p.id = savings_account.product_id AND p.kind <> 'deposito') "
    f"AND (:needs_drawer = 0 OR EXISTS ({_DRAWER})) {_RETURNING}",
    types={"today": Date()},
)
_WITHDRAW_FAST = hot.Sql(
    "UPDATE savings_account SET balance = balance - :amount, last_activity_on = :today "
    "WHERE id = :id AND cooperative_id = :coop AND status = 'active' "
    "AND EXISTS (SELECT 1 FROM savings_product p WHERE p.id = savings_account.product_id AND p.kind <> 'deposito' "
    "AND savings_account.balance - :amount >= p.min_balance AND :amount <= p.approval_threshold) "
    f"AND (:needs_drawer = 0 OR EXISTS ({_DRAWER})) {_RETURNING}",
    types={"today": Date()},
)


async def _move_fast(uow: UnitOfWork, actor: Actor, sql: hot.Sql, account_id: int, amount: Decimal, today: date) -> tuple[_Moved, str, str, str | None] | None:
    """Run a fast deposit or withdrawal; None when the full path must decide."""
    if actor.is_member:
        return None
    session = uow.session
    if session.dirty:  # the ORM holds changes of this unit of work: write them first, the UPDATE builds on them
        await session.flush()
    params = {"amount": to_sen(amount), "today": today, "id": account_id, "coop": actor.coop, "user": actor.user_id, "needs_drawer": 1 if actor.role == "teller" else 0}
    row = await hot.one(session, sql, params)
    if row is None:
        return None
    balance, account_no, kind, drawer = row
    moved = _Moved(account_id, account_no, from_sen(int(balance)))
    # An ORM copy of the account loaded earlier in this unit of work learns the new state (not as a change).
    if (loaded := session.sync_session.identity_map.get(identity_key(SavingsAccount, account_id))) is not None:
        set_committed_value(loaded, "balance", moved.balance)
        set_committed_value(loaded, "last_activity_on", today)
        if sql is _DEPOSIT_FAST:
            set_committed_value(loaded, "status", "active")
    cash_key, cash_sub = ("teller_cash", f"drawer:{drawer}") if drawer is not None else ("cash", None)
    return moved, kind, cash_key, cash_sub


async def withdraw(uow: UnitOfWork, actor: Actor, account_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Cash withdrawal; above the product's threshold it becomes a request for a manager's approval."""
    actor.require("members.write")
    amount = teller.require_positive(amount)
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "savings.withdraw", {"account": account_id, "amount": str(amount)})) is not None:
        return prev
    today = uow.business_date()
    if (moved := await _move_fast(uow, actor, _WITHDRAW_FAST, account_id, amount, today)) is not None:
        acc, kind, cash_key, cash_sub = moved
        eid = await ledger.post(uow, actor, _withdrawal_entry(today, acc, kind, amount, cash_key, cash_sub), idempotency_key=idempotency_key)
        result = _result("withdraw", acc, eid, amount, status="posted")
        await idempotency.remember(uow, actor.coop, idempotency_key, result)
        return result
    cash_key, cash_sub, acc, prod = await _checked_cash_account(uow, actor, account_id, for_debit=True)
    _check_funds(acc, prod, amount)
    if amount > prod.approval_threshold:
        req = WithdrawalRequest(cooperative_id=actor.coop, account_id=acc.id, amount=amount, status="pending", maker_id=actor.user_id, drawer_id=int(cash_sub.split(":")[1]) if cash_sub else None, created_at=uow.now(), note="")
        uow.session.add(req)
        await uow.session.flush()
        await audit.record(uow, actor, "savings.withdraw.request", f"withdrawal_request:{req.id}", {"account": acc.id, "amount": str(amount)})
        result = _result("withdraw", acc, None, amount, status="pending_approval", request_id=req.id)
    else:
        eid = await _post_withdrawal(uow, actor, acc, prod, amount, cash_key, cash_sub, idempotency_key)
        result = _result("withdraw", acc, eid, amount, status="posted")
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


def _check_funds(acc: SavingsAccount, prod: SavingsProduct, amount: Decimal) -> None:
    if acc.balance - amount < prod.min_balance:
        available = max(acc.balance - prod.min_balance, ZERO)
        raise InsufficientBalance(
            f"saldo tidak cukup: dapat ditarik {money_str(available)} (saldo minimum {money_str(prod.min_balance)}) / insufficient balance",
            available=money_str(available),
        )


async def _post_withdrawal(uow: UnitOfWork, actor: Actor, acc: SavingsAccount, prod: SavingsProduct, amount: Decimal, cash_key: str, cash_sub: str | None, key: str | None, *, checker_id: int | None = None) -> int:
    today = uow.business_date()
    acc.balance -= amount
    acc.last_activity_on = today
    return await ledger.post(uow, actor, _withdrawal_entry(today, acc, prod.kind, amount, cash_key, cash_sub), idempotency_key=key, checker_id=checker_id)


def _withdrawal_entry(today: date, acc: SavingsAccount | _Moved, kind: str, amount: Decimal, cash_key: str, cash_sub: str | None) -> JournalEntryDraft:
    return entry(today, f"Penarikan tunai {acc.account_no}", Posting.debit(CONTROL[kind], amount, subledger=sub(acc.id)), Posting.credit(cash_key, amount, subledger=cash_sub), source=f"savings:{acc.id}:withdraw")


async def approve_withdrawal(uow: UnitOfWork, actor: Actor, request_id: int) -> dict[str, Any]:
    """A manager approves a large withdrawal; the cash leaves the maker's drawer (or the vault)."""
    if actor.role not in ("manager", "admin"):
        raise PermissionDenied("hanya manajer yang menyetujui penarikan besar / only a manager approves large withdrawals")
    req = (await uow.session.execute(select(WithdrawalRequest).where(WithdrawalRequest.id == request_id, WithdrawalRequest.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if req is None:
        raise NotFound("permintaan tidak ditemukan / request not found")
    if req.status != "pending":
        raise Conflict(f"permintaan sudah {req.status} / request already {req.status}")
    from bmt.auth.roles import check_four_eyes

    check_four_eyes(req.maker_id, actor.user_id, "penarikan")
    acc = (await _lock_accounts(uow, actor, req.account_id))[req.account_id]
    prod = await _product(uow, actor.coop, acc.product_id)
    _check_usable(acc, for_debit=True)
    _check_funds(acc, prod, req.amount)
    cash_key, cash_sub = ("teller_cash", f"drawer:{req.drawer_id}") if req.drawer_id else ("cash", None)
    maker = Actor(req.maker_id, "", "", "teller", actor.coop, actor.branch_id)
    eid = await _post_withdrawal(uow, maker, acc, prod, req.amount, cash_key, cash_sub, None, checker_id=actor.user_id)
    req.status, req.checker_id, req.entry_id, req.decided_at = "approved", actor.user_id, eid, uow.now()
    await audit.record(uow, actor, "savings.withdraw.approve", f"withdrawal_request:{req.id}", {"entry": eid})
    return _result("withdraw", acc, eid, req.amount, status="posted", request_id=req.id)


async def reject_withdrawal(uow: UnitOfWork, actor: Actor, request_id: int, note: str) -> None:
    if actor.role not in ("manager", "admin"):
        raise PermissionDenied("hanya manajer / manager only")
    req = (await uow.session.execute(select(WithdrawalRequest).where(WithdrawalRequest.id == request_id, WithdrawalRequest.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if req is None or req.status != "pending":
        raise NotFound("permintaan tidak ditemukan atau sudah diputus / request not found or decided")
    req.status, req.checker_id, req.decided_at, req.note = "rejected", actor.user_id, uow.now(), note[:300]
    await audit.record(uow, actor, "savings.withdraw.reject", f"withdrawal_request:{req.id}", {"note": note})


async def pending_withdrawals(uow: UnitOfWork, actor: Actor) -> list[tuple[WithdrawalRequest, SavingsAccount]]:
    q = select(WithdrawalRequest, SavingsAccount).join(SavingsAccount, SavingsAccount.id == WithdrawalRequest.account_id).where(WithdrawalRequest.cooperative_id == actor.coop, WithdrawalRequest.status == "pending").order_by(WithdrawalRequest.id)
    return [(r, a) for r, a in (await uow.session.execute(q)).all()]


async def _move(uow: UnitOfWork, actor: Actor, src: SavingsAccount, dst: SavingsAccount, amount: Decimal, description: str, key: str | None = None) -> int:
    """Move money between two locked accounts of the same cooperative (one entry, two sub-ledgers)."""
    sprod = await _product(uow, actor.coop, src.product_id)
    dprod = await _product(uow, actor.coop, dst.product_id)
    if sprod.kind == "deposito":
        raise Conflict("dana deposito tidak dapat dipindahkan sebelum dicairkan / a deposit cannot be debited")
    _check_usable(src, for_debit=True)
    _check_usable(dst, for_debit=False)
    _check_funds(src, sprod, amount)
    today = uow.business_date()
    src.balance -= amount
    dst.balance += amount
    src.last_activity_on = dst.last_activity_on = today
    return await ledger.post(uow, actor, entry(today, description, Posting.debit(CONTROL[sprod.kind], amount, subledger=sub(src.id)), Posting.credit(CONTROL[dprod.kind], amount, subledger=sub(dst.id)), source=f"savings:{src.id}:transfer:{dst.id}"), idempotency_key=key)


async def transfer(uow: UnitOfWork, actor: Actor, from_id: int, to_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Transfer between two accounts of the cooperative (locks both in id order)."""
    actor.require("members.write")
    amount = teller.require_positive(amount)
    if from_id == to_id:
        raise InvalidInput("rekening asal dan tujuan sama / same account", field="to_account_id")
    payload = {"from": from_id, "to": to_id, "amount": str(amount)}
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "savings.transfer", payload)) is not None:
        return prev
    accs = await _lock_accounts(uow, actor, from_id, to_id)
    dprod = await _product(uow, actor.coop, accs[to_id].product_id)
    if dprod.kind == "deposito":
        raise Conflict("deposito tidak menerima setoran tambahan / a deposit takes no top-ups")
    eid = await _move(uow, actor, accs[from_id], accs[to_id], amount, f"Pemindahbukuan {accs[from_id].account_no} ke {accs[to_id].account_no}", idempotency_key)
    result = _result("transfer", accs[from_id], eid, amount, to_account_id=to_id, to_balance=money_str(accs[to_id].balance))
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


async def break_deposit(uow: UnitOfWork, actor: Actor, account_id: int, *, to_account_id: int | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """Early withdrawal of a deposito, under the product's policy (refuse, or forfeit the month's profit share)."""
    actor.require("members.write")
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "deposit.break", {"account": account_id, "to": to_account_id})) is not None:
        return prev
    ids = (account_id, to_account_id) if to_account_id else (account_id,)
    cash = None if to_account_id else await teller.cash_leg(uow, actor)
    accs = await _lock_accounts(uow, actor, *ids)
    acc = accs[account_id]
    prod = await _product(uow, actor.coop, acc.product_id)
    if prod.kind != "deposito":
        raise InvalidInput("bukan rekening deposito / not a deposit account")
    _check_usable(acc, for_debit=True)
    today = uow.business_date()
    if acc.maturity_date and today < acc.maturity_date and prod.early_break == "refuse":
        raise Conflict(f"deposito belum jatuh tempo ({acc.maturity_date.isoformat()}) dan produk ini tidak mengizinkan pencairan awal / early break not allowed")
    paid = acc.balance  # _pay_out empties the account; the result reports what was paid
    eid = await _pay_out(uow, actor, acc, prod, accs.get(to_account_id) if to_account_id else None, cash, "Pencairan awal" if acc.maturity_date and today < acc.maturity_date else "Pencairan", idempotency_key)
    acc.status = "broken" if acc.maturity_date and today < acc.maturity_date else "matured"
    acc.closed_on = today
    result = _result("break", acc, eid, paid, status=acc.status)
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


async def _pay_out(uow: UnitOfWork, actor: Actor, acc: SavingsAccount, prod: SavingsProduct, to: SavingsAccount | None, cash: tuple[str, str | None] | None, label: str, key: str | None) -> int | None:
    amount = acc.balance
    if amount <= 0:
        return None
    today = uow.business_date()
    acc.balance = ZERO
    acc.last_activity_on = today
    if to is not None:
        tprod = await _product(uow, actor.coop, to.product_id)
        if to.member_id != acc.member_id or tprod.kind == "deposito":
            raise InvalidInput("dana deposito hanya ke tabungan anggota yang sama / to the member's own savings", field="to_account_id")
        _check_usable(to, for_debit=False)
        to.balance += amount
        credit = Posting.credit(CONTROL[tprod.kind], amount, subledger=sub(to.id))
    else:
        cash_key, cash_sub = cash or ("cash", None)
        credit = Posting.credit(cash_key, amount, subledger=cash_sub)
    return await ledger.post(uow, actor, entry(today, f"{label} deposito {acc.account_no}", Posting.debit("mudharabah_deposits", amount, subledger=sub(acc.id)), credit, source=f"savings:{acc.id}:payout"), idempotency_key=key)


async def close_account(uow: UnitOfWork, actor: Actor, account_id: int, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Close a savings account, paying the remaining balance in cash."""
    actor.require("members.write")
    if (prev := await idempotency.previous(uow, actor.coop, idempotency_key, "savings.close", {"account": account_id})) is not None:
        return prev
    cash_key, cash_sub = await teller.cash_leg(uow, actor)
    acc = (await _lock_accounts(uow, actor, account_id))[account_id]
    prod = await _product(uow, actor.coop, acc.product_id)
    if prod.kind == "deposito":
        raise Conflict("deposito ditutup lewat pencairan / a deposit closes by break or maturity")
    _check_usable(acc, for_debit=True)
    linked = (await uow.session.execute(select(func.count()).select_from(SavingsAccount).where(SavingsAccount.profit_to_account_id == acc.id, SavingsAccount.status == "active"))).scalar_one()
    if linked:
        raise Conflict("rekening ini menerima bagi hasil deposito aktif / an active deposit pays its profit here")
    paid = acc.balance
    eid = None
    if paid > 0:
        eid = await _post_withdrawal(uow, actor, acc, prod, paid, cash_key, cash_sub, idempotency_key)
    acc.status, acc.closed_on = "closed", uow.business_date()
    await audit.record(uow, actor, "savings.close", f"savings_account:{acc.id}", {"paid": str(paid)})
    result = _result("close", acc, eid, paid, status="closed")
    await idempotency.remember(uow, actor.coop, idempotency_key, result)
    return result


async def reactivate(uow: UnitOfWork, actor: Actor, account_id: int) -> None:
    if actor.role not in ("manager", "admin"):
        raise PermissionDenied("hanya manajer yang mengaktifkan kembali rekening dorman / manager only")
    acc = (await _lock_accounts(uow, actor, account_id))[account_id]
    if acc.status != "dormant":
        raise Conflict("rekening tidak dorman / account is not dormant")
    acc.status, acc.last_activity_on = "active", uow.business_date()
    await audit.record(uow, actor, "savings.reactivate", f"savings_account:{acc.id}", {})


# ---------------------------------------------------------------- batch: dormancy and maturities


async def mark_dormant(uow: UnitOfWork, actor: Actor, as_of: date) -> int:
    """Mark accounts without activity for their product's dormancy period (set-based). Returns how many."""
    accts = (
        await uow.session.execute(
            select(SavingsAccount).join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id)
            .where(SavingsAccount.cooperative_id == actor.coop, SavingsAccount.status == "active", SavingsProduct.kind != "deposito")
        )
    ).scalars()
    n = 0
    prods = {p.id: p for p in await products(uow, actor)}
    for a in accts:
        if (as_of - a.last_activity_on).days >= prods[a.product_id].dormant_after_days:
            a.status = "dormant"
            n += 1
    if n:
        await audit.record(uow, actor, "savings.dormancy", f"cooperative:{actor.coop}", {"as_of": as_of.isoformat(), "count": n})
    return n


async def process_maturities(uow: UnitOfWork, actor: Actor, as_of: date) -> dict[str, int]:
    """Deposits due on or before ``as_of``: roll over (ARO) to a new term, or pay out to the linked account
    (or to the deposit-profit payable... no: principal to a payable when there is no linked account)."""
    due = list((await uow.session.execute(select(SavingsAccount).where(SavingsAccount.cooperative_id == actor.coop, SavingsAccount.status == "active", SavingsAccount.maturity_date <= as_of).order_by(SavingsAccount.id).with_for_update())).scalars())
    rolled = paid = 0
    for acc in due:
        prod = await _product(uow, actor.coop, acc.product_id)
        if acc.aro:
            while acc.maturity_date <= as_of:
                acc.maturity_date = add_months(acc.maturity_date, acc.tenor_months or 1)
            rolled += 1
            continue
        to = (await _lock_accounts(uow, actor, acc.profit_to_account_id))[acc.profit_to_account_id] if acc.profit_to_account_id else None
        if to is not None and to.status not in ("active", "dormant"):
            to = None
        if to is None:
            amount = acc.balance
            acc.balance = ZERO
            await ledger.post(uow, actor, entry(as_of, f"Deposito {acc.account_no} jatuh tempo: pokok menunggu diambil", Posting.debit("mudharabah_deposits", amount, subledger=sub(acc.id)), Posting.credit("customer_payable", amount, subledger=f"member:{acc.member_id}"), source=f"savings:{acc.id}:maturity"))
        else:
            await _pay_out(uow, actor, acc, prod, to, None, "Jatuh tempo", None)
        acc.status, acc.closed_on = "matured", as_of
        paid += 1
    return {"rolled_over": rolled, "paid_out": paid}


# ---------------------------------------------------------------- balances over time and statements


async def balance_at(uow: UnitOfWork, cooperative_id: int, account_id: int, as_of: date) -> Decimal:
    """The account's balance at the end of ``as_of`` (credit-normal, from the ledger)."""
    q = select(func.coalesce(func.sum(type_coerce(JournalLine.amount, BigInteger)), 0)).where(JournalLine.cooperative_id == cooperative_id, JournalLine.subledger == sub(account_id), JournalLine.value_date <= as_of)
    return -from_sen(int((await uow.session.execute(q)).scalar_one()))


async def average_daily_balances(uow: UnitOfWork, cooperative_id: int, since: date, through: date, *, product_id: int | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """Per account: (average daily balance, end-of-period balance) over ``since..through`` inclusive.

    One set-based query, no loop over days: ADB = [opening·D + Σ amount_k·(through − d_k + 1)] / D, with the
    lines' signs flipped to the account's credit-normal side. Exact in Decimal.
    """
    days = (through - since).days + 1
    if days < 1 or days > 366:
        raise InvalidInput("periode 1–366 hari / period must be 1–366 days")
    amount = type_coerce(JournalLine.amount, BigInteger)
    if uow.dialect == "postgresql":
        until = type_coerce(literal(through, Date) - JournalLine.value_date, BigInteger) + 1
    else:
        until = cast(func.julianday(through.isoformat()) - func.julianday(JournalLine.value_date), BigInteger) + 1
    weight = case((JournalLine.value_date < since, days), else_=until)
    q = (
        select(JournalLine.subledger, func.sum(-amount * weight), func.sum(-amount))
        .where(JournalLine.cooperative_id == cooperative_id, JournalLine.subledger.like("savings:%"), JournalLine.value_date <= through)
        .group_by(JournalLine.subledger)
    )
    wanted = None
    if product_id is not None:
        ids = (await uow.session.execute(select(SavingsAccount.id).where(SavingsAccount.cooperative_id == cooperative_id, SavingsAccount.product_id == product_id))).scalars()
        wanted = set(ids)
    out = {}
    for subledger, weighted_sen, end_sen in (await uow.session.execute(q)).all():
        acc_id = int(subledger.split(":", 1)[1])
        if wanted is None or acc_id in wanted:
            out[acc_id] = (from_sen(int(weighted_sen)) / days, from_sen(int(end_sen)))
    return out


@dataclass(frozen=True, slots=True)
class StatementLine:
    value_date: date
    entry_id: int
    description: str
    debit: Decimal  # money out of the account
    credit: Decimal  # money in
    balance: Decimal


async def statement(uow: UnitOfWork, actor: Actor, account_id: int, since: date, through: date, *, limit: int = 5000) -> tuple[Decimal, list[StatementLine], Decimal]:
    """Rekening koran: opening balance, lines with running balance, closing balance. Ties to the ledger."""
    if through < since:
        raise InvalidInput("tanggal akhir sebelum tanggal awal / through before since")
    acc, _, _ = await get_account(uow, actor, account_id)
    opening = await balance_at(uow, actor.coop, acc.id, since.fromordinal(since.toordinal() - 1))
    q = (
        select(JournalLine.value_date, JournalLine.entry_id, JournalEntry.description, JournalLine.amount)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.cooperative_id == actor.coop, JournalLine.subledger == sub(acc.id), JournalLine.value_date >= since, JournalLine.value_date <= through)
        .order_by(JournalLine.value_date, JournalLine.id)
        .limit(limit)
    )
    running = opening
    lines = []
    for vd, eid, desc, amt in (await uow.session.execute(q)).all():
        running -= amt
        lines.append(StatementLine(vd, eid, desc, amt if amt > 0 else ZERO, -amt if amt < 0 else ZERO, running))
    return opening, lines, running


@dataclass(frozen=True, slots=True)
class SubledgerCheck:
    kind: str
    control_key: str
    control_balance: Decimal
    accounts_balance: Decimal
    lines_balance: Decimal

    @property
    def ok(self) -> bool:
        return self.control_balance == self.accounts_balance == self.lines_balance


async def check_subledgers(uow: UnitOfWork, cooperative_id: int) -> list[SubledgerCheck]:
    """Σ account balances per product kind = its control account in the GL = Σ the accounts' ledger lines."""
    nets = await ledger.net_by_account(uow, cooperative_id)
    chart = await ledger.chart(uow, cooperative_id)
    out = []
    for kind, key in CONTROL.items():
        acc_sum = (await uow.session.execute(select(func.coalesce(func.sum(type_coerce(SavingsAccount.balance, BigInteger)), 0)).join(SavingsProduct, SavingsProduct.id == SavingsAccount.product_id).where(SavingsAccount.cooperative_id == cooperative_id, SavingsProduct.kind == kind))).scalar_one()
        line_sum = (
            await uow.session.execute(
                select(func.coalesce(func.sum(type_coerce(JournalLine.amount, BigInteger)), 0)).where(JournalLine.cooperative_id == cooperative_id, JournalLine.account_id == chart[key].id, JournalLine.subledger.like("savings:%"))
            )
        ).scalar_one()
        out.append(SubledgerCheck(kind, key, -nets.get(chart[key].code, ZERO), from_sen(int(acc_sum)), -from_sen(int(line_sum))))
    return out
