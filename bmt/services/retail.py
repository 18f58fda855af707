"""The retail unit (toko/unit usaha ritel) posts its sales and purchases into the cooperative's books.

A shop's till system sends one batch per day or shift through the API, with an ``Idempotency-Key``: a retry
gets the first answer and posts nothing new. Each batch becomes ONE balanced entry in the tamwil book:

* cash sales:       Dr Kas                          / Cr Pendapatan usaha unit ritel
* credit sales:     Dr Piutang penjualan unit ritel / Cr Pendapatan usaha unit ritel
* cost of sales:    Dr HPP unit ritel               / Cr Persediaan barang unit ritel   (the ``cost`` of sale lines)
* cash purchases:   Dr Persediaan barang unit ritel / Cr Kas
* credit purchases: Dr Persediaan barang unit ritel / Cr Utang dagang unit ritel

The shop's cash is the cooperative's main cash account (``cash``), not a teller's drawer: the shop is not a
teller. Who may post: an integration login with role accountant (or a manager/admin); create a user such as
``ritel.<kode koperasi>`` with role accountant and exchange its password for an API token at
``POST /api/v1/auth/token``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bmt.errors import InvalidInput, PermissionDenied
from bmt.ledger import Posting, entry
from bmt.ledger.accounts import standard_chart_by_key
from bmt.money import ZERO, money_str
from bmt.persistence.models import GlAccount
from bmt.persistence.models_portal import RetailBatch
from bmt.services import audit, idempotency, ledger
from bmt.services.uow import Actor, UnitOfWork

POSTERS = ("admin", "manager", "accountant")
MAX_LINES = 2000
MAX_AMOUNT = Decimal(10) ** 12
MAX_BACKDATE_DAYS = 31
ACCOUNT_KEYS = ("retail_inventory", "retail_receivable", "retail_payable")
OPERATION = "retail.batch"


@dataclass(frozen=True, slots=True)
class RetailLine:
    type: str  # sale | purchase
    payment: str  # cash | credit
    amount: Decimal
    cost: Decimal = ZERO  # sales: the cost of the goods sold (moves inventory to HPP)
    memo: str = ""


@dataclass(frozen=True, slots=True)
class RetailBatchCmd:
    business_date: date
    lines: tuple[RetailLine, ...]
    reference: str = ""


def _money(value: Decimal, field: str, *, allow_zero: bool = False) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{field}: bukan angka / not a number", field=field)
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInput(f"{field} harus lebih dari nol / must be positive", field=field)
    if value != value.quantize(Decimal("0.01")) or value > MAX_AMOUNT:
        raise InvalidInput(f"{field}: paling teliti sen dan paling besar 10^12 / at most 2 decimals and 10^12", field=field)
    return value


def validate(cmd: RetailBatchCmd, today: date) -> dict[str, Decimal]:
    """Check a batch and total it by kind (raises InvalidInput naming the first bad line)."""
    if not cmd.lines or len(cmd.lines) > MAX_LINES:
        raise InvalidInput(f"batch berisi 1–{MAX_LINES} baris / a batch has 1–{MAX_LINES} lines", field="lines")
    if cmd.business_date > today or cmd.business_date < today - timedelta(days=MAX_BACKDATE_DAYS):
        raise InvalidInput(f"tanggal usaha paling lama {MAX_BACKDATE_DAYS} hari lalu dan tidak di masa depan / business date out of range", field="business_date")
    if len(cmd.reference) > 60:
        raise InvalidInput("referensi paling panjang 60 karakter / reference too long", field="reference")
    t = dict.fromkeys(("sales_cash", "sales_credit", "cost_of_sales", "purchases_cash", "purchases_credit"), ZERO)
    for i, line in enumerate(cmd.lines, start=1):
        where = f"lines[{i}]"
        if line.type not in ("sale", "purchase") or line.payment not in ("cash", "credit"):
            raise InvalidInput(f"{where}: jenis sale/purchase dan pembayaran cash/credit / type sale|purchase, payment cash|credit", field=where)
        amount = _money(line.amount, f"{where}.amount")
        cost = _money(line.cost, f"{where}.cost", allow_zero=True)
        if line.type == "purchase" and cost:
            raise InvalidInput(f"{where}: pembelian tidak punya HPP / a purchase has no cost of sales", field=f"{where}.cost")
        t[("sales_" if line.type == "sale" else "purchases_") + line.payment] += amount
        t["cost_of_sales"] += cost
    return t


def postings(t: dict[str, Decimal]) -> list[Posting]:
    """The batch's postings from its totals, gross (each movement on its own line, as the shop reported it)."""
    spec = (
        ("sales_cash", "cash", "retail_income", "Penjualan tunai"),
        ("sales_credit", "retail_receivable", "retail_income", "Penjualan kredit"),
        ("cost_of_sales", "retail_cogs", "retail_inventory", "Harga pokok penjualan"),
        ("purchases_cash", "retail_inventory", "cash", "Pembelian tunai"),
        ("purchases_credit", "retail_inventory", "retail_payable", "Pembelian kredit"),
    )
    out: list[Posting] = []
    for total, dr, cr, memo in spec:
        if t[total]:
            out += [Posting.debit(dr, t[total], memo=memo), Posting.credit(cr, t[total], memo=memo)]
    return out


