"""The Baitul Maal fund rules: journals of each receipt and payment, and every refusal the DPS rules demand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.errors import InsufficientBalance, InvalidInput, NotFound, ShariaViolation
from bmt.ledger import Posting
from bmt.ledger import entry as make_entry
from bmt.zakat import (
    AMIL_CAP_COLLECT_ONLY,
    ASNAF_LABELS_ID,
    AmilCapPolicy,
    Asnaf,
    Fund,
    FundBook,
    FundRef,
    FundUse,
    NonhalalKind,
    NonhalalRouting,
    allocate_amil,
    distribute_zakat,
    parse_asnaf,
    receive_infaq,
    receive_nonhalal,
    receive_zakat,
    spend_from_fund,
)
from bmt.zakat.funds import (
    forgive_qardhul_hasan,
    lend_qardhul_hasan,
    repay_qardhul_hasan,
    settle_due_from_tamwil,
    tamwil_transfer_entry,
)

D = Decimal
DAY = date(2025, 3, 3)


def lines(e) -> list[tuple[str, str | None, Decimal]]:
    """(account, sub-ledger, signed amount) per line: debit positive."""
    return [(p.account, p.subledger, p.amount) for p in e.postings]


def book_with(**receipts: str) -> FundBook:
    book = FundBook().open_restricted_fund("beasiswa", "Dana beasiswa santri").open_restricted_fund(
        "pembangunan", "Dana pembangunan asrama"
    )
    if "zakat" in receipts:
        book, _ = book.receive_zakat(DAY, D(receipts["zakat"]))
    if "infaq" in receipts:
        book, _ = book.receive_infaq(DAY, D(receipts["infaq"]))
    for purpose in ("beasiswa", "pembangunan"):
        if purpose in receipts:
            book, _ = book.receive_infaq(DAY, D(receipts[purpose]), purpose=purpose)
    if "kebajikan" in receipts:
        book, _ = book.receive_nonhalal(DAY, D(receipts["kebajikan"]), NonhalalKind.TAZIR, received_in="maal_cash")
    return book


# -- receipts ------------------------------------------------------------------------------------------------------


def test_zakat_received_debits_maal_cash_and_credits_the_zakat_fund() -> None:
    e = receive_zakat(DAY, D(1_000_000), muzakki="anggota:7")
    assert e.book == "maal"
    assert lines(e) == [("maal_cash", None, D(1_000_000)), ("zakat_fund", None, D(-1_000_000))]
    assert e.meta == {"event": "zakat_receipt", "muzakki": "anggota:7"}


def test_the_cooperatives_own_zakat_is_owed_by_the_business_book_until_it_hands_the_money_over() -> None:
    e = receive_zakat(DAY, D(15_000_000), received_in="due_from_tamwil")
    assert lines(e)[0] == ("due_from_tamwil", None, D(15_000_000))
    settle = settle_due_from_tamwil(DAY, D(15_000_000), outstanding=D(15_000_000))
    assert lines(settle) == [("maal_cash", None, D(15_000_000)), ("due_from_tamwil", None, D(-15_000_000))]
    business = tamwil_transfer_entry(DAY, D(15_000_000))
    assert business.book == "tamwil"
    assert lines(business) == [("kebajikan_payable", None, D(15_000_000)), ("cash", None, D(-15_000_000))]
    with pytest.raises(InsufficientBalance):
        settle_due_from_tamwil(DAY, D(15_000_001), outstanding=D(15_000_000))


def test_unrestricted_infaq_goes_to_the_infaq_fund_and_restricted_infaq_to_its_purpose() -> None:
    assert lines(receive_infaq(DAY, D(500_000))) == [("maal_cash", None, D(500_000)), ("infaq_fund", None, D(-500_000))]
    restricted = receive_infaq(DAY, D(750_000), purpose="Beasiswa Santri", received_in="maal_bank")
    assert lines(restricted) == [
        ("maal_bank", None, D(750_000)),
        ("infaq_restricted_fund", "fund:beasiswa-santri", D(-750_000)),
    ]


@pytest.mark.parametrize("amount", ["0", "-1", "0.001"])
def test_a_receipt_of_zero_a_negative_or_a_fraction_of_a_sen_is_refused(amount: str) -> None:
    with pytest.raises(InvalidInput):
        receive_zakat(DAY, D(amount))


def test_a_receipt_into_an_account_of_the_business_book_is_refused() -> None:
    with pytest.raises(InvalidInput, match="received_in"):
        receive_zakat(DAY, D(1), received_in="cash")


@pytest.mark.parametrize("purpose", ["", "   ", "beasiswa!", "x" * 61])
def test_an_invalid_restricted_purpose_is_refused(purpose: str) -> None:
    with pytest.raises(InvalidInput):
        receive_infaq(DAY, D(1), purpose=purpose)


# -- non-halal receipts -------------------------------------------------------------------------------------------


def test_tazir_arrives_from_the_business_book_into_the_kebajikan_fund_by_default() -> None:
    e = receive_nonhalal(DAY, D(50_000), NonhalalKind.TAZIR)
    assert lines(e) == [("due_from_tamwil", None, D(50_000)), ("kebajikan_fund", None, D(-50_000))]


def test_bank_interest_goes_to_the_nonhalal_fund_by_default_and_never_to_income() -> None:
    e = receive_nonhalal(DAY, D(12_345), NonhalalKind.BANK_INTEREST)
    assert lines(e) == [("maal_bank", None, D(12_345)), ("nonhalal_fund", None, D(-12_345))]


def test_the_routing_setting_can_send_every_nonhalal_receipt_to_kebajikan() -> None:
    routing = NonhalalRouting(bank_interest=Fund.KEBAJIKAN, other=Fund.KEBAJIKAN)
    e = receive_nonhalal(DAY, D(1_000), NonhalalKind.BANK_INTEREST, routing=routing)
    assert lines(e)[1] == ("kebajikan_fund", None, D(-1_000))


def test_a_routing_of_nonhalal_money_into_zakat_is_refused() -> None:
    with pytest.raises(ShariaViolation) as exc:
        NonhalalRouting(tazir=Fund.ZAKAT)
    assert exc.value.rule == "NH-01"


# -- amil share ----------------------------------------------------------------------------------------------------


def test_the_amil_share_may_reach_the_cap_over_several_allocations_but_not_pass_it() -> None:
    first = allocate_amil(DAY, D(40_000_000), D(0), D(3_000_000))
    assert lines(first) == [("zakat_fund", None, D(3_000_000)), ("amil_fund", None, D(-3_000_000))]
    allocate_amil(DAY, D(40_000_000), D(3_000_000), D(2_000_000))
    with pytest.raises(ShariaViolation) as exc:
        allocate_amil(DAY, D(40_000_000), D(3_000_000), D(2_000_001))
    assert exc.value.rule == "ZIS-02"
    assert exc.value.extra["cap"] == "5000000"


def test_a_collect_only_unit_takes_at_most_5_percent() -> None:
    allocate_amil(DAY, D(40_000_000), D(0), D(2_000_000), AMIL_CAP_COLLECT_ONLY)
    with pytest.raises(ShariaViolation, match="5"):
        allocate_amil(DAY, D(40_000_000), D(0), D(2_000_001), AMIL_CAP_COLLECT_ONLY)


def test_the_amil_share_of_unrestricted_infaq_is_capped_at_20_percent() -> None:
    e = allocate_amil(DAY, D(10_000_000), D(0), D(2_000_000), source_fund=Fund.INFAQ)
    assert lines(e) == [("infaq_fund", None, D(2_000_000)), ("amil_fund", None, D(-2_000_000))]
    with pytest.raises(ShariaViolation):
        allocate_amil(DAY, D(10_000_000), D(0), D("2000000.01"), source_fund=Fund.INFAQ)


def test_no_amil_share_is_taken_from_a_restricted_fund() -> None:
    with pytest.raises(InvalidInput):
        allocate_amil(DAY, D(10_000_000), D(0), D(1), source_fund=Fund.INFAQ_RESTRICTED)


def test_the_cap_is_floored_to_the_sen_so_it_never_exceeds_the_exact_percentage() -> None:
    # 12.5% of 0.07 = 0.00875: nothing may be taken, not even a sen.
    with pytest.raises(ShariaViolation):
        allocate_amil(DAY, D("0.07"), D(0), D("0.01"))


@pytest.mark.parametrize(
    "policy", [{"zakat_cap_percent": D("12.6")}, {"collect_only_cap_percent": D("5.1")}, {"infaq_cap_percent": D(-1)}]
)
def test_an_amil_setting_above_the_regulation_is_refused(policy: dict) -> None:
    with pytest.raises(ShariaViolation) as exc:
        AmilCapPolicy(**policy)
    assert exc.value.rule == "ZIS-02"


def test_a_lower_amil_cap_can_be_set() -> None:
    policy = AmilCapPolicy(zakat_cap_percent=D(10))
    with pytest.raises(ShariaViolation):
        allocate_amil(DAY, D(40_000_000), D(0), D(4_000_001), policy)


def test_the_amil_allocation_also_needs_the_money_in_the_zakat_fund() -> None:
    with pytest.raises(InsufficientBalance):
        allocate_amil(DAY, D(40_000_000), D(0), D(5_000_000), balance=D(4_999_999))


# -- zakat distribution ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asnaf", [a for a in Asnaf if a is not Asnaf.AMIL])
def test_zakat_is_paid_to_each_asnaf_with_its_tag(asnaf: Asnaf) -> None:
    e = distribute_zakat(DAY, asnaf.value, D(300_000), balance=D(300_000), mustahik="mustahik:3")
    assert lines(e) == [("zakat_fund", None, D(300_000)), ("maal_cash", None, D(-300_000))]
    assert e.postings[0].memo == f"asnaf:{asnaf.value}"
    assert e.meta["asnaf"] == asnaf.value
    assert ASNAF_LABELS_ID[asnaf].lower() in e.description


@pytest.mark.parametrize("recipient", ["pengurus", "masjid", "", "ppap"])
def test_zakat_to_anyone_outside_the_eight_asnaf_is_refused(recipient: str) -> None:
    with pytest.raises(ShariaViolation) as exc:
        distribute_zakat(DAY, recipient, D(1), balance=D(1_000))
    assert exc.value.rule == "ZIS-04"


@pytest.mark.parametrize(("text", "asnaf"), [("Fi Sabilillah", Asnaf.FI_SABILILLAH), ("ibnu-sabil", Asnaf.IBNU_SABIL), ("Muallaf", Asnaf.MUALAF), ("FAKIR", Asnaf.FAKIR)])
def test_the_usual_spellings_of_an_asnaf_are_understood(text: str, asnaf: Asnaf) -> None:
    assert parse_asnaf(text) is asnaf


def test_the_amil_cannot_be_paid_as_a_distribution_around_the_cap() -> None:
    with pytest.raises(ShariaViolation) as exc:
        distribute_zakat(DAY, Asnaf.AMIL, D(1), balance=D(1_000))
    assert exc.value.rule == "ZIS-02"


def test_a_distribution_larger_than_the_zakat_fund_is_refused() -> None:
    with pytest.raises(InsufficientBalance):
        distribute_zakat(DAY, Asnaf.FAKIR, D(1_000_001), balance=D(1_000_000))


# -- spending from the other funds ---------------------------------------------------------------------------------


def test_zakat_never_covers_loan_loss_allowances() -> None:
    with pytest.raises(ShariaViolation) as exc:
        spend_from_fund(DAY, FundRef(Fund.ZAKAT), D(1), D(1_000), use=FundUse.LOSS_COVERAGE)
    assert exc.value.rule == "ZIS-03"


@pytest.mark.parametrize("fund", [Fund.INFAQ, Fund.KEBAJIKAN, Fund.NONHALAL, Fund.AMIL])
def test_no_social_fund_covers_business_losses(fund: Fund) -> None:
    with pytest.raises(ShariaViolation) as exc:
        spend_from_fund(DAY, FundRef(fund), D(1), D(1_000), use=FundUse.LOSS_COVERAGE)
    assert exc.value.rule == "ZIS-01"


@pytest.mark.parametrize("use", [FundUse.SOCIAL, FundUse.AMIL_OPERATIONS, FundUse.ASNAF])
def test_zakat_leaves_only_through_a_tagged_distribution_or_the_amil_share(use: FundUse) -> None:
    with pytest.raises(ShariaViolation) as exc:
        spend_from_fund(DAY, FundRef(Fund.ZAKAT), D(1), D(1_000), use=use)
    assert exc.value.rule == "ZIS-04"


@pytest.mark.parametrize(
    ("fund", "use"),
    [
        (FundRef(Fund.INFAQ), FundUse.AMIL_OPERATIONS),  # the amil is paid through the capped share
        (FundRef(Fund.NONHALAL), FundUse.AMIL_OPERATIONS),
        (FundRef(Fund.AMIL), FundUse.SOCIAL),
        (FundRef(Fund.KEBAJIKAN), FundUse.RESTRICTED_PURPOSE),  # a restricted purpose is paid by its own fund
    ],
)
def test_a_fund_does_not_pay_for_a_use_it_does_not_serve(fund: FundRef, use: FundUse) -> None:
    with pytest.raises(ShariaViolation) as exc:
        spend_from_fund(DAY, fund, D(1), D(1_000), use=use, purpose="beasiswa")
    assert exc.value.rule == "ZIS-01"


def test_a_restricted_fund_pays_only_for_its_own_purpose() -> None:
    fund = FundRef.restricted("beasiswa")
    e = spend_from_fund(DAY, fund, D(400_000), D(1_000_000), use=FundUse.RESTRICTED_PURPOSE, purpose="Beasiswa")
    assert lines(e) == [("infaq_restricted_fund", "fund:beasiswa", D(400_000)), ("maal_cash", None, D(-400_000))]
    with pytest.raises(ShariaViolation) as exc:
        spend_from_fund(DAY, fund, D(1), D(1_000_000), use=FundUse.RESTRICTED_PURPOSE, purpose="pembangunan")
    assert exc.value.rule == "ZIS-01"


def test_one_restricted_funds_money_is_never_spent_for_another_even_when_the_other_is_empty() -> None:
    book = book_with(beasiswa="5000000")
    with pytest.raises(InsufficientBalance):
        book.spend(DAY, FundRef.restricted("pembangunan"), D(1), use=FundUse.RESTRICTED_PURPOSE, purpose="pembangunan")
    with pytest.raises(ShariaViolation):
        book.spend(DAY, FundRef.restricted("beasiswa"), D(1), use=FundUse.RESTRICTED_PURPOSE, purpose="pembangunan")
    book, _ = book.spend(DAY, FundRef.restricted("beasiswa"), D(5_000_000), use=FundUse.RESTRICTED_PURPOSE, purpose="beasiswa")
    assert book.fund_balances()["fund:beasiswa"] == D(0)


def test_a_fund_cannot_pay_more_than_it_holds_even_when_cash_holds_other_funds_money() -> None:
    book = book_with(zakat="10000000", infaq="1000000")
    assert book.balance("maal_cash") == D(11_000_000)
    with pytest.raises(InsufficientBalance):
        book.spend(DAY, FundRef(Fund.INFAQ), D(1_000_001), use=FundUse.SOCIAL)
    book, _ = book.spend(DAY, FundRef(Fund.INFAQ), D(1_000_000), use=FundUse.SOCIAL)
    assert book.fund_balance(FundRef(Fund.INFAQ)) == D(0)
    assert book.fund_balance(FundRef(Fund.ZAKAT)) == D(10_000_000)


def test_amil_operating_costs_come_from_the_amil_fund() -> None:
    book = book_with(zakat="40000000")
    book, _ = book.allocate_amil(DAY, D(5_000_000))
    book, e = book.spend(DAY, FundRef(Fund.AMIL), D(1_200_000), use=FundUse.AMIL_OPERATIONS, description="Honor amil Maret")
    assert lines(e) == [("amil_fund", None, D(1_200_000)), ("maal_cash", None, D(-1_200_000))]
    assert e.description == "Honor amil Maret"
    assert book.fund_balance(FundRef(Fund.AMIL)) == D(3_800_000)


# -- qardhul hasan ---------------------------------------------------------------------------------------------------


def test_qardhul_hasan_is_lent_from_kebajikan_and_repaid_at_exactly_the_principal() -> None:
    book = book_with(kebajikan="3000000")
    book, loan = book.lend_qardhul_hasan(DAY, "anggota:9", D(2_000_000))
    assert lines(loan) == [("qardhul_hasan_receivable", "qh:anggota:9", D(2_000_000)), ("maal_cash", None, D(-2_000_000))]
    assert book.spendable(FundRef(Fund.KEBAJIKAN)) == D(1_000_000)
    with pytest.raises(ShariaViolation) as exc:
        book.repay_qardhul_hasan(DAY, "anggota:9", D(2_000_001))
    assert exc.value.rule == "QRD-01"
    book, repayment = book.repay_qardhul_hasan(DAY, "anggota:9", D(1_500_000))
    assert lines(repayment) == [("maal_cash", None, D(1_500_000)), ("qardhul_hasan_receivable", "qh:anggota:9", D(-1_500_000))]
    assert book.qardh_outstanding("anggota:9") == D(500_000)
    book, writeoff = book.forgive_qardhul_hasan(DAY, "anggota:9", D(500_000))
    assert lines(writeoff) == [("kebajikan_fund", None, D(500_000)), ("qardhul_hasan_receivable", "qh:anggota:9", D(-500_000))]
    assert book.qardh_outstanding("anggota:9") == D(0)
    assert book.fund_balance(FundRef(Fund.KEBAJIKAN)) == D(2_500_000)
    assert book.balance("maal_cash") == D(2_500_000)


def test_kebajikan_money_out_on_loan_cannot_also_be_spent() -> None:
    book = book_with(kebajikan="1000000")
    book, _ = book.lend_qardhul_hasan(DAY, "anggota:1", D(800_000))
    with pytest.raises(InsufficientBalance):
        book.spend(DAY, FundRef(Fund.KEBAJIKAN), D(200_001), use=FundUse.SOCIAL)
    with pytest.raises(InsufficientBalance):
        book.lend_qardhul_hasan(DAY, "anggota:2", D(200_001))


def test_qardhul_hasan_is_never_lent_from_zakat_or_infaq() -> None:
    book = book_with(zakat="10000000", infaq="10000000")
    with pytest.raises(InsufficientBalance):
        book.lend_qardhul_hasan(DAY, "anggota:1", D(1))


def test_qardhul_hasan_functions_check_the_borrower_and_what_is_owed() -> None:
    with pytest.raises(InvalidInput, match="peminjam"):
        lend_qardhul_hasan(DAY, " ", D(1), available=D(10))
    with pytest.raises(InsufficientBalance):
        forgive_qardhul_hasan(DAY, "anggota:1", D(11), outstanding=D(10))
    with pytest.raises(ShariaViolation):
        repay_qardhul_hasan(DAY, "anggota:1", D(11), outstanding=D(10))


# -- the fund book --------------------------------------------------------------------------------------------------


def test_the_fund_book_refuses_an_entry_of_the_business_book() -> None:
    with pytest.raises(InvalidInput, match="maal"):
        FundBook().apply(tamwil_transfer_entry(DAY, D(1)))


def test_the_fund_book_refuses_a_maal_entry_on_a_business_account() -> None:
    e = make_entry(DAY, "salah buku", Posting.debit("cash", D(1)), Posting.credit("zakat_fund", D(1)), book="maal")
    with pytest.raises(InvalidInput, match="cash"):
        FundBook().apply(e)


def test_infaq_for_a_restricted_fund_that_is_not_open_is_refused() -> None:
    with pytest.raises(NotFound, match="belum dibuka"):
        FundBook().receive_infaq(DAY, D(1), purpose="wakaf-sumur")


def test_a_restricted_fund_is_opened_once_with_a_name() -> None:
    book = FundBook().open_restricted_fund("Beasiswa", "Dana beasiswa")
    assert book.restricted_funds == {"beasiswa": "Dana beasiswa"}
    with pytest.raises(InvalidInput):
        book.open_restricted_fund("beasiswa", "lagi")
    with pytest.raises(InvalidInput):
        book.open_restricted_fund("asrama", " ")


def test_the_fund_book_lists_every_fund_and_each_restricted_fund_for_the_statement_of_changes_in_funds() -> None:
    book = book_with(zakat="1000", infaq="200", beasiswa="30", kebajikan="4")
    assert book.fund_balances() == {
        "zakat_fund": D(1000),
        "infaq_fund": D(200),
        "amil_fund": D(0),
        "nonhalal_fund": D(0),
        "kebajikan_fund": D(4),
        "fund:beasiswa": D(30),
        "fund:pembangunan": D(0),
    }
    assert book.totals() == (D(1234), D(1234))


def test_a_refused_operation_leaves_the_book_as_it_was() -> None:
    book = book_with(zakat="1000000")
    with pytest.raises(InsufficientBalance):
        book.distribute_zakat(DAY, Asnaf.MISKIN, D(1_000_001))
    assert book.fund_balance(FundRef(Fund.ZAKAT)) == D(1_000_000)
    book2, _ = book.distribute_zakat(DAY, Asnaf.MISKIN, D(1_000_000))
    assert book.fund_balance(FundRef(Fund.ZAKAT)) == D(1_000_000)  # the old value is unchanged
    assert book2.fund_balance(FundRef(Fund.ZAKAT)) == D(0)
