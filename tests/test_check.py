"""check_form and corrections on hand-built forms, then on real returned files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wbtool.check import check_form, check_read, normalise, recency, row_number
from wbtool.errors import UnreadableInput
from wbtool.io.assignments import load_assignments, parse_assignments
from wbtool.pipeline import check_returns
from wbtool.io.collect import collect
from wbtool.model import Form, FormRow, Identity, ReadResult, ReturnedFile, Role
from wbtool.io.read import read_file

UNIT = "市科技局"
T0 = datetime(2023, 1, 10, 9, 0, tzinfo=timezone.utc)


def row(catalogue, no, entry=None, *, row_no=None, text=None, formula=None, number=None):
    task = catalogue.task(no)
    r = row_no or no + 3
    return FormRow(
        row=r,
        no=str(number if number is not None else no),
        section=task.section if task else None,
        task=text if text is not None else (task.text if task else ""),
        entry=entry,
        entry_cell=f"填报表!F{r}",
        entry_formula=formula,
    )


def form_of(*rows, saved_at=None, identities=(), has_macros=False):
    return Form(sheet="填报表", header_row=3, rows=tuple(rows), identities=identities, saved_at=saved_at, has_macros=has_macros)


def returned(name="市科技局样板建设总结.xlsx", **kw):
    return ReturnedFile(origin=("回收", name) if "/" not in name else (name,), path=None, data=b"", **kw)


def own_rows(catalogue, unit=UNIT, text="已完成。"):
    return [row(catalogue, t.no, text) for t in catalogue.tasks_of(unit)]


def codes(findings):
    return sorted((f.code, f.task) for f in findings)


def test_normalise_folds_numbers_spaces_and_widths():
    assert normalise("12．  支持（无锡）学院") == normalise("支持(无锡)学院")
    assert normalise("12、ABC") == "ABC"
    assert normalise("１２. ａｂ c") == "abc"


def test_row_number_from_no_or_from_task_text():
    assert row_number(FormRow(1, "12", None, "x", None, "A1")) == 12
    assert row_number(FormRow(1, "12.0", None, "x", None, "A1")) == 12
    assert row_number(FormRow(1, None, None, "12．建设", None, "A1")) == 12
    assert row_number(FormRow(1, None, None, "建设", None, "A1")) is None


def test_clean_form_gives_one_entry_per_owned_task(wuxi):
    entries, findings = check_form(form_of(*own_rows(wuxi)), UNIT, wuxi, returned())
    assert findings == []
    assert sorted(e.task for e in entries) == [t.no for t in wuxi.tasks_of(UNIT)]
    assert {e.text for e in entries} == {"已完成。"}
    assert entries[0].cell.startswith("填报表!F")


def test_reordered_rows_are_matched_by_number_and_text(wuxi):
    rows = own_rows(wuxi)[::-1]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert findings == [] and len(entries) == len(rows)


def test_changed_number_with_right_text_is_matched_by_text(wuxi):
    first, *rest = wuxi.tasks_of(UNIT)
    rows = [row(wuxi, first.no, "内容", number=49)] + [row(wuxi, t.no, "x") for t in rest]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert codes(findings) == [("task-number-changed", first.no)]
    assert any(e.task == first.no and e.text == "内容" for e in entries)


def test_edited_task_text_is_taken_by_number_and_warned(wuxi):
    first, *rest = wuxi.tasks_of(UNIT)
    edited = first.text[:-6] + "（已改）"
    rows = [row(wuxi, first.no, "内容", text=edited)] + [row(wuxi, t.no, "x") for t in rest]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert codes(findings) == [("task-text-changed", first.no)]
    assert findings[0].cell == f"填报表!F{first.no + 3}"
    assert any(e.task == first.no and e.text == "内容" for e in entries)


def test_whole_table_returned_empty_foreign_rows_are_silent_filled_ones_are_not_owner(wuxi):
    foreign = [t for t in wuxi.tasks if UNIT not in t.owners]
    rows = own_rows(wuxi) + [row(wuxi, t.no) for t in foreign[1:]] + [row(wuxi, foreign[0].no, "别人的任务")]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert codes(findings) == [("not-owner", foreign[0].no)]
    assert findings[0].text == "别人的任务" and findings[0].unit == UNIT
    assert all(e.task != foreign[0].no for e in entries)


def test_row_matching_no_task_is_unknown_and_keeps_its_text(wuxi):
    rows = own_rows(wuxi) + [FormRow(60, "51", None, "自拟任务：建设实训基地", "写了内容", "填报表!F60")]
    _, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert [(f.code, f.cell, f.text) for f in findings] == [("task-unknown", "填报表!F60", "写了内容")]


def test_unrelated_text_under_an_existing_number_is_unknown_not_text_changed(wuxi):
    first, *rest = wuxi.tasks_of(UNIT)
    rows = [row(wuxi, first.no, "内容", text="今年组织了一次全市羽毛球比赛")] + [row(wuxi, t.no, "x") for t in rest]
    _, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert ("task-unknown", first.no) in codes(findings)
    assert ("row-missing", first.no) in codes(findings)


def test_missing_row_empty_entry_formula_and_over_limit(wuxi):
    a, b, c, d, *rest = wuxi.tasks_of(UNIT)
    long_text = "字" * (wuxi.limit + 1)
    rows = [
        row(wuxi, b.no, "   "),
        row(wuxi, c.no, "12", formula="=LEN(A1)"),
        row(wuxi, d.no, long_text),
    ] + [row(wuxi, t.no, "x") for t in rest]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert codes(findings) == sorted([("row-missing", a.no), ("entry-missing", b.no), ("formula-entry", c.no), ("over-limit", d.no)])
    by_code = {f.code: f for f in findings}
    assert by_code["formula-entry"].text == "=LEN(A1)"
    assert by_code["over-limit"].text == long_text and by_code["over-limit"].cell == f"填报表!F{d.no + 3}"
    assert any(e.task == d.no and e.text == long_text for e in entries), "over-limit text is still an entry"
    assert all(e.task != c.no for e in entries)


def test_exactly_at_the_limit_is_fine_white_space_does_not_count(wuxi):
    first, *rest = wuxi.tasks_of(UNIT)
    text = "字 " * wuxi.limit
    rows = [row(wuxi, first.no, text)] + [row(wuxi, t.no, "x") for t in rest]
    _, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert findings == []


def test_duplicate_row_keeps_first_and_holds_second(wuxi):
    first, *rest = wuxi.tasks_of(UNIT)
    rows = [row(wuxi, first.no, "一"), row(wuxi, first.no, "二", row_no=90)] + [row(wuxi, t.no, "x") for t in rest]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert [(f.code, f.cell, f.text) for f in findings] == [("row-duplicate", "填报表!F90", "二")]
    assert [e.text for e in entries if e.task == first.no] == ["一"]


def test_macros_pass_through(wuxi):
    _, findings = check_form(form_of(*own_rows(wuxi), has_macros=True), UNIT, wuxi, returned())
    assert codes(findings) == [("macro-present", None)]


def test_word_table_rows_without_number_column(wuxi):
    rows = [FormRow(i, None, None, f"{t.no}．{t.text}", "好", f"表1 第{i}行") for i, t in enumerate(wuxi.tasks_of(UNIT), 2)]
    entries, findings = check_form(form_of(*rows), UNIT, wuxi, returned())
    assert findings == [] and len(entries) == len(rows)


# --- corrections ---------------------------------------------------------------


def _read(catalogue, files_and_forms):
    files = [f for f, _ in files_and_forms]
    results = [ReadResult(Role.FORM, form=form) for _, form in files_and_forms]
    return check_read(files, results, catalogue)


def test_latest_file_wins_older_entries_are_superseded_and_kept(wuxi):
    tasks = wuxi.tasks_of(UNIT)
    old_form = form_of(*[row(wuxi, t.no, "旧") for t in tasks], saved_at=T0)
    new_form = form_of(*[row(wuxi, t.no, "新") for t in tasks[1:]], saved_at=T0 + timedelta(days=1))
    old_file, new_file = returned("市科技局-初稿.xlsx"), returned("市科技局-更正.xlsx")
    result = _read(wuxi, [(new_file, new_form), (old_file, old_form)])
    current = {e.task: e.text for e in result.current_entries() if e.unit == UNIT}
    assert current[tasks[0].no] == "旧", "a task only the older file answered is kept"
    assert all(current[t.no] == "新" for t in tasks[1:])
    superseded = [e for e in result.entries if e.superseded]
    assert {e.task for e in superseded} == {t.no for t in tasks[1:]}
    assert {(f.task, f.file) for f in result.findings if f.code == "superseded"} == {(t.no, old_file.display) for t in tasks[1:]}


def test_recency_falls_back_to_email_date_then_file_time_then_name(wuxi):
    f = form_of()
    a = returned("a.xlsx", sent_at=T0, modified_at=T0 + timedelta(days=5))
    b = returned("b.xlsx", sent_at=T0 + timedelta(hours=1), modified_at=T0)
    assert recency(f, a) < recency(f, b)
    c = returned("c.xlsx", modified_at=datetime(2023, 1, 1))  # naive zip time
    d = returned("d.xlsx", modified_at=datetime(2023, 1, 2, tzinfo=timezone.utc))
    assert recency(f, c) < recency(f, d)
    assert recency(f, returned("x1.xlsx")) < recency(f, returned("x2.xlsx"))
    assert recency(form_of(saved_at=T0), a) > recency(f, b), "the document's own time decides first"


def test_unit_missing_for_every_owner_that_returned_nothing(wuxi):
    result = _read(wuxi, [(returned(), form_of(*own_rows(wuxi)))])
    missing = {f.unit for f in result.findings if f.code == "unit-missing"}
    owners = {u.name for u in wuxi.units if wuxi.tasks_of(u.name)}
    assert missing == owners - {UNIT}


def test_held_file_keeps_every_typed_text_in_findings(wuxi):
    ident = (Identity(wuxi.id, wuxi.fingerprint, "2023", "市教育局", "property"),)
    form = form_of(*own_rows(wuxi, text="科技局写的"), identities=ident)
    result = _read(wuxi, [(returned("市科技局样板建设总结.xlsx"), form)])
    assert result.entries == ()
    assert result.files[0].role == "held"
    held = [f for f in result.findings if f.code == "unit-conflict"]
    assert sum(1 for f in held if f.text == "科技局写的") == len(wuxi.tasks_of(UNIT))
    assert any(f.text is None for f in held), "one file-level finding says why"


def test_findings_sorted_errors_first(wuxi):
    a, *rest = wuxi.tasks_of(UNIT)
    rows = [row(wuxi, a.no, "字" * 400)] + [row(wuxi, t.no) for t in rest]
    result = _read(wuxi, [(returned(), form_of(*rows))])
    ranks = [{"error": 0, "warning": 1, "info": 2}[f.severity.value] for f in result.findings]
    assert ranks == sorted(ranks) and result.has_errors


# --- real returned files (tests/fixtures/returns, built by make_fixtures.py) ---------



FIXTURES = Path(__file__).resolve().parent / "fixtures" / "returns"
PASSWORD = "wbtool-test"


def E(row: int) -> str:
    """市科技局's tasks 8, 13, 22, 23, 24, 25, 26, 41 sit in rows 5–12 of 填报表; 完成情况 is column E."""
    return f"填报表!E{row}"



