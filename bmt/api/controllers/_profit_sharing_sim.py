"""Profit-sharing simulation: ``POST /api/v1/profit-sharing/simulate`` and the form "/bagi-hasil/simulasi".

Public calculators: no guards, nothing stored. The handler checks the request (limits, days, codes,
balances), turns accounts into balance-change events and runs the pure engine
(``bmt.profit_sharing.distribute_period``) in a worker thread, because 100,000 accounts take a moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from anyio import to_thread
from litestar import Controller, get, post
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Template

from bmt.api.schemas._profit_sharing import (
    MAX_SIM_ACCOUNTS,
    MAX_SIM_BALANCES,
    MAX_SIM_BODY_BYTES,
    MAX_SIM_PRODUCTS,
    AccountResult,
    ProductResult,
    SimulationAccount,
    SimulationProduct,
    SimulationRequest,
    SimulationResponse,
)
from bmt.errors import DomainError, InvalidInput
from bmt.money import HALF_UP_SEN, MAX_AMOUNT, percent, round_money, rupiah, to_sen
from bmt.profit_sharing import (
    BalanceEvents,
    EquivalentRateBasis,
    PeriodDistribution,
    ProductSpec,
    balance_events,
    distribute_period,
    to_decimal,
)

TEMPLATE = "profit_sharing/simulate.html"
#: Product rows offered by the form.
FORM_ROWS = 6
KIND_LABELS = {"mudharabah": "Mudharabah", "wadiah": "Wadiah", "equity": "Modal sendiri (ekuitas)"}


def plain(value: Fraction | Decimal | int) -> str:
    """An exact value as API text: plain notation, ≤ 50 significant digits, no trailing zeros."""
    d = value if isinstance(value, Decimal) else to_decimal(value)
    return format(d, "f")


class ProfitSharingSimController(Controller):
    """JSON simulation of a month's distribution."""

    path = "/api/v1/profit-sharing"
    tags = ["profit-sharing"]

    @post("/simulate", status_code=200, request_max_body_size=MAX_SIM_BODY_BYTES)
    async def simulate(self, data: JSONBody[SimulationRequest]) -> SimulationResponse:
        """Product pools, equivalent rates and per-account shares (exact and paid) for one month."""
        return await to_thread.run_sync(run_simulation, data)


def run_simulation(req: SimulationRequest) -> SimulationResponse:
    """Check a request, run the engine and shape the answer (synchronous; no I/O)."""
    days = _days(req.days_in_period)
    if len(req.accounts) > MAX_SIM_ACCOUNTS:
        raise InvalidInput(
            f"paling banyak {MAX_SIM_ACCOUNTS} rekening per permintaan / at most {MAX_SIM_ACCOUNTS} accounts per request",
            field="accounts",
        )
    if sum(len(a.balances) for a in req.accounts) > MAX_SIM_BALANCES:
        raise InvalidInput(
            f"paling banyak {MAX_SIM_BALANCES} baris saldo per permintaan / at most {MAX_SIM_BALANCES} balance entries",
            field="accounts",
        )
    specs, given, carried = _products(req.products)
    owner, events = _accounts(req.accounts, [s.code for s in specs], days)
    result = distribute_period(
        _amount(req.income, "income", sen_only=True),
        _amount(req.financing_adb, "financing_adb"),
        specs,
        owner,
        events,
        given_adbs=given,
        carried_in=carried,
        rate_basis=EquivalentRateBasis(req.equivalent_rate_basis),
    )
    return _response(req, result)


def _days(days: int) -> int:
    if not 1 <= days <= 31:
        raise InvalidInput(
            "days_in_period harus 1..31 / days_in_period must be within 1..31", field="days_in_period"
        )
    return days


def _amount(value: Decimal, name: str, *, sen_only: bool = False) -> Decimal:
    """A non-negative amount; money typed by people has at most 2 decimals, ADBs may have more."""
    if sen_only:
        try:
            return rupiah(value)
        except InvalidInput as exc:
            raise InvalidInput(f"{name}: {exc.message}", field=name) from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise InvalidInput(
            f"{name} harus 0..{MAX_AMOUNT} / {name} must be a number within 0..{MAX_AMOUNT}", field=name
        )
    return value


