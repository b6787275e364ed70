"""Word documents (docx, docm): every table, nested ones included, as grids of text (python-docx)."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from lxml import etree
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from docx.oxml.ns import qn

from .. import wordcount
from ..model import BODY_LEVEL, Material, Passage, Picture, TableText
from .read_sheet import Grid

TITLE_CHARS = 80  # a first line longer than this is body text, not a title


def open_document(data: bytes):
    """The python-docx document of a .docx / .docm package (read in memory)."""
    return docx.Document(io.BytesIO(_as_plain_docx(data)))


def read_tables(data: bytes) -> tuple[Grid, ...]:
    return tables_of(open_document(data))


def measure(document, format: str = "docx") -> Material:
    """字数 of every paragraph (table cells included) and the first line, for the 材料清单."""
    words, title = 0, ""
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        words += wordcount.count(text)
        if not title and text.strip():
            title = text.strip()[:TITLE_CHARS]
    return Material(format=format, words=words, title=title)


# The body of a document that cannot hold a form is measured from its XML alone:
# python-docx opens every part of the package (styles, numbering, pictures), which
# is most of the time a 工作总结 takes to read, and nothing of it is needed for 字数.
_BODY_PART = "word/document.xml"
MAX_BODY_PART = 64 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_W_P, _W_T = qn("w:p"), qn("w:t")


def measure_body(data: bytes, form_words: tuple[str, ...]) -> Material | None:
    """The ``measure`` of a plain .docx straight from its body XML, or None when the
    body mentions one of ``form_words`` (it may hold a form: read it whole) or is unusual."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            info = package.getinfo(_BODY_PART)
        except KeyError:
            return None
        if info.file_size > MAX_BODY_PART:
            return None
        root = etree.fromstring(package.read(info), _PARSER)
    words, title, texts = 0, "", []
    for paragraph in root.iter(_W_P):
        text = "".join(node.text or "" for node in paragraph.iter(_W_T))
        texts.append(text)
        words += wordcount.count(text)
        if not title and text.strip():
            title = text.strip()[:TITLE_CHARS]
    body = "".join("".join(texts).split())
    if any(word in body for word in form_words):
        return None
    return Material(format="docx", words=words, title=title)


def tables_of(document) -> tuple[Grid, ...]:
    """The document's tables in reading order, named 表1, 表2 …; a nested table follows its host."""
    grids: list[Grid] = []
    for table in document.tables:
        _collect(table, grids)
    return tuple(grids)


def _collect(table: Table, grids: list[Grid]) -> None:
    grids.append(_grid(table, f"表{len(grids) + 1}"))
    for row in table.rows:
        for cell in _unique_cells(row.cells):
            for inner in cell.tables:
                _collect(inner, grids)


def _unique_cells(cells):
    seen = set()
    for cell in cells:
        if cell._tc not in seen:
            seen.add(cell._tc)
            yield cell


def _grid(table: Table, name: str) -> Grid:
    """One value per logical cell.

    python-docx hands out the same cell (the same ``_tc`` element) for every grid
    position a merge covers, across columns and down rows; the first position keeps
    the text, the others read empty and the area is recorded as a merge.
    """
    origin: dict[object, int] = {}  # _tc → index into areas
    areas: list[list[int]] = []  # [top, left, bottom, right]
    rows = []
    for r, row in enumerate(table.rows):
        values = []
        for c, cell in enumerate(row.cells):
            tc = cell._tc
            index = origin.get(tc)
            if index is None:
                origin[tc] = len(areas)
                areas.append([r, c, r, c])
                values.append(cell.text or None)
            else:
                area = areas[index]
                area[2], area[3] = max(area[2], r), max(area[3], c)
                values.append(None)
        rows.append(tuple(values))
    merges = tuple(tuple(area) for area in areas if area[0] != area[2] or area[1] != area[3])
    return Grid(name, tuple(rows), merges=merges)  # type: ignore[arg-type]


# python-docx opens only plain documents; macro-enabled ones (.docm) and templates
# have the same body under another content type.
_MAIN_DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OTHER_MAIN_TYPES = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_CONTENT_TYPES = "[Content_Types].xml"


