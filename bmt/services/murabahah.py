"""Murabahah financing from application to settlement: the use cases (fatwa 04/2000; PSAK 102).

The life of a contract (``financing_contract.status``)::

    application --approve (another manager)--> approved --purchase--> purchased --akad--> active
        --installments--> settled          (or early settlement, fatwa 153/2022)
        --write-off (proposal + second manager)--> written_off --recovery...

Before the akad the member may pay an urbun (Dr Kas / Cr Uang muka murabahah) and the BMT may advance cash to
the member as its wakalah agent (Dr Piutang wakalah / Cr Kas). The BMT must own the goods before it sells
them: the purchase (direct, Dr Aset murabahah / Cr Kas; or through the agent, Cr Piutang wakalah) records the
ownership date, supplier and invoice, and an akad without it is refused (DPS rule MUR-01). The akad fixes
the selling price ``H = cost + M``, the margin and the schedule, whose principal/margin split follows the
recognition method of the akad (proportional or annuity, fatwa 84/2012), and posts the sale
(Dr Piutang H-U; Dr Uang muka U / Cr Aset murabahah cost; Cr MMD M). After it the price never changes (MUR-04).

An installment may be any amount: it is allocated over the open installments oldest first, inside each in
the product's order (margin first or principal first); the margin part it settles is recognised
(Dr Kas / Cr Piutang; Dr MMD / Cr Pendapatan margin), so proportional contracts recognise ``M/n`` a month and
annuity contracts the annuity margins. A payment beyond everything owed is refused.

Two figures on the contract are kept current by every use case: ``outstanding`` (the receivable, H - U - paid,
equal to the contract's sub-ledger on ``murabahah_receivable``) and ``outstanding_principal`` (receivable less
the unrecognised deferred margin: the base of the allowance, PPAP).

Example (domain.md A1, proportional): cost 10,000,000 at 12 % flat for 12 months; the akad posts
Dr Piutang 11,200,000 / Cr Aset 10,000,000 / Cr MMD 1,200,000; the first installment 933,333 posts
Dr Kas 933,333 / Cr Piutang 933,333 and Dr MMD 100,000 / Cr Pendapatan margin 100,000 (annuity: 178,810).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bmt.contracts.murabahah import (
    AkadSigned,
    GoodsAcquired,
    InstallmentReceived,
    MurabahahQuote,
    MurabahahTerms,
    Recognition,
    SettlementQuote,
    TazirPolicy,
    UrbunReceived,
    WakalahAdvanced,
    entries_for,
    quote,
)
from bmt.errors import Conflict, ContractStateError, InvalidInput, ShariaViolation
from bmt.money import ZERO, D, money_str, rupiah
from bmt.persistence.models import Member
from bmt.persistence.models_financing import (
    ContractEvent,
    ContractInstallment,
    FinancingContract,
    FinancingProduct,
)
from bmt.services import audit, financing, teller
from bmt.services._murabahah_base import (
    AFTER_AKAD,
    CASH_ROLES,
    KIND,
    MANAGERS,
    OFFICERS,
    contract_balance,
    get,
    lock,
    once,
    order_of,
    post,
    require_role,
    result,
    save_terms,
    tazir_policy,
    terms_from_json,
    terms_of,
    terms_to_json,
)
from bmt.services._murabahah_servicing import (
    Arrear,
    Reschedule,
    amount_paid,
    arrears,
    assess_tazir,
    cancel,
    decide_write_off,
    late_installments,
    live_settlement,
    pay_tazir,
    pending_write_off,
    propose_write_off,
    recognised_margin,
    recover,
    reschedule_contract,
    settle_early,
    settlement_quote,
    tazir_owed,
    waive_tazir,
)
from bmt.services.uow import Actor, UnitOfWork

__all__ = [
    "Amend", "Apply", "Arrear", "ContractView", "ProductSpec", "Purchase", "Reschedule", "amend_terms", "amount_paid",
    "apply", "approve", "arrears", "assess_tazir", "cancel", "create_product", "decide_write_off", "late_installments",
    "list_contracts", "live_settlement", "pay_installment", "pay_tazir", "pending_write_off", "products",
    "propose_write_off", "record_purchase", "recognised_margin", "recover", "reject", "reschedule_contract",
    "settle_early", "settlement_quote", "sign_akad", "tazir_owed", "view", "waive_tazir", "wakalah_advance",
    "receive_urbun",
]


# ---------------------------------------------------------------- products


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A murabahah product: the defaults each contract copies at application.

    Attributes:
        recognition: ``proportional`` or ``annuity`` (fatwa 84/2012).
        allocation_order: ``margin,principal`` or ``principal,margin``: how a payment settles an installment.
        tazir_amount: Fixed ta'zir per installment late beyond the grace period (0: none).
        grace_days: Days after a due date before an installment counts as late.
        tazir_basis: Must be ``fixed_per_installment``; a percentage is refused (FEE-02).
    """

    code: str
    name: str
    recognition: str = "proportional"
    allocation_order: str = "margin,principal"
    tazir_amount: Decimal = ZERO
    grace_days: int = 7
    tazir_basis: str = "fixed_per_installment"


