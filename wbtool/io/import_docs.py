"""Official documents (a notice, its 附件) as plain text: the body's paragraphs and every table as a grid.

Formats: .docx (python-docx), .doc / .wps (through LibreOffice, see ``soffice``), and
workbooks (.xlsx, .xls, .ods, WPS .et, through calamine).  Tables come as
``model.imported.SourceTable``: cell texts plus merged areas (Word's vMerge/gridSpan,
Excel's merged ranges), so the one who interprets them knows which empty cell is
covered by the cell above, and the task table's header found the way a returned
form's is (``io.read.header_columns``).  What the document means is not decided here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnreadableInput, os_reason
from ..model.imported import SourceDocument, SourceTable
from . import crypto, read_docx, read_sheet, soffice
from .read import HEADER_SEARCH_ROWS, header_columns
from .read_sheet import Grid

WORD_SUFFIXES = (".docx", ".docm", ".dotx")
OLD_WORD_SUFFIXES = (".doc", ".wps", ".dot", ".wpt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
SUFFIXES = WORD_SUFFIXES + OLD_WORD_SUFFIXES + WORKBOOK_SUFFIXES
# What makes a table the task table: it names the tasks and who is responsible (an
# official list may have no 完成情况 column).
TASK_TABLE_ROLES = ("task", "owners")


class DocumentUnreadable(UnreadableInput):
    """The document cannot be read; ``str(exc)`` is a Chinese sentence saying why and what to do."""


class DocumentEncrypted(DocumentUnreadable):
    """The document needs a password to open."""


@dataclass(frozen=True)
class Loaded:
    """A document's bytes in a form ``parse`` reads: ``kind`` is "docx" or "workbook"."""

    name: str
    kind: str
    data: bytes


def read_document(path: str | Path) -> SourceDocument:
    """The paragraphs and tables of the document at ``path``, read in this process; raises ``DocumentUnreadable``."""
    return parse(load(path))


def load(path: str | Path) -> Loaded:
    """Read the file and bring it to a format ``parse`` knows (Word 97 / WPS through LibreOffice).

    Only the container is looked at here; the document itself is parsed by ``parse``,
    which a caller can run under limits of time and memory.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentUnreadable(f"不支持的文件类型“{suffix or '无扩展名'}”。请给出 .docx、.doc、.wps、.xlsx、.xls 或 .ods 文件。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentUnreadable(f"文件打不开（{os_reason(exc, '读取')}）。请检查路径和读取权限。") from exc
    try:
        return _load(path.name, suffix, data)
    except DocumentUnreadable:
        raise
    except Exception as exc:  # a damaged OLE2 directory: olefile raises anything
        raise DocumentUnreadable(_DAMAGED.format(type(exc).__name__)) from exc


_DAMAGED = "文件已损坏或格式无法识别（{}）。请用 Word、WPS 或 Excel 打开后另存一份再试。"


def _load(name: str, suffix: str, data: bytes) -> Loaded:
    box = crypto.container(data)
    if box == "ole2":
        streams = crypto.ole_streams(data)
        workbook = bool(streams & {"Workbook", "Book"})
        if "EncryptionInfo" in streams or (workbook and crypto.is_encrypted(data)):
            raise DocumentEncrypted("文件设置了打开密码，无法读取。请去掉密码后另存一份再导入。")
        if workbook:
            return Loaded(name, "workbook", data)
        if "WordDocument" in streams or suffix in OLD_WORD_SUFFIXES:
            # WPS saves .wps in Word 97's format; under its own name LibreOffice might take it for MS Works.
            as_suffix = ".doc" if "WordDocument" in streams else suffix
            try:
                return Loaded(name, "docx", soffice.convert(data, as_suffix, "docx"))
            except soffice.ConversionError as exc:
                raise DocumentUnreadable(str(exc)) from exc
        raise DocumentUnreadable("文件不是 Word 文档或 Excel 工作簿。")
    if box != "zip":
        raise DocumentUnreadable(
            "文件内容不是 Word/WPS/Excel 文档格式，可能是网页、PDF 或文本另存的。请用 Word、WPS 或 Excel 打开后另存为 .docx 或 .xlsx。"
        )
    return Loaded(name, "workbook" if suffix in WORKBOOK_SUFFIXES else "docx", data)


def parse(loaded: Loaded) -> SourceDocument:
    """The paragraphs and tables of a loaded document; raises ``DocumentUnreadable`` for a damaged one."""
    try:
        if loaded.kind == "workbook":
            return SourceDocument(loaded.name, (), tuple(map(_located, read_sheet.read_workbook(loaded.data))))
        return _word(loaded.name, loaded.data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise DocumentUnreadable("读取时占用内存过多，文件可能已损坏。") from None
    except BaseException as exc:  # calamine panics are not Exceptions; a bad file must not be a traceback
        raise DocumentUnreadable(_DAMAGED.format(type(exc).__name__)) from exc


def _word(name: str, data: bytes) -> SourceDocument:
    import docx  # lazy: python-docx is slow to import and only Word files need it

    document = docx.Document(io.BytesIO(read_docx.as_plain_docx(data)))
    paragraphs = tuple(paragraph.text for paragraph in document.paragraphs)
    return SourceDocument(name, paragraphs, tuple(map(_located, read_docx.read_tables(data))))


def _located(grid: Grid) -> SourceTable:
    """The grid as plain data, with its task-table header found the way returned forms' are."""
    for index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        columns = header_columns(row, TASK_TABLE_ROLES)
        if columns is not None:
            return SourceTable(grid.rows, grid.merges, index, columns)
    return SourceTable(grid.rows, grid.merges)
