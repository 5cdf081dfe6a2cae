"""Record what an evaluation project is for (and whether Health Wheel and KASAM answers may
leave in its exports), and let an organisation opt in to Health Wheel cohort statistics.

Both default to "no": existing projects export no health or KASAM answers until their purpose
is recorded, and no organisation aggregates Health Wheel answers until it decides to.

Revision ID: 0005_evaluation_purpose
Revises: 0004_one_consent_per_instrument
Create Date: 2026-12-02 09:05:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005_evaluation_purpose"
down_revision = "0004_one_consent_per_instrument"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=2000),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("includes_health", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("includes_kasam", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aggregate_health_wheel", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("aggregate_health_wheel")
    with op.batch_alter_table("evaluation_project", schema=None) as batch_op:
        batch_op.drop_column("includes_kasam")
        batch_op.drop_column("includes_health")
        batch_op.drop_column("purpose")
