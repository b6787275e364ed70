"""The Word report (GB/T 9704 layout) and the second round trip through an edited master."""

from __future__ import annotations

from datetime import date, datetime
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
from wbtool import wordcount
from wbtool.merge import build_master
from wbtool.model import MasterView
from wbtool.pipeline import report_from_master, write_report
from wbtool.report import BREAK_AFTER, BREAK_BEFORE, break_title, build_report, fullwidth, view_of
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


def test_title_is_broken_by_meaning_as_the_catalogue_gives_it(document, wuxi):
    title = document.paragraphs[0]
    assert title.style.name == "公文标题"
    assert title.text == "\n".join(wuxi.report.title)
    assert "".join(wuxi.report.title) == f"关于{wuxi.title}的报告"
    assert len(title._p.findall(".//" + qn("w:br"))) == len(wuxi.report.title) - 1
    assert all(len(line) <= 20 for line in wuxi.report.title)  # 二号 characters in 156 mm


def body_texts(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text]


def test_a_complete_report_recipient_closing_note_signature_date(document, wuxi, report_path):
    paragraphs = body_texts(document)
    styles = [style for style, _ in paragraphs]
    texts = [text for _, text in paragraphs]
    assert paragraphs[1] == ("主送机关", f"{wuxi.report.recipient}：")
    headings = [text for style, text in paragraphs if style == "一级标题"]
    assert headings == ["一、报送情况", "二、任务完成情况", "三、存在的问题和下一步打算"]
    assert [text for style, text in paragraphs if style == "二级标题"] == ["（一）存在的问题", "（二）下一步打算"]
    closing = texts.index("特此报告。")
    note = styles.index("附件说明")
    assert note == closing + 1 and texts[note] == f"附件：{wuxi.title}"
    # 左空二字, the wrapped line under the name's first character (after 「附件：」).
    ind = document.paragraphs[[p.text for p in document.paragraphs].index(texts[note])]._p.pPr.find(qn("w:ind"))
    assert (int(ind.get(qn("w:left"))), int(ind.get(qn("w:hanging")))) == (5 * 320, 3 * 320)
    signature = [text for style, text in paragraphs if style == "署名"]
    assert signature == list(wuxi.report.issuer)
    dated = next(p for p in document.paragraphs if p.style.name == "成文日期")
    assert dated.text == f"{date.today().year}年{date.today().month}月{date.today().day}日"
    assert dated.paragraph_format.right_indent.pt == 64  # 右空四字
    assert document.styles["成文日期"].paragraph_format.alignment.name == "RIGHT"
    # then only the attachment, on its own page
    assert paragraphs[styles.index("成文日期") + 1 :] == [("附件标识", "附件"), ("表格标题", wuxi.title)]


def test_signature_is_centred_over_the_date():
    from wbtool.io.report_docx import build_document

    report = build_report(MasterView(catalogue=_catalogue_with(issuer=("无锡市教育局",)), texts={}, units=(), findings=()), today=date(2023, 1, 20))
    document = build_document(report)
    signer = next(p for p in document.paragraphs if p.style.name == "署名")
    dated = next(p for p in document.paragraphs if p.style.name == "成文日期")
    assert dated.text == "2023年1月20日"
    width = 156 * 72 / 25.4
    date_centre = width - 64 - (8 * 16 / 2 + 3 * 16) / 2 * 1  # 7 digits at half width + 年月日
    date_centre = width - 64 - (7 * 8 + 3 * 16) / 2
    box_left = signer.paragraph_format.left_indent.pt
    assert document.styles["署名"].paragraph_format.alignment.name == "CENTER"
    assert (box_left + width) / 2 == pytest.approx(date_centre, abs=0.5)


def _catalogue_with(**changes):
    from dataclasses import replace

    from wbtool.catalogue import load

    wuxi, _ = load("wuxi-2022")
    return replace(wuxi, report=replace(wuxi.report, **changes))


