"""Murabahah pricing: terms, the installment schedule, and the two margin-recognition splits.

Private module; the public names are re-exported by ``bmt.contracts.murabahah``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum

from bmt.contracts.common import ContractKind, Installment, Schedule
from bmt.dates import MAX_TENOR_MONTHS, due_dates
from bmt.errors import InvalidInput
from bmt.money import EXACT, HUNDRED, MAX_AMOUNT, ONE, R1_HALF_UP_RUPIAH, SEN, ZERO, D, RoundingPolicy

#: Highest rate accepted, in percent per year (flat or effective).
MAX_RATE_PERCENT = HUNDRED
#: Decimals of the percent string the API shows for a monthly rate: A1 gives "1.7880981452" (percent).
RATE_PERCENT_PLACES = 10
#: The implied rate is solved until the present value misses the financed amount by less than this (rupiah).
IRR_TOLERANCE = Decimal("1e-6")
_IRR_CONTEXT = Context(prec=50)
_IRR_MAX_STEPS = 400
_TWELVE_HUNDRED = Decimal(1200)


class Recognition(StrEnum):
    """How margin is recognised over the installments (fatwa 84/2012; PSAK 102)."""

    PROPORTIONAL = "proportional"
    ANNUITY = "annuity"


class MarginBasis(StrEnum):
    """How the margin was agreed; the value is the field that carries it."""

    AMOUNT = "margin_amount"
    FLAT_ANNUAL = "margin_rate_flat_annual"
    EFFECTIVE_ANNUAL = "effective_rate_annual"


@dataclass(frozen=True, slots=True)
class MurabahahTerms:
    """What the financing officer and the customer agree before the akad.

    Exactly one of ``margin_amount``, ``margin_rate_flat_annual`` and ``effective_rate_annual`` is given.
    Rates are percent per year: ``Decimal(12)`` means 12 %.

    Attributes:
        cost_price: Harga perolehan of the goods (rupiah, > 0, at most 1e15).
        tenor_months: Number of monthly installments, 1..360.
        first_due_date: Due date of installment 1; later ones follow monthly, clamped to month end.
        recognition: Proportional or annuity margin recognition.
        down_payment: Urbun / uang muka, 0 <= U < cost price; the financed amount is cost - U.
        margin_amount: The margin in rupiah.
        margin_rate_flat_annual: Flat percent per year on the financed amount: M = P * f * n / 12.
        effective_rate_annual: Effective percent per year; installments priced as an annuity at f / 12.

    Raises:
        InvalidInput: on any value out of range, or when not exactly one margin field is given.
    """

    cost_price: Decimal
    tenor_months: int
    first_due_date: date
    recognition: Recognition
    down_payment: Decimal = ZERO
    margin_amount: Decimal | None = None
    margin_rate_flat_annual: Decimal | None = None
    effective_rate_annual: Decimal | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise the inputs once, here
        set_(self, "cost_price", _money("cost_price", self.cost_price))
        set_(self, "down_payment", _money("down_payment", self.down_payment, allow_zero=True))
        set_(self, "recognition", _recognition(self.recognition))
        _check_tenor(self.tenor_months)
        _check_date(self.first_due_date)
        if self.down_payment >= self.cost_price:
            raise InvalidInput(
                "uang muka harus lebih kecil dari harga perolehan / down payment must be below the cost price",
                field="down_payment",
            )
        _check_margin_fields(self)

    @property
    def financed_amount(self) -> Decimal:
        """P = cost price - down payment."""
        return self.cost_price - self.down_payment

    @property
    def margin_basis(self) -> MarginBasis:
        """Which of the three margin fields was given."""
        if self.margin_amount is not None:
            return MarginBasis.AMOUNT
        if self.margin_rate_flat_annual is not None:
            return MarginBasis.FLAT_ANNUAL
        return MarginBasis.EFFECTIVE_ANNUAL


def _money(name: str, value: object, *, allow_zero: bool = False) -> Decimal:
    amount = D(value)  # type: ignore[arg-type]  # D refuses floats and junk with InvalidInput
    if amount < 0 or (amount == 0 and not allow_zero):
        bound = "tidak boleh negatif / must not be negative" if allow_zero else "harus > 0 / must be > 0"
        raise InvalidInput(f"{name} {bound}", field=name)
    if amount > MAX_AMOUNT:
        raise InvalidInput(f"{name} terlalu besar (maks. 1e15) / {name} too large (max 1e15)", field=name)
    if amount != amount.quantize(SEN, context=EXACT):
        raise InvalidInput(f"{name}: paling banyak dua desimal (sen) / at most two decimals", field=name)
    return amount


def _rate(name: str, value: object) -> Decimal:
    rate = D(value)  # type: ignore[arg-type]
    if not ZERO < rate <= MAX_RATE_PERCENT:
        raise InvalidInput(
            f"{name} harus > 0 dan <= 100 (persen per tahun) / {name} must be > 0 and <= 100 (% p.a.)",
            field=name,
        )
    return rate


def _recognition(value: object) -> Recognition:
    try:
        return Recognition(value)
    except ValueError:
        raise InvalidInput(
            "recognition harus 'proportional' atau 'annuity' / recognition must be 'proportional' or 'annuity'",
            field="recognition",
        ) from None


def _check_tenor(tenor: object) -> None:
    if isinstance(tenor, bool) or not isinstance(tenor, int) or not 1 <= tenor <= MAX_TENOR_MONTHS:
        raise InvalidInput(
            f"tenor harus 1..{MAX_TENOR_MONTHS} bulan / tenor must be 1..{MAX_TENOR_MONTHS} months",
            field="tenor_months",
        )


def _check_date(value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(
            "tanggal jatuh tempo pertama tidak valid / invalid first due date", field="first_due_date"
        )


def _check_margin_fields(terms: MurabahahTerms) -> None:
    given = [b for b in MarginBasis if getattr(terms, b.value) is not None]
    if len(given) != 1:
        raise InvalidInput(
            "isi tepat satu dari margin_amount, margin_rate_flat_annual atau effective_rate_annual / "
            "give exactly one of margin_amount, margin_rate_flat_annual or effective_rate_annual",
            field="margin",
        )
    basis = given[0]
    value = getattr(terms, basis.value)
    checked = _money(basis.value, value) if basis is MarginBasis.AMOUNT else _rate(basis.value, value)
    object.__setattr__(terms, basis.value, checked)


@dataclass(frozen=True, slots=True)
class MurabahahQuote:
    """A priced murabahah: the terms, the schedule, and the implied monthly rate.

    Attributes:
        terms: What was asked.
        schedule: Installments with principal/margin split by the terms' recognition method.
        monthly_rate: The implied monthly rate r as a fraction (see ``quote``); the annuity split uses it.
    """

    terms: MurabahahTerms
    schedule: Schedule
    monthly_rate: Decimal

    @property
    def recognition(self) -> Recognition:
        return self.terms.recognition

    @property
    def financed_amount(self) -> Decimal:
        """P: what the BMT finances (cost - down payment)."""
        return self.schedule.financed_amount

    @property
    def total_margin(self) -> Decimal:
        """M: the margin fixed in the akad."""
        return self.schedule.total_margin

    @property
    def selling_price(self) -> Decimal:
        """H = cost + M."""
        return self.terms.cost_price + self.total_margin

    @property
    def receivable(self) -> Decimal:
        """Piutang murabahah at akad: H - U = P + M."""
        return self.selling_price - self.terms.down_payment

    @property
    def installment(self) -> Decimal:
        """The regular installment (the first; only the last may differ)."""
        return self.schedule.installments[0].amount


def monthly_rate_percent(rate: Decimal) -> str:
    """A monthly rate (fraction) as the API's percent string with ``RATE_PERCENT_PLACES`` decimals."""
    return str(
        EXACT.multiply(rate, HUNDRED).quantize(Decimal(1).scaleb(-RATE_PERCENT_PLACES), ROUND_HALF_UP, EXACT)
    )


