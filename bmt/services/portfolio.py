"""The financing portfolio a manager and the cooperative office watch (read side of the daily close)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, case, func, select, type_coerce

from bmt.contracts.quality import CLASSES, LABELS_ID, NON_PERFORMING
from bmt.money import ZERO, from_sen
from bmt.persistence.models import Branch, Member, User
from bmt.persistence.models_close import DayClose, PortfolioSnapshot
from bmt.persistence.models_financing import FinancingContract, FinancingProduct
from bmt.services.uow import UnitOfWork

AGING = ((0, 0, "Tepat waktu"), (1, 30, "1–30 hari"), (31, 60, "31–60 hari"), (61, 90, "61–90 hari"), (91, 180, "91–180 hari"), (181, 360, "181–360 hari"), (361, None, "> 360 hari"))
KIND_LABELS = {"murabahah": "Murabahah", "mudharabah": "Mudharabah", "musyarakah": "Musyarakah", "musyarakah_mutanaqisah": "Musyarakah mutanaqisah", "qardh": "Qardh"}


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    contracts: int
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class ClassRow:
    cls: str
    label: str
    contracts: int
    outstanding: Decimal
    ppap: Decimal


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: str
    npf_gross: Decimal
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class Visit:
    contract_id: int
    contract_no: str
    member_name: str
    phone: str
    address: str
    days_past_due: int
    outstanding: Decimal
    collectibility: str
    officer: str


@dataclass
class Portfolio:
    as_of: date | None
    total: Decimal = ZERO
    contracts: int = 0
    by_kind: list[Group] = field(default_factory=list)
    by_product: list[Group] = field(default_factory=list)
    by_branch: list[Group] = field(default_factory=list)
    by_officer: list[Group] = field(default_factory=list)
    aging: list[Group] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    @property
    def non_performing(self) -> Decimal:
        return sum((c.outstanding for c in self.classes if c.cls in NON_PERFORMING), ZERO)

    @property
    def ppap_non_performing(self) -> Decimal:
        return sum((c.ppap for c in self.classes if c.cls in NON_PERFORMING), ZERO)

    @property
    def ppap_total(self) -> Decimal:
        return sum((c.ppap for c in self.classes), ZERO)

    @property
    def npf_gross(self) -> Decimal:
        """(KL + D + M) / total financing, percent."""
        return (self.non_performing * 100 / self.total).quantize(Decimal("0.01")) if self.total else ZERO

    @property
    def npf_net(self) -> Decimal:
        """(KL + D + M − their PPAP) / total financing, percent."""
        return ((self.non_performing - self.ppap_non_performing) * 100 / self.total).quantize(Decimal("0.01")) if self.total else ZERO


def _sen_sum(col):  # noqa: ANN001, ANN202
    return func.coalesce(func.sum(type_coerce(col, BigInteger)), 0)


async def report(uow: UnitOfWork, cooperative_id: int, *, visits_limit: int = 200) -> Portfolio:
    """Outstanding by akad, product, branch and officer; aging; kolektibilitas and PPAP; NPF trend; visits."""
    c = FinancingContract
    active = (c.cooperative_id == cooperative_id, c.status == "active")
    s = uow.session
    last = (await s.execute(select(func.max(DayClose.business_date)).where(DayClose.cooperative_id == cooperative_id, DayClose.status == "done"))).scalar_one()
    p = Portfolio(as_of=last)

    async def groups(label_col, *joins) -> list[Group]:  # noqa: ANN001
        q = select(label_col, func.count(), _sen_sum(c.outstanding_principal)).select_from(c)
        for target, cond in joins:
            q = q.outerjoin(target, cond)
        rows = (await s.execute(q.where(*active).group_by(label_col).order_by(label_col))).all()
        return [Group(str(label) if label is not None else "—", n, from_sen(int(o))) for label, n, o in rows]

    p.by_kind = [Group(KIND_LABELS.get(g.label, g.label), g.contracts, g.outstanding) for g in await groups(c.kind)]
    p.by_product = await groups(FinancingProduct.name, (FinancingProduct, FinancingProduct.id == c.product_id))
    p.by_branch = await groups(Branch.name, (Branch, Branch.id == c.branch_id))
    p.by_officer = await groups(User.name, (User, User.id == c.officer_id))
    p.total = sum((g.outstanding for g in p.by_kind), ZERO)
    p.contracts = sum(g.contracts for g in p.by_kind)
    bucket = case(*[(c.days_past_due <= hi, i) for i, (_, hi, _) in enumerate(AGING) if hi is not None], else_=len(AGING) - 1)
    aging = dict(((b, (n, o)) for b, n, o in (await s.execute(select(bucket, func.count(), _sen_sum(c.outstanding_principal)).where(*active).group_by(bucket))).all()))
    p.aging = [Group(label, aging.get(i, (0, 0))[0], from_sen(int(aging.get(i, (0, 0))[1]))) for i, (_, _, label) in enumerate(AGING)]
    by_cls = {k: (n, o, f) for k, n, o, f in (await s.execute(select(c.collectibility, func.count(), _sen_sum(c.outstanding_principal), _sen_sum(c.ppap_formed)).where(*active).group_by(c.collectibility))).all()}
    p.classes = [ClassRow(k, LABELS_ID[k], by_cls[k][0], from_sen(int(by_cls[k][1])), from_sen(int(by_cls[k][2]))) for k in CLASSES if k in by_cls]
    snaps = (await s.execute(select(PortfolioSnapshot).where(PortfolioSnapshot.cooperative_id == cooperative_id).order_by(PortfolioSnapshot.business_date))).scalars()
    month_end: dict[str, PortfolioSnapshot] = {}
    for snap in snaps:
        month_end[snap.business_date.strftime("%Y-%m")] = snap  # the last closed day of each month
    p.trend = [TrendPoint(m, (x.non_performing * 100 / x.outstanding).quantize(Decimal("0.01")) if x.outstanding else ZERO, x.outstanding) for m, x in sorted(month_end.items())][-24:]
    vq = (
        select(c.id, c.contract_no, Member.name, Member.phone, Member.address, c.days_past_due, c.outstanding, c.collectibility, User.name)
        .join(Member, Member.id == c.member_id)
        .outerjoin(User, User.id == c.officer_id)
        .where(*active, c.days_past_due > 0)
        .order_by(c.days_past_due.desc(), c.id)
        .limit(visits_limit)
    )
    p.visits = [Visit(i, no, name, phone, addr, dpd, out, cls, officer or "—") for i, no, name, phone, addr, dpd, out, cls, officer in (await s.execute(vq)).all()]
    return p


def trend_svg(points: list[TrendPoint], width: int = 640, height: int = 200) -> str:
    """A small inline SVG line chart of NPF gross by month (no JavaScript, prints in PDFs)."""
    if not points:
        return ""
    pad = 32
    top = max([Decimal(5)] + [pt.npf_gross for pt in points]) * Decimal("1.2")
    n = len(points)

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / max(n - 1, 1))
        y = height - pad - (height - 2 * pad) * float(v / top)  # float-ok: SVG drawing coordinates, not money
        return round(x, 1), round(y, 1)

    coords = [xy(i, pt.npf_gross) for i, pt in enumerate(points)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    five = xy(0, Decimal(5))[1]
    labels = "".join(f'<text x="{x}" y="{height - 8}" font-size="10" text-anchor="middle">{pt.period[2:]}</text>' for (x, _), pt in zip(coords, points, strict=True))
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="3"><title>{pt.period}: {pt.npf_gross}%</title></circle>' for (x, y), pt in zip(coords, points, strict=True))
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="Tren NPF bulanan" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{pad}" y1="{five}" x2="{width - pad}" y2="{five}" stroke="#c00" stroke-dasharray="4 3"/>'
        f'<text x="{width - pad}" y="{five - 4}" font-size="10" text-anchor="end" fill="#c00">batas sehat 5%</text>'
        f'<polyline points="{line}" fill="none" stroke="#0b6b3a" stroke-width="2"/>{dots}{labels}</svg>'
    )
