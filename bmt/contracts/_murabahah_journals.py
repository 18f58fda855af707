"""Murabahah journal entries, one builder per event (domain.md §1.3).

Private module; the public names are re-exported by ``bmt.contracts.murabahah``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bmt.contracts._murabahah_pricing import MurabahahQuote
from bmt.contracts._murabahah_settlement import Rescheduling, SettlementQuote
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, Posting, entry
from bmt.ledger.accounts import AccountType, Book, standard_chart_by_key
from bmt.money import EXACT, SEN, ZERO, D

RECEIVABLE = "murabahah_receivable"
DEFERRED_MARGIN = "murabahah_deferred_margin"
INVENTORY = "murabahah_inventory"
DOWN_PAYMENT = "murabahah_down_payment"
INCOME = "murabahah_income"

#: Accounts a ta'zir receipt may be credited to: the kebajikan fund, or the Tamwil's payable to it.
KEBAJIKAN_TARGETS = ("kebajikan_payable", "kebajikan_fund")


def _amount(name: str, value: object, *, allow_zero: bool = False) -> Decimal:
    """A posting amount: exact, in whole sen, > 0 (or >= 0). No 1e15 cap: a receivable may exceed it."""
    amount = D(value)  # type: ignore[arg-type]  # D refuses floats and junk with InvalidInput
    if amount < 0 or (amount == 0 and not allow_zero) or amount != amount.quantize(SEN, context=EXACT):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidInput(
            f"{name} harus {bound}, paling banyak dua desimal / {name} must be {bound}, in sen", field=name
        )
    return amount


def _lines(*pairs: tuple[Callable[[str, Decimal], Posting], str, Decimal]) -> list[Posting]:
    """Postings for the non-zero amounts only (a zero urbun or zero margin has no line)."""
    return [side(account, amount) for side, account, amount in pairs if amount != 0]


D_, C_ = Posting.debit, Posting.credit


@dataclass(frozen=True, slots=True)
class UrbunReceived:
    """Urbun / uang muka received before the akad (fatwa 13/2000): a liability until the akad."""

    value_date: date
    amount: Decimal
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class WakalahAdvanced:
    """Cash advanced to the customer as the BMT's agent (wakalah) to buy the goods."""

    value_date: date
    amount: Decimal
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class GoodsAcquired:
    """The BMT owns the goods: bought directly (cash) or through the wakalah (invoice in the BMT's name)."""

    value_date: date
    cost: Decimal
    via_wakalah: bool = False
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class AkadSigned:
    """The murabahah sale. ``owned_since`` is when the BMT came to own the goods (DPS rule MUR-01)."""

    value_date: date
    quote: MurabahahQuote
    owned_since: date
    source: str = ""


@dataclass(frozen=True, slots=True)
class InstallmentReceived:
    """A payment, with the margin it recognises (from ``payment_split``)."""

    value_date: date
    amount: Decimal
    margin: Decimal
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class TazirReceived:
    """A ta'zir late fee received: social money for the kebajikan fund, never income (FEE-01)."""

    value_date: date
    amount: Decimal
    source: str = ""
    cash_account: str = "cash"
    credit_account: str = "kebajikan_payable"


@dataclass(frozen=True, slots=True)
class EarlySettled:
    """Early settlement at the price of ``settlement`` (fatwa 153/2022)."""

    value_date: date
    settlement: SettlementQuote
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class WrittenOff:
    """Hapus buku: the receivable leaves the books against the allowance (PPAP) and the deferred margin."""

    value_date: date
    outstanding_receivable: Decimal
    deferred_margin: Decimal
    allowance_available: Decimal
    source: str = ""


@dataclass(frozen=True, slots=True)
class Recovered:
    """Cash collected on a written-off murabahah."""

    value_date: date
    amount: Decimal
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class UrbunCancelled:
    """The customer cancels before the akad: urbun kept up to the documented real loss, rest refunded.

    ``retained`` defaults to ``min(urbun, real loss)``; a larger value is refused (MUR-08).
    """

    value_date: date
    down_payment: Decimal
    documented_real_loss: Decimal
    retained: Decimal | None = None
    source: str = ""
    cash_account: str = "cash"


@dataclass(frozen=True, slots=True)
class Rescheduled:
    """A rescheduling: any margin waived leaves receivable and MMD; real costs are a separate fee."""

    value_date: date
    rescheduling: Rescheduling
    source: str = ""
    cash_account: str = "cash"


def urbun_received(ev: UrbunReceived) -> list[JournalEntry]:
    """Dr Kas / Cr Uang muka murabahah."""
    amount = _amount("amount", ev.amount)
    return [
        entry(
            ev.value_date,
            "Penerimaan urbun murabahah",
            D_(ev.cash_account, amount),
            C_(DOWN_PAYMENT, amount),
            source=ev.source,
        )
    ]


def wakalah_advanced(ev: WakalahAdvanced) -> list[JournalEntry]:
    """Dr Piutang wakalah / Cr Kas."""
    amount = _amount("amount", ev.amount)
    return [
        entry(
            ev.value_date,
            "Uang muka wakalah pembelian barang",
            D_("wakalah_receivable", amount),
            C_(ev.cash_account, amount),
            source=ev.source,
        )
    ]


