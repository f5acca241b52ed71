"""prevention: training rounds and answers

Answers are append-only: the database refuses UPDATE and DELETE on them (as in 0006).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from weerbaar.core.append_only import create_triggers, drop_triggers


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

APPEND_ONLY = ("training_answers",)


def upgrade() -> None:
    op.create_table('training_rounds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('join_code', sa.String(length=8), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('phenomena', sa.JSON(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('catalogue_version', sa.String(length=20), nullable=False),
    sa.Column('beraad_id', sa.String(length=36), nullable=True),
    sa.Column('current', sa.Integer(), nullable=False),
    sa.Column('showing_results', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_training_rounds_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_rounds')),
    sa.UniqueConstraint('join_code', name=op.f('uq_training_rounds_join_code'))
    )
    with op.batch_alter_table('training_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_rounds_beraad_id'), ['beraad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_rounds_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_rounds_municipality_code'), ['municipality_code'],
                              unique=False)

    op.create_table('training_participants',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_training_participants_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['training_rounds.id'],
                            name=op.f('fk_training_participants_round_id_training_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_participants')),
    sa.UniqueConstraint('round_id', 'user_id', name='uq_training_participants')
    )
    with op.batch_alter_table('training_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_participants_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_participants_user_id'), ['user_id'], unique=False)

    op.create_table('training_answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('question', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('phenomenon', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('chosen', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['training_participants.id'],
                            name=op.f('fk_training_answers_participant_id_training_participants')),
    sa.ForeignKeyConstraint(['round_id'], ['training_rounds.id'],
                            name=op.f('fk_training_answers_round_id_training_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_answers')),
    sa.UniqueConstraint('participant_id', 'question', name='uq_training_answers')
    )
    with op.batch_alter_table('training_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_answers_municipality_code'), ['municipality_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_training_answers_round_id'), ['round_id'], unique=False)
    create_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(APPEND_ONLY)
    with op.batch_alter_table('training_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_answers_round_id'))
        batch_op.drop_index(batch_op.f('ix_training_answers_municipality_code'))
    op.drop_table('training_answers')
    with op.batch_alter_table('training_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_participants_round_id'))
    op.drop_table('training_participants')
    with op.batch_alter_table('training_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_rounds_municipality_code'))
        batch_op.drop_index(batch_op.f('ix_training_rounds_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_training_rounds_beraad_id'))
    op.drop_table('training_rounds')
