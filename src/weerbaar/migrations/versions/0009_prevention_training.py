"""prevention: training rounds and answers

Answers are append-only: the database refuses UPDATE and DELETE on them (as in 0006).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

APPEND_ONLY = ("training_answers",)


def _append_only_up() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )


def _append_only_down() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


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
    _append_only_up()


def downgrade() -> None:
    _append_only_down()
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
