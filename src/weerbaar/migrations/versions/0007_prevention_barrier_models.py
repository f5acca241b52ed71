"""prevention: local versions of barrier models

Each save is a new row; the database refuses UPDATE and DELETE on the table (as in 0006).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from weerbaar.core.append_only import create_triggers, drop_triggers

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

APPEND_ONLY = ("barrier_model_versions",)


def upgrade() -> None:
    op.create_table('barrier_model_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('model_code', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('catalogue_version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.String(length=36), nullable=True),
    sa.Column('by_user_name', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barrier_model_versions')),
    sa.UniqueConstraint('municipality_code', 'model_code', 'version', name='uq_barrier_model_versions')
    )
    with op.batch_alter_table('barrier_model_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barrier_model_versions_municipality_code'), ['municipality_code'],
                              unique=False)
    create_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_triggers(APPEND_ONLY)
    with op.batch_alter_table('barrier_model_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barrier_model_versions_municipality_code'))
    op.drop_table('barrier_model_versions')