def _products(
    items: Sequence[SimulationProduct],
) -> tuple[list[ProductSpec], dict[str, Decimal], dict[str, Decimal]]:
    if not 1 <= len(items) <= MAX_SIM_PRODUCTS:
        raise InvalidInput(
            f"produk harus 1..{MAX_SIM_PRODUCTS} / 1..{MAX_SIM_PRODUCTS} products", field="products"
        )
    specs, given, carried = [], {}, {}
    for p in items:
        nisbah = percent(p.nisbah_member_percent, name=f"nisbah {p.code}")
        reserve = percent(p.liquidity_reserve_percent, name=f"cadangan likuiditas {p.code}")
        specs.append(ProductSpec(p.code, p.kind, nisbah, reserve, _amount(p.weight, f"weight {p.code}")))
        if p.adb is not None:
            given[p.code] = _amount(p.adb, f"adb {p.code}")
        carried[p.code] = _amount(p.carried_residue, f"carried_residue {p.code}")
    return specs, given, carried


def _accounts(
    items: Sequence[SimulationAccount], codes: list[str], days: int
) -> tuple[np.ndarray, BalanceEvents]:
    index = {c: j for j, c in enumerate(codes)}
    seen: set[str] = set()
    owner: list[int] = []
    acc: list[int] = []
    day: list[int] = []
    sen: list[int] = []
    for i, a in enumerate(items):
        if str(a.id) in seen:
            raise InvalidInput(f"rekening {a.id} ganda / duplicate account id", field="accounts")
        seen.add(str(a.id))
        if a.product not in index:
            raise InvalidInput(
                f"rekening {a.id}: produk {a.product!r} tidak dikenal / unknown product", field="accounts"
            )
        owner.append(index[a.product])
        previous = 0
        for b in a.balances:
            if not previous < b.from_day <= days:
                raise InvalidInput(
                    f"rekening {a.id}: from_day harus urut, unik dan 1..{days} / "
                    f"from_day must be increasing, unique and within 1..{days}",
                    field="accounts",
                )
            previous = b.from_day
            acc.append(i)
            day.append(b.from_day)
            sen.append(to_sen(_amount(b.balance, f"saldo rekening {a.id}", sen_only=True)))
    events = balance_events(acc, day, sen, n_accounts=len(items), days=days)
    return np.asarray(owner, dtype=np.int64), events


def _response(req: SimulationRequest, result: PeriodDistribution) -> SimulationResponse:
    alloc = result.allocation
    counts = np.bincount(result.account_product, minlength=len(alloc.products)).tolist()
    products = []
    for j, p in enumerate(alloc.products):
        residue = result.residues[j]
        paid = None if residue is None else plain(p.pool - residue)
        products.append(
            ProductResult(
                code=p.spec.code,
                kind=p.spec.kind.value,
                nisbah_member_percent=plain(p.spec.nisbah_member_percent),
                adb=plain(p.adb),
                income_share=plain(p.income_share),
                member_share=plain(p.member_share),
                bmt_share=plain(p.bmt_share),
                equivalent_rate_annual=plain(p.equivalent_rate_annual),
                carried_residue=plain(p.carried_in),
                accounts=counts[j],
                paid_total=paid,
                residue=None if residue is None else plain(residue),
            )
        )
    return SimulationResponse(
        days_in_period=result.days,
        income=plain(alloc.income),
        financing_adb=plain(alloc.financing_adb),
        divisor=plain(alloc.divisor),
        unallocated_income=plain(alloc.unallocated),
        total_member_share=plain(alloc.total_member_share),
        total_bmt_share=plain(alloc.total_bmt_share),
        equivalent_rate_basis=req.equivalent_rate_basis,
        products=products,
        accounts=_account_results(req.accounts, result, [p.spec.code for p in alloc.products]),
    )


def _account_results(
    items: Sequence[SimulationAccount], result: PeriodDistribution, codes: list[str]
) -> list[AccountResult]:
    paid = result.paid.tolist()
    owner = result.account_product.tolist()
    return [
        AccountResult(
            id=a.id,
            product=codes[owner[i]],
            adb=plain(result.account_adb(i)),
            share_exact=plain(result.account_exact_share_decimal(i)),
            share_paid=str(paid[i]),
        )
        for i, a in enumerate(items)
    ]


# ----------------------------------------------------------------------------- the web form


