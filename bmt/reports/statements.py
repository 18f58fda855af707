"""The PSAK 101 statements of a sharia cooperative, built from the ledger's figures. Pure: no I/O.

``build(inputs)`` gives the set, each with the period and the one before it side by side:

1. **Laporan posisi keuangan** — aset (contra-accounts such as MMD, PPAP and depreciation shown as
   deductions), kewajiban, **dana syirkah temporer** between liabilities and equity, ekuitas with the result
   not yet closed (*SHU periode berjalan*); assets = liabilities + dana syirkah temporer + equity.
2. **Perhitungan hasil usaha (SHU)** — pendapatan usaha, hak pihak ketiga atas bagi hasil, beban usaha,
   non-operating items, zakat, SHU; the year-close entries are left out (they only move the result).
3. **Laporan perubahan ekuitas** — each component's opening, increases, decreases and closing.
4. **Laporan arus kas** (direct method) — cash moved, classified by the account on the other side.
5. **Laporan rekonsiliasi pendapatan dan bagi hasil** — accrual income to the income shared with the
   owners of the funds (domain.md §9), and its split.
6. **Sumber dan penggunaan dana zakat** and 7. **dana kebajikan** — from the Baitul Maal book.

Every line carries the account codes behind it (the screen links each to its general ledger for the
period), and every statement carries its ties: the check that it adds up, that it agrees with the trial
balance, and that it agrees with the other statements. Amounts are shown on their normal side.

Example: a cooperative whose only entries are Dr Kas 1,000,000 / Cr Simpanan pokok 1,000,000 and
Dr Kas 300,000 / Cr Pendapatan margin 300,000 shows aset 1,300,000 = ekuitas 1,000,000 + SHU 300,000; its
cash flow has 300,000 from operations and 1,000,000 from financing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bmt.compliance.reporting_period import MONTHS_ID
from bmt.ledger.accounts import AccountType
from bmt.money import ZERO
from bmt.services.statements import AccountInfo, Figures, FundStatement, StatementInputs

A, CA, L, T, E = (AccountType.ASSET, AccountType.CONTRA_ASSET, AccountType.LIABILITY, AccountType.TEMPORARY_SYIRKAH, AccountType.EQUITY)
INC, EXP = AccountType.INCOME, AccountType.EXPENSE

NON_OPERATING_INCOME = frozenset({"other_income", "recovery_income"})
NON_OPERATING_EXPENSE = frozenset({"other_expense"})
DEPOSITORS_SHARE = frozenset({"profit_sharing_expense"})
ZAKAT_EXPENSE = frozenset({"zakat_expense"})
#: Income that is not shared with the owners of the funds (fees, the retail unit's sales): §4.2.
NOT_SHARED_INCOME = frozenset({"fee_income", "retail_income"})
ACCRUED_INCOME = "profit_share_receivable"
INVESTING = frozenset({"fixed_assets", "accumulated_depreciation", "placements", "other_assets"})
FINANCING = frozenset({"shu_payable", "shu_funds_payable"})


@dataclass(frozen=True, slots=True)
class Line:
    """One line: a label, one amount per column (None = blank), the account codes behind it, its style."""

    label: str
    amounts: tuple[Decimal | None, ...]
    accounts: tuple[str, ...] = ()
    style: str = "item"  # item | subtotal | total
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Block:
    title: str
    lines: tuple[Line, ...]
    columns: tuple[str, ...] = ()  # empty: the statement's columns


@dataclass(frozen=True, slots=True)
class Tie:
    """Two figures that must be equal, and what they are."""

    label: str
    left: Decimal
    right: Decimal

    @property
    def ok(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True, slots=True)
class Statement:
    slug: str
    title: str
    subtitle: str
    columns: tuple[str, ...]
    blocks: tuple[Block, ...]
    ties: tuple[Tie, ...]
    note: str = ""

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.ties)

    def line(self, label: str) -> Line:
        """The first line with this label (tests and cross-checks read figures by label)."""
        for b in self.blocks:
            for ln in b.lines:
                if ln.label == label:
                    return ln
        raise KeyError(label)


@dataclass(frozen=True, slots=True)
class StatementSet:
    cooperative: str
    branch: str | None
    period_title: str
    prior_title: str
    since: date
    through: date
    statements: tuple[Statement, ...]
    ties: tuple[Tie, ...] = field(default_factory=tuple)

    def get(self, slug: str) -> Statement:
        for s in self.statements:
            if s.slug == slug:
                return s
        raise KeyError(slug)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.statements) and all(t.ok for t in self.ties)


TITLES = {
    "posisi-keuangan": "Laporan Posisi Keuangan",
    "hasil-usaha": "Perhitungan Hasil Usaha (SHU)",
    "perubahan-ekuitas": "Laporan Perubahan Ekuitas",
    "arus-kas": "Laporan Arus Kas",
    "rekonsiliasi-bagi-hasil": "Laporan Rekonsiliasi Pendapatan dan Bagi Hasil",
    "dana-zakat": "Laporan Sumber dan Penggunaan Dana Zakat",
    "dana-kebajikan": "Laporan Sumber dan Penggunaan Dana Kebajikan",
}


# ------------------------------------------------------------------------------------------ helpers


def _tamwil(inputs: StatementInputs, *kinds: AccountType) -> list[AccountInfo]:
    wanted = {k.value for k in kinds}
    return [a for a in inputs.accounts if a.book == "tamwil" and a.kind in wanted]


def _normal(kind: str, signed: Decimal) -> Decimal:
    """A signed (debit positive) amount on the side an account of ``kind`` normally carries."""
    return signed if kind in (A.value, EXP.value) else -signed


def _closing(f: Figures, a: AccountInfo) -> Decimal:
    # Contra assets are shown as deductions: a negative amount in the asset section.
    return f.closing(a.code) if a.kind in (A.value, CA.value) else -f.closing(a.code)


def _lines(accounts: Iterable[AccountInfo], value: Callable[[Figures, AccountInfo], Decimal], figs: Sequence[Figures]) -> list[Line]:
    """One line per account with a non-zero amount in any column."""
    out = []
    for a in accounts:
        amounts = tuple(value(f, a) for f in figs)
        if any(amounts):
            out.append(Line(a.name, amounts, (a.code,), indent=1))
    return out


def _sum(lines: Iterable[Line], n: int) -> tuple[Decimal, ...]:
    totals = [ZERO] * n
    for ln in lines:
        for i, v in enumerate(ln.amounts):
            totals[i] += v or ZERO
    return tuple(totals)


def _plus(*cols: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(sum(vals, ZERO) for vals in zip(*cols, strict=True))


def _minus(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(x - y for x, y in zip(a, b, strict=True))


def unclosed_result(inputs: StatementInputs, f: Figures, *, opening: bool = False) -> Decimal:
    """The result not yet closed to equity: −Σ income and expense balances (at the start or the end)."""
    total = ZERO
    for a in _tamwil(inputs, INC, EXP):
        total += f.opening.get(a.code, ZERO) if opening else f.closing(a.code)
    return -total


def _columns(inputs: StatementInputs, *, balance: bool = False) -> tuple[str, ...]:
    if balance:
        return (_date(inputs.current.period.through), _date(inputs.prior.period.through))
    return (inputs.current.period.title, inputs.prior.period.title)


def _date(d: date) -> str:
    return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"


# ------------------------------------------------------------------------------------------ 1. posisi keuangan


def balance_sheet(inputs: StatementInputs) -> Statement:
    """Laporan posisi keuangan at the end of both periods."""
    figs = (inputs.current, inputs.prior)
    assets = _lines(_tamwil(inputs, A, CA), _closing, figs)
    liabilities = _lines(_tamwil(inputs, L), _closing, figs)
    syirkah = _lines(_tamwil(inputs, T), _closing, figs)
    equity = _lines(_tamwil(inputs, E), _closing, figs)
    result = tuple(unclosed_result(inputs, f) for f in figs)
    if any(result):
        equity.append(Line("SHU periode berjalan (belum ditutup)", result, indent=1))
    ta, tl, tt, te = (_sum(x, 2) for x in (assets, liabilities, syirkah, equity))
    right = _plus(tl, tt, te)
    blocks = (
        Block("Aset", (*assets, Line("Jumlah aset", ta, style="total"))),
        Block("Kewajiban", (*liabilities, Line("Jumlah kewajiban", tl, style="subtotal"))),
        Block("Dana syirkah temporer", (*syirkah, Line("Jumlah dana syirkah temporer", tt, style="subtotal"))),
        Block("Ekuitas", (*equity, Line("Jumlah ekuitas", te, style="subtotal"))),
        Block("", (Line("Jumlah kewajiban, dana syirkah temporer dan ekuitas", right, style="total"),)),
    )
    ties = [Tie(f"Aset = kewajiban + dana syirkah temporer + ekuitas ({c})", ta[i], right[i]) for i, c in enumerate(_columns(inputs, balance=True))]
    if inputs.tb_closing and inputs.branch is None:
        tb_assets = sum((inputs.tb_closing.get(a.code, ZERO) for a in _tamwil(inputs, A, CA)), ZERO)
        ties.append(Tie("Jumlah aset = neraca saldo (aset dan kontra-aset)", ta[0], tb_assets))
    return Statement("posisi-keuangan", TITLES["posisi-keuangan"], f"Per {_columns(inputs, balance=True)[0]}", _columns(inputs, balance=True), blocks, tuple(ties))


# ------------------------------------------------------------------------------------------ 2. hasil usaha


def _flow(f: Figures, a: AccountInfo) -> Decimal:
    return _normal(a.kind, f.movement(a.code))


def _by_group(accounts: Iterable[AccountInfo], groups: frozenset[str], *, inside: bool) -> list[AccountInfo]:
    return [a for a in accounts if (a.group in groups) == inside]


def income_statement(inputs: StatementInputs) -> Statement:
    """Perhitungan hasil usaha: the PSAK 101 minimum lines, with the owners' share of profit after revenue."""
    figs = (inputs.current, inputs.prior)
    income, expense = _tamwil(inputs, INC), _tamwil(inputs, EXP)
    revenue = _lines(_by_group(income, NON_OPERATING_INCOME, inside=False), _flow, figs)
    share = _lines(_by_group(expense, DEPOSITORS_SHARE, inside=True), _flow, figs)
    costs = _lines([a for a in expense if a.group not in DEPOSITORS_SHARE | NON_OPERATING_EXPENSE | ZAKAT_EXPENSE], _flow, figs)
    other_in = _lines(_by_group(income, NON_OPERATING_INCOME, inside=True), _flow, figs)
    other_out = [Line(ln.label, tuple(-v for v in ln.amounts), ln.accounts, indent=1) for ln in _lines(_by_group(expense, NON_OPERATING_EXPENSE, inside=True), _flow, figs)]
    zakat = _lines(_by_group(expense, ZAKAT_EXPENSE, inside=True), _flow, figs)
    tr, ts, tc, tz = (_sum(x, 2) for x in (revenue, share, costs, zakat))
    after_share = _minus(tr, ts)
    operating = _minus(after_share, tc)
    before_zakat = _plus(operating, _sum(other_in, 2), _sum(other_out, 2))
    shu = _minus(before_zakat, tz)
    blocks = (
        Block("Pendapatan usaha", (*revenue, Line("Jumlah pendapatan usaha", tr, style="subtotal"))),
        Block("Hak pihak ketiga atas bagi hasil dana syirkah temporer", (*share, Line("Jumlah bagi hasil untuk pemilik dana", ts, style="subtotal"))),
        Block("", (Line("Pendapatan usaha setelah bagi hasil", after_share, style="subtotal"),)),
        Block("Beban usaha", (*costs, Line("Jumlah beban usaha", tc, style="subtotal"))),
        Block("", (Line("Hasil usaha", operating, style="subtotal"),)),
        Block("Pendapatan dan beban non-usaha", (*other_in, *other_out, Line("SHU sebelum zakat", before_zakat, style="subtotal"))),
        Block("Zakat", (*zakat, Line("SHU periode berjalan", shu, style="total"))),
    )
    ties = []
    if inputs.tb_closing and inputs.branch is None:
        tb = ZERO
        for a in income + expense:
            tb -= inputs.tb_closing.get(a.code, ZERO) - inputs.tb_opening.get(a.code, ZERO) - inputs.current.year_close.get(a.code, ZERO)
        ties.append(Tie("SHU = mutasi pendapatan dan beban pada neraca saldo", shu[0], tb))
    return Statement("hasil-usaha", TITLES["hasil-usaha"], f"Untuk periode {inputs.current.period.title}", _columns(inputs), blocks, tuple(ties))


