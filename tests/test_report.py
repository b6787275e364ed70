"""The Word report (GB/T 9704 layout) and the second round trip through an edited master."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from masters import sample_result, shared_task, table_rows
from wbtool.cli import main
from wbtool.io.master_read import read_master
from wbtool.io.master_xlsx import write_master
from wbtool.merge import build_master
from wbtool.pipeline import report_from_master, write_report
from wbtool.report import build_report, view_of
from wbtool.text import printable

EAST_ASIA = qn("w:eastAsia")


@pytest.fixture(scope="module")
def master(wuxi):
    return build_master(sample_result(wuxi))


@pytest.fixture(scope="module")
def report_path(master, tmp_path_factory):
    return write_report(build_report(view_of(master)), tmp_path_factory.mktemp("report") / "报告.docx")


@pytest.fixture(scope="module")
def document(report_path):
    return docx.Document(str(report_path))


def east_asian(rpr) -> str | None:
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(EAST_ASIA)


# ---------------------------------------------------------------------------
# page layout
# ---------------------------------------------------------------------------


def test_sections_margins_and_orientation(document):
    body, attachment = document.sections
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert attachment.orientation == WD_ORIENT.LANDSCAPE
    assert round(body.page_width.mm) == 210 and round(body.page_height.mm) == 297
    assert round(attachment.page_width.mm) == 297 and round(attachment.page_height.mm) == 210
    for section in document.sections:
        margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)]
        assert margins == [37, 35, 28, 26]


def test_body_style_is_fangsong_sanhao_on_a_22_line_grid(document):
    style = document.styles["公文正文"]
    assert style.font.size.pt == 16
    assert east_asian(style.element.rPr) == "仿宋_GB2312"
    assert style.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.1)
    assert style.paragraph_format.first_line_indent.pt == 32  # two characters
    for name, font in (("公文标题", "方正小标宋简体"), ("一级标题", "黑体"), ("二级标题", "楷体_GB2312"), ("页码", "宋体")):
        assert east_asian(document.styles[name].element.rPr) == font
    assert document.styles["公文标题"].font.size.pt == 22


def test_every_run_names_its_east_asian_font(document):
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if run.text]
    for cell in document.tables[0]._cells:
        runs += [run for paragraph in cell.paragraphs for run in paragraph.runs if run.text]
    assert runs
    missing = [run.text for run in runs if not east_asian(run._element.rPr)]
    assert missing == []


def test_title_headings_and_rule(document, wuxi):
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert paragraphs[0] == ("公文标题", f"关于{wuxi.title}的报告")
    headings = [text for style, text in paragraphs if style == "一级标题"]
    assert headings == ["一、报送情况", "二、任务完成情况", "三、需关注的问题"]
    texts = "\n".join(text for _, text in paragraphs)
    assert "字数计算规则" in texts and "未报送单位：" in texts
    attachment = next(p for p in document.paragraphs if p.style.name == "附件标识")
    assert attachment.text == "附件2"


def test_issues_are_summarised_by_code_not_dumped(document):
    items = [p.text for p in document.paragraphs if p.style.name == "三级标题"]
    assert any(text.startswith("1.第") and "超过300字" in text for text in items)  # the over-limit task
    assert any(text.startswith("2.超出字数1处") for text in items)  # errors first
    assert not any("已被更正" in text for text in items)  # info findings are counted, not listed
    assert not any(text.split(".", 1)[1].startswith("未报送") for text in items)  # told in part one


# ---------------------------------------------------------------------------
# the 附件2 table
# ---------------------------------------------------------------------------


def test_table_one_row_per_task_with_repeating_header(document, wuxi):
    table = document.tables[0]
    rows = table._tbl.tr_lst
    assert len(rows) == 1 + len(wuxi.tasks)
    header = rows[0].trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert [c.text for c in table.rows[0].cells] == ["序号", "工程名称", "主要任务", "责任单位", "完成情况"]
    numbers = [tr.tc_lst[0].xpath("string(.)") for tr in rows[1:]]
    assert numbers == [str(t.no) for t in wuxi.tasks]
    assert document.element.body.index(table._tbl) > document.element.body.index(document.sections[0]._sectPr.getparent().getparent())


def test_section_cells_merged_vertically(document, wuxi):
    rows = document.tables[0]._tbl.tr_lst[1:]
    marks = [row.tc_lst[1].vMerge for row in rows]
    position = 0
    for section in wuxi.sections:
        span = marks[position : position + len(section.tasks)]
        if len(section.tasks) > 1:
            assert span == ["restart"] + ["continue"] * (len(section.tasks) - 1)
            assert rows[position].tc_lst[1].xpath("string(.)") == section.title
        position += len(section.tasks)


def test_table_text_is_final_else_merged(document, master):
    rows = document.tables[0]._tbl.tr_lst[1:]
    for task_row, tr in zip(master.rows, rows):
        expected = printable(task_row.final or task_row.merged).replace("\n", "")
        assert tr.tc_lst[4].xpath("string(.)") == expected


# ---------------------------------------------------------------------------
# page numbers
# ---------------------------------------------------------------------------


def test_page_numbers_odd_right_even_left_in_every_section(document):
    assert document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        refs = {ref.get(qn("w:type")) for ref in section._sectPr.findall(qn("w:footerReference"))}
        assert refs >= {"default", "even"}
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            paragraph = footer.paragraphs[0]
            xml = paragraph._p.xml
            assert "PAGE" in "".join(paragraph._p.xpath(".//w:instrText/text()"))
            assert [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
            assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
            assert paragraph.alignment is not None and paragraph.alignment.name.lower() == side
            assert 'w:eastAsia="宋体"' in xml


# ---------------------------------------------------------------------------
# the second round trip: edited master → report
# ---------------------------------------------------------------------------


@pytest.fixture()
def master_file(master, tmp_path) -> Path:
    return write_master(master, tmp_path / "汇总.xlsx")


def edit_final(path: Path, edits: dict[int, str], *, insert_blank_row: bool = False) -> None:
    book = load_workbook(path)
    sheet = book["附件2"]
    rows = table_rows(sheet)
    for no, text in edits.items():
        sheet.cell(rows[no], 7).value = text
    if insert_blank_row:
        sheet.insert_rows(5)
    book.save(path)


def test_report_reflects_edited_final(master_file, wuxi, tmp_path):
    first = wuxi.tasks[0].no
    edit_final(master_file, {first: "局里改定的定稿文字。"}, insert_blank_row=True)
    out, findings = report_from_master(master_file, tmp_path / "报告.docx", catalogue=wuxi)
    assert findings == []
    table = docx.Document(str(out)).tables[0]
    assert table._tbl.tr_lst[1].tc_lst[4].xpath("string(.)") == "局里改定的定稿文字。"


def test_final_over_limit_is_reported_with_its_cell(master_file, wuxi, tmp_path):
    no = wuxi.tasks[2].no
    edit_final(master_file, {no: "超" * (wuxi.limit + 1)})
    out, findings = report_from_master(master_file, tmp_path / "报告.docx", catalogue=wuxi)
    assert out is not None and out.exists()
    over = [f for f in findings if f.code == "final-over-limit"]
    assert [(f.task, f.severity.value) for f in over] == [(no, "error")]
    row = table_rows(load_workbook(master_file)["附件2"])[no]
    assert over[0].cell == f"附件2!G{row}" and over[0].text == "超" * (wuxi.limit + 1)


def test_read_master_keeps_units_and_findings(master_file, master):
    edits, findings = read_master(master_file, limit=300)
    assert findings == []
    assert [u.unit for u in edits.units] == [u.unit for u in master.units]
    assert [u.returned for u in edits.units] == [u.returned for u in master.units]
    assert [(f.code, f.unit, f.task, f.text) for f in edits.findings] == [(f.code, f.unit, f.task, f.text) for f in master.findings]
    assert edits.texts() == {row.task.no: printable(row.final or row.merged) for row in master.rows}


def test_sorted_rows_still_match_by_number(master_file, wuxi, tmp_path):
    book = load_workbook(master_file)
    sheet = book["附件2"]
    rows = sorted(table_rows(sheet).values())
    values = [[sheet.cell(r, c).value for c in (1, 5, 7)] for r in rows]
    for r, (no, entry, final) in zip(rows, reversed(values)):
        sheet.cell(r, 1).value, sheet.cell(r, 5).value, sheet.cell(r, 7).value = no, entry, final
    book.save(master_file)
    edits, findings = read_master(master_file)
    assert findings == []
    assert [row.no for row in edits.rows] == [t.no for t in wuxi.tasks]


def test_not_a_master_is_refused(tmp_path, wuxi):
    from openpyxl import Workbook

    path = tmp_path / "别的表.xlsx"
    Workbook().save(path)
    out, findings = report_from_master(path, tmp_path / "报告.docx", catalogue=wuxi)
    assert out is None and [f.code for f in findings] == ["master-invalid"]
    garbage = tmp_path / "损坏的汇总表.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    out, findings = report_from_master(garbage, tmp_path / "报告.docx", catalogue=wuxi)
    assert out is None and [f.code for f in findings] == ["file-unreadable"]
    assert not (tmp_path / "报告.docx").exists()


def test_deadline_column_in_the_report_table(jiangyin, tmp_path):
    from wbtool.model import CheckResult

    master = build_master(CheckResult(jiangyin, (), (), ()))
    table = docx.Document(str(write_report(build_report(view_of(master)), tmp_path / "报告.docx"))).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "工程名称", "主要任务", "责任单位", "完成情况", "完成年限"]
    assert [tr.tc_lst[5].xpath("string(.)") for tr in table._tbl.tr_lst[1:]] == [t.deadline or "" for t in jiangyin.tasks]


def test_each_line_of_a_table_cell_is_a_paragraph_in_table_style(document, wuxi):

    task = shared_task(wuxi)
    row = next(r for r in document.tables[0].rows[1:] if r.cells[0].text == str(task.no))
    paragraphs = row.cells[4].paragraphs
    lead, second = task.owners[0], task.owners[1]
    assert [p.text for p in paragraphs] == [f"【{lead}】牵头单位的完成情况。", f"【{second}】第二单位的完成情况。"]
    assert {p.style.name for p in paragraphs} == {"表格文字"}
    assert {run.font.size.pt for p in paragraphs for run in p.runs} == {10.5}


def test_tabs_and_edge_spaces_survive_in_the_table(wuxi, tmp_path):
    from wbtool.model import MasterView

    task = wuxi.tasks[0]
    view = MasterView(catalogue=wuxi, texts={task.no: " 甲\t乙 \n第二行"}, units=(), findings=())
    path = write_report(build_report(view), tmp_path / "报告.docx")
    cell = docx.Document(str(path)).tables[0].rows[1].cells[4]
    assert [p.text for p in cell.paragraphs] == [" 甲\t乙 ", "第二行"]


# ---------------------------------------------------------------------------
# ``wbtool report``: the exit code says whether the report can go out
# ---------------------------------------------------------------------------


def test_cli_report_exits_0_for_a_clean_master_and_writes_the_report(master_file, tmp_path):
    out = tmp_path / "报告.docx"
    done = CliRunner().invoke(main, ["report", str(master_file), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.exists() and len(docx.Document(str(out)).tables) == 1


def test_cli_report_exits_1_when_a_final_text_is_over_the_limit(master_file, wuxi, tmp_path):
    edit_final(master_file, {wuxi.tasks[2].no: "超" * (wuxi.limit + 1)})
    out = tmp_path / "报告.docx"
    done = CliRunner().invoke(main, ["report", str(master_file), "--out", str(out)])
    assert done.exit_code == 1, done.output
    assert "final-over-limit" in done.output and out.exists()


def test_cli_report_exits_2_for_a_file_that_is_not_a_master(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "别的表.xlsx"
    Workbook().save(path)
    done = CliRunner().invoke(main, ["report", str(path), "--out", str(tmp_path / "报告.docx")])
    assert done.exit_code == 2, done.output
    assert not (tmp_path / "报告.docx").exists()
