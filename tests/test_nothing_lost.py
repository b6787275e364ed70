"""Defects found by hostile and real-user testing, one case each.

Every test is named after the problem it pins; each failed before its fix.
Returns are made from the real templates and read in this process (``read_here``)
to keep the file fast.
"""

from __future__ import annotations

import csv
import io
import errno
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

import returns as R
from masters import set_final
from wbtool import layout
from wbtool.errors import Refused
from wbtool.io.findings_out import findings_csv
from wbtool.io.master_read import read_master
from wbtool.model import Submission
from wbtool.findings import finding
from wbtool.pipeline import merge, output_names
from wbtool.pool import read_here
from wbtool.text import printable, utf16_len

UNIT = "宜兴市"
OTHER = "江阴市"


def _merge(folder: Path, out: Path, wuxi):
    return merge([folder], out, catalogue=wuxi, read=read_here)


def _codes(result, unit=None, task=None):
    return [f.code for f in result.findings if (unit is None or f.unit == unit) and (task is None or f.task == task)]


# ---------------------------------------------------------------------------
# 1. a re-merge into the same --out keeps the bureau's 定稿 edits
# ---------------------------------------------------------------------------


def test_remerge_into_same_out_keeps_bureau_final_edits_and_a_dated_backup(wuxi, tmp_path):
    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    returns = tmp_path / "回收材料"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {no: f"第{no}项已完成" for no in tasks}, returns / f"{UNIT}.xlsx")
    out = tmp_path / "汇总"
    _merge(returns, out, wuxi)
    master = out / output_names(wuxi)["master"]
    set_final(master, tasks[0], "局里改写的定稿")
    set_final(master, tasks[1], "局里改写的第二条")

    # A late return arrives from another unit; a correction changes the second task.
    R.fill(R.template(wuxi, OTHER, tmp_path / "t2"), {t.no: "补报" for t in wuxi.tasks_of(OTHER)}, returns / f"{OTHER}.xlsx")
    R.set_saved_at(
        R.fill(R.template(wuxi, UNIT, tmp_path / "t3"), {no: ("更正后的内容" if no == tasks[1] else f"第{no}项已完成") for no in tasks}, tmp_path / "c.xlsx"),
        datetime(2030, 1, 1, tzinfo=timezone.utc),
        returns / f"{UNIT}-更正.xlsx",
    )
    result = _merge(returns, out, wuxi)

    edits, _ = read_master(master)
    finals = {row.no: row.final for row in edits.rows}
    assert finals[tasks[0]] == "局里改写的定稿"
    assert finals[tasks[1]] == "局里改写的第二条"  # kept, but flagged: its 完成情况 changed
    assert result.finals_kept == 1 and result.finals_review == 1
    assert _codes(result, task=tasks[0]).count("final-carried") == 1
    assert "final-review" in _codes(result, task=tasks[1])
    assert result.backup is not None and result.backup.is_file() and "备份" in result.backup.name
    backup_edits, _ = read_master(result.backup)
    assert {r.no: r.final for r in backup_edits.rows}[tasks[0]] == "局里改写的定稿"


# ---------------------------------------------------------------------------
# 2. a correction that leaves a task empty
# ---------------------------------------------------------------------------


def test_correction_leaving_a_task_empty_keeps_earlier_text_without_entry_missing(wuxi, tmp_path):
    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    returns = tmp_path / "回收材料"
    returns.mkdir()
    blank = R.template(wuxi, UNIT, tmp_path / "t")
    first = R.fill(blank, {no: f"第{no}项原文" for no in tasks}, tmp_path / "w.xlsx")
    R.set_saved_at(first, datetime(2023, 1, 1, tzinfo=timezone.utc), returns / "第一版.xlsx")
    R.set_saved_at(
        R.fill(blank, {no: "更正" for no in tasks[1:]}, tmp_path / "x.xlsx"), datetime(2023, 2, 1, tzinfo=timezone.utc), returns / "第二版.xlsx"
    )
    result = _merge(returns, tmp_path / "汇总", wuxi)
    row = next(r for r in result.master.rows if r.task.no == tasks[0])
    assert [e.text for e in row.entries] == [f"第{tasks[0]}项原文"]
    assert "entry-missing" not in _codes(result, UNIT, tasks[0])


# ---------------------------------------------------------------------------
# 3. an encrypted file named after its unit
# ---------------------------------------------------------------------------


