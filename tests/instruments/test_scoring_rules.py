"""The rules behind the cohort figures that live in the definitions: a wheel's mean change
over the areas answered at both occasions (with a minimum), KASAM's limit on skipped items
in the total, and where each Health Wheel area comes from."""

from __future__ import annotations

import re

import pytest

from app import instruments
from app.instruments.codebook import codebook
from app.instruments.methods import compared_areas
from app.instruments.registry import DEFINITIONS, InstrumentDefinitionError, parse_definition
from app.instruments.scoring import score

WORK = instruments.latest("work_wheel")
HEALTH = instruments.latest("health_wheel")
KASAM = instruments.latest("kasam13")
CEFR = instruments.latest("cefr")
TEXT = {ident: (DEFINITIONS / f"{ident}.toml").read_text(encoding="utf-8")
        for ident in ("work_wheel-1", "health_wheel-1", "kasam13-1")}
FIXED = ("competence", "communication", "health", "network", "self_knowledge", "goals",
         "mobility")


def wheel(values, **changes):
    """Work wheel item scores: the seven fixed areas in order, then any changes."""
    return {**dict(zip(FIXED, values, strict=True)), "other": None, **changes}


# -- a wheel's mean change ----------------------------------------------------------------

def test_the_free_area_is_not_compared():
    assert [item.key for item in compared_areas(WORK)] == list(FIXED)
    assert len(compared_areas(HEALTH)) == 9


def test_the_minimum_is_stated_in_the_definitions():
    assert WORK.scoring.min_paired_areas == 6  # of the 7 fixed areas
    assert HEALTH.scoring.min_paired_areas == 7  # of 9, every one skippable
    assert "at least 6 of the 7 areas" in WORK.scoring.description.en
    assert "minst 7 av de 9" in HEALTH.scoring.description.sv.lower()


def test_mean_change_over_all_areas_leaves_something_else_out():
    before = wheel([4, 5, 6, 5, 5, 3, 7], other=1)
    after = wheel([6, 6, 6, 4, 8, 5, 7], other=10)
    # (4+5+6+5+5+3+7)/7 = 5 and (6+6+6+4+8+5+7)/7 = 6; "other" 1 → 10 is not counted.
    assert WORK.method.paired_mean(WORK, before, after) == pytest.approx((5, 6))


def test_an_area_answered_only_once_is_left_out_of_both_means():
    # Mobility (a low 1) is skipped at exit: without the rule the mean would rise from
    # 31/7 = 4.43 to 30/6 = 5 with no area changing at all.
    before = wheel([5, 5, 5, 5, 5, 5, 1])
    after = wheel([5, 5, 5, 5, 5, 5, None])
    assert WORK.method.paired_mean(WORK, before, after) == (5, 5)


def test_below_the_minimum_there_is_no_mean():
    before = wheel([5, 5, 5, 5, 5, None, 1])
    after = wheel([6, 6, 6, 6, 6, 6, None])  # only 5 areas at both occasions
    assert WORK.method.paired_mean(WORK, before, after) == (None, None)
    assert WORK.method.paired_mean(WORK, {}, {}) == (None, None)


def test_the_health_wheel_needs_seven_of_nine():
    keys = [item.key for item in compared_areas(HEALTH)]
    before = dict.fromkeys(keys, 4)
    after = {**dict.fromkeys(keys, 6), keys[0]: None, keys[1]: None}
    assert HEALTH.method.paired_mean(HEALTH, before, after) == (4, 6)
    after[keys[2]] = None
    assert HEALTH.method.paired_mean(HEALTH, before, after) == (None, None)


def test_every_method_pairs_its_headline():
    # A wheel compares its paired mean; a total stands alone at each occasion.
    before = wheel([4, 5, 6, 5, 5, 3, 7])
    after = wheel([6, 6, 6, 4, 8, 5, None])
    assert WORK.method.paired_headline(WORK, before, after) == pytest.approx((28 / 6, 35 / 6))
    first, later = dict.fromkeys((i.key for i in KASAM.scored_items), 4), \
        dict.fromkeys((i.key for i in KASAM.scored_items), 6)
    assert KASAM.method.paired_headline(KASAM, first, later) == (52, 78)
    levels = {"listening": 1, "reading": 2, "spoken_interaction": 2, "spoken_production": 3,
              "writing": None}
    assert CEFR.method.paired_headline(CEFR, levels, levels) == (2, 2)


@pytest.mark.parametrize(("text", "message"), [
    pytest.param(TEXT["work_wheel-1"].replace("min_paired_areas = 6", "min_paired_areas = 8"),
                 "scoring.min_paired_areas: more than the 7 areas a mean change compares",
                 id="more-than-the-areas"),
    pytest.param(TEXT["work_wheel-1"].replace("min_paired_areas = 6", "min_paired_areas = 0"),
                 "scoring.min_paired_areas", id="zero"),
    pytest.param(TEXT["kasam13-1"].replace("max_missing_total = 2",
                                           "max_missing_total = 2\nmin_paired_areas = 3"),
                 "scoring.min_paired_areas: scoring method 'subscale_sum' takes no "
                 "min_paired_areas", id="not-a-wheel"),
    pytest.param(TEXT["work_wheel-1"].replace("min_paired_areas = 6",
                                              "min_paired_areas = 6\nmax_missing_total = 1"),
                 "scoring.max_missing_total: scoring method 'per_item' takes no "
                 "max_missing_total", id="not-a-sum"),
    pytest.param(TEXT["kasam13-1"].replace("max_missing_total = 2", "max_missing_total = -1"),
                 "scoring.max_missing_total", id="negative"),
])
def test_a_rule_the_method_cannot_apply_is_refused(text, message):
    with pytest.raises(InstrumentDefinitionError, match=message):
        parse_definition(text, "x-1.toml")