def _as_plain_docx(data: bytes) -> bytes:
    """The package with its main part declared as a plain document, rewritten in memory only if needed."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read(_CONTENT_TYPES)
        if not any(other in types for other in _OTHER_MAIN_TYPES):
            return data
        for other in _OTHER_MAIN_TYPES:
            types = types.replace(other, _MAIN_DOCUMENT)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as plain:
            for item in package.infolist():
                plain.writestr(item, types if item.filename == _CONTENT_TYPES else package.read(item))
    return out.getvalue()


def as_plain_docx(data: bytes) -> bytes:
    """The package as python-docx can open it (macro-enabled documents and templates included)."""
    return _as_plain_docx(data)


# ---------------------------------------------------------------------------
# The whole text of a document, in order, for the 汇编.
# ---------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_EMU_PER_MM = 36000


def content(document) -> tuple[Passage | Picture | TableText, ...]:
    """Every paragraph, picture and table of the body in reading order.

    A paragraph keeps its heading level (Heading 1–3 / 标题 1–3, or an outline
    level) and which runs are bold; an empty paragraph is dropped (it only spaces).
    """
    blocks: list[Passage | Picture | TableText] = []
    levels = _heading_levels(document)
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.extend(_paragraph_blocks(Paragraph(child, document._body), document, levels))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document._body)
            rows = tuple(tuple(cell.text for cell in _unique_cells(row.cells)) for row in table.rows)
            if any(any(text.strip() for text in row) for row in rows):
                blocks.append(TableText(rows))
    return tuple(blocks)


def _paragraph_blocks(paragraph: Paragraph, document, levels: dict[str, int]) -> list[Passage | Picture]:
    blocks: list[Passage | Picture] = []
    # Every run, also those inside hyperlinks, tracked insertions and fields: nothing a unit wrote is left out.
    runs = tuple((run.text, bool(run.bold)) for run in (Run(r, paragraph) for r in paragraph._p.iter(qn("w:r"))) if run.text)
    if "".join(text for text, _ in runs).strip():
        blocks.append(Passage(_level(paragraph, levels), _merged(runs)))
    for blip in paragraph._p.iter(qn("a:blip")):
        picture = _picture(blip, document)
        if picture is not None:
            blocks.append(picture)
    return blocks


def _merged(runs: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, bool], ...]:
    """Neighbouring runs of the same weight as one (Word splits runs at every edit)."""
    merged: list[list] = []
    for text, bold in runs:
        if merged and merged[-1][1] == bold:
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    return tuple((text, bold) for text, bold in merged)


def _heading_levels(document) -> dict[str, int]:
    """Style id → heading level, for the heading styles (by name, or by the style they are based on).

    Built once per document: python-docx's ``paragraph.style`` looks the style up
    by scanning every style, for every paragraph.
    """
    levels: dict[str, int] = {}
    for style in document.styles:
        base = style
        while base is not None:
            match = _HEADING_STYLE.match(base.name or "")
            if match:
                levels[style.style_id] = min(int(match.group(1)), 3)
                break
            base = getattr(base, "base_style", None)  # numbering styles have none
    return levels


def _level(paragraph: Paragraph, levels: dict[str, int]) -> int:
    style = paragraph._p.style  # the style id, or None
    if style in levels:
        return levels[style]
    outline = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is not None and outline.get(qn("w:val"), "9").isdigit() and int(outline.get(qn("w:val"))) < 3:
        return int(outline.get(qn("w:val"))) + 1
    return BODY_LEVEL


def _picture(blip, document) -> Picture | None:
    part = document.part.related_parts.get(blip.get(qn("r:embed")))
    if part is None:
        return None  # a linked picture: its file is not in the document
    extent = next((node for node in blip.iterancestors() if node.tag in (qn("wp:inline"), qn("wp:anchor"))), None)
    size = extent.find(qn("wp:extent")) if extent is not None else None
    width = int(size.get("cx")) / _EMU_PER_MM if size is not None and size.get("cx", "").isdigit() else None
    return Picture(part.blob, width)
