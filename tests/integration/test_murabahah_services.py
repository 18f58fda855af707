"""Murabahah through the services, on SQLite and PostgreSQL: every event's journal is domain.md §1.3 with the
§11 numbers (A1 installment 1, A3 urbun, A4 early settlement), and the contract's sub-ledger on the
receivable always equals ``contract.outstanding``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bmt.errors import ContractStateError, InvalidInput, PermissionDenied, ShariaViolation
from bmt.ledger import Posting, entry
from bmt.persistence.models import AuditEvent, GlAccount, JournalEntry, JournalLine
from bmt.persistence.models_financing import ContractEvent, FinancingContract
from bmt.services import ledger, members, murabahah, teller
from tests.conftest import TODAY, World, nik_for, run

AKAD_DAY = date(2025, 1, 2)
FIRST_DUE = date(2025, 2, 1)
_serial = iter(range(1, 10_000))


def at(w: World, day: date) -> None:
    """Move the business date of every unit of work the world makes."""
    w.factory.today = day


async def _member(w: World) -> int:
    async with w.factory() as uow:
        m = await members.register(uow, w.actor("manager"), members.RegisterMember(nik_for(date(1985, 3, 4), next(_serial)), "Siti Aminah", date(1985, 3, 4), "Kp. Babakan, Garut", "081311112222"))
        return m.id


async def _product(w: World, recognition: str = "proportional", **over: object) -> int:
    spec = murabahah.ProductSpec(f"MRB{recognition[:3].upper()}{next(_serial)}", f"Murabahah {recognition}", recognition, tazir_amount=Decimal(25_000), grace_days=7)
    async with w.factory() as uow:
        return (await murabahah.create_product(uow, w.actor("manager"), replace(spec, **over))).id


def a1(member_id: int, product_id: int, **over: object) -> murabahah.Apply:
    """Example A1: cost 10,000,000 at 12 % flat a year, 12 months (A3 when an urbun is given)."""
    base = murabahah.Apply(member_id, product_id, "Sepeda motor Honda Beat 2025", Decimal(10_000_000), 12, FIRST_DUE, margin_rate_flat_annual=Decimal(12), supplier="Dealer Sinar Jaya")
    return replace(base, **over)


async def _to_akad(w: World, cmd: murabahah.Apply, *, urbun: Decimal = Decimal(0), wakalah: bool = False) -> int:
    """Application by the officer, approval by the manager, urbun, purchase, akad — on AKAD_DAY."""
    at(w, AKAD_DAY)
    async with w.factory() as uow:
        cid = (await murabahah.apply(uow, w.actor("financing_officer"), cmd)).id
    async with w.factory() as uow:
        await murabahah.approve(uow, w.actor("manager"), cid)
    if urbun:
        async with w.factory() as uow:
            await murabahah.receive_urbun(uow, w.actor("manager"), cid, urbun)
    if wakalah:
        async with w.factory() as uow:
            await murabahah.wakalah_advance(uow, w.actor("manager"), cid, cmd.cost_price)
    async with w.factory() as uow:
        await murabahah.record_purchase(uow, w.actor("manager"), cid, murabahah.Purchase(AKAD_DAY, "Dealer Sinar Jaya", "INV-2025-001", via_wakalah=wakalah))
    async with w.factory() as uow:
        await murabahah.sign_akad(uow, w.actor("financing_officer"), cid)
    return cid


async def _lines(w: World, entry_id: int) -> list[tuple[str, Decimal, str | None, str]]:
    """An entry's lines as (account key, signed amount, sub-ledger, book)."""
    async with w.factory() as uow:
        q = select(GlAccount.key, JournalLine.amount, JournalLine.subledger, GlAccount.book).join(GlAccount, GlAccount.id == JournalLine.account_id).where(JournalLine.entry_id == entry_id).order_by(JournalLine.id)
        return [tuple(r) for r in (await uow.session.execute(q)).all()]


def sides(lines: list) -> set[tuple[str, str, Decimal]]:
    return {(key, "Dr" if amount > 0 else "Cr", abs(amount)) for key, amount, _, _ in lines}


async def _event_entry(w: World, cid: int, kind: str) -> int:
    async with w.factory() as uow:
        q = select(ContractEvent.entry_id).where(ContractEvent.contract_id == cid, ContractEvent.kind == kind).order_by(ContractEvent.id.desc())
        return (await uow.session.execute(q)).scalars().first()


