"""Each DPS rule of domain.md §10 that the review implements: books that break it give its finding (with the
contract, account or entry behind it), books that keep it give none."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bmt.compliance.facts import (
    AmilFact,
    Books,
    ChartFact,
    ContractFact,
    DisbursementFact,
    DistributionFact,
    EventFact,
    GovernanceFact,
    LineFact,
    SavingsAccountFact,
    SavingsProductFact,
)
from bmt.compliance.rules import RULES, review

D0 = date(2025, 3, 3)
M = Decimal(1_000_000)
MURABAHAH = ContractFact(
    7, "MRB001000007", "murabahah", "active", principal=9 * M, selling_price=Decimal(11_080_000), margin_total=Decimal(1_080_000),
    down_payment=M, akad_date=D0, terms={"purchase": {"ownership_date": "2025-03-01"}}, scheduled_total=Decimal(10_080_000),
)


def _income(memo: str = "", source: str = "", description: str = "Angsuran") -> LineFact:
    return LineFact(41, D0, "5101", "murabahah_income", "income", "tamwil", Decimal(-50_000), memo, source, description, "contract:7")


def _zakat_out(memo: str, groups: tuple[str, ...] = ("maal_cash", "zakat_fund"), source: str = "maal:zakat_distribution:ZKT-1") -> LineFact:
    return LineFact(51, D0, "8101", "zakat_fund", "fund", "maal", Decimal(1_000_000), memo, source, "Penyaluran zakat", None, groups)


# (rule, books that break it, books that keep it)
CASES = [
    ("MUR-01", Books(contracts=(replace(MURABAHAH, terms={"purchase": {"ownership_date": "2025-03-05"}}),)), Books(contracts=(MURABAHAH,))),
    ("MUR-01", Books(contracts=(replace(MURABAHAH, terms={}),)), Books(contracts=(replace(MURABAHAH, akad_date=None, terms={}),))),
    ("MUR-03", Books(contracts=(replace(MURABAHAH, selling_price=Decimal(11_500_000), scheduled_total=Decimal(10_500_000)),)), Books(contracts=(MURABAHAH,))),
    ("MUR-04", Books(contracts=(replace(MURABAHAH, scheduled_total=Decimal(10_180_000)),)), Books(contracts=(MURABAHAH,))),
    ("MUR-04", Books(contracts=(replace(MURABAHAH, events=(EventFact("amendment", date(2025, 4, 1), Decimal(11_500_000)),)),)), Books(contracts=(replace(MURABAHAH, events=(EventFact("amendment", date(2025, 2, 1)),)),))),
    ("MUR-07", Books(contracts=(replace(MURABAHAH, events=(EventFact("reschedule", date(2025, 6, 1), Decimal(9_500_001), {"receivable_before": "9500000", "fee": "0"}),)),)),
     Books(contracts=(replace(MURABAHAH, events=(EventFact("reschedule", date(2025, 6, 1), Decimal(9_400_000), {"receivable_before": "9500000", "fee": "0"}),)),))),
    ("MUR-07", Books(contracts=(replace(MURABAHAH, events=(EventFact("reschedule", date(2025, 6, 1), Decimal(9_500_000), {"receivable_before": "9500000", "fee": "50000", "document_ref": ""}),)),)),
     Books(contracts=(replace(MURABAHAH, events=(EventFact("reschedule", date(2025, 6, 1), Decimal(9_500_000), {"receivable_before": "9500000", "fee": "50000", "document_ref": "Kuitansi notaris 12/VI"}),)),))),
    ("FEE-01", Books(lines=(_income(source="tazir:murabahah:7:installment:2"),)), Books(lines=(_income(),))),
    ("FEE-01", Books(lines=(_income(memo="denda keterlambatan"),)), Books(lines=(_income(memo="angsuran ke-2"),))),
    ("NH-01", Books(lines=(_income(description="Bunga giro bank konvensional"),)), Books(lines=(_income(description="Bagi hasil giro bank syariah"),))),
    ("MDH-01", Books(contracts=(ContractFact(8, "MDH8", "mudharabah", "active", terms={"bmt_nisbah": "40", "fixed_return": "500000"}),)), Books(contracts=(ContractFact(8, "MDH8", "mudharabah", "active", terms={"bmt_nisbah": "40"}),))),
    ("MDH-01", Books(contracts=(ContractFact(9, "MSY9", "musyarakah", "active", terms={"partner_capital": "40000000"}),)), Books(contracts=(ContractFact(9, "MSY9", "musyarakah", "active", terms={"bmt_nisbah": "35"}),))),
    ("MDH-03", Books(contracts=(ContractFact(8, "MDH8", "mudharabah", "active", terms={"bmt_nisbah": "40"}, events=(EventFact("loss", D0, 5 * M, {"loss": "5000000", "charged_to_mudharib": "5000000", "negligence_proven": False}),)),)),
     Books(contracts=(ContractFact(8, "MDH8", "mudharabah", "active", terms={"bmt_nisbah": "40"}, events=(EventFact("loss", D0, 5 * M, {"loss": "5000000", "charged_to_mudharib": "5000000", "negligence_proven": True}),)),))),
    ("MSY-01", Books(contracts=(ContractFact(9, "MSY9", "musyarakah", "active", terms={"bmt_nisbah": "35"}, events=(EventFact("loss", D0, 8 * M, {"loss": "8000000", "bmt_loss": "2800000", "bmt_capital_before": "60000000", "partner_capital_before": "40000000"}),)),)),
     Books(contracts=(ContractFact(9, "MSY9", "musyarakah", "active", terms={"bmt_nisbah": "35"}, events=(EventFact("loss", D0, 8 * M, {"loss": "8000000", "bmt_loss": "4800000", "bmt_capital_before": "60000000", "partner_capital_before": "40000000"}),)),))),
    ("QRD-01", Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, terms={"source": "commercial", "margin": "100000"}),)), Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, terms={"source": "commercial", "admin_fee": "50000", "documented_real_costs": "50000"}),))),
    ("QRD-01", Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, repaid=Decimal(2_100_000)),)), Books(contracts=(ContractFact(10, "QRD10", "qardh", "settled", principal=2 * M, repaid=2 * M),))),
    ("QRD-01", Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, income_credited=Decimal(25_000)),)), Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M),))),
    ("QRD-01", Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, terms={"admin_fee": "90000", "documented_real_costs": "50000"}),)), Books(contracts=(ContractFact(10, "QRD10", "qardh", "active", principal=2 * M, terms={"admin_fee": "0"}),))),
    ("DEP-01", Books(savings_products=(SavingsProductFact(3, "TM", "Tabungan mudharabah", "mudharabah", 0),)), Books(savings_products=(SavingsProductFact(3, "TM", "Tabungan mudharabah", "mudharabah", 3000),))),
    ("DEP-01", Books(savings_accounts=(SavingsAccountFact(12, "DM0001", "deposito", 0),)), Books(savings_accounts=(SavingsAccountFact(12, "DM0001", "deposito", 4500),))),
    ("DEP-02", Books(savings_products=(SavingsProductFact(1, "TW", "Tabungan wadiah", "wadiah", 250),)), Books(savings_products=(SavingsProductFact(1, "TW", "Tabungan wadiah", "wadiah", 0),))),
    ("DEP-02", Books(savings_accounts=(SavingsAccountFact(11, "TW0001", "wadiah", 100),)), Books(savings_accounts=(SavingsAccountFact(11, "TW0001", "wadiah", 0),))),
    ("DEP-04", Books(distributions=(DistributionFact("TM", "2025-06", Decimal("1461111.03"), Decimal(1_461_112), "profit_run:4"),)), Books(distributions=(DistributionFact("TM", "2025-06", Decimal("1461111.03"), Decimal(1_461_110)),))),
    ("ZIS-01", Books(chart=(ChartFact("2190", "Dana zakat (salah buku)", "fund", "tamwil", None),)), Books(chart=(ChartFact("8101", "Dana zakat", "fund", "maal", "zakat_fund"),))),
    ("ZIS-01", Books(chart=(ChartFact("1109", "Kas Baitul Maal", "asset", "tamwil", "maal_cash", True),)), Books(chart=(ChartFact("7101", "Kas Baitul Maal", "asset", "maal", "maal_cash", True),))),
    ("ZIS-02", Books(amil=(AmilFact("zakat_fund", 40 * M, Decimal(5_000_001), Decimal("12.5")),)), Books(amil=(AmilFact("zakat_fund", 40 * M, 5 * M, Decimal("12.5")),))),
    ("ZIS-02", Books(amil=(AmilFact("zakat_fund", 40 * M, Decimal(2_500_000), Decimal(5)),)), Books(amil=(AmilFact("zakat_fund", 40 * M, 2 * M, Decimal(5)),))),
    ("ZIS-03", Books(disbursements=(DisbursementFact(5, "ZKT-2025-000005", "zakat_fund", "loss_coverage", "paid", M),)), Books(disbursements=(DisbursementFact(5, "SOS-2025-000005", "kebajikan_fund", "social", "paid", M),))),
    ("ZIS-04", Books(lines=(_zakat_out(""),)), Books(lines=(_zakat_out("asnaf:miskin"),))),
    ("ZIS-04", Books(lines=(_zakat_out("asnaf:tetangga"),)), Books(lines=(_zakat_out("", groups=("amil_fund", "zakat_fund"), source="maal:amil_zakat:x"),))),
    ("GOV-01", Books(governance=GovernanceFact(0)), Books(governance=GovernanceFact(1))),
    ("GOV-01", Books(governance=GovernanceFact(2, min_dps_members=3)), Books(governance=GovernanceFact(3, min_dps_members=3))),
    ("GOV-02", Books(governance=GovernanceFact(1, zakat_collected=4 * M)), Books(governance=GovernanceFact(1, zakat_collected=4 * M, zakat_authorisation="SK BAZNAS Kab. Bandung No. 12/2024 (UPZ)"))),
]


@pytest.mark.parametrize(("rule", "broken", "kept"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_books_that_break_a_rule_give_its_finding_and_books_that_keep_it_give_none(rule: str, broken: Books, kept: Books) -> None:
    found = review(broken).findings
    assert [p.rule for p in found] == [rule], found
    assert found[0].refs, "a finding names what is behind it"
    assert review(kept).findings == ()


def test_every_implemented_rule_has_a_breaking_case() -> None:
    assert {r.id for r in RULES} == {c[0] for c in CASES}


def test_blocking_rules_are_errors_and_the_others_warnings() -> None:
    blocking = review(Books(contracts=(replace(MURABAHAH, terms={}),))).findings[0]
    warning = review(Books(governance=GovernanceFact(0))).findings[0]
    assert (blocking.severity, warning.severity) == ("error", "warning")


def test_a_rule_whose_facts_are_not_available_is_reported_as_not_checked() -> None:
    r = review(Books(distributions=None, governance=None))
    assert "DEP-04" in dict(r.not_checked) and "DEP-04" not in r.checked
    assert "GOV-01" in dict(r.not_checked)


def test_the_findings_of_many_rules_are_grouped_by_rule() -> None:
    books = Books(
        savings_products=(SavingsProductFact(1, "TW", "Wadiah", "wadiah", 250), SavingsProductFact(2, "TM", "Mudharabah", "mudharabah", 0)),
        governance=GovernanceFact(0),
    )
    grouped = review(books).by_rule()
    assert sorted(grouped) == ["DEP-01", "DEP-02", "GOV-01"]
