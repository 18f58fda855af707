"""The demo cooperative's financing book and Baitul Maal: every akad with a believable history, zakat and infaq
received and distributed, then the daily closes that give the portfolio its classes, PPAP and NPF trend.

``demo.seed`` calls ``seed_financing`` after the savings. Everything goes through the use-case services — the
same doors the officers, tellers and the Baitul Maal use — so every rule (maker–checker, MUR-01, the amil cap,
ZIS-04...) holds for the demo data too. Business dates run from six months ago to 41 days ago; the last 40
days are then closed one by one (closing locks postings dated on or before the closed day, so nothing may be
dated after the first closed day), and today stays open for the tellers. Deterministic: every choice comes
from the generator passed in.

The murabahah book (eight contracts) mixes profiles a manager recognises: members who pay on time (the
installments falling due in the closed window were paid ahead at their last visit, so they show current), one
who paid three installments late and paid the ta'zir into the kebajikan fund, one settled early, one short
contract paid off, one about two months in arrears (who had also paid late, with ta'zir) and one about four
months in arrears (Kurang Lancar after the closes). The kebajikan fund so fed lends a small qardhul hasan.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar

from sqlalchemy import select

from bmt.contracts.mudharabah import RealisationReport
from bmt.dates import Period, add_months
from bmt.money import ZERO, D
from bmt.persistence.models import Member, SavingsAccount, User
from bmt.services import (
    close_day,
    financing,
    maal,
    maal_collect,
    maal_disburse,
    murabahah,
    platform,
    pls,
    pls_mmq,
    pls_mudharabah,
    pls_musyarakah,
    pls_qardh,
)
from bmt.services.auth import actor_of
from bmt.services.uow import Actor, UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")

#: Days closed at the end of the seed (today itself stays open for the tellers).
CLOSED_DAYS = 40


@dataclass(frozen=True, slots=True)
class _Demo:
    """Who acts, on which members, between which dates, and how big the amounts may be."""

    factory: UnitOfWorkFactory
    today: date
    start: date  # six months ago: the first seeded business date
    end: date  # the last seeded business date: the day before the first closed day
    rng: random.Random
    manager: Actor
    officer: Actor
    accountant: Actor
    members: tuple[int, ...]  # borrowers, in the order the contracts take them
    scale: Decimal  # < 1 when a small demo's vault cannot fund the whole plan

    def amount(self, rupiah: int) -> Decimal:
        """A planned amount scaled to the vault, in whole hundred thousands (never below 100,000)."""
        scaled = (Decimal(rupiah) * self.scale / 100_000).quantize(Decimal(1), rounding=ROUND_FLOOR) * 100_000
        return max(scaled, Decimal(100_000))

    def day(self, offset: int) -> date:
        """``start`` + ``offset`` days, never after ``end``."""
        return min(self.start + timedelta(days=offset), self.end)

    def member(self, i: int) -> int:
        return self.members[i % len(self.members)]


async def _on(d: _Demo, day: date, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Run one use case, ``fn(uow, *args, **kwargs)``, in its own unit of work on business date ``day``."""
    async with d.factory() as uow:
        uow.today = day
        return await fn(uow, *args, **kwargs)


async def seed_financing(factory: UnitOfWorkFactory, today: date, rng: random.Random) -> None:
    """Seed murabahah, the PLS akad and qardh, the Baitul Maal, then close the last 40 days.

    Args:
        factory: The units of work of the demo database (the cooperative, staff and savings already seeded).
        today: The demo's today; it is left open (not closed).
        rng: The demo's seeded generator.
    """
    d = await _context(factory, today, rng)
    if d is None:
        return
    await _seed_murabahah(d)
    await _seed_pls(d)
    await _seed_maal(d)
    await _seed_qardhul_hasan(d)
    await close_day.close_day(factory, d.manager, today - timedelta(days=CLOSED_DAYS))
    await close_day.close_through(factory, d.manager, today - timedelta(days=1))


