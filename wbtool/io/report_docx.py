"""Writing the report as a Word document laid out by GB/T 9704-2012 (python-docx).

A4 portrait body (margins 37/35/28/26 mm, 仿宋_GB2312 三号 on a fixed 28.95 pt line:
22 lines of 28 characters), then the 附件2 table in a landscape section.  Page
numbers "— N —" in 四号宋体, odd pages right and even pages left, in every section.

python-docx sets only the Latin font with ``font.name``; Chinese text takes the
East Asian font (w:eastAsia), so it is set explicitly on every style and run.  It
has no page-number API either: the PAGE field is written as raw field characters.
"""

from __future__ import annotations

import math
from copy import deepcopy
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from ..atomic import atomic_path
from ..model import BODY, H1, H2, H3, Report
from ..text import printable

FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "方正小标宋简体"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号
TABLE_PT = 10.5  # 五号
LINE_PT = 28.95  # (297 − 37 − 35) mm / 22 lines
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}

# name → (font, size, alignment, first-line indent in characters, line spacing)
STYLES = {
    "公文正文": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE_PT),
    "公文标题": (XIAOBIAOSONG, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, 0, 35),
    "一级标题": (HEITI, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE_PT),
    "二级标题": (KAITI, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE_PT),
    "三级标题": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE_PT),
    "附件标识": (HEITI, BODY_PT, WD_ALIGN_PARAGRAPH.LEFT, 0, LINE_PT),
    "表格标题": (XIAOBIAOSONG, 18, WD_ALIGN_PARAGRAPH.CENTER, 0, 32),
    "表头文字": (HEITI, TABLE_PT, WD_ALIGN_PARAGRAPH.CENTER, 0, 15),
    "表格文字": (FANGSONG, TABLE_PT, WD_ALIGN_PARAGRAPH.LEFT, 0, 15),
    "页码": (SONGTI, PAGE_NUMBER_PT, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
    "主送机关": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.LEFT, 0, LINE_PT),
    "附件说明": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.LEFT, 0, LINE_PT),
    "署名": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER, 0, LINE_PT),
    "成文日期": (FANGSONG, BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT, 0, LINE_PT),
}
# A heading never ends a page: it stays with the paragraph it introduces.
KEEP_WITH_NEXT = ("一级标题", "二级标题", "三级标题")
# Styles off the body's 22-line grid: snapped to it, small table text would take a
# full 28.95 pt line per line of text.
OFF_GRID = ("公文标题", "表格标题", "表头文字", "表格文字", "页码", "成文日期")
AFTER_SNAP_TO_GRID = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
LEVEL_STYLE = {BODY: "公文正文", H1: "一级标题", H2: "二级标题", H3: "三级标题"}

# 附件2 table columns (header, width in mm); landscape text width is 297 − 28 − 26 = 243 mm.
# 序号 needs 13 mm: two 五号 characters plus the cell's margins, or it wraps into 序/号.
TABLE_COLUMNS = (("序号", 13), ("工程名称", 30), ("主要任务", 58), ("责任单位", 28), ("完成情况", 114))
DEADLINE_COLUMN = ("完成年限", 20)  # 「持续推进」, 「2021年」 and the header on one line


def set_east_asian(style, font: str) -> None:
    """Set the Latin and East Asian font of a style."""
    style.font.name = font
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


# A large report has thousands of runs and paragraphs.  Building each through
# python-docx's proxies (font by font, style looked up by name, text character by
# character) took seconds; instead one empty run and one empty paragraph per font and
# style are built through python-docx once, and every run and paragraph is a copy.


@lru_cache(maxsize=None)
def _empty_run(font: str, size: float | None):
    """A w:r with only its properties: ``font`` for Latin and East Asian text, at ``size``."""
    run = Run(OxmlElement("w:r"), None)
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if size:
        run.font.size = Pt(size)
    return run._element


