"""The month-end profit distribution (distribusi bagi hasil) on the database, and the wadiah bonus.

Workflow (one ``profit_run`` per cooperative, kind and month):

1. **Draft** (``compute``): a manager computes the month from the ledger. While the run is a draft it can be
   computed again (the previous figures are kept beside the new ones for comparison).
2. **Approve** (``approve``): a second person (never the one who computed it, maker–checker) approves. A re-run
   of an approved or posted month changes nothing and returns the run as it stands.
3. **Post** (``post``): one set of balanced entries: Dr beban bagi hasil / Cr each mudharabah savings account
   (sub-ledger ``savings:<id>``) / Cr the deposito's linked savings account or Cr utang bagi hasil deposito
   (``deposit:<id>``) / Cr utang pajak when withholding tax is configured. The balances of the credited accounts
   move in the same transaction (one set-based UPDATE). A posted run is immutable.
4. **Reverse** (``request_reversal`` + ``approve_reversal``, two people): every entry of the run is reversed as a
   whole and the balances are taken back; the period can then be computed again.

**Y, the income to share** (domain.md §4.2 item 1, fatwa 14/2000: distribute on a cash basis), built from the
ledger lines of the period on the financing income accounts (``INCOME_ACCOUNTS``) with the cooperative's
income basket (setting ``profit_sharing.income_basket``: ``financing_cash`` = margin, profit shares and MMQ
ujrah, the default; ``financing_fees_placements`` = also fees/commissions and placement income, BMT Tumang's
reading, domain.md's DISAGREEMENT). Denda/ta'zir never reach income accounts (they go to the kebajikan fund).
The exact rule, per income account, over the period's lines:

* *accrual income* = credits − debits on the account;
* *accrued, not received*: the profit-share receivable lines (``profit_share_receivable``) of entries that
  also touch an income account: Dr piutang bagi hasil / Cr pendapatan is income recognised but not received;
* *cash received on profit shares*: credits to ``profit_share_receivable`` in entries that debit a cash or
  bank account (or a savings account: a member paying from savings); attributed to mudharabah or musyarakah
  income by the contract of the sub-ledger (``contract:<id>``). Per contract, a receipt first settles what was
  receivable at the start of the period (*cash received for prior-period income*), the rest settles this
  period's accruals;
* murabahah margin, MMQ ujrah and fees are recognised when the installment is paid (Dr kas / Cr piutang;
  Dr MMD / Cr pendapatan): they are cash-collected as posted;
* **Y = accrual income − income of the period not yet received + cash received for prior-period income**
  (= accrual income − accrued + receipts), over the accounts in the basket: exactly the PSAK 101
  reconciliation (``reconciliation``).

**F, the ADB of financing**: by default (``financing_adb_source = "ledger"``) the exact average daily balance of
the financing accounts over the month from the ledger, the same way as savings ADB (murabahah receivable net of
deferred margin = the cost outstanding, mudharabah, musyarakah and MMQ financing; qardh is not a productive
asset and is left out; the list is the setting ``financing_accounts``). Contract rows keep only today's
outstanding, so they cannot give a daily average. ``"snapshots"`` averages the portfolio snapshots the day
close left for the month's closed days (fails when there are none).

**Equity ADB**: the equity accounts (type equity, Baitul Tamwil book), credit-normal, from the ledger; a
negative average (accumulated losses) counts as 0.

**Pools**: one per savings product *and nisbah*: the nisbah is fixed per account at opening (fatwa 02/2000:
never reduced without consent), so accounts opened at an older nisbah form their own pool; splitting a product
this way leaves Y_j unchanged. Wadiah products and equity are pools that take no share.

**Who is paid**: accounts with a positive ADB. A mudharabah account already closed when the month is computed, and a
deposito broken before maturity (the product's ``forfeit_month`` policy), forfeit the month: their floored share stays in
the pool's residue and reaches next month's depositors. A matured deposito is paid (to its linked account or to
the payable). The residue of each pool (pool − Σ paid) is carried into the same pool of the next posted month.

**Savings ADB**: from the ledger, vectorised by the engine (``bmt.profit_sharing.adb``): one statement returns the
savings lines of the month (and after it) with every account's running balance; the balance before the month is
the running balance less those lines, so a month-end never reads the whole history (``read_book``). Lines of a
reversed run of the same month (and their reversal) are void and never count.

Speed: 1,000,000 accounts are read as a few ``bytea`` blobs into numpy (``_bulk``), run through the pure engine,
stored with COPY and posted with ``INSERT ... SELECT`` from the stored lines in entries of at most 10,000 lines
(benchmarks/RESULTS.md: ~31 s end to end for 1,000,000 accounts and 5,000,000 postings); the audit chain gets one
event per run action, not one per account. The postings are dated the run's value date (the month's last day, or
the first open day when the day close has already locked it); the ledger lock (``ledger.closed_through``) is
checked before anything is written and the database trigger refuses a closed date again. Approval and posting
refuse a run whose inputs changed after it was computed (an entry dated in the month on an account the run reads,
a new portfolio snapshot, last month's residues): recompute it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, text

from bmt.auth.roles import check_four_eyes
from bmt.dates import Period
from bmt.errors import (
    Conflict,
    InsufficientBalance,
    InvalidInput,
    NotFound,
    UnbalancedEntry,
)
from bmt.ledger.entries import MAX_LINES_PER_ENTRY
from bmt.money import POLICIES, ZERO, D, from_sen, money_str, rupiah
from bmt.persistence.models import Cooperative, Member, SavingsAccount, SavingsProduct
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models_close import PortfolioSnapshot
from bmt.persistence.models_profit import ProfitRun, ProfitRunLine, ProfitRunProduct
from bmt.profit_sharing import (
    BROAD_BASKET,
    DEFAULT_BASKET,
    EquivalentRateBasis,
    FundKind,
    IncomeBasket,
    IncomeKind,
    Payout,
    PayoutKind,
    ProductSpec,
    WithholdingTax,
    adb_numerators,
    balance_events,
    distribute_period,
    exact_sum,
    income_to_share,
    to_decimal,
    wadiah_bonus,
)
from bmt.profit_sharing.pools import REPORT_CONTEXT
from bmt.services import _bulk, audit, ledger, savings
from bmt.services.uow import Actor, UnitOfWork

DISTRIBUTION = "distribution"
WADIAH_BONUS = "wadiah_bonus"
KINDS = (DISTRIBUTION, WADIAH_BONUS)

#: Income accounts that may enter Y, with the engine's income kind.
INCOME_ACCOUNTS: dict[str, IncomeKind] = {
    "murabahah_income": IncomeKind.MURABAHAH_MARGIN,
    "mudharabah_income": IncomeKind.MUDHARABAH_PROFIT_SHARE,
    "musyarakah_income": IncomeKind.MUSYARAKAH_PROFIT_SHARE,
    "mmq_income": IncomeKind.MMQ_UJRAH,
    "fee_income": IncomeKind.FEE,
    "placement_income": IncomeKind.PLACEMENT,
}
RECEIVABLE = "profit_share_receivable"
#: Financing assets whose daily balance makes F (murabahah receivable net of its deferred margin = cost).
FINANCING_ACCOUNTS = ("murabahah_receivable", "murabahah_deferred_margin", "mudharabah_financing", "musyarakah_financing", "mmq_financing")
BASKETS = {b.name: b for b in (DEFAULT_BASKET, BROAD_BASKET)}
EQUITY_CODE = "EKUITAS"
SETTING_KEYS = frozenset({"income_basket", "financing_adb_source", "financing_accounts", "rate_basis", "withholding_tax", "reserve_percent", "weights"})

#: credit_kind of a line -> the account credited (sub-ledger savings:<target> or deposit:<account>).
CREDIT_KEYS = {1: "mudharabah_savings", 2: "wadiah_savings", 3: "deposit_profit_payable"}
STATUS_CODES = {"active": 0, "dormant": 1, "closed": 2, "matured": 3, "broken": 4}
KIND_CODES = {"wadiah": 0, "mudharabah": 1, "deposito": 2}
#: Payouts per entry: the engine's chunking (one debit line and one tax line beside them).
PER_ENTRY = MAX_LINES_PER_ENTRY - 2

Progress = Callable[[str, int, int], None]


def _noop(_what: str, _done: int, _total: int) -> None:
    return None


def frac_text(q: Fraction | int) -> str:
    """An exact rational as stored: ``"p/q"`` or ``"p"``."""
    return str(Fraction(q))


def frac(textual: str) -> Fraction:
    return Fraction(textual or "0")


def show(textual: str | Fraction) -> Decimal:
    """A stored exact value as a Decimal for people (50 significant digits, exact when it terminates)."""
    return to_decimal(frac(textual) if isinstance(textual, str) else textual)


# ------------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True, slots=True)
class DistributionSettings:
    """The cooperative's profit-sharing settings (``settings_json["profit_sharing"]``)."""

    basket: IncomeBasket = DEFAULT_BASKET
    financing_source: str = "ledger"  # ledger | snapshots
    financing_accounts: tuple[str, ...] = FINANCING_ACCOUNTS
    rate_basis: EquivalentRateBasis = EquivalentRateBasis.MONTHLY
    withholding: WithholdingTax | None = None
    # domain.md §4.2 variants (a) and (b), by savings product code (or EKUITAS for equity): the % of a source's
    # ADB kept liquid and not shared, and its weight (bobot). Defaults: no reserve, weight 1 (pure ADB share).
    reserve_percent: tuple[tuple[str, Decimal], ...] = ()
    weights: tuple[tuple[str, Decimal], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        w = self.withholding
        return {
            "reserve_percent": {k: str(v) for k, v in self.reserve_percent},
            "weights": {k: str(v) for k, v in self.weights},
            "income_basket": self.basket.name,
            "financing_adb_source": self.financing_source,
            "financing_accounts": list(self.financing_accounts),
            "rate_basis": self.rate_basis.value,
            "withholding_tax": None if w is None else {"rate_percent": str(w.rate_percent), "threshold": str(w.threshold), "rounding": w.rounding.name, "applies_to": sorted(k.value for k in w.applies_to)},
        }


def settings_of(coop: Cooperative) -> DistributionSettings:
    """Read and check the settings; unknown names are refused rather than silently ignored."""
    raw = json.loads(coop.settings_json or "{}").get("profit_sharing", {}) or {}
    unknown = sorted(set(raw) - SETTING_KEYS)
    if unknown:
        raise InvalidInput(f"pengaturan bagi hasil tidak dikenal: {', '.join(unknown)} / unknown profit-sharing settings")
    basket_name = raw.get("income_basket", DEFAULT_BASKET.name)
    if basket_name not in BASKETS:
        raise InvalidInput(f"keranjang pendapatan tidak dikenal: {basket_name} (pilih {', '.join(BASKETS)}) / unknown income basket")
    source = raw.get("financing_adb_source", "ledger")
    if source not in ("ledger", "snapshots"):
        raise InvalidInput("sumber ADB pembiayaan: ledger atau snapshots / financing ADB source must be ledger or snapshots")
    try:
        basis = EquivalentRateBasis(raw.get("rate_basis", EquivalentRateBasis.MONTHLY.value))
    except ValueError:
        raise InvalidInput("dasar tingkat setara: monthly atau actual_days / rate basis must be monthly or actual_days") from None
    return DistributionSettings(
        BASKETS[basket_name], source, tuple(raw.get("financing_accounts") or FINANCING_ACCOUNTS), basis, _withholding(raw.get("withholding_tax")),
        _per_product(raw.get("reserve_percent"), "reserve_percent", 0, 100), _per_product(raw.get("weights"), "weights", 0, 100),
    )


def _per_product(raw: object, name: str, low: int, high: int) -> tuple[tuple[str, Decimal], ...]:
    """``{"product code": number}`` checked into sorted pairs (the product codes are checked by the run)."""
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise InvalidInput(f"{name}: {{kode produk: angka}} / {name} must map product codes to numbers", field=name)
    out = []
    for code, value in raw.items():
        try:
            v = Decimal(str(value))
        except ArithmeticError:
            raise InvalidInput(f"{name} {code}: bukan angka / not a number", field=name) from None
        if not v.is_finite() or not low <= v <= high:
            raise InvalidInput(f"{name} {code}: harus {low}..{high} / must be within {low}..{high}", field=name)
        out.append((str(code), v))
    return tuple(sorted(out))


def _withholding(raw: dict[str, Any] | None) -> WithholdingTax | None:
    if not raw:
        return None
    rounding = POLICIES.get(raw.get("rounding", "R1_HALF_UP_RUPIAH"))
    if rounding is None or rounding.quantum != 1:
        raise InvalidInput("pembulatan pajak harus ke rupiah penuh / tax rounding must be to whole rupiah")
    try:
        kinds = frozenset(PayoutKind(k) for k in raw.get("applies_to", [k.value for k in PayoutKind]))
    except ValueError:
        raise InvalidInput("jenis pembayaran pajak: savings, deposit, wadiah_bonus / unknown payout kind") from None
    return WithholdingTax(D(str(raw.get("rate_percent", "0"))), D(str(raw.get("threshold", "0"))), rounding, kinds)


# ------------------------------------------------------------------------------------------------ periods


@dataclass(frozen=True, slots=True)
class Month:
    label: str
    since: date
    through: date
    days: int


def month_of(period: str) -> Month:
    p = Period.parse(period)
    return Month(f"{p.year:04d}-{p.month:02d}", p.first_day, p.last_day, p.days)


# ------------------------------------------------------------------------------------------------ ledger reads


def _day_sql(uow: UnitOfWork, column: str) -> str:
    """Day of the month of ``column`` (1-based) relative to ``:since``."""
    if _bulk.is_postgres(uow):
        return f"({column} - CAST(:since AS DATE) + 1)"
    return f"(CAST(julianday({column}) - julianday(:since) AS INTEGER) + 1)"


def _days_left_sql(uow: UnitOfWork, column: str) -> str:
    """Days from ``column`` to ``:through`` inclusive."""
    if _bulk.is_postgres(uow):
        return f"(CAST(:through AS DATE) - {column} + 1)"
    return f"(CAST(julianday(:through) - julianday({column}) AS INTEGER) + 1)"


def _ids(accounts: dict[str, ledger.AccountRef], keys: tuple[str, ...] | list[str]) -> list[int]:
    missing = [k for k in keys if k not in accounts]
    if missing:
        raise InvalidInput(f"akun tidak dikenal: {', '.join(missing)} / unknown accounts")
    return [accounts[k].id for k in keys]


async def weighted_balance(uow: UnitOfWork, coop: int, account_ids: list[int], m: Month) -> int:
    """Σ over the accounts' lines of amount × days it counts in the month, in sen·days (debit positive).

    A line before the month counts all D days, a line on day d counts D − d + 1 days; divided by 100·D this is
    the accounts' combined average daily balance (the same formula as ``savings.average_daily_balances``).
    """
    if not account_ids:
        return 0
    weight = f"CASE WHEN l.value_date < :since THEN {m.days} ELSE {_days_left_sql(uow, 'l.value_date')} END"
    q = text(
        f"SELECT COALESCE(SUM(l.amount_sen * {weight}), 0) FROM journal_line l "
        f"WHERE l.cooperative_id = :coop AND l.account_id IN ({', '.join(str(int(i)) for i in account_ids)}) AND l.value_date <= :through"
    )
    return int((await uow.session.execute(q, {"coop": coop, "since": m.since.isoformat(), "through": m.through.isoformat()})).scalar_one())


@dataclass
class IncomeRow:
    """One income account's part of Y (all in sen)."""

    key: str
    kind: IncomeKind
    accrual: int = 0
    accrued_noncash: int = 0
    receipts_current: int = 0
    receipts_prior: int = 0
    included: bool = True

    @property
    def not_received(self) -> int:
        return self.accrued_noncash - self.receipts_current

    @property
    def cash(self) -> int:
        return self.accrual - self.not_received + self.receipts_prior


async def income_rows(uow: UnitOfWork, coop: int, m: Month, basket: IncomeBasket) -> list[IncomeRow]:
    """The income accounts' accrual, accrued-not-received and cash-received figures for the month (module doc)."""
    accounts = await ledger.chart(uow, coop)
    rows = {k: IncomeRow(k, kind, included=kind in basket.included) for k, kind in INCOME_ACCOUNTS.items() if k in accounts}
    by_id = {accounts[k].id: k for k in rows}
    params = {"coop": coop, "since": m.since.isoformat(), "through": m.through.isoformat()}
    q = text(f"SELECT account_id, SUM(amount_sen) FROM journal_line WHERE cooperative_id = :coop AND account_id IN ({', '.join(map(str, by_id))}) AND value_date >= :since AND value_date <= :through GROUP BY account_id")
    for acc_id, total in (await uow.session.execute(q, params)).all():
        rows[by_id[int(acc_id)]].accrual = -int(total)
    if RECEIVABLE in accounts:
        await _receivable_flows(uow, coop, m, accounts, rows, by_id)
    return list(rows.values())


async def _receivable_flows(uow: UnitOfWork, coop: int, m: Month, accounts: dict[str, ledger.AccountRef], rows: dict[str, IncomeRow], income_ids: dict[int, str]) -> None:
    """Classify the month's profit-share-receivable lines into accruals and cash receipts (module doc)."""
    psr = accounts[RECEIVABLE].id
    params = {"coop": coop, "psr": psr, "since": m.since.isoformat(), "through": m.through.isoformat()}
    lines = (await uow.session.execute(text("SELECT entry_id, subledger, amount_sen FROM journal_line WHERE cooperative_id = :coop AND account_id = :psr AND value_date >= :since AND value_date <= :through"), params)).all()
    if not lines:
        return
    others = await _entry_accounts(uow, sorted({int(e) for e, _, _ in lines}))
    receiving = {a.id for a in accounts.values() if a.is_cash} | {accounts[k].id for k in ("wadiah_savings", "mudharabah_savings") if k in accounts}
    receipts: dict[str, int] = {}
    for entry_id, sub, amount in lines:
        touched = others.get(int(entry_id), {})
        income = next((income_ids[a] for a in income_ids if a in touched), None)
        if income is not None:
            rows[income].accrued_noncash += int(amount)
        elif int(amount) < 0 and any(a in receiving and v > 0 for a, v in touched.items()):
            receipts[sub or ""] = receipts.get(sub or "", 0) - int(amount)
    if receipts:
        await _split_receipts(uow, coop, m, psr, receipts, rows)


async def _entry_accounts(uow: UnitOfWork, entry_ids: list[int]) -> dict[int, dict[int, int]]:
    """Net amount per account of each entry."""
    out: dict[int, dict[int, int]] = {}
    for start in range(0, len(entry_ids), 500):
        ids = ", ".join(str(i) for i in entry_ids[start : start + 500])
        for eid, acc, total in (await uow.session.execute(text(f"SELECT entry_id, account_id, SUM(amount_sen) FROM journal_line WHERE entry_id IN ({ids}) GROUP BY entry_id, account_id"))).all():
            out.setdefault(int(eid), {})[int(acc)] = int(total)
    return out


async def _split_receipts(uow: UnitOfWork, coop: int, m: Month, psr: int, receipts: dict[str, int], rows: dict[str, IncomeRow]) -> None:
    """Per contract: a receipt first settles what was receivable when the month began (prior-period income)."""
    params = {"coop": coop, "psr": psr, "since": m.since.isoformat()}
    opening = {sub or "": int(v) for sub, v in (await uow.session.execute(text("SELECT subledger, SUM(amount_sen) FROM journal_line WHERE cooperative_id = :coop AND account_id = :psr AND value_date < :since GROUP BY subledger"), params)).all()}
    contract_ids = [int(s.split(":", 1)[1]) for s in receipts if s.startswith("contract:") and s.split(":", 1)[1].isdigit()]
    kinds: dict[int, str] = {}
    if contract_ids:
        q = text(f"SELECT id, kind FROM financing_contract WHERE cooperative_id = :coop AND id IN ({', '.join(map(str, contract_ids))})")
        kinds = {int(i): k for i, k in (await uow.session.execute(q, {"coop": coop})).all()}
    for sub, received in receipts.items():
        cid = int(sub.split(":", 1)[1]) if sub.startswith("contract:") and sub.split(":", 1)[1].isdigit() else None
        key = "musyarakah_income" if kinds.get(cid or 0, "").startswith("musyarakah") else "mudharabah_income"
        row = rows.get(key)
        if row is None:
            continue
        prior = min(received, max(opening.get(sub, 0), 0))
        row.receipts_prior += prior
        row.receipts_current += received - prior


async def financing_adb(uow: UnitOfWork, coop: int, m: Month, s: DistributionSettings) -> tuple[Fraction, dict[str, Any]]:
    """F in rupiah, exactly, and how it was found."""
    if s.financing_source == "snapshots":
        q = select(func.count(), func.coalesce(func.sum(PortfolioSnapshot.outstanding), 0)).where(PortfolioSnapshot.cooperative_id == coop, PortfolioSnapshot.business_date >= m.since, PortfolioSnapshot.business_date <= m.through)
        n, total = (await uow.session.execute(q)).one()
        if not n:
            raise InvalidInput(f"tidak ada snapshot portofolio untuk {m.label}; tutup hari dulu atau pakai sumber ledger / no portfolio snapshots for the month")
        value = Fraction(D(total)) / n
        return value, {"source": "snapshots", "closed_days": int(n), "adb": str(to_decimal(value))}
    accounts = await ledger.chart(uow, coop)
    num = await weighted_balance(uow, coop, _ids(accounts, s.financing_accounts), m)
    value = max(Fraction(num, 100 * m.days), Fraction(0))
    return value, {"source": "ledger", "accounts": list(s.financing_accounts), "adb": str(to_decimal(value))}


async def equity_adb(uow: UnitOfWork, coop: int, m: Month) -> Fraction:
    """ADB of the Baitul Tamwil equity accounts (credit-normal); never below 0."""
    accounts = await ledger.chart(uow, coop)
    ids = sorted({a.id for a in accounts.values() if a.kind == "equity" and a.book == "tamwil"})
    return max(Fraction(-await weighted_balance(uow, coop, ids, m), 100 * m.days), Fraction(0))


# ------------------------------------------------------------------------------------------------ savings ADB


@dataclass(frozen=True, slots=True, eq=False)
class Book:
    """The savings accounts with a balance in the month, as arrays in account-id order.

    ``events`` are the engine's balance-change events (account index, day, balance in sen); the other arrays
    have one entry per account: id, product, nisbah (bps), status code, linked account, product kind code.
    """

    ids: np.ndarray
    product: np.ndarray
    nisbah: np.ndarray
    status: np.ndarray
    linked: np.ndarray
    kind: np.ndarray
    ev_account: np.ndarray
    ev_day: np.ndarray
    ev_balance: np.ndarray
    all_ids: np.ndarray
    all_status: np.ndarray
    all_kind: np.ndarray


async def read_book(uow: UnitOfWork, coop: int, m: Month, products: dict[int, SavingsProduct], *, only_kinds: tuple[str, ...] | None = None) -> Book:
    """Every savings account's balance-change events of the month, in numpy, from one statement.

    The statement (one snapshot, so a teller posting meanwhile cannot split it) returns every savings line of
    entries dated from the month's first day on, as (account, day of the month, amount), and every account's
    running balance as (account, −1, balance). The balance before the month is the running balance less those
    lines (``savings_account.balance`` always equals the sum of the account's ledger lines: every service moves
    both in one transaction, and the sub-ledger check compares them), so the month-end reads the month, never
    the whole history. Lines after the month only serve that subtraction.
    """
    accounts = await ledger.chart(uow, coop)
    controls = ", ".join(map(str, _ids(accounts, list(savings.CONTROL.values()))))
    void = await _void_entries(uow, coop, m)
    void_sql = f" AND l.entry_id NOT IN ({', '.join(map(str, void))})" if void else ""
    rows = await _bulk.fetch_int_columns(
        uow,
        f"SELECT CAST(substr(l.subledger, 9) AS BIGINT), {_day_sql(uow, 'l.value_date')}, l.amount_sen FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id "
        f"WHERE e.cooperative_id = :coop AND e.value_date >= :since AND l.subledger LIKE :pattern AND l.account_id IN ({controls}){void_sql} "
        "UNION ALL SELECT id, -1, balance FROM savings_account WHERE cooperative_id = :coop",
        {"coop": coop, "since": m.since.isoformat(), "pattern": "savings:%"},
        3,
    )
    status_case = " ".join(f"WHEN '{k}' THEN {v}" for k, v in STATUS_CODES.items())
    kind_case = " ".join(f"WHEN {pid} THEN {KIND_CODES[p.kind]}" for pid, p in products.items()) or "WHEN 0 THEN 0"
    table = await _bulk.fetch_int_columns(
        uow,
        f"SELECT id, product_id, nisbah_member_bps, CASE status {status_case} ELSE 9 END, COALESCE(profit_to_account_id, 0), CASE product_id {kind_case} ELSE 9 END "
        "FROM savings_account WHERE cooperative_id = :coop",
        {"coop": coop},
        6,
    )
    order = np.argsort(table[0], kind="stable")
    return _events_to_book(*_with_openings(*rows, m.days), tuple(t[order] for t in table), only_kinds)


def _with_openings(acc: np.ndarray, day: np.ndarray, amount: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines from the month on plus running balances -> (account, day 0 = opening, amount) rows of the month.

    Amounts keep the ledger's sign (credit negative): the opening row of an account holding b is −b.
    """
    is_balance = day < 0
    ids, balance = acc[is_balance], amount[is_balance]
    order = np.argsort(ids, kind="stable")
    ids, balance = ids[order], balance[order]
    lines = ~is_balance
    l_acc, l_day, l_amount = acc[lines], day[lines], amount[lines]
    since_start = np.zeros(ids.size, dtype=np.int64)  # Σ ledger amounts from the month's first day on
    if l_acc.size:
        pos = np.searchsorted(ids, l_acc)
        found = pos < ids.size
        found[found] = ids[pos[found]] == l_acc[found]
        if not found.all():
            raise Conflict(f"sub-ledger savings:{int(l_acc[~found][0])} tanpa rekening / a savings sub-ledger without an account")
        np.add.at(since_start, pos, l_amount)
    opening = -(balance + since_start)  # ledger sign of the balance before the month
    month = l_day <= days
    return (np.concatenate((ids, l_acc[month])), np.concatenate((np.zeros(ids.size, dtype=np.int64), l_day[month])), np.concatenate((opening, l_amount[month])))


async def _void_entries(uow: UnitOfWork, coop: int, m: Month) -> list[int]:
    """Entries of this month's reversed runs and their reversals: void, so they never count in the month's ADB
    (a run posted on the last day and reversed the next would otherwise lift the day's balances)."""
    q = select(ProfitRun.entry_ids_json, ProfitRun.reversal_entry_ids_json).where(ProfitRun.cooperative_id == coop, ProfitRun.period == m.label, ProfitRun.status == "reversed")
    out: list[int] = []
    for posted, reversal in (await uow.session.execute(q)).all():
        out += [int(i) for i in json.loads(posted)] + [int(i) for i in json.loads(reversal)]
    return sorted(out)


def _events_to_book(acc: np.ndarray, day: np.ndarray, amount: np.ndarray, table: tuple[np.ndarray, ...], only_kinds: tuple[str, ...] | None) -> Book:
    """(account, day, Σ amount) rows -> balance-change events; day 0 (before the month) becomes the opening."""
    all_ids, prod, bps, status, linked, kind = table
    order = np.lexsort((day, acc))
    acc, day, amount = acc[order], day[order], amount[order]
    if acc.size:
        pos = np.searchsorted(all_ids, acc)
        pos[pos >= all_ids.size] = 0
        if not np.array_equal(all_ids[pos], acc):
            bad = int(acc[all_ids[pos] != acc][0])
            raise Conflict(f"sub-ledger savings:{bad} tanpa rekening / a savings sub-ledger without an account")
        if only_kinds is not None:
            keep = np.isin(kind[pos], [KIND_CODES[k] for k in only_kinds])
            acc, day, amount = acc[keep], day[keep], amount[keep]
    new = np.r_[True, acc[1:] != acc[:-1]] if acc.size else np.zeros(0, dtype=bool)
    group = np.cumsum(new) - 1
    running = -np.cumsum(amount)  # credit-normal; differences are exact even if the running total wraps
    starts = np.flatnonzero(new)
    base = np.r_[np.int64(0), running][starts]
    balance = running - base[group]
    day = np.maximum(day, 1)  # the opening balance holds from day 1 unless day 1 moved it
    last_of_day = np.r_[(acc[1:] != acc[:-1]) | (day[1:] != day[:-1]), True] if acc.size else new
    acc, day, balance, group = acc[last_of_day], day[last_of_day], balance[last_of_day], group[last_of_day]
    if balance.size and balance.min() < 0:
        raise Conflict(f"saldo rekening {int(acc[balance < 0][0])} negatif dalam periode / a savings balance went negative in the month")
    return _keep_positive(acc, day, balance, group, table)


def _keep_positive(acc: np.ndarray, day: np.ndarray, balance: np.ndarray, group: np.ndarray, table: tuple[np.ndarray, ...]) -> Book:
    """Drop accounts whose balance is 0 all month (they earn nothing) and index the rest 0..n-1."""
    all_ids, prod, bps, status, linked, kind = table
    if acc.size:
        n_groups = int(group[-1]) + 1
        best = np.zeros(n_groups, dtype=np.int64)
        np.maximum.at(best, group, balance)
        keep = best[group] > 0
        acc, day, balance = acc[keep], day[keep], balance[keep]
    new = np.r_[True, acc[1:] != acc[:-1]] if acc.size else np.zeros(0, dtype=bool)
    index = (np.cumsum(new) - 1).astype(np.int32)
    ids = acc[new]
    pos = np.searchsorted(all_ids, ids)
    return Book(ids, prod[pos], bps[pos], status[pos], linked[pos], kind[pos], index, day.astype(np.int8), balance, all_ids, status, kind)


# ------------------------------------------------------------------------------------------------ computing a run


@dataclass(eq=False)
class Computed:
    """What ``compute`` stores: the run's figures, its pools and its lines (arrays, account-id order)."""

    income: Decimal
    financing: Fraction
    equity: Fraction
    divisor: Fraction
    member_share: Fraction
    income_json: dict[str, Any]
    pools: list[dict[str, Any]]
    ids: np.ndarray
    pool_no: np.ndarray
    numerators: np.ndarray
    exact: list[str]
    floor: np.ndarray
    paid: np.ndarray
    tax: np.ndarray
    credit_kind: np.ndarray
    target: np.ndarray
    carry_from: int | None = None


async def _products(uow: UnitOfWork, coop: int) -> dict[int, SavingsProduct]:
    rows = (await uow.session.execute(select(SavingsProduct).where(SavingsProduct.cooperative_id == coop))).scalars()
    return {p.id: p for p in rows}


async def _income(uow: UnitOfWork, coop: int, m: Month, s: DistributionSettings) -> tuple[Decimal, dict[str, Any]]:
    rows = await income_rows(uow, coop, m, s.basket)
    negative = [r.key for r in rows if r.included and r.cash < 0]
    if negative:
        raise InvalidInput(f"pendapatan kas bersih negatif bulan ini pada {', '.join(negative)}; periksa jurnal koreksi / net cash income is negative")
    y = income_to_share([(r.kind, from_sen(r.cash)) for r in rows if r.cash > 0], s.basket)
    detail = {
        "basket": s.basket.name,
        "rows": [{"account": r.key, "kind": r.kind.value, "included": r.included, "accrual": str(from_sen(r.accrual)), "accrued_not_received": str(from_sen(r.accrued_noncash)), "not_received": str(from_sen(r.not_received)), "prior_received": str(from_sen(r.receipts_prior)), "cash": str(from_sen(r.cash))} for r in rows],
        "accrual": str(from_sen(sum(r.accrual for r in rows if r.included))),
        "not_received": str(from_sen(sum(r.not_received for r in rows if r.included))),
        "prior_received": str(from_sen(sum(r.receipts_prior for r in rows if r.included))),
        "excluded": [{"kind": k.value, "amount": str(v)} for k, v in y.excluded],
        "y": str(y.amount),
    }
    return y.amount, detail


async def _carry_in(uow: UnitOfWork, coop: int, m: Month) -> tuple[int | None, dict[tuple[int, int], Fraction]]:
    """Residues of the latest posted distribution before this month, per (product, nisbah)."""
    q = select(ProfitRun).where(ProfitRun.cooperative_id == coop, ProfitRun.kind == DISTRIBUTION, ProfitRun.status == "posted", ProfitRun.period < m.label).order_by(ProfitRun.period.desc()).limit(1)
    prev = (await uow.session.execute(q)).scalar_one_or_none()
    if prev is None:
        return None, {}
    pools = (await uow.session.execute(select(ProfitRunProduct).where(ProfitRunProduct.run_id == prev.id))).scalars()
    return prev.id, {(p.product_id, p.nisbah_bps): frac(p.residue) for p in pools if p.product_id is not None and frac(p.residue) > 0}


def _pool_keys(book: Book, carry: dict[tuple[int, int], Fraction]) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Pools (product, nisbah) for the sharing and wadiah accounts (carried pools without accounts included)."""
    bps = np.where(book.kind == KIND_CODES["wadiah"], 0, book.nisbah)
    key = book.product * 100_000 + bps
    present, owner = np.unique(key, return_inverse=True) if key.size else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    keys = [(int(k) // 100_000, int(k) % 100_000) for k in present.tolist()]
    extra = sorted(set(carry) - set(keys))
    return keys + extra, owner.astype(np.int64)


def _specs(keys: list[tuple[int, int]], products: dict[int, SavingsProduct], s: DistributionSettings | None = None) -> list[ProductSpec]:
    reserve, weight = dict(s.reserve_percent) if s else {}, dict(s.weights) if s else {}
    known = {p.code for p in products.values()} | {EQUITY_CODE}
    unknown = sorted((set(reserve) | set(weight)) - known)
    if unknown:
        raise InvalidInput(f"pengaturan bagi hasil menyebut produk yang tidak ada: {', '.join(unknown)} / settings name unknown products")

    def tuned(code: str) -> dict[str, Decimal]:
        return {"reserve_percent": reserve.get(code, ZERO), "weight": weight.get(code, Decimal(1))}

    specs = []
    for pid, bps in keys:
        p = products[pid]
        if p.kind == "wadiah":
            specs.append(ProductSpec(f"{p.code}:{pid}", FundKind.WADIAH, **tuned(p.code)))
        else:
            specs.append(ProductSpec(f"{p.code}:{pid}:{bps}", FundKind.MUDHARABAH, Decimal(bps) / 100, **tuned(p.code)))
    return [*specs, ProductSpec(EQUITY_CODE, FundKind.EQUITY, **tuned(EQUITY_CODE))]


def _payout_targets(book: Book, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Credit kind and credited account per account (module doc: own account, linked account or payable)."""
    credit = np.zeros(book.ids.size, dtype=np.int64)
    target = book.ids.copy()
    credit[(book.kind == KIND_CODES["mudharabah"]) & eligible] = 1
    credit[(book.kind == KIND_CODES["wadiah"]) & eligible] = 2  # only a wadiah bonus pays wadiah accounts
    deposit = (book.kind == KIND_CODES["deposito"]) & eligible
    credit[deposit] = 3
    if book.all_ids.size and deposit.any():
        pos = np.searchsorted(book.all_ids, book.linked)
        pos[pos >= book.all_ids.size] = 0
        found = (book.linked > 0) & (book.all_ids[pos] == book.linked)
        usable = found & np.isin(book.all_status[pos], [STATUS_CODES["active"], STATUS_CODES["dormant"]])
        to_tm = deposit & usable & (book.all_kind[pos] == KIND_CODES["mudharabah"])
        to_tw = deposit & usable & (book.all_kind[pos] == KIND_CODES["wadiah"])
        credit[to_tm], credit[to_tw] = 1, 2
        target[to_tm | to_tw] = book.linked[to_tm | to_tw]
    return credit, target


def _eligible(book: Book) -> np.ndarray:
    """Who is paid: open savings accounts; deposits still placed or matured (a broken deposito forfeits)."""
    open_ = np.isin(book.status, [STATUS_CODES["active"], STATUS_CODES["dormant"]])
    matured = (book.kind == KIND_CODES["deposito"]) & (book.status == STATUS_CODES["matured"])
    return open_ | matured


def _taxes(paid: np.ndarray, kind: np.ndarray, withholding: WithholdingTax | None, payout_kind: dict[int, PayoutKind]) -> np.ndarray:
    """Tax withheld per account with the engine's rule (``WithholdingTax.tax_on``), once per distinct amount."""
    tax = np.zeros(paid.size, dtype=np.int64)
    if withholding is None:
        return tax
    for code, pk in payout_kind.items():
        mask = (paid > 0) & (kind == code)
        if not mask.any():
            continue
        amounts, inverse = np.unique(paid[mask], return_inverse=True)
        per = np.array([int(withholding.tax_on(Payout(0, Decimal(int(a)), pk, "x", "x"))) for a in amounts.tolist()], dtype=np.int64)
        tax[mask] = per[inverse]
    return tax


def _exact_texts(pools: list[Fraction], totals: list[int], owner: np.ndarray, nums: np.ndarray) -> list[str]:
    """Each account's unrounded share pool_j × num_i / num_j in the engine's 50-digit rendering."""
    out = [""] * nums.size
    div, dec = REPORT_CONTEXT.divide, Decimal
    for j, (pool, total) in enumerate(zip(pools, totals, strict=True)):
        idx = np.flatnonzero(owner == j)
        if not idx.size:
            continue
        if not pool or not total:
            for i in idx.tolist():
                out[i] = "0"
            continue
        p, q = pool.numerator, dec(pool.denominator * total)
        for i, num in zip(idx.tolist(), nums[idx].tolist(), strict=True):
            out[i] = format(div(dec(p * num), q).normalize(REPORT_CONTEXT), "f") if num else "0"
    return out


async def _compute_distribution(uow: UnitOfWork, coop: int, m: Month, s: DistributionSettings, progress: Progress) -> Computed:
    products = await _products(uow, coop)
    y, income_json = await _income(uow, coop, m, s)
    f, f_detail = await financing_adb(uow, coop, m, s)
    eq = await equity_adb(uow, coop, m)
    income_json["financing"], income_json["equity_adb"] = f_detail, str(to_decimal(eq))
    progress("baca saldo", 0, 1)
    book = await read_book(uow, coop, m, products)
    progress("baca saldo", 1, 1)
    carry_from, carry = await _carry_in(uow, coop, m)
    keys, owner = _pool_keys(book, carry)
    specs = _specs(keys, products, s)
    events = balance_events(book.ev_account, book.ev_day, book.ev_balance, n_accounts=book.ids.size, days=m.days)
    dist = distribute_period(y, f, specs, owner, events, given_adbs={EQUITY_CODE: eq}, carried_in={specs[j].code: carry[k] for j, k in enumerate(keys) if k in carry}, rate_basis=s.rate_basis)
    progress("hitung", 1, 1)
    eligible = _eligible(book)
    paid = np.where(eligible, dist.paid, 0)
    credit, target = _payout_targets(book, eligible)
    credit[paid == 0] = 0
    tax = _taxes(paid, book.kind, s.withholding, {KIND_CODES["mudharabah"]: PayoutKind.SAVINGS, KIND_CODES["deposito"]: PayoutKind.DEPOSIT})
    alloc = dist.allocation
    pools_exact = [p.pool if p.spec.sharing else Fraction(0) for p in alloc.products]
    exact = _exact_texts(pools_exact, list(dist.product_numerators), owner, dist.numerators)
    pools = _pool_rows(keys, products, dist, paid, tax, owner)
    return Computed(y, f, eq, alloc.divisor, alloc.total_member_share, income_json, pools, book.ids, owner, dist.numerators, exact, dist.paid, paid, tax, credit, target, carry_from)


def _group_sum(owner: np.ndarray, values: np.ndarray, n: int) -> list[int]:
    """Σ values per pool, exactly (int64 is enough: a pool's payouts never exceed the pool, ≤ 2 × Rp10^15)."""
    out = np.zeros(n, dtype=np.int64)
    if owner.size:
        np.add.at(out, owner, values.astype(np.int64))
    return out.tolist()


def _pool_rows(keys: list[tuple[int, int]], products: dict[int, SavingsProduct], dist: Any, paid: np.ndarray, tax: np.ndarray, owner: np.ndarray) -> list[dict[str, Any]]:
    """One stored row per engine pool; the residue carried out includes what forfeiting accounts left."""
    n = len(dist.allocation.products)
    count = _group_sum(owner, np.ones(owner.size, dtype=np.int64), n)
    floors, paids, taxes = (_group_sum(owner, a, n) for a in (dist.paid, paid, tax))
    multi = {pid for pid, _ in keys if sum(1 for q, _ in keys if q == pid) > 1}
    rows = []
    for j, pool in enumerate(dist.allocation.products):
        pid, bps = keys[j] if j < len(keys) else (None, 0)
        prod = products.get(pid) if pid is not None else None
        forfeited = floors[j] - paids[j]
        residue = dist.residues[j] + forfeited if dist.residues[j] is not None else pool.carried_in
        name = "Modal sendiri (ekuitas)" if prod is None else (f"{prod.name} (nisbah {Decimal(bps) / 100}%)" if pid in multi else prod.name)
        rows.append({
            "pool_no": j, "product_id": pid, "code": EQUITY_CODE if prod is None else prod.code, "name": name,
            "kind": "equity" if prod is None else prod.kind, "nisbah_bps": bps, "accounts": count[j],
            "adb_num": str(dist.product_numerators[j]), "adb": frac_text(pool.adb), "income_share": frac_text(pool.income_share),
            "member_share": frac_text(pool.member_share), "bmt_share": frac_text(pool.bmt_share), "carried_in": frac_text(pool.carried_in),
            "pool": frac_text(pool.pool if pool.spec.sharing else 0), "equivalent_rate": frac_text(pool.equivalent_rate_annual),
            "paid_total": paids[j], "tax_total": taxes[j], "forfeited": forfeited, "residue": frac_text(residue if pool.spec.sharing else 0),
        })
    return rows


async def _compute_bonus(uow: UnitOfWork, coop: int, m: Month, s: DistributionSettings, total: Decimal, progress: Progress) -> Computed:
    """A wadiah bonus: the total management decided, spread over wadiah accounts by ADB and floored (R2).

    The residue and the shares of closed accounts stay with the BMT: there is no wadiah pool to carry them.
    """
    products = await _products(uow, coop)
    progress("baca saldo", 0, 1)
    book = await read_book(uow, coop, m, products, only_kinds=("wadiah",))
    progress("baca saldo", 1, 1)
    nums = adb_numerators(balance_events(book.ev_account, book.ev_day, book.ev_balance, n_accounts=book.ids.size, days=m.days))
    alloc = wadiah_bonus(total, nums)
    eligible = _eligible(book)
    paid = np.where(eligible, alloc.paid, 0)
    credit = np.where(paid > 0, 2, 0).astype(np.int64)
    tax = _taxes(paid, book.kind, s.withholding, {KIND_CODES["wadiah"]: PayoutKind.WADIAH_BONUS})
    owner = np.zeros(book.ids.size, dtype=np.int64)
    num_total = exact_sum(nums)
    adb = Fraction(num_total, 100 * m.days)
    paid_sum, floor_sum = exact_sum(paid), exact_sum(alloc.paid)
    annual = Fraction(12) if s.rate_basis is EquivalentRateBasis.MONTHLY else Fraction(365, m.days)
    pool = {
        "pool_no": 0, "product_id": None, "code": "WADIAH", "name": "Tabungan wadiah (bonus)", "kind": "wadiah", "nisbah_bps": 0,
        "accounts": int(book.ids.size), "adb_num": str(num_total), "adb": frac_text(adb), "income_share": frac_text(Fraction(total)),
        "member_share": frac_text(Fraction(total)), "bmt_share": "0", "carried_in": "0", "pool": frac_text(Fraction(total)),
        "equivalent_rate": frac_text(Fraction(paid_sum) / adb * annual * 100 if adb else 0), "paid_total": paid_sum,
        "tax_total": exact_sum(tax), "forfeited": floor_sum - paid_sum, "residue": frac_text(Fraction(total) - paid_sum),
    }
    exact = _exact_texts([Fraction(total)], [num_total], owner, nums)
    detail = {"bonus_total": str(total), "note": "bonus wadiah: keputusan manajemen, bukan bagi hasil (fatwa 02/2000)"}
    return Computed(total, Fraction(0), Fraction(0), Fraction(0), Fraction(total), detail, [pool], book.ids, owner, nums, exact, alloc.paid, paid, tax, credit, book.ids.copy(), None)


# ------------------------------------------------------------------------------------------------ the workflow


async def _serialise(uow: UnitOfWork, coop: int) -> None:
    """One month-end job per cooperative at a time (PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE already)."""
    if _bulk.is_postgres(uow):
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x50520000 + coop})


async def _live_run(uow: UnitOfWork, coop: int, kind: str, period: str) -> ProfitRun | None:
    q = select(ProfitRun).where(ProfitRun.cooperative_id == coop, ProfitRun.kind == kind, ProfitRun.period == period, ProfitRun.live == 1).with_for_update()
    return (await uow.session.execute(q)).scalar_one_or_none()


async def get_run(uow: UnitOfWork, actor: Actor, run_id: int, *, lock: bool = False) -> ProfitRun:
    """A run of the actor's cooperative (members see posted distributions only)."""
    q = select(ProfitRun).where(ProfitRun.id == run_id, ProfitRun.cooperative_id == actor.coop)
    if lock:
        q = q.with_for_update()
    run = (await uow.session.execute(q)).scalar_one_or_none()
    if run is None or (actor.is_member and run.status != "posted"):
        raise NotFound("perhitungan bagi hasil tidak ditemukan / profit-sharing run not found")
    return run


async def _value_date(uow: UnitOfWork, coop: int, m: Month, wanted: date | None) -> date:
    """The month's last day, or the first open day after it when the day close has locked it already."""
    lock = await ledger.closed_through(uow, coop)
    vd = wanted or m.through
    if vd < m.through or vd > m.through + timedelta(days=31):
        raise InvalidInput("tanggal valuta harus di akhir periode atau bulan berikutnya / value date must be the period end or within the next month", field="value_date")
    if wanted is None and lock is not None and vd <= lock:
        vd = lock + timedelta(days=1)
    await _bulk.check_open(uow, coop, vd)
    return vd


async def _newest_entry(uow: UnitOfWork, coop: int) -> int:
    return int((await uow.session.execute(select(func.coalesce(func.max(EntryRow.id), 0)).where(EntryRow.cooperative_id == coop))).scalar_one())


async def _input_accounts(uow: UnitOfWork, coop: int, run: ProfitRun) -> list[int]:
    """The accounts a run reads: savings controls, income, profit-share receivable, financing and equity."""
    accounts = await ledger.chart(uow, coop)
    keys = [*savings.CONTROL.values(), *INCOME_ACCOUNTS, RECEIVABLE, *json.loads(run.settings_json).get("financing_accounts", FINANCING_ACCOUNTS)]
    ids = {accounts[k].id for k in keys if k in accounts}
    return sorted(ids | {a.id for a in accounts.values() if a.kind == "equity" and a.book == "tamwil"})


async def _check_inputs_unchanged(uow: UnitOfWork, run: ProfitRun) -> None:
    """Refuse when, since the computation, an entry dated in or before the month touched an account the run reads
    (savings, income, receivable, financing, equity), or the day close added portfolio snapshots F averages."""
    ids = ", ".join(map(str, await _input_accounts(uow, run.cooperative_id, run)))
    q = text(
        "SELECT e.id FROM journal_entry e WHERE e.cooperative_id = :coop AND e.id > :seen AND e.value_date <= :through "
        f"AND EXISTS (SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.account_id IN ({ids})) ORDER BY e.id LIMIT 1"
    )
    late = (await uow.session.execute(q, {"coop": run.cooperative_id, "seen": run.inputs_entry_id, "through": _sql_date(uow, run.through)})).scalar_one_or_none()
    if late is not None:
        raise Conflict(f"jurnal #{late} bertanggal periode {run.period} dibukukan setelah perhitungan; hitung ulang / the month's books changed after the computation: recompute")
    financing = json.loads(run.income_json).get("financing", {})
    if financing.get("source") == "snapshots":
        q2 = select(func.count()).select_from(PortfolioSnapshot).where(PortfolioSnapshot.cooperative_id == run.cooperative_id, PortfolioSnapshot.business_date >= run.since, PortfolioSnapshot.business_date <= run.through)
        if (await uow.session.execute(q2)).scalar_one() != financing.get("closed_days"):
            raise Conflict("snapshot portofolio bulan ini berubah sejak perhitungan; hitung ulang / the month's portfolio snapshots changed: recompute")


def _summary(run: ProfitRun, pools: list[ProfitRunProduct]) -> dict[str, Any]:
    return {
        "version": run.version, "computed_at": run.computed_at.isoformat() if run.computed_at else None, "computed_by": run.computed_by,
        "income": money_str(run.income), "financing_adb": run.financing_adb, "divisor": run.divisor, "member_share": run.member_share,
        "paid_total": money_str(run.paid_total), "accounts": run.accounts,
        "pools": {_pool_key(p.product_id, p.nisbah_bps): {"adb": p.adb, "member_share": p.member_share, "paid_total": money_str(p.paid_total)} for p in pools},
    }


def _pool_key(product_id: int | None, bps: int) -> str:
    return EQUITY_CODE if product_id is None else f"{product_id}:{bps}"


async def pools_of(uow: UnitOfWork, run_id: int) -> list[ProfitRunProduct]:
    return list((await uow.session.execute(select(ProfitRunProduct).where(ProfitRunProduct.run_id == run_id).order_by(ProfitRunProduct.pool_no))).scalars())


async def compute(uow: UnitOfWork, actor: Actor, period: str, *, kind: str = DISTRIBUTION, bonus_total: Decimal | str | None = None, value_date: date | None = None, progress: Progress | None = None) -> ProfitRun:
    """Compute (or recompute) the month's draft. An approved or posted month is returned unchanged.

    Raises:
        InvalidInput: a period that has not started, a bad value date, a bonus total missing or negative.
        Conflict: a later month is already posted (its carried residues would no longer follow).
        PeriodClosed: the value date is in a closed period.
    """
    actor.require("period.close")
    if kind not in KINDS:
        raise InvalidInput(f"jenis perhitungan: {', '.join(KINDS)} / unknown run kind")
    progress = progress or _noop
    m, coop = month_of(period), actor.coop
    if m.since > uow.business_date():
        raise InvalidInput(f"periode {m.label} belum dimulai / the period has not started", field="period")
    total = _bonus_total(bonus_total) if kind == WADIAH_BONUS else None
    await _serialise(uow, coop)
    existing = await _live_run(uow, coop, kind, m.label)
    if existing is not None and existing.status != "draft":
        return existing
    if kind == DISTRIBUTION:
        await _refuse_if_later_posted(uow, coop, m)
    s = settings_of(await uow.session.get(Cooperative, coop))
    vd = await _value_date(uow, coop, m, value_date)
    newest = await _newest_entry(uow, coop)
    c = await (_compute_distribution(uow, coop, m, s, progress) if total is None else _compute_bonus(uow, coop, m, s, total, progress))
    run = await _store(uow, actor, existing, kind, m, vd, s, c, newest, progress)
    await audit.record(uow, actor, f"profit_sharing.{kind}.compute", f"profit_run:{run.id}", {"period": m.label, "version": run.version, "income": str(run.income), "paid_total": str(run.paid_total), "accounts": run.accounts})
    return run


def _bonus_total(value: Decimal | str | None) -> Decimal:
    if value is None or str(value).strip() == "":
        raise InvalidInput("jumlah bonus wadiah wajib diisi / the bonus total is required", field="total")
    total = rupiah(value) if isinstance(value, str) else D(value)
    if total <= 0:
        raise InvalidInput("jumlah bonus wadiah harus lebih dari 0 / the bonus total must be positive", field="total")
    return total


async def _refuse_if_later_posted(uow: UnitOfWork, coop: int, m: Month) -> None:
    q = select(ProfitRun.period).where(ProfitRun.cooperative_id == coop, ProfitRun.kind == DISTRIBUTION, ProfitRun.status == "posted", ProfitRun.period > m.label).limit(1)
    later = (await uow.session.execute(q)).scalar_one_or_none()
    if later is not None:
        raise Conflict(f"bagi hasil {later} sudah diposting; periode sebelumnya tidak dapat dihitung lagi / a later month is posted")


async def _store(uow: UnitOfWork, actor: Actor, existing: ProfitRun | None, kind: str, m: Month, vd: date, s: DistributionSettings, c: Computed, newest: int, progress: Progress) -> ProfitRun:
    """Write the run, its pools and its lines (replacing a previous draft's, whose figures are kept for comparison)."""
    if existing is not None:
        existing.previous_json = json.dumps(_summary(existing, await pools_of(uow, existing.id)))
        await uow.session.execute(delete(ProfitRunLine).where(ProfitRunLine.run_id == existing.id))
        await uow.session.execute(delete(ProfitRunProduct).where(ProfitRunProduct.run_id == existing.id))
        existing.version += 1
        run = existing
    else:
        run = ProfitRun(cooperative_id=actor.coop, kind=kind, period=m.label, live=1, version=1, previous_json="{}", entry_ids_json="[]", reversal_entry_ids_json="[]", reversal_reason="")
        uow.session.add(run)
    paid_sen = c.paid.astype(np.int64)
    run.since, run.through, run.days, run.value_date, run.status = m.since, m.through, m.days, vd, "draft"
    run.income, run.financing_adb, run.equity_adb, run.divisor = c.income, frac_text(c.financing), frac_text(c.equity), frac_text(c.divisor)
    run.member_share = frac_text(c.member_share)
    run.paid_total = Decimal(sum(p["paid_total"] for p in c.pools))
    run.tax_total = Decimal(sum(p["tax_total"] for p in c.pools))
    run.forfeited_total = Decimal(sum(p["forfeited"] for p in c.pools))
    run.accounts, run.paid_accounts = int(c.ids.size), int(np.count_nonzero(paid_sen))
    run.settings_json, run.income_json = json.dumps(s.as_dict()), json.dumps(c.income_json)
    run.inputs_entry_id, run.carry_from_run_id = newest, c.carry_from
    run.computed_by, run.computed_at = actor.user_id, uow.now()
    run.approved_by = run.approved_at = None
    await uow.session.flush()
    uow.session.add_all([ProfitRunProduct(run_id=run.id, cooperative_id=actor.coop, **{**p, "paid_total": Decimal(p["paid_total"]), "tax_total": Decimal(p["tax_total"]), "forfeited": Decimal(p["forfeited"])}) for p in c.pools])
    await uow.session.flush()
    progress("simpan", 0, int(c.ids.size))
    await _store_lines(uow, run, c)
    progress("simpan", int(c.ids.size), int(c.ids.size))
    return run


async def _store_lines(uow: UnitOfWork, run: ProfitRun, c: Computed) -> None:
    """The run's account lines, written in slices so a million rows never sit in memory as Python objects."""
    paid = c.paid.astype(np.int64)
    seq = np.where(paid > 0, np.cumsum(paid > 0) - 1, -1)
    columns = (c.ids, c.pool_no, c.numerators, None, c.floor * 100, paid * 100, c.tax * 100, (paid - c.tax) * 100, c.credit_kind, c.target, seq)
    names = ("run_id", "account_id", "cooperative_id", "pool_no", "adb_num", "share_exact", "share_floor", "share_paid", "tax", "credited", "credit_kind", "target_id", "seq")
    rid, coop = run.id, run.cooperative_id

    def rows() -> Any:
        for start in range(0, c.ids.size, 50_000):
            part = slice(start, start + 50_000)
            cols = [c.exact[part] if a is None else a[part].tolist() for a in columns]
            for acc, *rest in zip(*cols, strict=True):
                yield (rid, acc, coop, *rest)

    await _bulk.copy_rows(uow, "profit_run_line", names, rows(), plain=True)


async def approve(uow: UnitOfWork, actor: Actor, run_id: int) -> ProfitRun:
    """A second person approves the draft (maker–checker); the month's books must not have changed since."""
    actor.require("period.close")
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status != "draft":
        raise Conflict(f"perhitungan berstatus {run.status}; hanya draf yang dapat disetujui / only a draft can be approved")
    check_four_eyes(run.computed_by, actor.user_id, "bagi hasil")
    await _check_inputs_unchanged(uow, run)
    run.status, run.approved_by, run.approved_at = "approved", actor.user_id, uow.now()
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.approve", f"profit_run:{run.id}", {"period": run.period, "version": run.version, "paid_total": str(run.paid_total)})
    return run


async def reopen(uow: UnitOfWork, actor: Actor, run_id: int, reason: str) -> ProfitRun:
    """Send an approved (not yet posted) run back to draft, e.g. to recompute after a late correction."""
    actor.require("period.close")
    if not reason.strip():
        raise InvalidInput("alasan wajib diisi / a reason is required", field="reason")
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status != "approved":
        raise Conflict("hanya perhitungan yang disetujui dan belum diposting yang dapat dibuka kembali / only an approved run can be reopened")
    run.status, run.approved_by, run.approved_at = "draft", None, None
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.reopen", f"profit_run:{run.id}", {"period": run.period, "reason": reason.strip()[:300]})
    return run


async def discard(uow: UnitOfWork, actor: Actor, run_id: int) -> None:
    """Throw a draft away (nothing was posted)."""
    actor.require("period.close")
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status != "draft":
        raise Conflict("hanya draf yang dapat dibuang / only a draft can be discarded")
    await uow.session.execute(delete(ProfitRunLine).where(ProfitRunLine.run_id == run.id))
    await uow.session.execute(delete(ProfitRunProduct).where(ProfitRunProduct.run_id == run.id))
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.discard", f"profit_run:{run.id}", {"period": run.period, "version": run.version})
    await uow.session.delete(run)


# ------------------------------------------------------------------------------------------------ posting


def _sql_date(uow: UnitOfWork, d: date) -> date | str:
    return d if _bulk.is_postgres(uow) else d.isoformat()


@dataclass(frozen=True, slots=True)
class _Chunk:
    k: int
    paid: int
    tax: int
    credited: int
    credit_lines: int
    lo: int
    hi: int


async def _chunks(uow: UnitOfWork, run: ProfitRun) -> list[_Chunk]:
    """The entries the run's paid lines make, with their totals, checked before anything is written."""
    q = text(
        f"SELECT seq / {PER_ENTRY}, SUM(share_paid), SUM(tax), SUM(credited), SUM(CASE WHEN credited > 0 THEN 1 ELSE 0 END), MIN(seq), MAX(seq) "
        f"FROM profit_run_line WHERE run_id = :r AND seq >= 0 GROUP BY seq / {PER_ENTRY} ORDER BY 1"
    )
    out = []
    for k, paid, tax, credited, lines, lo, hi in (await uow.session.execute(q, {"r": run.id})).all():  # sen
        chunk = _Chunk(int(k) + 1, int(paid), int(tax), int(credited), int(lines), int(lo), int(hi) + 1)
        n_lines = 1 + chunk.credit_lines + (1 if chunk.tax else 0)
        if chunk.paid <= 0 or chunk.credited + chunk.tax != chunk.paid or not 2 <= n_lines <= MAX_LINES_PER_ENTRY:
            raise UnbalancedEntry(f"bagian {chunk.k}: dibayar {chunk.paid} ≠ dikreditkan {chunk.credited} + pajak {chunk.tax} (sen) / chunk does not balance")
        out.append(chunk)
    return out


async def post(uow: UnitOfWork, actor: Actor, run_id: int, *, progress: Progress | None = None) -> ProfitRun:
    """Post an approved run: balanced entries and the credited accounts' balances, in one transaction.

    A posted run is returned as it is (posting twice posts nothing).

    Raises:
        Conflict: not approved; the month's books or the carried residues changed since the computation;
            an account to credit is no longer open.
        PeriodClosed: the value date has been closed meanwhile.
    """
    actor.require("period.close")
    progress = progress or _noop
    await _serialise(uow, actor.coop)
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status == "posted":
        return run
    if run.status != "approved":
        raise Conflict(f"perhitungan berstatus {run.status}; setujui dulu / approve the run first")
    await _check_inputs_unchanged(uow, run)
    if run.kind == DISTRIBUTION:
        carry_from, _ = await _carry_in(uow, run.cooperative_id, month_of(run.period))
        if carry_from != run.carry_from_run_id:
            raise Conflict("sisa bagi hasil bulan sebelumnya berubah sejak perhitungan; hitung ulang / last month's residues changed: recompute")
    ids = await _post_entries(uow, run, progress)
    await _move_balances(uow, run, sign=1)
    run.status, run.posted_by, run.posted_at, run.entry_ids_json = "posted", actor.user_id, uow.now(), json.dumps(ids)
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.post", f"profit_run:{run.id}", {"period": run.period, "entries": ids, "paid_total": str(run.paid_total), "tax_total": str(run.tax_total), "accounts": run.paid_accounts})
    return run


async def _post_entries(uow: UnitOfWork, run: ProfitRun, progress: Progress) -> list[int]:
    """Entry headers, then per entry: the debit line, the credits (INSERT ... SELECT from the run's lines) and
    the tax line; finally every entry is checked to balance before COMMIT."""
    chunks = await _chunks(uow, run)
    if not chunks:
        return []
    accounts = await ledger.chart(uow, run.cooperative_id)
    debit_key, title, source = ("profit_sharing_expense", "Distribusi bagi hasil", "profit_sharing") if run.kind == DISTRIBUTION else ("wadiah_bonus_expense", "Bonus wadiah", "wadiah_bonus")
    ids_of = dict(zip(CREDIT_KEYS, _ids(accounts, list(CREDIT_KEYS.values())), strict=True))
    debit_id, tax_id = _ids(accounts, [debit_key, "tax_payable"])
    if any(accounts[k].book != "tamwil" for k in (debit_key, "tax_payable", *CREDIT_KEYS.values())):
        raise InvalidInput("akun bagi hasil harus di buku Baitul Tamwil / profit-sharing accounts belong to the Tamwil book")
    n = len(chunks)
    headers = [_bulk.EntryHeader(f"{title} {run.period} (bagian {c.k}/{n})", f"{source}:{run.period}:{c.k}", f"profit_run:{run.id}:{c.k}") for c in chunks]
    ids = await _bulk.insert_entries(uow, run.cooperative_id, run.value_date, headers, maker_id=run.computed_by, checker_id=run.approved_by)
    vd = _sql_date(uow, run.value_date)
    single = text("INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger, memo) VALUES (:e, :c, :a, :vd, :amt, NULL, :memo)")
    credits = text(
        "INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger, memo) "
        f"SELECT :e, cooperative_id, CASE credit_kind WHEN 1 THEN {ids_of[1]} WHEN 2 THEN {ids_of[2]} ELSE {ids_of[3]} END, :vd, -credited, "
        "CASE credit_kind WHEN 3 THEN 'deposit:' || CAST(account_id AS VARCHAR(20)) ELSE 'savings:' || CAST(target_id AS VARCHAR(20)) END, NULL "
        "FROM profit_run_line WHERE run_id = :r AND seq >= :lo AND seq < :hi AND credited > 0 ORDER BY seq"
    )
    for entry_id, c in zip(ids, chunks, strict=True):
        await uow.session.execute(single, {"e": entry_id, "c": run.cooperative_id, "a": debit_id, "vd": vd, "amt": c.paid, "memo": None})
        await uow.session.execute(credits, {"e": entry_id, "vd": vd, "r": run.id, "lo": c.lo, "hi": c.hi})
        if c.tax:
            await uow.session.execute(single, {"e": entry_id, "c": run.cooperative_id, "a": tax_id, "vd": vd, "amt": -c.tax, "memo": "PPh atas bagi hasil"})
        progress("posting", c.k, n)
    await _bulk.check_entries(uow, ids)
    return ids


_TARGETS = "SELECT target_id, SUM(credited) AS amt FROM profit_run_line WHERE run_id = :r AND credit_kind IN (1, 2) GROUP BY target_id"


async def _move_balances(uow: UnitOfWork, run: ProfitRun, *, sign: int) -> None:
    """Add (sign 1) or take back (sign −1) what the run credited to savings accounts, set-based.

    Rows are locked in id order first (as every teller operation locks them), so a teller working during the
    month-end waits instead of deadlocking. Every credited account must still be open; a reversal must not take
    an account below zero.
    """
    params = {"r": run.id}
    expected = int((await uow.session.execute(text(f"SELECT COUNT(*) FROM ({_TARGETS}) t"), params)).scalar_one())
    if not expected:
        return
    if _bulk.is_postgres(uow):
        await uow.session.execute(text(f"SELECT COUNT(*) FROM (SELECT a.id FROM savings_account a WHERE a.id IN (SELECT target_id FROM ({_TARGETS}) t) ORDER BY a.id FOR UPDATE) x"), params)
    if sign < 0:
        short = (await uow.session.execute(text(f"SELECT a.id FROM savings_account a JOIN ({_TARGETS}) t ON t.target_id = a.id WHERE a.balance < t.amt LIMIT 1"), params)).scalar_one_or_none()
        if short is not None:
            raise InsufficientBalance(f"saldo rekening {short} tidak cukup untuk membatalkan bagi hasil / an account no longer holds the share to take back")
    op = "+" if sign > 0 else "-"
    res = await uow.session.execute(
        text(
            f"UPDATE savings_account SET balance = savings_account.balance {op} t.amt, version = savings_account.version + 1 "
            f"FROM ({_TARGETS}) AS t WHERE savings_account.id = t.target_id AND savings_account.status IN ('active', 'dormant')"
        ),
        params,
    )
    if res.rowcount != expected:
        raise Conflict(f"{expected - res.rowcount} rekening tujuan tidak lagi aktif; hitung ulang / accounts to credit are no longer open: recompute")


async def request_reversal(uow: UnitOfWork, actor: Actor, run_id: int, reason: str) -> ProfitRun:
    """Ask for a posted run to be reversed as a whole (a second person approves)."""
    actor.require("period.close")
    if not reason.strip():
        raise InvalidInput("alasan pembatalan wajib diisi / a reason is required", field="reason")
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status != "posted":
        raise Conflict("hanya perhitungan yang sudah diposting yang dapat dibatalkan / only a posted run can be reversed")
    run.reversal_requested_by, run.reversal_reason = actor.user_id, reason.strip()[:300]
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.reversal_request", f"profit_run:{run.id}", {"period": run.period, "reason": run.reversal_reason})
    return run


async def approve_reversal(uow: UnitOfWork, actor: Actor, run_id: int, *, progress: Progress | None = None) -> ProfitRun:
    """Reverse every entry of a posted run (dated today) and take the credits back; the month can be recomputed.

    Raises:
        Conflict: no reversal requested; a later month's distribution is posted (it carried this run's residues).
        PermissionDenied: the requester approving their own request.
        InsufficientBalance: an account no longer holds its share.
    """
    actor.require("period.close")
    await _serialise(uow, actor.coop)
    run = await get_run(uow, actor, run_id, lock=True)
    if run.status != "posted" or run.reversal_requested_by is None:
        raise Conflict("belum ada permintaan pembatalan untuk perhitungan yang diposting / no reversal requested")
    check_four_eyes(run.reversal_requested_by, actor.user_id, "pembatalan bagi hasil")
    if run.kind == DISTRIBUTION:
        await _refuse_if_later_posted(uow, run.cooperative_id, month_of(run.period))
    today = uow.business_date()
    originals = json.loads(run.entry_ids_json)
    headers = []
    for k, eid in enumerate(originals, start=1):
        header, _ = await ledger.load_entry(uow, run.cooperative_id, eid)
        headers.append(_bulk.EntryHeader(f"Koreksi (pembalikan): {header.description} — {run.reversal_reason}", f"reversal:{header.source}", f"profit_run:{run.id}:reversal:{k}", reverses_id=eid))
    ids = await _bulk.insert_entries(uow, run.cooperative_id, today, headers, maker_id=run.reversal_requested_by, checker_id=actor.user_id)
    copy = text("INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger, memo) SELECT :new, cooperative_id, account_id, :vd, -amount_sen, subledger, memo FROM journal_line WHERE entry_id = :old ORDER BY id")
    for k, (new, old) in enumerate(zip(ids, originals, strict=True), start=1):
        await uow.session.execute(copy, {"new": new, "old": old, "vd": _sql_date(uow, today)})
        (progress or _noop)("pembalikan", k, len(ids))
    await _bulk.check_entries(uow, ids)
    await _move_balances(uow, run, sign=-1)
    run.status, run.live, run.reversed_by, run.reversed_at = "reversed", None, actor.user_id, uow.now()
    run.reversal_entry_ids_json = json.dumps(ids)
    await audit.record(uow, actor, f"profit_sharing.{run.kind}.reverse", f"profit_run:{run.id}", {"period": run.period, "entries": ids, "reason": run.reversal_reason})
    return run


# ------------------------------------------------------------------------------------------------ reading


async def runs(uow: UnitOfWork, actor: Actor, *, kind: str | None = None, limit: int = 60) -> list[ProfitRun]:
    actor.require("ledger.read")
    q = select(ProfitRun).where(ProfitRun.cooperative_id == actor.coop).order_by(ProfitRun.period.desc(), ProfitRun.id.desc()).limit(limit)
    if kind:
        q = q.where(ProfitRun.kind == kind)
    return list((await uow.session.execute(q)).scalars())


@dataclass(frozen=True, slots=True)
class LineView:
    """One account's line with its account number and member name (for screens, PDF and CSV)."""

    account_id: int
    account_no: str
    member_name: str
    pool_no: int
    adb: Decimal
    share_exact: str
    share_floor: Decimal
    share_paid: Decimal
    tax: Decimal
    credited: Decimal
    credited_to: str


def _credited_to(kind: int, target: int, account_id: int) -> str:
    if kind == 3:
        return f"utang bagi hasil deposito (deposit:{account_id})"
    if kind in (1, 2):
        return f"rekening {target}" if target != account_id else "rekening sendiri"
    return "—"


async def lines(uow: UnitOfWork, actor: Actor, run_id: int, *, pool_no: int | None = None, after: int = 0, limit: int = 100) -> list[LineView]:
    """A page of the run's account lines in account order (keyset: ``after`` = the last account id seen)."""
    actor.require("ledger.read")
    run = await get_run(uow, actor, run_id)
    q = (
        select(ProfitRunLine, SavingsAccount.account_no, Member.name)
        .join(SavingsAccount, SavingsAccount.id == ProfitRunLine.account_id)
        .join(Member, Member.id == SavingsAccount.member_id)
        .where(ProfitRunLine.run_id == run.id, ProfitRunLine.account_id > after)
        .order_by(ProfitRunLine.account_id)
        .limit(min(max(limit, 1), 10_000))
    )
    if pool_no is not None:
        q = q.where(ProfitRunLine.pool_no == pool_no)
    return [_line_view(ln, no, name, run.days) for ln, no, name in (await uow.session.execute(q)).all()]


def _line_view(ln: ProfitRunLine, account_no: str, name: str, days: int) -> LineView:
    adb = to_decimal(Fraction(ln.adb_num, 100 * days))
    return LineView(ln.account_id, account_no, name, ln.pool_no, adb, ln.share_exact, ln.share_floor, ln.share_paid, ln.tax, ln.credited, _credited_to(ln.credit_kind, ln.target_id, ln.account_id))


CSV_HEADER = "period,product,nisbah_percent,account_id,account_no,member,adb,share_exact,share_floor,share_paid,tax,credited,credited_to\n"


async def csv_chunks(factory: Any, actor: Actor, run_id: int, *, page: int = 20_000) -> AsyncIterator[str]:
    """The distribution report per account as CSV text, page by page (a million lines never sit in memory)."""
    async with factory() as uow:
        run = await get_run(uow, actor, run_id)
        pools = {p.pool_no: p for p in await pools_of(uow, run.id)}
    yield CSV_HEADER
    after = 0
    while True:
        async with factory() as uow:
            rows = await lines(uow, actor, run_id, after=after, limit=page)
        if not rows:
            return
        out = []
        for r in rows:
            p = pools[r.pool_no]
            name = r.member_name.replace('"', '""')
            out.append(f'{run.period},{p.code},{Decimal(p.nisbah_bps) / 100},{r.account_id},{r.account_no},"{name}",{r.adb},{r.share_exact},{money_str(r.share_floor)},{money_str(r.share_paid)},{money_str(r.tax)},{money_str(r.credited)},"{r.credited_to}"\n')
        yield "".join(out)
        after = rows[-1].account_id


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one account's share of one month was made (the member's screen and statement)."""

    run: ProfitRun
    pool: ProfitRunProduct
    account_no: str
    account_adb: Decimal
    share_exact: str
    share_floor: Decimal
    share_paid: Decimal
    tax: Decimal
    credited: Decimal
    credited_to: str
    personal_rate: Decimal  # paid / ADB_i × 12 (or × 365/D), percent p.a.

    @property
    def forfeited(self) -> bool:
        return self.share_floor > self.share_paid


async def explanation(uow: UnitOfWork, actor: Actor, account_id: int, period: str) -> Explanation | None:
    """The account's line in the month's distribution (members: their own accounts, posted months only).

    Returns None when the account had no balance in the month or the month has no run yet.
    """
    acc, _, _ = await savings.get_account(uow, actor, account_id)
    m = month_of(period)
    q = select(ProfitRun).where(ProfitRun.cooperative_id == acc.cooperative_id, ProfitRun.kind == DISTRIBUTION, ProfitRun.period == m.label, ProfitRun.live == 1)
    run = (await uow.session.execute(q)).scalar_one_or_none()
    if run is None or (actor.is_member and run.status != "posted"):
        return None
    ln = (await uow.session.execute(select(ProfitRunLine).where(ProfitRunLine.run_id == run.id, ProfitRunLine.account_id == acc.id))).scalar_one_or_none()
    if ln is None:
        return None
    pool = (await uow.session.execute(select(ProfitRunProduct).where(ProfitRunProduct.run_id == run.id, ProfitRunProduct.pool_no == ln.pool_no))).scalar_one()
    adb = Fraction(ln.adb_num, 100 * run.days)
    annual = Fraction(12) if json.loads(run.settings_json).get("rate_basis", "monthly") == "monthly" else Fraction(365, run.days)
    rate = Fraction(D(ln.share_paid)) / adb * annual * 100 if adb else Fraction(0)
    return Explanation(run, pool, acc.account_no, to_decimal(adb), ln.share_exact, ln.share_floor, ln.share_paid, ln.tax, ln.credited, _credited_to(ln.credit_kind, ln.target_id, ln.account_id), to_decimal(rate))


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    label: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Laporan rekonsiliasi pendapatan dan bagi hasil (PSAK 101) for one month's distribution."""

    run: ProfitRun
    rows: list[ReconciliationRow]
    per_account: list[dict[str, Any]]
    excluded: list[dict[str, str]]
    income: Decimal
    depositors: Decimal
    bmt: Decimal


