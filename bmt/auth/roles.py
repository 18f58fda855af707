"""Roles and permissions (pure). The matrix is data; guards in bmt.api ask ``can(role, permission)``."""

from __future__ import annotations

from enum import StrEnum

from bmt.errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    FINANCING_OFFICER = "financing_officer"
    TELLER = "teller"
    ACCOUNTANT = "accountant"
    DPS = "dps"
    MEMBER = "member"
    SUPERVISOR = "supervisor"  # the cooperative office (Dinas Koperasi): read-only over its region


ROLE_LABELS_ID = {
    Role.ADMIN: "Admin",
    Role.MANAGER: "Manajer",
    Role.FINANCING_OFFICER: "Account officer (AO)",
    Role.TELLER: "Teller",
    Role.ACCOUNTANT: "Akuntan",
    Role.DPS: "Dewan Pengawas Syariah",
    Role.MEMBER: "Anggota",
    Role.SUPERVISOR: "Dinas Koperasi",
}

STAFF = frozenset({Role.ADMIN, Role.MANAGER, Role.FINANCING_OFFICER, Role.TELLER, Role.ACCOUNTANT})
READERS = STAFF | {Role.DPS}

PERMISSIONS: dict[str, frozenset[Role]] = {
    "members.read": READERS,
    "members.write": frozenset({Role.ADMIN, Role.MANAGER, Role.TELLER, Role.FINANCING_OFFICER}),
    "members.deactivate": frozenset({Role.ADMIN, Role.MANAGER}),
    "ledger.read": READERS,
    "ledger.propose": frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNTANT, Role.TELLER}),
    "ledger.approve": frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNTANT}),
    "chart.edit": frozenset({Role.ADMIN, Role.ACCOUNTANT}),
    "users.manage": frozenset({Role.ADMIN}),
    "period.close": frozenset({Role.ADMIN, Role.MANAGER}),
    "period.reopen": frozenset({Role.ADMIN}),
    "audit.read": frozenset({Role.ADMIN, Role.MANAGER, Role.DPS, Role.ACCOUNTANT}),
    "self.read": frozenset({Role.MEMBER}),
    "region.read": frozenset({Role.SUPERVISOR}),
    "maal.collect": frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNTANT, Role.TELLER}),
    "maal.distribute": frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNTANT}),
    "maal.approve": frozenset({Role.ADMIN, Role.MANAGER}),
    "zakat.nisab": frozenset({Role.ADMIN}),
}


def can(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (unknown permissions are held by nobody)."""
    try:
        r = Role(role)
    except ValueError:
        return False
    return r in PERMISSIONS.get(permission, frozenset())


def require(role: str, permission: str) -> None:
    """Raise PermissionDenied unless ``role`` holds ``permission``."""
    if not can(role, permission):
        raise PermissionDenied(f"peran {role} tidak berwenang untuk {permission} / role {role} may not {permission}")


def check_four_eyes(maker_id: int, checker_id: int, what: str = "persetujuan") -> None:
    """The maker of a request may never approve it (maker–checker)."""
    if maker_id == checker_id:
        raise PermissionDenied(
            f"{what}: pembuat tidak boleh menyetujui sendiri / the maker cannot approve their own request",
            rule="four_eyes",
        )
