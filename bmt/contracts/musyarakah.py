"""Musyarakah and musyarakah mutanaqisah (MMQ): partnerships in which both parties bring capital.

Musyarakah (PSAK 106, fatwa 08/2000; domain.md §3): profit is shared by the agreed nisbah, a **loss strictly
by capital share** (MSY-01); the partner may add or withdraw capital later, which changes the capital
shares from then on. The BMT books only its own capital; the partner's money never enters its ledger.

MMQ (fatwa 73/2008): the BMT and the customer co-own an asset; the customer buys the BMT's share (hishshah)
back month by month and rents the asset meanwhile. Each month:

* ``buyback_k = bmt_share / n``, rounded half-up to whole rupiah, the last one clearing the balance;
* ``BMT%_k = O_{k-1} / asset_price`` (ownership at the **start** of the month);
* ``rent_to_bmt_k = round_half_up(rent_k · O_{k-1} / asset_price)``, computed from the exact balance,
  never from the rounded percent;
* ``payment_k = buyback_k + rent_to_bmt_k``.

A rent review from month m changes ``rent_k`` for k ≥ m and nothing else: the balance path is unchanged.
Early buy-out at month m costs the BMT's balance at the start of that month, plus that month's rent share
only if the akad says so.

Example (domain.md Example D, month 1):
    >>> s = mmq_schedule(MmqTerms(D(150_000_000), D(120_000_000), D(1_500_000), 24, date(2025, 2, 1)))
    >>> s.installments[0].payment
    Decimal('6200000')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bmt.contracts.common import ContractKind, Installment, Schedule
from bmt.contracts.mudharabah import (
    PROFIT_BASES,
    SHARE_REFUSAL,
    RealisationReport,
    receipt_entry,
    refuse_fixed_return,
    require_amount,
    require_nisbah,
    share_by_nisbah,
)
from bmt.dates import MAX_TENOR_MONTHS, add_months
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, Posting, entry
from bmt.money import (
    EXACT,
    HUNDRED,
    R1_HALF_UP_RUPIAH,
    RUPIAH,
    SEN,
    ZERO,
    RoundingPolicy,
    allocate_largest_remainder,
)

PARTIES = ("bmt", "partner")
_PERCENT_4DP = Decimal("0.0001")


# --- musyarakah --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MusyarakahCapital:
    """The two parties' capital in the venture at one moment.

    Attributes:
        bmt: The BMT's capital.
        partner: The partner's capital.
    """

    bmt: Decimal
    partner: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "bmt", require_amount(self.bmt, "bmt_capital"))
        object.__setattr__(self, "partner", require_amount(self.partner, "partner_capital"))

    @property
    def total(self) -> Decimal:
        """Both parties' capital."""
        return self.bmt + self.partner

    @property
    def bmt_ratio(self) -> Decimal:
        """The BMT's exact capital share (0..1), as used for losses."""
        return EXACT.divide(self.bmt, self.total)

    def contribute(self, party: str, amount: Decimal) -> MusyarakahCapital:
        """The capital after ``party`` adds ``amount``."""
        amount = require_amount(amount, "amount")
        _check_party(party)
        if party == "bmt":
            return MusyarakahCapital(self.bmt + amount, self.partner)
        return MusyarakahCapital(self.bmt, self.partner + amount)

    def withdraw(self, party: str, amount: Decimal) -> MusyarakahCapital:
        """The capital after ``party`` takes ``amount`` out.

        Raises:
            InvalidInput: if the party would be left with no capital: a partner without capital is no
                partner, so a full exit is the end of the akad, settled by returning the capital.
        """
        amount = require_amount(amount, "amount")
        _check_party(party)
        held = self.bmt if party == "bmt" else self.partner
        if amount >= held:
            raise InvalidInput(
                "penarikan modal menghabiskan porsi mitra; akhiri akad untuk keluar sepenuhnya / "
                "a withdrawal may not take a party's capital to zero; end the akad instead",
                field="amount",
            )
        if party == "bmt":
            return MusyarakahCapital(self.bmt - amount, self.partner)
        return MusyarakahCapital(self.bmt, self.partner - amount)


def _check_party(party: str) -> None:
    if party not in PARTIES:
        raise InvalidInput(
            f"pihak harus salah satu dari {PARTIES} / party must be one of {PARTIES}", field="party"
        )


