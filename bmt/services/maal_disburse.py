"""Distribution: proposals to pay out of a fund, approved by a second person (maker–checker), and qardhul hasan.

Kinds of proposal:

* ``zakat``: to a mustahik of one of the eight asnaf (from the registry, or named with an asnaf) — ZIS-04;
* ``spending``: out of infaq, a restricted fund (only for its purpose), the amil fund (its operating costs),
  the non-halal or kebajikan fund (social uses) — ZIS-01; nothing pays loan-loss allowances — ZIS-03;
* ``qardhul_hasan``: a benevolent loan out of the kebajikan fund, repaid at the principal (QRD-01).

A proposal is checked against the rules and balances when it is made (so a wrong one is refused at once),
and again under the cooperative's lock when it is approved, which is when the money moves: from the maal
book's cash or bank, or into the beneficiary's savings account (maal: Cr maal_cash / maal_bank; tamwil: Dr
cash / bank, Cr the savings account). ``channel`` is the maal account paid from; ``savings_account_id`` set
means the money was credited to that account.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select

from bmt.auth.roles import check_four_eyes
from bmt.errors import Conflict, InvalidInput, NotFound
from bmt.ledger import JournalEntry, Posting, entry
from bmt.money import ZERO
from bmt.persistence.models_maal import MaalDisbursement, MaalMustahik
from bmt.services import audit, ledger, maal, savings, teller
from bmt.services.maal_collect import get_mustahik
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import Asnaf, Fund, FundBook, FundRef, FundUse, parse_asnaf

KINDS = ("zakat", "spending", "qardhul_hasan")
PREFIX = {"zakat": "PZ", "spending": "PD", "qardhul_hasan": "QH"}
KIND_LABELS = {"zakat": "Penyaluran zakat", "spending": "Penggunaan dana", "qardhul_hasan": "Qardhul hasan"}
STATUS_LABELS = {"proposed": "Menunggu persetujuan", "paid": "Dibayarkan", "rejected": "Ditolak", "settled": "Lunas"}
USE_LABELS = {
    FundUse.SOCIAL.value: "Sosial / kemaslahatan umum",
    FundUse.RESTRICTED_PURPOSE.value: "Sesuai tujuan dana terikat",
    FundUse.AMIL_OPERATIONS.value: "Operasional amil",
    FundUse.LOSS_COVERAGE.value: "Menutup kerugian / PPAP pembiayaan",
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """What a maker proposes. ``fund`` is a fund key; ``purpose`` names the restricted fund; ``use`` what it pays."""

    kind: str
    amount: Decimal
    fund: str = Fund.ZAKAT.value
    purpose: str | None = None
    use: str = ""
    mustahik_id: int | None = None
    asnaf: str | None = None
    beneficiary: str = ""
    paid_from: str = "maal_cash"
    savings_account_id: int | None = None
    description: str = ""


def _fund_ref(fund: str, purpose: str | None) -> FundRef:
    try:
        f = Fund(fund)
    except ValueError:
        raise InvalidInput(f"dana tidak dikenal: {fund} / unknown fund", field="fund") from None
    return FundRef(f, purpose if f is Fund.INFAQ_RESTRICTED else None)


def _use(use: str) -> FundUse:
    try:
        return FundUse(use)
    except ValueError:
        raise InvalidInput(f"penggunaan: {', '.join(u.value for u in FundUse)} / unknown use", field="use") from None


def _run(book: FundBook, d: MaalDisbursement, today, source: str) -> JournalEntry:  # noqa: ANN001
    """The entry that pays ``d`` from ``book`` (every rule of the pure engine applies here)."""
    if d.kind == "zakat":
        _, je = book.distribute_zakat(today, d.asnaf or "", d.amount, mustahik=d.beneficiary, paid_from=d.channel, source=source)
    elif d.kind == "qardhul_hasan":
        _, je = book.lend_qardhul_hasan(today, d.proposal_no, d.amount, paid_from=d.channel, source=source)
    else:
        ref = _fund_ref(d.fund, d.purpose)
        desc = d.description or f"{USE_LABELS.get(d.use, d.use)}: {d.beneficiary}".strip(": ")
        _, je = book.spend(today, ref, d.amount, use=_use(d.use), purpose=d.purpose, paid_from=d.channel, description=desc[:300], source=source)
    return je


async def _beneficiary(uow: UnitOfWork, actor: Actor, p: Proposal) -> tuple[str, str | None, MaalMustahik | None]:
    """(name, asnaf tag, mustahik) for a proposal; zakat needs one of the eight asnaf (ZIS-04)."""
    m = await get_mustahik(uow, actor, p.mustahik_id) if p.mustahik_id is not None else None
    name = (m.name if m else p.beneficiary.strip())[:200]
    asnaf = None
    if p.kind == "zakat":
        given = parse_asnaf(p.asnaf) if p.asnaf else None
        if m is not None and given is not None and given.value != m.asnaf:
            raise InvalidInput(f"mustahik terdaftar sebagai {m.asnaf}, bukan {given.value} / asnaf differs from the registry", field="asnaf")
        tag = given or (parse_asnaf(m.asnaf) if m else None)
        if tag is None:
            raise InvalidInput("penyaluran zakat memerlukan mustahik atau asnaf / zakat needs a mustahik or an asnaf", field="asnaf")
        if m is not None and not m.active:
            raise Conflict("mustahik tidak aktif / mustahik inactive", field="mustahik_id")
        asnaf = tag.value
    if not name:
        raise InvalidInput("penerima wajib disebut / the beneficiary is required", field="beneficiary")
    return name, asnaf, m


async def propose(uow: UnitOfWork, actor: Actor, p: Proposal) -> MaalDisbursement:
    """Record a proposal after checking it against the rules and today's balances (nothing moves yet).

    Raises:
        ShariaViolation: zakat to a non-asnaf (ZIS-04) or to amil (ZIS-02); a fund paying for a use it may
            not (ZIS-01); zakat for loan losses (ZIS-03).
        InsufficientBalance: the fund (not any other) cannot cover the amount.
    """
    actor.require("maal.distribute")
    if p.kind not in KINDS:
        raise InvalidInput("jenis: zakat, spending atau qardhul_hasan / kind must be zakat, spending or qardhul_hasan", field="kind")
    amount = teller.require_positive(p.amount)
    if p.paid_from not in ("maal_cash", "maal_bank"):
        raise InvalidInput("dibayar dari maal_cash atau maal_bank / paid_from must be maal_cash or maal_bank", field="paid_from")
    fund = {"zakat": Fund.ZAKAT.value, "qardhul_hasan": Fund.KEBAJIKAN.value}.get(p.kind, p.fund)
    ref = _fund_ref(fund, p.purpose)
    use = {"zakat": FundUse.ASNAF.value, "qardhul_hasan": "qardhul_hasan"}.get(p.kind) or _use(p.use).value
    name, asnaf, m = await _beneficiary(uow, actor, p)
    if p.savings_account_id is not None:
        await savings.get_account(uow, actor, p.savings_account_id)
    today = uow.business_date()
    d = MaalDisbursement(
        cooperative_id=actor.coop, proposal_no="tmp", kind=p.kind, fund=ref.fund.value, purpose=ref.purpose, use=use, asnaf=asnaf,
        mustahik_id=m.id if m else None, beneficiary=name, amount=amount, channel=p.paid_from,
        savings_account_id=p.savings_account_id, description=p.description.strip()[:300], status="proposed", maker_id=actor.user_id,
        decision_note="", created_at=uow.now(),
    )
    book, _ = await maal.fund_book(uow, actor.coop, today)
    # The fund's rules and balance are checked now; the cash itself only when the payment is approved (the
    # business book may still hold money collected for the maal book).
    cash = {**book.balances, (d.channel, None): book.balance(d.channel) + amount}
    _run(replace(book, balances=cash), d, today, "check")
    uow.session.add(d)
    await uow.session.flush()
    d.proposal_no = f"{PREFIX[p.kind]}-{today.year}-{d.id:06d}"
    await audit.record(uow, actor, "maal.propose", f"maal_disbursement:{d.id}", {"kind": p.kind, "fund": d.fund, "purpose": d.purpose, "use": use, "asnaf": asnaf, "amount": str(amount), "beneficiary": name})
    return d


async def _locked(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> MaalDisbursement:
    d = (await uow.session.execute(select(MaalDisbursement).where(MaalDisbursement.id == disbursement_id, MaalDisbursement.cooperative_id == actor.coop).with_for_update())).scalar_one_or_none()
    if d is None:
        raise NotFound("usulan penyaluran tidak ditemukan / proposal not found")
    return d


async def approve(uow: UnitOfWork, actor: Actor, disbursement_id: int, note: str = "") -> MaalDisbursement:
    """A checker (not the maker) approves: the payment is posted now, under the rules and today's balances."""
    actor.require("maal.approve")
    await maal.lock(uow, actor)
    d = await _locked(uow, actor, disbursement_id)
    if d.status != "proposed":
        raise Conflict(f"usulan sudah {STATUS_LABELS.get(d.status, d.status).lower()} / proposal already {d.status}")
    check_four_eyes(d.maker_id, actor.user_id, "penyaluran dana")
    today = uow.business_date()
    book, _ = await maal.fund_book(uow, actor.coop, today)
    je = _run(book, d, today, f"{maal.SOURCE_PREFIX}{_event(d)}:{d.proposal_no}")
    d.entry_id = await ledger.post(uow, actor, je, checker_id=actor.user_id)
    if d.savings_account_id is not None:
        d.tamwil_entry_id = await _credit_savings(uow, actor, d, today)
    d.status, d.checker_id, d.decided_at, d.decision_note, d.value_date = "paid", actor.user_id, uow.now(), note.strip()[:300], today
    await audit.record(uow, actor, "maal.approve", f"maal_disbursement:{d.id}", {"entry_id": d.entry_id, "tamwil_entry_id": d.tamwil_entry_id, "note": note})
    return d