async def create_product(uow: UnitOfWork, actor: Actor, spec: ProductSpec) -> FinancingProduct:
    """A manager configures a murabahah product.

    Raises:
        ShariaViolation: FEE-02 for a ta'zir set as a percentage.
        InvalidInput: for an unknown recognition or allocation order, a bad grace period, or missing names.
        Conflict: for a code already used.
    """
    require_role(actor, MANAGERS, "mengatur produk pembiayaan")
    code, name = spec.code.strip().upper(), spec.name.strip()
    if not code or len(code) > 20 or not name or len(name) > 120:
        raise InvalidInput("kode (≤ 20) dan nama (≤ 120) produk wajib diisi / code and name are required", field="code")
    try:
        recognition = Recognition(spec.recognition)
    except ValueError:
        raise InvalidInput("metode pengakuan: proportional atau annuity / recognition must be proportional or annuity", field="recognition") from None
    order_of(spec.allocation_order)
    policy = TazirPolicy(rupiah(spec.tazir_amount), spec.grace_days, spec.tazir_basis)
    if (await uow.session.execute(select(FinancingProduct.id).where(FinancingProduct.cooperative_id == actor.coop, FinancingProduct.code == code))).scalar_one_or_none():
        raise Conflict(f"kode produk {code} sudah ada / product code exists", field="code")
    p = FinancingProduct(cooperative_id=actor.coop, code=code, name=name, kind=KIND, recognition=recognition.value, allocation_order=spec.allocation_order, tazir_amount=policy.amount, grace_days=policy.grace_days, approval_threshold=ZERO, settings_json="{}", active=True)
    uow.session.add(p)
    await uow.session.flush()
    await audit.record(uow, actor, "financing.product.create", f"financing_product:{p.id}", {"code": code, "kind": KIND, "recognition": p.recognition, "tazir": str(p.tazir_amount), "grace_days": p.grace_days})
    return p


async def products(uow: UnitOfWork, actor: Actor) -> list[FinancingProduct]:
    q = select(FinancingProduct).where(FinancingProduct.cooperative_id == actor.coop, FinancingProduct.kind == KIND).order_by(FinancingProduct.code)
    return list((await uow.session.execute(q)).scalars())


# ---------------------------------------------------------------- application, amendment, approval


@dataclass(frozen=True, slots=True)
class Apply:
    """An application: the goods, their cost, and the terms of the sale. Give exactly one margin field."""

    member_id: int
    product_id: int
    goods: str
    cost_price: Decimal
    tenor_months: int
    first_due_date: date
    down_payment: Decimal = ZERO
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None
    recognition: str | None = None  # default: the product's
    supplier: str = ""
    purpose: str = ""
    collateral_value: Decimal = ZERO


