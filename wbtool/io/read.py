"""Reading one returned file into a form: what the unit typed, where, and what the file says about itself.

``read_file`` never raises for a bad file: whatever goes wrong inside a parser
(calamine panics included) ends as a ``file-unreadable`` finding.  Finding the form
is format-free: readers in ``wbtool.io`` turn sheets and Word tables into grids of
display strings, and ``find_form`` looks for the 主要任务 / 完成情况 header in them.

The rule for text (see ``wbtool.io.read_sheet.display_text`` for numbers and dates):
``_x000D_`` (Excel's escaped carriage return), CRLF and CR become "\\n"; trailing
white space is dropped; an empty cell is None.  Leading white space of a 完成情况
text is kept (units indent paragraphs with full-width spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Sequence

from xlsxwriter.utility import xl_col_to_name

from .. import identity
from ..errors import os_reason
from ..findings import finding
from ..layout import HEADER_SPELLINGS as HEADER_LABELS
from ..layout import INDICATOR_COLUMNS, INDICATOR_REQUIRED, REQUIRED_ROLES
from ..model import DEFAULT_TIME_ZONE, Form, FormRow, Identity, Material, ReadResult, ReturnedFile, Role
from ..owners import squeeze
from . import crypto, ooxml_meta, read_sheet, soffice
from .ooxml_meta import DocumentMeta
from .read_sheet import Grid


# The header is looked for in the whole used range, up to this many rows: a cover
# letter of a page or two above the table is common, and losing every text because
# the header sat at row 31 is worse than scanning (one look at a cell's first
# character rules out almost every cell).
HEADER_SEARCH_ROWS = 5000


def _first_characters(*roles: str) -> frozenset[str]:
    """The characters the labels of these roles start with: one look at a cell rules most cells out."""
    return frozenset(label[0] for role in roles for label in HEADER_LABELS[role])


_LABEL_STARTS = _first_characters(*HEADER_LABELS)

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".ods", ".et", ".ett"}
WORD_SUFFIXES = {".docx", ".docm", ".dotx", ".dotm"}
OFFICE_SUFFIXES = SPREADSHEET_SUFFIXES | WORD_SUFFIXES  # a name that promises a form
MACRO_SUFFIXES = {".xlsm", ".xltm", ".docm", ".dotm"}
OLD_WORD_SUFFIXES = {".doc": "doc", ".dot": "doc", ".wps": "wps", ".wpt": "wps"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic"}
# A .doc is converted inside the reader's time limit (pool.DEFAULT_TIMEOUT): the
# conversion must give up first, so that its own soffice is ended, not orphaned.
CONVERT_TIMEOUT = 15.0

_MARKER_SHEET = frozenset({identity.SHEET})

RESAVE = "请单位用 Excel 或 WPS 打开后“另存为” .xlsx 格式，再重新报送。"

_NEEDS_QUOTES = re.compile(r"[\s!'\"()\-+,;&=<>^%$#@{}\[\]]")


# ---------------------------------------------------------------------------
# Finding the form in grids of text (no file format known here).
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the form sits in a grid: the header's index in ``grid.rows`` and role → column index."""

    grid: Grid
    header: int
    columns: dict[str, int]
    indicators: bool = False  # an indicator form (填报项 + 填报值), not a text form

    @property
    def entry_column(self) -> int:
        """The column of what the unit typed: 完成情况, or 填报值 of an indicator form."""
        return self.columns["value" if self.indicators else "entry"]


def find_form(grids: Sequence[Grid]) -> Layout | None:
    """The first grid, in the order given, with a 主要任务 + 完成情况 header (or an
    indicator form's 填报项 + 填报值 header) in its first rows."""
    for grid in grids:
        for index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
            columns = header_columns(row)
            if columns is not None:
                return Layout(grid, index, columns)
            columns = indicator_columns(row)
            if columns is not None:
                return Layout(grid, index, columns, indicators=True)
    return None


_INDICATOR_LABELS = {column.role: column.spellings for column in INDICATOR_COLUMNS}
_INDICATOR_STARTS = frozenset(label[0] for labels in _INDICATOR_LABELS.values() for label in labels)


