"""Settings read once from the environment, with safe development defaults.

Production (`STEGVIS_ENV=production`) refuses to start with a missing or development secret,
because every participant link and every staff session is signed with it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from .passwords import MINIMUM_COST, HashCost

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"


class ConfigurationError(RuntimeError):
    """The environment cannot run Stegvis safely; the message says why in one line."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything Stegvis reads from its environment, typed."""

    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    database_url: str | None = None  # None: an SQLite file in the instance folder
    session_idle_minutes: int = 30
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
        mode = env.get("STEGVIS_ENV", "development")
        return cls(
            env=mode,
            secret_key=env.get("SECRET_KEY", DEV_SECRET_KEY),
            database_url=env.get("DATABASE_URL") or None,
            session_idle_minutes=int(env.get("STEGVIS_SESSION_IDLE_MINUTES", "30")),
            invitation_days=int(env.get("STEGVIS_INVITATION_DAYS", "14")),
            small_cell_threshold=max(3, int(env.get("STEGVIS_SMALL_CELL", "5"))),
            export_secret=env.get("STEGVIS_EXPORT_SECRET") or None,
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "memory://"),
            demo_password=env.get("STEGVIS_DEMO_PASSWORD", "stegvis-demo"),
            secure_cookies=_flag(env.get("STEGVIS_SECURE_COOKIES"), mode == "production"),
            argon2_time_cost=int(env.get("STEGVIS_ARGON2_TIME_COST", HashCost.time_cost)),
            argon2_memory_kib=int(env.get("STEGVIS_ARGON2_MEMORY_KIB", HashCost.memory_kib)),
            argon2_parallelism=int(env.get("STEGVIS_ARGON2_PARALLELISM", HashCost.parallelism)),
            log_format=env.get("STEGVIS_LOG_FORMAT", "text").strip().lower() or "text",
            audit_ip_days=max(1, int(env.get("STEGVIS_AUDIT_IP_DAYS", "90"))),
        )

    @property
    def hash_cost(self) -> HashCost:
        """The argon2id cost for new password hashes."""
        return HashCost(self.argon2_time_cost, self.argon2_memory_kib, self.argon2_parallelism)

    def check(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.env != "production":
            return
        if not self.secret_key or self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError(
                "STEGVIS_ENV=production needs SECRET_KEY set to a random value of at least "
                "32 characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
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
            "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
            "BABEL_DEFAULT_LOCALE": "sv",
            "WTF_CSRF_TIME_LIMIT": None,
            "COMPRESS_ALGORITHM": ["br", "gzip"],
            **self.extra,
        }


def setting_names() -> list[str]:
    """Field names, for documentation and tests."""
    return [f.name for f in fields(Settings)]
