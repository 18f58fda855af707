"""A realistic demo cooperative: staff of every role, members with simpanan pokok and wajib.

Deterministic (a seeded random generator), so the demo looks the same on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from bmt.dates import Period, add_months
from bmt.errors import DomainError
from bmt.persistence.models import Cooperative, Member, User
from bmt.services import demo_financing, members, platform, savings
from bmt.services.auth import actor_of
from bmt.services.uow import SYSTEM, UnitOfWorkFactory

DEMO_PASSWORD = "bismillah123"

STAFF = (
    ("manajer", "Hj. Siti Aminah", "manager"),
    ("teller", "Rina Kurniasih", "teller"),
    ("teller2", "Dedi Supriadi", "teller"),
    ("akuntan", "Asep Saepudin", "accountant"),
    ("aofficer", "Ujang Rahmat", "financing_officer"),
    ("dps", "KH. Abdullah Faqih", "dps"),
    ("admin.demo", "Admin Koperasi", "admin"),
)

FIRST = ("Ahmad", "Siti", "Dewi", "Budi", "Euis", "Cecep", "Neng", "Yusuf", "Nurul", "Iwan", "Lilis", "Asep", "Rina", "Dadang", "Fitri", "Hendra", "Ika", "Jajang", "Kokom", "Maman")
LAST = ("Hidayat", "Nurhayati", "Sumarni", "Saputra", "Rahmawati", "Setiawan", "Komariah", "Gunawan", "Suryani", "Permana", "Kusnadi", "Maulana")
STREETS = ("Jl. Cibiru No. {n}, Bandung", "Kp. Sukamaju RT 0{r}/0{w}, Ciwidey", "Jl. Pesantren No. {n}, Garut", "Blok Pasar No. {n}, Tasikmalaya")


@dataclass(frozen=True, slots=True)
class DemoLogins:
    logins: tuple[tuple[str, str, str], ...]  # (username, password, role)


def make_nik(rng: random.Random, birth: date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"3273{rng.randint(1, 30):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


async def is_empty(factory: UnitOfWorkFactory) -> bool:
    async with factory() as uow:
        return (await uow.session.execute(select(func.count()).select_from(Cooperative))).scalar_one() == 0


async def seed(factory: UnitOfWorkFactory, today: date, *, members_count: int = 40) -> DemoLogins:
    """Create the platform admin, one demo cooperative with staff, members and their equity postings."""
    rng = random.Random(2025)
    async with factory() as uow:
        await platform.create_user(uow, SYSTEM, platform.NewUser("admin", "Admin Platform", "admin", DEMO_PASSWORD, None))
        coop_id = await platform.create_cooperative(uow, SYSTEM, platform.NewCooperative("BMT-ALIKHLAS", "KSPPS BMT Al-Ikhlas", kind="kopontren", region_code="32.73", address="Jl. Cibiru No. 17, Kota Bandung"))
        await platform.create_user(uow, SYSTEM, platform.NewUser("dinas.jabar", "Dinas KUK Jawa Barat", "supervisor", DEMO_PASSWORD, None, region_code="32"))
        for username, name, role in STAFF:
            await platform.create_user(uow, SYSTEM, platform.NewUser(username, name, role, DEMO_PASSWORD, coop_id))
    async with factory() as uow:
        staff = actor_of((await uow.session.execute(select(User).where(User.username == "manajer"))).scalar_one())
    start = add_months(today, -6).replace(day=1)
    first_member_id = None
    for i in range(members_count):
        female = rng.random() < 0.5
        birth = date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        joined = start if i < members_count // 2 else add_months(start, rng.randint(1, 5))
        async with factory() as uow:
            uow.today = joined
            m = await members.register(uow, staff, members.RegisterMember(
                nik=make_nik(rng, birth, female, i + 1), name=name, birth_date=birth,
                address=rng.choice(STREETS).format(n=rng.randint(1, 200), r=rng.randint(1, 9), w=rng.randint(1, 9)),
                phone=f"08{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}", joined_on=joined,
            ))
            first_member_id = first_member_id or m.id
        month = Period.of(joined)
        while month.first_day <= today:
            async with factory() as uow:
                uow.today = min(month.first_day.replace(day=min(10, month.days)), today)
                await members.pay_simpanan_wajib(uow, staff, m.id, month)
            month = month.next()
    await _seed_savings(factory, staff, today, rng)
    await demo_financing.seed_financing(factory, today, rng)
    async with factory() as uow:
        await platform.create_user(uow, SYSTEM, platform.NewUser("anggota1", "Anggota Demo", "member", DEMO_PASSWORD, coop_id, member_id=first_member_id))
    logins = [("admin", DEMO_PASSWORD, "admin (platform)"), ("dinas.jabar", DEMO_PASSWORD, "supervisor"), ("anggota1", DEMO_PASSWORD, "member")]
    logins += [(u, DEMO_PASSWORD, r) for u, _, r in STAFF]
    return DemoLogins(tuple(logins))


PRODUCTS = (
    savings.ProductSpec("TW", "Tabungan Wadiah", "wadiah", min_opening=Decimal(10_000), min_balance=Decimal(10_000), approval_threshold=Decimal(5_000_000)),
    savings.ProductSpec("TM", "Tabungan Mudharabah", "mudharabah", Decimal(30), min_opening=Decimal(20_000), min_balance=Decimal(20_000)),
    savings.ProductSpec("TAH", "Tabungan Haji & Umrah", "mudharabah", Decimal(35), min_opening=Decimal(100_000), min_balance=Decimal(100_000), dormant_after_days=730),
    savings.ProductSpec("D1", "Deposito 1 bulan", "deposito", Decimal(35), tenor_months=1, min_opening=Decimal(1_000_000)),
    savings.ProductSpec("D3", "Deposito 3 bulan", "deposito", Decimal(45), tenor_months=3, min_opening=Decimal(1_000_000)),
    savings.ProductSpec("D6", "Deposito 6 bulan", "deposito", Decimal(50), tenor_months=6, min_opening=Decimal(1_000_000)),
    savings.ProductSpec("D12", "Deposito 12 bulan", "deposito", Decimal(55), tenor_months=12, min_opening=Decimal(1_000_000), early_break="refuse"),
)


async def _seed_savings(factory: UnitOfWorkFactory, staff, today: date, rng: random.Random) -> None:  # noqa: ANN001
    """Products, a wadiah account for every member, mudharabah savings and deposits for some, months of activity."""
    start = add_months(today, -6).replace(day=1)
    async with factory() as uow:
        uow.today = start
        prods = {p.code: await savings.create_product(uow, staff, p) for p in PRODUCTS}
        member_ids = [m.id for m in (await uow.session.execute(select(Member).where(Member.cooperative_id == staff.coop).order_by(Member.id))).scalars()]
    for i, mid in enumerate(member_ids):
        async with factory() as uow:
            uow.today = start
            tw = await savings.open_account(uow, staff, savings.OpenAccount(mid, prods["TW"].id, Decimal(rng.randint(5, 50) * 10_000)))
        accounts = [tw["account_id"]]
        if i % 2 == 0:
            async with factory() as uow:
                uow.today = start
                tm = await savings.open_account(uow, staff, savings.OpenAccount(mid, prods["TM"].id, Decimal(rng.randint(2, 60) * 100_000)))
            accounts.append(tm["account_id"])
        if i % 5 == 0:
            code = rng.choice(("D3", "D6", "D12"))
            async with factory() as uow:
                uow.today = start
                await savings.open_account(uow, staff, savings.OpenAccount(mid, prods[code].id, Decimal(rng.randint(2, 20) * 1_000_000), aro=True, profit_to_account_id=tw["account_id"]))
        day = start
        while day < today:
            day = day + timedelta(days=rng.randint(9, 25))
            if day >= today:
                break
            async with factory() as uow:
                uow.today = day
                acc = rng.choice(accounts)
                amount = Decimal(rng.randint(1, 30) * 25_000)
                try:
                    if rng.random() < 0.65:
                        await savings.deposit(uow, staff, acc, amount)
                    else:
                        await savings.withdraw(uow, staff, acc, amount)
                except DomainError:
                    pass  # a refused withdrawal at the demo counter, as in life
