"""Default deny: every endpoint is behind a role guard or on the public allowlist."""
import pytest

# Endpoints anyone may reach. Adding one here is a security decision: say why in the commit.
PUBLIC_ENDPOINTS = {
    "static",
    "health.healthz",
    "assets.vendor",  # our plotly build: no personal data, cached for a year
    "auth.login",
    "auth.logout",  # needs a session itself (login_required)
    "auth.index",
    "auth.totp_verify",  # second sign-in step: needs a password check from the last 5 minutes
    "auth.totp_setup",  # login_required (any role enrols its own authenticator)
    "auth.change_password",  # login_required (any role changes its own password)
    "auth.sign_out_everywhere",  # login_required (any role ends its own sessions)
    "auth.set_password",  # guarded by a signed one-time token the database must still hold
}
PUBLIC_BLUEPRINTS = {"participant"}  # guarded by invitation tokens, not accounts


def test_every_endpoint_is_guarded_or_allowlisted(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        if not getattr(app.blueprints.get(blueprint), "allowed_roles", None):
            unguarded.append(f"{rule.endpoint} ({rule.rule})")
    assert not unguarded, (
        "These endpoints have no role guard. Put them in a blueprint guarded with "
        "security.guard_blueprint(bp, roles…), or, if they must be public, add them to "
        f"PUBLIC_ENDPOINTS with a reason: {unguarded}"
    )


@pytest.mark.parametrize("blueprint", ["coach", "evaluator", "admin"])
def test_staff_blueprints_send_strangers_to_login(app, client, blueprint):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(blueprint + ".")
             and "GET" in r.methods and not r.arguments]
    for rule in rules:
        response = client.get(rule.rule)
        assert response.status_code == 302 and "/login" in response.headers["Location"], rule.rule


def test_wrong_role_is_forbidden(app, client, login_as):
    login_as("coach")
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("evaluator.")
             and "GET" in r.methods and not r.arguments]
    for rule in rules:
        assert client.get(rule.rule).status_code == 403, rule.rule
