"""Mudharabah financing: the BMT (shahibul maal) provides all the capital, the mudharib runs the business.

The rules this module enforces (domain.md §2, §10):

* The return is a **nisbah**, a ratio fixed in the akad, never a fixed rupiah amount (fatwa 07/2000, rule
  MDH-01). Terms carrying a fixed rupiah return are refused with ``ShariaViolation(rule="MDH-01")``.
* The nisbah applies to **revenue** or to **profit**, as the akad says (fatwa 15/2000).
* The BMT's share comes from the mudharib's **actual** periodic realisation report (MDH-02); a projection is
  computed the same way and shown beside it.
* A loss from normal business is the BMT's: it reduces the financing (policy ``"reduce_financing"``, the
  KJKS guide) or is provided for in an allowance (policy ``"allowance"``, PSAK 105 bank practice); both
  reduce the carrying amount. Only a loss from **proven negligence** may be charged to the mudharib, as
  *piutang mudharabah jatuh tempo*; charging a non-negligent mudharib is refused (MDH-03).

Everything here is pure: values in, values (and balanced ``JournalEntry`` values) out.

Example (domain.md Example E):
    >>> terms = MudharabahTerms(capital=D(50_000_000), bmt_nisbah=D(40))
    >>> period_result(terms, RealisationReport(date(2025, 1, 31), D(20_000_000), D(14_000_000))).bmt_share
    Decimal('2400000')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bmt.contracts.common import ContractKind, Installment, Schedule
from bmt.dates import MAX_TENOR_MONTHS, due_dates
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, Posting, entry
from bmt.money import EXACT, HUNDRED, R1_HALF_UP_RUPIAH, ZERO, D, RoundingPolicy, percent, round_money, rupiah

#: Bases a nisbah may apply to (fatwa 15/2000): net revenue sharing or profit sharing.
PROFIT_BASES = ("revenue", "profit")
#: How a normal-business loss is booked (domain.md §2 DISAGREEMENT): KJKS guide or PSAK 105 allowance.
LOSS_POLICIES = ("reduce_financing", "allowance")

# --- validation helpers (shared with the musyarakah module) ----------------------------------------------


def require_amount(value: object, name: str, *, allow_zero: bool = False) -> Decimal:
    """An exact, non-negative rupiah amount (at most two decimals), or a clear refusal naming the field.

    Raises:
        InvalidInput: for floats, text that is not an amount, negatives, too many decimals, and zero
            unless ``allow_zero``.
    """
    if not isinstance(value, (int, str, Decimal)) or isinstance(value, bool):
        raise InvalidInput(f"{name}: jumlah uang tidak valid / invalid amount", field=name)
    try:
        return rupiah(value, allow_zero=allow_zero)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.message}", field=name) from None


def require_nisbah(value: object, name: str = "bmt_nisbah") -> Decimal:
    """A nisbah as a percent strictly between 0 and 100 (a party with 0% is not a partner).

    Raises:
        InvalidInput: for anything else.
    """
    if not isinstance(value, (int, str, Decimal)) or isinstance(value, bool):
        raise InvalidInput(f"{name}: nisbah harus berupa persen / nisbah must be a percent", field=name)
    result = percent(value, name=name)
    if not ZERO < result < HUNDRED:
        raise InvalidInput(
            f"{name}: nisbah harus lebih dari 0 dan kurang dari 100 persen / nisbah must be within (0, 100)%",
            field=name,
        )
    return result


def nisbah_from_basis_points(basis_points: int) -> Decimal:
    """A nisbah given in basis points (4000 = 40%) as the percent the terms expect.

    Raises:
        InvalidInput: unless 0 < basis_points < 10000.
    """
    if isinstance(basis_points, bool) or not isinstance(basis_points, int) or not 0 < basis_points < 10_000:
        raise InvalidInput("nisbah dalam basis poin harus 1..9999 / basis points must be 1..9999")
    return Decimal(basis_points).scaleb(-2)


def share_by_nisbah(amount: Decimal, nisbah: Decimal, rounding: RoundingPolicy) -> Decimal:
    """``amount × nisbah%``, rounded by the named policy (the other party gets the exact remainder)."""
    return round_money(EXACT.divide(EXACT.multiply(amount, nisbah), HUNDRED), rounding)


def refuse_fixed_return(fixed_return: object) -> None:
    """Refuse a fixed rupiah return on a profit-sharing akad (MDH-01).

    Raises:
        ShariaViolation: rule MDH-01, when ``fixed_return`` is given and not zero.
    """
    if fixed_return is None:
        return
    if (
        isinstance(fixed_return, (int, str, Decimal))
        and not isinstance(fixed_return, bool)
        and D(fixed_return) == 0
    ):
        return
    raise ShariaViolation(
        "Bagi hasil harus berupa nisbah (rasio) yang disepakati dalam akad, bukan jumlah rupiah tetap "
        "(fatwa DSN-MUI 07/2000) / the return must be a ratio, not a fixed rupiah amount",
        rule="MDH-01",
    )


def _check_choice(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise InvalidInput(
            f"{name} harus salah satu dari {', '.join(allowed)} / {name} must be one of {allowed}"
        )


# --- terms and reports -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MudharabahTerms:
    """What the akad fixes.

    Attributes:
        capital: The capital the BMT provides (for goods: their fair value).
        bmt_nisbah: The BMT's ratio as a percent, 0 < x < 100; the mudharib gets the rest.
        profit_basis: ``"profit"`` (revenue − costs) or ``"revenue"`` (net revenue sharing).
        loss_policy: ``"reduce_financing"`` (default, KJKS guide) or ``"allowance"`` (PSAK 105).
        fixed_return: Must stay ``None``: a fixed rupiah return is refused (MDH-01). The field exists so
            that an akad draft carrying one is refused here rather than silently dropped.
        return_installments: Capital returned in this many monthly installments (1 = at maturity).
        first_return_date: Due date of the first (or only) capital return, if agreed.
        rounding: How the BMT's share and the capital returns are rounded (R1 by default).
    """

    capital: Decimal
    bmt_nisbah: Decimal
    profit_basis: str = "profit"
    loss_policy: str = "reduce_financing"
    fixed_return: Decimal | None = None
    return_installments: int = 1
    first_return_date: date | None = None
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH

    def __post_init__(self) -> None:
        refuse_fixed_return(self.fixed_return)
        object.__setattr__(self, "capital", require_amount(self.capital, "capital"))
        object.__setattr__(self, "bmt_nisbah", require_nisbah(self.bmt_nisbah))
        _check_choice(self.profit_basis, PROFIT_BASES, "profit_basis")
        _check_choice(self.loss_policy, LOSS_POLICIES, "loss_policy")
        n = self.return_installments
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_TENOR_MONTHS:
            raise InvalidInput(
                f"angsuran pengembalian modal harus 1..{MAX_TENOR_MONTHS} / return installments must be 1..{MAX_TENOR_MONTHS}",
                field="return_installments",
            )

    @property
    def mudharib_nisbah(self) -> Decimal:
        """The mudharib's ratio, percent."""
        return HUNDRED - self.bmt_nisbah


