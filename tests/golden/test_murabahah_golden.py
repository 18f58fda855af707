"""Golden murabahah tables from domain.md §11 (Examples A1–A4), one CSV per scenario, one installment a line.

A schedule CSV starts with ``# key=value`` lines: the terms (``cost_price``, ``margin_rate_flat_annual``, ...)
and the expected totals (``expect.<property of the quote>``); then the installment rows.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bmt.contracts.murabahah import MurabahahTerms, quote, settlement_quote

HERE = Path(__file__).parent
FIRST_DUE = date(2025, 2, 1)
SCHEDULES = sorted(p.name for p in HERE.glob("murabahah_a*.csv") if "settlement" not in p.name)
COLUMNS = ("amount", "margin", "principal", "outstanding_principal")
INT_TERMS = {"tenor_months"}
TEXT_TERMS = {"recognition"}
META = re.compile(r"^# ([a-z_.]+)=(\S+)$")


@dataclass(frozen=True)
class Golden:
    terms: MurabahahTerms
    expect: dict[str, Decimal]
    rows: list[dict[str, str]]


def load(name: str) -> Golden:
    text = (HERE / name).read_text(encoding="utf-8").splitlines()
    meta = dict(m.groups() for m in map(META.match, text) if m)
    fields: dict[str, object] = {"first_due_date": FIRST_DUE}
    expect: dict[str, Decimal] = {}
    for key, value in meta.items():
        if key.startswith("expect."):
            expect[key.removeprefix("expect.")] = Decimal(value)
        elif key in INT_TERMS:
            fields[key] = int(value)
        else:
            fields[key] = value if key in TEXT_TERMS else Decimal(value)
    rows = list(csv.DictReader(line for line in text if not line.startswith("#")))
    return Golden(MurabahahTerms(**fields), expect, rows)  # type: ignore[arg-type]


def test_every_golden_schedule_is_found() -> None:
    assert SCHEDULES == [
        "murabahah_a1_annuity.csv",
        "murabahah_a1_proportional.csv",
        "murabahah_a2_effective.csv",
        "murabahah_a3_urbun.csv",
    ]


@pytest.mark.parametrize("name", SCHEDULES)
def test_the_schedule_matches_the_golden_table_line_by_line(name: str) -> None:
    golden = load(name)
    got = quote(golden.terms).schedule.installments
    assert len(got) == len(golden.rows)
    for row, inst in zip(golden.rows, got, strict=True):
        expected = {c: Decimal(row[c]) for c in COLUMNS}
        actual = {c: getattr(inst, c) for c in COLUMNS}
        assert (inst.number, actual) == (int(row["number"]), expected), f"{name} line {row['number']}"


@pytest.mark.parametrize("name", SCHEDULES)
def test_the_quote_totals_match_the_golden_totals(name: str) -> None:
    golden = load(name)
    q = quote(golden.terms)
    assert {k: getattr(q, k) for k in golden.expect} == golden.expect


def settlement_rows() -> list[dict[str, str]]:
    text = (HERE / "murabahah_a4_settlement.csv").read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in text if not line.startswith("#")))


@pytest.mark.parametrize("row", settlement_rows(), ids=lambda r: r["recognition"])
def test_a4_early_settlement_matches_the_golden_figures(row: dict[str, str]) -> None:
    terms = load("murabahah_a1_proportional.csv").terms
    terms = MurabahahTerms(
        terms.cost_price, terms.tenor_months, terms.first_due_date, row["recognition"],  # type: ignore[arg-type]
        margin_rate_flat_annual=terms.margin_rate_flat_annual,
    )  # fmt: skip
    s = settlement_quote(terms, installments_paid=int(row["installments_paid"]))
    got = {
        k: str(getattr(s, k))
        for k in ("amount_paid", "outstanding_receivable", "unrecognised_margin", "settlement_amount")
    }
    assert got == {k: row[k] for k in got}
