"""Attacks on the evaluator's numbers, tried as an evaluator would (and as a statistics office
audits a table). Each attack has a self-check showing it finds the leak in numbers made
without disclosure control, so a pass means protection, not a blind attack.

1. Differencing: for every filter the page offers and every single-dimension refinement of
   it, the two cohorts' shown counts (participants, pairs per score and gender, pairs per
   intake period, the funnel) differ by 0 or at least k. A difference of 1 to k − 1 would
   give those people's answers back: means × n of one minus the other.
2. The summary count: never 1 to k − 1 for any offered filter.
3. Interval audit of 2-D tables with margins: for ≥ 300 random tables, no hidden cell of 1 to
   k − 1 people can be pinned to an interval narrower than k by linear programming.
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pytest

from app.services.cohort import CohortFilter, fetch_scores, funnel_counts, reported_refs
from app.services.disclosure import QUASI_IDENTIFIERS, EvaluatorView, view_of
from app.statistics.cohort import ALL
from app.statistics.disclosure import (
    Suppressed,
    _Table,
    hidden_targets,
    interval,
    protect_table,
    sensitive,
)

from .. import factories
from .cohort_data import add_assessment, wheel

K = 5
WORK = "work_wheel"


# -- an organisation with small groups everywhere ----------------------------------------------

def _organisation(session) -> int:
    """150 participants in three units (90, 45, 15), three intake years, every gender category
    (a few "other" and "not recorded"), ages 17–66, six exit reasons and people still in the
    programme; most answered at intake, fewer at exit, as in real programmes."""
    big = factories.make_unit(session, name="Jobbspår")
    organisation_id = big.organisation_id
    middle = factories.make_unit(session, name="Språkspår", organisation_id=organisation_id)
    small = factories.make_unit(session, name="Lilla spåret", organisation_id=organisation_id)
    rng = np.random.default_rng(20261202)
    genders = ["woman", "man", "woman", "man", "woman", "man", "other", "not_recorded"]
    reasons = [None, None, "work", "studies", "other_programme", "moved", "ill_health", "unknown"]
    for index in range(150):
        unit = big if index < 90 else middle if index < 135 else small
        intake = date(2024 + index % 3, 1 + index % 12, 10)
        person = factories.make_participant(
            session, unit=unit, gender=genders[int(rng.integers(len(genders)))],
            birth_year=intake.year - int(rng.integers(17, 67)), intake_date=intake)
        reason = reasons[int(rng.integers(len(reasons)))]
        if reason is not None:
            person.exit_reason, person.exit_date = reason, intake + timedelta(days=200)
            session.add(person)
            session.commit()
        before = int(rng.integers(1, 11))
        add_assessment(session, person, "intake", WORK, wheel(before), on=intake)
        if rng.random() < 0.75:
            after = int(np.clip(before + rng.integers(-2, 4), 1, 10))
            add_assessment(session, person, "exit", WORK, wheel(after),
                           on=intake + timedelta(days=int(rng.integers(120, 400))))
    return organisation_id


def _filters(view: EvaluatorView) -> list[dict[str, str | None]]:
    """Every filter the page offers: each quasi-identifier at "all" or one of its groups."""
    options = [[None, *view.labels(name)] for name in QUASI_IDENTIFIERS]
    return [dict(zip(QUASI_IDENTIFIERS, chosen, strict=True)) for chosen in itertools.product(*options)]


def _shown_counts(session, view: EvaluatorView, chosen: dict) -> dict[tuple, int]:
    """Every count the page derives its figures from, by what it is the count of."""
    cohort = CohortFilter(organisation_id=view.organisation_id, instrument_key=WORK, **chosen)
    from app import instruments

    instrument = instruments.latest(WORK)
    scores = fetch_scores(session, view, cohort, instrument)
    counts: dict[tuple, int] = {("participants",): scores.participants}
    groups = [*view.labels("gender"), ALL]
    for ref in reported_refs(instrument):
        pairs = scores.pairs[ref]
        for group in groups:
            counts[("pairs", ref, group)] = int(pairs.n[pairs.complete(group)].sum())
    for year, gender, n in zip(scores.years.year, scores.years.gender, scores.years.n, strict=True):
        counts[("years", year, gender)] = counts.get(("years", year, gender), 0) + int(n)
    for unit, stages in funnel_counts(session, view, cohort).items():
        for stage, n in enumerate(stages):
            counts[("funnel", unit, stage)] = n
    return counts


def differencing_leaks(session, view: EvaluatorView, filters: list[dict],
                       k: int = K) -> list[tuple]:
    """(filter, refinement, what, difference) for every count shown for one of `filters` that
    a single-dimension refinement changes by 1 to k − 1."""
    shown: dict[tuple, dict] = {}

    def counts(chosen: dict) -> dict:
        key = tuple(chosen[name] for name in QUASI_IDENTIFIERS)
        if key not in shown:
            shown[key] = _shown_counts(session, view, chosen)
        return shown[key]

    leaks = []
    for chosen in filters:
        coarse = counts(chosen)
        for name in QUASI_IDENTIFIERS:
            if chosen[name] is not None:
                continue
            for label in view.labels(name):
                finer_filter = {**chosen, name: label}
                finer = counts(finer_filter)
                for what, n in coarse.items():
                    difference = n - finer.get(what, 0)
                    if 0 < difference < k:
                        leaks.append((chosen, finer_filter, what, difference))
    return leaks


@pytest.fixture
def organisation(session) -> int:
    return _organisation(session)


def test_no_single_dimension_refinement_isolates_fewer_than_k(session, organisation):
    view = view_of(session, organisation, K)
    assert len(_filters(view)) > 1, "the data must offer filters for the attack to mean anything"
    leaks = differencing_leaks(session, view, _filters(view))
    assert not leaks, leaks[:5]


def test_the_summary_count_never_shows_fewer_than_k(session, organisation):
    view = view_of(session, organisation, K)
    for chosen in _filters(view):
        count = _shown_counts(session, view, chosen)[("participants",)]
        assert count == 0 or count >= K, (chosen, count)


def test_self_check_differencing_finds_the_leak_without_disclosure_control(session, organisation):
    """With k = 1 nothing is pooled or left out: raw groups, as the dashboard showed them
    before. The same attack then finds refinements that single out 1 to 4 people."""
    raw = view_of(session, organisation, 1)
    one_criterion = [f for f in _filters(raw) if sum(v is not None for v in f.values()) <= 1]
    leaks = differencing_leaks(session, raw, one_criterion)
    assert leaks, "the attack must find what an unprotected dashboard gives away"
    assert any(what == ("participants",) for _, _, what, _ in leaks)


# -- interval audit of 2-D tables with margins ---------------------------------------------


def _audit(counts: np.ndarray, hidden: Suppressed, k: int) -> list[tuple]:
    """Hidden cells and margins of 1 to k − 1 people pinned narrower than k."""
    table = _Table(n=counts, hide=hidden.cells.copy(), hide_rows=hidden.row_totals.copy(),
                   hide_cols=hidden.column_totals.copy(), hide_all=hidden.grand_total,
                   row_totals=True, column_totals=True)
    narrow = []
    for target in hidden_targets(table):
        if sensitive(table, target, k):
            low, high = interval(table, target)
            if high - low < k:
                narrow.append((target, low, high))
    return narrow


def _random_tables(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        shape = (int(rng.integers(2, 7)), int(rng.integers(2, 6)))
        counts = rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 20, 40], size=shape,
                            p=[.1, .15, .12, .1, .1, .1, .1, .1, .08, .05])
        yield counts, int(rng.choice([3, 5]))


@pytest.mark.parametrize("seed", range(10))  # 10 × 32 = 320 tables, spread over the workers
def test_no_hidden_cell_is_pinned_narrower_than_k(seed):
    for counts, k in _random_tables(seed, 32):
        hidden = protect_table(counts, k)
        assert not _audit(counts, hidden, k), (counts.tolist(), k)
        assert (hidden.cells | (counts >= k)).all()  # every small cell is hidden


def test_self_check_the_audit_pins_cells_that_only_primary_suppression_hides():
    """Hiding the small cells alone (margins shown) lets the LP recover them exactly."""
    pinned = 0
    for counts, k in _random_tables(99, 40):
        primary = Suppressed(counts < k, counts.sum(axis=1) < k, counts.sum(axis=0) < k,
                             bool(counts.sum() < k))
        pinned += bool(_audit(counts, primary, k))
    assert pinned > 20
