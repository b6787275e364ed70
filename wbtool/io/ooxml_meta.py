"""What an Office file says about itself, read from its parts without a full parser.

Custom properties (where a template keeps its identity), the defined names, the last
saved time and the saving application, whether macros ride along, and — for xlsx,
because calamine gives cached values only — which cells of one column hold formulas.

Returned files are untrusted (entity bombs, external entities).  Parts are
size-checked before they are inflated, and every XML part that declares anything
(``<!DOCTYPE``, ``<!ENTITY``) goes through defusedxml, which refuses it; see ``_xml``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from xml.etree import ElementTree as PlainElementTree

import olefile
from defusedxml import ElementTree
from xlsxwriter.utility import xl_col_to_name

from ..model import DEFAULT_TIME_ZONE, time_zone

# A metadata part bigger than this is not metadata: skip it rather than inflate it.
MAX_META_PART = 4 * 1024 * 1024
# The formula scan reads one worksheet part; calamine has already read it once.
MAX_SHEET_PART = 64 * 1024 * 1024

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "custom": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "app": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_FORMULA = f"{{{_NS['main']}}}f"
_CELL_TAG = re.compile(rb"<(\w+:)?c\s")

# WPS writes "Microsoft Excel" into app.xml but always leaves these custom properties.
_WPS_MARKERS = ("KSOProductBuildVer", "ICV")


@dataclass(frozen=True)
class DocumentMeta:
    """Plain facts about a document package."""

    kind: str | None = None  # xlsx (also xlsm) / xlsb / docx (also docm) / ods / xls; None: not an Office file
    properties: dict[str, str] = field(default_factory=dict)  # custom document properties
    defined_names: dict[str, str] = field(default_factory=dict)  # workbook-level names
    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name → part path (xlsx)
    saved_at: datetime | None = None
    application: str | None = None
    has_macros: bool = False


class Package:
    """One zip package opened once for everything read from it (the central directory
    of a small workbook costs as much to parse as its metadata parts)."""

    def __init__(self, data: bytes):
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = {info.filename for info in self._zip.infolist()}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def meta(self, zone: str = DEFAULT_TIME_ZONE) -> DocumentMeta:
        """What the package is (xlsx/xlsm, xlsb, docx/docm, ods) and what it says about itself.

        ``zone`` (an IANA name, the catalogue's ``time_zone``) is the units' zone: an
        .ods saves its time as a local time without a zone, read in this one, never in
        the zone of the machine that runs the check.
        """
        package, names = self._zip, self._names
        kind = _package_kind(package, names)
        if kind == "ods":
            return _ods_meta(_part(package, names, "meta.xml"), time_zone(zone))
        properties = _custom_properties(_part(package, names, "docProps/custom.xml"))
        saved_at = _core_modified(_part(package, names, "docProps/core.xml"))
        application = _application(_part(package, names, "docProps/app.xml"), properties)
        defined, sheets = _workbook(package, names) if kind == "xlsx" else ({}, {})
        has_macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        return DocumentMeta(kind, properties, defined, sheets, saved_at, application, has_macros)

    def column_formulas(self, sheet_part: str, column: int) -> dict[int, str]:
        """``{row: formula}`` for the cells of one 0-based column that hold a formula.

        Cheap on purpose, since nearly every file has no formula in that column while
        the template's 字数 column is all formulas: a pattern finds the start tags of
        that column's cells, and only a cell whose content has an ``<f`` element is
        handed to the XML parser.  A shared formula's followers get the text of the
        formula they share.
        """
        xml = self._sheet_xml(sheet_part)
        return _formulas_in(xml, column) if xml is not None else {}

    def column_errors(self, sheet_part: str, column: int) -> dict[int, str]:
        """``{row: "#N/A"}`` for the cells of one 0-based column that hold an error value
        without a formula: a unit that types #N/A gets an error cell, which calamine
        reads as empty (and would be 「没有填写」)."""
        xml = self._sheet_xml(sheet_part)
        return _errors_in(xml, column) if xml is not None else {}

    def _sheet_xml(self, sheet_part: str) -> bytes | None:
        """The sheet part's XML, or None when it is missing or too big to scan."""
        try:
            info = self._zip.getinfo(sheet_part)
        except KeyError:
            return None
        return None if info.file_size > MAX_SHEET_PART else self._zip.read(info)


def _package_kind(package: zipfile.ZipFile, names: set[str]) -> str | None:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names:
        return "docx"
    if (_part(package, names, "mimetype") or b"").startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    return None


def _ods_meta(raw: bytes | None, zone: tzinfo) -> DocumentMeta:
    root = _xml(raw)
    if root is None:
        return DocumentMeta("ods")
    properties = {
        node.get(f"{{{_NS['meta']}}}name", ""): (node.text or "").strip()
        for node in root.iterfind(".//meta:user-defined", _NS)
    }
    date = root.findtext(".//dc:date", namespaces=_NS)
    generator = root.findtext(".//meta:generator", namespaces=_NS)
    return DocumentMeta("ods", properties=properties, saved_at=_parse_time(date, zone), application=generator)


def ole_meta(data: bytes) -> DocumentMeta:
    """Last-saved time and application of an OLE2 document (.xls), from SummaryInformation."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        meta = ole.get_metadata()
        has_macros = ole.exists("_VBA_PROJECT_CUR")
    saved = meta.last_saved_time
    saved_at = saved.replace(tzinfo=timezone.utc) if isinstance(saved, datetime) else None
    application = _decode(meta.creating_application)
    return DocumentMeta("xls", saved_at=saved_at, application=application, has_macros=has_macros)


def _formulas_in(raw: bytes, column: int) -> dict[int, str]:
    if b"<f" not in raw and b":f>" not in raw and b":f " not in raw:
        return {}
    found: dict[int, str] = {}
    shared: dict[str, str] = {}
    # A literal start lets the regex engine skip ahead fast; the byte before must be white space.
    reference = re.compile(rb'r="' + xl_col_to_name(column).encode() + rb'(\d+)"')
    for match in reference.finditer(raw):
        if match.start() == 0 or raw[match.start() - 1] not in b" \t\r\n":
            continue
        start = raw.rfind(b"<", 0, match.start())
        tag = _CELL_TAG.match(raw, start)
        if tag is None:
            continue  # an r="E5" on something other than a cell
        tag_end = raw.find(b">", match.end())
        if tag_end < 0 or raw[tag_end - 1] == 0x2F:  # <c …/>: an empty cell
            continue
        prefix = tag.group(1) or b""
        close = raw.find(b"</" + prefix + b"c>", tag_end)
        if close < 0 or b"f" not in raw[tag_end:close]:
            continue
        formula = _cell_formula(raw[start : close + len(prefix) + 4], prefix)
        if formula is None:
            continue
        text, index = formula
        if index is not None:
            text = shared.setdefault(index, text) if text else shared.get(index, "")
        found[int(match.group(1))] = "=" + text
    return found


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,16})</(?:\w+:)?v>")


def _errors_in(raw: bytes, column: int) -> dict[int, str]:
    if b't="e"' not in raw:
        return {}
    reference = re.compile(rb'\br="' + xl_col_to_name(column).encode() + rb'(\d+)"')
    found: dict[int, str] = {}
    for match in _ERROR_CELL.finditer(raw):
        where = reference.search(match.group(1))
        if where is None or b"<f" in match.group(2) or b":f>" in match.group(2) or b":f " in match.group(2):
            continue
        value = _ERROR_VALUE.search(match.group(2))
        if value is not None:
            found[int(where.group(1))] = value.group(1).decode("utf-8", "replace")
    return found


def _cell_formula(snippet: bytes, prefix: bytes) -> tuple[str, str | None] | None:
    """(formula text, shared index) of one ``<c>`` element, or None if it has no formula."""
    name = prefix.decode().rstrip(":")
    declaration = f' xmlns:{name}="{_NS["main"]}"' if name else f' xmlns="{_NS["main"]}"'
    tag_end = snippet.index(b">")
    if snippet[tag_end - 1 : tag_end] == b"/":
        return None
    cell = _xml(snippet[:tag_end] + declaration.encode() + snippet[tag_end:])
    if cell is None:
        return None
    formula = cell.find(_FORMULA)
    if formula is None:
        return None
    return formula.text or "", formula.get("si")


# ---------------------------------------------------------------------------


def _part(package: zipfile.ZipFile, names: set[str], name: str) -> bytes | None:
    if name not in names:
        return None
    info = package.getinfo(name)
    if info.file_size > MAX_META_PART:
        return None
    return package.read(info)


def _xml(raw: bytes | None):
    """The parsed part, or None if it is missing, broken or hostile.

    Entity bombs and external entities need a declaration, and every declaration
    starts with "<!".  A UTF-8 part without "<!" is therefore handed to the C parser
    as text (which makes expat read it as UTF-8 whatever its XML declaration claims):
    it can expand only the five predefined entities and character references.  Any
    other part — comments, CDATA, UTF-16, a DOCTYPE — takes defusedxml's slower
    pure-Python path, which refuses declarations outright.
    """
    if not raw:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    try:
        if text is not None and "<!" not in text:
            return PlainElementTree.fromstring(text)
        return ElementTree.fromstring(raw)
    except Exception:  # a broken or hostile part is as good as a missing one
        return None


def _custom_properties(raw: bytes | None) -> dict[str, str]:
    root = _xml(raw)
    if root is None:
        return {}
    properties = {}
    for node in root.iterfind("custom:property", _NS):
        value = next(iter(node), None)  # one vt:* child holds the value
        properties[node.get("name", "")] = (value.text or "").strip() if value is not None else ""
    return properties


def _core_modified(raw: bytes | None) -> datetime | None:
    root = _xml(raw)
    if root is None:
        return None
    return _parse_time(root.findtext("dcterms:modified", namespaces=_NS), timezone.utc)


def _application(raw: bytes | None, properties: dict[str, str]) -> str | None:
    root = _xml(raw)
    name = root.findtext("app:Application", namespaces=_NS) if root is not None else None
    name = (name or "").strip() or None
    if any(marker in properties for marker in _WPS_MARKERS):
        return "WPS Office" if not name or name.startswith("Microsoft") else name
    return name


def _workbook(package: zipfile.ZipFile, names: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Defined names (workbook scope) and the part that holds each sheet."""
    root = _xml(_part(package, names, "xl/workbook.xml"))
    if root is None:
        return {}, {}
    defined = {
        node.get("name", ""): (node.text or "")
        for node in root.iterfind("main:definedNames/main:definedName", _NS)
        if node.get("localSheetId") is None
    }
    rels = _xml(_part(package, names, "xl/_rels/workbook.xml.rels"))
    targets = {}
    if rels is not None:
        for node in rels.iterfind("rel:Relationship", _NS):
            target = node.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[node.get("Id")] = path
    sheets = {
        node.get("name", ""): targets.get(node.get(f"{{{_NS['r']}}}id"), "")
        for node in root.iterfind("main:sheets/main:sheet", _NS)
    }
    return defined, sheets


def _parse_time(text: str | None, zone: tzinfo) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    # Python before 3.11 and some writers: trim nanoseconds to what fromisoformat takes.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _decode(value) -> str | None:
    if isinstance(value, bytes):
        for encoding in ("utf-8", "gbk", "latin-1"):
            try:
                return value.decode(encoding).strip("\x00 ") or None
            except UnicodeDecodeError:
                continue
    return value or None