async def ensure_accounts(uow: UnitOfWork, cooperative_id: int) -> None:
    """Cooperatives created before the retail accounts joined the standard chart get them on first use."""
    have = set((await uow.session.execute(select(GlAccount.key).where(GlAccount.cooperative_id == cooperative_id, GlAccount.key.in_(ACCOUNT_KEYS)))).scalars())
    missing = [standard_chart_by_key()[k] for k in ACCOUNT_KEYS if k not in have]
    if not missing:
        return
    uow.session.add_all(
        GlAccount(cooperative_id=cooperative_id, code=a.code, name=a.name, kind=a.kind.value, book=a.book.value, key=a.key, parent_code=a.parent, is_cash=a.cash, system=True, active=True)
        for a in missing
    )
    await uow.session.flush()
    ledger.forget_chart(cooperative_id)


def _payload(cmd: RetailBatchCmd) -> dict[str, Any]:
    return {"date": cmd.business_date.isoformat(), "ref": cmd.reference, "lines": [[x.type, x.payment, str(x.amount), str(x.cost), x.memo] for x in cmd.lines]}


def _response(b: RetailBatch) -> dict[str, Any]:
    return {
        "batch_id": b.id, "entry_id": b.entry_id, "business_date": b.business_date.isoformat(), "reference": b.reference, "lines": b.lines,
        "sales_cash": money_str(b.sales_cash), "sales_credit": money_str(b.sales_credit), "cost_of_sales": money_str(b.cost_of_sales),
        "purchases_cash": money_str(b.purchases_cash), "purchases_credit": money_str(b.purchases_credit), "status": "posted",
    }


async def post_batch(uow: UnitOfWork, actor: Actor, cmd: RetailBatchCmd, idempotency_key: str | None) -> dict[str, Any]:
    """Validate and post one batch as one balanced entry; a retry with the same key returns the first answer.

    Raises:
        InvalidInput: no key, or a bad line (nothing is written).
        Conflict: the key was used for a different batch.
        PeriodClosed: the business date is in a closed day or period.
    """
    if actor.role not in POSTERS:
        raise PermissionDenied("peran ini tidak memposting penjualan ritel / this role cannot post retail batches")
    if not idempotency_key or not idempotency_key.strip():
        raise InvalidInput("header Idempotency-Key wajib / the Idempotency-Key header is required", field="Idempotency-Key")
    key = idempotency_key.strip()
    totals = validate(cmd, uow.business_date())
    first = await idempotency.previous(uow, actor.coop, key, OPERATION, _payload(cmd))
    if first is not None:
        return {**first, "replayed": True}
    await ensure_accounts(uow, actor.coop)
    label = f"Unit ritel {cmd.business_date.isoformat()}" + (f" ({cmd.reference})" if cmd.reference else "")
    je = entry(cmd.business_date, label, *postings(totals), source=f"retail:{key}"[:120])
    entry_id = await ledger.post(uow, actor, je, idempotency_key=f"retail:{key}"[:120])
    b = RetailBatch(cooperative_id=actor.coop, idempotency_key=key, reference=cmd.reference, business_date=cmd.business_date, lines=len(cmd.lines), entry_id=entry_id, posted_by=actor.user_id, created_at=uow.now(), **totals)
    uow.session.add(b)
    await uow.session.flush()
    response = _response(b)
    await idempotency.remember(uow, actor.coop, key, response)
    await audit.record(uow, actor, "retail.batch", f"retail_batch:{b.id}", {"entry": entry_id, "lines": len(cmd.lines), **{k: str(v) for k, v in totals.items()}})
    return {**response, "replayed": False}


async def batches(uow: UnitOfWork, actor: Actor, *, limit: int = 100) -> list[dict[str, Any]]:
    if actor.role not in POSTERS and actor.role != "dps":
        raise PermissionDenied("peran ini tidak membaca batch ritel / this role cannot read retail batches")
    q = select(RetailBatch).where(RetailBatch.cooperative_id == actor.coop).order_by(RetailBatch.id.desc()).limit(min(max(limit, 1), 500))
    return [_response(b) for b in (await uow.session.execute(q)).scalars()]
