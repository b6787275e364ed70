"""Reading returned files into forms: where the form is, what the unit typed, what the file says about itself."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
import xlsxwriter

from wbtool import identity
from wbtool.io import read
from wbtool.io import read_docx, read_sheet
from wbtool.io.read_sheet import Grid, display_text
from wbtool.model import ReturnedFile

from office import convert

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "read"
PASSWORD = "wbtool"
UNIT = "宜兴市"
TASKS = ["7", "10", "22", "23", "43"]  # what the catalogue gives 宜兴市, in template order


def on_disk(name: str) -> ReturnedFile:
    return ReturnedFile(origin=("回收", name), path=str(FIXTURES / name))


def read_fixture(name: str, password: str | None = None):
    return read.read_file(on_disk(name), password)


def codes(result) -> list[str]:
    return [finding.code for finding in result.findings]


# --- the real template, filled ---------------------------------------------------


def test_filled_template_gives_every_task_row_with_its_cell():
    result = read_fixture("filled-template.xlsx")
    assert result.role == "form" and codes(result) == []
    form = result.form
    assert (form.sheet, form.header_row, form.kind) == ("填报表", 4, "xlsx")
    assert [row.no for row in form.rows] == TASKS
    assert [row.entry_cell for row in form.rows] == [f"填报表!E{row}" for row in range(5, 10)]
    assert form.rows[0].entry == "宜兴市已完成职业学校布局调整，整合三所中职学校。"
    assert form.rows[2].entry is None
    assert all(row.entry_formula is None for row in form.rows)  # the 字数 column's formulas are not entries
    assert form.rows[0].section.startswith("（一）")


def test_paragraph_indent_kept_line_breaks_kept():
    entry = read_fixture("filled-template.xlsx").form.rows[1].entry
    assert entry == "　　第一段：建成市级实训基地两个。\n第二段：新增订单班五个。"


def test_identity_read_from_the_property_and_the_defined_name():
    form = read_fixture("filled-template.xlsx").form
    # The hidden sheet is only the fallback: the property already says the same.
    assert sorted(identity.source for identity in form.identities) == ["name", "property"]
    assert {(identity.unit, identity.batch, identity.catalogue) for identity in form.identities} == {
        (UNIT, "fixture-1", "wuxi-2022")
    }


def without_custom_properties(data: bytes) -> bytes:
    """The package without docProps/custom.xml, as a copy that lost its properties looks."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "docProps/custom.xml":
                target.writestr(info, source.read(info))
    return out.getvalue()


def test_identity_falls_back_to_the_hidden_sheet_when_the_property_is_lost():
    data = without_custom_properties((FIXTURES / "filled-template.xlsx").read_bytes())
    form = read.read_file(ReturnedFile(origin=("回收", "附件2.xlsx"), data=data)).form
    assert sorted(identity.source for identity in form.identities) == ["name", "sheet"]
    assert {identity.unit for identity in form.identities} == {UNIT}
    assert [row.no for row in form.rows] == TASKS  # the form is still the visible sheet


def test_saved_time_and_application_come_from_the_package():
    form = read_fixture("filled-template.xlsx").form
    assert form.saved_at is not None and form.saved_at.tzinfo is not None
    assert "Openpyxl" in form.application  # the fixture was last saved by openpyxl


def test_bytes_from_a_container_read_like_a_file_on_disk():
    data = (FIXTURES / "filled-template.xlsx").read_bytes()
    in_zip = ReturnedFile(origin=("回收.zip", "附件2.xlsx"), data=data)
    assert read.read_file(in_zip) == read_fixture("filled-template.xlsx")


def test_xlsx_under_an_xls_name_is_sniffed():
    result = read_fixture("xlsx-saved-under-xls-name.xls")
    assert result.role == "form" and result.form.kind == "xlsx"
    assert [row.no for row in result.form.rows] == TASKS


# --- where the form is -------------------------------------------------------------


def test_header_found_lower_down_on_a_renamed_sheet_after_another_sheet():
    result = read_fixture("header-row-6-sheet-renamed-after-notes-sheet.xlsx")
    form = result.form
    assert (form.sheet, form.header_row) == ("Sheet 1", 6)
    # the repeated header row 8 is skipped, not read as a task
    assert [(row.row, row.no, row.entry) for row in form.rows] == [(7, "1", "已建立。"), (9, "2", "已成立。")]
    assert form.rows[0].entry_cell == "'Sheet 1'!E7"


def test_columns_mapped_by_header_text_not_position():
    form = read_fixture("columns-reordered-no-number.xlsx").form
    first, second = form.rows
    assert (first.no, first.task, first.entry) == (None, "3. 构建全员全过程全方位育人机制。", "完成了。")
    assert first.entry_cell == "填报表!A3" and first.section == "（一）党建工程"
    assert second.entry is None


