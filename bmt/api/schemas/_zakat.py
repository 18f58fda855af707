"""Request and response of the public zakat calculator (``POST /api/v1/zakat/calculate``).

One request shape carries ``kind`` and the optional fields of every kind; ``to_assessment`` checks that the
fields of the chosen kind are present and no other kind's fields are sent, then calls the pure calculator.
A single shape (rather than a msgspec tagged union) lets an unknown kind or a missing field answer with a
400 problem that names the field in Indonesian and English, instead of a generic decoding error.

Money comes in as ``Decimal`` (a JSON string ``"150000000"`` or a number, both decoded exactly) and goes
out as rupiah strings (``money_str``).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from bmt.errors import InvalidInput
from bmt.money import money_str, rupiah
from bmt.zakat.calculation import (
    IncomeBasis,
    ZakatAssessment,
    zakat_maal,
    zakat_penghasilan,
    zakat_perdagangan,
)
from bmt.zakat.nisab import IncomeNisabTable

#: The kinds and their required fields (in order), then their optional fields.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "maal": ("wealth", "gold_price_per_gram", "haul_complete"),
    "penghasilan": ("monthly_income", "year"),
    "perdagangan": ("current_assets", "current_liabilities", "gold_price_per_gram"),
}
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "maal": (),
    "penghasilan": ("annual_income", "income_basis", "monthly_deductions"),
    "perdagangan": (),
}
ALL_FIELDS = tuple(sorted({f for fs in (*REQUIRED_FIELDS.values(), *OPTIONAL_FIELDS.values()) for f in fs}))


class ZakatCalculateRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A zakat calculation. ``kind`` is ``maal``, ``penghasilan`` or ``perdagangan``.

    * maal: ``wealth``, ``gold_price_per_gram``, ``haul_complete``.
    * penghasilan: ``monthly_income``, ``year``; optional ``annual_income`` (default 12 × monthly),
      ``income_basis`` (``gross`` default, or ``net``) and ``monthly_deductions`` (net basis only).
    * perdagangan: ``current_assets``, ``current_liabilities``, ``gold_price_per_gram``.
    """

    kind: str
    wealth: Decimal | None = None
    gold_price_per_gram: Decimal | None = None
    haul_complete: bool | None = None
    monthly_income: Decimal | None = None
    year: int | None = None
    annual_income: Decimal | None = None
    income_basis: str | None = None
    monthly_deductions: Decimal | None = None
    current_assets: Decimal | None = None
    current_liabilities: Decimal | None = None

    def checked_kind(self) -> str:
        """The kind, after checking that its fields are all there and no other kind's field is.

        Raises:
            InvalidInput: an unknown kind, a missing field, or a field that does not belong to the kind.
        """
        kind = self.kind.strip().lower()
        if kind not in REQUIRED_FIELDS:
            raise InvalidInput(
                f"jenis zakat tidak dikenal: {self.kind!r}; pilih maal, penghasilan atau perdagangan / "
                f"unknown kind {self.kind!r}: use maal, penghasilan or perdagangan",
                field="kind",
            )
        for name in REQUIRED_FIELDS[kind]:
            if getattr(self, name) is None:
                raise InvalidInput(
                    f"{name} wajib diisi untuk zakat {kind} / {name} is required for kind {kind}", field=name
                )
        allowed = set(REQUIRED_FIELDS[kind]) | set(OPTIONAL_FIELDS[kind])
        for name in ALL_FIELDS:
            if name not in allowed and getattr(self, name) is not None:
                raise InvalidInput(
                    f"{name} tidak dipakai untuk zakat {kind} / {name} does not apply to kind {kind}", field=name
                )
        return kind

    def to_assessment(self, nisab_table: IncomeNisabTable) -> ZakatAssessment:
        """Run the calculator of the kind (the pure core does the arithmetic and its own checks)."""
        kind = self.checked_kind()
        if kind == "maal":
            return zakat_maal(
                _money(self.wealth, "wealth"),
                _money(self.gold_price_per_gram, "gold_price_per_gram", positive=True),
                haul_complete=bool(self.haul_complete),
            )
        if kind == "penghasilan":
            return zakat_penghasilan(
                _money(self.monthly_income, "monthly_income"),
                int(self.year or 0),
                nisab_table,
                annual_income=None if self.annual_income is None else _money(self.annual_income, "annual_income"),
                income_basis=_income_basis(self.income_basis),
                monthly_deductions=_money(self.monthly_deductions or Decimal(0), "monthly_deductions"),
            )
        return zakat_perdagangan(
            _money(self.current_assets, "current_assets"),
            _money(self.current_liabilities, "current_liabilities"),
            _money(self.gold_price_per_gram, "gold_price_per_gram", positive=True),
        )


def _money(value: Decimal | None, field: str, *, positive: bool = False) -> Decimal:
    """A rupiah amount from the request: not negative, at most two decimals, within the engine's limit."""
    try:
        return rupiah(value if value is not None else Decimal(0), allow_zero=not positive)
    except InvalidInput as exc:
        raise InvalidInput(f"{field}: {exc.message}", field=field) from None


def _income_basis(value: str | None) -> IncomeBasis:
    if value is None:
        return IncomeBasis.GROSS
    try:
        return IncomeBasis(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "income_basis harus 'gross' atau 'net' / income_basis must be 'gross' or 'net'", field="income_basis"
        ) from None


class ZakatCalculation(msgspec.Struct, omit_defaults=True):
    """The answer: nisab tested, whether zakat is due, the amount the rate applied to and the zakat due.

    ``nisab`` is the monthly nisab for penghasilan, which also carries ``nisab_annual``.
    """

    kind: str
    nisab: str
    obligated: bool
    zakat_due: str
    rate_percent: str
    basis: str
    nisab_annual: str | None = None

    @classmethod
    def of(cls, result: ZakatAssessment) -> ZakatCalculation:
        return cls(
            kind=result.kind.value,
            nisab=money_str(result.nisab),
            obligated=result.obligated,
            zakat_due=money_str(result.zakat_due),
            rate_percent=str(result.rate_percent),
            basis=money_str(result.basis),
            nisab_annual=None if result.nisab_annual is None else money_str(result.nisab_annual),
        )


__all__ = ["REQUIRED_FIELDS", "ZakatCalculateRequest", "ZakatCalculation"]
