"""The Baitul Maal's use cases: settings, the business book's hand-over of ta'zir and ZIS, fund balances.

Two books, one transaction. Money a teller takes in (cash in the drawer, or a transfer from a member's savings)
physically sits with the business (tamwil) book, so every such receipt posts two balanced entries in one unit
of work:

* tamwil: Dr teller cash (drawer) / savings — Cr a liability to the Baitul Maal (``kebajikan_payable`` for
  ta'zir, ``maal_payable`` for zakat and infaq, ``zakat_payable`` for the cooperative's own zakat);
* maal:   Dr ``due_from_tamwil`` — Cr the fund (zakat, infaq, kebajikan, ...).

``settle_from_tamwil`` later moves the cash itself (tamwil Dr liability / Cr cash; maal Dr maal_cash / Cr
due_from_tamwil), so at all times ``due_from_tamwil`` equals the three tamwil liabilities together.

The pure rules (which fund may pay for what, the amil cap, asnaf tags) live in ``bmt.zakat.funds``; this module
only reads balances from the ledger, locks, and posts what the pure builders return. Every maal entry's
source starts with ``maal:<event>:`` so the statements can classify ledger lines without a second store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, func, or_, select, type_coerce

from bmt.errors import InvalidInput
from bmt.ledger import JournalEntry, Posting, entry
from bmt.ledger.accounts import AccountType, Book, normal_side
from bmt.money import ZERO, from_sen, rupiah
from bmt.persistence.models import Cooperative, GlAccount
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.persistence.models_maal import MaalDisbursement, MaalRestrictedFund
from bmt.services import audit, ledger, teller
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import (
    AmilCapPolicy,
    Fund,
    FundBook,
    FundRef,
    NonhalalKind,
    NonhalalRouting,
    amil_cap,
    receive_nonhalal,
)
from bmt.zakat.fundbook import MAAL_ACCOUNTS
from bmt.zakat.funds import QH_RECEIVABLE

TAMWIL = Book.TAMWIL.value
MAAL = Book.MAAL.value
#: The tamwil liabilities that mirror ``due_from_tamwil`` in the maal book.
DUE_TO_MAAL = ("kebajikan_payable", "maal_payable", "zakat_payable")
SOURCE_PREFIX = "maal:"


# ---------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class MaalSettings:
    """The Baitul Maal settings kept in ``cooperative.settings_json["maal"]``.

    Attributes:
        amil_cap_percent: Cap on the amil share of zakat collected (at most 12.5).
        collect_only: A unit that only collects (UPZ): the cap becomes ``collect_only_cap_percent`` (<= 5).
        collect_only_cap_percent: The collect-only cap.
        infaq_amil_cap_percent: Cap on the amil share of unrestricted infaq.
        tazir_fund: Where ta'zir goes: ``kebajikan_fund`` (default) or ``nonhalal_fund``.
        bank_interest_fund: Where conventional bank interest goes.
        coop_zakat_method: ``working_capital`` or ``shu`` (the articles of association choose).
        gold_price: The gold price per gram last used for the nisab (rupiah), for the cooperative's zakat.
    """

    amil_cap_percent: Decimal = Decimal("12.5")
    collect_only: bool = False
    collect_only_cap_percent: Decimal = Decimal(5)
    infaq_amil_cap_percent: Decimal = Decimal(20)
    tazir_fund: str = Fund.KEBAJIKAN.value
    bank_interest_fund: str = Fund.NONHALAL.value
    coop_zakat_method: str = "working_capital"
    gold_price: Decimal = Decimal(1_500_000)

    @property
    def amil_policy(self) -> AmilCapPolicy:
        return AmilCapPolicy(self.amil_cap_percent, self.collect_only_cap_percent, self.collect_only, self.infaq_amil_cap_percent)

    @property
    def routing(self) -> NonhalalRouting:
        return NonhalalRouting(tazir=Fund(self.tazir_fund), bank_interest=Fund(self.bank_interest_fund))

    def to_json(self) -> dict[str, Any]:
        return {
            "amil_cap_percent": str(self.amil_cap_percent), "collect_only": self.collect_only,
            "collect_only_cap_percent": str(self.collect_only_cap_percent),
            "infaq_amil_cap_percent": str(self.infaq_amil_cap_percent), "tazir_fund": self.tazir_fund,
            "bank_interest_fund": self.bank_interest_fund, "coop_zakat_method": self.coop_zakat_method,
            "gold_price": str(self.gold_price),
        }


def parse_settings(raw: dict[str, Any]) -> MaalSettings:
    """Settings from their JSON form, checked (caps within the sharia limits, known funds and method).

    Raises:
        ShariaViolation: a cap above its limit (ZIS-02) or non-halal money routed to another fund (NH-01).
        InvalidInput: anything else malformed.
    """
    try:
        s = MaalSettings(
            amil_cap_percent=Decimal(str(raw.get("amil_cap_percent", "12.5"))),
            collect_only=bool(raw.get("collect_only", False)),
            collect_only_cap_percent=Decimal(str(raw.get("collect_only_cap_percent", "5"))),
            infaq_amil_cap_percent=Decimal(str(raw.get("infaq_amil_cap_percent", "20"))),
            tazir_fund=str(raw.get("tazir_fund", Fund.KEBAJIKAN.value)),
            bank_interest_fund=str(raw.get("bank_interest_fund", Fund.NONHALAL.value)),
            coop_zakat_method=str(raw.get("coop_zakat_method", "working_capital")),
            gold_price=rupiah(raw.get("gold_price", "1500000"), allow_zero=False),
        )
    except ArithmeticError as exc:
        raise InvalidInput("pengaturan Baitul Maal tidak valid / invalid Baitul Maal settings") from exc
    if s.coop_zakat_method not in ("working_capital", "shu"):
        raise InvalidInput("metode zakat koperasi: working_capital atau shu / method must be working_capital or shu", field="coop_zakat_method")
    for name in ("tazir_fund", "bank_interest_fund"):
        if getattr(s, name) not in {f.value for f in Fund}:
            raise InvalidInput(f"{name}: dana tidak dikenal / unknown fund", field=name)
    s.amil_policy  # noqa: B018 - validates the caps (ZIS-02)
    s.routing  # noqa: B018 - validates the routing (NH-01)
    return s


async def cooperative(uow: UnitOfWork, coop_id: int, *, lock: bool = False) -> Cooperative:
    """The cooperative row (locked when asked: the maal book's writers queue on it)."""
    q = select(Cooperative).where(Cooperative.id == coop_id)
    if lock:
        q = q.with_for_update()
    return (await uow.session.execute(q)).scalar_one()


async def settings(uow: UnitOfWork, cooperative_id: int) -> MaalSettings:
    """The cooperative's Baitul Maal settings (defaults where none are stored)."""
    coop = await cooperative(uow, cooperative_id)
    return parse_settings(json.loads(coop.settings_json or "{}").get("maal", {}))


async def save_settings(uow: UnitOfWork, actor: Actor, raw: dict[str, Any]) -> MaalSettings:
    """Change the Baitul Maal settings (manager or admin); the old and new values go to the audit log."""
    actor.require("maal.approve")
    coop = await cooperative(uow, actor.coop, lock=True)
    doc = json.loads(coop.settings_json or "{}")
    before = doc.get("maal", {})
    new = parse_settings({**before, **raw})
    doc["maal"] = new.to_json()
    coop.settings_json = json.dumps(doc, sort_keys=True)
    await audit.record(uow, actor, "maal.settings", f"cooperative:{coop.id}", {"from": before, "to": doc["maal"]})
    return new


# ---------------------------------------------------------------------------------------------- ta'zir


def _src(event: str, ref: str) -> str:
    return f"{SOURCE_PREFIX}{event}:{ref}"[:120]


async def receive_tazir(
    uow: UnitOfWork,
    actor: Actor,
    amount: Decimal,
    *,
    source: str,
    member_id: int | None = None,
    contract_id: int | None = None,
    tamwil_debit: tuple[str, str | None] | None = None,
) -> int:
    """A ta'zir (late charge) the business book collected, handed to the Baitul Maal — never income (FEE-01).

    Posts in the caller's unit of work:

    * tamwil: Dr the cash leg (the teller's drawer, else the vault; or ``tamwil_debit`` when the money came
      another way, e.g. ``("wadiah_savings", "savings:7")``) / Cr ``kebajikan_payable``;
    * maal:   Dr ``due_from_tamwil`` / Cr the fund the settings route ta'zir to (kebajikan by default).

    The caller (e.g. a murabahah payment) has already checked its own permission; this function adds none.

    Args:
        amount: The ta'zir received, in rupiah (positive).
        source: What caused it, e.g. ``"murabahah:12:installment:3"`` (kept in both entries' source).
        member_id: The member who paid, for the audit trail.
        contract_id: The contract it belongs to, for the audit trail.
        tamwil_debit: The tamwil account and sub-ledger debited instead of the cash leg.

    Returns:
        The id of the maal entry.

    Raises:
        InvalidInput: for an amount that is not positive or an empty source.
    """
    amount = teller.require_positive(amount)
    if not source or not source.strip():
        raise InvalidInput("sumber ta'zir wajib disebut / the source is required", field="source")
    today = uow.business_date()
    debit_key, debit_sub = tamwil_debit if tamwil_debit is not None else await teller.cash_leg(uow, actor)
    s = await settings(uow, actor.coop)
    await ledger.post(uow, actor, entry(
        today, f"Ta'zir diterima untuk dana kebajikan ({source})"[:500],
        Posting.debit(debit_key, amount, subledger=debit_sub), Posting.credit("kebajikan_payable", amount),
        source=f"tazir:{source}"[:120],
    ))
    je: JournalEntry = receive_nonhalal(today, amount, NonhalalKind.TAZIR, routing=s.routing, received_in="due_from_tamwil", source=_src("tazir", source))
    maal_id = await ledger.post(uow, actor, je)
    await audit.record(uow, actor, "maal.tazir", f"journal_entry:{maal_id}", {"amount": str(amount), "source": source, "member_id": member_id, "contract_id": contract_id, "fund": s.tazir_fund})
    return maal_id


# ---------------------------------------------------------------------------------------------- the fund book


def _sum_sen():  # noqa: ANN202
    return func.coalesce(func.sum(type_coerce(LineRow.amount, BigInteger)), 0)


async def lock(uow: UnitOfWork, actor: Actor) -> None:
    """Serialise the cooperative's spending from the maal book (balances are checked, then posted)."""
    await cooperative(uow, actor.coop, lock=True)


def year_start(d: date) -> date:
    """The first day of the financial year of ``d``: the period of the amil cap's tallies."""
    return d.replace(month=1, day=1)


async def maal_balances(uow: UnitOfWork, cooperative_id: int, *, through: date | None = None) -> dict[tuple[str, str | None], Decimal]:
    """Normal-side balances of the maal book's system accounts per ``(key, sub-ledger)``."""
    q = (
        select(GlAccount.key, LineRow.subledger, _sum_sen())
        .join(LineRow, LineRow.account_id == GlAccount.id)
        .where(LineRow.cooperative_id == cooperative_id, GlAccount.book == MAAL, GlAccount.key.is_not(None))
        .group_by(GlAccount.key, LineRow.subledger)
    )
    if through is not None:
        q = q.where(LineRow.value_date <= through)
    out: dict[tuple[str, str | None], Decimal] = {}
    for key, subledger, total in (await uow.session.execute(q)).all():
        spec = MAAL_ACCOUNTS.get(key)
        if spec is None:
            continue
        net = from_sen(int(total))
        out[(key, subledger)] = net if normal_side(spec.kind) == "debit" else -net
    return out


async def _credits(uow: UnitOfWork, coop: int, account_key: str, events: tuple[str, ...], since: date, through: date) -> Decimal:
    """Net credit to one fund in the period by entries of ``events`` (and their reversals)."""
    patterns = [f"{prefix}{SOURCE_PREFIX}{e}:%" for e in events for prefix in ("", "reversal:")]
    q = (
        select(_sum_sen())
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == coop, GlAccount.key == account_key, LineRow.value_date >= since, LineRow.value_date <= through, or_(*[EntryRow.source.like(p) for p in patterns]))
    )
    return -from_sen(int((await uow.session.execute(q)).scalar_one()))


