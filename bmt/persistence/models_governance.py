"""Governance records: month and year close runs with their checks, SHU divisions at the RAT (run and per-member
lines), and the DPS's signed sharia opinions.

Money moves only through the ledger; these rows hold who decided what, when, on which figures, and point at
the journal entries they caused.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base, BigId
from bmt.persistence.types import RupiahSen


class PeriodCloseRun(Base):
    """One attempt to close a month or a year: the checks it ran and whether it closed.

    ``status``: ``closed`` (checks passed, the books are closed through ``through``) or ``refused`` (the checks
    listed in ``checks_json`` failed; nothing changed). A year close also posts the closing entry.
    """

    __tablename__ = "period_close_run"
    __table_args__ = (Index("ix_period_close_run_coop_period", "cooperative_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    kind: Mapped[str] = mapped_column(String(8))  # month | year
    period: Mapped[str] = mapped_column(String(7))  # 2025-06 | 2025
    through: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    checks_json: Mapped[str] = mapped_column(Text, default="[]")
    shu: Mapped[Decimal | None] = mapped_column(RupiahSen)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShuRun(Base):
    """The division of one year's SHU: calculated (draft), then posted after the RAT by another manager.

    ``policy_json`` keeps the articles' percentages used; ``parts_json`` the amount of each category.
    """

    __tablename__ = "shu_run"
    __table_args__ = (Index("ix_shu_run_coop_year", "cooperative_id", "year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # draft | posted | superseded
    shu: Mapped[Decimal] = mapped_column(RupiahSen)
    zakat: Mapped[Decimal] = mapped_column(RupiahSen)
    members_total: Mapped[Decimal] = mapped_column(RupiahSen)
    residue: Mapped[Decimal] = mapped_column(RupiahSen)
    policy_json: Mapped[str] = mapped_column(Text)
    parts_json: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(String(10), default="savings")  # savings | payable
    rat_date: Mapped[date | None] = mapped_column(Date)
    entry_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    maker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShuLine(Base):
    """One member's share in an SHU run, with the weights it was computed from."""

    __tablename__ = "shu_line"
    __table_args__ = (UniqueConstraint("run_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("shu_run.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    modal_basis: Mapped[Decimal] = mapped_column(RupiahSen)
    usaha_basis: Mapped[Decimal] = mapped_column(RupiahSen)
    jasa_modal: Mapped[Decimal] = mapped_column(RupiahSen)
    jasa_usaha: Mapped[Decimal] = mapped_column(RupiahSen)
    savings_account_id: Mapped[int | None] = mapped_column(ForeignKey("savings_account.id"))


class DpsOpinion(Base):
    """A sharia opinion (opini DPS) on a period, signed by one DPS member: their login, the date, and the
    SHA-256 of the report it covers (the period's figures, the findings and the opinion itself)."""

    __tablename__ = "dps_opinion"
    __table_args__ = (UniqueConstraint("cooperative_id", "period", "signed_by"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    period: Mapped[str] = mapped_column(String(24))
    since: Mapped[date] = mapped_column(Date)
    through: Mapped[date] = mapped_column(Date)
    conclusion: Mapped[str] = mapped_column(String(24))  # sesuai | sesuai_dengan_catatan | tidak_sesuai
    text: Mapped[str] = mapped_column(Text)
    findings_json: Mapped[str] = mapped_column(Text, default="[]")
    signed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    signer_username: Mapped[str] = mapped_column(String(80))
    signer_name: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    report_hash: Mapped[str] = mapped_column(String(64))
