"""The chart of accounts: a KSPPS laid out as PSAK 101 expects, plus the Baitul Maal book (PSAK 109).

The chart is data. Each cooperative gets a copy when it is created; an accountant may rename accounts and add
sub-accounts, but the *system* accounts below (the ones the engine posts to, named by ``key``) keep their
type, book and key, so the engine always finds them.

Codes follow the usual Indonesian cooperative layout: 1 aset, 2 kewajiban, 3 dana syirkah temporer,
4 ekuitas, 5 pendapatan, 6 beban; the Baitul Maal book uses 7 (aset maal) and 8 (dana).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountType(StrEnum):
    ASSET = "asset"
    CONTRA_ASSET = "contra_asset"
    LIABILITY = "liability"
    TEMPORARY_SYIRKAH = "temporary_syirkah"  # dana syirkah temporer, between liabilities and equity
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"
    FUND = "fund"  # Baitul Maal funds (zakat, infaq, amil, non-halal, kebajikan, restricted)


class Book(StrEnum):
    TAMWIL = "tamwil"  # the business book (Baitul Tamwil)
    MAAL = "maal"  # the Baitul Maal book (ZIS and social funds, PSAK 109)


#: The side on which each type normally carries its balance.
DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


def normal_side(kind: AccountType) -> str:
    """``"debit"`` or ``"credit"``: the side that increases an account of this type."""
    return "debit" if kind in DEBIT_NORMAL else "credit"


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One account of the standard chart.

    Attributes:
        code: The account number shown to accountants.
        name: Indonesian name.
        kind: Its type (which statement section it belongs to).
        book: Tamwil or Maal.
        key: The engine's stable name for a system account (None for a grouping/plain account).
        parent: The code of the grouping account above it, if any.
        cash: Whether it is a cash or bank account (for the cash-flow statement and cash-basis income).
    """

    code: str
    name: str
    kind: AccountType
    book: Book = Book.TAMWIL
    key: str | None = None
    parent: str | None = None
    cash: bool = False


A, CA, L, T, E, I, X, F = (  # noqa: E741 - one-letter type codes keep the chart table readable
    AccountType.ASSET,
    AccountType.CONTRA_ASSET,
    AccountType.LIABILITY,
    AccountType.TEMPORARY_SYIRKAH,
    AccountType.EQUITY,
    AccountType.INCOME,
    AccountType.EXPENSE,
    AccountType.FUND,
)
M = Book.MAAL

