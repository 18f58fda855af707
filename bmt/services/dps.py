"""The DPS review: the §10 rules run over the books of a period, a sample of akad, and the signed opinion.

``books_for`` reads the plain facts the rules need (``bmt.compliance.facts``) with bounded, set-based queries:
contracts alive in the period with their events and schedule totals; savings products and only the
accounts whose nisbah looks wrong (the rule then decides); the chart; the income lines whose text mentions
ta'zir, denda, interest or non-halal; the zakat fund's outflows; the month's profit distributions (when that
module is installed); the amil share against the year's collections; the board on file.

``sign`` records a DPS member's opinion (opini DPS) on a period: their login, the date, the text, the
conclusion, and the SHA-256 of the report — the period's ledger figures (``statements.canonical``), the
findings, and the opinion itself. ``verify`` recomputes it, so anyone can see whether the books still say
what the DPS signed.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import BigInteger, func, or_, select, type_coerce

from bmt.compliance import rules
from bmt.compliance.facts import (
    AmilFact,
    Books,
    ChartFact,
    ContractFact,
    DisbursementFact,
    DistributionFact,
    EventFact,
    GovernanceFact,
    LineFact,
    SavingsAccountFact,
    SavingsProductFact,
)
from bmt.compliance.reporting_period import ReportPeriod
from bmt.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from bmt.money import ZERO, from_sen
from bmt.persistence.models import Cooperative, GlAccount, SavingsAccount, SavingsProduct, User
from bmt.persistence.models import JournalEntry as EntryRow
from bmt.persistence.models import JournalLine as LineRow
from bmt.persistence.models_financing import ContractEvent, ContractInstallment, FinancingContract
from bmt.persistence.models_governance import DpsOpinion
from bmt.services import audit, statements
from bmt.services.uow import Actor, UnitOfWork

CONCLUSIONS = {
    "sesuai": "Sesuai prinsip syariah",
    "sesuai_dengan_catatan": "Sesuai prinsip syariah dengan catatan",
    "tidak_sesuai": "Tidak sesuai prinsip syariah",
}
_TEXT_HINTS = ("tazir", "ta'zir", "denda", "bunga", "interest", "riba", "halal")
MIN_OPINION_CHARS = 20
SAMPLE_SIZE = 10


def _sen(expr: Any) -> Any:
    return type_coerce(expr, BigInteger)


def _terms(text: str) -> dict[str, Any]:
    try:
        out = json.loads(text or "{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


# ---------------------------------------------------------------------------------------------- facts


async def _contracts(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[ContractFact, ...]:
    c_ = FinancingContract
    alive = (c_.cooperative_id == coop, c_.applied_on <= p.through, or_(c_.closed_on.is_(None), c_.closed_on >= p.since))
    rows = list((await uow.session.execute(select(c_).where(*alive).order_by(c_.id))).scalars())
    ids = [c.id for c in rows]
    if not ids:
        return ()
    events: dict[int, list[EventFact]] = defaultdict(list)
    for e in (await uow.session.execute(select(ContractEvent).where(ContractEvent.contract_id.in_(select(c_.id).where(*alive))).order_by(ContractEvent.id))).scalars():
        events[e.contract_id].append(EventFact(e.kind, e.value_date, e.amount, _terms(e.payload_json), e.entry_id))
    i_ = ContractInstallment
    totals_q = select(i_.contract_id, i_.schedule_version, func.sum(_sen(i_.amount))).where(i_.contract_id.in_(select(c_.id).where(*alive)), i_.status != "superseded").group_by(i_.contract_id, i_.schedule_version)
    scheduled = {(cid, v): from_sen(int(s)) for cid, v, s in (await uow.session.execute(totals_q)).all()}
    income, repaid = await _contract_lines(uow, coop, p)
    return tuple(
        ContractFact(
            c.id, c.contract_no, c.kind, c.status, c.principal, c.selling_price, c.margin_total, c.down_payment, c.akad_date,
            _terms(c.terms_json), c.schedule_version, scheduled.get((c.id, c.schedule_version)), tuple(events.get(c.id, ())),
            income.get(f"contract:{c.id}", ZERO), repaid.get(f"contract:{c.id}", ZERO),
        )
        for c in rows
    )


async def _contract_lines(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Income credited in the period and all credits to a qardh receivable, per contract sub-ledger."""
    base = select(LineRow.subledger, func.sum(_sen(LineRow.amount))).join(GlAccount, GlAccount.id == LineRow.account_id).where(LineRow.cooperative_id == coop, LineRow.subledger.like("contract:%"))
    inc = base.where(GlAccount.kind == "income", LineRow.value_date >= p.since, LineRow.value_date <= p.through).group_by(LineRow.subledger)
    income = {s: -from_sen(int(v)) for s, v in (await uow.session.execute(inc)).all() if v}
    rep = base.where(GlAccount.key == "qardh_receivable", _sen(LineRow.amount) < 0, LineRow.value_date <= p.through).group_by(LineRow.subledger)
    repaid = {s: -from_sen(int(v)) for s, v in (await uow.session.execute(rep)).all() if v}
    return income, repaid


