"""Day closes and the portfolio snapshots they leave (the NPF trend reads the snapshots)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base
from bmt.persistence.types import RupiahSen


class DayClose(Base):
    """One business date's close for one cooperative: running, then done (never twice)."""

    __tablename__ = "day_close"

    cooperative_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    business_date: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # running | done
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_contract_id: Mapped[int] = mapped_column(BigInteger, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    summary_json: Mapped[str] = mapped_column(Text, default="{}")


class PortfolioSnapshot(Base):
    """The financing portfolio at the end of a closed day."""

    __tablename__ = "portfolio_snapshot"

    cooperative_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    business_date: Mapped[date] = mapped_column(Date, primary_key=True)
    contracts: Mapped[int] = mapped_column(Integer)
    outstanding: Mapped[Decimal] = mapped_column(RupiahSen)
    non_performing: Mapped[Decimal] = mapped_column(RupiahSen)
    ppap_required: Mapped[Decimal] = mapped_column(RupiahSen)
    ppap_formed: Mapped[Decimal] = mapped_column(RupiahSen)
    by_class_json: Mapped[str] = mapped_column(Text, default="{}")
