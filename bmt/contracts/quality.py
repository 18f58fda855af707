"""Financing quality: kolektibilitas, the allowance (PPAP) it requires, and NPF (domain.md §7, Example F).

The scheme and the PPAP table are the cooperative's settings (a ``QualityPolicy``), never code:

* ``COOPERATIVE_DEFAULT`` — the KSP/KSPPS 4-class rule by arrears and collateral (§7.1): Lancar up to 3 months
  (90 days) of arrears, Kurang Lancar to 6 months (180 days), then Diragukan only while the collateral covers at
  least 75% of the debt and arrears are at most 12 months (360 days), otherwise Macet. PPAP 0.5% of the
  outstanding for L; 10% / 50% / 100% of (outstanding − collateral) for KL / D / M (§7.3 KSPPS default).
* ``COOPERATIVE_DAYS`` — the same four classes by day buckets only (Example F's policy).
* ``BANK_5_CLASS`` — bank-style day buckets L 0, DPK 1–90, KL 91–120, D 121–180, M > 180 (§7.2, BUS) with PBI
  7/2/2005 rates 1% / 5% / 15% / 50% / 100%.

Example F: outstanding 40,000,000 at 0 days -> L, PPAP 200,000; 15,000,000 at 120 days with 6,000,000 collateral ->
KL, PPAP 10% × 9,000,000 = 900,000. Total PPAPWD of the example = 10,725,000; NPF = 35.00%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from bmt.errors import InvalidInput
from bmt.money import R1_HALF_UP_RUPIAH, ZERO, RoundingPolicy, round_money

CLASSES = ("L", "DPK", "KL", "D", "M")
NON_PERFORMING = frozenset({"KL", "D", "M"})
LABELS_ID = {"L": "Lancar", "DPK": "Dalam perhatian khusus", "KL": "Kurang lancar", "D": "Diragukan", "M": "Macet"}


@dataclass(frozen=True, slots=True)
class QualityPolicy:
    """How arrears map to a class, and what allowance each class requires.

    Attributes:
        name: Setting name.
        buckets: ``(class, max_days_past_due)`` in increasing order; the last class has ``None`` (no upper bound).
        ppap_rates: Rate per class as a fraction (0.005 = 0.5%).
        collateral_deducted: Classes whose PPAP base is outstanding − eligible collateral (floored at zero).
        doubtful_min_cover: When set, a contract past the KL bucket is D only if collateral ≥ this fraction of the
            outstanding; otherwise M (the cooperative rule, §7.1). None disables the collateral test.
    """

    name: str
    buckets: tuple[tuple[str, int | None], ...]
    ppap_rates: dict[str, Decimal]
    collateral_deducted: frozenset[str] = frozenset({"KL", "D", "M"})
    doubtful_min_cover: Decimal | None = None
    rounding: RoundingPolicy = field(default=R1_HALF_UP_RUPIAH)

    def __post_init__(self) -> None:
        last = -1
        for i, (cls, limit) in enumerate(self.buckets):
            if cls not in CLASSES:
                raise InvalidInput(f"kelas kolektibilitas tidak dikenal: {cls}")
            if limit is None and i != len(self.buckets) - 1:
                raise InvalidInput("hanya kelas terakhir tanpa batas atas / only the last bucket is open-ended")
            if limit is not None and limit <= last:
                raise InvalidInput("batas hari harus naik / bucket limits must increase")
            last = limit if limit is not None else last
            if not (ZERO <= self.ppap_rates.get(cls, ZERO) <= 1):
                raise InvalidInput("tarif PPAP 0–100% / PPAP rates within 0..1")
        if self.buckets[-1][1] is not None:
            raise InvalidInput("kelas terakhir harus tanpa batas atas / the last bucket is open-ended")


COOPERATIVE_DEFAULT = QualityPolicy(
    "cooperative_default",
    (("L", 90), ("KL", 180), ("D", 360), ("M", None)),
    {"L": Decimal("0.005"), "KL": Decimal("0.10"), "D": Decimal("0.50"), "M": Decimal(1)},
    doubtful_min_cover=Decimal("0.75"),
)
COOPERATIVE_DAYS = QualityPolicy(
    "cooperative_days",
    (("L", 90), ("KL", 180), ("D", 360), ("M", None)),
    {"L": Decimal("0.005"), "KL": Decimal("0.10"), "D": Decimal("0.50"), "M": Decimal(1)},
)
BANK_5_CLASS = QualityPolicy(
    "bank_5_class",
    (("L", 0), ("DPK", 90), ("KL", 120), ("D", 180), ("M", None)),
    {"L": Decimal("0.01"), "DPK": Decimal("0.05"), "KL": Decimal("0.15"), "D": Decimal("0.50"), "M": Decimal(1)},
)
POLICIES = {p.name: p for p in (COOPERATIVE_DEFAULT, COOPERATIVE_DAYS, BANK_5_CLASS)}


def classify(days_past_due: int, outstanding: Decimal, collateral: Decimal, policy: QualityPolicy) -> str:
    """The class of one contract: monotone in days past due (more arrears never gives a better class)."""
    if days_past_due < 0:
        raise InvalidInput("hari tunggakan tidak boleh negatif / days past due must be ≥ 0")
    cls = policy.buckets[-1][0]
    for name, limit in policy.buckets:
        if limit is None or days_past_due <= limit:
            cls = name
            break
    if policy.doubtful_min_cover is not None and cls == "D" and outstanding > 0 and collateral < policy.doubtful_min_cover * outstanding:
        return "M"
    return cls


def required_ppap(cls: str, outstanding: Decimal, collateral: Decimal, policy: QualityPolicy) -> Decimal:
    """The allowance a contract of class ``cls`` requires, rounded by the policy (R1 by default)."""
    base = max(outstanding - min(collateral, outstanding), ZERO) if cls in policy.collateral_deducted else outstanding
    return round_money(base * policy.ppap_rates.get(cls, ZERO), policy.rounding)


@dataclass(frozen=True, slots=True)
class Exposure:
    ref: str
    outstanding: Decimal
    days_past_due: int
    collateral: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Assessment:
    ref: str
    cls: str
    base: Decimal
    ppap: Decimal


@dataclass(frozen=True, slots=True)
class PortfolioQuality:
    assessments: tuple[Assessment, ...]
    total: Decimal
    non_performing: Decimal
    ppap_required: Decimal

    @property
    def npf_percent(self) -> Decimal:
        """NPF gross in percent (two decimals, half-up): (KL + D + M) / total financing × 100."""
        if self.total == 0:
            return ZERO
        return (self.non_performing * 100 / self.total).quantize(Decimal("0.01"))

    def ppap_ratio_percent(self, formed: Decimal) -> Decimal:
        """Rasio PPAP = PPAP formed / PPAP required × 100."""
        if self.ppap_required == 0:
            return Decimal(100)
        return (formed * 100 / self.ppap_required).quantize(Decimal("0.01"))


def assess(exposures: Iterable[Exposure], policy: QualityPolicy) -> PortfolioQuality:
    """Classify every exposure and total the portfolio (Example F)."""
    out = []
    total = npl = req = ZERO
    for e in exposures:
        cls = classify(e.days_past_due, e.outstanding, e.collateral, policy)
        ppap = required_ppap(cls, e.outstanding, e.collateral, policy)
        base = max(e.outstanding - min(e.collateral, e.outstanding), ZERO) if cls in policy.collateral_deducted else e.outstanding
        out.append(Assessment(e.ref, cls, base, ppap))
        total += e.outstanding
        req += ppap
        if cls in NON_PERFORMING:
            npl += e.outstanding
    return PortfolioQuality(tuple(out), total, npl, req)


def npf_score(npf_percent: Decimal) -> tuple[int, str]:
    """Juknis 15/2021 scoring of NPF: ≤5% sehat (4); ≤10% cukup sehat (3); ≤15% kurang sehat (2); else (1)."""
    if npf_percent <= 5:
        return 4, "Sehat"
    if npf_percent <= 10:
        return 3, "Cukup Sehat"
    if npf_percent <= 15:
        return 2, "Kurang Sehat"
    return 1, "Tidak Sehat"


def assess_sen_arrays(dpd, outstanding_sen, collateral_sen, policy: QualityPolicy):  # noqa: ANN001, ANN201
    """Vectorised ``classify`` + ``required_ppap`` over numpy int64 arrays (sen), for the daily close.

    Returns ``(class_index, ppap_sen)`` where ``class_index`` indexes ``CLASSES``. Exactly equal to the scalar
    functions (tested): rates are turned into integer fractions and rounding is half-up to whole rupiah.

    Raises:
        InvalidInput: for amounts so large that the integer arithmetic could overflow (callers fall back to
            the scalar functions).
    """
    import numpy as np

    dpd = np.asarray(dpd, dtype=np.int64)
    out = np.asarray(outstanding_sen, dtype=np.int64)
    col = np.asarray(collateral_sen, dtype=np.int64)
    if out.size and (int(out.max()) > 10**15 or int(col.max()) > 10**15 or int(out.min()) < 0):
        raise InvalidInput("nilai terlalu besar untuk perhitungan vektor / amounts too large for the vector path")
    limits = np.array([lim for _, lim in policy.buckets[:-1]], dtype=np.int64)
    bucket = np.searchsorted(limits, dpd, side="left")
    class_of_bucket = np.array([CLASSES.index(c) for c, _ in policy.buckets], dtype=np.int8)
    cls = class_of_bucket[bucket]
    if policy.doubtful_min_cover is not None:
        n, d = policy.doubtful_min_cover.as_integer_ratio()
        weak = (cls == CLASSES.index("D")) & (out > 0) & (col * d < out * n)
        cls = np.where(weak, np.int8(CLASSES.index("M")), cls)
    deducted = np.isin(cls, [CLASSES.index(c) for c in policy.collateral_deducted])
    base = np.where(deducted, np.maximum(out - np.minimum(col, out), 0), out)
    ppap = np.zeros_like(out)
    for c in set(policy.ppap_rates):
        rate = policy.ppap_rates[c]
        if rate == 0:
            continue
        n, d = rate.as_integer_ratio()
        mask = cls == CLASSES.index(c)
        # Half-up to whole rupiah of base_sen·n/d sen: floor((2·base·n + 100·d) / (200·d)) rupiah.
        ppap[mask] = ((2 * base[mask] * n + 100 * d) // (200 * d)) * 100
    return cls, ppap
