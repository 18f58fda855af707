"""Health assessments from the books: the figures a period's ratios need, scoring, storage, history, trend.

Where each figure comes from (tamwil book; balances as of the period end, income and costs within the period):

* ``total_aset``: assets less contra-assets. ``modal_sendiri``: equity accounts plus all income less costs
  not yet closed to equity, so that assets = liabilities + dana syirkah temporer + modal sendiri.
* ``atmr`` (risk-weighted assets for the CAR proxy): cash 0 %, bank and placements 20 %, everything else
  (financing net of allowances and deferred margin, fixed assets, other assets) 100 %.
* Financing, non-performing (KL+D+M) and at-risk (DPK+KL+D+M): the last portfolio snapshot of a day close on
  or before the period end; when no day was closed, the contracts as they stand.
* ``ppap_dibentuk``: the PPAP account's balance; ``ppap_wajib``: each active contract's required allowance
  under the cooperative's classification policy (domain.md §7.3) as of its last close.
* ``kas_bank``: cash, teller cash and bank. ``kewajiban_lancar``: liabilities plus mudharabah savings (both
  payable on demand; time deposits are not). ``dana_diterima``: third-party funds plus modal sendiri.
* ``pendapatan_usaha`` / ``biaya_usaha``: the period's income and costs; ``partisipasi_bruto``: income from
  financing members (margin, bagi hasil, ujrah, fees); ``biaya_operasional``: salaries, operating costs,
  depreciation and other costs; ``shu``: income less costs (before tax).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, func, select, type_coerce

from bmt.compliance import health as scoring
from bmt.contracts.quality import NON_PERFORMING, required_ppap
from bmt.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from bmt.money import ZERO, from_sen
from bmt.persistence.models import Cooperative
from bmt.persistence.models_close import PortfolioSnapshot
from bmt.persistence.models_financing import FinancingContract
from bmt.persistence.models_portal import HealthAssessment
from bmt.services import audit, ledger
from bmt.services.close_day import policy_of
from bmt.services.uow import Actor, UnitOfWork

ASSESSORS = ("admin", "manager", "accountant")
READERS = ("admin", "manager", "accountant", "financing_officer", "teller", "dps")
RISK_WEIGHTS = {"cash": ZERO, "teller_cash": ZERO, "bank": Decimal("0.2"), "placements": Decimal("0.2")}
FINANCING_INCOME = ("murabahah_income", "mudharabah_income", "musyarakah_income", "mmq_income", "fee_income")
OPERATING_COSTS = ("salary_expense", "operating_expense", "depreciation_expense", "other_expense")
FIGURE_LABELS = {
    "modal_sendiri": "Modal sendiri", "total_aset": "Total aset", "atmr": "Aset tertimbang menurut risiko (ATMR)",
    "total_pembiayaan": "Total pembiayaan", "pembiayaan_bermasalah": "Pembiayaan bermasalah (KL+D+M)", "pembiayaan_berisiko": "Pembiayaan berisiko (DPK+KL+D+M)",
    "ppap_dibentuk": "PPAP dibentuk", "ppap_wajib": "PPAP wajib dibentuk", "biaya_operasional": "Biaya operasional pelayanan",
    "partisipasi_bruto": "Partisipasi bruto", "aktiva_tetap": "Aktiva tetap (neto)", "biaya_karyawan": "Biaya karyawan", "kas_bank": "Kas dan bank",
    "kewajiban_lancar": "Kewajiban lancar", "dana_diterima": "Dana yang diterima", "shu": "SHU sebelum pajak", "pendapatan_usaha": "Pendapatan usaha",
    "biaya_usaha": "Biaya usaha", "simpanan_pokok_wajib": "Simpanan pokok dan wajib",
}


def _check_reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise PermissionDenied("peran ini tidak membaca penilaian kesehatan / this role does not read health assessments")


async def _balances(uow: UnitOfWork, coop: int, start: date, end: date) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Any]]:
    accounts = await ledger.chart(uow, coop, refresh=True)
    by_code = {a.code: a for a in accounts.values()}
    stock = await ledger.net_by_account(uow, coop, through=end, book="tamwil")
    flow = await ledger.net_by_account(uow, coop, since=start, through=end, book="tamwil")
    return stock, flow, by_code


def _sum(nets: dict[str, Decimal], by_code: dict[str, Any], *, kinds: tuple[str, ...] = (), keys: tuple[str, ...] = ()) -> Decimal:
    return sum((v for code, v in nets.items() if code in by_code and (by_code[code].kind in kinds or by_code[code].key in keys)), ZERO)


def _balance_sheet(stock: dict[str, Decimal], by_code: dict[str, Any]) -> dict[str, Decimal]:
    assets = _sum(stock, by_code, kinds=("asset", "contra_asset"))
    equity = -_sum(stock, by_code, kinds=("equity",)) - _sum(stock, by_code, kinds=("income", "expense"))
    atmr = sum((RISK_WEIGHTS.get(by_code[c].key or "", Decimal(1)) * v for c, v in stock.items() if c in by_code and by_code[c].kind in ("asset", "contra_asset")), ZERO)
    liabilities = -_sum(stock, by_code, kinds=("liability",))
    dpk = -_sum(stock, by_code, keys=("wadiah_savings", "mudharabah_savings", "mudharabah_deposits"))
    return {
        "total_aset": assets, "modal_sendiri": equity, "atmr": atmr,
        "ppap_dibentuk": -_sum(stock, by_code, keys=("ppap",)),
        "aktiva_tetap": _sum(stock, by_code, keys=("fixed_assets", "accumulated_depreciation")),
        "kas_bank": _sum(stock, by_code, keys=("cash", "teller_cash", "bank")),
        "kewajiban_lancar": liabilities - _sum(stock, by_code, keys=("mudharabah_savings",)),
        "dana_diterima": dpk + equity,
        "simpanan_pokok_wajib": -_sum(stock, by_code, keys=("simpanan_pokok", "simpanan_wajib")),
    }


def _income_statement(flow: dict[str, Decimal], by_code: dict[str, Any]) -> dict[str, Decimal]:
    income = -_sum(flow, by_code, kinds=("income",))
    costs = _sum(flow, by_code, kinds=("expense",))
    return {
        "pendapatan_usaha": income, "biaya_usaha": costs, "shu": income - costs,
        "partisipasi_bruto": -_sum(flow, by_code, keys=FINANCING_INCOME),
        "biaya_operasional": _sum(flow, by_code, keys=OPERATING_COSTS),
        "biaya_karyawan": _sum(flow, by_code, keys=("salary_expense",)),
    }


async def _portfolio(uow: UnitOfWork, coop: Cooperative, end: date) -> dict[str, Decimal]:
    snap = (
        await uow.session.execute(
            select(PortfolioSnapshot).where(PortfolioSnapshot.cooperative_id == coop.id, PortfolioSnapshot.business_date <= end).order_by(PortfolioSnapshot.business_date.desc()).limit(1)
        )
    ).scalar_one_or_none()
    t = FinancingContract
    rows = (await uow.session.execute(select(t.collectibility, t.outstanding_principal, t.collateral_value).where(t.cooperative_id == coop.id, t.status == "active"))).all()
    policy = policy_of(coop)
    wajib = sum((required_ppap(cls, o, col, policy) for cls, o, col in rows), ZERO)
    if snap is not None:
        by_class = json.loads(snap.by_class_json or "{}")
        at_risk = sum((Decimal(v["outstanding"]) for k, v in by_class.items() if k != "L"), ZERO)
        return {"total_pembiayaan": snap.outstanding, "pembiayaan_bermasalah": snap.non_performing, "pembiayaan_berisiko": at_risk, "ppap_wajib": wajib}
    total = sum((o for _, o, _ in rows), ZERO)
    npl = sum((o for cls, o, _ in rows if cls in NON_PERFORMING), ZERO)
    at_risk = sum((o for cls, o, _ in rows if cls != "L"), ZERO)
    return {"total_pembiayaan": total, "pembiayaan_bermasalah": npl, "pembiayaan_berisiko": at_risk, "ppap_wajib": wajib}


async def figures(uow: UnitOfWork, cooperative_id: int, start: date, end: date) -> dict[str, Decimal]:
    """Every figure the ratios need, for one cooperative and period (see the module docstring)."""
    if end < start:
        raise InvalidInput("akhir periode sebelum awal / period end before its start", field="period_end")
    coop = await uow.session.get(Cooperative, cooperative_id)
    if coop is None:
        raise NotFound("koperasi tidak ditemukan / cooperative not found")
    stock, flow, by_code = await _balances(uow, cooperative_id, start, end)
    return {**_balance_sheet(stock, by_code), **_income_statement(flow, by_code), **await _portfolio(uow, coop, end)}


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(f"bmt.services.{module}")
    except ImportError:
        return None


async def dps_finding_rules(uow: UnitOfWork, actor: Actor, start: date, end: date) -> set[str] | None:
    """The rule ids of the DPS review's findings over the period (bmt.services.dps), or None when that review
    is not installed or this role may not run it (then nothing is pre-filled)."""
    review = getattr(_optional("dps"), "review", None)
    if review is None:
        return None
    try:
        _, found = await review(uow, actor, f"{start.isoformat()}..{end.isoformat()}")
    except DomainError:
        return None
    return {p.rule for p in found.findings}


@dataclass(frozen=True, slots=True)
class Draft:
    """What the assessment form shows before saving: the computed figures and the pre-filled answers."""

    framework: str
    period_start: date
    period_end: date
    figures: dict[str, Decimal]
    answers: dict[str, bool]
    dps_available: bool
    result: scoring.HealthResult
    table: scoring.Table


async def draft(uow: UnitOfWork, actor: Actor, framework: str, start: date, end: date, answers: dict[str, bool] | None = None) -> Draft:
    """Compute a period's figures and score with the given (or DPS-prefilled) answers, without saving."""
    _check_reader(actor)
    table = scoring.default_table()
    table.framework(framework)
    figs = await figures(uow, actor.coop, start, end)
    rules = await dps_finding_rules(uow, actor, start, end)
    pre = scoring.prefill_sharia(table, rules)
    ans = {**pre, **(answers or {})}
    return Draft(framework, start, end, figs, ans, rules is not None, scoring.assess(table, framework, figs, ans), table)