def test_the_date_is_the_users_then_the_catalogues_then_today(master):
    view = view_of(master)
    assert build_report(view, today=date(2023, 2, 1)).dated == date(2023, 2, 1)
    dated = MasterView(catalogue=_catalogue_with(date="2023-01-20"), texts={}, units=(), findings=())
    assert build_report(dated).dated == date(2023, 1, 20)
    assert build_report(dated, today=date(2023, 3, 1)).dated == date(2023, 3, 1)
    assert build_report(view).dated == date.today()


TOOL_WORDS = ("wbtool", "汇总表", "问题清单", "“定稿”", "重新生成", "超过", "超出", "非本单位", "字数", "计字", "Word", "Excel", "规则", "栏")


def all_texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.footer.paragraphs + section.even_page_footer.paragraphs]
    return texts


def test_no_tool_text_no_over_limit_text_no_blank_cell(document, master, wuxi):
    everything = "\n".join(all_texts(document))
    assert [word for word in TOOL_WORDS if word in everything] == []
    body = "\n".join(p.text for p in document.paragraphs)
    assert "未填写" not in body and "字数" not in body  # data checks stay in the workbook
    entries = [tr.tc_lst[4].xpath("string(.)") for tr in document.tables[0]._tbl.tr_lst[1:]]
    assert max(wordcount.count(text) for text in entries) <= wuxi.limit
    assert all(text.strip() for text in entries)
    over = next(row for row in master.rows if row.over_limit)
    assert entries[[t.no for t in wuxi.tasks].index(over.task.no)] == "（待定稿）"
    unreturned = next(row for row in master.rows if not row.entries and not ({u.unit for u in master.units if u.returned} & set(row.owners)))
    assert entries[[t.no for t in wuxi.tasks].index(unreturned.task.no)] == "（未报送）"


def test_blank_of_a_returning_unit_says_not_filled(wuxi):
    from wbtool.merge import UnitStatus

    task = wuxi.tasks[0]
    units = (UnitStatus(unit=task.owners[0], kind="成员单位", returned=True, owned=1),)
    report = build_report(MasterView(catalogue=wuxi, texts={task.no: "  "}, units=units, findings=()))
    assert report.rows[0].text == "（未填写）"
    assert build_report(MasterView(catalogue=wuxi, texts={}, units=(), findings=())).rows[0].text == "（未报送）"


def test_outlook_is_in_the_bureaus_words(document):
    paragraphs = body_texts(document)
    problems = paragraphs[[text for _, text in paragraphs].index("（一）存在的问题") + 1][1]
    assert "未报送" in problems and "尚在审核定稿" in problems


@pytest.mark.parametrize(
    "source, expected",
    [
        ("(四)加强统筹, 推进改革", "（四）加强统筹，推进改革"),
        ("建设(试点)学校;开展培训", "建设（试点）学校；开展培训"),
        ("投入1,000万元(含配套)", "投入1,000万元（含配套）"),
        ("see (1) and a,b", "see (1) and a,b"),
        ("达到86.5%(省内第一)", "达到86.5%（省内第一）"),
    ],
)
def test_half_width_punctuation_between_chinese_becomes_full_width(source, expected):
    assert fullwidth(source) == expected