def _event(d: MaalDisbursement) -> str:
    return {"zakat": "zakat_distribution", "qardhul_hasan": "qh_loan"}.get(d.kind, "spending")


async def _credit_savings(uow: UnitOfWork, actor: Actor, d: MaalDisbursement, today) -> int:  # noqa: ANN001
    """tamwil: Dr cash or bank (the maal's money arrives in the business book) / Cr the beneficiary's savings."""
    acc = (await savings._lock_accounts(uow, actor, d.savings_account_id))[d.savings_account_id]  # noqa: SLF001
    prod = await savings._product(uow, actor.coop, acc.product_id)  # noqa: SLF001
    if prod.kind == "deposito":
        raise Conflict("penyaluran tidak dapat ke deposito / cannot pay into a deposit", field="savings_account_id")
    savings._check_usable(acc, for_debit=False)  # noqa: SLF001
    acc.balance += d.amount
    acc.last_activity_on = today
    cash = "bank" if d.channel == "maal_bank" else "cash"
    je = entry(today, f"{KIND_LABELS[d.kind]} {d.proposal_no} ke {acc.account_no}", Posting.debit(cash, d.amount), Posting.credit(savings.CONTROL[prod.kind], d.amount, subledger=savings.sub(acc.id)), source=f"maal-payment:{d.proposal_no}")
    return await ledger.post(uow, actor, je, checker_id=actor.user_id)


