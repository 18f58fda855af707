from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bmt.contracts.quality import (
    BANK_5_CLASS,
    CLASSES,
    COOPERATIVE_DAYS,
    COOPERATIVE_DEFAULT,
    Exposure,
    QualityPolicy,
    assess,
    classify,
    npf_score,
    required_ppap,
)
from bmt.errors import InvalidInput

M = Decimal(1_000_000)

EXAMPLE_F = [
    # id, outstanding, dpd, collateral, class, base, ppap
    ("P1", 40 * M, 0, 0, "L", 40 * M, Decimal(200_000)),
    ("P2", 25 * M, 45, 0, "L", 25 * M, Decimal(125_000)),
    ("P3", 15 * M, 120, 6 * M, "KL", 9 * M, Decimal(900_000)),
    ("P4", 12 * M, 250, 5 * M, "D", 7 * M, Decimal(3_500_000)),
    ("P5", 8 * M, 400, 2 * M, "M", 6 * M, Decimal(6_000_000)),
]


def test_example_f_classes_allowances_and_npf() -> None:
    q = assess([Exposure(i, o, d, Decimal(c)) for i, o, d, c, *_ in EXAMPLE_F], COOPERATIVE_DAYS)
    for a, (_, _, _, _, cls, base, ppap) in zip(q.assessments, EXAMPLE_F, strict=True):
        assert (a.cls, a.base, a.ppap) == (cls, base, ppap)
    assert q.total == 100 * M and q.ppap_required == Decimal(10_725_000)
    assert q.npf_percent == Decimal("35.00") and npf_score(q.npf_percent) == (1, "Tidak Sehat")
    assert q.ppap_ratio_percent(Decimal(8_580_000)) == Decimal("80.00")


def test_the_cooperative_default_makes_an_under_collateralised_doubtful_contract_macet() -> None:
    # P4 of Example F: 5,000,000 collateral on 12,000,000 is below 75%: Macet under the default rule.
    assert classify(250, 12 * M, 5 * M, COOPERATIVE_DEFAULT) == "M"
    assert classify(250, 12 * M, 9 * M, COOPERATIVE_DEFAULT) == "D"


def test_bank_buckets_give_five_classes() -> None:
    assert [classify(d, M, Decimal(0), BANK_5_CLASS) for d in (0, 1, 90, 91, 121, 181)] == ["L", "DPK", "DPK", "KL", "D", "M"]
    assert required_ppap("DPK", 10 * M, Decimal(0), BANK_5_CLASS) == Decimal(500_000)


def test_bad_policies_are_refused() -> None:
    with pytest.raises(InvalidInput):
        QualityPolicy("x", (("L", 90), ("KL", 80), ("M", None)), {})
    with pytest.raises(InvalidInput):
        QualityPolicy("x", (("L", 90), ("M", 100)), {})


policies = st.sampled_from([COOPERATIVE_DEFAULT, COOPERATIVE_DAYS, BANK_5_CLASS])
money = st.integers(0, 10**11).map(Decimal)


@given(policies, st.integers(0, 2000), st.integers(0, 2000), money, money)
def test_classification_is_monotone_in_arrears(policy, d1: int, d2: int, outstanding: Decimal, collateral: Decimal) -> None:
    lo, hi = sorted((d1, d2))
    assert CLASSES.index(classify(lo, outstanding, collateral, policy)) <= CLASSES.index(classify(hi, outstanding, collateral, policy))


@given(policies, st.integers(0, 2000), money, money)
def test_the_allowance_never_exceeds_the_outstanding_and_never_goes_negative(policy, dpd: int, outstanding: Decimal, collateral: Decimal) -> None:
    cls = classify(dpd, outstanding, collateral, policy)
    assert ZERO_OR(required_ppap(cls, outstanding, collateral, policy)) <= outstanding


def ZERO_OR(x: Decimal) -> Decimal:  # noqa: N802
    assert x >= 0
    return x


@given(policies, st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 10**13), st.integers(0, 10**13)), min_size=1, max_size=50))
def test_the_vectorised_close_path_equals_the_scalar_rules(policy, rows) -> None:
    import numpy as np

    from bmt.contracts.quality import assess_sen_arrays

    dpd = np.array([r[0] for r in rows])
    out = np.array([r[1] for r in rows])
    col = np.array([r[2] for r in rows])
    cls, ppap = assess_sen_arrays(dpd, out, col, policy)
    for i, (d, o, c) in enumerate(rows):
        o_rp, c_rp = Decimal(o) / 100, Decimal(c) / 100
        expected = classify(d, o_rp, c_rp, policy)
        assert CLASSES[cls[i]] == expected
        assert Decimal(int(ppap[i])) / 100 == required_ppap(expected, o_rp, c_rp, policy)
