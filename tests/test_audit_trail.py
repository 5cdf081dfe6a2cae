"""The audit trail page: admins see their organisation's events, unit admins their units'
people and staff, nobody sees another organisation's; filters and paging narrow it."""
from datetime import date, timedelta

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
