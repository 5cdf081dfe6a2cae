"""`flask staff set-password` and `flask staff totp-reset` for staff who are locked out."""
from app.models import StaffUser
from app.passwords import verify_password

from .. import factories


def test_set_password_and_totp_reset(app, session):
    user = factories.make_staff(session, role="coach")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    session.add(user)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "set-password", "--email", user.email.upper(),
                                 "--password", "a brand new passphrase"])
    assert result.exit_code == 0, result.output
    too_short = runner.invoke(args=["staff", "set-password", "--email", user.email, "--password", "short"])
    assert too_short.exit_code != 0 and "12 characters" in too_short.output
    assert runner.invoke(args=["staff", "totp-reset", "--email", user.email]).exit_code == 0
    session.expire_all()
    stored = session.get(StaffUser, user.id)
    assert verify_password(stored.password_hash, "a brand new passphrase")
    assert stored.totp_secret is None
    assert runner.invoke(args=["staff", "totp-reset", "--email", "nobody@example.org"]).exit_code != 0
