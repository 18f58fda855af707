"""Murabahah: a sale of goods at cost plus a disclosed margin, paid in installments (fatwa 04/2000).

The BMT buys the goods in its own name (directly or through a wakalah), then sells them to the customer at
``H = cost + M``; with an urbun U the BMT finances ``P = cost - U`` and the receivable is ``H - U = P + M``.
The price never changes after the akad; recognition (proportional or annuity, fatwa 84/2012) only decides
when each rupiah of margin becomes income, and so what an early settlement costs (fatwa 153/2022).

Rounding (domain.md §0 R1, passed in as a policy): installments half-up to whole rupiah, the last absorbs
the residue; proportional margins are rounded on the running total (the last takes the residue); annuity
margins are ``round(O_{k-1} * r)`` and the last takes the residue. Totals always tie.

Worked example (domain.md Example A1): cost 10,000,000, 12 % flat p.a., 12 months.

* M = 1,200,000; H = 11,200,000; installments 933,333 x 11, then 933,337.
* Proportional: margin 100,000 every month; principal 833,333 x 11, then 833,337.
* Annuity: implied r = 0.0178809869 a month; margins 178,810, 165,318, ... 16,395.
* Settled after 6 installments (A4): proportional 5,000,002 (600,000 margin not charged); annuity
  5,265,597 (334,405 not charged).

Decisions (where domain.md leaves room):

* Proportional margins are rounded on the running total (``round(paid * M/(P+M))`` minus what was already
  recognised), so a schedule and a live contract paid by odd amounts recognise the same margin, and no
  margin is ever negative. A1 gives 100,000 a month either way.
* The annuity rate of a flat or amount margin is the IRR of the actual installments (A1: 0.017880981452;
  domain.md's 0.0178809869 is the IRR of the unrounded 933,333.33; the table is identical). The domain rule
  ``round(O_{k-1} * r)`` is used whenever it gives margins that fall and stay within their installments;
  with tiny margins over many months, or rates so high that rounding compounds, the margins are taken from
  the unrounded effective-interest path instead (``exact_annuity_split``).
* An effective rate prices the installments (A2); with proportional recognition the same installments are
  split C * M/(P+M): the price is fixed, recognition only moves income between months.
* Early settlement (153/2022) keeps the larger of the margin elapsed by the settlement date (installments
  due on or before it: arrears still owe theirs; a month in progress owes nothing) and the margin the
  payments already recognised (advance installments are not refunded). Without a date the customer is
  taken to be up to date. A partial installment under annuity recognition pays its margin first.
* Rescheduling (48/2005) spreads the remaining receivable (remaining principal + unrecognised margin) over
  the new tenor; it may lower it (a margin waiver) but never raise it (MUR-07); only documented real costs
  may be charged, as a separate fee.
* Ta'zir received at the Tamwil teller is held as ``kebajikan_payable`` and mirrored in the Maal book to
  ``kebajikan_fund``; an urbun kept on cancellation (up to the documented real loss) is ``other_income``
  (compensation of a real loss, ta'widh), the rest refunded.

Usage::

    terms = MurabahahTerms(D(10_000_000), 12, date(2025, 2, 1), Recognition.ANNUITY,
                           margin_rate_flat_annual=D(12))
    q = quote(terms)                       # q.schedule, q.selling_price, q.monthly_rate
    s = settlement_quote(q, installments_paid=6)
    entries_for(EarlySettled(date(2025, 7, 2), s))
"""

from __future__ import annotations

from bmt.contracts._murabahah_journals import (
    KEBAJIKAN_TARGETS,
    AkadSigned,
    EarlySettled,
    GoodsAcquired,
    InstallmentReceived,
    Recovered,
    Rescheduled,
    TazirReceived,
    UrbunCancelled,
    UrbunOutcome,
    UrbunReceived,
    WakalahAdvanced,
    WrittenOff,
    entries_for,
    urbun_cancellation,
)
from bmt.contracts._murabahah_pricing import (
    IRR_TOLERANCE,
    MAX_RATE_PERCENT,
    RATE_PERCENT_PLACES,
    MarginBasis,
    MurabahahQuote,
    MurabahahTerms,
    Recognition,
    absorb_residue_into_last_installment,
    annuity_split,
    build_schedule,
    check_schedulable,
    effective_rate_installments,
    exact_annuity_split,
    implied_monthly_rate,
    level_installments,
    monthly_rate_percent,
    proportional_split,
    quote,
    recursive_annuity_split,
)
from bmt.contracts._murabahah_settlement import (
    RealCost,
    Rescheduling,
    SettlementQuote,
    elapsed_margin,
    live_settlement_quote,
    margin_recognised,
    payment_split,
    reschedule,
    settlement_quote,
    unpaid_due_dates,
)
from bmt.contracts._murabahah_tazir import LateFeeBasis, TazirPolicy, tazir_due

__all__ = [
    "IRR_TOLERANCE",
    "KEBAJIKAN_TARGETS",
    "MAX_RATE_PERCENT",
    "RATE_PERCENT_PLACES",
    "AkadSigned",
    "EarlySettled",
    "GoodsAcquired",
    "InstallmentReceived",
    "LateFeeBasis",
    "MarginBasis",
    "MurabahahQuote",
    "MurabahahTerms",
    "RealCost",
    "Recognition",
    "Recovered",
    "Rescheduled",
    "Rescheduling",
    "SettlementQuote",
    "TazirPolicy",
    "TazirReceived",
    "UrbunCancelled",
    "UrbunOutcome",
    "UrbunReceived",
    "WakalahAdvanced",
    "WrittenOff",
    "absorb_residue_into_last_installment",
    "annuity_split",
    "build_schedule",
    "check_schedulable",
    "effective_rate_installments",
    "elapsed_margin",
    "exact_annuity_split",
    "entries_for",
    "implied_monthly_rate",
    "level_installments",
    "live_settlement_quote",
    "margin_recognised",
    "monthly_rate_percent",
    "payment_split",
    "proportional_split",
    "quote",
    "recursive_annuity_split",
    "reschedule",
    "settlement_quote",
    "tazir_due",
    "unpaid_due_dates",
    "urbun_cancellation",
]
