"""governance: period close runs, SHU runs and lines, DPS opinions

Revision ID: 0009
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import bmt.persistence.types

revision = "0009"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = bmt.persistence.types.RupiahSen


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "period_close_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("cooperative_id", ID, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("checks_json", sa.Text(), nullable=False),
        sa.Column("shu", MONEY(), nullable=True),
        sa.Column("entry_id", ID, nullable=True),
        sa.Column("by_user_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("period_close_run", "cooperative_id", "cooperative"),
        _fk("period_close_run", "entry_id", "journal_entry"),
        sa.ForeignKeyConstraint(["by_user_id"], ["app_user.id"], name="fk_period_close_run_by_user_id_app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_close_run")),
    )
    op.create_index("ix_period_close_run_coop_period", "period_close_run", ["cooperative_id", "kind", "period"])
    op.create_table(
        "shu_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("cooperative_id", ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("shu", MONEY(), nullable=False),
        sa.Column("zakat", MONEY(), nullable=False),
        sa.Column("members_total", MONEY(), nullable=False),
        sa.Column("residue", MONEY(), nullable=False),
        sa.Column("policy_json", sa.Text(), nullable=False),
        sa.Column("parts_json", sa.Text(), nullable=False),
        sa.Column("target", sa.String(10), nullable=False),
        sa.Column("rat_date", sa.Date(), nullable=True),
        sa.Column("entry_ids_json", sa.Text(), nullable=False),
        sa.Column("maker_id", ID, nullable=False),
        sa.Column("checker_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        _fk("shu_run", "cooperative_id", "cooperative"),
        sa.ForeignKeyConstraint(["maker_id"], ["app_user.id"], name="fk_shu_run_maker_id_app_user"),
        sa.ForeignKeyConstraint(["checker_id"], ["app_user.id"], name="fk_shu_run_checker_id_app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shu_run")),
    )
    op.create_index("ix_shu_run_coop_year", "shu_run", ["cooperative_id", "year"])
    op.create_table(
        "shu_line",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("cooperative_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("modal_basis", MONEY(), nullable=False),
        sa.Column("usaha_basis", MONEY(), nullable=False),
        sa.Column("jasa_modal", MONEY(), nullable=False),
        sa.Column("jasa_usaha", MONEY(), nullable=False),
        sa.Column("savings_account_id", ID, nullable=True),
        _fk("shu_line", "run_id", "shu_run"),
        _fk("shu_line", "member_id", "member"),
        _fk("shu_line", "savings_account_id", "savings_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shu_line")),
        sa.UniqueConstraint("run_id", "member_id", name="uq_shu_line_run_id"),
    )
    op.create_index("ix_shu_line_run_id", "shu_line", ["run_id"])
    op.create_table(
        "dps_opinion",
        sa.Column("id", ID, nullable=False),
        sa.Column("cooperative_id", ID, nullable=False),
        sa.Column("period", sa.String(24), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("conclusion", sa.String(24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("findings_json", sa.Text(), nullable=False),
        sa.Column("signed_by", ID, nullable=False),
        sa.Column("signer_username", sa.String(80), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_hash", sa.String(64), nullable=False),
        _fk("dps_opinion", "cooperative_id", "cooperative"),
        sa.ForeignKeyConstraint(["signed_by"], ["app_user.id"], name="fk_dps_opinion_signed_by_app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_opinion")),
        sa.UniqueConstraint("cooperative_id", "period", "signed_by", name="uq_dps_opinion_cooperative_id"),
    )
    op.create_index("ix_dps_opinion_cooperative_id", "dps_opinion", ["cooperative_id"])


def downgrade() -> None:
    op.drop_index("ix_dps_opinion_cooperative_id", table_name="dps_opinion")
    op.drop_table("dps_opinion")
    op.drop_index("ix_shu_line_run_id", table_name="shu_line")
    op.drop_table("shu_line")
    op.drop_index("ix_shu_run_coop_year", table_name="shu_run")
    op.drop_table("shu_run")
    op.drop_index("ix_period_close_run_coop_period", table_name="period_close_run")
    op.drop_table("period_close_run")