def period_shu(inputs: StatementInputs, f: Figures) -> Decimal:
    """The result of a period (income − expense, year-close entries left out)."""
    return -sum((f.movement(a.code) for a in _tamwil(inputs, INC, EXP)), ZERO)


# ------------------------------------------------------------------------------------------ 3. perubahan ekuitas

EQUITY_COLUMNS = ("Saldo awal", "Penambahan", "Pengurangan", "Saldo akhir")


def _equity_block(inputs: StatementInputs, f: Figures, title: str) -> tuple[Block, tuple[Decimal, ...], Decimal]:
    """One period's equity movements; returns the block, its totals and the result row's period SHU."""
    lines = []
    for a in _tamwil(inputs, E):
        row = (-f.opening.get(a.code, ZERO), f.credits.get(a.code, ZERO), f.debits.get(a.code, ZERO), -f.closing(a.code))
        if any(row):
            lines.append(Line(a.name, row, (a.code,), indent=1))
    shu = period_shu(inputs, f)
    closed = sum((f.year_close.get(a.code, ZERO) for a in _tamwil(inputs, INC, EXP)), ZERO)
    moves = (shu, -closed)  # the closing entries debit income and credit expense: they take the result out
    ups = sum((m for m in moves if m > 0), ZERO)
    downs = -sum((m for m in moves if m < 0), ZERO)
    row = (unclosed_result(inputs, f, opening=True), ups, downs, unclosed_result(inputs, f))
    if any(row):
        lines.append(Line("SHU periode berjalan (belum ditutup)", row, indent=1))
    totals = _sum(lines, 4)
    return Block(title, (*lines, Line("Jumlah ekuitas", totals, style="total")), EQUITY_COLUMNS), totals, shu


