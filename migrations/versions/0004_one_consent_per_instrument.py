"""Name the instrument a consent is for, and allow one consent per invitation and instrument,
so the consent screen posted twice (or five times in parallel) updates one row.

Existing consents learn their instrument from the assessment that points at them. Those no
assessment points at (the earlier copies of a repeated post) keep NULL, which the unique
constraint lets through on SQLite and PostgreSQL alike; they stay as the record they were.

Revision ID: 0004_one_consent_per_instrument
Revises: 0003_remember_last_totp_step
Create Date: 2026-12-02 08:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004_one_consent_per_instrument"
down_revision = "0003_remember_last_totp_step"
branch_labels = None
depends_on = None

consent = sa.table("consent", sa.column("id", sa.Integer), sa.column("instrument_key", sa.String))
assessment = sa.table("assessment", sa.column("consent_id", sa.Integer),
                      sa.column("instrument_key", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instrument_key", sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
    # An assessment is unique per occasion and instrument, and an invitation belongs to one
    # occasion, so no two backfilled rows share an invitation and an instrument.
    referenced_by = (sa.select(sa.func.min(assessment.c.instrument_key))
                     .where(assessment.c.consent_id == consent.c.id).scalar_subquery())
    op.execute(consent.update().values(instrument_key=referenced_by))
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_consent_invitation_id_instrument_key"),
                                          ["invitation_id", "instrument_key"])


def downgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_consent_invitation_id_instrument_key"),
                                 type_="unique")
        batch_op.drop_column("instrument_key")