def test_encrypted_file_named_after_unit_is_attributed_and_not_chased_as_missing(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    returns.mkdir()
    filled = R.fill(R.template(wuxi, OTHER, tmp_path / "t"), {t.no: "已完成" for t in wuxi.tasks_of(OTHER)}, tmp_path / "f.xlsx")
    R.encrypt(filled, "secret", returns / f"{OTHER}-附件2.xlsx")
    R.fill(R.template(wuxi, UNIT, tmp_path / "t2"), {t.no: "已完成" for t in wuxi.tasks_of(UNIT)}, returns / f"{UNIT}.xlsx")
    result = _merge(returns, tmp_path / "汇总", wuxi)
    assert "file-encrypted" in _codes(result, OTHER)
    assert "unit-missing" not in _codes(result, OTHER)
    status = next(u for u in result.master.units if u.unit == OTHER)
    assert status.status is Submission.UNREADABLE and status.status.value == "已报送，无法读取"


# ---------------------------------------------------------------------------
# 6. an untouched blank template; generate into a returns folder
# ---------------------------------------------------------------------------


def test_untouched_blank_template_is_returned_unfilled_with_one_finding(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    R.template(wuxi, UNIT, returns)
    result = _merge(returns, tmp_path / "汇总", wuxi)
    assert _codes(result, UNIT).count("form-blank") == 1
    assert "entry-missing" not in _codes(result, UNIT)
    status = next(u for u in result.master.units if u.unit == UNIT)
    assert status.status is Submission.BLANK


# ---------------------------------------------------------------------------
# 8. an empty folder
# ---------------------------------------------------------------------------


def test_merge_on_an_empty_folder_says_nothing_was_found(wuxi, tmp_path):
    (tmp_path / "空").mkdir()
    with pytest.raises(Refused, match="没有找到任何文件"):
        _merge(tmp_path / "空", tmp_path / "汇总", wuxi)


# ---------------------------------------------------------------------------
# 11. text Excel accepts: UTF-16 cell limit, U+FFFE / U+FFFF
# ---------------------------------------------------------------------------


def test_noncharacters_fffe_ffff_are_not_printable():
    assert printable("甲\ufffe乙\uffff丙") == "甲乙丙"


def test_emoji_text_near_the_cell_limit_is_counted_in_utf16_units(wuxi, tmp_path):
    from wbtool.io.master_xlsx import EXCEL_CELL_LIMIT, clean

    text = "😀" * 20_000  # 20,000 code points, 40,000 UTF-16 units
    assert utf16_len(clean(text)) <= EXCEL_CELL_LIMIT


def test_emoji_and_extension_b_in_merged_text_write_both_master_and_report(wuxi, tmp_path):
    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    returns = tmp_path / "回收材料"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {tasks[0]: "😀" * 17_000, tasks[1]: "𠀀" * 16_500}, returns / f"{UNIT}.xlsx")
    result = _merge(returns, tmp_path / "汇总", wuxi)
    assert all(path.is_file() for path in result.outputs)


# ---------------------------------------------------------------------------
# 15. CSV injection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_findings_csv_neutralises_formula_starts_in_every_column(start):
    bad = start + "SUM(1+1)"
    f = finding("not-owner", bad, unit=bad, task=None, file=bad + "市委编办.xlsx", cell=bad, text=bad)
    rows = list(csv.reader(io.StringIO(findings_csv([f]).decode("utf-8-sig"))))
    for cell in rows[1]:
        assert not cell or cell[0] not in "=+-@\t\r", cell


# ---------------------------------------------------------------------------
# 16. outputs follow the umask
# ---------------------------------------------------------------------------


def test_outputs_are_created_as_the_umask_says(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {t.no: "已完成" for t in wuxi.tasks_of(UNIT)}, returns / f"{UNIT}.xlsx")
    old = os.umask(0o022)
    try:
        result = _merge(returns, tmp_path / "汇总", wuxi)
    finally:
        os.umask(old)
    for path in result.outputs:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


# ---------------------------------------------------------------------------
# 9, 12, 13: hostile files outside the readers
# ---------------------------------------------------------------------------

import re
import zipfile

from wbtool.pipeline import check_returns, markup_returns, read_master_limited, report_from_master
from wbtool.io.markup import target_name


def _with_merged_range_to_the_sheet_end(path: Path, target: Path) -> Path:
    """The 11 KiB bomb of the issue: one merged range G1:XFD1048576 (openpyxl makes a
    MergedCell for each of its 17 billion cells)."""
    bomb = '<mergeCells count="1"><mergeCell ref="G1:XFD1048576"/></mergeCells>'
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet1.xml"):
                text = re.sub(r"<mergeCells.*?</mergeCells>", "", data.decode("utf-8"), flags=re.S)
                text = text.replace("</sheetData>", "</sheetData>" + bomb, 1)
                data = text.encode("utf-8")
            out.writestr(item, data)
    return target


def test_markup_of_a_merged_range_bomb_is_bounded_and_still_lists_the_problems(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {wuxi.tasks_of(UNIT)[0].no: "已完成"}, tmp_path / "f.xlsx")
    _with_merged_range_to_the_sheet_end(filled, returns / f"{UNIT}.xlsx")
    result = check_returns([returns], wuxi, read=read_here)
    started = datetime.now()
    written = markup_returns([returns], result, tmp_path / "退回修改")
    assert (datetime.now() - started).total_seconds() < 60
    assert len(written) == 1 and written[0].is_file()


def test_markup_name_of_a_long_chinese_attachment_fits_255_bytes():
    name = target_name("宜兴市", "关于" + "职业教育改革创新" * 20 + "的报告.xlsx")
    assert len(name.encode("utf-8")) <= 255 and name.endswith(".xlsx")


def test_report_on_a_master_with_a_cell_at_xfd1048576_is_a_finding_not_an_abort(wuxi, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = layout.SHEET_TABLE
    sheet.append([layout.COL_NO, layout.COL_ENTRY, layout.COL_FINAL])
    sheet.append([1, "甲", "乙"])
    sheet["XFD1048576"] = "x"
    master = tmp_path / "汇总.xlsx"
    book.save(master)
    path, findings = report_from_master(master, tmp_path / "报告.docx", catalogue=wuxi)
    # Either read within the limits or refused with a finding: never an abort.
    assert path is not None or findings


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
def test_report_on_a_fifo_named_like_a_master_does_not_block(wuxi, tmp_path):
    fifo = tmp_path / "汇总.xlsx"
    os.mkfifo(fifo)
    path, findings = report_from_master(fifo, tmp_path / "报告.docx", catalogue=wuxi)
    assert path is None and [f.code for f in findings] == ["master-invalid"]


class PanicException(BaseException):  # what pyo3 raises: not an Exception
    pass


def _panic(path):
    raise PanicException("called `Option::unwrap()` on a `None` value")


def test_a_reader_panic_that_is_not_an_exception_is_limit_exceeded_not_a_crash():
    from wbtool.pool import CapExceeded, call_capped

    with pytest.raises(CapExceeded, match="PanicException"):
        call_capped(_panic, "x")


def test_report_on_a_damaged_xls_master_is_a_finding(wuxi, tmp_path):
    master = tmp_path / "汇总.xls"
    master.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    edits, findings = read_master_limited(master, 300)
    assert edits is None and findings and findings[0].code in ("file-unreadable", "master-invalid")


# ---------------------------------------------------------------------------
# 4. a header below row 30
# ---------------------------------------------------------------------------


def test_header_below_row_30_under_a_cover_letter_keeps_every_text(wuxi, tmp_path):
    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {no: f"第{no}项已完成" for no in tasks}, tmp_path / "f.xlsx")
    book = load_workbook(filled)
    sheet = book[R.FILL_SHEET]
    sheet.insert_rows(1, 40)
    for row in range(1, 41):
        sheet.cell(row=row, column=1, value=f"关于报送完成情况的函（第{row}行）")
    returns = tmp_path / "回收材料"
    returns.mkdir()
    book.save(returns / f"{UNIT}-附函.xlsx")
    result = check_returns([returns], wuxi, read=read_here)
    assert "form-not-found" not in [f.code for f in result.findings]
    assert sorted(e.task for e in result.current_entries()) == sorted(tasks)


# ---------------------------------------------------------------------------
# 5. a 100,000-字 entry is continued, not cut
# ---------------------------------------------------------------------------


def test_hundred_thousand_character_entry_is_whole_in_details_across_cells(wuxi, tmp_path):
    from wbtool.io.master_xlsx import GOES_ON
    from wbtool.layout import DETAIL_COLUMNS

    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    text = "".join(f"第{i:05d}句。" for i in range(12_500))  # 100,000 characters
    returns = tmp_path / "回收材料"
    R.word_table(wuxi, [(tasks[0], text)], returns / f"{UNIT}-附件2.docx")  # a Word cell has no limit
    result = _merge(returns, tmp_path / "汇总", wuxi)
    assert [len(e.text) for e in result.master.details] == [len(text)]
    book = load_workbook(result.outputs[0])
    for row in book[layout.SHEET_DETAILS].iter_rows(values_only=True):
        if isinstance(row[3], str) and row[3].startswith("第00000句"):
            entry = DETAIL_COLUMNS.index(layout.COL_ENTRY)
            joined = "".join(c.removesuffix(GOES_ON) for c in row[entry : entry + 1] + row[len(DETAIL_COLUMNS) :] if isinstance(c, str))
            assert joined == text
            break
    else:
        raise AssertionError("entry not in 明细")


# ---------------------------------------------------------------------------
# 10, 13: one memory budget for the batch; deep folders
# ---------------------------------------------------------------------------

from wbtool.io.archive import ArchiveLimits
from wbtool.io.collect import MAX_FOLDER_DEPTH, collect


def test_twenty_small_zips_share_one_batch_budget(tmp_path):
    """Each zip is within its own budget; together they pass the batch's (here 1 MiB,
    scaled down from 1 GiB): what the work folder holds is bounded by the batch budget."""
    for index in range(20):
        R.zip_gbk({f"附件{index}.xlsx": os.urandom(100 * 1024)}, tmp_path / "回收" / f"单位{index}.zip")
    collection = collect([tmp_path / "回收"], limits=ArchiveLimits(max_batch=1024 * 1024))
    held = sum(os.path.getsize(f.path) for f in collection.files)
    assert held <= 1024 * 1024
    assert len(collection.files) == 10
    assert sum("合计已超过" in f.message for f in collection.findings) == 10


def test_a_huge_eml_is_not_read_whole(tmp_path):
    mail = tmp_path / "回收" / "巨大.eml"
    mail.parent.mkdir()
    with open(mail, "wb") as out:
        out.truncate(3 * 1024 * 1024)  # sparse: no disk used
    collection = collect([mail.parent], limits=ArchiveLimits(max_mail=1024 * 1024))
    assert not collection.files and [f.code for f in collection.findings] == ["file-unreadable"]


def test_a_folder_nested_1100_levels_is_a_finding_not_a_recursion_error(tmp_path):
    folder = tmp_path / "回收"
    deep = folder
    os.makedirs(folder)
    # Built with relative steps: an absolute path 1,100 levels deep passes PATH_MAX.
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(1_100):
            os.mkdir("d")
            os.chdir("d")
        Path("附件2.xlsx").write_bytes(b"x")
    finally:
        os.chdir(cwd)
    try:
        collection = collect([folder])
    finally:
        _remove_deep(folder)  # pytest's own clean-up recurses and would overflow
    assert not collection.files
    assert any(f"{MAX_FOLDER_DEPTH} 层" in f.message for f in collection.findings)


def _remove_deep(folder: Path) -> None:
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(cwd)


# ---------------------------------------------------------------------------
# 11, 13: a 定稿 with U+FFFF in `report`; a full disk in xlsxwriter; check on nothing
# ---------------------------------------------------------------------------


def test_report_from_a_final_holding_uffff_writes_the_report(wuxi, tmp_path):
    from wbtool.model import MasterEdits, MasterRow, MasterView
    from wbtool.pipeline import write_report
    from wbtool.report import build_report

    edits = MasterEdits(rows=(MasterRow(no=1, entry="甲", final="定稿\uffff\ufffe文字", cell="附件2!G5"),), units=(), findings=())
    view = MasterView(catalogue=wuxi, texts=edits.texts(), units=(), findings=())
    assert write_report(build_report(view), tmp_path / "报告.docx").is_file()


def test_full_disk_in_xlsxwriter_is_cannot_write_not_a_traceback(wuxi, tmp_path, monkeypatch):
    import xlsxwriter.exceptions

    from wbtool.errors import CannotWrite
    from wbtool.io import master_xlsx
    from wbtool.merge import build_master

    def full(self):  # as xlsxwriter raises it: the system's error inside
        raise xlsxwriter.exceptions.FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", full)
    result = check_returns([tmp_path], wuxi, read=read_here)
    with pytest.raises(CannotWrite, match="磁盘空间已满") as raised:
        master_xlsx.write_master(build_master(result), tmp_path / "汇总" / "汇总.xlsx")
    assert "No space" not in str(raised.value)
    assert not list((tmp_path / "汇总").glob("**/*.xlsx"))


def test_check_on_an_empty_folder_says_nothing_was_found(wuxi, tmp_path):
    from click.testing import CliRunner

    from wbtool.cli import main

    (tmp_path / "空").mkdir()
    outcome = CliRunner().invoke(main, ["check", str(tmp_path / "空")])
    assert "没有找到任何文件" in outcome.output.replace("\n", "")


def test_generate_refuses_a_folder_of_returns_like_merge(wuxi, tmp_path):
    from wbtool.pipeline import generate

    returns = tmp_path / "回收材料"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {t.no: "已完成" for t in wuxi.tasks_of(UNIT)}, returns / f"{UNIT}.xlsx")
    result = generate(wuxi, returns, units=[OTHER])
    assert not result.files and [f.code for f in result.findings] == ["output-other-batch"]
    assert sorted(p.name for p in returns.iterdir()) == [f"{UNIT}.xlsx"]


