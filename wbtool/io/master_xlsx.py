"""Writing the master workbook (汇总表) with xlsxwriter.

Four sheets: 附件2 (the official layout plus an editable 定稿 column), 报送情况 (one row
per unit, who has not returned first, with a chart), 明细 (every entry, as an Excel
table) and 问题清单 (every finding, with the full text of anything held back).

Text from units is always written with ``write_string``: a unit that types
``=1+1`` or a web address gets exactly that text back, never a formula or a link.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from .. import wordcount
from ..atomic import atomic_path
from ..errors import CannotWrite, os_reason
from ..findings import CODES
from ..layout import (
    COL_DEADLINE,
    COL_ENTRY,
    COL_FINAL,
    COL_FINAL_WORDS,
    COL_MISSING,
    COL_NO,
    COL_OWNERS,
    COL_SECTION,
    COL_TASK,
    COL_WORDS,
    CONTINUED,
    DETAIL_COLUMNS,
    FINDING_SHEET_COLUMNS,
    MATERIAL_COLUMNS,
    PACKAGE_COLUMNS,
    SHEET_CHART_DATA,
    SHEET_MATERIALS,
    SHEET_DETAILS,
    SHEET_FINDINGS,
    SHEET_TABLE,
    SHEET_UNITS,
    SUMMARY_COLUMNS,
    UNIT_COLUMNS,
    finding_cells,
)
from ..model import Master, PackedMaterial, Severity, TaskRow, UnitStatus
from ..text import printable, utf16_chunks, utf16_cut, utf16_len
from .xlsx_common import (
    BODY_FONT,
    BODY_SIZE,
    FILL_ENTRY,
    FILL_HEADER,
    FILL_MISSING,
    FILL_OVER,
    FONT_OVER,
    HEADER_FONT,
    TITLE_FONT,
    Workbook,
    XlsxRefused,
    line_count,
    lines_that_fit,
    print_setup,
    row_height,
    workbook_options,
)
from .xlsx_common import check as _check

EXCEL_CELL_LIMIT = 32_767

# The name this module has always had for a refused write.
MasterWriteError = XlsxRefused

CUT_NOTE = "……（超出 Excel 单元格容量，全文见“明细”工作表）"
# 明细 holds every entry whole: a text longer than a cell goes on in the cells to the
# right of the table, on the same row, each piece saying where the next one is.
GOES_ON = "……（接右侧单元格）"


def clean(text: str | None) -> str:
    """Text Excel can store: no control characters but line breaks and tabs, no lone surrogates.

    Only a merged 完成情况 of very many units can pass Excel's cell limit; it says
    where the full texts are (明细 holds every entry, each far below the limit).
    """
    text = printable(text)
    if utf16_len(text) > EXCEL_CELL_LIMIT:  # Excel counts UTF-16 units: an emoji is two
        return utf16_cut(text, EXCEL_CELL_LIMIT - utf16_len(CUT_NOTE)) + CUT_NOTE
    return text


# ---------------------------------------------------------------------------


class _Book:
    """An xlsxwriter workbook whose every write is checked and whose formats are cached."""

    def __init__(self, path: Path):
        # xlsxwriter builds each sheet in a temporary file: beside the output
        # (atomic.WORK_DIR), never in a shared $TMPDIR, and cleaned on the next run.
        self.workbook = Workbook(str(path), workbook_options(remove_timezone=True, tmpdir=str(path.parent)))
        self._formats: dict[tuple, Any] = {}
        # The same texts recur across the sheets (unit and file names on every row of
        # 明细, an entry in 明细 and again in a 问题清单 row): clean and measure each once.
        self._cleaned: dict[str, str] = {}
        self._lines: dict[tuple[str, float], int] = {}
        self._local: dict[datetime, datetime] = {}

    def text(self, sheet, row: int, col: int, text: str | None, fmt) -> None:
        """Write ``text`` as a string cell, never as a formula or a link."""
        cleaned = self._cleaned.get(text) if text else ""
        if cleaned is None:
            cleaned = self._cleaned[text] = clean(text)
        code = sheet.write_string(row, col, cleaned, fmt)
        if code:
            _check(code, "text", row, col)

    def lines(self, text: str, width: float) -> int:
        key = (text, width)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = line_count(text, width)
        return found

    def row_height(self, cells: Sequence[tuple[str, float]]) -> float:
        return row_height(max([1, *(self.lines(text, width) for text, width in cells if text)]))

    def local_time(self, moment: datetime) -> datetime:
        """``moment`` as the bureau's clock shows it: aware times converted to local time."""
        if moment.tzinfo is None:
            return moment
        local = self._local.get(moment)
        if local is None:
            local = self._local[moment] = moment.astimezone().replace(tzinfo=None)
        return local

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            # font_scheme none: a font tied to the theme is shown as the theme's font.
            base = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "font_scheme": "none", "valign": "top", "text_wrap": True, "border": 1}
            self._formats[key] = self.workbook.add_format({**base, **props})
        return self._formats[key]

    def plain(self, **props):
        """A format without the table's border and wrap defaults."""
        return self.workbook.add_format({"font_name": BODY_FONT, "font_size": BODY_SIZE, "font_scheme": "none", **props})

    def header(self):
        return self.fmt(font_name=HEADER_FONT, bold=False, align="center", valign="vcenter", bg_color=FILL_HEADER)