async def restricted_funds(uow: UnitOfWork, cooperative_id: int, *, active_only: bool = False) -> list[MaalRestrictedFund]:
    q = select(MaalRestrictedFund).where(MaalRestrictedFund.cooperative_id == cooperative_id).order_by(MaalRestrictedFund.name)
    if active_only:
        q = q.where(MaalRestrictedFund.active.is_(True))
    return list((await uow.session.execute(q)).scalars())


async def fund_book(uow: UnitOfWork, cooperative_id: int, as_of: date) -> tuple[FundBook, MaalSettings]:
    """The pure ``FundBook`` as the ledger stands, with this financial year's tallies for the amil cap."""
    s = await settings(uow, cooperative_id)
    since = year_start(as_of)
    tallies = {
        "zakat_collected": await _credits(uow, cooperative_id, Fund.ZAKAT.value, ("zakat_receipt", "coop_zakat"), since, as_of),
        "amil_from_zakat": await _credits(uow, cooperative_id, Fund.AMIL.value, ("amil_zakat",), since, as_of),
        "infaq_collected": await _credits(uow, cooperative_id, Fund.INFAQ.value, ("infaq_receipt",), since, as_of),
        "amil_from_infaq": await _credits(uow, cooperative_id, Fund.AMIL.value, ("amil_infaq",), since, as_of),
    }
    funds = {f.purpose: f.name for f in await restricted_funds(uow, cooperative_id)}
    book = FundBook(
        balances=await maal_balances(uow, cooperative_id), restricted_funds=funds,
        amil_policy=s.amil_policy, nonhalal_routing=s.routing, **tallies,
    )
    return book, s


