"""Remember each staff user's last accepted two-factor time step, so a code works only once.

Revision ID: 0003_remember_last_totp_step
Revises: 0002_store_assessment_scores
Create Date: 2026-11-25 16:30:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0003_remember_last_totp_step"
down_revision = "0002_store_assessment_scores"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
