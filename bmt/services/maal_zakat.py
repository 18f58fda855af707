"""Zakat that needs the database: the cooperative's own zakat from its ledger, a muzakki's haul, and the BAZNAS
income nisab years an admin adds on top of the shipped table.

The cooperative's own zakat (domain.md §5), by the method its articles choose (a setting):

* working capital: (current assets − current liabilities) × 2.5% when at least the gold nisab. Current assets
  are the business book's asset and contra-asset accounts except fixed assets (group 13); current
  liabilities are its liabilities and the temporary syirkah funds (depositors' money is not the
  cooperative's wealth);
* SHU: 2.5% of the year's income − expense (before the zakat expense itself).

Posting: tamwil Dr zakat_expense / Cr zakat_payable; maal Dr due_from_tamwil / Cr zakat_fund (counted as
zakat collected for the amil cap). A year is posted once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bmt.dates import to_hijri
from bmt.errors import Conflict, InvalidInput
from bmt.ledger import Posting, entry
from bmt.ledger.accounts import AccountType
from bmt.money import ZERO, rupiah
from bmt.persistence.models import GlAccount
from bmt.persistence.models_maal import MaalCoopZakat, ZakatNisabYear
from bmt.services import audit, ledger, maal
from bmt.services.uow import Actor, UnitOfWork
from bmt.zakat import (
    DEFAULT_INCOME_NISAB,
    CooperativeZakatMethod,
    IncomeNisabTable,
    ZakatAssessment,
    haul_end,
    income_nisab_from_annual,
    merge_income_nisab,
    receive_zakat,
    zakat_koperasi,
)

CURRENT_ASSET_KINDS = (AccountType.ASSET.value, AccountType.CONTRA_ASSET.value)
CURRENT_LIABILITY_KINDS = (AccountType.LIABILITY.value, AccountType.TEMPORARY_SYIRKAH.value)
NON_CURRENT_PREFIX = "13"  # aset tetap and its depreciation


# ---------------------------------------------------------------------------------------------- own zakat


@dataclass(frozen=True, slots=True)
class CoopZakatPreview:
    year: int
    method: str
    as_of: date
    current_assets: Decimal
    current_liabilities: Decimal
    shu: Decimal
    gold_price: Decimal
    assessment: ZakatAssessment
    posted: MaalCoopZakat | None


async def _ledger_figures(uow: UnitOfWork, coop: int, year: int, as_of: date) -> tuple[Decimal, Decimal, Decimal]:
    """(current assets, current liabilities, SHU before zakat) of the business book."""
    nets = await ledger.net_by_account(uow, coop, through=as_of, book="tamwil")
    year_nets = await ledger.net_by_account(uow, coop, since=date(year, 1, 1), through=as_of, book="tamwil")
    kinds = {code: (kind, key) for code, kind, key in (await uow.session.execute(select(GlAccount.code, GlAccount.kind, GlAccount.key).where(GlAccount.cooperative_id == coop, GlAccount.book == "tamwil"))).all()}
    assets = liabilities = shu = ZERO
    for code, (kind, key) in kinds.items():
        if kind in CURRENT_ASSET_KINDS and not code.startswith(NON_CURRENT_PREFIX):
            assets += nets.get(code, ZERO)
        elif kind in CURRENT_LIABILITY_KINDS:
            liabilities -= nets.get(code, ZERO)
        elif kind == AccountType.INCOME.value:
            shu -= year_nets.get(code, ZERO)
        elif kind == AccountType.EXPENSE.value and key != "zakat_expense":
            shu -= year_nets.get(code, ZERO)
    return assets, liabilities, shu


async def preview_coop_zakat(uow: UnitOfWork, actor: Actor, year: int, *, as_of: date | None = None, gold_price: Decimal | None = None, method: str | None = None) -> CoopZakatPreview:
    """The cooperative's zakat for ``year`` computed from its ledger (nothing is posted)."""
    actor.require("maal.distribute")
    today = uow.business_date()
    if not 2000 <= year <= today.year:
        raise InvalidInput("tahun tidak valid / invalid year", field="year")
    as_of = as_of or min(date(year, 12, 31), today)
    if as_of.year != year:
        raise InvalidInput("tanggal posisi harus di tahun yang sama / as_of must fall in the year", field="as_of")
    s = await maal.settings(uow, actor.coop)
    chosen = method or s.coop_zakat_method
    try:
        m = CooperativeZakatMethod(chosen)
    except ValueError:
        raise InvalidInput("metode: working_capital atau shu / method must be working_capital or shu", field="method") from None
    price = rupiah(gold_price, allow_zero=False) if gold_price is not None else s.gold_price
    assets, liabilities, shu = await _ledger_figures(uow, actor.coop, year, as_of)
    assessment = zakat_koperasi(m, current_assets=assets, current_liabilities=liabilities, gold_price_per_gram=price, shu=shu)
    posted = (await uow.session.execute(select(MaalCoopZakat).where(MaalCoopZakat.cooperative_id == actor.coop, MaalCoopZakat.year == year))).scalar_one_or_none()
    return CoopZakatPreview(year, m.value, as_of, assets, liabilities, shu, price, assessment, posted)