async def _savings(uow: UnitOfWork, coop: int) -> tuple[tuple[SavingsProductFact, ...], tuple[SavingsAccountFact, ...]]:
    prods = (await uow.session.execute(select(SavingsProduct).where(SavingsProduct.cooperative_id == coop).order_by(SavingsProduct.id))).scalars()
    products = tuple(SavingsProductFact(x.id, x.code, x.name, x.kind, x.nisbah_member_bps) for x in prods)
    a, pr = SavingsAccount, SavingsProduct
    # Only the accounts whose nisbah can break DEP-01/02 are read: a BMT has a million accounts.
    suspicious = or_(
        (pr.kind == "wadiah") & (a.nisbah_member_bps != 0),
        pr.kind.in_(("mudharabah", "deposito")) & ((a.nisbah_member_bps <= 0) | (a.nisbah_member_bps >= 10_000)),
    )
    q = select(a.id, a.account_no, pr.kind, a.nisbah_member_bps, a.status).join(pr, pr.id == a.product_id).where(a.cooperative_id == coop, a.status != "closed", suspicious).limit(1000)
    return products, tuple(SavingsAccountFact(*row) for row in (await uow.session.execute(q)).all())


async def _chart(uow: UnitOfWork, coop: int) -> tuple[ChartFact, ...]:
    rows = (await uow.session.execute(select(GlAccount).where(GlAccount.cooperative_id == coop).order_by(GlAccount.code))).scalars()
    return tuple(ChartFact(a.code, a.name, a.kind, a.book, a.key, a.is_cash) for a in rows)


async def _lines(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[LineFact, ...]:
    """Income lines whose text mentions ta'zir, interest or non-halal; every outflow of the zakat fund."""
    text = func.lower(func.coalesce(LineRow.memo, "") + " " + EntryRow.description + " " + EntryRow.source)
    hint = or_(*[text.like(f"%{h}%") for h in _TEXT_HINTS])
    cols = (LineRow.entry_id, LineRow.value_date, GlAccount.code, GlAccount.key, GlAccount.kind, GlAccount.book, LineRow.amount, LineRow.memo, EntryRow.source, EntryRow.description, LineRow.subledger)
    base = select(*cols).join(GlAccount, GlAccount.id == LineRow.account_id).join(EntryRow, EntryRow.id == LineRow.entry_id).where(LineRow.cooperative_id == coop, LineRow.value_date >= p.since, LineRow.value_date <= p.through)
    income = (await uow.session.execute(base.where(GlAccount.kind == "income", hint).limit(5000))).all()
    zakat = (await uow.session.execute(base.where(GlAccount.key == "zakat_fund", _sen(LineRow.amount) > 0).limit(5000))).all()
    groups: dict[int, set[str]] = defaultdict(set)
    entry_ids = {r[0] for r in zakat}
    if entry_ids:
        q = select(LineRow.entry_id, GlAccount.key).join(GlAccount, GlAccount.id == LineRow.account_id).where(LineRow.entry_id.in_(entry_ids))
        for eid, key in (await uow.session.execute(q)).all():
            groups[eid].add(key or "")
    return tuple(
        LineFact(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8] or "", r[9] or "", r[10], tuple(sorted(groups.get(r[0], ()))))
        for r in (*income, *zakat)
    )


def _floor_sen(text: str) -> Decimal:
    f = Fraction(text or "0")
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