def check_fixture(catalogue, name, password=None):
    """Collect and read in this process (the pool is covered by test_whole_fixture_folder…)."""
    collection = collect([FIXTURES / name])
    results = [read_file(f, password) for f in collection.files]
    return check_read(collection.files, results, catalogue, extra=collection.findings)


# What the package beside the form lacks is checked in test_package.py; a form fixture comes alone.
PACKAGE_CODES = {"unit-missing", "summary-missing", "case-missing", "stamped-missing", "package-name"}


def problems(result):
    return sorted(((f.code, f.unit, f.task, f.cell) for f in result.findings if f.code not in PACKAGE_CODES), key=str)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("complete-return.xlsx", []),
        ("wps-resaved-no-props.xlsx", []),
        ("libreoffice-resaved-市科技局.xls", []),
        ("word-table-return-市科技局.docx", []),
        ("gbk-names.zip", []),
        ("over-limit-text.xlsx", [("over-limit", UNIT, 13, E(6))]),
        ("edited-task-text.xlsx", [("task-text-changed", UNIT, 23, "填报表!C8")]),  # the edited 主要任务 cell (issue 10)
        ("changed-task-number.xlsx", [("task-number-changed", UNIT, 22, E(7))]),
        ("foreign-row-not-owner.xlsx", [("not-owner", UNIT, 1, E(13))]),
        ("unknown-task-row.xlsx", [("task-unknown", UNIT, 51, E(13))]),
        ("duplicate-task-row.xlsx", [("row-duplicate", UNIT, 8, E(13))]),
        ("deleted-row-missing.xlsx", [("row-missing", UNIT, 41, None)]),
        ("empty-entry.xlsx", [("entry-missing", UNIT, 26, E(11))]),
        ("formula-in-entry.xlsx", [("formula-entry", UNIT, 24, E(9))]),
        ("macro-enabled.xlsm", [("macro-present", UNIT, None, None)]),
        ("older-template-version.xlsx", [("template-foreign", UNIT, None, None)]),
        ("encrypted.xlsx", [("file-encrypted", None, None, None)]),
        ("truncated-broken.xlsx", [("file-unreadable", None, None, None)]),
    ],
)
def test_fixture_findings_and_positions(wuxi, name, expected):
    result = check_fixture(wuxi, name)
    assert problems(result) == sorted(expected, key=str)
    if not any(code in ("file-encrypted", "file-unreadable") for code, *_ in expected):
        assert {e.unit for e in result.entries} == {UNIT}
        assert len(result.current_entries()) == 8 - sum(code in ("row-missing", "entry-missing", "formula-entry") for code, *_ in expected)


