"""How amounts, numbers, percentages and dates read in Bahasa Indonesia.

Pure Python on ``Decimal``. Babel rounds half-even, and a member's statement must round the same way the
books do, so every function here quantizes half-up with a named policy from ``bmt.money`` *before* it
formats, and the formatting itself only groups digits.

Conventions (PUEBI and everyday bank usage):

* thousands are grouped with ``.`` and decimals follow ``,``: ``1.234.567,50``;
* rupiah is written ``Rp1.234.567``, with no space; negatives are ``-Rp1.234.567``;
* amounts in words (terbilang) use ``se-`` for one hundred and one thousand (``seratus``, ``seribu``),
  also after a larger unit: 1.001.000 is ``satu juta seribu``. num2words says ``satu juta satu ribu``
  there; cheques, receipts and akad documents write ``seribu``, so we do too.

Example:
    >>> format_rupiah(Decimal("-1234567.5"))
    '-Rp1.234.568'
    >>> terbilang(Decimal(1234567))
    'satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh'
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bmt.dates import HijriOverrides, format_date_id, to_hijri
from bmt.errors import InvalidInput
from bmt.money import EXACT, HALF_UP_SEN, R1_HALF_UP_RUPIAH, D, round_money

__all__ = [
    "MAX_TERBILANG",
    "format_date_id",
    "format_hijri",
    "format_number_id",
    "format_percent_id",
    "format_rupiah",
    "terbilang",
    "terbilang_rupiah",
]

Number = Decimal | int | str

#: The largest whole number terbilang reads: 999 kuadriliun ... (money itself stops at 10**15 rupiah).
MAX_TERBILANG = 10**18 - 1
#: Beyond this a value is a mistake, not an amount (and ``quantize`` would overflow the context).
_MAX_DISPLAY = Decimal(10) ** 40
#: More decimal places than this is not a displayed number but a mistake (and a way to burn CPU).
_MAX_PLACES = 10

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = (
    (10**15, "kuadriliun"),
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
    (10**3, "ribu"),
)


def _group_thousands(digits: str) -> str:
    """``"1234567"`` -> ``"1.234.567"`` (digits only, no sign)."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def _id_digits(value: Decimal) -> str:
    """An exact Decimal written the Indonesian way, keeping exactly the places it has: ``-1.234,50``."""
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    body = _group_thousands(whole) + (f",{fraction}" if fraction else "")
    # Decimal('-0') and amounts that rounded to zero must not print as "-0".
    return f"-{body}" if value < 0 else body


def _displayable(value: Number) -> Decimal:
    number = D(value)
    if abs(number) >= _MAX_DISPLAY:
        raise InvalidInput("angka terlalu besar / number too large")
    return number


def format_rupiah(amount: Number, *, sen: bool = False) -> str:
    """An amount as a teller and a member read it: ``Rp1.234.567`` (or ``Rp1.234.567,50`` with ``sen``).

    Args:
        amount: Rupiah as a Decimal, an int, or a plain numeric string (``"1500000.50"``). Never a float.
        sen: Show two decimal places (rounded half-up to the sen); otherwise round half-up to whole rupiah.

    Returns:
        ``Rp1.234.567``; negatives as ``-Rp1.234.567``.

    Raises:
        InvalidInput: for floats and text that is not a number.
    """
    rounded = round_money(_displayable(amount), HALF_UP_SEN if sen else R1_HALF_UP_RUPIAH)
    text = _id_digits(abs(rounded))
    return f"-Rp{text}" if rounded < 0 else f"Rp{text}"


def format_number_id(value: Number, *, places: int | None = None) -> str:
    """A number with Indonesian separators: ``1.234.567,50``.

    Args:
        value: A Decimal, an int or a plain numeric string.
        places: Decimal places to round to (half-up). ``None`` keeps the places the value has.

    Raises:
        InvalidInput: for floats, non-numbers, or ``places`` outside 0..10.
    """
    number = _displayable(value)
    if places is not None:
        if not 0 <= places <= _MAX_PLACES:
            raise InvalidInput(
                f"jumlah angka desimal harus 0..{_MAX_PLACES} / places must be 0..{_MAX_PLACES}"
            )
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=EXACT)
    return _id_digits(number)