def test_spreadsheet_without_a_form_is_form_not_found():
    result = read_fixture("no-form-sheet.xlsx")
    assert result.role == "unreadable" and codes(result) == ["form-not-found"]
    assert result.findings[0].file == "回收 › no-form-sheet.xlsx"


def _workbook(sheets: dict[str, tuple[tuple[str, ...], ...]], hidden: set[str]) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as book:
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
            if name in hidden:
                sheet.hide()
        # Excel shows the active sheet, so it cannot be hidden: the first visible sheet is the active one.
        next(sheet for sheet in book.worksheets() if sheet.name not in hidden).activate()
    return out.getvalue()


def test_hidden_sheet_comes_after_visible_ones_and_identity_sheet_is_never_the_form():
    header = ("序号", "主要任务", "完成情况")
    # In sheet order: a hidden old copy first, the form, then a visible identity sheet that looks like a form.
    sheets = {
        "旧表": (header, ("1", "旧任务", "旧文字")),
        "新表": (("说明",), header, ("1", "任务", "文字")),
        identity.SHEET: (header, ("1", "标记", "标记")),
    }
    data = _workbook(sheets, hidden={"旧表"})
    layout = read.find_form(read_sheet.read_workbook(data))
    assert layout.grid.name == "新表" and layout.header == 1
    assert read.read_file(ReturnedFile(origin=("回收", "两张表.xlsx"), data=data)).form.sheet == "新表"


def test_header_cells_match_by_prefix_without_white_space():
    row = (None, "序 号", "主要\n任务", "完成情况（每项字数控制在300字以内）", "字数")
    assert read.header_columns(row) == {"no": 1, "task": 2, "entry": 3, "count": 4}
    assert read.header_columns(("序号", "主要任务", "备注")) is None


def test_header_beyond_the_search_window_is_not_taken():
    header = ("主要任务", "完成情况")
    late = Grid("表", tuple([("",)] * read.HEADER_SEARCH_ROWS + [header, ("任务", "文字")]))
    assert read.find_form([late]) is None


# --- honest text -----------------------------------------------------------------


def test_numbers_dates_and_newlines_become_the_text_shown():
    form = read_fixture("numbers-dates-newlines-in-entries.xlsx").form
    entries = [row.entry for row in form.rows]
    assert entries == ["2024", "3.5", "2024-01-05", "2024-01-05 10:30:00", "第一段\n第二段", "第一段\n第二段", None]
    assert [row.no for row in form.rows] == ["1", "2", "3", "4", "5", "6", "7"]


@pytest.mark.parametrize(
    "value, text",
    [(2024.0, "2024"), (0.1 + 0.2, "0.3"), (1e20, "1e+20"), (-3, "-3"), (True, "TRUE"), ("", None), (None, None)],
)
def test_display_text_rule(value, text):
    assert display_text(value) == text


def test_formula_in_entry_is_flagged_with_its_text():
    form = read_fixture("formula-in-entry.xlsx").form
    flagged = [(row.entry_cell, row.entry_formula) for row in form.rows if row.entry_formula]
    assert flagged == [("填报表!E6", "=C6")]
    assert form.rows[0].entry == "已完成。"


# --- Word --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, table", [("form-in-word-table-merged-sections.docx", "表1"), ("form-in-nested-word-table.docx", "表2")]
)
def test_form_in_a_word_table(name, table):
    result = read_fixture(name)
    assert result.role == "form" and result.form.kind == "docx"
    rows = result.form.rows
    assert [row.no for row in rows] == [None] * 4  # the Word table has no 序号: the checker matches by text
    assert [row.task[:2] for row in rows] == ["1.", "2．", "9.", "10"]
    assert [row.entry_cell for row in rows] == [f"{table} 第{n}行" for n in (2, 3, 5, 6)]  # 第4行 repeats the header
    # 工程名称 is merged down: every row of the merge gets it, and only once per logical cell
    assert [row.section for row in rows] == ["（一）坚持党建引领"] * 2 + ["（二）完善结构布局"] * 2
    assert rows[1].entry == "已成立联盟，\n成员 30 家。"
    assert rows[2].entry is None


def test_word_document_without_a_form_is_an_attachment():
    result = read_fixture("work-summary-without-form.docx")
    assert result.role == "attachment" and result.form is None and codes(result) == []


