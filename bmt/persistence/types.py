"""Column types: money as BIGINT sen, exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from bmt.money import from_sen, to_sen


class RupiahSen(TypeDecorator[Decimal]):
    """Decimal rupiah in Python, integer sen in the database.

    SQLite's NUMERIC is a float; BIGINT sen is exact everywhere (stack.md §4.3). Binding refuses fractions
    of a sen rather than rounding them silently.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        return to_sen(value)

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        return None if value is None else from_sen(value)