def test_over_limit_text_is_entry_and_finding(wuxi):
    result = check_fixture(wuxi, "over-limit-text.xlsx")
    (over,) = [f for f in result.findings if f.code == "over-limit"]
    assert any(e.task == 13 and e.text == over.text for e in result.entries)


def test_encrypted_return_opens_with_the_password(wuxi):
    result = check_fixture(wuxi, "encrypted.xlsx", password=PASSWORD)
    assert problems(result) == [] and len(result.entries) == 8


def test_renamed_copy_of_another_units_template_is_held_with_every_text(wuxi):
    result = check_fixture(wuxi, "renamed-other-units-template-市科技局.xlsx")
    assert result.entries == () and [r.role for r in result.files] == ["held"]
    held = [f for f in result.findings if f.code == "unit-conflict"]
    typed = [f for f in held if f.text]
    assert sorted(f.task for f in typed) == [t.no for t in wuxi.tasks_of("市财政局")]
    assert all(f.cell and f.severity.value == "error" for f in typed)


def test_no_identity_unknown_name_is_held(wuxi):
    result = check_fixture(wuxi, "no-identity-unknown-name.xlsx")
    assert result.entries == ()
    assert len([f for f in result.findings if f.code == "unit-unknown" and f.text]) == 8


def test_zip_in_email_is_attributed_by_the_zip_name(wuxi):
    result = check_fixture(wuxi, "email-zip-named-by-unit.eml")
    assert [(r.unit, r.role, r.sender) for r in result.files] == [("市财政局", "form", "czj@example.cn")]
    assert {e.unit for e in result.entries} == {"市财政局"}


