"""Money: exact rupiah in ``Decimal``, integer sen in storage, rounding that is always named.

The rules (DESIGN.md, domain.md §0):

* ``D()`` / ``rupiah()`` are the only ways to make money from input. Floats are refused: a float has
  already lost the exact value the teller typed.
* Amounts are kept exact until a posting boundary. There, one of the named policies rounds:
  ``R1_HALF_UP_RUPIAH`` for installments, margins and PPAP, ``R2_FLOOR_RUPIAH`` for profit shares paid
  to accounts. No code relies on the ambient decimal context for rounding.
* Storage keeps integer sen (``to_sen`` / ``from_sen``), because SQLite's NUMERIC is floating point.
* ``allocate_largest_remainder`` and ``allocate_floor`` split a total by weights so that the parts tie
  to the total exactly (or, for floor, never exceed it and report the residue).

Example:
    >>> rupiah("1.500.000")
    Decimal('1500000')
    >>> round_money(D("933333.33"), R1_HALF_UP_RUPIAH)
    Decimal('933333')
    >>> allocate_largest_remainder(D(100), [1, 1, 1])
    [Decimal('34'), Decimal('33'), Decimal('33')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)

from bmt.errors import InvalidInput

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
SEN = Decimal("0.01")
RUPIAH = Decimal(1)

# A private context with enough precision for any rupiah computation we do (amounts up to 1e15 rupiah
# multiplied by ratios with 20+ digits). Used explicitly, never installed globally.
EXACT = Context(prec=60)

#: Largest amount accepted from input: one quadrillion rupiah (BIGINT sen holds about 92 quadrillion).
MAX_AMOUNT = Decimal("1000000000000000")

_ID_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")  # 1.500.000 or 1.500.000,50
_ID_PLAIN_COMMA = re.compile(r"^\d+,\d{1,2}$")  # 1500000,50
_PLAIN = re.compile(r"^\d+(\.\d{1,2})?$")  # 1500000 or 1500000.50 (API strings)
_EN_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")  # 1,500,000.50 (copied from spreadsheets)


@dataclass(frozen=True, slots=True)
class RoundingPolicy:
    """A named rounding rule: round to ``quantum`` with ``mode``.

    Attributes:
        name: How the policy is referred to in settings and notes.
        quantum: The unit to round to, e.g. ``Decimal(1)`` for whole rupiah.
        mode: A ``decimal`` rounding mode constant.
    """

    name: str
    quantum: Decimal
    mode: str

    def apply(self, amount: Decimal) -> Decimal:
        """Round ``amount`` under this policy."""
        return amount.quantize(self.quantum, rounding=self.mode, context=EXACT)


#: R1: installments, margins, PPAP: half-up to whole rupiah (the last installment absorbs the residue).
R1_HALF_UP_RUPIAH = RoundingPolicy("R1_HALF_UP_RUPIAH", RUPIAH, ROUND_HALF_UP)
#: R2: per-account profit shares: floored to whole rupiah; the residue stays in the pool.
R2_FLOOR_RUPIAH = RoundingPolicy("R2_FLOOR_RUPIAH", RUPIAH, ROUND_FLOOR)
#: Half-up to the sen, for amounts that keep sen (e.g. a teller deposit of Rp1.500.000,50).
HALF_UP_SEN = RoundingPolicy("HALF_UP_SEN", SEN, ROUND_HALF_UP)
#: Banker's rounding to whole rupiah; offered as a setting, never a default.
HALF_EVEN_RUPIAH = RoundingPolicy("HALF_EVEN_RUPIAH", RUPIAH, ROUND_HALF_EVEN)
#: Truncation to whole rupiah.
DOWN_RUPIAH = RoundingPolicy("DOWN_RUPIAH", RUPIAH, ROUND_DOWN)

POLICIES: dict[str, RoundingPolicy] = {
    p.name: p for p in (R1_HALF_UP_RUPIAH, R2_FLOOR_RUPIAH, HALF_UP_SEN, HALF_EVEN_RUPIAH, DOWN_RUPIAH)
}


def D(value: int | str | Decimal) -> Decimal:  # noqa: N802 - the short name is the point
    """Make an exact Decimal from an int, a Decimal or a plain numeric string.

    Floats are refused: ``D(0.1)`` would carry the binary error of 0.1 into the books.

    Raises:
        InvalidInput: for floats, booleans, NaN, infinities and text that is not a number.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidInput("amount must be given exactly (a string or an integer), not as a float")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInput(f"not a number: {value!r}") from None
    else:
        raise InvalidInput(f"not a number: {value!r}")
    if not result.is_finite():
        raise InvalidInput("amount must be a finite number")
    return result


def rupiah(text: str | int | Decimal, *, allow_zero: bool = True, allow_sen: bool = True) -> Decimal:
    """Parse a rupiah amount as a teller or an API client writes it.

    Accepts ``1500000``, ``1.500.000``, ``Rp 1.500.000``, ``1.500.000,50``, ``1500000,50``,
    ``1500000.50`` and ``1,500,000.50``. A dot followed by exactly three digits is a thousands
    separator (Indonesian usage); a dot followed by one or two digits is a decimal point (API usage).

    Args:
        text: The amount as typed, or an int/Decimal already exact.
        allow_zero: Whether 0 is acceptable.
        allow_sen: Whether fractions of a rupiah (sen) are acceptable.

    Returns:
        The amount as an exact, non-negative Decimal.

    Raises:
        InvalidInput: with an Indonesian-friendly message when the text is not a valid amount.
    """
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        value = D(text)
    elif isinstance(text, str):
        value = _parse_rupiah_text(text)
    else:
        raise InvalidInput("jumlah uang tidak valid / invalid amount")
    if value < 0:
        raise InvalidInput("jumlah tidak boleh negatif / amount must not be negative")
    if value == 0 and not allow_zero:
        raise InvalidInput("jumlah harus lebih dari nol / amount must be greater than zero")
    if value > MAX_AMOUNT:
        raise InvalidInput("jumlah terlalu besar / amount too large")
    if value != value.quantize(SEN, rounding=ROUND_DOWN):
        raise InvalidInput("jumlah paling banyak dua angka desimal (sen) / at most two decimals")
    if not allow_sen and value != value.to_integral_value():
        raise InvalidInput("jumlah harus rupiah bulat / amount must be whole rupiah")
    return value.quantize(RUPIAH) if value == value.to_integral_value() else value.quantize(SEN)


