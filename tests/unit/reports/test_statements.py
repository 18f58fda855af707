"""The PSAK 101 statement builders over hand-made ledger figures: layout, signs, the year-close entries, and
the ties — which hold for any balanced set of entries (a Hypothesis property) and fail when the figures
disagree with the trial balance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bmt.compliance.reporting_period import ReportPeriod
from bmt.ledger import STANDARD_CHART, JournalEntry, Posting, entry
from bmt.reports.statements import build, cash_activity
from bmt.services.statements import AccountInfo, Figures, FundStatement, StatementInputs

ACCOUNTS = tuple(AccountInfo(a.code, a.name, a.kind.value, a.book.value, a.key, a.key, a.cash) for a in STANDARD_CHART)
BY_KEY = {a.key: a for a in ACCOUNTS}
Y2024, Y2023 = ReportPeriod.year(2024), ReportPeriod.year(2023)


def _signed(entries: list[JournalEntry], pred) -> dict[str, Decimal]:  # noqa: ANN001
    out: dict[str, Decimal] = defaultdict(Decimal)
    for e in entries:
        for p in e.postings:
            if pred(e, p):
                out[BY_KEY[p.account].code] += p.amount
    return dict(out)


def figures(entries: list[JournalEntry], p: ReportPeriod, zakat: FundStatement | None = None) -> Figures:
    """What bmt.services.statements reads from the database, computed from entries in memory."""
    inside = lambda e: p.since <= e.value_date <= p.through  # noqa: E731
    cash_codes = {a.code for a in ACCOUNTS if a.is_cash and a.book == "tamwil"}
    cash_entries = [e for e in entries if inside(e) and any(BY_KEY[x.account].code in cash_codes for x in e.postings)]
    cash = _signed(cash_entries, lambda e, x: BY_KEY[x.account].code not in cash_codes)
    return Figures(
        p,
        _signed(entries, lambda e, x: e.value_date < p.since),
        _signed(entries, lambda e, x: inside(e) and x.amount > 0),
        {k: -v for k, v in _signed(entries, lambda e, x: inside(e) and x.amount < 0).items()},
        _signed(entries, lambda e, x: inside(e) and e.source.startswith("year_close:")),
        {k: -v for k, v in cash.items() if v},
        zakat,
        None,
    )


def inputs(entries: list[JournalEntry], *, tb_shift: Decimal = Decimal(0)) -> StatementInputs:
    tb = _signed(entries, lambda e, x: e.value_date <= Y2024.through)
    tb["1101"] = tb.get("1101", Decimal(0)) + tb_shift
    return StatementInputs("Koperasi Uji", None, ACCOUNTS, figures(entries, Y2024), figures(entries, Y2023), _signed(entries, lambda e, x: e.value_date < Y2024.since), tb)


def d(n: int) -> Decimal:
    return Decimal(n)


BASIC = [
    entry(date(2023, 5, 1), "Simpanan pokok", Posting.debit("cash", d(1_000_000)), Posting.credit("simpanan_pokok", d(1_000_000))),
    entry(date(2024, 2, 1), "Akad murabahah", Posting.debit("murabahah_receivable", d(11_200_000)), Posting.credit("murabahah_inventory", d(10_000_000)), Posting.credit("murabahah_deferred_margin", d(1_200_000))),
    entry(date(2024, 1, 20), "Beli barang", Posting.debit("murabahah_inventory", d(10_000_000)), Posting.credit("cash", d(10_000_000))),
    entry(date(2024, 1, 5), "Setoran mudharabah", Posting.debit("cash", d(12_000_000)), Posting.credit("mudharabah_savings", d(12_000_000))),
    entry(date(2024, 3, 1), "Angsuran 1", Posting.debit("cash", d(933_333)), Posting.credit("murabahah_receivable", d(933_333))),
    entry(date(2024, 3, 1), "Margin 1", Posting.debit("murabahah_deferred_margin", d(100_000)), Posting.credit("murabahah_income", d(100_000))),
    entry(date(2024, 3, 31), "Bagi hasil", Posting.debit("profit_sharing_expense", d(30_000)), Posting.credit("mudharabah_savings", d(30_000))),
    entry(date(2024, 6, 1), "Komputer", Posting.debit("fixed_assets", d(4_000_000)), Posting.credit("cash", d(4_000_000))),
]


def test_the_balance_sheet_puts_dana_syirkah_temporer_between_liabilities_and_equity_and_deducts_contra_assets() -> None:
    s = build(inputs(BASIC)).get("posisi-keuangan")
    assert [b.title for b in s.blocks] == ["Aset", "Kewajiban", "Dana syirkah temporer", "Ekuitas", ""]
    assert s.line("Margin murabahah ditangguhkan (MMD)").amounts == (d(-1_100_000), d(0))
    assert s.line("Tabungan mudharabah").amounts == (d(12_030_000), d(0))
    assert s.line("SHU periode berjalan (belum ditutup)").amounts == (d(70_000), d(0))
    assert s.line("Jumlah aset").amounts == (d(13_100_000), d(1_000_000))  # 10,266,667 − 1,100,000 + 4,000,000 − 66,667 cash
    assert s.ok


def test_the_income_statement_shows_the_owners_share_of_profit_after_revenue() -> None:
    s = build(inputs(BASIC)).get("hasil-usaha")
    assert s.line("Jumlah pendapatan usaha").amounts[0] == d(100_000)
    assert s.line("Jumlah bagi hasil untuk pemilik dana").amounts[0] == d(30_000)
    assert s.line("Pendapatan usaha setelah bagi hasil").amounts[0] == d(70_000)
    assert s.line("SHU periode berjalan").amounts == (d(70_000), d(0))


def test_the_cash_flow_sorts_cash_by_the_other_side_of_each_entry() -> None:
    s = build(inputs(BASIC)).get("arus-kas")
    assert s.line("Kas bersih dari aktivitas operasi").amounts[0] == d(12_000_000 + 933_333 - 10_000_000)
    assert s.line("Kas bersih dari aktivitas investasi").amounts[0] == d(-4_000_000)
    assert s.line("Kas bersih dari aktivitas pendanaan").amounts == (d(0), d(1_000_000))
    assert s.line("Kas dan setara kas akhir periode").amounts == (d(1_000_000 + 12_000_000 + 933_333 - 14_000_000), d(1_000_000))
    assert cash_activity(BY_KEY["simpanan_wajib"]) == "pendanaan" and cash_activity(BY_KEY["placements"]) == "investasi"
    assert s.ok


def _closed_2024() -> list[JournalEntry]:
    """BASIC plus the 2024 close, dated in 2025 as the ledger's day locks make it (and a 2025 fee)."""
    close = entry(
        date(2025, 1, 3), "Penutup 2024", Posting.debit("murabahah_income", d(100_000)), Posting.credit("profit_sharing_expense", d(30_000)),
        Posting.credit("current_year_shu", d(70_000)), source="year_close:2024",
    )
    fee = entry(date(2025, 2, 1), "Fee", Posting.debit("cash", d(5_000)), Posting.credit("fee_income", d(5_000)))
    return [*BASIC, close, fee]