def _number(sheet, row: int, col: int, value: float, fmt) -> None:
    _check(sheet.write_number(row, col, value, fmt), "number", row, col)


def _time(book: _Book, sheet, row: int, col: int, moment: datetime | None, fmt, blank) -> None:
    if moment is None:
        _check(sheet.write_blank(row, col, None, blank), "blank time")
        return
    _check(sheet.write_datetime(row, col, book.local_time(moment), fmt), "time", row, col)


def _headers(book: _Book, sheet, row: int, columns: Sequence[str]) -> None:
    for col, name in enumerate(columns):
        book.text(sheet, row, col, name, book.header())
    _check(sheet.set_row(row, 24), "set_row")


# ---------------------------------------------------------------------------
# 附件2
# ---------------------------------------------------------------------------


def table_columns(master: Master) -> list[tuple[str, float]]:
    """The official columns (and 定稿, the text to publish) first: they are what prints."""
    columns = [(COL_NO, 5.0), (COL_SECTION, 14.0), (COL_TASK, 30.0), (COL_OWNERS, 14.0), (COL_ENTRY, 48.0)]
    if master.catalogue.has_deadlines:
        columns.append((COL_DEADLINE, 10.0))
    columns += [(COL_FINAL, 48.0), (COL_WORDS, 6.0), (COL_FINAL_WORDS, 7.0), (COL_MISSING, 14.0)]
    return columns


LEGEND_ROW, LABEL_ROW, TITLE_ROW, HEADER_ROW = 0, 1, 2, 3


def legend(master: Master) -> str:
    limit = master.catalogue.limit
    return (
        f"说明（本行不打印）：黄色＝“定稿”栏，填写要发布的文字，超过 {limit} 字自动变红；"
        f"红色＝合并后的{master.catalogue.entry_label}超过 {limit} 字，报告中印为“（待定稿）”，请在“定稿”栏压缩；"
        f"橙色＝有责任单位未填报（见“未填单位”）。改好后运行 wbtool report 本表 即可重新生成 Word 报告。"
        f"字数规则：{wordcount.RULE}。"
    )


