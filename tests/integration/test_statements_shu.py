"""SHU at the RAT on SQLite and PostgreSQL: the closed year's SHU divided by the articles (zakat first), each
member's weights read from the books, and the posting by a second manager into savings and payables."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bmt.compliance.reporting_period import ReportPeriod
from bmt.compliance.shu import DEFAULT_POLICY, MemberBasis, allocate_shu
from bmt.errors import Conflict, PermissionDenied
from bmt.ledger import Posting
from bmt.persistence.models import SavingsAccount
from bmt.persistence.models_governance import ShuRun
from bmt.reports.statements import build
from bmt.services import financing, ledger, period_close, savings, shu
from bmt.services import statements as gather
from tests.conftest import World, run
from tests.integration.statements_seed import at, post, seed
from tests.integration.test_statements_close import _days_done, distribute

K = Decimal(1_000)


async def _year_with_a_members_contract(w: World) -> tuple[dict, Decimal, Decimal]:
    """The seeded cooperative, plus 300,000 of margin on member A's contract in December 2024; 2024's profit
    shared monthly, both years closed. Returns the seed, 2024's SHU and what depositor B received."""
    s = await seed(w)
    async with at(w, date(2024, 6, 1)) as uow:
        c = await financing.apply(uow, w.actor("financing_officer"), financing.Application(s.members["A"], "murabahah", Decimal(3_000_000), {"goods": "motor"}))
        contract = c.id
    await post(w, date(2024, 12, 15), "Margin murabahah anggota A", Posting.debit("cash", 300 * K), Posting.credit("murabahah_income", 300 * K, subledger=f"contract:{contract}"))
    shared = await distribute(w, 2024)
    await _days_done(w, 2023)
    async with at(w, date(2024, 1, 10)) as uow:
        await period_close.close_year(uow, w.actor("manager"), 2023)
    await _days_done(w, 2024)
    async with at(w, date(2025, 1, 15)) as uow:
        closed = await period_close.close_year(uow, w.actor("manager"), 2024)
    return {"seed": s}, closed.shu, shared


def test_the_rat_divides_the_closed_years_shu_and_a_second_manager_posts_it(world: World) -> None:
    w = world

    async def go() -> None:
        ctx, year_shu, shared = await _year_with_a_members_contract(w)
        s = ctx["seed"]
        async with w.factory() as uow:
            await shu.save_policy(uow, w.actor("manager"), {**DEFAULT_POLICY.to_json(), "zakat_percent": "2.5"})
        async with at(w, date(2025, 3, 1)) as uow:
            draft = await shu.calculate(uow, w.actor("manager"), 2024)
        async with w.factory() as uow:
            run_, lines = await shu.get_run(uow, w.actor("manager"), draft.id)
        bases = {m.id: (ln.modal_basis, ln.usaha_basis) for ln, m in lines}
        a, b, c = s.members["A"], s.members["B"], s.members["C"]
        # simpanan pokok 100,000 + wajib 20,000 each; A's contract margin; B's profit shares
        assert bases == {a: (120 * K, 300 * K), b: (120 * K, shared), c: (120 * K, Decimal(0))}
        expected = allocate_shu(year_shu, await _policy(w), [MemberBasis(m, *bases[m]) for m in sorted(bases)])
        assert run_.zakat == expected.zakat == (year_shu * Decimal("0.025")).quantize(Decimal(1))
        assert {ln.member_id: ln.jasa_modal + ln.jasa_usaha for ln, _ in lines} == {m.member_id: m.total for m in expected.members}
        with pytest.raises(PermissionDenied):
            async with at(w, date(2025, 3, 15)) as uow:
                await shu.post(uow, w.actor("manager"), draft.id)
        before = await _balances(w, s.accounts)
        async with at(w, date(2025, 3, 15)) as uow:
            posted = await shu.post(uow, w.actor("manager2"), draft.id, rat_date=date(2025, 3, 15))
        after = await _balances(w, s.accounts)
        total = {ln.member_id: ln.jasa_modal + ln.jasa_usaha for ln, _ in lines}
        assert after["A"] - before["A"] == total[a] and after["B"] - before["B"] == total[b]
        async with w.factory() as uow:
            nets = await ledger.net_by_account(uow, w.coop_id, book="tamwil")
            maal = await ledger.net_by_account(uow, w.coop_id, book="maal")
            c_payable = -(await ledger.subledger_balance(uow, w.coop_id, f"member:{c}", ["shu_payable"]))
            checks = await savings.check_subledgers(uow, w.coop_id)
            statements = build(await gather.gather(uow, w.actor("accountant"), ReportPeriod.parse("2025-03")))
        assert c_payable == total[c]  # C has no savings account: the share waits in utang SHU
        assert -nets["4105"] == Decimal(300_000)  # only 2023's SHU is left in SHU tahun berjalan
        assert -nets["4103"] == expected.part("cadangan") and -nets["2111"] == expected.zakat
        assert -nets["2110"] == sum((expected.part(x) for x in ("pengurus", "karyawan", "pendidikan", "sosial", "pembangunan_daerah")), Decimal(0))
        assert -nets.get("4106", Decimal(0)) == expected.residue
        assert -maal["8101"] == Decimal(2_500_000) + expected.zakat and maal["7104"] == expected.zakat
        assert all(x.ok for x in checks) and statements.ok
        assert posted.status == "posted" and len(json.loads(posted.entry_ids_json)) == 2
        with pytest.raises(Conflict):
            async with w.factory() as uow:
                await shu.post(uow, w.actor("manager2"), draft.id)
        with pytest.raises(Conflict):
            async with w.factory() as uow:
                await shu.calculate(uow, w.actor("manager"), 2024)

    run(go())


