"""Profit-and-loss-sharing financing (mudharabah, musyarakah, musyarakah mutanaqisah) and qardh: the part of
their lifecycle they share — application with the akad's terms checked by the pure core, approval
(maker–checker), disbursement, posting through the contract's sub-ledger, and the contract view.

The akad-specific events live beside this module: ``pls_mudharabah`` (realisation reports, shares, losses,
capital returns), ``pls_musyarakah`` (partner capital, profit reports, losses by capital), ``pls_mmq``
(monthly buy-back and rent, rent reviews, early buy-out) and ``pls_qardh`` (repayment, real-cost fee,
forgiveness charged to the kebajikan fund).

Every posting goes through ``post``: the pure journal builders tag a contract's lines ``mudharabah:<id>``,
``mmq:<id>``...; here those tags become the one sub-ledger tag of the contract (``contract:<id>``) and the
builders' ``cash`` line becomes the actor's cash leg (a teller's drawer, else the vault). ``outstanding`` moves
by exactly the contract-tagged lines on the akad's exposure accounts (``EXPOSURE``), so the column always
equals the sub-ledger; ``outstanding_principal`` equals it for these akad (no deferred margin to set apart).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import BigInteger, func, select, type_coerce

from bmt.auth.roles import check_four_eyes
from bmt.contracts import mudharabah as mdh
from bmt.contracts import musyarakah as msy
from bmt.contracts import qardh as qrd
from bmt.contracts.mudharabah import RealisationReport
from bmt.errors import Conflict, InsufficientBalance, InvalidInput, NotFound, PermissionDenied
from bmt.ledger import JournalEntry, Posting
from bmt.money import ZERO, D, from_sen, money_str, rupiah
from bmt.persistence.models import GlAccount, JournalLine, Member
from bmt.persistence.models_financing import ContractEvent, ContractInstallment, FinancingContract
from bmt.services import financing, idempotency, ledger, teller
from bmt.services.financing import APPROVERS, PROPOSERS, ScheduleRow
from bmt.services.uow import Actor, UnitOfWork

MUDHARABAH, MUSYARAKAH, MMQ, QARDH = "mudharabah", "musyarakah", "musyarakah_mutanaqisah", "qardh"
PLS_KINDS = (MUDHARABAH, MUSYARAKAH, MMQ, QARDH)
#: URL slug of each akad (``/api/v1/financing/<slug>``, ``/pembiayaan/<slug>``).
SLUGS = {MUDHARABAH: "mudharabah", MUSYARAKAH: "musyarakah", MMQ: "mmq", QARDH: "qardh"}
KIND_OF_SLUG = {v: k for k, v in SLUGS.items()}
LABELS = {MUDHARABAH: "Mudharabah", MUSYARAKAH: "Musyarakah", MMQ: "Musyarakah mutanaqisah", QARDH: "Qardh"}
#: The accounts whose ``contract:<id>`` lines make the contract's outstanding (carrying amount / receivable).
EXPOSURE: dict[str, tuple[str, ...]] = {
    MUDHARABAH: ("mudharabah_financing", "mudharabah_loss_allowance", "mudharabah_deferred_gain", "mudharabah_due_receivable"),
    MUSYARAKAH: ("musyarakah_financing",),
    MMQ: ("mmq_financing",),
    QARDH: ("qardh_receivable", "qardhul_hasan_receivable"),
}
#: Sub-ledger prefixes the pure journal builders use; ``post`` turns them into ``contract:<id>``.
_CORE_TAGS = ("mudharabah:", "musyarakah:", "mmq:", "qardh:")
#: Goods a mudharabah capital in kind may leave from.
GOODS_ACCOUNTS = ("other_assets", "murabahah_inventory")
CASH_ROLES = teller.CASH_ROLES


# ------------------------------------------------------------------------------------------------ helpers


def require_role(actor: Actor, roles: Sequence[str], what: str) -> None:
    """Refuse an actor whose role may not do ``what``."""
    if actor.role not in roles:
        raise PermissionDenied(f"peran {actor.role} tidak berwenang untuk {what} / role {actor.role} may not do this")


def _opt_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _days(value: int, name: str, high: int = 90) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InvalidInput(f"{name} harus 0..{high} hari / {name} must be 0..{high} days", field=name)
    return value


async def contract(uow: UnitOfWork, actor: Actor, contract_id: int, kind: str | None = None, *, lock: bool = True) -> FinancingContract:
    """A PLS or qardh contract of the actor's cooperative (locked by default); another akad is not found here."""
    c = await (financing.lock if lock else financing.get)(uow, actor, contract_id)
    if c.kind not in PLS_KINDS or (kind is not None and c.kind != kind):
        raise NotFound("kontrak tidak ditemukan / contract not found")
    return c


