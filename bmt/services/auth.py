"""Logins: password check with lockout, web sessions and API bearer tokens (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from bmt.auth.passwords import DUMMY_HASH, verify_password
from bmt.errors import DomainError
from bmt.persistence.models import AuthSession, User
from bmt.services import audit
from bmt.services.uow import Actor, UnitOfWork

MAX_FAILURES = 5
LOCK_MINUTES = 15


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.name, user.role, user.cooperative_id, user.branch_id, user.member_id, user.region_code)


async def login(uow: UnitOfWork, username: str, password: str, *, kind: str = "web", hours: int = 10) -> tuple[str, Actor]:
    """Check the password and open a session; returns the token (shown once) and the actor.

    Five failures lock the username for 15 minutes (tellers share a branch IP, so a per-IP limit is not enough).
    """
    user = (await uow.session.execute(select(User).where(User.username == username.strip().lower()).with_for_update())).scalar_one_or_none()
    now = uow.now()
    if user is None:
        verify_password(DUMMY_HASH, password)
        raise LoginFailed("nama pengguna atau kata sandi salah / wrong username or password")
    locked = user.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=now.tzinfo)
    if locked is not None and locked > now:
        raise LoginFailed("akun terkunci sementara karena terlalu banyak percobaan; coba lagi nanti / account temporarily locked")
    if not user.active or not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        # The failure count must survive the refusal, so it is committed: the caller's unit of work commits
        # because we return a refusal value instead of raising inside it.
        return "", actor_of(user)
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    uow.session.add(AuthSession(token_hash=token_hash(token), kind=kind, user_id=user.id, created_at=now, expires_at=now + timedelta(hours=hours), revoked=False))
    await audit.record(uow, actor_of(user), "auth.login", f"user:{user.id}", {"kind": kind})
    return token, actor_of(user)


async def resolve(uow: UnitOfWork, token: str, kind: str) -> Actor | None:
    """The actor behind a live token of ``kind``, or None."""
    row = (
        await uow.session.execute(
            select(User, AuthSession.expires_at)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(AuthSession.token_hash == token_hash(token), AuthSession.kind == kind, AuthSession.revoked.is_(False), User.active.is_(True))
        )
    ).first()
    if row is None:
        return None
    user, expires = row
    now = uow.now()
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=now.tzinfo)
    if expires <= now:
        return None
    return actor_of(user)


async def logout(uow: UnitOfWork, token: str) -> None:
    row = (await uow.session.execute(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))).scalar_one_or_none()
    if row is not None:
        row.revoked = True