def _goods(text: str) -> str:
    goods = " ".join((text or "").split())
    if not goods:
        # Murabahah is a sale of goods (MUR-02): without goods there is nothing to sell.
        raise InvalidInput("barang yang dibeli wajib disebut / the goods are required", field="goods")
    return goods[:300]


def _terms(cmd: Apply | Amend, recognition: str, base: dict[str, Any] | None = None) -> MurabahahTerms:
    """The pure terms from a command, falling back on ``base`` (an amendment) for what it leaves out."""
    base = base or {}
    margins = {k: getattr(cmd, k) for k in ("margin_amount", "margin_rate_flat_annual", "effective_rate_annual") if getattr(cmd, k) is not None}
    if not margins:
        margins = {k: D(base[k]) for k in ("margin_amount", "margin_rate_flat_annual", "effective_rate_annual") if base.get(k) is not None}
    pick = lambda name: getattr(cmd, name) if getattr(cmd, name) is not None else base.get(name)  # noqa: E731
    first_due = pick("first_due_date")
    return MurabahahTerms(
        cost_price=D(pick("cost_price")), tenor_months=int(pick("tenor_months")),
        first_due_date=first_due if isinstance(first_due, date) else date.fromisoformat(first_due),
        recognition=recognition, down_payment=D(pick("down_payment") or ZERO), **margins,  # type: ignore[arg-type]
    )


def _priced(c: FinancingContract, q: MurabahahQuote) -> None:
    """The proposed price on the contract row (fixed only at the akad)."""
    c.principal, c.margin_total, c.selling_price = q.financed_amount, q.total_margin, q.selling_price


async def apply(uow: UnitOfWork, actor: Actor, cmd: Apply) -> FinancingContract:
    """Record an application priced by the pure core (the officer is the maker).

    Raises:
        InvalidInput: for terms the core refuses (one margin field, ranges, unschedulable) or missing goods.
        PermissionDenied: unless a financing officer or manager applies.
    """
    require_role(actor, OFFICERS, "mengajukan pembiayaan")
    prod = await financing.product(uow, actor.coop, cmd.product_id)
    if prod.kind != KIND or not prod.active:
        raise InvalidInput("produk bukan produk murabahah yang aktif / not an active murabahah product", field="product_id")
    terms = _terms(cmd, cmd.recognition or prod.recognition)
    q = quote(terms)
    t = terms_to_json(terms) | {
        "goods": _goods(cmd.goods), "supplier": cmd.supplier.strip()[:200], "product_code": prod.code,
        "allocation_order": prod.allocation_order, "tazir_amount": str(prod.tazir_amount), "grace_days": prod.grace_days,
    }
    app = financing.Application(cmd.member_id, KIND, q.financed_amount, t, purpose=(cmd.purpose or t["goods"]), product_id=prod.id, collateral_value=cmd.collateral_value)
    c = await financing.apply(uow, actor, app)
    _priced(c, q)
    return c


@dataclass(frozen=True, slots=True)
class Amend:
    """Changes to an application's terms before the akad (None: unchanged). A new margin replaces the old."""

    cost_price: Decimal | None = None
    down_payment: Decimal | None = None
    tenor_months: int | None = None
    first_due_date: date | None = None
    recognition: str | None = None
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None
    goods: str | None = None


async def amend_terms(uow: UnitOfWork, actor: Actor, contract_id: int, cmd: Amend) -> FinancingContract:
    """Change the terms of an application; it then needs a new approval (the amender is the new maker).

    Raises:
        ShariaViolation: MUR-04 after the akad: the selling price never changes.
        ContractStateError: once the goods are bought (cancel and apply again).
    """
    require_role(actor, OFFICERS, "mengubah pengajuan")
    c = await lock(uow, actor, contract_id)
    if c.status in AFTER_AKAD:
        raise ShariaViolation("harga jual murabahah tidak boleh diubah setelah akad / the selling price is fixed at the akad", rule="MUR-04")
    financing.require_status(c, "application", "approved")
    t = terms_of(c)
    terms = _terms(cmd, cmd.recognition or t["recognition"], t)
    if terms.down_payment < c.down_payment:
        raise InvalidInput(f"uang muka tidak boleh di bawah urbun yang sudah diterima Rp{money_str(c.down_payment)} / below the urbun received", field="down_payment")
    q = quote(terms)
    t = {k: v for k, v in t.items() if k not in ("margin_amount", "margin_rate_flat_annual", "effective_rate_annual")}
    t |= terms_to_json(terms) | ({"goods": _goods(cmd.goods)} if cmd.goods is not None else {})
    save_terms(c, t)
    _priced(c, q)
    c.status, c.checker_id, c.approved_on, c.maker_id = "application", None, None, actor.user_id
    await financing.event(uow, actor, c, "amendment", q.receivable, payload={"terms": terms_to_json(terms)})
    return c


