"""The MMQ quote: POST /api/v1/musyarakah-mutanaqisah/quote and the /pembiayaan/mmq/simulasi form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.testing import TestClient, create_test_client

from bmt.api.controllers._mmq_quote import MmqQuoteController, MmqQuotePage
from bmt.api.errors import exception_handlers
from bmt.reports.jinja import TEMPLATE_DIR, register_filters

URL = "/api/v1/musyarakah-mutanaqisah/quote"
PAGE = "/pembiayaan/mmq/simulasi"
EXAMPLE_D: dict[str, Any] = {
    "asset_price": "150000000",
    "bmt_share_amount": "120000000",
    "monthly_rent": "1500000",
    "tenor_months": 24,
    "first_due_date": "2025-01-31",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    templates = TemplateConfig(
        directory=TEMPLATE_DIR,
        engine=JinjaTemplateEngine,
        engine_callback=lambda e: register_filters(e.engine),
    )
    with create_test_client(
        route_handlers=[MmqQuoteController, MmqQuotePage],
        exception_handlers=exception_handlers(),
        template_config=templates,
    ) as c:
        yield c


def test_example_d_is_quoted_with_its_rows_and_totals(client: TestClient) -> None:
    r = client.post(URL, json=EXAMPLE_D)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total_rent_to_bmt"], body["total_buyback"], body["total_payment"]) == (
        "15000000",
        "120000000",
        "135000000",
    )
    assert body["customer_share_amount"] == "30000000"
    assert len(body["installments"]) == 24
    assert body["installments"][0] == {
        "number": 1,
        "due_date": "2025-01-31",
        "bmt_share_percent_start": "80.0000",
        "rent_to_bmt": "1200000",
        "buyback": "5000000",
        "payment": "6200000",
        "bmt_balance_end": "115000000",
    }
    assert body["installments"][1]["bmt_share_percent_start"] == "76.6667"
    assert body["installments"][1]["due_date"] == "2025-02-28"
    assert body["installments"][-1]["payment"] == "5050000"
    assert body["installments"][-1]["bmt_balance_end"] == "0"


def test_amounts_may_be_sent_as_json_numbers(client: TestClient) -> None:
    r = client.post(
        URL,
        json=EXAMPLE_D | {"asset_price": 150000000, "bmt_share_amount": 120000000, "monthly_rent": 1500000},
    )
    assert r.status_code == 200, r.text
    assert r.json()["total_payment"] == "135000000"


def test_a_rent_review_reprices_the_rent_from_its_month(client: TestClient) -> None:
    r = client.post(URL, json=EXAMPLE_D | {"rent_reviews": [{"from_month": 13, "monthly_rent": "1800000"}]})
    assert r.status_code == 200, r.text
    rows = r.json()["installments"]
    assert rows[11]["rent_to_bmt"] == "650000"
    assert rows[12]["rent_to_bmt"] == "720000"
    assert rows[12]["bmt_balance_end"] == "55000000"
    assert r.json()["total_rent_to_bmt"] == "15780000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bmt_share_amount": "150000000"}, "bmt_share_amount"),
        ({"bmt_share_amount": "160000000"}, "bmt_share_amount"),
        ({"bmt_share_amount": "0"}, "bmt_share_amount"),
        ({"tenor_months": 0}, "tenor_months"),
        ({"tenor_months": 361}, "tenor_months"),
        ({"monthly_rent": "-1"}, "monthly_rent"),
        ({"rent_reviews": [{"from_month": 30, "monthly_rent": "1"}]}, "rent_reviews"),
    ],
)
def test_out_of_range_input_is_a_400_problem_naming_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    r = client.post(URL, json=EXAMPLE_D | change)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field


def test_a_bmt_share_equal_to_the_asset_price_is_refused_with_a_clear_message(client: TestClient) -> None:
    r = client.post(URL, json=EXAMPLE_D | {"bmt_share_amount": "150000000"})
    assert r.status_code == 400
    assert "bukan musyarakah" in r.json()["title"]


@pytest.mark.parametrize(
    "body",
    [
        EXAMPLE_D | {"margin_rate": "10"},
        {k: v for k, v in EXAMPLE_D.items() if k != "tenor_months"},
        EXAMPLE_D | {"asset_price": "lots"},
        EXAMPLE_D | {"first_due_date": "31/01/2025"},
    ],
)
def test_malformed_bodies_are_400_problems(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post(URL, json=body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_the_form_page_renders_empty(client: TestClient) -> None:
    r = client.get(PAGE)
    assert r.status_code == 200, r.text
    assert 'name="bmt_share_amount"' in r.text
    assert "jadwal-mmq" not in r.text


def test_the_form_accepts_indonesian_amounts_and_shows_the_schedule(client: TestClient) -> None:
    form = {
        "asset_price": "150.000.000",
        "bmt_share_amount": "Rp120.000.000",
        "monthly_rent": "1.500.000",
        "tenor_months": "24",
        "first_due_date": "2025-01-31",
        "_csrf_token": "ignored-here",
    }
    r = client.post(PAGE, data=form)
    assert r.status_code == 200, r.text
    assert 'id="jadwal-mmq"' in r.text
    assert "Rp6.200.000" in r.text
    assert "Rp135.000.000" in r.text
    assert "76,6667%" in r.text


def test_the_form_shows_what_to_correct_in_indonesian(client: TestClient) -> None:
    form = {k: str(v) for k, v in EXAMPLE_D.items()} | {"bmt_share_amount": "150.000.000"}
    r = client.post(PAGE, data=form)
    assert r.status_code == 200
    assert "bukan musyarakah" in r.text
    assert "the BMT share" not in r.text
    assert 'id="jadwal-mmq"' not in r.text
    assert 'value="150.000.000"' in r.text  # what was typed stays in the field


def test_the_form_names_a_missing_field(client: TestClient) -> None:
    form = {k: str(v) for k, v in EXAMPLE_D.items() if k != "monthly_rent"}
    r = client.post(PAGE, data=form)
    assert r.status_code == 200
    assert "Sewa bulanan wajib diisi" in r.text