# ------------------------------------------------------------------------------------------------ terms


def mudharabah_terms(c: FinancingContract) -> mdh.MudharabahTerms:
    t = financing.terms_of(c)
    return mdh.MudharabahTerms(
        capital=c.principal, bmt_nisbah=D(t["bmt_nisbah"]), profit_basis=t["profit_basis"], loss_policy=t["loss_policy"],
        return_installments=int(t["return_installments"]), first_return_date=_opt_date(t.get("first_return_date")),
    )


def musyarakah_terms(c: FinancingContract) -> msy.MusyarakahTerms:
    t = financing.terms_of(c)
    capital = msy.MusyarakahCapital(c.principal, D(t["partner_capital"]))
    return msy.MusyarakahTerms(capital, D(t["bmt_nisbah"]), profit_basis=t["profit_basis"])


def mmq_terms(c: FinancingContract) -> msy.MmqTerms:
    t = financing.terms_of(c)
    reviews = tuple(msy.RentReview(int(r["from_month"]), D(r["monthly_rent"])) for r in t.get("rent_reviews", []))
    return msy.MmqTerms(D(t["asset_price"]), c.principal, D(t["monthly_rent"]), int(t["tenor_months"]), date.fromisoformat(t["first_due_date"]), reviews)


def qardh_terms(c: FinancingContract) -> qrd.QardhTerms:
    t = financing.terms_of(c)
    return qrd.QardhTerms(
        principal=c.principal, source=t["source"], admin_fee=D(t["admin_fee"]), documented_real_costs=D(t["documented_real_costs"]),
        installments=int(t["installments"]), first_due_date=_opt_date(t.get("first_due_date")),
    )


def projections_of(c: FinancingContract) -> list[RealisationReport]:
    """The mudharib's projected periods agreed with the application (empty when none were given)."""
    return [RealisationReport(date.fromisoformat(p["period_end"]), D(p["revenue"]), D(p["costs"])) for p in financing.terms_of(c).get("projections", [])]


# ------------------------------------------------------------------------------------------------ applications


