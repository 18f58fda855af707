"""The eight asnaf: the only people zakat may be paid to (QS At-Taubah 60; domain.md §5 [S22]).

Every zakat disbursement carries one of these tags (DPS rule ZIS-04). Text from a form or an API client is
parsed with ``parse_asnaf``, which accepts the usual spellings ("fi sabilillah", "Fisabilillah",
"ibnu-sabil") and refuses anything else.

Example:
    >>> parse_asnaf("Fi Sabilillah")
    <Asnaf.FI_SABILILLAH: 'fi_sabilillah'>
    >>> ASNAF_LABELS_ID[Asnaf.GHARIMIN]
    'Gharimin (orang yang berutang)'
"""

from __future__ import annotations

import re
from enum import StrEnum

from bmt.errors import ShariaViolation


class Asnaf(StrEnum):
    """The eight groups entitled to zakat, in the order of the verse."""

    FAKIR = "fakir"
    MISKIN = "miskin"
    AMIL = "amil"
    MUALAF = "mualaf"
    RIQAB = "riqab"
    GHARIMIN = "gharimin"
    FI_SABILILLAH = "fi_sabilillah"
    IBNU_SABIL = "ibnu_sabil"


#: Labels for screens and reports (Bahasa Indonesia).
ASNAF_LABELS_ID: dict[Asnaf, str] = {
    Asnaf.FAKIR: "Fakir",
    Asnaf.MISKIN: "Miskin",
    Asnaf.AMIL: "Amil zakat",
    Asnaf.MUALAF: "Mualaf",
    Asnaf.RIQAB: "Riqab (memerdekakan budak / korban perdagangan orang)",
    Asnaf.GHARIMIN: "Gharimin (orang yang berutang)",
    Asnaf.FI_SABILILLAH: "Fi sabilillah",
    Asnaf.IBNU_SABIL: "Ibnu sabil (musafir yang kehabisan bekal)",
}

_SEPARATORS = re.compile(r"[\s\-_]+")
# Spellings seen on forms, written without separators, mapped to the tag.
_ALIASES = {
    "fakir": Asnaf.FAKIR,
    "faqir": Asnaf.FAKIR,
    "miskin": Asnaf.MISKIN,
    "amil": Asnaf.AMIL,
    "mualaf": Asnaf.MUALAF,
    "muallaf": Asnaf.MUALAF,
    "riqab": Asnaf.RIQAB,
    "gharimin": Asnaf.GHARIMIN,
    "garimin": Asnaf.GHARIMIN,
    "fisabilillah": Asnaf.FI_SABILILLAH,
    "ibnusabil": Asnaf.IBNU_SABIL,
}


def parse_asnaf(value: str | Asnaf) -> Asnaf:
    """The asnaf named by ``value``.

    Args:
        value: An ``Asnaf`` or its text, in any case, with spaces, hyphens or underscores.

    Returns:
        The matching ``Asnaf``.

    Raises:
        ShariaViolation: rule ZIS-04, when ``value`` is not one of the eight asnaf; zakat may not be paid to
            anyone else.
    """
    if isinstance(value, Asnaf):
        return value
    key = _SEPARATORS.sub("", str(value).strip().lower())
    found = _ALIASES.get(key)
    if found is None:
        allowed = ", ".join(a.value for a in Asnaf)
        raise ShariaViolation(
            f"zakat hanya untuk delapan asnaf ({allowed}), bukan {value!r} / "
            f"zakat may only go to the eight asnaf",
            rule="ZIS-04",
            field="asnaf",
        )
    return found
