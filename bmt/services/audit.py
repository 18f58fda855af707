"""The audit log: every write appends an event to its cooperative's hash chain, in the same transaction.

``hash = HMAC-SHA256(audit_key, canonical_json(event without hash))``, where the event includes the previous
event's hash. The key lives outside the database (BMT_AUDIT_KEY), so someone with only database access cannot
rebuild the chain after changing a row. ``verify`` walks every chain and says which rows were changed,
removed or inserted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from bmt.persistence import hot
from bmt.persistence.models import AuditEvent, AuditHead
from bmt.services.uow import Actor, UnitOfWork

GENESIS = "0" * 64


def _canonical(chain_id: int, coop: int | None, seq: int, at: datetime, actor: str, action: str, object_ref: str, payload_json: str, prev_hash: str) -> bytes:
    doc = {
        "chain": chain_id,
        "coop": coop,
        "seq": seq,
        "at": _aware(at).astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object": object_ref,
        "payload": payload_json,
        "prev": prev_hash,
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _payload_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


async def record(uow: UnitOfWork, actor: Actor, action: str, object_ref: str, payload: dict[str, Any] | None = None, *, cooperative_id: int | None = None) -> None:
    """Append one audit event to the acting user's chain, tagged with the cooperative it concerns."""
    chain = actor.user_id or 0
    s = uow.session
    head = await hot.one(s, _HEAD, {"chain": chain})
    if head is None:
        await start_chain(uow, chain)
        head = (0, GENESIS)
    row = event_row(uow, actor, head[0], head[1], action, object_ref, payload, cooperative_id=cooperative_id)
    if uow.dialect == "postgresql":
        # One round trip: move the head and append the event in a single statement.
        await hot.rows(s, PG_APPEND, row)
        return
    await s.execute(insert(AuditEvent), [row])
    await s.execute(update(AuditHead).where(AuditHead.chain_id == chain).values(seq=row["seq"], hash=row["hash"]))


async def start_chain(uow: UnitOfWork, chain: int) -> None:
    """Create a user's chain head (their first audited write)."""
    await uow.session.execute(insert(AuditHead), [{"chain_id": chain, "seq": 0, "hash": GENESIS}])


def event_row(uow: UnitOfWork, actor: Actor, prev_seq: int, prev_hash: str, action: str, object_ref: str, payload: dict[str, Any] | None, *, cooperative_id: int | None = None) -> dict[str, Any]:
    """The next event of the actor's chain after (prev_seq, prev_hash), with its HMAC. The caller holds the
    head's row lock and writes the row and the new head in the same transaction (``record`` does both; the
    ledger folds them into its posting statement on PostgreSQL)."""
    chain = actor.user_id or 0
    coop = cooperative_id if cooperative_id is not None else actor.cooperative_id
    at = uow.now()
    seq = prev_seq + 1
    pj = _payload_json(payload or {})
    digest = _mac(uow.audit_key, _canonical(chain, coop, seq, at, actor.username, action, object_ref, pj, prev_hash))
    return {"chain_id": chain, "cooperative_id": coop, "seq": seq, "at": at, "actor": actor.username, "action": action, "object_ref": object_ref, "payload_json": pj, "prev_hash": prev_hash, "hash": digest}


_HEAD = hot.Sql("SELECT seq, hash FROM audit_head WHERE chain_id = :chain {lock}")
# The head and the event in one statement. Public: the ledger appends it to its own posting statement.
PG_APPEND_HEAD = "UPDATE audit_head SET seq = :seq, hash = :hash WHERE chain_id = :chain_id"
PG_APPEND_EVENT = (
    "INSERT INTO audit_event (chain_id, cooperative_id, seq, at, actor, action, object_ref, payload_json, prev_hash, hash) "
    "VALUES (:chain_id, :cooperative_id, :seq, :at, :actor, :action, :object_ref, :payload_json, :prev_hash, :hash)"
)
PG_APPEND = hot.Sql(f"WITH head AS ({PG_APPEND_HEAD}) {PG_APPEND_EVENT}")


@dataclass(frozen=True, slots=True)
class AuditFinding:  # noqa: D101
    chain_id: int
    seq: int | None
    row_id: int | None
    problem: str
    cooperative_id: int | None = None

    def __str__(self) -> str:
        where = f"chain {self.chain_id} (user)" + (f", seq {self.seq}" if self.seq is not None else "") + (f", row id {self.row_id}" if self.row_id else "")
        return f"{where}: {self.problem}"


async def verify(uow: UnitOfWork) -> tuple[int, list[AuditFinding]]:
    """Check every chain. Returns the number of events checked and the findings (empty when intact)."""
    s = uow.session
    heads = {h.chain_id: h for h in (await s.execute(select(AuditHead))).scalars()}
    findings: list[AuditFinding] = []
    checked = 0
    rows = (await s.execute(select(AuditEvent).order_by(AuditEvent.chain_id, AuditEvent.seq, AuditEvent.id))).scalars()
    state: dict[int, tuple[int, str]] = {}
    coop_of: dict[int, int | None] = {}
    for ev in rows:
        coop_of.setdefault(ev.chain_id, ev.cooperative_id)
        checked += 1
        last_seq, last_hash = state.get(ev.chain_id, (0, GENESIS))
        expected = _mac(uow.audit_key, _canonical(ev.chain_id, ev.cooperative_id, ev.seq, _aware(ev.at), ev.actor, ev.action, ev.object_ref, ev.payload_json, ev.prev_hash))
        if ev.seq != last_seq + 1:
            kind = "removed" if ev.seq > last_seq + 1 else "inserted (duplicate sequence)"
            findings.append(AuditFinding(ev.chain_id, ev.seq, ev.id, f"row(s) {kind}: expected seq {last_seq + 1}", ev.cooperative_id))
        if ev.prev_hash != last_hash:
            findings.append(AuditFinding(ev.chain_id, ev.seq, ev.id, "broken link: prev_hash does not match the previous event (a row before it was changed, removed or inserted)", ev.cooperative_id))
        if not hmac.compare_digest(expected, ev.hash):
            findings.append(AuditFinding(ev.chain_id, ev.seq, ev.id, f"changed: content does not match its hash (action {ev.action}, object {ev.object_ref})", ev.cooperative_id))
        state[ev.chain_id] = (ev.seq, ev.hash)
    for chain, head in heads.items():
        last_seq, last_hash = state.get(chain, (0, GENESIS))
        if head.seq != last_seq or head.hash != last_hash:
            findings.append(AuditFinding(chain, head.seq, None, f"chain head says seq {head.seq} but the last event is seq {last_seq}: events removed at the end or head changed", coop_of.get(chain)))
    for chain in state.keys() - heads.keys():
        findings.append(AuditFinding(chain, None, None, "events without a chain head: inserted", coop_of.get(chain)))
    return checked, findings


def _aware(at: datetime) -> datetime:
    # SQLite returns naive datetimes; events are always written in UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)
