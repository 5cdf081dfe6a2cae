"""Change between occasions: Δ, share of range, MAP2020 percent change, Jacobson–Truax RCI."""

from __future__ import annotations

import math

import pytest

from app import instruments
from app.instruments.change import (
    NotComparable,
    ReliableChange,
    change,
    classify,
    standard_error_of_difference,
)
from app.instruments.registry import DEFINITIONS, load_registry
from app.instruments.scoring import Scores, score

WORK = instruments.latest("work_wheel")
CEFR = instruments.latest("cefr")
KASAM = instruments.latest("kasam13")
MAIN_AREAS = ("competence", "communication", "health", "network", "self_knowledge", "goals",
              "mobility")  # the work wheel's areas that may not be skipped
SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


def kasam_total(total: int) -> Scores:
    """Scores with a given KASAM total (only the total matters for the RCI)."""
    return Scores("kasam13", 1, {}, {}, total)


def test_work_wheel_change_as_map2020_reported_it():
    before = score(
        WORK,
        dict.fromkeys(MAIN_AREAS, 5),
    )
    after = score(
        WORK,
        dict.fromkeys(("competence", "communication", "health", "network", "self_knowledge", "goals", "mobility"), 6),
    )
    report = change(WORK, before, after)
    health = report.items["health"]
    assert health.delta == 1
    assert health.share_of_range == pytest.approx(1 / 9)
    assert health.percent_change == pytest.approx(20.0)  # (6 − 5) / 5
    assert health.rci is None and health.reliable_change is None
    assert report.items["other"].delta is None  # skipped at both occasions
    assert report.total is None and report.subscales == {}


def test_percent_change_is_undefined_from_zero():
    before = score(CEFR, dict.fromkeys(SKILLS, 0))
    after = score(CEFR, dict.fromkeys(SKILLS, 2))
    report = change(CEFR, before, after)
    assert report.total.delta == 2
    assert report.total.share_of_range == pytest.approx(2 / 6)
    assert report.total.percent_change is None
    assert report.items["reading"].percent_change is None


def test_missing_score_at_either_occasion_gives_no_change():
    report = change(KASAM, kasam_total(None), kasam_total(60))
    assert report.total.delta is None and report.total.rci is None
    assert report.total.reliable_change is None


def test_s_diff_formula():
    assert standard_error_of_difference(0.85, 13.0) == pytest.approx(
        math.sqrt(2) * 13.0 * math.sqrt(0.15)
    )


@pytest.mark.parametrize(
    ("rci", "expected"),
    [
        (1.9601, ReliableChange.reliably_improved),
        (1.96, ReliableChange.no_reliable_change),
        (1.9599, ReliableChange.no_reliable_change),
        (0.0, ReliableChange.no_reliable_change),
        (-1.9599, ReliableChange.no_reliable_change),
        (-1.96, ReliableChange.no_reliable_change),
        (-1.9601, ReliableChange.reliably_worsened),
    ],
)
def test_rci_classification_is_strict_at_1_96(rci, expected):
    assert classify(rci) is expected


def test_kasam_rci_with_the_definition_defaults():
    # S_diff = √2 · 13 · √0.15 ≈ 7.1209; 14 points → 1.966 (reliable), 13 → 1.826 (not)
    improved = change(KASAM, kasam_total(50), kasam_total(64)).total
    assert improved.rci == pytest.approx(14 / 7.12091, rel=1e-4)
    assert improved.reliable_change is ReliableChange.reliably_improved
    assert (
        change(KASAM, kasam_total(50), kasam_total(63)).total.reliable_change
        is ReliableChange.no_reliable_change
    )
    assert (
        change(KASAM, kasam_total(64), kasam_total(50)).total.reliable_change
        is ReliableChange.reliably_worsened
    )


def test_organisation_may_override_alpha_and_sd():
    # α = 0.5 makes S_diff = SD: with SD 5, Δ 10 → RCI 2.0 and Δ 9 → 1.8
    improved = change(KASAM, kasam_total(50), kasam_total(60), reliability=0.5, reference_sd=5)
    assert improved.total.rci == pytest.approx(2.0)
    assert improved.total.reliable_change is ReliableChange.reliably_improved
    flat = change(KASAM, kasam_total(50), kasam_total(59), reliability=0.5, reference_sd=5)
    assert flat.total.reliable_change is ReliableChange.no_reliable_change


def test_kasam_subscale_change_uses_subscale_range():
    answers = {f"q{n}": 4 for n in range(1, 14)}
    before = score(KASAM, answers)
    after = score(KASAM, {**answers, "q6": 7})
    report = change(KASAM, before, after)
    assert report.subscales["comprehensibility"].delta == 3
    assert report.subscales["comprehensibility"].share_of_range == pytest.approx(3 / 30)
    assert report.total.share_of_range == pytest.approx(3 / 78)
    assert report.subscales["manageability"].delta == 0


def test_scores_of_another_instrument_are_refused():
    health = score(instruments.latest("health_wheel"), {})
    with pytest.raises(NotComparable):
        change(WORK, health, health)


def test_versions_must_be_declared_comparable(tmp_path):
    text = (DEFINITIONS / "work_wheel-1.toml").read_text(encoding="utf-8")
    (tmp_path / "work_wheel-2.toml").write_text(text.replace("version = 1", "version = 2"))
    v2 = load_registry(tmp_path).get("work_wheel", 2)
    answers = dict.fromkeys(MAIN_AREAS, 5)
    before, after = score(WORK, answers), score(v2, answers)
    with pytest.raises(NotComparable, match="not declared comparable"):
        change(WORK, before, after, after_instrument=v2)
    (tmp_path / "work_wheel-2.toml").write_text(
        text.replace("version = 1", "version = 2").replace(
            "comparable_versions = []", "comparable_versions = [1]"
        )
    )
    v2 = load_registry(tmp_path).get("work_wheel", 2)
    report = change(WORK, before, score(v2, answers), after_instrument=v2)
    assert report.items["health"].delta == 0
