"""``wbtool demo`` and the shipped sample returns.

The samples are read here with the plain libraries (openpyxl, python-calamine,
python-docx, zipfile, email), independently of wbtool's own readers, so that
"every typed text is accounted for" is checked against what the files really hold.
"""

from __future__ import annotations

import email
import importlib.util
import io
import sys
import zipfile
from dataclasses import dataclass
from email.header import decode_header, make_header
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from python_calamine import CalamineWorkbook

from wbtool import demo as demo_module
from wbtool import wordcount
from wbtool.cli import main
from wbtool.demo import BATCH, run_demo
from wbtool.errors import Refused

from conftest import ROOT

SAMPLES = ROOT / "samples"
RETURNS = SAMPLES / "回收材料"

# Which unit each sample file comes from, as the story in samples/README.md tells it.
SENDER = {
    "市教育局-样板建设任务完成情况.xlsx": "市教育局",
    "市财政局样板建设任务完成情况.xlsx": "市财政局",
    "宜兴市样板建设任务完成情况.xlsx": "宜兴市",
    "宜兴市样板建设任务完成情况（更正）.xlsx": "宜兴市",
    "附件2完成情况（市发展改革委）.xlsx": "市发展改革委",
    "市人社局样板建设任务完成情况.xls": "市人力资源社会保障局",
    "市科技局附件2完成情况.docx": "市科技局",
    "无锡职业技术学院样板建设总结.zip": "无锡职业技术学院",
    "无锡商业职业技术学院样板建设总结.eml": "无锡商业职业技术学院",
}


def _load_make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make_samples = _load_make_samples()


# ---------------------------------------------------------------------------
# reading the samples without wbtool
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """One non-empty 完成情况 text found in a sample file."""

    sample: str  # the file in samples/回收材料
    unit: str  # who sent it
    task: int
    text: str


def _rows_texts(rows) -> list[tuple[int, str]]:
    """(task number, text) of every filled 完成情况 cell below the header row."""
    rows = [[("" if v is None else str(v).strip()) for v in row] for row in rows]
    for index, row in enumerate(rows):
        if "序号" in row:
            number, entry = row.index("序号"), next(i for i, v in enumerate(row) if v.startswith("完成情况"))
            return [
                (int(float(r[number])), r[entry]) for r in rows[index + 1 :] if len(r) > entry and r[entry] and r[number]
            ]
    raise AssertionError("no header row with 序号")


