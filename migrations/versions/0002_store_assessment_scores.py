"""Store the scores of completed, stored assessments, so the cohort dashboard reads one row
per assessment instead of pivoting every answer (issue 6: under a second at 100,000).

Existing assessments get their rows from `flask scores rebuild`.

Revision ID: 0002_store_assessment_scores
Revises: 0001
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002_store_assessment_scores'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_score',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('instrument_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('occasion_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_score_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_assessment_score_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_assessment_score'))
    )
    op.create_index('ix_assessment_score_instrument_kind', 'assessment_score', ['instrument_key', 'occasion_kind'], unique=False, postgresql_include=['instrument_version', 'participant_id', 'completed_at', 'scores'])
    op.create_index('ix_assessment_score_participant_kind', 'assessment_score', ['participant_id', 'occasion_kind'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_assessment_score_participant_kind', table_name='assessment_score')
    op.drop_index('ix_assessment_score_instrument_kind', table_name='assessment_score')
    op.drop_table('assessment_score')
