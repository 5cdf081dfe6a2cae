"""Staff accounts as administrators keep them, through the services alone (no request): who
may do what, the one-time set-password link, deactivation and the resets."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import AuditEvent, StaffUser, utcnow
from app.passwords import verify_password
from app.services import administration, password_links, staff, staffing
from app.services.errors import DomainError
from app.tokens import TokenInvalid

from .. import factories

SECRET = "s" * 64
NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def org(session):
    """One organisation with two units, its unit admin, and another organisation's unit."""
    home = factories.make_organisation(session)
    unit_a, unit_b = factories.make_unit(session, home), factories.make_unit(session, home)
    unit_admin = factories.make_staff(session, role="unit_admin", units=[unit_a])
    return {"organisation": home, "units": (unit_a, unit_b), "unit_admin": unit_admin,
            "elsewhere": factories.make_unit(session)}


def _add(session, org, **overrides):
    values = {"actor": org["unit_admin"], "organisation": org["organisation"],
              "email": "New.Coach@Example.org", "display_name": " Nora  Coach ", "role": "coach",
              "unit_ids": [org["units"][0].id], "secret": SECRET, **overrides}
    return staffing.add_staff(session, **values)


def _events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_adding_someone_makes_an_account_without_a_password_and_a_link_that_sets_one(session, org):
    link = _add(session, org)
    user = link.user
    assert (user.email, user.display_name, user.role) == ("new.coach@example.org", "Nora Coach", "coach")
    assert staffing.units_of(session, user) == [org["units"][0].id]
    assert user.password_hash == staff.NO_PASSWORD
    assert not verify_password(user.password_hash, "")  # nobody signs in before the link is used
    assert timedelta(hours=71) < link.expires_at - utcnow() <= timedelta(hours=72)
    (created,) = _events(session, "staff.created")
    assert created.details == {"role": "coach", "units": [org["units"][0].id]}
    assert link.token not in str(created.details)

    password_links.set_password_with_link(session, token=link.token, secret=SECRET, password=NEW_PASSWORD)
    assert verify_password(session.get(StaffUser, user.id).password_hash, NEW_PASSWORD)
    signed_in = staff.sign_in_with_password(session, email=user.email, password=NEW_PASSWORD)
    assert signed_in.outcome is staff.SignInOutcome.SIGNED_IN


def test_a_link_works_once_and_a_newer_one_replaces_it(session, org):
    first = _add(session, org)
    password_links.set_password_with_link(session, token=first.token, secret=SECRET, password=NEW_PASSWORD)
    with pytest.raises(password_links.LinkUnusable):
        password_links.set_password_with_link(session, token=first.token, secret=SECRET,
                                        password="another long passphrase")
    admin = factories.make_staff(session, role="admin", units=[])
    older = staffing.reset_password(session, actor=admin, user=first.user, secret=SECRET)
    newer = staffing.reset_password(session, actor=admin, user=first.user, secret=SECRET)
    with pytest.raises(password_links.LinkUnusable):
        password_links.link_holder(session, token=older.token, secret=SECRET)
    assert password_links.link_holder(session, token=newer.token, secret=SECRET).id == first.user.id


def test_an_expired_a_foreign_or_a_short_password_link_is_refused(session, org):
    link = _add(session, org)
    later = utcnow() + timedelta(hours=password_links.LINK_VALID_HOURS, seconds=1)
    with pytest.raises(password_links.LinkUnusable):
        password_links.link_holder(session, token=link.token, secret=SECRET, now=later)
    with pytest.raises(TokenInvalid):
        password_links.link_holder(session, token=link.token, secret="another secret" * 4)
    with pytest.raises(staff.WeakPassword):
        password_links.set_password_with_link(session, token=link.token, secret=SECRET, password="short")
    assert password_links.link_holder(session, token=link.token, secret=SECRET).id == link.user.id


def test_a_reset_stops_the_old_password_and_ends_every_session(session, org):
    coach = factories.make_staff(session, units=[org["units"][0]])
    generation = coach.session_generation
    link = staffing.reset_password(session, actor=org["unit_admin"], user=coach, secret=SECRET)
    assert session.get(StaffUser, coach.id).session_generation == generation + 1
    old = staff.sign_in_with_password(session, email=coach.email, password=factories.PASSWORD)
    assert old.outcome is staff.SignInOutcome.FAILED
    password_links.set_password_with_link(session, token=link.token, secret=SECRET, password=NEW_PASSWORD)
    new = staff.sign_in_with_password(session, email=coach.email, password=NEW_PASSWORD)
    assert new.outcome is staff.SignInOutcome.SIGNED_IN
    assert [e.object_id for e in _events(session, "staff.password_reset")] == [coach.id]


def test_deactivation_ends_sessions_refuses_sign_in_and_voids_a_pending_link(session, org):
    link = _add(session, org)
    coach = factories.make_staff(session, units=[org["units"][0]])
    for user in (link.user, coach):
        staffing.set_staff_active(session, actor=org["unit_admin"], user=user, active=False)
    assert not coach.active and coach.session_generation == 1
    refused = staff.sign_in_with_password(session, email=coach.email, password=factories.PASSWORD)
    assert refused.outcome is staff.SignInOutcome.FAILED
    with pytest.raises(password_links.LinkUnusable):
        password_links.link_holder(session, token=link.token, secret=SECRET)
    staffing.set_staff_active(session, actor=org["unit_admin"], user=coach, active=True)
    again = staff.sign_in_with_password(session, email=coach.email, password=factories.PASSWORD)
    assert again.outcome is staff.SignInOutcome.SIGNED_IN
    assert len(_events(session, "staff_deactivated")) == 2 and _events(session, "staff.reactivated")