async def approve(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """A manager other than the maker approves (maker–checker)."""
    await lock(uow, actor, contract_id)
    return await financing.approve(uow, actor, contract_id)


async def reject(uow: UnitOfWork, actor: Actor, contract_id: int, reason: str) -> FinancingContract:
    """A manager rejects an application (before any urbun is received)."""
    c = await lock(uow, actor, contract_id)
    if c.down_payment > 0:
        raise ContractStateError("urbun sudah diterima: selesaikan pembatalan urbun dulu / an urbun was received; settle it first")
    if not reason or not reason.strip():
        raise InvalidInput("alasan penolakan wajib diisi / a reason is required", field="reason")
    return await financing.reject(uow, actor, contract_id, reason.strip()[:300])


async def list_contracts(uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 100) -> list[tuple[FinancingContract, Member]]:
    rows = await financing.list_contracts(uow, actor, kind=KIND, status=status, limit=limit)
    names = {m.id: m for m in (await uow.session.execute(select(Member).where(Member.id.in_({c.member_id for c in rows})))).scalars()} if rows else {}
    return [(c, names[c.member_id]) for c in rows]


# ---------------------------------------------------------------- before the akad: urbun, wakalah, purchase


async def receive_urbun(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Urbun / uang muka received before the akad (fatwa 13/2000): Dr Kas / Cr Uang muka murabahah.

    Raises:
        InvalidInput: when the urbun received would exceed the down payment agreed.
    """
    require_role(actor, CASH_ROLES, "menerima urbun")
    amount = teller.require_positive(amount)

    async def run() -> dict[str, Any]:
        cash = await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "application", "approved", "purchased")
        agreed = D(terms_of(c).get("down_payment", "0"))
        if c.down_payment + amount > agreed:
            raise InvalidInput(f"urbun melebihi uang muka yang disepakati Rp{money_str(agreed)} (sudah diterima Rp{money_str(c.down_payment)}) / more than the agreed down payment", field="amount")
        [eid] = await post(uow, actor, c, entries_for(UrbunReceived(uow.business_date(), amount, source=f"contract:{c.id}:urbun", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        c.down_payment += amount
        await financing.event(uow, actor, c, "urbun", amount, entry_id=eid)
        return result("urbun", c, eid, amount, down_payment_received=money_str(c.down_payment))

    return await once(uow, actor, idempotency_key, "murabahah.urbun", {"contract": contract_id, "amount": str(amount)}, run)


async def wakalah_advance(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Cash advanced to the member as the BMT's agent to buy the goods: Dr Piutang wakalah / Cr Kas.

    Raises:
        InvalidInput: when the advances would exceed the cost price.
    """
    require_role(actor, CASH_ROLES, "membayar uang muka wakalah")
    amount = teller.require_positive(amount)

    async def run() -> dict[str, Any]:
        cash = await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "approved")
        cost = D(terms_of(c)["cost_price"])
        advanced = await contract_balance(uow, c, "wakalah_receivable")
        if advanced + amount > cost:
            raise InvalidInput(f"uang muka wakalah melebihi harga perolehan Rp{money_str(cost)} / advances exceed the cost price", field="amount")
        [eid] = await post(uow, actor, c, entries_for(WakalahAdvanced(uow.business_date(), amount, source=f"contract:{c.id}:wakalah", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        await financing.event(uow, actor, c, "wakalah_advance", amount, entry_id=eid)
        return result("wakalah_advance", c, eid, amount, wakalah_advanced=money_str(advanced + amount))

    return await once(uow, actor, idempotency_key, "murabahah.wakalah", {"contract": contract_id, "amount": str(amount)}, run)


@dataclass(frozen=True, slots=True)
class Purchase:
    """The BMT's purchase of the goods (directly, or by the member as its wakalah agent).

    Attributes:
        ownership_date: When the BMT came to own the goods (invoice in the BMT's name); not in the future.
        supplier: Who sold them.
        invoice_ref: The invoice or receipt number.
        cost: What was paid; below the agreed cost it is a supplier discount that lowers the cost (fatwa
            16/2000); None means the agreed cost.
        via_wakalah: Bought by the member as agent with the wakalah advances (which must equal the cost).
    """

    ownership_date: date
    supplier: str
    invoice_ref: str
    cost: Decimal | None = None
    via_wakalah: bool = False


async def _purchase_cost(uow: UnitOfWork, c: FinancingContract, cmd: Purchase, t: dict[str, Any]) -> Decimal:
    agreed = D(t["cost_price"])
    cost = agreed if cmd.cost is None else rupiah(cmd.cost, allow_zero=False)
    if cost > agreed:
        raise InvalidInput(f"harga beli di atas harga perolehan yang disetujui Rp{money_str(agreed)}; ubah pengajuan dulu / cost above the approved cost", field="cost")
    advanced = await contract_balance(uow, c, "wakalah_receivable")
    if cmd.via_wakalah and advanced != cost:
        raise Conflict(f"uang muka wakalah Rp{money_str(advanced)} tidak sama dengan harga faktur Rp{money_str(cost)} / wakalah advances differ from the invoice", field="cost")
    if not cmd.via_wakalah and advanced != 0:
        raise Conflict("ada uang muka wakalah: catat pembelian melalui wakalah / wakalah advances exist: record the purchase through the agent", field="via_wakalah")
    return cost


async def record_purchase(uow: UnitOfWork, actor: Actor, contract_id: int, cmd: Purchase, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """The BMT owns the goods: Dr Aset murabahah / Cr Kas (or Cr Piutang wakalah); the contract is ``purchased``.

    Raises:
        InvalidInput: for a missing supplier or invoice, an ownership date in the future, or a cost above the
            approved one.
        Conflict: when the wakalah advances do not match the invoice.
    """
    require_role(actor, OFFICERS, "mencatat pembelian barang")
    if not cmd.supplier.strip() or not cmd.invoice_ref.strip():
        raise InvalidInput("pemasok dan nomor faktur wajib diisi / supplier and invoice are required", field="invoice_ref")

    async def run() -> dict[str, Any]:
        cash = ("cash", None) if cmd.via_wakalah else await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "approved")
        today = uow.business_date()
        if cmd.ownership_date > today:
            raise InvalidInput("tanggal kepemilikan tidak boleh setelah hari ini / ownership date in the future", field="ownership_date")
        t = terms_of(c)
        cost = await _purchase_cost(uow, c, cmd, t)
        if cost != D(t["cost_price"]):
            t["supplier_discount"] = str(D(t["cost_price"]) - cost)
            t["cost_price"] = str(cost)
            _priced(c, quote(terms_from_json(t)))  # the discount lowers the cost before the akad (MUR-05)
        [eid] = await post(uow, actor, c, entries_for(GoodsAcquired(today, cost, cmd.via_wakalah, source=f"contract:{c.id}:purchase", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        t["purchase"] = {"ownership_date": cmd.ownership_date.isoformat(), "supplier": cmd.supplier.strip()[:200], "invoice_ref": cmd.invoice_ref.strip()[:100], "cost": str(cost), "via_wakalah": cmd.via_wakalah}
        save_terms(c, t)
        c.status = "purchased"
        await financing.event(uow, actor, c, "purchase", cost, entry_id=eid, payload=t["purchase"])
        return result("purchase", c, eid, cost, ownership_date=cmd.ownership_date.isoformat())

    payload = {"contract": contract_id, "date": cmd.ownership_date.isoformat(), "invoice": cmd.invoice_ref, "cost": str(cmd.cost), "wakalah": cmd.via_wakalah}
    return await once(uow, actor, idempotency_key, "murabahah.purchase", payload, run)


# ---------------------------------------------------------------- the akad


async def sign_akad(uow: UnitOfWork, actor: Actor, contract_id: int, *, first_due_date: date | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
    """The murabahah sale: fixes price, margin and schedule, posts the sale, and the contract becomes active.

    Args:
        first_due_date: Re-dates the schedule (the price does not depend on dates); must be after today.

    Raises:
        ShariaViolation: MUR-01 when the BMT does not own the goods yet (no purchase recorded).
        Conflict: when the urbun received differs from the down payment agreed.
    """
    require_role(actor, OFFICERS, "menandatangani akad")

    async def run() -> dict[str, Any]:
        c = await lock(uow, actor, contract_id)
        if c.status == "approved":
            raise ShariaViolation("barang belum dimiliki BMT: catat pembelian (faktur atas nama BMT) sebelum akad / the BMT does not own the goods yet", rule="MUR-01")
        financing.require_status(c, "purchased")
        today, t = uow.business_date(), terms_of(c)
        if first_due_date is not None:
            t["first_due_date"] = first_due_date.isoformat()
        terms = terms_from_json(t)
        if terms.first_due_date <= today:
            raise InvalidInput("jatuh tempo pertama harus setelah tanggal akad / the first due date must be after the akad", field="first_due_date")
        if c.down_payment != terms.down_payment:
            raise Conflict(f"urbun diterima Rp{money_str(c.down_payment)}, disepakati Rp{money_str(terms.down_payment)} / the urbun received differs from the agreed down payment", field="down_payment")
        q = quote(terms)
        owned = date.fromisoformat(t["purchase"]["ownership_date"])
        [eid] = await post(uow, actor, c, entries_for(AkadSigned(today, q, owned, source=f"contract:{c.id}:akad")), idempotency_key=idempotency_key)
        await financing.save_schedule(uow, c, [financing.ScheduleRow(i.number, i.due_date, i.amount, i.principal, i.margin) for i in q.schedule.installments])
        _priced(c, q)
        c.outstanding, c.outstanding_principal = q.receivable, q.financed_amount
        c.akad_date, c.maturity_date, c.status = today, q.schedule.installments[-1].due_date, "active"
        t["akad"] = {"date": today.isoformat(), "selling_price": str(q.selling_price), "margin": str(q.total_margin), "receivable": str(q.receivable), "monthly_rate": str(q.monthly_rate), "installment": str(q.installment)}
        save_terms(c, t)
        await financing.event(uow, actor, c, "akad", q.receivable, entry_id=eid, payload=t["akad"])
        return result("akad", c, eid, q.selling_price, selling_price=money_str(q.selling_price), margin=money_str(q.total_margin), installment=money_str(q.installment))

    return await once(uow, actor, idempotency_key, "murabahah.akad", {"contract": contract_id, "first_due": str(first_due_date)}, run)


# ---------------------------------------------------------------- installments


async def pay_installment(uow: UnitOfWork, actor: Actor, contract_id: int, amount: Decimal, *, idempotency_key: str | None = None) -> dict[str, Any]:
    """Receive any amount against the schedule and recognise the margin it settles.

    Raises:
        InvalidInput: for a payment beyond everything still owed (it is refused, not held).
        ContractStateError: unless the contract is active.
    """
    require_role(actor, CASH_ROLES, "menerima angsuran")
    amount = teller.require_positive(amount)

    async def run() -> dict[str, Any]:
        cash = await teller.cash_leg(uow, actor)
        c = await lock(uow, actor, contract_id)
        financing.require_status(c, "active")
        if amount > c.outstanding:
            raise InvalidInput(f"pembayaran melebihi sisa piutang Rp{money_str(c.outstanding)}; gunakan pelunasan dipercepat / payment exceeds what is owed", field="amount")
        today = uow.business_date()
        alloc, totals = await financing.allocate_payment(uow, c, amount, order_of(terms_of(c)["allocation_order"]), today)
        if alloc.unapplied != 0:
            raise Conflict("jadwal dan sisa piutang tidak cocok; hubungi manajer / schedule and receivable disagree")
        margin = totals["margin"]
        [eid] = await post(uow, actor, c, entries_for(InstallmentReceived(today, amount, margin, source=f"contract:{c.id}:installment", cash_account=cash[0])), cash, idempotency_key=idempotency_key)
        c.outstanding -= amount
        c.outstanding_principal -= amount - margin
        c.last_paid_on = today
        await _after_payment(uow, c, today)
        numbers = sorted({ln.number for ln in alloc.lines})
        await financing.event(uow, actor, c, "installment", amount, entry_id=eid, payload={"margin": str(margin), "principal": str(amount - margin), "installments": numbers})
        return result("installment", c, eid, amount, margin=money_str(margin), principal=money_str(amount - margin), installments=numbers)

    return await once(uow, actor, idempotency_key, "murabahah.installment", {"contract": contract_id, "amount": str(amount)}, run)


async def _after_payment(uow: UnitOfWork, c: FinancingContract, today: date) -> None:
    """Days past due from the oldest open installment; settled when nothing is owed."""
    if c.outstanding == 0:
        c.status, c.closed_on, c.days_past_due, c.outstanding_principal = "settled", today, 0, ZERO
        return
    await uow.session.flush()  # the allocation just closed some rows (the session does not autoflush)
    open_rows = await financing.installments(uow, c, open_only=True)
    due = [r.due_date for r in open_rows if r.status == "open" and r.due_date <= today]
    c.days_past_due = (today - min(due)).days if due else 0


# ---------------------------------------------------------------- the contract page


@dataclass
class ContractView:
    """Everything the contract page and the API show about one contract."""

    contract: FinancingContract
    member: Member
    product: FinancingProduct | None
    terms: dict[str, Any]
    quote: MurabahahQuote
    installments: list[ContractInstallment]
    events: list[ContractEvent]
    as_of: date
    arrears: list[Arrear] = field(default_factory=list)
    recognised_margin: Decimal = ZERO
    tazir_owed: Decimal = ZERO
    tazir_policy: TazirPolicy | None = None
    wakalah_advanced: Decimal = ZERO
    settlement: SettlementQuote | None = None
    write_off_pending: ContractEvent | None = None

    @property
    def deferred_margin(self) -> Decimal:
        """Margin not yet recognised (MMD) on an active contract."""
        return self.contract.outstanding - self.contract.outstanding_principal


async def view(uow: UnitOfWork, actor: Actor, contract_id: int, as_of: date | None = None) -> ContractView:
    """The contract with its schedule, payments and history, arrears, recognised margin and ta'zir owed."""
    c = await get(uow, actor, contract_id)
    as_of = as_of or uow.business_date()
    member = (await uow.session.execute(select(Member).where(Member.id == c.member_id))).scalar_one()
    prod = await financing.product(uow, c.cooperative_id, c.product_id) if c.product_id else None
    t = terms_of(c)
    rows = await financing.installments(uow, c)
    events = await financing.events(uow, c)
    v = ContractView(c, member, prod, t, quote(terms_from_json(t)), rows, events, as_of, arrears(rows, as_of) if c.status == "active" else [])
    v.recognised_margin = await recognised_margin(uow, c)
    v.tazir_owed, v.tazir_policy = tazir_owed(events), tazir_policy(t)
    v.wakalah_advanced = await contract_balance(uow, c, "wakalah_receivable")
    v.write_off_pending = pending_write_off(events)
    if c.status == "active":
        v.settlement = live_settlement(rows, as_of, v.recognised_margin, amount_paid(events))
    return v