def test_after_the_year_close_next_years_income_statement_ignores_the_closing_entry_and_equity_holds_last_years_shu() -> None:
    entries = _closed_2024()
    p25 = ReportPeriod.year(2025)
    tb = _signed(entries, lambda e, x: True)
    s = build(StatementInputs("K", None, ACCOUNTS, figures(entries, p25), figures(entries, Y2024), _signed(entries, lambda e, x: e.value_date < p25.since), tb))
    assert s.get("hasil-usaha").line("SHU periode berjalan").amounts == (d(5_000), d(70_000))
    bs = s.get("posisi-keuangan")
    assert bs.line("SHU tahun berjalan").amounts == (d(70_000), d(0))
    assert bs.line("SHU periode berjalan (belum ditutup)").amounts == (d(5_000), d(70_000))
    eq = s.get("perubahan-ekuitas")
    assert eq.blocks[0].lines[-2].amounts == (d(70_000), d(5_000), d(70_000), d(5_000))  # opening, SHU, closed away, closing
    assert s.ok, [t for x in s.statements for t in x.ties if not t.ok]


def test_the_revenue_reconciliation_starts_from_accrual_income_and_ends_at_the_shares() -> None:
    accrual = [
        *BASIC,
        entry(date(2024, 4, 30), "Bagi hasil akrual", Posting.debit("profit_share_receivable", d(300_000)), Posting.credit("mudharabah_income", d(300_000))),
        entry(date(2024, 5, 31), "Terima", Posting.debit("cash", d(200_000)), Posting.credit("profit_share_receivable", d(200_000))),
        entry(date(2024, 6, 30), "Fee", Posting.debit("cash", d(25_000)), Posting.credit("fee_income", d(25_000))),
    ]
    s = build(inputs(accrual)).get("rekonsiliasi-bagi-hasil")
    assert s.line("Pendapatan usaha (dasar akrual)").amounts[0] == d(425_000)
    assert s.line("Pendapatan yang tersedia untuk bagi hasil").amounts[0] == d(425_000 - 25_000 - 300_000 + 200_000)
    assert s.line("Bagi hasil untuk entitas (koperasi)").amounts[0] == d(300_000 - 30_000)
    assert s.ok