def equity_changes(inputs: StatementInputs, balance: Statement, income: Statement) -> Statement:
    """Laporan perubahan ekuitas for both periods, tied to the balance sheet and the income statement."""
    now, totals, shu = _equity_block(inputs, inputs.current, f"Periode {inputs.current.period.title}")
    before, prior_totals, _ = _equity_block(inputs, inputs.prior, f"Periode {inputs.prior.period.title}")
    te = balance.line("Jumlah ekuitas").amounts
    ties = [
        Tie("Saldo akhir ekuitas = laporan posisi keuangan", totals[3], te[0]),
        Tie("Saldo akhir ekuitas periode lalu = laporan posisi keuangan periode lalu", prior_totals[3], te[1]),
        Tie("Saldo awal + penambahan − pengurangan = saldo akhir", totals[0] + totals[1] - totals[2], totals[3]),
        Tie("SHU periode berjalan = perhitungan hasil usaha", shu, income.line("SHU periode berjalan").amounts[0]),
    ]
    return Statement("perubahan-ekuitas", TITLES["perubahan-ekuitas"], f"Untuk periode {inputs.current.period.title}", EQUITY_COLUMNS, (now, before), tuple(ties))


# ------------------------------------------------------------------------------------------ 4. arus kas


def cash_activity(a: AccountInfo) -> str:
    """``operasi``, ``investasi`` or ``pendanaan``: where cash moved against this account is reported."""
    if a.group in INVESTING:
        return "investasi"
    if a.kind == E.value or a.group in FINANCING:
        return "pendanaan"
    return "operasi"


