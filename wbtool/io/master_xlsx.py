"""Writing the master workbook (汇总表) with xlsxwriter.

Four sheets: 附件2 (the official layout plus an editable 定稿 column), 报送情况 (one row
per unit, who has not returned first, with a chart), 明细 (every entry, as an Excel
table) and 问题清单 (every finding, with the full text of anything held back).

Text from units is always written with ``write_string``: a unit that types
``=1+1`` or a web address gets exactly that text back, never a formula or a link.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from .. import wordcount
from ..atomic import atomic_path
from ..errors import CannotWrite
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
    DETAIL_COLUMNS,
    FINDING_COLUMNS,
    SHEET_DETAILS,
    SHEET_FINDINGS,
    SHEET_TABLE,
    SHEET_UNITS,
    SUMMARY_COLUMNS,
    UNIT_COLUMNS,
    finding_cells,
)
from ..model import Master, Severity, TaskRow, UnitStatus
from ..text import printable

BODY_FONT, HEADER_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"
BODY_SIZE = 11
LINE_HEIGHT = 15.5  # points per wrapped line of 11 pt CJK text, leading included
MAX_ROW_HEIGHT = 409.0  # Excel's limit
EXCEL_CELL_LIMIT = 32_767

FILL_OVER = "#FFC7CE"  # light red: over the limit, needs shortening in 定稿
FILL_MISSING = "#FFF2CC"  # light yellow: an owner has not reported
FILL_HEADER = "#D9E1F2"


class MasterWriteError(CannotWrite):
    """xlsxwriter refused a write: a bug in this module, never a bad input."""


CUT_NOTE = "……（超出 Excel 单元格容量，全文见“明细”工作表）"


def clean(text: str | None) -> str:
    """Text Excel can store: no control characters but line breaks and tabs, no lone surrogates.

    Only a merged 完成情况 of very many units can pass Excel's cell limit; it says
    where the full texts are (明细 holds every entry, each far below the limit).
    """
    text = printable(text)
    if len(text) > EXCEL_CELL_LIMIT:
        return text[: EXCEL_CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE
    return text


# ---------------------------------------------------------------------------
# Sizing wrapped Chinese text: xlsxwriter's autofit() underestimates CJK width.
# ---------------------------------------------------------------------------


def text_width(line: str) -> float:
    """Width of ``line`` in Excel column units at 11 pt.

    Measured on printed pages: a CJK character at 11 pt takes about 1.8 units of a
    column whose default font is 仿宋 11 pt (1.9 keeps a margin); Latin letters and
    digits about one.

    The UTF-8 length tells the two apart at C speed (a per-character regular
    expression dominated the time to write a large master): every character from
    U+0800 up takes three bytes — CJK, kana, Hangul, full-width forms, and the
    quotation marks and dashes (“”—…) that a CJK font sets full width — and
    ASCII one, so each wide character adds 0.9.
    """
    if line.isascii():
        return len(line)
    size = len(line)
    return size + 0.45 * (len(line.encode("utf-8", "surrogatepass")) - size)


def line_count(text: str, width: float) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


# ---------------------------------------------------------------------------


class _Book:
    """An xlsxwriter workbook whose every write is checked and whose formats are cached."""

    def __init__(self, path: Path):
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
                "default_format_properties": {"font_name": BODY_FONT, "font_size": BODY_SIZE},
            },
        )
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

    def row_height(self, cells: Sequence[tuple[str, float]]) -> float:
        lines = 1
        for text, width in cells:
            if text:
                key = (text, width)
                found = self._lines.get(key)
                if found is None:
                    found = self._lines[key] = line_count(text, width)
                lines = max(lines, found)
        return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 6)

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
            base = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "top", "text_wrap": True, "border": 1}
            self._formats[key] = self.workbook.add_format({**base, **props})
        return self._formats[key]

    def header(self):
        return self.fmt(font_name=HEADER_FONT, bold=False, align="center", valign="vcenter", bg_color=FILL_HEADER)


def _check(code: int | None, what: str, row: int | None = None, col: int | None = None) -> None:
    # xlsxwriter signals refused writes by return code, not exception.
    if code not in (0, None):
        where = f" at {xl_rowcol_to_cell(row, col)}" if row is not None and col is not None else ""
        raise MasterWriteError(f"xlsxwriter refused {what}{where}: return code {code}")


def _number(sheet, row: int, col: int, value: float, fmt) -> None:
    _check(sheet.write_number(row, col, value, fmt), "number", row, col)


def _time(book: _Book, sheet, row: int, col: int, moment: datetime | None, fmt, blank) -> None:
    if moment is None:
        _check(sheet.write_blank(row, col, None, blank), "blank time")
        return
    _check(sheet.write_datetime(row, col, book.local_time(moment), fmt), "time", row, col)


def _print_setup(sheet, header_row: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _headers(book: _Book, sheet, row: int, columns: Sequence[str]) -> None:
    for col, name in enumerate(columns):
        book.text(sheet, row, col, name, book.header())
    _check(sheet.set_row(row, 24), "set_row")


# ---------------------------------------------------------------------------
# 附件2
# ---------------------------------------------------------------------------


def table_columns(master: Master) -> list[tuple[str, float]]:
    columns = [
        (COL_NO, 5.0),
        (COL_SECTION, 14.0),
        (COL_TASK, 30.0),
        (COL_OWNERS, 14.0),
        (COL_ENTRY, 48.0),
        (COL_WORDS, 6.0),
        (COL_FINAL, 48.0),
        (COL_FINAL_WORDS, 7.0),
        (COL_MISSING, 14.0),
    ]
    if master.catalogue.has_deadlines:
        columns.append((COL_DEADLINE, 10.0))
    return columns


TITLE_ROW, LEGEND_ROW, HEADER_ROW = 0, 1, 2


def legend(master: Master) -> str:
    limit = master.catalogue.limit
    return (
        f"说明：红色底纹＝合并后的{master.catalogue.entry_label}超过 {limit} 字，请在“定稿”栏压缩；"
        f"黄色底纹＝有责任单位未填报（见“未填单位”）。“定稿”栏可直接修改，超过 {limit} 字自动变红；"
        f"改好后运行 wbtool report 本表 即可重新生成 Word 报告。字数规则：{wordcount.RULE}。"
    )


def _write_table_sheet(book: _Book, master: Master) -> None:
    catalogue = master.catalogue
    sheet = book.workbook.add_worksheet(SHEET_TABLE)
    columns = table_columns(master)
    index = {name: col for col, (name, _) in enumerate(columns)}
    widths = [width for _, width in columns]
    last = len(columns) - 1
    for col, width in enumerate(widths):
        _check(sheet.set_column(col, col, width), "set_column")

    title = book.workbook.add_format(
        {"font_name": TITLE_FONT, "font_size": 18, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    _check(sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last, "", title), "title merge")
    book.text(sheet, TITLE_ROW, 0, f"{catalogue.attachment}  {catalogue.title}", title)
    _check(sheet.set_row(TITLE_ROW, 40), "set_row")
    note = book.workbook.add_format({"font_name": BODY_FONT, "font_size": 10, "text_wrap": True, "valign": "vcenter"})
    _check(sheet.merge_range(LEGEND_ROW, 0, LEGEND_ROW, last, "", note), "legend merge")
    explained = legend(master)
    book.text(sheet, LEGEND_ROW, 0, explained, note)
    legend_width = sum(widths) * BODY_SIZE / 10  # the legend is set in 10 pt: more fits a line
    _check(sheet.set_row(LEGEND_ROW, book.row_height([(explained, legend_width)])), "set_row")
    _headers(book, sheet, HEADER_ROW, [name for name, _ in columns])

    row = HEADER_ROW + 1
    for section in catalogue.sections:
        rows = [r for r in master.rows if r.task.section == section.title]
        if not rows:
            continue
        first = row
        for task_row in rows:
            _write_task_row(book, sheet, row, task_row, index, widths)
            row += 1
        _section_cell(book, sheet, first, row - 1, index[COL_SECTION], section.title)
    last_row = row - 1

    if last_row > HEADER_ROW:
        _final_formats(book, sheet, index, last_row, catalogue.limit)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, HEADER_ROW)
    _check(sheet.print_area(0, 0, max(last_row, HEADER_ROW), last), "print_area")
    sheet.activate()


def _section_cell(book: _Book, sheet, first: int, last: int, col: int, title: str) -> None:
    # Top, not centred: a section spans pages, and a centred title would print on
    # a middle page only, leaving the first pages of the section unnamed.
    fmt = book.fmt(valign="top", align="center")
    if last > first:
        _check(sheet.merge_range(first, col, last, col, "", fmt), f"merge of {title}")
    book.text(sheet, first, col, title, fmt)


def _write_task_row(book: _Book, sheet, row: int, task_row: TaskRow, index: dict[str, int], widths: list[float]) -> None:
    task = task_row.task
    over = {"bg_color": FILL_OVER} if task_row.over_limit else {}
    missing = {"bg_color": FILL_MISSING} if task_row.missing else {}
    centre = {"align": "center"}
    _number(sheet, row, index[COL_NO], task.no, book.fmt(**centre))
    book.text(sheet, row, index[COL_TASK], task.text, book.fmt())
    book.text(sheet, row, index[COL_OWNERS], task.owners_text, book.fmt())
    book.text(sheet, row, index[COL_ENTRY], task_row.merged, book.fmt(**(over or missing)))
    _number(sheet, row, index[COL_WORDS], task_row.words, book.fmt(**centre, **over))
    book.text(sheet, row, index[COL_FINAL], task_row.final, book.fmt())
    final_cell = xl_rowcol_to_cell(row, index[COL_FINAL])
    formula = "=" + wordcount.excel_formula(final_cell)
    _check(
        sheet.write_formula(row, index[COL_FINAL_WORDS], formula, book.fmt(**centre), wordcount.count(task_row.final)),
        "定稿字数 formula",
    )
    book.text(sheet, row, index[COL_MISSING], "、".join(task_row.missing), book.fmt(**missing))
    if COL_DEADLINE in index:
        book.text(sheet, row, index[COL_DEADLINE], task.deadline, book.fmt(**centre))
    texts = [
        (task.text, widths[index[COL_TASK]]),
        (task.owners_text, widths[index[COL_OWNERS]]),
        (task_row.merged, widths[index[COL_ENTRY]]),
        (task_row.final, widths[index[COL_FINAL]]),
    ]
    _check(sheet.set_row(row, book.row_height(texts)), "set_row")


def _final_formats(book: _Book, sheet, index: dict[str, int], last_row: int, limit: int) -> None:
    """定稿 and its count turn red while the bureau edits past the limit."""
    red = book.workbook.add_format({"bg_color": FILL_OVER, "font_color": "#9C0006"})
    first = HEADER_ROW + 1
    final_col, count_col = index[COL_FINAL], index[COL_FINAL_WORDS]
    top_left = xl_rowcol_to_cell(first, final_col, row_abs=False, col_abs=True)
    rule = {"type": "formula", "criteria": f"={wordcount.excel_formula(top_left)}>{limit}", "format": red}
    _check(sheet.conditional_format(first, final_col, last_row, count_col, rule), "定稿 conditional format")
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
    _check(sheet.autofilter(0, 0, max(last, 1), len(UNIT_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 1)
    _print_setup(sheet, 0)
    _progress_chart(book, sheet, master.units)


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


def _progress_chart(book: _Book, sheet, units: Sequence[UnitStatus]) -> None:
    """A pie of 已报送 / 部分报送 / 未报送, fed by a small summary beside the list."""
    col = len(UNIT_COLUMNS) + 1
    for offset, name in enumerate(SUMMARY_COLUMNS):
        book.text(sheet, 0, col + offset, name, book.header())
    _check(sheet.set_column(col, col + 1, 9), "set_column")
    states = ("已报送", "部分报送", "未报送")
    for row, state in enumerate(states, start=1):
        book.text(sheet, row, col, state, book.fmt())
        _number(sheet, row, col + 1, sum(u.status == state for u in units), book.fmt(align="center"))
    chart = book.workbook.add_chart({"type": "pie"})
    chart.add_series(
        {
            "name": "报送进度",
            "categories": [SHEET_UNITS, 1, col, len(states), col],
            "values": [SHEET_UNITS, 1, col + 1, len(states), col + 1],
            "data_labels": {"value": True, "category": True},
            "points": [{"fill": {"color": "#70AD47"}}, {"fill": {"color": "#FFC000"}}, {"fill": {"color": "#C00000"}}],
        }
    )
    # The summary shares its rows with the list: filtering the list (e.g. to 未报送)
    # hides them, and a chart leaves out hidden cells unless told otherwise.
    chart.show_hidden_data()
    chart.set_title({"name": "报送进度（单位数）", "name_font": {"name": HEADER_FONT, "size": 12}})
    chart.set_legend({"position": "bottom", "font": {"name": BODY_FONT}})
    _check(sheet.insert_chart(len(states) + 2, col, chart), "progress chart")


# ---------------------------------------------------------------------------
# 明细 and 问题清单
# ---------------------------------------------------------------------------

DETAIL_WIDTHS = (22, 6, 24, 60, 6, 36, 14, 17, 14)
TASK_SHORT = 24


def short(text: str, size: int = TASK_SHORT) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _write_details_sheet(book: _Book, master: Master) -> None:
    sheet = book.workbook.add_worksheet(SHEET_DETAILS)
    for col, width in enumerate(DETAIL_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    rows = max(len(master.details), 1)  # an Excel table needs one data row
    columns = [{"header": name, "header_format": book.header()} for name in DETAIL_COLUMNS]
    _check(sheet.add_table(0, 0, rows, len(DETAIL_COLUMNS) - 1, {"columns": columns, "name": "明细表", "style": "Table Style Light 9"}), "明细 table")
    plain, centre = book.fmt(), book.fmt(align="center")
    time_fmt = book.fmt(num_format="yyyy-mm-dd hh:mm", align="center")
    tasks = {task.no: short(task.text) for task in master.catalogue.tasks}
    for row, entry in enumerate(master.details, start=1):
        book.text(sheet, row, 0, entry.unit, plain)
        _number(sheet, row, 1, entry.task, centre)
        book.text(sheet, row, 2, tasks.get(entry.task, ""), plain)
        book.text(sheet, row, 3, entry.text, plain)
        _number(sheet, row, 4, wordcount.count(entry.text), centre)
        book.text(sheet, row, 5, entry.file, plain)
        book.text(sheet, row, 6, entry.cell, plain)
        _time(book, sheet, row, 7, entry.saved_at, time_fmt, centre)
        book.text(sheet, row, 8, "是" if entry.superseded else "否", centre)
        wrapped = [(entry.text, DETAIL_WIDTHS[3]), (entry.file, DETAIL_WIDTHS[5])]
        _check(sheet.set_row(row, book.row_height(wrapped)), "set_row")
    _check(sheet.set_row(0, 24), "set_row")
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, 0)


FINDING_WIDTHS = (6, 18, 20, 6, 30, 14, 50, 50)


def _write_findings_sheet(book: _Book, master: Master) -> None:
    sheet = book.workbook.add_worksheet(SHEET_FINDINGS)
    for col, width in enumerate(FINDING_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, FINDING_COLUMNS)
    plain, centre = book.fmt(), book.fmt(align="center")
    error = book.fmt(align="center", font_color="#C00000")
    for row, f in enumerate(master.findings, start=1):
        cells = finding_cells(f)
        for col, text in enumerate(cells):
            fmt = (error if f.severity is Severity.ERROR else centre) if col in (0, 3) else plain
            book.text(sheet, row, col, text, fmt)
        wrapped = [(cells[col], FINDING_WIDTHS[col]) for col in (4, 6, 7)]
        _check(sheet.set_row(row, book.row_height(wrapped)), "set_row")
    _check(sheet.autofilter(0, 0, max(len(master.findings), 1), len(FINDING_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, 0)


# ---------------------------------------------------------------------------


def write_master(master: Master, path: str | Path) -> Path:
    """Write the master workbook to ``path`` atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as temp:
        book = _Book(temp)
        _write_table_sheet(book, master)
        _write_units_sheet(book, master)
        _write_details_sheet(book, master)
        _write_findings_sheet(book, master)
        book.workbook.set_properties({"title": master.catalogue.title, "subject": "任务完成情况汇总", "created": master.made_at})
        book.workbook.close()
    return path