async def post_coop_zakat(uow: UnitOfWork, actor: Actor, year: int, *, as_of: date | None = None, gold_price: Decimal | None = None, method: str | None = None) -> MaalCoopZakat:
    """Compute and post the cooperative's own zakat for ``year`` (once), in both books.

    Raises:
        Conflict: the year is already posted, or no zakat is due.
    """
    actor.require("maal.approve")
    await maal.lock(uow, actor)
    p = await preview_coop_zakat(uow, actor, year, as_of=as_of, gold_price=gold_price, method=method)
    if p.posted is not None:
        raise Conflict(f"zakat koperasi tahun {year} sudah dibukukan / already posted", field="year")
    a = p.assessment
    if not a.obligated or a.zakat_due <= 0:
        raise Conflict(f"zakat koperasi tahun {year} tidak wajib: basis {a.basis} di bawah nisab {a.nisab} / no zakat due", field="year")
    today = uow.business_date()
    tamwil_id = await ledger.post(uow, actor, entry(today, f"Zakat koperasi tahun {year} ({p.method})", Posting.debit("zakat_expense", a.zakat_due), Posting.credit("zakat_payable", a.zakat_due), source=f"coop-zakat:{year}"))
    maal_id = await ledger.post(uow, actor, receive_zakat(today, a.zakat_due, received_in="due_from_tamwil", muzakki="Koperasi", source=f"{maal.SOURCE_PREFIX}coop_zakat:{year}"))
    detail = {"current_assets": str(p.current_assets), "current_liabilities": str(p.current_liabilities), "shu": str(p.shu), "gold_price": str(p.gold_price)}
    row = MaalCoopZakat(
        cooperative_id=actor.coop, year=year, method=p.method, as_of=p.as_of, basis=a.basis if a.basis >= 0 else ZERO, nisab=a.nisab, zakat_due=a.zakat_due,
        detail_json=json.dumps(detail), tamwil_entry_id=tamwil_id, maal_entry_id=maal_id, created_by=actor.user_id, created_at=uow.now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    await audit.record(uow, actor, "maal.coop_zakat", f"maal_coop_zakat:{row.id}", {"year": year, "method": p.method, "zakat_due": str(a.zakat_due), **detail})
    return row


# ---------------------------------------------------------------------------------------------- haul


@dataclass(frozen=True, slots=True)
class Haul:
    """A muzakki's haul: from the day their wealth reached the nisab to the same Hijri day a year later."""

    start: date
    due: date
    start_hijri: str
    due_hijri: str
    complete: bool
    days_left: int


def haul_of(start: date, today: date) -> Haul:
    """The haul for wealth held since ``start``, as of ``today``."""
    due = haul_end(start)
    return Haul(start, due, str(to_hijri(start)), str(to_hijri(due)), today >= due, max((due - today).days, 0))


# ---------------------------------------------------------------------------------------------- nisab years


async def added_nisab_years(uow: UnitOfWork) -> list[ZakatNisabYear]:
    return list((await uow.session.execute(select(ZakatNisabYear).order_by(ZakatNisabYear.year))).scalars())


async def income_nisab_table(uow: UnitOfWork) -> IncomeNisabTable:
    """The shipped BAZNAS table with the years admins added (an added year replaces a shipped one)."""
    rows = await added_nisab_years(uow)
    return merge_income_nisab(DEFAULT_INCOME_NISAB, {r.year: income_nisab_from_annual(r.year, r.annual) for r in rows})


async def add_nisab_year(uow: UnitOfWork, actor: Actor, year: int, annual: Decimal, reference: str = "") -> ZakatNisabYear:
    """An admin adds (or corrects) the BAZNAS income nisab of a year from its SK; monthly = annual / 12."""
    actor.require("zakat.nisab")
    n = income_nisab_from_annual(year, rupiah(annual, allow_zero=False))
    row = await uow.session.get(ZakatNisabYear, year)
    before = None
    if row is None:
        row = ZakatNisabYear(year=year, annual=n.annual, monthly=n.monthly, reference=reference.strip()[:200], added_by=actor.user_id, created_at=uow.now())
        uow.session.add(row)
    else:
        before = {"annual": str(row.annual), "reference": row.reference}
        row.annual, row.monthly, row.reference, row.added_by = n.annual, n.monthly, reference.strip()[:200], actor.user_id
    await uow.session.flush()
    await audit.record(uow, actor, "zakat.nisab", f"zakat_nisab_year:{year}", {"annual": str(n.annual), "monthly": str(n.monthly), "reference": reference, "before": before})
    return row
