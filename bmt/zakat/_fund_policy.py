"""The kinds of Baitul Maal funds and the settings that govern them: what each fund may pay for, the amil
cap, where non-halal receipts go. Re-exported by ``bmt.zakat.funds``; see there for the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bmt.errors import InvalidInput, ShariaViolation
from bmt.money import HUNDRED, ZERO

RESTRICTED_PREFIX = "fund:"
_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,59}$")


class Fund(StrEnum):
    """The funds of the maal book; the value is the account key in the chart."""

    ZAKAT = "zakat_fund"
    INFAQ = "infaq_fund"
    INFAQ_RESTRICTED = "infaq_restricted_fund"
    AMIL = "amil_fund"
    NONHALAL = "nonhalal_fund"
    KEBAJIKAN = "kebajikan_fund"


class FundUse(StrEnum):
    """What a payment out of a fund is for."""

    ASNAF = "asnaf"  # zakat to a mustahik: only through distribute_zakat
    AMIL_OPERATIONS = "amil_operations"  # the amil's operating costs
    SOCIAL = "social"  # donations and public-benefit uses
    RESTRICTED_PURPOSE = "restricted_purpose"  # the donor's (or pesantren's) purpose of a restricted fund
    LOSS_COVERAGE = "loss_coverage"  # PPAP / productive-asset losses of the business: never from a maal fund


#: The uses each fund may serve (ZIS-01). Zakat has none here: it leaves by distribute_zakat/allocate_amil.
ALLOWED_USES: Mapping[Fund, frozenset[FundUse]] = {
    Fund.ZAKAT: frozenset(),
    Fund.INFAQ: frozenset({FundUse.SOCIAL}),
    Fund.INFAQ_RESTRICTED: frozenset({FundUse.RESTRICTED_PURPOSE}),
    Fund.AMIL: frozenset({FundUse.AMIL_OPERATIONS}),
    Fund.NONHALAL: frozenset({FundUse.SOCIAL}),
    Fund.KEBAJIKAN: frozenset({FundUse.SOCIAL}),
}


def normalize_purpose(purpose: str) -> str:
    """The sub-ledger name of a restricted purpose: lower case, spaces to hyphens (``"Beasiswa Santri"`` ->
    ``"beasiswa-santri"``).

    Raises:
        InvalidInput: for an empty name or characters other than letters, digits, ``-`` and ``_``.
    """
    key = re.sub(r"\s+", "-", str(purpose).strip().lower())
    if not _PURPOSE.match(key):
        raise InvalidInput(
            f"nama tujuan dana terikat tidak valid: {purpose!r} (huruf, angka, '-' atau '_') / invalid purpose",
            field="purpose",
        )
    return key


@dataclass(frozen=True, slots=True)
class FundRef:
    """A fund, and for ``INFAQ_RESTRICTED`` the purpose that names its sub-ledger.

    Attributes:
        fund: Which fund.
        purpose: The restricted purpose (normalized), required for restricted infaq, absent otherwise.
    """

    fund: Fund
    purpose: str | None = None

    def __post_init__(self) -> None:
        if self.fund is Fund.INFAQ_RESTRICTED:
            if self.purpose is None:
                raise InvalidInput("dana terikat memerlukan tujuan / a restricted fund needs its purpose")
            object.__setattr__(self, "purpose", normalize_purpose(self.purpose))
        elif self.purpose is not None:
            raise InvalidInput(f"{self.fund.value} tidak punya sub-tujuan / {self.fund.value} has no purposes")

    @classmethod
    def restricted(cls, purpose: str) -> FundRef:
        """The restricted fund of ``purpose``."""
        return cls(Fund.INFAQ_RESTRICTED, purpose)

    @property
    def subledger(self) -> str | None:
        """``"fund:<purpose>"`` for a restricted fund, else None."""
        return f"{RESTRICTED_PREFIX}{self.purpose}" if self.purpose else None


@dataclass(frozen=True, slots=True)
class AmilCapPolicy:
    """The amil share setting (ZIS-02).

    Attributes:
        zakat_cap_percent: Cap on amil from zakat collected; at most 12.5% (Perbaznas 1/2016, 1/8 in fiqh).
        collect_only_cap_percent: Cap for a unit that only collects (UPZ); at most 5% [S21].
        collect_only: Whether this Baitul Maal only collects.
        infaq_cap_percent: Cap on amil from unrestricted infaq collected; 20% default (unsourced, KMA 606/2020).
    """

    zakat_cap_percent: Decimal = Decimal("12.5")
    collect_only_cap_percent: Decimal = Decimal(5)
    collect_only: bool = False
    infaq_cap_percent: Decimal = Decimal(20)

    def __post_init__(self) -> None:
        limits = (
            (self.zakat_cap_percent, Decimal("12.5"), "zakat_cap_percent"),
            (self.collect_only_cap_percent, Decimal(5), "collect_only_cap_percent"),
            (self.infaq_cap_percent, HUNDRED, "infaq_cap_percent"),
        )
        for value, high, name in limits:
            if not ZERO <= value <= high:
                raise ShariaViolation(
                    f"{name} harus 0..{high}% / {name} must be within 0..{high}%", rule="ZIS-02", field=name
                )

    def cap_percent(self, source: Fund) -> Decimal:
        """The cap in percent for an amil share taken from ``source`` (zakat or unrestricted infaq)."""
        if source is Fund.ZAKAT:
            return self.collect_only_cap_percent if self.collect_only else self.zakat_cap_percent
        if source is Fund.INFAQ:
            return self.infaq_cap_percent
        raise InvalidInput("bagian amil hanya dari zakat atau infak tidak terikat / amil share only from zakat or unrestricted infaq")


AMIL_CAP_DEFAULT = AmilCapPolicy()
AMIL_CAP_COLLECT_ONLY = AmilCapPolicy(collect_only=True)


class NonhalalKind(StrEnum):
    """Receipts that may never be income (NH-01, FEE-01)."""

    TAZIR = "tazir"  # late-payment sanction of a customer able to pay (fatwa 17/2000)
    BANK_INTEREST = "bank_interest"  # interest from a conventional bank account
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class NonhalalRouting:
    """Which fund each kind of non-halal receipt goes to (a setting).

    Defaults: ta'zir to the kebajikan fund (FEE-01, PSAK 101 ¶75 lists denda as a kebajikan source);
    bank interest and other receipts to the separate non-halal fund (PSAK 109, unsourced).
    """

    tazir: Fund = Fund.KEBAJIKAN
    bank_interest: Fund = Fund.NONHALAL
    other: Fund = Fund.NONHALAL

    def __post_init__(self) -> None:
        for target in (self.tazir, self.bank_interest, self.other):
            if target not in (Fund.NONHALAL, Fund.KEBAJIKAN):
                raise ShariaViolation(
                    "dana nonhalal hanya ke dana nonhalal atau dana kebajikan / non-halal receipts go only to "
                    "the non-halal or kebajikan fund",
                    rule="NH-01",
                )

    def fund_for(self, kind: NonhalalKind) -> Fund:
        """The fund a receipt of ``kind`` goes to."""
        return {NonhalalKind.TAZIR: self.tazir, NonhalalKind.BANK_INTEREST: self.bank_interest}.get(kind, self.other)


DEFAULT_NONHALAL_ROUTING = NonhalalRouting()
# Where a non-halal receipt lands when the caller does not say: ta'zir comes from the business book.
NONHALAL_DEFAULT_ACCOUNT = {
    NonhalalKind.TAZIR: "due_from_tamwil",
    NonhalalKind.BANK_INTEREST: "maal_bank",
    NonhalalKind.OTHER: "maal_cash",
}



def check_use(fund: FundRef, use: FundUse, purpose: str | None = None) -> None:
    """Refuse a use the fund may not serve (ZIS-01, ZIS-03, ZIS-04); return quietly when it may.

    Args:
        fund: The fund the money would come from.
        use: What it would pay for.
        purpose: For ``RESTRICTED_PURPOSE``, the purpose being paid for; it must be the fund's own.
    """
    if use is FundUse.LOSS_COVERAGE:
        if fund.fund is Fund.ZAKAT:
            raise ShariaViolation(
                "dana zakat tidak boleh menutup penyisihan kerugian aset produktif (PSAK 101 ¶73) / zakat "
                "may not cover loan-loss allowances", rule="ZIS-03",
            )
        raise ShariaViolation(
            "dana sosial Baitul Maal tidak untuk menutup kerugian usaha / maal funds do not cover business "
            "losses", rule="ZIS-01",
        )
    if fund.fund is Fund.ZAKAT:
        raise ShariaViolation(
            "dana zakat hanya disalurkan kepada delapan asnaf (dengan tanda asnaf) atau sebagai bagian amil / "
            "zakat leaves only to a tagged asnaf or as the capped amil share", rule="ZIS-04",
        )
    if use not in ALLOWED_USES[fund.fund]:
        raise ShariaViolation(
            f"{fund.fund.value} tidak untuk penggunaan '{use.value}' / {fund.fund.value} may not pay for "
            f"{use.value}", rule="ZIS-01",
        )
    if fund.fund is Fund.INFAQ_RESTRICTED and (purpose is None or normalize_purpose(purpose) != fund.purpose):
        raise ShariaViolation(
            f"dana terikat '{fund.purpose}' hanya untuk tujuannya sendiri, bukan {purpose!r} / a restricted "
            f"fund pays only for its own purpose", rule="ZIS-01",
        )
