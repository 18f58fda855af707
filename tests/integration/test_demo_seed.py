"""The demo cooperative seeded into a fresh SQLite database, as `make run` does: every akad present, the daily
closes run (a non-performing contract, today left open), the books and sub-ledgers tie, the zakat fund holds
money. Two demo dates: mid-year, and one whose seeded months cross a new year (the amil cap counts per year)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bmt.contracts.quality import NON_PERFORMING
from bmt.ledger.checks import totals
from bmt.persistence.models import Cooperative, User
from bmt.persistence.models_financing import FinancingContract
from bmt.services import demo, financing, ledger, maal, savings
from bmt.services.auth import actor_of
from tests.conftest import run


async def _seed_and_read(url: str, today: date) -> dict:
    from bmt.persistence.db import make_engine, make_sessionmaker
    from bmt.services.uow import UnitOfWorkFactory

    engine = make_engine(url)
    try:
        factory = UnitOfWorkFactory(make_sessionmaker(engine), "demo-test-audit-key")
        await demo.seed(factory, today, members_count=12)
        async with factory() as uow:
            coop = (await uow.session.execute(select(Cooperative))).scalar_one()
            manager = actor_of((await uow.session.execute(select(User).where(User.username == "manajer"))).scalar_one())
            uow.today = today
            contracts = list((await uow.session.execute(select(FinancingContract).where(FinancingContract.cooperative_id == coop.id))).scalars())
            return {
                "contracts": contracts,
                "trial_balance": totals(await ledger.trial_balance_rows(uow, coop.id)),
                "subledgers": await savings.check_subledgers(uow, coop.id),
                "funds": {f.key: f.balance for f in (await maal.summary(uow, manager)).funds},
                "closed_through": await ledger.closed_through(uow, coop.id),
                "receivable_lines": {
                    c.id: await ledger.subledger_balance(uow, coop.id, financing.sub(c), ["murabahah_receivable"]) for c in contracts if c.kind == "murabahah"
                },
            }
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=[date(2025, 6, 16), date(2026, 3, 2)], ids=["mid-year", "across-new-year"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[date, dict]:
    from bmt.persistence.migrate import upgrade

    path = Path(tmp_path_factory.mktemp("demo")) / "demo.sqlite3"
    upgrade(f"sqlite:///{path}")
    return request.param, run(_seed_and_read(f"sqlite+aiosqlite:///{path}", request.param))


def test_every_akad_has_at_least_one_contract(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    assert {c.kind for c in s["contracts"]} == set(financing.KINDS)


def test_the_closes_leave_a_non_performing_contract_and_the_others_current(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    active = [c for c in s["contracts"] if c.status == "active"]
    bad = [c for c in active if c.collectibility in NON_PERFORMING]
    assert bad and all(c.days_past_due > 90 for c in bad)
    assert all(c.ppap_formed > 0 for c in bad)
    assert sum(1 for c in active if c.days_past_due > 0) == 2  # one ~4 months in arrears, one ~2 months
    assert {c.status for c in s["contracts"] if c.kind == "murabahah"} == {"active", "settled"}


def test_the_books_are_closed_through_yesterday_and_today_stays_open(seeded: tuple[date, dict]) -> None:
    today, s = seeded
    assert s["closed_through"] == today - timedelta(days=1)


def test_the_trial_balance_ties(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    debit, credit = s["trial_balance"]
    assert debit == credit and debit > 0


def test_every_savings_sub_ledger_equals_its_control_account(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    assert s["subledgers"] and all(r.ok for r in s["subledgers"]), [r for r in s["subledgers"] if not r.ok]


def test_each_murabahah_outstanding_equals_its_receivable_sub_ledger(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    for c in s["contracts"]:
        if c.kind == "murabahah":
            assert s["receivable_lines"][c.id] == c.outstanding, c.contract_no


def test_the_baitul_maal_zakat_fund_holds_money_after_the_amil_share_and_distributions(seeded: tuple[date, dict]) -> None:
    _, s = seeded
    assert s["funds"]["zakat_fund"] > 0
    assert s["funds"]["amil_fund"] > 0
    assert s["funds"]["infaq_restricted_fund"] > 0
    assert s["funds"]["kebajikan_fund"] >= Decimal(0)
