"""Remember when a participant's identifying data was purged after the retention period, so
the daily purge passes them by and staff pages can tell a pseudonymous record from a person.

Revision ID: 0007_privacy_lifecycle
Revises: 0006_staff_session_generation
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007_privacy_lifecycle"
down_revision = "0006_staff_session_generation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_participant_purged_at"), ["purged_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_purged_at"))
        batch_op.drop_column("purged_at")
