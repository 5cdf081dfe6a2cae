"""Create the Stegvis schema: organisations, units, staff, participants, occasions,
assessments, answers, consents, invitations, audit events, goals, evaluation projects and
licensed instrument wording.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 14:50:50.260968
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_staff_id', sa.Integer(), nullable=True),
    sa.Column('actor_invitation_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_invitation_id'), ['actor_invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_staff_id'), ['actor_staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('require_totp', sa.Boolean(), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('evaluation_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_evaluation_project_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_project')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_evaluation_project_organisation_id_name'))
    )
    with op.batch_alter_table('evaluation_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_project_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('programme_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('instrument_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('target_percent', sa.Float(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_programme_goal_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_goal'))
    )
    with op.batch_alter_table('programme_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_goal_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('preferred_language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('coach', 'unit_admin', 'evaluator', 'admin')", name=op.f('ck_staff_user_role_known')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_staff_user_email_lower_case')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_staff_user_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('midway_after_months', sa.Integer(), nullable=False),
    sa.Column('exit_after_months', sa.Integer(), nullable=False),
    sa.Column('follow_up_after_days', sa.Integer(), nullable=False),
    sa.Column('default_instruments', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_unit_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_unit_organisation_id_name'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('instrument_licence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('definition_text', sa.Text(), nullable=False),
    sa.Column('granted_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=True),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('permission_ref', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['staff_user.id'], name=op.f('fk_instrument_licence_loaded_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_licence')),
    sa.UniqueConstraint('instrument_key', 'instrument_version', 'language', name=op.f('uq_instrument_licence_instrument_key_instrument_version_language'))
    )
    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('preferred_language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('intake_date', sa.Date(), nullable=False),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_reason', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_participant_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('code', name=op.f('uq_participant_code'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_gender'), ['gender'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_intake_date'), ['intake_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_unit_id'), ['unit_id'], unique=False)

    op.create_table('staff_unit',
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_staff_unit_staff_user_id_staff_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_staff_unit_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_user_id', 'unit_id', name=op.f('pk_staff_unit'))
    )
    with op.batch_alter_table('staff_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('occasion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_occasion_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occasion')),
    sa.UniqueConstraint('participant_id', 'kind', name=op.f('uq_occasion_participant_id_kind'))
    )
    with op.batch_alter_table('occasion', schema=None) as batch_op:
        batch_op.create_index('ix_occasion_kind_planned_date', ['kind', 'planned_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_occasion_participant_id'), ['participant_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('occasion_id', sa.Integer(), nullable=False),
    sa.Column('instruments', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('short_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('bilingual', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('first_opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_invitation_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['occasion_id'], ['occasion.id'], name=op.f('fk_invitation_occasion_id_occasion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_invitation_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('short_code', name=op.f('uq_invitation_short_code'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_occasion_id'), ['occasion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_participant_id'), ['participant_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('given_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_consent_invitation_id_invitation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_participant_id'), ['participant_id'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occasion_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('instrument_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('target_language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('storage', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_assessment_consent_id_consent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_assessment_invitation_id_invitation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['occasion_id'], ['occasion.id'], name=op.f('fk_assessment_occasion_id_occasion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_assessment_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    sa.UniqueConstraint('occasion_id', 'instrument_key', name=op.f('uq_assessment_occasion_id_instrument_key'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_instrument_completed', ['instrument_key', 'completed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_occasion_id'), ['occasion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_participant_id'), ['participant_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_answer_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('assessment_id', 'item_key', name=op.f('uq_answer_assessment_id_item_key'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_assessment_id'), ['assessment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_assessment_id'))

    op.drop_table('answer')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_participant_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_occasion_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_invitation_id'))
        batch_op.drop_index('ix_assessment_instrument_completed')

    op.drop_table('assessment')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_participant_id'))
        batch_op.drop_index(batch_op.f('ix_consent_invitation_id'))

    op.drop_table('consent')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_participant_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_occasion_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_expires_at'))
        batch_op.drop_index(batch_op.f('ix_invitation_created_by_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('occasion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occasion_participant_id'))
        batch_op.drop_index('ix_occasion_kind_planned_date')

    op.drop_table('occasion')
    with op.batch_alter_table('staff_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_unit_unit_id'))

    op.drop_table('staff_unit')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_unit_id'))
        batch_op.drop_index(batch_op.f('ix_participant_intake_date'))
        batch_op.drop_index(batch_op.f('ix_participant_gender'))

    op.drop_table('participant')
    op.drop_table('instrument_licence')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_organisation_id'))

    op.drop_table('unit')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_organisation_id'))

    op.drop_table('staff_user')
    with op.batch_alter_table('programme_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_goal_organisation_id'))

    op.drop_table('programme_goal')
    with op.batch_alter_table('evaluation_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_project_organisation_id'))

    op.drop_table('evaluation_project')
    op.drop_table('organisation')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_staff_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_invitation_id'))

    op.drop_table('audit_event')
