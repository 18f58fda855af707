"""Shared pieces of the murabahah use cases: who may do what, the terms kept on a contract, and posting.

Private module of ``bmt.services.murabahah``. A murabahah contract keeps its agreed terms in
``terms_json`` (the pure core's ``MurabahahTerms`` fields, the goods, the product's ta'zir clause and
allocation order, then the purchase and, at the akad, the fixed price). Every posting goes through
``ledger.post``; each non-cash line carries the contract's sub-ledger tag ``contract:<id>`` so the
contract's receivable, deferred margin, inventory, urbun, wakalah advance and recognised margin can be read
back from the ledger, and the cash line carries the teller's drawer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.contracts.allocation import MARGIN_FIRST, PRINCIPAL_FIRST
from bmt.contracts.murabahah import MurabahahTerms, TazirPolicy
from bmt.errors import InvalidInput, NotFound, PermissionDenied
from bmt.ledger import JournalEntry, Posting
from bmt.money import D, money_str
from bmt.persistence.models_financing import FinancingContract
from bmt.services import financing, idempotency, ledger
from bmt.services.uow import Actor, UnitOfWork

KIND = "murabahah"
CASH_ROLES = ("teller", "manager", "admin")
OFFICERS = ("financing_officer", "manager", "admin")
MANAGERS = ("manager", "admin")

#: Allocation orders a product may choose (the stored text -> the order of components).
ORDERS: dict[str, tuple[str, ...]] = {"margin,principal": MARGIN_FIRST, "principal,margin": PRINCIPAL_FIRST}

#: The terms fields that are money (kept as text in terms_json, exact).
_MONEY_TERMS = ("cost_price", "down_payment", "margin_amount", "margin_rate_flat_annual", "effective_rate_annual")

#: Statuses after the akad: the selling price is fixed (DPS rule MUR-04).
AFTER_AKAD = ("active", "settled", "written_off", "closed")


def require_role(actor: Actor, roles: Sequence[str], what: str) -> None:
    """Refuse an actor whose role is not in ``roles``.

    Raises:
        PermissionDenied: naming the action in Indonesian and English.
    """
    if actor.role not in roles:
        raise PermissionDenied(f"peran {actor.role} tidak berwenang untuk {what} / role {actor.role} may not {what}")


def order_of(text: str) -> tuple[str, ...]:
    """The allocation order stored on a product or contract ("margin,principal" or "principal,margin").

    Raises:
        InvalidInput: for any other text.
    """
    try:
        return ORDERS[text]
    except KeyError:
        raise InvalidInput("urutan alokasi: margin,principal atau principal,margin / unknown allocation order", field="allocation_order") from None


def terms_to_json(terms: MurabahahTerms) -> dict[str, Any]:
    """The pure terms as JSON-safe values (money and rates as exact text)."""
    out: dict[str, Any] = {
        "tenor_months": terms.tenor_months,
        "first_due_date": terms.first_due_date.isoformat(),
        "recognition": str(terms.recognition),
    }
    for name in _MONEY_TERMS:
        value = getattr(terms, name)
        if value is not None:
            out[name] = str(value)
    return out


def terms_from_json(t: dict[str, Any]) -> MurabahahTerms:
    """Rebuild (and so re-validate) the pure terms from ``terms_json``."""
    money = {name: D(t[name]) for name in _MONEY_TERMS if t.get(name) is not None}
    return MurabahahTerms(tenor_months=int(t["tenor_months"]), first_due_date=date.fromisoformat(t["first_due_date"]), recognition=t["recognition"], **money)


def tazir_policy(t: dict[str, Any]) -> TazirPolicy:
    """The ta'zir clause agreed in the akad (fixed amount per late installment, grace days)."""
    return TazirPolicy(D(t.get("tazir_amount", "0")), int(t.get("grace_days", 0)))


def terms_of(c: FinancingContract) -> dict[str, Any]:
    return financing.terms_of(c)


async def lock(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """A murabahah contract of the actor's cooperative, locked for this transaction."""
    c = await financing.lock(uow, actor, contract_id)
    if c.kind != KIND:
        raise NotFound("kontrak murabahah tidak ditemukan / murabahah contract not found")
    return c


async def get(uow: UnitOfWork, actor: Actor, contract_id: int) -> FinancingContract:
    """A murabahah contract the actor may see (a member sees only their own)."""
    c = await financing.get(uow, actor, contract_id)
    if c.kind != KIND:
        raise NotFound("kontrak murabahah tidak ditemukan / murabahah contract not found")
    return c


def tag(je: JournalEntry, c: FinancingContract, cash: tuple[str, str | None]) -> JournalEntry:
    """The entry with the contract's sub-ledger on every non-cash line and the drawer on the cash line.

    The pure builders know accounts, not who holds the cash or which contract a line belongs to; this is the
    one place where the service adds both.
    """
    cash_key, cash_sub = cash
    lines = tuple(
        Posting(p.account, p.amount, cash_sub if p.account == cash_key else financing.sub(c), p.memo)
        for p in je.postings
    )
    return JournalEntry(je.value_date, f"{je.description} {c.contract_no}"[:500], lines, source=je.source, book=je.book)


async def post(uow: UnitOfWork, actor: Actor, c: FinancingContract, entries: Sequence[JournalEntry], cash: tuple[str, str | None] = ("cash", None), *, idempotency_key: str | None = None) -> list[int]:
    """Post the entries of one event (the idempotency key goes on the first)."""
    ids = []
    for i, je in enumerate(entries):
        ids.append(await ledger.post(uow, actor, tag(je, c, cash), idempotency_key=idempotency_key if i == 0 else None))
    return ids


async def contract_balance(uow: UnitOfWork, c: FinancingContract, account_key: str) -> Decimal:
    """The contract's signed balance (debit positive) on one account, from its sub-ledger lines."""
    return await ledger.subledger_balance(uow, c.cooperative_id, financing.sub(c), [account_key])


async def once(uow: UnitOfWork, actor: Actor, key: str | None, operation: str, payload: dict[str, Any], run: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run a posting use case once per idempotency key: a retry gets the first answer and posts nothing."""
    if (prev := await idempotency.previous(uow, actor.coop, key, operation, payload)) is not None:
        return prev
    result = await run()
    await idempotency.remember(uow, actor.coop, key, result)
    return result


def result(operation: str, c: FinancingContract, entry_id: int | None, amount: Decimal, **extra: Any) -> dict[str, Any]:
    """The answer of a posting use case (JSON-safe, also what a retry gets back)."""
    return {
        "operation": operation, "contract_id": c.id, "contract_no": c.contract_no, "status": c.status,
        "amount": money_str(amount), "entry_id": entry_id, "outstanding": money_str(c.outstanding), **extra,
    }


def save_terms(c: FinancingContract, t: dict[str, Any]) -> None:
    c.terms_json = json.dumps(t, default=str, sort_keys=True)

