"""The monthly profit distribution (distribusi bagi hasil) and the wadiah bonus: runs, pools and account lines.

A *run* is one computation for one month of one cooperative: a draft that can be recomputed while the period is
open, approved by a second person, posted in balanced entries, and only ever undone as a whole by reversing
entries. ``kind`` is ``distribution`` (the mudharabah pools) or ``wadiah_bonus`` (a total decided by
management, spread by ADB). ``live`` is 1 while the run stands and NULL once it is reversed, so the unique
constraint allows one standing run per cooperative, kind and period (NULLs never collide) and any number of
reversed ones beside it.

Exact rationals (ADB, the income attributed to a pool, the depositors' share, residues) are stored as text
``"p/q"`` (Python ``Fraction`` notation): they rarely terminate as decimals and sums over a million accounts
exceed BIGINT. Money actually paid is whole rupiah in ``RupiahSen`` columns.

``profit_run_line`` holds one row per account (a million in a large BMT). It is written and read in bulk
(COPY on PostgreSQL), so it carries no foreign keys: a foreign-key check is a trigger call per row, which
would double the cost of a month-end. The run's service writes and deletes lines only together with their run.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bmt.persistence.models import Base, BigId
from bmt.persistence.types import RupiahSen


class ProfitRun(Base):
    """One month's distribution (or wadiah bonus): draft → approved → posted (→ reversed)."""

    __tablename__ = "profit_run"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "kind", "period", "live"),
        Index("ix_profit_run_coop_period", "cooperative_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    kind: Mapped[str] = mapped_column(String(20))  # distribution | wadiah_bonus
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    since: Mapped[date] = mapped_column(Date)
    through: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    value_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # draft | approved | posted | reversed
    live: Mapped[int | None] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)  # how many times the draft was computed
    income: Mapped[Decimal] = mapped_column(RupiahSen)  # Y (or the decided wadiah bonus total)
    financing_adb: Mapped[str] = mapped_column(String(120), default="0")  # F, exact
    equity_adb: Mapped[str] = mapped_column(String(120), default="0")
    divisor: Mapped[str] = mapped_column(String(120), default="0")  # max(S, F)
    member_share: Mapped[str] = mapped_column(String(120), default="0")  # Σ B_j, exact
    paid_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    forfeited_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    paid_accounts: Mapped[int] = mapped_column(Integer, default=0)
    settings_json: Mapped[str] = mapped_column(Text, default="{}")  # the settings the run used
    income_json: Mapped[str] = mapped_column(Text, default="{}")  # how Y and F were built (reconciliation)
    previous_json: Mapped[str] = mapped_column(Text, default="{}")  # the last computation, for comparison
    inputs_entry_id: Mapped[int] = mapped_column(BigInteger, default=0)  # newest journal entry seen
    carry_from_run_id: Mapped[int | None] = mapped_column(BigInteger)  # whose residues were carried in
    computed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    entry_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    reversal_requested_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reversal_reason: Mapped[str] = mapped_column(String(300), default="")
    reversed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversal_entry_ids_json: Mapped[str] = mapped_column(Text, default="[]")


class ProfitRunProduct(Base):
    """One pool of a run: a product at one nisbah (accounts opened at an older nisbah form their own pool),
    the wadiah products, or equity. ``residue`` is what flooring left; once the run is posted it is the amount
    carried into the same pool next month."""

    __tablename__ = "profit_run_product"
    __table_args__ = (UniqueConstraint("run_id", "pool_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("profit_run.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    pool_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(BigInteger)  # None for equity
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))  # mudharabah | deposito | wadiah | equity
    nisbah_bps: Mapped[int] = mapped_column(Integer, default=0)
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    adb_num: Mapped[str] = mapped_column(String(60), default="0")  # Σ sen·days (exact integer)
    adb: Mapped[str] = mapped_column(String(120), default="0")  # ADB_j, exact
    income_share: Mapped[str] = mapped_column(String(120), default="0")  # Y_j
    member_share: Mapped[str] = mapped_column(String(120), default="0")  # B_j
    bmt_share: Mapped[str] = mapped_column(String(120), default="0")
    carried_in: Mapped[str] = mapped_column(String(120), default="0")
    pool: Mapped[str] = mapped_column(String(120), default="0")  # B_j + carried in
    equivalent_rate: Mapped[str] = mapped_column(String(120), default="0")  # percent p.a., exact
    paid_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    tax_total: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    forfeited: Mapped[Decimal] = mapped_column(RupiahSen, default=Decimal(0))
    residue: Mapped[str] = mapped_column(String(120), default="0")  # carried to next month once posted

    @property
    def nisbah_percent(self) -> Decimal:
        return Decimal(self.nisbah_bps) / 100


class ProfitRunLine(Base):
    """One account's share in a run (no foreign keys: a bulk table, see the module doc).

    ``share_exact`` is the unrounded share (pool × ADB_i / ADB_j) in 50 significant digits; ``share_floor``
    the floored whole rupiah (R2); ``share_paid`` what the account gets (0 when it forfeits the month, e.g. a
    closed account); ``credited`` = paid − tax. ``credit_kind``: 0 nothing, 1 Cr mudharabah_savings, 2 Cr
    wadiah_savings (sub-ledger ``savings:<target_id>``), 3 Cr deposit_profit_payable (``deposit:<account_id>``).
    ``seq`` orders the paid lines into entries of at most 10,000 lines (−1 for lines not paid).
    """

    __tablename__ = "profit_run_line"
    __table_args__ = (Index("ix_profit_run_line_seq", "run_id", "seq"),)

    run_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    cooperative_id: Mapped[int] = mapped_column(BigInteger)
    pool_no: Mapped[int] = mapped_column(Integer)
    adb_num: Mapped[int] = mapped_column(BigInteger)  # Σ balance × days, sen·days; ADB = adb_num / (100 × D)
    share_exact: Mapped[str] = mapped_column(String(60))
    share_floor: Mapped[Decimal] = mapped_column(RupiahSen)
    share_paid: Mapped[Decimal] = mapped_column(RupiahSen)
    tax: Mapped[Decimal] = mapped_column(RupiahSen)
    credited: Mapped[Decimal] = mapped_column(RupiahSen)
    credit_kind: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(Integer)
