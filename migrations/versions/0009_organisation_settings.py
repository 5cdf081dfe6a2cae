"""Organisation settings an admin sets in the browser: retention in whole months (the unit
people and the privacy notice use; 730 days become 24 months), the organisation's own
small-cell threshold (never below 3), the data controller named in the privacy notice, and
the languages offered to participants (NULL: every language the installation has).

Revision ID: 0009_organisation_settings
Revises: 0008_staffadmin
Create Date: 2026-12-04 09:00:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009_organisation_settings"
down_revision = "0008_staffadmin"
branch_labels = None
depends_on = None

organisation = sa.table("organisation", sa.column("retention_days", sa.Integer),
                        sa.column("retention_months", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), nullable=False,
                                      server_default="24"))
        batch_op.add_column(sa.Column("small_cell_threshold", sa.Integer(), nullable=False,
                                      server_default="5"))
        batch_op.add_column(sa.Column("controller_name", sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("controller_contact",
                                      sqlmodel.sql.sqltypes.AutoString(length=300),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("participant_languages",
                                      sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_organisation_small_cell_floor"),
                                         "small_cell_threshold >= 3")
    # Whole months, at least one: 730 days → 24, 365 → 12, 180 → 6.
    months = sa.cast(sa.func.round(organisation.c.retention_days * 12 / 365.0), sa.Integer)
    op.execute(organisation.update().values(retention_months=sa.case((months < 1, 1),
                                                                     else_=months)))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("retention_days")


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=False,
                                      server_default="730"))
    # Whole-number division, rounding halves up on both databases: 24 → 730, 6 → 183.
    op.execute(organisation.update().values(
        retention_days=(organisation.c.retention_months * 365 + 6) // 12))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_organisation_small_cell_floor"), type_="check")
        batch_op.drop_column("participant_languages")
        batch_op.drop_column("controller_contact")
        batch_op.drop_column("controller_name")
        batch_op.drop_column("small_cell_threshold")
        batch_op.drop_column("retention_months")