def goods_acquired(ev: GoodsAcquired) -> list[JournalEntry]:
    """Dr Persediaan/Aset murabahah (at cost) / Cr Kas, or Cr Piutang wakalah when bought by the agent."""
    cost = _amount("cost", ev.cost)
    credit = "wakalah_receivable" if ev.via_wakalah else ev.cash_account
    return [
        entry(
            ev.value_date, "Perolehan aset murabahah", D_(INVENTORY, cost), C_(credit, cost), source=ev.source
        )
    ]


def akad_signed(ev: AkadSigned) -> list[JournalEntry]:
    """Dr Piutang (H - U); Dr Uang muka (U) / Cr Aset murabahah (cost); Cr MMD (M).

    Raises:
        ShariaViolation: MUR-01 when the BMT did not yet own the goods on the akad date.
    """
    if ev.owned_since > ev.value_date:
        raise ShariaViolation(
            "akad murabahah sebelum barang dimiliki BMT / the sale precedes the BMT's ownership of the goods",
            rule="MUR-01",
        )
    q = ev.quote
    postings = _lines(
        (D_, RECEIVABLE, q.receivable),
        (D_, DOWN_PAYMENT, q.terms.down_payment),
        (C_, INVENTORY, q.terms.cost_price),
        (C_, DEFERRED_MARGIN, q.total_margin),
    )
    return [entry(ev.value_date, "Akad murabahah", *postings, source=ev.source)]


def installment_received(ev: InstallmentReceived) -> list[JournalEntry]:
    """Dr Kas / Cr Piutang murabahah; Dr MMD / Cr Pendapatan margin (the margin recognised)."""
    amount = _amount("amount", ev.amount)
    margin = _amount("margin", ev.margin, allow_zero=True)
    if margin > amount:
        raise InvalidInput("margin melebihi pembayaran / margin exceeds the payment", field="margin")
    postings = _lines(
        (D_, ev.cash_account, amount),
        (C_, RECEIVABLE, amount),
        (D_, DEFERRED_MARGIN, margin),
        (C_, INCOME, margin),
    )
    return [entry(ev.value_date, "Angsuran murabahah", *postings, source=ev.source)]


def tazir_received(ev: TazirReceived) -> list[JournalEntry]:
    """Ta'zir to the kebajikan fund (domain.md §1.3, §6). Never income.

    Credited to ``kebajikan_payable`` (the Tamwil holds it for the Baitul Maal) the Maal book mirrors it:
    Dr Piutang dari Baitul Tamwil / Cr Dana kebajikan. Credited to ``kebajikan_fund`` it is one Maal entry.

    Raises:
        ShariaViolation: FEE-01 when asked to credit an income account, or any account but the two above.
    """
    chart = standard_chart_by_key()
    target = chart.get(ev.credit_account)
    if target is None or target.kind is AccountType.INCOME or ev.credit_account not in KEBAJIKAN_TARGETS:
        raise ShariaViolation(
            f"ta'zir harus ke dana kebajikan, bukan {ev.credit_account!r} / late fees go to the kebajikan fund, "
            "never to income",
            rule="FEE-01",
        )
    amount = _amount("amount", ev.amount)
    text = "Denda ta'zir untuk dana kebajikan"
    if ev.credit_account == "kebajikan_fund":
        return [
            entry(
                ev.value_date,
                text,
                D_(ev.cash_account, amount),
                C_("kebajikan_fund", amount),
                source=ev.source,
                book=Book.MAAL,
            )
        ]
    return [
        entry(
            ev.value_date,
            text,
            D_(ev.cash_account, amount),
            C_("kebajikan_payable", amount),
            source=ev.source,
        ),
        entry(
            ev.value_date,
            text,
            D_("due_from_tamwil", amount),
            C_("kebajikan_fund", amount),
            source=ev.source,
            book=Book.MAAL,
        ),
    ]


def early_settled(ev: EarlySettled) -> list[JournalEntry]:
    """Dr Kas (settlement); Dr MMD (margin released) / Cr Piutang (outstanding); Cr Pendapatan (arrears margin)."""
    s = ev.settlement
    if s.outstanding_receivable == 0:
        raise InvalidInput("tidak ada sisa piutang / nothing left to settle")
    postings = _lines(
        (D_, ev.cash_account, s.settlement_amount),
        (D_, DEFERRED_MARGIN, s.deferred_margin_released),
        (C_, RECEIVABLE, s.outstanding_receivable),
        (C_, INCOME, s.margin_recognised_at_settlement),
    )
    return [entry(ev.value_date, "Pelunasan dipercepat murabahah", *postings, source=ev.source)]