def indicator_columns(row: Sequence[str | None]) -> dict[str, int] | None:
    """Role → column index if this row is an indicator form's header, else None.

    The target's header carries its year (2022年目标): it is matched anywhere in the cell.
    """
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        # One look rules most cells out, as for text forms (only 目标 carries a year before it).
        if not cell or (cell.lstrip()[:1] not in _INDICATOR_STARTS and not cell.rstrip().endswith("目标")):
            continue
        label = squeeze(cell)
        for role, labels in _INDICATOR_LABELS.items():
            if role not in columns and label and (label.startswith(labels) or (role == "target" and label.endswith(labels))):
                columns[role] = index
                break
    return columns if all(role in columns for role in INDICATOR_REQUIRED) else None


def indicator_rows(layout: Layout, cell_name) -> tuple[FormRow, ...]:
    """The count rows of an indicator form: 序号 and 项目 are merged over a share's
    two rows, so they carry down to the rows below them."""
    grid, columns = layout.grid, layout.columns
    no_at, item_at, count_at, value_at = (columns.get(role) for role in ("no", "item", "count", "value"))
    rows, no, item = [], None, None
    for index in range(layout.header + 1, len(grid.rows)):
        cells = grid.rows[index]
        count, value = _clean(_cell(cells, count_at)), _clean(_cell(cells, value_at))
        if _clean(_cell(cells, no_at)) is not None:
            no, item = _clean(_cell(cells, no_at)), _clean(_cell(cells, item_at))
        if count is None and value is None:
            continue
        rows.append(
            FormRow(
                row=grid.first_row + index, no=no, section=None, task=item,
                entry=value, entry_cell=cell_name(index, value_at), count=count,
            )
        )
    return tuple(rows)


def header_columns(row: Sequence[str | None], required: Sequence[str] = REQUIRED_ROLES) -> dict[str, int] | None:
    """Role → column index if this row is a header with the ``required`` roles, else None.

    Roles map by text, not position.  A returned form needs 主要任务 and 完成情况; an
    official task list may have no 完成情况 column (the Jiangyin list has 完成年限).
    """
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        # Most cells are task texts and entries: one look at the first character rules them out.
        if not cell or cell.lstrip()[:1] not in _LABEL_STARTS:
            continue
        label = squeeze(cell)
        for role, labels in HEADER_LABELS.items():
            if role not in columns and label.startswith(labels):
                columns[role] = index
                break
    return columns if all(role in columns for role in required) else None


def form_rows(layout: Layout, cell_name) -> tuple[FormRow, ...]:
    """The data rows below the header; ``cell_name(row_index, column_index)`` names a cell for people.

    Fully empty rows, rows with neither 主要任务 nor 完成情况 text (notes, blank
    borders) and repeated header rows (the official table repeats it on each page)
    are skipped; a row that spans the whole table is a 工程 title and becomes the
    section of the rows after it.
    """
    grid, columns = layout.grid, layout.columns
    sections = _merged_sections(grid, columns.get("section"))
    titles = _title_rows(grid, columns)
    # Column indexes fetched once: this loop runs for every row of every returned file.
    no_at, section_at, task_at, entry_at = (columns.get(role) for role in ("no", "section", "task", "entry"))
    current_section: str | None = None
    rows = []
    for index in range(layout.header + 1, len(grid.rows)):
        cells = grid.rows[index]
        task, entry = _clean(_cell(cells, task_at)), _clean_entry(_cell(cells, entry_at))
        if task is None and entry is None:
            current_section = titles.get(index, current_section)
            continue
        if _repeats_header(task, entry):
            continue
        section = _clean(_cell(cells, section_at)) or sections.get(index) or current_section
        rows.append(
            FormRow(
                row=grid.first_row + index,
                no=_clean(_cell(cells, no_at)),
                section=section,
                task=task,
                entry=entry,
                entry_cell=cell_name(index, entry_at),
                task_cell=cell_name(index, task_at) if task_at is not None else None,
            )
        )
    return tuple(rows)


_TASK_LABEL_STARTS = _first_characters("task")
_ENTRY_LABEL_STARTS = _first_characters("entry")


def _label_pattern(role: str) -> re.Pattern[str]:
    # A whole header cell: the label, optionally a bracketed note such as （每项字数控制在300字以内）.
    labels = "|".join(re.escape(label) for label in HEADER_LABELS[role])
    return re.compile(rf"(?:{labels})(?:（[^）]*）|\([^)]*\))?")


