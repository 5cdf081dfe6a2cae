"""Staff sign-in and sign-out, and the headers every page carries."""
from sqlmodel import select

from app.models import AuditEvent

from . import factories


def test_sign_in_with_right_password_lands_and_is_audited(client, session):
    user = factories.make_staff(session, role="coach", email="Anna@Example.org")
    response = client.post("/login", data={"email": "ANNA@example.org", "password": factories.PASSWORD})
    assert response.status_code == 302
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor_staff_id == user.id)).all()
    assert actions == ["login"]


def test_wrong_password_is_refused_with_a_message(client, session):
    factories.make_staff(session, role="coach", email="anna@example.org")
    response = client.post("/login", data={"email": "anna@example.org", "password": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(client, session):
    factories.make_staff(session, role="coach", email="gone@example.org", active=False)
    response = client.post("/login", data={"email": "gone@example.org", "password": factories.PASSWORD})
    assert response.status_code == 200


def test_next_parameter_only_goes_to_this_site(client, session):
    user = factories.make_staff(session, role="coach")
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": factories.PASSWORD})
    assert "evil.example" not in response.headers["Location"]


def test_sign_out(client, login_as):
    login_as("evaluator")
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/evaluator/").status_code == 302  # back to the sign-in page


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