def test_an_emails_sender_and_send_time_are_recorded_in_the_units_sheet(wuxi, tmp_path):
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {t.no: "已完成" for t in wuxi.tasks_of(UNIT)}, tmp_path / f"{UNIT}.xlsx")
    returns = tmp_path / "回收材料"
    R.eml([filled], returns / "来信.eml", sender="yixing@example.cn", sent_at=datetime(2023, 1, 5, 2, 0, tzinfo=timezone.utc))
    result = _merge(returns, tmp_path / "汇总", wuxi)
    status = next(u for u in result.master.units if u.unit == UNIT)
    assert any("发件人" in line and "发送于" in line for line in status.files), status.files


def test_task_text_changed_points_at_the_edited_task_cell(wuxi, tmp_path):
    no = wuxi.tasks_of(UNIT)[0].no
    returns = tmp_path / "回收材料"
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {no: "已完成"}, tmp_path / "f.xlsx")
    R.edit_task_text(filled, no, wuxi.task(no).text + "（本单位补充说明）", returns / f"{UNIT}.xlsx")
    result = check_returns([returns], wuxi, read=read_here)
    changed = [f for f in result.findings if f.code == "task-text-changed"]
    entry_cell = next(e.cell for e in result.current_entries() if e.task == no)
    assert changed and changed[0].cell and changed[0].cell != entry_cell


