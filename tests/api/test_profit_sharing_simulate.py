"""POST /api/v1/profit-sharing/simulate and the form at /bagi-hasil/simulasi."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient, create_test_client

from bmt.api.controllers._profit_sharing_sim import ProfitSharingSimController, ProfitSharingSimulationPage
from bmt.api.errors import exception_handlers

URL = "/api/v1/profit-sharing/simulate"

EXAMPLE_B: dict[str, Any] = {
    "days_in_period": 30,
    "income": "16234567",
    "financing_adb": "800000000",
    "products": [
        {"code": "TW", "kind": "wadiah", "nisbah_member_percent": "0", "adb": "100000000"},
        {"code": "TM", "kind": "mudharabah", "nisbah_member_percent": "30"},
        {"code": "D3", "kind": "mudharabah", "nisbah_member_percent": "45"},
        {"code": "D12", "kind": "mudharabah", "nisbah_member_percent": "55"},
        {"code": "EQ", "kind": "equity", "nisbah_member_percent": "0", "adb": "250000000"},
    ],
    "accounts": [
        {"id": "TM-A", "product": "TM", "balances": [{"from_day": 1, "balance": "100000000"}]},
        {
            "id": "TM-B",
            "product": "TM",
            "balances": [{"from_day": 1, "balance": "50000000"}, {"from_day": 10, "balance": "110000000"}],
        },
        {
            "id": "TM-C",
            "product": "TM",
            "balances": [{"from_day": 1, "balance": "120000000"}, {"from_day": 16, "balance": "96000000"}],
        },
        {"id": "D3-X", "product": "D3", "balances": [{"from_day": 1, "balance": "150000000"}]},
        {"id": "D3-Y", "product": "D3", "balances": [{"from_day": 1, "balance": "50000000"}]},
        {"id": "D12-Z", "product": "D12", "balances": [{"from_day": 1, "balance": "150000000"}]},
    ],
}

PRODUCTS_B = {
    # code: adb, income_share, member_share, bmt_share, equivalent_rate_annual, residue
    "TW": ("100000000", "1623456.70", "0", "1623456.70", "0", None),
    "TM": ("300000000", "4870370.10", "1461111.03", "3409259.07", "5.84444412", "1.03"),
    "D3": ("200000000", "3246913.40", "1461111.03", "1785802.37", "8.76666618", "1.03"),
    "D12": ("150000000", "2435185.05", "1339351.7775", "1095833.2725", "10.71481422", "0.7775"),
    "EQ": ("250000000", "4058641.75", "0", "4058641.75", "0", None),
}
ACCOUNTS_B = {
    "TM-A": ("100000000", "487037.01", "487037"),
    "TM-B": ("92000000", "448074.0492", "448074"),
    "TM-C": ("108000000", "525999.9708", "525999"),
    "D3-X": ("150000000", "1095833.2725", "1095833"),
    "D3-Y": ("50000000", "365277.7575", "365277"),
    "D12-Z": ("150000000", "1339351.7775", "1339351"),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with create_test_client(
        route_handlers=[ProfitSharingSimController], exception_handlers=exception_handlers()
    ) as c:
        yield c


def post(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post(URL, json=body)


def test_example_b_comes_out_exactly(client: TestClient) -> None:
    r = post(client, EXAMPLE_B)
    assert r.status_code == 200, r.text
    body = r.json()
    got = {
        p["code"]: (
            p["adb"],
            p["income_share"],
            p["member_share"],
            p["bmt_share"],
            p["equivalent_rate_annual"],
            p["residue"],
        )
        for p in body["products"]
    }
    for code, expected in PRODUCTS_B.items():
        assert [None if v is None else Decimal(v) for v in got[code]] == [
            None if v is None else Decimal(v) for v in expected
        ], code
    accounts = {a["id"]: (a["adb"], a["share_exact"], a["share_paid"]) for a in body["accounts"]}
    assert {k: tuple(Decimal(x) for x in v) for k, v in accounts.items()} == {
        k: tuple(Decimal(x) for x in v) for k, v in ACCOUNTS_B.items()
    }
    assert Decimal(body["divisor"]) == Decimal("1000000000")
    assert Decimal(body["total_member_share"]) == Decimal("4261573.8375")
    assert Decimal(body["total_bmt_share"]) == Decimal("11972993.1625")


def test_exact_values_are_plain_strings_without_exponents_or_trailing_zeros(client: TestClient) -> None:
    body = post(client, EXAMPLE_B).json()
    tm = next(p for p in body["products"] if p["code"] == "TM")
    assert tm["adb"] == "300000000"
    assert tm["income_share"] == "4870370.1"
    assert body["divisor"] == "1000000000"
    tw = next(p for p in body["products"] if p["code"] == "TW")
    assert tw["equivalent_rate_annual"] == "0"
    assert tm["paid_total"] == "1461110" and tm["accounts"] == 3


def test_a_non_terminating_value_is_shown_to_50_significant_digits(client: TestClient) -> None:
    body = {
        "days_in_period": 30,
        "income": "100",
        "financing_adb": "0",
        "products": [
            {"code": "TM", "kind": "mudharabah", "nisbah_member_percent": "100", "adb": "3"},
            {"code": "EQ", "kind": "equity", "nisbah_member_percent": "0", "adb": "6"},
        ],
    }
    share = post(client, body).json()["products"][0]["income_share"]
    assert share == "33." + "3" * 48  # 100 × 3/9: 50 significant digits, plain notation


def test_numbers_may_be_sent_as_json_numbers(client: TestClient) -> None:
    body = copy.deepcopy(EXAMPLE_B)
    body["income"] = 16234567
    body["products"][1]["nisbah_member_percent"] = 30
    body["accounts"][0]["balances"][0]["balance"] = 100000000
    r = post(client, body)
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["products"][1]["member_share"]) == Decimal("1461111.03")


def test_a_product_adb_that_matches_its_accounts_is_accepted(client: TestClient) -> None:
    body = copy.deepcopy(EXAMPLE_B)
    body["products"][1]["adb"] = "300000000.00"
    assert post(client, body).status_code == 200


def test_the_actual_day_basis_gives_5_93_percent_for_the_savings(client: TestClient) -> None:
    body = EXAMPLE_B | {"equivalent_rate_basis": "actual_days"}
    tm = next(p for p in post(client, body).json()["products"] if p["code"] == "TM")
    assert Decimal(tm["equivalent_rate_annual"]).quantize(Decimal("0.01")) == Decimal("5.93")


def _bad(mutate) -> dict[str, Any]:
    body = copy.deepcopy(EXAMPLE_B)
    mutate(body)
    return body


BAD_REQUESTS = {
    "days zero": _bad(lambda b: b.update(days_in_period=0)),
    "days 32": _bad(lambda b: b.update(days_in_period=32)),
    "negative income": _bad(lambda b: b.update(income="-1")),
    "income with 3 decimals": _bad(lambda b: b.update(income="1.005")),
    "nisbah over 100": _bad(lambda b: b["products"][1].update(nisbah_member_percent="100.5")),
    "nisbah negative": _bad(lambda b: b["products"][1].update(nisbah_member_percent="-1")),
    "wadiah with nisbah": _bad(lambda b: b["products"][0].update(nisbah_member_percent="5")),
    "equity with nisbah": _bad(lambda b: b["products"][4].update(nisbah_member_percent="1")),
    "unknown kind": _bad(lambda b: b["products"][0].update(kind="qardh")),
    "duplicate product": _bad(lambda b: b["products"].append(dict(b["products"][1]))),
    "no products": _bad(lambda b: b.update(products=[], accounts=[])),
    "unknown product": _bad(lambda b: b["accounts"][0].update(product="XX")),
    "duplicate account": _bad(lambda b: b["accounts"].append(dict(b["accounts"][0]))),
    "negative balance": _bad(lambda b: b["accounts"][0]["balances"][0].update(balance="-5")),
    "from_day zero": _bad(lambda b: b["accounts"][0]["balances"][0].update(from_day=0)),
    "from_day after the period": _bad(lambda b: b["accounts"][0]["balances"][0].update(from_day=31)),
    "from_day unsorted": _bad(lambda b: b["accounts"][1].update(balances=b["accounts"][1]["balances"][::-1])),
    "from_day duplicate": _bad(lambda b: b["accounts"][1]["balances"][1].update(from_day=1)),
    "adb contradicting accounts": _bad(lambda b: b["products"][1].update(adb="300000001")),
    "unknown field": _bad(lambda b: b.update(nisbah="30")),
    "missing nisbah": _bad(lambda b: b["products"][1].pop("nisbah_member_percent")),
    "negative adb": _bad(lambda b: b["products"][0].update(adb="-1")),
    "carry on wadiah": _bad(lambda b: b["products"][0].update(carried_residue="1")),
}


@pytest.mark.parametrize("body", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_requests_get_a_400_problem(client: TestClient, body: dict[str, Any]) -> None:
    r = post(client, body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["title"]


def test_more_than_100000_accounts_is_refused_with_a_clear_message(client: TestClient) -> None:
    accounts = [{"id": i, "product": "TM"} for i in range(100_001)]
    r = post(client, EXAMPLE_B | {"accounts": accounts})
    assert r.status_code == 400
    assert "100000" in r.json()["title"]


def test_a_large_request_of_20000_accounts_ties_every_product(client: TestClient) -> None:
    accounts = [
        {
            "id": i,
            "product": ("TM", "D3", "D12")[i % 3],
            "balances": [{"from_day": 1 + i % 30, "balance": str(1000 + i * 7919 % 10**7)}],
        }
        for i in range(20_000)
    ]
    body = EXAMPLE_B | {"accounts": accounts}
    r = post(client, body)
    assert r.status_code == 200, r.text
    data = r.json()
    for p in data["products"]:
        if p["residue"] is not None:
            paid = sum(int(a["share_paid"]) for a in data["accounts"] if a["product"] == p["code"])
            assert Decimal(paid) + Decimal(p["residue"]) == Decimal(p["member_share"]) + Decimal(
                p["carried_residue"]
            )
    assert all(Decimal(a["share_paid"]) <= Decimal(a["share_exact"]) for a in data["accounts"])


# ----------------------------------------------------------------------------- the form page

LAYOUT = """<!doctype html><html lang="id"><head><title>{% block title %}{% endblock %}</title></head>
<body>{% block content %}{% endblock %}</body></html>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from litestar.plugins.jinja import JinjaTemplateEngine
    from litestar.template.config import TemplateConfig

    layout_dir = tmp_path_factory.mktemp("layout")
    (layout_dir / "_layout.html").write_text(LAYOUT)
    templates = Path(__file__).resolve().parents[2] / "templates"
    config = TemplateConfig(directory=[layout_dir, templates], engine=JinjaTemplateEngine)
    with create_test_client(
        route_handlers=[ProfitSharingSimulationPage],
        template_config=config,
        exception_handlers=exception_handlers(),
    ) as c:
        yield c


