"""The year's SHU divided at the RAT as the cooperative's articles (AD/ART) say (UU 25/1992 Ps. 45; domain.md §9).

1. Optionally zakat first: ``zakat_percent`` of the SHU (typically 2.5%), rounded half-up to the rupiah.
2. What remains is divided by the articles' percentages (they sum to 100): cadangan, jasa modal (jasa
   simpanan), jasa usaha, pengurus & pengawas, karyawan, pendidikan, sosial, pembangunan daerah kerja. The
   parts are in whole sen and sum exactly to what is divided (largest remainder).
3. The members' two parts are divided among members: **jasa modal** in proportion to each member's
   simpanan pokok + wajib, **jasa usaha** in proportion to the margin and profit share of their transactions
   in the year. Each member's share is floored to the rupiah (R2: never more than the part); what the
   flooring leaves, or a whole part nobody earned, is the residue that stays undivided.

Percentages are configuration (each cooperative's articles), so they are data here, not code.

Example G (domain.md §11): SHU 100,000,000 at 40/20/20/5/5/5/2.5/2.5 gives 40,000,000 / 20,000,000 /
20,000,000 / 5,000,000 / 5,000,000 / 5,000,000 / 2,500,000 / 2,500,000; members with simpanan 5, 3, 2 million
and transactions 3, 1, 0 million get 25,000,000, 11,000,000 and 4,000,000.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bmt.errors import InvalidInput
from bmt.money import EXACT, HUNDRED, ZERO, D, allocate_floor, allocate_largest_remainder, percent

SEN = Decimal("0.01")
RUPIAH = Decimal(1)
#: The allocation categories of a KSPPS's articles, in the order the RAT reads them.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("cadangan", "Dana cadangan"),
    ("jasa_modal", "Jasa modal (simpanan anggota)"),
    ("jasa_usaha", "Jasa usaha (transaksi anggota)"),
    ("pengurus", "Dana pengurus dan pengawas"),
    ("karyawan", "Dana karyawan"),
    ("pendidikan", "Dana pendidikan"),
    ("sosial", "Dana sosial"),
    ("pembangunan_daerah", "Dana pembangunan daerah kerja"),
)
CATEGORY_LABELS = dict(CATEGORIES)
MEMBER_PARTS = ("jasa_modal", "jasa_usaha")
MAX_ZAKAT_PERCENT = Decimal(10)


@dataclass(frozen=True, slots=True)
class ShuPolicy:
    """The articles' division of the SHU.

    Attributes:
        percentages: ``(category, percent)`` for every category of ``CATEGORIES``; they sum to 100.
        zakat_percent: Zakat taken from the SHU before dividing it (0 = none; 2.5 typical).
    """

    percentages: tuple[tuple[str, Decimal], ...]
    zakat_percent: Decimal = ZERO

    def __post_init__(self) -> None:
        known = [c for c, _ in CATEGORIES]
        given = [c for c, _ in self.percentages]
        if sorted(given) != sorted(known):
            raise InvalidInput(f"pembagian SHU harus memuat tepat: {', '.join(known)} / every category once", field="percentages")
        values = tuple((c, percent(v, name=CATEGORY_LABELS[c])) for c, v in self.percentages)
        object.__setattr__(self, "percentages", values)
        total = sum((v for _, v in values), ZERO)
        if total != HUNDRED:
            raise InvalidInput(f"jumlah persentase pembagian SHU {total}%, harus 100% / the percentages must sum to 100", field="percentages")
        object.__setattr__(self, "zakat_percent", percent(self.zakat_percent, high=MAX_ZAKAT_PERCENT, name="zakat"))

    def percent_of(self, category: str) -> Decimal:
        return dict(self.percentages)[category]

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ShuPolicy:
        """From ``{"percentages": {category: "40", ...}, "zakat_percent": "2.5"}`` (missing: the default)."""
        pct = raw.get("percentages") or dict(DEFAULT_POLICY.percentages)
        if not isinstance(pct, Mapping):
            raise InvalidInput("percentages harus objek kategori → persen / percentages must map category to percent", field="percentages")
        try:
            return cls(tuple((str(c), D(str(v).replace(",", "."))) for c, v in pct.items()), D(str(raw.get("zakat_percent", "0")).replace(",", ".")))
        except (ArithmeticError, ValueError):
            raise InvalidInput("persentase tidak valid / invalid percentage", field="percentages") from None

    def to_json(self) -> dict[str, Any]:
        return {"percentages": {c: str(v) for c, v in self.percentages}, "zakat_percent": str(self.zakat_percent)}


DEFAULT_POLICY = ShuPolicy(
    tuple((c, Decimal(v)) for c, v in zip((c for c, _ in CATEGORIES), ("40", "20", "20", "5", "5", "5", "2.5", "2.5"), strict=True)),
)


@dataclass(frozen=True, slots=True)
class MemberBasis:
    """A member's weights: simpanan pokok + wajib at year end, and margin + profit share of the year."""

    member_id: int
    modal: Decimal
    usaha: Decimal


