"""Migrations: empty → head matches the models; down to base; each step up and down again."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
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


LEGACY_DOUBLE_CONSENT = """
INSERT INTO organisation (id, name, require_totp, retention_days, created_at)
    VALUES (1, 'Org', false, 730, '2026-01-01 00:00:00');
INSERT INTO unit (id, organisation_id, name, midway_after_months, exit_after_months,
                  follow_up_after_days, default_instruments, created_at)
    VALUES (1, 1, 'Unit', 6, 12, 90, 'work_wheel', '2026-01-01 00:00:00');
INSERT INTO participant (id, code, unit_id, gender, preferred_language, intake_date, created_at)
    VALUES (1, 'P-TTTTTT', 1, 'woman', 'sv', '2026-01-12', '2026-01-01 00:00:00');
INSERT INTO occasion (id, participant_id, kind) VALUES (1, 1, 'intake');
INSERT INTO invitation (id, participant_id, occasion_id, instruments, short_code, mode, bilingual,
                        created_at, expires_at, revoked)
    VALUES (1, 1, 1, 'health_wheel', 'TTTTTTTT', 'own_device', false, '2026-01-01 00:00:00',
            '2026-02-01 00:00:00', false);
INSERT INTO consent (id, participant_id, invitation_id, choice, text_version, language, given_at)
    VALUES (1, 1, 1, 'store', 'health-consent-1', 'sv', '2026-01-12 10:00:00'),
           (2, 1, 1, 'store', 'health-consent-1', 'sv', '2026-01-12 10:00:01');
INSERT INTO assessment (id, occasion_id, participant_id, invitation_id, instrument_key,
                        instrument_version, language, mode, storage, consent_id, started_at)
    VALUES (1, 1, 1, 1, 'health_wheel', 1, 'sv', 'own_device', 'stored', 2, '2026-01-12 10:00:01');
"""


def _with_rows_at(url: str, revision: str, statements: list[str]):
    """A database migrated to `revision` holding the rows `statements` insert: its Alembic
    config and engine, for a data migration's test."""
    config = alembic_config(url)
    command.upgrade(config, revision)
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    return config, engine


@pytest.mark.parametrize("backend", BACKENDS)
def test_consents_learn_their_instrument_from_their_assessment(backend, empty_database_url):
    config, engine = _with_rows_at(empty_database_url(backend), "0003_remember_last_totp_step",
                                   LEGACY_DOUBLE_CONSENT.split(";")[:-1])
    command.upgrade(config, "0004_one_consent_per_instrument")
    with engine.connect() as connection:
        named = connection.execute(text("SELECT id, instrument_key FROM consent ORDER BY id")).all()
    engine.dispose()
    # the copy no assessment points at (the earlier post) keeps NULL
    assert [tuple(row) for row in named] == [(1, None), (2, "health_wheel")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_retention_in_days_becomes_whole_months(backend, empty_database_url):
    config, engine = _with_rows_at(empty_database_url(backend), "0007_privacy_lifecycle", [
        "INSERT INTO organisation (id, name, require_totp, retention_days, created_at,"
        f" aggregate_health_wheel) VALUES ({number}, 'Org {number}', false, {days},"
        " '2026-01-01 00:00:00', false)"
        for number, days in enumerate((730, 365, 180, 10), start=1)])
    command.upgrade(config, "0009_organisation_settings")
    with engine.connect() as connection:
        months = connection.execute(text(
            "SELECT retention_months, small_cell_threshold FROM organisation ORDER BY id")).all()
    command.downgrade(config, "0007_privacy_lifecycle")
    with engine.connect() as connection:
        days = connection.execute(text("SELECT retention_days FROM organisation ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in months] == [(24, 5), (12, 5), (6, 5), (1, 5)]
    assert [row[0] for row in days] == [730, 365, 183, 30]
