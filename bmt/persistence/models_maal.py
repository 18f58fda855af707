"""The Baitul Maal's registers: muzakki and donors, mustahik, ZIS receipts, distribution proposals (and the
qardhul hasan loans among them), restricted funds, the cooperative's own zakat, and the BAZNAS nisab years an
admin adds.

Balances are never stored here: every fund, restricted fund and qardhul hasan balance is read from the maal
book of the ledger (``journal_line``), which is the one source of truth. These rows hold who, why and the
workflow (proposed -> approved/rejected), and point at the journal entries they caused.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base, BigId
from bmt.persistence.types import RupiahSen


class MaalDonor(Base):
    """A muzakki (zakat payer) or donor (infaq/sedekah), a member or not; NPWP optional (for the tax proof)."""

    __tablename__ = "maal_donor"
    __table_args__ = (Index("ix_maal_donor_coop_name", "cooperative_id", "name"), Index("ix_maal_donor_member", "cooperative_id", "member_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(String(200))
    npwp: Mapped[str] = mapped_column(String(20), default="")
    nik: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    wealth_start: Mapped[date | None] = mapped_column(Date)  # the day their wealth reached the nisab (haul start)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaalMustahik(Base):
    """Someone zakat may go to, registered under one of the eight asnaf (never ``amil``: that is the cap)."""

    __tablename__ = "maal_mustahik"
    __table_args__ = (Index("ix_maal_mustahik_coop_asnaf", "cooperative_id", "asnaf"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(String(200))
    asnaf: Mapped[str] = mapped_column(String(20))
    nik: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaalRestrictedFund(Base):
    """A restricted fund: a donor's purpose, or a pesantren cooperative's own fund (beasiswa, pembangunan).
    Its balance is the ``fund:<purpose>`` sub-ledger of ``infaq_restricted_fund``."""

    __tablename__ = "maal_restricted_fund"
    __table_args__ = (UniqueConstraint("cooperative_id", "purpose"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    purpose: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaalReceipt(Base):
    """A ZIS receipt: zakat, unrestricted infaq/sedekah, or infaq for a restricted fund; the proof's number."""

    __tablename__ = "maal_receipt"
    __table_args__ = (UniqueConstraint("cooperative_id", "receipt_no"), Index("ix_maal_receipt_donor", "cooperative_id", "donor_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    receipt_no: Mapped[str] = mapped_column(String(30))
    donor_id: Mapped[int] = mapped_column(ForeignKey("maal_donor.id"))
    kind: Mapped[str] = mapped_column(String(20))  # zakat | infaq | infaq_restricted
    zakat_type: Mapped[str] = mapped_column(String(20), default="")  # maal | penghasilan | perdagangan | fitrah
    purpose: Mapped[str | None] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(RupiahSen)
    channel: Mapped[str] = mapped_column(String(12))  # cash | savings | maal_cash | maal_bank
    savings_account_id: Mapped[int | None] = mapped_column(ForeignKey("savings_account.id"))
    value_date: Mapped[date] = mapped_column(Date)
    tamwil_entry_id: Mapped[int | None] = mapped_column(BigInteger)
    maal_entry_id: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(300), default="")
    received_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaalDisbursement(Base):
    """A proposal to pay out of a fund: zakat to a mustahik (asnaf tagged), a social or restricted-purpose use,
    an amil operating cost, or a qardhul hasan loan from the kebajikan fund. Maker proposes, a checker approves
    (which pays) or rejects. A qardhul hasan loan's balance is the ``qh:<proposal_no>`` sub-ledger."""

    __tablename__ = "maal_disbursement"
    __table_args__ = (UniqueConstraint("cooperative_id", "proposal_no"), Index("ix_maal_disbursement_coop_status", "cooperative_id", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    proposal_no: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))  # zakat | spending | qardhul_hasan
    fund: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str | None] = mapped_column(String(60))
    use: Mapped[str] = mapped_column(String(30), default="")
    asnaf: Mapped[str | None] = mapped_column(String(20))
    mustahik_id: Mapped[int | None] = mapped_column(ForeignKey("maal_mustahik.id"))
    beneficiary: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(RupiahSen)
    channel: Mapped[str] = mapped_column(String(12))  # paid from: maal_cash | maal_bank
    savings_account_id: Mapped[int | None] = mapped_column(ForeignKey("savings_account.id"))  # credited to, if any
    description: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | paid | rejected
    maker_id: Mapped[int] = mapped_column(BigInteger)
    checker_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    value_date: Mapped[date | None] = mapped_column(Date)
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    tamwil_entry_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaalCoopZakat(Base):
    """The cooperative's own zakat for a financial year, computed from the ledger and posted once."""

    __tablename__ = "maal_coop_zakat"
    __table_args__ = (UniqueConstraint("cooperative_id", "year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[date] = mapped_column(Date)
    basis: Mapped[Decimal] = mapped_column(RupiahSen)
    nisab: Mapped[Decimal] = mapped_column(RupiahSen)
    zakat_due: Mapped[Decimal] = mapped_column(RupiahSen)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    tamwil_entry_id: Mapped[int | None] = mapped_column(BigInteger)
    maal_entry_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ZakatNisabYear(Base):
    """A BAZNAS income nisab an admin added (SK Ketua BAZNAS); it overrides the shipped table's year."""

    __tablename__ = "zakat_nisab_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    annual: Mapped[Decimal] = mapped_column(RupiahSen)
    monthly: Mapped[Decimal] = mapped_column(RupiahSen)
    reference: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
