"""Every view and change of a person's data in the coach workspace leaves an audit event that
says who, what kind of thing and which record, never the person's code, name, answers or what
was searched for."""
import json
from datetime import date

from sqlmodel import select

from app.models import AuditEvent

from .. import factories
from .filled import fill_in

NAME = "Hemlig Hemligsson"


def _events(session, since: int = 0) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.id > since)
                             .order_by(AuditEvent.id)).all())


def _last_id(session) -> int:
    return max((e.id for e in _events(session)), default=0)


def test_every_coach_page_showing_a_person_is_audited(client, session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    person = factories.make_participant(session, unit=unit, display_name=NAME)
    invitation = fill_in(session, person, "intake", keys=("work_wheel",))
    pid, iid = person.id, invitation.id
    expected = {
        "/coach/": ("caseload.viewed", None, None),
        f"/coach/?q={person.code}": ("caseload.searched", None, None),
        "/coach/due": ("caseload.due_viewed", None, None),
        f"/coach/participants/{pid}/edit": ("participant.form_viewed", "participant", pid),
        f"/coach/participants/{pid}/exit": ("participant.form_viewed", "participant", pid),
        f"/coach/participants/{pid}/occasions": ("participant.form_viewed", "participant", pid),
        f"/coach/participants/{pid}/invite": ("participant.form_viewed", "participant", pid),
        f"/coach/participants/{pid}/erase": ("participant.form_viewed", "participant", pid),
        f"/coach/invitations/{iid}": ("invitation.viewed", "invitation", iid),
        f"/coach/invitations/{iid}/print": ("invitation.printed", "invitation", iid),
    }
    for url, (action, kind, object_id) in expected.items():
        before = _last_id(session)
        assert client.get(url).status_code == 200, url
        [event] = _events(session, before)
        assert (event.action, event.object_type, event.object_id) == (action, kind, object_id), url
        assert event.actor_staff_id == coach.id and event.ip, url
        assert person.code not in json.dumps(event.details) and "Hemlig" not in json.dumps(event.details)


def test_a_search_records_how_many_it_found_never_what_was_typed(client, session, login_as):
    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    factories.make_participant(session, unit=unit, display_name=NAME)
    factories.make_participant(session, unit=unit, display_name="Någon Annan")
    before = _last_id(session)
    client.get("/coach/?q=hemlig")
    [event] = _events(session, before)
    assert event.action == "caseload.searched" and event.details["results"] == 1
    assert "hemlig" not in json.dumps(event.details).lower()


def test_changes_are_audited_by_the_service_with_fields_but_not_values(client, session, login_as):
    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    before = _last_id(session)
    response = client.post("/coach/participants/new", data={
        "unit": unit.id, "intake_date": "2026-01-12", "gender": "woman", "birth_year": "1990",
        "preferred_language": "sv", "display_name": NAME})
    assert response.status_code == 302
    [registered] = _events(session, before)
    pid = registered.object_id
    assert (registered.action, registered.object_type, registered.actor_staff_id) == (
        "participant.registered", "participant", coach.id)
    client.post(f"/coach/participants/{pid}/edit", data={
        "gender": "woman", "birth_year": "1991", "preferred_language": "ar", "display_name": NAME})
    client.post(f"/coach/participants/{pid}/exit", data={"exit_date": "2026-06-01", "reason": "work"})
    client.post(f"/coach/participants/{pid}/occasions", data={
        "intake": "2026-01-12", "midway": "2026-04-01", "exit": "2026-06-01", "follow_up": "2026-09-01"})
    changes = [e for e in _events(session, registered.id) if not e.action.endswith("viewed")]
    assert [(e.action, e.details) for e in changes] == [
        ("participant.updated", {"changed": ["birth_year", "preferred_language"]}),
        ("participant.exit_recorded", None),
        ("participant.occasions_moved", {"moved": ["midway", "follow_up"]}),
    ]
    assert all(e.actor_staff_id == coach.id and e.object_id == pid and e.ip for e in changes)
    assert "1991" not in json.dumps([e.details for e in changes])


def test_the_system_registering_people_is_audited_without_an_actor(session):
    person = factories.make_participant(session, intake_date=date(2026, 2, 2))
    [event] = _events(session)
    assert (event.action, event.object_id, event.actor_staff_id) == (
        "participant.registered", person.id, None)
