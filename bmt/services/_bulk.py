"""Bulk reads and writes for month-end batch jobs, inside the caller's unit of work (one transaction).

A month-end touches a million rows. Fetching them as Python tuples costs ~150 bytes and a microsecond each, so
on PostgreSQL these helpers move them in bulk on the session's own connection (same transaction):

* ``fetch_int_columns`` has the server pack integer rows into a few ``bytea`` blobs of big-endian int8
  (``int8send`` + ``string_agg``), read by one ``numpy.frombuffer``: no Python object per value, and no
  protocol message per row (psycopg's COPY TO yields one message per row, ~1.3 µs each).
* ``copy_rows`` writes rows with ``COPY ... FROM STDIN`` (text format).

On SQLite (tests, small cooperatives) the same calls fall back to ordinary statements. The SQL text is shared
(``:name`` parameters).

``insert_entries`` and ``check_entries`` are the ledger's rules for set-based postings, whose lines are
written with ``INSERT ... SELECT`` rather than through ``ledger.post``: the period lock is checked before
anything is written, and after the lines are in, every entry is checked (in code, before COMMIT) to sum to
zero over 2..MAX_LINES_PER_ENTRY lines. PostgreSQL's constraint trigger checks again at COMMIT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import insert, text

from bmt.errors import PeriodClosed, UnbalancedEntry
from bmt.ledger.entries import MAX_LINES_PER_ENTRY
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.services import ledger
from bmt.services.uow import UnitOfWork


def is_postgres(uow: UnitOfWork) -> bool:
    return uow.dialect == "postgresql"


async def driver_connection(uow: UnitOfWork) -> Any:
    """The psycopg connection under the session, inside the unit of work's transaction."""
    conn = await uow.session.connection()
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def fetch_int_columns(uow: UnitOfWork, sql: str, params: dict[str, Any], n_cols: int) -> list[np.ndarray]:
    """Run ``sql`` (every column a NOT NULL integer) and return one int64 array per column (row order is lost).

    On PostgreSQL the server packs the rows into a few ``bytea`` values (``int8send`` of each column, joined with
    ``string_agg``, one value per 131,072 distinct first-column keys, which keeps each far below bytea's 1 GB):
    a million rows cross the wire as a few blobs and become arrays with one ``numpy.frombuffer``, instead of a
    million protocol messages and Python tuples. The first column should be a well-spread key such as an id.
    """
    if not is_postgres(uow):
        rows = (await uow.session.execute(text(sql), params)).all()
        if not rows:
            return [np.zeros(0, dtype=np.int64) for _ in range(n_cols)]
        table = np.array(rows, dtype=np.int64).reshape(len(rows), n_cols)
        return [np.ascontiguousarray(table[:, i]) for i in range(n_cols)]
    names = ", ".join(f"c{i}" for i in range(n_cols))
    packed = " || ".join(f"int8send(CAST(c{i} AS BIGINT))" for i in range(n_cols))
    q = text(f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS q ({names}) GROUP BY CAST(c0 AS BIGINT) >> 17")
    blobs = (await uow.session.execute(q, params)).scalars().all()
    joined = b"".join(blobs)
    del blobs
    flat = np.frombuffer(joined, dtype=">i8").reshape(-1, n_cols)
    return [flat[:, i].astype(np.int64) for i in range(n_cols)]


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    s = str(value)
    if any(c in s for c in "\\\t\n\r"):
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


async def copy_rows(uow: UnitOfWork, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *, batch: int = 50_000, plain: bool = False) -> int:
    """Insert ``rows`` into ``table``: COPY on PostgreSQL, executemany on SQLite. Returns the row count.

    ``plain=True`` promises that every value is an int or a string without tab, newline or backslash (numbers
    as text), which skips the per-value escaping: a million rows of thirteen columns format in about a second.
    """
    n = 0
    if not is_postgres(uow):
        stmt = text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
        chunk: list[dict[str, object]] = []
        for row in rows:
            chunk.append(dict(zip(columns, row, strict=True)))
            if len(chunk) >= batch:
                await uow.session.execute(stmt, chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            await uow.session.execute(stmt, chunk)
            n += len(chunk)
        return n
    async with (await driver_connection(uow)).cursor() as cur:
        async with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            lines: list[str] = []
            fmt = (lambda row: "\t".join(map(str, row))) if plain else (lambda row: "\t".join(map(_copy_text, row)))
            for row in rows:
                lines.append(fmt(row))
                if len(lines) >= batch:
                    await cp.write("\n".join(lines) + "\n")
                    n += len(lines)
                    lines = []
            if lines:
                await cp.write("\n".join(lines) + "\n")
                n += len(lines)
    return n


@dataclass(frozen=True, slots=True)
class EntryHeader:
    """One entry of a set-based posting; its lines are written by the caller."""

    description: str
    source: str
    idempotency_key: str | None = None
    reverses_id: int | None = None


async def check_open(uow: UnitOfWork, cooperative_id: int, value_date: date) -> None:
    """Refuse a value date on or before the ledger's lock (closed days and periods)."""
    lock = await ledger.closed_through(uow, cooperative_id)
    if lock is not None and value_date <= lock:
        raise PeriodClosed(f"periode sudah ditutup sampai {lock.isoformat()} / the books are closed through {lock.isoformat()}")


async def insert_entries(
    uow: UnitOfWork,
    cooperative_id: int,
    value_date: date,
    headers: Sequence[EntryHeader],
    *,
    book: str = "tamwil",
    maker_id: int | None,
    checker_id: int | None,
) -> list[int]:
    """Write entry headers (after checking the period lock); returns their ids in order."""
    await check_open(uow, cooperative_id, value_date)
    ids = []
    for h in headers:
        row = {
            "cooperative_id": cooperative_id,
            "branch_id": None,
            "book": book,
            "value_date": value_date,
            "posted_at": uow.now(),
            "description": h.description[:500],
            "source": h.source[:120],
            "idempotency_key": h.idempotency_key,
            "maker_id": maker_id,
            "checker_id": checker_id,
            "reverses_id": h.reverses_id,
        }
        ids.append((await uow.session.execute(insert(EntryRow).returning(EntryRow.id), [row])).scalar_one())
    return ids


async def check_entries(uow: UnitOfWork, entry_ids: Sequence[int]) -> None:
    """Every entry sums to zero over 2..MAX_LINES_PER_ENTRY non-zero lines (checked on what was written).

    Raises:
        UnbalancedEntry: naming the first entry that breaks a rule (the unit of work then rolls back).
    """
    for start in range(0, len(entry_ids), 500):
        ids = list(entry_ids[start : start + 500])
        q = text(
            "SELECT entry_id, SUM(amount_sen), COUNT(*), SUM(CASE WHEN amount_sen = 0 THEN 1 ELSE 0 END) "
            f"FROM journal_line WHERE entry_id IN ({', '.join(str(int(i)) for i in ids)}) GROUP BY entry_id"
        )
        found = {int(e): (int(s), int(n), int(z)) for e, s, n, z in (await uow.session.execute(q)).all()}
        for eid in ids:
            total, n, zeros = found.get(eid, (0, 0, 0))
            if total != 0 or not 2 <= n <= MAX_LINES_PER_ENTRY or zeros:
                raise UnbalancedEntry(f"jurnal {eid} tidak seimbang atau tidak sah: selisih {total} sen, {n} baris / entry {eid} is unbalanced or malformed")
