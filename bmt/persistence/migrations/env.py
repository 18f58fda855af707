"""Alembic environment: migrations run on the synchronous driver of BMT_DATABASE_URL (or the given URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from bmt.persistence.all_models import Base
from bmt.persistence.db import install_sqlite_hooks, sync_url

config = context.config
url = sync_url(config.get_main_option("sqlalchemy.url"))


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        install_sqlite_hooks(engine)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