@dataclass(frozen=True, slots=True)
class MudharabahApplication:
    """A mudharabah application: the BMT provides all the capital, in cash or in goods (at fair value)."""

    member_id: int
    capital: Decimal
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    loss_policy: str = "reduce_financing"
    fixed_return: Decimal | None = None
    return_installments: int = 1
    first_return_date: date | None = None
    disbursement: str = "cash"
    goods_book_value: Decimal | None = None
    goods_account: str = "other_assets"
    goods_description: str = ""
    share_due_days: int = 10
    projections: tuple[RealisationReport, ...] = ()
    business: str = ""
    purpose: str = ""
    collateral_value: Decimal = ZERO
    product_id: int | None = None

    def checked(self) -> tuple[Decimal, dict[str, Any]]:
        """The capital and the terms to store, after the pure core accepted them (MDH-01 refuses a fixed return)."""
        terms = mdh.MudharabahTerms(
            capital=self.capital, bmt_nisbah=self.bmt_nisbah, profit_basis=self.profit_basis, loss_policy=self.loss_policy,
            fixed_return=self.fixed_return, return_installments=self.return_installments, first_return_date=self.first_return_date,
        )
        if terms.first_return_date is not None:
            mdh.build_schedule(terms)
        elif terms.return_installments > 1:
            raise InvalidInput("angsuran pengembalian modal butuh tanggal pertama / instalments need a first return date", field="first_return_date")
        goods: dict[str, Any] = {"disbursement": self.disbursement}
        if self.disbursement == "goods":
            if self.goods_account not in GOODS_ACCOUNTS:
                raise InvalidInput("akun barang tidak dikenal / unknown goods account", field="goods_account")
            book = mdh.require_amount(self.goods_book_value if self.goods_book_value is not None else "", "goods_book_value")
            goods |= {"goods_book_value": str(book), "goods_account": self.goods_account, "goods_description": self.goods_description.strip()[:200]}
        elif self.disbursement != "cash":
            raise InvalidInput("pencairan harus cash atau goods / disbursement must be cash or goods", field="disbursement")
        ends = [p.period_end for p in self.projections]
        if len(set(ends)) != len(ends):
            raise InvalidInput("periode proyeksi ganda / a projected period appears twice", field="projections")
        return terms.capital, goods | {
            "bmt_nisbah": str(terms.bmt_nisbah), "profit_basis": terms.profit_basis, "loss_policy": terms.loss_policy,
            "return_installments": terms.return_installments, "first_return_date": _iso(terms.first_return_date),
            "share_due_days": _days(self.share_due_days, "share_due_days"), "business": self.business.strip()[:200],
            "projections": [{"period_end": p.period_end.isoformat(), "revenue": str(p.revenue), "costs": str(p.costs)} for p in sorted(self.projections, key=lambda p: p.period_end)],
        }


@dataclass(frozen=True, slots=True)
class MusyarakahApplication:
    """A musyarakah application: both parties bring capital; profit by nisbah, loss by capital."""

    member_id: int
    bmt_capital: Decimal
    partner_capital: Decimal
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    fixed_return: Decimal | None = None
    maturity_date: date | None = None
    share_due_days: int = 10
    business: str = ""
    purpose: str = ""
    collateral_value: Decimal = ZERO
    product_id: int | None = None

    def checked(self) -> tuple[Decimal, dict[str, Any]]:
        terms = msy.MusyarakahTerms(msy.MusyarakahCapital(self.bmt_capital, self.partner_capital), self.bmt_nisbah, profit_basis=self.profit_basis, fixed_return=self.fixed_return)
        return terms.capital.bmt, {
            "partner_capital": str(terms.capital.partner), "bmt_nisbah": str(terms.bmt_nisbah), "profit_basis": terms.profit_basis,
            "maturity_date": _iso(self.maturity_date), "share_due_days": _days(self.share_due_days, "share_due_days"), "business": self.business.strip()[:200],
        }


@dataclass(frozen=True, slots=True)
class MmqApplication:
    """A musyarakah mutanaqisah application: the BMT's share of an asset, bought back monthly, rented meanwhile."""

    member_id: int
    asset_price: Decimal
    bmt_share_amount: Decimal
    monthly_rent: Decimal
    tenor_months: int
    first_due_date: date
    rent_reviews: tuple[tuple[int, Decimal], ...] = ()
    buyout_includes_current_rent: bool = False
    asset_description: str = ""
    purpose: str = ""
    collateral_value: Decimal = ZERO
    product_id: int | None = None

    def checked(self) -> tuple[Decimal, dict[str, Any]]:
        reviews = tuple(msy.RentReview(m, r) for m, r in self.rent_reviews)
        terms = msy.MmqTerms(self.asset_price, self.bmt_share_amount, self.monthly_rent, self.tenor_months, self.first_due_date, reviews)
        return terms.bmt_share_amount, {
            "asset_price": str(terms.asset_price), "monthly_rent": str(terms.monthly_rent), "tenor_months": terms.tenor_months,
            "first_due_date": terms.first_due_date.isoformat(), "rent_reviews": [{"from_month": r.from_month, "monthly_rent": str(r.monthly_rent)} for r in terms.rent_reviews],
            "buyout_includes_current_rent": bool(self.buyout_includes_current_rent), "asset_description": self.asset_description.strip()[:200],
        }


