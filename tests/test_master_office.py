"""The master workbook and the report as a user sees them: opened by LibreOffice, printed to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from office import convert
from wbtool.io.master_read import read_master
from wbtool.io.master_xlsx import write_master
from wbtool.merge import build_master
from wbtool.model import CheckResult, Entry, FileReport
from wbtool.pipeline import write_report
from wbtool.report import build_report, view_of

pytestmark = pytest.mark.soffice

PHRASE = "推进产教融合，校企共建实训基地，开展订单培养和现代学徒制试点，"


def full_batch(catalogue) -> CheckResult:
    """Every owner but the last few reports every task, at realistic lengths (some over the limit)."""
    owners = list(dict.fromkeys(o for t in catalogue.tasks for o in t.owners))
    silent = set(owners[-4:])
    entries = []
    for task in catalogue.tasks:
        for index, unit in enumerate(task.owners):
            if unit in silent:
                continue
            length = 60 + (task.no * 37 + index * 91) % 280
            text = (f"2022年{unit}" + PHRASE * 12)[:length] + "。"
            entries.append(Entry(unit, task.no, text, f"回收材料.zip › {unit}.xlsx", "填报表!E5", datetime(2023, 1, 10, 9)))
    files = tuple(FileReport(f"回收材料.zip › {u}.xlsx", u, "form", datetime(2023, 1, 10, 9)) for u in owners if u not in silent)
    return CheckResult(catalogue, files, tuple(entries), ())


def pdf_pages(pdf: Path) -> list[tuple[float, float, str]]:
    """(width, height, text) of every page."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [tuple(map(float, m)) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(w, h, page) for (w, h), page in zip(sizes, text.split("\f"))]


@pytest.fixture(scope="module")
def pdfs(wuxi, tmp_path_factory):
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed")
    folder = tmp_path_factory.mktemp("office")
    master = build_master(full_batch(wuxi))
    workbook = write_master(master, folder / "master.xlsx")
    report = write_report(build_report(view_of(master)), folder / "report.docx")
    master_pdf, report_pdf = convert([workbook, report], "pdf", folder / "pdf")
    return master_pdf, report_pdf


@pytest.fixture(scope="module")
def master_and_resaved(wuxi, tmp_path_factory):
    folder = tmp_path_factory.mktemp("resave")
    master = build_master(full_batch(wuxi))
    workbook = write_master(master, folder / "master.xlsx")
    (resaved,) = convert([workbook], "xlsx", folder / "resaved")
    return master, resaved


def test_report_prints_portrait_body_then_landscape_table(pdfs, wuxi):
    pages = pdf_pages(pdfs[1])
    first_width, first_height, first_text = pages[0]
    assert first_width < first_height  # A4 portrait: 595 x 842 pt
    assert round(first_width) == 595 and round(first_height) == 842
    assert "的报告" in first_text and "一、报送情况" in first_text
    table_pages = [page for page in pages if "附件2" in page[2] or "主要任务" in page[2]]
    assert table_pages and all(w > h for w, h, _ in table_pages)
    assert all("主要任务" in text for _, _, text in table_pages)  # header repeated on every table page
    assert re.search(r"—\s*1\s*—", first_text)


def test_master_prints_one_page_wide_with_header_on_every_page(pdfs, wuxi):
    pages = pdf_pages(pdfs[0])
    table = [page for page in pages if "主要任务" in page[2] and "定稿" in page[2]]
    assert len(table) >= 2
    assert all(w > h for w, h, _ in table)  # landscape
    assert wuxi.title in table[0][2].replace(" ", "")
    assert table[0][2].lstrip().startswith("附件2")  # its own label, above the title
    assert "第 1 页" in table[0][2]
    # the formal table only: no counts, no 未填单位, no 说明 row on paper
    assert not any(word in text for _, _, text in table for word in ("定稿字数", "未填单位", "说明（本行不打印）"))


def test_master_read_back_after_a_libreoffice_resave(master_and_resaved):
    master, resaved = master_and_resaved
    edits, findings = read_master(resaved, limit=master.catalogue.limit)
    assert findings == []
    # A text over several rows comes back whole; only the line breaks between its rows may differ.
    assert {no: text.split() for no, text in edits.texts().items()} == {row.task.no: (row.final or row.merged).split() for row in master.rows}
    assert [u.unit for u in edits.units] == [u.unit for u in master.units]
    assert [u.saved_at for u in edits.units] == [u.saved_at for u in master.units]
