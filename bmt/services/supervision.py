"""The cooperative office's view (Dinas Koperasi): read-only, over the cooperatives of its region.

A supervisor login has a region code instead of a cooperative. It covers a cooperative whose region code is
the same or lies below it: ``"32"`` (Jawa Barat) covers ``"32"`` and ``"32.73"`` (Kota Bandung), but not
``"321"``. Another region's cooperative does not exist for it (NotFound, never "forbidden"), and nothing here
writes: the office reads figures, health reports and statements; it changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from bmt.compliance.health import percent
from bmt.errors import NotFound, PermissionDenied
from bmt.money import ZERO
from bmt.persistence.models import Cooperative, Member
from bmt.persistence.models_governance import PeriodCloseRun, ShuRun
from bmt.persistence.models_portal import HealthAssessment
from bmt.services import complaints, health, ledger
from bmt.services.uow import Actor, UnitOfWork


def _check(actor: Actor) -> str:
    actor.require("region.read")
    if actor.cooperative_id is not None or not actor.region_code.strip():
        raise PermissionDenied("login Dinas harus punya wilayah / a supervisor login needs a region")
    return actor.region_code.strip()


def covers(region: str, coop_region: str) -> bool:
    """Whether a supervisor's region covers a cooperative's region code (whole dotted parts only)."""
    return coop_region == region or coop_region.startswith(region + ".")


async def cooperatives(uow: UnitOfWork, actor: Actor) -> list[Cooperative]:
    region = _check(actor)
    q = select(Cooperative).where(or_(Cooperative.region_code == region, Cooperative.region_code.like(region.replace("%", "").replace("_", "") + ".%"))).order_by(Cooperative.name)
    return [c for c in (await uow.session.execute(q)).scalars() if covers(region, c.region_code)]


async def cooperative(uow: UnitOfWork, actor: Actor, cooperative_id: int) -> Cooperative:
    """One cooperative of the region (another region's: NotFound)."""
    region = _check(actor)
    c = await uow.session.get(Cooperative, cooperative_id)
    if c is None or not covers(region, c.region_code):
        raise NotFound("koperasi tidak ditemukan / cooperative not found")
    return c


async def last_rat(uow: UnitOfWork, coop_id: int) -> date | None:
    """The RAT date of the last posted SHU distribution (bmt.services.shu writes ``shu_run``)."""
    q = select(func.max(ShuRun.rat_date)).where(ShuRun.cooperative_id == coop_id, ShuRun.status == "posted")
    return (await uow.session.execute(q)).scalar_one()


async def last_statements(uow: UnitOfWork, coop_id: int) -> date | None:
    """The end of the last period closed with its statements (bmt.services.period_close writes the runs)."""
    q = select(func.max(PeriodCloseRun.through)).where(PeriodCloseRun.cooperative_id == coop_id, PeriodCloseRun.status == "closed")
    return (await uow.session.execute(q)).scalar_one()


async def closed_periods(uow: UnitOfWork, coop_id: int, *, limit: int = 24) -> list[PeriodCloseRun]:
    q = select(PeriodCloseRun).where(PeriodCloseRun.cooperative_id == coop_id, PeriodCloseRun.status == "closed").order_by(PeriodCloseRun.through.desc()).limit(limit)
    return list((await uow.session.execute(q)).scalars())


@dataclass
class CoopRow:
    coop: Cooperative
    members: int
    assets: Decimal
    financing: Decimal
    non_performing: Decimal
    npf: Decimal | None
    band: str = ""
    score: Decimal | None = None
    assessed_through: date | None = None
    last_rat: date | None = None
    last_statements: date | None = None
    complaints_open: int = 0
    complaints_overdue: int = 0


@dataclass
class Totals:
    cooperatives: int = 0
    members: int = 0
    assets: Decimal = ZERO
    financing: Decimal = ZERO
    non_performing: Decimal = ZERO
    bands: dict[str, int] = field(default_factory=dict)
    complaints_overdue: int = 0

    @property
    def npf(self) -> Decimal | None:
        return percent(self.non_performing, self.financing)


async def _row(uow: UnitOfWork, c: Cooperative, today: date, latest: HealthAssessment | None) -> CoopRow:
    figs = await health.figures(uow, c.id, date(today.year, 1, 1), today)
    n = (await uow.session.execute(select(func.count()).select_from(Member).where(Member.cooperative_id == c.id, Member.status == "active"))).scalar_one()
    row = CoopRow(c, int(n), figs["total_aset"], figs["total_pembiayaan"], figs["pembiayaan_bermasalah"], percent(figs["pembiayaan_bermasalah"], figs["total_pembiayaan"]))
    if latest is not None:
        row.band, row.score, row.assessed_through = latest.band, health.score_of(latest), latest.period_end
    row.last_rat = await last_rat(uow, c.id)
    row.last_statements = await last_statements(uow, c.id)
    return row


async def overview(uow: UnitOfWork, actor: Actor) -> tuple[list[CoopRow], Totals]:
    """Every cooperative of the region with its key figures, and the consolidated totals."""
    coops = await cooperatives(uow, actor)
    ids = [c.id for c in coops]
    latest = await health.latest_by_coop(uow, ids)
    counts = await complaints.counts(uow, ids)
    today = uow.business_date()
    rows, t = [], Totals()
    for c in coops:
        r = await _row(uow, c, today, latest.get(c.id))
        r.complaints_open, r.complaints_overdue = counts[c.id].open, counts[c.id].overdue
        rows.append(r)
        t.cooperatives += 1
        t.members += r.members
        t.assets += r.assets
        t.financing += r.financing
        t.non_performing += r.non_performing
        t.complaints_overdue += r.complaints_overdue
        if r.band:
            t.bands[r.band] = t.bands.get(r.band, 0) + 1
    return rows, t


@dataclass
class CoopDetail:
    row: CoopRow
    balance_sheet: dict[str, Decimal]
    trial_balance: list[Any]
    assessments: list[HealthAssessment]
    overdue: list[Any]
    statements: list[Any]


async def detail(uow: UnitOfWork, actor: Actor, cooperative_id: int) -> CoopDetail:
    """One cooperative, read-only: key figures, trial balance, health assessments, overdue complaints."""
    c = await cooperative(uow, actor, cooperative_id)
    today = uow.business_date()
    assessed = await health.assessments(uow, c.id)
    row = await _row(uow, c, today, assessed[0] if assessed else None)
    counts = (await complaints.counts(uow, [c.id]))[c.id]
    row.complaints_open, row.complaints_overdue = counts.open, counts.overdue
    figs = await health.figures(uow, c.id, date(today.year, 1, 1), today)
    tb = await ledger.trial_balance_rows(uow, c.id, through=today)
    return CoopDetail(row, figs, tb, assessed, await complaints.overdue_tickets(uow, [c.id]), await closed_periods(uow, c.id))


async def assessment(uow: UnitOfWork, actor: Actor, cooperative_id: int, assessment_id: int) -> tuple[Cooperative, HealthAssessment]:
    c = await cooperative(uow, actor, cooperative_id)
    return c, await health.get(uow, c.id, assessment_id)


def export_xlsx(rows: list[CoopRow], totals: Totals, region: str, today: date) -> bytes:
    """The region's list as an Excel workbook (amounts as numbers of rupiah, so they can be summed)."""
    from openpyxl import Workbook  # only the export needs it

    wb = Workbook()
    ws = wb.active
    ws.title = "Koperasi"
    ws.append([f"Koperasi binaan wilayah {region}", f"per {today.isoformat()}"])
    ws.append(["Kode", "Nama", "Wilayah", "Predikat kesehatan", "Skor", "Periode penilaian", "Anggota aktif", "Total aset", "Pembiayaan", "NPF (%)", "RAT terakhir", "Laporan terakhir", "Pengaduan terbuka", "Pengaduan lewat waktu"])
    for r in rows:
        ws.append([
            r.coop.code, r.coop.name, r.coop.region_code, r.band or "-", r.score, r.assessed_through, r.members, r.assets, r.financing, r.npf,
            r.last_rat, r.last_statements, r.complaints_open, r.complaints_overdue,
        ])
    ws.append(["", "Jumlah", "", "", None, None, totals.members, totals.assets, totals.financing, totals.npf, None, None, None, totals.complaints_overdue])
    for col in ("H", "I"):
        for cell in ws[col][2:]:
            cell.number_format = "#,##0"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
