"""Member self-service, complaints, health assessments and the retail unit's batches."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base, BigId
from bmt.persistence.types import RupiahSen


class ActivationCode(Base):
    """A one-time code a teller gives a member to set their own password. Only the code's hash is stored."""

    __tablename__ = "member_activation_code"
    __table_args__ = (Index("ix_member_activation_code_member", "cooperative_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="live")  # live | used | revoked | burnt


class Complaint(Base):
    """A complaint or question from a member (logged in) or anyone (public page), answered by staff."""

    __tablename__ = "complaint"
    __table_args__ = (UniqueConstraint("cooperative_id", "ticket_no"), Index("ix_complaint_coop_status", "cooperative_id", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    ticket_no: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))  # complaint | question
    channel: Mapped[str] = mapped_column(String(10))  # member | public
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | answered | closed
    tracking_hash: Mapped[str] = mapped_column(String(64), default="")  # public filers follow their ticket with a code
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ComplaintMessage(Base):
    """One message in a complaint's thread (the filer's text, staff answers, notes on status changes)."""

    __tablename__ = "complaint_message"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    author_kind: Mapped[str] = mapped_column(String(10))  # filer | staff
    author_user_id: Mapped[int | None] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status_after: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HealthAssessment(Base):
    """One health assessment of one period: the figures from the books, the answers, the table used, the result."""

    __tablename__ = "health_assessment"
    __table_args__ = (Index("ix_health_assessment_coop_period", "cooperative_id", "period_end"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    framework: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    score_bp: Mapped[int] = mapped_column(Integer)  # the total in hundredths (72.32 -> 7232)
    band: Mapped[str] = mapped_column(String(40))
    figures_json: Mapped[str] = mapped_column(Text)
    answers_json: Mapped[str] = mapped_column(Text)
    table_json: Mapped[str] = mapped_column(Text)  # the weights and cut-offs this assessment used
    result_json: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RetailBatch(Base):
    """One day's (or shift's) sales and purchases of a cooperative's shop, posted as one balanced entry."""

    __tablename__ = "retail_batch"
    __table_args__ = (UniqueConstraint("cooperative_id", "idempotency_key"), Index("ix_retail_batch_coop_date", "cooperative_id", "business_date"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    idempotency_key: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(60), default="")
    business_date: Mapped[date] = mapped_column(Date)
    lines: Mapped[int] = mapped_column(Integer)
    sales_cash: Mapped[Decimal] = mapped_column(RupiahSen)
    sales_credit: Mapped[Decimal] = mapped_column(RupiahSen)
    cost_of_sales: Mapped[Decimal] = mapped_column(RupiahSen)
    purchases_cash: Mapped[Decimal] = mapped_column(RupiahSen)
    purchases_credit: Mapped[Decimal] = mapped_column(RupiahSen)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    posted_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
