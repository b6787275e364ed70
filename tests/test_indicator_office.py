"""Indicator forms and the indicator master opened the way users open them: through LibreOffice.

What these tests established (LibreOffice 7.x): a filled form re-saved by
LibreOffice keeps its counts and computes each live 本单位比例 as numerator ÷
denominator; the form and the 指标汇总 sheet print A4 landscape with their headers.
"""

from __future__ import annotations

import shutil
import subprocess
import importlib.util
from pathlib import Path

import openpyxl
import pytest

from wbtool import pipeline
from wbtool.io import template_xlsx as tx
from wbtool.pool import read_here

from office import convert, require_soffice

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "indicators"
# Loaded by path under its own name: other fixture folders have a make_fixtures.py too.
_spec = importlib.util.spec_from_file_location("indicator_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)

pytestmark = pytest.mark.soffice


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    require_soffice()
    root = tmp_path_factory.mktemp("indicator-office")
    form = shutil.copy(FIXTURES / f"complete-{make_fixtures.UNITS[0]}.xlsx", root / "filled-form.xlsx")
    merged = pipeline.merge([FIXTURES / f"complete-{u}.xlsx" for u in make_fixtures.UNITS], root / "out",
                            catalogue=make_fixtures.test_catalogue(), year=2022, read=read_here)
    master = shutil.copy(merged.outputs[0], root / "master.xlsx")
    (resaved,) = convert([form], "xlsx", root / "as-xlsx")
    pdfs = convert([form, master], "pdf", root / "as-pdf")
    return {"resaved": resaved, "form_pdf": pdfs[0], "master_pdf": pdfs[1]}


def test_libreoffice_computes_the_units_own_shares(office):
    catalogue = make_fixtures.test_catalogue()
    ws = openpyxl.load_workbook(office["resaved"], data_only=True)[tx.FILL_SHEET]
    values = make_fixtures.complete_values(0)
    for indicator in (i for i in catalogue.indicators if i.is_share):
        row = make_fixtures.row_of(catalogue, indicator.numerator.key)
        expected = values[indicator.numerator.key] / values[indicator.denominator.key]
        assert ws.cell(row, 7).value == pytest.approx(expected)
        assert ws.cell(row, 6).value == values[indicator.numerator.key]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _first_page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    return width, height


def test_form_and_summary_print_landscape_with_their_headers(office):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    form, master = _text(office["form_pdf"]), _text(office["master_pdf"])
    assert "2022年目标" in form and "本单位比例" in form and "3万人以上" in form and make_fixtures.UNITS[0] in form
    assert "全市完成值" in master and "无目标" in master and "社会培训取证率" in master
    for pdf in (office["form_pdf"], office["master_pdf"]):
        width, height = _first_page_size(pdf)
        assert width > height
