"""Two-factor sign-in: enrolment with proof, the code step, and organisations that require it."""
import pyotp
from sqlmodel import select

from app.models import AuditEvent, StaffUser
from app.services import staff as staff_service
from app.services.staff import SignInOutcome

from .. import factories


def _sign_in(client, user, password=factories.PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def _enrol(client, session, user):
    """Open the enrolment page, read the pending secret, prove it with a code."""
    assert client.get("/account/two-factor").status_code == 200
    with client.session_transaction() as stored:
        secret = stored["totp_new_secret"]
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    session.refresh(user)
    return secret


def test_enrolment_stores_the_secret_only_after_a_right_code(client, session, login_as):
    user = login_as("coach")
    user.preferred_language = "en"  # assertions read the English msgids
    session.add(user)
    session.commit()
    client.get("/account/two-factor")
    bad = client.post("/account/two-factor", data={"code": "000000"})
    assert "not right" in bad.get_data(as_text=True)
    session.refresh(user)
    assert user.totp_secret is None
    secret = _enrol(client, session, user)
    assert user.totp_secret == secret


def test_enrolment_page_shows_a_qr_code(client, login_as):
    login_as("coach")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert '<svg role="img"' in page and 'class="qr"' in page


def test_enrolled_user_needs_the_code_to_sign_in(client, session):
    user = factories.make_staff(session, role="coach")
    secret = pyotp.random_base32()
    user.totp_secret = secret
    session.add(user)
    session.commit()
    response = _sign_in(client, user)
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/coach/").status_code == 302  # not signed in yet
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 200
    right = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302 and right.headers["Location"].endswith("/coach/")
    assert client.get("/coach/").status_code == 200
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor_staff_id == user.id)).all()
    assert "totp_failed" in actions and "login" in actions


def test_code_step_without_password_goes_back_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_organisation_requirement_forces_enrolment_before_anything_else(client, session):
    org = factories.make_organisation(session, require_totp=True)
    unit = factories.make_unit(session, org)
    user = factories.make_staff(session, role="coach", units=[unit])
    response = _sign_in(client, user)
    assert response.headers["Location"].endswith("/account/two-factor")
    blocked = client.get("/coach/")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/two-factor")
    _enrol(client, session, user)
    assert client.get("/coach/").status_code == 200


def test_requirement_covers_roles_that_see_participant_data_only(session):
    org = factories.make_organisation(session, require_totp=True)
    unit = factories.make_unit(session, org)
    coach = factories.make_staff(session, role="coach", units=[unit])
    evaluator = factories.make_staff(session, role="evaluator", units=[unit])
    assert staff_service.totp_required(session, coach)
    assert not staff_service.totp_required(session, evaluator)


def test_reset_forgets_the_secret(session):
    user = factories.make_staff(session, role="coach")
    user.totp_secret = pyotp.random_base32()
    staff_service.reset_totp(session, user=user)
    assert session.get(StaffUser, user.id).totp_secret is None


def test_a_code_works_once(client, session):
    user = factories.make_staff(session, role="coach")
    user.totp_secret = pyotp.random_base32()
    session.add(user)
    session.commit()
    code = pyotp.TOTP(user.totp_secret).now()
    _sign_in(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    _sign_in(client, user)
    replayed = client.post("/login/code", data={"code": code})
    assert replayed.status_code == 200  # refused: the same time step was used already


def test_codes_allow_one_step_of_clock_drift_and_no_more(session):
    user = factories.make_staff(session, role="coach")
    user.totp_secret = pyotp.random_base32()
    session.add(user)
    session.commit()
    totp = pyotp.TOTP(user.totp_secret)
    now = 1_800_000_000.0

    def outcome(moment: float) -> SignInOutcome:
        return staff_service.sign_in_with_code(session, user_id=user.id, code=totp.at(moment),
                                               now=now).outcome

    assert outcome(now - 60) is SignInOutcome.FAILED
    assert outcome(now - 30) is SignInOutcome.SIGNED_IN
    assert outcome(now + 30) is SignInOutcome.SIGNED_IN
    assert outcome(now) is SignInOutcome.FAILED  # an older step than the last accepted one
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor_staff_id == user.id)).all()
    assert sorted(actions) == ["login", "login", "totp_failed", "totp_failed"]
