"""Making returned files the way units make them, from real generated templates.

Every helper takes a path (or bytes) and writes a new file, so tests can chain
them: ``fill`` a template, ``rename`` it, ``zip_gbk`` it, wrap it in an ``eml``.
Workbooks are edited with openpyxl (what a unit's Excel would save), Word
returns with python-docx, encryption with msoffcrypto, re-saves with LibreOffice
(``tests/office.py``).  Text a unit types is always stored as a string, even
when it starts with "=".
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence
from xml.sax.saxutils import escape

from openpyxl import load_workbook

from wbtool import identity as identities
from wbtool.plan import filename_for, plan
from wbtool.io.template_xlsx import FILL_SHEET, write_template
from wbtool.model import Catalogue

BATCH = "20230105-0900"


# ---------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------


def template(catalogue: Catalogue, unit: str, folder: Path, *, batch: str = BATCH, name: str | None = None) -> Path:
    """The generated fill-in workbook of ``unit``, written into ``folder``."""
    assignments, findings = plan(catalogue, [unit])
    assert assignments and not findings, findings
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or filename_for(catalogue, unit))
    write_template(catalogue, assignments[0], identities.make(catalogue, batch, unit), target)
    return target


# ---------------------------------------------------------------------------
# editing the fill-in sheet
# ---------------------------------------------------------------------------


class _Sheet:
    """The fill-in sheet of a workbook opened with openpyxl, located by its header row."""

    def __init__(self, path: Path):
        self.book = load_workbook(path)
        self.ws = self.book[FILL_SHEET] if FILL_SHEET in self.book.sheetnames else self.book.worksheets[0]
        self.header, self.columns = self._find_header()

    def _find_header(self) -> tuple[int, dict[str, int]]:
        for row in self.ws.iter_rows(min_row=1, max_row=30):
            labels = {str(c.value).replace(" ", "")[:4]: c.column for c in row if c.value}
            if "序号" in labels and "主要任务" in labels:
                entry = next(col for label, col in labels.items() if label.startswith("完成情况"))
                return row[0].row, {"no": labels["序号"], "task": labels["主要任务"], "entry": entry}
        raise AssertionError("no 序号/主要任务 header in the fill-in sheet")

    def row_of(self, no: int) -> int:
        for r in range(self.header + 1, self.ws.max_row + 1):
            if str(self.ws.cell(r, self.columns["no"]).value).strip() == str(no):
                return r
        raise KeyError(f"task {no} has no row")

    def entry_cell(self, no: int):
        return self.ws.cell(self.row_of(no), self.columns["entry"])

    def save(self, target: Path) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.book.save(target)
        return target


def _target(path: Path, target: Path | None) -> Path:
    return Path(target) if target is not None else Path(path)


def put_text(cell, text: str) -> None:
    """Store ``text`` as typed text: a leading "=" stays text, as Excel does for a text cell."""
    cell.value = text
    cell.data_type = "s"


def fill(path: Path, texts: Mapping[int, str], target: Path | None = None) -> Path:
    """Type ``texts`` (task number → 完成情况) into the entry cells."""
    sheet = _Sheet(path)
    for no, text in texts.items():
        put_text(sheet.entry_cell(no), text)
    return sheet.save(_target(path, target))


def set_formula(path: Path, no: int, formula: str, target: Path | None = None) -> Path:
    sheet = _Sheet(path)
    sheet.entry_cell(no).value = formula
    return sheet.save(_target(path, target))


def edit_task_text(path: Path, no: int, new_text: str, target: Path | None = None) -> Path:
    sheet = _Sheet(path)
    sheet.ws.cell(sheet.row_of(no), sheet.columns["task"]).value = new_text
    return sheet.save(_target(path, target))


def set_number(path: Path, no: int, new_no: str, target: Path | None = None) -> Path:
    sheet = _Sheet(path)
    sheet.ws.cell(sheet.row_of(no), sheet.columns["no"]).value = new_no
    return sheet.save(_target(path, target))


def add_row(path: Path, no: int | str, task_text: str, entry: str, target: Path | None = None) -> Path:
    """Append a row below the table (a task the unit does not own, or one that does not exist)."""
    sheet = _Sheet(path)
    ws = sheet.ws
    ws.protection.sheet = False
    r = ws.max_row + 1
    ws.cell(r, sheet.columns["no"]).value = str(no)
    ws.cell(r, sheet.columns["task"]).value = task_text
    put_text(ws.cell(r, sheet.columns["entry"]), entry)
    return sheet.save(_target(path, target))


def delete_row(path: Path, no: int, target: Path | None = None) -> Path:
    sheet = _Sheet(path)
    sheet.ws.protection.sheet = False
    sheet.ws.delete_rows(sheet.row_of(no))
    return sheet.save(_target(path, target))


def rename(path: Path, new_name: str) -> Path:
    """A copy of ``path`` under another name in the same folder (the original stays)."""
    target = Path(path).with_name(new_name)
    shutil.copyfile(path, target)
    return target


# ---------------------------------------------------------------------------
# what other software does to the identity
# ---------------------------------------------------------------------------


def _rewrite_parts(path: Path, target: Path | None, edit: Callable[[str, bytes], bytes | None]) -> Path:
    """The package with every part passed through ``edit`` (None drops the part).

    Read whole before writing, so ``target`` may be ``path`` itself.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = edit(info.filename, source.read(info))
            if data is not None:
                out.writestr(info, data)
    target = _target(path, target)
    target.write_bytes(buffer.getvalue())
    return target