@dataclass(frozen=True, slots=True)
class MusyarakahTerms:
    """What the musyarakah akad fixes.

    Attributes:
        capital: Both parties' capital at the start.
        bmt_nisbah: The BMT's profit ratio as a percent, 0 < x < 100 (need not equal its capital share).
        profit_basis: ``"profit"`` or ``"revenue"`` (fatwa 15/2000).
        fixed_return: Must stay ``None``: a fixed rupiah return is refused (MDH-01).
        rounding: How the BMT's profit share is rounded (R1 by default).
    """

    capital: MusyarakahCapital
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    fixed_return: Decimal | None = None
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH

    def __post_init__(self) -> None:
        refuse_fixed_return(self.fixed_return)
        if not isinstance(self.capital, MusyarakahCapital):
            raise InvalidInput("capital harus MusyarakahCapital / capital must be a MusyarakahCapital")
        object.__setattr__(self, "bmt_nisbah", require_nisbah(self.bmt_nisbah))
        if self.profit_basis not in PROFIT_BASES:
            raise InvalidInput(
                f"profit_basis harus salah satu dari {PROFIT_BASES} / must be one of {PROFIT_BASES}"
            )


@dataclass(frozen=True, slots=True)
class Split:
    """An amount split between the BMT and the partner (``bmt + partner == total`` exactly)."""

    total: Decimal
    bmt: Decimal
    partner: Decimal


def split_profit(terms: MusyarakahTerms, amount: Decimal) -> Split:
    """Profit (or revenue, on a revenue basis) split by the agreed nisbah; the partner gets the remainder."""
    amount = require_amount(amount, "amount", allow_zero=True)
    bmt = share_by_nisbah(amount, terms.bmt_nisbah, terms.rounding)
    return Split(amount, bmt, amount - bmt)


def split_loss(capital: MusyarakahCapital, loss: Decimal) -> Split:
    """A loss split strictly by capital share (PSAK 106 ¶4; MSY-01), tying exactly to the loss.

    Each part is the exact capital-proportional amount rounded to the rupiah (to the sen when the loss has
    sen); the unit left over goes to the larger remainder, so the parts always sum to the loss.
    """
    loss = require_amount(loss, "loss")
    quantum = RUPIAH if loss == loss.to_integral_value() else SEN
    bmt, partner = allocate_largest_remainder(loss, [capital.bmt, capital.partner], quantum)
    return Split(loss, bmt, partner)


def check_loss_split(capital: MusyarakahCapital, loss: Decimal, bmt_part: Decimal) -> None:
    """Refuse a loss split that does not follow capital (e.g. one copied from the profit nisbah).

    Raises:
        ShariaViolation: rule MSY-01, when ``bmt_part`` differs from the capital-proportional part.
    """
    expected = split_loss(capital, loss).bmt
    if bmt_part != expected:
        raise ShariaViolation(
            f"Kerugian musyarakah wajib dibagi menurut porsi modal: bagian BMT {expected}, bukan {bmt_part} / "
            "a musyarakah loss must follow the capital shares",
            rule="MSY-01",
            expected=str(expected),
        )


@dataclass(frozen=True, slots=True)
class MusyarakahResult:
    """What one reported period means for the two partners.

    Attributes:
        profit: The profit split by nisbah (zero split when the period made a loss).
        loss: The loss split by capital (None when the period made no loss).
    """

    profit: Split
    loss: Split | None


def period_result(
    terms: MusyarakahTerms, capital: MusyarakahCapital, report: RealisationReport
) -> MusyarakahResult:
    """Shares of a reported period, using the capital in place during it (after later contributions)."""
    if terms.profit_basis == "revenue":
        basis, loss = report.revenue, report.capital_loss
    else:
        result = report.profit - report.capital_loss
        basis, loss = (result, ZERO) if result > 0 else (ZERO, -result)
    return MusyarakahResult(split_profit(terms, basis), split_loss(capital, loss) if loss > 0 else None)


def _msub(ref: str) -> str | None:
    return f"musyarakah:{ref}" if ref else None


def _msrc(ref: str, event: str) -> str:
    return f"musyarakah:{ref}:{event}" if ref else f"musyarakah:{event}"


