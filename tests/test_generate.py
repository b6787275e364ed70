"""``wbtool generate``: the fill-in workbooks, checked structurally with openpyxl."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from wbtool import catalogue as catalogues
from wbtool import identity as identities
from wbtool import wordcount
from wbtool.io.xlsx_common import line_count
from wbtool.cli import main
from wbtool.errors import Refused
from wbtool.model import Assignment
from wbtool.pipeline import generate
from wbtool.plan import filename_for, new_batch_id, plan, valid_batch_id
from wbtool.io import manifest as manifests
from wbtool.io import template_xlsx as tx

BATCH = "20261122-1530"
CATALOGUES = ("wuxi-2022", "jiangyin-2021")


def _load(name: str):
    if name not in catalogues.available():
        pytest.skip(f"catalogue {name} is not there yet")
    catalogue, findings = catalogues.load(name)
    assert catalogue is not None, findings
    return catalogue


@pytest.fixture(scope="module", params=CATALOGUES)
def batch(request, tmp_path_factory):
    """Every unit of one catalogue, generated once; workbooks opened once."""
    catalogue = _load(request.param)
    out = tmp_path_factory.mktemp(request.param)
    calls: list[tuple[int, int]] = []
    result = generate(catalogue, out, batch=BATCH, progress=lambda done, total: calls.append((done, total)))
    books = {f.unit: openpyxl.load_workbook(f.path) for f in result.files}
    return catalogue, result, books, calls


def _col(catalogue, key: str) -> str:
    return openpyxl.utils.get_column_letter(tx.column_index(catalogue, key) + 1)


def _data_rows(catalogue, unit: str) -> range:
    return range(tx.FIRST_DATA_ROW, tx.FIRST_DATA_ROW + len(catalogue.tasks_of(unit)))


# ---------------------------------------------------------------------------
# one file per owning unit; the manifest says what was written
# ---------------------------------------------------------------------------


def test_every_owning_unit_gets_one_file(batch):
    catalogue, result, books, calls = batch
    owning = [u.name for u in catalogue.units if catalogue.tasks_of(u.name)]
    assert [f.unit for f in result.files] == owning
    assert [f.path.name for f in result.files] == [filename_for(catalogue, u) for u in owning]
    assert calls == [(i, len(owning)) for i in range(1, len(owning) + 1)]
    assert result.ok and not result.findings


def test_manifest_lists_every_file_with_its_hash(batch):
    catalogue, result, _, _ = batch
    data = json.loads((result.out_dir / manifests.JSON_NAME).read_text(encoding="utf-8"))
    assert (data["batch"], data["catalogue"], data["fingerprint"]) == (BATCH, catalogue.id, catalogue.fingerprint)
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert len(data["files"]) == len(result.files)
    for entry, generated in zip(data["files"], result.files):
        unit = catalogue.unit(entry["unit"])
        path = result.out_dir / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"] == generated.sha256
        assert entry["tasks"] == [t.no for t in catalogue.tasks_of(unit.name)]
        assert (entry["kind"], entry["email"]) == (unit.kind, unit.email)
    assert manifests.read(result.out_dir).files[0].file == result.files[0].path.name


def test_send_list_is_a_printable_table_of_the_batch(batch):
    catalogue, result, _, _ = batch
    ws = openpyxl.load_workbook(result.out_dir / manifests.SEND_LIST_NAME)[manifests.SEND_LIST_SHEET]
    assert [c.value for c in ws[3]] == [h for h, _ in manifests.SEND_COLUMNS]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[1] for r in rows] == [f.unit for f in result.files]
    assert [r[4] for r in rows] == [f.path.name for f in result.files]
    assert [r[5] for r in rows] == [len(f.tasks) for f in result.files]
    assert all(r[7] is None for r in rows)  # 发送日期 is for the sender to fill in
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3"


def test_task_numbers_collapse_runs_as_wbtool_units_writes_them():
    from wbtool.text import number_ranges

    assert manifests.task_numbers((1, 2, 3, 5, 7, 8)) == number_ranges((1, 2, 3, 5, 7, 8)) == "1—3、5、7、8"
    assert manifests.task_numbers((4,)) == "4"
    assert manifests.task_numbers(()) == ""


# ---------------------------------------------------------------------------
# the fill-in sheet: the contract the reader relies on
# ---------------------------------------------------------------------------


def test_first_visible_sheet_is_the_fill_in_sheet_with_its_header(batch):
    catalogue, _, books, _ = batch
    headers = [c.header for c in tx.columns(catalogue)]
    assert headers[:4] == ["序号", "工程名称", "主要任务", "责任单位"]
    assert headers[-2].startswith("完成情况") and headers[-1] == "字数"
    assert ("完成年限" in headers) == catalogue.has_deadlines
    for unit, wb in books.items():
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        assert [ws.title for ws in visible] == [tx.FILL_SHEET, tx.GUIDE_SHEET], unit
        assert wb.active.title == tx.FILL_SHEET
        ws = visible[0]
        assert [c.value for c in ws[tx.HEADER_ROW]] == headers
        assert ws["A1"].value == f"{catalogue.title}（{unit}）"
        assert unit in ws.cell(tx.INFO_ROW, 1).value
        assert wordcount.RULE in ws.cell(tx.NOTE_ROW, 1).value


def test_one_row_per_owned_task_verbatim(batch):
    catalogue, _, books, _ = batch
    registry = catalogue.registry
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        tasks = catalogue.tasks_of(unit)
        rows = list(ws.iter_rows(min_row=tx.FIRST_DATA_ROW, max_row=tx.FIRST_DATA_ROW + len(tasks) - 1, values_only=True))
        assert len(rows) == len(tasks) and ws.max_row == tx.FIRST_DATA_ROW + len(tasks) - 1, unit
        for row, task in zip(rows, tasks):
            values = dict(zip((c.key for c in tx.columns(catalogue)), row))
            assert values["no"] == task.no
            assert values["task"] == task.text
            assert values["owners"] == tx.owners_label(registry, task, unit)
            # The unit sees itself among the owners: by name, or through its group.
            assert unit in values["owners"] or tx.OWN_MARK in values["owners"], (unit, task.no)
            assert values["entry"] is None
            assert values["count"] == "=" + wordcount.excel_formula(f"{_col(catalogue, 'entry')}{tx.FIRST_DATA_ROW + tasks.index(task)}")
            if catalogue.has_deadlines:
                assert values["deadline"] == (task.deadline or "")


def test_every_task_row_names_its_section_and_nothing_is_merged(batch):
    # Merged 工程名称 cells spanning a page break print blank: each row carries its own.
    catalogue, _, books, _ = batch
    col = _col(catalogue, "section")
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        for i, task in enumerate(catalogue.tasks_of(unit)):
            assert ws[f"{col}{tx.FIRST_DATA_ROW + i}"].value == task.section, (unit, task.no)
        assert not [r for r in ws.merged_cells.ranges if r.max_row >= tx.FIRST_DATA_ROW], unit


def test_lead_is_marked_only_among_several_owners(wuxi):
    registry = wuxi.registry
    assert tx.owners_label(registry, wuxi.task(1), "市委宣传部") == "市委宣传部（牵头）、市委教育工委"
    assert tx.owners_label(registry, wuxi.task(3), "市教育局") == "市教育局"
    assert tx.owners_label(registry, wuxi.task(17), "无锡职业技术学院") == "各职业学校、技工院校（含本单位）"
    # 各相关院校 includes a school only when the school is not named on its own.
    assert tx.owners_label(registry, wuxi.task(10), "江阴职业技术学院").endswith("各相关院校（含本单位）")
    assert tx.owners_label(registry, wuxi.task(10), "市教育局").endswith("、各相关院校")
    assert tx.owners_label(registry, wuxi.task(18), "市发展改革委").endswith("按职责分工负责")


# ---------------------------------------------------------------------------
# protection, validation, highlighting
# ---------------------------------------------------------------------------


def test_only_entry_cells_are_unlocked_and_sheets_are_protected(batch):
    catalogue, _, books, _ = batch
    entry_col = tx.column_index(catalogue, "entry") + 1
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        for row in _data_rows(catalogue, unit):
            for col in range(1, len(tx.columns(catalogue)) + 1):
                assert ws.cell(row, col).protection.locked == (col != entry_col), (unit, row, col)
        assert ws.cell(tx.HEADER_ROW, entry_col).protection.locked
        for sheet in wb.worksheets:
            p = sheet.protection
            assert p.sheet and not p.password, sheet.title
            # False = allowed: resizing rows and columns, but no row insertion or deletion.
            assert (p.formatRows, p.formatColumns) == (False, False)
            assert p.insertRows and p.deleteRows and p.formatCells


def test_entry_validation_limits_length_with_chinese_prompts(batch):
    catalogue, _, books, _ = batch
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        (dv,) = ws.data_validations.dataValidation
        top_left = f"{_col(catalogue, 'entry')}{tx.FIRST_DATA_ROW}"
        assert dv.type == "custom"
        assert str(dv.sqref) == tx.entry_cells(catalogue, len(catalogue.tasks_of(unit)))
        assert dv.formula1 == f"{wordcount.excel_formula(top_left)}<={catalogue.limit}"
        assert dv.showInputMessage and dv.showErrorMessage
        assert dv.errorStyle in (None, "stop")  # absent means stop
        assert str(catalogue.limit) in dv.promptTitle and len(dv.promptTitle) <= 32
        assert "空格和换行不计" in dv.prompt and len(dv.prompt) <= 255
        assert dv.errorTitle and str(catalogue.limit) in dv.error


def test_over_limit_turns_entry_and_count_red(batch):
    catalogue, _, books, _ = batch
    entry_col, count_col = _col(catalogue, "entry"), _col(catalogue, "count")
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        rules = {str(rng.sqref): list(r) for rng, r in ws.conditional_formatting._cf_rules.items()}
        last = tx.FIRST_DATA_ROW + len(catalogue.tasks_of(unit)) - 1
        both = f"{entry_col}{tx.FIRST_DATA_ROW}:{count_col}{last}"
        assert list(rules) == [both]
        (rule,) = rules[both]
        assert rule.type == "expression"
        assert rule.formula == [f"{wordcount.excel_formula(f'${entry_col}{tx.FIRST_DATA_ROW}')}>{catalogue.limit}"]
        assert rule.dxf.font.color.rgb.endswith(tx.OVER_FONT[1:])


# ---------------------------------------------------------------------------
# fonts and print setup
# ---------------------------------------------------------------------------


def test_fonts_are_set_per_role(batch):
    catalogue, _, books, _ = batch
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        assert (ws["A1"].font.name, ws["A1"].font.sz) == (tx.TITLE_FONT, tx.TITLE_PT)
        for cell in ws[tx.HEADER_ROW]:
            assert (cell.font.name, cell.font.sz) == (tx.HEADER_FONT, tx.HEADER_PT)
        for row in ws.iter_rows(min_row=tx.INFO_ROW, max_row=ws.max_row):
            if row[0].row == tx.HEADER_ROW:
                continue
            for cell in row:
                if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                    assert cell.font.name == tx.BODY_FONT, (unit, cell.coordinate)
        assert ws[f"C{tx.FIRST_DATA_ROW}"].font.sz == tx.BODY_PT
        assert ws[f"C{tx.FIRST_DATA_ROW}"].alignment.wrap_text


def test_page_setup_is_a4_landscape_one_page_wide(batch):
    catalogue, _, books, _ = batch
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        ps = ws.page_setup
        assert (ps.paperSize, ps.orientation) == (9, "landscape")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ps.fitToWidth in (None, 1) and ps.fitToHeight == 0  # absent fitToWidth means 1
        assert ws.print_title_rows == f"${tx.HEADER_ROW}:${tx.HEADER_ROW}"
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.freeze_panes == f"A{tx.FIRST_DATA_ROW}"


def test_widths_and_heights_leave_room_for_a_full_entry(batch):
    catalogue, _, books, _ = batch
    cols = tx.columns(catalogue)
    entry_width = cols[tx.column_index(catalogue, "entry")].width
    full_entry = line_count("字" * catalogue.limit, entry_width)
    for unit, wb in books.items():
        ws = wb[tx.FILL_SHEET]
        for i, col in enumerate(cols, start=1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width == pytest.approx(col.width, abs=1)
        for row in _data_rows(catalogue, unit):
            height = ws.row_dimensions[row].height
            assert height >= full_entry * tx.BODY_PT * 1.3, (unit, row)
            task_lines = line_count(ws[f"C{row}"].value, cols[2].width)
            assert height >= task_lines * tx.BODY_PT * 1.3


def test_one_width_model_for_every_workbook():
    from wbtool.io import manifest, markup, master_xlsx

    assert tx.line_count is master_xlsx.line_count is markup.line_count is manifest.line_count is line_count
    assert line_count("字" * 10, 21) == 1 and line_count("字" * 11, 21) == 2  # 1.9 units a character
    assert line_count("字" * 10, 21 * 18 / 11, 18) == 1  # the same text at 18 pt needs the wider column


# ---------------------------------------------------------------------------
# the guide sheet and identity
# ---------------------------------------------------------------------------


def test_guide_sheet_states_rule_limit_and_contacts(batch):
    catalogue, _, books, _ = batch
    notice = catalogue.notice
    for unit, wb in books.items():
        ws = wb[tx.GUIDE_SHEET]
        text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
        assert wordcount.RULE in text and str(catalogue.limit) in text and unit in text
        for fact in (notice.title, notice.deadline, notice.contact, notice.phone, notice.email):
            assert fact in text
        assert ws.protection.sheet
        assert ws.page_setup.paperSize == 9
        assert ws["A2"].font.name == tx.HEADER_FONT and ws["B2"].font.name == tx.BODY_FONT


def test_identity_is_in_all_three_places(batch):
    catalogue, _, books, _ = batch
    for unit, wb in books.items():
        expected = identities.make(catalogue, BATCH, unit)
        props = {p.name: p.value for p in wb.custom_doc_props.props}
        assert identities.from_properties(props) == expected.__class__(**{**expected.__dict__, "source": "property"})
        hidden = wb[identities.SHEET]
        assert hidden.sheet_state == "hidden"
        from_sheet = identities.from_sheet_rows(hidden.iter_rows(values_only=True))
        from_name = identities.from_name_value(wb.defined_names[identities.DEFINED_NAME].attr_text)
        for found in (from_sheet, from_name):
            assert (found.catalogue, found.fingerprint, found.batch, found.unit) == (catalogue.id, catalogue.fingerprint, BATCH, unit)
        assert wb.properties.title == f"{catalogue.title}（{unit}）"
        assert wb.properties.creator == (catalogue.notice.issuer or "wbtool")


# ---------------------------------------------------------------------------
# plan, names, batches, folders
# ---------------------------------------------------------------------------


def test_plan_filters_by_name_alias_and_group(wuxi):
    assignments, findings = plan(wuxi, ["人社局", "市教育局"])
    assert [a.unit.name for a in assignments] == ["市教育局", "市人力资源社会保障局"]  # registry order
    assert not findings
    schools, _ = plan(wuxi, ["各职业学校、技工院校"])
    assert {a.unit.name for a in schools} == {u.name for u in wuxi.units if u.kind == "职业院校"}


def test_unknown_unit_is_a_finding_and_nothing_is_written(wuxi, tmp_path):
    assignments, findings = plan(wuxi, ["市教育厅"])
    assert assignments == [] and [(f.code, f.unit) for f in findings] == [("unit-unknown", "市教育厅")]
    result = generate(wuxi, tmp_path / "out", units=["市教育局", "市教育厅"], batch=BATCH)
    assert [f.code for f in result.findings] == ["unit-unknown"] and not result.files
    assert not (tmp_path / "out").exists()


def test_a_unit_without_tasks_is_reported_when_asked_for(tmp_path):
    catalogue = _tiny(units=[{"name": "甲单位"}, {"name": "乙单位"}])
    assignments, findings = plan(catalogue, ["乙单位"])
    assert assignments == [] and [(f.code, f.unit) for f in findings] == [("catalog-unit-unused", "乙单位")]
    result = generate(catalogue, tmp_path / "out", units=["乙单位"], batch=BATCH)
    assert not result.files and not (tmp_path / "out").exists()


def test_filename_is_safe_on_windows(wuxi):
    assert filename_for(wuxi, "市教育局") == "附件2-任务完成情况-市教育局.xlsx"
    assert filename_for(wuxi, 'a/b\\c:d*e?"f<g>h|i.') == "附件2-任务完成情况-a_b_c_d_e__f_g_h_i.xlsx"


def test_batch_ids_sort_and_are_checked():
    assert new_batch_id(datetime(2026, 11, 22, 15, 30)) == "20261122-1530"
    assert re.fullmatch(r"\d{8}-\d{4}", new_batch_id())
    assert not valid_batch_id("2026-秋")
    assert not valid_batch_id("a|b") and valid_batch_id("2026b.1")
    with pytest.raises(Refused):
        generate(None, "unused", batch="a|b")  # type: ignore[arg-type]


def test_a_folder_of_another_batch_is_refused_unless_overwrite(wuxi, tmp_path):
    first = generate(wuxi, tmp_path, units=["市外办", "市商务局"], batch="b1")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    refused = generate(wuxi, tmp_path, units=["市外办"], batch="b2")
    assert [f.code for f in refused.findings] == ["output-other-batch"] and not refused.files
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    again = generate(wuxi, tmp_path, units=["市外办", "市商务局"], batch="b1")  # same batch: fine
    assert again.ok and not again.findings
    replaced = generate(wuxi, tmp_path, units=["市外办"], batch="b2", overwrite=True)
    (stale,) = [f.path for f in first.files if f.unit == "市商务局"]
    assert [(f.code, f.file) for f in replaced.findings] == [("output-batch-replaced", str(stale))]
    assert manifests.read(tmp_path).batch == "b2"


def test_a_broken_manifest_is_not_overwritten(wuxi, tmp_path):
    (tmp_path / manifests.JSON_NAME).write_text("{not json", encoding="utf-8")
    result = generate(wuxi, tmp_path, units=["市外办"], batch=BATCH)
    assert [f.code for f in result.findings] == ["output-other-batch"]
    assert (tmp_path / manifests.JSON_NAME).read_text(encoding="utf-8") == "{not json"


def test_unwritable_folder_is_a_finding(wuxi, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = generate(wuxi, blocker / "out", units=["市外办"], batch=BATCH)
    assert [f.code for f in result.findings] == ["output-unwritable"]


# ---------------------------------------------------------------------------
# write_template on its own
# ---------------------------------------------------------------------------


def _tiny(**overrides):
    raw = {
        "id": "tiny",
        "title": "测试清单",
        "limit": 300,
        "units": [{"name": "甲单位"}],
        "sections": [{"title": "（一）工程", "tasks": [{"number": 1, "text": "=1+1http://example.com", "owners": "甲单位"}]}],
        **overrides,
    }
    catalogue, findings = catalogues.build(raw)
    assert catalogue is not None, findings
    return catalogue


def test_task_text_that_looks_like_a_formula_stays_text():
    catalogue = _tiny()
    (assignment,), _ = plan(catalogue)
    buffer = io.BytesIO()
    tx.write_template(catalogue, assignment, identities.make(catalogue, BATCH, "甲单位"), buffer)
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[tx.FILL_SHEET]
    cell = ws[f"C{tx.FIRST_DATA_ROW}"]
    assert (cell.value, cell.data_type) == ("=1+1http://example.com", "s")
    assert cell.hyperlink is None


def test_xlsxwriter_refusal_is_an_internal_error_not_a_silent_skip(tmp_path):
    # A prompt title over Excel's 32 characters: xlsxwriter would only warn and drop it.
    catalogue = _tiny(entry_label="本单位负责任务的年度完成情况与下一步工作计划说明")
    (assignment,), _ = plan(catalogue)
    with pytest.raises(tx.TemplateError):
        tx.write_template(catalogue, assignment, identities.make(catalogue, BATCH, "甲单位"), tmp_path / "x.xlsx")


def test_write_template_accepts_a_path(tmp_path, wuxi):
    (assignment,), _ = plan(wuxi, ["市外办"])
    assert isinstance(assignment, Assignment)
    target = tmp_path / "one.xlsx"
    tx.write_template(wuxi, assignment, identities.make(wuxi, BATCH, "市外办"), target)
    assert openpyxl.load_workbook(target).sheetnames[0] == tx.FILL_SHEET


# ---------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------


def test_cli_writes_files_and_exits_zero(tmp_path):
    out = tmp_path / "填报表"
    run = CliRunner().invoke(main, ["generate", "--unit", "市外办", "--batch", BATCH, "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "市外办" in run.output
    assert (out / "附件2-任务完成情况-市外办.xlsx").exists() and (out / manifests.JSON_NAME).exists()


@pytest.mark.parametrize(
    "args",
    [["--unit", "市教育厅"], ["--batch", "a|b"], ["--catalog", "no-such-catalogue"]],
    ids=["unknown-unit", "bad-batch", "bad-catalogue"],
)
def test_cli_cannot_run_exits_two(tmp_path, args):
    run = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "o"), *args])
    assert run.exit_code == 2, run.output


def test_cli_refuses_a_folder_of_another_batch(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "-u", "市外办", "-b", "b1", "-o", str(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["generate", "-u", "市外办", "-b", "b2", "-o", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["generate", "-u", "市外办", "-b", "b2", "-o", str(tmp_path), "--overwrite"]).exit_code == 0


def test_generated_file_paths_are_inside_out_dir(batch):
    _, result, _, _ = batch
    assert all(Path(f.path).parent == result.out_dir for f in result.files)


def test_sign_off_line_for_the_stamped_copy_prints_under_the_title(batch):
    catalogue, _, books, _ = batch
    unit, wb = next(iter(books.items()))
    ws = wb[tx.FILL_SHEET]
    text = ws.cell(tx.INFO_ROW, 1).value
    labels = ("填报单位（盖章）：", "经办人：", "联系电话：", "填报日期：")
    assert [text.index(label) for label in labels] == sorted(text.index(label) for label in labels)
    assert text.startswith(f"填报单位（盖章）：{unit}")
    last = ws.cell(tx.HEADER_ROW, len(tx.columns(catalogue))).column_letter
    assert f"A{tx.INFO_ROW}:{last}{tx.INFO_ROW}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(tx.INFO_ROW, 1).protection.locked  # outside the entry area: written by hand on the printout
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    assert area.split("!")[1].startswith("$A$1:")  # on the printout
    assert f"本单位任务 {len(catalogue.tasks_of(unit))} 项" in ws.cell(tx.NOTE_ROW, 1).value


def test_no_cjk_font_is_tied_to_the_theme_in_the_template(batch):
    import re
    import zipfile

    _, result, _, _ = batch
    path = result.files[0].path
    styles = zipfile.ZipFile(path).read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>|<font .*?</font>", styles)
    assert fonts and [f for f in fonts if 'scheme val="minor"' in f and ("仿宋" in f or "黑体" in f or "方正" in f)] == []