def _write_table_sheet(book: _Book, master: Master) -> None:
    catalogue = master.catalogue
    sheet = book.workbook.add_worksheet(SHEET_TABLE)
    columns = table_columns(master)
    index = {name: col for col, (name, _) in enumerate(columns)}
    widths = [width for _, width in columns]
    last, printed = len(columns) - 1, index[COL_FINAL]
    for col, width in enumerate(widths):
        _check(sheet.set_column(col, col, width), "set_column")

    note = book.plain(font_size=10, text_wrap=True, valign="vcenter")
    _check(sheet.merge_range(LEGEND_ROW, 0, LEGEND_ROW, last, "", note), "legend merge")
    explained = legend(master)
    book.text(sheet, LEGEND_ROW, 0, explained, note)
    legend_width = sum(widths) * BODY_SIZE / 10  # the legend is set in 10 pt: more fits a line
    _check(sheet.set_row(LEGEND_ROW, book.row_height([(explained, legend_width)])), "set_row")
    # The attachment's label in a cell of its own, top left, above the title (GB/T 9704).
    book.text(sheet, LABEL_ROW, 0, catalogue.attachment, book.plain(font_name=HEADER_FONT, font_size=14, valign="vcenter"))
    _check(sheet.set_row(LABEL_ROW, 22), "set_row")
    title = book.plain(font_name=TITLE_FONT, font_size=18, align="center", valign="vcenter", text_wrap=True)
    _check(sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, printed, "", title), "title merge")
    book.text(sheet, TITLE_ROW, 0, catalogue.title, title)
    _check(sheet.set_row(TITLE_ROW, 40), "set_row")
    _headers(book, sheet, HEADER_ROW, [name for name, _ in columns])

    row = HEADER_ROW + 1
    for section in catalogue.sections:
        rows = [r for r in master.rows if r.task.section == section.title]
        if not rows:
            continue
        first = row
        for task_row in rows:
            row += _write_task_rows(book, sheet, row, task_row, index, widths)
        _section_cell(book, sheet, first, row - 1, index[COL_SECTION], section.title)
    last_row = row - 1

    if last_row > HEADER_ROW:
        _final_formats(book, sheet, index, last_row, catalogue.limit)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(sheet, HEADER_ROW)
    # What prints is the formal table: the label, the title and the official columns
    # with 定稿; the counts, 未填单位 and the 说明 row are for the bureau's screen.
    _check(sheet.print_area(LABEL_ROW, 0, max(last_row, HEADER_ROW), printed), "print_area")
    sheet.activate()


def _section_cell(book: _Book, sheet, first: int, last: int, col: int, title: str) -> None:
    # Top, not centred: a section spans pages, and a centred title would print on
    # a middle page only, leaving the first pages of the section unnamed.
    fmt = book.fmt(valign="top", align="center")
    if last > first:
        _check(sheet.merge_range(first, col, last, col, "", fmt), f"merge of {title}")
    book.text(sheet, first, col, title, fmt)


def entry_pieces(text: str, width: float, fit: int | None = None) -> list[str]:
    """``text`` in pieces that each fit one row (Excel caps a row at 409 pt).

    Cut between lines, so ``"\n".join(pieces) == text``; a single line too long for a
    row is cut between characters.
    """
    fit = fit or lines_that_fit()
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for line in text.split("\n"):
        while line_count(line, width) > fit:  # one paragraph longer than a whole row
            cut = _longest_prefix(line, width, fit)
            if current:
                pieces.append("\n".join(current))
            pieces.append(line[:cut])
            current, used, line = [], 0, line[cut:]
        lines = line_count(line, width)
        if current and used + lines > fit:
            pieces.append("\n".join(current))
            current, used = [], 0
        if current or line:  # a blank line that would open a row is the row break itself
            current.append(line)
            used += lines
    if current or not pieces:
        pieces.append("\n".join(current))
    return pieces


def _longest_prefix(line: str, width: float, fit: int) -> int:
    low, high = 1, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if line_count(line[:middle], width) <= fit:
            low = middle
        else:
            high = middle - 1
    return low