def musyarakah_disbursement_entry(value_date: date, amount: Decimal, *, ref: str = "") -> JournalEntry:
    """The BMT's capital paid in (at the start or later): Dr pembiayaan musyarakah / Cr kas."""
    amount = require_amount(amount, "amount")
    return entry(
        value_date,
        "Penyertaan modal musyarakah",
        Posting.debit("musyarakah_financing", amount, _msub(ref)),
        Posting.credit("cash", amount),
        source=_msrc(ref, "disbursement"),
    )


def musyarakah_share_entry(
    value_date: date, profit: Split, *, ref: str = "", received_in_cash: bool = False
) -> JournalEntry:
    """The BMT's profit share: Dr piutang pendapatan bagi hasil (or kas) / Cr pendapatan bagi hasil musyarakah.

    Raises:
        InvalidInput: if the BMT's share is zero.
    """
    if profit.bmt <= 0:
        raise InvalidInput("tidak ada bagi hasil untuk BMT / no share for the BMT")
    debit = (
        Posting.debit("cash", profit.bmt)
        if received_in_cash
        else Posting.debit("profit_share_receivable", profit.bmt, _msub(ref))
    )
    return entry(
        value_date,
        "Pendapatan bagi hasil musyarakah",
        debit,
        Posting.credit("musyarakah_income", profit.bmt),
        source=_msrc(ref, "profit-share"),
    )


def musyarakah_share_receipt_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """An accrued share paid: Dr kas / Cr piutang pendapatan bagi hasil.

    Raises:
        InvalidInput: if the payment exceeds the share receivable.
    """
    return receipt_entry(
        value_date, amount, outstanding, akad="musyarakah", receivable="profit_share_receivable",
        description="Penerimaan bagi hasil musyarakah", refusal=SHARE_REFUSAL, ref=ref, event="profit-share-receipt",
    )


def musyarakah_loss_entry(value_date: date, loss: Split, *, ref: str = "") -> JournalEntry:
    """The BMT's part of a loss (by capital): Dr kerugian musyarakah / Cr pembiayaan musyarakah."""
    return entry(
        value_date,
        "Kerugian musyarakah (bagian BMT menurut porsi modal)",
        Posting.debit("musyarakah_loss", loss.bmt),
        Posting.credit("musyarakah_financing", loss.bmt, _msub(ref)),
        source=_msrc(ref, "loss"),
    )


def musyarakah_capital_return_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """The BMT's capital returned (withdrawal or end of akad): Dr kas / Cr pembiayaan musyarakah.

    Raises:
        InvalidInput: if more is returned than the BMT's capital outstanding.
    """
    amount = require_amount(amount, "amount")
    if amount > outstanding:
        raise InvalidInput(
            "pengembalian modal melebihi saldo pembiayaan / return exceeds the financing", field="amount"
        )
    return entry(
        value_date,
        "Pengembalian modal musyarakah",
        Posting.debit("cash", amount),
        Posting.credit("musyarakah_financing", amount, _msub(ref)),
        source=_msrc(ref, "capital-return"),
    )


# --- musyarakah mutanaqisah --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RentReview:
    """A rent agreed at a review: ``monthly_rent`` (of the whole asset) applies from ``from_month`` on."""

    from_month: int
    monthly_rent: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.from_month, bool) or not isinstance(self.from_month, int) or self.from_month < 1:
            raise InvalidInput(
                "from_month harus bilangan bulat ≥ 1 / must be a whole month ≥ 1", field="rent_reviews"
            )
        object.__setattr__(
            self, "monthly_rent", require_amount(self.monthly_rent, "monthly_rent", allow_zero=True)
        )


