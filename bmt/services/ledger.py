"""Posting journal entries, and the ledger's read side (trial balance, general ledger, balances).

``post`` is the one door into the ledger: it checks the entry again (balance, book, open period, accounts of
this cooperative), writes the header and its lines, and leaves an audit event, all in the caller's unit of
work. Lines are written in one INSERT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, func, insert, select, text, type_coerce
from sqlalchemy.exc import DBAPIError

from bmt.errors import Conflict, InvalidInput, NotFound, PeriodClosed
from bmt.ledger import AccountType, JournalEntry, check_balanced, reverse
from bmt.ledger.checks import TrialBalanceRow, trial_balance
from bmt.ledger.entries import Posting
from bmt.money import ZERO, from_sen, to_sen
from bmt.persistence import hot
from bmt.persistence.models import GlAccount, LedgerLock
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.services import audit
from bmt.services.uow import Actor, UnitOfWork


def _sum_sen():  # noqa: ANN202
    """SUM of line amounts as raw integer sen (convert with from_sen)."""
    return func.coalesce(func.sum(type_coerce(LineRow.amount, BigInteger)), 0)


@dataclass(frozen=True, slots=True)
class AccountRef:
    id: int
    code: str
    name: str
    kind: str
    book: str
    key: str | None
    is_cash: bool


# Accounts are never deleted and a system account's key, type and book never change, so a process-wide
# cache is safe; it is refreshed when a posting names an account it does not know (added elsewhere).
_CHARTS: dict[int, dict[str, AccountRef]] = {}


def forget_chart(cooperative_id: int) -> None:
    """Drop the cached chart after an account is added or renamed."""
    _CHARTS.pop(cooperative_id, None)


async def chart(uow: UnitOfWork, cooperative_id: int, *, refresh: bool = False) -> dict[str, AccountRef]:
    """Every account of a cooperative, reachable by key and by code."""
    if not refresh and cooperative_id in _CHARTS:
        return _CHARTS[cooperative_id]
    rows = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == cooperative_id, GlAccount.active.is_(True)))).scalars()
    out: dict[str, AccountRef] = {}
    for a in rows:
        ref = AccountRef(a.id, a.code, a.name, a.kind, a.book, a.key, a.is_cash)
        out[a.code] = ref
        if a.key:
            out[a.key] = ref
    _CHARTS[cooperative_id] = out
    return out


async def closed_through(uow: UnitOfWork, cooperative_id: int) -> date | None:
    return (await uow.session.execute(select(LedgerLock.closed_through).where(LedgerLock.cooperative_id == cooperative_id))).scalar_one_or_none()


async def post(
    uow: UnitOfWork,
    actor: Actor,
    je: JournalEntry,
    *,
    cooperative_id: int | None = None,
    branch_id: int | None = None,
    idempotency_key: str | None = None,
    checker_id: int | None = None,
    audit_event: bool = True,
) -> int:
    """Write a balanced entry for the actor's cooperative; returns the entry id.

    Raises:
        UnbalancedEntry: debits differ from credits (checked again here, before any write).
        InvalidInput: an unknown account, or an account of the other book.
        PeriodClosed: the value date is in a closed day or period.
    """
    coop = cooperative_id if cooperative_id is not None else actor.coop
    check_balanced(je.postings)
    accounts = await chart(uow, coop)
    resolved = []
    if any(p.account not in accounts for p in je.postings):
        accounts = await chart(uow, coop, refresh=True)
    for p in je.postings:
        ref = accounts.get(p.account)
        if ref is None:
            raise InvalidInput(f"akun tidak dikenal: {p.account} / unknown account", field="account")
        if ref.book != je.book:
            raise InvalidInput(f"akun {ref.code} bukan milik buku {je.book} / account {ref.code} belongs to the {ref.book} book")
        resolved.append((ref, p))
    header = {
        "cooperative_id": coop,
        "branch_id": branch_id if branch_id is not None else actor.branch_id,
        "book": je.book,
        "value_date": je.value_date,
        "posted_at": uow.now(),
        "description": je.description[:500],
        "source": je.source[:120],
        "idempotency_key": idempotency_key,
        "maker_id": actor.user_id or None,
        "checker_id": checker_id,
        "reverses_id": je.reverses,
    }
    audit_payload = {"book": je.book, "value_date": je.value_date.isoformat(), "total": str(je.total), "source": je.source} if audit_event else None
    # A closed period is refused by the database's trigger on the header insert (one statement fewer than
    # asking first), reported as PeriodClosed.
    try:
        if uow.dialect == "postgresql":
            return await _post_pg(uow, actor, header, resolved, audit_payload)
        entry_id = await _insert_header(uow, header)
    except DBAPIError as exc:
        if "period closed" not in str(exc):
            raise
        raise PeriodClosed(f"periode sudah ditutup untuk tanggal {je.value_date.isoformat()} / the books are closed for that date") from None
    await uow.session.execute(
        insert(LineRow),
        [
            {"entry_id": entry_id, "cooperative_id": coop, "account_id": ref.id, "value_date": je.value_date, "amount": p.amount, "subledger": p.subledger, "memo": p.memo}
            for ref, p in resolved
        ],
    )
    if audit_payload is not None:
        await audit.record(uow, actor, "journal.post", f"journal_entry:{entry_id}", audit_payload, cooperative_id=coop)
    return entry_id


# PostgreSQL: a posting is two statements. The first locks the actor's audit chain and draws the entry's id
# from its sequence (the audit event names the entry, and its hash is computed here, outside the database,
# with a key the database never sees); the second writes the header, the lines (in order) and the audit event
# and moves the chain's head. The lines' foreign key and the deferred balance trigger check as ever.
_PG_RESERVE = hot.Sql("SELECT seq, hash, nextval('journal_entry_id_seq') FROM audit_head WHERE chain_id = :chain FOR UPDATE")
_PG_NEXT_ID = hot.Sql("SELECT nextval('journal_entry_id_seq')")
_PG_ENTRY = (
    "INSERT INTO journal_entry (id, cooperative_id, branch_id, book, value_date, posted_at, description, source, idempotency_key, maker_id, checker_id, reverses_id) "
    "VALUES (:id, :cooperative_id, :branch_id, :book, :value_date, :posted_at, :description, :source, :idempotency_key, :maker_id, :checker_id, :reverses_id)"
)
_PG_LINES = (
    "INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger, memo) "
    "SELECT :id, :cooperative_id, u.a, :value_date, u.s, u.sl, u.m "
    "FROM unnest(CAST(:l_accounts AS BIGINT[]), CAST(:l_amounts AS BIGINT[]), CAST(:l_subs AS VARCHAR[]), CAST(:l_memos AS VARCHAR[])) WITH ORDINALITY AS u(a, s, sl, m, n) "
    "ORDER BY u.n"
)
_PG_POST = hot.Sql(f"WITH e AS ({_PG_ENTRY}), l AS ({_PG_LINES}), head AS ({audit.PG_APPEND_HEAD}) {audit.PG_APPEND_EVENT}")
_PG_POST_SILENT = hot.Sql(f"WITH e AS ({_PG_ENTRY}) {_PG_LINES}")


async def _post_pg(uow: UnitOfWork, actor: Actor, header: dict, resolved: list, audit_payload: dict | None) -> int:
    s = uow.session
    params = dict(header)
    params["l_accounts"] = [ref.id for ref, _ in resolved]
    params["l_amounts"] = [to_sen(p.amount) for _, p in resolved]
    params["l_subs"] = [p.subledger for _, p in resolved]
    params["l_memos"] = [p.memo for _, p in resolved]
    if audit_payload is None:
        params["id"] = (await hot.one(s, _PG_NEXT_ID, {}))[0]
        await hot.rows(s, _PG_POST_SILENT, params)
        return params["id"]
    chain = actor.user_id or 0
    head = await hot.one(s, _PG_RESERVE, {"chain": chain})
    if head is None:
        await audit.start_chain(uow, chain)
        head = await hot.one(s, _PG_RESERVE, {"chain": chain})
    seq, prev_hash, entry_id = head
    params["id"] = entry_id
    params.update(audit.event_row(uow, actor, seq, prev_hash, "journal.post", f"journal_entry:{entry_id}", audit_payload, cooperative_id=header["cooperative_id"]))
    await hot.rows(s, _PG_POST, params)
    return entry_id


async def _insert_header(uow: UnitOfWork, row: dict) -> int:
    # No savepoint: a refused insert ends the use case, and the unit of work rolls everything back.
    return (await uow.session.execute(insert(EntryRow).returning(EntryRow.id), [row])).scalar_one()


@dataclass(frozen=True, slots=True)
class BulkLines:
    """Many lines on one account, as integer sen (debit positive) with a sub-ledger tag each — the shape
    batch jobs (daily close, month-end distribution) produce by the hundred thousand."""

    account: str
    amounts_sen: Sequence[int]
    subledgers: Sequence[str | None]


async def post_bulk(
    uow: UnitOfWork,
    actor: Actor,
    value_date: date,
    description: str,
    source: str,
    groups: Sequence[BulkLines],
    *,
    book: str = "tamwil",
    cooperative_id: int | None = None,
) -> int:
    """Post one balanced entry with very many lines (no per-line Python objects on the hot path).

    The same rules as ``post``: Σ = 0 checked here in integers (and again by PostgreSQL at commit), accounts of
    this cooperative and book, no zero lines, the period open. On PostgreSQL the lines go in with one
    ``INSERT … SELECT unnest(...)``; on SQLite with one executemany.

    Raises:
        UnbalancedEntry, InvalidInput, PeriodClosed: as ``post``.
    """
    from bmt.errors import UnbalancedEntry

    coop = cooperative_id if cooperative_id is not None else actor.coop
    total = count = 0
    for g in groups:
        if len(g.amounts_sen) != len(g.subledgers):
            raise InvalidInput("amounts and sub-ledgers differ in length")
        if any(a == 0 for a in g.amounts_sen):
            raise UnbalancedEntry("a journal line may not be zero")
        total += sum(int(a) for a in g.amounts_sen)
        count += len(g.amounts_sen)
    if count < 2 or total != 0:
        raise UnbalancedEntry(f"bulk entry does not balance: lines sum to {total} sen over {count} lines")
    accounts = await chart(uow, coop)
    refs = []
    for g in groups:
        ref = accounts.get(g.account) or (await chart(uow, coop, refresh=True)).get(g.account)
        if ref is None:
            raise InvalidInput(f"akun tidak dikenal: {g.account} / unknown account")
        if ref.book != book:
            raise InvalidInput(f"akun {ref.code} bukan milik buku {book} / account of the other book")
        refs.append(ref)
    lock = await closed_through(uow, coop)
    if lock is not None and value_date <= lock:
        raise PeriodClosed(f"periode sudah ditutup sampai {lock.isoformat()} / the books are closed through {lock.isoformat()}")
    entry_id = (
        await uow.session.execute(
            insert(EntryRow).returning(EntryRow.id),
            [{"cooperative_id": coop, "branch_id": actor.branch_id, "book": book, "value_date": value_date, "posted_at": uow.now(), "description": description[:500], "source": source[:120], "maker_id": actor.user_id or None}],
        )
    ).scalar_one()
    table = LineRow.__table__
    for ref, g in zip(refs, groups, strict=True):
        if uow.dialect == "postgresql":
            stmt = text(
                "INSERT INTO journal_line (entry_id, cooperative_id, account_id, value_date, amount_sen, subledger) "
                "SELECT :entry, :coop, :account, :vd, a, s FROM unnest(CAST(:amounts AS BIGINT[]), CAST(:subs AS VARCHAR[])) AS u(a, s)"
            )
            await uow.session.execute(stmt, {"entry": entry_id, "coop": coop, "account": ref.id, "vd": value_date, "amounts": [int(a) for a in g.amounts_sen], "subs": list(g.subledgers)})
        else:
            await uow.session.execute(
                table.insert(),
                [{"entry_id": entry_id, "cooperative_id": coop, "account_id": ref.id, "value_date": value_date, "amount_sen": from_sen(int(a)), "subledger": sb} for a, sb in zip(g.amounts_sen, g.subledgers, strict=True)],
            )
    await audit.record(uow, actor, "journal.post_bulk", f"journal_entry:{entry_id}", {"book": book, "value_date": value_date.isoformat(), "lines": count, "source": source}, cooperative_id=coop)
    return entry_id


async def load_entry(uow: UnitOfWork, cooperative_id: int, entry_id: int) -> tuple[EntryRow, list[tuple[LineRow, GlAccount]]]:
    """An entry of this cooperative with its lines and accounts."""
    header = (await uow.session.execute(select(EntryRow).where(EntryRow.id == entry_id, EntryRow.cooperative_id == cooperative_id))).scalar_one_or_none()
    if header is None:
        raise NotFound(f"jurnal {entry_id} tidak ditemukan / journal entry not found")
    lines = (await uow.session.execute(select(LineRow, GlAccount).join(GlAccount, GlAccount.id == LineRow.account_id).where(LineRow.entry_id == entry_id).order_by(LineRow.id))).all()
    return header, [(r[0], r[1]) for r in lines]


async def reverse_entry(uow: UnitOfWork, actor: Actor, entry_id: int, reason: str, value_date: date, *, checker_id: int | None = None) -> int:
    """Post the reversal of an entry (the only way to correct the ledger). An entry is reversed at most once."""
    if not reason.strip():
        raise InvalidInput("alasan koreksi wajib diisi / a reason is required", field="reason")
    header, lines = await load_entry(uow, actor.coop, entry_id)
    if header.reverses_id is not None:
        raise Conflict("jurnal koreksi tidak dapat dibalik lagi / a reversal cannot itself be reversed")
    already = (await uow.session.execute(select(EntryRow.id).where(EntryRow.reverses_id == entry_id))).scalar_one_or_none()
    if already is not None:
        raise Conflict(f"jurnal {entry_id} sudah dibalik oleh jurnal {already} / already reversed")
    original = JournalEntry(header.value_date, header.description, tuple(Posting(acc.code, line.amount, line.subledger, line.memo) for line, acc in lines), source=header.source, book=header.book)
    rev = reverse(original, value_date, reason.strip(), original_id=entry_id)
    return await post(uow, actor, rev, checker_id=checker_id)


async def net_by_account(uow: UnitOfWork, cooperative_id: int, *, through: date | None = None, since: date | None = None, book: str | None = None) -> dict[str, Decimal]:
    """Signed net per account code (debit positive), optionally within dates and one book."""
    q = (
        select(GlAccount.code, _sum_sen())
        .join(LineRow, LineRow.account_id == GlAccount.id)
        .where(LineRow.cooperative_id == cooperative_id)
        .group_by(GlAccount.code)
    )
    if through is not None:
        q = q.where(LineRow.value_date <= through)
    if since is not None:
        q = q.where(LineRow.value_date >= since)
    if book is not None:
        q = q.where(GlAccount.book == book)
    return {code: from_sen(int(total)) for code, total in (await uow.session.execute(q)).all()}


async def trial_balance_rows(uow: UnitOfWork, cooperative_id: int, *, through: date | None = None, book: str | None = None) -> list[TrialBalanceRow]:
    """The trial balance as of ``through`` (inclusive), accounts in code order."""
    nets = await net_by_account(uow, cooperative_id, through=through, book=book)
    q = select(GlAccount.code, GlAccount.name, GlAccount.kind, GlAccount.book).where(GlAccount.cooperative_id == cooperative_id).order_by(GlAccount.book.desc(), GlAccount.code)
    if book is not None:
        q = q.where(GlAccount.book == book)
    accounts = [(c, n, AccountType(k), b) for c, n, k, b in (await uow.session.execute(q)).all()]
    return trial_balance(nets, accounts)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry_id: int
    value_date: date
    description: str
    source: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    subledger: str | None


async def general_ledger(uow: UnitOfWork, cooperative_id: int, account_code: str, since: date, through: date, *, limit: int = 5000) -> tuple[AccountRef, Decimal, list[LedgerLine]]:
    """One account's opening balance at ``since`` and its lines to ``through`` with a running balance (debit positive)."""
    accounts = await chart(uow, cooperative_id)
    ref = accounts.get(account_code)
    if ref is None:
        raise NotFound(f"akun {account_code} tidak ditemukan / account not found")
    opening_q = select(_sum_sen()).where(LineRow.cooperative_id == cooperative_id, LineRow.account_id == ref.id, LineRow.value_date < since)
    opening = from_sen(int((await uow.session.execute(opening_q)).scalar_one()))
    q = (
        select(LineRow.entry_id, LineRow.value_date, EntryRow.description, EntryRow.source, LineRow.amount, LineRow.subledger)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == cooperative_id, LineRow.account_id == ref.id, LineRow.value_date >= since, LineRow.value_date <= through)
        .order_by(LineRow.value_date, LineRow.id)
        .limit(limit)
    )
    running = opening
    out = []
    for entry_id, vd, desc, src, amount, sub in (await uow.session.execute(q)).all():
        running += amount
        out.append(LedgerLine(entry_id, vd, desc, src, amount if amount > 0 else ZERO, -amount if amount < 0 else ZERO, running, sub))
    return ref, opening, out


async def subledger_balance(uow: UnitOfWork, cooperative_id: int, subledger: str, account_keys: Sequence[str] | None = None) -> Decimal:
    """Signed net (debit positive) of the lines tagged with ``subledger``, optionally within some accounts."""
    q = select(_sum_sen()).where(LineRow.cooperative_id == cooperative_id, LineRow.subledger == subledger)
    if account_keys:
        accounts = await chart(uow, cooperative_id)
        q = q.where(LineRow.account_id.in_([accounts[k].id for k in account_keys]))
    return from_sen(int((await uow.session.execute(q)).scalar_one()))


def lines_summary(postings: Iterable[Posting]) -> list[dict[str, str]]:
    """Postings as plain dicts with debit/credit spelled out (for drafts, receipts and audit payloads)."""
    return [{"account": p.account, "debit": str(p.debit_amount), "credit": str(p.credit_amount), "subledger": p.subledger or "", "memo": p.memo or ""} for p in postings]