def _cash_balance(inputs: StatementInputs, f: Figures, *, opening: bool) -> Decimal:
    cash = [a for a in inputs.accounts if a.book == "tamwil" and a.is_cash]
    return sum(((f.opening.get(a.code, ZERO) if opening else f.closing(a.code)) for a in cash), ZERO)


def cash_flow(inputs: StatementInputs, balance: Statement) -> Statement:
    """Laporan arus kas, direct method: each entry's cash, by the accounts on its other side."""
    figs = (inputs.current, inputs.prior)
    others = [a for a in inputs.accounts if a.book == "tamwil" and not a.is_cash]
    blocks, nets = [], []
    for activity, title in (("operasi", "Arus kas dari aktivitas operasi"), ("investasi", "Arus kas dari aktivitas investasi"), ("pendanaan", "Arus kas dari aktivitas pendanaan")):
        lines = _lines([a for a in others if cash_activity(a) == activity], lambda f, a: f.cash_flow.get(a.code, ZERO), figs)
        net = _sum(lines, 2)
        nets.append(net)
        blocks.append(Block(title, (*lines, Line(f"Kas bersih dari aktivitas {activity}", net, style="subtotal"))))
    change = _plus(*nets)
    opening = tuple(_cash_balance(inputs, f, opening=True) for f in figs)
    closing = _plus(change, opening)
    cash_codes = tuple(a.code for a in inputs.accounts if a.book == "tamwil" and a.is_cash)
    blocks.append(Block("", (
        Line("Kenaikan (penurunan) kas bersih", change, style="subtotal"),
        Line("Kas dan setara kas awal periode", opening, cash_codes),
        Line("Kas dan setara kas akhir periode", closing, cash_codes, style="total"),
    )))
    on_balance = sum((ln.amounts[0] or ZERO for b in balance.blocks for ln in b.lines if ln.accounts and set(ln.accounts) <= set(cash_codes)), ZERO)
    ties = [
        Tie("Kas akhir = saldo kas di buku besar", closing[0], _cash_balance(inputs, inputs.current, opening=False)),
        Tie("Kas akhir = kas pada laporan posisi keuangan", closing[0], on_balance),
    ]
    if inputs.tb_closing and inputs.branch is None:
        ties.append(Tie("Kas akhir = neraca saldo (akun kas)", closing[0], sum((inputs.tb_closing.get(c, ZERO) for c in cash_codes), ZERO)))
    return Statement("arus-kas", TITLES["arus-kas"], f"Untuk periode {inputs.current.period.title} (metode langsung)", _columns(inputs), tuple(blocks), tuple(ties))


