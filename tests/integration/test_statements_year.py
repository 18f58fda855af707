"""The statements of a year seeded through the services, on SQLite and PostgreSQL: they tie to the trial
balance and to each other, show the figures the seed put in, and a branch's statements add up with the rest."""

from __future__ import annotations

from decimal import Decimal

from bmt.compliance.reporting_period import ReportPeriod
from bmt.ledger.checks import totals
from bmt.reports.statements import build
from bmt.services import ledger
from bmt.services import statements as gather
from tests.conftest import World, run
from tests.integration.statements_seed import SHU_2023, SHU_2024, seed


async def _set(w: World, period: str, branch_id: int | None = None):  # noqa: ANN202
    async with w.factory() as uow:
        return build(await gather.gather(uow, w.actor("accountant"), ReportPeriod.parse(period), branch_id))


def test_a_seeded_year_ties_to_the_trial_balance_and_each_statement_to_the_others(world: World) -> None:
    w = world

    async def go() -> tuple:
        await seed(w)
        s = await _set(w, "2024")
        async with w.factory() as uow:
            tb = await ledger.trial_balance_rows(uow, w.coop_id, through=s.through)
        return s, tb

    s, tb = run(go())
    failed = [(x.slug, t.label, t.left, t.right) for x in s.statements for t in x.ties if not t.ok]
    assert failed == [] and s.ok
    debit, credit = totals(tb)
    assert debit == credit
    # every account line of the balance sheet is the trial balance's figure for that account
    tb_by_code = {r.code: r.debit - r.credit for r in tb}
    for block in s.get("posisi-keuangan").blocks:
        for line in block.lines:
            if line.accounts and block.title == "Aset":
                assert line.amounts[0] == tb_by_code.get(line.accounts[0], Decimal(0)), line.label
            elif line.accounts:
                assert line.amounts[0] == -tb_by_code.get(line.accounts[0], Decimal(0)), line.label


def test_the_seeded_figures_appear_where_psak_101_puts_them(world: World) -> None:
    w = world

    async def go():  # noqa: ANN202
        await seed(w)
        return await _set(w, "2024")

    s = run(go())
    income = s.get("hasil-usaha")
    assert income.line("SHU periode berjalan").amounts == (SHU_2024, SHU_2023)
    assert income.line("Jumlah bagi hasil untuk pemilik dana").amounts[0] == Decimal(150_000)
    bs = s.get("posisi-keuangan")
    assert bs.line("Tabungan mudharabah").amounts[0] == Decimal(2_000_000)  # dana syirkah temporer
    assert bs.line("Jumlah dana syirkah temporer").amounts[0] == Decimal(2_000_000)
    assert bs.line("Tabungan wadiah").amounts[0] == Decimal(1_000_000)  # a liability
    assert bs.line("Akumulasi penyusutan aset tetap").amounts[0] == Decimal(-100_000)
    assert bs.line("SHU periode berjalan (belum ditutup)").amounts[0] == SHU_2024 + SHU_2023
    cash = s.get("arus-kas")
    assert cash.line("Kas bersih dari aktivitas investasi").amounts[0] == Decimal(-3_000_000)
    assert cash.line("Kas bersih dari aktivitas pendanaan").amounts[0] == Decimal(200_000 + 60_000 + 1_000_000)
    rec = s.get("rekonsiliasi-bagi-hasil")
    assert rec.line("Pendapatan yang tersedia untuk bagi hasil").amounts[0] == Decimal(1_560_000 - 60_000 - 300_000 + 200_000)
    zakat = s.get("dana-zakat")
    assert zakat.line("Penerimaan zakat dari muzakki").amounts[0] == Decimal(4_000_000)
    assert zakat.line("Penyaluran kepada fakir").amounts[0] == Decimal(1_000_000)
    assert s.get("dana-kebajikan").line("Denda (ta'zir) dari Baitul Tamwil").amounts[0] == Decimal(50_000)


def test_a_branch_and_the_rest_add_up_to_the_whole_cooperative(world: World) -> None:
    w = world

    async def go():  # noqa: ANN202
        sd = await seed(w)
        return await _set(w, "2024"), await _set(w, "2024", sd.branch2)

    whole, branch = run(go())
    assert branch.ok and branch.branch == "Cabang Pangalengan"
    assert branch.get("hasil-usaha").line("SHU periode berjalan").amounts[0] == Decimal(50_000)
    assert branch.get("arus-kas").line("Kas dan setara kas akhir periode").amounts[0] == Decimal(50_000)
    assert whole.get("hasil-usaha").line("SHU periode berjalan").amounts[0] == SHU_2024


def test_a_month_compares_with_the_month_before(world: World) -> None:
    w = world

    async def go():  # noqa: ANN202
        await seed(w)
        return await _set(w, "2024-03")

    s = run(go())
    assert (s.period_title, s.prior_title) == ("Maret 2024", "Februari 2024")
    assert s.get("hasil-usaha").line("Jumlah pendapatan usaha").amounts == (Decimal(1_200_000), Decimal(0))
    assert s.get("arus-kas").line("Kas bersih dari aktivitas investasi").amounts == (Decimal(0), Decimal(-3_000_000))
    assert s.ok
