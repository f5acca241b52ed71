"""prevention: resilience scan rounds and answers

Answers and adoptions are append-only: the database refuses UPDATE and DELETE on them (as in
0006); a revision appends a newer answer, the latest per respondent and statement counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from weerbaar.core.append_only import create_triggers, drop_triggers


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

APPEND_ONLY = ("scan_answers", "scan_adoptions")


def upgrade() -> None:
    op.create_table('scan_rounds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.String(length=36), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_scan_rounds_closed_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_scan_rounds_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_rounds'))
    )
    with op.batch_alter_table('scan_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_rounds_municipality_code'), ['municipality_code'], unique=False)

    op.create_table('scan_answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('theme', sa.String(length=60), nullable=False),
    sa.Column('statement', sa.String(length=60), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['scan_rounds.id'], name=op.f('fk_scan_answers_round_id_scan_rounds')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scan_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_answers'))
    )
    with op.batch_alter_table('scan_answers', schema=None) as batch_op:
        batch_op.create_index('ix_scan_answers_round_user', ['round_id', 'user_id'], unique=False)

    op.create_table('scan_adoptions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('improvement', sa.String(length=60), nullable=False),
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adopted_by_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['case_actions.id'], name=op.f('fk_scan_adoptions_action_id_case_actions')),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_scan_adoptions_adopted_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['scan_rounds.id'], name=op.f('fk_scan_adoptions_round_id_scan_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_adoptions'))
    )
    with op.batch_alter_table('scan_adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_adoptions_round_id'), ['round_id'], unique=False)
    create_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(APPEND_ONLY)
    with op.batch_alter_table('scan_adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_adoptions_round_id'))
    op.drop_table('scan_adoptions')
    with op.batch_alter_table('scan_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_scan_answers_round_user')
    op.drop_table('scan_answers')
    with op.batch_alter_table('scan_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_rounds_municipality_code'))
    op.drop_table('scan_rounds')