async def _context(factory: UnitOfWorkFactory, today: date, rng: random.Random) -> _Demo | None:
    start = add_months(today, -6)
    async with factory() as uow:
        rows = (await uow.session.execute(select(User).where(User.username.in_(("manajer", "aofficer", "akuntan"))))).scalars()
        staff = {u.username: actor_of(u) for u in rows}
        # The demo's staff have no branch; the contracts they write are the head office's (per-branch views).
        head_office = (await platform.branches(uow, staff["manajer"].coop))[0].id
        staff = {k: replace(a, branch_id=a.branch_id or head_office) for k, a in staff.items()}
        manager = staff["manajer"]
        q = select(Member.id).where(Member.cooperative_id == manager.coop, Member.status == "active", Member.joined_on <= start).order_by(Member.id)
        ids = list((await uow.session.execute(q)).scalars())
        cash = await pls.account_balance(uow, manager.coop, "cash")
    if not ids:
        return None
    # The first member (the "anggota1" login) gets the first contract; the others are drawn at random.
    borrowers = (ids[0], *rng.sample(ids[1:], len(ids) - 1))
    scale = min(Decimal(1), max(cash, ZERO) * Decimal("0.7") / _planned_total())
    end = today - timedelta(days=CLOSED_DAYS + 1)
    return _Demo(factory, today, start, end, rng, manager, staff["aofficer"], staff["akuntan"], borrowers, scale)


# ------------------------------------------------------------------------------------------------ payment plans


@dataclass(frozen=True, slots=True)
class _Pay:
    """One visit to the counter: ``amount`` against the schedule; ``late`` when it settles an installment
    beyond the grace period (ta'zir follows); ``settle`` for an early settlement."""

    day: date
    amount: Decimal
    late: bool = False
    settle: bool = False


#: Profiles whose member stops paying: installments due after ``today`` − these days stay unpaid. With the akad
#: 22 days after the start, the long one's first unpaid installment fell due about 100 days ago: it turns
#: Kurang Lancar (over 90 days) near the end of the closed window, after a month-end, so the NPF trend rises.
_STOP_DAYS = {"arrears_long": 115, "arrears_short": 75}


def _plan(d: _Demo, profile: str, rows: list[financing.ScheduleRow], akad: date, late_first: int = 0) -> list[_Pay]:
    """The counter visits of one contract, from its schedule and the member's habits (pure but for ``d.rng``).

    Installments are paid around their due date (a few days early or late, within the grace period); the
    first ``late_first`` ones 12–20 days late. A member who pays on time and whose next installments fall
    due in the closed window pays them ahead at the last visit (the portfolio then shows them current).
    """
    stop = d.today - timedelta(days=_STOP_DAYS[profile]) if profile in _STOP_DAYS else None
    settle_on = min(d.end, rows[3].due_date + timedelta(days=10)) if profile == "early" and len(rows) > 4 else None
    visits: dict[date, list] = {}
    ahead = ZERO
    for i, r in enumerate(rows):
        due = r.principal + r.margin
        if (stop and r.due_date > stop) or (settle_on and r.due_date >= settle_on) or r.due_date >= d.today:
            break
        late = i < late_first
        day = max(r.due_date + timedelta(days=d.rng.randint(12, 20) if late else d.rng.randint(-3, 2)), akad + timedelta(days=1))
        if day > d.end:
            ahead += due  # falls due in the closed window: paid ahead at the last visit
            continue
        v = visits.setdefault(day, [ZERO, False])
        v[0] += due
        v[1] = v[1] or late
    out = [_Pay(day, amount, late) for day, (amount, late) in sorted(visits.items())]
    if ahead:
        last = out.pop() if out else _Pay(d.end, ZERO)
        out.append(_Pay(last.day, last.amount + ahead, last.late))
    if settle_on:
        out.append(_Pay(settle_on, ZERO, settle=True))
    return out