FORM_B = {
    "income": "16.234.567",
    "financing_adb": "800.000.000",
    "days_in_period": "30",
    "code_0": "Tab. wadiah",
    "kind_0": "wadiah",
    "nisbah_0": "0",
    "adb_0": "100.000.000",
    "code_1": "Tab. mudharabah",
    "kind_1": "mudharabah",
    "nisbah_1": "30",
    "adb_1": "300.000.000",
    "code_2": "Deposito 3 bln",
    "kind_2": "mudharabah",
    "nisbah_2": "45",
    "adb_2": "200.000.000",
    "code_3": "Deposito 12 bln",
    "kind_3": "mudharabah",
    "nisbah_3": "55",
    "adb_3": "150.000.000",
    "code_4": "Ekuitas",
    "kind_4": "equity",
    "nisbah_4": "",
    "adb_4": "250.000.000",
}


def test_the_form_page_renders_an_empty_form(page: TestClient) -> None:
    r = page.get("/bagi-hasil/simulasi")
    assert r.status_code == 200
    assert 'name="_csrf_token"' in r.text
    assert 'name="adb_5"' in r.text
    assert 'id="hasil"' not in r.text


def test_the_form_shows_example_b_per_product(page: TestClient) -> None:
    r = page.post("/bagi-hasil/simulasi", data=FORM_B)
    assert r.status_code == 200
    for shown in (
        "Rp4.870.370,10",
        "Rp1.461.111,03",
        "Rp1.339.351,78",
        "5,84%",
        "8,77%",
        "10,71%",
        "Rp1.000.000.000,00",
    ):
        assert shown in r.text, shown
    assert "Rp4.261.573,84" in r.text and "Rp11.972.993,16" in r.text
    assert 'value="16.234.567"' in r.text  # the form keeps what was typed


def test_the_form_explains_a_refusal_in_indonesian(page: TestClient) -> None:
    r = page.post("/bagi-hasil/simulasi", data=FORM_B | {"nisbah_0": "10"})
    assert r.status_code == 200
    assert "tidak mendapat bagi hasil" in r.text
    assert 'id="hasil"' not in r.text


def test_the_form_says_when_financing_exceeds_the_funds(page: TestClient) -> None:
    r = page.post("/bagi-hasil/simulasi", data=FORM_B | {"financing_adb": "2.000.000.000"})
    assert r.status_code == 200
    assert "tidak teralokasi" in r.text
    assert "Rp8.117.283,50" in r.text  # half of Y: the funds cover half of the financing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("income", "enam juta", "tidak valid"),
        ("days_in_period", "tiga puluh", "Jumlah hari"),
        ("days_in_period", "40", "1..31"),
    ],
)
def test_the_form_refuses_text_that_is_not_a_number(
    page: TestClient, field: str, value: str, message: str
) -> None:
    r = page.post("/bagi-hasil/simulasi", data=FORM_B | {field: value})
    assert r.status_code == 200
    assert message in r.text
    assert 'id="hasil"' not in r.text