async def save(uow: UnitOfWork, actor: Actor, framework: str, start: date, end: date, answers: dict[str, bool], note: str = "") -> HealthAssessment:
    """Score the period with the manager's answers and store it with the table it used."""
    if actor.role not in ASSESSORS:
        raise PermissionDenied("hanya manajer atau akuntan yang menyimpan penilaian / only a manager or accountant saves assessments")
    raw = scoring.default_raw()
    table = scoring.load_table(raw)
    figs = await figures(uow, actor.coop, start, end)
    result = scoring.assess(table, framework, figs, answers)
    a = HealthAssessment(
        cooperative_id=actor.coop, framework=framework, period_start=start, period_end=end, score_bp=int(result.score * 100), band=result.band,
        figures_json=json.dumps({k: str(v) for k, v in figs.items()}), answers_json=json.dumps(answers, sort_keys=True), table_json=json.dumps(raw),
        result_json=json.dumps(scoring.result_to_json(result)), note=note.strip()[:500], created_by=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(a)
    await uow.session.flush()
    await audit.record(uow, actor, "health.assess", f"health_assessment:{a.id}", {"framework": framework, "period_end": end.isoformat(), "score": str(result.score), "band": result.band})
    return a


def score_of(a: HealthAssessment) -> Decimal:
    return Decimal(a.score_bp) / 100


def result_of(a: HealthAssessment) -> scoring.HealthResult:
    """Re-score a stored assessment with its own stored table, figures and answers (never today's table)."""
    figs = {k: Decimal(v) for k, v in json.loads(a.figures_json).items()}
    return scoring.assess(scoring.load_table(json.loads(a.table_json)), a.framework, figs, json.loads(a.answers_json))


async def assessments(uow: UnitOfWork, cooperative_id: int, *, framework: str | None = None, limit: int = 24) -> list[HealthAssessment]:
    q = select(HealthAssessment).where(HealthAssessment.cooperative_id == cooperative_id)
    if framework:
        q = q.where(HealthAssessment.framework == framework)
    return list((await uow.session.execute(q.order_by(HealthAssessment.period_end.desc(), HealthAssessment.id.desc()).limit(limit))).scalars())


async def get(uow: UnitOfWork, cooperative_id: int, assessment_id: int) -> HealthAssessment:
    a = (await uow.session.execute(select(HealthAssessment).where(HealthAssessment.id == assessment_id, HealthAssessment.cooperative_id == cooperative_id))).scalar_one_or_none()
    if a is None:
        raise NotFound("penilaian tidak ditemukan / assessment not found")
    return a


async def for_staff(uow: UnitOfWork, actor: Actor, assessment_id: int) -> HealthAssessment:
    _check_reader(actor)
    return await get(uow, actor.coop, assessment_id)


async def latest_by_coop(uow: UnitOfWork, cooperative_ids: list[int]) -> dict[int, HealthAssessment]:
    """The most recent assessment of each cooperative (any framework)."""
    out: dict[int, HealthAssessment] = {}
    q = select(HealthAssessment).where(HealthAssessment.cooperative_id.in_(cooperative_ids or [-1])).order_by(HealthAssessment.period_end, HealthAssessment.id)
    for a in (await uow.session.execute(q)).scalars():
        out[a.cooperative_id] = a
    return out


def trend_svg(history: list[HealthAssessment], bands: tuple[scoring.Band, ...], width: int = 560, height: int = 200) -> str:
    """The score over periods as an inline SVG line chart, with the band floors as dashed lines."""
    pts = sorted(history, key=lambda a: (a.period_end, a.id))
    pad_l, pad_r, pad_t, pad_b = 36, 12, 12, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def y(score: Decimal) -> str:
        return f"{pad_t + h - float(score) * h / 100:.1f}"  # float-ok: drawing coordinates only

    def x(i: int) -> str:
        return f"{pad_l + (w * i / max(len(pts) - 1, 1) if len(pts) > 1 else w / 2):.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="Tren skor kesehatan" class="trend">']
    for b in bands:
        if b.at_least is not None:
            parts.append(f'<line x1="{pad_l}" x2="{pad_l + w}" y1="{y(b.at_least)}" y2="{y(b.at_least)}" stroke="#999" stroke-dasharray="4 3"/><text x="2" y="{y(b.at_least)}" font-size="10" dy="3">{b.at_least}</text>')
    line = " ".join(f"{x(i)},{y(score_of(a))}" for i, a in enumerate(pts))
    if pts:
        parts.append(f'<polyline fill="none" stroke="#0a6e4f" stroke-width="2" points="{line}"/>')
    for i, a in enumerate(pts):
        parts.append(f'<circle cx="{x(i)}" cy="{y(score_of(a))}" r="3" fill="#0a6e4f"><title>{a.period_end.isoformat()}: {score_of(a)}</title></circle>')
        parts.append(f'<text x="{x(i)}" y="{height - 8}" font-size="10" text-anchor="middle">{a.period_end.strftime("%m/%Y")}</text>')
        parts.append(f'<text x="{x(i)}" y="{float(y(score_of(a))) - 6:.1f}" font-size="10" text-anchor="middle">{score_of(a)}</text>')  # float-ok: drawing coordinates
    parts.append("</svg>")
    return "".join(parts)


async def sum_outstanding(uow: UnitOfWork, cooperative_id: int) -> Decimal:
    t = FinancingContract.__table__
    total = (await uow.session.execute(select(func.coalesce(func.sum(type_coerce(t.c.outstanding_principal, BigInteger)), 0)).where(t.c.cooperative_id == cooperative_id, t.c.status == "active"))).scalar_one()
    return from_sen(int(total))