@lru_cache(maxsize=None)
def _text_run(font: str, size: float | None):
    """``_empty_run`` with an empty w:t that keeps leading and trailing spaces."""
    run = deepcopy(_empty_run(font, size))
    run.add_t(" ")
    return run


@lru_cache(maxsize=None)
def _empty_paragraph(style: str):
    """A w:p in ``style``, referred to by id: add_style derives it from the name, spaces removed."""
    paragraph = OxmlElement("w:p")
    paragraph.get_or_add_pPr().style = style.replace(" ", "")
    return paragraph


def _add_run(p, text: str, font: str, size: float | None = None):
    """Append a run to the w:p element ``p``; returns the w:r element."""
    text = printable(text)
    element = deepcopy(_text_run(font, size) if text else _empty_run(font, size))
    p.append(element)
    if "\t" in text:
        element.text = text  # python-docx writes tabs as w:tab
    elif text:
        element[-1].text = text
    return element


def _run(paragraph, text: str, font: str, size: float | None = None):
    return _add_run(paragraph._p, text, font, size)


def _add_paragraph(parent, text: str, style: str):
    """Append a paragraph in ``style`` to the element ``parent`` (a table cell's w:tc)."""
    p = deepcopy(_empty_paragraph(style))
    parent.append(p)
    if text:
        _add_run(p, text, STYLES[style][0], STYLES[style][1])
    return p


def _document_defaults(document) -> None:
    """Chinese defaults under every style: 仿宋_GB2312 instead of theme fonts, zh-CN."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(slot), FANGSONG)
    # The grid's character pitch is this size plus charSpace: LibreOffice reads it
    # here, Word from Normal; both must be the body's 三号.
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is not None:
            size.set(qn("w:val"), str(BODY_PT * 2))
    language = rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


GRID_SCALE = 98  # per cent: a 三号 character 15.68 pt wide, inside the grid's 15.79 pt cell


def _fit_grid(rpr) -> None:
    """Characters a shade narrower than the grid's cell (w:w, horizontal scale).

    Word squeezes 三号 text onto a 28-character grid by itself; LibreOffice (and
    WPS) give a character wider than the cell two cells, and a line would hold 14.
    """
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), str(GRID_SCALE))
    rpr.insert_element_before(
        scale, "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
        "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
    )  # fmt: skip


def _define_styles(document) -> None:
    _document_defaults(document)
    styles = document.styles
    normal = styles["Normal"]
    set_east_asian(normal, FANGSONG)
    normal.font.size = Pt(BODY_PT)
    for name, (font, size, align, indent, line) in STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        set_east_asian(style, font)
        style.font.size = Pt(size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(size * indent) if indent else Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if line:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(line)
        fmt.widow_control = False
        fmt.keep_with_next = name in KEEP_WITH_NEXT
        if name not in OFF_GRID:
            _fit_grid(style.element.get_or_add_rPr())

        if name in OFF_GRID:
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            # Word rejects a document whose pPr children are out of schema order.
            style.element.get_or_add_pPr().insert_element_before(snap, *AFTER_SNAP_TO_GRID)


def _styled(paragraph, style: str):
    # By style id, not name: python-docx finds a style by name with a scan of every style.
    paragraph._p.style = style.replace(" ", "")
    return paragraph


def _paragraph(container, text: str, style: str):
    font, size = STYLES[style][0], STYLES[style][1]
    paragraph = _styled(container.add_paragraph(), style)
    if text:
        _run(paragraph, text, font, size)
    return paragraph


# ---------------------------------------------------------------------------
# Page setup and page numbers
# ---------------------------------------------------------------------------


def _page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    # The page number's top sits 7 mm below the text block (GB/T 9704 §7.5).
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 6)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    grid.set(qn("w:charSpace"), str(char_space(section)))


def chars_per_line(text_width_pt: float) -> int:
    """Whole 三号 characters a line holds on the grid: 28 in 156 mm (GB/T 9704), 43 in 243 mm."""
    return round(text_width_pt / BODY_PT)


def char_space(section) -> int:
    """w:charSpace for a grid of whole 三号 characters across the text width.

    The grid's pitch is the body size plus charSpace/4096 pt: 28 characters in the
    portrait page's 156 mm need 15.79 pt, a little under 16 pt (without it 27 fit).
    """
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    pitch = width_pt / chars_per_line(width_pt)
    return math.floor((pitch - BODY_PT) * 4096)  # down: a pitch a hair too wide would fit 27


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE …): begin, instruction, separate, cached result, end."""
    font, size = STYLES["页码"][0], STYLES["页码"][1]

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        _run(paragraph, "", font, size).append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _run(paragraph, "", font, size).append(instr)
    char("separate")
    _run(paragraph, shown, font, size)
    char("end")


