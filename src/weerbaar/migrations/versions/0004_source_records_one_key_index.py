"""source records: one index on the record key

The unique constraint (source, organisation_id, record_key, version) already serves every
lookup of a record's current version; the second index on the same key columns cost every
import an extra B-tree insert per row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 21:20:00
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('source_records', schema=None) as batch_op:
        batch_op.drop_index('ix_source_records_current')


def downgrade() -> None:
    with op.batch_alter_table('source_records', schema=None) as batch_op:
        batch_op.create_index('ix_source_records_current', ['source', 'organisation_id', 'record_key', 'superseded_at'],
                              unique=False)