def test_the_zakat_statement_ties_opening_sources_uses_and_closing() -> None:
    zakat = FundStatement(d(1_000_000), (("Penerimaan zakat dari muzakki", d(4_000_000)), ("Bagian amil dari zakat", d(-500_000)), ("Penyaluran kepada fakir", d(-1_000_000))), d(3_500_000))
    inp = inputs(BASIC)
    cur = Figures(inp.current.period, inp.current.opening, inp.current.debits, inp.current.credits, inp.current.year_close, inp.current.cash_flow, zakat)
    s = build(StatementInputs("K", None, ACCOUNTS, cur, inp.prior)).get("dana-zakat")
    assert s.line("Jumlah sumber dana zakat").amounts[0] == d(4_000_000)
    assert s.line("Jumlah penggunaan dana zakat").amounts[0] == d(1_500_000)
    assert s.line("Saldo akhir dana zakat").amounts[0] == d(3_500_000) and s.ok


def test_a_ledger_that_disagrees_with_the_trial_balance_fails_the_tie() -> None:
    s = build(inputs(BASIC, tb_shift=d(1)))
    failed = [t.label for x in s.statements for t in x.ties if not t.ok]
    assert failed == ["Jumlah aset = neraca saldo (aset dan kontra-aset)", "Kas akhir = neraca saldo (akun kas)"]
    assert not s.ok


TAMWIL = [a.key for a in ACCOUNTS if a.book == "tamwil" and a.key]
amounts = st.integers(min_value=1, max_value=50_000_000).map(Decimal)
days = st.integers(min_value=0, max_value=2 * 366 - 1).map(lambda n: date(2023, 1, 1) + timedelta(days=n))


@st.composite
def entries(draw) -> JournalEntry:  # noqa: ANN001
    debit, credit = draw(st.lists(st.sampled_from(TAMWIL), min_size=1, max_size=3)), draw(st.lists(st.sampled_from(TAMWIL), min_size=1, max_size=3))
    ds = [draw(amounts) for _ in debit]
    total = sum(ds, Decimal(0))
    cs = [total] if len(credit) == 1 else [*(total // len(credit) for _ in credit[:-1]), total - (total // len(credit)) * (len(credit) - 1)]
    lines = [Posting.debit(k, a) for k, a in zip(debit, ds, strict=True)] + [Posting.credit(k, a) for k, a in zip(credit, cs, strict=True) if a > 0]
    return entry(draw(days), "acak", *lines)


@settings(max_examples=120, deadline=None)
@given(st.lists(entries(), max_size=30))
def test_for_any_balanced_entries_every_statement_ties_to_the_others_and_to_the_trial_balance(generated: list[JournalEntry]) -> None:
    s = build(inputs(generated))
    assert s.ok, [(x.slug, t) for x in s.statements for t in x.ties if not t.ok]