def quote(terms: MurabahahTerms, rounding: RoundingPolicy = R1_HALF_UP_RUPIAH) -> MurabahahQuote:
    """Price a murabahah and build its schedule (no persistence).

    Flat and amount margins give level installments ``round((P+M)/n)``, the last absorbing the residue.
    An effective rate prices an annuity ``A = P r / (1 - (1+r)^-n)`` at ``r = rate/12``, rounded, the last
    installment being the remaining principal plus its margin; the margin that results is then fixed.
    The split of each installment follows ``terms.recognition`` (``proportional_split`` or
    ``annuity_split``). Under effective pricing proportional recognition re-splits the same installments
    (the price does not change, only when margin is recognised).

    The monthly rate is the one the annuity split uses. For a flat or amount margin it is the IRR of the
    level installment (P + M) / n before rounding, as domain.md §11 A1 quotes it (r = 0.0178809869): the rate
    the akad's price implies, independent of where the rounding residue of the last installment falls (the
    A1 table is the same with the IRR of the rounded installments, 0.017880981452). For an effective rate it
    is the contract rate itself (A2: exactly 1 %), which also prices the installments.

    Args:
        terms: Validated terms.
        rounding: The named rounding policy (R1 by default: half-up to whole rupiah).

    Returns:
        The quote, whose schedule ties: Σ amount = P + M, Σ margin = M, Σ principal = P.

    Raises:
        InvalidInput: when the terms cannot be scheduled in whole rupiah (see ``check_schedulable``).
    """
    financed = terms.financed_amount
    n = terms.tenor_months
    if terms.margin_basis is MarginBasis.EFFECTIVE_ANNUAL:
        rate = EXACT.divide(terms.effective_rate_annual or ZERO, _TWELVE_HUNDRED)
        amounts, margins = effective_rate_installments(financed, rate, n, rounding)
        margin = sum(amounts, ZERO) - financed
    else:
        margin = _fixed_margin(terms, rounding)
        amounts = level_installments(financed + margin, n, rounding)
        check_schedulable(amounts, [ZERO] * n)
        rate = ZERO if margin == 0 else implied_monthly_rate(financed, [EXACT.divide(financed + margin, n)] * n)
        if terms.recognition is Recognition.ANNUITY:
            margins = annuity_split(financed, amounts, margin, rate, rounding)
    if terms.recognition is Recognition.PROPORTIONAL:
        margins = proportional_split(amounts, margin, rounding)
    check_schedulable(amounts, margins)
    rows = build_installments(financed, due_dates(terms.first_due_date, n), amounts, margins)
    schedule = Schedule(ContractKind.MURABAHAH, financed, margin, rows, rounding.name)
    return MurabahahQuote(terms, schedule, rate)