async def _schedule(d: _Demo, day: date, contract_id: int) -> list[financing.ScheduleRow]:
    """The contract's open schedule as it stands after the akad."""

    async def read(uow: UnitOfWork) -> list[financing.ScheduleRow]:
        c = await financing.get(uow, d.manager, contract_id)
        return [financing.ScheduleRow(r.number, r.due_date, r.amount, r.principal, r.margin) for r in await financing.installments(uow, c, open_only=True)]

    return await _on(d, day, read)


# ------------------------------------------------------------------------------------------------ murabahah


@dataclass(frozen=True, slots=True)
class _Murabahah:
    goods: str
    supplier: str
    cost: int
    tenor: int
    rate: int  # flat % p.a. (effective % p.a. on the annuity product)
    akad: int  # days after the demo's start
    profile: str  # on_time | early | arrears_long | arrears_short
    product: str = "MBU"
    down_payment: int = 0
    wakalah: bool = False
    late_first: int = 0
    collateral: int = 0


_MURABAHAH = (
    _Murabahah("Kulkas dua pintu dan etalase pendingin untuk warung", "Toko Elektronik Sinar Jaya, Bandung", 7_500_000, 12, 12, 12, "on_time", collateral=5_000_000),
    _Murabahah("Sepeda motor Honda Beat untuk ojek", "Dealer Honda Mitra Motor, Cibiru", 18_500_000, 24, 14, 5, "on_time", product="MKB", down_payment=2_000_000, collateral=16_000_000),
    _Murabahah("Mesin jahit dan mesin obras untuk konveksi rumahan", "Toko Mesin Jahit Lestari, Tasikmalaya", 6_000_000, 12, 12, 22, "arrears_long", collateral=1_000_000),
    _Murabahah("Material bangunan renovasi kios", "TB Sumber Rejeki, Garut", 12_000_000, 18, 12, 20, "arrears_short", late_first=2, collateral=8_000_000),
    _Murabahah("Laptop dan printer untuk usaha fotokopi", "Toko Komputer Mega, Bandung", 8_000_000, 10, 12, 8, "early", collateral=4_000_000),
    _Murabahah("Gerobak dan peralatan dagang bakso", "Bengkel Las Kang Dadan, Ciwidey", 4_500_000, 6, 12, 15, "on_time", product="MKB", late_first=3, collateral=2_000_000),
    _Murabahah("Telepon genggam untuk usaha pulsa dan token listrik", "Counter Cell Barokah, Garut", 3_000_000, 3, 12, 7, "on_time"),
    _Murabahah("Freezer box untuk usaha makanan beku", "Toko Elektronik Sinar Jaya, Bandung", 5_500_000, 12, 12, 40, "on_time", wakalah=True, collateral=3_000_000),
)

_PRODUCTS = (
    murabahah.ProductSpec("MBU", "Murabahah Barang Usaha", "proportional", "margin,principal", Decimal(25_000), 7),
    murabahah.ProductSpec("MKB", "Murabahah Kendaraan & Peralatan", "annuity", "margin,principal", Decimal(50_000), 7),
)


async def _seed_murabahah(d: _Demo) -> None:
    async def products(uow: UnitOfWork) -> dict[str, int]:
        return {p.code: (await murabahah.create_product(uow, d.manager, p)).id for p in _PRODUCTS}

    ids = await _on(d, d.start, products)
    for i, spec in enumerate(_MURABAHAH):
        cid, akad = await _murabahah_akad(d, spec, ids[spec.product], d.member(i))
        await _murabahah_payments(d, spec, cid, akad)


