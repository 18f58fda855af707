"""Settings from the environment. Only the entrypoints and persistence read this; the core gets arguments."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _secret(name: str, var_dir: Path) -> str:
    """A secret from the environment, or one generated once and kept in var/ (for a development machine)."""
    value = os.environ.get(name)
    if value:
        return value
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / f"{name.lower()}.secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    secret_key: str
    audit_key: str
    var_dir: Path
    session_hours: int = 10
    api_token_days: int = 30
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    secure_cookies: bool = False
    # Database connections each server worker keeps open (PostgreSQL). Requests beyond it wait for one rather
    # than open and close a connection each (a new PostgreSQL backend per request is the costliest thing a
    # teller's request could do). Workers × pool must stay under the server's max_connections (100 by default).
    db_pool_size: int = 20

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(os.environ.get("BMT_VAR_DIR", ROOT / "var"))
        url = os.environ.get("BMT_DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'bmt.sqlite3'}"
        return cls(
            database_url=url,
            secret_key=_secret("BMT_SECRET_KEY", var_dir),
            audit_key=_secret("BMT_AUDIT_KEY", var_dir),
            var_dir=var_dir,
            secure_cookies=os.environ.get("BMT_SECURE_COOKIES", "0") == "1",
            db_pool_size=int(os.environ.get("BMT_DB_POOL_SIZE", "20")),
        )