def _parse_rupiah_text(text: str) -> Decimal:
    s = text.strip().replace("\u00a0", " ")
    for prefix in ("Rp.", "Rp", "IDR", "rp.", "rp"):
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break
    s = s.strip().replace(" ", "")
    negative = s.startswith("-")
    if negative:
        s = s[1:]
    if _PLAIN.match(s):
        normal = s
    elif _ID_GROUPED.match(s):
        normal = s.replace(".", "").replace(",", ".")
    elif _ID_PLAIN_COMMA.match(s):
        normal = s.replace(",", ".")
    elif _EN_GROUPED.match(s):
        normal = s.replace(",", "")
    else:
        raise InvalidInput(f"jumlah uang tidak valid: {text!r} / invalid amount")
    value = Decimal(normal)
    return -value if negative else value


def round_money(amount: Decimal, policy: RoundingPolicy) -> Decimal:
    """Round ``amount`` with a named policy (the only rounding entry point for money)."""
    return policy.apply(amount)


def to_sen(amount: Decimal) -> int:
    """Exact Decimal rupiah to integer sen for storage.

    Raises:
        ValueError: if the amount has a fraction of a sen; callers must round first, by a named policy.
    """
    sen = amount.scaleb(2, EXACT)
    if sen != sen.to_integral_value():
        raise ValueError(f"{amount} has a fraction of a sen; round it by a named policy first")
    return int(sen)


def from_sen(sen: int) -> Decimal:
    """Integer sen from storage back to exact Decimal rupiah."""
    return Decimal(int(sen)).scaleb(-2, EXACT)


def money_str(amount: Decimal) -> str:
    """The API's text for an amount: plain digits, a dot before sen only when there are sen.

    ``Decimal('1500000.00')`` -> ``'1500000'``; ``Decimal('0.50')`` -> ``'0.50'``.
    """
    if amount == amount.to_integral_value():
        return str(amount.quantize(RUPIAH))
    return str(amount.quantize(SEN))


def percent(value: str | int | Decimal, *, low: Decimal = ZERO, high: Decimal = HUNDRED, name: str = "rate") -> Decimal:
    """Parse and range-check a percentage (rates, nisbah). Accepts ``"12"``, ``"12.5"``, ``"12,5"``."""
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip().replace(",", ".")
    result = D(value)
    if result < low or result > high:
        raise InvalidInput(f"{name} harus antara {low} dan {high} persen / {name} must be within {low}..{high}%")
    return result


def allocate_largest_remainder(total: Decimal, weights: Sequence[int | Decimal], quantum: Decimal = RUPIAH) -> list[Decimal]:
    """Split ``total`` by ``weights`` into multiples of ``quantum`` that sum exactly to ``total``.

    Each part gets the floor of its exact share; the units left over go one each to the parts with the
    largest remainders (ties to the earlier part). ``total`` must be a multiple of ``quantum``.

    Raises:
        InvalidInput: if weights are negative or all zero while the total is not.
    """
    ws = [D(w) for w in weights]
    if any(w < 0 for w in ws):
        raise InvalidInput("weights must not be negative")
    wsum = sum(ws, ZERO)
    if not ws:
        if total != 0:
            raise InvalidInput("nothing to allocate to")
        return []
    if wsum == 0:
        if total != 0:
            raise InvalidInput("cannot allocate a non-zero total over zero weights")
        return [ZERO for _ in ws]
    units_total = (total / quantum).to_integral_value(ROUND_DOWN)
    if units_total * quantum != total:
        raise InvalidInput(f"total {total} is not a multiple of {quantum}")
    exact = [EXACT.divide(EXACT.multiply(units_total, w), wsum) for w in ws]
    floors = [e.to_integral_value(ROUND_FLOOR) for e in exact]
    left = int(units_total - sum(floors, ZERO))
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [f * quantum for f in floors]


def allocate_floor(total: Decimal, weights: Sequence[int | Decimal], quantum: Decimal = RUPIAH) -> tuple[list[Decimal], Decimal]:
    """Split ``total`` by ``weights``, each part floored to ``quantum``; return the parts and the residue.

    The parts never sum to more than ``total``; ``residue = total - sum(parts)`` is what stays in the pool.
    """
    ws = [D(w) for w in weights]
    if any(w < 0 for w in ws):
        raise InvalidInput("weights must not be negative")
    wsum = sum(ws, ZERO)
    if wsum == 0:
        return [ZERO for _ in ws], total
    parts = [
        EXACT.divide(EXACT.multiply(total, w), wsum).quantize(quantum, rounding=ROUND_FLOOR, context=EXACT) for w in ws
    ]
    return parts, total - sum(parts, ZERO)
