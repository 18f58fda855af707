"""merge feature branches

Revision ID: 0011
Revises: 0005, 0007, 0008, 0009, 0010
Create Date: 2026-11-23 12:32:56.935558
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = ('0005', '0007', '0008', '0009', '0010')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
