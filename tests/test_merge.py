"""The master workbook: built from hand-made check results, read with openpyxl."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner
from openpyxl import load_workbook

from wbtool import wordcount
from wbtool.cli import main
from wbtool.findings import finding
from wbtool.io import master_xlsx
from wbtool.io.master_xlsx import FILL_MISSING, FILL_OVER, write_master
from wbtool.errors import Refused
from wbtool.io.findings_out import findings_json
from wbtool.merge import build_master
from wbtool.pipeline import merge, refuse_unsafe_output
from wbtool.model import CheckResult, Entry, FileReport

from masters import HELD_BACK, SAVED, column, entry, fill_of, sample_result, shared_task, table_rows

@pytest.fixture(scope="module")
def result(wuxi):
    return sample_result(wuxi)


@pytest.fixture(scope="module")
def master_path(result, tmp_path_factory):
    return write_master(build_master(result), tmp_path_factory.mktemp("master") / "汇总.xlsx")


@pytest.fixture(scope="module")
def book(master_path):
    return load_workbook(master_path)


# ---------------------------------------------------------------------------
# build_master
# ---------------------------------------------------------------------------


def test_shared_task_lists_units_in_owner_order_with_labels(result, wuxi):
    shared = shared_task(wuxi)
    row = next(r for r in build_master(result).rows if r.task.no == shared.no)
    assert [e.unit for e in row.entries] == [shared.owners[0], shared.owners[1]]
    assert row.merged.startswith(f"【{shared.owners[0]}】牵头单位")
    assert f"\n\n【{shared.owners[1]}】第二单位" in row.merged
    # Within the limit, the 定稿 is prefilled with the merged text, labels kept:
    # a 「我局……」 without its unit would be unreadable once published.
    assert row.final == row.merged


def test_final_not_prefilled_when_the_merged_text_is_over_the_limit(wuxi):
    shared = shared_task(wuxi)
    half = "字" * (wuxi.limit // 2 + 5)
    entries = tuple(entry(unit, shared.no, half) for unit in shared.owners[:2])
    files = tuple(FileReport(f"回收/{u}.xlsx", u, "form", saved_at=SAVED) for u in shared.owners[:2])
    row = next(r for r in build_master(CheckResult(wuxi, files, entries, ())).rows if r.task.no == shared.no)
    assert row.over_limit and row.final == ""


def test_final_prefilled_within_limit(result, wuxi):
    rows = {r.task.no: r for r in build_master(result).rows}
    by_text = {e.text: e.task for e in result.entries}
    assert rows[by_text["=1+1"]].final == "=1+1"
    assert rows[by_text["=1+1"]].merged == "=1+1"  # one owner: no 【单位】 label
    over = rows[by_text["长" * (wuxi.limit + 5)]]
    assert over.over_limit and over.final == ""
    corrected = rows[by_text["更正后的新文字。"]]
    assert corrected.merged == "更正后的新文字。"


def test_missing_owners_and_unit_status_order(result, wuxi):
    master = build_master(result)
    assert len(master.rows) == len(wuxi.tasks)
    empty = next(r for r in master.rows if not r.entries)
    assert empty.missing == empty.owners
    returned = [u.returned for u in master.units]
    assert returned == sorted(returned)  # not returned first
    assert returned.count(True) == len({e.unit for e in result.entries})


# ---------------------------------------------------------------------------
# the workbook
# ---------------------------------------------------------------------------


def test_sheets_and_headers(book, wuxi):
    # Wuxi's catalogue asks for a package: its materials are listed on a sheet of their own.
    assert book.sheetnames == ["附件2", "报送情况", "材料清单", "明细", "问题清单", "报送统计"]
    assert [book[name].sheet_state for name in book.sheetnames] == ["visible"] * 5 + ["hidden"]
    sheet = book["附件2"]
    assert sheet["A1"].value.startswith("说明") and sheet["A2"].value == "附件2" and sheet["A3"].value == wuxi.title
    headers = [c.value for c in sheet[4]]
    assert headers == ["序号", "工程名称", "主要任务", "责任单位", "完成情况", "定稿", "字数", "定稿字数", "未填单位"]
    assert [c.value for c in book["报送情况"][1]][:14] == [*master_xlsx.UNIT_COLUMNS, *master_xlsx.PACKAGE_COLUMNS]
    assert [c.value for c in book["明细"][1]] == list(master_xlsx.DETAIL_COLUMNS)


def test_every_task_once_in_catalogue_order_with_sections_merged(book, wuxi):
    sheet = book["附件2"]
    rows = table_rows(sheet)
    assert list(rows) == [t.no for t in wuxi.tasks]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for section in wuxi.sections:
        first, last = rows[section.tasks[0].no], rows[section.tasks[-1].no]
        assert sheet.cell(first, 2).value == section.title
        if last > first:
            assert f"B{first}:B{last}" in merged
    for task in wuxi.tasks:
        assert sheet.cell(rows[task.no], 3).value == task.text


def test_unit_text_stays_text(book, result):
    sheet = book["附件2"]
    rows = table_rows(sheet)
    formula_task = next(e.task for e in result.entries if e.text == "=1+1")
    cell = sheet.cell(rows[formula_task], 5)
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert sheet.cell(rows[formula_task], column(sheet, "定稿")).data_type == "s"
    bell_task = next(e.task for e in result.entries if "响铃" in e.text)
    cell = sheet.cell(rows[bell_task], 5)
    assert cell.value == "开头响铃结束，见 http://example.com"
    assert cell.hyperlink is None


def test_highlights_for_over_limit_and_missing(book, result, wuxi):
    sheet = book["附件2"]
    rows = table_rows(sheet)
    entry_col, missing_col = column(sheet, "完成情况"), column(sheet, "未填单位")
    over_task = next(e.task for e in result.entries if len(e.text) > wuxi.limit)
    assert fill_of(sheet.cell(rows[over_task], entry_col)) == FILL_OVER
    assert fill_of(sheet.cell(rows[over_task], column(sheet, "字数"))) == FILL_OVER
    empty = next(t for t in wuxi.tasks if t.no not in {e.task for e in result.entries})
    assert fill_of(sheet.cell(rows[empty.no], entry_col)) == FILL_MISSING
    assert sheet.cell(rows[empty.no], missing_col).value == "、".join(build_master(result).rows[wuxi.tasks.index(empty)].missing)
    done = next(e.task for e in result.entries if e.text == "=1+1")
    assert fill_of(sheet.cell(rows[done], entry_col)) is None


def test_final_column_counts_live_and_turns_red(book, wuxi):
    sheet = book["附件2"]
    rows = table_rows(sheet)
    first = rows[wuxi.tasks[0].no]
    count_cell = sheet.cell(first, column(sheet, "定稿字数"))
    assert count_cell.data_type == "f"
    assert count_cell.value == "=" + wordcount.excel_formula(f"F{first}")
    rules = [(str(rng.sqref), rule) for rng in sheet.conditional_formatting for rule in rng.rules]
    assert any(ref.startswith(f"F{first}:F") and f">{wuxi.limit}" in rule.formula[0] for ref, rule in rules)
    assert any(ref.startswith(f"H{first}:H") and rule.formula == [str(wuxi.limit)] for ref, rule in rules)


def test_print_setup_and_fonts(book):
    sheet = book["附件2"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0  # absent = 1 page
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.freeze_panes == "A5"
    assert sheet["A3"].font.name == "方正小标宋简体"
    assert sheet["A2"].font.name == "黑体" and sheet["A4"].font.name == "黑体"
    assert sheet["C5"].font.name == "仿宋_GB2312"
    assert sheet.row_dimensions[5].height > 15  # sized for wrapped text
    assert sheet.protection.sheet is False


def test_units_sheet_lists_missing_first_with_filter_and_chart(book, master_path, result):
    sheet = book["报送情况"]
    statuses = [sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value]
    first_returned = next(i for i, status in enumerate(statuses) if status != "未报送")
    assert first_returned > 0 and set(statuses[:first_returned]) == {"未报送"}
    assert "未报送" not in statuses[first_returned:]
    assert sheet.auto_filter.ref.startswith("A1:N")  # the unit columns and the package columns
    with zipfile.ZipFile(master_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert charts and b"<c:pieChart>" in archive.read(charts[0])


def test_details_one_row_per_entry_as_table(book, result):
    sheet = book["明细"]
    assert sheet.max_row - 1 == len(result.entries)
    assert "明细表" in sheet.tables
    replaced = [sheet.cell(r, 9).value for r in range(2, sheet.max_row + 1)]
    assert replaced.count("是") == sum(e.superseded for e in result.entries)


def test_findings_sheet_keeps_held_back_text(book, result):
    sheet = book["问题清单"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.findings)
    over = next(r for r in rows if r[1] == "over-limit")
    assert over[8] == HELD_BACK and over[0] == "错误" and over[6] == "填报表!E5"
    assert over[2] == "超出字数"  # the code's Chinese name beside it
    assert [c.value for c in sheet[1]][:3] == ["级别", "代码", "问题名称"]
    assert sheet.auto_filter.ref is not None


def test_units_sheet_headers_are_unique_and_the_pie_survives_a_filter(book, master_path):
    sheet = book["报送情况"]
    headers = [c.value for c in sheet[1] if c.value]
    assert headers.count("状态") == 1 and len(headers) == len(set(headers))
    with zipfile.ZipFile(master_path) as archive:
        chart = next(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        # No plotVisOnly element: the chart plots cells a filter has hidden.
        assert b"<c:plotVisOnly" not in archive.read(chart)


def test_details_show_saved_time_on_the_local_clock(wuxi, tmp_path, monkeypatch):
    import time
    from datetime import timezone

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        task = wuxi.tasks[0]
        saved = datetime(2023, 1, 10, 1, 30, tzinfo=timezone.utc)  # 09:30 in Wuxi
        result = CheckResult(catalogue=wuxi, files=(), entries=(entry(task.owners[0], task.no, "文字。", saved=saved),), findings=())
        path = write_master(build_master(result), tmp_path / "汇总.xlsx")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    cell = load_workbook(path)["明细"].cell(2, 8)
    assert cell.value == datetime(2023, 1, 10, 9, 30) and cell.number_format == "yyyy-mm-dd hh:mm"


def test_wide_text_takes_about_twice_the_lines_of_ascii():
    assert master_xlsx.line_count("a" * 40, 21) == 2
    assert master_xlsx.line_count("汉" * 40, 21) == 4  # 1.9 units a character
    assert master_xlsx.line_count("“引号”——" * 5, 21) == 3  # 30 characters, all set full width by CJK fonts
    assert master_xlsx.line_count("一行\n\n三行", 21) == 3


# ---------------------------------------------------------------------------
# merge(): safety of the outputs
# ---------------------------------------------------------------------------


def test_crash_mid_write_leaves_previous_master(result, tmp_path, monkeypatch):
    target = tmp_path / "汇总.xlsx"
    write_master(build_master(result), target)
    before = target.read_bytes()

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(master_xlsx, "_write_details_sheet", crash)
    with pytest.raises(RuntimeError):
        write_master(build_master(result), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]  # no temporary file left


@pytest.mark.parametrize("where", [".", "汇总", "子/汇总"])
def test_refuses_output_inside_input_folder(tmp_path, where, wuxi):
    returns = tmp_path / "回收"
    returns.mkdir()
    with pytest.raises(Refused):
        merge([returns], returns / where, catalogue=wuxi)
    assert [p.name for p in returns.iterdir()] == []


def test_refuses_output_in_the_folder_of_an_input_file(tmp_path):
    source = tmp_path / "市教育局.xlsx"
    source.write_bytes(b"")
    with pytest.raises(Refused):
        refuse_unsafe_output([source], tmp_path, [tmp_path / "x.xlsx"])
    refuse_unsafe_output([source], tmp_path / "汇总", [tmp_path / "汇总" / "x.xlsx"])  # beside is fine


# ---------------------------------------------------------------------------
# end to end: real returned workbooks through check, merge and the CLI
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def returns_dir(wuxi, tmp_path_factory):
    from returns import fill, template

    folder = tmp_path_factory.mktemp("e2e") / "回收材料"
    shared = shared_task(wuxi)
    for unit in shared.owners[:2]:
        path = template(wuxi, unit, folder)
        fill(path, {task.no: f"{unit}第{task.no}项完成情况。" for task in wuxi.tasks_of(unit)})
    return folder


def test_merge_end_to_end(returns_dir, wuxi, tmp_path):
    out = tmp_path / "汇总"
    result = merge([returns_dir], out, catalogue=wuxi)
    assert [p.name for p in result.outputs] == [
        "附件2-任务完成情况汇总.xlsx",
        "完成情况报告.docx",
        "findings.json",
        "findings.csv",
    ]
    assert all(p.exists() for p in result.outputs)
    shared = shared_task(wuxi)
    row = next(r for r in result.master.rows if r.task.no == shared.no)
    assert [e.unit for e in row.entries] == list(shared.owners[:2])
    sheet = load_workbook(result.outputs[0])["附件2"]
    assert sheet.cell(table_rows(sheet)[shared.no], 5).value == row.merged
    document = json.loads(result.outputs[2].read_text(encoding="utf-8"))
    assert document["findings"] == [f.as_dict() for f in result.findings]
    assert sum(document["counts"].values()) == len(result.findings)
    assert result.outputs[3].read_bytes().startswith(b"\xef\xbb\xbf\xe7\xba\xa7\xe5\x88\xab")  # BOM + 级别


@pytest.mark.parametrize("count", [0, 1, 3])
def test_findings_json_one_finding_per_line(wuxi, count):
    findings = [finding("over-limit", f"第{i}条。\n换行", unit="市教育局", task=i + 1, text="原文\t“引号”") for i in range(count)]
    data = findings_json(findings, wuxi)
    document = json.loads(data)
    assert document["catalogue"] == wuxi.id and document["findings"] == [f.as_dict() for f in findings]
    assert document["counts"]["error"] == count
    lines = data.decode("utf-8").splitlines()
    assert sum(line.lstrip().startswith('{"code"') for line in lines) == count


def test_cli_merge_and_refusal(returns_dir, tmp_path):
    runner = CliRunner()
    refused = runner.invoke(main, ["merge", str(returns_dir), "--out", str(returns_dir / "汇总")])
    assert refused.exit_code == 2
    done = runner.invoke(main, ["merge", str(returns_dir), "--out", str(tmp_path / "汇总")])
    assert not isinstance(done.exception, Exception), done.exception
    # Every typed text is the unit's own and within the limit: only warnings (未报送).
    assert done.exit_code == 0, done.output
    assert "2/" in done.output and "附件2-任务完成情况汇总.xlsx" in done.output


def test_cli_merge_exits_1_when_a_text_is_over_the_limit(wuxi, tmp_path):
    from returns import fill, template

    unit = shared_task(wuxi).owners[0]
    folder = tmp_path / "回收材料"
    task = wuxi.tasks_of(unit)[0]
    fill(template(wuxi, unit, folder), {task.no: "长" * (wuxi.limit + 1)})
    done = CliRunner().invoke(main, ["merge", str(folder), "--out", str(tmp_path / "汇总")])
    assert not isinstance(done.exception, Exception), done.exception
    assert done.exit_code == 1, done.output


def test_deadline_column_when_the_catalogue_has_deadlines(jiangyin, tmp_path):
    task = jiangyin.tasks[0]
    result = CheckResult(jiangyin, (), (entry(task.owners[0], task.no, "已完成。"),), ())
    sheet = load_workbook(write_master(build_master(result), tmp_path / "汇总.xlsx"))["附件2"]
    deadline = column(sheet, "完成年限")
    rows = table_rows(sheet)
    assert [sheet.cell(rows[t.no], deadline).value for t in jiangyin.tasks] == [t.deadline or "" for t in jiangyin.tasks]


TYPED = st.text(alphabet="完成情况推进产教融合校企共建ABCxyz0123=+，。、【】 ", min_size=1, max_size=340).map(str.strip).filter(bool)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_typed_text_ends_in_details_or_findings(wuxi, tmp_path_factory, data):
    """Nothing lost: whatever units type — short, over the limit, formula-looking — reaches the master."""
    from returns import fill, template

    folder = tmp_path_factory.mktemp("typed")
    typed: list[str] = []
    for index, unit in enumerate(shared_task(wuxi).owners[:3]):
        texts = {task.no: data.draw(TYPED) for task in wuxi.tasks_of(unit)}
        if index == 0:
            texts[min(texts)] = "超" * (wuxi.limit + 1)  # always one text that is held back or flagged
        typed += texts.values()
        fill(template(wuxi, unit, folder / "回收"), texts)
    result = merge([folder / "回收"], folder / "汇总", catalogue=wuxi)
    book = load_workbook(result.outputs[0])
    kept = {row[3] for row in book["明细"].iter_rows(min_row=2, values_only=True)}
    held = {row[8] for row in book["问题清单"].iter_rows(min_row=2, values_only=True)}
    assert {text for text in typed if text not in kept | held} == set()


def test_final_column_warns_past_the_limit(book, wuxi):
    sheet = book["附件2"]
    first = min(table_rows(sheet).values())
    (rule,) = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"F{first}:F")]
    assert rule.type == "custom" and rule.errorStyle == "warning"
    assert rule.formula1 == wordcount.excel_formula(f"$F{first}") + f"<={wuxi.limit}"


def test_text_past_excel_cell_capacity_is_kept_whole_over_rows(wuxi, tmp_path):
    task = wuxi.tasks[0]
    huge = "字" * (master_xlsx.EXCEL_CELL_LIMIT + 10)
    result = CheckResult(wuxi, (), (entry(task.owners[0], task.no, huge),), ())
    master = build_master(result)
    book = load_workbook(write_master(master, tmp_path / "汇总.xlsx"))
    sheet = book["附件2"]
    first = table_rows(sheet)[task.no]
    following = first + 1
    while sheet.cell(following, 1).value == f"{task.no}（续）":
        following += 1
    assert "".join(sheet.cell(r, 5).value for r in range(first, following)) == master.rows[0].merged.replace("\n", "")


def test_the_formal_table_is_what_prints(book, wuxi):
    sheet = book["附件2"]
    last = max(table_rows(sheet).values())
    # 附件2 label, title and the official columns with 定稿; not the 说明 row, the counts or 未填单位
    assert sheet.print_area == [f"'附件2'!$A$2:$F${last}"] or sheet.print_area == f"'附件2'!$A$2:$F${last}"
    assert "A3:F3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_the_final_column_is_yellow_like_the_templates_entry_and_missing_is_orange(book, result, wuxi):
    from wbtool.io.xlsx_common import FILL_ENTRY, FILL_MISSING

    sheet = book["附件2"]
    rows = table_rows(sheet)
    final_col = column(sheet, "定稿")
    assert {fill_of(sheet.cell(r, final_col)) for r in rows.values()} == {FILL_ENTRY}
    assert FILL_MISSING != FILL_ENTRY
    from wbtool.io import markup, template_xlsx
    from wbtool.model import Severity

    assert template_xlsx.ENTRY_FILL == FILL_ENTRY  # yellow = 请填写 in the template too
    assert markup.FILLS[Severity.WARNING].fgColor.rgb.endswith(FILL_MISSING[1:])  # and never yellow in 退回修改


def test_no_cjk_font_is_tied_to_the_theme(master_path):
    styles = zipfile.ZipFile(master_path).read("xl/styles.xml").decode()
    import re

    fonts = re.findall(r"<font>.*?</font>|<font .*?</font>", styles)
    tied = [f for f in fonts if 'scheme val="minor"' in f and any(n in f for n in ("仿宋", "黑体", "方正小标宋"))]
    assert fonts and tied == []


def test_the_pie_counts_from_its_own_hidden_range(master_path, book, result):
    data = book["报送统计"]
    assert data.sheet_state == "hidden"
    formulas = [data.cell(r, 2).value for r in range(2, 5)]
    assert all(f.startswith("=COUNTIF('报送情况'!$C$2:$C$") for f in formulas)
    with zipfile.ZipFile(master_path) as archive:
        chart = next(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert "报送统计".encode() in archive.read(chart)
    units = book["报送情况"]
    assert [c.value for c in units[1] if c.value] == [*master_xlsx.UNIT_COLUMNS, *master_xlsx.PACKAGE_COLUMNS]  # no helper header beside the list


def test_details_keep_the_whole_task_text(book, wuxi):
    sheet = book["明细"]
    texts = {t.no: t.text for t in wuxi.tasks}
    for r in range(2, sheet.max_row + 1):
        assert sheet.cell(r, 3).value == texts[sheet.cell(r, 2).value]


def test_a_merged_text_taller_than_a_row_goes_on_over_following_rows(wuxi, tmp_path):
    from wbtool.io.master_read import read_master

    shared = max(wuxi.tasks, key=lambda t: len(t.owners))
    text = "这是一段较长的完成情况。" * 24  # 288 字: within the limit for each unit
    entries = tuple(entry(unit, shared.no, text) for unit in shared.owners)
    files = tuple(FileReport(f"回收/{u}.xlsx", u, "form", saved_at=SAVED) for u in shared.owners)
    master = build_master(CheckResult(wuxi, files, entries, ()))
    merged = next(r for r in master.rows if r.task.no == shared.no).merged
    path = write_master(master, tmp_path / "汇总.xlsx")
    sheet = load_workbook(path)["附件2"]
    first = table_rows(sheet)[shared.no]
    following = first + 1
    while sheet.cell(following, 1).value == f"{shared.no}（续）" and sheet.cell(following, 5).value:
        following += 1
    span = following - first
    assert span > 1
    assert all(sheet.row_dimensions[r].height <= 409 for r in range(first, following))
    merged_ranges = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"{c}{first}:{c}{following - 1}" for c in "CDF"} <= merged_ranges  # 主要任务, 责任单位, 定稿
    shown = "\n".join(sheet.cell(r, 5).value for r in range(first, following))
    assert shown.split() == merged.split()  # nothing clipped, nothing lost
    edits, _ = read_master(path)
    assert next(row.entry for row in edits.rows if row.no == shared.no).split() == merged.split()


def test_entry_pieces_rejoin_to_the_text():
    from wbtool.io.master_xlsx import entry_pieces

    text = "【甲】" + "字" * 900 + "\n\n【乙】短。"
    pieces = entry_pieces(text, 48, fit=10)
    assert "".join("\n".join(pieces).split()) == "".join(text.split()) and len(pieces) > 2
    assert entry_pieces("甲\n\n乙", 48, fit=1) == ["甲", "乙"]  # the blank line is the row break
    assert entry_pieces("", 48) == [""]
    assert all(master_xlsx.line_count(p, 48) <= 10 for p in pieces)


def test_the_long_result_as_a_data_frame(result, wuxi):
    frame = build_master(result).to_frame()
    assert list(frame.columns) == ["单位", "任务", "完成情况", "字数", "文件", "保存时间", "已替代"]
    assert len(frame) == len(result.entries) == len(result.to_frame())
    over = frame[frame["字数"] > wuxi.limit]
    assert list(over["完成情况"]) == ["长" * (wuxi.limit + 5)]
    assert frame["已替代"].sum() == 1 and frame.loc[frame["已替代"], "完成情况"].item() == "更正前的旧文字。"


def test_the_command_path_never_imports_pandas():
    import subprocess
    import sys

    code = "import sys, wbtool.cli, wbtool.pipeline; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
