"""signal status history: the transition and what it recorded

A status row now names the transition of `catalogus/signaalverloop.yaml` that set it and keeps
what the user filled in for it (the intake check, the weighing). Plain ADD COLUMN, not a batch
rebuild: the table is append-only, guarded by triggers a rebuild would drop.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('signal_status_history', sa.Column('transition', sa.String(length=40), nullable=True))
    op.add_column('signal_status_history', sa.Column('details', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('signal_status_history', 'details')
    op.drop_column('signal_status_history', 'transition')
