"""The income to share (Y) and its allocation to fund sources (products): domain.md §4.2 items 1, 3–6.

Two steps, both pure and exact:

1. ``income_to_share(items, basket)`` builds Y from the month's income items ``(kind, amount)``. The
   *income basket* says which kinds count. The default (``DEFAULT_BASKET``) is the fatwa 14/2000 reading:
   financing income **received in cash**: murabahah margin collected, mudharabah/musyarakah profit
   shares received, MMQ/ijarah ujrah. domain.md's DISAGREEMENT: BMT Tumang also shares fees,
   commissions and placement income; ``BROAD_BASKET`` offers that as an option. Denda/ta'zir and
   non-halal receipts are social funds (fatwa 17/2000, PSAK 101): they are always left out, and a
   basket that tries to include them is refused (DPS rule DEP-03). Accrued-not-received income is not
   an item at all: callers pass cash received only.
   ``shareable_income`` then applies the sharing basis agreed in the akad (fatwa 15/2000): **revenue
   sharing** by default (Y = income; the BMT pays its costs from its own nisbah share), or **profit
   sharing** (Y = income − the costs attributable to earning it, never below 0: a month without
   profit shares nothing; a loss of capital is not a monthly distribution matter).
2. ``allocate_pools`` splits Y over the fund sources by their average daily balances:
   ``Y_j = Y × ADB'_j / max(S', F)`` with ``ADB'_j = ADB_j × (1 − reserve_j) × weight_j`` and
   ``S' = Σ_j ADB'_j`` over **all** sources (mudharabah, wadiah, equity). With no reserve and weight 1
   this is exactly domain.md's ``Y·ADB_j / max(S, F)``. The liquidity reserve (variant a: the part of
   a product's funds kept liquid, not lent) and the weight (variant b: bobot) therefore change both
   the product's claim and the divisor. When F > S', sources funded only part of the financing and
   the BMT keeps the rest (``unallocated``). Depositors get ``B_j = Y_j × nisbah_j``; wadiah and equity
   take no share (nisbah must be 0). ``ER_j = B_j / ADB_j × 12`` (or ``× 365 / D``), as a percent.

Exactness: everything is a ``fractions.Fraction`` (an exact rational), because ``ADB_j / S`` is a ratio
of integers that rarely terminates as a decimal. ``to_decimal`` renders a value for people and the API
in a 50-significant-digit context: exact whenever the value terminates within 50 digits (all of
Example B does), otherwise rounded half-even in the 50th digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum
from fractions import Fraction

from bmt.errors import InvalidInput, ShariaViolation
from bmt.money import MAX_AMOUNT, ZERO, D

#: Significant digits used when an exact rational is shown as a Decimal.
REPORT_DIGITS = 50
REPORT_CONTEXT = Context(prec=REPORT_DIGITS)
#: Most fund sources (products) in one allocation.
MAX_PRODUCTS = 100

F0 = Fraction(0)
F100 = Fraction(100)


def to_decimal(value: Fraction | int | Decimal) -> Decimal:
    """An exact rational as a Decimal with at most 50 significant digits, trailing zeros removed.

    ``Fraction(48703701, 10)`` -> ``Decimal('4870370.1')``; ``Fraction(3000)`` -> ``Decimal('3E+3')``,
    which ``format(d, "f")`` writes as ``"3000"``.
    """
    q = Fraction(value)
    d = REPORT_CONTEXT.divide(Decimal(q.numerator), Decimal(q.denominator))
    return d.normalize(REPORT_CONTEXT) if d else Decimal(0)


# ----------------------------------------------------------------------------- income to share (Y)


class IncomeKind(StrEnum):
    """Kinds of income item a month can have (cash received)."""

    MURABAHAH_MARGIN = "murabahah_margin"
    MUDHARABAH_PROFIT_SHARE = "mudharabah_profit_share"
    MUSYARAKAH_PROFIT_SHARE = "musyarakah_profit_share"
    MMQ_UJRAH = "mmq_ujrah"
    IJARAH_UJRAH = "ijarah_ujrah"
    FEE = "fee"  # administration fees, commissions, provisions
    PLACEMENT = "placement"  # profit shares from placements in other LKS/BMT
    OTHER = "other"
    DENDA = "denda"  # ta'zir late-payment penalties: social fund, never income
    NON_HALAL = "non_halal"  # e.g. conventional bank interest: social fund, never income


#: Kinds no basket may include (fatwa 17/2000; PSAK 101 non-halal funds; DPS rule DEP-03).
NEVER_SHARED = frozenset({IncomeKind.DENDA, IncomeKind.NON_HALAL})
FINANCING_INCOME = frozenset(
    {
        IncomeKind.MURABAHAH_MARGIN,
        IncomeKind.MUDHARABAH_PROFIT_SHARE,
        IncomeKind.MUSYARAKAH_PROFIT_SHARE,
        IncomeKind.MMQ_UJRAH,
        IncomeKind.IJARAH_UJRAH,
    }
)


@dataclass(frozen=True, slots=True)
class IncomeBasket:
    """Which income kinds enter Y; configurable per cooperative.

    Raises:
        ShariaViolation: (rule DEP-03) when denda/ta'zir or non-halal income is included.
    """

    name: str
    included: frozenset[IncomeKind]

    def __post_init__(self) -> None:
        bad = sorted(k.value for k in self.included & NEVER_SHARED)
        if bad:
            raise ShariaViolation(
                f"denda/ta'zir dan pendapatan non-halal tidak boleh dibagihasilkan ({', '.join(bad)}) / "
                "penalties and non-halal income are never shared",
                rule="DEP-03",
            )


#: Default: cash-received financing income only (fatwa 14/2000, domain.md §4.2 item 1).
DEFAULT_BASKET = IncomeBasket("financing_cash", FINANCING_INCOME)
#: BMT Tumang style: financing income plus fees/commissions and placement income.
BROAD_BASKET = IncomeBasket(
    "financing_fees_placements", FINANCING_INCOME | {IncomeKind.FEE, IncomeKind.PLACEMENT}
)


@dataclass(frozen=True, slots=True)
class IncomeToShare:
    """Y and how it was built.

    Attributes:
        amount: Y, the income to share (exact rupiah).
        included: Total per included kind.
        excluded: Total per excluded kind (outside the basket, or never shared).
    """

    amount: Decimal
    included: tuple[tuple[IncomeKind, Decimal], ...]
    excluded: tuple[tuple[IncomeKind, Decimal], ...]


def income_to_share(
    items: Iterable[tuple[IncomeKind | str, Decimal | int | str]], basket: IncomeBasket = DEFAULT_BASKET
) -> IncomeToShare:
    """Build Y from a month's cash-received income items.

    Args:
        items: ``(kind, amount)`` pairs; amounts ≥ 0, exact (no floats).
        basket: Which kinds count (default: financing income only).

    Returns:
        Y with the totals per included and excluded kind (kinds in enum order).

    Raises:
        InvalidInput: unknown kind, negative or inexact amount.
    """
    totals: dict[IncomeKind, Decimal] = {}
    for kind, amount in items:
        k = _income_kind(kind)
        value = D(amount)
        if value < 0:
            raise InvalidInput(f"pendapatan {k.value} tidak boleh negatif / income must not be negative")
        totals[k] = totals.get(k, ZERO) + value
    ordered = [(k, totals[k]) for k in IncomeKind if k in totals]
    included = tuple((k, v) for k, v in ordered if k in basket.included)
    excluded = tuple((k, v) for k, v in ordered if k not in basket.included)
    return IncomeToShare(sum((v for _, v in included), ZERO), included, excluded)


def _income_kind(kind: IncomeKind | str) -> IncomeKind:
    try:
        return IncomeKind(kind)
    except ValueError:
        raise InvalidInput(f"jenis pendapatan tidak dikenal: {kind!r} / unknown income kind") from None


class SharingBasis(StrEnum):
    """Fatwa 15/2000: what is shared. Revenue sharing is the default (preferred "for now", al-ashlah)."""

    REVENUE = "revenue_sharing"
    PROFIT = "profit_sharing"


def shareable_income(
    revenue: Decimal, *, basis: SharingBasis = SharingBasis.REVENUE, attributable_costs: Decimal = ZERO
) -> Decimal:
    """Y under the agreed basis: revenue, or revenue minus the attributable costs (never below 0).

    Raises:
        InvalidInput: negative revenue or costs; costs given under revenue sharing.
    """
    revenue, costs = D(revenue), D(attributable_costs)
    if revenue < 0 or costs < 0:
        raise InvalidInput(
            "pendapatan dan biaya tidak boleh negatif / revenue and costs must not be negative"
        )
    if basis is SharingBasis.REVENUE:
        if costs:
            raise InvalidInput(
                "revenue sharing tidak mengurangkan biaya / costs are not deducted under revenue sharing"
            )
        return revenue
    return max(revenue - costs, ZERO)


# ----------------------------------------------------------------------------- allocation to products


class FundKind(StrEnum):
    """Kinds of fund source. Only mudharabah funds take a share (fatwa 02/2000, 03/2000)."""

    MUDHARABAH = "mudharabah"
    WADIAH = "wadiah"
    EQUITY = "equity"


class EquivalentRateBasis(StrEnum):
    """How the monthly share is annualised for display: × 12, or × 365 / D (actual days)."""

    MONTHLY = "monthly"
    ACTUAL_DAYS = "actual_days"


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A fund source as the distribution sees it. One product per tenor (e.g. deposito 3 and 12 months).

    Attributes:
        code: Unique product code.
        kind: mudharabah, wadiah or equity.
        nisbah_member_percent: The depositors' ratio, 0..100; must be 0 for wadiah and equity.
        reserve_percent: Liquidity reserve, the % of the product's ADB not lent out (0..100).
        weight: Product weight (bobot), ≥ 0; 1 means none.
    """

    code: str
    kind: FundKind
    nisbah_member_percent: Decimal = ZERO
    reserve_percent: Decimal = ZERO
    weight: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code.strip():
            raise InvalidInput("kode produk wajib diisi / product code is required")
        try:
            object.__setattr__(self, "kind", FundKind(self.kind))
        except ValueError:
            raise InvalidInput(f"jenis produk tidak dikenal: {self.kind!r} / unknown fund kind") from None
        nisbah, reserve, weight = (
            D(v) for v in (self.nisbah_member_percent, self.reserve_percent, self.weight)
        )
        for name, value in (
            ("nisbah_member_percent", nisbah),
            ("reserve_percent", reserve),
            ("weight", weight),
        ):
            object.__setattr__(self, name, value)
        if not 0 <= nisbah <= 100:
            raise InvalidInput(f"nisbah {self.code} harus 0..100 / nisbah must be within 0..100%")
        if self.kind is not FundKind.MUDHARABAH and nisbah != 0:
            raise InvalidInput(
                f"produk {self.code} ({self.kind.value}) tidak mendapat bagi hasil; nisbah harus 0 / "
                f"{self.kind.value} funds take no profit share, nisbah must be 0"
            )
        if not 0 <= reserve <= 100:
            raise InvalidInput(
                f"cadangan likuiditas {self.code} harus 0..100% / reserve must be within 0..100%"
            )
        if weight < 0 or weight > 100:
            raise InvalidInput(f"bobot {self.code} harus 0..100 / weight must be within 0..100")

    @property
    def sharing(self) -> bool:
        """Whether depositors of this product take a share of the income."""
        return self.kind is FundKind.MUDHARABAH


