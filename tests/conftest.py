"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), the app, cooperatives and logins."""

from __future__ import annotations

import os

os.environ.setdefault("BMT_FAST_HASH", "1")  # cheap argon2 parameters in tests
os.environ.setdefault("BMT_PDF_INLINE", "1")  # render PDFs in-process in tests

import asyncio  # noqa: E402
import itertools  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

PG_ADMIN_URL = os.environ.get("BMT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date(2025, 6, 16)
PASSWORD = "rahasia-123"
_seq = itertools.count(1)


def _pg_available() -> bool:
    try:
        import psycopg

        url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from bmt.persistence.migrate import upgrade

    path = Path(tmp_path_factory.mktemp("db")) / "bmt.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url.replace("+aiosqlite", ""))
    return url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL not reachable")
    import psycopg

    from bmt.persistence.migrate import upgrade

    name = f"bmt_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each database test runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@dataclass
class World:
    """A cooperative with one user per role, for one test."""

    factory: object
    coop_id: int
    users: dict[str, object]  # role name -> Actor
    engine: object

    def actor(self, name: str):  # noqa: ANN201
        return self.users[name]


def run(coro):  # noqa: ANN001, ANN201
    return asyncio.run(coro)


async def make_world(url: str, *, today: date = TODAY) -> World:
    from sqlalchemy import select

    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.persistence.models import User
    from bmt.services import platform
    from bmt.services.auth import actor_of
    from bmt.services.uow import SYSTEM, UnitOfWorkFactory

    engine = make_engine(url)
    factory = UnitOfWorkFactory(make_sessionmaker(engine), "test-audit-key", today)
    tag = f"{uuid.uuid4().hex[:8]}{next(_seq)}"
    async with factory() as uow:
        coop_id = await platform.create_cooperative(uow, SYSTEM, platform.NewCooperative(f"T{tag}", f"Koperasi Uji {tag}", region_code="32.73"))
        for role in ("admin", "manager", "teller", "accountant", "financing_officer", "dps"):
            await platform.create_user(uow, SYSTEM, platform.NewUser(f"{role}.{tag}", f"{role} {tag}", role, PASSWORD, coop_id))
        await platform.create_user(uow, SYSTEM, platform.NewUser(f"teller2.{tag}", f"teller2 {tag}", "teller", PASSWORD, coop_id))
        await platform.create_user(uow, SYSTEM, platform.NewUser(f"manager2.{tag}", f"manager2 {tag}", "manager", PASSWORD, coop_id))
        rows = (await uow.session.execute(select(User).where(User.cooperative_id == coop_id))).scalars()
        users = {u.username.split(".")[0]: actor_of(u) for u in rows}
    return World(factory, coop_id, users, engine)


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    w = run(make_world(db_url))
    yield w
    run(w.engine.dispose())


def nik_for(birth: date, serial: int, *, female: bool = False) -> str:
    day = birth.day + (40 if female else 0)
    return f"327301{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000 or 1:04d}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API leaves an event loop behind in the main thread."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
