"""The health score (domain.md §8): weighted components from a data table, half-open bands, both frameworks."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bmt.compliance.health import (
    assess,
    band,
    default_raw,
    default_table,
    load_table,
    percent,
    prefill_sharia,
)
from bmt.errors import InvalidInput

D = Decimal

# A cooperative's figures for one year, and the answers its manager gave; every line below was worked by hand.
FIGURES = {
    "modal_sendiri": D(30_000_000), "total_aset": D(200_000_000), "atmr": D(150_000_000),
    "total_pembiayaan": D(100_000_000), "pembiayaan_bermasalah": D(35_000_000), "pembiayaan_berisiko": D(35_000_000),
    "ppap_dibentuk": D(8_580_000), "ppap_wajib": D(10_725_000),
    "biaya_operasional": D(12_000_000), "partisipasi_bruto": D(20_000_000), "aktiva_tetap": D(50_000_000), "biaya_karyawan": D(6_000_000),
    "kas_bank": D(20_000_000), "kewajiban_lancar": D(100_000_000), "dana_diterima": D(160_000_000),
    "shu": D(4_000_000), "pendapatan_usaha": D(22_000_000), "biaya_usaha": D(18_000_000), "simpanan_pokok_wajib": D(25_000_000),
}
YES = {"mu1", "mu2", "mu3", "mu4", "mk1", "mk2", "mk3", "mp1", "mp2", "ma1", "ma2", "ma3", "ks1", "ks2", "ks3", "ks4", "ks5", "ks6"}

# component, ratio or yes-% , nilai, score  (Perdep 07/2016, max nilai 100)
GOLDEN_PERDEP = """
modal_sendiri_aset             15.00   75    3.75
car                            20.00  100    5.00
npf                            35.00   25    2.50
portofolio_berisiko            35.00   25    1.25
rasio_ppap                     80.00   50    2.50
manajemen_umum                100.00  100    3.00
manajemen_kelembagaan          75.00   75    2.25
manajemen_permodalan           66.67   66.67 2.00
manajemen_aktiva              100.00  100    3.00
manajemen_likuiditas            0.00    0    0.00
biaya_operasional_partisipasi  60.00  100    4.00
aktiva_tetap_aset              25.00  100    4.00
efisiensi_pelayanan             6.00   75    1.50
cash_ratio                     20.00  100   10.00
pembiayaan_dana_diterima       62.50   50    2.50
rentabilitas_aset               2.00   50    1.50
rentabilitas_modal_sendiri     13.33  100    3.00
kemandirian_operasional       122.22   50    2.00
partisipasi_bruto              90.91  100    5.00
promosi_ekonomi_anggota        16.00  100    5.00
kepatuhan_syariah              85.71   85.71 8.57
"""


def _rows(text: str) -> list[tuple[str, D, D, D]]:
    return [(k, D(p), D(v), D(s)) for k, p, v, s in (line.split() for line in text.strip().splitlines())]


def _components(result) -> dict:  # noqa: ANN001
    return {c.key: c for a in result.aspects for c in a.components}


def test_the_perdep_score_of_a_cooperative_matches_the_hand_computation_line_by_line() -> None:
    r = assess(default_table(), "perdep_07_2016", FIGURES, dict.fromkeys(YES, True))
    got = _components(r)
    for key, pct, value, score in _rows(GOLDEN_PERDEP):
        assert (got[key].percent, got[key].value, got[key].score) == (pct, value, score), key
    assert {a.key: a.score for a in r.aspects} == {
        "permodalan": D("8.75"), "kualitas_aset": D("6.25"), "manajemen": D("10.25"), "efisiensi": D("9.50"),
        "likuiditas": D("12.50"), "kemandirian": D("6.50"), "jatidiri": D("10.00"), "kepatuhan_syariah": D("8.57"),
    }
    assert r.score == D("72.32") and r.band == "Cukup Sehat"


def test_a_ratio_line_carries_the_amounts_it_was_computed_from() -> None:
    c = _components(assess(default_table(), "perdep_07_2016", FIGURES, {}))["npf"]
    assert c.inputs == (("pembiayaan_bermasalah", D(35_000_000)), ("total_pembiayaan", D(100_000_000)))


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", "Sehat"), ("80", "Sehat"), ("80.00", "Sehat"), ("79.99", "Cukup Sehat"), ("66", "Cukup Sehat"), ("65.99", "Dalam Pengawasan"),
        ("51", "Dalam Pengawasan"), ("50.99", "Dalam Pengawasan Khusus"), ("0", "Dalam Pengawasan Khusus"),
    ],
)
def test_perdep_bands_are_half_open_at_80_66_and_51(score: str, expected: str) -> None:
    assert band(D(score), default_table().framework("perdep_07_2016").bands) == expected


@pytest.mark.parametrize(("score", "expected"), [("76", "Sehat"), ("75.99", "Cukup Sehat"), ("51", "Cukup Sehat"), ("50.99", "Kurang Sehat"), ("26", "Kurang Sehat"), ("25.99", "Tidak Sehat")])
def test_permenkop_bands_follow_the_juknis_questionnaire_cut_offs(score: str, expected: str) -> None:
    assert band(D(score), default_table().framework("permenkop_9_2020").bands) == expected


def test_the_permenkop_framework_scores_each_indicator_1_to_4_and_weighs_it() -> None:
    r = assess(default_table(), "permenkop_9_2020", FIGURES, dict.fromkeys(YES, True))
    c = _components(r)
    # NPF 35 % > 15 % is skor 1 (Juknis 15/2021 table); 10 × 1 / 4 = 2.50.
    assert (c["npf"].value, c["npf"].score) == (D(1), D("2.50"))
    # PPAP 80 % -> skor 2; 5 × 2 / 4 = 2.50.  Sharia 6 of 7 = 85.71 % -> skor 4 -> 10.00.
    assert (c["rasio_ppap"].value, c["kepatuhan_syariah"].value, c["kepatuhan_syariah"].score) == (D(2), D(4), D("10.00"))
    # Kelembagaan 3 of 4 = 75 % -> skor 3 (51–75 %) -> 10 × 3 / 4 = 7.50.
    assert c["manajemen_kelembagaan"].score == D("7.50")
    assert r.score == sum((a.score for a in r.aspects), D(0))
    assert r.band == band(r.score, default_table().framework("permenkop_9_2020").bands)


def test_npf_at_exactly_five_percent_is_still_the_best_step() -> None:
    f = dict(FIGURES, pembiayaan_bermasalah=D(5_000_000))
    assert _components(assess(default_table(), "perdep_07_2016", f, {}))["npf"].value == D(100)
    # Ratios are scored at 0.01 %: 5.01 % is past the step.
    f = dict(FIGURES, pembiayaan_bermasalah=D(5_010_000))
    assert _components(assess(default_table(), "perdep_07_2016", f, {}))["npf"].value == D(75)


def test_a_ratio_without_a_denominator_takes_the_tables_undefined_value() -> None:
    f = dict(FIGURES, total_pembiayaan=D(0), pembiayaan_bermasalah=D(0), pembiayaan_berisiko=D(0), kewajiban_lancar=D(0))
    c = _components(assess(default_table(), "perdep_07_2016", f, {}))
    assert c["npf"].percent is None and c["npf"].value == D(100)  # no financing: nothing is bad
    assert c["cash_ratio"].percent is None and c["cash_ratio"].score == D(0)


def test_sharia_answers_are_prefilled_from_dps_findings() -> None:
    t = default_table()
    answers = prefill_sharia(t, {"FEE-01", "ZIS-04"})
    assert answers["ks4"] is False and answers["ks7"] is False and answers["ks1"] is True
    assert prefill_sharia(t, None) == {}


def test_a_table_whose_weights_do_not_add_up_is_refused() -> None:
    raw = copy.deepcopy(default_raw())
    raw["frameworks"]["perdep_07_2016"]["aspects"][0]["weight"] = "11"
    with pytest.raises(InvalidInput, match="bobot"):
        load_table(raw)


def test_bands_out_of_order_or_a_step_table_without_catch_all_are_refused() -> None:
    raw = copy.deepcopy(default_raw())
    raw["frameworks"]["perdep_07_2016"]["bands"][0]["at_least"] = "50"
    with pytest.raises(InvalidInput, match="predikat"):
        load_table(raw)
    raw = copy.deepcopy(default_raw())
    raw["frameworks"]["perdep_07_2016"]["aspects"][0]["components"][0]["steps"].pop()
    with pytest.raises(InvalidInput, match="batas"):
        load_table(raw)


def test_changing_a_weight_in_the_data_changes_the_score_without_code() -> None:
    raw = copy.deepcopy(default_raw())
    perm = raw["frameworks"]["perdep_07_2016"]["aspects"][0]
    perm["components"][0]["weight"], perm["components"][1]["weight"] = "2", "8"
    c = _components(assess(load_table(raw), "perdep_07_2016", FIGURES, {}))
    assert (c["modal_sendiri_aset"].score, c["car"].score) == (D("1.50"), D("8.00"))


def test_an_unknown_framework_is_refused() -> None:
    with pytest.raises(InvalidInput):
        assess(default_table(), "basel_iii", FIGURES, {})


@given(st.dictionaries(st.sampled_from(sorted(FIGURES)), st.integers(min_value=0, max_value=10**12)), st.sets(st.sampled_from(sorted(YES | {"ml1", "ml2", "ks7"}))))
def test_the_total_is_the_sum_of_its_lines_and_stays_within_0_and_100(over: dict, yes: set) -> None:
    f = {k: D(over.get(k, v)) for k, v in FIGURES.items()}
    for fw in ("perdep_07_2016", "permenkop_9_2020"):
        r = assess(default_table(), fw, f, dict.fromkeys(yes, True))
        assert r.score == sum((c.score for a in r.aspects for c in a.components), D(0))
        assert D(0) <= r.score <= D(100)
        for a in r.aspects:
            assert a.score <= a.weight


def test_percent_rounds_half_up_to_a_hundredth() -> None:
    assert percent(D(2), D(3)) == D("66.67") and percent(D(1), D(0)) is None
