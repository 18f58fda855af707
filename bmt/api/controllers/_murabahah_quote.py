"""The murabahah quote: a public calculator, as JSON and as a web form. Nothing is stored.

* ``POST /api/v1/murabahah/quote``: price, implied rate and the installment schedule.
* ``POST /api/v1/murabahah/settlement-quote``: early settlement without unelapsed margin (fatwa 153/2022).
* ``GET|POST /pembiayaan/murabahah/simulasi``: the same quote (and, optionally, a settlement after k
  installments) as a form for the financing officer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Template

from bmt.api.pages import page
from bmt.api.schemas._murabahah import (
    MurabahahQuoteRequest,
    MurabahahQuoteResponse,
    MurabahahSettlementQuoteRequest,
    MurabahahSettlementQuoteResponse,
)
from bmt.contracts import murabahah
from bmt.errors import DomainError, InvalidInput
from bmt.money import percent, rupiah

TEMPLATE = "financing/murabahah_quote.html"
FORM_FIELDS = (
    "cost_price",
    "down_payment",
    "margin_basis",
    "margin_value",
    "tenor_months",
    "first_due_date",
    "recognition",
    "installments_paid",
)
#: The margin choices of the form: (field of the terms, label).
MARGIN_BASES = (
    ("margin_rate_flat_annual", "Margin flat (% per tahun dari pembiayaan)"),
    ("effective_rate_annual", "Tingkat efektif (% per tahun, anuitas)"),
    ("margin_amount", "Margin dalam rupiah"),
)
RECOGNITIONS = (("proportional", "Proporsional"), ("annuity", "Anuitas"))


class MurabahahQuoteController(Controller):
    """JSON quotes of a murabahah (public, no persistence)."""

    path = "/api/v1/murabahah"
    tags = ["murabahah"]

    @post("/quote", status_code=200, summary="Simulasi murabahah / murabahah quote")
    async def quote(self, data: JSONBody[MurabahahQuoteRequest]) -> MurabahahQuoteResponse:
        """Selling price, margin, the implied monthly rate and the schedule. Rounding R1: half-up to whole
        rupiah, the last installment absorbs the residue; Σ amount = selling price - down payment."""
        return MurabahahQuoteResponse.of(murabahah.quote(data.to_terms()))

    @post(
        "/settlement-quote", status_code=200, summary="Simulasi pelunasan dipercepat / early settlement quote"
    )
    async def settlement_quote(
        self, data: JSONBody[MurabahahSettlementQuoteRequest]
    ) -> MurabahahSettlementQuoteResponse:
        """What settling now costs after ``installments_paid`` (or ``amount_paid``), without the margin of
        time not yet elapsed, under the akad's recognition method."""
        q = murabahah.quote(data.to_terms())
        s = murabahah.settlement_quote(
            q, installments_paid=data.installments_paid, amount_paid=data.amount_paid, as_of=data.as_of
        )
        return MurabahahSettlementQuoteResponse.of(q, s)


def _text(form: dict[str, str], name: str, label: str) -> str:
    text = form.get(name, "").strip()
    if not text:
        raise InvalidInput(f"{label} wajib diisi", field=name)
    return text


def _amount(form: dict[str, str], name: str, label: str, *, allow_zero: bool = False) -> Decimal:
    try:
        return rupiah(_text(form, name, label), allow_zero=allow_zero)
    except InvalidInput as exc:
        raise InvalidInput(f"{label}: {exc.message}", field=name) from None


def _int(form: dict[str, str], name: str, label: str) -> int:
    text = _text(form, name, label)
    if not text.isdigit():
        raise InvalidInput(f"{label} harus bilangan bulat", field=name)
    return int(text)


def _date(form: dict[str, str], name: str, label: str) -> date:
    try:
        return date.fromisoformat(_text(form, name, label))
    except ValueError:
        raise InvalidInput(f"{label} harus tanggal yang valid (TTTT-BB-HH)", field=name) from None


def _margin(form: dict[str, str]) -> dict[str, Decimal]:
    basis = form.get("margin_basis", "")
    if basis not in dict(MARGIN_BASES):
        raise InvalidInput("Pilih cara menentukan margin", field="margin_basis")
    if basis == "margin_amount":
        return {basis: _amount(form, "margin_value", "Margin")}
    try:
        return {basis: percent(_text(form, "margin_value", "Margin"), high=murabahah.MAX_RATE_PERCENT)}
    except InvalidInput as exc:
        raise InvalidInput(f"Margin: {exc.message}", field="margin_value") from None


def terms_from_form(form: dict[str, str]) -> murabahah.MurabahahTerms:
    """Read the form (amounts may be written ``10.000.000``, rates ``12`` or ``12,5``).

    Raises:
        InvalidInput: with an Indonesian message naming the field.
    """
    down = form.get("down_payment", "").strip()
    return murabahah.MurabahahTerms(
        cost_price=_amount(form, "cost_price", "Harga perolehan"),
        down_payment=_amount(form, "down_payment", "Uang muka", allow_zero=True) if down else Decimal(0),
        tenor_months=_int(form, "tenor_months", "Jangka waktu"),
        first_due_date=_date(form, "first_due_date", "Jatuh tempo pertama"),
        recognition=form.get("recognition", ""),  # type: ignore[arg-type]  # checked by the terms
        **_margin(form),
    )


def _form_error(exc: DomainError) -> dict[str, str]:
    """{field: message} for the form macros; the Indonesian half of the house-style message only."""
    field = exc.field or "_"
    if field in ("margin", "margin_amount", "margin_rate_flat_annual", "effective_rate_annual"):
        field = "margin_value"
    if field not in FORM_FIELDS:
        field = "_"
    return {field: exc.message.split(" / ")[0]}


def simulate(form: dict[str, str]) -> dict[str, object]:
    """The page's context for a submitted form: the quote and, if asked, the settlement after k installments."""
    q = murabahah.quote(terms_from_form(form))
    settlement = None
    if form.get("installments_paid", "").strip():
        k = _int(form, "installments_paid", "Angsuran yang sudah dibayar")
        try:
            settlement = murabahah.settlement_quote(q, installments_paid=k)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="installments_paid") from None
    return {"quote": q, "settlement": settlement}


class MurabahahQuotePage(Controller):
    """The murabahah simulation form (Bahasa Indonesia)."""

    path = "/pembiayaan/murabahah/simulasi"
    include_in_schema = False

    def _render(self, request: Request, form: dict[str, str], **context: object) -> Template:
        return page(
            request,
            TEMPLATE,
            form=form,
            margin_bases=MARGIN_BASES,
            recognitions=RECOGNITIONS,
            **{"errors": {}, "quote": None, "settlement": None, **context},
        )

    @get("/")
    async def form(self, request: Request) -> Template:
        """The empty form (flat margin, proportional recognition preselected)."""
        return self._render(
            request, {"margin_basis": "margin_rate_flat_annual", "recognition": "proportional"}
        )

    @post("/", status_code=200)
    async def submit(self, request: Request, data: URLEncodedBody[dict[str, str]]) -> Template:
        """The form again, with the schedule or with what to correct (status 200 either way, so htmx swaps)."""
        form = {k: v for k, v in data.items() if k in FORM_FIELDS}
        try:
            result = simulate(form)
        except DomainError as exc:
            return self._render(request, form, errors=_form_error(exc))
        return self._render(request, form, **result)


__all__ = ["MurabahahQuoteController", "MurabahahQuotePage", "simulate", "terms_from_form"]
