"""The Baitul Maal's statements, read from the maal book of the ledger (PSAK 109, PSAK 101 ¶75):

* ``fund_changes``: laporan perubahan dana — zakat, infak/sedekah (unrestricted and restricted), amil,
  nonhalal: opening, what came in and went out (by kind), closing;
* ``kebajikan``: laporan sumber dan penggunaan dana kebajikan — on the money not yet used (the fund less the
  qardhul hasan lent out): sources (ta'zir, non-halal, repaid qardhul hasan), uses (qardhul hasan lent,
  social uses), with the loans outstanding as a note;
* ``by_asnaf``: zakat distributed per asnaf, with the amil share;
* ``restricted_fund``: one restricted fund's statement for its donors (each gift and each use).

Lines are classified by their entry's source (``maal:<event>:...``) and memo (``asnaf:``/``use:``); a
reversal nets against the line it corrects; anything posted by hand shows as "lain-lain". Every statement
ties: opening + in − out = closing = the ledger's balance.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from bmt.errors import InvalidInput
from bmt.money import ZERO
from bmt.persistence.models import GlAccount
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.persistence.models_maal import MaalDisbursement, MaalDonor, MaalReceipt
from bmt.services import maal
from bmt.services.maal_collect import restricted_fund
from bmt.services.maal_disburse import USE_LABELS
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import ASNAF_LABELS_ID, Asnaf, Fund, FundRef
from bmt.zakat.funds import QH_RECEIVABLE

EVENT_LABELS = {
    "zakat_receipt": "Penerimaan zakat dari muzakki",
    "coop_zakat": "Zakat koperasi (Baitul Tamwil)",
    "infaq_receipt": "Penerimaan infak/sedekah",
    "tazir": "Denda (ta'zir) dari Baitul Tamwil",
    "amil_zakat": "Bagian amil dari zakat",
    "amil_infaq": "Bagian amil dari infak/sedekah",
    "zakat_distribution": "Penyaluran zakat",
    "spending": "Penggunaan dana",
    "qh_loan": "Penyaluran qardhul hasan",
    "qh_repayment": "Pengembalian qardhul hasan",
    "qh_forgiveness": "Pembebasan qardhul hasan",
    "settlement": "Penerimaan dari Baitul Tamwil",
}
NONHALAL_LABELS = {"bank_interest": "Bunga bank konvensional", "tazir": "Denda (ta'zir)", "other": "Penerimaan nonhalal lainnya"}
OTHER = "Lain-lain (jurnal manual)"
CHANGE_FUNDS = (Fund.ZAKAT, Fund.INFAQ, Fund.INFAQ_RESTRICTED, Fund.AMIL, Fund.NONHALAL)


def asnaf_label(tag: str) -> str:
    try:
        return ASNAF_LABELS_ID[Asnaf(tag)].split(" (")[0]
    except ValueError:
        return tag


def _event(source: str) -> tuple[str, list[str]]:
    """The event of an entry's source and the rest of it (a reversal counts as the event it reverses)."""
    source = source.removeprefix("reversal:")
    parts = source.split(":")
    if parts[0] != maal.SOURCE_PREFIX.rstrip(":") or len(parts) < 2:
        return "manual", parts
    return parts[1], parts[2:]


def line_label(source: str, memo: str | None) -> str:
    """How a maal line reads on a statement."""
    event, rest = _event(source)
    memo = memo or ""
    if event == "zakat_distribution" and memo.startswith("asnaf:"):
        return f"Penyaluran kepada {asnaf_label(memo[6:]).lower()}"
    if event == "spending" and memo.startswith("use:"):
        return USE_LABELS.get(memo[4:], EVENT_LABELS["spending"])
    if event == "nonhalal":
        return NONHALAL_LABELS.get(rest[0] if rest else "other", NONHALAL_LABELS["other"])
    return EVENT_LABELS.get(event, OTHER)