def test_without_a_minimum_every_area_is_needed():
    relaxed = parse_definition(TEXT["work_wheel-1"].replace("min_paired_areas = 6\n", ""),
                               "work_wheel-1.toml")
    before, after = wheel([5] * 7), wheel([6] * 6 + [None])
    assert relaxed.method.paired_mean(relaxed, before, after) == (None, None)
    assert relaxed.method.paired_mean(relaxed, before, wheel([6] * 7)) == (5, 6)


# -- KASAM: at most two skipped items in the total, at most one per subscale --------------

ALL_FOURS = {item.key: 4 for item in KASAM.items}  # reversal maps 4 to 4 on 1..7


def test_kasam_rule_and_its_source_are_in_the_definition_and_the_codebook():
    assert (KASAM.scoring.max_missing_per_subscale, KASAM.scoring.max_missing_total) == (1, 2)
    book = codebook(KASAM)["scoring"]
    assert (book["max_missing_per_subscale"], book["max_missing_total"]) == (1, 2)
    assert "more than two items are skipped in all" in book["description"]["en"]
    assert "Stegvis's rule" in book["description"]["en"]
    assert "fler än två svar saknas totalt" in book["description"]["sv"]


@pytest.mark.parametrize(("skipped", "total"), [
    pytest.param((), 52, id="none"),
    pytest.param(("q2",), 52, id="one"),  # 4 substituted by the subscale's mean 4
    pytest.param(("q2", "q5"), 52, id="two-in-two-subscales"),
    pytest.param(("q2", "q5", "q12"), None, id="three-one-per-subscale"),
    pytest.param(("q2", "q6"), None, id="two-in-one-subscale"),
])
def test_kasam_total_by_the_number_of_skipped_items(skipped, total):
    # q2, q6 comprehensibility; q5 manageability; q12 meaningfulness.
    answers = {**ALL_FOURS, **dict.fromkeys(skipped)}
    assert score(KASAM, answers).total == total


def test_kasam_substitution_by_hand():
    # Comprehensibility q2 skipped: the other four answered 4, 4, 4 and 6 (q11 is not
    # reversed), mean 4.5, so the subscale is 18 · 5/4 = 22.5.
    scores = score(KASAM, {**ALL_FOURS, "q2": None, "q11": 6})
    assert scores.subscales["comprehensibility"] == 22.5
    assert scores.total == 22.5 + 16 + 16


def test_kasam_limit_is_configurable_per_definition():
    lenient = parse_definition(TEXT["kasam13-1"].replace("max_missing_total = 2\n", ""),
                               "kasam13-1.toml")
    three = {**ALL_FOURS, "q2": None, "q5": None, "q12": None}
    assert lenient.scoring.max_missing_total is None
    assert score(lenient, three).total == 52  # only the per-subscale limit applies
    strict = parse_definition(TEXT["kasam13-1"].replace("max_missing_total = 2",
                                                        "max_missing_total = 0"),
                              "kasam13-1.toml")
    assert score(strict, {**ALL_FOURS, "q2": None}).total is None
    assert score(strict, ALL_FOURS).total == 52


# -- where each Health Wheel area comes from ----------------------------------------------

def test_health_wheel_marks_the_areas_from_the_map2020_report():
    sources = {item.key: item.source for item in HEALTH.items}
    assert {key for key, source in sources.items() if source == "MAP2020"} == {
        "stress", "food", "physical_activity"}  # "stress, kost och motion"
    assert {source for key, source in sources.items()
            if key not in {"stress", "food", "physical_activity"}} == {"Stegvis"}
    items = {item["key"]: item for item in codebook(HEALTH)["items"]}
    assert items["stress"]["source"] == "MAP2020" and items["sleep"]["source"] == "Stegvis"


@pytest.mark.parametrize(("change", "message"), [
    pytest.param(('key = "stress"\nsource = "MAP2020"', 'key = "stress"\nsource = "Hälsohjulet"'),
                 "items[1].source: Input should be 'MAP2020' or 'Stegvis'",
                 id="unknown-source"),
    pytest.param(('key = "sleep"\nsource = "Stegvis"\n', 'key = "sleep"\n'),
                 "items[0].source: name the source of every scored item or of none",
                 id="one-left-out"),
])
def test_an_item_source_is_validated(change, message):
    with pytest.raises(InstrumentDefinitionError, match=re.escape(message)):
        parse_definition(TEXT["health_wheel-1"].replace(*change, 1), "health_wheel-1.toml")


def test_naming_sources_leaves_health_wheel_scores_unchanged():
    answers = {item.key: 3 + i % 5 for i, item in enumerate(HEALTH.items)}
    unsourced = parse_definition(
        "\n".join(line for line in TEXT["health_wheel-1"].splitlines()
                  if not line.startswith("source = \"MAP2020\"")
                  and not line.startswith("source = \"Stegvis\"")),
        "health_wheel-1.toml")
    assert score(unsourced, answers) == score(HEALTH, answers)