async def reject(uow: UnitOfWork, actor: Actor, disbursement_id: int, note: str) -> MaalDisbursement:
    """A checker rejects a proposal, with a reason."""
    actor.require("maal.approve")
    if not note.strip():
        raise InvalidInput("alasan penolakan wajib diisi / a reason is required", field="note")
    d = await _locked(uow, actor, disbursement_id)
    if d.status != "proposed":
        raise Conflict(f"usulan sudah {STATUS_LABELS.get(d.status, d.status).lower()} / proposal already {d.status}")
    d.status, d.checker_id, d.decided_at, d.decision_note = "rejected", actor.user_id, uow.now(), note.strip()[:300]
    await audit.record(uow, actor, "maal.reject", f"maal_disbursement:{d.id}", {"note": note})
    return d


async def get(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> MaalDisbursement:
    d = (await uow.session.execute(select(MaalDisbursement).where(MaalDisbursement.id == disbursement_id, MaalDisbursement.cooperative_id == actor.coop))).scalar_one_or_none()
    if d is None:
        raise NotFound("usulan penyaluran tidak ditemukan / proposal not found")
    return d


async def proposals(uow: UnitOfWork, actor: Actor, *, status: str | None = None, kind: str | None = None, limit: int = 100) -> list[MaalDisbursement]:
    q = select(MaalDisbursement).where(MaalDisbursement.cooperative_id == actor.coop)
    if status:
        q = q.where(MaalDisbursement.status == status)
    if kind:
        q = q.where(MaalDisbursement.kind == kind)
    return list((await uow.session.execute(q.order_by(MaalDisbursement.id.desc()).limit(limit))).scalars())


# ---------------------------------------------------------------------------------------------- qardhul hasan


async def qh_outstanding(uow: UnitOfWork, actor: Actor, d: MaalDisbursement) -> Decimal:
    """The principal a qardhul hasan borrower still owes (from the ``qh:<proposal_no>`` sub-ledger)."""
    if d.kind != "qardhul_hasan" or d.status == "proposed" or d.status == "rejected":
        return ZERO
    return await ledger.subledger_balance(uow, actor.coop, f"qh:{d.proposal_no}", ["qardhul_hasan_receivable"])


async def _loan(uow: UnitOfWork, actor: Actor, disbursement_id: int) -> MaalDisbursement:
    d = await _locked(uow, actor, disbursement_id)
    if d.kind != "qardhul_hasan" or d.status not in ("paid", "settled"):
        raise Conflict("bukan qardhul hasan yang sudah dicairkan / not a disbursed qardhul hasan")
    return d


async def repay_qardhul_hasan(uow: UnitOfWork, actor: Actor, disbursement_id: int, amount: Decimal, *, received_in: str = "maal_cash") -> int:
    """A borrower repays qardhul hasan principal into the maal book (never more than is owed: QRD-01)."""
    actor.require("maal.distribute")
    await maal.lock(uow, actor)
    d = await _loan(uow, actor, disbursement_id)
    today = uow.business_date()
    book, _ = await maal.fund_book(uow, actor.coop, today)
    _, je = book.repay_qardhul_hasan(today, d.proposal_no, amount, received_in=received_in, source=f"{maal.SOURCE_PREFIX}qh_repayment:{d.proposal_no}")
    eid = await ledger.post(uow, actor, je)
    if book.qardh_outstanding(d.proposal_no) - je.total == 0:
        d.status = "settled"
    await audit.record(uow, actor, "maal.qh.repay", f"maal_disbursement:{d.id}", {"amount": str(je.total), "entry_id": eid})
    return eid


async def forgive_qardhul_hasan(uow: UnitOfWork, actor: Actor, disbursement_id: int, amount: Decimal | None = None, *, reason: str) -> int:
    """Write off what a borrower unable to pay still owes, from the kebajikan fund (a manager decides)."""
    actor.require("maal.approve")
    if not reason.strip():
        raise InvalidInput("alasan pembebasan wajib diisi / a reason is required", field="reason")
    await maal.lock(uow, actor)
    d = await _loan(uow, actor, disbursement_id)
    today = uow.business_date()
    book, _ = await maal.fund_book(uow, actor.coop, today)
    owed = book.qardh_outstanding(d.proposal_no)
    _, je = book.forgive_qardhul_hasan(today, d.proposal_no, owed if amount is None else amount, source=f"{maal.SOURCE_PREFIX}qh_forgiveness:{d.proposal_no}")
    eid = await ledger.post(uow, actor, je)
    if owed - je.total == 0:
        d.status = "settled"
    await audit.record(uow, actor, "maal.qh.forgive", f"maal_disbursement:{d.id}", {"amount": str(je.total), "reason": reason, "entry_id": eid})
    return eid


__all__ = ["Asnaf", "KINDS", "Proposal", "approve", "forgive_qardhul_hasan", "propose", "proposals", "reject", "repay_qardhul_hasan"]