def _write_task_rows(book: _Book, sheet, row: int, task_row: TaskRow, index: dict[str, int], widths: list[float]) -> int:
    """One task: one row, or more when its merged text is taller than a row can be.

    The units' texts then go on following rows of the 完成情况 column, every other
    cell of the task merged over them, so nothing is clipped on screen or on paper.
    Returns the number of rows written.
    """
    task = task_row.task
    over = {"bg_color": FILL_OVER} if task_row.over_limit else {}
    missing = {"bg_color": FILL_MISSING} if task_row.missing else {}
    centre = {"align": "center"}
    entry_width = widths[index[COL_ENTRY]]
    pieces = entry_pieces(printable(task_row.merged), entry_width)
    span = len(pieces)
    entry_fmt = book.fmt(**(over or missing))
    for offset, piece in enumerate(pieces):
        book.text(sheet, row + offset, index[COL_ENTRY], piece, entry_fmt)

    def cell(name: str, fmt, write) -> None:
        col = index[name]
        if span > 1:
            _check(sheet.merge_range(row, col, row + span - 1, col, None, fmt), f"merge of task {task.no}")
        write(col, fmt)

    # 序号 is not merged: each following row says whose text goes on, also on a new page.
    _number(sheet, row, index[COL_NO], task.no, book.fmt(**centre))
    for offset in range(1, span):
        book.text(sheet, row + offset, index[COL_NO], f"{task.no}{CONTINUED}", book.fmt(**centre))
    cell(COL_TASK, book.fmt(), lambda col, fmt: book.text(sheet, row, col, task.text, fmt))
    cell(COL_OWNERS, book.fmt(), lambda col, fmt: book.text(sheet, row, col, task.owners_text, fmt))
    cell(COL_WORDS, book.fmt(**centre, **over), lambda col, fmt: _number(sheet, row, col, task_row.words, fmt))
    final_fmt = book.fmt(bg_color=FILL_ENTRY)  # the one column the bureau edits
    cell(COL_FINAL, final_fmt, lambda col, fmt: book.text(sheet, row, col, task_row.final, fmt))
    final_cell = xl_rowcol_to_cell(row, index[COL_FINAL])
    formula = "=" + wordcount.excel_formula(final_cell)
    cell(
        COL_FINAL_WORDS,
        book.fmt(**centre),
        lambda col, fmt: _check(sheet.write_formula(row, col, formula, fmt, wordcount.count(task_row.final)), "定稿字数 formula"),
    )
    cell(COL_MISSING, book.fmt(**missing), lambda col, fmt: book.text(sheet, row, col, "、".join(task_row.missing), fmt))
    if COL_DEADLINE in index:
        cell(COL_DEADLINE, book.fmt(**centre), lambda col, fmt: book.text(sheet, row, col, task.deadline, fmt))

    fixed = [(task.text, widths[index[COL_TASK]]), (task.owners_text, widths[index[COL_OWNERS]]), (task_row.final, widths[index[COL_FINAL]])]
    if span == 1:
        _check(sheet.set_row(row, book.row_height([*fixed, (pieces[0], entry_width)])), "set_row")
        return 1
    for offset, piece in enumerate(pieces):
        _check(sheet.set_row(row + offset, book.row_height([(piece, entry_width)])), "set_row")
    return span


def _final_formats(book: _Book, sheet, index: dict[str, int], last_row: int, limit: int) -> None:
    """定稿 and its count turn red while the bureau edits past the limit."""
    red = book.workbook.add_format({"bg_color": FILL_OVER, "font_color": FONT_OVER})
    first = HEADER_ROW + 1
    final_col, count_col = index[COL_FINAL], index[COL_FINAL_WORDS]
    top_left = xl_rowcol_to_cell(first, final_col, row_abs=False, col_abs=True)
    rule = {"type": "formula", "criteria": f"={wordcount.excel_formula(top_left)}>{limit}", "format": red}
    _check(sheet.conditional_format(first, final_col, last_row, final_col, rule), "定稿 conditional format")
    count_rule = {"type": "cell", "criteria": ">", "value": limit, "format": red}
    _check(sheet.conditional_format(first, count_col, last_row, count_col, count_rule), "定稿字数 conditional format")
    # A warning, not a stop: the bureau may paste a long text first and shorten it after.
    validation = {
        "validate": "custom",
        "value": f"={wordcount.excel_formula(top_left)}<={limit}",
        "error_type": "warning",
        "error_title": "定稿超过字数",
        "error_message": f"定稿超过 {limit} 字（{wordcount.RULE}）。可以先保留，压缩后再生成报告。",
        "input_title": "定稿",
        "input_message": f"填写要发布的文字，不超过 {limit} 字；超过时本格变红。",
        "ignore_blank": True,
    }
    _check(sheet.data_validation(first, final_col, last_row, final_col, validation), "定稿 validation")


# ---------------------------------------------------------------------------
# 报送情况
# ---------------------------------------------------------------------------