def _xlsx_texts(data: bytes) -> list[tuple[int, str]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return _rows_texts(book["填报表"].iter_rows(values_only=True))
    finally:
        book.close()


def _xls_texts(path: Path) -> list[tuple[int, str]]:
    return _rows_texts(CalamineWorkbook.from_path(str(path)).get_sheet_by_name("填报表").to_python())


def _docx_texts(data: bytes) -> list[tuple[int, str]]:
    table = Document(io.BytesIO(data)).tables[0]
    found = []
    for row in table.rows[1:]:
        task, entry = row.cells[1].text.strip(), row.cells[3].text.strip()
        if entry:
            found.append((int(task.split(".", 1)[0]), entry))
    return found


def _gbk_members(data: bytes) -> dict[str, bytes]:
    """A Windows zip's members by their real names (GBK, no UTF-8 flag)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            (info.filename if info.flag_bits & 0x800 else info.filename.encode("cp437").decode("gbk")): archive.read(info)
            for info in archive.infolist()
        }


def _mail_attachments(data: bytes) -> dict[str, bytes]:
    message = email.message_from_bytes(data)
    return {
        str(make_header(decode_header(part.get_filename()))): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_filename()
    }


def _zip_texts(data: bytes) -> list[tuple[int, str]]:
    return [pair for name, member in _gbk_members(data).items() if name.endswith(".xlsx") for pair in _xlsx_texts(member)]


def typed_texts() -> list[Typed]:
    found = []
    for path in sorted(RETURNS.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            pairs = _xlsx_texts(data)
        elif path.suffix == ".xls":
            pairs = _xls_texts(path)
        elif path.suffix == ".docx":
            pairs = _docx_texts(data)
        elif path.suffix == ".zip":
            pairs = _zip_texts(data)
        elif path.suffix == ".eml":
            pairs = [p for name, att in _mail_attachments(data).items() if name.endswith(".zip") for p in _zip_texts(att)]
        else:
            raise AssertionError(f"unexpected sample {path.name}")
        found.extend(Typed(path.name, SENDER[path.name], task, text) for task, text in pairs)
    return found


TYPED = typed_texts()


# ---------------------------------------------------------------------------
# the demo, run once through the CLI
# ---------------------------------------------------------------------------


def _sheet(book, name: str) -> list[dict[str, str]]:
    rows = [["" if v is None else str(v) for v in row] for row in book[name].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row and row[0] in ("序号", "单位", "级别"))
    header = rows[start]
    # A side table may repeat a heading further right: the first column of a name wins.
    columns = {name: index for index, name in reversed(list(enumerate(header))) if name}
    return [{name: row[index] for name, index in columns.items()} for row in rows[start + 1 :] if any(row)]


@dataclass(frozen=True)
class Master:
    tasks: list[dict[str, str]]  # 附件2
    status: list[dict[str, str]]  # 报送情况
    details: list[dict[str, str]]  # 明细
    issues: list[dict[str, str]]  # 问题清单


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "演示"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out / "汇总") in result.output  # the user is told where the master is
    assert "over-limit" in result.output and "not-owner" in result.output  # and what the samples show
    return out


@pytest.fixture(scope="module")
def master(demo_out) -> Master:
    [path] = (demo_out / "汇总").glob("*.xlsx")
    book = openpyxl.load_workbook(path)
    assert {"附件2", "报送情况", "明细", "问题清单"} <= set(book.sheetnames)
    return Master(_sheet(book, "附件2"), _sheet(book, "报送情况"), _sheet(book, "明细"), _sheet(book, "问题清单"))


def test_demo_writes_templates_returns_and_outputs(demo_out):
    templates = list((demo_out / "填报表").glob("附件2-*.xlsx"))
    assert len(templates) == 44  # every unit of the Wuxi list with a task
    assert sorted(p.name for p in (demo_out / "回收材料").iterdir()) == sorted(SENDER)
    outputs = {p.suffix for p in (demo_out / "汇总").iterdir()}
    assert {".xlsx", ".docx", ".json", ".csv"} <= outputs


def test_templates_are_of_the_samples_batch(demo_out, master):
    book = openpyxl.load_workbook(next((demo_out / "填报表").glob("附件2-*.xlsx")))
    assert book["_wbtool"]["B3"].value == BATCH
    assert not [row for row in master.issues if row["代码"] == "template-foreign"]


def test_sample_units_returned_others_missing(master):
    status = {row["单位"]: row["状态"] for row in master.status}
    for unit in set(SENDER.values()):
        assert status[unit] in ("已报送", "部分报送"), unit
    assert status["市委宣传部"] == "未报送"
    assert sum(state == "未报送" for state in status.values()) == len(status) - len(set(SENDER.values()))


def test_every_typed_text_is_in_the_master_or_the_issues(master):
    assert {typed.sample for typed in TYPED} == set(SENDER)  # every sample was read here
    in_details = {(row["单位"], row["完成情况"]) for row in master.details}
    held = {(row["单位"], row["原文"]): row["代码"] for row in master.issues if row["原文"]}
    for typed in TYPED:
        assert (typed.unit, typed.text) in in_details or (typed.unit, typed.text) in held, typed


def test_held_texts_carry_their_reason(master):
    texts = make_samples.load_texts()
    held = {(row["单位"], row["任务"], row["原文"]): row["代码"] for row in master.issues if row["原文"]}
    [(foreign_unit, foreign)] = texts.foreign.items()
    [(foreign_task, foreign_text)] = foreign.items()
    assert held[(foreign_unit, str(foreign_task), foreign_text)] == "not-owner"
    assert foreign_text not in {row["完成情况"] for row in master.details}
    over = [(t.unit, t.task, t.text) for t in TYPED if wordcount.count(t.text) > 300]
    assert len(over) == 1
    unit, task, text = over[0]
    assert held[(unit, str(task), text)] == "over-limit"


def test_correction_replaces_the_earlier_text(master):
    texts = make_samples.load_texts()
    [(unit, corrected)] = texts.corrections.items()
    for task, new_text in corrected.items():
        old_text = texts.entries[unit][task]
        row = next(r for r in master.tasks if r["序号"] == str(task))
        assert new_text in row["完成情况"] and old_text not in row["完成情况"]
        flags = {r["完成情况"]: r["是否被更正替代"] for r in master.details if r["单位"] == unit and r["序号"] == str(task)}
        assert flags == {old_text: "是", new_text: "否"}


# ---------------------------------------------------------------------------
# the samples themselves
# ---------------------------------------------------------------------------


def test_samples_hold_every_text_of_texts_yaml():
    texts = make_samples.load_texts()
    typed = {(t.unit, t.task, t.text) for t in TYPED}
    for kind, unit, task, text in texts.all_texts():
        assert (unit, task, text) in typed, (kind, unit, task)
    # and nothing else: the samples say only what texts.yaml says
    expected = {(unit, task, text) for _, unit, task, text in texts.all_texts()}
    assert typed == expected


def test_sample_texts_are_report_sized():
    texts = make_samples.load_texts()
    sizes = {(unit, task): wordcount.count(text) for kind, unit, task, text in texts.all_texts() if kind != "foreign"}
    over = [key for key, size in sizes.items() if size > 300]
    assert len(over) == 1  # the one deliberate over-limit text
    assert all(120 <= size <= 300 for key, size in sizes.items() if key not in over)
    assert all(" " not in text for *_, text in texts.all_texts())


def test_zip_names_are_gbk_without_utf8_flag():
    data = (RETURNS / "无锡职业技术学院样板建设总结.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(not info.flag_bits & 0x800 for info in archive.infolist())
    assert set(_gbk_members(data)) == {
        "附件2 任务完成情况（无锡职业技术学院）.xlsx",
        "无锡职业技术学院样板建设工作总结.docx",
        "无锡职业技术学院典型经验.docx",
        "无锡职业技术学院样板建设工作总结（盖章版）.pdf",
    }


def test_mail_attachment_name_is_rfc2047_gbk():
    raw = (RETURNS / "无锡商业职业技术学院样板建设总结.eml").read_bytes()
    assert b'filename="=?gbk?b?' in raw
    assert list(_mail_attachments(raw)) == ["无锡商业职业技术学院样板建设总结.zip"]


def test_samples_stay_small():
    assert sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file()) < 1_000_000


# ---------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------


def test_refuses_to_write_into_the_samples():
    before = sorted(RETURNS.iterdir())
    result = CliRunner().invoke(main, ["demo", "--out", str(RETURNS / "演示")])
    assert result.exit_code == 2
    assert sorted(RETURNS.iterdir()) == before


def test_without_samples_beside_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_module, "samples_dir", lambda: tmp_path / "not-installed")
    with pytest.raises(Refused):
        run_demo(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_never_merges_a_folder_of_real_returns(tmp_path):
    real = tmp_path / "回收材料"
    real.mkdir()
    (real / "市教育局真实报送.xlsx").write_bytes(b"not a sample")
    with pytest.raises(Refused):
        run_demo(tmp_path)
    assert [p.name for p in real.iterdir()] == ["市教育局真实报送.xlsx"]


def test_demo_runs_the_indicator_forms_too(demo_out):
    [path] = (demo_out / "指标" / "汇总").glob("*.xlsx")
    sheet = openpyxl.load_workbook(path)["指标汇总"]
    rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(1, 8)] for r in range(2, 26)}
    assert rows[1][4] == 12000 and rows[1][5] == "否"  # 1.2万 typed as text; 3万人以上 not reached
    assert rows[3][4] == round(402 / 415 * 100, 1) and rows[3][5] == "否"  # 98% wanted
    assert rows[14][4] == "—"  # 约100 is held back, not guessed
    findings = (demo_out / "指标" / "汇总" / "findings.csv").read_text(encoding="utf-8-sig")
    assert "value-invalid" in findings and "约100" in findings