def reconciliation(run: ProfitRun) -> Reconciliation:
    """Accrual income − income of the month not yet received + cash received for earlier income = Y; Y split
    into the depositors' share (Σ B_j, exact) and the BMT's share."""
    if run.kind != DISTRIBUTION:
        raise InvalidInput("rekonsiliasi hanya untuk distribusi bagi hasil / reconciliation is for distributions")
    info = json.loads(run.income_json)
    depositors = show(run.member_share)
    rows = [
        ReconciliationRow("Pendapatan usaha (akrual) periode berjalan", D(info["accrual"]), "akun pendapatan dalam keranjang bagi hasil"),
        ReconciliationRow("Dikurangi: pendapatan periode berjalan yang belum diterima kas", -D(info["not_received"]), "piutang pendapatan bagi hasil"),
        ReconciliationRow("Ditambah: penerimaan kas atas pendapatan periode sebelumnya", D(info["prior_received"])),
        ReconciliationRow("Pendapatan yang tersedia untuk bagi hasil (Y)", run.income),
        ReconciliationRow("Bagi hasil hak pemilik dana (Σ B_j)", depositors, "sebelum pembulatan per rekening"),
        ReconciliationRow("Bagi hasil hak BMT", run.income - depositors),
    ]
    return Reconciliation(run, rows, info.get("rows", []), info.get("excluded", []), run.income, depositors, run.income - depositors)