def test_a_title_is_broken_where_a_word_ends():
    title = "关于江阴市推进职业教育改革创新打造高质量发展样板任务（项目）完成情况的报告"
    lines = break_title(title)
    assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
    for line, following in zip(lines, lines[1:]):
        assert line.endswith(BREAK_AFTER) or following.startswith(BREAK_BEFORE), (line, following)
    assert lines == ("关于江阴市推进职业教育改革创新", "打造高质量发展样板任务（项目）", "完成情况的报告")
    assert break_title("关于报送情况的报告") == ("关于报送情况的报告",)


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
    """One merged cell per section, restarted (with the title again) only on a new page."""
    from wbtool.io.report_docx import _columns, _row_height, _values, page_starts

    report = build_report(view_of(build_master(sample_result(wuxi))))
    columns = _columns(report)
    starts = page_starts([_row_height(_values(r, report), columns) for r in report.rows], _row_height([n for n, _ in columns], columns))
    rows = document.tables[0]._tbl.tr_lst[1:]
    position = 0
    for section in wuxi.sections:
        for offset in range(len(section.tasks)):
            cell = rows[position + offset].tc_lst[1]
            restart = offset == 0 or position + offset in starts
            assert cell.vMerge in (("restart", None) if restart else ("continue",))
            if restart:
                assert cell.xpath("string(.)") == section.title
        position += len(section.tasks)


def test_table_text_is_final_else_merged_when_printable(document, master):
    rows = document.tables[0]._tbl.tr_lst[1:]
    for task_row, tr in zip(master.rows, rows):
        text = printable(task_row.final or task_row.merged)
        if text and not task_row.over_limit:
            assert tr.tc_lst[4].xpath("string(.)") == text.replace("\n", "")


def test_rows_never_split_and_headings_keep_with_next(document):
    for tr in document.tables[0]._tbl.tr_lst:
        keep = tr.trPr.find(qn("w:cantSplit"))
        assert keep is not None and keep.get(qn("w:val")) == "true"
    for name in ("一级标题", "二级标题", "三级标题"):
        assert document.styles[name].paragraph_format.keep_with_next is True
    assert not document.styles["公文正文"].paragraph_format.keep_with_next


def test_the_signature_and_date_never_stand_alone_on_a_page(document):
    """From 「特此报告。」 to the 署名, every paragraph keeps with the next: Word and WPS move
    the last body line and the 附件说明 with the date rather than leave the date alone."""
    paragraphs = document.paragraphs
    last = next(i for i, p in enumerate(paragraphs) if p.style.name == "成文日期")
    first = next(i for i, p in enumerate(paragraphs) if p.text == "特此报告。")
    assert [p.paragraph_format.keep_with_next for p in paragraphs[first:last]] == [True] * (last - first)
    assert paragraphs[first - 1].paragraph_format.keep_with_next is None  # the body above flows freely
    assert not paragraphs[last].paragraph_format.keep_with_next


def test_number_and_deadline_columns_are_wide_enough_for_their_headers(document, jiangyin, tmp_path):
    five = 10.5 * 25.4 / 72  # a 五号 character in mm
    width_mm = document.tables[0].columns[0].width.mm
    assert width_mm - 2 * 1.9 >= 2 * five  # 序号 beside the cell's margins
    from wbtool.model import CheckResult

    report = build_report(view_of(build_master(CheckResult(jiangyin, (), (), ()))))
    table = docx.Document(str(write_report(report, tmp_path / "报告.docx"))).tables[0]
    assert table.columns[-1].width.mm - 2 * 1.9 >= 4 * five  # 完成年限, 持续推进


def test_grid_of_28_characters_by_22_lines(document):
    body, attachment = document.sections
    for section, chars in ((body, 28), (attachment, 43)):
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars"
        assert int(grid.get(qn("w:linePitch"))) == 579  # 28.95 pt: 22 lines in 225 mm
        width = (section.page_width - section.left_margin - section.right_margin) / 12700
        pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
        assert int(width / pitch + 1e-6) == chars and width / pitch == pytest.approx(chars, abs=0.01)
    # The pitch is counted from the default size, 三号 for Word (Normal) and LibreOffice (docDefaults).
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:sz"))
    assert defaults.get(qn("w:val")) == "32" and document.styles["Normal"].font.size.pt == 16
    # and a character is a shade narrower than its cell, or LibreOffice gives it two
    scale = document.styles["公文正文"].element.rPr.find(qn("w:w"))
    assert int(scale.get(qn("w:val"))) * 16 / 100 < 156 * 72 / 25.4 / 28