def test_gbk_zip_lists_the_summary_as_attachment_of_the_unit(wuxi):
    result = check_fixture(wuxi, "gbk-names.zip")
    assert sorted((r.role, r.unit) for r in result.files) == [("attachment", UNIT), ("form", UNIT)]
    assert all("市科技局样板建设总结" in r.file for r in result.files)


def test_correction_later_version_wins(wuxi):
    result = check_fixture(wuxi, "corrections")
    current = {e.task: e for e in result.current_entries()}
    assert "更正后" in current[22].text and current[22].file.endswith("second-version-without-task-41-市科技局.xlsx")
    assert "更正后" not in current[41].text, "task 41 is only in the first version"
    superseded = sorted(f.task for f in result.findings if f.code == "superseded")
    assert superseded == [8, 13, 22, 23, 24, 25, 26]
    # Task 41 left empty in the correction keeps the first version's text: no 「没有填写」 (issue 10).
    assert ("entry-missing", UNIT, 41, E(12)) not in problems(result)


def test_whole_fixture_folder_through_the_reader_pool(wuxi):
    seen = []
    result = check_returns([FIXTURES], wuxi, password=PASSWORD, progress=lambda done, total: seen.append((done, total)))
    total = len(result.files)
    assert seen == [(done, total) for done in range(1, total + 1)]  # one bar, filled once
    codes_seen = {f.code for f in result.findings}
    assert {"over-limit", "not-owner", "unit-conflict", "unit-unknown", "superseded", "file-unreadable", "unit-missing"} <= codes_seen
    assert "市科技局" not in {f.unit for f in result.findings if f.code == "unit-missing"}
    assert sum(1 for e in result.current_entries() if e.unit == UNIT) == 8
    documents = [p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".py"]
    assert len([r for r in result.files if r.role != "attachment"]) == len(documents)


