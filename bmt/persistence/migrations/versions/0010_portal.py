"""member portal, complaints, health assessments, retail batches

Revision ID: 0010
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import bmt.persistence.types

revision = "0010"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Sen = bmt.persistence.types.RupiahSen


def upgrade() -> None:
    op.create_table(
        "member_activation_code",
        sa.Column("id", BigId, nullable=False),
        sa.Column("cooperative_id", BigId, nullable=False),
        sa.Column("member_id", BigId, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperative.id"], name=op.f("fk_member_activation_code_cooperative_id_cooperative")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_activation_code_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_activation_code")),
    )
    op.create_index("ix_member_activation_code_member", "member_activation_code", ["cooperative_id", "member_id"])
    op.create_table(
        "complaint",
        sa.Column("id", BigId, nullable=False),
        sa.Column("cooperative_id", BigId, nullable=False),
        sa.Column("ticket_no", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("tracking_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperative.id"], name=op.f("fk_complaint_cooperative_id_cooperative")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_complaint_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("cooperative_id", "ticket_no", name=op.f("uq_complaint_cooperative_id_ticket_no")),
    )
    op.create_index("ix_complaint_coop_status", "complaint", ["cooperative_id", "status"])
    op.create_table(
        "complaint_message",
        sa.Column("id", BigId, nullable=False),
        sa.Column("complaint_id", BigId, nullable=False),
        sa.Column("cooperative_id", sa.BigInteger(), nullable=False),
        sa.Column("author_kind", sa.String(length=10), nullable=False),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status_after", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_message_complaint_id_complaint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_message")),
    )
    op.create_index(op.f("ix_complaint_message_complaint_id"), "complaint_message", ["complaint_id"])
    op.create_table(
        "health_assessment",
        sa.Column("id", BigId, nullable=False),
        sa.Column("cooperative_id", BigId, nullable=False),
        sa.Column("framework", sa.String(length=30), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("score_bp", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("figures_json", sa.Text(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("table_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperative.id"], name=op.f("fk_health_assessment_cooperative_id_cooperative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_assessment")),
    )
    op.create_index("ix_health_assessment_coop_period", "health_assessment", ["cooperative_id", "period_end"])
    op.create_table(
        "retail_batch",
        sa.Column("id", BigId, nullable=False),
        sa.Column("cooperative_id", BigId, nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("sales_cash", Sen(), nullable=False),
        sa.Column("sales_credit", Sen(), nullable=False),
        sa.Column("cost_of_sales", Sen(), nullable=False),
        sa.Column("purchases_cash", Sen(), nullable=False),
        sa.Column("purchases_credit", Sen(), nullable=False),
        sa.Column("entry_id", BigId, nullable=False),
        sa.Column("posted_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperative.id"], name=op.f("fk_retail_batch_cooperative_id_cooperative")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_retail_batch_entry_id_journal_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retail_batch")),
        sa.UniqueConstraint("cooperative_id", "idempotency_key", name=op.f("uq_retail_batch_cooperative_id_idempotency_key")),
    )
    op.create_index("ix_retail_batch_coop_date", "retail_batch", ["cooperative_id", "business_date"])


def downgrade() -> None:
    op.drop_index("ix_retail_batch_coop_date", table_name="retail_batch")
    op.drop_table("retail_batch")
    op.drop_index("ix_health_assessment_coop_period", table_name="health_assessment")
    op.drop_table("health_assessment")
    op.drop_index(op.f("ix_complaint_message_complaint_id"), table_name="complaint_message")
    op.drop_table("complaint_message")
    op.drop_index("ix_complaint_coop_status", table_name="complaint")
    op.drop_table("complaint")
    op.drop_index("ix_member_activation_code_member", table_name="member_activation_code")
    op.drop_table("member_activation_code")
