"""The unit of work: one database transaction per use case, committed once, rolled back on any error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bmt.auth.roles import Role, require
from bmt.errors import PermissionDenied


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking. ``cooperative_id`` scopes every query; a supervisor has a region instead."""

    user_id: int
    username: str
    name: str
    role: str
    cooperative_id: int | None
    branch_id: int | None = None
    member_id: int | None = None
    region_code: str = ""

    def require(self, permission: str) -> None:
        require(self.role, permission)

    @property
    def coop(self) -> int:
        """The actor's cooperative id; refuses actors without one (supervisors use region queries)."""
        if self.cooperative_id is None:
            raise PermissionDenied("tindakan ini hanya untuk staf koperasi / cooperative staff only")
        return self.cooperative_id

    @property
    def is_member(self) -> bool:
        return self.role == Role.MEMBER


SYSTEM = Actor(user_id=0, username="system", name="Sistem", role=Role.ADMIN, cooperative_id=None)


@dataclass
class UnitOfWork:
    """Owns one AsyncSession and its transaction. ``async with uow:`` commits on success, rolls back on error."""

    sessionmaker: async_sessionmaker[AsyncSession]
    audit_key: bytes
    today: date | None = None
    session: AsyncSession = field(init=False)
    _cache: dict[str, Any] = field(default_factory=dict)

    async def __aenter__(self) -> UnitOfWork:
        self.session = self.sessionmaker()
        await self.session.begin()
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def business_date(self) -> date:
        """Today's business date (tests and batch jobs pin it)."""
        return self.today or datetime.now(UTC).astimezone().date()

    @property
    def dialect(self) -> str:
        return self.session.bind.dialect.name


class UnitOfWorkFactory:
    """Makes units of work; the app and the CLI hold one."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], audit_key: str | bytes, today: date | None = None):
        self.sessionmaker = sessionmaker
        self.audit_key = audit_key.encode() if isinstance(audit_key, str) else audit_key
        self.today = today

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, self.audit_key, self.today)