# --- assignments files and a LibreOffice re-save ---------------------------------------



def test_assignment_lines_and_yaml(tmp_path):
    lines = tmp_path / "a.txt"
    lines.write_text("# 人工指定\n附件2(1).xlsx = 市科技局\n\n回收/a=b.xlsx=市财政局\n", encoding="utf-8")
    assert load_assignments(lines) == {"附件2(1).xlsx": "市科技局", "回收/a=b.xlsx": "市财政局"}
    listed = tmp_path / "b.yaml"
    listed.write_text("- '*科技局*': 市科技局\n- 附件2.xlsx: 市财政局\n", encoding="utf-8")
    assert load_assignments(listed) == {"*科技局*": "市科技局", "附件2.xlsx": "市财政局"}
    with pytest.raises(UnreadableInput):
        parse_assignments(["no-unit="])


@pytest.mark.soffice
def test_libreoffice_resave_keeps_the_return_checkable(wuxi, tmp_path):
    import returns as R

    blank = R.template(wuxi, UNIT, tmp_path / "blank")
    filled = R.fill(blank, {t.no: f"第{t.no}项已完成" for t in wuxi.tasks_of(UNIT)}, tmp_path / "filled" / "附件2.xlsx")
    (resaved,) = R.resave([filled], "xlsx", tmp_path / "回收")
    collection = collect([resaved])
    result = check_read(collection.files, [read_file(f) for f in collection.files], wuxi)
    assert [(r.unit, r.role) for r in result.files] == [(UNIT, "form")], "the identity survives LibreOffice"
    assert {(e.task, e.text) for e in result.entries} == {(t.no, f"第{t.no}项已完成") for t in wuxi.tasks_of(UNIT)}
    assert problems(result) == []


def test_a_unit_that_sent_only_its_summary_is_still_missing(wuxi):
    summary = ReturnedFile(origin=("回收", "市科技局工作总结.pdf"), data=b"%PDF")
    result = check_read([summary], [ReadResult(Role.ATTACHMENT)], wuxi)
    assert [(r.unit, r.role) for r in result.files] == [(UNIT, "attachment")]
    assert UNIT in {f.unit for f in result.findings if f.code == "unit-missing"}
