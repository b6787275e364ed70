"""Reading the master workbook back after the bureau edited it (python-calamine).

Columns are found by their header text, rows by their 序号, so the sheet survives
what people do to it in Excel or WPS: re-saving, inserting blank rows, sorting,
moving the header down, adding their own columns.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from .. import layout, wordcount
from ..errors import os_reason
from ..findings import CODES, finding
from ..layout import FINDING_COLUMNS
from ..model import Finding, MasterEdits, MasterRow, Severity, UnitStatus
from ..owners import squeeze

HEADER_SEARCH_ROWS = 20  # the header is near the top; a title and a legend sit above it
_SEVERITY_BY_LABEL = {s.label: s for s in Severity}


def read_master(path: str | Path, *, limit: int = 300, lists: bool = True) -> tuple[MasterEdits | None, list[Finding]]:
    """The 定稿 texts, unit statuses and findings of a master workbook.

    ``lists=False``: the 附件2 table only, its 报送情况 and 问题清单 left unread
    (``MasterEdits.units`` and ``findings`` empty) — what carrying the 定稿 over needs.
    """
    file = str(path)
    try:
        book = CalamineWorkbook.from_path(file)
        sheets = {squeeze(name): name for name in book.sheet_names}
        if layout.SHEET_TABLE not in sheets:
            return None, [_invalid(file, f"文件中没有“{layout.SHEET_TABLE}”工作表。")]
        table = book.get_sheet_by_name(sheets[layout.SHEET_TABLE]).to_python(skip_empty_area=False)
        units = _grid(book, sheets.get(layout.SHEET_UNITS)) if lists else []
        listed = _grid(book, sheets.get(layout.SHEET_FINDINGS)) if lists else []
    except Exception as exc:  # calamine raises its own error types for broken files
        # Not the library's English text (「Cannot detect file format」): one Chinese reason.
        why = os_reason(exc, "读取") if isinstance(exc, OSError) and exc.errno is not None else "文件已损坏、已加密或不是 Excel 工作簿"
        return None, [finding("file-unreadable", f"汇总表无法打开（{why}）。请选择 wbtool merge 生成的汇总表；如已加密请先去掉密码。", file=file)]

    rows, findings = _table_rows(table, sheets[layout.SHEET_TABLE], file, limit)
    if rows is None:
        return None, findings
    edits = MasterEdits(rows=rows, units=_units(units), findings=_findings(listed))
    return edits, findings


def _invalid(file: str, why: str) -> Finding:
    return finding("master-invalid", f"{why}请选择 wbtool merge 生成的汇总表（可在其中修改“定稿”栏）。", file=file)


def _grid(book: CalamineWorkbook, name: str | None) -> list[list[Any]]:
    if name is None:
        return []
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _header(grid: Sequence[Sequence[Any]], required: Sequence[str]) -> tuple[int, dict[str, int]] | None:
    """The header row's index and column of each header text."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = {}
        for col, value in enumerate(row):
            key = squeeze(_text(value))
            columns.setdefault(key, col)
        if all(name in columns for name in required):
            return index, columns
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> int | None:
    try:
        number = float(_text(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _table_rows(grid, sheet: str, file: str, limit: int) -> tuple[tuple[MasterRow, ...] | None, list[Finding]]:
    found = _header(grid, (layout.COL_NO, layout.COL_ENTRY, layout.COL_FINAL))
    if found is None:
        wanted = "、".join((layout.COL_NO, layout.COL_ENTRY, layout.COL_FINAL))
        return None, [_invalid(file, f"“{sheet}”工作表中找不到表头（{wanted}）。")]
    header, columns = found
    no_col, entry_col, final_col = (columns[c] for c in (layout.COL_NO, layout.COL_ENTRY, layout.COL_FINAL))
    # Each task's row: its 序号, 定稿 and cell, and its 完成情况 in pieces — a merged
    # text too tall for one row goes on over the rows below its task (hundreds of rows
    # for a province) and is joined once at the end.
    tasks: list[tuple[int, str, str, list[str]]] = []
    findings: list[Finding] = []
    previous: int | None = None  # the grid row of the task a continuation row belongs to
    for index, values in enumerate(grid[header + 1 :], start=header + 2):
        cells = list(values) + [None] * (max(columns.values()) + 1 - len(values))
        no = _number(cells[no_col])
        if no is None:
            more = _text(cells[entry_col]).strip()
            if more and previous == index - 1 and tasks:
                tasks[-1][3].append(more)
                previous = index
            continue  # blank rows, notes the bureau added below the table
        previous = index
        final = _text(cells[final_col]).strip()
        cell = f"{sheet}!{xl_col_to_name(final_col)}{index}"
        tasks.append((no, final, cell, [_text(cells[entry_col]).strip()]))
        words = wordcount.count(final)
        if words > limit:
            findings.append(
                finding(
                    "final-over-limit",
                    f"第 {no} 项任务的定稿有 {words} 字，超过 {limit} 字：请在汇总表中压缩后重新生成报告。",
                    task=no,
                    file=file,
                    cell=cell,
                    text=final,
                )
            )
    rows = [MasterRow(no=no, entry="\n".join(pieces), final=final, cell=cell) for no, final, cell, pieces in tasks]
    return tuple(sorted(rows, key=lambda r: r.no)), findings


def _units(grid) -> tuple[UnitStatus, ...]:
    found = _header(grid, layout.UNIT_COLUMNS[:3])
    if found is None:
        return ()
    header, columns = found

    def get(cells, name):
        col = columns.get(name)
        return cells[col] if col is not None and col < len(cells) else None

    statuses = []
    for cells in grid[header + 1 :]:
        unit = _text(get(cells, "单位")).strip()
        if not unit:
            continue
        saved = get(cells, "报送时间")
        files = tuple(line for line in _text(get(cells, "文件")).split("\n") if line.strip())
        status = _text(get(cells, "状态")).strip()
        statuses.append(
            UnitStatus(
                unit=unit,
                kind=_text(get(cells, "类别")).strip(),
                returned=status != "未报送",
                files=files,
                saved_at=saved if isinstance(saved, datetime) else None,
                owned=_number(get(cells, "应填任务数")) or 0,
                filled=_number(get(cells, "已填")) or 0,
                errors=_number(get(cells, "错误数")) or 0,
                warnings=_number(get(cells, "警告数")) or 0,
            )
        )
    return tuple(statuses)


def _findings(grid) -> tuple[Finding, ...]:
    found = _header(grid, FINDING_COLUMNS[:2])
    if found is None:
        return ()
    header, columns = found
    result = []
    for cells in grid[header + 1 :]:
        values = {name: _text(cells[col]).strip() if col < len(cells) else "" for name, col in columns.items()}
        code = values.get("代码", "")
        if not code:
            continue
        known = CODES.get(code)
        severity = _SEVERITY_BY_LABEL.get(values.get("级别", ""), known.severity if known else Severity.WARNING)
        result.append(
            Finding(
                code=code,
                severity=severity,
                message=values.get("说明", ""),
                unit=values.get("单位") or None,
                task=_number(values.get("任务")),
                file=values.get("文件") or None,
                cell=values.get("位置") or None,
                text=values.get("原文") or None,
            )
        )
    return tuple(result)