def _page_number(footer, right: bool) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    _styled(paragraph, "页码")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    # 一字 from the edge of the text block.
    if right:
        paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    font, size = STYLES["页码"][0], STYLES["页码"][1]
    _run(paragraph, "— ", font, size)
    _field(paragraph, "PAGE", "1")
    _run(paragraph, " —", font, size)


def _footers(section, landscape: bool = False) -> None:
    """Odd pages right, even pages left; a landscape table page always right (§8),
    where the number stays in the same place however the sheet is turned to read."""
    _page_number(section.footer, right=True)
    _page_number(section.even_page_footer, right=landscape)


# ---------------------------------------------------------------------------
# The 附件2 table
# ---------------------------------------------------------------------------


def _columns(report: Report) -> list[tuple[str, int]]:
    columns = list(TABLE_COLUMNS)
    if report.has_deadlines:
        # Room for 完成年限 comes out of 完成情况.
        columns[-1] = (columns[-1][0], columns[-1][1] - DEADLINE_COLUMN[1])
        columns.append(DEADLINE_COLUMN)
    return [(report.entry_label if name == "完成情况" else name, width) for name, width in columns]


def _cell_text(cell, text: str, style: str) -> None:
    lines = text.split("\n") if text else [""]
    first = _styled(cell.paragraphs[0], style)
    font, size = STYLES[style][0], STYLES[style][1]
    if lines[0]:
        _run(first, lines[0], font, size)
    for line in lines[1:]:
        if line.strip():  # blank separator lines would only waste table height
            _add_paragraph(cell._tc, line, style)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _keep_whole(row) -> None:
    """A task's row never breaks across pages: its texts are within the limit, so it fits one."""
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert(0, keep)


