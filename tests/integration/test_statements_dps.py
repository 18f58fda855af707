"""The DPS review over real books, on SQLite and PostgreSQL: a contract made through the services raises no
finding, the blocking rule refuses the posting, books broken another way (legacy data, manual journals) give
their findings with what is behind them, and a signed opinion's hash shows when the books change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from bmt.errors import ShariaViolation
from bmt.ledger import Posting
from bmt.persistence.models import SavingsProduct, User
from bmt.persistence.models_financing import ContractInstallment
from bmt.services import dps, financing, maal_collect, members, murabahah, savings
from tests.conftest import World, nik_for, run
from tests.integration.statements_seed import at, post

D0 = date(2025, 3, 3)
M = Decimal(1_000_000)


async def _member(w: World, serial: int) -> int:
    async with at(w, D0) as uow:
        return (await members.register(uow, w.actor("manager"), members.RegisterMember(nik_for(date(1984, 8, 8), serial), "Dede Rohana", date(1984, 8, 8), "Garut", "081311112222"))).id


async def _murabahah(w: World, member_id: int, *, purchase: bool = True) -> int:
    """Example A1 through the services: application, approval, purchase, akad."""
    async with at(w, D0) as uow:
        prod = (await murabahah.create_product(uow, w.actor("manager"), murabahah.ProductSpec("MRB", "Murabahah"))).id
    async with at(w, D0) as uow:
        cid = (await murabahah.apply(uow, w.actor("financing_officer"), murabahah.Apply(member_id, prod, "Sepeda motor", 10 * M, 12, date(2025, 4, 3), margin_rate_flat_annual=Decimal(12), supplier="Dealer"))).id
    async with at(w, D0) as uow:
        await murabahah.approve(uow, w.actor("manager"), cid)
    if purchase:
        async with at(w, D0) as uow:
            await murabahah.record_purchase(uow, w.actor("manager"), cid, murabahah.Purchase(D0, "Dealer", "INV-1"))
    async with at(w, D0) as uow:
        await murabahah.sign_akad(uow, w.actor("financing_officer"), cid)
    return cid


async def _review(w: World, who: str = "dps", period: str = "2025-03") -> dict[str, list]:
    async with at(w, date(2025, 4, 2)) as uow:
        _, r = await dps.review(uow, w.actor(who), period)
    return r.by_rule()


def test_a_murabahah_made_through_the_services_gives_no_finding_and_a_sale_before_ownership_is_refused(world: World) -> None:
    w = world

    async def go() -> None:
        m = await _member(w, 1)
        cid = await _murabahah(w, m)
        found = await _review(w)
        assert not {"MUR-01", "MUR-03", "MUR-04"} & set(found)
        # the blocking rule stops the posting itself
        async with at(w, D0) as uow:
            pid = (await murabahah.create_product(uow, w.actor("manager"), murabahah.ProductSpec("MRB2", "Murabahah 2"))).id
        async with at(w, D0) as uow:
            c2 = (await murabahah.apply(uow, w.actor("financing_officer"), murabahah.Apply(m, pid, "Kulkas", 5 * M, 6, date(2025, 4, 3), margin_amount=Decimal(300_000)))).id
        async with at(w, D0) as uow:
            await murabahah.approve(uow, w.actor("manager"), c2)
        with pytest.raises(ShariaViolation) as refused:
            async with at(w, D0) as uow:
                await murabahah.sign_akad(uow, w.actor("financing_officer"), c2)
        assert refused.value.rule == "MUR-01"
        # a schedule changed behind the services' back breaks MUR-04 and the review names the contract
        async with w.factory() as uow:
            await uow.session.execute(update(ContractInstallment).where(ContractInstallment.contract_id == cid, ContractInstallment.number == 12).values(amount=Decimal(1_033_337)))
        found = await _review(w)
        assert [p.refs for p in found["MUR-04"]] == [(f"contract:{cid}",)]

    run(go())


def test_books_broken_outside_the_services_give_their_findings(world: World) -> None:
    w = world

    async def go() -> None:
        m = await _member(w, 2)
        async with at(w, D0) as uow:
            tw = await savings.create_product(uow, w.actor("manager"), savings.ProductSpec("TW", "Tabungan wadiah", "wadiah"))
            tw_id = tw.id
        async with w.factory() as uow:  # a legacy import promised a wadiah return
            await uow.session.execute(update(SavingsProduct).where(SavingsProduct.id == tw_id).values(nisbah_member_bps=300))
        async with at(w, D0) as uow:
            await financing.apply(uow, w.actor("financing_officer"), financing.Application(m, "mudharabah", 50 * M, {"bmt_nisbah": "40", "fixed_return": "750000"}))
        async with at(w, date(2025, 3, 5)) as uow:
            donor = await maal_collect.add_donor(uow, w.actor("manager"), maal_collect.NewDonor(name="Hj. Imas"))
            await maal_collect.receive(uow, w.actor("manager"), maal_collect.NewReceipt(donor.id, "zakat", M, zakat_type="maal", channel="maal_cash"))
        manual_zakat = await post(w, date(2025, 3, 6), "Bantuan tanpa asnaf", Posting.debit("zakat_fund", Decimal(100_000)), Posting.credit("maal_cash", Decimal(100_000)), book="maal")
        await post(w, date(2025, 3, 7), "Bagian amil", Posting.debit("zakat_fund", Decimal(200_000)), Posting.credit("amil_fund", Decimal(200_000)), book="maal")
        interest = await post(w, date(2025, 3, 8), "Bunga jasa giro bank konvensional", Posting.debit("bank", Decimal(40_000)), Posting.credit("other_income", Decimal(40_000)))
        async with w.factory() as uow:
            await uow.session.execute(update(User).where(User.cooperative_id == w.coop_id, User.role == "dps").values(active=False))
        found = await _review(w, "manager")
        assert [p.refs for p in found["DEP-02"]] == [(f"savings_product:{tw_id}",)]
        assert found["MDH-01"][0].message.endswith("pada akad bagi hasil")
        assert [p.refs for p in found["ZIS-04"]] == [(f"journal_entry:{manual_zakat}",)]
        assert "200000" in found["ZIS-02"][0].message and "125000" in found["ZIS-02"][0].message
        assert [p.refs[0] for p in found["NH-01"]] == [f"journal_entry:{interest}"]
        assert "GOV-01" in found and "GOV-02" in found
        async with w.factory() as uow:
            await dps.save_governance(uow, w.actor("admin"), zakat_authorisation="SK BAZNAS Kab. Garut 45/2024 (UPZ)")
        assert "GOV-02" not in await _review(w, "manager")

    run(go())


def test_a_signed_opinion_keeps_the_report_hash_and_shows_when_the_books_change(world: World) -> None:
    w = world

    async def go() -> None:
        m = await _member(w, 3)
        await _murabahah(w, m)
        async with at(w, date(2025, 4, 2)) as uow:
            op = await dps.sign(uow, w.actor("dps"), "2025-03", "sesuai", "Akad murabahah bulan Maret sesuai fatwa DSN-MUI 04/2000.")
            op_id = op.id
        async with w.factory() as uow:
            op = await dps.get_opinion(uow, w.actor("manager"), op_id)
            assert await dps.verify(uow, w.actor("manager"), op) is True
        await post(w, date(2025, 3, 28), "Beban terlambat dicatat", Posting.debit("operating_expense", Decimal(5_000)), Posting.credit("cash", Decimal(5_000)))
        async with w.factory() as uow:
            op = await dps.get_opinion(uow, w.actor("manager"), op_id)
            assert await dps.verify(uow, w.actor("manager"), op) is False
        assert len(op.report_hash) == 64 and op.signer_username == w.actor("dps").username and op.signed_on == date(2025, 4, 2)

    run(go())


def test_profit_sharing_contracts_made_through_the_services_give_no_finding_and_keep_their_subledgers(world: World) -> None:
    from bmt.services import period_close, pls_musyarakah
    from tests.integration.test_pls_services import active, go, mmq_d, mudharabah_e, musyarakah_e

    w = world
    active(w, mudharabah_e)
    active(w, mmq_d)
    msy, _ = active(w, musyarakah_e)
    go(w, lambda uow: pls_musyarakah.record_loss(uow, w.actor("manager"), msy, Decimal(8_000_000)))

    async def check() -> tuple[dict, dict]:
        async with w.factory() as uow:
            _, r = await dps.review(uow, w.actor("dps"), "2025-06")
            checks = {c.code: c for c in await period_close.check(uow, w.actor("manager"), "2025-06")}
        return r.by_rule(), checks

    found, checks = run(check())
    assert not {"MDH-01", "MDH-03", "MSY-01", "QRD-01"} & set(found), found
    assert checks["subledgers"].ok, checks["subledgers"].detail
