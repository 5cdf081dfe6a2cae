"""Settings: safe defaults, and production refuses to run without a real secret."""
import pytest

from app import create_app
from app.config import DEV_SECRET_KEY, ConfigurationError, Settings
from app.passwords import HashCost, hash_password, verify_password

ARGON2_VARIABLES = ("STEGVIS_ARGON2_TIME_COST", "STEGVIS_ARGON2_MEMORY_KIB", "STEGVIS_ARGON2_PARALLELISM")


def test_defaults_use_sqlite_in_the_instance_folder(tmp_path):
    config = Settings.from_env({}).flask_config(str(tmp_path))
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'stegvis.sqlite'}"
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_environment_overrides_defaults():
    settings = Settings.from_env({"DATABASE_URL": "postgresql+psycopg://x/y", "STEGVIS_SMALL_CELL": "7"})
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
    monkeypatch.setenv("STEGVIS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    for name in ARGON2_VARIABLES:  # the suite runs with cheap hashing; production may not
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PASSWORD_HASH_COST"] == HashCost()


def test_production_refuses_cheap_password_hashing():
    settings = Settings.from_env({"STEGVIS_ENV": "production", "SECRET_KEY": "x" * 64,
                                  "STEGVIS_ARGON2_MEMORY_KIB": "1024"})
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