async def _contract(w: World, cid: int) -> FinancingContract:
    async with w.factory() as uow:
        return (await uow.session.execute(select(FinancingContract).where(FinancingContract.id == cid))).scalar_one()


async def _ties(w: World, cid: int) -> None:
    """Receivable sub-ledger = outstanding; MMD sub-ledger = -(outstanding - outstanding_principal)."""
    c = await _contract(w, cid)
    async with w.factory() as uow:
        receivable = await ledger.subledger_balance(uow, w.coop_id, f"contract:{cid}", ["murabahah_receivable"])
        mmd = await ledger.subledger_balance(uow, w.coop_id, f"contract:{cid}", ["murabahah_deferred_margin"])
    assert receivable == c.outstanding
    assert -mmd == c.outstanding - c.outstanding_principal


async def _counts(w: World) -> tuple[int, int, int]:
    async with w.factory() as uow:
        n = lambda m: select(func.count()).select_from(m).where(m.cooperative_id == w.coop_id)  # noqa: E731
        return tuple([(await uow.session.execute(n(m))).scalar_one() for m in (JournalEntry, ContractEvent, AuditEvent)])


@pytest.mark.parametrize(("recognition", "margin_1"), [("proportional", 100_000), ("annuity", 178_810)])
def test_a1_sale_and_first_installment_post_the_domain_journals(world: World, recognition: str, margin_1: int) -> None:
    async def go() -> None:
        pid = await _product(world, recognition)
        cid = await _to_akad(world, a1(await _member(world), pid))
        assert sides(await _lines(world, await _event_entry(world, cid, "akad"))) == {
            ("murabahah_receivable", "Dr", Decimal(11_200_000)), ("murabahah_inventory", "Cr", Decimal(10_000_000)), ("murabahah_deferred_margin", "Cr", Decimal(1_200_000)),
        }
        assert sides(await _lines(world, await _event_entry(world, cid, "purchase"))) == {("murabahah_inventory", "Dr", Decimal(10_000_000)), ("cash", "Cr", Decimal(10_000_000))}
        at(world, FIRST_DUE)
        async with world.factory() as uow:
            await teller.open_drawer(uow, world.actor("teller"), Decimal(0))
        async with world.factory() as uow:
            r = await murabahah.pay_installment(uow, world.actor("teller"), cid, Decimal(933_333))
        lines = await _lines(world, r["entry_id"])
        assert sides(lines) == {
            ("teller_cash", "Dr", Decimal(933_333)), ("murabahah_receivable", "Cr", Decimal(933_333)),
            ("murabahah_deferred_margin", "Dr", Decimal(margin_1)), ("murabahah_income", "Cr", Decimal(margin_1)),
        }
        assert {sub for key, _, sub, _ in lines if key != "teller_cash"} == {f"contract:{cid}"}
        assert [sub for key, _, sub, _ in lines if key == "teller_cash"][0].startswith("drawer:")
        c = await _contract(world, cid)
        assert (c.outstanding, c.outstanding_principal) == (Decimal(11_200_000 - 933_333), Decimal(10_000_000 - 933_333 + margin_1))
        await _ties(world, cid)

    run(go())