def test_section_named_again_on_each_page_it_continues_on(wuxi, tmp_path):
    """A section whose rows fill more than a page restarts its merged cell, with its title."""
    section = max(wuxi.sections, key=lambda s: len(s.tasks))
    long = "完成" * 140  # 280 字: within the limit, ten lines of the table
    view = MasterView(catalogue=wuxi, texts={t.no: long for t in wuxi.tasks}, units=(), findings=())
    document = docx.Document(str(write_report(build_report(view), tmp_path / "报告.docx")))
    rows = document.tables[0]._tbl.tr_lst[1:]
    first = [t.no for t in wuxi.tasks].index(section.tasks[0].no)
    cells = [rows[first + i].tc_lst[1] for i in range(len(section.tasks))]
    restarts = [cell for cell in cells if cell.vMerge != "continue"]
    assert len(restarts) >= 2  # three 10-line rows and more do not fit one landscape page
    assert {cell.xpath("string(.)") for cell in restarts} == {section.title}


def test_page_starts_follow_row_heights():
    from wbtool.io.report_docx import ABOVE_TABLE_PT, LANDSCAPE_BODY_PT, page_starts

    room = LANDSCAPE_BODY_PT - ABOVE_TABLE_PT - 20
    assert page_starts([room / 2, room / 2, 1.0], 20) == {2}
    assert page_starts([room + 50, 10], 20) == {1}  # a row taller than the room still starts the page it is on


def test_core_properties_are_the_bureaus(report_path, document, wuxi):
    import zipfile

    props = document.core_properties
    assert props.author == "".join(wuxi.report.issuer) and props.title.startswith("关于")
    assert props.comments == "" and abs(datetime.now() - props.created.replace(tzinfo=None)).total_seconds() < 3600 * 24
    with zipfile.ZipFile(report_path) as package:
        assert b"Microsoft" not in package.read("docProps/app.xml")
        assert b"python-docx" not in package.read("docProps/core.xml")
    lang = document.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


# ---------------------------------------------------------------------------
# page numbers
# ---------------------------------------------------------------------------


def test_page_numbers_odd_right_even_left_and_right_on_the_landscape_table(document):
    assert document.settings.odd_and_even_pages_header_footer
    for section, even_side in zip(document.sections, ("left", "right")):  # the landscape table: always right
        refs = {ref.get(qn("w:type")) for ref in section._sectPr.findall(qn("w:footerReference"))}
        assert refs >= {"default", "even"}
        for footer, side in ((section.footer, "right"), (section.even_page_footer, even_side)):
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
    final = next(c.column for c in sheet[4] if c.value == "定稿")
    for no, text in edits.items():
        sheet.cell(rows[no], final).value = text
    if insert_blank_row:
        sheet.insert_rows(6)
    book.save(path)


def test_report_reflects_edited_final(master_file, wuxi, tmp_path):
    first = wuxi.tasks[0].no
    edit_final(master_file, {first: "局里改定的定稿文字。"}, insert_blank_row=True)
    out, findings = report_from_master(master_file, tmp_path / "报告.docx", catalogue=wuxi)
    assert [f.code for f in findings] == ["final-pending"]  # the over-limit task of the sample
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
    assert over[0].cell == f"附件2!F{row}" and over[0].text == "超" * (wuxi.limit + 1)


def test_read_master_keeps_units_and_findings(master_file, master):
    edits, findings = read_master(master_file, limit=300)
    assert findings == []
    assert [u.unit for u in edits.units] == [u.unit for u in master.units]
    assert [u.returned for u in edits.units] == [u.returned for u in master.units]
    assert [(f.code, f.unit, f.task, f.text) for f in edits.findings] == [(f.code, f.unit, f.task, f.text) for f in master.findings]
    assert edits.texts() == {row.task.no: printable(row.final or row.merged) for row in master.rows}