async def _murabahah_akad(d: _Demo, spec: _Murabahah, product_id: int, member_id: int) -> tuple[int, date]:
    """Application (officer), approval (manager), urbun or wakalah, the purchase, then the akad."""
    akad = d.day(spec.akad)
    cost, dp = d.amount(spec.cost), (d.amount(spec.down_payment) if spec.down_payment else ZERO)
    margin = {"effective_rate_annual": Decimal(spec.rate)} if spec.product == "MKB" else {"margin_rate_flat_annual": Decimal(spec.rate)}
    cmd = murabahah.Apply(
        member_id, product_id, spec.goods, cost, spec.tenor, add_months(akad, 1), down_payment=dp, supplier=spec.supplier,
        purpose=spec.goods, collateral_value=d.amount(spec.collateral) if spec.collateral else ZERO, **margin,
    )
    c = await _on(d, akad - timedelta(days=4), murabahah.apply, d.officer, cmd)
    cid = c.id
    await _on(d, akad - timedelta(days=3), murabahah.approve, d.manager, cid)
    if dp:
        await _on(d, akad - timedelta(days=3), murabahah.receive_urbun, d.manager, cid, dp)
    if spec.wakalah:
        await _on(d, akad - timedelta(days=3), murabahah.wakalah_advance, d.manager, cid, cost)
    invoice = f"INV/{akad:%y%m}/{d.rng.randint(100, 999)}"
    purchase = murabahah.Purchase(akad - timedelta(days=2 if spec.wakalah else 1), spec.supplier, invoice, via_wakalah=spec.wakalah)
    await _on(d, akad - timedelta(days=1), murabahah.record_purchase, d.officer, cid, purchase)
    await _on(d, akad, murabahah.sign_akad, d.officer, cid)
    return cid, akad


async def _murabahah_payments(d: _Demo, spec: _Murabahah, cid: int, akad: date) -> None:
    """Installments at the counter; ta'zir assessed and paid after a late one; the early settlement."""
    for pay in _plan(d, spec.profile, await _schedule(d, akad, cid), akad, spec.late_first):
        if pay.settle:
            await _on(d, pay.day, murabahah.settle_early, d.manager, cid)
            continue
        await _on(d, pay.day, murabahah.pay_installment, d.manager, cid, pay.amount)
        if pay.late:
            charged = await _on(d, pay.day, murabahah.assess_tazir, d.manager, pay.day, contract_id=cid)
            owed = sum((D(x["amount"]) for x in charged), ZERO)
            if owed:
                await _on(d, pay.day, murabahah.pay_tazir, d.manager, cid, owed)


# ------------------------------------------------------------------------------------------------ PLS and qardh

_MUDHARABAH_CAPITAL, _MUSYARAKAH_CAPITAL, _MMQ_SHARE, _QARDH = 15_000_000, 20_000_000, 40_000_000, 2_400_000


def _planned_total() -> Decimal:
    """Everything the plan pays out of the vault (the scale keeps it within reach of a small demo)."""
    return Decimal(sum(m.cost for m in _MURABAHAH) + _MUDHARABAH_CAPITAL + _MUSYARAKAH_CAPITAL + _MMQ_SHARE + _QARDH)


async def _open_pls(d: _Demo, akad: date, app: pls.Applications) -> int:
    """Application by the officer, approval and disbursement by the manager (not the maker)."""
    c = await _on(d, akad - timedelta(days=3), pls.apply, d.officer, app)
    cid = c.id
    await _on(d, akad - timedelta(days=2), pls.approve, d.manager, cid)
    await _on(d, akad, pls.disburse, d.manager, cid)
    return cid


async def _seed_pls(d: _Demo) -> None:
    await _seed_mudharabah(d, 8)
    await _seed_musyarakah(d, 9)
    await _seed_mmq(d, 10)
    await _seed_qardh(d, 11)


