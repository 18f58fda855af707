"""Monthly profit distribution to depositors ("distribusi bagi hasil"), domain.md §4. Pure; numpy inside.

The BMT is the mudharib of its depositors' funds. Each month it shares the income those funds earned:

1. **Y, the income to share** (``pools.income_to_share``): cash-received financing income by default
   (fatwa 14/2000); fees and placements optionally (BMT Tumang); denda/ta'zir and non-halal never.
   Revenue sharing by default, profit sharing (Y minus attributable costs) as an option
   (``pools.shareable_income``).
2. **ADB per account** (``adb.adb_numerators``): from balance-change events, vectorised over all
   accounts; ADB_i = Σ balance × days / D. **ADB per product** = Σ of its accounts.
3. **Each source's part** (``pools.allocate_pools``): ``Y_j = Y × ADB_j / max(S, F)`` over all sources
   (mudharabah, wadiah, equity), optionally after a liquidity reserve and product weights.
   Depositors get ``B_j = Y_j × nisbah_j``; wadiah and equity take no share. ER_j = B_j / ADB_j × 12.
4. **Each account's share** (``distribution``): ``floor(pool_j × ADB_i / ADB_j)`` to whole rupiah (R2),
   where ``pool_j = B_j + residue carried from last month``; the new residue is carried forward.
5. **Journal** (``entries``): Dr beban bagi hasil / Cr each savings account / Cr utang bagi hasil
   deposito (or the linked savings account), optionally Cr utang pajak; chunks of ≤ 10,000 lines.

A wadiah bonus is not part of this: it is a discretionary gift, decided by management, which
``distribution.wadiah_bonus`` only spreads by ADB.

Exactness: amounts are exact rationals (``Fraction``) from end to end; ``to_decimal`` shows them in a
50-digit context. Balances are int64 **sen**, ADB numerators int64 sen·days (no overflow below
Rp10^15 per balance); per-account floors are exact (float candidate, certified, with an exact-integer
fallback; see ``distribution``).

Worked example (domain.md Example B, June, D = 30): Y = 16,234,567; F = 800,000,000; sources
wadiah 100,000,000, tabungan mudharabah 300,000,000 (nisbah 30%), deposito 3 bulan 200,000,000 (45%),
deposito 12 bulan 150,000,000 (55%), equity 250,000,000; S = 1,000,000,000 ≥ F, divisor = S.

=================  ===========  ==============  ================  ==========
product            ADB          Y_j             B_j (exact)       ER (×12)
=================  ===========  ==============  ================  ==========
Tab. mudharabah    300,000,000  4,870,370.1     1,461,111.03      5.84444412%
Deposito 3 bln     200,000,000  3,246,913.4     1,461,111.03      8.76666618%
Deposito 12 bln    150,000,000  2,435,185.05    1,339,351.7775    10.71481422%
Tab. wadiah        100,000,000  1,623,456.7     0                 0
Equity             250,000,000  4,058,641.75    0                 0
=================  ===========  ==============  ================  ==========

Σ B_j = 4,261,573.8375; the BMT keeps 11,972,993.1625. Accounts of the tabungan: TM-A (ADB 100,000,000)
487,037.01 → 487,037; TM-B (92,000,000) 448,074.0492 → 448,074; TM-C (108,000,000) 525,999.9708 →
525,999; residue 1.03. Deposito 3 bln: 1,095,833.2725 → 1,095,833 and 365,277.7575 → 365,277, residue
1.03; deposito 12 bln: 1,339,351.7775 → 1,339,351, residue 0.7775. Journal: Dr 4,261,571 / Cr tabungan
mudharabah 1,461,110 / Cr utang bagi hasil deposito 2,800,461.
"""

from bmt.profit_sharing.adb import (
    MAX_BALANCE_SEN,
    BalanceEvents,
    adb_numerators,
    balance_events,
    exact_group_sums,
    exact_sum,
)
from bmt.profit_sharing.distribution import (
    FloorAllocation,
    PeriodDistribution,
    distribute_floor,
    distribute_period,
    floor_shares,
    wadiah_bonus,
)
from bmt.profit_sharing.entries import (
    Payout,
    PayoutKind,
    WithholdingTax,
    distribution_entries,
    wadiah_bonus_entries,
)
from bmt.profit_sharing.pools import (
    BROAD_BASKET,
    DEFAULT_BASKET,
    EquivalentRateBasis,
    FundKind,
    IncomeBasket,
    IncomeKind,
    IncomeToShare,
    PoolAllocation,
    ProductPool,
    ProductSpec,
    SharingBasis,
    allocate_pools,
    income_to_share,
    shareable_income,
    to_decimal,
)

__all__ = [
    "BROAD_BASKET",
    "DEFAULT_BASKET",
    "MAX_BALANCE_SEN",
    "BalanceEvents",
    "EquivalentRateBasis",
    "FloorAllocation",
    "FundKind",
    "IncomeBasket",
    "IncomeKind",
    "IncomeToShare",
    "Payout",
    "PayoutKind",
    "PeriodDistribution",
    "PoolAllocation",
    "ProductPool",
    "ProductSpec",
    "SharingBasis",
    "WithholdingTax",
    "adb_numerators",
    "allocate_pools",
    "balance_events",
    "distribute_floor",
    "distribute_period",
    "distribution_entries",
    "exact_group_sums",
    "exact_sum",
    "floor_shares",
    "income_to_share",
    "shareable_income",
    "to_decimal",
    "wadiah_bonus",
    "wadiah_bonus_entries",
]
