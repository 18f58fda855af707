"""day close and portfolio snapshots

Revision ID: 0007
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import bmt.persistence.types

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_close",
        sa.Column("cooperative_id", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_contract_id", sa.BigInteger(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("cooperative_id", "business_date", name=op.f("pk_day_close")),
    )
    op.create_table(
        "portfolio_snapshot",
        sa.Column("cooperative_id", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("outstanding", bmt.persistence.types.RupiahSen(), nullable=False),
        sa.Column("non_performing", bmt.persistence.types.RupiahSen(), nullable=False),
        sa.Column("ppap_required", bmt.persistence.types.RupiahSen(), nullable=False),
        sa.Column("ppap_formed", bmt.persistence.types.RupiahSen(), nullable=False),
        sa.Column("by_class_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("cooperative_id", "business_date", name=op.f("pk_portfolio_snapshot")),
    )
    # The close finds overdue installments per contract without scanning every schedule.
    op.create_index("ix_contract_installment_open_due", "contract_installment", ["contract_id", "status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_contract_installment_open_due", table_name="contract_installment")
    op.drop_table("portfolio_snapshot")
    op.drop_table("day_close")