def test_merged_word_cells_are_one_value_each():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "横跨三列"
    table.cell(1, 0).text = "a"
    buffer = io.BytesIO()
    document.save(buffer)
    (grid,) = read_docx.read_tables(buffer.getvalue())
    assert grid.rows[0] == ("横跨三列", None, None)
    assert grid.merges == ((0, 0, 0, 2),)


# --- other files -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scanned-notice.pdf"])
def test_other_documents_are_attachments(name):
    assert read_fixture(name).role == "attachment"


def test_text_files_are_attachments(tmp_path):
    text = tmp_path / "说明.txt"
    text.write_text("附件已发送。", encoding="utf-8")
    assert read.read_file(ReturnedFile(origin=(text.name,), path=str(text))).role == "attachment"


@pytest.mark.parametrize("name", ["truncated-workbook.xlsx", "web-page-saved-as.xls"])
def test_broken_spreadsheets_are_unreadable_with_advice(name):
    result = read_fixture(name)
    assert result.role == "unreadable" and codes(result) == ["file-unreadable"]
    assert "另存为" in result.findings[0].message


def test_macro_part_is_reported_and_the_content_still_read():
    result = read_fixture("macro-part-present.xlsm")
    assert result.role == "form" and codes(result) == ["macro-present"]
    assert result.form.has_macros and len(result.form.rows) == 5


def test_parser_panic_becomes_a_finding(monkeypatch):
    class PanicLike(BaseException):  # pyo3's PanicException is not an Exception
        pass

    def panic(*args, **kwargs):
        raise PanicLike("index out of bounds")

    monkeypatch.setattr(read_sheet, "read_workbook", panic)
    result = read_fixture("filled-template.xlsx")
    assert result.role == "unreadable" and codes(result) == ["file-unreadable"]