@dataclass(frozen=True, slots=True)
class QardhApplication:
    """A qardh: repaid at exactly the principal; a fee only up to the documented real costs (QRD-01)."""

    member_id: int
    principal: Decimal
    source: str = "commercial"
    admin_fee: Decimal = ZERO
    documented_real_costs: Decimal = ZERO
    cost_documents: str = ""
    installments: int = 1
    first_due_date: date | None = None
    purpose: str = ""
    collateral_value: Decimal = ZERO
    product_id: int | None = None

    def checked(self) -> tuple[Decimal, dict[str, Any]]:
        terms = qrd.QardhTerms(self.principal, self.source, self.admin_fee, self.documented_real_costs, self.installments, self.first_due_date)
        if terms.first_due_date is not None:
            qrd.build_schedule(terms)
        elif terms.installments > 1:
            raise InvalidInput("angsuran butuh tanggal jatuh tempo pertama / instalments need a first due date", field="first_due_date")
        if terms.documented_real_costs > 0 and not self.cost_documents.strip():
            raise InvalidInput("sebutkan dokumen biaya riil / name the documents of the real costs", field="cost_documents")
        return terms.principal, {
            "source": terms.source, "admin_fee": str(terms.admin_fee), "documented_real_costs": str(terms.documented_real_costs),
            "cost_documents": self.cost_documents.strip()[:300], "installments": terms.installments, "first_due_date": _iso(terms.first_due_date),
        }


Applications = MudharabahApplication | MusyarakahApplication | MmqApplication | QardhApplication
_KIND_OF_APP = {MudharabahApplication: MUDHARABAH, MusyarakahApplication: MUSYARAKAH, MmqApplication: MMQ, QardhApplication: QARDH}


async def apply(uow: UnitOfWork, actor: Actor, app: Applications) -> FinancingContract:
    """Record an application whose terms the pure core accepted (the officer is the maker)."""
    require_role(actor, PROPOSERS, "pengajuan pembiayaan")
    principal, terms = app.checked()
    return await financing.apply(uow, actor, financing.Application(
        member_id=app.member_id, kind=_KIND_OF_APP[type(app)], principal=principal, terms=terms, purpose=app.purpose,
        product_id=app.product_id, collateral_value=rupiah(app.collateral_value),
    ))


async def approve(uow: UnitOfWork, actor: Actor, contract_id: int, kind: str | None = None) -> FinancingContract:
    """A manager other than the maker approves (financing.approve keeps the four-eyes rule)."""
    await contract(uow, actor, contract_id, kind, lock=False)
    return await financing.approve(uow, actor, contract_id)


async def reject(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str, kind: str | None = None) -> FinancingContract:
    """A manager turns an application down, with the reason."""
    if not reason.strip():
        raise InvalidInput("alasan penolakan wajib diisi / a reason is required", field="reason")
    await contract(uow, actor, contract_id, kind, lock=False)
    return await financing.reject(uow, actor, contract_id, reason.strip()[:300])


# ------------------------------------------------------------------------------------------------ posting


