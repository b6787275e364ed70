"""The master workbook of an indicator catalogue: the city's figures and every count.

Sheets: 指标汇总 (one row per indicator: the year's target verbatim, the city
figure, 达标, 差距; a chart of target against actual for the shares), 指标明细 (one
row per unit and count, for filters and pivots), and — written by ``master_xlsx``'s
own functions — 报送情况 and 问题清单, as for text forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..atomic import atomic_path
from ..layout import (
    INDICATOR_DETAIL_COLUMNS,
    INDICATOR_SUMMARY_COLUMNS,
    SHEET_INDICATOR_DETAILS,
    SHEET_INDICATORS,
)
from ..model import Catalogue, IndicatorResult, Master
from .master_xlsx import _Book, _chart_data, _check, _headers, _number, _write_findings_sheet, _write_units_sheet
from .xlsx_common import print_setup

SUMMARY_WIDTHS = (6, 40, 14, 9, 13, 8, 11, 11, 11, 10)
DETAIL_WIDTHS = (24, 6, 30, 34, 12, 9, 14, 36, 14, 10)
CHART_LABEL = 10  # characters of 项目 under a column: longer labels turn and crowd the chart
CHART_TITLE = "比例类指标：目标与全市完成值（%）"


def write_indicator_master(master: Master, results: Sequence[IndicatorResult], year: int, path: str | Path) -> Path:
    """Write the indicator master workbook to ``path`` atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as temp:
        book = _Book(temp)
        _summary_sheet(book, results, year)
        _write_units_sheet(book, master)
        _details_sheet(book, master)
        _write_findings_sheet(book, master)
        _chart_data(book, master.units)  # the 报送情况 pie's own hidden range
        book.workbook.set_properties({"title": master.catalogue.title, "subject": f"{year}年度指标完成情况汇总", "created": master.made_at})
        book.workbook.close()
    return path


def summary_headers(year: int) -> tuple[str, ...]:
    return tuple(f"{year}年{name}" if name == "目标" else name for name in INDICATOR_SUMMARY_COLUMNS)


def figure(value: float | None, measure: str) -> float | None:
    """A city figure as shown: shares to one decimal, counts whole."""
    if value is None:
        return None
    return round(value, 1) if measure == "%" else value


