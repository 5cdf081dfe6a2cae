"""Seed N participants with plausible answers by bulk insert, then time the cohort dashboard.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/stegvis_bench \
        .venv/bin/python bench/cohort_dashboard.py --participants 100000

The database is migrated to head and emptied first (never point this at real data). Answers
come from `app.instruments.simulate` (intake for everyone, exit for ~60 %, midway and
follow-up for some), in batches of multi-row INSERTs, so seeding 100,000 people takes minutes
rather than hours. Then it times `services.cohort.dashboard` for each instrument, with and
without filters, as the dashboard computes it per request. Scores are stored per assessment
as `services.assessments.complete` stores them (`--no-seed` on a database filled some other
way: run `flask scores rebuild` first).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from sqlmodel import SQLModel

from app import create_app, instruments
from app.db import engine_of, session_scope
from app.instruments.simulate import plausible_answers
from app.migrate import upgrade
from app.models import (
    Answer,
    Assessment,
    AssessmentScore,
    Occasion,
    Organisation,
    Participant,
    Unit,
)
from app.services.scores import scores_by_ref

GENDERS = ["woman"] * 9 + ["man"] * 8 + ["other", "prefers_not_to_say", "not_recorded"]
EXITS = ["work", "studies", "other_programme", "moved", "ill_health", "other", "unknown"]
KINDS = ("intake", "midway", "exit", "follow_up")
ANSWERED = {"intake": 1.0, "midway": 0.5, "exit": 0.6, "follow_up": 0.25}
BATCH = 2000


def seed(app, participants: int, seed_value: int = 2020) -> float:
    """Empty the database and bulk-insert `participants` people with answers; returns seconds."""
    started = time.perf_counter()
    rng = random.Random(seed_value)
    engine = engine_of(app)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    with session_scope(app) as session:
        org = Organisation(name="Benchkommunen", aggregate_health_wheel=True)  # times its figures too
        session.add(org)
        session.flush()
        units = [Unit(organisation_id=org.id, name=f"Enhet {i + 1}") for i in range(8)]
        session.add_all(units)
        session.commit()
        unit_ids = [u.id for u in units]
    every = [instruments.latest(k) for k in ("work_wheel", "health_wheel", "cefr", "kasam13")]
    ids = {"participant": 0, "occasion": 0, "assessment": 0, "answer": 0}
    rows: dict[str, list] = {name: [] for name in (*ids, "assessment_score")}
    tables = {"participant": Participant.__table__, "occasion": Occasion.__table__,
              "assessment": Assessment.__table__, "answer": Answer.__table__,
              "assessment_score": AssessmentScore.__table__}
    today = date(2026, 11, 1)
    now = datetime.now(UTC)

    def flush(connection) -> None:
        for name, table in tables.items():
            if rows[name]:
                connection.execute(insert(table), rows[name])
                rows[name].clear()

    with engine.begin() as connection:
        for index in range(participants):
            ids["participant"] += 1
            pid = ids["participant"]
            intake = today - timedelta(days=rng.randint(30, 1200))
            exited = rng.random() < 0.6
            exit_day = intake + timedelta(days=rng.randint(120, 400))
            rows["participant"].append({
                "id": pid, "code": f"B-{pid:08d}", "unit_id": rng.choice(unit_ids),
                "gender": rng.choice(GENDERS), "birth_year": intake.year - rng.randint(16, 66),
                "preferred_language": "sv", "intake_date": intake,
                "exit_date": exit_day if exited else None,
                "exit_reason": rng.choice(EXITS) if exited else None, "created_at": now})
            baselines: dict = {}
            for k_index, kind in enumerate(KINDS):
                ids["occasion"] += 1
                oid = ids["occasion"]
                planned = intake + timedelta(days=(0, 150, 300, 390)[k_index])
                rows["occasion"].append({"id": oid, "participant_id": pid, "kind": kind,
                                         "planned_date": planned})
                if kind != "intake" and ((kind in ("exit", "follow_up") and not exited)
                                         or rng.random() > ANSWERED[kind]):
                    continue
                done = datetime.combine(exit_day if kind == "exit" else planned,
                                        datetime.min.time(), UTC)
                for instrument in every:
                    ids["assessment"] += 1
                    aid = ids["assessment"]
                    answers = plausible_answers(instrument, rng, baseline=baselines.get(instrument.key),
                                                occasion_index=k_index)
                    baselines.setdefault(instrument.key, answers)
                    rows["assessment"].append({
                        "id": aid, "occasion_id": oid, "participant_id": pid,
                        "instrument_key": instrument.key, "instrument_version": instrument.version,
                        "language": "sv", "mode": "own_device", "storage": "stored",
                        "started_at": done, "completed_at": done})
                    # As services.assessments.complete stores them.
                    rows["assessment_score"].append({
                        "assessment_id": aid, "participant_id": pid, "instrument_key": instrument.key,
                        "instrument_version": instrument.version, "occasion_kind": kind,
                        "completed_at": done, "scores": scores_by_ref(instrument, answers)})
                    for item_key, value in answers.items():
                        ids["answer"] += 1
                        is_text = isinstance(value, str)
                        rows["answer"].append({
                            "id": ids["answer"], "assessment_id": aid, "item_key": item_key,
                            "value": None if is_text else value, "text": value if is_text else None,
                            "skipped": value is None, "answered_at": done})
            if index % BATCH == BATCH - 1:
                flush(connection)
        flush(connection)
        if connection.dialect.name == "postgresql":
            for name, last in ids.items():
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {max(last, 1)})"))
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # VACUUM too, so index-only scans need not visit the heap (autovacuum does this
            # in production shortly after inserts).
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    print(f"seeded {participants:,} participants, {ids['assessment']:,} assessments, "
          f"{ids['answer']:,} answers in {time.perf_counter() - started:.1f} s")
    return time.perf_counter() - started


def time_dashboard(app, repeats: int = 3) -> None:
    """Median wall time of the dashboard computation per instrument and filter, and of the
    organisation's disclosure-control recoding that every request starts with."""
    from app.services.cohort import CohortFilter, dashboard
    from app.services.disclosure import view_of

    with session_scope(app) as session:
        org_id = session.exec(text("SELECT id FROM organisation")).first()[0]
        view = view_of(session, org_id, 5)
        print(f"recoding levels {view.recoding.levels}, left out {view.left_out}, "
              f"groups: { {n: len(view.labels(n)) for n in ('unit', 'period', 'gender', 'age_band', 'exit_reason')} }")
        narrow = {name: labels[0] for name in ("unit", "age_band")
                  if (labels := view.labels(name))}
        cases = [("view_of (recoding)", None),
                 ("all, work_wheel", {"instrument_key": "work_wheel"}),
                 ("all, kasam13", {"instrument_key": "kasam13"}),
                 ("all, cefr", {"instrument_key": "cefr"}),
                 ("all, health_wheel", {"instrument_key": "health_wheel"}),
                 ("women, work_wheel", {"instrument_key": "work_wheel", "gender": "woman"}),
                 (f"{narrow}, health_wheel", {"instrument_key": "health_wheel", **narrow})]
        for label, filters in cases:
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                if filters is None:
                    view_of(session, org_id, 5)
                else:
                    data = dashboard(session, CohortFilter(organisation_id=org_id, **filters), 5)
                timings.append(time.perf_counter() - started)
            timings.sort()
            shown = f"participants={data.participants:>7,}" if filters else " " * 20
            print(f"{label:40s} {shown}  median {timings[len(timings) // 2]:.3f} s  "
                  f"(min {timings[0]:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--no-seed", action="store_true", help="Reuse what is in the database.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL to a database you may empty.")
    upgrade(url)
    os.environ.setdefault("STEGVIS_ENV", "development")  # synthetic data, a throwaway secret
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        if not args.no_seed:
            seed(app, args.participants)
        time_dashboard(app)


if __name__ == "__main__":
    main()
