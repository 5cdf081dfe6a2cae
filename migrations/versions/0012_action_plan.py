"""Add the action plan: steps a participant and their coach agree (what, who, by when, done).

Revision ID: 0012_action_plan
Revises: 0011_messages
Create Date: 2026-12-04 10:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0012_action_plan"
down_revision = "0011_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"],
                                name=op.f("fk_action_step_created_by_id_staff_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_action_step_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_step")),
    )
    with op.batch_alter_table("action_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_step_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_step_participant_id"), ["participant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_step_participant_id"))
        batch_op.drop_index(batch_op.f("ix_action_step_created_by_id"))
    op.drop_table("action_step")
