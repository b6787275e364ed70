"""Writing the fill-in workbook (填报表) a unit receives.

The layout is a contract: the reader finds the sheet ``FILL_SHEET``, the header row
``HEADER_ROW`` whose cells start with the texts in ``columns(catalogue)``, and one
task per row from ``FIRST_DATA_ROW``.  Everything else here is for the person who
fills it in and prints it: protection, a live 字数 counter, data validation, red
highlighting over the limit, print setup and row heights for wrapped Chinese text.

Only xlsxwriter is used: it writes a workbook in a few milliseconds and lets us set
every detail (custom properties, defined names, validation) explicitly.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterator

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from .. import identity as identities
from .. import wordcount
from .. import layout
from ..model import Assignment, Catalogue, Identity, Task
from ..owners import Registry, split_suffix
from .xlsx_common import (
    BODY_FONT,
    FILL_ENTRY,
    FILL_HEADER,
    FILL_LOCKED,
    FILL_OVER,
    FONT_OVER,
    GB2312_CHARSET,
    HEADER_FONT,
    TITLE_FONT,
    Workbook,
    XlsxRefused,
    line_count,
    print_setup,
    row_height,
    workbook_options,
)
from .xlsx_common import check as check_call

# ---------------------------------------------------------------------------
# The contract the reader and checker rely on (rows are 1-based, as Excel shows them).
# ---------------------------------------------------------------------------

FILL_SHEET = "填报表"
GUIDE_SHEET = "填报说明"
TITLE_ROW = 1
INFO_ROW = 2  # the sign-off line: 填报单位（盖章）, 经办人, 联系电话, 填报日期
NOTE_ROW = 3  # how to fill in, and the counting rule
HEADER_ROW = 4
FIRST_DATA_ROW = 5

HEADER_COUNT = layout.COUNT.label
LEAD_MARK = "（牵头）"
OWN_MARK = "（含本单位）"


@dataclass(frozen=True)
class Column:
    key: str  # no / section / task / owners / deadline / entry / count
    header: str
    width: float  # Excel column width (character units of the body font)


# Excel column widths of the fill-in sheet, by role (character units of the body font).
WIDTHS = {"no": 5.5, "section": 16, "task": 42, "owners": 22, "deadline": 10, "entry": 66, "count": 7}


def columns(catalogue: Catalogue) -> tuple[Column, ...]:
    """The columns of the fill-in sheet, in order (the headers are ``layout``'s)."""
    return tuple(Column(role, header, WIDTHS[role]) for role, header in layout.form_headers(catalogue))


def column_index(catalogue: Catalogue, key: str) -> int:
    """0-based index of the column ``key`` (e.g. ``"entry"``)."""
    return next(i for i, col in enumerate(columns(catalogue)) if col.key == key)


def entry_cells(catalogue: Catalogue, task_count: int) -> str:
    """The range of 完成情况 cells as Excel writes it: ``E5:E47``, or ``E5`` for one task."""
    col = column_index(catalogue, "entry")
    return xl_range(FIRST_DATA_ROW - 1, col, FIRST_DATA_ROW - 2 + task_count, col)


# The name this module has always had for a refused call (a CannotWrite).
TemplateError = XlsxRefused


# ---------------------------------------------------------------------------
# Sizes.  Row heights come from xlsx_common's width model of wrapped Chinese text.
# ---------------------------------------------------------------------------

BODY_PT = 11
HEADER_PT = 12
TITLE_PT = 18


# ---------------------------------------------------------------------------
# 责任单位 as the unit reads it.
# ---------------------------------------------------------------------------


def owners_label(registry: Registry, task: Task, unit: str) -> str:
    """e.g. ``市教育局（牵头）、市财政局`` or ``各职业学校、技工院校（含本单位）``.

    Units are given their full names; groups stay as the table writes them, marked
    when they include the receiving unit, so a school sees why the task is its own.
    """
    tokens = registry.parse(task.owners_text)
    # A unit that owns the task without being named owns it through a group.
    via_group = unit in task.owners and all(token.unit != unit for token in tokens)
    parts: list[str] = []
    for position, token in enumerate(tokens):
        if token.group:
            group = registry.group(token.group)
            mine = via_group and (group.per_task or unit in registry.members(group))
            parts.append(token.group + (OWN_MARK if mine else ""))
        else:
            name = token.unit or token.text
            lead = position == 0 and name == task.lead and len(tokens) > 1
            parts.append(name + (LEAD_MARK if lead else ""))
    return "、".join(parts) + split_suffix(task.owners_text)[1]


def sign_off(unit: str) -> str:
    """The line a stamped copy (盖章版) is signed on, under the title as on official forms.

    Printed on the first page and locked: the unit writes and stamps it by hand on
    the printout; the file's 填报单位 is already there.
    """
    gap = "　" * 5
    return f"填报单位（盖章）：{unit}{gap}经办人：{gap}联系电话：{gap}填报日期：　　　　年　　月　　日"


def guide_rows(catalogue: Catalogue, unit: str, task_count: int) -> list[tuple[str, str]]:
    """The (项目, 内容) rows of the 填报说明 sheet; facts the catalogue lacks are left out."""
    notice, label, limit = catalogue.notice, catalogue.entry_label, catalogue.limit
    return guide_frame(catalogue, unit, [
        ("填报期间", notice.period),
        ("填报内容", f"本单位负责的 {task_count} 项任务的{label}，每项一格，写在“{FILL_SHEET}”工作表的黄色单元格中。"),
        ("字数要求", f"每项不超过 {limit} 字。“{HEADER_COUNT}”栏自动计数，超过时该行变红，请删减后再报送。"),
        ("计字规则", wordcount.RULE + "。汇总时按同一规则核查字数。"),
        (
            "注意事项",
            f"1. 只填写“{label}”栏，请勿改动序号、工程名称、主要任务、责任单位；\n"
            "2. 请勿增删行、列或工作表，勿改动工作表名称；\n"
            "3. 本表已设保护（无密码），仅为防止误改；可调整行高、列宽；\n"
            "4. 用 Excel 或 WPS 填写后直接保存为 .xlsx，文件名保留本单位名称；\n"
            "5. 某项暂无进展的，也请如实简要说明。",
        ),
    ])


def guide_frame(catalogue: Catalogue, unit: str, body: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The 填报说明 rows every form kind shares (notice, unit, deadline, contact) around
    its own ``body``; facts the catalogue lacks are left out."""
    notice = catalogue.notice
    rows = [
        ("通知", notice.title),
        ("发文单位", notice.issuer),
        ("填报单位", unit),
        *body,
        ("报送截止", notice.deadline),
        ("报送方式", notice.how_to_return),
        ("联系人", notice.contact),
        ("联系电话", notice.phone),
        ("电子邮箱", notice.email),
    ]
    return [(key, value) for key, value in rows if value]


# ---------------------------------------------------------------------------
# Formats: every one names its font, so nothing falls back to Calibri.
# ---------------------------------------------------------------------------

ENTRY_FILL = FILL_ENTRY  # yellow: "type here", as the master's 定稿
LOCKED_FILL = FILL_LOCKED
OVER_FONT = FONT_OVER  # red, as in the master
OVER_FILL = FILL_OVER


def _formats(book: xlsxwriter.Workbook) -> dict[str, xlsxwriter.format.Format]:
    # font_scheme none: a font tied to the theme is shown as the theme's font.
    base = {"font_name": BODY_FONT, "font_size": BODY_PT, "font_charset": GB2312_CHARSET, "font_scheme": "none", "text_wrap": True}
    grid = {**base, "border": 1, "valign": "vcenter"}
    spec = {
        "title": {**base, "font_name": TITLE_FONT, "font_size": TITLE_PT, "align": "center", "valign": "vcenter"},
        "info": {**base, "valign": "vcenter"},
        "note": {**base, "font_size": 10, "valign": "top"},
        "header": {**grid, "font_name": HEADER_FONT, "font_size": HEADER_PT, "align": "center", "bg_color": FILL_HEADER},
        "center": {**grid, "align": "center", "bg_color": LOCKED_FILL},
        "text": {**grid, "align": "left", "bg_color": LOCKED_FILL},
        "entry": {**grid, "valign": "top", "locked": False, "bg_color": ENTRY_FILL, "num_format": "@"},
        "count": {**grid, "align": "center", "bg_color": LOCKED_FILL, "num_format": "0"},
        "over": {"font_color": OVER_FONT, "bg_color": OVER_FILL, "bold": True},
        "guide_key": {**grid, "font_name": HEADER_FONT, "align": "center"},
        "guide_value": {**grid, "align": "left"},
        "plain": base,
    }
    return {name: book.add_format(props) for name, props in spec.items()}


# ---------------------------------------------------------------------------
# The workbook.
# ---------------------------------------------------------------------------

WORKBOOK_OPTIONS = workbook_options(in_memory=True)
PROTECTION = {
    "format_cells": False,
    "format_columns": True,  # resizing columns and rows is allowed: long texts need it
    "format_rows": True,
    "insert_rows": False,
    "delete_rows": False,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def write_template(
    catalogue: Catalogue,
    assignment: Assignment,
    identity: Identity,
    target: str | Path | BinaryIO,
    *,
    created: datetime | None = None,
) -> None:
    """Write the fill-in workbook of one unit to ``target`` (a path or a binary file).

    Raises ``TemplateError`` when xlsxwriter refuses a call (our bug).
    """
    with strict_workbook(target) as book:
        _Writer(book, catalogue, assignment, identity).write(created)


@contextmanager
def strict_workbook(target: str | Path | BinaryIO) -> Iterator[xlsxwriter.Workbook]:
    """A fill-in workbook written to ``target`` and closed on leaving; a refused call raises ``TemplateError``."""
    if isinstance(target, Path):
        target = str(target)
    with warnings.catch_warnings():
        # xlsxwriter reports some refusals only as warnings (e.g. a validation
        # message over Excel's limit is dropped): make them loud.
        warnings.simplefilter("error")
        try:
            book = Workbook(target, WORKBOOK_OPTIONS)
            yield book
            book.close()
        except UserWarning as exc:
            raise TemplateError(f"xlsxwriter: {exc}") from exc


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook, catalogue: Catalogue, assignment: Assignment, identity: Identity):
        self.book = book
        self.catalogue = catalogue
        self.assignment = assignment
        self.identity = identity
        self.unit = assignment.unit.name
        self.fmt = _formats(book)
        self.registry = catalogue.registry
        self.cols = columns(catalogue)
        self.col = {c.key: i for i, c in enumerate(self.cols)}
        self._full_entry_lines = line_count("字" * catalogue.limit, self.cols[self.col["entry"]].width)

    def write(self, created: datetime | None) -> None:
        fill = self.book.add_worksheet(FILL_SHEET)
        guide = self.book.add_worksheet(GUIDE_SHEET)
        hidden = self.book.add_worksheet(identities.SHEET)
        self._fill_sheet(fill)
        self._guide_sheet(guide)
        self._identity(hidden, created)
        fill.activate()

    # -- 填报表 ------------------------------------------------------------
    def _fill_sheet(self, ws) -> None:
        last_col = len(self.cols) - 1
        for i, col in enumerate(self.cols):
            check_call(ws.set_column(i, i, col.width), "set_column")
        self._heading(ws, last_col)
        for i, col in enumerate(self.cols):
            check_call(ws.write_string(HEADER_ROW - 1, i, col.header, self.fmt["header"]), "header")
        header_lines = max(line_count(c.header, c.width, HEADER_PT) for c in self.cols)
        check_call(ws.set_row(HEADER_ROW - 1, row_height(header_lines, HEADER_PT)), "header height")
        for i, task in enumerate(self.assignment.tasks):
            self._task_row(ws, FIRST_DATA_ROW - 1 + i, task)
        self._entry_rules(ws)
        self._print_setup(ws, last_col)
        ws.protect("", PROTECTION)

    def _heading(self, ws, last_col: int) -> None:
        title = f"{self.catalogue.title}（{self.unit}）"
        check_call(ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last_col, title, self.fmt["title"]), "title")
        total_width = sum(c.width for c in self.cols)
        check_call(ws.set_row(TITLE_ROW - 1, row_height(line_count(title, total_width, TITLE_PT), TITLE_PT)), "title")
        info_text = sign_off(self.unit)
        check_call(ws.merge_range(INFO_ROW - 1, 0, INFO_ROW - 1, last_col, info_text, self.fmt["info"]), "info")
        check_call(ws.set_row(INFO_ROW - 1, row_height(line_count(info_text, total_width))), "info")
        note = self._note()
        check_call(ws.merge_range(NOTE_ROW - 1, 0, NOTE_ROW - 1, last_col, note, self.fmt["note"]), "note")
        check_call(ws.set_row(NOTE_ROW - 1, row_height(line_count(note, total_width, 10), 10)), "note")

    def _note(self) -> str:
        label, limit, deadline = self.catalogue.entry_label, self.catalogue.limit, self.catalogue.notice.deadline
        return (
            f"本单位任务 {len(self.assignment.tasks)} 项" + (f"，报送截止：{deadline}" if deadline else "") + "。"
            f"填写说明：只在黄色的“{label}”栏填写，每项不超过 {limit} 字；计字规则：{wordcount.RULE}。"
            f"“{HEADER_COUNT}”栏自动计数，超过 {limit} 字时该行变红，请删减。"
            f"请勿改动任务内容，勿增删行、列或工作表。详见“{GUIDE_SHEET}”工作表。"
        )

    def _task_row(self, ws, row: int, task: Task) -> None:
        """Write one task and give its row the height its wrapped texts need.

        Unlike the official table, the fill-in sheet does not merge 工程名称 over its
        tasks: its rows are tall (room for 300 字), so a merged cell often spans a page
        break, and LibreOffice and Excel then print its text on a later page or not at
        all.  One title per row also keeps every row whole when a unit copies it out.
        """
        fmt, col = self.fmt, self.col
        owners = owners_label(self.registry, task, self.unit)
        check_call(ws.write_number(row, col["no"], task.no, fmt["center"]), "序号")
        check_call(ws.write_string(row, col["section"], task.section, fmt["center"]), "工程名称")
        check_call(ws.write_string(row, col["task"], task.text, fmt["text"]), "主要任务")
        check_call(ws.write_string(row, col["owners"], owners, fmt["text"]), "责任单位")
        if "deadline" in col:
            check_call(ws.write_string(row, col["deadline"], task.deadline or "", fmt["center"]), "完成年限")
        check_call(ws.write_blank(row, col["entry"], None, fmt["entry"]), "完成情况")
        entry = xl_rowcol_to_cell(row, col["entry"])
        check_call(ws.write_formula(row, col["count"], "=" + wordcount.excel_formula(entry), fmt["count"], 0), "字数")
        lines = max(
            line_count(task.section, self.cols[col["section"]].width),
            line_count(task.text, self.cols[col["task"]].width),
            line_count(owners, self.cols[col["owners"]].width),
            self._full_entry_lines + 1,  # room for a full-length entry, and a line to spare
        )
        check_call(ws.set_row(row, row_height(lines)), "row height")

    def _entry_rules(self, ws) -> None:
        n = len(self.assignment.tasks)
        if not n:
            return
        label, limit = self.catalogue.entry_label, self.catalogue.limit
        col, count = self.col["entry"], self.col["count"]
        first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 2 + n
        top_left = xl_rowcol_to_cell(first, col)
        validation = {
            "validate": "custom",
            "value": f"={wordcount.excel_formula(top_left)}<={limit}",
            "ignore_blank": True,
            "input_title": f"填写{label}（不超过{limit}字）",
            "input_message": f"请填写本单位该项任务的{label}，不超过{limit}字。计字：汉字、字母、数字、标点各计1字，空格和换行不计。右侧“字数”栏实时显示字数。",
            "error_title": "超出字数限制",
            "error_message": f"每项{label}不超过{limit}字（空格和换行不计）。请删减后重新输入；较长的内容可先在 Word 中改好再粘贴。",
            "error_type": "stop",
        }
        check_call(ws.data_validation(first, col, last, col, validation), "data_validation")
        # One rule over 完成情况 and 字数 together ($ pins the column): the whole
        # row's entry turns red, and xlsxwriter prepares one formula, not two.
        pinned = xl_rowcol_to_cell(first, col, col_abs=True)
        rule = {"type": "formula", "criteria": f"={wordcount.excel_formula(pinned)}>{limit}", "format": self.fmt["over"]}
        check_call(ws.conditional_format(first, min(col, count), last, max(col, count), rule), "conditional_format")

    def _print_setup(self, ws, last_col: int) -> None:
        print_setup(ws, HEADER_ROW - 1, margins=(0.4, 0.4, 0.55, 0.6))
        ws.center_horizontally()
        last_row = max(HEADER_ROW, FIRST_DATA_ROW - 1 + len(self.assignment.tasks))
        ws.print_area(0, 0, last_row - 1, last_col)
        ws.freeze_panes(HEADER_ROW, 0)

    # -- 填报说明 ----------------------------------------------------------
    def _guide_sheet(self, ws) -> None:
        write_guide(ws, self.fmt, self.catalogue, guide_rows(self.catalogue, self.unit, len(self.assignment.tasks)))

    # -- identity and document properties -----------------------------------
    def _identity(self, ws, created: datetime | None) -> None:
        write_identity(self.book, ws, self.fmt, self.catalogue, self.identity, created)


# ---------------------------------------------------------------------------
# Sheets every kind of fill-in workbook shares (text forms and indicator forms).
# ---------------------------------------------------------------------------


def write_guide(ws, fmt: dict, catalogue: Catalogue, rows: list[tuple[str, str]]) -> None:
    """The 填报说明 sheet: a title and (项目, 内容) rows, printed like the form."""
    widths = (14, 90)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    title = f"{catalogue.attachment}填报说明"
    check_call(ws.merge_range(0, 0, 0, 1, title, fmt["title"]), "guide title")
    check_call(ws.set_row(0, row_height(1, TITLE_PT)), "guide title")
    for row, (key, value) in enumerate(rows, start=1):
        check_call(ws.write_string(row, 0, key, fmt["guide_key"]), "guide key")
        check_call(ws.write_string(row, 1, value, fmt["guide_value"]), "guide value")
        check_call(ws.set_row(row, row_height(line_count(value, widths[1]))), "guide height")
    print_setup(ws, None)
    ws.protect("", PROTECTION)


def write_identity(
    book, ws, fmt: dict, catalogue: Catalogue, identity: Identity, created: datetime | None, comment: str | None = None
) -> None:
    """The hidden identity sheet, the custom properties and the defined name."""
    for row, (key, value) in enumerate(identities.sheet_rows(identity)):
        check_call(ws.write_string(row, 0, key, fmt["plain"]), "identity key")
        check_call(ws.write_string(row, 1, value, fmt["plain"]), "identity value")
    ws.hide()
    ws.protect("", PROTECTION)
    for name, value in identities.properties(identity).items():
        check_call(book.set_custom_property(name, value), f"custom property {name}")
    check_call(book.define_name(identities.DEFINED_NAME, identities.name_value(identity)), "defined name")
    cat, notice = catalogue, catalogue.notice
    properties = {
        "title": f"{cat.title}（{identity.unit}）",
        "subject": notice.title or cat.title,
        "author": notice.issuer or "wbtool",
        "company": notice.issuer,
        "category": f"{cat.attachment} 填报表",
        "keywords": f"{cat.id}, {identity.batch}",
        "comments": f"填报单位：{identity.unit}；批次：{identity.batch}；"
        + (comment or f"只在“{cat.entry_label}”栏填写，每项不超过 {cat.limit} 字。"),
    }
    if created is not None:
        properties["created"] = created
    book.set_properties(properties)