async def post(uow: UnitOfWork, actor: Actor, c: FinancingContract, je: JournalEntry, *, key: str | None = None, checker_id: int | None = None) -> int:
    """Post a pure-core entry for contract ``c``: its lines tagged ``contract:<id>``, its cash on the actor's leg.

    ``c.outstanding`` moves by the tagged lines on the akad's exposure accounts, the same lines the sub-ledger sums.
    """
    tag = financing.sub(c)
    cash = await teller.cash_leg(uow, actor) if any(p.account == "cash" for p in je.postings) else None
    lines = []
    for p in je.postings:
        account, sub = p.account, (tag if p.subledger and p.subledger.startswith(_CORE_TAGS) else p.subledger)
        if account == "cash" and cash is not None:
            account, sub = cash
        lines.append(Posting(account, p.amount, sub, p.memo))
    retagged = JournalEntry(je.value_date, f"{je.description} — {c.contract_no}", tuple(lines), source=je.source, book=je.book)
    entry_id = await ledger.post(uow, actor, retagged, idempotency_key=key, checker_id=checker_id)
    exposure = EXPOSURE[c.kind]
    c.outstanding += sum((p.amount for p in lines if p.subledger == tag and p.account in exposure), ZERO)
    c.outstanding_principal = c.outstanding
    c.version += 1
    return entry_id


async def balances(uow: UnitOfWork, c: FinancingContract) -> dict[str, Decimal]:
    """Signed net (debit positive) of the contract's sub-ledger lines, per account key."""
    q = (
        select(GlAccount.key, func.coalesce(func.sum(type_coerce(JournalLine.amount, BigInteger)), 0))
        .join(GlAccount, GlAccount.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == c.cooperative_id, JournalLine.subledger == financing.sub(c))
        .group_by(GlAccount.key)
    )
    return {k: from_sen(int(v)) for k, v in (await uow.session.execute(q)).all()}


async def account_balance(uow: UnitOfWork, cooperative_id: int, key: str) -> Decimal:
    """Signed net (debit positive) of one account of the cooperative."""
    accounts = await ledger.chart(uow, cooperative_id)
    q = select(func.coalesce(func.sum(type_coerce(JournalLine.amount, BigInteger)), 0)).where(JournalLine.cooperative_id == cooperative_id, JournalLine.account_id == accounts[key].id)
    return from_sen(int((await uow.session.execute(q)).scalar_one()))


async def share_receivable(uow: UnitOfWork, c: FinancingContract) -> Decimal:
    """Reported profit shares not yet paid (piutang pendapatan bagi hasil of this contract)."""
    return await ledger.subledger_balance(uow, c.cooperative_id, financing.sub(c), ["profit_share_receivable"])


async def settle_if_done(uow: UnitOfWork, actor: Actor, c: FinancingContract) -> None:
    """Mark the contract settled once nothing is owed: no exposure and no reported share unpaid."""
    if c.status != "active" or c.outstanding != 0:
        return
    if c.kind in (MUDHARABAH, MUSYARAKAH) and await share_receivable(uow, c) != 0:
        return
    c.status, c.closed_on = "settled", uow.business_date()
    await financing.event(uow, actor, c, "settlement", ZERO)


async def reschedule_capital(uow: UnitOfWork, c: FinancingContract, remaining: Decimal) -> None:
    """Spread what is still to be returned over the open capital-return dates (a new schedule version).

    Used after a loss or a forgiveness lowered what the customer owes. Reported profit shares still open
    (rows from ``SHARE_BASE`` on) move to the new version unchanged, with what was paid on them.
    """
    rows = await financing.installments(uow, c, open_only=True)
    capital = [r for r in rows if r.number < SHARE_BASE]
    shares = [r for r in rows if r.number >= SHARE_BASE]
    if not capital:
        return
    n = len(capital)
    regular = (remaining / n).quantize(Decimal(1), rounding=ROUND_FLOOR) if remaining >= n else ZERO
    amounts = [regular] * (n - 1) + [remaining - regular * (n - 1)]
    new = [ScheduleRow(r.number, r.due_date, a, a, ZERO) for r, a in zip(capital, amounts, strict=True) if a > 0]
    carried = {r.number: r.paid_margin for r in shares}
    await financing.save_schedule(uow, c, new + [ScheduleRow(r.number, r.due_date, r.amount, r.principal, r.margin) for r in shares], new_version=True)
    for r in await financing.installments(uow, c, open_only=True):
        if r.number in carried:
            r.paid_margin = carried[r.number]