async def _seed_mudharabah(d: _Demo, who: int) -> None:
    """Capital for a catering business; two monthly realisation reports and the BMT's shares paid."""
    akad = d.day(30)
    months = [Period.of(akad).next(), Period.of(akad).next().next()]
    projections = tuple(RealisationReport(p.last_day, d.amount(9_000_000), d.amount(8_200_000)) for p in months)
    app = pls.MudharabahApplication(
        d.member(who), d.amount(_MUDHARABAH_CAPITAL), Decimal(35), first_return_date=add_months(akad, 12), share_due_days=10,
        projections=projections, business="Usaha katering dan kue basah", purpose="Modal kerja katering pesanan hajatan",
        collateral_value=d.amount(8_000_000),
    )
    cid = await _open_pls(d, akad, app)
    for p, (revenue, costs) in zip(months, ((9_400_000, 8_500_000), (8_300_000, 7_700_000)), strict=True):
        report = pls_mudharabah.Report(p.last_day, d.amount(revenue), d.amount(costs), note="Laporan bulanan dari buku kas usaha")
        done = await _on(d, p.last_day + timedelta(days=3), pls_mudharabah.record_report, d.officer, cid, report)
        share = D(done["bmt_share"])
        if share > 0:
            await _on(d, p.last_day + timedelta(days=8), pls.pay_share, d.manager, cid, share)


async def _seed_musyarakah(d: _Demo, who: int) -> None:
    """A partnership in grain trading; one monthly result reported and the BMT's share paid."""
    akad = d.day(45)
    app = pls.MusyarakahApplication(
        d.member(who), d.amount(_MUSYARAKAH_CAPITAL), d.amount(12_000_000), Decimal(35), maturity_date=add_months(akad, 12),
        business="Perdagangan gabah dan beras", purpose="Modal pembelian gabah musim panen", collateral_value=d.amount(12_000_000),
    )
    cid = await _open_pls(d, akad, app)
    p = Period.of(akad).next()
    report = pls_musyarakah.Report(p.last_day, d.amount(31_500_000), d.amount(30_200_000), note="Rekap penjualan beras bulanan")
    done = await _on(d, p.last_day + timedelta(days=4), pls_musyarakah.record_report, d.officer, cid, report)
    share = D(done["bmt_share"])
    if share > 0:
        await _on(d, p.last_day + timedelta(days=9), pls.pay_share, d.manager, cid, share)


async def _seed_mmq(d: _Demo, who: int) -> None:
    """A market stall owned jointly, bought back month by month with the rent."""
    akad = d.day(20)
    app = pls.MmqApplication(
        d.member(who), d.amount(60_000_000), d.amount(_MMQ_SHARE), Decimal(600_000), 36, add_months(akad, 1),
        asset_description="Kios 3x4 m di Pasar Baru Garut", purpose="Kepemilikan kios dagang", collateral_value=d.amount(60_000_000),
    )
    cid = await _open_pls(d, akad, app)
    for pay in _plan(d, "on_time", await _schedule(d, akad, cid), akad):
        await _on(d, pay.day, pls_mmq.pay, d.manager, cid, pay.amount)


async def _seed_qardh(d: _Demo, who: int) -> None:
    """A business-book qardh repaid monthly; the real-cost fee (stamp duty) taken with the first repayment."""
    akad = d.day(60)
    fee = Decimal(25_000)
    app = pls.QardhApplication(
        d.member(who), d.amount(_QARDH), admin_fee=fee, documented_real_costs=fee, cost_documents="Kwitansi materai dan legalisir berkas",
        installments=6, first_due_date=add_months(akad, 1), purpose="Talangan biaya masuk sekolah anak",
    )
    cid = await _open_pls(d, akad, app)
    for i, pay in enumerate(_plan(d, "on_time", await _schedule(d, akad, cid), akad)):
        await _on(d, pay.day, pls_qardh.repay, d.manager, cid, pay.amount, fee=fee if i == 0 else ZERO)


async def _seed_qardhul_hasan(d: _Demo) -> None:
    """A qardhul hasan out of the kebajikan fund (the ta'zir collected), when the fund can lend something."""
    day = d.end - timedelta(days=1)

    async def available(uow: UnitOfWork) -> Decimal:
        s = await maal.summary(uow, d.manager)
        return min(s.kebajikan_available, s.assets.get("maal_cash", ZERO))

    # Lend three quarters of what the fund can spare, in fifty thousands: the fund keeps a reserve.
    principal = (await _on(d, day, available) * 3 / 4 / 50_000).quantize(Decimal(1), rounding=ROUND_FLOOR) * 50_000
    principal = min(principal, Decimal(500_000))
    if principal < 100_000:
        return
    app = pls.QardhApplication(d.member(12), principal, source="kebajikan", first_due_date=add_months(d.today, 2), purpose="Pinjaman kebajikan biaya berobat anak")
    await _open_pls(d, day, app)


