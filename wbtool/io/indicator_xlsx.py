"""Writing the indicator form (指标分解) a unit receives: counts, not texts.

Same workbook as the text form — title, 填报说明, hidden identity, protection, A4
landscape print setup (imported from ``template_xlsx``) — but the fill-in sheet has
one yellow numeric cell per count.  A share indicator takes two rows (numerator,
denominator) under one 序号, and its 本单位比例 is a live formula, so the unit sees
its own share while typing; only the counts are read back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from xlsxwriter.utility import xl_rowcol_to_cell

from .. import layout
from ..model import Assignment, Catalogue, Identity, Indicator
from .template_xlsx import (
    FILL_SHEET,
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    HEADER_PT,
    HEADER_ROW,
    INFO_ROW,
    NOTE_ROW,
    PROTECTION,
    TITLE_PT,
    TITLE_ROW,
    _formats,
    check_call,
    guide_frame,
    strict_workbook,
    write_guide,
    write_identity,
)
from .xlsx_common import BODY_FONT, BODY_SIZE, FILL_ENTRY, FILL_LOCKED, GB2312_CHARSET, line_count, print_setup, row_height
from .. import identity as identities

WIDTHS = {"no": 5.5, "item": 30, "target": 12, "count": 34, "measure": 9, "value": 14, "share": 12}
# The largest count Excel shows exactly in a whole-number cell; bounds the validation.
MAX_COUNT = 999_999_999


def write_indicator_form(
    catalogue: Catalogue,
    assignment: Assignment,
    identity: Identity,
    year: int,
    target: str | Path | BinaryIO,
    *,
    created: datetime | None = None,
) -> None:
    """Write one unit's indicator form for ``year`` to ``target`` (a path or a binary file)."""
    with strict_workbook(target) as book:
        fmt = {**_formats(book), **_number_formats(book)}
        fill = book.add_worksheet(FILL_SHEET)
        guide = book.add_worksheet(GUIDE_SHEET)
        hidden = book.add_worksheet(identities.SHEET)
        _fill_sheet(fill, fmt, catalogue, assignment.unit.name, year)
        write_guide(guide, fmt, catalogue, guide_rows(catalogue, assignment.unit.name, year))
        write_identity(book, hidden, fmt, catalogue, identity, created, comment=f"{year}年度；只在黄色单元格填写数量（整数）。")
        fill.activate()


def _number_formats(book) -> dict:
    base = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "font_charset": GB2312_CHARSET, "border": 1, "valign": "vcenter"}
    return {
        "value": book.add_format({**base, "align": "right", "locked": False, "bg_color": FILL_ENTRY, "num_format": "#,##0"}),
        "share": book.add_format({**base, "align": "right", "bg_color": FILL_LOCKED, "num_format": "0.0%"}),
    }


def guide_rows(catalogue: Catalogue, unit: str, year: int) -> list[tuple[str, str]]:
    """The (项目, 内容) rows of the 填报说明 sheet of an indicator form."""
    return guide_frame(catalogue, unit, [
        ("填报年度", f"{year}年"),
        ("填报内容", f"{len(catalogue.indicators)} 项指标本单位{year}年度的完成数，写在“{FILL_SHEET}”工作表的黄色单元格中。"),
        (
            "填写要求",
            "1. 只填数量（人数、个数、人次等），填阿拉伯数字整数，不带单位，不填“约”“若干”等文字；\n"
            "2. 比例类指标请分别填写分子、分母两个数量，“本单位比例”栏自动计算，不要直接填百分比；\n"
            "3. 本年度没有的填 0；\n"
            "4. 请勿增删行、列或工作表，勿改动项目名称；本表已设保护（无密码），仅为防止误改。",
        ),
    ])


def _fill_sheet(ws, fmt: dict, catalogue: Catalogue, unit: str, year: int) -> None:
    headers = layout.indicator_headers(year)
    col = {role: i for i, (role, _) in enumerate(headers)}
    last_col = len(headers) - 1
    for role, i in col.items():
        check_call(ws.set_column(i, i, WIDTHS[role]), "set_column")
    _heading(ws, fmt, catalogue, unit, year, last_col)
    for i, (_, header) in enumerate(headers):
        check_call(ws.write_string(HEADER_ROW - 1, i, header, fmt["header"]), "header")
    check_call(ws.set_row(HEADER_ROW - 1, row_height(1, HEADER_PT)), "header height")
    row = FIRST_DATA_ROW - 1
    for indicator in catalogue.indicators:
        row = _indicator_rows(ws, fmt, col, indicator, year, row)
    _validate(ws, col["value"], FIRST_DATA_ROW - 1, row - 1)
    print_setup(ws, HEADER_ROW - 1, margins=(0.4, 0.4, 0.55, 0.6))
    ws.center_horizontally()
    ws.print_area(0, 0, row - 1, last_col)
    ws.freeze_panes(HEADER_ROW, 0)
    ws.protect("", PROTECTION)


