"""Scoring methods: each registered method on every definition that uses it, the rule that
only `app/instruments/methods.py` knows method names, and a made-up method that needs no
change anywhere else to be scored and summarised."""

from __future__ import annotations

import ast
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from app import instruments
from app.exports.columns import wide_columns
from app.instruments import methods
from app.instruments.change import change
from app.instruments.codebook import codebook
from app.instruments.methods import METHODS, ChartKind, ScoringMethod, TotalLabel
from app.instruments.registry import (
    DEFINITIONS,
    InstrumentDefinitionError,
    parse_definition,
    registry,
)
from app.instruments.scoring import item_score, score
from app.instruments.simulate import plausible_answers
from app.services.cohort import CohortFilter, dashboard, reliable_change_sd, reported_refs
from app.services.scores import scores_by_ref
from app.statistics.refs import TOTAL

from .. import factories
from ..evaluator.cohort_data import add_assessment

APP = Path(__file__).resolve().parents[2] / "app"
METHODS_MODULE = APP / "instruments" / "methods.py"
USES = [pytest.param(instrument.scoring.method, instrument, id=instrument.ident)
        for instrument in registry()]


def test_every_registered_method_is_used_by_a_shipped_definition():
    """A method no definition uses is code nobody exercises: remove it or ship a definition."""
    assert set(METHODS) == {instrument.scoring.method for instrument in registry()}


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_the_definition_gets_its_registered_method(name, instrument):
    assert instrument.method is METHODS[name]
    assert instrument.method.name == name
    instrument.method.validate(instrument)  # a shipped definition passes its method's checks


def answers_scoring(instrument, value_of) -> dict:
    """Raw answers that score `value_of(scale)` on every scored item (reversal undone)."""
    return {item.key: item_score(instrument, item, value_of(instrument.scale_of(item)))
            for item in instrument.scored_items}


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_total_reaches_both_ends_of_its_range_and_no_further(name, instrument):
    method = instrument.method
    lowest = score(instrument, answers_scoring(instrument, lambda scale: scale.min))
    highest = score(instrument, answers_scoring(instrument, lambda scale: scale.max))
    if not method.has_total:
        assert method.total_range(instrument) is None
        assert (lowest.total, highest.total) == (None, None)
        return
    assert (lowest.total, highest.total) == method.total_range(instrument)
    assert codebook(instrument)["total"] == {"min": lowest.total, "max": highest.total}
    rng = random.Random(name)
    for _ in range(200):
        total = score(instrument, plausible_answers(instrument, rng)).total
        assert total is None or lowest.total <= total <= highest.total


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_every_reported_ref_is_stored_and_the_headline_comes_last(name, instrument):
    method = instrument.method
    refs = reported_refs(instrument)
    assert refs[-1] == method.headline_ref
    rng = random.Random(name)
    for _ in range(50):
        answers = plausible_answers(instrument, rng)
        stored = scores_by_ref(instrument, answers)
        assert set(refs) <= set(stored)
        assert stored[method.headline_ref] == method.headline(score(instrument, answers))


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_change_of_the_total_follows_the_method(name, instrument):
    method = instrument.method
    rng = random.Random(name)
    first = plausible_answers(instrument, rng)
    later = plausible_answers(instrument, rng, baseline=first, occasion_index=1)
    report = change(instrument, score(instrument, first), score(instrument, later),
                    reliability=0.8, reference_sd=10.0)
    assert (report.total is not None) == method.has_total
    if report.total is not None and report.total.delta is not None:
        assert (report.total.rci is not None) == method.reliable_change
    assert bool(reliable_change_sd(instrument)) == bool(
        method.reliable_change and instrument.reliability and instrument.reference_sd)


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_export_and_output_shape_follow_the_method(name, instrument):
    method = instrument.method
    totals = [c for c in wide_columns(instrument) if c.name == f"{instrument.key}_total"]
    assert [c.type for c in totals] == ([method.total_type] if method.has_total else [])
    scores = score(instrument, plausible_answers(instrument, random.Random(name)))
    written = method.as_json(instrument, scores)  # the CLI writes it as a JSON line
    assert written and json.loads(json.dumps(written)) == written


