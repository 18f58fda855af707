"""Average daily balances (ADB) from balance-change events, for every account at once.

domain.md §4.2 item 2: ``ADB_i = Σ_{d=1..D} closing_balance_{i,d} / D``. A balance is a step function of
the day, so the sum over days is ``Σ_k balance_k × days_k`` over the account's balance-change events,
where ``days_k`` runs from the event's day to the day before the next event (or to the end of the
period). There is no per-day loop and no per-account Python loop: the events of all accounts sit in three
integer arrays sorted by (account, day); a shift by one gives each step's length, and a running sum
read at each account's last event gives the per-account totals.

Units and exactness:
    * balances are integer **sen**; days are 1-based (day 1 is the first day of the period); a balance
      before an account's first event is 0.
    * the result is the *numerator* ``num_i = Σ balance_k × days_k`` in sen·days, an exact int64.
      The ADB in rupiah is the rational ``num_i / (100 × D)``; keeping the numerator avoids dividing
      until a value is reported, and the ratios the distribution needs (``ADB_i / ADB_j``) are
      ``num_i / num_j``, with D cancelled.
    * int64 cannot overflow: a balance is at most ``MAX_BALANCE_SEN`` = 10^17 sen (Rp10^15, the
      largest amount ``bmt.money`` accepts) and the days of one account add up to at most 31, so
      ``num_i ≤ 3.1 × 10^18 < 2^63 ≈ 9.22 × 10^18``.
    * sums over many accounts can exceed int64; ``exact_sum`` and ``exact_group_sums`` split each
      value into 32-bit halves, add the halves in int64 (no overflow below 2^31 values) and join them
      as Python ints.

Example (domain.md Example B, TM-B: 50,000,000 on days 1–9, 110,000,000 on days 10–30)::

    >>> ev = balance_events([0, 0], [1, 10], [5_000_000_000, 11_000_000_000], n_accounts=1, days=30)
    >>> int(adb_numerators(ev)[0]) // (100 * 30)
    92000000
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bmt.errors import InvalidInput

#: Largest balance accepted, in sen (Rp10^15 = bmt.money.MAX_AMOUNT); keeps every numerator in int64.
MAX_BALANCE_SEN = 10**17
#: Longest period, in days (a calendar month).
MAX_DAYS = 31
#: Most accounts in one run; keeps the 32-bit-half sums of ``exact_group_sums`` inside int64.
MAX_ACCOUNTS = 2**30

_LOW32 = np.int64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True, eq=False)
class BalanceEvents:
    """Balance-change events of many accounts, validated and sorted by (account, day).

    Build it with ``balance_events``: the constructor does not validate, and the last two fields are
    derived there (checking the order yields them anyway).

    Attributes:
        account: Integer index of the account (0 .. n_accounts-1) of each event (int32 is enough).
        day: int8 day of the period (1 .. days) from which the new balance holds.
        balance_sen: int64 balance in sen from that day until the day before the account's next event.
        n_accounts: How many accounts there are (accounts without events have ADB 0).
        days: Days in the period, D.
        last: Position of each account's last event (one per account that has events).
        held: int8 number of days each balance holds (to the next event, or to the period's end).
    """

    account: np.ndarray
    day: np.ndarray
    balance_sen: np.ndarray
    n_accounts: int
    days: int
    last: np.ndarray
    held: np.ndarray


def balance_events(
    account: np.ndarray | list[int],
    day: np.ndarray | list[int],
    balance_sen: np.ndarray | list[int],
    *,
    n_accounts: int,
    days: int,
) -> BalanceEvents:
    """Check balance-change events and wrap them; every check is vectorised.

    Narrow integer types are welcome (int32 accounts and int8 days move less memory, and memory
    bandwidth is what bounds the speed here); balances become int64.

    Args:
        account: Account index of each event; events sorted by account, then by day.
        day: 1-based day from which the balance holds; strictly increasing within an account.
        balance_sen: The balance in sen from that day; 0 ≤ balance ≤ ``MAX_BALANCE_SEN``.
        n_accounts: Number of accounts (indices must be below it).
        days: Days in the period, 1..31.

    Returns:
        The validated events.

    Raises:
        InvalidInput: on non-integers, out-of-range values, unsorted or duplicate (account, day) pairs.
    """
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"jumlah hari periode harus 1..{MAX_DAYS} / days in period must be 1..{MAX_DAYS}")
    if not 0 <= n_accounts <= MAX_ACCOUNTS:
        raise InvalidInput(f"jumlah rekening harus 0..{MAX_ACCOUNTS} / too many accounts")
    acc, d, bal = (_integers(a) for a in (account, day, balance_sen))
    if not (acc.ndim == d.ndim == bal.ndim == 1 and acc.size == d.size == bal.size):
        raise InvalidInput(
            "larik peristiwa saldo harus sepanjang sama / event arrays must be 1-D and equally long"
        )
    if acc.size:
        _check_ranges(acc, d, bal, n_accounts, days)
    if acc.dtype.kind == "u":  # differences of unsigned indices would wrap around
        acc = acc.astype(np.int64)
    # Days fit int8 (and int8 keeps balance × days in int64, where uint64 would turn it into float).
    d = d.astype(np.int8, copy=False)
    last, held = _steps(acc, d, days)
    return BalanceEvents(acc, d, bal.astype(np.int64, copy=False), n_accounts, days, last, held)


def _integers(values: np.ndarray | list[int]) -> np.ndarray:
    a = np.asarray(values)
    if a.size == 0:
        return a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise InvalidInput(
            "peristiwa saldo harus bilangan bulat (sen, hari, indeks) dalam int64 / "
            "events must be int64-range integers (sen, days, indices)"
        )
    return a


def _check_ranges(acc: np.ndarray, d: np.ndarray, bal: np.ndarray, n_accounts: int, days: int) -> None:
    if _unsigned_max(acc) >= n_accounts:
        raise InvalidInput("indeks rekening di luar jangkauan / account index out of range")
    if d.min() < 1 or d.max() > days:
        raise InvalidInput(f"hari harus 1..{days} / day must be within 1..{days}")
    if _unsigned_max(bal) > MAX_BALANCE_SEN:  # a negative balance also lands here; tell which
        if bal.min() < 0:
            raise InvalidInput("saldo tidak boleh negatif / balance must not be negative")
        raise InvalidInput("saldo terlalu besar / balance too large")


def _unsigned_max(a: np.ndarray) -> int:
    """max(a) read as unsigned: a negative value shows up as huge, so one pass checks both ends."""
    if a.dtype.kind == "i":
        a = a.view(np.dtype(f"u{a.dtype.itemsize}"))
    return int(a.max())


_UNSORTED = (
    "peristiwa saldo harus urut per rekening, hari urut dan unik / "
    "events must be sorted by account, with increasing, unique days"
)


def _steps(acc: np.ndarray, d: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Each account's last event and how long every balance holds, checking the order on the way.

    Accounts must never decrease; within an account the step to the next event's day must be ≥ 1
    (days increasing and unique). After an account's last event the balance holds to day D + 1.
    """
    if acc.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int8)
    step = np.diff(acc)
    if step.size and step.min() < 0:
        raise InvalidInput(_UNSORTED)
    last = np.append(np.flatnonzero(step != 0), acc.size - 1)  # (a bool mask is much faster to scan)
    held = np.empty_like(d)
    held[:-1] = d[1:]
    held[last] = days + 1
    held -= d
    if held.min() < 1:
        raise InvalidInput(_UNSORTED)
    return last, held