@dataclass(frozen=True, slots=True)
class RealisationReport:
    """The mudharib's report for one period (or a projection of one).

    Attributes:
        period_end: The last day of the period reported.
        revenue: Revenue of the period (for revenue sharing: net revenue as the akad defines it).
        costs: Costs of the period; profit = revenue − costs.
        capital_loss: Capital lost in the period beyond the result, e.g. goods destroyed.
    """

    period_end: date
    revenue: Decimal
    costs: Decimal = ZERO
    capital_loss: Decimal = ZERO

    def __post_init__(self) -> None:
        object.__setattr__(self, "revenue", require_amount(self.revenue, "revenue", allow_zero=True))
        object.__setattr__(self, "costs", require_amount(self.costs, "costs", allow_zero=True))
        object.__setattr__(
            self, "capital_loss", require_amount(self.capital_loss, "capital_loss", allow_zero=True)
        )

    @property
    def profit(self) -> Decimal:
        """Revenue − costs (negative for a loss)."""
        return self.revenue - self.costs


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """What a report means for the two parties.

    Attributes:
        basis_amount: The amount the nisbah applied to (revenue, or profit when positive; else zero).
        bmt_share: The BMT's share, rounded by the terms' policy.
        mudharib_share: The rest of the basis amount.
        loss: Capital lost in the period (≥ 0); who bears it is decided by ``allocate_loss``.
    """

    basis_amount: Decimal
    bmt_share: Decimal
    mudharib_share: Decimal
    loss: Decimal


