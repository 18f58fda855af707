"""``FundBook``: the Baitul Maal balances, run forward one entry at a time, with every rule of ``funds``.

A ``FundBook`` is an immutable value. Each operation checks the request against the current balances and
the period's tallies, builds the entry with the matching function of ``bmt.zakat.funds``, and returns the
new book with the entry: ``book, entry = book.receive_zakat(...)``. A refused operation raises and leaves
the old book as it was, so nothing half-happens.

What it guarantees, after every operation:

* every fund, every restricted sub-ledger, each cash account and each qardhul hasan receivable is >= 0;
* the kebajikan fund covers all qardhul hasan lent out (the loans are its money);
* amil taken from zakat <= the cap × zakat collected, and from infaq <= its cap × unrestricted infaq;
* every entry is balanced, in the maal book, on maal accounts only; so assets always equal funds.

The tallies (zakat and infaq collected, amil taken) cover the period the book was opened for, usually
the financial year: start a new book, carrying the balances, when the period turns.

Example (Example C4)::

    >>> book, receipt = FundBook().receive_zakat(date(2025, 3, 3), Decimal(40_000_000))
    >>> book, amil = book.allocate_amil(date(2025, 3, 31), Decimal(5_000_000))
    >>> book.fund_balance(FundRef(Fund.ZAKAT)), book.fund_balance(FundRef(Fund.AMIL))
    (Decimal('35000000'), Decimal('5000000'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from bmt.errors import InsufficientBalance, InvalidInput, NotFound
from bmt.ledger import JournalEntry
from bmt.ledger.accounts import AccountSpec, Book, normal_side, standard_chart_by_key
from bmt.money import ZERO
from bmt.zakat import funds as f
from bmt.zakat.asnaf import Asnaf
from bmt.zakat.funds import (
    AMIL_CAP_DEFAULT,
    DEFAULT_NONHALAL_ROUTING,
    QH_PREFIX,
    QH_RECEIVABLE,
    RESTRICTED_PREFIX,
    AmilCapPolicy,
    Fund,
    FundRef,
    FundUse,
    NonhalalKind,
    NonhalalRouting,
    normalize_purpose,
)

Posted = tuple["FundBook", JournalEntry]
BalanceKey = tuple[str, str | None]

#: The accounts of the maal book, by key.
MAAL_ACCOUNTS: Mapping[str, AccountSpec] = {
    k: spec for k, spec in standard_chart_by_key().items() if spec.book is Book.MAAL
}


@dataclass(frozen=True, slots=True)
class FundBook:
    """Balances of the maal book and the period's tallies.

    Attributes:
        balances: Normal-side balance per ``(account key, sub-ledger)``: funds credit-normal, cash and
            receivables debit-normal; all >= 0.
        restricted_funds: Open restricted funds, ``purpose -> name`` (e.g. ``"beasiswa" -> "Dana beasiswa
            santri"``).
        amil_policy: The amil cap setting.
        nonhalal_routing: Where non-halal receipts go.
        zakat_collected: Zakat received in the period.
        amil_from_zakat: Amil share taken from zakat in the period.
        infaq_collected: Unrestricted infaq received in the period.
        amil_from_infaq: Amil share taken from unrestricted infaq in the period.
    """

    balances: Mapping[BalanceKey, Decimal] = field(default_factory=dict)
    restricted_funds: Mapping[str, str] = field(default_factory=dict)
    amil_policy: AmilCapPolicy = AMIL_CAP_DEFAULT
    nonhalal_routing: NonhalalRouting = DEFAULT_NONHALAL_ROUTING
    zakat_collected: Decimal = ZERO
    amil_from_zakat: Decimal = ZERO
    infaq_collected: Decimal = ZERO
    amil_from_infaq: Decimal = ZERO

    # -- reading ------------------------------------------------------------------------------------------

    def balance(self, account: str, subledger: str | None = None) -> Decimal:
        """The normal-side balance of one account (and sub-ledger)."""
        return self.balances.get((account, subledger), ZERO)

    def account_total(self, account: str) -> Decimal:
        """The balance of an account over all its sub-ledgers."""
        return sum((v for (a, _), v in self.balances.items() if a == account), ZERO)

    def fund_balance(self, ref: FundRef) -> Decimal:
        """The balance of a fund (a restricted fund: of its own sub-ledger)."""
        return self.balance(ref.fund.value, ref.subledger)

    def spendable(self, ref: FundRef) -> Decimal:
        """What a fund can pay out now: its balance, less qardhul hasan lent out for the kebajikan fund."""
        if ref.fund is Fund.KEBAJIKAN:
            return self.fund_balance(ref) - self.account_total(QH_RECEIVABLE)
        return self.fund_balance(ref)

    def qardh_outstanding(self, borrower: str) -> Decimal:
        """Qardhul hasan principal a borrower still owes."""
        return self.balance(QH_RECEIVABLE, f"{QH_PREFIX}{borrower.strip()}")

    def fund_balances(self) -> dict[str, Decimal]:
        """Every fund's balance for the statement of changes in funds; restricted funds as ``fund:<purpose>``."""
        out = {fund.value: self.balance(fund.value) for fund in Fund if fund is not Fund.INFAQ_RESTRICTED}
        for purpose in sorted(self.restricted_funds):
            out[f"{RESTRICTED_PREFIX}{purpose}"] = self.balance(Fund.INFAQ_RESTRICTED.value, f"{RESTRICTED_PREFIX}{purpose}")
        return out

    def totals(self) -> tuple[Decimal, Decimal]:
        """(Σ assets, Σ funds); equal in a sound book."""
        assets = funds = ZERO
        for (account, _), value in self.balances.items():
            if normal_side(MAAL_ACCOUNTS[account].kind) == "debit":
                assets += value
            else:
                funds += value
        return assets, funds

    # -- applying entries -----------------------------------------------------------------------------------

    def open_restricted_fund(self, purpose: str, name: str) -> FundBook:
        """Open a restricted fund (a donor's purpose, or a pesantren's own fund such as beasiswa).

        Raises:
            InvalidInput: for an invalid purpose, an empty name, or a purpose already open.
        """
        key = normalize_purpose(purpose)
        if key in self.restricted_funds:
            raise InvalidInput(f"dana terikat '{key}' sudah ada / restricted fund already open", field="purpose")
        if not name.strip():
            raise InvalidInput("nama dana terikat harus diisi / the fund needs a name", field="name")
        return replace(self, restricted_funds={**self.restricted_funds, key: name.strip()})

    def apply(self, entry: JournalEntry) -> FundBook:
        """The book after ``entry``.

        Raises:
            InvalidInput: an entry outside the maal book, on an account outside it, or with a sub-ledger
                that does not fit the account (restricted funds need an open ``fund:<purpose>``).
            InsufficientBalance: when any balance would go below zero, or the kebajikan fund would no
                longer cover the qardhul hasan lent out.
        """
        if entry.book != Book.MAAL.value:
            raise InvalidInput(f"jurnal buku {entry.book} bukan buku Baitul Maal / not a maal-book entry")
        new = dict(self.balances)
        for p in entry.postings:
            spec = MAAL_ACCOUNTS.get(p.account)
            if spec is None:
                raise InvalidInput(f"akun {p.account} bukan akun Baitul Maal / not a maal account")
            self._check_subledger(p.account, p.subledger)
            sign = 1 if normal_side(spec.kind) == "debit" else -1
            key = (p.account, p.subledger)
            new[key] = new.get(key, ZERO) + sign * p.amount
        for p in entry.postings:
            if new[(p.account, p.subledger)] < 0:
                raise InsufficientBalance(
                    f"saldo {p.subledger or p.account} tidak cukup / {p.subledger or p.account} would go below zero"
                )
        after = replace(self, balances=new)
        if after.spendable(FundRef(Fund.KEBAJIKAN)) < 0:
            raise InsufficientBalance("dana kebajikan tidak menutup qardhul hasan yang dipinjamkan / kebajikan short")
        return after

    def _check_subledger(self, account: str, subledger: str | None) -> None:
        if account == Fund.INFAQ_RESTRICTED.value:
            purpose = (subledger or "").removeprefix(RESTRICTED_PREFIX)
            if not subledger or not subledger.startswith(RESTRICTED_PREFIX) or purpose not in self.restricted_funds:
                raise NotFound(f"dana terikat {purpose or '-'} belum dibuka / restricted fund not open", field="purpose")
        elif account == QH_RECEIVABLE:
            if not subledger or not subledger.startswith(QH_PREFIX):
                raise InvalidInput("piutang qardhul hasan memerlukan peminjam / qardh line needs its borrower")
        elif subledger is not None:
            raise InvalidInput(f"akun {account} tidak memakai sub-buku / {account} has no sub-ledgers")

    def _post(self, entry: JournalEntry, **tallies: Decimal) -> Posted:
        return replace(self.apply(entry), **tallies), entry

    # -- operations -----------------------------------------------------------------------------------------

    def receive_zakat(self, value_date: date, amount: Decimal, *, received_in: str = "maal_cash", muzakki: str | None = None, source: str = "") -> Posted:
        """Zakat received (see ``funds.receive_zakat``); adds to the period's zakat collected."""
        e = f.receive_zakat(value_date, amount, received_in=received_in, muzakki=muzakki, source=source)
        return self._post(e, zakat_collected=self.zakat_collected + e.total)

    def receive_infaq(self, value_date: date, amount: Decimal, *, purpose: str | None = None, received_in: str = "maal_cash", donor: str | None = None, source: str = "") -> Posted:
        """Infaq received, restricted to an open fund when ``purpose`` is given (see ``funds.receive_infaq``)."""
        e = f.receive_infaq(value_date, amount, purpose=purpose, received_in=received_in, donor=donor, source=source)
        if purpose is not None:
            return self._post(e)
        return self._post(e, infaq_collected=self.infaq_collected + e.total)

    def receive_nonhalal(self, value_date: date, amount: Decimal, kind: NonhalalKind, *, received_in: str | None = None, source: str = "") -> Posted:
        """A non-halal receipt, routed by the book's setting (see ``funds.receive_nonhalal``)."""
        e = f.receive_nonhalal(value_date, amount, kind, routing=self.nonhalal_routing, received_in=received_in, source=source)
        return self._post(e)

    def settle_due_from_tamwil(self, value_date: date, amount: Decimal, *, received_in: str = "maal_cash", source: str = "") -> Posted:
        """Money the business book collected for the maal book arrives (see ``funds.settle_due_from_tamwil``)."""
        e = f.settle_due_from_tamwil(value_date, amount, self.balance("due_from_tamwil"), received_in=received_in, source=source)
        return self._post(e)

    def allocate_amil(self, value_date: date, amount: Decimal, *, source_fund: Fund = Fund.ZAKAT, source: str = "") -> Posted:
        """Take the amil share from zakat or unrestricted infaq, within the cap (see ``funds.allocate_amil``)."""
        from_zakat = source_fund is Fund.ZAKAT
        collected = self.zakat_collected if from_zakat else self.infaq_collected
        taken = self.amil_from_zakat if from_zakat else self.amil_from_infaq
        e = f.allocate_amil(
            value_date, collected, taken, amount, self.amil_policy,
            source_fund=source_fund, balance=self.balance(source_fund.value), source=source,
        )
        tally = "amil_from_zakat" if from_zakat else "amil_from_infaq"
        return self._post(e, **{tally: taken + e.total})

    def distribute_zakat(self, value_date: date, asnaf: Asnaf | str, amount: Decimal, *, mustahik: str | None = None, paid_from: str = "maal_cash", source: str = "") -> Posted:
        """Pay zakat to a mustahik of the eight asnaf (see ``funds.distribute_zakat``)."""
        balance = self.balance(Fund.ZAKAT.value)
        e = f.distribute_zakat(value_date, asnaf, amount, balance, mustahik=mustahik, paid_from=paid_from, source=source)
        return self._post(e)

    def spend(self, value_date: date, fund: FundRef, amount: Decimal, *, use: FundUse, purpose: str | None = None, paid_from: str = "maal_cash", description: str | None = None, source: str = "") -> Posted:
        """Pay out of a fund for a use it may serve (see ``funds.spend_from_fund``)."""
        e = f.spend_from_fund(
            value_date, fund, amount, self.spendable(fund),
            use=use, purpose=purpose, paid_from=paid_from, description=description, source=source,
        )
        return self._post(e)

    def lend_qardhul_hasan(self, value_date: date, borrower: str, amount: Decimal, *, paid_from: str = "maal_cash", source: str = "") -> Posted:
        """Lend qardhul hasan out of the kebajikan fund (see ``funds.lend_qardhul_hasan``)."""
        available = self.spendable(FundRef(Fund.KEBAJIKAN))
        return self._post(f.lend_qardhul_hasan(value_date, borrower, amount, available, paid_from=paid_from, source=source))

    def repay_qardhul_hasan(self, value_date: date, borrower: str, amount: Decimal, *, received_in: str = "maal_cash", source: str = "") -> Posted:
        """A borrower repays qardhul hasan principal (see ``funds.repay_qardhul_hasan``)."""
        outstanding = self.qardh_outstanding(borrower)
        return self._post(f.repay_qardhul_hasan(value_date, borrower, amount, outstanding, received_in=received_in, source=source))

    def forgive_qardhul_hasan(self, value_date: date, borrower: str, amount: Decimal, *, source: str = "") -> Posted:
        """Write qardhul hasan off against the kebajikan fund (see ``funds.forgive_qardhul_hasan``)."""
        outstanding = self.qardh_outstanding(borrower)
        return self._post(f.forgive_qardhul_hasan(value_date, borrower, amount, outstanding, source=source))