@dataclass(frozen=True, slots=True)
class ProductPool:
    """One product's part of the month's income, exact.

    Attributes:
        spec: The product.
        adb: ADB_j in rupiah.
        income_share: Y_j, the income attributable to the product.
        member_share: B_j = Y_j × nisbah, the depositors' share of this month (without carry-in).
        bmt_share: Y_j − B_j.
        carried_in: Residue carried from last month, added to B_j before per-account allocation.
        equivalent_rate_annual: ER_j in percent (0 when the product takes no share or ADB_j = 0).
    """

    spec: ProductSpec
    adb: Fraction
    income_share: Fraction
    member_share: Fraction
    bmt_share: Fraction
    carried_in: Fraction
    equivalent_rate_annual: Fraction

    @property
    def pool(self) -> Fraction:
        """What the product's accounts share this month: B_j plus the carried-in residue."""
        return self.member_share + self.carried_in


@dataclass(frozen=True, slots=True)
class PoolAllocation:
    """Y split over all fund sources.

    Attributes:
        income: Y.
        financing_adb: F.
        divisor: max(S', F), with S' the weighted, reserve-adjusted sum of all sources' ADB.
        products: One ``ProductPool`` per source, in input order.
        unallocated: Y − Σ Y_j (> 0 only when F > S'), kept by the BMT.
    """

    income: Fraction
    financing_adb: Fraction
    divisor: Fraction
    products: tuple[ProductPool, ...]
    unallocated: Fraction

    @property
    def total_member_share(self) -> Fraction:
        return sum((p.member_share for p in self.products), F0)

    @property
    def total_bmt_share(self) -> Fraction:
        """What the BMT keeps: Y − Σ B_j (its nisbah shares, wadiah, equity and any unallocated part)."""
        return self.income - self.total_member_share

    def product(self, code: str) -> ProductPool:
        for p in self.products:
            if p.spec.code == code:
                return p
        raise InvalidInput(f"produk tidak dikenal: {code!r} / unknown product")