#: Reported profit shares (mudharabah, musyarakah) are stored as schedule rows numbered from here (principal 0,
#: margin = the share, due ``share_due_days`` after the period), so the daily close sees their arrears.
SHARE_BASE = 1001


async def add_share_row(uow: UnitOfWork, c: FinancingContract, due: date, share: Decimal) -> None:
    """Put a reported share on the schedule as a due item (it is what the mudharib or partner now owes)."""
    rows = await financing.installments(uow, c)
    number = max([r.number for r in rows if r.number >= SHARE_BASE], default=SHARE_BASE - 1) + 1
    await financing.save_schedule(uow, c, [ScheduleRow(number, due, share, ZERO, share)])


async def settle_rows(uow: UnitOfWork, c: FinancingContract, amount: Decimal, component: str, today: date) -> None:
    """Mark ``amount`` paid on the open rows of one kind, oldest due first: ``principal`` settles capital
    returns, ``margin`` settles reported shares. What exceeds the rows (no schedule agreed) stays unallocated."""
    rows = [r for r in await financing.installments(uow, c, open_only=True) if (r.number >= SHARE_BASE) == (component == "margin")]
    left = amount
    for r in sorted(rows, key=lambda r: (r.due_date, r.number)):
        if left <= 0:
            break
        owed = (r.margin - r.paid_margin) if component == "margin" else (r.principal - r.paid_principal)
        take = min(left, owed)
        if component == "margin":
            r.paid_margin += take
        else:
            r.paid_principal += take
        left -= take
        if r.paid_margin == r.margin and r.paid_principal == r.principal:
            r.status, r.paid_on = "paid", today


@dataclass(frozen=True, slots=True)
class Done:
    """What a use case did: the event, its amount and entries, and the contract after it."""

    contract_id: int
    contract_no: str
    event: str
    amount: Decimal
    entry_ids: tuple[int, ...]
    status: str
    outstanding: Decimal
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id, "contract_no": self.contract_no, "event": self.event, "amount": money_str(self.amount),
            "entry_ids": list(self.entry_ids), "status": self.status, "outstanding": money_str(self.outstanding), **self.extra,
        }


