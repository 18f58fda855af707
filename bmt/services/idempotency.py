"""Idempotency keys: a retried request gets the first answer and posts nothing new.

The key is claimed inside the same transaction as the posting. On PostgreSQL a concurrent duplicate blocks on
the primary key until the first transaction ends, then sees its stored answer; on SQLite ``BEGIN IMMEDIATE``
already serialises writers. A key reused for a *different* request is refused.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from bmt.errors import Conflict, InvalidInput
from bmt.persistence.models import IdempotencyRecord
from bmt.services.uow import UnitOfWork

MAX_KEY = 120


def request_hash(operation: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([operation, payload], sort_keys=True, default=str).encode()).hexdigest()


async def previous(uow: UnitOfWork, cooperative_id: int, key: str | None, operation: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The stored answer for ``key``, or None when the key is new (then it is claimed for this request)."""
    if not key:
        return None
    if len(key) > MAX_KEY:
        raise InvalidInput(f"idempotency key paling panjang {MAX_KEY} karakter / key too long")
    digest = request_hash(operation, payload)
    # Lock (or wait for) the row so a concurrent retry sees the committed answer, never half of it.
    row = (
        await uow.session.execute(
            select(IdempotencyRecord).where(IdempotencyRecord.cooperative_id == cooperative_id, IdempotencyRecord.key == key).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        uow.session.add(IdempotencyRecord(cooperative_id=cooperative_id, key=key, operation=operation, request_hash=digest, response_json="", created_at=uow.now()))
        await uow.session.flush()
        return None
    if row.operation != operation or row.request_hash != digest:
        raise Conflict("idempotency key sudah dipakai untuk permintaan lain / key reused for a different request")
    return json.loads(row.response_json) if row.response_json else None


async def remember(uow: UnitOfWork, cooperative_id: int, key: str | None, response: dict[str, Any]) -> None:
    """Store the answer for ``key`` (same transaction as the posting)."""
    if not key:
        return
    row = (await uow.session.execute(select(IdempotencyRecord).where(IdempotencyRecord.cooperative_id == cooperative_id, IdempotencyRecord.key == key))).scalar_one()
    row.response_json = json.dumps(response, default=str)
