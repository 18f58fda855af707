"""Qardh and qardhul hasan: benevolent loans that are repaid at exactly the principal (domain.md §6).

* Funds come from the business book (``source="commercial"``: *pinjaman qardh* in Baitul Tamwil) or from
  the kebajikan fund (``source="kebajikan"``: *piutang qardhul hasan* in the Baitul Maal book).
* The BMT may take **no profit**: nothing is repaid beyond the principal (QRD-01). The only charge allowed
  is the documented real cost of the loan (e.g. stamp duty, notary), never more; a fee above the
  documented real costs is refused as ``ShariaViolation(rule="QRD-01")``.
* A borrower who cannot pay may be forgiven; the forgiven amount is charged to the kebajikan fund. For a
  qardh from the business book that crosses books: the Baitul Tamwil writes the loan off against what it
  holds for the kebajikan fund (*titipan dana kebajikan*), and the Baitul Maal reduces the fund and its
  claim on the Baitul Tamwil by the same amount.

Example:
    >>> terms = QardhTerms(principal=D(2_000_000), source="kebajikan")
    >>> disbursement_entry(terms, date(2025, 3, 1)).book
    'maal'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bmt.contracts.common import ContractKind, Installment, Schedule
from bmt.dates import MAX_TENOR_MONTHS, due_dates
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, Posting, entry
from bmt.money import EXACT, R1_HALF_UP_RUPIAH, ZERO, RoundingPolicy, round_money, rupiah

#: Where the money of a qardh comes from.
QARDH_SOURCES = ("commercial", "kebajikan")


def _amount(value: object, name: str, *, allow_zero: bool = False) -> Decimal:
    if not isinstance(value, (int, str, Decimal)) or isinstance(value, bool):
        raise InvalidInput(f"{name}: jumlah uang tidak valid / invalid amount", field=name)
    try:
        return rupiah(value, allow_zero=allow_zero)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.message}", field=name) from None


@dataclass(frozen=True, slots=True)
class QardhTerms:
    """What the qardh akad fixes. There is deliberately no margin, rate or profit field.

    Attributes:
        principal: The amount lent, and the amount to be repaid.
        source: ``"commercial"`` (business funds) or ``"kebajikan"`` (the kebajikan fund, Baitul Maal).
        admin_fee: A fee charged to the borrower; it may only recover ``documented_real_costs``.
        documented_real_costs: Real costs of the loan backed by documents (receipts, stamp duty...).
        installments: Number of monthly repayments (1 = repaid at once).
        first_due_date: Due date of the first (or only) repayment, if agreed.
        rounding: Rounding of the repayment installments (R1; the last absorbs the residue).
    """

    principal: Decimal
    source: str = "commercial"
    admin_fee: Decimal = ZERO
    documented_real_costs: Decimal = ZERO
    installments: int = 1
    first_due_date: date | None = None
    rounding: RoundingPolicy = R1_HALF_UP_RUPIAH

    def __post_init__(self) -> None:
        object.__setattr__(self, "principal", _amount(self.principal, "principal"))
        object.__setattr__(self, "admin_fee", _amount(self.admin_fee, "admin_fee", allow_zero=True))
        object.__setattr__(
            self,
            "documented_real_costs",
            _amount(self.documented_real_costs, "documented_real_costs", allow_zero=True),
        )
        if self.source not in QARDH_SOURCES:
            raise InvalidInput(
                f"sumber dana qardh harus salah satu dari {QARDH_SOURCES} / source must be one of {QARDH_SOURCES}",
                field="source",
            )
        n = self.installments
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_TENOR_MONTHS:
            raise InvalidInput(
                f"jumlah angsuran harus 1..{MAX_TENOR_MONTHS} / installments must be 1..{MAX_TENOR_MONTHS}",
                field="installments",
            )
        check_fee(self.admin_fee, self.documented_real_costs)

    @property
    def book(self) -> str:
        """The book the loan lives in: ``"tamwil"`` or ``"maal"``."""
        return "maal" if self.source == "kebajikan" else "tamwil"

    @property
    def receivable_account(self) -> str:
        """The loan's account: pinjaman qardh (Tamwil) or piutang qardhul hasan (Maal)."""
        return "qardhul_hasan_receivable" if self.source == "kebajikan" else "qardh_receivable"

    @property
    def cash_account(self) -> str:
        """The cash account of the loan's book."""
        return "maal_cash" if self.source == "kebajikan" else "cash"