@dataclass
class Section:
    """One fund's movement over the period; amounts are positive, ``increases`` in and ``decreases`` out."""

    key: str
    title: str
    opening: Decimal = ZERO
    increases: dict[str, Decimal] = field(default_factory=OrderedDict)
    decreases: dict[str, Decimal] = field(default_factory=OrderedDict)
    closing: Decimal = ZERO
    notes: dict[str, Decimal] = field(default_factory=OrderedDict)

    @property
    def total_in(self) -> Decimal:
        return sum(self.increases.values(), ZERO)

    @property
    def total_out(self) -> Decimal:
        return sum(self.decreases.values(), ZERO)

    @property
    def ties(self) -> bool:
        return self.opening + self.total_in - self.total_out == self.closing

    def add(self, label: str, amount: Decimal) -> None:
        """Add a signed movement (positive = into the fund) under ``label``."""
        self.increases[label] = self.increases.get(label, ZERO) + amount

    def settle_sides(self) -> None:
        """Net movements per label go to the side their sign says."""
        moves, self.increases, self.decreases = self.increases, OrderedDict(), OrderedDict()
        for label, net in moves.items():
            if net > 0:
                self.increases[label] = net
            elif net < 0:
                self.decreases[label] = -net


def _period(since: date, through: date) -> None:
    if since > through:
        raise InvalidInput("tanggal awal setelah tanggal akhir / since is after through", field="since")


async def _lines(uow: UnitOfWork, coop: int, since: date, through: date) -> list[tuple[str, str | None, str | None, Decimal, str]]:
    """(account key, sub-ledger, memo, signed amount, source) of every maal line in the period, in order."""
    q = (
        select(GlAccount.key, LineRow.subledger, LineRow.memo, LineRow.amount, EntryRow.source)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == coop, GlAccount.book == "maal", LineRow.value_date >= since, LineRow.value_date <= through)
        .order_by(LineRow.value_date, LineRow.id)
    )
    return [tuple(r) for r in (await uow.session.execute(q)).all()]


async def fund_changes(uow: UnitOfWork, actor: Actor, since: date, through: date) -> list[Section]:
    """Laporan perubahan dana: zakat, infak/sedekah tidak terikat, terikat, amil, nonhalal."""
    actor.require("ledger.read")
    _period(since, through)
    opening = await maal.maal_balances(uow, actor.coop, through=since - timedelta(days=1))
    closing = await maal.maal_balances(uow, actor.coop, through=through)
    sections = {f.value: Section(f.value, maal.FUND_LABELS[f.value]) for f in CHANGE_FUNDS}
    for key, _sub, memo, amount, source in await _lines(uow, actor.coop, since, through):
        if key in sections:
            sections[key].add(line_label(source, memo), -amount)
    for key, s in sections.items():
        s.opening = sum((v for (k, _), v in opening.items() if k == key), ZERO)
        s.closing = sum((v for (k, _), v in closing.items() if k == key), ZERO)
        s.settle_sides()
    return list(sections.values())


async def kebajikan(uow: UnitOfWork, actor: Actor, since: date, through: date) -> Section:
    """Laporan sumber dan penggunaan dana kebajikan, on the money not yet used (fund − qardhul hasan lent)."""
    actor.require("ledger.read")
    _period(since, through)

    def available(b: dict) -> Decimal:
        fund = sum((v for (k, _), v in b.items() if k == Fund.KEBAJIKAN.value), ZERO)
        return fund - sum((v for (k, _), v in b.items() if k == QH_RECEIVABLE), ZERO)

    start = await maal.maal_balances(uow, actor.coop, through=since - timedelta(days=1))
    end = await maal.maal_balances(uow, actor.coop, through=through)
    s = Section(Fund.KEBAJIKAN.value, "Dana kebajikan", opening=available(start), closing=available(end))
    forgiven = ZERO
    for key, _sub, memo, amount, source in await _lines(uow, actor.coop, since, through):
        if key not in (Fund.KEBAJIKAN.value, QH_RECEIVABLE):
            continue
        if _event(source)[0] == "qh_forgiveness":
            forgiven += amount if key == QH_RECEIVABLE else ZERO
            continue
        # Both a credit to the fund and a credit to the receivable (a repayment) add to what is available.
        s.add(line_label(source, memo), -amount)
    s.settle_sides()
    s.notes["Qardhul hasan yang masih dipinjam (akhir periode)"] = sum((v for (k, _), v in end.items() if k == QH_RECEIVABLE), ZERO)
    s.notes["Qardhul hasan dibebaskan dalam periode"] = -forgiven
    s.notes["Saldo dana kebajikan termasuk pinjaman (akhir periode)"] = sum((v for (k, _), v in end.items() if k == Fund.KEBAJIKAN.value), ZERO)
    return s