def build_schedule(terms: MurabahahTerms, rounding: RoundingPolicy = R1_HALF_UP_RUPIAH) -> Schedule:
    """The schedule of ``quote(terms, rounding)`` (the common akad-module surface)."""
    return quote(terms, rounding).schedule


def _fixed_margin(terms: MurabahahTerms, rounding: RoundingPolicy) -> Decimal:
    """M as given, or the flat margin P * f * n / 12 (f in percent) rounded by the policy."""
    if terms.margin_amount is not None:
        return terms.margin_amount
    flat = terms.margin_rate_flat_annual or ZERO
    per_year = EXACT.multiply(terms.financed_amount, flat)
    return rounding.apply(EXACT.divide(EXACT.multiply(per_year, terms.tenor_months), _TWELVE_HUNDRED))


def check_schedulable(amounts: Sequence[Decimal], margins: Sequence[Decimal]) -> None:
    """Refuse a split in which an installment is not positive or a margin or principal is negative.

    This happens only at the edges of the accepted terms: amounts of a few rupiah spread over many months,
    or an effective rate so high over so long a tenor that the early installments repay only a few rupiah
    of principal; then the half rupiah by which the annuity is rounded, compounded at that rate for decades,
    outgrows the last installment.

    Raises:
        InvalidInput: with a message the financing officer can act on.
    """
    if any(a <= 0 or m < 0 or m > a for a, m in zip(amounts, margins, strict=True)):
        raise _unschedulable()


def _unschedulable() -> InvalidInput:
    return InvalidInput(
        "tidak dapat dijadwalkan dalam rupiah bulat: jumlah terlalu kecil untuk tenor ini, atau tarif dan "
        "tenor terlalu tinggi / cannot be scheduled in whole rupiah: amounts too small for this tenor, or "
        "rate and tenor too high"
    )