def drop_custom_properties(path: Path, target: Path | None = None) -> Path:
    """Remove docProps/custom.xml and its references, as a WPS re-save does."""

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "docProps/custom.xml":
            return None
        if name in ("[Content_Types].xml", "_rels/.rels"):
            return re.sub(rb"<(Override|Relationship)[^>]*custom(-properties|\.xml)[^>]*/>", b"", data)
        return data

    return _rewrite_parts(path, target, edit)


def strip_identity(path: Path, target: Path | None = None) -> Path:
    """Remove every trace of the identity: properties, hidden sheet, defined name."""
    book = load_workbook(path)
    if identities.SHEET in book.sheetnames:
        book.remove(book[identities.SHEET])
    if identities.DEFINED_NAME in book.defined_names:
        del book.defined_names[identities.DEFINED_NAME]
    target = _target(path, target)
    book.save(target)
    return drop_custom_properties(target, target)


def resave(paths: Sequence[Path], to: str, outdir: Path) -> list[Path]:
    """Open and save through LibreOffice (one soffice call for all ``paths``)."""
    from office import convert

    return convert(paths, to, outdir)


# ---------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------


class _GbkInfo(zipfile.ZipInfo):
    """A zip entry whose name is stored in GBK without the UTF-8 flag, as Windows zips it."""

    def _encodeFilenameFlags(self):  # noqa: N802 — zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zip_gbk(members: Mapping[str, bytes | Path], target: Path, *, when: datetime | None = None) -> Path:
    """A zip as Windows' 「发送到 → 压缩文件夹」 makes it: GBK names, no UTF-8 flag."""
    stamp = (when or datetime(2023, 1, 10, 9, 30)).timetuple()[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            data = Path(content).read_bytes() if isinstance(content, Path) else content
            info = _GbkInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target


def eml(
    attachments: Iterable[Path],
    target: Path,
    *,
    sender: str = "unit@example.cn",
    subject: str = "样板建设总结",
    sent_at: datetime | None = None,
) -> Path:
    """An email carrying ``attachments`` (names as their files are called)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "wxzqs@126.com"
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at or datetime(2023, 1, 10, 10, 0, tzinfo=timezone.utc))
    message.set_content("附件为我单位材料，请查收。")
    for path in attachments:
        path = Path(path)
        message.add_attachment(path.read_bytes(), maintype="application", subtype="octet-stream", filename=path.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(message))
    return target


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods(rows: Sequence[Sequence[str]], target: Path, *, saved: str) -> Path:
    """A one-sheet .ods as LibreOffice saves it: ``saved`` goes into meta.xml as written
    (LibreOffice writes its local time there, without a zone)."""
    def cell(text: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'

    table = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{FILL_SHEET}">{table}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODS_NAMESPACES} office:version="1.2">'
        f"<office:meta><meta:generator>LibreOffice/7.4</meta:generator><dc:date>{saved}</dc:date></office:meta>"
        "</office:document-meta>"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return target


def encrypt(path: Path, password: str, target: Path) -> Path:
    """The workbook with an opening password (Excel's agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(path, "rb") as handle:
        source = OOXMLFile(handle)
        with open(target, "wb") as out:
            source.encrypt(password, out)
    return target


def word_table(catalogue: Catalogue, rows: Iterable[tuple[int, str]], target: Path, *, number_column: bool = True) -> Path:
    """附件2 as a Word table with the unit's rows pasted in: (task number, 完成情况)."""
    from docx import Document

    document = Document()
    document.add_paragraph("附件2")
    document.add_paragraph(catalogue.title)
    headers = (["序号"] if number_column else []) + ["主要任务", "责任单位", "完成情况"]
    table = document.add_table(rows=1, cols=len(headers))
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for no, entry in rows:
        task = catalogue.task(no)
        values = [str(no), task.text] if number_column else [f"{no}．{task.text}"]
        values += [task.owners_text, entry]
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)
    return target


def set_saved_at(path: Path, when: datetime, target: Path | None = None) -> Path:
    """Set the document's own "last saved" time (docProps/core.xml dcterms:modified)."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def edit(name: str, data: bytes) -> bytes:
        if name != "docProps/core.xml":
            return data
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)

    return _rewrite_parts(path, target, edit)


def add_macro_part(path: Path, target: Path) -> Path:
    """The workbook with a (dummy) VBA project inside, as a macro-enabled save leaves it."""
    shutil.copyfile(path, target)
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real project")
    return target
