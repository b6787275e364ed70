"""How fast is ``wbtool generate``, and how does xlsxwriter compare with openpyxl?

    python bench/bench_generate.py [--count 1000]

Times (1) ``generate`` for every unit of the Wuxi catalogue, end to end (workbooks,
hashes, atomic writes, manifest); (2) ``count`` workbooks written by cycling the
units through ``write_template`` into a temporary folder; (3) the same layout
written with openpyxl, the obvious alternative, for the same units.
"""

from __future__ import annotations

import argparse
import io
import itertools
import tempfile
import time
from pathlib import Path

import openpyxl
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from wbtool import catalogue as catalogues
from wbtool import identity as identities
from wbtool import wordcount
from wbtool.atomic import write_bytes
from wbtool.pipeline import generate
from wbtool.plan import plan
from wbtool.io import template_xlsx as tx

BATCH = "20261122-1530"


class Timer:
    """Wall and CPU time of a block: CPU time is steadier on a busy machine."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def per(self, n: int) -> tuple[float, float]:
        return self.wall * 1000 / n, self.cpu * 1000 / n


def bench_generate(catalogue, rounds: int = 5) -> tuple[float, float]:
    """Best-of-``rounds`` (wall, cpu) ms per workbook for a full ``generate`` of every unit."""
    times = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as out, Timer() as timer:
            result = generate(catalogue, out, batch=BATCH)
        times.append(timer.per(len(result.files)))
    return min(times)


def bench_many(catalogue, count: int, writer) -> tuple[float, float]:
    """(wall, cpu) ms per workbook for ``count`` workbooks written to disk with ``writer``."""
    assignments, _ = plan(catalogue)
    cycle = itertools.islice(itertools.cycle(assignments), count)
    with tempfile.TemporaryDirectory() as out, Timer() as timer:
        for i, assignment in enumerate(cycle):
            identity = identities.make(catalogue, BATCH, assignment.unit.name)
            buffer = io.BytesIO()
            writer(catalogue, assignment, identity, buffer)
            write_bytes(Path(out) / f"{i:04d}-{assignment.filename}", buffer.getvalue())
    return timer.per(count)


def openpyxl_template(catalogue, assignment, identity, target) -> None:
    """The same fill-in sheet with openpyxl (fonts, merges, validation, protection, print setup)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = tx.FILL_SHEET
    cols = tx.columns(catalogue)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=tx.BODY_FONT, size=tx.BODY_PT)
    wrap = Alignment(wrap_text=True, vertical="center")
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = col.width
    ws.cell(tx.TITLE_ROW, 1, f"{catalogue.title}（{assignment.unit.name}）").font = Font(name=tx.TITLE_FONT, size=tx.TITLE_PT)
    ws.merge_cells(start_row=tx.TITLE_ROW, start_column=1, end_row=tx.TITLE_ROW, end_column=len(cols))
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(tx.HEADER_ROW, i, col.header)
        cell.font, cell.border, cell.alignment = Font(name=tx.HEADER_FONT, size=tx.HEADER_PT), border, wrap
    index = {c.key: i + 1 for i, c in enumerate(cols)}
    entry_letter = openpyxl.utils.get_column_letter(index["entry"])
    for r, task in enumerate(assignment.tasks, start=tx.FIRST_DATA_ROW):
        values = {"no": task.no, "section": task.section, "task": task.text, "owners": task.owners_text, "deadline": task.deadline or ""}
        for key, col in index.items():
            cell = ws.cell(r, col, values.get(key))
            cell.font, cell.border, cell.alignment = body, border, wrap
        ws.cell(r, index["count"], "=" + wordcount.excel_formula(f"{entry_letter}{r}"))
        ws.cell(r, index["entry"]).protection = Protection(locked=False)
        ws.cell(r, index["entry"]).fill = PatternFill("solid", fgColor=tx.ENTRY_FILL[1:])
        ws.row_dimensions[r].height = 180
    last = tx.FIRST_DATA_ROW + len(assignment.tasks) - 1
    top_left = f"{entry_letter}{tx.FIRST_DATA_ROW}"
    dv = DataValidation(type="custom", formula1=f"{wordcount.excel_formula(top_left)}<={catalogue.limit}", showErrorMessage=True)
    dv.promptTitle, dv.prompt, dv.errorTitle, dv.error = "填写完成情况", "不超过300字", "超出字数限制", "请删减"
    dv.add(f"{top_left}:{entry_letter}{last}")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(
        f"{top_left}:{entry_letter}{last}",
        FormulaRule(formula=[f"{wordcount.excel_formula(top_left)}>{catalogue.limit}"], font=Font(color="C00000")),
    )
    ws.protection.sheet = True
    ws.protection.formatRows = ws.protection.formatColumns = False
    ws.page_setup.paperSize, ws.page_setup.orientation = 9, "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{tx.HEADER_ROW}:{tx.HEADER_ROW}"
    guide = wb.create_sheet(tx.GUIDE_SHEET)
    for key, value in tx.guide_rows(catalogue, assignment.unit.name, len(assignment.tasks)):
        guide.append((key, value))
        for cell in guide[guide.max_row]:
            cell.font, cell.border, cell.alignment = body, border, wrap
    guide.protection.sheet = True
    hidden = wb.create_sheet(identities.SHEET)
    for row in identities.sheet_rows(identity):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    for name, value in identities.properties(identity).items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.defined_names[identities.DEFINED_NAME] = DefinedName(identities.DEFINED_NAME, attr_text=identities.name_value(identity))
    wb.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    catalogue, _ = catalogues.load("wuxi-2022")
    units = len(plan(catalogue)[0])
    wall, cpu = bench_generate(catalogue)
    print(f"generate, all {units} units of {catalogue.id} (best of 5): {wall:.2f} ms wall, {cpu:.2f} ms CPU per workbook")
    xw = min((bench_many(catalogue, args.count, tx.write_template) for _ in range(3)), key=lambda t: t[1])
    print(f"xlsxwriter write_template, {args.count} workbooks (best of 3): {xw[0]:.2f} ms wall, {xw[1]:.2f} ms CPU per workbook")
    op_count = max(args.count // 5, 44)
    op = bench_many(catalogue, op_count, openpyxl_template)
    print(f"openpyxl, same layout, {op_count} workbooks: {op[0]:.2f} ms wall, {op[1]:.2f} ms CPU per workbook ({op[1] / xw[1]:.1f}x the CPU)")

if __name__ == "__main__":
    main()
