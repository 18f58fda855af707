"""A cooperative's year, seeded through the services (members, savings, Baitul Maal, journal entries), for the
statement, close, SHU and DPS tests. Amounts are round so the expected figures can be read off by hand.

2023 (the comparative year): member A joins (pokok 100,000); fee income 500,000; operating expense 200,000.
2024: members B and C join; wajib 20,000 × 3; savings: A wadiah 1,000,000, B mudharabah 2,000,000; a fixed asset
3,000,000 and its depreciation 100,000; margin 1,200,000; accrued profit share 300,000 of which 200,000
collected; salaries 400,000; depositors' share 150,000 (payable); PPAP 50,000; other income 75,000 and other
expense 25,000; a grant (hibah) 1,000,000; the second branch earns a fee of 60,000 and spends 10,000. Baitul
Maal: zakat 4,000,000 and infaq 300,000 received, ta'zir 50,000 handed over, amil share 500,000, the hand-over
of the cash, zakat 1,000,000 to a fakir.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bmt.dates import Period
from bmt.ledger import Posting, entry
from bmt.persistence.models import Branch
from bmt.services import ledger, maal, maal_collect, maal_disburse, members, savings
from bmt.services.uow import UnitOfWork
from tests.conftest import World, nik_for

M = Decimal(1_000_000)
K = Decimal(1_000)
#: SHU of 2024 for the whole cooperative, by hand: income 1,200,000 + 300,000 + 75,000 + 60,000 (fees, branch)
#: less 400,000 + 100,000 + 150,000 + 50,000 + 25,000 + 10,000.
SHU_2024 = Decimal(1_200_000 + 300_000 + 75_000 + 60_000 - 400_000 - 100_000 - 150_000 - 50_000 - 25_000 - 10_000)
SHU_2023 = Decimal(500_000 - 200_000)


@dataclass
class Seed:
    members: dict[str, int]
    accounts: dict[str, int]
    branch2: int


def at(w: World, d: date) -> UnitOfWork:
    """A unit of work whose business date is ``d``."""
    uow = w.factory()
    uow.today = d
    return uow


async def post(w: World, d: date, description: str, *lines: Posting, branch_id: int | None = None, book: str = "tamwil") -> int:
    async with at(w, d) as uow:
        return await ledger.post(uow, w.actor("manager"), entry(d, description, *lines, source=f"seed:{description}", book=book), branch_id=branch_id)


async def _member(w: World, d: date, serial: int, name: str) -> int:
    async with at(w, d) as uow:
        m = await members.register(uow, w.actor("manager"), members.RegisterMember(nik_for(date(1985, 4, 12), serial), name, date(1985, 4, 12), "Ciwidey", "081234567890", joined_on=d))
        return m.id


async def seed_2023(w: World) -> int:
    a = await _member(w, date(2023, 3, 1), 1, "Anggota Satu")
    await post(w, date(2023, 6, 30), "Pendapatan administrasi 2023", Posting.debit("cash", 500 * K), Posting.credit("fee_income", 500 * K))
    await post(w, date(2023, 12, 29), "Beban operasional 2023", Posting.debit("operating_expense", 200 * K), Posting.credit("cash", 200 * K))
    return a


async def _savings(w: World, ids: dict[str, int]) -> dict[str, int]:
    mgr = w.actor("manager")
    async with at(w, date(2024, 1, 10)) as uow:
        tw = await savings.create_product(uow, mgr, savings.ProductSpec("TW", "Tabungan wadiah", "wadiah"))
        tm = await savings.create_product(uow, mgr, savings.ProductSpec("TM", "Tabungan mudharabah", "mudharabah", nisbah_member_percent=Decimal(30)))
        tw_id, tm_id = tw.id, tm.id
    async with at(w, date(2024, 1, 10)) as uow:
        wa = await savings.open_account(uow, mgr, savings.OpenAccount(ids["A"], tw_id, M))
    async with at(w, date(2024, 1, 10)) as uow:
        mb = await savings.open_account(uow, mgr, savings.OpenAccount(ids["B"], tm_id, 2 * M))
    return {"A": wa["account_id"], "B": mb["account_id"], "product_tw": tw_id, "product_tm": tm_id}


async def _journal_2024(w: World, branch2: int) -> None:
    c = "cash"
    await post(w, date(2024, 2, 1), "Pembelian aset tetap", Posting.debit("fixed_assets", 3 * M), Posting.credit(c, 3 * M))
    await post(w, date(2024, 3, 31), "Pendapatan margin murabahah", Posting.debit(c, Decimal(1_200_000)), Posting.credit("murabahah_income", Decimal(1_200_000)))
    await post(w, date(2024, 4, 30), "Pendapatan bagi hasil mudharabah (akrual)", Posting.debit("profit_share_receivable", 300 * K), Posting.credit("mudharabah_income", 300 * K))
    await post(w, date(2024, 5, 31), "Penerimaan piutang bagi hasil", Posting.debit(c, 200 * K), Posting.credit("profit_share_receivable", 200 * K))
    await post(w, date(2024, 6, 28), "Gaji", Posting.debit("salary_expense", 400 * K), Posting.credit(c, 400 * K))
    await post(w, date(2024, 6, 30), "Bagi hasil deposito", Posting.debit("profit_sharing_expense", 150 * K), Posting.credit("deposit_profit_payable", 150 * K))
    await post(w, date(2024, 7, 31), "Pembentukan PPAP", Posting.debit("ppap_expense", 50 * K), Posting.credit("ppap", 50 * K))
    await post(w, date(2024, 8, 15), "Pendapatan lain", Posting.debit(c, 75 * K), Posting.credit("other_income", 75 * K))
    await post(w, date(2024, 8, 16), "Beban lain", Posting.debit("other_expense", 25 * K), Posting.credit(c, 25 * K))
    await post(w, date(2024, 9, 1), "Hibah dari pemda", Posting.debit(c, M), Posting.credit("grants", M))
    await post(w, date(2024, 10, 1), "Pendapatan administrasi cabang", Posting.debit(c, 60 * K), Posting.credit("fee_income", 60 * K), branch_id=branch2)
    await post(w, date(2024, 10, 2), "Beban operasional cabang", Posting.debit("operating_expense", 10 * K), Posting.credit(c, 10 * K), branch_id=branch2)
    await post(w, date(2024, 12, 31), "Penyusutan", Posting.debit("depreciation_expense", 100 * K), Posting.credit("accumulated_depreciation", 100 * K))


async def _maal_2024(w: World) -> None:
    mgr, mgr2 = w.actor("manager"), w.actor("manager2")
    async with at(w, date(2024, 3, 10)) as uow:
        donor = await maal_collect.add_donor(uow, mgr, maal_collect.NewDonor(name="H. Muzakki"))
        donor_id = donor.id
    async with at(w, date(2024, 3, 10)) as uow:
        await maal_collect.receive(uow, mgr, maal_collect.NewReceipt(donor_id, "zakat", 4 * M, zakat_type="maal"))
    async with at(w, date(2024, 3, 11)) as uow:
        await maal_collect.receive(uow, mgr, maal_collect.NewReceipt(donor_id, "infaq", 300 * K))
    async with at(w, date(2024, 3, 12)) as uow:
        await maal.receive_tazir(uow, mgr, 50 * K, source="murabahah:0:installment:1")
    async with at(w, date(2024, 3, 15)) as uow:
        await maal.allocate_amil(uow, mgr, 500 * K)
    async with at(w, date(2024, 3, 20)) as uow:
        await maal.settle_from_tamwil(uow, mgr)
    async with at(w, date(2024, 4, 1)) as uow:
        m = await maal_collect.add_mustahik(uow, mgr, maal_collect.NewMustahik("Mak Icih", "fakir"))
        p = await maal_disburse.propose(uow, mgr, maal_disburse.Proposal("zakat", M, mustahik_id=m.id))
        pid = p.id
    async with at(w, date(2024, 4, 1)) as uow:
        await maal_disburse.approve(uow, mgr2, pid)


async def seed(w: World) -> Seed:
    """2023 and 2024 as the module doc says."""
    a = await seed_2023(w)
    async with at(w, date(2024, 1, 2)) as uow:
        b = Branch(cooperative_id=w.coop_id, code="CBG2", name="Cabang Pangalengan")
        uow.session.add(b)
        await uow.session.flush()
        branch2 = b.id
    ids = {"A": a, "B": await _member(w, date(2024, 1, 5), 2, "Anggota Dua"), "C": await _member(w, date(2024, 1, 5), 3, "Anggota Tiga")}
    for key in ids:
        async with at(w, date(2024, 1, 31)) as uow:
            await members.pay_simpanan_wajib(uow, w.actor("manager"), ids[key], Period(2024, 1))
    accounts = await _savings(w, ids)
    await _journal_2024(w, branch2)
    await _maal_2024(w)
    return Seed(ids, accounts, branch2)
