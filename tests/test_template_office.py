"""Generated workbooks opened the way units open them: through LibreOffice.

One soffice call per target format (xlsx, xls, pdf) for all files of the module.
What these tests established (LibreOffice 7.x):

* LibreOffice → xlsx keeps all three identity places (custom properties, hidden
  sheet, defined name), the protection, the unlocked 完成情况 cells and the validation.
* LibreOffice → xls keeps all three as well: the hidden sheet (calamine lists it as
  hidden), the defined name (a NAME record) and the custom properties (the
  user-defined section of DocumentSummaryInformation).
* The live 字数 formula gives wordcount.count for the texts below.  LibreOffice's one
  quirk: in a cell that holds both a line break and a tab, the tab survives
  SUBSTITUTE(…, CHAR(9), "") and is counted (Excel has no such quirk), so that
  combination is left out here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import olefile
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from wbtool import catalogue as catalogues
from wbtool import identity as identities
from wbtool import wordcount
from wbtool.pipeline import generate
from wbtool.io import template_xlsx as tx

from office import convert, require_soffice

pytestmark = pytest.mark.soffice

BATCH = "20261122-1530"
TEXTS = [
    "2024年，完成“三全育人”综合改革试点。",
    "半角 空格 与　全角空格　都不计",
    "第一行\n第二行\r\n第三行",
    "制表\t符\t不计",
    "English words, digits 12345 and 标点；：！？",
    "（" + "字" * 298 + "）",  # exactly 300
    "超" * 301,
    # pasted from Word or a web page: no-break, en, em, thin and narrow no-break spaces
    "不间断\u00a0空格\u2002半角\u2003全角\u2009窄\u202f空格",
    "句末带不间断空格。\u00a0\u00a0",  # the reader trims the end: the sheet must not count it either
]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Templates of a few kinds, a filled copy, and their LibreOffice conversions."""
    require_soffice()
    root = tmp_path_factory.mktemp("office")
    wuxi, _ = catalogues.load("wuxi-2022")
    files = generate(wuxi, root / "wuxi", units=["市教育局", "无锡职业技术学院"], batch=BATCH).files
    templates = [f.path for f in files]
    if "jiangyin-2021" in catalogues.available():
        jiangyin, _ = catalogues.load("jiangyin-2021")
        templates.append(generate(jiangyin, root / "jiangyin", batch=BATCH).files[0].path)
    # Plain ASCII names: soffice output names follow the input stems.
    sources = []
    for i, path in enumerate(templates):
        sources.append(shutil.copy(path, root / f"template-{i}.xlsx"))
    filled = _fill(sources[0], root / "filled-entries.xlsx", wuxi)
    xlsx = convert([filled, *sources], "xlsx", root / "as-xlsx")
    xls = convert(sources, "xls", root / "as-xls")
    pdf = convert([sources[1]], "pdf", root / "as-pdf")
    return {"sources": [Path(s) for s in sources], "filled": xlsx[0], "xlsx": xlsx[1:], "xls": xls, "pdf": pdf[0], "root": root}


def _fill(template: Path, target: Path, catalogue) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb[tx.FILL_SHEET]
    col = tx.column_index(catalogue, "entry") + 1
    for i, text in enumerate(TEXTS):
        ws.cell(tx.FIRST_DATA_ROW + i, col).value = text
    wb.save(target)
    return target


def test_live_count_matches_the_checker(office):
    wuxi, _ = catalogues.load("wuxi-2022")
    ws = openpyxl.load_workbook(office["filled"], data_only=True)[tx.FILL_SHEET]
    entry, count = tx.column_index(wuxi, "entry") + 1, tx.column_index(wuxi, "count") + 1
    for i, text in enumerate(TEXTS):
        row = tx.FIRST_DATA_ROW + i
        typed = ws.cell(row, entry).value
        assert ws.cell(row, count).value == wordcount.count(typed) == wordcount.count(text), (row, text[:20])
    # Untouched rows count zero.
    assert ws.cell(tx.FIRST_DATA_ROW + len(TEXTS), count).value == 0