# ------------------------------------------------------------------------------------------ 5. rekonsiliasi


def revenue_reconciliation(inputs: StatementInputs, income: Statement) -> Statement:
    """From accrual income to the income shared with the owners of the funds, and its split (domain.md §9)."""
    figs = (inputs.current, inputs.prior)
    operating = _by_group(_tamwil(inputs, INC), NON_OPERATING_INCOME, inside=False)
    accrual = _sum(_lines(operating, _flow, figs), 2)
    not_shared_lines = _lines(_by_group(operating, NOT_SHARED_INCOME, inside=True), _flow, figs)
    not_shared = _sum(not_shared_lines, 2)
    receivable = [a for a in inputs.accounts if a.group == ACCRUED_INCOME]
    accrued = tuple(sum((f.debits.get(a.code, ZERO) for a in receivable), ZERO) for f in figs)
    collected = tuple(sum((f.credits.get(a.code, ZERO) for a in receivable), ZERO) for f in figs)
    shared = _plus(_minus(_minus(accrual, not_shared), accrued), collected)
    owners = _sum(_lines(_by_group(_tamwil(inputs, EXP), DEPOSITORS_SHARE, inside=True), _flow, figs), 2)
    codes = tuple(a.code for a in receivable)
    lines = (
        Line("Pendapatan usaha (dasar akrual)", accrual, tuple(a.code for a in operating)),
        *[Line(f"Dikurangi: {ln.label.lower()} (tidak dibagihasilkan)", ln.amounts, ln.accounts, indent=1) for ln in not_shared_lines],
        Line("Dikurangi: pendapatan periode berjalan yang belum diterima kas", accrued, codes, indent=1),
        Line("Ditambah: penerimaan kas atas pendapatan periode sebelumnya", collected, codes, indent=1),
        Line("Pendapatan yang tersedia untuk bagi hasil", shared, style="subtotal"),
        Line("Bagi hasil untuk pemilik dana (hak pihak ketiga)", owners, tuple(a.code for a in _tamwil(inputs, EXP) if a.group in DEPOSITORS_SHARE), indent=1),
        Line("Bagi hasil untuk entitas (koperasi)", _minus(shared, owners), indent=1),
    )
    ties = (
        Tie("Pendapatan usaha = perhitungan hasil usaha", accrual[0], income.line("Jumlah pendapatan usaha").amounts[0]),
        Tie("Bagi hasil pemilik dana = perhitungan hasil usaha", owners[0], income.line("Jumlah bagi hasil untuk pemilik dana").amounts[0]),
    )
    return Statement("rekonsiliasi-bagi-hasil", TITLES["rekonsiliasi-bagi-hasil"], f"Untuk periode {inputs.current.period.title}", _columns(inputs), (Block("", lines),), ties)