def check_fee(admin_fee: Decimal, documented_real_costs: Decimal) -> None:
    """Refuse a qardh fee beyond the documented real costs (QRD-01; ta'widh limited to real cost, [S40]).

    Raises:
        ShariaViolation: rule QRD-01.
    """
    if admin_fee > documented_real_costs:
        raise ShariaViolation(
            f"Biaya qardh {admin_fee} melebihi biaya riil yang terdokumentasi {documented_real_costs}; qardh tidak "
            "boleh memberi keuntungan / a qardh fee may not exceed the documented real costs",
            rule="QRD-01",
            check="fee_exceeds_real_costs",
        )


def check_repayment_total(terms: QardhTerms, total: Decimal) -> None:
    """Refuse any repayment plan whose total is not exactly the principal (QRD-01).

    Raises:
        ShariaViolation: rule QRD-01, when more is asked than was lent.
        InvalidInput: when less is planned than was lent (not a sharia issue; forgive explicitly instead).
    """
    if total > terms.principal:
        raise ShariaViolation(
            f"Pengembalian qardh {total} melebihi pokok {terms.principal}; tambahan atas pokok adalah riba / "
            "a qardh is repaid at exactly the principal",
            rule="QRD-01",
            check="repayment_exceeds_principal",
        )
    if total < terms.principal:
        raise InvalidInput(
            "rencana pengembalian kurang dari pokok; gunakan pembebasan (ibra') / plan below principal"
        )


@dataclass(frozen=True, slots=True)
class QardhInstallment:
    """One scheduled repayment."""

    number: int
    due_date: date
    amount: Decimal
    balance_after: Decimal


def repayment_schedule(
    terms: QardhTerms, rounding: RoundingPolicy | None = None
) -> tuple[QardhInstallment, ...]:
    """Equal repayments of the principal only, the last absorbing the rounding residue.

    Raises:
        InvalidInput: if no first due date is agreed, or the principal is too small for the installments.
    """
    if terms.first_due_date is None:
        raise InvalidInput(
            "tanggal jatuh tempo pertama belum disepakati / no first due date", field="first_due_date"
        )
    n = terms.installments
    dates = due_dates(terms.first_due_date, n)
    regular = round_money(EXACT.divide(terms.principal, Decimal(n)), rounding or terms.rounding)
    amounts = [regular] * (n - 1) + [terms.principal - regular * (n - 1)]
    if amounts[-1] <= 0:
        raise InvalidInput(
            "pokok terlalu kecil untuk jumlah angsuran ini / principal too small for this many installments"
        )
    check_repayment_total(terms, sum(amounts, ZERO))
    rows, balance = [], terms.principal
    for k, (due, amount) in enumerate(zip(dates, amounts, strict=True), start=1):
        balance -= amount
        rows.append(QardhInstallment(k, due, amount, balance))
    return tuple(rows)


def build_schedule(terms: QardhTerms, rounding: RoundingPolicy | None = None) -> Schedule:
    """The repayments as the common ``Schedule``: principal only, margin zero by the nature of qardh."""
    rows = tuple(
        Installment(r.number, r.due_date, r.amount, r.amount, ZERO, r.balance_after)
        for r in repayment_schedule(terms, rounding)
    )
    return Schedule(ContractKind.QARDH, terms.principal, ZERO, rows, (rounding or terms.rounding).name)


def _sub(ref: str) -> str | None:
    return f"qardh:{ref}" if ref else None


def _src(ref: str, event: str) -> str:
    return f"qardh:{ref}:{event}" if ref else f"qardh:{event}"


def disbursement_entry(terms: QardhTerms, value_date: date, *, ref: str = "") -> JournalEntry:
    """The loan paid out.

    Business funds: Dr pinjaman qardh / Cr kas (Baitul Tamwil). Kebajikan fund: Dr piutang qardhul hasan /
    Cr kas Baitul Maal (Baitul Maal book); the fund itself moves only if the loan is forgiven.
    """
    description = (
        "Penyaluran qardhul hasan dari dana kebajikan"
        if terms.source == "kebajikan"
        else "Pencairan pinjaman qardh"
    )
    return entry(
        value_date,
        description,
        Posting.debit(terms.receivable_account, terms.principal, _sub(ref)),
        Posting.credit(terms.cash_account, terms.principal),
        source=_src(ref, "disbursement"),
        book=terms.book,
    )


