"""The public murabahah calculators over HTTP: JSON quote, settlement quote, problems, and the form page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient, create_test_client

from bmt.api.controllers._murabahah_quote import MurabahahQuoteController, MurabahahQuotePage
from bmt.api.errors import exception_handlers

A1: dict[str, Any] = {
    "cost_price": "10000000",
    "margin_rate_flat_annual": "12",
    "tenor_months": 12,
    "first_due_date": "2025-02-01",
    "recognition": "proportional",
}


@pytest.fixture
def api() -> Iterator[TestClient]:
    with create_test_client(
        route_handlers=[MurabahahQuoteController], exception_handlers=exception_handlers()
    ) as c:
        yield c


def quote(c: TestClient, **over: Any) -> Any:
    body = {**A1, **over}
    return c.post("/api/v1/murabahah/quote", json={k: v for k, v in body.items() if v is not None})


def test_the_a1_quote_answers_200_with_strings_of_rupiah_and_the_schedule(api: TestClient) -> None:
    r = quote(api)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {
        k: body[k] for k in ("financed_amount", "total_margin", "selling_price", "receivable", "installment")
    } == {
        "financed_amount": "10000000",
        "total_margin": "1200000",
        "selling_price": "11200000",
        "receivable": "11200000",
        "installment": "933333",
    }
    assert body["installments"][0] == {
        "number": 1,
        "due_date": "2025-02-01",
        "amount": "933333",
        "principal": "833333",
        "margin": "100000",
        "outstanding_principal": "9166667",
    }
    assert body["installments"][-1]["amount"] == "933337"
    assert body["installments"][-1]["outstanding_principal"] == "0"
    assert sum(int(i["amount"]) for i in body["installments"]) == 11_200_000


def test_the_implied_rate_is_a_percent_string_with_ten_decimals(api: TestClient) -> None:
    body = quote(api, recognition="annuity").json()
    assert body["effective_rate_monthly"] == "1.7880986919"
    assert body["effective_rate_annual"] == "21.4571843029"
    assert [i["margin"] for i in body["installments"][:2]] == ["178810", "165318"]


def test_an_effective_rate_quote_prices_the_a2_annuity(api: TestClient) -> None:
    body = quote(api, margin_rate_flat_annual=None, effective_rate_annual=12, recognition="annuity").json()
    assert (body["installment"], body["total_margin"], body["selling_price"]) == (
        "888488",
        "661853",
        "10661853",
    )
    assert body["effective_rate_monthly"] == "1.0000000000"
    assert body["installments"][-1]["amount"] == "888485"


def test_a_down_payment_reduces_the_financed_amount_as_in_a3(api: TestClient) -> None:
    body = quote(api, down_payment="1000000").json()
    assert (body["financed_amount"], body["receivable"], body["installment"]) == (
        "9000000",
        "10080000",
        "840000",
    )


def test_json_numbers_are_read_exactly_too(api: TestClient) -> None:
    body = quote(api, cost_price=10000000, margin_rate_flat_annual=12.5).json()
    assert body["total_margin"] == "1250000"


@pytest.mark.parametrize(
    "over",
    [
        {"margin_rate_flat_annual": None},
        {"margin_amount": "1200000"},
        {"margin_amount": "1200000", "effective_rate_annual": "12"},
    ],
)
def test_none_or_several_margin_fields_answer_400_naming_the_three(api: TestClient, over: dict) -> None:
    r = quote(api, **over)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    title = r.json()["title"]
    assert (
        "margin_amount" in title and "margin_rate_flat_annual" in title and "effective_rate_annual" in title
    )


@pytest.mark.parametrize(
    "over",
    [
        {"cost_price": "-10000000"},
        {"cost_price": "0"},
        {"tenor_months": 0},
        {"tenor_months": 361},
        {"first_due_date": "2025-02-30"},
        {"first_due_date": "besok"},
        {"margin_rate_flat_annual": "0"},
        {"margin_rate_flat_annual": "101"},
        {"down_payment": "10000000"},
        {"recognition": "flat"},
        {"cost_price": "10.000.000"},
        {"unknown_field": 1},
    ],
)
def test_bad_input_answers_400_problem(api: TestClient, over: dict) -> None:
    r = quote(api, **over)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_the_a4_settlement_quote_after_six_installments(api: TestClient) -> None:
    prop = api.post("/api/v1/murabahah/settlement-quote", json={**A1, "installments_paid": 6})
    assert prop.status_code == 200, prop.text
    assert {
        k: prop.json()[k] for k in ("outstanding_receivable", "unrecognised_margin", "settlement_amount")
    } == {
        "outstanding_receivable": "5600002",
        "unrecognised_margin": "600000",
        "settlement_amount": "5000002",
    }
    ann = api.post(
        "/api/v1/murabahah/settlement-quote", json={**A1, "recognition": "annuity", "installments_paid": 6}
    ).json()
    assert (ann["unrecognised_margin"], ann["settlement_amount"]) == ("334405", "5265597")


def test_a_settlement_quote_accepts_an_amount_paid_and_a_settlement_date(api: TestClient) -> None:
    body = {**A1, "amount_paid": "2799999", "as_of": "2025-07-01"}
    r = api.post("/api/v1/murabahah/settlement-quote", json=body)
    assert r.status_code == 200, r.text
    # three installments paid, six due: the margin of months 4-6 has elapsed and is owed
    assert (r.json()["settlement_amount"], r.json()["as_of"]) == ("7800001", "2025-07-01")


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"installments_paid": 6, "amount_paid": "5599998"},
        {"installments_paid": 13},
        {"installments_paid": -1},
        {"amount_paid": "11200001"},
    ],
)
def test_a_settlement_quote_needs_one_valid_measure_of_what_was_paid(api: TestClient, extra: dict) -> None:
    r = api.post("/api/v1/murabahah/settlement-quote", json={**A1, **extra})
    assert r.status_code == 400, r.text


def test_the_quote_endpoints_are_documented_in_openapi(api: TestClient) -> None:
    paths = api.get("/schema/openapi.json").json()["paths"]
    assert "200" in paths["/api/v1/murabahah/quote"]["post"]["responses"]
    assert "200" in paths["/api/v1/murabahah/settlement-quote"]["post"]["responses"]


# ---- the form page -----------------------------------------------------------------------------------------


@pytest.fixture
def web() -> Iterator[TestClient]:
    from litestar.plugins.jinja import JinjaTemplateEngine
    from litestar.template.config import TemplateConfig

    from bmt.reports.jinja import TEMPLATE_DIR, register_filters

    templates = TemplateConfig(
        directory=TEMPLATE_DIR,
        engine=JinjaTemplateEngine,
        engine_callback=lambda e: register_filters(e.engine),
    )
    with create_test_client(
        route_handlers=[MurabahahQuotePage],
        template_config=templates,
        exception_handlers=exception_handlers(),
    ) as c:
        yield c


FORM = {
    "cost_price": "10.000.000",
    "down_payment": "",
    "margin_basis": "margin_rate_flat_annual",
    "margin_value": "12",
    "tenor_months": "12",
    "first_due_date": "2025-02-01",
    "recognition": "annuity",
    "installments_paid": "6",
}


def test_the_form_page_shows_an_empty_form(web: TestClient) -> None:
    r = web.get("/pembiayaan/murabahah/simulasi")
    assert r.status_code == 200
    assert 'name="cost_price"' in r.text and "jadwal-murabahah" not in r.text


def test_posting_the_form_re_renders_it_with_the_schedule_and_the_settlement(web: TestClient) -> None:
    r = web.post("/pembiayaan/murabahah/simulasi", data=FORM)
    assert r.status_code == 200, r.text
    assert "jadwal-murabahah" in r.text
    assert "Rp933.337" in r.text and "Rp178.810" in r.text and "Rp11.200.000" in r.text
    assert "Rp5.265.597" in r.text  # settlement after six installments, annuity
    assert 'value="10.000.000"' in r.text  # what was typed is kept


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"cost_price": ""}, "Harga perolehan wajib diisi"),
        ({"tenor_months": "0"}, "tenor harus 1..360 bulan"),
        ({"margin_value": "abc"}, "Margin:"),
        ({"first_due_date": "31-02-2025"}, "Jatuh tempo pertama harus tanggal"),
        ({"installments_paid": "13"}, "jumlah angsuran dibayar harus 0..12"),
    ],
)
def test_a_bad_form_is_re_rendered_with_the_message_in_indonesian(
    web: TestClient, over: dict, message: str
) -> None:
    r = web.post("/pembiayaan/murabahah/simulasi", data={**FORM, **over})
    assert r.status_code == 200
    assert message in r.text
    assert "jadwal-murabahah" not in r.text
