"""prevention: five-B sessions, priorities and commitments

Phase states, votes and chosen priorities are append-only: the database refuses UPDATE and
DELETE on them (as in 0001 and 0006). Commitments are actions (case_actions, origin "beraad").

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from weerbaar.core.append_only import create_triggers, drop_triggers


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

APPEND_ONLY = ("session_phase_history", "session_votes", "session_priorities")


def upgrade() -> None:
    op.create_table('partner_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('previous_id', sa.String(length=36), nullable=True),
    sa.Column('picture', sa.JSON(), nullable=True),
    sa.Column('picture_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('training_round_id', sa.String(length=36), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.String(length=36), nullable=True),
    sa.Column('signed_off_by_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_partner_sessions_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_sessions'))
    )
    with op.batch_alter_table('partner_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_sessions_municipality_code'), ['municipality_code'], unique=False)

    op.create_table('session_phase_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('by_user_id', sa.String(length=36), nullable=True),
    sa.Column('by_user_name', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['partner_sessions.id'], name=op.f('fk_session_phase_history_session_id_partner_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_phase_history'))
    )
    with op.batch_alter_table('session_phase_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_phase_history_session_id'), ['session_id'], unique=False)

    op.create_table('session_participants',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_session_participants_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['session_id'], ['partner_sessions.id'], name=op.f('fk_session_participants_session_id_partner_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_participants'))
    )
    with op.batch_alter_table('session_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_participants_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_participants_session_id'), ['session_id'], unique=False)

    op.create_table('session_bases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('legal_basis', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_session_bases_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['session_id'], ['partner_sessions.id'], name=op.f('fk_session_bases_session_id_partner_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_bases')),
    sa.UniqueConstraint('session_id', 'organisation_id', name='uq_session_bases')
    )
    with op.batch_alter_table('session_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_bases_session_id'), ['session_id'], unique=False)

    op.create_table('session_votes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('ballot', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['session_participants.id'], name=op.f('fk_session_votes_participant_id_session_participants')),
    sa.ForeignKeyConstraint(['session_id'], ['partner_sessions.id'], name=op.f('fk_session_votes_session_id_partner_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_votes'))
    )
    with op.batch_alter_table('session_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_votes_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_votes_session_id'), ['session_id'], unique=False)

    op.create_table('session_priorities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.String(length=36), nullable=True),
    sa.Column('by_user_name', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['partner_sessions.id'], name=op.f('fk_session_priorities_session_id_partner_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_priorities'))
    )
    with op.batch_alter_table('session_priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_priorities_session_id'), ['session_id'], unique=False)

    create_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(APPEND_ONLY)
    for table in ("session_priorities", "session_votes", "session_bases", "session_participants",
                  "session_phase_history", "partner_sessions"):
        op.drop_table(table)