# ------------------------------------------------------------------------------------------ 6-7. zakat, kebajikan


def _labels(*statements: FundStatement | None) -> list[str]:
    seen: dict[str, None] = {}
    for s in statements:
        for label, _ in (s.movements if s else ()):
            seen.setdefault(label, None)
    return list(seen)


def _fund_statement(inputs: StatementInputs, slug: str, pick: Callable[[Figures], FundStatement | None], codes: tuple[str, ...], tb_closing: Decimal | None) -> Statement:
    cur, pri = pick(inputs.current), pick(inputs.prior)
    amount = lambda s, label: sum((v for lab, v in (s.movements if s else ()) if lab == label), ZERO)  # noqa: E731
    sources, uses = [], []
    for label in _labels(cur, pri):
        a, b = amount(cur, label), amount(pri, label)
        (sources if (a or b) > 0 else uses).append((label, a, b))
    src = tuple(Line(lab, (a, b), codes, indent=1) for lab, a, b in sources)
    use = tuple(Line(lab, (-a, -b), codes, indent=1) for lab, a, b in uses)
    opening = (cur.opening if cur else ZERO, pri.opening if pri else ZERO)
    change = _minus(_sum(src, 2), _sum(use, 2))
    closing = _plus(opening, change)
    what = "zakat" if slug == "dana-zakat" else "kebajikan"
    blocks = [
        Block("", (Line(f"Saldo awal dana {what}", opening, codes),)),
        Block(f"Sumber dana {what}", (*src, Line(f"Jumlah sumber dana {what}", _sum(src, 2), style="subtotal"))),
        Block(f"Penggunaan dana {what}", (*use, Line(f"Jumlah penggunaan dana {what}", _sum(use, 2), style="subtotal"))),
        Block("", (Line(f"Kenaikan (penurunan) dana {what}", change, style="subtotal"), Line(f"Saldo akhir dana {what}", closing, codes, style="total"))),
    ]
    if cur and cur.notes:
        blocks.append(Block("Catatan", tuple(Line(lab, (v, None), indent=1) for lab, v in cur.notes)))
    ties = [Tie("Saldo akhir = buku Baitul Maal", closing[0], cur.closing if cur else ZERO)]
    if tb_closing is not None:
        ties.append(Tie("Saldo akhir = neraca saldo Baitul Maal", closing[0], tb_closing))
    note = "Dana Baitul Maal dicatat untuk seluruh koperasi." if inputs.branch else ""
    if cur is None:
        note = "Modul Baitul Maal belum terpasang; laporan ini kosong."
    return Statement(slug, TITLES[slug], f"Untuk periode {inputs.current.period.title}", _columns(inputs), tuple(blocks), tuple(ties), note)


def zakat_statement(inputs: StatementInputs) -> Statement:
    code = inputs.code_of("zakat_fund")
    tb = -inputs.tb_closing.get(code, ZERO) if inputs.tb_closing and code else None
    return _fund_statement(inputs, "dana-zakat", lambda f: f.zakat, (code,) if code else (), tb)


def kebajikan_statement(inputs: StatementInputs) -> Statement:
    fund, qh = inputs.code_of("kebajikan_fund"), inputs.code_of("qardhul_hasan_receivable")
    tb = None
    if inputs.tb_closing and fund:
        tb = -inputs.tb_closing.get(fund, ZERO) - (inputs.tb_closing.get(qh, ZERO) if qh else ZERO)
    return _fund_statement(inputs, "dana-kebajikan", lambda f: f.kebajikan, tuple(c for c in (fund, qh) if c), tb)


# ------------------------------------------------------------------------------------------ the set


def build(inputs: StatementInputs) -> StatementSet:
    """The seven statements for the period and its comparative, with their ties."""
    balance = balance_sheet(inputs)
    income = income_statement(inputs)
    statements = (
        balance, income, equity_changes(inputs, balance, income), cash_flow(inputs, balance),
        revenue_reconciliation(inputs, income), zakat_statement(inputs), kebajikan_statement(inputs),
    )
    return StatementSet(
        inputs.cooperative, inputs.branch, inputs.current.period.title, inputs.prior.period.title,
        inputs.current.period.since, inputs.current.period.through, statements,
    )