async def finish(uow: UnitOfWork, actor: Actor, c: FinancingContract, kind: str, amount: Decimal, entry_ids: Sequence[int], *, key: str | None = None, payload: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record the event, settle the contract when nothing is owed, and remember the answer for the key."""
    await financing.event(uow, actor, c, kind, amount, entry_id=entry_ids[0] if entry_ids else None, payload={**(payload or {}), "entries": list(entry_ids)})
    await settle_if_done(uow, actor, c)
    result = Done(c.id, c.contract_no, kind, amount, tuple(entry_ids), c.status, c.outstanding, extra or {}).as_dict()
    await idempotency.remember(uow, actor.coop, key, result)
    return result


async def replay(uow: UnitOfWork, actor: Actor, key: str | None, operation: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The first answer to a retried request (same idempotency key), or None for a new request."""
    return await idempotency.previous(uow, actor.coop, key, operation, payload)


# ------------------------------------------------------------------------------------------------ disbursement


def _disbursement(c: FinancingContract, today: date) -> tuple[list[JournalEntry], list[ScheduleRow], date | None]:
    """The disbursement entry, the schedule to store and the maturity date, from the stored terms."""
    ref, t = str(c.id), financing.terms_of(c)
    schedule = None
    if c.kind == MUDHARABAH:
        terms = mudharabah_terms(c)
        goods = mdh.GoodsCapital(D(t["goods_book_value"]), t["goods_account"]) if t.get("disbursement") == "goods" else None
        entries = [mdh.disbursement_entry(terms, today, ref=ref, goods=goods)]
        schedule = mdh.build_schedule(terms) if terms.first_return_date else None
    elif c.kind == MUSYARAKAH:
        entries = [msy.musyarakah_disbursement_entry(today, c.principal, ref=ref)]
        maturity = _opt_date(t.get("maturity_date"))
        rows = [ScheduleRow(1, maturity, c.principal, c.principal, ZERO)] if maturity else []
        return entries, rows, maturity
    elif c.kind == MMQ:
        terms = mmq_terms(c)
        entries, schedule = [msy.mmq_disbursement_entry(terms, today, ref=ref)], msy.build_schedule(terms)
    else:
        terms = qardh_terms(c)
        entries = [qrd.disbursement_entry(terms, today, ref=ref)]
        schedule = qrd.build_schedule(terms) if terms.first_due_date else None
    rows = [ScheduleRow(i.number, i.due_date, i.amount, i.principal, i.margin) for i in schedule.installments] if schedule else []
    return entries, rows, rows[-1].due_date if rows else None


async def _check_kebajikan_can_lend(uow: UnitOfWork, coop: int, amount: Decimal) -> None:
    """A qardhul hasan comes out of the kebajikan fund: the fund not yet lent out, and the Maal's cash, must cover it."""
    fund = -await account_balance(uow, coop, "kebajikan_fund")
    lent = await account_balance(uow, coop, "qardhul_hasan_receivable")
    cash = await account_balance(uow, coop, "maal_cash")
    available = min(fund - lent, cash)
    if amount > available:
        raise InsufficientBalance(
            f"dana kebajikan yang tersedia {money_str(max(available, ZERO))} tidak cukup untuk qardhul hasan {money_str(amount)} / the kebajikan fund cannot cover this loan",
            available=money_str(max(available, ZERO)),
        )


async def disburse(uow: UnitOfWork, actor: Actor, contract_id: int, kind: str | None = None, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Pay out an approved contract (a manager who is not its maker): post, store the schedule, activate."""
    require_role(actor, APPROVERS, "pencairan pembiayaan")
    if (prev := await replay(uow, actor, idempotency_key, "pls.disburse", {"contract": contract_id})) is not None:
        return prev
    c = await contract(uow, actor, contract_id, kind)
    financing.require_status(c, "approved")
    check_four_eyes(c.maker_id, actor.user_id, "pencairan pembiayaan")
    today = uow.business_date()
    entries, rows, maturity = _disbursement(c, today)
    if c.kind == QARDH and qardh_terms(c).source == "kebajikan":
        await _check_kebajikan_can_lend(uow, c.cooperative_id, c.principal)
    ids = [await post(uow, actor, c, je, key=idempotency_key, checker_id=c.checker_id) for je in entries]
    if rows:
        await financing.save_schedule(uow, c, rows)
    c.status, c.akad_date, c.maturity_date = "active", c.akad_date or today, maturity
    if c.kind == MMQ:
        c.margin_total = sum((r.margin for r in rows), ZERO)
    return await finish(uow, actor, c, "disbursement", c.principal, ids, key=idempotency_key, payload={"book": entries[0].book})


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class EventView:
    kind: str
    value_date: date
    amount: Decimal
    actor_id: int | None
    entry_id: int | None
    payload: dict[str, Any]


def event_views(rows: Sequence[ContractEvent]) -> list[EventView]:
    return [EventView(e.kind, e.value_date, e.amount, e.actor_id, e.entry_id, json.loads(e.payload_json or "{}")) for e in rows]


@dataclass(frozen=True, slots=True)
class ContractView:
    """Everything the contract page and ``GET`` show: the row, its member, terms, schedule, events, balances."""

    contract: FinancingContract
    member: Member
    terms: dict[str, Any]
    schedule: list[ContractInstallment]
    events: list[EventView]
    balances: dict[str, Decimal]
    share_receivable: Decimal
    detail: dict[str, Any]


async def view(uow: UnitOfWork, actor: Actor, contract_id: int, kind: str | None = None) -> ContractView:
    """One contract as the API and the contract page show it (a member sees only their own)."""
    from bmt.services import pls_mmq, pls_mudharabah, pls_musyarakah, pls_qardh  # they import this module

    c = await contract(uow, actor, contract_id, kind, lock=False)
    member = (await uow.session.execute(select(Member).where(Member.id == c.member_id))).scalar_one()
    events = event_views(await financing.events(uow, c))
    sched = await financing.installments(uow, c)
    bal = await balances(uow, c)
    detail_of = {MUDHARABAH: pls_mudharabah.detail, MUSYARAKAH: pls_musyarakah.detail, MMQ: pls_mmq.detail, QARDH: pls_qardh.detail}[c.kind]
    detail = detail_of(c, events, sched, bal, uow.business_date())
    return ContractView(c, member, financing.terms_of(c), sched, events, bal, bal.get("profit_share_receivable", ZERO), detail)


async def list_contracts(uow: UnitOfWork, actor: Actor, kind: str, *, status: str | None = None, limit: int = 100, offset: int = 0) -> list[tuple[FinancingContract, str]]:
    """Contracts of one akad with their member's name, newest first."""
    rows = await financing.list_contracts(uow, actor, kind=kind, status=status, limit=limit, offset=offset)
    ids = {c.member_id for c in rows}
    names = dict((await uow.session.execute(select(Member.id, Member.name).where(Member.id.in_(ids)))).tuples().all()) if ids else {}
    return [(c, names.get(c.member_id, "")) for c in rows]


def check_report_period(c: FinancingContract, period_end: date, today: date, events: list[EventView]) -> None:
    """A report covers a period that has ended, after the akad, and is not reported twice."""
    if period_end > today:
        raise InvalidInput("periode laporan belum berakhir / the period has not ended yet", field="period_end")
    if c.akad_date and period_end < c.akad_date:
        raise InvalidInput("periode laporan sebelum akad / the period ends before the akad", field="period_end")
    if any(e.kind == "report" and e.payload.get("period_end") == period_end.isoformat() for e in events):
        raise Conflict(f"laporan periode {period_end.isoformat()} sudah dicatat / this period is already reported", field="period_end")


def share_arrears(events: list[EventView], today: date) -> mdh.ShareArrears:
    """Reported-but-unpaid shares past their due date; payments settle the oldest shares first."""
    shares = [mdh.DueShare(date.fromisoformat(e.payload["due_date"]), D(e.payload["bmt_share"])) for e in events if e.kind == "report" and D(e.payload["bmt_share"]) > 0]
    paid = sum((e.amount for e in events if e.kind == "share_payment"), ZERO)
    return mdh.share_arrears(shares, paid, today)


def due_date_after(period_end: date, days: int) -> date:
    """When a reported share falls due: ``days`` after the end of the period it reports."""
    return period_end + timedelta(days=days)


async def pay_share(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """A reported profit share paid in cash (mudharabah or musyarakah): Dr kas / Cr piutang pendapatan bagi hasil."""
    require_role(actor, CASH_ROLES, "penerimaan bagi hasil")
    amount = mdh.require_amount(amount, "amount")
    if (prev := await replay(uow, actor, idempotency_key, "pls.share_payment", {"contract": contract_id, "amount": str(amount)})) is not None:
        return prev
    c = await contract(uow, actor, contract_id)
    if c.kind not in (MUDHARABAH, MUSYARAKAH):
        raise NotFound("kontrak bagi hasil tidak ditemukan / no profit-sharing contract")
    financing.require_status(c, "active")
    receivable, today, ref = await share_receivable(uow, c), uow.business_date(), str(c.id)
    build = mdh.share_receipt_entry if c.kind == MUDHARABAH else msy.musyarakah_share_receipt_entry
    entry_id = await post(uow, actor, c, build(today, amount, receivable, ref=ref), key=idempotency_key)
    await settle_rows(uow, c, amount, "margin", today)
    c.last_paid_on = today
    return await finish(uow, actor, c, "share_payment", amount, [entry_id], key=idempotency_key, extra={"share_receivable": money_str(receivable - amount)})