_TASK_HEADER = _label_pattern("task")
_ENTRY_HEADER = _label_pattern("entry")


def _repeats_header(task: str | None, entry: str | None) -> bool:
    """A header row repeated inside the table (the official table repeats it per page).

    Both cells must be nothing but header labels: a row whose 完成情况 merely starts
    with "完成情况" carries text a unit typed, and must reach an entry or a finding.
    """
    # Most rows are ruled out by their first character (the task text is stripped already).
    if not (task and entry and task[0] in _TASK_LABEL_STARTS and entry.lstrip()[:1] in _ENTRY_LABEL_STARTS):
        return False
    return bool(_TASK_HEADER.fullmatch(squeeze(task)) and _ENTRY_HEADER.fullmatch(squeeze(entry)))


def _cell(cells: Sequence[str | None], column: int | None) -> str | None:
    if column is None or column >= len(cells):
        return None
    return cells[column]


def _merged_sections(grid: Grid, column: int | None) -> dict[int, str]:
    """Row index → the 工程名称 a merged cell shows on that row (only its top cell holds the text)."""
    if column is None:
        return {}
    filled = {}
    for top, left, bottom, right in grid.merges:
        if left <= column <= right and 0 <= top < len(grid.rows):
            text = _clean(_cell(grid.rows[top], left))
            if text:
                for index in range(top, bottom + 1):
                    filled[index] = text
    return filled


def _title_rows(grid: Grid, columns: dict[str, int]) -> dict[int, str]:
    """Row index → 工程 title, for rows whose text sits in one cell merged across 主要任务 and 完成情况."""
    first, last = sorted((columns["task"], columns["entry"]))
    titles = {}
    for top, left, bottom, right in grid.merges:
        if top == bottom and left <= first and right >= last and top < len(grid.rows):
            text = _clean(_cell(grid.rows[top], left))
            if text:
                titles[top] = text
    return titles