def allocate_pools(
    income: Decimal | Fraction,
    financing_adb: Decimal | Fraction,
    products: Sequence[ProductSpec],
    adbs: Mapping[str, Fraction | Decimal | int],
    *,
    days: int,
    carried_in: Mapping[str, Fraction | Decimal | int] | None = None,
    rate_basis: EquivalentRateBasis = EquivalentRateBasis.MONTHLY,
) -> PoolAllocation:
    """Split Y over the fund sources and apply each product's nisbah (domain.md §4.2 items 3–6).

    Args:
        income: Y, exact rupiah, ≥ 0.
        financing_adb: F, the ADB of financing, ≥ 0.
        products: The fund sources (all of them: mudharabah, wadiah, equity), unique codes.
        adbs: ADB_j in rupiah per product code (missing codes count as 0).
        days: Days in the period (for the actual-days equivalent rate).
        carried_in: Residue per product from last month, ≥ 0, sharing products only.
        rate_basis: × 12 (default) or × 365 / D.

    Raises:
        InvalidInput: duplicate codes, negative values, unknown codes, carry-in on a non-sharing product.
    """
    y, f = (
        exact_non_negative(income, "pendapatan / income"),
        exact_non_negative(financing_adb, "ADB pembiayaan"),
    )
    adb = _product_values(products, adbs, "ADB")
    carry = _product_values(products, carried_in or {}, "sisa bagi hasil / carried residue")
    for spec in products:
        if carry[spec.code] and not spec.sharing:
            raise InvalidInput(
                f"produk {spec.code} tidak mendapat bagi hasil; sisa harus 0 / no carry-in allowed"
            )
    loanable = {
        s.code: adb[s.code] * (1 - Fraction(s.reserve_percent) / F100) * Fraction(s.weight) for s in products
    }
    divisor = max(sum(loanable.values(), F0), f)
    annualiser = Fraction(12) if rate_basis is EquivalentRateBasis.MONTHLY else Fraction(365, days)
    pools = tuple(
        _product_pool(
            s, adb[s.code], y * loanable[s.code] / divisor if divisor else F0, carry[s.code], annualiser
        )
        for s in products
    )
    return PoolAllocation(y, f, divisor, pools, y - sum((p.income_share for p in pools), F0))