def _table(document, report: Report) -> None:
    columns = _columns(report)
    table = document.add_table(rows=1 + len(report.rows), cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    rows = table.rows
    header_cells = rows[0].cells
    for col, (name, width) in enumerate(columns):
        table.columns[col].width = Mm(width)
        header_cells[col].width = Mm(width)
        header_cells[col].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(header_cells[col], name, "表头文字")
    _keep_whole(rows[0])
    _repeat_header(rows[0])

    groups: list[list] = []  # runs of rows that share one 工程名称 cell
    starts = page_starts([_row_height(_values(item, report), columns) for item in report.rows], _row_height(
        [name for name, _ in columns], columns))
    previous = None
    for index, item in enumerate(report.rows, start=1):
        _keep_whole(rows[index])
        cells = rows[index].cells
        for col, ((_, width), value) in enumerate(zip(columns, _values(item, report))):
            cells[col].width = Mm(width)
            if col == 1:
                continue  # 工程名称 is written once, into the merged cell
            _cell_text(cells[col], value, "表格文字")
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if report.has_deadlines:
            cells[-1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        # A 工程 that goes on over a page break is named again on the new page: a
        # merged cell shows its text on the first page only.
        if item.section != previous or index - 1 in starts:
            groups.append([item.section])
        groups[-1].append(cells[1])
        previous = item.section
    for title, *cells in groups:
        merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
        merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(merged, title, "表格文字")
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _values(item, report: Report) -> list[str]:
    values = [str(item.no), item.section, item.task, item.owners, item.text]
    if report.has_deadlines:
        values.append(item.deadline or "")
    return values


TABLE_LINE_PT = 15  # 表格文字's exact line height
CELL_MARGIN_MM = 1.9  # Word's default inner margin, left and right
ROW_PADDING_PT = 2  # borders
LANDSCAPE_BODY_PT = (210 - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * 72 / 25.4
ABOVE_TABLE_PT = LINE_PT + 32 + 15  # 附件 label, table title, blank line


def text_width(text: str, size: float = BODY_PT) -> float:
    """Width in points: a digit or Latin letter is half a Chinese character."""
    return sum(size / 2 if ch.isascii() else size for ch in text)


def _row_height(values: list[str], columns) -> float:
    """The height a row takes, estimated from its wrapped texts (工程名称 spans rows, so it does not count)."""
    lines = 1
    for col, (value, (_, width)) in enumerate(zip(values, columns)):
        if col == 1:
            continue
        usable = (width - 2 * CELL_MARGIN_MM) * 72 / 25.4
        # Blank lines are not written (see _cell_text), so they take no height.
        wrapped = [math.ceil(text_width(line, TABLE_PT) / usable) for line in value.split("\n") if line.strip()]
        lines = max(lines, sum(wrapped))
    return lines * TABLE_LINE_PT + ROW_PADDING_PT


def page_starts(heights: list[float], header: float) -> set[int]:
    """Indexes of the rows that begin a page; rows never split, the header repeats."""
    starts, used, room = set(), 0.0, LANDSCAPE_BODY_PT - ABOVE_TABLE_PT - header
    for index, height in enumerate(heights):
        if used and used + height > room:
            starts.add(index)
            used, room = 0.0, LANDSCAPE_BODY_PT - header
        used += height
    return starts
# The 指标完成情况 table of an indicator catalogue (widths in mm, 243 in all).
INDICATOR_TABLE_COLUMNS = (("序号", 14), ("项目", 95), ("目标", 30), ("全市完成值", 36), ("达标", 22), ("差距", 46))


def _indicator_table(document, report: Report) -> None:
    table = document.add_table(rows=1 + len(report.indicator_rows), cols=len(INDICATOR_TABLE_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (name, width) in enumerate(INDICATOR_TABLE_COLUMNS):
        table.columns[col].width = Mm(width)
        table.rows[0].cells[col].width = Mm(width)
        _cell_text(table.rows[0].cells[col], name, "表头文字")
    _repeat_header(table.rows[0])
    for index, item in enumerate(report.indicator_rows, start=1):
        cells = table.rows[index].cells
        values = (str(item.no), item.item, item.target, item.actual, item.verdict, item.gap)
        for col, ((_, width), value) in enumerate(zip(INDICATOR_TABLE_COLUMNS, values)):
            cells[col].width = Mm(width)
            cells[col].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _cell_text(cells[col], value, "表格文字")
            if col != 1:
                cells[col].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


# ---------------------------------------------------------------------------


def build_document(report: Report):
    document = Document()
    _define_styles(document)
    document.settings.odd_and_even_pages_header_footer = True
    body = document.sections[0]
    _page(body, landscape=False)
    _footers(body)

    _title(document, report.title_lines or (report.title,))
    _paragraph(document, "", "公文正文")  # one blank line under the title
    if report.recipient:
        _paragraph(document, f"{report.recipient}：", "主送机关")
    body = [_paragraph(document, block.text, LEVEL_STYLE[block.level]) for block in report.blocks]
    closing = [
        *body[-1:],  # 「特此报告。」
        _paragraph(document, "", "公文正文"),  # GB/T 9704 §7.3.4: 附件说明 one line under the body
        _attachment_note(document, report.attachment_note),
        _paragraph(document, "", "公文正文"),
        *_signature(document, report),
    ]
    # The 署名 and the 成文日期 never stand on a page of their own: the last line of the
    # body, the 附件说明 and the 署名 move to the next page with the date.
    for paragraph in closing:
        paragraph.paragraph_format.keep_with_next = True

    attachment = document.add_section(WD_SECTION.NEW_PAGE)
    _page(attachment, landscape=True)
    _footers(attachment, landscape=True)
    _paragraph(document, report.attachment, "附件标识")
    _paragraph(document, report.table_title, "表格标题")
    _paragraph(document, "", "表格文字")
    (_indicator_table if report.indicator_rows else _table)(document, report)
    _properties(document, report)
    return document


def _title(document, lines) -> None:
    """One title paragraph, its lines broken where the report says (by meaning)."""
    paragraph = _paragraph(document, lines[0], "公文标题")
    font, size = STYLES["公文标题"][0], STYLES["公文标题"][1]
    for line in lines[1:]:
        run = _run(paragraph, "", font, size)
        run.append(OxmlElement("w:br"))
        _run(paragraph, line, font, size)


def _attachment_note(document, note: str):
    """左空二字 「附件：」, a wrapped line aligned under the name's first character."""
    paragraph = _paragraph(document, note, "附件说明")
    label = note.index("：") + 1
    fmt = paragraph.paragraph_format
    fmt.left_indent = Pt(BODY_PT * (2 + label))
    fmt.first_line_indent = Pt(-BODY_PT * label)
    return paragraph


def date_text(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _signature(document, report: Report) -> list:
    """发文机关署名 centred over the 成文日期; the date right-aligned 四字 from the edge (§7.3.5.1).

    Returns the 署名 paragraphs (the date is the last paragraph of the body)."""
    dated = date_text(report.dated)
    right = BODY_PT * 4
    centre = right + text_width(dated) / 2  # the date's centre, from the right edge of the text
    width = (document.sections[-1].page_width - document.sections[-1].left_margin - document.sections[-1].right_margin) / 12700
    signed = []
    for line in report.issuer:
        paragraph = _paragraph(document, line, "署名")
        signed.append(paragraph)
        fmt = paragraph.paragraph_format
        if text_width(line) <= 2 * centre:
            fmt.left_indent = Pt(max(width - 2 * centre, 0))  # a box whose centre is the date's
        else:  # longer than the box: set flush right instead of wrapping
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph = _paragraph(document, dated, "成文日期")
    paragraph.paragraph_format.right_indent = Pt(right)
    return signed


def _properties(document, report: Report) -> None:
    """Core properties of the bureau's document, and none of the template's."""
    props = document.core_properties
    signer = "".join(report.issuer)
    props.author = props.last_modified_by = signer
    props.title = report.title
    props.subject = report.table_title
    props.comments = props.keywords = props.category = ""
    props.created = props.modified = datetime.now().replace(microsecond=0)
    props.revision = 1
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for part in document.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML  # python-docx's template names Microsoft Macintosh Word


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><DocSecurity>0</DocSecurity></Properties>'
)


def write_report_docx(report: Report, path: str | Path) -> Path:
    """Write ``report`` to ``path`` atomically; returns ``path``."""
    path = Path(path)
    document = build_document(report)
    with atomic_path(path) as temp:
        document.save(str(temp))
    return path


# ---------------------------------------------------------------------------
# The same page for other documents of the bureau (the 汇编).
# ---------------------------------------------------------------------------


def official_document(*, numbered: bool = True):
    """A blank document with the report's styles and A4 page; "— N —" page numbers when ``numbered``."""
    document = Document()
    _define_styles(document)
    document.settings.odd_and_even_pages_header_footer = True
    official_section(document.sections[0], numbered=numbered)
    return document


def official_section(section, *, numbered: bool) -> None:
    """The report's portrait page on ``section``; page numbers only when ``numbered``
    (a title page and a 目录 carry none)."""
    _page(section, landscape=False)
    if numbered:
        _footers(section)
    else:
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False


def official_paragraph(container, text: str, style: str):
    """A paragraph in one of the report's styles (``STYLES``)."""
    return _paragraph(container, text, style)
