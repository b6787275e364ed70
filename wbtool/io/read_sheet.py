"""Spreadsheets (xlsx, xlsm, xls, ods, xlsb, WPS .et) as grids of display strings, via calamine.

The one rule for turning a cell into text, whatever the file format, is
``display_text``: what a unit sees in the cell with Excel's default formats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable
from datetime import date, datetime, time, timedelta

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

Cell = str | None


@dataclass(frozen=True)
class Grid:
    """One sheet or one table, as display strings.

    ``rows[0][0]`` is the cell at (``first_row``, ``first_col``), both 1-based sheet
    positions, so trimmed empty margins keep true cell addresses.  ``merges`` are
    merged areas as 0-based (top, left, bottom, right) indexes into ``rows``; only
    the top-left cell of an area carries its value.
    """

    name: str
    rows: tuple[tuple[Cell, ...], ...]
    first_row: int = 1
    first_col: int = 1
    visible: bool = True
    merges: tuple[tuple[int, int, int, int], ...] = ()


def read_workbook(
    data: bytes,
    *,
    always: frozenset[str] = frozenset(),
    until: Callable[[Grid], bool] | None = None,
) -> tuple[Grid, ...]:
    """The worksheets of a workbook, visible ones first, each group in sheet order.

    Sheets are read one by one and reading stops after the first grid for which
    ``until`` is true: the sheets behind the form (a guide, old copies) cost nothing.
    Sheets named in ``always`` are read in any case, as-is, without merges.
    """
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheets = [meta for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
        sheets.sort(key=lambda meta: meta.visible != SheetVisibleEnum.Visible)  # stable
        grids = [_grid(book, meta.name, True, plain=True) for meta in sheets if meta.name in always]
        for meta in sheets:
            if meta.name in always:
                continue
            grid = _grid(book, meta.name, meta.visible == SheetVisibleEnum.Visible, plain=False)
            grids.append(grid)
            if until is not None and until(grid):
                break
        return tuple(grids)
    finally:
        book.close()


def _grid(book: CalamineWorkbook, name: str, visible: bool, *, plain: bool) -> Grid:
    sheet = book.get_sheet_by_name(name)
    values = sheet.to_python(skip_empty_area=True)
    start = sheet.start or (0, 0)
    # Nearly every cell is text: keep it as it is and call display_text for the rest.
    rows = tuple(
        [tuple([value if value.__class__ is str and value else display_text(value) for value in row]) for row in values]
    )
    merges: tuple[tuple[int, int, int, int], ...] = ()
    if not plain and rows:
        merges = tuple(_merges(sheet, start))
    return Grid(name, rows, start[0] + 1, start[1] + 1, visible, merges)


def _merges(sheet, start: tuple[int, int]):
    try:
        ranges = sheet.merged_cell_ranges or ()
    except Exception:  # calamine knows merges for xlsx/xls only; elsewhere there are none to fill
        return
    for (top, left), (bottom, right) in ranges:
        yield top - start[0], left - start[1], bottom - start[0], right - start[1]


def display_text(value) -> Cell:
    """A cell's value as the text Excel shows with its default formats; None if empty.

    Whole numbers lose the ".0" calamine gives them (2024 → "2024"); other numbers keep
    up to 15 significant digits, Excel's precision, so 0.1+0.2 reads "0.3"; dates read
    "2024-01-05", date-times "2024-01-05 10:30:00" (ISO, unambiguous in Chinese
    offices); TRUE/FALSE as Excel spells them.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        hours, rest = divmod(int(value.total_seconds()), 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)
