"""A coach reaches only participants of their own units: anything else is 404, on every route."""
from datetime import date

import pytest

from .. import factories
from .filled import fill_in


@pytest.fixture
def other_units_participant(session):
    """A participant (with an invitation) in a unit the signed-in coach does not work in."""
    stranger = factories.make_participant(session, unit=factories.make_unit(session))
    invitation = fill_in(session, stranger, "intake", keys=("work_wheel",))
    return stranger, invitation


def _coach_rules(app, argument):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.startswith("coach.") and argument in r.arguments]


def test_every_participant_route_answers_404_for_another_units_participant(
        app, client, login_as, other_units_participant):
    login_as("coach")
    stranger, _invitation = other_units_participant
    rules = _coach_rules(app, "participant_id")
    assert len(rules) >= 6  # page, report, edit, exit, occasions, invite
    for rule in rules:
        url = rule.rule.replace("<int:participant_id>", str(stranger.id))
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"occasion": "intake"})
            assert response.status_code == 404, f"{method} {url}"


def test_every_invitation_route_answers_404_for_another_units_invitation(
        app, client, login_as, other_units_participant):
    login_as("coach")
    _stranger, invitation = other_units_participant
    for rule in _coach_rules(app, "invitation_id"):
        url = rule.rule.replace("<int:invitation_id>", str(invitation.id))
        method = "POST" if "POST" in rule.methods else "GET"
        assert client.open(url, method=method).status_code == 404, f"{method} {url}"


def test_own_participant_is_reachable_and_others_are_not_listed(client, session, login_as):
    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    mine = factories.make_participant(session, unit=unit)
    theirs = factories.make_participant(session, unit=factories.make_unit(session))
    assert client.get(f"/coach/participants/{mine.id}").status_code == 200
    page = client.get("/coach/").get_data(as_text=True)
    assert mine.code in page and theirs.code not in page


def test_viewing_results_is_audited(client, session, login_as):
    from sqlmodel import select

    from app.models import AuditEvent

    unit = factories.make_unit(session)
    coach = login_as("coach", units=[unit])
    participant = factories.make_participant(session, unit=unit)
    client.get(f"/coach/participants/{participant.id}")
    client.get(f"/coach/participants/{participant.id}/report")
    events = session.exec(select(AuditEvent).where(AuditEvent.actor_staff_id == coach.id,
                                                   AuditEvent.object_id == participant.id)).all()
    assert sorted(e.action for e in events) == ["participant.report_viewed",
                                                "participant.results_viewed"]


def test_a_purged_participant_is_gone_from_the_coachs_lists_and_pages(client, session, login_as):
    from app.models import utcnow

    unit = factories.make_unit(session)
    login_as("coach", units=[unit])
    purged = factories.make_participant(session, unit=unit, intake_date=date.today())
    kept = factories.make_participant(session, unit=unit, intake_date=date.today())
    invitation = fill_in(session, purged, "intake", keys=("work_wheel",))
    purged.purged_at = utcnow()
    session.add(purged)
    session.commit()
    for page in ("/coach/", "/coach/due"):
        shown = client.get(page).get_data(as_text=True)
        assert kept.code in shown and purged.code not in shown, page
    assert client.get(f"/coach/participants/{purged.id}").status_code == 404
    assert client.get(f"/coach/invitations/{invitation.id}").status_code == 404
    assert client.get(f"/coach/participants/{kept.id}").status_code == 200