@dataclass(frozen=True, slots=True)
class MmqTerms:
    """What the MMQ akad fixes.

    Attributes:
        asset_price: The price of the whole asset.
        bmt_share_amount: The BMT's share (hishshah) at the start; 0 < share < asset_price.
        monthly_rent: Rent (ujrah) of the whole asset per month, until a review changes it.
        tenor_months: Number of monthly buy-backs, 1..360.
        first_due_date: Due date of the first payment; later ones follow monthly (month-end clamped).
        rent_reviews: Rents agreed at reviews, each from a month 2..tenor.
        rounding: Rounding of buy-backs and rent shares (R1: half-up to whole rupiah).
    """

    asset_price: Decimal
    bmt_share_amount: Decimal
    monthly_rent: Decimal
    tenor_months: int
    first_due_date: date
    rent_reviews: tuple[RentReview, ...] = ()
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH

    def __post_init__(self) -> None:
        object.__setattr__(self, "asset_price", require_amount(self.asset_price, "asset_price"))
        object.__setattr__(
            self, "bmt_share_amount", require_amount(self.bmt_share_amount, "bmt_share_amount")
        )
        object.__setattr__(
            self, "monthly_rent", require_amount(self.monthly_rent, "monthly_rent", allow_zero=True)
        )
        if self.bmt_share_amount >= self.asset_price:
            raise InvalidInput(
                "porsi BMT harus kurang dari harga aset: bila BMT memiliki seluruh aset, itu bukan musyarakah "
                "(gunakan ijarah atau murabahah) / the BMT share must be less than the asset price; owning the "
                "whole asset is not a partnership",
                field="bmt_share_amount",
            )
        _check_tenor(self.tenor_months)
        if not isinstance(self.first_due_date, date):
            raise InvalidInput("first_due_date harus tanggal / must be a date", field="first_due_date")
        object.__setattr__(self, "rent_reviews", _checked_reviews(self.rent_reviews, self.tenor_months))
        mmq_buybacks(self.bmt_share_amount, self.tenor_months, self.rounding)  # refuses a share too small to split

    @property
    def customer_share_amount(self) -> Decimal:
        """The customer's own share at the start."""
        return self.asset_price - self.bmt_share_amount

    def rent_for_month(self, month: int) -> Decimal:
        """The rent of the whole asset in effect in ``month`` (the latest review at or before it)."""
        rent = self.monthly_rent
        for review in self.rent_reviews:
            if review.from_month <= month:
                rent = review.monthly_rent
        return rent


def _check_tenor(tenor: object) -> None:
    if isinstance(tenor, bool) or not isinstance(tenor, int) or not 1 <= tenor <= MAX_TENOR_MONTHS:
        raise InvalidInput(
            f"tenor harus 1..{MAX_TENOR_MONTHS} bulan / tenor must be 1..{MAX_TENOR_MONTHS} months",
            field="tenor_months",
        )


def _checked_reviews(reviews: Iterable[RentReview], tenor: int) -> tuple[RentReview, ...]:
    ordered = tuple(sorted(reviews, key=lambda r: r.from_month))
    months = [r.from_month for r in ordered]
    if len(set(months)) != len(months):
        raise InvalidInput(
            "tinjauan sewa ganda untuk bulan yang sama / two rent reviews for one month", field="rent_reviews"
        )
    for m in months:
        if not 2 <= m <= tenor:
            raise InvalidInput(
                f"tinjauan sewa berlaku mulai bulan ke-2..{tenor}; sewa awal diisi di monthly_rent / "
                f"a rent review must start in month 2..{tenor}",
                field="rent_reviews",
            )
    return ordered


@dataclass(frozen=True, slots=True)
class MmqInstallment:
    """One month of an MMQ schedule.

    Attributes:
        number: 1-based month.
        due_date: When the payment is due.
        bmt_balance_start: The BMT's share at the start of the month (O_{k-1}).
        bmt_share_percent_start: O_{k-1} / asset price as a percent with 4 decimals (display only).
        monthly_rent: Rent of the whole asset this month.
        rent_to_bmt: The BMT's part of the rent, by its ownership at the start of the month.
        buyback: The part of the BMT's share the customer buys this month.
        payment: buyback + rent_to_bmt.
        bmt_balance_end: The BMT's share after the buy-back.
    """

    number: int
    due_date: date
    bmt_balance_start: Decimal
    bmt_share_percent_start: Decimal
    monthly_rent: Decimal
    rent_to_bmt: Decimal
    buyback: Decimal
    payment: Decimal
    bmt_balance_end: Decimal


