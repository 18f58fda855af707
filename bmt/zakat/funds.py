"""The Baitul Maal funds (PSAK 109): zakat, infaq/sedekah, amil, non-halal and kebajikan, kept apart.

Every receipt and payment is a balanced ``JournalEntry`` in the **maal** book. Funds are credit-normal
(``zakat_fund``, ``infaq_fund``, ``infaq_restricted_fund``, ``amil_fund``, ``nonhalal_fund``,
``kebajikan_fund``); the money itself sits in ``maal_cash`` / ``maal_bank``, in ``due_from_tamwil`` until the
business book hands it over, and in ``qardhul_hasan_receivable`` while lent. Restricted infaq (a donor's
purpose) and a pesantren's own restricted funds (beasiswa, pembangunan, ...) are named sub-ledgers
``fund:<purpose>`` of ``infaq_restricted_fund``, each with its own balance.

The rules enforced here (domain.md §5, §6, §10):

* Money of one fund is never spent from another (ZIS-01): each fund has the uses it may serve, and a
  restricted fund serves only its own purpose.
* Zakat leaves only to the eight asnaf, tagged (ZIS-04), or as the amil share, and never covers loan-loss
  allowances or other business losses (ZIS-03, PSAK 101 ¶73).
* The amil share is capped on every allocation (ZIS-02): 12.5% of zakat collected, 5% for a collect-only
  unit, 20% of unrestricted infaq (the last unsourced, a setting).
* Ta'zir and other non-halal receipts go to the non-halal or kebajikan fund, per setting, never to income.
* Qardhul hasan is lent from the kebajikan fund, repaid at exactly the principal (QRD-01), or forgiven
  from the fund.

The functions are stateless: each takes the balances and tallies it must respect and returns one entry.
``bmt.zakat.fundbook.FundBook`` wraps them with running balances and the period's tallies, refusing
anything that would take a fund, a cash account or a receivable below zero. The fund kinds and settings
live in ``_fund_policy`` and are re-exported here.

Example (domain.md Example C4)::

    >>> receive_zakat(date(2025, 3, 3), Decimal(40_000_000)).postings[1].account
    'zakat_fund'
    >>> e = allocate_amil(date(2025, 3, 31), collected=Decimal(40_000_000), already_allocated=Decimal(0),
    ...                   amount=Decimal(5_000_000))
    >>> [(p.account, p.debit_amount, p.credit_amount) for p in e.postings]
    [('zakat_fund', Decimal('5000000'), Decimal('0')), ('amil_fund', Decimal('0'), Decimal('5000000'))]
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from bmt.errors import InsufficientBalance, InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry, Posting
from bmt.ledger.accounts import Book
from bmt.money import EXACT, HUNDRED, RUPIAH, SEN, RoundingPolicy, rupiah
from bmt.zakat._fund_policy import (
    ALLOWED_USES,
    AMIL_CAP_COLLECT_ONLY,
    AMIL_CAP_DEFAULT,
    DEFAULT_NONHALAL_ROUTING,
    NONHALAL_DEFAULT_ACCOUNT,
    RESTRICTED_PREFIX,
    AmilCapPolicy,
    Fund,
    FundRef,
    FundUse,
    NonhalalKind,
    NonhalalRouting,
    check_use,
    normalize_purpose,
)
from bmt.zakat.asnaf import ASNAF_LABELS_ID, Asnaf, parse_asnaf

__all__ = [
    "ALLOWED_USES",
    "AMIL_CAP_COLLECT_ONLY",
    "AMIL_CAP_DEFAULT",
    "CASH_ACCOUNTS",
    "DEFAULT_NONHALAL_ROUTING",
    "NONHALAL_DEFAULT_ACCOUNT",
    "QH_PREFIX",
    "QH_RECEIVABLE",
    "RECEIPT_ACCOUNTS",
    "RESTRICTED_PREFIX",
    "AmilCapPolicy",
    "Fund",
    "FundRef",
    "FundUse",
    "NonhalalKind",
    "NonhalalRouting",
    "allocate_amil",
    "amil_cap",
    "check_use",
    "distribute_zakat",
    "forgive_qardhul_hasan",
    "lend_qardhul_hasan",
    "normalize_purpose",
    "receive_infaq",
    "receive_nonhalal",
    "receive_zakat",
    "repay_qardhul_hasan",
    "settle_due_from_tamwil",
    "spend_from_fund",
    "tamwil_transfer_entry",
]

MAAL = Book.MAAL.value
CASH_ACCOUNTS = ("maal_cash", "maal_bank")
#: Where a receipt may land: cash, bank, or the business book's debt to the maal book.
RECEIPT_ACCOUNTS = (*CASH_ACCOUNTS, "due_from_tamwil")
QH_RECEIVABLE = "qardhul_hasan_receivable"
QH_PREFIX = "qh:"
# Caps are floored to the sen, so an allocation at the cap never exceeds the exact percentage.
_FLOOR_SEN = RoundingPolicy("FLOOR_SEN", SEN, ROUND_FLOOR)

# ---------------------------------------------------------------------------------------------------------
# Small checks shared by the builders


def _amount(amount: Decimal) -> Decimal:
    return rupiah(amount, allow_zero=False)


def _account(account: str, allowed: tuple[str, ...], what: str) -> str:
    if account not in allowed:
        raise InvalidInput(f"{what} harus salah satu dari {', '.join(allowed)} / {what} must be one of these")
    return account


def _cover(amount: Decimal, balance: Decimal, what: str) -> None:
    if amount > balance:
        raise InsufficientBalance(
            f"saldo {what} tidak cukup: {balance}, diminta {amount} / insufficient {what} balance",
            balance=str(balance),
            requested=str(amount),
        )


def _maal_entry(value_date: date, description: str, *postings: Posting, source: str, **meta: str | None) -> JournalEntry:
    tags = {k: v for k, v in meta.items() if v is not None}
    return JournalEntry(value_date, description, postings, source=source, book=MAAL, meta=tags)


# ---------------------------------------------------------------------------------------------------------
# Receipts


def receive_zakat(
    value_date: date,
    amount: Decimal,
    *,
    received_in: str = "maal_cash",
    muzakki: str | None = None,
    source: str = "",
) -> JournalEntry:
    """Zakat received from a muzakki: Dr cash (or bank, or due_from_tamwil) / Cr zakat_fund.

    The cooperative's own zakat arrives with ``received_in="due_from_tamwil"`` until the business book
    transfers the money.

    Raises:
        InvalidInput: for an amount that is not positive or a receiving account outside the maal book.
    """
    amount = _amount(amount)
    debit = _account(received_in, RECEIPT_ACCOUNTS, "received_in")
    return _maal_entry(
        value_date, "Penerimaan zakat", Posting.debit(debit, amount), Posting.credit(Fund.ZAKAT.value, amount),
        source=source, event="zakat_receipt", muzakki=muzakki,
    )


def receive_infaq(
    value_date: date,
    amount: Decimal,
    *,
    purpose: str | None = None,
    received_in: str = "maal_cash",
    donor: str | None = None,
    source: str = "",
) -> JournalEntry:
    """Infaq/sedekah received: Dr cash / Cr infaq_fund, or Cr infaq_restricted_fund on ``fund:<purpose>``
    when the donor names a purpose (or it is given to a pesantren's own restricted fund).

    Raises:
        InvalidInput: for an amount that is not positive, an invalid purpose or receiving account.
    """
    amount = _amount(amount)
    debit = _account(received_in, RECEIPT_ACCOUNTS, "received_in")
    ref = FundRef.restricted(purpose) if purpose is not None else FundRef(Fund.INFAQ)
    label = f"Penerimaan infak/sedekah terikat ({ref.purpose})" if ref.purpose else "Penerimaan infak/sedekah"
    return _maal_entry(
        value_date, label, Posting.debit(debit, amount), Posting.credit(ref.fund.value, amount, ref.subledger),
        source=source, event="infaq_receipt", donor=donor, purpose=ref.purpose,
    )


def receive_nonhalal(
    value_date: date,
    amount: Decimal,
    kind: NonhalalKind,
    *,
    routing: NonhalalRouting = DEFAULT_NONHALAL_ROUTING,
    received_in: str | None = None,
    source: str = "",
) -> JournalEntry:
    """A non-halal receipt (ta'zir, conventional bank interest, ...) into the fund ``routing`` names.

    Dr ``received_in`` / Cr nonhalal_fund or kebajikan_fund. When ``received_in`` is not given, ta'zir
    lands in ``due_from_tamwil`` (the business book collected it and owes it to the maal book), bank
    interest in ``maal_bank`` and other receipts in ``maal_cash``. It never reaches an income account (NH-01).

    Raises:
        InvalidInput: for an amount that is not positive or an account outside the maal book.
    """
    amount = _amount(amount)
    kind = NonhalalKind(kind)
    debit = _account(received_in or NONHALAL_DEFAULT_ACCOUNT[kind], RECEIPT_ACCOUNTS, "received_in")
    fund = routing.fund_for(kind)
    return _maal_entry(
        value_date, f"Penerimaan dana nonhalal ({kind.value})",
        Posting.debit(debit, amount), Posting.credit(fund.value, amount),
        source=source, event="nonhalal_receipt", kind=kind.value,
    )


def settle_due_from_tamwil(
    value_date: date, amount: Decimal, outstanding: Decimal, *, received_in: str = "maal_cash", source: str = ""
) -> JournalEntry:
    """The business book hands over money it collected for the maal book: Dr cash / Cr due_from_tamwil.

    The business side of the same transfer is ``tamwil_transfer_entry``.

    Raises:
        InsufficientBalance: if more is settled than is outstanding.
    """
    amount = _amount(amount)
    _cover(amount, outstanding, "piutang dari Baitul Tamwil")
    debit = _account(received_in, CASH_ACCOUNTS, "received_in")
    return _maal_entry(
        value_date, "Penerimaan dari Baitul Tamwil", Posting.debit(debit, amount),
        Posting.credit("due_from_tamwil", amount), source=source, event="tamwil_settlement",
    )


def tamwil_transfer_entry(value_date: date, amount: Decimal, *, source: str = "") -> JournalEntry:
    """The business book's side of handing kebajikan money (ta'zir, ...) to the maal book, in the tamwil
    book: Dr kebajikan_payable / Cr cash."""
    amount = _amount(amount)
    return JournalEntry(
        value_date, "Penyerahan dana kebajikan ke Baitul Maal",
        (Posting.debit("kebajikan_payable", amount), Posting.credit("cash", amount)),
        source=source, book=Book.TAMWIL.value,
    )


# ---------------------------------------------------------------------------------------------------------
# Amil share and zakat distribution


def amil_cap(collected: Decimal, policy: AmilCapPolicy = AMIL_CAP_DEFAULT, source_fund: Fund = Fund.ZAKAT) -> Decimal:
    """The most the amil may take from ``collected``: cap% × collected, floored to the sen.

    (Example C4: 12.5% of 40,000,000 = 5,000,000; 5% for a collect-only unit = 2,000,000.)
    """
    exact = EXACT.divide(EXACT.multiply(collected, policy.cap_percent(source_fund)), HUNDRED)
    cap = _FLOOR_SEN.apply(exact)
    # Whole rupiah shown without ".00", as every other amount of the engine.
    return cap.quantize(RUPIAH) if cap == cap.to_integral_value() else cap


def allocate_amil(
    value_date: date,
    collected: Decimal,
    already_allocated: Decimal,
    amount: Decimal,
    policy: AmilCapPolicy = AMIL_CAP_DEFAULT,
    *,
    source_fund: Fund = Fund.ZAKAT,
    balance: Decimal | None = None,
    source: str = "",
) -> JournalEntry:
    """Allocate the amil share: Dr zakat_fund (or infaq_fund) / Cr amil_fund.

    Enforced on every allocation: ``already_allocated + amount <= amil_cap(collected)``, where
    ``collected`` is the zakat (or unrestricted infaq) collected in the period and ``already_allocated``
    the amil share already taken from it in the period.

    Args:
        balance: The source fund's balance; when given, the allocation must also fit in it.

    Raises:
        ShariaViolation: rule ZIS-02, when the allocation would take the amil share above the cap.
        InsufficientBalance: when ``balance`` is given and is smaller than ``amount``.
    """
    amount = _amount(amount)
    cap = amil_cap(collected, policy, source_fund)
    if already_allocated + amount > cap:
        pct = policy.cap_percent(source_fund)
        raise ShariaViolation(
            f"bagian amil melebihi batas {pct}% dari {collected} yang terhimpun: sudah {already_allocated}, "
            f"diminta {amount}, batas {cap} / amil share above the {pct}% cap",
            rule="ZIS-02", cap=str(cap), already_allocated=str(already_allocated), requested=str(amount),
        )
    if balance is not None:
        _cover(amount, balance, source_fund.value)
    return _maal_entry(
        value_date, f"Alokasi bagian amil dari {'zakat' if source_fund is Fund.ZAKAT else 'infak'}",
        Posting.debit(source_fund.value, amount), Posting.credit(Fund.AMIL.value, amount),
        source=source, event="amil_allocation", source_fund=source_fund.value,
    )


def distribute_zakat(
    value_date: date,
    asnaf: Asnaf | str,
    amount: Decimal,
    balance: Decimal,
    *,
    mustahik: str | None = None,
    paid_from: str = "maal_cash",
    source: str = "",
) -> JournalEntry:
    """Zakat paid to a mustahik of one of the eight asnaf: Dr zakat_fund / Cr cash (ZIS-04).

    The asnaf tag travels in the line memo (``asnaf:<tag>``) and the entry's meta. The amil's own share
    is not paid here: it goes through ``allocate_amil``, where the cap applies.

    Raises:
        ShariaViolation: ZIS-04 for anyone outside the eight asnaf; ZIS-02 for ``amil`` (use allocate_amil).
        InsufficientBalance: when the zakat fund's ``balance`` does not cover ``amount``.
    """
    tag = parse_asnaf(asnaf)
    if tag is Asnaf.AMIL:
        raise ShariaViolation(
            "bagian amil dialokasikan lewat alokasi amil yang dibatasi / the amil share goes through the "
            "capped amil allocation, not a distribution",
            rule="ZIS-02",
        )
    amount = _amount(amount)
    _cover(amount, balance, Fund.ZAKAT.value)
    credit = _account(paid_from, CASH_ACCOUNTS, "paid_from")
    return _maal_entry(
        value_date, f"Penyaluran zakat kepada {ASNAF_LABELS_ID[tag].lower()}",
        Posting.debit(Fund.ZAKAT.value, amount, memo=f"asnaf:{tag.value}"), Posting.credit(credit, amount),
        source=source, event="zakat_distribution", asnaf=tag.value, mustahik=mustahik,
    )


# ---------------------------------------------------------------------------------------------------------
# Spending from the other funds


def spend_from_fund(
    value_date: date,
    fund: FundRef,
    amount: Decimal,
    balance: Decimal,
    *,
    use: FundUse,
    purpose: str | None = None,
    paid_from: str = "maal_cash",
    description: str | None = None,
    source: str = "",
) -> JournalEntry:
    """Pay out of a fund for a use it may serve: Dr the fund (its sub-ledger) / Cr cash.

    Amil operating costs come from the amil fund; social uses from unrestricted infaq, non-halal or
    kebajikan; a restricted fund pays only for its own purpose. Zakat is refused here (see
    ``distribute_zakat``), and no fund covers loan-loss allowances (see ``check_use``).

    Args:
        balance: What the fund can spend (for kebajikan: its balance less qardhul hasan lent out).

    Raises:
        ShariaViolation: ZIS-01/03/04 as ``check_use`` explains.
        InsufficientBalance: when ``balance`` does not cover ``amount``.
    """
    check_use(fund, use, purpose)
    amount = _amount(amount)
    _cover(amount, balance, fund.subledger or fund.fund.value)
    credit = _account(paid_from, CASH_ACCOUNTS, "paid_from")
    text = description or f"Penggunaan {fund.fund.value} untuk {purpose or use.value}"
    return _maal_entry(
        value_date, text, Posting.debit(fund.fund.value, amount, fund.subledger, memo=f"use:{use.value}"),
        Posting.credit(credit, amount), source=source, event="fund_spending", use=use.value, purpose=purpose,
    )


# ---------------------------------------------------------------------------------------------------------
# Qardhul hasan from the kebajikan fund


def lend_qardhul_hasan(
    value_date: date, borrower: str, amount: Decimal, available: Decimal, *, paid_from: str = "maal_cash", source: str = ""
) -> JournalEntry:
    """Lend qardhul hasan from the kebajikan fund: Dr qardhul_hasan_receivable (``qh:<borrower>``) / Cr cash.

    The kebajikan fund keeps owning the money while it is lent, so ``available`` is its balance less what
    is already lent out.

    Raises:
        InsufficientBalance: when ``available`` does not cover ``amount``.
    """
    amount = _amount(amount)
    _cover(amount, available, Fund.KEBAJIKAN.value)
    credit = _account(paid_from, CASH_ACCOUNTS, "paid_from")
    return _maal_entry(
        value_date, "Penyaluran qardhul hasan dari dana kebajikan",
        Posting.debit(QH_RECEIVABLE, amount, _qh(borrower)), Posting.credit(credit, amount),
        source=source, event="qh_loan", borrower=borrower,
    )


def repay_qardhul_hasan(
    value_date: date, borrower: str, amount: Decimal, outstanding: Decimal, *, received_in: str = "maal_cash", source: str = ""
) -> JournalEntry:
    """A qardhul hasan repayment: Dr cash / Cr qardhul_hasan_receivable. Never more than the principal
    outstanding (QRD-01: no profit on a qardh).

    Raises:
        ShariaViolation: QRD-01 when ``amount`` exceeds ``outstanding``.
    """
    amount = _amount(amount)
    if amount > outstanding:
        raise ShariaViolation(
            f"pengembalian qardh hanya sebesar pokok: sisa {outstanding}, dibayar {amount} / a qardh is repaid "
            f"at exactly the principal", rule="QRD-01",
        )
    debit = _account(received_in, CASH_ACCOUNTS, "received_in")
    return _maal_entry(
        value_date, "Pengembalian qardhul hasan", Posting.debit(debit, amount),
        Posting.credit(QH_RECEIVABLE, amount, _qh(borrower)), source=source, event="qh_repayment", borrower=borrower,
    )


def forgive_qardhul_hasan(
    value_date: date, borrower: str, amount: Decimal, outstanding: Decimal, *, source: str = ""
) -> JournalEntry:
    """Write off qardhul hasan of a borrower unable to pay, from the kebajikan fund:
    Dr kebajikan_fund / Cr qardhul_hasan_receivable.

    Raises:
        InsufficientBalance: when more is forgiven than is outstanding.
    """
    amount = _amount(amount)
    _cover(amount, outstanding, f"qardhul hasan {borrower}")
    return _maal_entry(
        value_date, "Pembebasan qardhul hasan dari dana kebajikan", Posting.debit(Fund.KEBAJIKAN.value, amount),
        Posting.credit(QH_RECEIVABLE, amount, _qh(borrower)), source=source, event="qh_forgiveness", borrower=borrower,
    )


def _qh(borrower: str) -> str:
    if not borrower or not borrower.strip():
        raise InvalidInput("peminjam qardhul hasan harus disebut / the borrower is required", field="borrower")
    return f"{QH_PREFIX}{borrower.strip()}"
