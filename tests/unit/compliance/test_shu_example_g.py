"""Example G (domain.md §11): the year's SHU divided by the articles, then among the members — golden figures,
and properties of the division for any SHU and any members."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmt.compliance.shu import CATEGORIES, DEFAULT_POLICY, MemberBasis, ShuPolicy, allocate_shu
from bmt.errors import InvalidInput

M = Decimal(1_000_000)

# category, percent, amount (domain.md Example G "Derived allocation")
GOLDEN_PARTS = [
    ("cadangan", "40", 40 * M),
    ("jasa_modal", "20", 20 * M),
    ("jasa_usaha", "20", 20 * M),
    ("pengurus", "5", 5 * M),
    ("karyawan", "5", 5 * M),
    ("pendidikan", "5", 5 * M),
    ("sosial", "2.5", Decimal(2_500_000)),
    ("pembangunan_daerah", "2.5", Decimal(2_500_000)),
]
# member, simpanan pokok+wajib, margin/bagi hasil paid, jasa modal, jasa usaha, total
GOLDEN_MEMBERS = [
    (1, 5 * M, 3 * M, 10 * M, 15 * M, 25 * M),
    (2, 3 * M, 1 * M, 6 * M, 5 * M, 11 * M),
    (3, 2 * M, 0, 4 * M, 0, 4 * M),
]


def _example_g() -> object:
    members = [MemberBasis(m, modal, Decimal(usaha)) for m, modal, usaha, *_ in GOLDEN_MEMBERS]
    return allocate_shu(100 * M, DEFAULT_POLICY, members)


@pytest.mark.parametrize(("category", "pct", "amount"), GOLDEN_PARTS)
def test_example_g_divides_100_million_by_the_articles(category: str, pct: str, amount: Decimal) -> None:
    a = _example_g()
    assert DEFAULT_POLICY.percent_of(category) == Decimal(pct)
    assert a.part(category) == amount


@pytest.mark.parametrize(("member", "modal", "usaha", "jasa_modal", "jasa_usaha", "total"), GOLDEN_MEMBERS)
def test_example_g_gives_each_member_jasa_modal_and_jasa_usaha(member: int, modal: Decimal, usaha: int, jasa_modal: Decimal, jasa_usaha: Decimal, total: Decimal) -> None:
    share = next(m for m in _example_g().members if m.member_id == member)
    assert (share.jasa_modal, share.jasa_usaha, share.total) == (jasa_modal, jasa_usaha, total)


def test_example_g_pays_the_members_exactly_their_two_parts_with_no_residue() -> None:
    a = _example_g()
    assert a.members_total == 40 * M and a.residue == 0 and a.zakat == 0


def test_zakat_first_takes_two_and_a_half_percent_before_the_articles_divide_the_rest() -> None:
    policy = ShuPolicy(DEFAULT_POLICY.percentages, Decimal("2.5"))
    a = allocate_shu(100 * M, policy, [])
    assert a.zakat == Decimal(2_500_000) and a.distributable == Decimal(97_500_000)
    assert a.part("cadangan") == Decimal(39_000_000)
    assert sum((amt for _, _, amt in a.parts), Decimal(0)) == a.distributable


def test_a_members_part_nobody_earned_stays_undivided_as_residue() -> None:
    a = allocate_shu(100 * M, DEFAULT_POLICY, [MemberBasis(1, 5 * M, Decimal(0))])
    assert a.members[0].jasa_modal == 20 * M and a.members[0].jasa_usaha == 0 and a.residue == 20 * M


@pytest.mark.parametrize(
    "percentages",
    [
        {"cadangan": "50", "jasa_modal": "20", "jasa_usaha": "20", "pengurus": "5", "karyawan": "5", "pendidikan": "5", "sosial": "2.5", "pembangunan_daerah": "2.5"},
        {"cadangan": "40", "jasa_modal": "20", "jasa_usaha": "20"},
        {"cadangan": "-10", "jasa_modal": "50", "jasa_usaha": "20", "pengurus": "5", "karyawan": "5", "pendidikan": "20", "sosial": "5", "pembangunan_daerah": "5"},
    ],
)
def test_articles_that_do_not_sum_to_100_or_miss_a_category_are_refused(percentages: dict) -> None:
    with pytest.raises(InvalidInput):
        ShuPolicy.from_json({"percentages": percentages})


@pytest.mark.parametrize("shu", [Decimal(0), Decimal(-5_000_000), Decimal("10.005")])
def test_a_loss_a_zero_or_a_fraction_of_a_sen_is_not_divided(shu: Decimal) -> None:
    with pytest.raises(InvalidInput):
        allocate_shu(shu, DEFAULT_POLICY, [])


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=Decimal(0), max_value=Decimal(500_000_000), places=0, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(shu=money, zakat=st.sampled_from(["0", "2.5"]), members=st.lists(st.tuples(weights, weights), max_size=25))
def test_the_parts_always_sum_to_the_shu_and_members_never_get_more_than_their_parts(shu: Decimal, zakat: str, members: list) -> None:
    policy = ShuPolicy(DEFAULT_POLICY.percentages, Decimal(zakat))
    a = allocate_shu(shu, policy, [MemberBasis(i, m, u) for i, (m, u) in enumerate(members)])
    assert a.zakat + sum((amt for _, _, amt in a.parts), Decimal(0)) == shu
    assert a.members_total + a.residue == a.part("jasa_modal") + a.part("jasa_usaha")
    assert a.residue >= 0 and all(m.total >= 0 and m.total == m.total.to_integral_value() for m in a.members)
    assert {c for c, _, _ in a.parts} == {c for c, _ in CATEGORIES}
