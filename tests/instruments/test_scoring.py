"""Hand-computed scores for each instrument, and validation of raw answers."""

from __future__ import annotations

import pytest

from app import instruments
from app.instruments.scoring import InvalidAnswer, level_name, score, validate, validate_answer

WORK = instruments.latest("work_wheel")
HEALTH = instruments.latest("health_wheel")
CEFR = instruments.latest("cefr")
KASAM = instruments.latest("kasam13")

WORK_ANSWERS = {
    "competence": 5,
    "communication": 3,
    "health": 8,
    "network": 4,
    "self_knowledge": 6,
    "goals": 5,
    "mobility": 10,
    "other_text": "Körkort",
    "other": 2,
}

# Raw answers; reversed items q1, q2, q3, q7, q10 score 8 − x.
KASAM_ANSWERS = {
    "q1": 1,
    "q2": 2,
    "q3": 3,
    "q4": 4,
    "q5": 5,
    "q6": 6,
    "q7": 7,
    "q8": 1,
    "q9": 2,
    "q10": 3,
    "q11": 4,
    "q12": 5,
    "q13": 6,
}


def test_work_wheel_scores_each_area_as_chosen_with_no_total():
    scores = score(WORK, WORK_ANSWERS)
    assert dict(scores.items) == {
        "competence": 5,
        "communication": 3,
        "health": 8,
        "network": 4,
        "self_knowledge": 6,
        "goals": 5,
        "mobility": 10,
        "other": 2,
    }
    assert "other_text" not in scores.items
    assert dict(scores.subscales) == {} and scores.total is None
    assert (scores.instrument_key, scores.instrument_version) == ("work_wheel", 1)


def test_work_wheel_other_may_be_skipped_but_main_areas_may_not():
    scores = score(WORK, {**WORK_ANSWERS, "other_text": None, "other": None})
    assert scores.items["other"] is None
    with pytest.raises(InvalidAnswer) as caught:
        score(WORK, {**WORK_ANSWERS, "health": None})
    assert caught.value.item_key == "health" and "required" in caught.value.reason


def test_health_wheel_every_area_can_be_skipped():
    scores = score(HEALTH, {"sleep": 3})
    assert scores.items["sleep"] == 3
    assert all(v is None for k, v in scores.items.items() if k != "sleep")
    assert scores.total is None


def test_kasam_reversal_subscales_and_total():
    scores = score(KASAM, KASAM_ANSWERS)
    assert [scores.items[k] for k in ("q1", "q2", "q3", "q7", "q10")] == [7, 6, 5, 1, 5]
    assert [scores.items[k] for k in ("q4", "q5", "q6", "q8")] == [4, 5, 6, 1]
    # comprehensibility q2 q6 q8 q9 q11 = 6+6+1+2+4; manageability q3 q5 q10 q13 = 5+5+5+6;
    # meaningfulness q1 q4 q7 q12 = 7+4+1+5
    assert dict(scores.subscales) == {
        "comprehensibility": 19,
        "manageability": 21,
        "meaningfulness": 17,
    }
    assert scores.total == 57


def test_kasam_extremes_are_13_and_91():
    worst = {k: (7 if KASAM.item(k).reverse else 1) for k in KASAM_ANSWERS}
    best = {k: (1 if KASAM.item(k).reverse else 7) for k in KASAM_ANSWERS}
    assert score(KASAM, worst).total == 13
    assert dict(score(KASAM, best).subscales) == {
        "comprehensibility": 35,
        "manageability": 28,
        "meaningfulness": 28,
    }
    assert score(KASAM, best).total == 91


def test_kasam_one_skipped_item_is_replaced_by_the_subscale_mean():
    # q3 skipped: manageability answered q5=5, q10→5, q13=6: 16 + 16/3 = 64/3 (fractional)
    scores = score(KASAM, {**KASAM_ANSWERS, "q3": None})
    assert scores.items["q3"] is None
    assert scores.subscales["manageability"] == pytest.approx(64 / 3)
    assert scores.total == pytest.approx(19 + 64 / 3 + 17)