@dataclass(frozen=True, slots=True)
class AmilStatus:
    """The amil share of one source fund in the financial year: collected, cap, taken, still allowed."""

    source_fund: str
    cap_percent: Decimal
    collected: Decimal
    cap: Decimal
    taken: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.cap - self.taken, ZERO)


def amil_status(book: FundBook) -> list[AmilStatus]:
    """Amil cap usage from zakat and from unrestricted infaq."""
    out = []
    for fund, collected, taken in ((Fund.ZAKAT, book.zakat_collected, book.amil_from_zakat), (Fund.INFAQ, book.infaq_collected, book.amil_from_infaq)):
        pct = book.amil_policy.cap_percent(fund)
        out.append(AmilStatus(fund.value, pct, collected, amil_cap(collected, book.amil_policy, fund), taken))
    return out


async def allocate_amil(uow: UnitOfWork, actor: Actor, amount: Decimal, *, source_fund: str = Fund.ZAKAT.value, note: str = "") -> int:
    """Take the amil share from zakat (or unrestricted infaq): Dr the fund / Cr amil_fund, never above the cap
    on the year's collections (ZIS-02). Returns the maal entry id.

    Raises:
        ShariaViolation: ZIS-02 above the cap; InsufficientBalance when the fund cannot cover it.
    """
    actor.require("maal.distribute")
    fund = Fund(source_fund) if source_fund in {Fund.ZAKAT.value, Fund.INFAQ.value} else None
    if fund is None:
        raise InvalidInput("bagian amil hanya dari zakat_fund atau infaq_fund / amil share only from zakat or infaq", field="source_fund")
    await lock(uow, actor)
    today = uow.business_date()
    book, _ = await fund_book(uow, actor.coop, today)
    event = "amil_zakat" if fund is Fund.ZAKAT else "amil_infaq"
    _, je = book.allocate_amil(today, amount, source_fund=fund, source=_src(event, f"{today.isoformat()}:{actor.user_id}"))
    eid = await ledger.post(uow, actor, je)
    await audit.record(uow, actor, "maal.amil", f"journal_entry:{eid}", {"amount": str(je.total), "source_fund": fund.value, "note": note})
    return eid