def period_result(terms: MudharabahTerms, report: RealisationReport) -> PeriodResult:
    """The shares and the loss of one reported period.

    Profit sharing: the nisbah applies to revenue − costs when positive; a negative result is a loss of
    capital and no share is due. Revenue sharing: the nisbah applies to revenue, since the mudharib bears
    the costs; only a reported ``capital_loss`` is a loss. In both, ``capital_loss`` adds to the loss.
    """
    if terms.profit_basis == "revenue":
        basis, loss = report.revenue, report.capital_loss
    else:
        result = report.profit - report.capital_loss
        basis, loss = (result, ZERO) if result > 0 else (ZERO, -result)
    bmt = share_by_nisbah(basis, terms.bmt_nisbah, terms.rounding)
    return PeriodResult(basis, bmt, basis - bmt, loss)


@dataclass(frozen=True, slots=True)
class ProjectionComparison:
    """The projected share beside the actual one, for one period.

    Attributes:
        period_end: The period compared.
        projected_bmt_share: The share the projection gives.
        actual_bmt_share: The share the mudharib's report gives.
        difference: actual − projected (negative when the business under-performs).
        realisation_percent: actual / projected as a percent with 2 decimals (None if nothing projected).
    """

    period_end: date
    projected_bmt_share: Decimal
    actual_bmt_share: Decimal
    difference: Decimal
    realisation_percent: Decimal | None


def compare_with_projection(
    terms: MudharabahTerms, projections: Sequence[RealisationReport], actuals: Sequence[RealisationReport]
) -> list[ProjectionComparison]:
    """Projected and actual BMT shares side by side, period by period (matched on ``period_end``).

    A projected period with no report yet shows an actual share of zero: nothing is due until reported.

    Raises:
        InvalidInput: if a report has no projected period or a period appears twice.
    """
    actual_by_end = {r.period_end: r for r in actuals}
    projected_ends = [p.period_end for p in projections]
    if len(set(projected_ends)) != len(projected_ends) or len(actual_by_end) != len(actuals):
        raise InvalidInput("periode laporan ganda / a period appears twice")
    if not set(actual_by_end) <= set(projected_ends):
        raise InvalidInput("laporan realisasi tanpa periode proyeksi / a report has no projected period")
    rows = []
    for p in projections:
        projected = period_result(terms, p).bmt_share
        report = actual_by_end.get(p.period_end)
        actual = period_result(terms, report).bmt_share if report else ZERO
        ratio = None
        if projected > 0:
            ratio = EXACT.divide(actual * HUNDRED, projected).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        rows.append(ProjectionComparison(p.period_end, projected, actual, actual - projected, ratio))
    return rows


# --- losses ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LossAllocation:
    """Who bears a loss.

    Attributes:
        loss: The whole loss.
        borne_by_bmt: The part the BMT bears as capital owner.
        charged_to_mudharib: The part charged to the mudharib (only with proven negligence).
        negligence_proven: Whether negligence or fraud of the mudharib was proven.
    """

    loss: Decimal
    borne_by_bmt: Decimal
    charged_to_mudharib: Decimal
    negligence_proven: bool


def allocate_loss(
    loss: Decimal, *, negligence_proven: bool, charge_to_mudharib: Decimal | None = None
) -> LossAllocation:
    """Decide who bears a loss (fatwa 07/2000; PSAK 105 ¶4; rule MDH-03).

    Without proven negligence the BMT bears it all. With proven negligence the mudharib is charged the
    whole loss, or ``charge_to_mudharib`` of it when only part is due to the negligence.

    Raises:
        ShariaViolation: rule MDH-03, when any part is charged to a mudharib whose negligence is not proven.
        InvalidInput: for a bad amount, or a charge larger than the loss.
    """
    loss = require_amount(loss, "loss")
    if charge_to_mudharib is None:
        charge = loss if negligence_proven else ZERO
    else:
        charge = require_amount(charge_to_mudharib, "charge_to_mudharib", allow_zero=True)
    if charge > 0 and not negligence_proven:
        raise ShariaViolation(
            "Kerugian usaha tanpa kelalaian mudharib yang terbukti ditanggung BMT sebagai pemilik modal, "
            "tidak boleh dibebankan ke mudharib / a loss without proven negligence is borne by the BMT",
            rule="MDH-03",
        )
    if charge > loss:
        raise InvalidInput(
            "beban ke mudharib melebihi kerugian / the charge exceeds the loss", field="charge_to_mudharib"
        )
    return LossAllocation(loss, loss - charge, charge, negligence_proven)


