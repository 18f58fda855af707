"""The statements as a spreadsheet (xlsx): one sheet per statement, amounts as numbers an accountant can sum.

Each sheet carries the cooperative, the branch (or "seluruh koperasi"), the statement's title and period, its
column headings, one row per line (the account codes behind it in the last column, so a figure can be traced
to the general ledger) and, under it, its ties with "cocok"/"TIDAK COCOK".
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bmt.reports.statements import Statement, StatementSet

NUMBER_FORMAT = '#,##0.00;[Red]-#,##0.00;"-"'
SHEET_NAMES = {
    "posisi-keuangan": "Posisi keuangan",
    "hasil-usaha": "Hasil usaha",
    "perubahan-ekuitas": "Perubahan ekuitas",
    "arus-kas": "Arus kas",
    "rekonsiliasi-bagi-hasil": "Rekonsiliasi bagi hasil",
    "dana-zakat": "Dana zakat",
    "dana-kebajikan": "Dana kebajikan",
}


def _sheet(wb: Workbook, s: StatementSet, st: Statement) -> None:
    ws = wb.create_sheet(SHEET_NAMES.get(st.slug, st.slug)[:31])
    bold = Font(bold=True)
    ws.append([s.cooperative])
    ws.append([s.branch or "Seluruh koperasi"])
    ws.append([st.title])
    ws.append([st.subtitle])
    ws["A3"].font = Font(bold=True, size=13)
    row = 6
    for block in st.blocks:
        cols = block.columns or st.columns
        if block.title or block.columns:
            ws.cell(row, 1, block.title).font = bold
            for j, c in enumerate(cols, start=2):
                ws.cell(row, j, c).font = bold
            row += 1
        for ln in block.lines:
            ws.cell(row, 1, ("   " * ln.indent) + ln.label).font = Font(bold=ln.style != "item")
            for j, v in enumerate(ln.amounts, start=2):
                if v is not None:
                    cell = ws.cell(row, j, Decimal(v))
                    cell.number_format = NUMBER_FORMAT
            ws.cell(row, 2 + len(cols), ", ".join(ln.accounts))
            row += 1
        row += 1
    if st.note:
        ws.cell(row, 1, st.note)
        row += 2
    ws.cell(row, 1, "Pemeriksaan").font = bold
    for t in st.ties:
        row += 1
        ws.cell(row, 1, t.label)
        ws.cell(row, 2, Decimal(t.left)).number_format = NUMBER_FORMAT
        ws.cell(row, 3, Decimal(t.right)).number_format = NUMBER_FORMAT
        ws.cell(row, 4, "cocok" if t.ok else "TIDAK COCOK")
    ws.column_dimensions["A"].width = 62
    for j in range(2, 8):
        ws.column_dimensions[get_column_letter(j)].width = 20
    for r in ws.iter_rows(min_row=6):
        for cell in r[1:]:
            cell.alignment = Alignment(horizontal="right")


def workbook(s: StatementSet) -> bytes:
    """The set as xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for st in s.statements:
        _sheet(wb, s, st)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