@pytest.mark.parametrize(("name", "instrument"), USES)
def test_chart_and_label_fit_the_method(name, instrument):
    method = instrument.method
    # The participant page shows a TOTALS method's total within its range.
    assert method.chart is not ChartKind.TOTALS or method.has_total
    assert method.total_label in TotalLabel


def test_every_total_label_has_words_in_the_web_layer():
    from app.vocabulary import TOTAL_LABELS

    assert set(TOTAL_LABELS) == set(TotalLabel)


# -- definition checks that moved from schema.py into the methods --------------------------

WORK, KASAM, CEFR = ((DEFINITIONS / f"{ident}.toml").read_text(encoding="utf-8")
                     for ident in ("work_wheel-1", "kasam13-1", "cefr-1"))


@pytest.mark.parametrize(("text", "message"), [
    pytest.param(WORK.replace('method = "per_item"', 'method = "per_area"'),
                 "scoring.method: unknown scoring method 'per_area'", id="unknown"),
    pytest.param(WORK.replace('method = "per_item"', 'method = "subscale_sum"'),
                 "scoring.method: subscale_sum needs subscales", id="sum-without-subscales"),
    pytest.param(KASAM.replace('method = "subscale_sum"', 'method = "per_item"'),
                 "subscales: scoring method 'per_item' takes no subscales",
                 id="wheel-with-subscales"),
    pytest.param(CEFR.replace("min_answered = 3", "min_answered = 9"),
                 "scoring.min_answered: more than the scored items", id="levels-too-few-items"),
    pytest.param(WORK.replace('method = "per_item"', 'method = "level_median"')
                 .replace('"health"\nscale = "satisfaction"', '"health"\nscale = "short"')
                 .replace("[scales.free_text]",
                          "[scales.short]\nmin = 1\nmax = 5\n[scales.free_text]"),
                 "scoring.method: level_median needs one shared scale", id="levels-mixed-scales"),
])
def test_a_definition_its_method_cannot_score_is_refused(text, message):
    with pytest.raises(InstrumentDefinitionError, match=message):
        parse_definition(text, "x-1.toml")


# -- only the methods module knows method names -------------------------------------------

def _compares_scoring_method(node: ast.AST) -> bool:
    """`… .scoring.method == x` (or !=, in, …) on either side of a comparison."""
    return isinstance(node, ast.Compare) and any(
        isinstance(part, ast.Attribute) and part.attr == "method"
        and isinstance(part.value, ast.Attribute) and part.value.attr == "scoring"
        for part in (node.left, *node.comparators))


