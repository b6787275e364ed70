"""「退回修改」workbooks: a unit's own return with its problems marked, ready to email back.

For an xlsx return the unit gets its own workbook back, with a first sheet 退回修改
listing the problems and every problem cell filled and commented, so it can fix
the file it already knows.  Other formats (xls, Word, encrypted files) get a fresh
workbook with the list only.  Editing cells in place is openpyxl's job; the
original bytes are only read, never written back.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..atomic import atomic_path, safe_stem
from ..findings import CODES
from ..model import Finding, Severity
from .xlsx_common import FILL_MISSING, FILL_OVER, line_count

SHEET = "退回修改"
FONT_NAME = "宋体"
AUTHOR = "核查意见"

# The colours of the template and the master: red = over the limit or wrong, orange =
# missing; never yellow, which asks the unit to type there.
FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor=FILL_OVER[1:]),
    Severity.WARNING: PatternFill("solid", fgColor=FILL_MISSING[1:]),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
# (header, width in characters)
COLUMNS = (("序号", 6), ("级别", 7), ("问题", 16), ("任务", 7), ("位置", 14), ("说明及修改要求", 60), ("单位填写的原文", 60))
_CELL_REF = re.compile(r"^(?:'?(?P<sheet>.+?)'?!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


# File names are limited to 255 bytes on Linux and macOS (a long Chinese attachment
# name is 3 bytes a character); room is left for 「-2」 and the temporary prefix.
MAX_NAME_BYTES = 200


def target_name(unit: str, original_name: str) -> str:
    """「退回修改-<单位>-<原文件名>.xlsx」, safe on Windows, short enough for any file system."""
    stem = safe_stem(f"退回修改-{unit}-{Path(original_name).stem}")
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem.rstrip(' .')}.xlsx"


def write_markup(data: bytes | None, original_name: str, unit: str, findings: Sequence[Finding], target: Path) -> None:
    """Write the 退回修改 workbook for one returned file to ``target`` (atomically)."""
    workbook = _own_copy(data, original_name) or Workbook()
    marked = _mark_cells(workbook, findings)
    _add_list_sheet(workbook, unit, original_name, findings, marked)
    with atomic_path(target) as temp:
        workbook.save(temp)


def _own_copy(data: bytes | None, name: str) -> Workbook | None:
    """The unit's own workbook, when it is an xlsx openpyxl can edit."""
    # .xls / .ods returns arrive here already converted to xlsx bytes (pipeline.markup_returns).
    if not data or Path(name).suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods", ".et") or not zipfile.is_zipfile(io.BytesIO(data)):
        return None
    try:
        return load_workbook(io.BytesIO(data))  # macros are dropped: the copy is a plain .xlsx
    except Exception:  # noqa: BLE001 — any file openpyxl cannot edit gets a fresh list instead
        return None


def _mark_cells(workbook: Workbook, findings: Sequence[Finding]) -> set[str]:
    """Fill and comment every problem cell that exists in ``workbook``; the refs marked."""
    notes: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        match = _CELL_REF.match(f.cell or "")
        if not match or match["sheet"] not in workbook.sheetnames:
            continue
        notes.setdefault((match["sheet"], f"{match['col']}{match['row']}"), []).append(f)
    for (sheet, ref), group in notes.items():
        cell = workbook[sheet][ref]
        worst = min(group, key=lambda f: f.severity.rank)
        cell.fill = FILLS[worst.severity]
        text = "\n".join(f"【{CODES[f.code].title}】{f.message}" for f in group)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, min(60 + 18 * math.ceil(len(text) / 18), 400)
        cell.comment = comment
    return {f"{sheet}!{ref}" for sheet, ref in notes}


def _add_list_sheet(workbook: Workbook, unit: str, original_name: str, findings: Sequence[Finding], marked: set[str]) -> None:
    fresh = workbook.sheetnames == ["Sheet"] and workbook["Sheet"].max_row == 1
    sheet = workbook.create_sheet(SHEET, 0)
    if fresh:
        workbook.remove(workbook["Sheet"])
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    workbook.active = 0

    title = f"退回修改：{unit}（{Path(original_name).name}）"
    note = "请按下表逐条修改后重新报送。" + ("表中标色的单元格已加批注，指出了问题所在。" if marked else "")
    sheet.append([title])
    sheet.append([note])
    sheet.append([name for name, _ in COLUMNS])
    for number, f in enumerate(findings, 1):
        where = f.cell or ""
        sheet.append([number, f.severity.label, CODES[f.code].title, f.task, where, f.message, f.text or ""])
    _style(sheet, len(findings))


def _style(sheet, count: int) -> None:
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(name=FONT_NAME, size=14, bold=True)
    sheet["A2"].font = Font(name=FONT_NAME, size=11)
    sheet.row_dimensions[1].height = 24
    for index, (_, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header = sheet.cell(row=3, column=index)
        header.font = Font(name=FONT_NAME, size=11, bold=True)
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.border = _BORDER
        header.fill = PatternFill("solid", fgColor="D9D9D9")
    for row in sheet.iter_rows(min_row=4, max_row=3 + count):
        lines = 1
        for index, cell in enumerate(row):
            cell.font = Font(name=FONT_NAME, size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = _BORDER
            # Excel will not grow the row itself.
            lines = max(lines, line_count(str(cell.value or ""), COLUMNS[index][1]))
        sheet.row_dimensions[row[0].row].height = min(15 * lines + 4, 409)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
