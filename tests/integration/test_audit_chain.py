"""The audit chain detects a changed, a removed and an inserted row, and says which."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from bmt.ledger import Posting, entry
from bmt.services import audit, ledger
from tests.conftest import TODAY, World, run


async def _bypass_triggers(uow, dialect: str) -> None:  # noqa: ANN001
    # A tamperer with database access can switch triggers off; the chain must still show what they did.
    if dialect == "postgresql":
        await uow.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for op in ("update", "delete"):
            await uow.session.execute(text(f"DROP TRIGGER IF EXISTS audit_event_no_{op}"))


async def _restore_triggers(uow, dialect: str) -> None:  # noqa: ANN001
    if dialect == "sqlite":
        from bmt.persistence.ddl import SQLITE_UP

        for stmt in SQLITE_UP:
            if "audit_event_no_" in stmt:
                await uow.session.execute(text(stmt))


def _findings(w: World) -> list:
    async def go() -> list:
        async with w.factory() as uow:
            _, found = await audit.verify(uow)
            return [f for f in found if f.cooperative_id == w.coop_id]

    return run(go())


def _seed(w: World, n: int = 4) -> None:
    async def go() -> None:
        for i in range(n):
            async with w.factory() as uow:
                await ledger.post(uow, w.actor("teller"), entry(TODAY, f"setoran {i}", Posting.debit("cash", Decimal(10 + i)), Posting.credit("simpanan_wajib", Decimal(10 + i))))

    run(go())


def _tamper(w: World, sql: str) -> None:
    async def go() -> None:
        async with w.factory() as uow:
            d = uow.dialect
            await _bypass_triggers(uow, d)
            await uow.session.execute(text(sql), {"c": w.actor("teller").user_id})
            await _restore_triggers(uow, d)

    run(go())


def test_an_untouched_chain_verifies(world: World) -> None:
    _seed(world)
    assert _findings(world) == []


def test_a_changed_row_is_found_and_named(world: World) -> None:
    _seed(world)
    _tamper(world, "UPDATE audit_event SET payload_json = '{\"total\":\"999\"}' WHERE chain_id = :c AND seq = 3")
    found = _findings(world)
    assert any(f.seq == 3 and "changed" in f.problem for f in found)


def test_a_removed_row_is_found(world: World) -> None:
    _seed(world)
    _tamper(world, "DELETE FROM audit_event WHERE chain_id = :c AND seq = 2")
    found = _findings(world)
    assert any(f.seq == 3 and ("removed" in f.problem or "broken link" in f.problem) for f in found)


def test_a_removed_last_row_is_found_through_the_head(world: World) -> None:
    _seed(world)
    _tamper(world, "DELETE FROM audit_event WHERE chain_id = :c AND seq = (SELECT max(seq) FROM audit_event WHERE chain_id = :c)")
    assert any("head" in f.problem for f in _findings(world))


def test_an_inserted_row_is_found(world: World) -> None:
    _seed(world)
    _tamper(
        world,
        "INSERT INTO audit_event (chain_id, cooperative_id, seq, at, actor, action, object_ref, payload_json, prev_hash, hash) "
        "SELECT chain_id, cooperative_id, seq + 100, at, 'mallory', 'journal.post', object_ref, payload_json, hash, hash FROM audit_event "
        "WHERE chain_id = :c AND seq = (SELECT max(seq) FROM audit_event WHERE chain_id = :c)",
    )
    found = _findings(world)
    assert any(f.seq and f.seq > 100 and "changed" in f.problem for f in found)
    assert any("head" in f.problem or "removed" in f.problem for f in found)


@pytest.mark.parametrize("tamper", [False, True])
def test_the_cli_verify_command_exits_non_zero_on_tampering(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: bool) -> None:
    from bmt.cli import main
    from tests.conftest import make_world

    w = run(make_world(sqlite_url))
    _seed(w, 2)
    if tamper:
        _tamper(w, "UPDATE audit_event SET actor = 'mallory' WHERE chain_id = :c AND seq = 2")
    monkeypatch.setenv("BMT_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BMT_AUDIT_KEY", "test-audit-key")
    monkeypatch.setenv("BMT_VAR_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["audit", "verify"])
    if tamper:
        assert result.exit_code == 1 and "BROKEN" in result.output and f"chain {w.actor('teller').user_id} (user), seq 2" in result.output
    else:
        # Other tests share this database and may have tampered with their own chains; ours must be clean.
        assert f"chain {w.actor('teller').user_id} (user)," not in result.output
    run(w.engine.dispose())
