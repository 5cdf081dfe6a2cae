"""Settings: development only when said explicitly; production refuses what would be unsafe."""
import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, ConfigurationError, Settings
from app.passwords import HashCost, hash_password, verify_password

ARGON2_VARIABLES = ("STEGVIS_ARGON2_TIME_COST", "STEGVIS_ARGON2_MEMORY_KIB", "STEGVIS_ARGON2_PARALLELISM")


DEVELOPMENT = {"STEGVIS_ENV": "development"}
# What a production start needs besides the secret; each test leaves out or spoils one part.
PRODUCTION = {"STEGVIS_ENV": "production", "SECRET_KEY": "x" * 64,
              "STEGVIS_BASE_URL": "https://stegvis.example.se",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}


def test_development_defaults_use_sqlite_in_the_instance_folder(tmp_path):
    settings = Settings.from_env(DEVELOPMENT)
    settings.check()
    config = settings.flask_config(str(tmp_path))
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'stegvis.sqlite'}"
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["SESSION_MAX_HOURS"] == 10 and config["TRUSTED_PROXIES"] == 0


def _refusal(environ: dict) -> str:
    """The reason `environ` is refused; always one line."""
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(environ).check()
    message = str(refused.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("environ", [{}, {"STEGVIS_ENV": ""}, {"SECRET_KEY": ""}])
def test_an_unset_environment_is_production_and_refuses_the_development_secret(environ):
    assert Settings.from_env(environ).env == "production"
    assert "SECRET_KEY" in _refusal(environ)


@pytest.mark.parametrize("value", ["Production", "prod", "dev", "development ", "test"])
def test_an_unknown_environment_name_is_refused_even_with_a_real_secret(value):
    message = _refusal({**PRODUCTION, "STEGVIS_ENV": value})
    assert "STEGVIS_ENV" in message and repr(value) in message


def test_a_missing_environment_with_everything_production_needs_starts_as_production():
    settings = Settings.from_env({k: v for k, v in PRODUCTION.items() if k != "STEGVIS_ENV"})
    settings.check()
    assert settings.env == "production" and settings.secure_cookies


def test_the_app_refuses_to_start_without_an_environment(monkeypatch):
    for name in ("STEGVIS_ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="STEGVIS_ENV=development"):
        create_app()


@pytest.mark.parametrize(("change", "named"), [
    ({"STEGVIS_BASE_URL": ""}, "STEGVIS_BASE_URL"),
    ({"STEGVIS_BASE_URL": "http://stegvis.example.se"}, "STEGVIS_BASE_URL"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
])
def test_production_needs_a_base_url_and_shared_rate_limit_storage(change, named):
    assert named in _refusal({**PRODUCTION, **change})


@pytest.mark.parametrize(("change", "named"), [
    ({"STEGVIS_BASE_URL": "stegvis.example.se"}, "STEGVIS_BASE_URL"),
    ({"STEGVIS_BASE_URL": "https://stegvis.example.se/?x=1"}, "STEGVIS_BASE_URL"),
    ({"STEGVIS_TRUSTED_PROXIES": "one"}, "STEGVIS_TRUSTED_PROXIES"),
    ({"STEGVIS_TRUSTED_PROXIES": "-1"}, "STEGVIS_TRUSTED_PROXIES"),
    ({"STEGVIS_SESSION_MAX_HOURS": "0"}, "STEGVIS_SESSION_MAX_HOURS"),
    ({"STEGVIS_SESSION_IDLE_MINUTES": "30m"}, "STEGVIS_SESSION_IDLE_MINUTES"),
])
def test_malformed_values_are_refused_with_their_name(change, named):
    assert named in _refusal({**DEVELOPMENT, **change})


def test_base_url_loses_its_trailing_slash():
    settings = Settings.from_env({**PRODUCTION, "STEGVIS_BASE_URL": "https://stegvis.example.se/ "})
    assert settings.flask_config("/tmp")["BASE_URL"] == "https://stegvis.example.se"


def test_environment_overrides_defaults():
    settings = Settings.from_env({**DEVELOPMENT, "DATABASE_URL": "postgresql+psycopg://x/y",
                                  "STEGVIS_SMALL_CELL": "7"})
    assert settings.database_url == "postgresql+psycopg://x/y"
    assert settings.small_cell_threshold == 7


def test_small_cell_threshold_is_never_below_three():
    assert Settings.from_env({"STEGVIS_SMALL_CELL": "1"}).small_cell_threshold == 3


@pytest.mark.parametrize("secret", [None, DEV_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_weak_secret(monkeypatch, secret):
    monkeypatch.setenv("STEGVIS_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    message = str(refused.value)
    assert "SECRET_KEY" in message and "\n" not in message


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    for name in ARGON2_VARIABLES:  # the suite runs with cheap hashing; production may not
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PASSWORD_HASH_COST"] == HashCost()
    assert app.config["BASE_URL"] == "https://stegvis.example.se"


def test_production_refuses_cheap_password_hashing():
    settings = Settings.from_env({**PRODUCTION, "STEGVIS_ARGON2_MEMORY_KIB": "1024"})
    with pytest.raises(ConfigurationError, match="STEGVIS_ARGON2_MEMORY_KIB"):
        settings.check()


def test_hash_cost_comes_from_settings(app):
    cheap = app.config["PASSWORD_HASH_COST"]
    assert cheap == HashCost(time_cost=1, memory_kib=8, parallelism=1)  # set in conftest.py
    hashed = hash_password("a long enough password")
    assert f"m={cheap.memory_kib},t={cheap.time_cost},p={cheap.parallelism}" in hashed
    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "another password")
    assert not verify_password(None, "a long enough password")


ELKS = {"STEGVIS_SMS_PROVIDER": "46elks", "STEGVIS_SMS_API_USERNAME": "u2c11ef65",
        "STEGVIS_SMS_API_PASSWORD": "C0ACCEEC"}
SMTP = {"STEGVIS_SMTP_URL": "smtp://stegvis:secret@mail.example.se:587",
        "STEGVIS_MAIL_FROM": "Stegvis <stegvis@example.se>"}


@pytest.mark.parametrize(("change", "named"), [
    ({"STEGVIS_SMTP_URL": "mail.example.se:587"}, "STEGVIS_SMTP_URL"),
    ({"STEGVIS_SMTP_URL": "smtp://mail.example.se:port"}, "STEGVIS_SMTP_URL"),
    ({"STEGVIS_SMTP_URL": "smtp://stegvis:lösen@mail.example.se"}, "ASCII"),
    ({"STEGVIS_MAIL_FROM": ""}, "STEGVIS_MAIL_FROM"),
    ({"STEGVIS_MAIL_FROM": "Stegvis"}, "STEGVIS_MAIL_FROM"),
    ({"STEGVIS_SMS_PROVIDER": "twilio"}, "STEGVIS_SMS_PROVIDER"),
    ({"STEGVIS_SMS_API_PASSWORD": ""}, "STEGVIS_SMS_API_PASSWORD"),
    ({"STEGVIS_SMS_API_URL": "ftp://api.46elks.com/a1/sms"}, "STEGVIS_SMS_API_URL"),
    ({"STEGVIS_SMS_FROM": "Stegvis kommun"}, "STEGVIS_SMS_FROM"),
])
def test_message_settings_are_checked_at_start_with_their_name(change, named):
    assert named in _refusal({**DEVELOPMENT, **SMTP, **ELKS, **change})


def test_production_sends_over_https_only_and_never_prints_messages():
    assert "STEGVIS_SMS_API_URL" in _refusal(
        {**PRODUCTION, **ELKS, "STEGVIS_SMS_API_URL": "http://127.0.0.1:8080/a1/sms"})
    assert "development only" in _refusal({**PRODUCTION, "STEGVIS_SMS_PROVIDER": "console"})
    quiet = Settings.from_env(PRODUCTION)
    quiet.check()
    assert (quiet.messaging["mail"], quiet.messaging["sms"]) == (None, None)
    ready = Settings.from_env({**PRODUCTION, **SMTP, **ELKS})
    ready.check()
    assert (ready.messaging["mail"], ready.messaging["sms"]) == ("smtp", "46elks")
    assert ready.messaging["sms_api_url"] == "https://api.46elks.com/a1/sms"


def test_development_prints_messages_unless_told_otherwise():
    settings = Settings.from_env(DEVELOPMENT)
    assert (settings.messaging["mail"], settings.messaging["sms"]) == ("console", "console")