@dataclass(frozen=True, slots=True)
class AsnafRow:
    asnaf: str
    label: str
    amount: Decimal
    payments: int
    share_percent: Decimal


async def by_asnaf(uow: UnitOfWork, actor: Actor, since: date, through: date) -> list[AsnafRow]:
    """Zakat distributed per asnaf in the period (the amil row is the amil share allocated)."""
    actor.require("ledger.read")
    _period(since, through)
    totals = {a.value: ZERO for a in Asnaf}
    counts = {a.value: 0 for a in Asnaf}
    for key, _sub, memo, amount, source in await _lines(uow, actor.coop, since, through):
        if key != Fund.ZAKAT.value:
            continue
        event = _event(source)[0]
        tag = memo[6:] if memo and memo.startswith("asnaf:") else ("amil" if event == "amil_zakat" else None)
        if tag in totals:
            totals[tag] += amount
            counts[tag] += 1 if amount > 0 else -1
    grand = sum(totals.values(), ZERO)
    pct = lambda v: (v * 100 / grand).quantize(Decimal("0.01")) if grand else ZERO  # noqa: E731
    return [AsnafRow(a.value, asnaf_label(a.value), totals[a.value], counts[a.value], pct(totals[a.value])) for a in Asnaf]


@dataclass(frozen=True, slots=True)
class RestrictedStatement:
    purpose: str
    name: str
    description: str
    since: date
    through: date
    opening: Decimal
    gifts: list[tuple[MaalReceipt, MaalDonor]]
    uses: list[MaalDisbursement]
    other: Decimal
    closing: Decimal

    @property
    def total_gifts(self) -> Decimal:
        return sum((r.amount for r, _ in self.gifts), ZERO)

    @property
    def total_uses(self) -> Decimal:
        return sum((d.amount for d in self.uses), ZERO)


async def restricted_fund_statement(uow: UnitOfWork, actor: Actor, purpose: str, since: date, through: date) -> RestrictedStatement:
    """One restricted fund's statement for its donors: every gift and every use in the period."""
    actor.require("ledger.read")
    _period(since, through)
    f = await restricted_fund(uow, actor, purpose)
    ref = (Fund.INFAQ_RESTRICTED.value, FundRef.restricted(f.purpose).subledger)
    opening = (await maal.maal_balances(uow, actor.coop, through=since - timedelta(days=1))).get(ref, ZERO)
    closing = (await maal.maal_balances(uow, actor.coop, through=through)).get(ref, ZERO)
    gifts_q = (
        select(MaalReceipt, MaalDonor).join(MaalDonor, MaalDonor.id == MaalReceipt.donor_id)
        .where(MaalReceipt.cooperative_id == actor.coop, MaalReceipt.purpose == f.purpose, MaalReceipt.value_date >= since, MaalReceipt.value_date <= through)
        .order_by(MaalReceipt.value_date, MaalReceipt.id)
    )
    gifts = [(r, d) for r, d in (await uow.session.execute(gifts_q)).all()]
    uses_q = (
        select(MaalDisbursement)
        .where(MaalDisbursement.cooperative_id == actor.coop, MaalDisbursement.fund == Fund.INFAQ_RESTRICTED.value, MaalDisbursement.purpose == f.purpose, MaalDisbursement.status == "paid", MaalDisbursement.value_date >= since, MaalDisbursement.value_date <= through)
        .order_by(MaalDisbursement.value_date, MaalDisbursement.id)
    )
    uses = list((await uow.session.execute(uses_q)).scalars())
    other = closing - (opening + sum((r.amount for r, _ in gifts), ZERO) - sum((d.amount for d in uses), ZERO))
    return RestrictedStatement(f.purpose, f.name, f.description, since, through, opening, gifts, uses, other, closing)

