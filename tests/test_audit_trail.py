"""The audit trail page: admins see their organisation's events, unit admins their units'
people and staff, nobody sees another organisation's; filters and paging narrow it."""
import codecs
import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.models import AuditEvent, utcnow
from app.services import audit, audit_trail

from . import factories


def _world(session):
    org = factories.make_organisation(session)
    unit_a, unit_b = factories.make_unit(session, org), factories.make_unit(session, org)
    coach_a = factories.make_staff(session, units=[unit_a])
    coach_b = factories.make_staff(session, units=[unit_b])
    person_a = factories.make_participant(session, unit=unit_a)
    person_b = factories.make_participant(session, unit=unit_b)
    stranger = factories.make_participant(session)  # another organisation
    for actor, person in ((coach_a, person_a), (coach_b, person_b), (None, stranger)):
        audit.record_view(session, action="participant.results_viewed", staff_id=actor and actor.id,
                          object_type="participant", object_id=person.id)
    audit.record_view(session, action="caseload.viewed", staff_id=coach_b.id)
    return org, unit_a, coach_a, coach_b, person_a, person_b, stranger


def _seen(session, staff, **filters):
    scope = audit_trail.scope_of(session, staff)
    page = audit_trail.trail(session, scope=scope, chosen=audit_trail.TrailFilter(**filters))
    return {(e.action, e.actor_staff_id, e.object_id) for e in page.events}


def test_scope_admin_sees_the_organisation_unit_admin_their_units(session):
    org, unit_a, coach_a, coach_b, person_a, person_b, stranger = _world(session)
    admin = factories.make_staff(session, role="admin", units=[], organisation_id=org.id)
    unit_admin = factories.make_staff(session, role="unit_admin", units=[unit_a])
    views = {p.id for p in (person_a, person_b, stranger)}
    seen_by_admin = _seen(session, admin, action="participant.results_viewed")
    assert {o for _a, _s, o in seen_by_admin} == views - {stranger.id}
    assert ("caseload.viewed", coach_b.id, None) in _seen(session, admin)
    seen_by_unit_admin = _seen(session, unit_admin)
    assert ("participant.results_viewed", coach_a.id, person_a.id) in seen_by_unit_admin
    assert not {s for _a, s, _o in seen_by_unit_admin} & {coach_b.id}
    assert not {o for _a, _s, o in seen_by_unit_admin} & {person_b.id, stranger.id}


def test_filters_narrow_by_actor_action_record_and_dates(session):
    org, _unit_a, coach_a, coach_b, person_a, _person_b, _stranger = _world(session)
    admin = factories.make_staff(session, role="admin", units=[], organisation_id=org.id)
    old = AuditEvent(action="login", actor_staff_id=coach_a.id, at=utcnow() - timedelta(days=40))
    session.add(old)
    session.commit()
    assert {s for _a, s, _o in _seen(session, admin, actor_staff_id=coach_b.id)} == {coach_b.id}
    assert _seen(session, admin, object_type="participant", object_id=person_a.id) == {
        ("participant.registered", None, person_a.id),
        ("participant.results_viewed", coach_a.id, person_a.id)}
    today = date.today()
    assert ("login", coach_a.id, None) not in _seen(session, admin, since=today - timedelta(days=1))
    assert _seen(session, admin, until=today - timedelta(days=30)) == {("login", coach_a.id, None)}


def test_trail_pages_newest_first(session):
    org, *_rest = _world(session)
    admin = factories.make_staff(session, role="admin", units=[], organisation_id=org.id)
    scope = audit_trail.scope_of(session, admin)
    first = audit_trail.trail(session, scope=scope, size=2)
    second = audit_trail.trail(session, scope=scope, page=2, size=2)
    everything = audit_trail.trail(session, scope=scope, size=100).events
    assert first.total == len(everything) and first.pages == -(-len(everything) // 2)
    assert [e.id for e in first.events + second.events] == [e.id for e in everything[:4]]
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)


def test_the_page_shows_the_trail_filtered_and_accessibly(client, session, login_as):
    unit = factories.make_unit(session)
    unit_admin = login_as("unit_admin", units=[unit])
    person = factories.make_participant(session, unit=unit)
    client.get(f"/coach/participants/{person.id}")
    page = client.get("/admin/audit?action=participant.results_viewed&until=9999-12-31&object_id=99999999999")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<caption>" in html and 'scope="col"' in html and 'for="action"' in html
    assert "participant.results_viewed" in html and unit_admin.email in html
    assert person.code not in html
    assert "login" not in html.split("<tbody>")[1]  # the filter applied
    assert client.get("/admin/audit?page=x&since=nonsense&actor=999").status_code == 200