def _heading(ws, fmt: dict, catalogue: Catalogue, unit: str, year: int, last_col: int) -> None:
    total = sum(WIDTHS.values())
    title = f"{catalogue.title}（{year}年度，{unit}）"
    check_call(ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last_col, title, fmt["title"]), "title")
    check_call(ws.set_row(TITLE_ROW - 1, row_height(line_count(title, total, TITLE_PT), TITLE_PT)), "title")
    info = [f"填报单位：{unit}", f"填报年度：{year}年", f"指标数：{len(catalogue.indicators)} 项"]
    if catalogue.notice.deadline:
        info.append(f"报送截止：{catalogue.notice.deadline}")
    info_text = "　　".join(info)
    check_call(ws.merge_range(INFO_ROW - 1, 0, INFO_ROW - 1, last_col, info_text, fmt["info"]), "info")
    note = (
        "填写说明：只在黄色的“填报值”栏填写数量（整数，不带单位）；比例类指标分别填分子、分母，"
        f"“本单位比例”自动计算。请勿改动项目，勿增删行、列或工作表。详见“{GUIDE_SHEET}”工作表。"
    )
    check_call(ws.merge_range(NOTE_ROW - 1, 0, NOTE_ROW - 1, last_col, note, fmt["note"]), "note")
    check_call(ws.set_row(NOTE_ROW - 1, row_height(line_count(note, total, 10), 10)), "note")


def _indicator_rows(ws, fmt: dict, col: dict[str, int], indicator: Indicator, year: int, row: int) -> int:
    """Write one indicator's rows from ``row`` (0-based); return the next free row."""
    target = indicator.target(year)
    fixed = (
        (col["no"], indicator.no, fmt["center"]),
        (col["item"], indicator.text, fmt["text"]),
        (col["target"], target.text if target else "-", fmt["center"]),
    )
    last = row + len(indicator.counts) - 1
    for c, value, f in fixed:
        if last > row:
            check_call(ws.merge_range(row, c, last, c, value, f), "merge")
        elif isinstance(value, int):
            check_call(ws.write_number(row, c, value, f), "序号")
        else:
            check_call(ws.write_string(row, c, value, f), "项目")
    for i, count in enumerate(indicator.counts):
        check_call(ws.write_string(row + i, col["count"], count.label, fmt["text"]), "填报项")
        check_call(ws.write_string(row + i, col["measure"], count.measure, fmt["center"]), "计量单位")
        check_call(ws.write_blank(row + i, col["value"], None, fmt["value"]), "填报值")
        lines = max(line_count(count.label, WIDTHS["count"]), line_count(indicator.text, WIDTHS["item"]) if i == 0 else 1)
        check_call(ws.set_row(row + i, row_height(lines)), "row height")
    if indicator.is_share:
        numerator = xl_rowcol_to_cell(row, col["value"])
        denominator = xl_rowcol_to_cell(last, col["value"])
        formula = f'=IF(N({denominator})>0,N({numerator})/N({denominator}),"")'
        check_call(ws.merge_range(row, col["share"], last, col["share"], "", fmt["share"]), "本单位比例")
        check_call(ws.write_formula(row, col["share"], formula, fmt["share"], ""), "本单位比例")
    else:
        check_call(ws.write_blank(row, col["share"], None, fmt["center"]), "本单位比例")
    return last + 1


def _validate(ws, col: int, first: int, last: int) -> None:
    if last < first:
        return
    validation = {
        "validate": "integer",
        "criteria": "between",
        "minimum": 0,
        "maximum": MAX_COUNT,
        "ignore_blank": True,
        "input_title": "填写数量（整数）",
        "input_message": "请填写阿拉伯数字整数，不带单位；没有的填 0。比例类指标分别填分子、分母。",
        "error_title": "请填写整数",
        "error_message": "这里只能填 0 或正整数（如 120），不带单位，不填百分比或文字。",
        "error_type": "stop",
    }
    check_call(ws.data_validation(first, col, last, col, validation), "data_validation")