def _summary_sheet(book: _Book, results: Sequence[IndicatorResult], year: int) -> None:
    sheet = book.workbook.add_worksheet(SHEET_INDICATORS)
    for col, width in enumerate(SUMMARY_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, summary_headers(year))
    plain, centre = book.fmt(), book.fmt(align="center")
    share_fmt, count_fmt = book.fmt(align="right", num_format="0.0"), book.fmt(align="right", num_format="#,##0")
    short = book.fmt(align="center", font_color="#C00000")
    for row, r in enumerate(results, start=1):
        ind = r.indicator
        number_fmt = share_fmt if ind.is_share else count_fmt
        _number(sheet, row, 0, ind.no, centre)
        book.text(sheet, row, 1, ind.text, plain)
        book.text(sheet, row, 2, r.target.text, centre)
        book.text(sheet, row, 3, ind.measure, centre)
        _value(book, sheet, row, 4, figure(r.actual, ind.measure), number_fmt)
        book.text(sheet, row, 5, r.verdict, short if r.met is False else centre)
        _value(book, sheet, row, 6, figure(r.gap, ind.measure), number_fmt)
        _number(sheet, row, 7, r.numerator, count_fmt)
        _value(book, sheet, row, 8, r.denominator if ind.is_share else None, count_fmt)
        _number(sheet, row, 9, r.units, centre)
        _check(sheet.set_row(row, book.row_height([(ind.text, SUMMARY_WIDTHS[1])])), "set_row")
    _check(sheet.autofilter(0, 0, max(len(results), 1), len(INDICATOR_SUMMARY_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 2)
    print_setup(sheet, 0)
    _share_chart(book, sheet, results, len(results) + 2)
    sheet.activate()


def _value(book: _Book, sheet, row: int, col: int, value: float | None, fmt) -> None:
    if value is None:
        book.text(sheet, row, col, "—", book.fmt(align="center"))
    else:
        _number(sheet, row, col, value, fmt)


def _share_chart(book: _Book, sheet, results: Sequence[IndicatorResult], first_row: int) -> None:
    """A column chart of target against actual for the share indicators, with its data below the table."""
    shares = [r for r in results if r.indicator.is_share and r.target.has_target]
    if not shares:
        return
    header = book.header()
    for col, name in enumerate(("图表数据：项目", "目标（%）", "全市完成值（%）")):
        book.text(sheet, first_row, col + 1, name, header)
    fmt = book.fmt(align="right", num_format="0.0")
    for i, r in enumerate(shares, start=first_row + 1):
        book.text(sheet, i, 1, f"{r.indicator.no}. {_short(r.indicator.text)}", book.fmt())
        _number(sheet, i, 2, r.target.value or 0, fmt)
        _value(book, sheet, i, 3, figure(r.actual, "%"), fmt)
    last = first_row + len(shares)
    chart = book.workbook.add_chart({"type": "column"})
    name = sheet.get_name()
    for col, label in ((2, "目标"), (3, "全市完成值")):
        chart.add_series({
            "name": label,
            "categories": [name, first_row + 1, 1, last, 1],
            "values": [name, first_row + 1, col, last, col],
            "data_labels": {"value": True, "num_format": "0.0"},
        })
    chart.set_title({"name": CHART_TITLE, "name_font": {"name": "黑体", "size": 12}})
    chart.set_x_axis({"num_font": {"name": "仿宋_GB2312", "size": 9}})
    chart.set_y_axis({"min": 0, "max": 100, "num_font": {"name": "仿宋_GB2312", "size": 9}})
    chart.set_legend({"position": "bottom", "font": {"name": "仿宋_GB2312", "size": 10}})
    chart.set_size({"width": 900, "height": 360})
    _check(sheet.insert_chart(last + 2, 1, chart), "insert_chart")


def _short(text: str) -> str:
    return text if len(text) <= CHART_LABEL else text[: CHART_LABEL - 1] + "…"


def _details_sheet(book: _Book, master: Master) -> None:
    catalogue: Catalogue = master.catalogue
    sheet = book.workbook.add_worksheet(SHEET_INDICATOR_DETAILS)
    for col, width in enumerate(DETAIL_WIDTHS):
        _check(sheet.set_column(col, col, width), "set_column")
    _headers(book, sheet, 0, INDICATOR_DETAIL_COLUMNS)
    plain, centre, count_fmt = book.fmt(), book.fmt(align="center"), book.fmt(align="right", num_format="#,##0")
    counts = {c.key: (ind, c) for ind in catalogue.indicators for c in ind.counts}
    rows = [e for e in master.details if e.count in counts]
    for row, entry in enumerate(rows, start=1):
        indicator, count = counts[entry.count]
        book.text(sheet, row, 0, entry.unit, plain)
        _number(sheet, row, 1, indicator.no, centre)
        book.text(sheet, row, 2, indicator.text, plain)
        book.text(sheet, row, 3, count.label, plain)
        _value(book, sheet, row, 4, entry.value, count_fmt)  # — : typed, but not a count (see 问题清单)
        book.text(sheet, row, 5, count.measure, centre)
        book.text(sheet, row, 6, entry.text, plain)
        book.text(sheet, row, 7, entry.file, plain)
        book.text(sheet, row, 8, entry.cell or "", plain)
        book.text(sheet, row, 9, "是" if entry.superseded else "", centre)
    _check(sheet.autofilter(0, 0, max(len(rows), 1), len(INDICATOR_DETAIL_COLUMNS) - 1), "autofilter")
    sheet.freeze_panes(1, 0)
    print_setup(sheet, 0)
