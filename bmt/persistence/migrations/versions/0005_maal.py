"""baitul maal: donors, mustahik, receipts, disbursements, restricted funds, own zakat, nisab years

Also gives every existing cooperative the two tamwil liabilities the Baitul Maal needs (2111 zakat_payable,
2112 maal_payable) when its chart lacks them; new cooperatives get them from STANDARD_CHART.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import bmt.persistence.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = bmt.persistence.types.RupiahSen
NEW_ACCOUNTS = (
    ("2111", "Utang zakat koperasi (kepada Baitul Maal)", "zakat_payable"),
    ("2112", "Titipan dana ZIS untuk Baitul Maal", "maal_payable"),
)


def _id() -> sa.Column:
    return sa.Column("id", ID, nullable=False)


def _coop(table: str) -> sa.Column:
    return sa.Column("cooperative_id", ID, sa.ForeignKey("cooperative.id", name=f"fk_{table}_cooperative_id_cooperative"), nullable=False)


def _created() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "maal_donor", _id(), _coop("maal_donor"),
        sa.Column("member_id", ID, sa.ForeignKey("member.id", name="fk_maal_donor_member_id_member"), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("npwp", sa.String(20), nullable=False),
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("wealth_start", sa.Date(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_donor"),
    )
    op.create_index("ix_maal_donor_coop_name", "maal_donor", ["cooperative_id", "name"])
    op.create_index("ix_maal_donor_member", "maal_donor", ["cooperative_id", "member_id"])

    op.create_table(
        "maal_mustahik", _id(), _coop("maal_mustahik"),
        sa.Column("member_id", ID, sa.ForeignKey("member.id", name="fk_maal_mustahik_member_id_member"), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("asnaf", sa.String(20), nullable=False),
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("notes", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_mustahik"),
    )
    op.create_index("ix_maal_mustahik_coop_asnaf", "maal_mustahik", ["cooperative_id", "asnaf"])

    op.create_table(
        "maal_restricted_fund", _id(), _coop("maal_restricted_fund"),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_restricted_fund"),
        sa.UniqueConstraint("cooperative_id", "purpose", name="uq_maal_restricted_fund_cooperative_id_purpose"),
    )

    op.create_table(
        "maal_receipt", _id(), _coop("maal_receipt"),
        sa.Column("receipt_no", sa.String(30), nullable=False),
        sa.Column("donor_id", ID, sa.ForeignKey("maal_donor.id", name="fk_maal_receipt_donor_id_maal_donor"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("zakat_type", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=True),
        sa.Column("amount", MONEY(), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("savings_account_id", ID, sa.ForeignKey("savings_account.id", name="fk_maal_receipt_savings_account_id_savings_account"), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("tamwil_entry_id", sa.BigInteger(), nullable=True),
        sa.Column("maal_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("received_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_receipt"),
        sa.UniqueConstraint("cooperative_id", "receipt_no", name="uq_maal_receipt_cooperative_id_receipt_no"),
    )
    op.create_index("ix_maal_receipt_donor", "maal_receipt", ["cooperative_id", "donor_id"])

    op.create_table(
        "maal_disbursement", _id(), _coop("maal_disbursement"),
        sa.Column("proposal_no", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=True),
        sa.Column("use", sa.String(30), nullable=False),
        sa.Column("asnaf", sa.String(20), nullable=True),
        sa.Column("mustahik_id", ID, sa.ForeignKey("maal_mustahik.id", name="fk_maal_disbursement_mustahik_id_maal_mustahik"), nullable=True),
        sa.Column("beneficiary", sa.String(200), nullable=False),
        sa.Column("amount", MONEY(), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("savings_account_id", ID, sa.ForeignKey("savings_account.id", name="fk_maal_disbursement_savings_account_id_savings_account"), nullable=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("maker_id", sa.BigInteger(), nullable=False),
        sa.Column("checker_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(300), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("tamwil_entry_id", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_disbursement"),
        sa.UniqueConstraint("cooperative_id", "proposal_no", name="uq_maal_disbursement_cooperative_id_proposal_no"),
    )
    op.create_index("ix_maal_disbursement_coop_status", "maal_disbursement", ["cooperative_id", "status"])

    op.create_table(
        "maal_coop_zakat", _id(), _coop("maal_coop_zakat"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("basis", MONEY(), nullable=False),
        sa.Column("nisab", MONEY(), nullable=False),
        sa.Column("zakat_due", MONEY(), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("tamwil_entry_id", sa.BigInteger(), nullable=True),
        sa.Column("maal_entry_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_maal_coop_zakat"),
        sa.UniqueConstraint("cooperative_id", "year", name="uq_maal_coop_zakat_cooperative_id_year"),
    )

    op.create_table(
        "zakat_nisab_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("annual", MONEY(), nullable=False),
        sa.Column("monthly", MONEY(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        *_created(),
        sa.PrimaryKeyConstraint("year", name="pk_zakat_nisab_year"),
    )
    _add_accounts()


def _add_accounts() -> None:
    """The two new tamwil liabilities for cooperatives created before this revision (plain SQL: data only)."""
    conn = op.get_bind()
    coops = [r[0] for r in conn.execute(sa.text("SELECT id FROM cooperative"))]
    for coop in coops:
        for code, name, key in NEW_ACCOUNTS:
            exists = conn.execute(
                sa.text("SELECT 1 FROM gl_account WHERE cooperative_id = :c AND (code = :code OR key = :key)"),
                {"c": coop, "code": code, "key": key},
            ).first()
            if exists is None:
                conn.execute(
                    sa.text(
                        "INSERT INTO gl_account (cooperative_id, code, name, kind, book, key, parent_code, is_cash, system, active) "
                        "VALUES (:c, :code, :name, 'liability', 'tamwil', :key, NULL, :f, :t, :t)"
                    ),
                    {"c": coop, "code": code, "name": name, "key": key, "f": False, "t": True},
                )


def downgrade() -> None:
    for table in ("zakat_nisab_year", "maal_coop_zakat", "maal_disbursement", "maal_receipt", "maal_restricted_fund", "maal_mustahik", "maal_donor"):
        op.drop_table(table)