def level_installments(total: Decimal, n: int, rounding: RoundingPolicy) -> list[Decimal]:
    """``n`` equal installments ``round(total/n)``; the last absorbs the residue so they sum to ``total``."""
    regular = rounding.apply(EXACT.divide(total, n))
    return absorb_residue_into_last_installment([regular] * n, total)


def absorb_residue_into_last_installment(amounts: list[Decimal], total: Decimal) -> list[Decimal]:
    """Set the last amount so that the amounts sum exactly to ``total`` (R1's residue rule)."""
    head = amounts[:-1]
    return [*head, total - sum(head, ZERO)]


def effective_rate_installments(
    financed: Decimal, rate: Decimal, n: int, rounding: RoundingPolicy
) -> tuple[list[Decimal], list[Decimal]]:
    """Annuity installments at monthly ``rate`` and the margins they carry at that rate.

    Returns:
        ``(amounts, margins)``: ``n - 1`` rounded annuities, then remaining principal + its margin.
    """
    annuity = EXACT.divide(EXACT.multiply(financed, rate), ONE - EXACT.power(ONE + rate, -n))
    regular = rounding.apply(annuity)
    outstanding = financed
    amounts, margins = [], []
    for _ in range(n - 1):
        margin = rounding.apply(EXACT.multiply(outstanding, rate))
        amounts.append(regular)
        margins.append(margin)
        outstanding -= regular - margin
    last_margin = rounding.apply(EXACT.multiply(outstanding, rate))
    return [*amounts, outstanding + last_margin], [*margins, last_margin]


def proportional_split(
    amounts: Sequence[Decimal], margin: Decimal, rounding: RoundingPolicy
) -> list[Decimal]:
    """Margin per installment proportional to cash: C * M / (P + M), rounded cumulatively.

    The margin recognised after the first k installments is ``round(Σ_{j<=k} C_j * M/(P+M))``; each
    installment gets the increase, and the last takes the residue. Rounding the running total rather than
    each installment keeps every margin between 0 and its installment, and it gives exactly what the
    live-contract rule ``round(paid * M/(P+M))`` gives for any amount paid, so schedule and ledger agree.
    With A1 (933,333 a month) both ways give 100,000 each month.
    """
    total = sum(amounts, ZERO)
    out: list[Decimal] = []
    paid = recognised = ZERO
    for amount in amounts[:-1]:
        paid += amount
        now = rounding.apply(EXACT.divide(EXACT.multiply(paid, margin), total))
        out.append(now - recognised)
        recognised = now
    return [*out, margin - recognised]


def annuity_split(
    financed: Decimal, amounts: Sequence[Decimal], margin: Decimal, rate: Decimal, rounding: RoundingPolicy
) -> list[Decimal]:
    """Annuity (effective-rate) margins for fixed installments; Σ margin = M.

    The domain rule first (domain.md §1.2): ``margin_k = round(O_{k-1} * r)`` on the book outstanding, the
    last taking the residue (``recursive_annuity_split``). That rule compounds each half-rupiah of rounding
    at the rate r; with tiny margins over many months, or high rates over long tenors, the residue left for
    the last month can come out negative, or larger than the month before. Only then is
    ``exact_annuity_split`` used: margins from the unrounded effective-interest path, always sound.
    """
    margins = recursive_annuity_split(financed, amounts, margin, rate, rounding)
    if margins is not None and _falling_and_within(amounts, margins):
        return margins
    return exact_annuity_split(amounts, margin, rate, rounding)


def recursive_annuity_split(
    financed: Decimal, amounts: Sequence[Decimal], margin: Decimal, rate: Decimal, rounding: RoundingPolicy
) -> list[Decimal] | None:
    """``margin_k = round(O_{k-1} * r)`` on the book outstanding; the last takes the residue.

    Returns None as soon as the book outstanding leaves 0..P: the rounding has run away (see above).
    """
    outstanding = financed
    out: list[Decimal] = []
    for amount in amounts[:-1]:
        m = rounding.apply(EXACT.multiply(outstanding, rate))
        out.append(m)
        outstanding -= amount - m
        if not ZERO <= outstanding <= financed:
            return None
    return [*out, margin - sum(out, ZERO)]