@dataclass(frozen=True, slots=True)
class MmqSchedule:
    """A whole MMQ schedule with its totals."""

    terms: MmqTerms
    installments: tuple[MmqInstallment, ...]

    @property
    def total_rent_to_bmt(self) -> Decimal:
        """Σ the BMT's rent shares."""
        return sum((i.rent_to_bmt for i in self.installments), ZERO)

    @property
    def total_buyback(self) -> Decimal:
        """Σ buy-backs (equals the BMT's share)."""
        return sum((i.buyback for i in self.installments), ZERO)

    @property
    def total_payment(self) -> Decimal:
        """Σ payments."""
        return sum((i.payment for i in self.installments), ZERO)


def mmq_buybacks(bmt_share: Decimal, tenor: int, rounding: RoundingPolicy) -> list[Decimal]:
    """Equal buy-backs rounded by ``rounding``; the last one clears the balance (absorbs the residue).

    Raises:
        InvalidInput: when the share is so small against the tenor that rounding would leave the last
            buy-back at zero or below.
    """
    regular = rounding.apply(EXACT.divide(bmt_share, Decimal(tenor)))
    last = bmt_share - regular * (tenor - 1)
    if last <= 0:
        raise InvalidInput(
            "porsi BMT terlalu kecil untuk tenor ini / the BMT share is too small for this tenor",
            field="bmt_share_amount",
        )
    return [regular] * (tenor - 1) + [last]


def ownership_percent(balance: Decimal, asset_price: Decimal) -> Decimal:
    """``balance / asset_price`` as a percent with 4 decimals, half-up (for display only)."""
    return EXACT.divide(balance * HUNDRED, asset_price).quantize(_PERCENT_4DP, rounding=ROUND_HALF_UP)


def rent_share(rent: Decimal, balance: Decimal, asset_price: Decimal, rounding: RoundingPolicy) -> Decimal:
    """The BMT's rent: ``rent · balance / asset_price`` from the exact balance, then rounded."""
    return rounding.apply(EXACT.divide(EXACT.multiply(rent, balance), asset_price))


def mmq_schedule(terms: MmqTerms) -> MmqSchedule:
    """The month-by-month schedule of buy-backs and rent shares (domain.md §3, Example D)."""
    rows = []
    balance = terms.bmt_share_amount
    for k, buyback in enumerate(
        mmq_buybacks(terms.bmt_share_amount, terms.tenor_months, terms.rounding), start=1
    ):
        rent = terms.rent_for_month(k)
        to_bmt = rent_share(rent, balance, terms.asset_price, terms.rounding)
        rows.append(
            MmqInstallment(
                number=k,
                due_date=add_months(terms.first_due_date, k - 1),
                bmt_balance_start=balance,
                bmt_share_percent_start=ownership_percent(balance, terms.asset_price),
                monthly_rent=rent,
                rent_to_bmt=to_bmt,
                buyback=buyback,
                payment=buyback + to_bmt,
                bmt_balance_end=balance - buyback,
            )
        )
        balance -= buyback
    return MmqSchedule(terms, tuple(rows))


def build_schedule(terms: MmqTerms, rounding: RoundingPolicy | None = None) -> Schedule:
    """The MMQ schedule as the common ``Schedule``: principal = buy-back, margin = the BMT's rent share."""
    schedule = mmq_schedule(replace(terms, rounding=rounding) if rounding else terms)
    rows = tuple(
        Installment(i.number, i.due_date, i.payment, i.buyback, i.rent_to_bmt, i.bmt_balance_end)
        for i in schedule.installments
    )
    return Schedule(
        ContractKind.MUSYARAKAH_MUTANAQISAH,
        terms.bmt_share_amount,
        schedule.total_rent_to_bmt,
        rows,
        schedule.terms.rounding.name,
    )


def with_rent_review(terms: MmqTerms, from_month: int, monthly_rent: Decimal) -> MmqTerms:
    """The terms after a rent review: ``monthly_rent`` from ``from_month`` on (replacing a review that month).

    Rescheduling with ``mmq_schedule`` keeps every month before ``from_month`` and the whole balance path.
    """
    kept = tuple(r for r in terms.rent_reviews if r.from_month != from_month)
    return replace(terms, rent_reviews=(*kept, RentReview(from_month, monthly_rent)))