UNIT_WIDTHS = (24, 9, 9, 17, 50, 10, 7, 7, 7, 7)


def _write_units_sheet(book: _Book, master: Master) -> None:
    sheet = book.workbook.add_worksheet(SHEET_UNITS)
    for col, width in enumerate(UNIT_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, UNIT_COLUMNS)
    time_fmt = book.fmt(num_format="yyyy-mm-dd hh:mm", align="center")
    for row, status in enumerate(master.units, start=1):
        _unit_row(book, sheet, row, status, time_fmt)
    last = len(master.units)
    columns = len(UNIT_COLUMNS)
    if master.catalogue.package is not None:
        columns += _package_columns(book, sheet, master)
    _check(sheet.autofilter(0, 0, max(last, 1), columns - 1), "autofilter")
    sheet.freeze_panes(1, 1)
    print_setup(sheet, 0)
    _progress_chart(book, sheet, master.units, columns + 1)


def _unit_row(book: _Book, sheet, row: int, status: UnitStatus, time_fmt) -> None:
    flag = {} if status.returned else {"bg_color": FILL_MISSING}
    plain, centre = book.fmt(**flag), book.fmt(align="center", **flag)
    files = "\n".join(status.files)
    for col, text in enumerate((status.unit, status.kind, status.status)):
        book.text(sheet, row, col, text, plain if col == 0 else centre)
    _time(book, sheet, row, 3, status.saved_at, time_fmt, centre)
    book.text(sheet, row, 4, files, plain)
    for col, value in enumerate((status.owned, status.filled, status.missing, status.errors, status.warnings), start=5):
        _number(sheet, row, col, value, centre)
    _check(sheet.set_row(row, book.row_height([(status.unit, UNIT_WIDTHS[0]), (files, UNIT_WIDTHS[4])])), "set_row")


# Every 报送情况 a unit can have, so that each unit counts once in the pie.
STATES = ("已报送", "部分报送", "已报送，未填写", "已报送，无法读取", "未报送")
STATE_COLOURS = ("#70AD47", "#FFC000", "#F4B183", "#7F7F7F", "#C00000")


def _chart_data(book: _Book, units: Sequence[UnitStatus]) -> None:
    data = book.workbook.add_worksheet(SHEET_CHART_DATA)
    status_range = f"'{SHEET_UNITS}'!{xl_range_abs(1, 2, max(len(units), 1), 2)}"
    for offset, name in enumerate(SUMMARY_COLUMNS):
        book.text(data, 0, offset, name, book.header())
    for row, state in enumerate(STATES, start=1):
        book.text(data, row, 0, state, book.fmt())
        count = sum(u.status == state for u in units)
        _check(data.write_formula(row, 1, f'=COUNTIF({status_range},"{state}")', book.fmt(align="center"), count), "count")
    data.hide()


def _progress_chart(book: _Book, sheet, units: Sequence[UnitStatus], col: int) -> None:
    """A pie of 已报送 / 部分报送 / 未报送 from column ``col``, fed from a hidden sheet of its own.

    The counts are COUNTIF formulas over the whole 状态 column: filtering the list
    (e.g. to 未报送) hides rows but changes no count, and no helper header sits
    beside the list or on its printout.
    """
    chart = book.workbook.add_chart({"type": "pie"})
    chart.add_series(
        {
            "name": "报送进度",
            "categories": [SHEET_CHART_DATA, 1, 0, len(STATES), 0],
            "values": [SHEET_CHART_DATA, 1, 1, len(STATES), 1],
            "data_labels": {"value": True, "category": True},
            "points": [{"fill": {"color": colour}} for colour in STATE_COLOURS],
        }
    )
    chart.show_hidden_data()  # the data sheet is hidden
    chart.set_title({"name": "报送进度（单位数）", "name_font": {"name": HEADER_FONT, "size": 12}})
    chart.set_legend({"position": "bottom", "font": {"name": BODY_FONT}})
    _check(sheet.insert_chart(1, col, chart), "progress chart")


PACKAGE_WIDTHS = (9, 11, 7, 7)