class ProfitSharingSimulationPage(Controller):
    """The manager's form: income, financing ADB, days and a few products; no per-account input."""

    path = "/bagi-hasil/simulasi"
    include_in_schema = False

    @get("/", name="profit_sharing.simulation_form")
    async def form(self) -> Template:
        """The empty form."""
        return Template(template_name=TEMPLATE, context=_page_context({}, None, None))

    @post("/", name="profit_sharing.simulation_run", status_code=200)
    async def run(self, data: URLEncodedBody[dict[str, str]]) -> Template:
        """Compute and re-render the form with the per-product result, or with the error (status 200, for htmx)."""
        try:
            result = _simulate_form(data)
        except DomainError as exc:
            return Template(template_name=TEMPLATE, context=_page_context(data, None, exc.message))
        return Template(template_name=TEMPLATE, context=_page_context(data, result, None))


def _simulate_form(form: Mapping[str, str]) -> dict[str, Any]:
    try:
        days = int(form.get("days_in_period", "").strip())
    except ValueError:
        raise InvalidInput("Jumlah hari harus bilangan bulat 1..31") from None
    products: list[SimulationProduct] = []
    for k in range(FORM_ROWS):
        code = form.get(f"code_{k}", "").strip()
        if not code:
            continue
        kind = form.get(f"kind_{k}", "mudharabah")
        if kind not in KIND_LABELS:
            raise InvalidInput(f"Jenis produk {code} tidak dikenal")
        nisbah = percent(form.get(f"nisbah_{k}", "").strip() or "0", name=f"nisbah {code}")
        adb = rupiah(form.get(f"adb_{k}", "").strip() or "0")
        products.append(SimulationProduct(code=code, kind=kind, nisbah_member_percent=nisbah, adb=adb))
    if not products:
        raise InvalidInput("Isi paling sedikit satu produk")
    req = SimulationRequest(
        days_in_period=days,
        income=rupiah(form.get("income", "").strip() or "0"),
        financing_adb=rupiah(form.get("financing_adb", "").strip() or "0"),
        products=products,
    )
    return _form_result(run_simulation(req))


def _form_result(resp: SimulationResponse) -> dict[str, Any]:
    rows = [
        {
            "code": p.code,
            "kind": KIND_LABELS[p.kind],
            "adb": _id_amount(p.adb),
            "income_share": _id_amount(p.income_share),
            "nisbah": _id_percent(p.nisbah_member_percent) if p.kind == "mudharabah" else "—",
            "member_share": _id_amount(p.member_share),
            "bmt_share": _id_amount(p.bmt_share),
            "rate": _id_percent(p.equivalent_rate_annual) if p.kind == "mudharabah" else "—",
        }
        for p in resp.products
    ]
    return {
        "rows": rows,
        "divisor": _id_amount(resp.divisor),
        "income": _id_amount(resp.income),
        "total_member_share": _id_amount(resp.total_member_share),
        "total_bmt_share": _id_amount(resp.total_bmt_share),
        "unallocated": _id_amount(resp.unallocated_income),
        "has_unallocated": Decimal(resp.unallocated_income) > 0,
    }


def _id_amount(text: str) -> str:
    """Display only (R3): half-up to the sen, Indonesian separators: ``"4870370.1"`` -> ``"Rp4.870.370,10"``."""
    d = round_money(Decimal(text), HALF_UP_SEN)
    return "Rp" + f"{d:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _id_percent(text: str) -> str:
    """Display only (R3): ``"5.84444412"`` -> ``"5,84%"``."""
    d = round_money(Decimal(text), HALF_UP_SEN)
    return f"{d:.2f}".replace(".", ",") + "%"


def _page_context(
    form: Mapping[str, str], result: dict[str, Any] | None, error: str | None
) -> dict[str, Any]:
    rows = [
        {
            "code": form.get(f"code_{k}", ""),
            "kind": form.get(f"kind_{k}", "mudharabah"),
            "nisbah": form.get(f"nisbah_{k}", ""),
            "adb": form.get(f"adb_{k}", ""),
        }
        for k in range(FORM_ROWS)
    ]
    values = {name: form.get(name, "") for name in ("income", "financing_adb", "days_in_period")}
    values["days_in_period"] = values["days_in_period"] or "30"
    return {"rows": rows, "values": values, "kinds": KIND_LABELS, "result": result, "error": error}
