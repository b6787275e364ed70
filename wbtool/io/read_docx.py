"""Word documents (docx, docm): every table, nested ones included, as grids of text (python-docx)."""

from __future__ import annotations

import io

import docx
from docx.table import Table

from .read_sheet import Grid


def read_tables(data: bytes) -> tuple[Grid, ...]:
    """The document's tables in reading order, named 表1, 表2 …; a nested table follows its host."""
    document = docx.Document(io.BytesIO(data))
    grids: list[Grid] = []
    for table in document.tables:
        _collect(table, grids)
    return tuple(grids)


def _collect(table: Table, grids: list[Grid]) -> None:
    grids.append(_grid(table, f"表{len(grids) + 1}"))
    for row in table.rows:
        for cell in _unique_cells(row.cells):
            for inner in cell.tables:
                _collect(inner, grids)


def _unique_cells(cells):
    seen = set()
    for cell in cells:
        if cell._tc not in seen:
            seen.add(cell._tc)
            yield cell


def _grid(table: Table, name: str) -> Grid:
    """One value per logical cell.

    python-docx hands out the same cell (the same ``_tc`` element) for every grid
    position a merge covers, across columns and down rows; the first position keeps
    the text, the others read empty and the area is recorded as a merge.
    """
    origin: dict[object, int] = {}  # _tc → index into areas
    areas: list[list[int]] = []  # [top, left, bottom, right]
    rows = []
    for r, row in enumerate(table.rows):
        values = []
        for c, cell in enumerate(row.cells):
            tc = cell._tc
            index = origin.get(tc)
            if index is None:
                origin[tc] = len(areas)
                areas.append([r, c, r, c])
                values.append(cell.text or None)
            else:
                area = areas[index]
                area[2], area[3] = max(area[2], r), max(area[3], c)
                values.append(None)
        rows.append(tuple(values))
    merges = tuple(tuple(area) for area in areas if area[0] != area[2] or area[1] != area[3])
    return Grid(name, tuple(rows), merges=merges)  # type: ignore[arg-type]
