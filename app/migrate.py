"""Running Alembic from the app (CLI, `make run`, tests) against the app's database."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from .config import PROJECT_ROOT


def alembic_config(database_url: str, connection=None) -> Config:
    """An Alembic Config for `database_url`; `connection` lets tests migrate inside their own."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate down to `revision` ('base' empties the schema)."""
    command.downgrade(alembic_config(database_url), revision)
