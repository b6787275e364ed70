"""Writing a 汇编 (典型经验汇编, 工作总结汇编) in the report's GB/T 9704 layout (python-docx).

A title page, a 目录 (a TOC field over the pieces' titles), then every unit's
document in the catalogue's unit order: its own title as a heading that starts a
page, 「单位」 under it, then its paragraphs in order — headings at their level, bold
runs bold, pictures where python-docx can carry them, tables as tables.

Word and WPS compute a TOC's page numbers; the file asks them to on opening
(``w:updateFields``).  Until then the 目录 shows page numbers estimated from the
body's 22 lines of 28 characters, so a viewer that never updates fields (a preview,
LibreOffice) shows a usable 目录 too.
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..atomic import atomic_path
from ..model import Compilation, Passage, Picture, Piece, TableText
from ..text import printable
from .report_docx import (
    BODY_PT,
    HEITI,
    KAITI,
    LEVEL_STYLE,
    MARGINS_MM,
    XIAOBIAOSONG,
    official_document,
    official_paragraph,
    official_section,
    set_east_asian,
)

TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
PIECE_TITLE, PIECE_UNIT, TOC_TITLE, TOC_ENTRY, COVER_TITLE = "汇编篇名", "汇编单位", "目录标题", "目录条目", "封面标题"
TOC_INSTRUCTION = 'TOC \\o "1-1" \\h \\z \\u'


def write_compilation(compilation: Compilation, path: str | Path, *, today: date | None = None) -> Path:
    """Write ``compilation`` to ``path`` atomically; returns ``path``."""
    path = Path(path)
    document = build_compilation(compilation, today or date.today())
    with atomic_path(path) as temp:
        document.save(str(temp))
    return path


def build_compilation(compilation: Compilation, today: date):
    document = official_document(numbered=False)  # the title page: no page number
    _styles(document)
    _ask_to_update_fields(document)
    _cover(document, compilation, today)
    toc = document.add_section(WD_SECTION.NEW_PAGE)
    official_section(toc, numbered=False)
    _contents(document, compilation)
    body = document.add_section(WD_SECTION.NEW_PAGE)
    official_section(body, numbered=True)
    _restart_numbering(body)
    for piece in compilation.pieces:
        _piece(document, piece)
    return document


def _styles(document) -> None:
    styles = document.styles
    for name, font, size, align in (
        (COVER_TITLE, XIAOBIAOSONG, 36, WD_ALIGN_PARAGRAPH.CENTER),
        (PIECE_TITLE, XIAOBIAOSONG, 22, WD_ALIGN_PARAGRAPH.CENTER),
        (PIECE_UNIT, KAITI, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER),
        (TOC_TITLE, HEITI, 22, WD_ALIGN_PARAGRAPH.CENTER),
        (TOC_ENTRY, "仿宋_GB2312", BODY_PT, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["公文正文"]
        set_east_asian(style, font)
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(0)
    title = styles[PIECE_TITLE]
    title.paragraph_format.page_break_before = True  # every unit's document starts a page
    title.paragraph_format.keep_with_next = True
    title.paragraph_format.line_spacing = Pt(35)
    styles[PIECE_UNIT].paragraph_format.keep_with_next = True
    styles[PIECE_UNIT].paragraph_format.space_after = Pt(BODY_PT)
    # The TOC field lists the paragraphs of outline level 1: the pieces' titles only.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().append(outline)
    entry = styles[TOC_ENTRY].paragraph_format
    entry.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _own(document, text: str, style: str):
    """A paragraph in one of this module's styles; its runs take the style's fonts."""
    return document.add_paragraph(printable(text), style=document.styles[style])


def _ask_to_update_fields(document) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _restart_numbering(section) -> None:
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.append(numbering)


def _cover(document, compilation: Compilation, today: date) -> None:
    for _ in range(4):
        official_paragraph(document, "", "公文正文")
    official_paragraph(document, compilation.subtitle, "公文标题")
    official_paragraph(document, "", "公文正文")
    _own(document, compilation.title, COVER_TITLE)
    for _ in range(8):
        official_paragraph(document, "", "公文正文")
    dated = _own(document, f"{today.year}年{today.month}月", PIECE_UNIT)
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _contents(document, compilation: Compilation) -> None:
    _own(document, "目　　录", TOC_TITLE)
    official_paragraph(document, "", "公文正文")
    pages = estimated_pages(compilation.pieces)
    entries = [_own(document, "", TOC_ENTRY) for _ in range(max(1, len(compilation.pieces)))]
    _field_begin(entries[0])
    for paragraph, piece, page in zip(entries, compilation.pieces, pages):
        paragraph.add_run(f"{_heading(piece)}\t{page}")
    _field_end(entries[-1])


def _field_begin(paragraph) -> None:
    for kind, text in (("begin", None), (None, f" {TOC_INSTRUCTION} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)


def _field_end(paragraph) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(char)


def _heading(piece: Piece) -> str:
    return f"{piece.title}（{piece.unit}）"


def estimated_pages(pieces) -> list[int]:
    """The body page each piece starts on, counting 22 lines of 28 characters a page."""
    pages, page = [], 1
    for piece in pieces:
        pages.append(page)
        page += max(1, math.ceil(_lines(piece) / LINES_PER_PAGE))
    return pages


def _lines(piece: Piece) -> int:
    lines = 2 * math.ceil(len(piece.title) / 18) + 2  # the title in 二号, the unit and a blank line
    for block in piece.blocks:
        if isinstance(block, Passage):
            lines += max(1, math.ceil((len(block.text) + 2) / CHARS_PER_LINE))
        elif isinstance(block, Picture):
            lines += 8
        else:
            lines += 2 * len(block.rows)
    return lines


def _piece(document, piece: Piece) -> None:
    _own(document, piece.title, PIECE_TITLE)
    _own(document, piece.unit, PIECE_UNIT)
    for block in piece.blocks:
        if isinstance(block, Passage):
            _passage(document, block)
        elif isinstance(block, Picture):
            _picture(document, block)
        else:
            _table(document, block)


def _passage(document, passage: Passage) -> None:
    paragraph = official_paragraph(document, "", LEVEL_STYLE[passage.level])
    for text, bold in passage.runs:
        run = paragraph.add_run(printable(text))
        if bold:
            run.bold = True


def _picture(document, picture: Picture) -> None:
    paragraph = official_paragraph(document, "", "公文正文")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = None  # a fixed line height would cut the picture
    width = Mm(min(picture.width_mm or TEXT_WIDTH_MM, TEXT_WIDTH_MM))
    try:
        paragraph.add_run().add_picture(io.BytesIO(picture.data), width=width)
    except (UnrecognizedImageError, ValueError, ZeroDivisionError):
        paragraph._p.getparent().remove(paragraph._p)  # EMF/WMF and the like: python-docx cannot place them


def _table(document, table: TableText) -> None:
    width = max(len(row) for row in table.rows)
    grid = document.add_table(rows=len(table.rows), cols=width)
    grid.style = document.styles["Table Grid"]
    for row, values in zip(grid.rows, table.rows):
        for cell, text in zip(row.cells, values):
            lines = text.split("\n")
            first = cell.paragraphs[0]
            first.style = document.styles["表格文字"]
            first.add_run(printable(lines[0]))
            for line in lines[1:]:
                official_paragraph(cell, line, "表格文字")
    official_paragraph(document, "", "公文正文")
