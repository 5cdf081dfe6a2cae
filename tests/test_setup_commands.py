"""Setting up a real organisation from the command line: organisation, units, staff."""
from sqlmodel import select

from app.models import Organisation, StaffUnit, StaffUser, Unit


def test_organisation_unit_and_staff_from_the_command_line(app, session):
    cli = app.test_cli_runner()
    assert cli.invoke(args=["organisation", "create", "Norrby kommun", "--require-totp"]).exit_code == 0
    added = cli.invoke(args=["organisation", "add-unit", "Norrby kommun", "Jobbspår",
                             "--midway-months", "4", "--instruments", "work_wheel,cefr"])
    assert added.exit_code == 0, added.output
    created = cli.invoke(args=["staff", "create", "--email", "Coach@Norrby.se", "--role", "coach",
                               "--organisation", "Norrby kommun", "--unit", "Jobbspår",
                               "--password", "a long enough password"])
    assert created.exit_code == 0, created.output
    organisation = session.exec(select(Organisation)).one()
    unit = session.exec(select(Unit)).one()
    coach = session.exec(select(StaffUser)).one()
    assert organisation.require_totp
    assert (unit.midway_after_months, unit.default_instrument_keys) == (4, ["work_wheel", "cefr"])
    assert coach.email == "coach@norrby.se"
    assert session.exec(select(StaffUnit)).one() == StaffUnit(staff_user_id=coach.id, unit_id=unit.id)


def test_unknown_names_and_instruments_are_refused_clearly(app, session):
    cli = app.test_cli_runner()
    missing = cli.invoke(args=["organisation", "add-unit", "Nowhere", "Unit"])
    assert missing.exit_code != 0 and "Nowhere" in missing.output
    cli.invoke(args=["organisation", "create", "Norrby kommun"])
    wrong = cli.invoke(args=["organisation", "add-unit", "Norrby kommun", "U", "--instruments", "iq_test"])
    assert wrong.exit_code != 0 and "iq_test" in wrong.output
    no_unit = cli.invoke(args=["staff", "create", "--email", "a@b.se", "--role", "coach",
                               "--organisation", "Norrby kommun", "--unit", "Ghost", "--password", "x" * 12])
    assert no_unit.exit_code != 0 and "Ghost" in no_unit.output
    assert session.exec(select(StaffUser)).all() == []


def test_health_wheel_statistics_are_switched_on_and_off_with_an_audit_trail(app, session):
    from app.models import AuditEvent

    cli = app.test_cli_runner()
    cli.invoke(args=["organisation", "create", "Norrby kommun"])
    assert cli.invoke(args=["organisation", "health-statistics", "Norrby kommun"]).exit_code != 0
    on = cli.invoke(args=["organisation", "health-statistics", "Norrby kommun", "--on"])
    assert on.exit_code == 0 and "aggregated" in on.output
    session.expire_all()
    assert session.exec(select(Organisation)).one().aggregate_health_wheel
    assert cli.invoke(args=["organisation", "health-statistics", "Norrby kommun", "--off"]).exit_code == 0
    session.expire_all()
    assert not session.exec(select(Organisation)).one().aggregate_health_wheel
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == "organisation.settings_changed").order_by(AuditEvent.id)).all()
    assert [e.details for e in events] == [
        {"before": {"aggregate_health_wheel": False}, "after": {"aggregate_health_wheel": True},
         "via": "cli"},
        {"before": {"aggregate_health_wheel": True}, "after": {"aggregate_health_wheel": False},
         "via": "cli"}]
    missing = cli.invoke(args=["organisation", "health-statistics", "Nowhere", "--on"])
    assert missing.exit_code != 0 and "Nowhere" in missing.output