def test_na_typed_as_an_entry_is_not_reported_as_unfilled(wuxi, tmp_path):
    no = wuxi.tasks_of(UNIT)[0].no
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {no: "占位"}, tmp_path / "f.xlsx")
    book = load_workbook(filled)
    sheet = book[R.FILL_SHEET]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "占位")
    cell.value = "#N/A"
    cell.data_type = "e"  # what Excel stores when #N/A is typed
    returns = tmp_path / "回收材料"
    returns.mkdir()
    book.save(returns / f"{UNIT}.xlsx")
    result = check_returns([returns], wuxi, read=read_here)
    assert "entry-missing" not in _codes(result, UNIT, no)
    assert [e.text for e in result.current_entries() if e.task == no] == ["#N/A"]


# ---------------------------------------------------------------------------
# 17. messages that mislead
# ---------------------------------------------------------------------------


def test_a_zip_without_read_permission_is_not_called_incomplete(tmp_path, monkeypatch):
    """Root reads every file, so a chmod proves nothing where the tests run as root: the
    system's refusal is simulated at the one call every open goes through."""
    import io

    folder = tmp_path / "回收"
    zipped = R.zip_gbk({"附件2.xlsx": b"x" * 100}, folder / "江阴市.zip")
    real_open = io.open

    def refusing(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file) == zipped:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", refusing)
    findings = collect([folder]).findings
    assert [(f.code, f.file) for f in findings] == [("file-unreadable", "回收/江阴市.zip")]
    assert "没有读取权限" in findings[0].message and "不是完整" not in findings[0].message