def test_a3_urbun_is_a_liability_until_the_akad_turns_it_into_part_of_the_price(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        cid = await _to_akad(world, a1(await _member(world), pid, down_payment=Decimal(1_000_000)), urbun=Decimal(1_000_000))
        assert sides(await _lines(world, await _event_entry(world, cid, "urbun"))) == {("cash", "Dr", Decimal(1_000_000)), ("murabahah_down_payment", "Cr", Decimal(1_000_000))}
        assert sides(await _lines(world, await _event_entry(world, cid, "akad"))) == {
            ("murabahah_receivable", "Dr", Decimal(10_080_000)), ("murabahah_down_payment", "Dr", Decimal(1_000_000)),
            ("murabahah_inventory", "Cr", Decimal(10_000_000)), ("murabahah_deferred_margin", "Cr", Decimal(1_080_000)),
        }
        async with world.factory() as uow:
            v = await murabahah.view(uow, world.actor("manager"), cid)
        assert [(i.amount, i.principal, i.margin) for i in v.installments[:1]] == [(Decimal(840_000), Decimal(750_000), Decimal(90_000))]
        assert (v.contract.selling_price, v.contract.outstanding) == (Decimal(11_080_000), Decimal(10_080_000))
        async with world.factory() as uow:
            assert await ledger.subledger_balance(uow, world.coop_id, f"contract:{cid}", ["murabahah_down_payment"]) == 0
        await _ties(world, cid)

    run(go())


def test_an_akad_waits_for_the_whole_urbun_agreed(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        at(world, AKAD_DAY)
        async with world.factory() as uow:
            cid = (await murabahah.apply(uow, world.actor("financing_officer"), a1(await _member(world), pid, down_payment=Decimal(1_000_000)))).id
        async with world.factory() as uow:
            await murabahah.approve(uow, world.actor("manager"), cid)
        async with world.factory() as uow:
            await murabahah.receive_urbun(uow, world.actor("manager"), cid, Decimal(400_000))
        with pytest.raises(InvalidInput, match="urbun melebihi"):
            async with world.factory() as uow:
                await murabahah.receive_urbun(uow, world.actor("manager"), cid, Decimal(600_001))
        async with world.factory() as uow:
            await murabahah.record_purchase(uow, world.actor("manager"), cid, murabahah.Purchase(AKAD_DAY, "Dealer", "INV-9"))
        with pytest.raises(Exception, match="urbun diterima Rp400000"):
            async with world.factory() as uow:
                await murabahah.sign_akad(uow, world.actor("financing_officer"), cid)

    run(go())


def test_wakalah_advance_and_the_agents_purchase_post_through_the_wakalah_receivable(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        cid = await _to_akad(world, a1(await _member(world), pid), wakalah=True)
        assert sides(await _lines(world, await _event_entry(world, cid, "wakalah_advance"))) == {("wakalah_receivable", "Dr", Decimal(10_000_000)), ("cash", "Cr", Decimal(10_000_000))}
        assert sides(await _lines(world, await _event_entry(world, cid, "purchase"))) == {("murabahah_inventory", "Dr", Decimal(10_000_000)), ("wakalah_receivable", "Cr", Decimal(10_000_000))}
        async with world.factory() as uow:
            c = await murabahah.view(uow, world.actor("manager"), cid)
            assert c.wakalah_advanced == 0 and c.contract.status == "active"
            assert await ledger.subledger_balance(uow, world.coop_id, f"contract:{cid}", ["murabahah_inventory"]) == 0

    run(go())


def test_a_sale_before_the_bmt_owns_the_goods_is_refused_and_writes_nothing(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        at(world, AKAD_DAY)
        async with world.factory() as uow:
            cid = (await murabahah.apply(uow, world.actor("financing_officer"), a1(await _member(world), pid))).id
        async with world.factory() as uow:
            await murabahah.approve(uow, world.actor("manager"), cid)
        async with world.factory() as uow:
            await murabahah.wakalah_advance(uow, world.actor("manager"), cid, Decimal(10_000_000))
        before = await _counts(world)
        with pytest.raises(ShariaViolation) as err:
            async with world.factory() as uow:
                await murabahah.sign_akad(uow, world.actor("financing_officer"), cid)
        assert err.value.rule == "MUR-01"
        assert await _counts(world) == before
        assert (await _contract(world, cid)).status == "approved"

    run(go())


@pytest.mark.parametrize(("recognition", "price", "waived"), [("proportional", 5_000_002, 600_000), ("annuity", 5_265_597, 334_405)])
def test_a4_early_settlement_after_six_installments_charges_no_unelapsed_margin(world: World, recognition: str, price: int, waived: int) -> None:
    async def go() -> None:
        from bmt.contracts.murabahah import quote, settlement_quote

        pid = await _product(world, recognition)
        cmd = a1(await _member(world), pid)
        cid = await _to_akad(world, cmd)
        for k in range(6):
            at(world, date(2025, 2 + k, 1))
            async with world.factory() as uow:
                await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(933_333))
            await _ties(world, cid)
        at(world, date(2025, 7, 20))
        async with world.factory() as uow:
            q = await murabahah.settlement_quote(uow, world.actor("manager"), cid)
        engine = settlement_quote(quote(murabahah._terms(cmd, recognition)), installments_paid=6)
        assert (q.outstanding_receivable, q.unrecognised_margin, q.settlement_amount) == (Decimal(5_600_002), Decimal(waived), Decimal(price))
        assert q.settlement_amount == engine.settlement_amount
        with pytest.raises(Exception, match="harga pelunasan"):
            async with world.factory() as uow:
                await murabahah.settle_early(uow, world.actor("manager"), cid, expected_amount=Decimal(price + 1))
        async with world.factory() as uow:
            r = await murabahah.settle_early(uow, world.actor("manager"), cid, expected_amount=Decimal(price))
        assert sides(await _lines(world, r["entry_id"])) == {
            ("cash", "Dr", Decimal(price)), ("murabahah_deferred_margin", "Dr", Decimal(waived)), ("murabahah_receivable", "Cr", Decimal(5_600_002)),
        }
        c = await _contract(world, cid)
        assert (c.status, c.outstanding, c.outstanding_principal) == ("settled", 0, 0)
        await _ties(world, cid)
        async with world.factory() as uow:
            assert await ledger.subledger_balance(uow, world.coop_id, f"contract:{cid}", ["murabahah_deferred_margin"]) == 0

    run(go())


def test_a_settlement_in_arrears_still_charges_the_margin_of_the_months_that_have_passed(world: World) -> None:
    async def go() -> None:
        cid = await _to_akad(world, a1(await _member(world), await _product(world)))
        at(world, date(2025, 3, 15))  # installments 1 and 2 are due and unpaid
        async with world.factory() as uow:
            r = await murabahah.settle_early(uow, world.actor("manager"), cid)
        assert sides(await _lines(world, r["entry_id"])) == {
            ("cash", "Dr", Decimal(10_200_000)), ("murabahah_deferred_margin", "Dr", Decimal(1_200_000)),
            ("murabahah_receivable", "Cr", Decimal(11_200_000)), ("murabahah_income", "Cr", Decimal(200_000)),
        }

    run(go())


def test_any_amount_is_allocated_oldest_first_and_an_overpayment_is_refused(world: World) -> None:
    async def go() -> None:
        cid = await _to_akad(world, a1(await _member(world), await _product(world, allocation_order="principal,margin")))
        at(world, FIRST_DUE)
        async with world.factory() as uow:
            r1 = await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(500_000))
        assert (r1["margin"], r1["principal"]) == ("0", "500000")  # principal first inside installment 1
        async with world.factory() as uow:
            r2 = await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(1_500_000))
        # 333,333 principal + 100,000 margin close installment 1; 933,333 closes 2; 133,334 goes to the
        # principal of 3 (principal first), so the margin recognised is that of installments 1 and 2.
        assert (r2["margin"], r2["installments"]) == ("200000", [1, 2, 3])
        await _ties(world, cid)
        before = await _counts(world)
        with pytest.raises(InvalidInput, match="melebihi sisa piutang"):
            async with world.factory() as uow:
                await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(11_200_000 - 2_000_000 + 1))
        assert await _counts(world) == before
        async with world.factory() as uow:
            r3 = await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(11_200_000 - 2_000_000))
        assert r3["status"] == "settled" and r3["outstanding"] == "0"
        async with world.factory() as uow:
            assert await murabahah.recognised_margin(uow, await _contract(world, cid)) == Decimal(1_200_000)
        await _ties(world, cid)

    run(go())