def normalise_newlines(text: str) -> str:
    if "\r" not in text and "_x000D_" not in text:
        return text  # the common case, and a hot path
    return text.replace("_x000D_\n", "\n").replace("_x000D_", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return normalise_newlines(text).strip() or None


def _clean_entry(text: str | None) -> str | None:
    if text is None:
        return None
    text = normalise_newlines(text).rstrip()
    return text if text.strip() else None


def sheet_cell(sheet: str, row: int, column: int) -> str:
    """An A1 reference people can type into Excel: 填报表!E7, 'Sheet 1'!E7 (row/column 1-based)."""
    name = "'" + sheet.replace("'", "''") + "'" if _NEEDS_QUOTES.search(sheet) else sheet
    return f"{name}!{xl_col_to_name(column - 1)}{row}"


# ---------------------------------------------------------------------------
# Reading one file.
# ---------------------------------------------------------------------------


def read_file(file: ReturnedFile, password: str | None = None, *, time_zone: str = DEFAULT_TIME_ZONE) -> ReadResult:
    """Read one returned file; never raises for a bad file (only KeyboardInterrupt/SystemExit pass).

    ``time_zone`` is the units' zone (the catalogue's): a saved time written without
    a zone (an .ods) is read in it.
    """
    try:
        return _read(file, password, time_zone)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        return unreadable(file, "读取时占用内存过多", transient=True)
    except OSError as exc:
        if exc.errno is None:  # a parser's own OSError (olefile: "incomplete OLE sector"): the file is damaged
            return unreadable(file, "文件不完整或已损坏", advice=RESEND)
        # gone, locked, or no permission: the file itself may be fine, and may be read next time
        message = f"文件打不开（{os_reason(exc, '读取')}）。请检查文件是否还在、是否有读取权限后重试。"
        return ReadResult(Role.UNREADABLE, findings=(finding("file-unreadable", message, file=file.display),), transient=True)
    except BaseException:  # calamine panics raise pyo3's PanicException, not an Exception
        return unreadable(file, "文件已损坏或格式无法识别", advice=RESEND)


# A damaged file cannot be opened, so it cannot be re-saved either: ask for it again.
RESEND = "请单位用 Excel 或 WPS 打开原文件确认无误后，另存为 .xlsx 重新报送；如打不开，请重新发送一份完好的文件。"


def unreadable(file: ReturnedFile, reason: str, *, advice: str = RESAVE, transient: bool = False) -> ReadResult:
    """``transient``: the reason is this attempt's (a timeout, a crash), not the file's content."""
    message = f"文件无法读取（{reason}）。{advice}"
    return ReadResult(Role.UNREADABLE, findings=(finding("file-unreadable", message, file=file.display),), transient=transient)


def _read(file: ReturnedFile, password: str | None, zone: str) -> ReadResult:
    suffix = PurePath(file.name).suffix.lower()
    if suffix in OFFICE_SUFFIXES:
        data = file.read_bytes()  # one read: a form is read whole anyway
        box = crypto.container(data)
    else:
        box = crypto.container(_head(file))
        if box == "other":
            return _read_other(file, suffix)
        data = file.read_bytes()
    if box == "ole2":
        return _read_ole(file, data, suffix, password, zone)
    if box == "zip":
        return _read_zip(file, data, suffix, zone)
    if suffix in OFFICE_SUFFIXES:
        # Often a web page or CSV saved under an Excel name; calamine cannot read either.
        return unreadable(file, "文件内容不是 Excel/WPS/Word 文档格式，可能是网页或文本另存的")
    return ReadResult(Role.ATTACHMENT, material=Material("other"))


def _read_other(file: ReturnedFile, suffix: str) -> ReadResult:
    """PDF (its text layer is measured), pictures and anything else (listed, never loaded)."""
    if suffix == ".pdf":
        # Imported on the first PDF only: most batches of forms have none.
        from . import read_pdf

        return _measured(file, "pdf", lambda: read_pdf.measure(file.read_bytes()))
    kind = "image" if suffix in IMAGE_SUFFIXES else "other"
    return ReadResult(Role.ATTACHMENT, material=Material(kind))


def _measured(file: ReturnedFile, format: str, measure) -> ReadResult:
    """A material measured by ``measure()``; one that cannot be read is listed with the reason."""
    try:
        material = measure()
    except soffice.ConversionError as exc:
        return _unmeasured(file, format, str(exc), transient=exc.transient)
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # pdfium and python-docx raise their own kinds for damaged files
        return _unmeasured(file, format, f"文件已损坏、设有密码或格式无法识别（{type(exc).__name__}）")
    return ReadResult(Role.ATTACHMENT, material=material)


def _unmeasured(file: ReturnedFile, format: str, reason: str, *, transient: bool = False) -> ReadResult:
    """``transient``: the reason is this computer's (no LibreOffice yet), not the file's."""
    message = f"材料的文字无法读取，字数未统计：{reason}。材料仍按文件名登记；如需核对字数，请单位另存为 .docx 或可复制文字的 PDF 后重新报送。"
    finding_ = finding("material-unreadable", message, file=file.display)
    return ReadResult(Role.ATTACHMENT, material=Material(format, problem=reason), findings=(finding_,), transient=transient)


def _read_old_word(file: ReturnedFile, data: bytes, suffix: str) -> ReadResult:
    """Word 97 / WPS 文字: converted to .docx by LibreOffice when it is installed, then measured."""
    format = OLD_WORD_SUFFIXES[suffix]

    def measure() -> Material:
        from . import read_docx

        converted = soffice.convert(data, suffix, "docx", timeout=CONVERT_TIMEOUT)
        return read_docx.measure(read_docx.open_document(converted), format)

    return _measured(file, format, measure)


def read_content(file: ReturnedFile, password: str | None = None, *, time_zone: str = DEFAULT_TIME_ZONE) -> ReadResult:
    """The whole text of a 工作总结 or 典型经验 (.docx, or .doc/.wps through LibreOffice), for the 汇编.

    A reader for ``pool.read_all(reader=…)``: run in the readers' processes, under
    their limits.  A document that cannot be read gives ``content=None`` and a finding.
    ``time_zone`` is taken as every reader takes it; no time is read here.
    """
    # Imported here: only the 汇编 reads whole documents.
    from . import read_docx

    suffix = PurePath(file.name).suffix.lower()
    try:
        data = file.read_bytes()
        if suffix in OLD_WORD_SUFFIXES:
            data = soffice.convert(data, suffix, "docx", timeout=CONVERT_TIMEOUT)
        return ReadResult(Role.ATTACHMENT, content=read_docx.content(read_docx.open_document(data)))
    except soffice.ConversionError as exc:
        return _unmeasured(file, OLD_WORD_SUFFIXES.get(suffix, "docx"), str(exc), transient=exc.transient)
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        return _unmeasured(file, "docx", f"文件已损坏或格式无法识别（{type(exc).__name__}）")


def _head(file: ReturnedFile) -> bytes:
    if file.data is not None:
        return file.data[:8]
    with open(file.path, "rb") as handle:
        return handle.read(8)


def _read_ole(file: ReturnedFile, data: bytes, suffix: str, password: str | None, zone: str) -> ReadResult:
    streams = crypto.ole_streams(data)
    workbook = bool(streams & {"Workbook", "Book"})
    if "EncryptionInfo" in streams or (workbook and crypto.is_encrypted(data)):
        return _read_encrypted(file, data, suffix, password, zone)
    if workbook:
        return _read_spreadsheet(file, data, _ole_meta(data))
    if suffix in SPREADSHEET_SUFFIXES:
        return unreadable(file, "文件不是 Excel 工作簿")
    if suffix in OLD_WORD_SUFFIXES:
        return _read_old_word(file, data, suffix)  # 工作总结, 典型经验 saved by Word 97 or WPS
    return ReadResult(Role.ATTACHMENT, material=Material("other"))


def _read_encrypted(file: ReturnedFile, data: bytes, suffix: str, password: str | None, zone: str) -> ReadResult:
    if password is None:
        message = "文件设置了打开密码，无法读取。请单位去掉密码后重新报送，或运行时用 --password 提供密码。"
        return _locked(file, message)
    try:
        plain = crypto.decrypt(data, password)
    except crypto.WrongPassword:
        message = "用所给的密码打不开此文件（密码不对）。请核对后用 --password 重新提供，或请单位去掉密码后重新报送。"
        return _locked(file, message)
    except crypto.CannotDecrypt:
        message = "文件的加密方式无法解开。请单位去掉打开密码后重新报送。"
        return _locked(file, message)
    if crypto.container(plain) == "zip":
        return _read_zip(file, plain, suffix, zone)
    return _read_spreadsheet(file, plain, _ole_meta(plain))


def _locked(file: ReturnedFile, message: str) -> ReadResult:
    return ReadResult(Role.UNREADABLE, findings=(finding("file-encrypted", message, file=file.display),))


def _read_zip(file: ReturnedFile, data: bytes, suffix: str, zone: str) -> ReadResult:
    with ooxml_meta.Package(data) as package:
        meta = package.meta(zone)
        if meta.kind in ("xlsx", "xlsb", "ods"):
            return _read_spreadsheet(file, data, meta, package)
    if meta.kind == "docx":
        return _read_word(file, data, meta)
    if suffix in OFFICE_SUFFIXES:
        return unreadable(file, "压缩格式的文档缺少工作簿或正文部分，文件可能已损坏")
    return ReadResult(Role.ATTACHMENT, material=Material("other"))  # pptx, odt, a zip inside a zip: listed, not read


def _read_spreadsheet(
    file: ReturnedFile, data: bytes, meta: DocumentMeta, package: ooxml_meta.Package | None = None
) -> ReadResult:
    layouts: list[Layout] = []  # the form's layout, found once while the sheets are read

    def is_form(grid: Grid) -> bool:
        layout = find_form([grid])
        if layout is not None:
            layouts.append(layout)
        return layout is not None

    # The hidden identity sheet is the fallback for a package without the custom
    # property (an .xls, a copy that lost it); where the property is there, reading
    # the sheet too would cost a second sheet parse per file for the same facts.
    has_property = identity.from_properties(meta.properties) is not None
    grids = read_sheet.read_workbook(data, always=frozenset() if has_property else _MARKER_SHEET, until=is_form)
    marker = next((grid for grid in grids if grid.name == identity.SHEET), None)
    findings = _macro_findings(file, meta)
    if not layouts:
        message = "未找到填报表（没有含“主要任务”“完成情况”表头的工作表）。请使用下发的填报表填写后重新报送。"
        return ReadResult(Role.UNREADABLE, findings=(*findings, finding("form-not-found", message, file=file.display)))
    layout = layouts[0]
    grid = layout.grid
    # Column prefixes (填报表!E) made once: cells are named for every row of every file.
    prefixes = {col: sheet_cell(grid.name, 1, grid.first_col + col)[:-1] for col in layout.columns.values()}
    rows_of = indicator_rows if layout.indicators else form_rows
    rows = rows_of(layout, lambda r, c: f"{prefixes[c]}{grid.first_row + r}")
    if package is not None and meta.kind == "xlsx" and grid.name in meta.sheet_parts:
        column = grid.first_col - 1 + layout.entry_column
        rows = _with_formulas(package, meta.sheet_parts[grid.name], column, rows)
    form = _form(meta, meta.kind or "xlsx", grid.name, grid.first_row + layout.header, rows, marker)
    return ReadResult(Role.FORM, form=form, findings=findings)


def _read_word(file: ReturnedFile, data: bytes, meta: DocumentMeta) -> ReadResult:
    # Imported on the first Word return only: python-docx is a fifth of the readers'
    # start-up, and most batches are all workbooks.
    from . import read_docx

    findings = _macro_findings(file, meta)
    if not findings:  # a plain document whose text never names the form's columns is no form
        material = read_docx.measure_body(data, HEADER_LABELS["entry"])
        if material is not None:
            return ReadResult(Role.ATTACHMENT, material=material)
    document = read_docx.open_document(data)
    layout = find_form(read_docx.tables_of(document))
    if layout is None:  # 工作总结, 典型经验: documents, not forms
        return ReadResult(Role.ATTACHMENT, findings=findings, material=read_docx.measure(document))
    grid = layout.grid
    rows = (indicator_rows if layout.indicators else form_rows)(layout, lambda r, c: f"{grid.name} 第{r + 1}行")
    form = _form(meta, "docx", grid.name, layout.header + 1, rows, None)
    return ReadResult(Role.FORM, form=form, findings=findings)


def _form(
    meta: DocumentMeta, kind: str, sheet: str, header_row: int, rows: tuple[FormRow, ...], marker: Grid | None
) -> Form:
    """The form as read, with what its package says about itself (identities, saving, macros)."""
    return Form(
        sheet=sheet,
        header_row=header_row,
        rows=rows,
        identities=_identities(meta, marker),
        saved_at=meta.saved_at,
        application=meta.application,
        has_macros=meta.has_macros,
        kind=kind,
    )


def _ole_meta(data: bytes) -> DocumentMeta:
    """An .xls file's own metadata; a damaged SummaryInformation costs the metadata, not the form."""
    try:
        return ooxml_meta.ole_meta(data)
    except Exception:
        return DocumentMeta("xls")


def _with_formulas(package: ooxml_meta.Package, part: str, column: int, rows: tuple[FormRow, ...]) -> tuple[FormRow, ...]:
    try:
        formulas = package.column_formulas(part, column)
        errors = package.column_errors(part, column)
    except Exception:  # the values are read; only the formula flag is lost
        return rows
    if errors:  # #N/A typed as the entry: what the unit typed, not 「没有填写」
        rows = tuple(replace(row, entry=errors[row.row]) if row.row in errors and row.entry is None else row for row in rows)
    if not formulas:
        return rows
    return tuple(replace(row, entry_formula=formulas[row.row]) if row.row in formulas else row for row in rows)


def _identities(meta: DocumentMeta, marker: Grid | None) -> tuple[Identity, ...]:
    found = [
        identity.from_properties(meta.properties),
        identity.from_sheet_rows(marker.rows) if marker is not None else None,
        identity.from_name_value(meta.defined_names.get(identity.DEFINED_NAME, "")),
    ]
    return tuple(item for item in found if item is not None)


def _macro_findings(file: ReturnedFile, meta: DocumentMeta):
    if not (meta.has_macros or PurePath(file.name).suffix.lower() in MACRO_SUFFIXES):
        return ()
    message = "文件含有宏代码。只读取了表格内容，没有运行宏；请单位今后另存为不含宏的 .xlsx/.docx 格式报送。"
    return (finding("macro-present", message, file=file.display),)