def test_an_incomplete_ole_sector_is_damaged_not_a_permission_problem(tmp_path):
    from wbtool.io.read import read_file
    from wbtool.model import ReturnedFile

    header = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    header[0x1E] = 9  # sector shift: 512-byte sectors
    header[0x1C:0x1E] = b"\xfe\xff"
    path = tmp_path / "江阴市.xls"
    path.write_bytes(bytes(header) + b"\0" * 100)  # the sectors the header promises are missing
    result = read_file(ReturnedFile(origin=(path.name,), path=str(path)))
    message = result.findings[0].message
    assert "权限" not in message


def test_an_unreadable_master_speaks_chinese_not_the_librarys_english(tmp_path):
    for name in ("汇总.xlsx", "汇总.bin"):  # calamine: "invalid Zip archive …", "Cannot detect file format"
        master = tmp_path / name
        master.write_bytes(b"not a workbook at all")
        _, findings = read_master(master)
        assert findings and not re.search("Cannot|format|Zip|EOCD", findings[0].message), findings[0].message


# ---------------------------------------------------------------------------
# 7. two versions that tie on their saved time: the same order on any machine
# ---------------------------------------------------------------------------


def test_versions_tying_on_saved_time_are_ordered_the_same_whatever_the_disk_times(wuxi, tmp_path):
    no = wuxi.tasks_of(UNIT)[0].no
    when = datetime(2023, 1, 5, 10, 0, tzinfo=timezone.utc)
    returns = tmp_path / "回收材料"
    returns.mkdir()
    blank = R.template(wuxi, UNIT, tmp_path / "t")
    a = R.set_saved_at(R.fill(blank, {no: "甲稿"}, tmp_path / "a.xlsx"), when, returns / "a.xlsx")
    b = R.set_saved_at(R.fill(blank, {no: "乙稿"}, tmp_path / "b.xlsx"), when, returns / "b.xlsx")
    chosen = []
    for first, second in ((a, b), (b, a)):  # copy order flips the disk times
        os.utime(first, (1_000_000, 1_000_000))
        os.utime(second, (2_000_000, 2_000_000))
        result = check_returns([returns], wuxi, read=read_here)
        chosen.append(next(e.text for e in result.current_entries() if e.task == no))
    assert chosen[0] == chosen[1]


