"""Units as administrators keep them, and participants moving between them, through the
services (no request): names, inactive units, the organisation's bounds, the audit."""
from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import AuditEvent, Occasion, Participant
from app.services import administration, participants, units

from .. import factories


@pytest.fixture
def world(session):
    organisation = factories.make_organisation(session)
    unit = factories.make_unit(session, organisation, name="Jobbspår")
    return {"organisation": organisation, "unit": unit,
            "unit_admin": factories.make_staff(session, role="unit_admin", units=[unit])}


def _actions(session):
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_unit_is_added_renamed_and_made_inactive_with_an_audit_of_each(session, world):
    actor = world["unit_admin"]
    unit = units.add_unit(session, actor=actor, organisation=world["organisation"],
                          name="  Språk   och arbete ")
    assert (unit.name, unit.active) == ("Språk och arbete", True)
    units.rename_unit(session, actor=actor, unit=unit, name="Språkspår")
    units.set_unit_active(session, actor=actor, unit=unit, active=False)
    assert (unit.name, unit.active) == ("Språkspår", False)
    assert [u.name for u in units.units_of(session, world["organisation"].id, active_only=True)] == ["Jobbspår"]
    events = session.exec(select(AuditEvent).where(AuditEvent.object_type == "unit")
                          .order_by(AuditEvent.id)).all()
    assert [(e.action, e.details) for e in events] == [
        ("unit.created", {"name": "Språk och arbete"}),
        ("unit.renamed", {"name": {"before": "Språk och arbete", "after": "Språkspår"}}),
        ("unit.deactivated", {"active": {"before": True, "after": False}})]


@pytest.mark.parametrize(("name", "refusal"), [("", units.UnitNameInvalid),
                                               ("   ", units.UnitNameInvalid),
                                               ("x" * 201, units.UnitNameInvalid),
                                               ("jobbspår", units.UnitNameTaken),
                                               ("Jobbspår ", units.UnitNameTaken)])
def test_a_unit_needs_a_name_of_its_own(session, world, name, refusal):
    with pytest.raises(refusal):
        units.add_unit(session, actor=world["unit_admin"], organisation=world["organisation"],
                       name=name)
    assert len(units.units_of(session, world["organisation"].id)) == 1


def test_a_unit_admin_cannot_add_to_or_change_another_organisations_units(session, world):
    elsewhere = factories.make_unit(session)
    other = administration.organisation(session, factories.make_staff(session, role="admin", units=[]),
                                        elsewhere.organisation_id)
    with pytest.raises(administration.OutsideYourReach):
        units.add_unit(session, actor=world["unit_admin"], organisation=other, name="Intrång")
    for change in (lambda: units.rename_unit(session, actor=world["unit_admin"], unit=elsewhere, name="x"),
                   lambda: units.set_unit_active(session, actor=world["unit_admin"], unit=elsewhere,
                                                 active=False)):
        with pytest.raises(administration.OutsideYourReach):
            change()
    assert elsewhere.active and _actions(session).count("unit.created") == 0


def test_an_inactive_unit_takes_no_new_participants_but_keeps_its_own(session, world):
    unit = world["unit"]
    kept = factories.make_participant(session, unit=unit)
    units.set_unit_active(session, actor=world["unit_admin"], unit=unit, active=False)
    with pytest.raises(participants.UnitInactive):
        factories.make_participant(session, unit=unit)
    assert session.exec(select(Participant).where(Participant.unit_id == unit.id)).all() == [kept]


def _planned(session, person):
    return {o.kind: o.planned_date for o in session.exec(
        select(Occasion).where(Occasion.participant_id == person.id))}


def test_a_participant_moves_within_the_organisation_only(session, world):
    actor, unit = world["unit_admin"], world["unit"]
    person = factories.make_participant(session, unit=unit)
    target = units.add_unit(session, actor=actor, organisation=world["organisation"], name="Nytt spår")
    planned = _planned(session, person)
    moved = participants.move_to_unit(session, actor=actor, code=person.code.lower(), unit_id=target.id)
    assert moved.unit_id == target.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "participant.moved")).one()
    assert event.details == {"unit": {"before": unit.id, "after": target.id}}
    assert _planned(session, person) == planned  # the dates agreed with the person stay

    elsewhere = factories.make_unit(session)
    with pytest.raises(participants.OtherOrganisationsUnit):
        participants.move_to_unit(session, actor=actor, code=person.code, unit_id=elsewhere.id)
    stranger = factories.make_participant(session, unit=elsewhere)
    with pytest.raises(participants.UnknownCode):
        participants.move_to_unit(session, actor=actor, code=stranger.code, unit_id=unit.id)
    units.set_unit_active(session, actor=actor, unit=unit, active=False)
    with pytest.raises(participants.UnitInactive):
        participants.move_to_unit(session, actor=actor, code=person.code, unit_id=unit.id)
    assert session.get(Participant, stranger.id).unit_id == elsewhere.id


def test_the_overview_counts_units_staff_and_people(session, world):
    actor = world["unit_admin"]
    closed = units.add_unit(session, actor=actor, organisation=world["organisation"], name="Stängd")
    units.set_unit_active(session, actor=actor, unit=closed, active=False)
    factories.make_participant(session, unit=world["unit"])
    factories.make_staff(session, units=[world["unit"]], active=False)
    overview = administration.overview(session, world["organisation"])
    assert (overview.active_units, overview.inactive_units) == (1, 1)
    assert overview.staff_by_role["unit_admin"] == 1 and overview.staff_by_role["coach"] == 0
    assert (overview.inactive_staff, overview.participants_in_programme) == (1, 1)
    summary = {s.unit.name: (s.staff, s.participants_in_programme)
               for s in units.unit_summaries(session, world["organisation"].id)}
    assert summary == {"Jobbspår": (1, 1), "Stängd": (0, 0)}