def format_percent_id(value: Number, *, places: int = 2) -> str:
    """A rate that is already in percent: ``Decimal("12.5")`` -> ``12,50%`` (not a fraction: 0.125 is 0,13%)."""
    return f"{format_number_id(value, places=places)}%"


def _below_thousand(n: int) -> list[str]:
    """Words for 1..999 (empty for 0)."""
    hundreds, rest = divmod(n, 100)
    words = ["seratus"] if hundreds == 1 else ([_UNITS[hundreds], "ratus"] if hundreds else [])
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_UNITS[rest - 10], "belas"]
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"] + ([_UNITS[ones]] if ones else [])
    elif rest:
        words.append(_UNITS[rest])
    return words


def _integer_words(n: int) -> list[str]:
    """Words for a whole number 0..MAX_TERBILANG."""
    if n == 0:
        return ["nol"]
    words: list[str] = []
    for scale, name in _SCALES:
        group, n = divmod(n, scale)
        if group == 1 and name == "ribu":
            words.append("seribu")
        elif group:
            words += _below_thousand(group) + [name]
    return words + _below_thousand(n)


def _checked(amount: Number) -> Decimal:
    value = D(amount)
    if abs(value) > MAX_TERBILANG:
        raise InvalidInput("angka terlalu besar untuk terbilang / number too large to write in words")
    return value


def terbilang(amount: Number) -> str:
    """A number in Indonesian words, lower case: ``1500000`` -> ``satu juta lima ratus ribu``.

    Decimals are read digit by digit after ``koma`` (``1.05`` -> ``satu koma nol lima``), trailing zeros
    dropped. For money use ``terbilang_rupiah``, which reads sen.

    Raises:
        InvalidInput: for floats, non-numbers and magnitudes above ``MAX_TERBILANG``.
    """
    value = _checked(amount)
    whole, _, fraction = format(abs(value), "f").partition(".")
    words = _integer_words(int(whole))
    fraction = fraction.rstrip("0")
    if fraction:
        words += ["koma"] + [_UNITS[int(digit)] for digit in fraction]
    text = " ".join(words)
    return f"minus {text}" if value < 0 and text != "nol" else text


def terbilang_rupiah(amount: Number) -> str:
    """An amount of money in words, as on receipts and akad: rounded half-up to the sen first.

    ``1500000.50`` -> ``satu juta lima ratus ribu rupiah lima puluh sen``; ``0.50`` -> ``lima puluh sen``;
    ``0`` -> ``nol rupiah``; negatives start with ``minus``.

    Raises:
        InvalidInput: for floats, non-numbers and magnitudes above ``MAX_TERBILANG``.
    """
    value = round_money(_checked(amount), HALF_UP_SEN)
    whole = int(abs(value))
    sen = int((abs(value) - whole) * 100)
    parts = []
    if whole or not sen:
        parts.append(" ".join(_integer_words(whole)) + " rupiah")
    if sen:
        parts.append(" ".join(_integer_words(sen)) + " sen")
    text = " ".join(parts)
    return f"minus {text}" if value < 0 else text


def format_hijri(d: date, overrides: HijriOverrides | None = None) -> str:
    """The Hijri date as the cooperative recognises it: ``1 Ramadan 1446 H``.

    Args:
        d: A Gregorian date.
        overrides: Official month starts ``{(1446, 10): date(2025, 3, 31)}`` (Kemenag's sidang isbat),
            which win over Umm al-Qura.

    Raises:
        InvalidInput: for dates outside the supported Hijri table.
    """
    return str(to_hijri(d, overrides))