def test_tazir_is_charged_once_per_installment_beyond_grace_and_paid_into_the_kebajikan_fund(world: World) -> None:
    async def go() -> None:
        cid = await _to_akad(world, a1(await _member(world), await _product(world)))
        at(world, FIRST_DUE + timedelta(days=7))  # within the 7 grace days
        async with world.factory() as uow:
            assert await murabahah.assess_tazir(uow, world.actor("manager"), contract_id=cid) == []
        at(world, FIRST_DUE + timedelta(days=8))
        async with world.factory() as uow:
            charged = await murabahah.assess_tazir(uow, world.actor("manager"))
        assert charged == [{"contract_id": cid, "installments": [1], "amount": "25000"}]
        async with world.factory() as uow:
            assert await murabahah.assess_tazir(uow, world.actor("manager")) == []  # once per installment
        with pytest.raises(ShariaViolation) as err:
            async with world.factory() as uow:
                await murabahah.pay_tazir(uow, world.actor("manager"), cid, Decimal(25_000), credit_account="murabahah_income")
        assert err.value.rule == "FEE-01"
        async with world.factory() as uow:
            r = await murabahah.pay_tazir(uow, world.actor("manager"), cid, Decimal(25_000))
        async with world.factory() as uow:
            q = select(JournalEntry.id).where(JournalEntry.cooperative_id == world.coop_id, JournalEntry.source.like(f"%contract:{cid}:tazir%"))
            ids = list((await uow.session.execute(q)).scalars())
        lines = [ln for i in ids for ln in await _lines(world, i)]
        assert r["tazir_owed"] == "0" and ids
        assert ("kebajikan_fund", "Cr", Decimal(25_000)) in sides(lines) and ("cash", "Dr", Decimal(25_000)) in sides(lines)
        assert not [ln for ln in lines if ln[0] in ("murabahah_income", "fee_income", "other_income")]
        at(world, date(2025, 3, 12))
        async with world.factory() as uow:
            assert (await murabahah.assess_tazir(uow, world.actor("manager"), contract_id=cid))[0]["installments"] == [2]
        with pytest.raises(InvalidInput):
            async with world.factory() as uow:
                await murabahah.waive_tazir(uow, world.actor("manager"), cid, "  ")
        async with world.factory() as uow:
            await murabahah.waive_tazir(uow, world.actor("manager"), cid, "Banjir bandang di Garut (force majeure)")
        async with world.factory() as uow:
            v = await murabahah.view(uow, world.actor("manager"), cid)
        assert v.tazir_owed == 0 and [a.number for a in v.arrears] == [1, 2]

    run(go())