def method_name_uses(source: str, names) -> list[int]:
    """Lines where a method name is a string constant, or `.scoring.method` is compared."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if (isinstance(node, ast.Constant) and node.value in names)
            or _compares_scoring_method(node)]


def test_the_check_finds_a_method_name_and_a_comparison():
    source = ('if instrument.scoring.method == kind:\n    pass\n'
              'x = "level_median"\n')
    assert method_name_uses(source, {"level_median"}) == [1, 3]


def test_no_module_outside_the_methods_module_branches_on_a_method_name():
    offences = [
        f"{path.relative_to(APP.parent)}:{line}"
        for path in sorted(APP.rglob("*.py")) if path != METHODS_MODULE
        for line in method_name_uses(path.read_text(encoding="utf-8"), set(METHODS))
    ]
    assert offences == [], (
        "These lines name a scoring method or compare `scoring.method`: "
        f"{', '.join(offences)}. What differs between methods belongs on the method class in "
        "app/instruments/methods.py (an attribute or function of ScoringMethod, overridden "
        "where a method differs); here, ask `instrument.method.<that attribute>`.")


# -- a new method is one class -------------------------------------------------------------

class SumOfItems(ScoringMethod):
    """Made up for these tests: the total is the sum of every scored item, missing when any
    item is skipped."""

    name = "sum_of_items"

    def score(self, instrument, items):
        values = list(items.values())
        return {}, None if None in values else sum(values)

    def total_range(self, instrument):
        scales = [instrument.scale_of(i) for i in instrument.scored_items]
        return sum(s.min for s in scales), sum(s.max for s in scales)


CONFIDENCE = """
key = "confidence"
version = 1
minutes = 2
individual_results = "participant_and_coach"
title = { en = "Confidence", sv = "Självförtroende" }
intro = { en = "Two short questions.", sv = "Två korta frågor." }
[scales.agree]
min = 0
max = 4
[scoring]
method = "sum_of_items"
description = { en = "Sum of both.", sv = "Summan av båda." }
[[items]]
key = "can_learn"
scale = "agree"
text = { en = "I can learn new things.", sv = "Jag kan lära mig nya saker." }
[[items]]
key = "give_up"
scale = "agree"
reverse = true
skippable = true
text = { en = "I give up easily.", sv = "Jag ger upp lätt." }
"""


@pytest.fixture
def confidence(monkeypatch):
    """The made-up method registered (for this test only) and a definition that uses it."""
    monkeypatch.setattr(methods, "METHODS", dict(METHODS))
    methods.register(SumOfItems)
    return parse_definition(CONFIDENCE, "confidence-1.toml")


def test_a_new_method_is_scored_exported_and_changed_without_other_code(confidence):
    before = score(confidence, {"can_learn": 1, "give_up": 4})
    after = score(confidence, {"can_learn": 4, "give_up": 0})
    assert (before.total, after.total) == (1, 8)
    assert score(confidence, {"can_learn": 3, "give_up": None}).total is None
    assert scores_by_ref(confidence, {"can_learn": 4, "give_up": 0}) == {
        "can_learn": 4, "give_up": 4, TOTAL: 8}
    assert reported_refs(confidence) == ["can_learn", "give_up", TOTAL]
    assert change(confidence, before, after).total.share_of_range == 7 / 8
    assert codebook(confidence)["total"] == {"min": 0, "max": 8}
    assert [c.type for c in wide_columns(confidence) if c.name == "confidence_total"] == ["number"]


def test_a_new_method_is_summarised_on_the_cohort_page_without_other_code(
        confidence, session, monkeypatch):
    monkeypatch.setattr(instruments, "get", lambda key, version: confidence)
    monkeypatch.setattr(instruments, "latest", lambda key: confidence)
    monkeypatch.setattr(instruments, "all_instruments", lambda: [confidence])
    unit = factories.make_unit(session)
    intake = date(2025, 2, 3)
    for gender, first, last in [("woman", 1, 3)] * 3 + [("man", 2, 2)] * 3:
        person = factories.make_participant(session, unit=unit, gender=gender, intake_date=intake)
        # give_up is reversed: answering 4 scores 0, so the totals are `first` and `last`.
        add_assessment(session, person, "intake", "confidence", {"can_learn": first, "give_up": 4},
                       on=intake)
        add_assessment(session, person, "exit", "confidence", {"can_learn": last, "give_up": 4},
                       on=intake + timedelta(days=100))
    data = dashboard(session, CohortFilter(organisation_id=unit.organisation_id,
                                           instrument_key="confidence"), threshold=3)
    assert data.refs == ["can_learn", "give_up", TOTAL]
    total = next(row for row in data.rows if row.ref == TOTAL).cells
    assert (total["woman"].before_mean, total["woman"].after_mean) == (1, 3)
    assert (total["all"].n, total["all"].before_mean, total["all"].after_mean) == (6, 1.5, 2.5)
    assert data.levels is None and not data.reliable
