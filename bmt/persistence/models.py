"""SQLAlchemy models. Every business row carries ``cooperative_id`` (tenancy, and a future shard key).

Ledger rows (``journal_entry``, ``journal_line``) and the audit log are append-only: the database refuses
UPDATE and DELETE on them (triggers in ``bmt/persistence/ddl.py``, installed by the migrations).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bmt.persistence.types import RupiahSen

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BIGINT on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Cooperative(Base):
    __tablename__ = "cooperative"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="kspps")  # kspps | kopontren
    region_code: Mapped[str] = mapped_column(String(20), default="")  # e.g. "32.73" (Kota Bandung)
    address: Mapped[str] = mapped_column(String(300), default="")
    simpanan_pokok_amount: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(100_000))
    simpanan_wajib_amount: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(20_000))
    member_no_prefix: Mapped[str] = mapped_column(String(10), default="A")
    next_member_seq: Mapped[int] = mapped_column(Integer, default=1)
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Branch(Base):
    __tablename__ = "branch"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    region_code: Mapped[str] = mapped_column(String(20), default="")  # supervisors: the region they oversee
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthSession(Base):
    """A login: a web session (cookie) or an API bearer token. Only the token's SHA-256 is stored."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # web | api
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "member_no"),
        UniqueConstraint("cooperative_id", "nik"),
        Index("ix_member_coop_name", "cooperative_id", "name"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    member_no: Mapped[str] = mapped_column(String(30))
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1), default="")
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(20))
    joined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | inactive
    deactivated_on: Mapped[date | None] = mapped_column(Date)
    deactivation_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # user id; no FK (app_user -> member already)


class GlAccount(Base):
    __tablename__ = "gl_account"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"), UniqueConstraint("cooperative_id", "key"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    book: Mapped[str] = mapped_column(String(10))
    key: Mapped[str | None] = mapped_column(String(60))
    parent_code: Mapped[str | None] = mapped_column(String(20))
    is_cash: Mapped[bool] = mapped_column(Boolean, default=False)
    system: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class JournalEntry(Base):
    """The header of a balanced entry. Append-only."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "idempotency_key"),
        Index("ix_journal_entry_coop_date", "cooperative_id", "value_date"),
        Index("ix_journal_entry_source", "cooperative_id", "source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    book: Mapped[str] = mapped_column(String(10))
    value_date: Mapped[date] = mapped_column(Date)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    description: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(120), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(120))
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)


class JournalLine(Base):
    """One posting line. ``amount`` is signed: debit positive, credit negative (bmt.ledger). Append-only."""

    __tablename__ = "journal_line"
    __table_args__ = (
        Index("ix_journal_line_coop_account", "cooperative_id", "account_id"),
        Index("ix_journal_line_subledger", "cooperative_id", "subledger"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("gl_account.id"))
    value_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column("amount_sen", RupiahSen)
    subledger: Mapped[str | None] = mapped_column(String(60))
    memo: Mapped[str | None] = mapped_column(String(200))


class JournalDraft(Base):
    """A manual entry waiting for a second person's approval (maker–checker). Not part of the ledger."""

    __tablename__ = "journal_draft"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    book: Mapped[str] = mapped_column(String(10))
    value_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    lines_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | rejected
    maker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(String(300), default="")


class LedgerLock(Base):
    """Postings with a value date on or before ``closed_through`` are refused (closed days and periods)."""

    __tablename__ = "ledger_lock"

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    closed_through: Mapped[date] = mapped_column(Date)


class PeriodClose(Base):
    """History of month closes and reopenings."""

    __tablename__ = "period_close"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    action: Mapped[str] = mapped_column(String(10))  # close | reopen
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")


class IdempotencyRecord(Base):
    """The first answer to a request carrying an idempotency key; a retry gets it back."""

    __tablename__ = "idempotency_record"

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    operation: Mapped[str] = mapped_column(String(60))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_json: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditHead(Base):
    """The head of one audit chain. Each user writes their own chain (0 for the system), so two tellers never
    wait for each other; the head row is locked to serialise one user's concurrent writes."""

    __tablename__ = "audit_head"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """One audited write. ``hash = HMAC-SHA256(key, canonical(event + prev_hash))``. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain_id", "seq"), Index("ix_audit_event_coop", "cooperative_id", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    cooperative_id: Mapped[int | None] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    object_ref: Mapped[str] = mapped_column(String(120))
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SavingsProduct(Base):
    """A savings or deposit product of a cooperative, configured by a manager.

    kind: ``wadiah`` (yad dhamanah; no promised return), ``mudharabah`` (savings with a member nisbah) or
    ``deposito`` (mudharabah time deposit with a tenor). Nisbah in basis points of the member's share.
    """

    __tablename__ = "savings_product"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    nisbah_member_bps: Mapped[int] = mapped_column(Integer, default=0)
    tenor_months: Mapped[int | None] = mapped_column(Integer)
    min_opening: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    min_balance: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    dormant_after_days: Mapped[int] = mapped_column(Integer, default=365)
    approval_threshold: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(10_000_000))
    aro_default: Mapped[bool] = mapped_column(Boolean, default=True)
    early_break: Mapped[str] = mapped_column(String(20), default="forfeit_month")  # refuse | forfeit_month
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SavingsAccount(Base):
    """A member's savings or deposit account. ``balance`` is the running sub-ledger balance, locked on change;
    it always equals the sum of the account's ledger lines (``subledger = 'savings:<id>'``)."""

    __tablename__ = "savings_account"
    __table_args__ = (UniqueConstraint("cooperative_id", "account_no"), Index("ix_savings_account_member", "cooperative_id", "member_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("savings_product.id"))
    account_no: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | dormant | closed | matured | broken
    balance: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    nisbah_member_bps: Mapped[int] = mapped_column(Integer, default=0)
    opened_on: Mapped[date] = mapped_column(Date)
    last_activity_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    tenor_months: Mapped[int | None] = mapped_column(Integer)
    maturity_date: Mapped[date | None] = mapped_column(Date)
    aro: Mapped[bool] = mapped_column(Boolean, default=False)
    profit_to_account_id: Mapped[int | None] = mapped_column(BigInteger)  # linked savings account for deposito profit
    version: Mapped[int] = mapped_column(Integer, default=0)


class WithdrawalRequest(Base):
    """A withdrawal above the product's threshold, waiting for a manager (maker–checker)."""

    __tablename__ = "withdrawal_request"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("savings_account.id"))
    amount: Mapped[Decimal] = mapped_column(RupiahSen)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | rejected
    maker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    drawer_id: Mapped[int | None] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(300), default="")


class TellerDrawer(Base):
    """A teller's cash drawer for one business day: opened with a float, closed with a count."""

    __tablename__ = "teller_drawer"
    __table_args__ = (Index("ix_teller_drawer_teller_date", "cooperative_id", "teller_id", "business_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    teller_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    business_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed | difference_pending | difference_approved
    float_amount: Mapped[Decimal] = mapped_column(RupiahSen)
    expected_amount: Mapped[Decimal | None] = mapped_column(RupiahSen)
    counted_amount: Mapped[Decimal | None] = mapped_column(RupiahSen)
    difference: Mapped[Decimal | None] = mapped_column(RupiahSen)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
