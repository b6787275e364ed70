"""What every workbook wbtool writes shares, spelled once.

The fonts (each named on every format: a font left to the theme is shown as Calibri
or as the theme's font), the workbook options (text is text: never a formula, a
link or a number), the colours and what they mean, the width model of wrapped
Chinese text (neither Excel nor LibreOffice grows a row for it), the guard on
xlsxwriter calls it refuses by return code, the print setup, and ``Workbook``:
xlsxwriter's workbook with the cells of its sheets written faster.
"""

from __future__ import annotations

import math
from typing import Any

import xlsxwriter
from xlsxwriter import worksheet as _worksheet
from xlsxwriter.utility import xl_rowcol_to_cell, xl_rowcol_to_cell_fast

from ..errors import CannotWrite

BODY_FONT = "仿宋_GB2312"
HEADER_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
GB2312_CHARSET = 134  # tells Excel which script the font name is for
BODY_SIZE = 11

# One colour language in the fill-in template and the master.
FILL_ENTRY = "#FFF2CC"  # yellow: 请填写 — the template's 完成情况, the master's 定稿
FILL_MISSING = "#FCE4D6"  # orange: an owner has not reported (未填)
FILL_OVER = "#FFC7CE"  # red: over the limit
FONT_OVER = "#9C0006"
FILL_HEADER = "#D9E1F2"  # blue-grey: headers
FILL_LOCKED = "#F2F2F2"  # grey: the official text, not to be edited

FOOTER = "&C第 &P 页，共 &N 页"


def workbook_options(**extra: Any) -> dict[str, Any]:
    """xlsxwriter options of every workbook: units' and the catalogue's text is data."""
    return {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_format_properties": {"font_name": BODY_FONT, "font_size": BODY_SIZE, "font_scheme": "none"},
        **extra,
    }


# ---------------------------------------------------------------------------
# Writing cells: most of a big workbook's time
# ---------------------------------------------------------------------------

# The cell records xlsxwriter keeps until ``close()`` (these names since 3.2.2).
_CELL_KINDS = tuple(getattr(_worksheet, name, None) for name in ("CellStringTuple", "CellNumberTuple", "CellDatetimeTuple", "CellBlankTuple"))
_STRING, _NUMBER, _DATETIME, _BLANK = _CELL_KINDS


class FastCells(_worksheet.Worksheet):
    """A worksheet that writes its string, number, date and blank cells with one
    f-string each.

    At ``close()`` xlsxwriter turns every cell into XML through a general path —
    an attribute list, an escape test per attribute, a type lookup by class name.
    Skipping it saves about a fifth of writing a master of 1,000 returns (0.85 →
    0.70 CPU-s; 4.1–4.9 → 3.6 at 5,000).  The cells wbtool writes
    are almost all of these four kinds, always with a format; for those this writes
    the very bytes xlsxwriter's own ``_write_cell`` would (``tests/test_xlsx_cells.py``
    compares whole workbooks written both ways, part by part).  Anything else —
    formulas, cells without a format, the constant-memory mode — goes to
    xlsxwriter's own code.
    """

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind, fmt = type(cell), cell.format
        if not fmt or self.constant_memory:
            super()._write_cell(row, col, cell)
            return
        if kind is _STRING:  # .string is the shared string's index: nothing to escape
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s"><v>{cell.string}</v></c>')
        elif kind is _NUMBER or kind is _DATETIME:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"><v>{cell.number:.16G}</v></c>')
        elif kind is _BLANK:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"/>')
        else:
            super()._write_cell(row, col, cell)



class Workbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook whose sheets are ``FastCells``; with another xlsxwriter
    whose cell records have other names, its own sheets, unchanged."""

    worksheet_class = FastCells if all(_CELL_KINDS) else _worksheet.Worksheet


class XlsxRefused(CannotWrite):
    """xlsxwriter refused a call: a bug in the writer, never a bad input."""


def check(code: int | None, what: str, row: int | None = None, col: int | None = None) -> None:
    """Make a refused xlsxwriter call loud: it signals by a negative return code, not an
    exception (a too-long validation message just drops the validation)."""
    if isinstance(code, int) and code < 0:
        where = f" at {xl_rowcol_to_cell(row, col)}" if row is not None and col is not None else ""
        raise XlsxRefused(f"xlsxwriter refused {what}{where}: return code {code}")


# ---------------------------------------------------------------------------
# Sizing wrapped Chinese text: xlsxwriter's autofit() underestimates CJK width.
# ---------------------------------------------------------------------------

LINE_HEIGHT = 15.5  # points per wrapped line of 11 pt CJK text, leading included
ROW_PADDING = 6.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def text_width(line: str) -> float:
    """Width of ``line`` in Excel column units of the 11 pt body font.

    Measured on printed pages: a CJK character takes about 1.8 units (1.9 keeps a
    margin); Latin letters and digits about one.  The UTF-8 length tells the two
    apart at C speed: every character from U+0800 up takes three bytes — CJK, kana,
    full-width forms, and the quotation marks and dashes (“”—…) that a CJK font
    sets full width — and ASCII one, so each wide character adds 0.9.
    """
    if line.isascii():
        return len(line)
    size = len(line)
    return size + 0.45 * (len(line.encode("utf-8", "surrogatepass")) - size)


def line_count(text: str, width: float, size: float = BODY_SIZE) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide, set at ``size`` pt."""
    usable = max(width * BODY_SIZE / size - 1.0, 1.0)
    if "\n" not in text:  # most cells: one paragraph
        return max(1, math.ceil(text_width(text) / usable))
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def row_height(lines: int, size: float = BODY_SIZE) -> float:
    """Points for ``lines`` wrapped lines at ``size`` pt, within Excel's limit."""
    return min(MAX_ROW_HEIGHT, round(lines * LINE_HEIGHT * size / BODY_SIZE + ROW_PADDING, 1))


def lines_that_fit(size: float = BODY_SIZE) -> int:
    """The most wrapped lines one row can show."""
    return int((MAX_ROW_HEIGHT - ROW_PADDING) // (LINE_HEIGHT * size / BODY_SIZE))


def print_setup(sheet, header_row: int | None, *, margins: tuple[float, float, float, float] = (0.5, 0.5, 0.6, 0.6)) -> None:
    """A4 landscape, one page wide, the header row on every page, numbered pages."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if header_row is not None:
        sheet.repeat_rows(header_row)
    left, right, top, bottom = margins
    sheet.set_margins(left=left, right=right, top=top, bottom=bottom)
    sheet.set_footer(FOOTER)
