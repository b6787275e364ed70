"""``xlsx_common.Workbook`` writes the very bytes xlsxwriter's own writer does, only faster.

Its sheets write string, number, date and blank cells with one f-string each
(``FastCells``); everything else goes to xlsxwriter.  Each test writes the same
workbook twice — once with ``Workbook``, once with plain ``xlsxwriter.Workbook`` —
and compares every part of the two packages byte for byte: the master of the
samples, a fill-in template, the sending checklist, and random sheets of every
kind of cell.  A new xlsxwriter that writes cells differently fails here.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from wbtool.io import manifest, master_xlsx, template_xlsx
from wbtool.io.xlsx_common import FastCells, Workbook, workbook_options
from wbtool.merge import build_master
from wbtool import pipeline
from wbtool.pipeline import check_returns, generate
from wbtool.pool import read_here

SAMPLES = ROOT / "samples" / "回收材料"


def parts(package: bytes | Path) -> dict[str, bytes]:
    data = package.read_bytes() if isinstance(package, Path) else package
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist()}


def test_the_installed_xlsxwriter_gets_the_fast_cells():
    # With another xlsxwriter whose cell records have other names Workbook falls back
    # to xlsxwriter's own sheets: the comparisons below would then pass unnoticed.
    assert Workbook.worksheet_class is FastCells


@pytest.fixture(scope="module")
def samples_master(wuxi):
    result = check_returns([SAMPLES], wuxi, read=read_here)
    return build_master(result)


def test_the_master_of_the_samples_is_the_same_package(samples_master, tmp_path, monkeypatch):
    fast = master_xlsx.write_master(samples_master, tmp_path / "fast.xlsx")
    monkeypatch.setattr(master_xlsx, "Workbook", xlsxwriter.Workbook)
    plain = master_xlsx.write_master(samples_master, tmp_path / "plain.xlsx")
    fast_parts, plain_parts = parts(fast), parts(plain)
    assert any(name.startswith("xl/worksheets/sheet") for name in fast_parts)
    assert list(fast_parts) == list(plain_parts)
    for name in plain_parts:
        assert fast_parts[name] == plain_parts[name], name


class _Clock(datetime):
    """A clock stopped at one moment: both batches are made "at the same time"."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2023, 1, 5, 9, 30, tzinfo=tz)


def test_the_fill_in_templates_are_the_same_packages(wuxi, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "datetime", _Clock)
    generate(wuxi, tmp_path / "fast", batch="20230105-golden")
    monkeypatch.setattr(template_xlsx, "Workbook", xlsxwriter.Workbook)
    generate(wuxi, tmp_path / "plain", batch="20230105-golden")
    written = sorted(path.name for path in (tmp_path / "fast").glob("*.xlsx") if path.name != manifest.SEND_LIST_NAME)
    assert len(written) == len(wuxi.units)
    for name in written:
        assert parts(tmp_path / "fast" / name) == parts(tmp_path / "plain" / name), name


def test_the_sending_checklist_is_the_same_package(wuxi, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxwriter.core, "datetime", _Clock)  # the checklist is stamped with the time it is written
    generate(wuxi, tmp_path, batch="20230105-golden")
    batch = manifest.read(tmp_path)
    fast = manifest.send_list_bytes(batch)
    monkeypatch.setattr(manifest, "Workbook", xlsxwriter.Workbook)
    assert parts(fast) == parts(manifest.send_list_bytes(batch))


# Every kind of cell a sheet can hold, with and without a format: the four FastCells
# writes and those it leaves to xlsxwriter (formulas, booleans, cells without a format).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUE = st.one_of(
    st.tuples(st.just("string"), TEXT),
    st.tuples(st.just("number"), st.one_of(st.integers(-(10**17), 10**17), st.floats(allow_nan=False, allow_infinity=False))),
    st.tuples(st.just("datetime"), st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31))),
    st.tuples(st.just("date"), st.dates(min_value=date(1900, 3, 1))),
    st.tuples(st.just("blank"), st.none()),
    st.tuples(st.just("formula"), st.sampled_from(["=1+1", '=LEN("<&>")', "=A1"])),
    st.tuples(st.just("boolean"), st.booleans()),
)
CELL = st.tuples(st.integers(0, 40), st.integers(0, 12), VALUE, st.sampled_from([None, 0, 1, 2]))


def _sheet_package(book_class, cells, constant_memory: bool) -> bytes:
    buffer = io.BytesIO()
    book = book_class(buffer, workbook_options(in_memory=True, constant_memory=constant_memory))
    formats = [book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"}), book.add_format({"border": 1, "text_wrap": True})]
    book.set_properties({"created": datetime(2023, 1, 5, 9, 30)})  # both packages made "at the same second"
    sheet = book.add_worksheet("表")
    for row, col, (kind, value), which in sorted(cells, key=lambda cell: cell[:2]) if constant_memory else cells:
        fmt = None if which is None else formats[which]
        if kind == "string":
            sheet.write_string(row, col, value, fmt)
        elif kind == "number":
            sheet.write_number(row, col, value, fmt)
        elif kind in ("datetime", "date"):
            sheet.write_datetime(row, col, value, fmt or formats[1])
        elif kind == "blank":
            sheet.write_blank(row, col, None, fmt or formats[2])  # a blank without a format writes nothing
        elif kind == "formula":
            sheet.write_formula(row, col, value, fmt)
        else:
            sheet.write_boolean(row, col, value, fmt)
    sheet.set_row(3, 30, formats[0])  # a row format under cells without their own
    book.close()
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(CELL, max_size=60), constant_memory=st.booleans())
def test_any_sheet_is_the_same_package(cells, constant_memory):
    fast = _sheet_package(Workbook, cells, constant_memory)
    plain = _sheet_package(xlsxwriter.Workbook, cells, constant_memory)
    assert parts(fast) == parts(plain)


def test_the_fast_path_is_taken_for_the_cells_it_knows(monkeypatch):
    # Not only the same bytes: the strings, numbers, dates and blanks of a sheet no
    # longer go through xlsxwriter's general writer (else nothing would be gained).
    general = []
    original = xlsxwriter.worksheet.Worksheet._write_cell
    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_write_cell", lambda self, *args: general.append(args) or original(self, *args))
    cells = [(0, 0, ("string", "文字"), 0), (0, 1, ("number", 3.5), 0), (1, 0, ("datetime", datetime(2023, 1, 5, 9, 30)), 1), (1, 1, ("blank", None), 2)]
    _sheet_package(Workbook, cells, constant_memory=False)
    assert general == []
    _sheet_package(Workbook, [(0, 0, ("formula", "=1+1"), 0)], constant_memory=False)
    assert len(general) == 1

