"""Simulated answers are valid, reproducible and show the intended spread of change."""

from __future__ import annotations

import random
import statistics

import pytest

from app import instruments
from app.instruments.registry import registry
from app.instruments.scoring import score, validate
from app.instruments.simulate import plausible_answers

ALL = list(registry())


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_simulated_answers_are_always_valid(instrument):
    rng = random.Random(7)
    for _ in range(300):
        intake = plausible_answers(instrument, rng)
        validate(instrument, intake)
        for occasion in (1, 2):
            intake = plausible_answers(instrument, rng, baseline=intake, occasion_index=occasion)
            validate(instrument, intake)


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_same_seed_same_answers(instrument):
    assert plausible_answers(instrument, random.Random(3)) == plausible_answers(
        instrument, random.Random(3)
    )


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.ident)
def test_most_improve_a_little_and_some_do_not(instrument):
    rng = random.Random(11)
    deltas = []
    for _ in range(400):
        intake = plausible_answers(instrument, rng)
        follow_up = plausible_answers(instrument, rng, baseline=intake, occasion_index=1)
        before, after = score(instrument, intake), score(instrument, follow_up)
        pairs = [
            (before.items[k], after.items[k])
            for k in before.items
            if before.items[k] is not None and after.items[k] is not None
        ]
        deltas.append(statistics.mean(a - b for b, a in pairs) if pairs else 0)
    improved = sum(d > 0 for d in deltas) / len(deltas)
    assert 0.45 < improved < 0.9
    assert any(d <= 0 for d in deltas)
    span = instrument.scale_of(instrument.scored_items[0]).span
    assert 0 < statistics.mean(deltas) < 0.25 * span


def test_spread_of_intake_answers_is_plausible():
    work = instruments.latest("work_wheel")
    rng = random.Random(5)
    values = [
        v
        for _ in range(500)
        for k, v in plausible_answers(work, rng).items()
        if k != "other_text" and v is not None
    ]
    assert min(values) <= 2 and max(values) >= 9
    assert 4 <= statistics.mean(values) <= 7


def test_skips_and_other_text_occur():
    work = instruments.latest("work_wheel")
    rng = random.Random(9)
    runs = [plausible_answers(work, rng) for _ in range(500)]
    named = [r for r in runs if r["other_text"]]
    assert 0.15 < len(named) / len(runs) < 0.45
    assert all(r["other"] is None for r in runs if r["other_text"] is None)
    assert any(r["other"] is not None for r in named)
    assert all(r["competence"] is not None for r in runs)  # required items are never skipped
    kasam = instruments.latest("kasam13")
    assert any(None in plausible_answers(kasam, rng).values() for _ in range(100))


def test_cefr_intake_centres_around_a2_b1():
    cefr = instruments.latest("cefr")
    rng = random.Random(13)
    overall = [score(cefr, plausible_answers(cefr, rng)).total for _ in range(500)]
    mean = statistics.mean(v for v in overall if v is not None)
    assert 1.5 <= mean <= 3.5
