"""Financing contracts of every akad: one contract table, its schedule, and its event history.

A contract's akad-specific terms (margin method, nisbah, rent, capital shares...) live in ``terms_json`` as
the pure core's Terms values serialise them; the columns hold what every akad shares and what the daily
close needs set-based (outstanding, due installments, days past due, collectibility, PPAP).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base, BigId
from bmt.persistence.types import RupiahSen


class FinancingProduct(Base):
    """Defaults for contracts of one akad: recognition method, allocation order, ta'zir and grace period."""

    __tablename__ = "financing_product"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))  # murabahah | mudharabah | musyarakah | musyarakah_mutanaqisah | qardh
    recognition: Mapped[str] = mapped_column(String(12), default="proportional")  # proportional | annuity
    allocation_order: Mapped[str] = mapped_column(String(40), default="margin,principal")
    tazir_amount: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    grace_days: Mapped[int] = mapped_column(Integer, default=7)
    approval_threshold: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    active: Mapped[bool] = mapped_column(default=True)


class FinancingContract(Base):
    """One financing contract. ``status``: application → approved → (purchased) → active → settled/closed;
    or rejected, cancelled, written_off."""

    __tablename__ = "financing_contract"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "contract_no"),
        Index("ix_financing_contract_coop_status", "cooperative_id", "status"),
        Index("ix_financing_contract_member", "cooperative_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("financing_product.id"))
    kind: Mapped[str] = mapped_column(String(30))
    contract_no: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="application")
    purpose: Mapped[str] = mapped_column(String(300), default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    maker_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    applied_on: Mapped[date] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    akad_date: Mapped[date | None] = mapped_column(Date)
    maturity_date: Mapped[date | None] = mapped_column(Date)
    principal: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))  # financed amount / BMT capital
    selling_price: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))  # murabahah H (fixed at akad)
    margin_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    down_payment: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    outstanding: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))  # receivable / carrying amount
    outstanding_principal: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))  # PPAP base
    collateral_value: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    terms_json: Mapped[str] = mapped_column(Text, default="{}")
    schedule_version: Mapped[int] = mapped_column(Integer, default=1)
    last_paid_on: Mapped[date | None] = mapped_column(Date)
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    collectibility: Mapped[str] = mapped_column(String(4), default="L")  # L | DPK | KL | D | M
    ppap_formed: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=0)


class ContractInstallment(Base):
    """One scheduled installment (current schedule version). ``margin`` is the margin, rent or profit part."""

    __tablename__ = "contract_installment"
    __table_args__ = (
        UniqueConstraint("contract_id", "schedule_version", "number"),
        Index("ix_contract_installment_due", "cooperative_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("financing_contract.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    schedule_version: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(RupiahSen)
    principal: Mapped[Decimal] = mapped_column(RupiahSen)
    margin: Mapped[Decimal] = mapped_column(RupiahSen)
    paid_principal: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    paid_margin: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    paid_on: Mapped[date | None] = mapped_column(Date)
    tazir_charged: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | paid | superseded


class ContractEvent(Base):
    """What happened to a contract, in order (append-only history; the money is in the ledger entry)."""

    __tablename__ = "contract_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("financing_contract.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    value_date: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    amount: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