def test_rescheduling_never_increases_the_receivable_and_a_real_cost_is_a_separate_fee(world: World) -> None:
    async def go() -> None:
        cid = await _to_akad(world, a1(await _member(world), await _product(world)))
        at(world, FIRST_DUE)
        async with world.factory() as uow:
            await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(933_333))
        remaining = Decimal(11_200_000 - 933_333)
        at(world, date(2025, 4, 10))
        cmd = murabahah.Reschedule(18, date(2025, 5, 1), new_receivable=remaining + 1)
        with pytest.raises(ShariaViolation) as err:
            async with world.factory() as uow:
                await murabahah.reschedule_contract(uow, world.actor("manager"), cid, cmd)
        assert err.value.rule == "MUR-07"
        with pytest.raises(ShariaViolation):
            async with world.factory() as uow:
                await murabahah.reschedule_contract(uow, world.actor("manager"), cid, replace(cmd, new_receivable=None, real_cost=Decimal(150_000)))
        async with world.factory() as uow:
            r = await murabahah.reschedule_contract(uow, world.actor("manager"), cid, replace(cmd, new_receivable=remaining - 100_000, real_cost=Decimal(150_000), real_cost_description="Biaya notaris addendum", document_ref="KW-NOT-0042"))
        assert r["margin_reduction"] == "100000" and r["fee"] == "150000"
        async with world.factory() as uow:
            q = select(JournalEntry.id).where(JournalEntry.cooperative_id == world.coop_id, JournalEntry.source == f"contract:{cid}:reschedule").order_by(JournalEntry.id)
            waiver, fee = list((await uow.session.execute(q)).scalars())
        assert sides(await _lines(world, waiver)) == {("murabahah_deferred_margin", "Dr", Decimal(100_000)), ("murabahah_receivable", "Cr", Decimal(100_000))}
        assert sides(await _lines(world, fee)) == {("cash", "Dr", Decimal(150_000)), ("fee_income", "Cr", Decimal(150_000))}
        async with world.factory() as uow:
            v = await murabahah.view(uow, world.actor("manager"), cid)
        new = [i for i in v.installments if i.schedule_version == 2]
        assert len(new) == 18 and sum(i.amount for i in new) == remaining - 100_000 == v.contract.outstanding
        assert sum(i.principal for i in new) == v.contract.outstanding_principal
        await _ties(world, cid)
        # The DPS sees the rescheduling too (MUR-07 over the books): the event keeps the receivable before it.
        from bmt.compliance.facts import Books, ContractFact, EventFact
        from bmt.compliance.rules import mur_07
        from bmt.persistence.models_financing import ContractEvent

        async with world.factory() as uow:
            ev = (await uow.session.execute(select(ContractEvent).where(ContractEvent.contract_id == cid, ContractEvent.kind == "reschedule"))).scalar_one()
        payload = json.loads(ev.payload_json)
        assert Decimal(payload["receivable_before"]) == remaining
        fact = ContractFact(cid, "x", "murabahah", "active", events=(EventFact("reschedule", ev.value_date, ev.amount, payload, ev.entry_id),))
        assert mur_07(Books(contracts=(fact,))) == []

    run(go())