# --- capital return and arrears ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CapitalReturn:
    """One scheduled return of capital."""

    number: int
    due_date: date
    amount: Decimal


def capital_return_schedule(
    capital: Decimal, installments: int, first_due_date: date, rounding: RoundingPolicy = R1_HALF_UP_RUPIAH
) -> tuple[CapitalReturn, ...]:
    """Capital returned at maturity (one installment) or in equal installments, the last absorbing the rest.

    Raises:
        InvalidInput: for a bad amount or count.
    """
    capital = require_amount(capital, "capital")
    dates = due_dates(first_due_date, installments)
    regular = round_money(EXACT.divide(capital, Decimal(installments)), rounding)
    last = capital - regular * (installments - 1)
    if last <= 0:
        raise InvalidInput(
            "modal terlalu kecil untuk jumlah angsuran ini / capital too small for this many installments"
        )
    amounts = [regular] * (installments - 1) + [last]
    return tuple(CapitalReturn(k + 1, d, a) for k, (d, a) in enumerate(zip(dates, amounts, strict=True)))


def build_schedule(terms: MudharabahTerms, rounding: RoundingPolicy | None = None) -> Schedule:
    """The agreed capital returns as the common ``Schedule`` (principal only).

    Its margin is zero on purpose: a mudharabah return is never scheduled; it comes from the reports.

    Raises:
        InvalidInput: if the terms have no ``first_return_date``.
    """
    if terms.first_return_date is None:
        raise InvalidInput(
            "tanggal pengembalian modal belum disepakati / no capital return date agreed",
            field="first_return_date",
        )
    policy = rounding or terms.rounding
    returns = capital_return_schedule(
        terms.capital, terms.return_installments, terms.first_return_date, policy
    )
    rows, outstanding = [], terms.capital
    for r in returns:
        outstanding -= r.amount
        rows.append(Installment(r.number, r.due_date, r.amount, r.amount, ZERO, outstanding))
    return Schedule(ContractKind.MUDHARABAH, terms.capital, ZERO, tuple(rows), policy.name)