# ------------------------------------------------------------------------------------------------ Baitul Maal


@dataclass(frozen=True, slots=True)
class _Receipt:
    donor: int  # index into the donors: three members first, then ``_DONORS``
    kind: str
    amount: int
    days_before_end: int
    zakat_type: str = ""
    purpose: str | None = None
    from_savings: bool = False


_DONORS = (
    maal_collect.NewDonor(name="H. Dudung Abdurrahman", npwp="091234567428000", address="Jl. Pesantren No. 21, Garut", phone="081320001122"),
    maal_collect.NewDonor(name="Hj. Ela Nurlaela", address="Jl. Cibiru No. 88, Bandung", phone="081221003344"),
    maal_collect.NewDonor(name="Ikatan Alumni Pesantren Al-Ikhlas", address="Jl. Cibiru No. 17, Bandung"),
)
_PESANTREN_FUND = "beasiswa-santri"
_RECEIPTS = (
    _Receipt(0, "zakat", 350_000, 70, "penghasilan"),
    _Receipt(3, "zakat", 2_500_000, 62, "perdagangan"),
    _Receipt(1, "zakat", 275_000, 55, "penghasilan", from_savings=True),
    _Receipt(2, "infaq", 100_000, 50),
    _Receipt(4, "zakat", 1_200_000, 40, "maal"),
    _Receipt(3, "infaq", 500_000, 35),
    _Receipt(5, "infaq_restricted", 3_000_000, 30, purpose=_PESANTREN_FUND),
    _Receipt(0, "infaq_restricted", 250_000, 20, purpose=_PESANTREN_FUND),
    _Receipt(2, "zakat", 700_000, 16, "perdagangan"),
)
_MUSTAHIK = (
    maal_collect.NewMustahik("Mak Icih", "fakir", address="Kp. Sukamaju RT 03/02, Ciwidey", notes="Janda lansia, tinggal sendiri"),
    maal_collect.NewMustahik("Oman Rohman", "miskin", address="Kp. Cibodas RT 01/05, Ciwidey", notes="Buruh tani harian, 4 anak"),
    maal_collect.NewMustahik("Ujang Suryana", "gharimin", address="Blok Pasar No. 9, Tasikmalaya", notes="Utang biaya berobat istri"),
    maal_collect.NewMustahik("Ust. Hamdan Syarif", "fi_sabilillah", address="Jl. Pesantren No. 4, Garut", notes="Guru ngaji TPA tanpa honor tetap"),
    maal_collect.NewMustahik("Ahmad Fauzi", "ibnu_sabil", notes="Santri perantau kehabisan bekal pulang"),
    maal_collect.NewMustahik("Kevin Saputra", "mualaf", address="Jl. Cibiru No. 140, Bandung", notes="Mualaf binaan majelis taklim"),
)


async def _seed_maal(d: _Demo) -> None:
    """Muzakki and donors, the pesantren's scholarship fund, receipts, the hand-over from the business book,
    the amil share within the cap, mustahik of several asnaf and their distributions."""
    first = d.end - timedelta(days=75)

    async def registers(uow: UnitOfWork) -> list[int]:
        await maal_collect.open_restricted_fund(uow, d.accountant, _PESANTREN_FUND, "Beasiswa Santri Pesantren Al-Ikhlas", "Biaya pendidikan santri yatim dan dhuafa")
        donors = [await maal_collect.add_donor(uow, d.manager, maal_collect.NewDonor(member_id=d.member(i))) for i in (1, 3, 6)]
        donors += [await maal_collect.add_donor(uow, d.manager, x) for x in _DONORS]
        return [x.id for x in donors]

    donors = await _on(d, first, registers)
    for r in _RECEIPTS:
        await _maal_receipt(d, donors[r.donor], r)
    await _on(d, d.end - timedelta(days=6), maal.settle_from_tamwil, d.accountant)
    await _amil_share(d, d.end - timedelta(days=5))
    mustahik = await _on(d, d.end - timedelta(days=5), _register_mustahik, d.accountant)
    await _distributions(d, mustahik)


