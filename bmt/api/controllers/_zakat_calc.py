"""The public zakat calculator, as JSON and as a web form, for members and officers. Nothing is stored.

* ``POST /api/v1/zakat/calculate``: ``kind`` maal, penghasilan or perdagangan -> nisab, obligated,
  zakat_due (see ``bmt.api.schemas._zakat``).
* ``GET|POST /zakat/kalkulator``: the same three calculators as a form (Bahasa Indonesia).

The income nisab table is the Litestar dependency ``nisab_table``. Neither controller registers it: a
controller-level ``Provide`` would win over an app-level one (Litestar resolves the closest layer first),
so the app could not swap in the table it keeps in the database. Instead the handlers fall back to
``nisab_table_provider()`` (the shipped 2024/2025 table) when no layer provides ``nisab_table``, and the app
overrides it with ``Litestar(dependencies={"nisab_table": Provide(its_provider)})``, its provider returning
``merge_income_nisab(DEFAULT_INCOME_NISAB, years_added_by_admin)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, URLEncodedBody
from litestar.response import Template

from bmt.api.pages import page
from bmt.api.schemas._zakat import REQUIRED_FIELDS, ZakatCalculateRequest, ZakatCalculation
from bmt.errors import DomainError, InvalidInput
from bmt.money import rupiah
from bmt.zakat.calculation import ZakatAssessment
from bmt.zakat.nisab import DEFAULT_INCOME_NISAB, IncomeNisabTable

TEMPLATE = "zakat/calculator.html"
KINDS = (("maal", "Zakat maal"), ("penghasilan", "Zakat penghasilan"), ("perdagangan", "Zakat perdagangan"))
FORM_FIELDS = (
    "kind",
    "wealth",
    "gold_price_per_gram",
    "haul_complete",
    "monthly_income",
    "year",
    "annual_income",
    "current_assets",
    "current_liabilities",
)
FIELD_LABELS = {
    "wealth": "Jumlah harta",
    "gold_price_per_gram": "Harga emas per gram",
    "monthly_income": "Penghasilan per bulan",
    "year": "Tahun",
    "annual_income": "Penghasilan per tahun",
    "current_assets": "Aset lancar",
    "current_liabilities": "Kewajiban lancar",
}


def nisab_table_provider() -> IncomeNisabTable:
    """The income nisab table the calculators use when the app provides none: the shipped BAZNAS years."""
    return DEFAULT_INCOME_NISAB


class ZakatCalcController(Controller):
    """JSON zakat calculator (public, no persistence)."""

    path = "/api/v1/zakat"
    tags = ["zakat"]

    @post("/calculate", status_code=200, summary="Kalkulator zakat / zakat calculator")
    async def calculate(
        self,
        data: JSONBody[ZakatCalculateRequest],
        nisab_table: NamedDependency[IncomeNisabTable | None] = None,
    ) -> ZakatCalculation:
        """Nisab, whether zakat is due, and how much (2.5%, half-up to the rupiah).

        * maal: nisab = 85 g × ``gold_price_per_gram``; due when ``haul_complete`` and ``wealth`` >= nisab.
        * penghasilan: the BAZNAS nisab of ``year`` (``nisab`` monthly, ``nisab_annual``); due when the
          monthly income reaches the monthly nisab, or the annual income (``annual_income``, else 12 ×
          monthly) reaches the annual nisab; 2.5% of the monthly income. A year without a nisab is a 400.
        * perdagangan: basis = ``current_assets`` − ``current_liabilities``; due when basis >= nisab.
        """
        table = nisab_table if nisab_table is not None else nisab_table_provider()
        return ZakatCalculation.of(data.to_assessment(table))


def request_from_form(form: dict[str, str]) -> ZakatCalculateRequest:
    """The API request from the form: amounts as tellers type them (``150.000.000``), only the fields of
    the chosen kind.

    Raises:
        InvalidInput: with an Indonesian message naming the field.
    """
    kind = form.get("kind", "").strip()
    values: dict[str, Any] = {"kind": kind}
    if kind == "maal":
        values["haul_complete"] = form.get("haul_complete", "") in ("1", "on", "true", "ya")
    for name in _FORM_KIND_FIELDS.get(kind, ()):
        label, text = FIELD_LABELS[name], form.get(name, "").strip()
        if text:
            values[name] = _form_year(text) if name == "year" else _form_amount(text, name, label)
        elif name in REQUIRED_FIELDS[kind]:
            raise InvalidInput(f"{label} wajib diisi / {name} is required", field=name)
    return ZakatCalculateRequest(**values)


_FORM_KIND_FIELDS = {
    "maal": ("wealth", "gold_price_per_gram"),
    "penghasilan": ("monthly_income", "year", "annual_income"),
    "perdagangan": ("current_assets", "current_liabilities", "gold_price_per_gram"),
}


def _form_amount(text: str, name: str, label: str) -> Decimal:
    try:
        return rupiah(text)
    except InvalidInput as exc:
        raise InvalidInput(f"{label}: {exc.message}", field=name) from None


def _form_year(text: str) -> int:
    if not text.isdigit():
        raise InvalidInput("Tahun harus bilangan bulat, mis. 2025 / year must be a whole number", field="year")
    return int(text)


class ZakatCalcPage(Controller):
    """The zakat calculator form (Bahasa Indonesia), public."""

    path = "/zakat/kalkulator"
    include_in_schema = False

    @get("/")
    async def form(
        self,
        request: Request,
        jenis: FromQuery[str | None] = None,
        nisab_table: NamedDependency[IncomeNisabTable | None] = None,
    ) -> Template:
        """The empty form, on the tab ``?jenis=`` names (maal by default)."""
        return _render(request, {"kind": jenis or "maal"}, None, None, nisab_table)

    @post("/", status_code=200)
    async def calculate(
        self,
        request: Request,
        data: URLEncodedBody[dict[str, str]],
        nisab_table: NamedDependency[IncomeNisabTable | None] = None,
    ) -> Template:
        """The form again with the result, or with what to correct (status 200 either way, so htmx swaps)."""
        form = {k: v for k, v in data.items() if k in FORM_FIELDS}
        table = nisab_table if nisab_table is not None else nisab_table_provider()
        result: ZakatAssessment | None = None
        error = None
        try:
            result = request_from_form(form).to_assessment(table)
        except DomainError as exc:
            error = exc.message.split(" / ")[0]  # the Indonesian half of the house-style message
        return _render(request, form, result, error, nisab_table)


def _render(
    request: Request,
    form: dict[str, str],
    result: ZakatAssessment | None,
    error: str | None,
    nisab_table: IncomeNisabTable | None,
) -> Template:
    table = nisab_table if nisab_table is not None else nisab_table_provider()
    kind = form.get("kind") if form.get("kind") in dict(KINDS) else "maal"
    return page(
        request,
        TEMPLATE,
        form=form,
        kind=kind,
        kinds=KINDS,
        result=result,
        error=error,
        nisab_years=[table[y] for y in sorted(table)],
    )


__all__ = ["ZakatCalcController", "ZakatCalcPage", "nisab_table_provider", "request_from_form"]