@dataclass(frozen=True, slots=True)
class DueShare:
    """A reported BMT share and the date it falls due."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ShareArrears:
    """Reported-but-unpaid shares past their due date.

    Attributes:
        overdue: The unpaid amount whose due date is before ``as_of``.
        oldest_unpaid_due: Due date of the oldest overdue share, or None.
        days_past_due: Days from that date to ``as_of`` (0 when nothing is overdue).
    """

    overdue: Decimal
    oldest_unpaid_due: date | None
    days_past_due: int


def share_arrears(shares: Iterable[DueShare], paid: Decimal, as_of: date) -> ShareArrears:
    """Arrears on reported shares: payments settle the oldest shares first; a share due today is not late.

    Raises:
        InvalidInput: for a bad ``paid`` amount.
    """
    left = require_amount(paid, "paid", allow_zero=True)
    overdue, oldest = ZERO, None
    for share in sorted(shares, key=lambda s: s.due_date):
        unpaid = max(share.amount - left, ZERO)
        left = max(left - share.amount, ZERO)
        if unpaid > 0 and share.due_date < as_of:
            overdue += unpaid
            oldest = oldest or share.due_date
    return ShareArrears(overdue, oldest, (as_of - oldest).days if oldest else 0)


# --- journals (domain.md §2) -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoodsCapital:
    """Capital given as goods: carried at ``book_value`` in ``account``, measured at the terms' capital.

    Attributes:
        book_value: The goods' carrying amount in the BMT's books.
        account: The account the goods leave (an asset account key).
    """

    book_value: Decimal
    account: str = "other_assets"


def _sub(ref: str) -> str | None:
    return f"mudharabah:{ref}" if ref else None


def _src(ref: str, event: str) -> str:
    return f"mudharabah:{ref}:{event}" if ref else f"mudharabah:{event}"


def disbursement_entry(
    terms: MudharabahTerms, value_date: date, *, ref: str = "", goods: GoodsCapital | None = None
) -> JournalEntry:
    """Capital handed to the mudharib: Dr pembiayaan mudharabah / Cr kas (or the goods' account).

    Goods are measured at fair value (the terms' capital): a fair value below book value is a loss at once,
    above it a deferred gain amortised over the akad (PSAK 105, domain.md §2).
    """
    financing = Posting.debit("mudharabah_financing", terms.capital, _sub(ref))
    if goods is None:
        return entry(
            value_date,
            "Pencairan pembiayaan mudharabah",
            financing,
            Posting.credit("cash", terms.capital),
            source=_src(ref, "disbursement"),
        )
    book = require_amount(goods.book_value, "book_value")
    lines = [financing, Posting.credit(goods.account, book)]
    if terms.capital < book:
        lines.append(Posting.debit("mudharabah_loss", book - terms.capital, memo="nilai wajar < nilai buku"))
    elif terms.capital > book:
        lines.append(Posting.credit("mudharabah_deferred_gain", terms.capital - book, _sub(ref)))
    return entry(
        value_date, "Penyerahan modal mudharabah berupa barang", *lines, source=_src(ref, "disbursement")
    )


def deferred_gain_amortisation_entry(value_date: date, amount: Decimal, *, ref: str = "") -> JournalEntry:
    """One period's release of the deferred gain on non-cash capital: Dr keuntungan tangguhan / Cr pendapatan lain."""
    amount = require_amount(amount, "amount")
    return entry(
        value_date,
        "Amortisasi keuntungan tangguhan modal mudharabah nonkas",
        Posting.debit("mudharabah_deferred_gain", amount, _sub(ref)),
        Posting.credit("other_income", amount),
        source=_src(ref, "deferred-gain"),
    )


def share_accrual_entry(
    result: PeriodResult, value_date: date, *, ref: str = "", received_in_cash: bool = False
) -> JournalEntry:
    """The BMT's share of a report: Dr piutang bagi hasil (or kas, when paid with the report) / Cr pendapatan.

    Raises:
        InvalidInput: if the report gives the BMT no share.
    """
    if result.bmt_share <= 0:
        raise InvalidInput(
            "laporan ini tidak menghasilkan bagi hasil untuk BMT / no share for the BMT in this report"
        )
    debit = (
        Posting.debit("cash", result.bmt_share)
        if received_in_cash
        else Posting.debit("profit_share_receivable", result.bmt_share, _sub(ref))
    )
    return entry(
        value_date,
        "Pendapatan bagi hasil mudharabah (laporan realisasi mudharib)",
        debit,
        Posting.credit("mudharabah_income", result.bmt_share),
        source=_src(ref, "profit-share"),
    )


def receipt_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, akad: str, receivable: str, description: str,
    refusal: str, ref: str, event: str,
) -> JournalEntry:
    """Cash received against a receivable of a profit-and-loss-sharing akad: Dr kas / Cr the receivable.

    Shared by the mudharabah and musyarakah share receipts and the mudharib's due receivable.

    Raises:
        InvalidInput: if more is paid than the receivable holds (``refusal`` says which).
    """
    amount = require_amount(amount, "amount")
    if amount > outstanding:
        raise InvalidInput(refusal, field="amount")
    sub = f"{akad}:{ref}" if ref else None
    return entry(
        value_date,
        description,
        Posting.debit("cash", amount),
        Posting.credit(receivable, amount, sub),
        source=f"{akad}:{ref}:{event}" if ref else f"{akad}:{event}",
    )


def share_receipt_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """A reported share paid in cash: Dr kas / Cr piutang pendapatan bagi hasil.

    Raises:
        InvalidInput: if the payment exceeds the share still receivable.
    """
    return receipt_entry(
        value_date, amount, outstanding, akad="mudharabah", receivable="profit_share_receivable",
        description="Penerimaan bagi hasil mudharabah", refusal=SHARE_REFUSAL, ref=ref, event="profit-share-receipt",
    )


SHARE_REFUSAL = "pembayaran melebihi piutang bagi hasil / payment exceeds the share receivable"


def loss_entry(
    terms: MudharabahTerms, allocation: LossAllocation, value_date: date, *, ref: str = ""
) -> JournalEntry:
    """Book a loss as allocated.

    The BMT's part: policy ``reduce_financing`` Dr kerugian / Cr pembiayaan mudharabah; policy ``allowance``
    Dr kerugian / Cr penyisihan kerugian. The mudharib's part (proven negligence only): Dr piutang
    mudharabah jatuh tempo / Cr pembiayaan mudharabah.
    """
    lines: list[Posting] = []
    reduce_financing = allocation.charged_to_mudharib
    if allocation.borne_by_bmt > 0:
        lines.append(Posting.debit("mudharabah_loss", allocation.borne_by_bmt))
        if terms.loss_policy == "allowance":
            lines.append(Posting.credit("mudharabah_loss_allowance", allocation.borne_by_bmt, _sub(ref)))
        else:
            reduce_financing += allocation.borne_by_bmt
    if allocation.charged_to_mudharib > 0:
        lines.append(
            Posting.debit(
                "mudharabah_due_receivable",
                allocation.charged_to_mudharib,
                _sub(ref),
                memo="kerugian karena kelalaian mudharib",
            )
        )
    if reduce_financing > 0:
        lines.append(Posting.credit("mudharabah_financing", reduce_financing, _sub(ref)))
    return entry(value_date, "Kerugian pembiayaan mudharabah", *lines, source=_src(ref, "loss"))


def capital_return_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """Capital returned by the mudharib: Dr kas / Cr pembiayaan mudharabah.

    Raises:
        InvalidInput: if more is returned than the financing outstanding.
    """
    amount = require_amount(amount, "amount")
    if amount > outstanding:
        raise InvalidInput(
            "pengembalian modal melebihi saldo pembiayaan / return exceeds the financing", field="amount"
        )
    return entry(
        value_date,
        "Pengembalian modal mudharabah",
        Posting.debit("cash", amount),
        Posting.credit("mudharabah_financing", amount, _sub(ref)),
        source=_src(ref, "capital-return"),
    )


def maturity_reclass_entry(value_date: date, unpaid: Decimal, *, ref: str = "") -> JournalEntry:
    """Capital not returned when the akad ends: Dr piutang mudharabah jatuh tempo / Cr pembiayaan mudharabah."""
    unpaid = require_amount(unpaid, "unpaid")
    return entry(
        value_date,
        "Reklasifikasi pembiayaan mudharabah jatuh tempo",
        Posting.debit("mudharabah_due_receivable", unpaid, _sub(ref)),
        Posting.credit("mudharabah_financing", unpaid, _sub(ref)),
        source=_src(ref, "matured"),
    )


def due_receivable_receipt_entry(
    value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """The mudharib pays what is due from him (negligence loss or matured capital): Dr kas / Cr piutang jatuh tempo.

    Raises:
        InvalidInput: if more is paid than is due.
    """
    return receipt_entry(
        value_date, amount, outstanding, akad="mudharabah", receivable="mudharabah_due_receivable",
        description="Penerimaan piutang mudharabah jatuh tempo",
        refusal="pembayaran melebihi piutang jatuh tempo / payment exceeds the amount due", ref=ref, event="due-receipt",
    )


def allowance_settlement_entry(value_date: date, amount: Decimal, *, ref: str = "") -> JournalEntry:
    """Policy ``allowance`` at the end of the akad: the loss provided for is settled against the financing."""
    amount = require_amount(amount, "amount")
    return entry(
        value_date,
        "Penyelesaian penyisihan kerugian mudharabah pada akhir akad",
        Posting.debit("mudharabah_loss_allowance", amount, _sub(ref)),
        Posting.credit("mudharabah_financing", amount, _sub(ref)),
        source=_src(ref, "allowance-settlement"),
    )


def carrying_amount(entries: Iterable[JournalEntry]) -> Decimal:
    """The financing's carrying amount after ``entries``.

    Pembiayaan mudharabah less its contra-accounts: the loss allowance (policy ``allowance``) and the
    unamortised deferred gain on non-cash capital.
    """
    accounts = {"mudharabah_financing", "mudharabah_loss_allowance", "mudharabah_deferred_gain"}
    return sum((p.amount for e in entries for p in e.postings if p.account in accounts), ZERO)


__all__ = [
    "LOSS_POLICIES",
    "PROFIT_BASES",
    "CapitalReturn",
    "DueShare",
    "GoodsCapital",
    "LossAllocation",
    "MudharabahTerms",
    "PeriodResult",
    "ProjectionComparison",
    "RealisationReport",
    "ShareArrears",
    "allocate_loss",
    "allowance_settlement_entry",
    "build_schedule",
    "capital_return_entry",
    "capital_return_schedule",
    "carrying_amount",
    "compare_with_projection",
    "deferred_gain_amortisation_entry",
    "disbursement_entry",
    "due_receivable_receipt_entry",
    "loss_entry",
    "maturity_reclass_entry",
    "nisbah_from_basis_points",
    "period_result",
    "refuse_fixed_return",
    "require_amount",
    "require_nisbah",
    "share_accrual_entry",
    "share_arrears",
    "share_by_nisbah",
]