def test_keyboard_interrupt_is_not_swallowed(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(read_sheet, "read_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_fixture("filled-template.xlsx")


# --- passwords ---------------------------------------------------------------------


def test_encrypted_without_password_asks_for_one():
    result = read_fixture(f"encrypted-password-{PASSWORD}.xlsx")
    assert result.role == "unreadable" and codes(result) == ["file-encrypted"]
    assert "--password" in result.findings[0].message


def test_encrypted_with_wrong_password_says_so():
    result = read_fixture(f"encrypted-password-{PASSWORD}.xlsx", password="not-it")
    assert result.role == "unreadable" and codes(result) == ["file-encrypted"]
    assert "密码不对" in result.findings[0].message


def test_encrypted_with_password_reads_like_the_plain_file():
    result = read_fixture(f"encrypted-password-{PASSWORD}.xlsx", password=PASSWORD)
    assert result.role == "form"
    assert result.form.rows == read_fixture("filled-template.xlsx").form.rows


# --- through LibreOffice -------------------------------------------------------------


@pytest.mark.soffice
def test_xls_saved_by_libreoffice_keeps_entries_and_identity(tmp_path):
    (xls,) = convert([FIXTURES / "filled-template.xlsx"], "xls", tmp_path)
    result = read.read_file(ReturnedFile(origin=(xls.name,), path=str(xls)))
    assert result.role == "form" and result.form.kind == "xls"
    original = read_fixture("filled-template.xlsx").form
    assert [(row.no, row.entry, row.entry_cell) for row in result.form.rows] == [
        (row.no, row.entry, row.entry_cell) for row in original.rows
    ]
    assert {identity.unit for identity in result.form.identities} == {UNIT}
    assert "sheet" in {identity.source for identity in result.form.identities}
    assert result.form.saved_at is not None


@pytest.mark.soffice
def test_ods_saved_by_libreoffice_keeps_entries_and_identity(tmp_path):
    (ods,) = convert([FIXTURES / "filled-template.xlsx"], "ods", tmp_path)
    result = read.read_file(ReturnedFile(origin=(ods.name,), path=str(ods)))
    assert result.role == "form" and result.form.kind == "ods"
    assert [row.entry for row in result.form.rows] == [row.entry for row in read_fixture("filled-template.xlsx").form.rows]
    assert "property" in {identity.source for identity in result.form.identities}
    # With the property there the hidden sheet is not read, but it survives too.
    grids = read_sheet.read_workbook(ods.read_bytes(), always=frozenset({identity.SHEET}))
    marker = next(grid for grid in grids if grid.name == identity.SHEET)
    assert identity.from_sheet_rows(marker.rows).unit == UNIT
    assert result.form.application.startswith("LibreOffice")


def test_missing_file_is_unreadable_not_an_exception(tmp_path):
    gone = ReturnedFile(origin=("已删除.xlsx",), path=str(tmp_path / "已删除.xlsx"))
    result = read.read_file(gone)
    assert result.role == "unreadable" and codes(result) == ["file-unreadable"]


@pytest.mark.soffice
def test_old_word_document_is_an_attachment(tmp_path):
    (doc,) = convert([FIXTURES / "form-in-word-table-merged-sections.docx"], "doc", tmp_path)
    assert read.read_file(ReturnedFile(origin=(doc.name,), path=str(doc))).role == "attachment"


def test_a_row_merged_across_the_table_is_the_section_of_the_rows_below():
    rows = (
        ("序号", "主要任务", "完成情况"),
        ("（一）党建工程", None, None),
        ("1", "任务一", "文字一"),
        ("注", None, None),  # a lone cell, not merged: not a title
        ("2", "任务二", None),
    )
    layout = read.find_form([Grid("表", rows, merges=((1, 0, 1, 2),))])
    result = read.form_rows(layout, lambda r, c: f"R{r}")
    assert [(row.no, row.section, row.entry_cell) for row in result] == [
        ("1", "（一）党建工程", "R2"),
        ("2", "（一）党建工程", "R4"),
    ]


def test_repeated_header_rows_are_skipped_but_tasks_that_start_like_a_label_are_kept():
    rows = (
        ("序号", "主要任务", "完成情况"),
        ("1", "主动对接产业，建设实训基地", "完成。"),
        ("序 号", " 主 要\n任 务 ", "　完成情况（每项字数控制在300字以内）"),  # the table's header again, as wrapped on a new page
        ("2", "任务二", "文字二"),
    )
    result = read.form_rows(read.find_form([Grid("表", rows)]), lambda r, c: f"R{r}")
    assert [(row.no, row.entry_cell) for row in result] == [("1", "R1"), ("2", "R3")]


def test_wps_is_recognised_although_it_calls_itself_excel():
    form = read_fixture("wps-resaved.xlsx").form
    assert form.application == "WPS Office"
    assert {identity.unit for identity in form.identities} == {UNIT}


# --- hostile or unusual metadata parts ------------------------------------------------


def _with_custom_xml(custom: bytes) -> ReturnedFile:
    """The filled fixture with its docProps/custom.xml replaced."""
    source = (FIXTURES / "filled-template.xlsx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, custom if info.filename == "docProps/custom.xml" else old.read(info))
    return ReturnedFile(origin=("回收", "custom-props.xlsx"), data=out.getvalue())


def _original_custom() -> str:
    with zipfile.ZipFile(FIXTURES / "filled-template.xlsx") as package:
        return package.read("docProps/custom.xml").decode("utf-8")


def _property_sources(file: ReturnedFile) -> list[str]:
    result = read.read_file(file)
    assert result.role == "form" and len(result.form.rows) == 5  # the form is read in any case
    return sorted(identity.source for identity in result.form.identities)


@pytest.mark.parametrize(
    "declaration",
    [
        # billion laughs
        '<!DOCTYPE Properties [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
        # an external entity
        '<!DOCTYPE Properties [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["entity-bomb", "external-entity"],
)
def test_custom_properties_that_declare_entities_are_refused_not_expanded(declaration):
    custom = _original_custom().replace("wuxi-2022", "&d;" if "ENTITY d" in declaration else "&x;", 1)
    file = _with_custom_xml((declaration + custom).encode("utf-8"))
    assert _property_sources(file) == ["name", "sheet"]  # the property identity is dropped, nothing expanded


def test_custom_properties_with_a_comment_or_in_utf16_are_still_read():
    with_comment = _original_custom().replace("<property ", "<!-- saved by hand --><property ", 1).encode("utf-8")
    utf16 = _original_custom().encode("utf-16")
    assert _property_sources(_with_custom_xml(with_comment)) == ["name", "property"]
    assert _property_sources(_with_custom_xml(utf16)) == ["name", "property"]


def test_a_row_that_only_starts_like_the_header_keeps_its_text():
    # Nothing lost: "完成情况：…" typed under a task that starts with 主要任务 is a unit's text.
    header = ["序号", "主要任务", "完成情况（每项字数控制在300字以内）"]
    typed = [None, "主要任务：推进职教园建设", "完成情况：2022年已建成实训基地3个。"]
    repeated = [None, "主要任务", "完成情况（每项字数控制在300字以内）"]
    rows = [header, ["1", "建设中心。", "已完成。"], repeated, typed]
    grid = Grid(name="填报表", rows=tuple(tuple(row) for row in rows))
    layout = read.find_form([grid])
    rows = read.form_rows(layout, lambda r, c: f"填报表!{r}:{c}")
    assert [row.entry for row in rows] == ["已完成。", "完成情况：2022年已建成实训基地3个。"]
