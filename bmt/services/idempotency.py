"""Idempotency keys: a retried request gets the first answer and posts nothing new.

The key is claimed inside the same transaction as the posting. On PostgreSQL a concurrent duplicate blocks on
the primary key until the first transaction ends, then sees its stored answer; on SQLite ``BEGIN IMMEDIATE``
already serialises writers. A key reused for a *different* request is refused.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import DateTime

from bmt.errors import Conflict, InvalidInput
from bmt.persistence import hot
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
    params = {"coop": cooperative_id, "key": key}
    # Claim the key; on PostgreSQL a concurrent claim of the same key waits here until the first transaction
    # ends, then finds its committed answer (or, if it rolled back, claims the key itself).
    if await hot.one(uow.session, _CLAIM, {**params, "operation": operation, "digest": digest, "at": uow.now()}) is not None:
        return None
    row = await hot.one(uow.session, _FIND, params)
    if row is None:  # the other claim rolled back between our two statements: ours now
        return await previous(uow, cooperative_id, key, operation, payload)
    stored_operation, stored_digest, response_json = row
    if stored_operation != operation or stored_digest != digest:
        raise Conflict("idempotency key sudah dipakai untuk permintaan lain / key reused for a different request")
    return json.loads(response_json) if response_json else None


async def remember(uow: UnitOfWork, cooperative_id: int, key: str | None, response: dict[str, Any]) -> None:
    """Store the answer for ``key`` (same transaction as the posting)."""
    if not key:
        return
    await hot.rows(uow.session, _REMEMBER, {"coop": cooperative_id, "key": key, "response": json.dumps(response, default=str)})


_CLAIM = hot.Sql(
    "INSERT INTO idempotency_record (cooperative_id, key, operation, request_hash, response_json, created_at) "
    "VALUES (:coop, :key, :operation, :digest, '', :at) ON CONFLICT DO NOTHING RETURNING 1",
    types={"at": DateTime(timezone=True)},
)
_FIND = hot.Sql("SELECT operation, request_hash, response_json FROM idempotency_record WHERE cooperative_id = :coop AND key = :key {lock}")
_REMEMBER = hot.Sql("UPDATE idempotency_record SET response_json = :response WHERE cooperative_id = :coop AND key = :key")
