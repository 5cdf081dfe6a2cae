"""Administration in the browser: a unit can be made inactive (no new participants, left out
of the choosers, its data kept), and a staff user can hold a one-time set-password link (the
SHA-256 of its nonce and when it expires) for a new account or a password reset.

Revision ID: 0008_staffadmin
Revises: 0007_privacy_lifecycle
Create Date: 2026-12-04 10:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008_staffadmin"
down_revision = "0007_privacy_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_link_digest",
                                      sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("password_link_expires_at",
                                      sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("password_link_expires_at")
        batch_op.drop_column("password_link_digest")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("active")