def exact_annuity_split(
    amounts: Sequence[Decimal], margin: Decimal, rate: Decimal, rounding: RoundingPolicy
) -> list[Decimal]:
    """Margins from the unrounded path ``m*_k = O*_{k-1} * r``: each rounded down to the policy's unit, then
    the earliest installments take one unit more each until Σ = M.

    ``O*_k`` is the present value at r of the installments after k, computed backwards from the last, so
    no error is ever compounded. The exact margins fall, so the rounded ones never rise; each stays within
    one unit of the exact one, and within its installment.

    Raises:
        InvalidInput: if the exact path cannot carry M (it only happens where no schedule exists).
    """
    unit = rounding.quantum
    discount = EXACT.divide(ONE, ONE + rate)
    remaining = ZERO
    floors: list[Decimal] = []
    for amount in reversed(amounts):
        remaining = EXACT.multiply(remaining + amount, discount)  # O*_{k-1}, from O*_k
        exact = EXACT.multiply(remaining, rate)
        floors.append(exact.quantize(unit, rounding=ROUND_FLOOR, context=EXACT))
    floors.reverse()
    extra = int((margin - sum(floors, ZERO)) / unit)
    if not 0 <= extra <= len(floors):
        raise _unschedulable()
    return [f + unit if k < extra else f for k, f in enumerate(floors)]


def _falling_and_within(amounts: Sequence[Decimal], margins: Sequence[Decimal]) -> bool:
    within = all(ZERO <= m <= a for a, m in zip(amounts, margins, strict=True))
    return within and all(b <= a for a, b in zip(margins, margins[1:], strict=False))


def build_installments(
    financed: Decimal, dates: Sequence[date], amounts: Sequence[Decimal], margins: Sequence[Decimal]
) -> tuple[Installment, ...]:
    """Installment rows from amounts and their margins, tracking the outstanding principal."""
    outstanding = financed
    rows = []
    for k, (due, amount, margin) in enumerate(zip(dates, amounts, margins, strict=True), start=1):
        principal = amount - margin
        outstanding -= principal
        rows.append(Installment(k, due, amount, principal, margin, outstanding))
    return tuple(rows)


def implied_monthly_rate(financed: Decimal, amounts: Sequence[Decimal]) -> Decimal:
    """The periodic rate r with Σ a_k / (1+r)^k = P (the IRR), solved to |ΔP| < 1e-6 rupiah.

    Newton's method, kept inside a bisection bracket so it always converges (the present value falls
    strictly as r rises). Computed in Decimal with 50 digits.

    Raises:
        InvalidInput: if the installments repay less than the financed amount, or P <= 0.
    """
    if financed <= 0 or not amounts:
        raise InvalidInput("jumlah pembiayaan harus > 0 / financed amount must be > 0")
    with localcontext(_IRR_CONTEXT):
        margin = sum(amounts, ZERO) - financed
        if margin < 0:
            raise InvalidInput("angsuran kurang dari pokok / installments repay less than the principal")
        if margin == 0:
            return ZERO
        low, high = ZERO, _upper_bracket(financed, amounts)
        rate = min(2 * margin / (financed * (len(amounts) + 1)), high / 2)
        for _ in range(_IRR_MAX_STEPS):
            gap, slope = _pv_gap(rate, financed, amounts)
            if abs(gap) < IRR_TOLERANCE:
                break
            low, high = (rate, high) if gap > 0 else (low, rate)
            step = rate - gap / slope
            rate = step if low < step < high else (low + high) / 2
        return +rate


def _upper_bracket(financed: Decimal, amounts: Sequence[Decimal]) -> Decimal:
    high = ONE
    for _ in range(_IRR_MAX_STEPS):
        if _pv_gap(high, financed, amounts)[0] < 0:
            return high
        high *= 2
    raise InvalidInput("tingkat imbal hasil tidak dapat dihitung / the implied rate cannot be found")


def _pv_gap(rate: Decimal, financed: Decimal, amounts: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """PV(rate) - P and its derivative d/dr (runs in the caller's local context)."""
    v = 1 / (1 + rate)
    vk = ONE
    pv = weighted = ZERO
    for k, amount in enumerate(amounts, start=1):
        vk *= v
        pv += amount * vk
        weighted += k * amount * vk
    return pv - financed, -weighted * v
