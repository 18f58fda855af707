"""``POST /api/v1/zakat/calculate`` and the ``/zakat/kalkulator`` form: answers, refusals, the nisab table."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.testing import TestClient, create_test_client

from bmt.api.controllers._zakat_calc import ZakatCalcController, ZakatCalcPage, nisab_table_provider
from bmt.api.errors import exception_handlers
from bmt.reports.jinja import TEMPLATE_DIR, register_filters
from bmt.zakat.nisab import (
    DEFAULT_INCOME_NISAB,
    IncomeNisabTable,
    income_nisab_from_annual,
    merge_income_nisab,
)

URL = "/api/v1/zakat/calculate"


def _client(**kwargs: Any) -> TestClient:
    templates = TemplateConfig(
        directory=TEMPLATE_DIR, engine=JinjaTemplateEngine, engine_callback=lambda e: register_filters(e.engine)
    )
    return create_test_client(
        route_handlers=[ZakatCalcController, ZakatCalcPage],
        exception_handlers=exception_handlers(),
        template_config=templates,
        **kwargs,
    )


@pytest.fixture
def client() -> Iterator[TestClient]:
    with _client() as c:
        yield c


def calc(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    return response.json()


# -- answers -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wealth", "obligated", "due"),
    [("127500000", True, "3187500"), ("127499999", False, "0"), ("127500020", True, "3187501"), ("150000000", True, "3750000")],
)
def test_maal_answers_nisab_obligated_and_zakat_due_around_the_nisab(
    client: TestClient, wealth: str, obligated: bool, due: str
) -> None:
    body = calc(client, kind="maal", wealth=wealth, gold_price_per_gram="1500000", haul_complete=True)
    assert body == {
        "kind": "maal",
        "nisab": "127500000",
        "obligated": obligated,
        "zakat_due": due,
        "rate_percent": "2.5",
        "basis": wealth,
    }


def test_maal_without_a_complete_haul_is_not_obligated(client: TestClient) -> None:
    body = calc(client, kind="maal", wealth="200000000", gold_price_per_gram="1500000", haul_complete=False)
    assert (body["obligated"], body["zakat_due"]) == (False, "0")


def test_amounts_may_be_json_numbers(client: TestClient) -> None:
    body = calc(client, kind="maal", wealth=150000000, gold_price_per_gram=1500000, haul_complete=True)
    assert body["zakat_due"] == "3750000"


@pytest.mark.parametrize(
    ("monthly", "obligated", "due"),
    [("7140498", True, "178512"), ("7140497", False, "0"), ("7140499", True, "178512"), ("9000000", True, "225000"), ("6500000", False, "0")],
)
def test_penghasilan_answers_with_the_monthly_and_annual_nisab_of_2025(
    client: TestClient, monthly: str, obligated: bool, due: str
) -> None:
    body = calc(client, kind="penghasilan", monthly_income=monthly, year=2025)
    assert body == {
        "kind": "penghasilan",
        "nisab": "7140498",
        "nisab_annual": "85685972",
        "obligated": obligated,
        "zakat_due": due,
        "rate_percent": "2.5",
        "basis": monthly,
    }


def test_penghasilan_uses_the_annual_income_when_given(client: TestClient) -> None:
    body = calc(client, kind="penghasilan", monthly_income="7000000", year=2025, annual_income="85685972")
    assert (body["obligated"], body["zakat_due"]) == (True, "175000")
    body = calc(client, kind="penghasilan", monthly_income="7000000", year=2025, annual_income="85685971")
    assert (body["obligated"], body["zakat_due"]) == (False, "0")


def test_penghasilan_on_the_net_basis_subtracts_the_deductions(client: TestClient) -> None:
    body = calc(
        client, kind="penghasilan", monthly_income="10000000", year=2024, income_basis="net", monthly_deductions="2000000"
    )
    assert (body["basis"], body["nisab"], body["zakat_due"]) == ("8000000", "6859394", "200000")


@pytest.mark.parametrize(
    ("liabilities", "obligated", "due"),
    [("1900000000", True, "15000000"), ("2372500000", True, "3187500"), ("2372500001", False, "0"), ("2372499999", True, "3187500")],
)
def test_perdagangan_answers_on_working_capital_around_the_nisab(
    client: TestClient, liabilities: str, obligated: bool, due: str
) -> None:
    body = calc(
        client, kind="perdagangan", current_assets="2500000000", current_liabilities=liabilities, gold_price_per_gram="1500000"
    )
    assert (body["nisab"], body["obligated"], body["zakat_due"]) == ("127500000", obligated, due)
    assert Decimal(body["basis"]) == Decimal(2_500_000_000) - Decimal(liabilities)


def test_perdagangan_with_negative_working_capital_owes_nothing(client: TestClient) -> None:
    body = calc(client, kind="perdagangan", current_assets="1000", current_liabilities="5000", gold_price_per_gram="1500000")
    assert (body["basis"], body["obligated"], body["zakat_due"]) == ("-4000", False, "0")


# -- refusals --------------------------------------------------------------------------------------------------------


def problem(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_an_unknown_kind_is_a_400_that_lists_the_kinds(client: TestClient) -> None:
    body = problem(client, {"kind": "fitrah", "wealth": "1"})
    assert "maal, penghasilan atau perdagangan" in body["title"]
    assert body["field"] == "kind"


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"kind": "maal", "wealth": "1", "gold_price_per_gram": "1"}, "haul_complete"),
        ({"kind": "maal", "gold_price_per_gram": "1", "haul_complete": True}, "wealth"),
        ({"kind": "penghasilan", "monthly_income": "1"}, "year"),
        ({"kind": "perdagangan", "current_assets": "1", "gold_price_per_gram": "1"}, "current_liabilities"),
    ],
)
def test_a_missing_field_of_the_kind_is_a_400_naming_it(client: TestClient, body: dict, missing: str) -> None:
    answer = problem(client, body)
    assert answer["field"] == missing
    assert f"{missing} wajib diisi" in answer["title"]


def test_a_field_of_another_kind_is_a_400(client: TestClient) -> None:
    answer = problem(client, {"kind": "maal", "wealth": "1", "gold_price_per_gram": "1", "haul_complete": True, "year": 2025})
    assert answer["field"] == "year"


def test_a_missing_kind_or_an_unknown_field_is_a_400(client: TestClient) -> None:
    assert "kind" in str(problem(client, {"wealth": "1"}))
    assert "bogus" in str(problem(client, {"kind": "maal", "bogus": 1}))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "maal", "wealth": "-1", "gold_price_per_gram": "1", "haul_complete": True}, "wealth"),
        ({"kind": "maal", "wealth": "1", "gold_price_per_gram": "0", "haul_complete": True}, "gold_price_per_gram"),
        ({"kind": "maal", "wealth": "1.001", "gold_price_per_gram": "1", "haul_complete": True}, "wealth"),
        ({"kind": "penghasilan", "monthly_income": "1", "year": 2025, "income_basis": "brutto"}, "income_basis"),
        ({"kind": "penghasilan", "monthly_income": "1", "year": 2025, "monthly_deductions": "5"}, "monthly_deductions"),
    ],
)
def test_bad_amounts_and_options_are_a_400_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    assert problem(client, body)["field"] == field


def test_a_year_without_a_nisab_is_a_400_saying_an_admin_must_add_it(client: TestClient) -> None:
    answer = problem(client, {"kind": "penghasilan", "monthly_income": "9000000", "year": 2026})
    assert "admin" in answer["title"]
    assert answer["field"] == "year"


# -- the nisab table dependency ------------------------------------------------------------------------------------


def test_the_default_provider_returns_the_shipped_years() -> None:
    assert nisab_table_provider() is DEFAULT_INCOME_NISAB
    assert sorted(nisab_table_provider()) == [2024, 2025]


def test_the_app_can_provide_a_nisab_table_with_years_an_admin_added() -> None:
    async def with_2026() -> IncomeNisabTable:
        return merge_income_nisab(DEFAULT_INCOME_NISAB, {2026: income_nisab_from_annual(2026, Decimal(90_000_000))})

    with _client(dependencies={"nisab_table": Provide(with_2026)}) as c:
        body = calc(c, kind="penghasilan", monthly_income="7500000", year=2026)
        assert (body["nisab"], body["nisab_annual"], body["zakat_due"]) == ("7500000", "90000000", "187500")
        page = c.get("/zakat/kalkulator?jenis=penghasilan")
        assert "Rp90.000.000" in page.text


def test_the_endpoint_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "post" in schema["paths"][URL]
    assert "/zakat/kalkulator" not in schema["paths"]


# -- the web form --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tab", "field"), [("maal", "wealth"), ("penghasilan", "monthly_income"), ("perdagangan", "current_assets")])
def test_the_form_shows_the_fields_of_the_chosen_tab(client: TestClient, tab: str, field: str) -> None:
    page = client.get(f"/zakat/kalkulator?jenis={tab}")
    assert page.status_code == 200
    assert f'name="{field}"' in page.text
    assert f'name="kind" value="{tab}"' in page.text


def test_the_form_computes_penghasilan_from_amounts_typed_with_thousands_separators(client: TestClient) -> None:
    page = client.post("/zakat/kalkulator", data={"kind": "penghasilan", "monthly_income": "9.000.000", "year": "2025", "_csrf_token": "t"})
    assert page.status_code == 200
    assert "Rp7.140.498" in page.text and "Rp225.000" in page.text
    assert "dua ratus dua puluh lima ribu" in page.text.lower()


def test_the_form_computes_maal_with_the_haul_checkbox(client: TestClient) -> None:
    form = {"kind": "maal", "wealth": "150.000.000", "gold_price_per_gram": "1.500.000"}
    without_haul = client.post("/zakat/kalkulator", data=form)
    assert "Rp127.500.000" in without_haul.text and "satu haul" in without_haul.text
    with_haul = client.post("/zakat/kalkulator", data={**form, "haul_complete": "1"})
    assert "Rp3.750.000" in with_haul.text


def test_the_form_shows_an_indonesian_message_for_a_bad_amount(client: TestClient) -> None:
    page = client.post("/zakat/kalkulator", data={"kind": "perdagangan", "current_assets": "dua juta", "current_liabilities": "0", "gold_price_per_gram": "1.500.000"})
    assert page.status_code == 200
    assert "Aset lancar" in page.text and "tidak valid" in page.text
    assert 'value="dua juta"' in page.text  # what the user typed is kept


def test_the_form_reports_a_missing_field_and_a_missing_year(client: TestClient) -> None:
    page = client.post("/zakat/kalkulator", data={"kind": "penghasilan", "year": "2025"})
    assert "Penghasilan per bulan wajib diisi" in page.text
    page = client.post("/zakat/kalkulator", data={"kind": "penghasilan", "monthly_income": "1.000.000", "year": "2030"})
    assert "admin harus menambahkannya" in page.text
