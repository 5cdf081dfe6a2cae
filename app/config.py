"""Settings read once from the environment; anything not said explicitly is production.

Every participant link and every staff session is signed with SECRET_KEY, so the public
development secret is only accepted when `STEGVIS_ENV=development` is set on purpose. A missing
STEGVIS_ENV means production (a forgotten variable must not open the door), and a value that is
neither known name (`Production`, `prod`) stops start-up instead of being guessed at.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from .passwords import MINIMUM_COST, HashCost

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"
DEV_BASE_URL = "http://127.0.0.1:5000"  # where `make run` serves
ENVIRONMENTS = ("development", "production")
# Compiled catalogs: beside the .po files in a source checkout (`make compile-catalogs`),
# inside the package in a built wheel (compile_catalogs.py, the build step).
SOURCE_TRANSLATIONS = PROJECT_ROOT / "translations"
PACKAGED_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


class ConfigurationError(RuntimeError):
    """The environment cannot run Stegvis safely; the message says why in one line."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(env, name: str, default: int, minimum: int = 0) -> int:
    """An integer setting; a typo stops start-up with the variable's name, not a traceback."""
    raw = env.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}.")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything Stegvis reads from its environment, typed."""

    env: str = "production"
    secret_key: str = DEV_SECRET_KEY
    database_url: str | None = None  # None: an SQLite file in the instance folder
    session_idle_minutes: int = 30
    session_max_hours: int = 10  # a staff session ends this long after sign-in, active or not
    trusted_proxies: int = 0  # proxies in front of the app whose X-Forwarded-* are believed
    base_url: str | None = None  # where participants open their links; never the Host header
    invitation_days: int = 14
    small_cell_threshold: int = 5
    export_secret: str | None = None
    ratelimit_storage_uri: str = "memory://"
    demo_password: str = "stegvis-demo"
    secure_cookies: bool = False
    # argon2id cost (see app/passwords.py); production refuses less than OWASP's floor.
    argon2_time_cost: int = HashCost.time_cost
    argon2_memory_kib: int = HashCost.memory_kib
    argon2_parallelism: int = HashCost.parallelism
    log_format: str = "text"  # "json": one JSON object per line, for log shippers
    audit_ip_days: int = 90  # `flask purge` blanks audit events' IP addresses older than this
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read the STEGVIS_* and conventional variables (DATABASE_URL, SECRET_KEY)."""
        env = os.environ if environ is None else environ
        mode = env.get("STEGVIS_ENV") or "production"
        return cls(
            env=mode,
            secret_key=env.get("SECRET_KEY") or DEV_SECRET_KEY,
            database_url=env.get("DATABASE_URL") or None,
            session_idle_minutes=_whole_number(env, "STEGVIS_SESSION_IDLE_MINUTES", 30, minimum=1),
            session_max_hours=_whole_number(env, "STEGVIS_SESSION_MAX_HOURS", 10, minimum=1),
            trusted_proxies=_whole_number(env, "STEGVIS_TRUSTED_PROXIES", 0),
            base_url=(env.get("STEGVIS_BASE_URL") or "").strip().rstrip("/") or None,
            invitation_days=_whole_number(env, "STEGVIS_INVITATION_DAYS", 14, minimum=1),
            small_cell_threshold=max(3, _whole_number(env, "STEGVIS_SMALL_CELL", 5)),
            export_secret=env.get("STEGVIS_EXPORT_SECRET") or None,
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "memory://"),
            demo_password=env.get("STEGVIS_DEMO_PASSWORD", "stegvis-demo"),
            secure_cookies=_flag(env.get("STEGVIS_SECURE_COOKIES"), mode == "production"),
            argon2_time_cost=_whole_number(env, "STEGVIS_ARGON2_TIME_COST", HashCost.time_cost, 1),
            argon2_memory_kib=_whole_number(env, "STEGVIS_ARGON2_MEMORY_KIB", HashCost.memory_kib, 8),
            argon2_parallelism=_whole_number(env, "STEGVIS_ARGON2_PARALLELISM",
                                             HashCost.parallelism, 1),
            log_format=env.get("STEGVIS_LOG_FORMAT", "text").strip().lower() or "text",
            audit_ip_days=max(1, int(env.get("STEGVIS_AUDIT_IP_DAYS", "90"))),
        )

    @property
    def hash_cost(self) -> HashCost:
        """The argon2id cost for new password hashes."""
        return HashCost(self.argon2_time_cost, self.argon2_memory_kib, self.argon2_parallelism)

    def check(self) -> None:
        """Refuse settings that would be unsafe, each with a one-line reason."""
        if self.env not in ENVIRONMENTS:
            raise ConfigurationError(
                f"STEGVIS_ENV must be 'production' or 'development' (exactly), not {self.env!r}.")
        _check_base_url(self.base_url)
        if self.env == "development":
            return
        if not self.secret_key or self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError(
                "Production (STEGVIS_ENV=production or unset) needs SECRET_KEY set to a random value "
                "of at least 32 characters (python -c 'import secrets; print(secrets.token_hex(32))'); "
                "on a development machine set STEGVIS_ENV=development."
            )
        if not self.base_url or not self.base_url.startswith("https://"):
            raise ConfigurationError(
                "Production needs STEGVIS_BASE_URL, the https:// address participants open their "
                "links at (e.g. https://stegvis.example.se); the Host header is never trusted for it."
            )
        if self.ratelimit_storage_uri.startswith("memory://"):
            raise ConfigurationError(
                "Production needs RATELIMIT_STORAGE_URI shared by all workers "
                "(e.g. redis://127.0.0.1:6379): with memory:// each worker counts guesses apart."
            )
        cost, floor = self.hash_cost, MINIMUM_COST
        if cost.time_cost < floor.time_cost or cost.memory_kib < floor.memory_kib:
            raise ConfigurationError(
                f"STEGVIS_ENV=production needs STEGVIS_ARGON2_TIME_COST >= {floor.time_cost} and "
                f"STEGVIS_ARGON2_MEMORY_KIB >= {floor.memory_kib} (leave them unset for the defaults)."
            )

    def flask_config(self, instance_path: str) -> dict:
        """The Flask config keys these settings become."""
        url = self.database_url or f"sqlite:///{Path(instance_path) / 'stegvis.sqlite'}"
        return {
            "STEGVIS_ENV": self.env,
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": url,
            "SESSION_IDLE_MINUTES": self.session_idle_minutes,
            "SESSION_MAX_HOURS": self.session_max_hours,
            "TRUSTED_PROXIES": self.trusted_proxies,
            "BASE_URL": self.base_url or DEV_BASE_URL,
            "INVITATION_DAYS": self.invitation_days,
            "SMALL_CELL_THRESHOLD": self.small_cell_threshold,
            "EXPORT_SECRET": self.export_secret or self.secret_key,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            "DEMO_PASSWORD": self.demo_password,
            "PASSWORD_HASH_COST": self.hash_cost,
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_SECURE": self.secure_cookies,
            "LOG_FORMAT": self.log_format,
            "AUDIT_IP_DAYS": self.audit_ip_days,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "BABEL_TRANSLATION_DIRECTORIES": str(translations_directory()),
            "BABEL_DEFAULT_LOCALE": "sv",
            "WTF_CSRF_TIME_LIMIT": None,
            "COMPRESS_ALGORITHM": ["br", "gzip"],
            **self.extra,
        }


def translations_directory() -> Path:
    """Where the compiled catalogs are: the checkout's translations/, else the package's."""
    return SOURCE_TRANSLATIONS if SOURCE_TRANSLATIONS.is_dir() else PACKAGED_TRANSLATIONS


def _check_base_url(url: str | None) -> None:
    """An absolute http(s) address with a host and nothing after the path."""
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            f"STEGVIS_BASE_URL must be an address like https://stegvis.example.se, not {url!r}.")


def setting_names() -> list[str]:
    """Field names, for documentation and tests."""
    return [f.name for f in fields(Settings)]
