"""The evaluator's response table: per occasion, the share who answered and the reminders
sent, through the same disclosure control as every other evaluator figure."""
from __future__ import annotations

from datetime import date

from app.models import OutboxMessage
from app.services.disclosure import view_of
from app.services.responses import occasion_responses

from .. import factories
from ..coach.filled import fill_in

INTAKE = date(2025, 1, 13)


def _reminder(session, person, status="sent"):
    session.add(OutboxMessage(participant_id=person.id, occasion_kind="intake",
                              purpose="reminder", reminder_rule="not_opened", channel="sms",
                              recipient="+46701740605", status=status))


def _people(session, unit, n):
    return [factories.make_participant(session, unit=unit, gender="woman", birth_year=1990,
                                       intake_date=INTAKE) for _ in range(n)]


def test_response_rate_and_reminders_per_occasion_after_disclosure_control(session):
    unit = factories.make_unit(session)
    people = _people(session, unit, 15)
    for person in people[:10]:
        fill_in(session, person, "intake", keys=("work_wheel",))
    for person in people[5:11]:
        _reminder(session, person)
    _reminder(session, people[5])  # a second one
    _reminder(session, people[12], status="failed")  # never reached anyone: not counted
    session.commit()
    view = view_of(session, unit.organisation_id, 5)
    responses = occasion_responses(session, view, {}, today=date(2025, 3, 1))
    assert [r.kind for r in responses] == ["intake", "midway", "exit", "follow_up"]
    intake, midway = responses[:2]
    assert (intake.kind, intake.eligible, intake.answered.k, intake.answered.n) == ("intake", 15, 10, 15)
    assert (intake.reminded, intake.reminders) == (6, 7)
    assert midway.eligible == 0 and midway.answered.proportion is None  # not yet due


def test_small_groups_leave_the_figures(session):
    unit = factories.make_unit(session)
    people = _people(session, unit, 12)
    for person in people[:9]:  # 3 did not answer: fewer than k
        fill_in(session, person, "intake", keys=("work_wheel",))
    for person in people[:2]:  # 2 reminded: fewer than k
        _reminder(session, person)
    session.commit()
    view = view_of(session, unit.organisation_id, 5)
    intake = occasion_responses(session, view, {}, today=date(2025, 3, 1))[0]
    assert intake.eligible == 12
    assert intake.answered.n == 0 and intake.answered.proportion is None
    assert (intake.reminded, intake.reminders) == (0, 0)


def test_the_cohort_page_shows_the_response_table(client, session, login_as):
    unit = factories.make_unit(session)
    for person in _people(session, unit, 6):
        _reminder(session, person)
    session.commit()
    login_as("evaluator", units=[unit])
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "Response per occasion and reminders" in page and "Reminders sent" in page