async def _register_mustahik(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    return {m.asnaf: (await maal_collect.add_mustahik(uow, actor, m)).id for m in _MUSTAHIK}


async def _maal_receipt(d: _Demo, donor_id: int, r: _Receipt) -> None:
    """One receipt at the counter (cash), or by transfer from the muzakki's savings when it can pay it."""
    day = d.end - timedelta(days=r.days_before_end)
    account = await _on(d, day, _richest_account, d, donor_id) if r.from_savings else None
    channel = "savings" if account is not None else "cash"
    cmd = maal_collect.NewReceipt(donor_id, r.kind, Decimal(r.amount), channel, r.zakat_type, r.purpose, account, note="Setoran di kantor pusat")
    await _on(d, day, maal_collect.receive, d.manager, cmd)


async def _richest_account(uow: UnitOfWork, d: _Demo, donor_id: int) -> int | None:
    """The donor-member's non-deposit savings account with the largest balance (it pays a zakat by transfer)."""
    donor = await maal_collect.get_donor(uow, d.manager, donor_id)
    if donor.member_id is None:
        return None
    q = select(SavingsAccount.id).where(SavingsAccount.member_id == donor.member_id, SavingsAccount.status == "active", SavingsAccount.maturity_date.is_(None), SavingsAccount.balance >= Decimal(1_000_000))
    return (await uow.session.execute(q.order_by(SavingsAccount.balance.desc(), SavingsAccount.id))).scalars().first()


async def _amil_share(d: _Demo, day: date) -> None:
    """The amil takes a tenth of this year's zakat collected, never above the cap (12.5%)."""

    async def take(uow: UnitOfWork) -> None:
        book, _ = await maal.fund_book(uow, d.accountant.coop, day)
        zakat = next(s for s in maal.amil_status(book) if s.source_fund == "zakat_fund")
        amount = min(zakat.remaining, zakat.collected / 10).quantize(Decimal(1000), rounding=ROUND_FLOOR)
        if amount > 0:
            await maal.allocate_amil(uow, d.accountant, amount, note="Bagian amil (operasional pengelola zakat)")

    await _on(d, day, take)


async def _distributions(d: _Demo, mustahik: dict[str, int]) -> None:
    """Proposed by the accountant, approved by the manager (four eyes); one proposal still waits."""
    approved = (
        maal_disburse.Proposal("zakat", Decimal(500_000), mustahik_id=mustahik["miskin"], description="Bantuan kebutuhan pokok bulanan"),
        maal_disburse.Proposal("zakat", Decimal(300_000), mustahik_id=mustahik["fakir"], description="Bantuan kebutuhan pokok"),
        maal_disburse.Proposal("spending", Decimal(1_500_000), fund="infaq_restricted_fund", purpose=_PESANTREN_FUND, use="restricted_purpose", beneficiary="Lima santri yatim kelas 7 MTs Al-Ikhlas", description="Beasiswa SPP satu semester"),
    )
    day = d.end - timedelta(days=4)
    for p in approved:
        made = await _on(d, day, maal_disburse.propose, d.accountant, p)
        await _on(d, day + timedelta(days=1), maal_disburse.approve, d.manager, made.id, "Sesuai hasil survei mustahik")
    waiting = maal_disburse.Proposal("zakat", Decimal(750_000), mustahik_id=mustahik["gharimin"], description="Pelunasan utang biaya berobat")
    await _on(d, d.end - timedelta(days=2), maal_disburse.propose, d.accountant, waiting)