async def _distributions(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[DistributionFact, ...] | None:
    """Each posted month's pools: B_j (+ carried in) against what was paid (None without the module)."""
    try:
        profit = importlib.import_module("bmt.persistence.models_profit")
    except ImportError:
        return None
    run, prod = profit.ProfitRun, profit.ProfitRunProduct
    q = (
        select(run.id, run.period, prod.code, prod.kind, prod.pool, prod.paid_total)
        .join(prod, prod.run_id == run.id)
        .where(run.cooperative_id == coop, run.kind == "distribution", run.status == "posted", run.since <= p.through, run.through >= p.since, prod.kind.in_(("mudharabah", "deposito")))
    )
    return tuple(DistributionFact(code, period, _floor_sen(pool), paid, f"profit_run:{rid}") for rid, period, code, _k, pool, paid in (await uow.session.execute(q)).all())


async def _credits(uow: UnitOfWork, coop: int, key: str, since: date, through: date, *, sources: tuple[str, ...] = (), with_debit_on: str | None = None) -> Decimal:
    """Net credits to one account in a window: by entries of some sources, or by entries that debit another."""
    q = (
        select(func.coalesce(func.sum(_sen(LineRow.amount)), 0))
        .select_from(LineRow)
        .join(GlAccount, GlAccount.id == LineRow.account_id)
        .join(EntryRow, EntryRow.id == LineRow.entry_id)
        .where(LineRow.cooperative_id == coop, GlAccount.key == key, LineRow.value_date >= since, LineRow.value_date <= through)
    )
    if sources:
        q = q.where(or_(*[EntryRow.source.like(f"{pre}{s}%") for s in sources for pre in ("", "reversal:")]))
    if with_debit_on is not None:
        other = select(LineRow.entry_id).join(GlAccount, GlAccount.id == LineRow.account_id).where(LineRow.cooperative_id == coop, GlAccount.key == with_debit_on, _sen(LineRow.amount) > 0, LineRow.value_date >= since, LineRow.value_date <= through)
        q = q.where(LineRow.entry_id.in_(other))
    return -from_sen(int((await uow.session.execute(q)).scalar_one()))


async def _amil(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[AmilFact, ...]:
    """The amil share taken from zakat and from unrestricted infaq in the financial year, against its cap."""
    zakat_cap, infaq_cap = Decimal("12.5"), Decimal(20)
    try:
        maal = importlib.import_module("bmt.services.maal")
        s = await maal.settings(uow, coop)
        zakat_cap = s.collect_only_cap_percent if s.collect_only else s.amil_cap_percent
        infaq_cap = s.infaq_amil_cap_percent
    except ImportError:
        pass
    since = date(p.through.year, 1, 1)
    out = []
    for fund, sources, cap in (("zakat_fund", ("maal:zakat_receipt:", "maal:coop_zakat:"), zakat_cap), ("infaq_fund", ("maal:infaq_receipt:",), infaq_cap)):
        collected = await _credits(uow, coop, fund, since, p.through, sources=sources)
        taken = await _credits(uow, coop, "amil_fund", since, p.through, with_debit_on=fund)
        if collected or taken:
            out.append(AmilFact(fund, collected, taken, cap, (f"gl:{fund}", "gl:amil_fund")))
    return tuple(out)


async def _disbursements(uow: UnitOfWork, coop: int, p: ReportPeriod) -> tuple[DisbursementFact, ...] | None:
    try:
        maal_models = importlib.import_module("bmt.persistence.models_maal")
    except ImportError:
        return None
    d = maal_models.MaalDisbursement
    q = select(d).where(d.cooperative_id == coop, d.status == "paid", d.value_date >= p.since, d.value_date <= p.through)
    return tuple(DisbursementFact(x.id, x.proposal_no, x.fund, x.use, x.status, x.amount) for x in (await uow.session.execute(q)).scalars())


def governance_settings(coop: Cooperative) -> dict[str, Any]:
    """``settings_json["governance"]``: the minimum number of DPS members and the zakat authorisation."""
    raw = json.loads(coop.settings_json or "{}").get("governance", {})
    return {"min_dps_members": int(raw.get("min_dps_members", 1)), "zakat_authorisation": str(raw.get("zakat_authorisation", ""))}


async def save_governance(uow: UnitOfWork, actor: Actor, *, min_dps_members: int | None = None, zakat_authorisation: str | None = None) -> dict[str, Any]:
    """Record the board size the articles require and the Baitul Maal's UPZ/LAZ authorisation (admin, manager)."""
    if actor.role not in ("admin", "manager"):
        raise PermissionDenied("hanya admin atau manajer / admin or manager only")
    coop = (await uow.session.execute(select(Cooperative).where(Cooperative.id == actor.coop).with_for_update())).scalar_one()
    doc = json.loads(coop.settings_json or "{}")
    before = governance_settings(coop)
    new = dict(before)
    if min_dps_members is not None:
        if not 1 <= min_dps_members <= 9:
            raise InvalidInput("jumlah minimal DPS 1..9 / minimum board size 1..9", field="min_dps_members")
        new["min_dps_members"] = min_dps_members
    if zakat_authorisation is not None:
        new["zakat_authorisation"] = zakat_authorisation.strip()[:300]
    doc["governance"] = new
    coop.settings_json = json.dumps(doc, sort_keys=True)
    await audit.record(uow, actor, "governance.settings", f"cooperative:{coop.id}", {"from": before, "to": new})
    return new


async def _governance(uow: UnitOfWork, coop_id: int, p: ReportPeriod) -> GovernanceFact:
    coop = await uow.session.get(Cooperative, coop_id)
    g = governance_settings(coop)
    dps = (await uow.session.execute(select(func.count()).select_from(User).where(User.cooperative_id == coop_id, User.role == "dps", User.active.is_(True)))).scalar_one()
    collected = await _credits(uow, coop_id, "zakat_fund", p.since, p.through, sources=("maal:zakat_receipt:",))
    return GovernanceFact(int(dps), g["min_dps_members"], collected, g["zakat_authorisation"])


async def books_for(uow: UnitOfWork, coop: int, p: ReportPeriod) -> Books:
    """Every fact the rules read, for one cooperative and one period."""
    products, accounts = await _savings(uow, coop)
    return Books(
        contracts=await _contracts(uow, coop, p), savings_products=products, savings_accounts=accounts, chart=await _chart(uow, coop),
        lines=await _lines(uow, coop, p), distributions=await _distributions(uow, coop, p), amil=await _amil(uow, coop, p),
        disbursements=await _disbursements(uow, coop, p), governance=await _governance(uow, coop, p),
    )


# ---------------------------------------------------------------------------------------------- the review


def _can_review(actor: Actor) -> None:
    actor.require("audit.read")


async def review(uow: UnitOfWork, actor: Actor, period: str) -> tuple[ReportPeriod, rules.Review]:
    """The findings of every rule over a period's books (DPS, admin, manager, accountant)."""
    _can_review(actor)
    p = ReportPeriod.parse(period)
    return p, rules.review(await books_for(uow, actor.coop, p))


@dataclass(frozen=True, slots=True)
class AkadSample:
    contract_id: int
    contract_no: str
    kind: str
    member_id: int
    akad_date: date | None
    principal: Decimal
    selling_price: Decimal
    status: str


async def akad_sample(uow: UnitOfWork, actor: Actor, period: str, size: int = SAMPLE_SIZE) -> list[AkadSample]:
    """A sample of the akad signed in the period: evenly spread over them (the same sample every time)."""
    _can_review(actor)
    p = ReportPeriod.parse(period)
    c_ = FinancingContract
    q = select(c_).where(c_.cooperative_id == actor.coop, c_.akad_date >= p.since, c_.akad_date <= p.through).order_by(c_.akad_date, c_.id).limit(10_000)
    rows = list((await uow.session.execute(q)).scalars())
    step = max(1, len(rows) // max(1, size))
    picked = rows[::step][:size]
    return [AkadSample(c.id, c.contract_no, c.kind, c.member_id, c.akad_date, c.principal, c.selling_price, c.status) for c in picked]


# ---------------------------------------------------------------------------------------------- opinions


def _findings_json(findings: tuple[Problem, ...]) -> list[dict[str, Any]]:
    return [{**asdict(f), "refs": list(f.refs)} for f in findings]


def report_hash(coop_id: int, p: ReportPeriod, figures: dict[str, Any], findings: list[dict[str, Any]], conclusion: str, text: str, signer: str, signed_on: date) -> str:
    """SHA-256 of the canonical report: the period's figures, the findings and the signed opinion."""
    doc = {
        "cooperative": coop_id, "period": p.label, "since": p.since.isoformat(), "through": p.through.isoformat(), "figures": figures,
        "findings": findings, "conclusion": conclusion, "opinion": text, "signer": signer, "signed_on": signed_on.isoformat(),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


async def sign(uow: UnitOfWork, actor: Actor, period: str, conclusion: str, text: str) -> DpsOpinion:
    """A DPS member signs their opinion on a period (once per member and period).

    Raises:
        PermissionDenied: anyone but a DPS member.
        InvalidInput: an unknown conclusion or an opinion too short to say anything.
        Conflict: this member already signed this period.
    """
    if actor.role != "dps":
        raise PermissionDenied("hanya anggota DPS yang menandatangani opini syariah / only a DPS member signs the opinion")
    if conclusion not in CONCLUSIONS:
        raise InvalidInput(f"kesimpulan: {', '.join(CONCLUSIONS)} / unknown conclusion", field="conclusion")
    body = " ".join((text or "").split())
    if len(body) < MIN_OPINION_CHARS:
        raise InvalidInput(f"opini minimal {MIN_OPINION_CHARS} huruf / the opinion is too short", field="text")
    p, result = await review(uow, actor, period)
    q = select(DpsOpinion.id).where(DpsOpinion.cooperative_id == actor.coop, DpsOpinion.period == p.label, DpsOpinion.signed_by == actor.user_id)
    if (await uow.session.execute(q)).scalar_one_or_none() is not None:
        raise Conflict(f"Anda sudah menandatangani opini periode {p.label} / already signed", field="period")
    figures = statements.canonical(await statements.gather(uow, actor, p))
    findings = _findings_json(result.findings)
    today = uow.business_date()
    digest = report_hash(actor.coop, p, figures, findings, conclusion, body, actor.username, today)
    op = DpsOpinion(
        cooperative_id=actor.coop, period=p.label, since=p.since, through=p.through, conclusion=conclusion, text=body,
        findings_json=json.dumps(findings, ensure_ascii=False), signed_by=actor.user_id, signer_username=actor.username,
        signer_name=actor.name, signed_on=today, signed_at=uow.now(), report_hash=digest,
    )
    uow.session.add(op)
    await uow.session.flush()
    await audit.record(uow, actor, "dps.opinion", f"dps_opinion:{op.id}", {"period": p.label, "conclusion": conclusion, "report_hash": digest, "findings": len(findings)})
    return op


async def opinions(uow: UnitOfWork, actor: Actor, period: str | None = None) -> list[DpsOpinion]:
    actor.require("ledger.read")
    q = select(DpsOpinion).where(DpsOpinion.cooperative_id == actor.coop).order_by(DpsOpinion.signed_at.desc(), DpsOpinion.id.desc()).limit(100)
    if period:
        q = q.where(DpsOpinion.period == ReportPeriod.parse(period).label)
    return list((await uow.session.execute(q)).scalars())


async def get_opinion(uow: UnitOfWork, actor: Actor, opinion_id: int) -> DpsOpinion:
    actor.require("ledger.read")
    op = (await uow.session.execute(select(DpsOpinion).where(DpsOpinion.id == opinion_id, DpsOpinion.cooperative_id == actor.coop))).scalar_one_or_none()
    if op is None:
        raise NotFound("opini DPS tidak ditemukan / opinion not found")
    return op


async def verify(uow: UnitOfWork, actor: Actor, op: DpsOpinion) -> bool:
    """Whether the books still give the report the DPS signed (the same hash over today's figures)."""
    p = ReportPeriod.parse(op.period)
    figures = statements.canonical(await statements.gather(uow, actor, p))
    return report_hash(op.cooperative_id, p, figures, json.loads(op.findings_json), op.conclusion, op.text, op.signer_username, op.signed_on) == op.report_hash


def findings_of(op: DpsOpinion) -> list[dict[str, Any]]:
    return json.loads(op.findings_json or "[]")

