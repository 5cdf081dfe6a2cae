"""Migrations: empty → head matches the models; down to base; each step up and down again."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.migrate import alembic_config

from .conftest import BACKENDS


def _diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_to_head_matches_models_and_downgrades_to_base(backend, empty_database_url):
    url = empty_database_url(backend)
    config = alembic_config(url)
    command.upgrade(config, "head")
    assert _diff(url) == []
    assert _tables(url) == set(SQLModel.metadata.tables)
    command.downgrade(config, "base")
    assert _tables(url) == set()


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_revision_up_down_up(backend, empty_database_url):
    url = empty_database_url(backend)
    config = alembic_config(url)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions("base", "heads"))
    for revision in reversed(revisions):
        command.upgrade(config, revision.revision)
        before = _tables(url)
        command.downgrade(config, "-1")
        command.upgrade(config, revision.revision)
        assert _tables(url) == before


def test_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "two migration heads: merge or rebase the newer one"