def _product_pool(
    spec: ProductSpec, adb: Fraction, y_j: Fraction, carry: Fraction, annualiser: Fraction
) -> ProductPool:
    b_j = y_j * Fraction(spec.nisbah_member_percent) / F100
    rate = b_j / adb * annualiser * F100 if adb and spec.sharing else F0
    return ProductPool(spec, adb, y_j, b_j, y_j - b_j, carry, rate)


def _product_values(
    products: Sequence[ProductSpec], values: Mapping[str, Fraction | Decimal | int], name: str
) -> dict[str, Fraction]:
    if len(products) > MAX_PRODUCTS:
        raise InvalidInput(f"paling banyak {MAX_PRODUCTS} produk / at most {MAX_PRODUCTS} products")
    codes = [s.code for s in products]
    if len(set(codes)) != len(codes):
        raise InvalidInput("kode produk harus unik / product codes must be unique")
    unknown = sorted(set(values) - set(codes))
    if unknown:
        raise InvalidInput(f"{name}: produk tidak dikenal {unknown} / unknown product codes")
    return {c: exact_non_negative(values.get(c, 0), f"{name} {c}") for c in codes}


def exact_non_negative(value: Fraction | Decimal | int, name: str) -> Fraction:
    """``value`` as an exact Fraction, checked to be within 0..Rp10^15 (floats refused)."""
    if isinstance(value, float) or isinstance(value, bool):
        raise InvalidInput(f"{name}: angka harus tepat, bukan float / exact numbers only")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInput(f"{name}: angka tidak valid / not a finite number")
    q = Fraction(value)
    if q < 0:
        raise InvalidInput(f"{name} tidak boleh negatif / must not be negative")
    if q > MAX_AMOUNT:
        raise InvalidInput(f"{name} terlalu besar / too large")
    return q