def test_role_and_unit_changes_are_audited_with_before_and_after(session, org):
    unit_a, unit_b = org["units"]
    coach = factories.make_staff(session, units=[unit_a])
    staffing.change_staff(session, actor=org["unit_admin"], user=coach, display_name="Renamed",
                          role="evaluator", unit_ids=[unit_b.id])
    assert (coach.role, coach.display_name) == ("evaluator", "Renamed")
    assert staffing.units_of(session, coach) == [unit_b.id]
    (changed,) = _events(session, "staff.changed")
    assert changed.details == {"role": {"before": "coach", "after": "evaluator"},
                               "units": {"before": [unit_a.id], "after": [unit_b.id]},
                               "display_name": "changed"}


def test_two_factor_reset_forgets_the_secret(session, org):
    coach = factories.make_staff(session, units=[org["units"][0]])
    coach.totp_secret = staff.new_totp_secret()
    session.add(coach)
    session.commit()
    staffing.reset_two_factor(session, actor=org["unit_admin"], user=coach, ip="192.0.2.1")
    assert coach.totp_secret is None
    (event,) = _events(session, "totp_reset")
    assert (event.actor_staff_id, event.object_id, event.ip) == (org["unit_admin"].id, coach.id, "192.0.2.1")


@pytest.mark.parametrize(("overrides", "refusal"), [
    ({"role": "admin"}, staffing.RoleNotYours),
    ({"role": "superuser"}, staffing.RoleNotYours),
    ({"unit_ids": []}, staffing.UnitsRequired),
    ({"email": "not-an-address"}, staffing.EmailInvalid),
    ({"email": "a b@example.org"}, staffing.EmailInvalid),
])
def test_a_unit_admin_cannot_add_an_admin_or_someone_malformed(session, org, overrides, refusal):
    with pytest.raises(refusal):
        _add(session, org, **overrides)
    assert not _events(session, "staff.created")


def test_units_and_people_of_another_organisation_are_out_of_reach(session, org):
    with pytest.raises(staffing.UnitsOutsideOrganisation):
        _add(session, org, unit_ids=[org["elsewhere"].id])
    stranger = factories.make_staff(session, units=[org["elsewhere"]])
    other_org = session.get(type(org["organisation"]), org["elsewhere"].organisation_id)
    actor = org["unit_admin"]
    for use_case in (staffing.reset_two_factor, staffing.set_staff_active,
                     staffing.reset_password, staffing.change_staff):
        arguments = {"set_staff_active": {"active": False}, "reset_password": {"secret": SECRET},
                     "change_staff": {"display_name": "x", "role": "coach", "unit_ids": []}}
        with pytest.raises(administration.OutsideYourReach):
            use_case(session, actor=actor, user=stranger, **arguments.get(use_case.__name__, {}))
    with pytest.raises(administration.OutsideYourReach):
        _add(session, org, organisation=other_org, unit_ids=[org["elsewhere"].id])
    assert administration.staff_member(session, actor, stranger.id) is None
    assert administration.unit(session, actor, org["elsewhere"].id) is None
    assert administration.organisation(session, actor, other_org.id) is None
    assert session.get(StaffUser, stranger.id).active


def test_a_unit_admin_cannot_touch_an_admin_of_their_own_organisation(session, org):
    admin = factories.make_staff(session, role="admin", units=[org["units"][0]])
    assert administration.staff_member(session, org["unit_admin"], admin.id) is None
    with pytest.raises(administration.OutsideYourReach):
        staffing.reset_password(session, actor=org["unit_admin"], user=admin, secret=SECRET)


def test_nobody_locks_themselves_out(session, org):
    me = org["unit_admin"]
    for use_case, arguments in ((staffing.set_staff_active, {"active": False}),
                                (staffing.reset_password, {"secret": SECRET}),
                                (staffing.reset_two_factor, {}),
                                (staffing.change_staff, {"display_name": "Me", "role": "coach",
                                                         "unit_ids": [org["units"][0].id]})):
        with pytest.raises(staffing.OwnAccount):
            use_case(session, actor=me, user=me, **arguments)
    assert me.active and me.role == "unit_admin"
    staffing.change_staff(session, actor=me, user=me, display_name="Me", role="unit_admin",
                          unit_ids=[u.id for u in org["units"]])  # own name and units: fine
    assert staffing.units_of(session, me) == sorted(u.id for u in org["units"])


def test_an_email_is_one_account_in_any_letter_case(session, org):
    factories.make_staff(session, email="taken@example.org")
    with pytest.raises(staffing.EmailTaken) as refused:
        _add(session, org, email="Taken@Example.org")
    assert isinstance(refused.value, DomainError)


def test_an_admin_reaches_every_organisation(session, org):
    admin = factories.make_staff(session, role="admin", units=[])
    other_org_id = org["elsewhere"].organisation_id
    assert administration.organisation(session, admin, other_org_id).id == other_org_id
    stranger = factories.make_staff(session, units=[org["elsewhere"]])
    assert administration.staff_member(session, admin, stranger.id).id == stranger.id
    link = _add(session, org, actor=admin, role="admin", unit_ids=[])
    assert link.user.role == "admin"


def test_the_outbox_seam_sends_nothing_yet(session, org):
    link = _add(session, org)
    assert password_links.hand_to_outbox(link, "https://stegvis.test/password/x") is False
