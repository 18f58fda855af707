"""audit per user

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:01:46.016013
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): on SQLite a batch rebuild would drop the append-only triggers.
    op.add_column("audit_event", sa.Column("cooperative_id", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_event_coop", "audit_event", ["cooperative_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_event_coop", table_name="audit_event")
    op.drop_column("audit_event", "cooperative_id")
