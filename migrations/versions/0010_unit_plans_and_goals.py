"""Programme goals for one unit or the whole organisation, over a period, with a measure's
target value: add the unit and the period, and name the columns for what they hold (the
score a goal is set on, and its target value, which is a percentage only for the shares).

Goals recorded before keep their values; without a period they are measured over all time.

Revision ID: 0010_unit_plans_and_goals
Revises: 0009_organisation_settings
Create Date: 2026-12-02 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_unit_plans_and_goals"
down_revision = "0009_organisation_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programme_goal", schema=None) as batch_op:
        batch_op.alter_column("target", new_column_name="score_ref",
                              existing_type=sa.String(length=40),
                              existing_nullable=True)
        batch_op.alter_column("target_percent", new_column_name="target_value",
                              existing_type=sa.Float(), existing_nullable=False)
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_programme_goal_unit_id"), ["unit_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_programme_goal_unit_id_unit"), "unit",
                                    ["unit_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("programme_goal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_programme_goal_unit_id_unit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_programme_goal_unit_id"))
        batch_op.drop_column("period_end")
        batch_op.drop_column("period_start")
        batch_op.drop_column("unit_id")
        batch_op.alter_column("target_value", new_column_name="target_percent",
                              existing_type=sa.Float(), existing_nullable=False)
        batch_op.alter_column("score_ref", new_column_name="target",
                              existing_type=sa.String(length=40),
                              existing_nullable=True)