# ---------------------------------------------------------------------------
# 8. 退回修改 for an .xls return marks the unit's own cells
# ---------------------------------------------------------------------------

from wbtool.io import soffice


@pytest.mark.skipif(not soffice.available(), reason="needs LibreOffice")
def test_markup_of_an_xls_return_marks_the_units_own_sheet_not_only_the_list(wuxi, tmp_path):
    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {tasks[0]: "字" * (wuxi.limit + 50)}, tmp_path / "src" / f"{UNIT}.xlsx")
    returns = tmp_path / "回收材料"
    [xls] = R.resave([filled], "xls", returns)
    result = check_returns([returns], wuxi, read=read_here)
    [written] = markup_returns([returns], result, tmp_path / "退回修改")
    book = load_workbook(written)
    assert R.FILL_SHEET in book.sheetnames
    assert any(c.comment for row in book[R.FILL_SHEET].iter_rows() for c in row)


def test_an_ods_saved_time_without_a_zone_is_read_in_the_units_zone_not_the_machines(monkeypatch):
    from wbtool.io import ooxml_meta
    from wbtool.model import time_zone

    meta = b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><dc:date>2023-01-05T10:00:00</dc:date></office:meta></office:document-meta>'
    monkeypatch.setenv("TZ", "America/New_York")
    shanghai = ooxml_meta._ods_meta(meta, time_zone("Asia/Shanghai")).saved_at
    assert shanghai == datetime(2023, 1, 5, 2, 0, tzinfo=timezone.utc)


def test_merge_command_says_what_it_carried_over_and_where_the_backup_is(wuxi, tmp_path):
    from click.testing import CliRunner

    from wbtool.cli import main

    tasks = [t.no for t in wuxi.tasks_of(UNIT)]
    returns = tmp_path / "回收材料"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {no: f"第{no}项已完成" for no in tasks}, returns / f"{UNIT}.xlsx")
    out = tmp_path / "汇总"
    first = CliRunner().invoke(main, ["merge", str(returns), "--out", str(out)])
    assert first.exit_code in (0, 1), first.output
    set_final(out / output_names(wuxi)["master"], tasks[0], "局里改写的定稿")
    again = CliRunner().invoke(main, ["merge", str(returns), "--out", str(out)])
    text = again.output.replace("\n", "")
    assert "备份" in text and "沿用了上一版汇总表中修改过的定稿 1 项" in text, again.output


def test_every_unit_counts_once_in_the_progress_pie_whatever_its_status(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    R.template(wuxi, UNIT, returns)  # 已报送，未填写
    result = _merge(returns, tmp_path / "汇总", wuxi)
    book = load_workbook(result.outputs[0])
    data = book[layout.SHEET_CHART_DATA] if hasattr(layout, "SHEET_CHART_DATA") else None
    if data is None:
        pytest.skip("no chart data sheet")
    states = [row[0] for row in data.iter_rows(min_row=2, values_only=True) if row[0]]
    assert set(states) >= {u.status.value for u in result.master.units}
