"""Hand-made check results and ways to find things in a master workbook: shared by the master and report tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from wbtool import layout
from wbtool.findings import finding
from wbtool.model import CheckResult, Entry, FileReport, Role

SAVED = datetime(2023, 1, 10, 9, 30)
HELD_BACK = "这是一段超过字数而被退回的完整原文。" * 20


def entry(unit: str, task: int, text: str, *, superseded: bool = False, saved: datetime = SAVED) -> Entry:
    return Entry(unit, task, text, file=f"回收/{unit}.xlsx", cell=f"填报表!E{task + 3}", saved_at=saved, superseded=superseded)


def shared_task(catalogue):
    """A task with at least two named owners, for attribution tests."""
    return next(t for t in catalogue.tasks if len(t.owners) >= 2)


def sample_result(catalogue) -> CheckResult:
    """A small batch: one shared task reported by both owners (out of order), one over
    the limit, one with a formula-looking and a control-character text, one correction."""
    shared = shared_task(catalogue)
    lead, second = shared.owners[0], shared.owners[1]
    single = [t for t in catalogue.tasks if len(t.owners) == 1]
    edu = single[0].owners[0]
    entries = [
        entry(second, shared.no, "第二单位的完成情况。"),
        entry(lead, shared.no, "牵头单位的完成情况。"),
        entry(single[0].owners[0], single[0].no, "=1+1"),
        entry(single[1].owners[0], single[1].no, "开头\x07响铃\x00结束，见 http://example.com"),
        entry(single[2].owners[0], single[2].no, "长" * (catalogue.limit + 5)),
        entry(single[3].owners[0], single[3].no, "更正前的旧文字。", superseded=True, saved=datetime(2023, 1, 5)),
        entry(single[3].owners[0], single[3].no, "更正后的新文字。"),
    ]
    units = list(dict.fromkeys(e.unit for e in entries))
    files = tuple(FileReport(f"回收/{u}.xlsx", u, Role.FORM, saved_at=SAVED) for u in units)
    findings = (
        finding("over-limit", "超过字数。", unit=edu, task=single[0].no, file="回收/x.xlsx", cell="填报表!E5", text=HELD_BACK),
        finding("superseded", "已被更正。", unit=single[3].owners[0], task=single[3].no),
        finding("unit-missing", "未报送。", unit="市税务局"),
    )
    return CheckResult(catalogue=catalogue, files=files, entries=tuple(entries), findings=findings)


def table_rows(sheet) -> dict[int, int]:
    """序号 → sheet row of the 附件2 sheet."""
    return {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1) if isinstance(sheet.cell(r, 1).value, int)}


def column(sheet, header: str, header_row: int = 4) -> int:
    return next(c.column for c in sheet[header_row] if c.value == header)


def fill_of(cell) -> str | None:
    colour = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
    return None if colour is None else "#" + colour[-6:]


def set_final(master: Path, no: int, text: str) -> None:
    """Type ``text`` into task ``no``'s 定稿 cell and save, as the bureau does in Excel."""
    book = load_workbook(master)
    sheet = book[layout.SHEET_TABLE]
    header = next(r for r in sheet.iter_rows() if any(c.value == layout.COL_FINAL for c in r))
    final_col = next(c.column for c in header if c.value == layout.COL_FINAL)
    no_col = next(c.column for c in header if c.value == layout.COL_NO)
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if str(row[no_col - 1].value).strip() == str(no):
            row[final_col - 1].value = text
            break
    else:
        raise AssertionError(f"task {no} not in master")
    book.save(master)
