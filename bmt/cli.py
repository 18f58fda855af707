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
@click.option("--workers", default=1, show_default=True, help="worker processes (one per core on PostgreSQL; SQLite gains little from more than one)")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and the API (Granian, uvloop)."""
    from granian import Granian
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels

    settings = Settings.from_env()
    print_logins(settings.var_dir)
    click.echo(f"bmt is serving on http://{host}:{port}  (API docs: http://{host}:{port}/schema)")
    # Backpressure: a worker takes on at most as many requests as it has database connections; the rest wait
    # in Granian's queue, not half-done in Python.
    Granian(
        "bmt.api.asgi:app", address=host, port=port, interface=Interfaces.ASGI, workers=workers, loop=Loops.uvloop,
        backpressure=settings.db_pool_size, log_level=LogLevels.warning,
    ).serve()


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


def _staff_actor(factory, coop_code: str | None, username: str | None):  # noqa: ANN001, ANN202
    """The cooperative and the manager a batch job acts as (the first manager unless --as names one)."""
    from sqlalchemy import select

    from bmt.persistence.models import Cooperative, User
    from bmt.services.auth import actor_of

    async def find():  # noqa: ANN202
        async with factory() as uow:
            q = select(Cooperative)
            if coop_code:
                q = q.where(Cooperative.code == coop_code)
            coops = list((await uow.session.execute(q)).scalars())
            if len(coops) != 1:
                raise click.ClickException("name the cooperative with --cooperative CODE" if coops else f"no cooperative {coop_code}")
            uq = select(User).where(User.cooperative_id == coops[0].id, User.role.in_(("manager", "admin")), User.active.is_(True)).order_by(User.role.desc(), User.id)
            if username:
                uq = select(User).where(User.username == username, User.cooperative_id == coops[0].id)
            user = (await uow.session.execute(uq)).scalars().first()
            if user is None:
                raise click.ClickException("no manager to act as (use --as USERNAME)")
            return actor_of(user)

    return find()


@main.command("close-day")
@click.option("--date", "day", default=None, help="Business date YYYY-MM-DD (default: today); missed days are caught up first.")
@click.option("--cooperative", "coop_code", default=None, help="Cooperative code (needed when there are several).")
@click.option("--as", "username", default=None, help="The manager the close is recorded under.")
def close_day_cmd(day: str | None, coop_code: str | None, username: str | None) -> None:
    """Close the business day over every financing contract: arrears, kolektibilitas, PPAP, NPF."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bmt.errors import DomainError
    from bmt.services import close_day as svc

    settings = Settings.from_env()
    target = date.fromisoformat(day) if day else date.today()

    async def run() -> list:
        engine, factory = _factory(settings, target)
        try:
            actor = await _staff_actor(factory, coop_code, username)
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
                task = bar.add_task("kontrak", total=None)

                def progress(_what: str, done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                return await svc.close_through(factory, actor, target, progress=progress)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            await engine.dispose()

    for s in asyncio.run(run()):
        if s.already_closed:
            click.echo(f"{s.business_date}: sudah ditutup sebelumnya (nothing posted)")
        else:
            click.echo(
                f"{s.business_date}: {s.contracts} kontrak, {s.overdue} menunggak, PPAP bersih {s.ppap_posted}, "
                f"ta'zir {s.tazir_charged}, deposito ARO {s.deposits_rolled} / cair {s.deposits_paid}, dorman {s.dormant}"
            )


@main.command("check")
@click.option("--cooperative", "coop_code", default=None, help="Only this cooperative (default: all).")
def check_cmd(coop_code: str | None) -> None:
    """Check the books: trial balance ties, every savings sub-ledger equals its control account."""
    from sqlalchemy import select

    from bmt.ledger.checks import totals
    from bmt.persistence.models import Cooperative
    from bmt.services import ledger, savings

    settings = Settings.from_env()

    async def run() -> int:
        engine, factory = _factory(settings)
        bad = 0
        try:
            async with factory() as uow:
                q = select(Cooperative).order_by(Cooperative.id)
                if coop_code:
                    q = q.where(Cooperative.code == coop_code)
                for coop in (await uow.session.execute(q)).scalars():
                    d, c = totals(await ledger.trial_balance_rows(uow, coop.id))
                    ok = d == c
                    bad += not ok
                    click.echo(f"{coop.code}: trial balance debit {d} credit {c} {'OK' if ok else 'DOES NOT TIE'}")
                    for r in await savings.check_subledgers(uow, coop.id):
                        bad += not r.ok
                        click.echo(f"{coop.code}: {r.kind:<10} control {r.control_balance} accounts {r.accounts_balance} lines {r.lines_balance} {'OK' if r.ok else 'MISMATCH'}")
        finally:
            await engine.dispose()
        return bad

    if asyncio.run(run()):
        sys.exit(1)


@main.command("close-month")
@click.option("--period", required=True, help="The month YYYY-MM.")
@click.option("--cooperative", "coop_code", default=None, help="Cooperative code (needed when there are several).")
@click.option("--as", "username", default=None, help="The manager acting (the approver must differ from the one who computed).")
@click.option("--approve", is_flag=True, help="Approve the month's draft (maker–checker: not as the one who computed it).")
@click.option("--post", "do_post", is_flag=True, help="Post the approved month (savings credited, deposito profit, tax).")
@click.option("--value-date", default=None, help="Value date YYYY-MM-DD of the postings (default: the month's last open day).")
def close_month_cmd(period: str, coop_code: str | None, username: str | None, approve: bool, do_post: bool, value_date: str | None) -> None:
    """Monthly profit distribution (distribusi bagi hasil): compute the draft, or --approve it, or --post it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bmt.errors import DomainError
    from bmt.services import profit_distribution as svc

    settings = Settings.from_env()

    async def run():  # noqa: ANN202
        engine, factory = _factory(settings)
        try:
            actor = await _staff_actor(factory, coop_code, username)
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
                task = bar.add_task("bagi hasil", total=None)

                def progress(what: str, done: int, total: int) -> None:
                    bar.update(task, description=what, completed=done, total=total)

                async with factory() as uow:
                    if approve or do_post:
                        existing = [r for r in await svc.runs(uow, actor, kind=svc.DISTRIBUTION) if r.period == period and r.live]
                        if not existing:
                            raise click.ClickException(f"belum ada perhitungan untuk {period}; jalankan tanpa --approve/--post dulu")
                        r = existing[0]
                        if approve:
                            r = await svc.approve(uow, actor, r.id)
                        if do_post:
                            r = await svc.post(uow, actor, r.id, progress=progress)
                        return r
                    vd = date.fromisoformat(value_date) if value_date else None
                    return await svc.compute(uow, actor, period, value_date=vd, progress=progress)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            await engine.dispose()

    r = asyncio.run(run())
    click.echo(f"{r.period}: status {r.status} (versi {r.version}), Y {r.income}, dibayar {r.paid_total} ke {r.paid_accounts} rekening, pajak {r.tax_total}, valuta {r.value_date}")
    if r.status == "draft":
        click.echo("menunggu persetujuan orang kedua: bmt close-month --period " + r.period + " --approve --as USERNAME")
    elif r.status == "approved":
        click.echo("disetujui; posting: bmt close-month --period " + r.period + " --post")


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