def test_coaches_and_evaluators_cannot_open_the_trail(client, login_as):
    login_as("coach")
    assert client.get("/admin/audit").status_code == 403


# -- one participant's events, and the trail as a file ---------------------------------------


def test_the_trail_narrowed_to_a_participant_is_their_events_and_is_itself_a_read(session):
    org, unit_a, coach_a, _coach_b, person_a, person_b, stranger = _world(session)
    admin = factories.make_staff(session, role="admin", units=[], organisation_id=org.id)
    unit_admin = factories.make_staff(session, role="unit_admin", units=[unit_a])
    admin_scope = audit_trail.scope_of(session, admin)
    assert audit_trail.participant_in_scope(session, admin_scope, f" {person_b.code.lower()} ") \
        == person_b
    assert audit_trail.participant_in_scope(session, admin_scope, stranger.code) is None
    assert audit_trail.participant_in_scope(session, admin_scope, "P-\x00") is None
    unit_scope = audit_trail.scope_of(session, unit_admin)
    assert audit_trail.participant_in_scope(session, unit_scope, person_b.code) is None
    chosen = audit_trail.TrailFilter(participant_id=person_a.id)
    shown = audit_trail.trail(session, scope=admin_scope, chosen=chosen, staff_id=admin.id)
    assert {(e.action, e.actor_staff_id) for e in shown.events} == {
        ("participant.registered", None), ("participant.results_viewed", coach_a.id),
        ("audit_trail.participant_viewed", admin.id)}
    assert {e.object_id for e in shown.events} == {person_a.id}


def _csv(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_filtered_trail_downloads_as_csv_with_formulas_neutralised_and_audited(
        client, session, login_as):
    unit = factories.make_unit(session)
    unit_admin = login_as("unit_admin", units=[unit])
    person = factories.make_participant(session, unit=unit)
    other = factories.make_participant(session, unit=unit)
    audit.record_view(session, action="participant.results_viewed", staff_id=unit_admin.id,
                      object_type="participant", object_id=person.id,
                      details={"note": "=HYPERLINK(\"http://x\")"})
    audit.record_view(session, action="participant.results_viewed", staff_id=unit_admin.id,
                      object_type="participant", object_id=other.id)
    response = client.get(f"/admin/audit.csv?participant={person.code}&actor=nonsense")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert {row["object_id"] for row in rows} == {str(person.id)}
    assert [row["action"] for row in rows] == ["participant.results_viewed",
                                               "participant.registered"]  # newest first
    assert rows[0]["actor_email"] == unit_admin.email
    assert json.loads(rows[0]["details"]) == {"note": "=HYPERLINK(\"http://x\")"}
    event = session.exec(select(AuditEvent).where(
        AuditEvent.action == "audit_trail.exported")).one()
    assert (event.actor_staff_id, event.object_type, event.object_id) == (
        unit_admin.id, "participant", person.id)
    assert event.details == {"filters": {}, "events": 2}
    assert person.code not in repr(event.details)


def test_a_value_starting_like_a_formula_is_written_as_text(client, session, login_as):
    admin = login_as("admin", units=[])
    audit.record_view(session, action="=cmd|' /C calc'!A0", staff_id=admin.id)
    rows = _csv(client.get("/admin/audit.csv?action=%3Dcmd%7C%27%20%2FC%20calc%27%21A0"))
    assert [row["action"] for row in rows] == ["'=cmd|' /C calc'!A0"]


def test_the_page_filters_by_participant_code_and_says_when_none_is_seen(
        client, session, login_as):
    unit = factories.make_unit(session)
    login_as("unit_admin", units=[unit])
    mine = factories.make_participant(session, unit=unit)
    theirs = factories.make_participant(session)  # another organisation
    page = client.get(f"/admin/audit?participant={mine.code}").get_data(as_text=True)
    assert "participant.registered" in page and "audit_trail.participant_viewed" in page
    missing = client.get(f"/admin/audit?participant={theirs.code}").get_data(as_text=True)
    assert "None of the participants you can see has that code." in missing
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "audit_trail.participant_viewed",
        AuditEvent.object_id == theirs.id)).first() is None


@pytest.mark.parametrize(("role", "status"), [("coach", 403), ("evaluator", 403),
                                              ("unit_admin", 200), ("admin", 200)])
def test_the_download_is_for_admins_and_unit_admins(client, login_as, role, status):
    login_as(role)
    assert client.get("/admin/audit.csv").status_code == status


def test_the_download_is_nothing_for_strangers(client):
    assert client.get("/admin/audit.csv").status_code == 302
