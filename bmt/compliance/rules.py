"""The DPS rules of domain.md §10 as validators over plain facts: each returns ``Problem`` findings, with the
contracts, accounts and entries behind them in ``refs``.

Blocking rules (MUR-01, FEE-01, and the caps the Baitul Maal enforces) already stop the posting that would
break them: the akad services raise ``ShariaViolation``. They are checked here again over the books, so a
DPS also sees anything that reached the ledger another way (a manual journal, an import, a bug).

``review(books)`` runs every rule whose facts are available and says which could not be checked and why.

Example:
    >>> from bmt.compliance.facts import Books, SavingsProductFact
    >>> r = review(Books(savings_products=(SavingsProductFact(1, "TW", "Wadiah", "wadiah", 500),)))
    >>> [p.rule for p in r.findings]
    ['DEP-02']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bmt.compliance.facts import Books, ContractFact, LineFact
from bmt.errors import Problem
from bmt.money import HUNDRED, ONE, ZERO, D

#: The eight asnaf tags (bmt.zakat.asnaf; repeated because the rule packages do not import each other).
ASNAF = frozenset({"fakir", "miskin", "amil", "mualaf", "riqab", "gharimin", "fi_sabilillah", "ibnu_sabil"})
#: Keys that belong to the Baitul Maal book only (ZIS-01).
MAAL_KEYS = frozenset({"zakat_fund", "infaq_fund", "infaq_restricted_fund", "amil_fund", "nonhalal_fund", "kebajikan_fund", "maal_cash", "maal_bank", "qardhul_hasan_receivable"})
#: Terms that would promise a fixed return on a profit-sharing akad (MDH-01).
FIXED_RETURN_FIELDS = ("fixed_return", "fixed_profit", "guaranteed_return", "expected_return_amount", "return_amount")
#: Terms that would make a qardh earn (QRD-01).
QARDH_PROFIT_FIELDS = ("margin", "margin_rate", "rate", "interest", "profit", "nisbah", "bmt_nisbah")
_TAZIR = re.compile(r"ta.?zir|denda", re.IGNORECASE)
_NONHALAL = re.compile(r"\bbunga\b|\binterest\b|\briba\b|non.?halal", re.IGNORECASE)
ROUNDING_TOLERANCE = ONE  # a split rounded to whole rupiah may differ from the exact proportion by < 1


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    blocking: bool
    needs: str  # the Books field it reads
    check: Callable[[Books], list[Problem]]


@dataclass(frozen=True, slots=True)
class Review:
    findings: tuple[Problem, ...]
    checked: tuple[str, ...]
    not_checked: tuple[tuple[str, str], ...]  # (rule id, why)

    def by_rule(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for p in self.findings:
            out.setdefault(p.rule, []).append(p)
        return out


def _finding(rule: str, message: str, *refs: str, blocking: bool = False) -> Problem:
    return Problem(rule, message, "error" if blocking else "warning", tuple(refs))


def _num(value: object) -> Decimal:
    try:
        return D(str(value)) if value not in (None, "") else ZERO
    except (ArithmeticError, ValueError, TypeError):
        return ZERO


def _contracts(books: Books, *kinds: str) -> list[ContractFact]:
    return [c for c in books.contracts or () if c.kind in kinds]


# -------------------------------------------------------------------------------------------- murabahah


def mur_01(books: Books) -> list[Problem]:
    """The akad is signed only after the BMT owns the goods (ownership date on or before the akad)."""
    out = []
    for c in _contracts(books, "murabahah"):
        if c.akad_date is None:
            continue
        owned = (c.terms.get("purchase") or {}).get("ownership_date")
        if not owned:
            out.append(_finding("MUR-01", f"{c.contract_no}: akad {c.akad_date} tanpa catatan pembelian barang atas nama BMT", c.ref, blocking=True))
        elif date.fromisoformat(str(owned)) > c.akad_date:
            out.append(_finding("MUR-01", f"{c.contract_no}: akad {c.akad_date} sebelum barang dimiliki BMT ({owned})", c.ref, blocking=True))
    return out


def mur_03(books: Books) -> list[Problem]:
    """Cost and margin are disclosed separately and the price is their sum: H = cost + M."""
    out = []
    for c in _contracts(books, "murabahah"):
        if c.akad_date is None:
            continue
        cost = c.principal + c.down_payment
        if c.selling_price != cost + c.margin_total:
            out.append(_finding("MUR-03", f"{c.contract_no}: harga jual {c.selling_price} ≠ harga pokok {cost} + margin {c.margin_total}", c.ref))
    return out


def mur_04(books: Books) -> list[Problem]:
    """The price never changes after the akad: the schedule sums to H − U and no reprice follows the akad."""
    out = []
    for c in _contracts(books, "murabahah"):
        if c.akad_date is None:
            continue
        if c.schedule_version == 1 and c.scheduled_total is not None and c.scheduled_total != c.selling_price - c.down_payment:
            out.append(_finding("MUR-04", f"{c.contract_no}: jumlah angsuran {c.scheduled_total} ≠ harga jual − urbun {c.selling_price - c.down_payment}", c.ref))
        for e in c.events:
            if e.kind in ("amendment", "reprice") and e.value_date > c.akad_date:
                out.append(_finding("MUR-04", f"{c.contract_no}: harga diubah setelah akad ({e.value_date})", c.ref, *([f"journal_entry:{e.entry_id}"] if e.entry_id else [])))
    return out


def mur_07(books: Books) -> list[Problem]:
    """A rescheduling never raises what the customer owes (no added margin), and any fee is a documented real
    cost (fatwa 48/2005). Reads the receivable before each rescheduling, which the event records."""
    out = []
    for c in _contracts(books, "murabahah"):
        for e in c.events:
            if e.kind != "reschedule":
                continue
            refs = (c.ref, *([f"journal_entry:{e.entry_id}"] if e.entry_id else []))
            before = e.payload.get("receivable_before")
            if before not in (None, "") and e.amount > _num(before):
                out.append(_finding("MUR-07", f"{c.contract_no}: jadwal ulang {e.value_date} berjumlah {e.amount} > sisa piutang {_num(before)} (tambahan margin)", *refs))
            if _num(e.payload.get("fee")) > 0 and not str(e.payload.get("document_ref") or "").strip():
                out.append(_finding("MUR-07", f"{c.contract_no}: biaya jadwal ulang {_num(e.payload.get('fee'))} tanpa bukti biaya riil", *refs))
    return out


# -------------------------------------------------------------------------------------------- fees and income


def _income_lines(books: Books) -> list[LineFact]:
    return [ln for ln in books.lines or () if ln.kind == "income" and ln.amount < 0]


def fee_01(books: Books) -> list[Problem]:
    """A late charge (ta'zir) goes to the kebajikan fund, never to an income account."""
    return [
        _finding("FEE-01", f"ta'zir/denda {-ln.amount} dibukukan sebagai pendapatan ({ln.code}) pada {ln.value_date}", ln.ref, f"gl_account:{ln.code}", blocking=True)
        for ln in _income_lines(books)
        if ln.source.startswith(("tazir:", "reversal:tazir:")) or _TAZIR.search(f"{ln.memo} {ln.description}")
    ]


def nh_01(books: Books) -> list[Problem]:
    """Conventional interest and other non-halal receipts go to the non-halal/kebajikan fund, not income."""
    return [
        _finding("NH-01", f"penerimaan nonhalal {-ln.amount} dibukukan sebagai pendapatan ({ln.code}) pada {ln.value_date}", ln.ref, f"gl_account:{ln.code}")
        for ln in _income_lines(books)
        if _NONHALAL.search(f"{ln.memo} {ln.description} {ln.source}")
    ]


# -------------------------------------------------------------------------------------------- profit sharing akad


def mdh_01(books: Books) -> list[Problem]:
    """Mudharabah and musyarakah carry a nisbah fixed at signing and no fixed-rupiah return."""
    out = []
    for c in _contracts(books, "mudharabah", "musyarakah"):
        fixed = [f for f in FIXED_RETURN_FIELDS if _num(c.terms.get(f)) != 0]
        if fixed:
            out.append(_finding("MDH-01", f"{c.contract_no}: imbal hasil tetap ({', '.join(fixed)}) pada akad bagi hasil", c.ref))
        nisbah = _num(c.terms.get("bmt_nisbah"))
        if not ZERO < nisbah < HUNDRED:
            out.append(_finding("MDH-01", f"{c.contract_no}: nisbah BMT tidak ditetapkan dalam akad", c.ref))
    return out


def mdh_03(books: Books) -> list[Problem]:
    """A mudharabah loss without proven negligence is borne by the BMT, never charged to the mudharib."""
    out = []
    for c in _contracts(books, "mudharabah"):
        for e in c.events:
            charged = _num(e.payload.get("charged_to_mudharib"))
            if e.kind in ("loss", "report") and charged > 0 and not e.payload.get("negligence_proven"):
                out.append(_finding("MDH-03", f"{c.contract_no}: kerugian {charged} dibebankan ke mudharib tanpa bukti kelalaian ({e.value_date})", c.ref))
    return out


def msy_01(books: Books) -> list[Problem]:
    """A musyarakah loss is split strictly by capital: BMT part = loss × BMT capital / total capital."""
    out = []
    for c in _contracts(books, "musyarakah"):
        for e in c.events:
            loss, bmt_loss = _num(e.payload.get("loss")), _num(e.payload.get("bmt_loss"))
            bmt_cap, partner_cap = _num(e.payload.get("bmt_capital_before")), _num(e.payload.get("partner_capital_before"))
            if loss <= 0 or bmt_cap + partner_cap <= 0:
                continue
            exact = loss * bmt_cap / (bmt_cap + partner_cap)
            if abs(bmt_loss - exact) >= ROUNDING_TOLERANCE:
                out.append(_finding("MSY-01", f"{c.contract_no}: bagian rugi BMT {bmt_loss} ≠ porsi modal {exact.quantize(ONE)} dari rugi {loss}", c.ref))
    return out


def qrd_01(books: Books) -> list[Problem]:
    """A qardh is repaid at exactly the principal: no margin field, no income, no more than lent."""
    out = []
    for c in _contracts(books, "qardh"):
        earning = [f for f in QARDH_PROFIT_FIELDS if _num(c.terms.get(f)) != 0]
        if earning:
            out.append(_finding("QRD-01", f"{c.contract_no}: akad qardh memuat imbal hasil ({', '.join(earning)})", c.ref))
        if _num(c.terms.get("admin_fee")) > _num(c.terms.get("documented_real_costs")):
            out.append(_finding("QRD-01", f"{c.contract_no}: biaya administrasi melebihi biaya riil yang didokumentasikan", c.ref))
        if c.income_credited > 0:
            out.append(_finding("QRD-01", f"{c.contract_no}: pendapatan {c.income_credited} dibukukan atas pinjaman qardh", c.ref))
        if c.repaid > c.principal:
            out.append(_finding("QRD-01", f"{c.contract_no}: pengembalian {c.repaid} melebihi pokok {c.principal}", c.ref))
    return out


# -------------------------------------------------------------------------------------------- deposits


def dep_01(books: Books) -> list[Problem]:
    """Every mudharabah savings and deposit product and account has a nisbah."""
    out = [
        _finding("DEP-01", f"produk {p.code} ({p.kind}) tanpa nisbah nasabah", f"savings_product:{p.id}")
        for p in books.savings_products or () if p.kind in ("mudharabah", "deposito") and not 0 < p.nisbah_member_bps < 10_000
    ]
    out += [
        _finding("DEP-01", f"rekening {a.account_no} ({a.kind}) tanpa nisbah nasabah", f"savings_account:{a.id}")
        for a in books.savings_accounts or () if a.kind in ("mudharabah", "deposito") and a.status != "closed" and not 0 < a.nisbah_member_bps < 10_000
    ]
    return out


def dep_02(books: Books) -> list[Problem]:
    """Wadiah promises no return: a wadiah product or account never carries a nisbah or rate."""
    out = [
        _finding("DEP-02", f"produk wadiah {p.code} memiliki nisbah {p.nisbah_member_bps / 100}%", f"savings_product:{p.id}")
        for p in books.savings_products or () if p.kind == "wadiah" and p.nisbah_member_bps
    ]
    out += [
        _finding("DEP-02", f"rekening wadiah {a.account_no} memiliki nisbah {a.nisbah_member_bps / 100}%", f"savings_account:{a.id}")
        for a in books.savings_accounts or () if a.kind == "wadiah" and a.nisbah_member_bps
    ]
    return out


def dep_04(books: Books) -> list[Problem]:
    """Σ paid to accounts never exceeds the depositors' pool B_j, per product per month."""
    return [
        _finding("DEP-04", f"{d.product} {d.period}: dibayar {d.paid} melebihi hak pemilik dana {d.pool}", d.ref or f"savings_product:{d.product}")
        for d in books.distributions or () if d.paid > d.pool
    ]


# -------------------------------------------------------------------------------------------- Baitul Maal


def zis_01(books: Books) -> list[Problem]:
    """Zakat, infaq, kebajikan and non-halal funds (and their cash) are kept in the Baitul Maal book only."""
    return [
        _finding("ZIS-01", f"akun {a.code} {a.name} ({a.kind}) berada di buku {a.book}, seharusnya buku maal", f"gl_account:{a.code}")
        for a in books.chart or () if (a.kind == "fund" or a.key in MAAL_KEYS) and a.book != "maal"
    ]


def zis_02(books: Books) -> list[Problem]:
    """The amil share stays within its cap of what was collected (12.5% of zakat; 5% for a collect-only UPZ)."""
    out = []
    for a in books.amil or ():
        cap = (a.collected * a.cap_percent / HUNDRED).quantize(Decimal("0.01"))
        if a.taken > cap:
            refs = a.refs or (f"gl:{a.source_fund}", "gl:amil_fund")
            out.append(_finding("ZIS-02", f"bagian amil dari {a.source_fund} {a.taken} melebihi batas {a.cap_percent}% × {a.collected} = {cap}", *refs))
    return out


def zis_03(books: Books) -> list[Problem]:
    """The zakat fund never covers allowances or losses of productive assets (PSAK 101 ¶73)."""
    out = [
        _finding("ZIS-03", f"penyaluran {d.proposal_no} dari dana zakat untuk menutup kerugian", f"maal_disbursement:{d.id}")
        for d in books.disbursements or () if d.fund == "zakat_fund" and d.use == "loss_coverage" and d.status == "paid"
    ]
    out += [
        _finding("ZIS-03", f"dana zakat {ln.amount} dipakai untuk menutup kerugian/PPAP ({ln.value_date})", ln.ref)
        for ln in books.lines or () if ln.group == "zakat_fund" and ln.amount > 0 and "use:loss_coverage" in ln.memo
    ]
    return out


def zis_04(books: Books) -> list[Problem]:
    """Every zakat disbursement is tagged with one of the eight asnaf (the amil share goes through its cap)."""
    out = []
    for ln in books.lines or ():
        if ln.group != "zakat_fund" or ln.amount <= 0 or ln.source.startswith("reversal:"):
            continue
        if "amil_fund" in ln.entry_groups:
            continue  # the amil allocation: checked against its cap by ZIS-02
        tag = ln.memo[6:] if ln.memo.startswith("asnaf:") else ""
        if tag not in ASNAF or tag == "amil":
            out.append(_finding("ZIS-04", f"penyaluran zakat {ln.amount} pada {ln.value_date} tanpa asnaf yang sah", ln.ref))
    return out


# -------------------------------------------------------------------------------------------- governance


def gov_01(books: Books) -> list[Problem]:
    """The cooperative has its DPS members on file (users with the DPS role)."""
    g = books.governance
    if g is None or g.dps_members >= g.min_dps_members:
        return []
    return [_finding("GOV-01", f"anggota DPS terdaftar {g.dps_members}, minimal {g.min_dps_members}", "role:dps")]


def gov_02(books: Books) -> list[Problem]:
    """A Baitul Maal that collects zakat has UPZ/LAZ authorisation (UU 23/2011 Ps. 38)."""
    g = books.governance
    if g is None or g.zakat_collected <= 0 or g.zakat_authorisation.strip():
        return []
    return [_finding("GOV-02", f"Baitul Maal menghimpun zakat {g.zakat_collected} tanpa izin/SK UPZ atau kemitraan LAZ tercatat", "settings:governance")]


RULES: tuple[Rule, ...] = (
    Rule("MUR-01", "Akad murabahah setelah barang dimiliki BMT", True, "contracts", mur_01),
    Rule("MUR-03", "Harga pokok dan margin diungkapkan; harga jual = pokok + margin", False, "contracts", mur_03),
    Rule("MUR-04", "Harga jual tetap setelah akad", False, "contracts", mur_04),
    Rule("MUR-07", "Jadwal ulang tanpa menambah piutang; biaya hanya biaya riil", False, "contracts", mur_07),
    Rule("FEE-01", "Ta'zir ke dana kebajikan, bukan pendapatan", True, "lines", fee_01),
    Rule("NH-01", "Penerimaan nonhalal tidak menjadi pendapatan", False, "lines", nh_01),
    Rule("MDH-01", "Akad bagi hasil dengan nisbah, tanpa imbal hasil tetap", False, "contracts", mdh_01),
    Rule("MDH-03", "Kerugian mudharabah tanpa kelalaian ditanggung BMT", False, "contracts", mdh_03),
    Rule("MSY-01", "Kerugian musyarakah dibagi menurut porsi modal", False, "contracts", msy_01),
    Rule("QRD-01", "Qardh dikembalikan sebesar pokok", False, "contracts", qrd_01),
    Rule("DEP-01", "Simpanan mudharabah dan deposito bernisbah", False, "savings_products", dep_01),
    Rule("DEP-02", "Wadiah tanpa nisbah atau imbal hasil dijanjikan", False, "savings_products", dep_02),
    Rule("DEP-04", "Bagi hasil dibayar ≤ hak pemilik dana per produk per bulan", False, "distributions", dep_04),
    Rule("ZIS-01", "Dana ZIS, kebajikan dan nonhalal terpisah di buku maal", False, "chart", zis_01),
    Rule("ZIS-02", "Bagian amil dalam batas", False, "amil", zis_02),
    Rule("ZIS-03", "Dana zakat tidak menutup kerugian aset produktif", False, "disbursements", zis_03),
    Rule("ZIS-04", "Setiap penyaluran zakat bertanda asnaf", False, "lines", zis_04),
    Rule("GOV-01", "Anggota DPS terdaftar", False, "governance", gov_01),
    Rule("GOV-02", "Izin UPZ/LAZ untuk penghimpunan zakat", False, "governance", gov_02),
)
RULE_TITLES = {r.id: r.title for r in RULES}
NOT_AVAILABLE = "data belum tersedia (modul belum terpasang) / not available yet"


def review(books: Books, rules: tuple[Rule, ...] = RULES) -> Review:
    """Run every rule whose facts are available; list the others as not checked."""
    findings: list[Problem] = []
    checked, skipped = [], []
    for r in rules:
        if getattr(books, r.needs) is None:
            skipped.append((r.id, NOT_AVAILABLE))
            continue
        checked.append(r.id)
        findings.extend(r.check(books))
    return Review(tuple(findings), tuple(checked), tuple(skipped))
