"""Engines and sessions for SQLite (embedded, default) and PostgreSQL (the system of record).

SQLite: WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction, so that a
read-then-write never fails with "database is locked" and writers are serialised (stack.md §4.1).
PostgreSQL: READ COMMITTED with row locks taken in a fixed order by the services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Normalise a database URL to its async driver."""
    u = make_url(url)
    if u.drivername in ("sqlite", "sqlite+pysqlite"):
        u = u.set(drivername="sqlite+aiosqlite")
    elif u.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+asyncpg"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (Alembic, batch jobs)."""
    u = make_url(async_url(url))
    if u.drivername == "sqlite+aiosqlite":
        u = u.set(drivername="sqlite+pysqlite")
    return u.render_as_string(hide_password=False)


def install_sqlite_hooks(sync_engine: Any) -> None:
    """WAL + foreign keys + BEGIN IMMEDIATE on every SQLite connection of ``sync_engine``."""

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin hook issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` with the right per-dialect set-up."""
    url = async_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        install_sqlite_hooks(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # No ping before every checkout: it is a round trip on each request (a tenth of a teller's posting). A
    # connection that died with the server fails its request once and SQLAlchemy then drops the whole pool;
    # connections are also renewed every half hour.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def is_sqlite(engine_or_session: Any) -> bool:
    bind = getattr(engine_or_session, "bind", None) or engine_or_session
    return bind.dialect.name == "sqlite"
