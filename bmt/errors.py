"""Errors of the domain: few, typed, and each with a message a teller can act on.

Every ``DomainError`` carries a short machine ``code`` and an HTTP-ish ``status`` so the API layer can map it
to RFC 9457 problem details without knowing the class. Batch validators return ``Problem`` values instead
of raising, so a month-end check can list every failure at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """A rule of the domain refused the request. Nothing was written."""

    code = "domain_error"
    status = 422

    def __init__(self, message: str, *, field: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class InvalidInput(DomainError):
    """Input that is malformed or out of range."""

    code = "invalid_input"
    status = 400


class NotFound(DomainError):
    """The thing asked for does not exist (or belongs to another cooperative, which looks the same)."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The user may not do this (role, ownership, or the four-eyes rule)."""

    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    """The request conflicts with the current state (already approved, already exists, locked period...)."""

    code = "conflict"
    status = 409


class UnbalancedEntry(DomainError):
    """A journal entry whose debits and credits differ."""

    code = "unbalanced_entry"
    status = 422


class ContractStateError(DomainError):
    """An action that the contract's current state does not allow (e.g. a sale before ownership)."""

    code = "contract_state"
    status = 409


class InsufficientBalance(DomainError):
    """A withdrawal or transfer that would take an account below what it must keep."""

    code = "insufficient_balance"
    status = 409


class ShariaViolation(DomainError):
    """A blocking rule of the DPS (domain.md §10) refused the action."""

    code = "sharia_violation"
    status = 422

    def __init__(self, message: str, *, rule: str, **extra: object) -> None:
        super().__init__(message, rule=rule, **extra)
        self.rule = rule


class PeriodClosed(DomainError):
    """A posting dated into a closed period or a closed day."""

    code = "period_closed"
    status = 409


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of a batch validator: a rule, what broke it, and where."""

    rule: str
    message: str
    severity: str = "error"  # "error" blocks, "warning" is reported
    refs: tuple[str, ...] = field(default_factory=tuple)
