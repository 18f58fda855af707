"""The ``bmt`` command: serve, db upgrade, demo, user create, audit verify."""

from __future__ import annotations

import asyncio
import sys
from datetime import date

import click

from bmt.config import Settings



def _factory(settings: Settings, today: date | None = None):  # noqa: ANN202
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(settings.database_url)
    return engine, UnitOfWorkFactory(make_sessionmaker(engine), settings.audit_key, today)


def print_logins(var_dir) -> None:  # noqa: ANN001
    path = var_dir / "demo-logins.txt"
    if path.exists():
        click.echo("Demo logins (username / password / role):")
        for line in path.read_text().splitlines():
            u, p, r = line.split("\t")
            click.echo(f"  {u:<14} {p:<14} {r}")


@click.group()
def main() -> None:
    """bmt — sharia financing engine and back office for KSPPS/BMT cooperatives."""


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database (BMT_DATABASE_URL, default: var/bmt.sqlite3) to the latest schema."""
    from bmt.persistence.db import sync_url
    from bmt.persistence.migrate import upgrade

    settings = Settings.from_env()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(sync_url(settings.database_url))
    click.echo("database is up to date")


@main.command()
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no cooperative yet.")
@click.option("--members", "members_count", default=40, show_default=True)
def demo(if_empty: bool, members_count: int) -> None:
    """Seed a realistic demo cooperative."""
    from bmt.services import demo as demo_service

    settings = Settings.from_env()

    async def run() -> None:
        engine, factory = _factory(settings)
        try:
            if not await demo_service.is_empty(factory):
                if if_empty:
                    click.echo("database already has data; demo not seeded")
                    return
                raise click.ClickException("the database is not empty")
            logins = await demo_service.seed(factory, date.today(), members_count=members_count)
            settings.var_dir.mkdir(parents=True, exist_ok=True)
            (settings.var_dir / "demo-logins.txt").write_text("\n".join(f"{u}\t{p}\t{r}" for u, p, r in logins.logins) + "\n")
            click.echo("demo cooperative seeded")
        finally:
            await engine.dispose()

    asyncio.run(run())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=1, show_default=True)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API."""
    import uvicorn

    settings = Settings.from_env()
    print_logins(settings.var_dir)
    click.echo(f"bmt is serving on http://{host}:{port}  (API docs: http://{host}:{port}/schema)")
    uvicorn.run("bmt.api.asgi:app", host=host, port=port, workers=workers, log_level="warning")


@main.group()
def user() -> None:
    """User commands."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "manager", "financing_officer", "teller", "accountant", "dps", "member", "supervisor"]))
@click.option("--cooperative", "coop_code", default=None, help="Cooperative code (none for a platform admin or a supervisor).")
@click.option("--region", default="", help="Region code for a supervisor (e.g. 32 for Jawa Barat).")
@click.option("--member-no", default=None, help="For a member login: the member number.")
@click.password_option()
def user_create(username: str, name: str, role: str, coop_code: str | None, region: str, member_no: str | None, password: str) -> None:
    """Create a login."""
    from sqlalchemy import select

    from bmt.errors import DomainError
    from bmt.persistence.models import Cooperative, Member
    from bmt.services import platform
    from bmt.services.uow import SYSTEM

    settings = Settings.from_env()

    async def run() -> int:
        engine, factory = _factory(settings)
        try:
            async with factory() as uow:
                coop_id = member_id = None
                if coop_code:
                    coop_id = (await uow.session.execute(select(Cooperative.id).where(Cooperative.code == coop_code))).scalar_one_or_none()
                    if coop_id is None:
                        raise click.ClickException(f"no cooperative {coop_code}")
                if member_no:
                    member_id = (await uow.session.execute(select(Member.id).where(Member.cooperative_id == coop_id, Member.member_no == member_no))).scalar_one_or_none()
                    if member_id is None:
                        raise click.ClickException(f"no member {member_no} in {coop_code}")
                return await platform.create_user(uow, SYSTEM, platform.NewUser(username, name, role, password, coop_id, member_id=member_id, region_code=region))
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            await engine.dispose()

    uid = asyncio.run(run())
    click.echo(f"user {username} created (id {uid})")


@main.group()
def audit() -> None:
    """Audit log commands."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; exit 1 and list what was changed, removed or inserted."""
    from bmt.services import audit as audit_service

    settings = Settings.from_env()

    async def run() -> tuple[int, list]:
        engine, factory = _factory(settings)
        try:
            async with factory() as uow:
                return await audit_service.verify(uow)
        finally:
            await engine.dispose()

    checked, findings = asyncio.run(run())
    if findings:
        click.echo(f"AUDIT CHAIN BROKEN: {len(findings)} problem(s) in {checked} events", err=True)
        for f in findings:
            click.echo(f"  - {f}", err=True)
        sys.exit(1)
    click.echo(f"audit chain intact: {checked} events verified")


if __name__ == "__main__":
    main()