def _idr(value: Decimal | int, places: int = 0) -> str:
    """Indonesian number text for explanation lines ("1.234.567,89"); services do not import the reports layer."""
    q = Decimal(value).quantize(Decimal(1).scaleb(-places)) if places else Decimal(value).quantize(Decimal(1))
    whole, _, frac_part = f"{abs(q):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return ("-" if q < 0 else "") + grouped + (f",{frac_part}" if frac_part else "")


async def explain_share(uow: UnitOfWork, actor: Actor, entry_id: int, account_id: int) -> list[str]:
    """Plain-language lines on how a posted credit to ``account_id`` (in entry ``entry_id``) was made, for the
    member portal. The entry names its run in its idempotency key (``profit_run:<id>:<k>``)."""
    header = (await uow.session.execute(select(EntryRow.idempotency_key).where(EntryRow.id == entry_id, EntryRow.cooperative_id == actor.coop))).scalar_one_or_none()
    if not header or not header.startswith("profit_run:"):
        return []
    run = (await uow.session.execute(select(ProfitRun).where(ProfitRun.id == int(header.split(":")[1]), ProfitRun.cooperative_id == actor.coop))).scalar_one_or_none()
    if run is None:
        return []
    q = select(ProfitRunLine).where(ProfitRunLine.run_id == run.id, (ProfitRunLine.account_id == account_id) | ((ProfitRunLine.target_id == account_id) & ProfitRunLine.credit_kind.in_((1, 2)))).order_by(ProfitRunLine.account_id)
    out: list[str] = []
    for ln in (await uow.session.execute(q)).scalars():
        pool = (await uow.session.execute(select(ProfitRunProduct).where(ProfitRunProduct.run_id == run.id, ProfitRunProduct.pool_no == ln.pool_no))).scalar_one()
        adb = to_decimal(Fraction(ln.adb_num, 100 * run.days))
        source = "" if ln.account_id == account_id else f" (dari deposito #{ln.account_id})"
        if run.kind == WADIAH_BONUS:
            out.append(f"Bonus wadiah {run.period}{source}: total Rp{_idr(run.income)} dibagi menurut saldo rata-rata harian; saldo rata-rata Anda Rp{_idr(adb, 2)} dari Rp{_idr(show(pool.adb), 2)}.")
        else:
            out.append(f"Periode {run.period}{source}: saldo rata-rata harian Rp{_idr(adb, 2)} selama {run.days} hari; saldo rata-rata produk {pool.name} Rp{_idr(show(pool.adb), 2)}.")
            out.append(f"Pendapatan yang dihasilkan produk Rp{_idr(show(pool.income_share), 2)} × nisbah anggota {_idr(pool.nisbah_percent, 2)}% = hak nasabah Rp{_idr(show(pool.member_share), 2)}.")
        out.append(f"Bagian Anda {_idr(show(ln.share_exact), 4)} dibulatkan ke bawah Rp{_idr(ln.share_floor)}; pajak Rp{_idr(ln.tax)}; dikreditkan Rp{_idr(ln.credited)}.")
    return out