def written_off(ev: WrittenOff) -> list[JournalEntry]:
    """Dr PPAP (up to the net amount); Dr Beban PPAP (any shortfall); Dr MMD (remaining) / Cr Piutang."""
    outstanding = _amount("outstanding_receivable", ev.outstanding_receivable)
    deferred = _amount("deferred_margin", ev.deferred_margin, allow_zero=True)
    allowance = _amount("allowance_available", ev.allowance_available, allow_zero=True)
    if deferred > outstanding:
        raise InvalidInput("margin ditangguhkan melebihi piutang / deferred margin exceeds the receivable")
    net = outstanding - deferred
    used = min(allowance, net)
    postings = _lines(
        (D_, "ppap", used),
        (D_, "ppap_expense", net - used),
        (D_, DEFERRED_MARGIN, deferred),
        (C_, RECEIVABLE, outstanding),
    )
    return [entry(ev.value_date, "Hapus buku piutang murabahah", *postings, source=ev.source)]


def recovered(ev: Recovered) -> list[JournalEntry]:
    """Dr Kas / Cr Pendapatan lain (penerimaan pembiayaan dihapusbukukan)."""
    amount = _amount("amount", ev.amount)
    return [
        entry(
            ev.value_date,
            "Penerimaan pembiayaan yang telah dihapus buku",
            D_(ev.cash_account, amount),
            C_("recovery_income", amount),
            source=ev.source,
        )
    ]


@dataclass(frozen=True, slots=True)
class UrbunOutcome:
    """How a cancelled urbun is settled (fatwa 13/2000).

    Attributes:
        retained: Kept by the BMT to cover its documented real loss.
        refunded: Returned to the customer.
        shortfall: Loss beyond the urbun, which the BMT may claim from the customer.
    """

    retained: Decimal
    refunded: Decimal
    shortfall: Decimal


def urbun_cancellation(
    down_payment: Decimal, documented_real_loss: Decimal, retained: Decimal | None = None
) -> UrbunOutcome:
    """Split a cancelled urbun: retained up to the real loss (MUR-08), the excess refunded.

    Raises:
        ShariaViolation: MUR-08 if ``retained`` exceeds the documented real loss.
        InvalidInput: for negative amounts, or ``retained`` above the urbun.
    """
    urbun = _amount("down_payment", down_payment)
    loss = _amount("documented_real_loss", documented_real_loss, allow_zero=True)
    keep = min(urbun, loss) if retained is None else _amount("retained", retained, allow_zero=True)
    if keep > loss:
        raise ShariaViolation(
            "urbun yang ditahan melebihi kerugian riil / urbun retained beyond the documented real loss",
            rule="MUR-08",
        )
    if keep > urbun:
        raise InvalidInput("yang ditahan melebihi urbun / retained exceeds the urbun", field="retained")
    return UrbunOutcome(keep, urbun - keep, max(loss - urbun, ZERO))


def urbun_cancelled(ev: UrbunCancelled) -> list[JournalEntry]:
    """Dr Uang muka murabahah / Cr Pendapatan lain (retained, ta'widh for real loss); Cr Kas (refund)."""
    out = urbun_cancellation(ev.down_payment, ev.documented_real_loss, ev.retained)
    postings = _lines(
        (D_, DOWN_PAYMENT, out.retained + out.refunded),
        (C_, "other_income", out.retained),
        (C_, ev.cash_account, out.refunded),
    )
    return [entry(ev.value_date, "Pembatalan pesanan murabahah: urbun", *postings, source=ev.source)]


def rescheduled(ev: Rescheduled) -> list[JournalEntry]:
    """Margin waived: Dr MMD / Cr Piutang. Real-cost fee: Dr Kas / Cr Pendapatan administrasi. Either may be absent."""
    r = ev.rescheduling
    out = []
    if r.margin_reduction > 0:
        out.append(
            entry(
                ev.value_date,
                "Potongan margin saat penjadwalan ulang",
                D_(DEFERRED_MARGIN, r.margin_reduction),
                C_(RECEIVABLE, r.margin_reduction),
                source=ev.source,
            )
        )
    if r.fee > 0:
        out.append(
            entry(
                ev.value_date,
                "Biaya riil penjadwalan ulang",
                D_(ev.cash_account, r.fee),
                C_("fee_income", r.fee),
                source=ev.source,
            )
        )
    return out


_BUILDERS: dict[type, Callable[[Any], list[JournalEntry]]] = {
    UrbunReceived: urbun_received,
    WakalahAdvanced: wakalah_advanced,
    GoodsAcquired: goods_acquired,
    AkadSigned: akad_signed,
    InstallmentReceived: installment_received,
    TazirReceived: tazir_received,
    EarlySettled: early_settled,
    WrittenOff: written_off,
    Recovered: recovered,
    UrbunCancelled: urbun_cancelled,
    Rescheduled: rescheduled,
}


def entries_for(event: object) -> list[JournalEntry]:
    """The journal entries for one murabahah event (the common akad-module surface).

    Raises:
        InvalidInput: for an object that is not a murabahah event.
    """
    builder = _BUILDERS.get(type(event))
    if builder is None:
        raise InvalidInput(f"bukan peristiwa murabahah: {type(event).__name__} / not a murabahah event")
    return builder(event)