def test_kasam_mean_substitution_uses_values_after_reversal():
    # q8 skipped: comprehensibility answered q2→6, q6=6, q9=2, q11=4 = 18, mean 4.5 → 22.5
    scores = score(KASAM, {**KASAM_ANSWERS, "q8": None})
    assert scores.subscales["comprehensibility"] == 22.5


def test_kasam_two_skipped_in_one_subscale_gives_no_subscale_and_no_total():
    scores = score(KASAM, {**KASAM_ANSWERS, "q1": None, "q4": None})
    assert scores.subscales["meaningfulness"] is None
    assert scores.subscales["comprehensibility"] == 19 and scores.subscales["manageability"] == 21
    assert scores.total is None


def test_kasam_one_skip_in_each_subscale_gives_subscales_but_no_total():
    # Three skipped items, one per subscale: each subscale is within its limit of one, but
    # the total allows two in all (max_missing_total), so it rests on at least 11 of 13.
    scores = score(KASAM, {**KASAM_ANSWERS, "q2": None, "q5": None, "q12": None})
    assert None not in scores.subscales.values()
    assert scores.total is None


def test_kasam_two_skips_in_different_subscales_still_give_a_total():
    scores = score(KASAM, {**KASAM_ANSWERS, "q2": None, "q5": None})
    assert None not in scores.subscales.values()
    assert scores.total == pytest.approx(sum(scores.subscales.values()))


def test_kasam_nothing_answered_is_none_never_zero():
    scores = score(KASAM, {})
    assert set(scores.subscales.values()) == {None} and scores.total is None


def test_cefr_pre_a1_everywhere():
    scores = score(
        CEFR,
        dict.fromkeys(("listening", "reading", "spoken_interaction", "spoken_production", "writing"), 0),
    )
    assert scores.total == 0 and level_name(CEFR, scores.total) == "preA1"


def test_cefr_c2_everywhere():
    scores = score(
        CEFR,
        dict.fromkeys(("listening", "reading", "spoken_interaction", "spoken_production", "writing"), 6),
    )
    assert level_name(CEFR, scores.total) == "C2"


def test_cefr_overall_is_the_median_of_five_skills():
    scores = score(
        CEFR,
        {
            "listening": 1,
            "reading": 1,
            "spoken_interaction": 4,
            "spoken_production": 5,
            "writing": 6,
        },
    )
    assert scores.total == 4 and level_name(CEFR, 4) == "B2"


def test_cefr_even_count_takes_the_lower_median():
    # answered 0, 2, 3, 6: middle levels 2 and 3 → lower median 2 (A2), never 2.5
    scores = score(
        CEFR,
        {
            "listening": 0,
            "reading": 2,
            "spoken_interaction": 3,
            "spoken_production": None,
            "writing": 6,
        },
    )
    assert scores.total == 2 and level_name(CEFR, scores.total) == "A2"
    assert "lower median" in CEFR.scoring.description.en


def test_cefr_overall_needs_three_answered_skills():
    assert score(CEFR, {"listening": 3, "reading": 4}).total is None
    assert score(CEFR, {"listening": 3, "reading": 4, "writing": 1}).total == 3


@pytest.mark.parametrize(
    ("item", "value", "reason"),
    [
        ("competence", 0, "outside 1..10"),
        ("competence", 11, "outside 1..10"),
        ("competence", 5.0, "whole number"),
        ("competence", "5", "whole number"),
        ("competence", True, "whole number"),
        ("other_text", 3, "must be text"),
        ("other_text", "x" * 101, "at most 100"),
        ("bogus", 3, "unknown item"),
    ],
)
def test_invalid_answers_are_rejected_naming_the_item(item, value, reason):
    with pytest.raises(InvalidAnswer) as caught:
        validate(WORK, {**WORK_ANSWERS, item: value})
    assert caught.value.item_key == item
    assert reason in caught.value.reason


def test_validate_returns_every_item_with_raw_values():
    checked = validate(KASAM, {"q1": 2})
    assert list(checked) == [f"q{n}" for n in range(1, 14)]
    assert checked["q1"] == 2 and checked["q2"] is None  # raw: no reversal in storage


def test_validate_answer_one_at_a_time():
    assert validate_answer(KASAM, "q1", 7) == 7
    with pytest.raises(InvalidAnswer, match="q1"):
        validate_answer(KASAM, "q1", 8)