async def tamwil_due_to_maal(uow: UnitOfWork, cooperative_id: int) -> dict[str, Decimal]:
    """The business book's debts to the Baitul Maal, per liability key (credit-normal balances)."""
    accounts = await ledger.chart(uow, cooperative_id)
    out = {}
    for key in DUE_TO_MAAL:
        ref = accounts.get(key)
        out[key] = -(await _account_net(uow, cooperative_id, ref.id)) if ref else ZERO
    return out


async def _account_net(uow: UnitOfWork, coop: int, account_id: int) -> Decimal:
    q = select(_sum_sen()).where(LineRow.cooperative_id == coop, LineRow.account_id == account_id)
    return from_sen(int((await uow.session.execute(q)).scalar_one()))


async def settle_from_tamwil(uow: UnitOfWork, actor: Actor, amount: Decimal | None = None, *, into: str = "maal_cash") -> tuple[int, int]:
    """Hand the money the business book holds for the Baitul Maal over to it (all of it by default).

    tamwil: Dr kebajikan_payable / maal_payable / zakat_payable (in that order) / Cr cash (or bank);
    maal: Dr maal_cash (or maal_bank) / Cr due_from_tamwil. Returns (tamwil entry id, maal entry id).

    Raises:
        InsufficientBalance: when more is asked than the business book owes.
    """
    actor.require("maal.distribute")
    if into not in ("maal_cash", "maal_bank"):
        raise InvalidInput("diterima ke maal_cash atau maal_bank / into maal_cash or maal_bank", field="into")
    await lock(uow, actor)
    today = uow.business_date()
    book, _ = await fund_book(uow, actor.coop, today)
    owed = await tamwil_due_to_maal(uow, actor.coop)
    total = book.balance("due_from_tamwil")
    amount = total if amount is None else teller.require_positive(amount)
    ref = f"{today.isoformat()}:{actor.user_id}"
    _, maal_je = book.settle_due_from_tamwil(today, amount, received_in=into, source=_src("settlement", ref))
    debits, left = [], amount
    for key in DUE_TO_MAAL:
        take = min(left, max(owed[key], ZERO))
        if take > 0:
            debits.append(Posting.debit(key, take))
            left -= take
    if left > 0:
        raise InvalidInput("utang Baitul Tamwil kepada Baitul Maal tidak sesuai buku maal / the books disagree on what is owed")
    tamwil_id = await ledger.post(uow, actor, entry(today, "Penyerahan dana ke Baitul Maal", *debits, Posting.credit("cash" if into == "maal_cash" else "bank", amount), source=f"maal-settlement:{ref}"))
    maal_id = await ledger.post(uow, actor, maal_je)
    await audit.record(uow, actor, "maal.settlement", f"journal_entry:{maal_id}", {"amount": str(amount), "into": into, "tamwil_entry": tamwil_id})
    return tamwil_id, maal_id