def test_read_master_without_its_lists_gives_the_same_table(master_file):
    # What carrying the 定稿 over reads: the 附件2 table, not 报送情况 and 问题清单.
    whole, whole_findings = read_master(master_file, limit=300)
    table, table_findings = read_master(master_file, limit=300, lists=False)
    assert whole.units and whole.findings
    assert table.rows == whole.rows and table_findings == whole_findings
    assert table.units == () and table.findings == ()


def test_sorted_rows_still_match_by_number(master_file, wuxi, tmp_path):
    book = load_workbook(master_file)
    sheet = book["附件2"]
    rows = sorted(table_rows(sheet).values())
    values = [[sheet.cell(r, c).value for c in (1, 5, 6)] for r in rows]
    for r, (no, entry, final) in zip(rows, reversed(values)):
        sheet.cell(r, 1).value, sheet.cell(r, 5).value, sheet.cell(r, 6).value = no, entry, final
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


def test_report_command_dates_the_report_and_exits_1_on_pending_tasks(master_file, master, tmp_path):
    from click.testing import CliRunner

    from wbtool.cli import main

    out = tmp_path / "报告.docx"
    result = CliRunner().invoke(main, ["report", str(master_file), "--out", str(out), "--date", "2023-01-20"], catch_exceptions=False)
    assert result.exit_code == 1
    pending = next(row.task.no for row in master.rows if row.over_limit)
    assert "final-pending" in result.stdout or "待定稿" in result.stdout
    document = docx.Document(str(out))
    assert next(p.text for p in document.paragraphs if p.style.name == "成文日期") == "2023年1月20日"
    assert [tr.tc_lst[4].xpath("string(.)") for tr in document.tables[0]._tbl.tr_lst[1:] if tr.tc_lst[0].xpath("string(.)") == str(pending)] == ["（待定稿）"]
    bad = CliRunner().invoke(main, ["report", str(master_file), "--out", str(out), "--date", "1月20日"])
    assert bad.exit_code == 2 and "2023-01-20" in bad.output


def test_the_longest_printable_row_fits_one_landscape_page(wuxi, jiangyin):
    """Rows never split, so the tallest one the attachment can hold must fit a page."""
    from wbtool.io.report_docx import LANDSCAPE_BODY_PT, _columns, _row_height, _values

    for catalogue in (wuxi, jiangyin):
        longest = max(catalogue.tasks, key=lambda t: len(t.text) + len(t.owners_text) + 10 * len(t.owners))
        labels = [f"【{unit}】" for unit in longest.owners]
        share = (catalogue.limit - sum(map(len, labels))) // len(labels)
        text = "\n\n".join(label + "字" * share for label in labels)  # at the limit, every unit labelled
        assert wordcount.count(text) <= catalogue.limit
        report = build_report(MasterView(catalogue=catalogue, texts={longest.no: text}, units=(), findings=()))
        columns = _columns(report)
        row = next(r for r in report.rows if r.no == longest.no)
        assert row.text == fullwidth(text)
        header = _row_height([name for name, _ in columns], columns)
        assert _row_height(_values(row, report), columns) <= LANDSCAPE_BODY_PT - header


def test_a_title_inside_the_notices_title_takes_the_inner_marks(jiangyin):
    report = build_report(MasterView(catalogue=jiangyin, texts={}, units=(), findings=()))
    assert report.blocks[0].text.startswith("根据《关于印发〈江阴市推进职业教育改革创新打造高质量发展样板的实施方案〉的通知》要求")

# ---------------------------------------------------------------------------
# ``wbtool report``: the exit code says whether the report can go out
# ---------------------------------------------------------------------------


def test_cli_report_exits_0_for_a_clean_master_and_writes_the_report(master_file, master, tmp_path):
    # Clean: the one task over the limit has a 定稿 within it.
    edit_final(master_file, {next(row.task.no for row in master.rows if row.over_limit): "压缩后的定稿。"})
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
