"""`flask demo`: the demo organisation with answers for all four instruments, loaded once."""
from sqlalchemy import func
from sqlmodel import select

from app.demo import DEMO_LOGINS, PARTICIPANTS
from app.models import Answer, Assessment, Occasion, Participant, ProgrammeGoal, StaffUser, Unit


def _counts(session):
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Participant, StaffUser, Unit, Assessment, Answer, ProgrammeGoal)}


def test_demo_loads_once_and_prints_the_logins(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for email in DEMO_LOGINS:
        assert email in first.output
    assert "stegvis-demo" in first.output
    counts = _counts(session)
    assert counts["Participant"] == PARTICIPANTS and counts["StaffUser"] == 4 and counts["Unit"] == 2
    assert counts["ProgrammeGoal"] == 1
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts(session) == counts


def test_demo_has_intake_midway_and_exit_answers_for_every_instrument(app, session):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    rows = session.exec(
        select(Occasion.kind, Assessment.instrument_key, func.count())
        .join(Assessment, Assessment.occasion_id == Occasion.id)
        .where(Assessment.completed_at.is_not(None))
        .group_by(Occasion.kind, Assessment.instrument_key)
    ).all()
    seen = {(kind, key): count for kind, key, count in rows}
    for kind in ("intake", "midway", "exit"):
        for key in ("work_wheel", "health_wheel", "cefr", "kasam13"):
            assert seen.get((kind, key), 0) >= 5, (kind, key)
    skipped = session.exec(select(func.count()).select_from(Answer).where(Answer.skipped)).one()
    assert skipped > 0  # some participants skip items, as real ones do


def test_demo_if_empty_leaves_existing_data_alone(app, session):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in result.output


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    response = client.post("/login", data={"email": "coach@example.org", "password": "stegvis-demo"})
    assert response.status_code == 302
