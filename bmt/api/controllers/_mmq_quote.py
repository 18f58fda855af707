"""The MMQ (musyarakah mutanaqisah) quote: a public calculator, as JSON and as a web form. Nothing is stored.

* ``POST /api/v1/musyarakah-mutanaqisah/quote``: the schedule of buy-backs and rent shares with totals.
* ``GET|POST /pembiayaan/mmq/simulasi``: the same quote as a form for the financing officer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Template

from bmt.api.pages import page
from bmt.api.schemas._mmq import MmqQuoteRequest, MmqQuoteResponse
from bmt.contracts.musyarakah import MmqTerms, RentReview, mmq_schedule
from bmt.errors import DomainError, InvalidInput
from bmt.money import rupiah

TEMPLATE = "financing/mmq_quote.html"
FORM_FIELDS = (
    "asset_price",
    "bmt_share_amount",
    "monthly_rent",
    "tenor_months",
    "first_due_date",
    "review_from_month",
    "review_monthly_rent",
)


class MmqQuoteController(Controller):
    """JSON quote of a musyarakah mutanaqisah (public, no persistence)."""

    path = "/api/v1/musyarakah-mutanaqisah"
    tags = ["musyarakah mutanaqisah"]

    @post("/quote", status_code=200, summary="Simulasi jadwal MMQ / MMQ quote")
    async def quote(self, data: JSONBody[MmqQuoteRequest]) -> MmqQuoteResponse:
        """The BMT's diminishing share month by month: rent share by ownership at the start of the month,
        equal buy-backs (the last clears the balance), and the totals."""
        return MmqQuoteResponse.of(mmq_schedule(data.to_terms()))


def _form_amount(form: dict[str, str], name: str, label: str, *, allow_zero: bool = False) -> Decimal:
    text = form.get(name, "").strip()
    if not text:
        raise InvalidInput(f"{label} wajib diisi", field=name)
    try:
        return rupiah(text, allow_zero=allow_zero)
    except InvalidInput as exc:
        raise InvalidInput(f"{label}: {exc.message}", field=name) from None


def _form_int(form: dict[str, str], name: str, label: str) -> int:
    text = form.get(name, "").strip()
    if not text.isdigit():
        raise InvalidInput(f"{label} harus bilangan bulat", field=name)
    return int(text)


def _form_date(form: dict[str, str], name: str, label: str) -> date:
    try:
        return date.fromisoformat(form.get(name, "").strip())
    except ValueError:
        raise InvalidInput(f"{label} harus tanggal yang valid (TTTT-BB-HH)", field=name) from None


def terms_from_form(form: dict[str, str]) -> MmqTerms:
    """Read the form (amounts may be written ``150.000.000``); an optional single rent review.

    Raises:
        InvalidInput: with an Indonesian message naming the field.
    """
    reviews: tuple[RentReview, ...] = ()
    if form.get("review_from_month", "").strip() or form.get("review_monthly_rent", "").strip():
        reviews = (
            RentReview(
                _form_int(form, "review_from_month", "Bulan tinjauan sewa"),
                _form_amount(form, "review_monthly_rent", "Sewa baru", allow_zero=True),
            ),
        )
    return MmqTerms(
        asset_price=_form_amount(form, "asset_price", "Harga aset"),
        bmt_share_amount=_form_amount(form, "bmt_share_amount", "Porsi BMT"),
        monthly_rent=_form_amount(form, "monthly_rent", "Sewa bulanan", allow_zero=True),
        tenor_months=_form_int(form, "tenor_months", "Jangka waktu"),
        first_due_date=_form_date(form, "first_due_date", "Jatuh tempo pertama"),
        rent_reviews=reviews,
    )


def _form_error(exc: DomainError) -> dict[str, str]:
    """{field: message} for the form macros; the Indonesian half of the house-style message only."""
    field = {"rent_reviews": "review_from_month"}.get(exc.field or "", exc.field or "_")
    if field not in FORM_FIELDS:
        field = "_"
    return {field: exc.message.split(" / ")[0]}


class MmqQuotePage(Controller):
    """The MMQ simulation form (Bahasa Indonesia)."""

    path = "/pembiayaan/mmq/simulasi"
    include_in_schema = False

    @get("/")
    async def form(self, request: Request) -> Template:
        """The empty form."""
        return page(request, TEMPLATE, form={}, errors={}, schedule=None)

    @post("/", status_code=200)
    async def simulate(self, request: Request, data: URLEncodedBody[dict[str, str]]) -> Template:
        """The form again, with the schedule or with what to correct (status 200 either way, so htmx swaps)."""
        form = {k: v for k, v in data.items() if k in FORM_FIELDS}
        try:
            schedule = mmq_schedule(terms_from_form(form))
        except DomainError as exc:
            return page(request, TEMPLATE, form=form, errors=_form_error(exc), schedule=None)
        return page(request, TEMPLATE, form=form, errors={}, schedule=schedule)


__all__ = ["MmqQuoteController", "MmqQuotePage", "terms_from_form"]
