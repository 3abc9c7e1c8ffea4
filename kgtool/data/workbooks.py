"""Spreadsheet workbooks (XLSX, ODS) as tables: one sheet a kind, the sheet named after its kind.

Read with python-calamine (one reader for both formats). Cells become the text a CSV file would hold: a date
cell its ISO date, a whole number without ``.0``, a boolean ``true``/``false``.
"""

from __future__ import annotations

from pathlib import Path

from kgtool.data.cells import cell_text
from kgtool.data.kinds import all_kinds
from kgtool.data.tables import Table
from kgtool.errors import InputError


def read_workbook_tables(path: Path) -> list[Table]:
    """Return the sheets of a workbook as tables, each named after its kind; an empty sheet is left out.

    A file that is not a workbook, or a non-empty sheet not named after a kind, is an InputError.
    """
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for a file it cannot read
        raise InputError(f"not a readable workbook ({type(error).__name__}: {error})", str(path)) from None
    tables = []
    for name in workbook.sheet_names:
        rows = [[cell_text(cell) for cell in row] for row in workbook.get_sheet_by_name(name).to_python()]
        while rows and not any(cell.strip() for cell in rows[-1]):
            rows.pop()
        if not rows:
            continue
        where = f"{path}[{name}]"
        if name not in all_kinds():
            raise InputError(f"sheet {name!r} is not named after a kind (kinds: {', '.join(all_kinds())})", where)
        header = rows[0]
        while header and not header[-1].strip():  # trailing empty header cells of a wider sheet
            header = header[:-1]
        width = len(header)
        body = []
        for number, cells in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if not any(cell.strip() for cell in cells[width:]):  # a sheet's rows are as wide as its widest
                cells = (cells + [""] * width)[:width]
            body.append((number, cells))
        tables.append(Table(where, header, body, named_kind=name))
    if not tables:
        raise InputError("no sheet holds rows; nothing imported", str(path))
    return tables