def test_the_sheets_count_is_the_checkers_count_of_what_it_read(office, tmp_path):
    """Every white-space character the checker does not count, LibreOffice's 字数 does not count either."""
    from wbtool.pipeline import check_returns

    wuxi, _ = catalogues.load("wuxi-2022")
    folder = tmp_path / "回收"
    folder.mkdir()
    returned = shutil.copy(office["filled"], folder / "附件2-任务完成情况-市教育局.xlsx")
    result = check_returns([folder], wuxi)
    ws = openpyxl.load_workbook(office["filled"], data_only=True)[tx.FILL_SHEET]
    count = tx.column_index(wuxi, "count") + 1
    checked = {int(re.search(r"(\d+)$", e.cell).group(1)): wordcount.count(e.text) for e in result.entries}
    assert len(checked) == len(TEXTS) and Path(returned).exists()
    assert {row: ws.cell(row, count).value for row in checked} == checked


def _identities_xlsx(path: Path) -> dict[str, identities.Identity | None]:
    wb = openpyxl.load_workbook(path)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    name = wb.defined_names.get(identities.DEFINED_NAME)
    sheet = wb[identities.SHEET] if identities.SHEET in wb.sheetnames else None
    return {
        "property": identities.from_properties(props),
        "sheet": identities.from_sheet_rows(sheet.iter_rows(values_only=True)) if sheet is not None else None,
        "name": identities.from_name_value(name.attr_text) if name is not None else None,
    }


def test_libreoffice_xlsx_keeps_identity_protection_and_validation(office):
    for source, converted in zip(office["sources"], office["xlsx"]):
        expected = _identities_xlsx(source)
        found = _identities_xlsx(converted)
        assert all(expected.values())
        assert found == expected, converted.name  # all three places survive
        wb = openpyxl.load_workbook(converted)
        assert wb.sheetnames[0] == tx.FILL_SHEET and wb[identities.SHEET].sheet_state == "hidden"
        ws = wb[tx.FILL_SHEET]
        assert ws.protection.sheet
        assert [c.value for c in ws[tx.HEADER_ROW]][:3] == ["序号", "工程名称", "主要任务"]
        (dv,) = ws.data_validations.dataValidation
        assert dv.type == "custom"


def _ole_mentions(path: Path, stream: str, text: str) -> bool:
    with olefile.OleFileIO(str(path)) as ole:
        if not ole.exists(stream):
            return False
        data = ole.openstream(stream).read()
    return text.encode("utf-16-le") in data or text.encode("ascii", "ignore") in data and text.isascii()


def test_libreoffice_xls_keeps_hidden_sheet_name_and_properties(office):
    for source, xls in zip(office["sources"], office["xls"]):
        expected = _identities_xlsx(source)["sheet"]
        book = CalamineWorkbook.from_path(str(xls))
        visibility = {m.name: str(m.visible) for m in book.sheets_metadata}
        assert book.sheet_names[0] == tx.FILL_SHEET
        assert visibility[identities.SHEET].endswith("Hidden")
        rows = book.get_sheet_by_name(identities.SHEET).to_python()
        assert identities.from_sheet_rows(rows).unit == expected.unit
        # The defined name is a NAME record in the Workbook stream, its value a string constant.
        value = "|".join(getattr(expected, key) for key in identities.PROPERTY_KEYS)
        assert _ole_mentions(xls, "Workbook", identities.DEFINED_NAME)
        assert _ole_mentions(xls, "Workbook", value)
        # Custom properties: the user-defined section of DocumentSummaryInformation.
        assert _ole_mentions(xls, "\x05DocumentSummaryInformation", "wbtool.unit")
        assert _ole_mentions(xls, "\x05DocumentSummaryInformation", expected.fingerprint)


def test_printed_template_is_landscape_with_page_numbers(office):
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed")
    pdf = office["pdf"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"第\s*1\s*页[，,]?\s*共\s*\d+\s*页", text) and "无锡职业技术学院" in text
    prefix = office["root"] / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    (png,) = office["root"].glob("page-*.png")
    width, height = _png_size(png)
    assert width > height  # A4 landscape


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
