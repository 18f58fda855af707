"""Zakat, infaq/sedekah and the social funds of the Baitul Maal (PSAK 109; domain.md §5, §6).

Concepts:

* **Nisab** — the threshold above which zakat is due: 85 g of gold for wealth (maal) and trade
  (perdagangan), at a gold price the caller supplies; the BAZNAS income nisab of the year for zakat
  penghasilan, from a table that ships 2024 and 2025 and that an admin extends (``nisab``).
* **Haul** — one Hijri year of holding, counted with the cooperative's official month starts
  (``nisab.haul_complete``).
* **Calculators** — ``calculation.zakat_maal``, ``zakat_penghasilan``, ``zakat_perdagangan`` and the
  cooperative's own ``zakat_koperasi`` (working capital, or 2.5% of SHU, as its articles choose). Each
  answers nisab, obligated, basis and zakat due (2.5%, half-up to the rupiah).
* **Funds** — zakat, infaq/sedekah (unrestricted, and restricted by purpose as ``fund:<purpose>``
  sub-ledgers, including a pesantren's own funds), amil, non-halal and kebajikan, each a credit-normal
  account of the maal book. ``funds`` builds the entries and refuses what the DPS rules forbid;
  ``fundbook.FundBook`` runs them forward over balances that never go negative.
* **Asnaf** — the eight groups zakat may go to (``asnaf.Asnaf``); every distribution carries one.

Worked example (domain.md Example C, also the golden test ``tests/unit/zakat/test_example_c.py``):

* C1, penghasilan 2025 (nisab 85,685,972 a year = 7,140,498 a month): a gross monthly income of
  9,000,000 >= 7,140,498 owes 2.5% = **225,000**; 6,500,000 a month is below it, and 12 × 6,500,000 =
  78,000,000 < 85,685,972, so **0**.
* C2, maal: gold at 1,500,000/g gives nisab 85 × 1,500,000 = **127,500,000**; 150,000,000 held a full
  haul owes **3,750,000**.
* C3, the cooperative by working capital: 2,500,000,000 − 1,900,000,000 = 600,000,000 >= nisab, so
  **15,000,000**.
* C4, amil: of 40,000,000 zakat collected the amil may take at most 12.5% = **5,000,000**, leaving
  **35,000,000** for the other asnaf. Journals: Dr Kas Baitul Maal 40,000,000 / Cr Dana zakat
  40,000,000; Dr Dana zakat 5,000,000 / Cr Dana amil 5,000,000.

    >>> from decimal import Decimal
    >>> zakat_maal(Decimal(150_000_000), Decimal(1_500_000), haul_complete=True).zakat_due
    Decimal('3750000')
    >>> amil_cap(Decimal(40_000_000))
    Decimal('5000000')
"""

from bmt.zakat.asnaf import ASNAF_LABELS_ID, Asnaf, parse_asnaf
from bmt.zakat.calculation import (
    CooperativeZakatMethod,
    IncomeBasis,
    ZakatAssessment,
    ZakatKind,
    zakat_koperasi,
    zakat_maal,
    zakat_penghasilan,
    zakat_perdagangan,
)
from bmt.zakat.fundbook import FundBook
from bmt.zakat.funds import (
    AMIL_CAP_COLLECT_ONLY,
    AMIL_CAP_DEFAULT,
    AmilCapPolicy,
    Fund,
    FundRef,
    FundUse,
    NonhalalKind,
    NonhalalRouting,
    allocate_amil,
    amil_cap,
    distribute_zakat,
    forgive_qardhul_hasan,
    lend_qardhul_hasan,
    receive_infaq,
    receive_nonhalal,
    receive_zakat,
    repay_qardhul_hasan,
    spend_from_fund,
)
from bmt.zakat.nisab import (
    DEFAULT_INCOME_NISAB,
    IncomeNisab,
    IncomeNisabTable,
    gold_nisab,
    haul_complete,
    haul_end,
    income_nisab,
    income_nisab_from_annual,
    merge_income_nisab,
)

__all__ = [
    "AMIL_CAP_COLLECT_ONLY",
    "AMIL_CAP_DEFAULT",
    "ASNAF_LABELS_ID",
    "DEFAULT_INCOME_NISAB",
    "AmilCapPolicy",
    "Asnaf",
    "CooperativeZakatMethod",
    "Fund",
    "FundBook",
    "FundRef",
    "FundUse",
    "IncomeBasis",
    "IncomeNisab",
    "IncomeNisabTable",
    "NonhalalKind",
    "NonhalalRouting",
    "ZakatAssessment",
    "ZakatKind",
    "allocate_amil",
    "amil_cap",
    "distribute_zakat",
    "forgive_qardhul_hasan",
    "gold_nisab",
    "haul_complete",
    "haul_end",
    "income_nisab",
    "income_nisab_from_annual",
    "lend_qardhul_hasan",
    "merge_income_nisab",
    "parse_asnaf",
    "receive_infaq",
    "receive_nonhalal",
    "receive_zakat",
    "repay_qardhul_hasan",
    "spend_from_fund",
    "zakat_koperasi",
    "zakat_maal",
    "zakat_penghasilan",
    "zakat_perdagangan",
]
