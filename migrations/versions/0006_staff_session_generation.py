"""Give each staff user a session generation, so signing out, a new password, deactivation and
"sign out everywhere" end every session of theirs, a copied cookie included.

Existing users start at generation 0; sessions signed before this revision carry none and are
refused, so everyone signs in once more after the upgrade.

Revision ID: 0006_staff_session_generation
Revises: 0005_evaluation_purpose
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0006_staff_session_generation"
down_revision = "0005_evaluation_purpose"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