def fee_entry(terms: QardhTerms, value_date: date, *, ref: str = "") -> JournalEntry:
    """The real-cost fee received (already checked against the documented costs): Dr kas / Cr pendapatan
    administrasi, in the Baitul Tamwil, whose operations bore the costs.

    Raises:
        InvalidInput: if the terms carry no fee.
    """
    if terms.admin_fee <= 0:
        raise InvalidInput("akad qardh ini tanpa biaya administrasi / this qardh carries no fee")
    return entry(
        value_date,
        "Penggantian biaya riil qardh",
        Posting.debit("cash", terms.admin_fee),
        Posting.credit("fee_income", terms.admin_fee, _sub(ref), memo="biaya riil terdokumentasi"),
        source=_src(ref, "fee"),
    )


def repayment_entry(
    terms: QardhTerms, value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> JournalEntry:
    """A repayment: Dr kas / Cr pinjaman qardh (or, in the Baitul Maal, kas maal / piutang qardhul hasan).

    Raises:
        ShariaViolation: rule QRD-01, when more is paid than the principal outstanding.
        InvalidInput: for a bad amount.
    """
    amount = _amount(amount, "amount")
    if amount > outstanding:
        raise ShariaViolation(
            f"Pembayaran {amount} melebihi sisa pokok qardh {outstanding}; qardh dikembalikan sebesar pokok / "
            "a qardh repayment may not exceed the principal outstanding",
            rule="QRD-01",
            check="repayment_exceeds_principal",
        )
    return entry(
        value_date,
        "Pembayaran kembali qardh",
        Posting.debit(terms.cash_account, amount),
        Posting.credit(terms.receivable_account, amount, _sub(ref)),
        source=_src(ref, "repayment"),
        book=terms.book,
    )


def forgiveness_entries(
    terms: QardhTerms, value_date: date, amount: Decimal, outstanding: Decimal, *, ref: str = ""
) -> tuple[JournalEntry, ...]:
    """Forgive (ibra') what a borrower cannot pay, charged to the kebajikan fund.

    Kebajikan source: one Baitul Maal entry, Dr dana kebajikan / Cr piutang qardhul hasan. Business
    source: a Baitul Tamwil entry, Dr titipan dana kebajikan / Cr pinjaman qardh, and its Baitul Maal mirror,
    Dr dana kebajikan / Cr piutang dari Baitul Tamwil.

    Raises:
        InvalidInput: if more is forgiven than is outstanding.
    """
    amount = _amount(amount, "amount")
    if amount > outstanding:
        raise InvalidInput(
            "pembebasan melebihi sisa pinjaman / forgiveness exceeds the outstanding", field="amount"
        )
    description = "Pembebasan (ibra') qardh yang tidak mampu dibayar, dibebankan ke dana kebajikan"
    source = _src(ref, "forgiveness")
    if terms.source == "kebajikan":
        return (
            entry(
                value_date,
                description,
                Posting.debit("kebajikan_fund", amount),
                Posting.credit("qardhul_hasan_receivable", amount, _sub(ref)),
                source=source,
                book="maal",
            ),
        )
    tamwil = entry(
        value_date,
        description,
        Posting.debit("kebajikan_payable", amount),
        Posting.credit("qardh_receivable", amount, _sub(ref)),
        source=source,
    )
    maal = entry(
        value_date,
        description,
        Posting.debit("kebajikan_fund", amount),
        Posting.credit("due_from_tamwil", amount),
        source=source,
        book="maal",
    )
    return tamwil, maal


__all__ = [
    "QARDH_SOURCES",
    "QardhInstallment",
    "QardhTerms",
    "build_schedule",
    "check_fee",
    "check_repayment_total",
    "disbursement_entry",
    "fee_entry",
    "forgiveness_entries",
    "repayment_entry",
    "repayment_schedule",
]