def test_a_write_off_needs_a_second_manager_and_recovery_is_other_income(world: World) -> None:
    async def go() -> None:
        cid = await _to_akad(world, a1(await _member(world), await _product(world)))
        at(world, FIRST_DUE)
        async with world.factory() as uow:
            await murabahah.pay_installment(uow, world.actor("manager"), cid, Decimal(933_333))
        at(world, date(2025, 12, 1))
        c = await _contract(world, cid)
        net = c.outstanding_principal
        async with world.factory() as uow:  # the daily close formed a full allowance (macet)
            await ledger.post(uow, world.actor("manager"), entry(date(2025, 12, 1), "PPAP", Posting.debit("ppap_expense", net), Posting.credit("ppap", net, subledger=f"contract:{cid}")))
            (await uow.session.get(FinancingContract, cid)).ppap_formed = net
        async with world.factory() as uow:
            await murabahah.propose_write_off(uow, world.actor("manager"), cid, "Macet lebih dari 360 hari; usaha tutup")
        with pytest.raises(PermissionDenied):
            async with world.factory() as uow:
                await murabahah.decide_write_off(uow, world.actor("manager"), cid, approve=True)
        async with world.factory() as uow:
            r = await murabahah.decide_write_off(uow, world.actor("manager2"), cid, approve=True)
        assert sides(await _lines(world, r["entry_id"])) == {
            ("ppap", "Dr", net), ("murabahah_deferred_margin", "Dr", Decimal(1_100_000)), ("murabahah_receivable", "Cr", Decimal(11_200_000 - 933_333)),
        }
        c = await _contract(world, cid)
        assert (c.status, c.outstanding, c.ppap_formed) == ("written_off", 0, 0)
        await _ties(world, cid)
        async with world.factory() as uow:
            r = await murabahah.recover(uow, world.actor("manager"), cid, Decimal(2_000_000))
        assert sides(await _lines(world, r["entry_id"])) == {("cash", "Dr", Decimal(2_000_000)), ("recovery_income", "Cr", Decimal(2_000_000))}
        with pytest.raises(InvalidInput):
            async with world.factory() as uow:
                await murabahah.recover(uow, world.actor("manager"), cid, Decimal(11_200_000))

    run(go())


