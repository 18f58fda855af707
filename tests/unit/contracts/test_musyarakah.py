"""Musyarakah: profit by nisbah, loss strictly by capital, later contributions (domain.md §3, Example E)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bmt.contracts.mudharabah import RealisationReport
from bmt.contracts.musyarakah import (
    MusyarakahCapital,
    MusyarakahTerms,
    check_loss_split,
    musyarakah_capital_return_entry,
    musyarakah_disbursement_entry,
    musyarakah_loss_entry,
    musyarakah_share_entry,
    musyarakah_share_receipt_entry,
    period_result,
    split_loss,
    split_profit,
)
from bmt.errors import InvalidInput, ShariaViolation
from bmt.ledger import JournalEntry
from bmt.money import D

DAY = date(2025, 3, 31)


def lines(e: JournalEntry) -> set[tuple[str, str, Decimal]]:
    return {("D" if p.amount > 0 else "C", p.account, abs(p.amount)) for p in e.postings}


def example_e(**kw: object) -> MusyarakahTerms:
    return MusyarakahTerms(MusyarakahCapital(D(60_000_000), D(40_000_000)), bmt_nisbah=D(35), **kw)


def test_example_e_profit_is_split_by_the_agreed_nisbah_not_by_capital() -> None:
    split = split_profit(example_e(), D(10_000_000))
    assert (split.bmt, split.partner) == (D(3_500_000), D(6_500_000))


def test_example_e_a_loss_is_split_by_capital_share() -> None:
    split = split_loss(example_e().capital, D(8_000_000))
    assert (split.bmt, split.partner) == (D(4_800_000), D(3_200_000))


def test_a_reported_period_gives_either_a_profit_split_or_a_loss_split() -> None:
    terms = example_e()
    profit = period_result(terms, terms.capital, RealisationReport(DAY, D(25_000_000), D(15_000_000)))
    assert (profit.profit.bmt, profit.loss) == (D(3_500_000), None)
    loss = period_result(terms, terms.capital, RealisationReport(DAY, D(7_000_000), D(15_000_000)))
    assert loss.profit.bmt == D(0)
    assert loss.loss is not None and (loss.loss.bmt, loss.loss.partner) == (D(4_800_000), D(3_200_000))


def test_a_loss_split_copied_from_the_profit_nisbah_is_refused_as_msy_01() -> None:
    capital = example_e().capital
    check_loss_split(capital, D(8_000_000), D(4_800_000))  # by capital: accepted
    with pytest.raises(ShariaViolation) as caught:
        check_loss_split(capital, D(8_000_000), D(2_800_000))  # 35% nisbah of the loss
    assert caught.value.rule == "MSY-01"


def test_a_fixed_rupiah_return_on_a_musyarakah_is_refused_as_mdh_01() -> None:
    with pytest.raises(ShariaViolation) as caught:
        example_e(fixed_return=D(500_000))
    assert caught.value.rule == "MDH-01"


def test_a_later_contribution_by_the_partner_changes_the_loss_shares_from_then_on() -> None:
    capital = example_e().capital.contribute("partner", D(20_000_000))
    assert (capital.bmt, capital.partner) == (D(60_000_000), D(60_000_000))
    split = split_loss(capital, D(8_000_000))
    assert (split.bmt, split.partner) == (D(4_000_000), D(4_000_000))


def test_a_partner_withdrawal_raises_the_bmt_capital_share() -> None:
    capital = example_e().capital.withdraw("partner", D(20_000_000))
    assert capital.bmt_ratio == D(60_000_000) / D(80_000_000)
    split = split_loss(capital, D(8_000_000))
    assert (split.bmt, split.partner) == (D(6_000_000), D(2_000_000))


def test_a_withdrawal_that_empties_a_party_or_names_an_unknown_party_is_refused() -> None:
    capital = example_e().capital
    with pytest.raises(InvalidInput):
        capital.withdraw("partner", D(40_000_000))
    with pytest.raises(InvalidInput):
        capital.contribute("investor", D(1))


def test_a_loss_that_does_not_divide_evenly_still_ties_to_the_rupiah() -> None:
    split = split_loss(MusyarakahCapital(D(1), D(2)), D(100))
    assert (split.bmt, split.partner) == (D(33), D(67))
    with_sen = split_loss(MusyarakahCapital(D(1), D(2)), D("100.01"))
    assert with_sen.bmt + with_sen.partner == D("100.01")
    assert with_sen.bmt == D("33.34")  # 33.336666... to the sen


def test_both_parties_must_bring_capital() -> None:
    with pytest.raises(InvalidInput):
        MusyarakahCapital(D(100), D(0))


def test_journals_book_only_the_bmt_side_of_each_event() -> None:
    terms = example_e()
    assert lines(musyarakah_disbursement_entry(DAY, terms.capital.bmt)) == {
        ("D", "musyarakah_financing", D(60_000_000)),
        ("C", "cash", D(60_000_000)),
    }
    profit = split_profit(terms, D(10_000_000))
    assert lines(musyarakah_share_entry(DAY, profit)) == {
        ("D", "profit_share_receivable", D(3_500_000)),
        ("C", "musyarakah_income", D(3_500_000)),
    }
    assert lines(musyarakah_share_receipt_entry(DAY, D(3_500_000), outstanding=D(3_500_000))) == {
        ("D", "cash", D(3_500_000)),
        ("C", "profit_share_receivable", D(3_500_000)),
    }
    assert lines(musyarakah_loss_entry(DAY, split_loss(terms.capital, D(8_000_000)))) == {
        ("D", "musyarakah_loss", D(4_800_000)),
        ("C", "musyarakah_financing", D(4_800_000)),
    }
    assert lines(musyarakah_capital_return_entry(DAY, D(55_200_000), outstanding=D(55_200_000))) == {
        ("D", "cash", D(55_200_000)),
        ("C", "musyarakah_financing", D(55_200_000)),
    }


def test_a_capital_return_beyond_the_bmt_capital_is_refused() -> None:
    with pytest.raises(InvalidInput):
        musyarakah_capital_return_entry(DAY, D(60_000_001), outstanding=D(60_000_000))