@dataclass(frozen=True, slots=True)
class MmqBuyout:
    """An early buy-out of the BMT's remaining share at the start of ``month``.

    Attributes:
        month: The month in which the customer buys out (instead of that month's installment).
        bmt_balance: The BMT's share still owned at the start of that month.
        rent_to_bmt: That month's rent share, when the akad asks for it; else zero.
        amount: What the customer pays.
    """

    month: int
    bmt_balance: Decimal
    rent_to_bmt: Decimal
    amount: Decimal


def mmq_early_buyout(schedule: MmqSchedule, month: int, *, include_current_rent: bool = False) -> MmqBuyout:
    """What buying out the BMT's share in ``month`` costs: the remaining balance, nothing else unless the
    akad charges the current month's rent share (``include_current_rent``).

    Raises:
        InvalidInput: if ``month`` is not within the tenor.
    """
    n = len(schedule.installments)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= n:
        raise InvalidInput(f"bulan pelunasan harus 1..{n} / buy-out month must be 1..{n}", field="month")
    row = schedule.installments[month - 1]
    rent = row.rent_to_bmt if include_current_rent else ZERO
    return MmqBuyout(month, row.bmt_balance_start, rent, row.bmt_balance_start + rent)


def _qsub(ref: str) -> str | None:
    return f"mmq:{ref}" if ref else None


def _qsrc(ref: str, event: str) -> str:
    return f"mmq:{ref}:{event}" if ref else f"mmq:{event}"


def mmq_disbursement_entry(terms: MmqTerms, value_date: date, *, ref: str = "") -> JournalEntry:
    """The BMT pays its share of the asset: Dr pembiayaan MMQ / Cr kas."""
    return entry(
        value_date,
        "Pencairan pembiayaan musyarakah mutanaqisah",
        Posting.debit("mmq_financing", terms.bmt_share_amount, _qsub(ref)),
        Posting.credit("cash", terms.bmt_share_amount),
        source=_qsrc(ref, "disbursement"),
    )


def _payment_lines(cash: Decimal, buyback: Decimal, rent: Decimal, ref: str) -> list[Posting]:
    lines = [Posting.debit("cash", cash)]
    if buyback > 0:
        lines.append(Posting.credit("mmq_financing", buyback, _qsub(ref), memo="pengalihan hishshah"))
    if rent > 0:
        lines.append(Posting.credit("mmq_income", rent, _qsub(ref), memo="ujrah bagian BMT"))
    return lines


def mmq_payment_entry(installment: MmqInstallment, value_date: date, *, ref: str = "") -> JournalEntry:
    """A monthly payment: Dr kas / Cr pembiayaan MMQ (buy-back) / Cr pendapatan ujrah MMQ (rent share)."""
    lines = _payment_lines(installment.payment, installment.buyback, installment.rent_to_bmt, ref)
    return entry(
        value_date,
        f"Angsuran musyarakah mutanaqisah ke-{installment.number}",
        *lines,
        source=_qsrc(ref, f"installment:{installment.number}"),
    )


def mmq_buyout_entry(buyout: MmqBuyout, value_date: date, *, ref: str = "") -> JournalEntry:
    """An early buy-out: Dr kas / Cr pembiayaan MMQ (remaining share) / Cr pendapatan ujrah (if charged)."""
    lines = _payment_lines(buyout.amount, buyout.bmt_balance, buyout.rent_to_bmt, ref)
    return entry(
        value_date,
        f"Pelunasan dipercepat musyarakah mutanaqisah (bulan ke-{buyout.month})",
        *lines,
        source=_qsrc(ref, "buyout"),
    )


__all__ = [
    "MmqBuyout",
    "MmqInstallment",
    "MmqSchedule",
    "MmqTerms",
    "MusyarakahCapital",
    "MusyarakahResult",
    "MusyarakahTerms",
    "RentReview",
    "Split",
    "build_schedule",
    "check_loss_split",
    "mmq_buybacks",
    "mmq_buyout_entry",
    "mmq_disbursement_entry",
    "mmq_early_buyout",
    "mmq_payment_entry",
    "mmq_schedule",
    "musyarakah_capital_return_entry",
    "musyarakah_disbursement_entry",
    "musyarakah_loss_entry",
    "musyarakah_share_entry",
    "musyarakah_share_receipt_entry",
    "ownership_percent",
    "period_result",
    "rent_share",
    "split_loss",
    "split_profit",
    "with_rent_review",
]
