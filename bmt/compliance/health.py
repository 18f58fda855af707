"""Cooperative health assessment (penilaian kesehatan KSPPS), pure: ratios in, weighted score and band out.

Two frameworks (domain.md §8): Perdep Deputi Pengawasan 07/2016 (eight aspects, each ratio turned into a
*nilai* 0–100 by a step table, score = weight × nilai / 100, bands 80/66/51) and Permenkop 9/2020 with Juknis
15/2021 (four aspects, each indicator a *skor* 1–4, score = weight × skor / 4). Weights, step tables, bands and
questionnaires are data (``health_weights.json``); an assessment stores the table it used, so a later change
of the table never rewrites an old report.

Bands are half-open and read top-down: with Perdep's ``80 / 66 / 51`` a total of 79.99 is *Cukup Sehat*,
80 is *Sehat*, 65.99 is *Dalam Pengawasan* and 50.99 *Dalam Pengawasan Khusus*.

Worked example (Perdep, one component): NPF = 3.500.000 / 100.000.000 = 3.50 % → step "at most 5" → nilai
100 → score 10 × 100 / 100 = 10.00 of the 10 the component weighs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from bmt.errors import InvalidInput

DEFAULT_TABLE_PATH = Path(__file__).with_name("health_weights.json")
FRAMEWORKS = ("perdep_07_2016", "permenkop_9_2020")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
_BOUNDS = ("at_least", "above", "below", "at_most")


@dataclass(frozen=True, slots=True)
class Step:
    """One row of a step table: the value applies when every bound given holds (a row without bounds is the catch-all)."""

    value: Decimal
    at_least: Decimal | None = None
    above: Decimal | None = None
    below: Decimal | None = None
    at_most: Decimal | None = None

    def holds(self, x: Decimal) -> bool:
        return (
            (self.at_least is None or x >= self.at_least)
            and (self.above is None or x > self.above)
            and (self.below is None or x < self.below)
            and (self.at_most is None or x <= self.at_most)
        )


@dataclass(frozen=True, slots=True)
class Component:
    key: str
    weight: Decimal
    steps: tuple[Step, ...] = ()
    questionnaire: bool = False
    questionnaire_steps: bool = False  # Permenkop: the yes-% goes through the framework's questionnaire table
    if_undefined: Decimal = Decimal(0)  # the value when the ratio cannot be computed (denominator zero)


@dataclass(frozen=True, slots=True)
class Aspect:
    key: str
    label: str
    weight: Decimal
    components: tuple[Component, ...]


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    at_least: Decimal | None  # None: the lowest band


@dataclass(frozen=True, slots=True)
class Framework:
    key: str
    label: str
    max_value: Decimal
    bands: tuple[Band, ...]
    aspects: tuple[Aspect, ...]
    questionnaire_steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class RatioDef:
    key: str
    label: str
    numerator: str
    denominator: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Questionnaire:
    key: str
    label: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """The whole scoring table of one version: frameworks, ratio definitions, questionnaires."""

    version: str
    frameworks: Mapping[str, Framework]
    ratios: Mapping[str, RatioDef]
    questionnaires: Mapping[str, Questionnaire]

    def framework(self, key: str) -> Framework:
        if key not in self.frameworks:
            raise InvalidInput(f"kerangka penilaian tidak dikenal: {key} / unknown framework", field="framework")
        return self.frameworks[key]

    def label_of(self, component_key: str) -> str:
        if component_key in self.ratios:
            return self.ratios[component_key].label
        return self.questionnaires[component_key].label


# ---------------------------------------------------------------- loading the data table


def _dec(value: Any, where: str) -> Decimal:
    if isinstance(value, float):
        raise InvalidInput(f"{where}: angka ditulis sebagai teks / numbers are strings in the table")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise InvalidInput(f"{where}: bukan angka / not a number: {value!r}") from None


def _steps(raw: list[dict[str, Any]], where: str) -> tuple[Step, ...]:
    steps = tuple(Step(_dec(s["value"], where), **{b: _dec(s[b], where) for b in _BOUNDS if b in s}) for s in raw)
    if not steps or any(getattr(steps[-1], b) is not None for b in _BOUNDS):
        raise InvalidInput(f"{where}: baris terakhir tabel harus tanpa batas / the last step must be a catch-all")
    return steps


def _component(raw: dict[str, Any], where: str) -> Component:
    return Component(
        key=raw["key"], weight=_dec(raw["weight"], where),
        steps=() if raw.get("questionnaire") else _steps(raw["steps"], f"{where}.{raw['key']}"),
        questionnaire=bool(raw.get("questionnaire")), questionnaire_steps=bool(raw.get("questionnaire_steps")),
        if_undefined=_dec(raw.get("if_undefined", "0"), where),
    )


def _framework(key: str, raw: dict[str, Any]) -> Framework:
    aspects = []
    for a in raw["aspects"]:
        comps = tuple(_component(c, f"{key}.{a['key']}") for c in a["components"])
        weight = _dec(a["weight"], key)
        if sum((c.weight for c in comps), Decimal(0)) != weight:
            raise InvalidInput(f"{key}.{a['key']}: bobot komponen tidak berjumlah {weight} / component weights must sum to the aspect's")
        aspects.append(Aspect(a["key"], a["label"], weight, comps))
    if sum((a.weight for a in aspects), Decimal(0)) != HUNDRED:
        raise InvalidInput(f"{key}: bobot aspek harus berjumlah 100 / aspect weights must sum to 100")
    bands = tuple(Band(b["label"], _dec(b["at_least"], key) if "at_least" in b else None) for b in raw["bands"])
    floors = [b.at_least for b in bands[:-1]]
    if bands[-1].at_least is not None or None in floors or floors != sorted(floors, reverse=True):
        raise InvalidInput(f"{key}: batas predikat harus menurun dan diakhiri predikat terendah / bands must descend")
    qsteps = _steps(raw["questionnaire_steps"], key) if "questionnaire_steps" in raw else ()
    return Framework(key, raw["label"], _dec(raw["max_value"], key), bands, tuple(aspects), qsteps)


def load_table(raw: Mapping[str, Any]) -> Table:
    """Parse and check a scoring table (the JSON shape of ``health_weights.json``).

    Raises:
        InvalidInput: weights that do not add up, bands out of order, a step table without a catch-all row,
            or a component that names no ratio or questionnaire.
    """
    ratios = {k: RatioDef(k, v["label"], v["numerator"], v["denominator"]) for k, v in raw["ratios"].items()}
    questionnaires = {
        k: Questionnaire(k, v["label"], tuple(Question(q["id"], q["text"], tuple(q.get("rules", ()))) for q in v["questions"]))
        for k, v in raw["questionnaires"].items()
    }
    frameworks = {k: _framework(k, v) for k, v in raw["frameworks"].items()}
    for fw in frameworks.values():
        for a in fw.aspects:
            for c in a.components:
                known = questionnaires if c.questionnaire else ratios
                if c.key not in known:
                    raise InvalidInput(f"{fw.key}: komponen {c.key} tidak punya definisi / undefined component")
    return Table(str(raw.get("version", "")), frameworks, ratios, questionnaires)


def default_raw() -> dict[str, Any]:
    """The shipped table as plain data (stored with each assessment)."""
    return json.loads(DEFAULT_TABLE_PATH.read_text(encoding="utf-8"))


def default_table() -> Table:
    return load_table(default_raw())


# ---------------------------------------------------------------- scoring


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` in percent to 0.01 (half-up); None when the denominator is not positive."""
    if denominator <= 0:
        return None
    return (numerator * HUNDRED / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def step_value(steps: tuple[Step, ...], x: Decimal) -> Decimal:
    """The value of the first step whose bounds hold for ``x``."""
    for s in steps:
        if s.holds(x):
            return s.value
    raise InvalidInput("tabel nilai tanpa baris penutup / step table without a catch-all")  # load_table prevents it


def band(score: Decimal, bands: tuple[Band, ...]) -> str:
    """The band of a total score: the first whose floor the score reaches (half-open ``[floor, next)``)."""
    for b in bands:
        if b.at_least is None or score >= b.at_least:
            return b.label
    return bands[-1].label


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One scored line of the report, with what it was computed from."""

    key: str
    label: str
    weight: Decimal
    kind: str  # ratio | questionnaire
    percent: Decimal | None  # the ratio in %, or the share of "yes" answers
    value: Decimal  # nilai (Perdep, 0–100) or skor (Permenkop, 1–4)
    score: Decimal  # weight × value / max_value, to 0.01
    inputs: tuple[tuple[str, Decimal], ...] = ()  # (figure name, amount) for a ratio
    yes: int = 0
    questions: int = 0


@dataclass(frozen=True, slots=True)
class AspectScore:
    key: str
    label: str
    weight: Decimal
    score: Decimal
    components: tuple[ComponentScore, ...]


@dataclass(frozen=True, slots=True)
class HealthResult:
    framework: str
    label: str
    max_value: Decimal
    score: Decimal
    band: str
    aspects: tuple[AspectScore, ...]


def _figure(figures: Mapping[str, Decimal], name: str) -> Decimal:
    if name not in figures:
        raise InvalidInput(f"angka {name} tidak tersedia / figure {name} is missing")
    return Decimal(figures[name])


def _ratio_component(c: Component, fw: Framework, table: Table, figures: Mapping[str, Decimal]) -> ComponentScore:
    r = table.ratios[c.key]
    num, den = _figure(figures, r.numerator), _figure(figures, r.denominator)
    pct = percent(num, den)
    value = c.if_undefined if pct is None else step_value(c.steps, pct)
    score = (c.weight * value / fw.max_value).quantize(CENT, rounding=ROUND_HALF_UP)
    return ComponentScore(c.key, r.label, c.weight, "ratio", pct, value, score, ((r.numerator, num), (r.denominator, den)))


def _questionnaire_component(c: Component, fw: Framework, table: Table, answers: Mapping[str, bool]) -> ComponentScore:
    q = table.questionnaires[c.key]
    total = len(q.questions)
    yes = sum(1 for x in q.questions if answers.get(x.id) is True)
    pct = (Decimal(yes) * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP) if total else Decimal(0)
    value = step_value(fw.questionnaire_steps, pct) if c.questionnaire_steps else pct * fw.max_value / HUNDRED
    score = (c.weight * value / fw.max_value).quantize(CENT, rounding=ROUND_HALF_UP)
    return ComponentScore(c.key, q.label, c.weight, "questionnaire", pct, value, score, (), yes, total)


def assess(table: Table, framework: str, figures: Mapping[str, Decimal], answers: Mapping[str, bool]) -> HealthResult:
    """Score one period.

    Args:
        table: The scoring table (``default_table()`` or the one stored with an assessment).
        framework: ``perdep_07_2016`` or ``permenkop_9_2020``.
        figures: Amounts from the books by name (``modal_sendiri``, ``total_aset``, ...; see ``table.ratios``).
        answers: Questionnaire answers by question id (True = yes; missing or False counts as no).

    Returns:
        Every component's ratio, inputs, value and score; each aspect's sum; the total (the sum of the rounded
        component scores, so the printed report adds up) and its band.
    """
    fw = table.framework(framework)
    aspects = []
    for a in fw.aspects:
        comps = tuple(
            _questionnaire_component(c, fw, table, answers) if c.questionnaire else _ratio_component(c, fw, table, figures)
            for c in a.components
        )
        aspects.append(AspectScore(a.key, a.label, a.weight, sum((c.score for c in comps), Decimal(0)), comps))
    total = sum((a.score for a in aspects), Decimal(0))
    return HealthResult(fw.key, fw.label, fw.max_value, total, band(total, fw.bands), tuple(aspects))


def prefill_sharia(table: Table, finding_rules: set[str] | None) -> dict[str, bool]:
    """Answers of the sharia questionnaire from DPS findings: a question is "yes" when none of its rules has a
    finding. With no findings data (``None``) nothing is pre-filled."""
    if finding_rules is None:
        return {}
    q = table.questionnaires.get("kepatuhan_syariah")
    return {x.id: not (set(x.rules) & finding_rules) for x in q.questions} if q else {}


def result_to_json(r: HealthResult) -> dict[str, Any]:
    """A result as plain JSON-able data (amounts and scores as strings)."""

    def s(x: Decimal | None) -> str | None:
        return None if x is None else str(x)

    return {
        "framework": r.framework, "label": r.label, "max_value": str(r.max_value), "score": str(r.score), "band": r.band,
        "aspects": [
            {
                "key": a.key, "label": a.label, "weight": str(a.weight), "score": str(a.score),
                "components": [
                    {"key": c.key, "label": c.label, "weight": str(c.weight), "kind": c.kind, "percent": s(c.percent), "value": str(c.value),
                     "score": str(c.score), "inputs": [[n, str(v)] for n, v in c.inputs], "yes": c.yes, "questions": c.questions}
                    for c in a.components
                ],
            }
            for a in r.aspects
        ],
    }