def _package_columns(book: _Book, sheet, master: Master) -> int:
    """报送情况's package figures to the right of the unit list; returns how many columns."""
    first = len(UNIT_COLUMNS)
    for offset, (name, width) in enumerate(zip(PACKAGE_COLUMNS, PACKAGE_WIDTHS)):
        _check(sheet.set_column(first + offset, first + offset, width), "set_column")
        book.text(sheet, 0, first + offset, name, book.header())
    by_unit = {package.unit: package for package in master.packages}
    centre = book.fmt(align="center")
    for row, status in enumerate(master.units, start=1):
        package = by_unit.get(status.unit)
        if package is None:  # nothing returned: the 状态 column says so already
            for offset in range(len(PACKAGE_COLUMNS)):
                _check(sheet.write_blank(row, first + offset, None, book.fmt(align="center", bg_color=FILL_MISSING)), "blank")
            continue
        if package.summary_words is None:
            book.text(sheet, row, first, "无" if not package.summaries else "未能计数", centre)
        else:
            _number(sheet, row, first, package.summary_words, centre)
        _number(sheet, row, first + 1, package.cases, centre)
        book.text(sheet, row, first + 2, "有" if package.stamped else "无", centre)
        book.text(sheet, row, first + 3, "✔" if package.named else "✘", centre)
    return len(PACKAGE_COLUMNS)


MATERIAL_WIDTHS = (24, 9, 40, 8, 6, 7, 50, 17)