async def receive_nonhalal_income(uow: UnitOfWork, actor: Actor, amount: Decimal, kind: str, *, received_in: str | None = None, note: str = "") -> int:
    """Conventional bank interest or another non-halal receipt straight into the maal book, to the fund the
    settings route it to (never income, NH-01). Returns the maal entry id."""
    actor.require("maal.distribute")
    try:
        nk = NonhalalKind(kind)
    except ValueError:
        raise InvalidInput("jenis: bank_interest, tazir atau other / kind must be bank_interest, tazir or other", field="kind") from None
    if received_in is not None and received_in not in ("maal_cash", "maal_bank"):
        raise InvalidInput("diterima di maal_cash atau maal_bank / received_in must be maal_cash or maal_bank", field="received_in")
    today = uow.business_date()
    s = await settings(uow, actor.coop)
    into = received_in or ("maal_bank" if nk is NonhalalKind.BANK_INTEREST else "maal_cash")
    je = receive_nonhalal(today, amount, nk, routing=s.routing, received_in=into, source=_src("nonhalal", f"{nk.value}:{today.isoformat()}"))
    eid = await ledger.post(uow, actor, je)
    await audit.record(uow, actor, "maal.nonhalal", f"journal_entry:{eid}", {"amount": str(je.total), "kind": nk.value, "note": note})
    return eid


# ---------------------------------------------------------------------------------------------- the summary


@dataclass(frozen=True, slots=True)
class FundLine:
    key: str
    label: str
    balance: Decimal
    purpose: str | None = None


FUND_LABELS = {
    Fund.ZAKAT.value: "Dana zakat",
    Fund.INFAQ.value: "Dana infak/sedekah tidak terikat",
    Fund.INFAQ_RESTRICTED.value: "Dana infak/sedekah terikat",
    Fund.AMIL.value: "Dana amil",
    Fund.NONHALAL.value: "Dana nonhalal",
    Fund.KEBAJIKAN.value: "Dana kebajikan",
}


@dataclass(frozen=True, slots=True)
class Summary:
    funds: list[FundLine]
    restricted: list[FundLine]
    assets: dict[str, Decimal]
    qh_outstanding: Decimal
    kebajikan_available: Decimal
    amil: list[AmilStatus]
    owed_by_tamwil: dict[str, Decimal]
    pending_proposals: int
    settings: MaalSettings

    @property
    def total_funds(self) -> Decimal:
        return sum((f.balance for f in self.funds), ZERO)

    @property
    def total_assets(self) -> Decimal:
        return sum(self.assets.values(), ZERO)


async def summary(uow: UnitOfWork, actor: Actor) -> Summary:
    """Every fund's balance, the maal book's assets, the amil cap and what waits: the Baitul Maal at a glance."""
    today = uow.business_date()
    book, s = await fund_book(uow, actor.coop, today)
    names = {f.purpose: f.name for f in await restricted_funds(uow, actor.coop)}
    funds = [FundLine(f.value, FUND_LABELS[f.value], book.account_total(f.value)) for f in Fund]
    restricted = [FundLine(Fund.INFAQ_RESTRICTED.value, name, book.fund_balance(FundRef.restricted(p)), p) for p, name in names.items()]
    assets = {k: book.account_total(k) for k, spec in MAAL_ACCOUNTS.items() if spec.kind is AccountType.ASSET}
    pending = (await uow.session.execute(select(func.count()).select_from(MaalDisbursement).where(MaalDisbursement.cooperative_id == actor.coop, MaalDisbursement.status == "proposed"))).scalar_one()
    return Summary(
        funds, restricted, assets, book.account_total(QH_RECEIVABLE), book.spendable(FundRef(Fund.KEBAJIKAN)),
        amil_status(book), await tamwil_due_to_maal(uow, actor.coop), int(pending), s,
    )
