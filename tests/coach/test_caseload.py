"""The caseload read side: due rules, filters, response rates, and a constant query count."""
from datetime import date, timedelta

from sqlalchemy import event

from app.db import engine_of
from app.services import caseload
from app.services import participants as participant_service
from app.services.caseload import CaseloadFilter, OccasionStatus, next_due

from .. import factories
from .filled import fill_in

INTAKE = date(2026, 1, 12)


def _row(session, participant):
    return caseload.row_of(session, participant)


def test_midway_falls_due_five_months_after_intake(session):
    participant = factories.make_participant(session, intake_date=INTAKE)
    fill_in(session, participant, "intake", keys=("work_wheel",))
    row = _row(session, participant)
    assert row.next_due.kind == "midway"
    assert row.next_due.planned_date == date(2026, 6, 12)
    assert not row.is_due(date(2026, 5, 28))  # 15 days before: outside the 14-day window
    assert row.is_due(date(2026, 5, 29))  # 14 days before
    assert not row.is_overdue(date(2026, 6, 12))  # due today is not overdue yet
    assert row.is_overdue(date(2026, 6, 13))


def test_follow_up_falls_due_ninety_days_after_the_recorded_exit(session):
    unit = factories.make_unit(session)
    participant = factories.make_participant(session, unit=unit, intake_date=INTAKE)
    fill_in(session, participant, "intake", keys=("work_wheel",))
    exit_day = date(2026, 9, 30)
    participant_service.record_exit(session, participant=participant, unit=unit,
                                    exit_date=exit_day, reason="work")
    fill_in(session, participant, "exit", keys=("work_wheel",))
    row = _row(session, participant)
    assert row.next_due.kind == "follow_up"
    assert row.next_due.planned_date == exit_day + timedelta(days=90)


def test_intake_not_done_is_overdue_from_the_day_after(session):
    participant = factories.make_participant(session, intake_date=INTAKE)
    row = _row(session, participant)
    assert row.next_due.kind == "intake"
    assert row.is_overdue(INTAKE + timedelta(days=1)) and not row.is_overdue(INTAKE)


def _status(kind, planned, done=False, started=False):
    return OccasionStatus(1, kind, planned, ("w",) if done else (), ("k",) if started else ())


def test_missed_occasion_before_a_done_one_is_not_due():
    occasions = [_status("intake", date(2026, 1, 1)), _status("midway", date(2026, 6, 1), done=True),
                 _status("exit", date(2026, 11, 1)), _status("follow_up", date(2027, 2, 1))]
    assert next_due(occasions, exited=False).kind == "exit"


def test_follow_up_waits_for_exit_and_midway_is_dropped_after_exit():
    occasions = [_status("intake", date(2026, 1, 1), done=True), _status("midway", date(2026, 6, 1)),
                 _status("exit", date(2026, 11, 1), done=True), _status("follow_up", date(2027, 2, 1))]
    assert next_due(occasions, exited=True).kind == "follow_up"
    assert next_due(occasions, exited=False) is None


def test_half_done_occasion_counts_as_started_and_stays_due():
    half = _status("intake", date(2026, 1, 1), done=True, started=True)
    assert half.state == "started"
    assert next_due([half], exited=False) is half


def test_due_list_and_response_rates(session):
    unit = factories.make_unit(session)
    today = date(2026, 6, 1)
    due_soon = factories.make_participant(session, unit=unit, intake_date=date(2026, 1, 10))
    fill_in(session, due_soon, "intake", keys=("work_wheel",))
    later = factories.make_participant(session, unit=unit, intake_date=date(2026, 5, 1))
    fill_in(session, later, "intake", keys=("work_wheel",))
    rows = caseload.caseload(session, unit_ids=[unit.id])
    assert [r.code for r in caseload.due_list(rows, today=today)] == [due_soon.code]
    rates = {r.kind: (r.done, r.eligible) for r in caseload.response_rates(rows, today=today)}
    assert rates["intake"] == (2, 2) and rates["midway"] == (0, 0)
    assert rates["follow_up"] == (0, 0)


def test_search_and_filters(session):
    unit, other = factories.make_unit(session), factories.make_unit(session)
    anna = factories.make_participant(session, unit=unit, display_name="Anna 100%")
    bo = factories.make_participant(session, unit=other, display_name="Bo")
    rows = caseload.caseload(session, unit_ids=[unit.id, other.id], search="100%")
    assert [r.code for r in rows] == [anna.code]
    assert [r.code for r in caseload.caseload(session, unit_ids=[unit.id, other.id],
                                               search=bo.code.lower())] == [bo.code]
    everyone = caseload.caseload(session, unit_ids=[unit.id, other.id])
    assert [r.code for r in caseload.select_rows(everyone, today=INTAKE, unit_id=other.id)] == [bo.code]
    assert caseload.select_rows(everyone, today=INTAKE, status=CaseloadFilter.EXITED) == []


def _enrol_many(session, unit, count):
    for index in range(count):
        participant = factories.make_participant(session, unit=unit,
                                                 intake_date=INTAKE + timedelta(days=index))
        if index % 2 == 0:
            fill_in(session, participant, "intake", keys=("work_wheel", "cefr"), seed=index)


def _queries_for_caseload_page(app, client, session, unit, count):
    _enrol_many(session, unit, count)
    statements = []

    def count_statement(conn, cursor, statement, *args):
        statements.append(statement)

    engine = engine_of(app)
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        response = client.get("/coach/")
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert response.status_code == 200
    return len(statements)


def test_caseload_page_query_count_does_not_grow_with_participants(app, client, session, login_as):
    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    at_5 = _queries_for_caseload_page(app, client, session, unit, 5)
    at_50 = _queries_for_caseload_page(app, client, session, unit, 45)  # 50 in all
    assert at_5 == at_50
    assert at_5 <= 6, at_5  # the user, their units (for the filter and the query), the caseload


def test_pages_hold_a_hundred_rows_and_clamp_the_page_number():
    rows = list(range(250))
    assert caseload.page_of(rows, 3) == (rows[200:], 3, 3)
    assert caseload.page_of(rows, 99)[2] == 3 and caseload.page_of(rows, 0)[2] == 1
    assert caseload.page_of([], 1) == ([], 1, 1)