async def _policy(w: World):  # noqa: ANN202
    async with w.factory() as uow:
        return await shu.policy(uow, w.coop_id)


async def _balances(w: World, accounts: dict[str, int]) -> dict[str, Decimal]:
    async with w.factory() as uow:
        rows = (await uow.session.execute(select(SavingsAccount.id, SavingsAccount.balance).where(SavingsAccount.id.in_([accounts["A"], accounts["B"]])))).all()
    by_id = dict(rows)
    return {"A": by_id[accounts["A"]], "B": by_id[accounts["B"]]}


def test_a_new_calculation_supersedes_the_draft_and_an_open_year_has_nothing_to_divide(world: World) -> None:
    w = world

    async def go() -> None:
        await seed(w)
        with pytest.raises(Conflict, match="belum ditutup"):
            async with w.factory() as uow:
                await shu.calculate(uow, w.actor("manager"), 2024)
        await _days_done(w, 2023)
        async with at(w, date(2024, 1, 10)) as uow:
            await period_close.close_year(uow, w.actor("manager"), 2023)
        async with at(w, date(2024, 2, 1)) as uow:
            first = await shu.calculate(uow, w.actor("accountant"), 2023, target="payable")
        async with at(w, date(2024, 2, 2)) as uow:
            second = await shu.calculate(uow, w.actor("manager"), 2023, target="payable")
        async with w.factory() as uow:
            statuses = dict((await uow.session.execute(select(ShuRun.id, ShuRun.status).where(ShuRun.cooperative_id == w.coop_id))).all())
            _, lines = await shu.get_run(uow, w.actor("manager"), second.id)
        assert statuses == {first.id: "superseded", second.id: "draft"}
        # 2023: only member A (pokok 100,000), no transactions: jasa modal whole, jasa usaha left undivided
        assert [(ln.jasa_modal, ln.jasa_usaha) for ln, _ in lines] == [(Decimal(60_000), Decimal(0))]
        with pytest.raises(PermissionDenied):
            async with w.factory() as uow:
                await shu.calculate(uow, w.actor("teller"), 2023)

    run(go())