def _write_materials_sheet(book: _Book, master: Master) -> None:
    """材料清单: one row per material of every unit, in 报送情况's unit order."""
    sheet = book.workbook.add_worksheet(SHEET_MATERIALS)
    for col, width in enumerate(MATERIAL_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, MATERIAL_COLUMNS)
    order = {status.unit: index for index, status in enumerate(master.units)}
    items = sorted(master.materials, key=lambda m: (order.get(m.unit, len(order)), m.file))
    plain, centre = book.fmt(), book.fmt(align="center")
    time_fmt = book.fmt(num_format="yyyy-mm-dd hh:mm", align="center")
    for row, item in enumerate(items, start=1):
        _material_row(book, sheet, row, item, plain, centre, time_fmt)
    _check(sheet.autofilter(0, 0, max(len(items), 1), len(MATERIAL_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 1)
    print_setup(sheet, 0)
    sheet.set_footer(f"&L字数规则：{wordcount.RULE}&R第 &P 页，共 &N 页")


def _material_row(book: _Book, sheet, row: int, item: PackedMaterial, plain, centre, time_fmt) -> None:
    material = item.material
    category = f"{item.category}（{item.subject}）" if item.subject else item.category
    book.text(sheet, row, 0, item.unit, plain)
    book.text(sheet, row, 1, category, centre)
    book.text(sheet, row, 2, item.name, plain)
    if material.words is not None and material.format != "image":
        _number(sheet, row, 3, material.words, centre)
    else:
        book.text(sheet, row, 3, "未能计数" if material.problem else "", centre)
    if material.pages is not None:
        _number(sheet, row, 4, material.pages, centre)
    else:
        _check(sheet.write_blank(row, 4, None, centre), "blank")
    scanned = "" if material.pages is None else ("是" if material.scanned == material.pages else f"{material.scanned} 页" if material.scanned else "否")
    book.text(sheet, row, 5, "是" if material.format == "image" else scanned, centre)
    book.text(sheet, row, 6, item.file, plain)
    _time(book, sheet, row, 7, item.saved_at, time_fmt, centre)
    _check(sheet.set_row(row, book.row_height([(item.name, MATERIAL_WIDTHS[2]), (item.file, MATERIAL_WIDTHS[6])])), "set_row")


# ---------------------------------------------------------------------------
# 明细 and 问题清单
# ---------------------------------------------------------------------------

DETAIL_WIDTHS = (22, 6, 30, 60, 6, 36, 14, 17, 14)


def _write_details_sheet(book: _Book, master: Master) -> None:
    sheet = book.workbook.add_worksheet(SHEET_DETAILS)
    for col, width in enumerate(DETAIL_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    rows = max(len(master.details), 1)  # an Excel table needs one data row
    columns = [{"header": name, "header_format": book.header()} for name in DETAIL_COLUMNS]
    _check(sheet.add_table(0, 0, rows, len(DETAIL_COLUMNS) - 1, {"columns": columns, "name": "明细表", "style": "Table Style Light 9"}), "明细 table")
    plain, centre = book.fmt(), book.fmt(align="center")
    time_fmt = book.fmt(num_format="yyyy-mm-dd hh:mm", align="center")
    tasks = {task.no: task.text for task in master.catalogue.tasks}  # whole: a cut task reads as another
    for row, entry in enumerate(master.details, start=1):
        task = tasks.get(entry.task, "")
        book.text(sheet, row, 0, entry.unit, plain)
        _number(sheet, row, 1, entry.task, centre)
        book.text(sheet, row, 2, task, plain)
        pieces = utf16_chunks(printable(entry.text), EXCEL_CELL_LIMIT - utf16_len(GOES_ON))
        book.text(sheet, row, 3, pieces[0] + (GOES_ON if len(pieces) > 1 else ""), plain)
        for extra, piece in enumerate(pieces[1:], start=len(DETAIL_COLUMNS)):
            book.text(sheet, row, extra, piece + (GOES_ON if extra - len(DETAIL_COLUMNS) + 2 < len(pieces) else ""), plain)
        _number(sheet, row, 4, wordcount.count(entry.text), centre)
        book.text(sheet, row, 5, entry.file, plain)
        book.text(sheet, row, 6, entry.cell, plain)
        _time(book, sheet, row, 7, entry.saved_at, time_fmt, centre)
        book.text(sheet, row, 8, "是" if entry.superseded else "否", centre)
        wrapped = [(task, DETAIL_WIDTHS[2]), (entry.text, DETAIL_WIDTHS[3]), (entry.file, DETAIL_WIDTHS[5])]
        _check(sheet.set_row(row, book.row_height(wrapped)), "set_row")
    _check(sheet.set_row(0, 24), "set_row")
    sheet.freeze_panes(1, 0)
    print_setup(sheet, 0)


FINDING_WIDTHS = (6, 18, 16, 20, 6, 30, 14, 50, 50)


def _write_findings_sheet(book: _Book, master: Master) -> None:
    sheet = book.workbook.add_worksheet(SHEET_FINDINGS)
    for col, width in enumerate(FINDING_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, FINDING_SHEET_COLUMNS)
    plain, centre = book.fmt(), book.fmt(align="center")
    error = book.fmt(align="center", font_color="#C00000")
    for row, f in enumerate(master.findings, start=1):
        level, code, *rest = finding_cells(f)
        cells = (level, code, CODES[f.code].title if f.code in CODES else "", *rest)
        for col, text in enumerate(cells):
            fmt = (error if f.severity is Severity.ERROR else centre) if col in (0, 4) else plain
            book.text(sheet, row, col, text, fmt)
        wrapped = [(cells[col], FINDING_WIDTHS[col]) for col in (5, 7, 8)]
        _check(sheet.set_row(row, book.row_height(wrapped)), "set_row")
    _check(sheet.autofilter(0, 0, max(len(master.findings), 1), len(FINDING_SHEET_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 0)
    print_setup(sheet, 0)


# ---------------------------------------------------------------------------


def write_master(master: Master, path: str | Path) -> Path:
    """Write the master workbook to ``path`` atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as temp:
        book = _Book(temp)
        _write_table_sheet(book, master)
        _write_units_sheet(book, master)
        if master.catalogue.package is not None:
            _write_materials_sheet(book, master)
        _write_details_sheet(book, master)
        _write_findings_sheet(book, master)
        _chart_data(book, master.units)
        book.workbook.set_properties({"title": master.catalogue.title, "subject": "任务完成情况汇总", "created": master.made_at})
        try:
            book.workbook.close()
        except xlsxwriter.exceptions.FileCreateError as exc:  # a full disk: not an OSError in xlsxwriter
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc.__context__
            why = os_reason(cause, "写入") if isinstance(cause, OSError) else "无法写入"
            raise CannotWrite(f"无法写入汇总表 {path}：{why}。请确认磁盘有空间、文件夹可写，然后重试。") from exc
    return path
