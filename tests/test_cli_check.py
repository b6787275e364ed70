"""``wbtool check``: formats, exit codes, --assign, --markup."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from wbtool.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "returns"
CONFLICT = "renamed-other-units-template-市科技局.xlsx"


def returns_dir(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "回收"
    folder.mkdir()
    for name in names:
        shutil.copyfile(FIXTURES / name, folder / name)
    return folder


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def test_json_lists_findings_only_and_exits_1_on_errors(tmp_path):
    folder = returns_dir(tmp_path, "over-limit-text.xlsx", "foreign-row-not-owner.xlsx")
    result = run(str(folder), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    package = {"superseded", "summary-missing", "case-missing", "stamped-missing", "package-name"}
    assert {(f["code"], f["task"], f["cell"]) for f in findings if f["unit"] == "市科技局" and f["code"] not in package} == {
        ("over-limit", 13, "填报表!E6"),
        ("not-owner", 1, "填报表!E13"),
    }
    assert set(findings[0]) == {"code", "severity", "unit", "task", "file", "cell", "message", "text"}


def test_csv_has_a_bom_for_excel_and_one_row_per_finding(tmp_path):
    folder = returns_dir(tmp_path, "complete-return.xlsx")
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "csv"])
    assert result.exit_code == 0, "unit-missing is a warning: nothing blocks"
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    # A form alone: the package's other materials are missing, its name is not the notice's.
    package = {"summary-missing", "case-missing", "stamped-missing", "package-name"}
    assert rows and {row["代码"] for row in rows} == {"unit-missing"} | package
    assert {row["级别"] for row in rows if row["代码"] != "package-name"} == {"警告"}
    assert {row["单位"] for row in rows if row["代码"] in package} == {"市科技局"}
    assert "市科技局" not in {row["单位"] for row in rows if row["代码"] == "unit-missing"}


def test_csv_is_the_findings_csv_that_merge_writes(tmp_path):
    # One CSV for the bureau, whichever command wrote it: the same columns, rows and bytes.
    folder = returns_dir(tmp_path, "complete-return.xlsx", "over-limit-text.xlsx", "foreign-row-not-owner.xlsx")
    checked = CliRunner().invoke(main, ["check", str(folder), "--format", "csv"])
    merged = CliRunner().invoke(main, ["merge", str(folder), "--out", str(tmp_path / "汇总")])
    assert checked.exit_code == merged.exit_code == 1
    written = (tmp_path / "汇总" / "findings.csv").read_bytes()
    assert {"over-limit", "not-owner"} <= {row["代码"] for row in csv.DictReader(io.StringIO(written.decode("utf-8-sig")))}
    # merge alone knows which tasks the report prints as 「（待定稿）」: those rows aside
    # (which version of task 13 is current no longer hangs on the files' disk times).
    merge_only = b"".join(line for line in written.splitlines(keepends=True) if b",final-pending," not in line)
    assert checked.stdout_bytes == merge_only


def test_table_summarises_units_and_collapses_unit_missing(tmp_path):
    folder = returns_dir(tmp_path, "empty-entry.xlsx")
    result = run(str(folder))
    assert result.exit_code == 0
    out = result.stdout
    assert "报送情况" in out and "已报送" in out and "未报送" in out
    assert "unit-missing" not in out and "entry-missing" not in out, "one line per missing unit or empty cell would drown the real problems"
    # The empty cell is folded into one line for its unit instead.
    assert "未填写完成情况的任务" in out and "未填写 1 项" in out


def test_assign_decides_a_conflict(tmp_path):
    folder = returns_dir(tmp_path, CONFLICT)
    held = json.loads(run(str(folder), "--format", "json").stdout)
    assert any(f["code"] == "unit-conflict" for f in held)
    decided = run(str(folder), "--format", "json", "--assign", f"{CONFLICT}=财政局")
    assert decided.exit_code == 0
    codes = {(f["code"], f["unit"]) for f in json.loads(decided.stdout)}
    assert not any(code == "unit-conflict" for code, _ in codes)
    assert ("unit-missing", "市财政局") not in codes


def test_assignments_file_yaml(tmp_path):
    folder = returns_dir(tmp_path, CONFLICT)
    assignments = tmp_path / "指定.yaml"
    assignments.write_text("'*市科技局.xlsx': 市财政局\n", encoding="utf-8")
    result = run(str(folder), "--format", "json", "--assignments", str(assignments))
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--assign", "a.xlsx=火星局"],
        ["--assign", "没有等号"],
        ["--catalog", "no-such-catalogue"],
        ["--format", "xml"],
    ],
)
def test_cannot_run_exits_2(tmp_path, args):
    folder = returns_dir(tmp_path, "complete-return.xlsx")
    assert run(str(folder), *args).exit_code == 2


def test_markup_marks_problem_cells_and_leaves_inputs_alone(tmp_path):
    folder = returns_dir(tmp_path, "over-limit-text.xlsx", "word-table-return-市科技局.docx", "deleted-row-missing.xlsx")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = tmp_path / "退回"
    result = run(str(folder), "--format", "json", "--markup", str(out))
    assert result.exit_code == 1
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before
    written = sorted(p.name for p in out.iterdir())
    assert written == ["退回修改-市科技局-deleted-row-missing.xlsx", "退回修改-市科技局-over-limit-text.xlsx"]

    book = load_workbook(out / "退回修改-市科技局-over-limit-text.xlsx")
    assert book.sheetnames[0] == "退回修改" and "填报表" in book.sheetnames
    listing = book["退回修改"]
    assert [c.value for c in listing[3]] == ["序号", "级别", "问题", "任务", "位置", "说明及修改要求", "单位填写的原文"]
    assert (listing["D4"].value, listing["E4"].value) == (13, "填报表!E6")
    assert len(listing["G4"].value) == 301
    assert listing["A4"].font.name == "宋体"
    cell = book["填报表"]["E6"]
    assert cell.comment is not None and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert book["填报表"]["E5"].comment is None


def test_markup_refuses_a_folder_inside_the_inputs(tmp_path):
    folder = returns_dir(tmp_path, "over-limit-text.xlsx")
    result = run(str(folder), "--markup", str(folder / "退回"))
    assert result.exit_code == 2
    assert not (folder / "退回").exists()


def test_markup_of_a_word_return_is_a_fresh_list(tmp_path):
    from wbtool.io.markup import write_markup
    from wbtool.findings import finding

    target = tmp_path / "out.xlsx"
    problem = finding("over-limit", "太长", unit="市科技局", task=8, cell="表1 第3行", text="字" * 301)
    write_markup(b"PK not really", "附件2.docx", "市科技局", [problem], target)
    book = load_workbook(target)
    assert book.sheetnames == ["退回修改"]
    assert book["退回修改"]["G4"].value == "字" * 301