def test_the_price_is_fixed_at_the_akad_and_amending_before_it_needs_a_new_approval(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        at(world, AKAD_DAY)
        async with world.factory() as uow:
            cid = (await murabahah.apply(uow, world.actor("financing_officer"), a1(await _member(world), pid))).id
        async with world.factory() as uow:
            await murabahah.approve(uow, world.actor("manager"), cid)
        async with world.factory() as uow:
            c = await murabahah.amend_terms(uow, world.actor("manager"), cid, murabahah.Amend(margin_rate_flat_annual=Decimal(10)))
            assert (c.status, c.selling_price) == ("application", Decimal(11_000_000))
        with pytest.raises(PermissionDenied):  # the amender is the new maker
            async with world.factory() as uow:
                await murabahah.approve(uow, world.actor("manager"), cid)
        async with world.factory() as uow:
            await murabahah.approve(uow, world.actor("manager2"), cid)
        async with world.factory() as uow:
            await murabahah.record_purchase(uow, world.actor("manager"), cid, murabahah.Purchase(AKAD_DAY, "Dealer", "INV-1"))
        async with world.factory() as uow:
            await murabahah.sign_akad(uow, world.actor("financing_officer"), cid)
        with pytest.raises(ShariaViolation) as err:
            async with world.factory() as uow:
                await murabahah.amend_terms(uow, world.actor("manager"), cid, murabahah.Amend(margin_rate_flat_annual=Decimal(8)))
        assert err.value.rule == "MUR-04"
        with pytest.raises(ContractStateError):
            async with world.factory() as uow:
                await murabahah.sign_akad(uow, world.actor("financing_officer"), cid)
        assert (await _contract(world, cid)).selling_price == Decimal(11_000_000)

    run(go())


def test_a_supplier_discount_before_the_akad_lowers_the_cost_and_the_price(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        at(world, AKAD_DAY)
        async with world.factory() as uow:
            cid = (await murabahah.apply(uow, world.actor("financing_officer"), a1(await _member(world), pid))).id
        async with world.factory() as uow:
            await murabahah.approve(uow, world.actor("manager"), cid)
        async with world.factory() as uow:
            await murabahah.record_purchase(uow, world.actor("manager"), cid, murabahah.Purchase(AKAD_DAY, "Dealer", "INV-2", cost=Decimal(9_500_000)))
        async with world.factory() as uow:
            r = await murabahah.sign_akad(uow, world.actor("financing_officer"), cid)
        assert r["selling_price"] == "10640000"  # 9,500,000 + 12 % flat for a year
        await _ties(world, cid)

    run(go())


def test_staff_of_another_cooperative_and_the_wrong_roles_are_refused(world: World, db_url: str) -> None:
    from tests.conftest import make_world

    async def go() -> None:
        pid = await _product(world)
        with pytest.raises(PermissionDenied):
            async with world.factory() as uow:
                await murabahah.apply(uow, world.actor("teller"), a1(await _member(world), pid))
        cid = await _to_akad(world, a1(await _member(world), pid))
        other = await make_world(db_url, today=TODAY)
        try:
            with pytest.raises(Exception, match="tidak ditemukan"):
                async with other.factory() as uow:
                    await murabahah.view(uow, other.actor("manager"), cid)
        finally:
            await other.engine.dispose()
        with pytest.raises(PermissionDenied):
            async with world.factory() as uow:
                await murabahah.pay_installment(uow, world.actor("financing_officer"), cid, Decimal(1000))

    run(go())


def test_a3_cancellation_keeps_the_urbun_only_up_to_the_documented_real_loss(world: World) -> None:
    async def go() -> None:
        pid = await _product(world)
        at(world, AKAD_DAY)
        async with world.factory() as uow:
            cid = (await murabahah.apply(uow, world.actor("financing_officer"), a1(await _member(world), pid, down_payment=Decimal(1_000_000)))).id
        async with world.factory() as uow:
            await murabahah.receive_urbun(uow, world.actor("manager"), cid, Decimal(1_000_000))
        with pytest.raises(ContractStateError):  # a rejection would leave the urbun unsettled
            async with world.factory() as uow:
                await murabahah.reject(uow, world.actor("manager2"), cid, "Tidak layak")
        async with world.factory() as uow:
            r = await murabahah.cancel(uow, world.actor("manager"), cid, "Anggota membatalkan pesanan", documented_real_loss=Decimal(300_000))
        assert sides(await _lines(world, r["entry_id"])) == {
            ("murabahah_down_payment", "Dr", Decimal(1_000_000)), ("other_income", "Cr", Decimal(300_000)), ("cash", "Cr", Decimal(700_000)),
        }
        c = await _contract(world, cid)
        assert (c.status, c.down_payment) == ("cancelled", 0)
        async with world.factory() as uow:
            assert await ledger.subledger_balance(uow, world.coop_id, f"contract:{cid}", ["murabahah_down_payment"]) == 0

    run(go())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    recognition=st.sampled_from(["proportional", "annuity"]),
    order=st.sampled_from(["margin,principal", "principal,margin"]),
    payments=st.lists(st.integers(1, 3_000_000), min_size=1, max_size=8),
)
def test_any_payments_keep_the_sub_ledger_equal_to_the_contract_and_the_margin_whole(sqlite_url: str, recognition: str, order: str, payments: list[int]) -> None:
    """Whatever is paid, in any order of components: receivable and MMD sub-ledgers equal the contract's
    figures, recognised + deferred margin = M, and paying the rest recognises exactly M."""
    from tests.conftest import make_world

    w = run(make_world(sqlite_url))

    async def go() -> None:
        cid = await _to_akad(w, a1(await _member(w), await _product(w, recognition, allocation_order=order)))
        at(w, FIRST_DUE)
        for amount in payments:
            try:
                async with w.factory() as uow:
                    await murabahah.pay_installment(uow, w.actor("manager"), cid, Decimal(amount))
            except InvalidInput:
                assert Decimal(amount) > (await _contract(w, cid)).outstanding
            await _ties(w, cid)
            c = await _contract(w, cid)
            async with w.factory() as uow:
                assert await murabahah.recognised_margin(uow, c) + (c.outstanding - c.outstanding_principal) == Decimal(1_200_000)
        rest = (await _contract(w, cid)).outstanding
        if rest:
            async with w.factory() as uow:
                await murabahah.pay_installment(uow, w.actor("manager"), cid, rest)
        c = await _contract(w, cid)
        async with w.factory() as uow:
            assert (c.status, await murabahah.recognised_margin(uow, c)) == ("settled", Decimal(1_200_000))
        await _ties(w, cid)

    try:
        run(go())
    finally:
        run(w.engine.dispose())