def adb_numerators(events: BalanceEvents) -> np.ndarray:
    """Σ balance × days per account, in sen·days (exact int64); ADB_i = num_i / (100 × D) rupiah.

    Each event holds until the day before the next event of the same account, or to the period's end
    (day D inclusive). Accounts without events get 0.
    """
    n, last = events.n_accounts, events.last
    if last.size == 0:
        return np.zeros(n, dtype=np.int64)
    running = events.balance_sen * events.held
    # The running total may pass 2^63 and wrap (int64 arithmetic is modular), but every account's own
    # sum is below 2^63, so the difference of the running totals at its boundaries is exact.
    np.cumsum(running, out=running)
    sums = np.diff(running[last], prepend=np.int64(0))
    if last.size == n:  # every account has events: sorted, distinct indices are exactly 0..n-1
        return sums
    num = np.zeros(n, dtype=np.int64)
    num[events.account[last]] = sums
    return num


def exact_sum(values: np.ndarray) -> int:
    """The exact sum of non-negative int64 values as a Python int (no int64 overflow)."""
    v = np.asarray(values, dtype=np.int64)
    return (int((v >> 32).sum()) << 32) + int((v & _LOW32).sum())


def exact_group_sums(values: np.ndarray, group: np.ndarray, n_groups: int) -> list[int]:
    """Exact per-group sums of non-negative int64 values, as Python ints.

    Args:
        values: Non-negative int64 values (e.g. ADB numerators), fewer than 2^31 of them.
        group: The group (e.g. product index) of each value, 0..n_groups-1.
        n_groups: Number of groups.
    """
    v = np.asarray(values, dtype=np.int64)
    g = np.asarray(group, dtype=np.int64)
    high = np.zeros(n_groups, dtype=np.int64)
    low = np.zeros(n_groups, dtype=np.int64)
    # Each half is below 2^32, so a group of fewer than 2^31 values cannot overflow int64.
    np.add.at(high, g, v >> 32)
    np.add.at(low, g, v & _LOW32)
    return [(int(h) << 32) + int(lo) for h, lo in zip(high.tolist(), low.tolist(), strict=True)]