@dataclass(frozen=True, slots=True)
class MemberShare:
    member_id: int
    modal: Decimal
    usaha: Decimal
    jasa_modal: Decimal
    jasa_usaha: Decimal

    @property
    def total(self) -> Decimal:
        return self.jasa_modal + self.jasa_usaha


@dataclass(frozen=True, slots=True)
class ShuAllocation:
    """The division of one year's SHU. ``parts`` sum to ``distributable``; members sum to the member parts
    less ``residue``."""

    shu: Decimal
    zakat: Decimal
    parts: tuple[tuple[str, Decimal, Decimal], ...]  # (category, percent, amount)
    members: tuple[MemberShare, ...]
    residue: Decimal

    @property
    def distributable(self) -> Decimal:
        return self.shu - self.zakat

    def part(self, category: str) -> Decimal:
        return next(a for c, _, a in self.parts if c == category)

    @property
    def members_total(self) -> Decimal:
        return sum((m.total for m in self.members), ZERO)


def _split(pool: Decimal, weights: Sequence[Decimal]) -> tuple[list[Decimal], Decimal]:
    """Floor each member's share to the rupiah (never more than the pool); a pool nobody earned stays whole."""
    if sum(weights, ZERO) <= 0:
        return [ZERO] * len(weights), pool
    return allocate_floor(pool, weights, RUPIAH)


def allocate_shu(shu: Decimal, policy: ShuPolicy, members: Sequence[MemberBasis]) -> ShuAllocation:
    """Divide a year's SHU by the articles, then the members' parts among the members.

    Raises:
        InvalidInput: for an SHU that is not positive (a loss is not divided; the RAT decides how to bear it),
            a fraction of a sen, negative member weights or a member listed twice.
    """
    shu = D(shu)
    if shu <= 0:
        raise InvalidInput("SHU tidak positif: tidak ada yang dibagi / a non-positive SHU is not divided", field="shu")
    if shu != shu.quantize(SEN):
        raise InvalidInput("SHU dalam sen bulat / SHU must be whole sen", field="shu")
    if len({m.member_id for m in members}) != len(members):
        raise InvalidInput("anggota tercantum dua kali / a member is listed twice")
    if any(m.modal < 0 or m.usaha < 0 for m in members):
        raise InvalidInput("dasar pembagian anggota tidak boleh negatif / member weights must not be negative")
    zakat = EXACT.multiply(shu, policy.zakat_percent / HUNDRED).quantize(RUPIAH, rounding=ROUND_HALF_UP)
    distributable = shu - zakat
    amounts = allocate_largest_remainder(distributable, [p for _, p in policy.percentages], SEN)
    parts = tuple((c, p, a.quantize(SEN)) for (c, p), a in zip(policy.percentages, amounts, strict=True))
    by = {c: a for c, _, a in parts}
    modal, left_modal = _split(by["jasa_modal"], [m.modal for m in members])
    usaha, left_usaha = _split(by["jasa_usaha"], [m.usaha for m in members])
    shares = tuple(
        MemberShare(m.member_id, m.modal, m.usaha, jm, ju) for m, jm, ju in zip(members, modal, usaha, strict=True)
    )
    return ShuAllocation(shu, zakat, parts, shares, left_modal + left_usaha)