STANDARD_CHART: tuple[AccountSpec, ...] = (
    # 1 Aset
    AccountSpec("1101", "Kas", A, key="cash", cash=True),
    AccountSpec("1102", "Kas teller", A, key="teller_cash", cash=True),
    AccountSpec("1103", "Bank / giro pada bank syariah", A, key="bank", cash=True),
    AccountSpec("1104", "Penempatan pada lembaga keuangan syariah lain", A, key="placements"),
    AccountSpec("1201", "Piutang murabahah", A, key="murabahah_receivable"),
    AccountSpec("1202", "Margin murabahah ditangguhkan (MMD)", CA, key="murabahah_deferred_margin"),
    AccountSpec("1203", "Persediaan / aset murabahah", A, key="murabahah_inventory"),
    AccountSpec("1204", "Piutang wakalah / uang muka pembelian", A, key="wakalah_receivable"),
    AccountSpec("1211", "Pembiayaan mudharabah", A, key="mudharabah_financing"),
    AccountSpec("1212", "Piutang pendapatan bagi hasil", A, key="profit_share_receivable"),
    AccountSpec("1213", "Piutang mudharabah jatuh tempo", A, key="mudharabah_due_receivable"),
    AccountSpec("1214", "Penyisihan kerugian pembiayaan mudharabah", CA, key="mudharabah_loss_allowance"),
    AccountSpec("1215", "Keuntungan tangguhan modal mudharabah nonkas", CA, key="mudharabah_deferred_gain"),
    AccountSpec("1221", "Pembiayaan musyarakah", A, key="musyarakah_financing"),
    AccountSpec("1222", "Pembiayaan musyarakah mutanaqisah", A, key="mmq_financing"),
    AccountSpec("1231", "Pinjaman qardh", A, key="qardh_receivable"),
    AccountSpec("1291", "Penyisihan penghapusan aset produktif (PPAP)", CA, key="ppap"),
    AccountSpec("1301", "Aset tetap", A, key="fixed_assets"),
    AccountSpec("1302", "Akumulasi penyusutan aset tetap", CA, key="accumulated_depreciation"),
    AccountSpec("1401", "Rekening sementara (suspense)", A, key="suspense"),
    AccountSpec("1402", "Aset lain-lain", A, key="other_assets"),
    AccountSpec("1491", "Persediaan barang unit ritel", A, key="retail_inventory"),
    AccountSpec("1492", "Piutang penjualan unit ritel", A, key="retail_receivable"),
    # 2 Kewajiban
    AccountSpec("2101", "Tabungan wadiah", L, key="wadiah_savings"),
    AccountSpec("2102", "Utang bagi hasil deposito", L, key="deposit_profit_payable"),
    AccountSpec("2103", "Uang muka murabahah (urbun)", L, key="murabahah_down_payment"),
    AccountSpec("2104", "Utang kepada nasabah", L, key="customer_payable"),
    AccountSpec("2105", "Utang pajak (PPh bagi hasil)", L, key="tax_payable"),
    AccountSpec("2106", "Utang SHU anggota", L, key="shu_payable"),
    AccountSpec("2107", "Selisih kas teller (lebih)", L, key="teller_overage"),
    AccountSpec("2108", "Titipan dana kebajikan (dari Baitul Tamwil)", L, key="kebajikan_payable"),
    AccountSpec("2109", "Utang lain-lain", L, key="other_liabilities"),
    AccountSpec("2110", "Dana SHU untuk pengurus, karyawan, pendidikan, sosial", L, key="shu_funds_payable"),
    AccountSpec("2111", "Utang zakat koperasi (kepada Baitul Maal)", L, key="zakat_payable"),
    AccountSpec("2112", "Titipan dana ZIS untuk Baitul Maal", L, key="maal_payable"),
    AccountSpec("2191", "Utang dagang unit ritel", L, key="retail_payable"),
    # 3 Dana syirkah temporer
    AccountSpec("3101", "Tabungan mudharabah", T, key="mudharabah_savings"),
    AccountSpec("3102", "Deposito mudharabah", T, key="mudharabah_deposits"),
    # 4 Ekuitas
    AccountSpec("4101", "Simpanan pokok", E, key="simpanan_pokok"),
    AccountSpec("4102", "Simpanan wajib", E, key="simpanan_wajib"),
    AccountSpec("4103", "Cadangan", E, key="reserves"),
    AccountSpec("4104", "Hibah / donasi", E, key="grants"),
    AccountSpec("4105", "SHU tahun berjalan", E, key="current_year_shu"),
    AccountSpec("4106", "SHU belum dibagi (tahun lalu)", E, key="retained_shu"),
    # 5 Pendapatan
    AccountSpec("5101", "Pendapatan margin murabahah", I, key="murabahah_income"),
    AccountSpec("5102", "Pendapatan bagi hasil mudharabah", I, key="mudharabah_income"),
    AccountSpec("5103", "Pendapatan bagi hasil musyarakah", I, key="musyarakah_income"),
    AccountSpec("5104", "Pendapatan ujrah musyarakah mutanaqisah", I, key="mmq_income"),
    AccountSpec("5105", "Pendapatan administrasi / fee", I, key="fee_income"),
    AccountSpec("5106", "Pendapatan bagi hasil penempatan", I, key="placement_income"),
    AccountSpec("5107", "Pendapatan lain (penerimaan pembiayaan dihapusbukukan)", I, key="recovery_income"),
    AccountSpec("5108", "Pendapatan usaha unit ritel", I, key="retail_income"),
    AccountSpec("5109", "Pendapatan lain-lain", I, key="other_income"),
    # 6 Beban
    AccountSpec("6101", "Beban bagi hasil (hak pihak ketiga atas bagi hasil)", X, key="profit_sharing_expense"),
    AccountSpec("6102", "Beban bonus wadiah", X, key="wadiah_bonus_expense"),
    AccountSpec("6103", "Beban penyisihan kerugian (PPAP)", X, key="ppap_expense"),
    AccountSpec("6104", "Kerugian pembiayaan mudharabah", X, key="mudharabah_loss"),
    AccountSpec("6105", "Kerugian musyarakah", X, key="musyarakah_loss"),
    AccountSpec("6106", "Beban gaji dan honor", X, key="salary_expense"),
    AccountSpec("6107", "Beban operasional", X, key="operating_expense"),
    AccountSpec("6108", "Beban penyusutan", X, key="depreciation_expense"),
    AccountSpec("6109", "Beban zakat", X, key="zakat_expense"),
    AccountSpec("6110", "Harga pokok penjualan unit ritel", X, key="retail_cogs"),
    AccountSpec("6111", "Selisih kas teller (kurang)", X, key="teller_shortage"),
    AccountSpec("6112", "Beban lain-lain", X, key="other_expense"),
    # 7 Baitul Maal: aset
    AccountSpec("7101", "Kas Baitul Maal", A, M, key="maal_cash", cash=True),
    AccountSpec("7102", "Bank Baitul Maal", A, M, key="maal_bank", cash=True),
    AccountSpec("7103", "Piutang qardhul hasan", A, M, key="qardhul_hasan_receivable"),
    AccountSpec("7104", "Piutang dari Baitul Tamwil", A, M, key="due_from_tamwil"),
    # 8 Baitul Maal: dana
    AccountSpec("8101", "Dana zakat", F, M, key="zakat_fund"),
    AccountSpec("8102", "Dana infak/sedekah tidak terikat", F, M, key="infaq_fund"),
    AccountSpec("8103", "Dana infak/sedekah terikat", F, M, key="infaq_restricted_fund"),
    AccountSpec("8104", "Dana amil", F, M, key="amil_fund"),
    AccountSpec("8105", "Dana nonhalal", F, M, key="nonhalal_fund"),
    AccountSpec("8106", "Dana kebajikan", F, M, key="kebajikan_fund"),
)


def standard_chart_by_key() -> dict[str, AccountSpec]:
    """The system accounts of the standard chart, by key."""
    return {a.key: a for a in STANDARD_CHART if a.key}


def validate_chart(chart: tuple[AccountSpec, ...] = STANDARD_CHART) -> list[str]:
    """Problems with a chart: duplicate codes or keys, unknown parents, maal funds outside the maal book."""
    problems: list[str] = []
    codes = [a.code for a in chart]
    keys = [a.key for a in chart if a.key]
    if len(set(codes)) != len(codes):
        problems.append("duplicate account codes")
    if len(set(keys)) != len(keys):
        problems.append("duplicate account keys")
    known = set(codes)
    for a in chart:
        if a.parent and a.parent not in known:
            problems.append(f"{a.code}: unknown parent {a.parent}")
        if a.kind is AccountType.FUND and a.book is not Book.MAAL:
            problems.append(f"{a.code}: a fund belongs to the Baitul Maal book")
    return problems
