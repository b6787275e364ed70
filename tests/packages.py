"""Making the documents of a unit's package: 工作总结 and 典型经验 as Word files, zipped.

The texts are built from numbered sentences, so a test knows every paragraph and
can count its 字 by the rule (``wbtool.wordcount``).  Used by the fixture script
(tests/fixtures/package/make_fixtures.py), the property test of the 汇编 and the
merge benchmark.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Sequence

from docx import Document
from docx.shared import Mm

SENTENCE = "本单位围绕样板建设任务，健全工作机制，完善政策措施，推动产教融合走深走实。"  # 38 字


def paragraphs(count: int, sentences: int = 4, tag: str = "") -> list[str]:
    """``count`` paragraphs of ``sentences`` sentences each, numbered so that none repeats."""
    return [f"{tag}第{n + 1}段。" + SENTENCE * sentences for n in range(count)]


def document(
    title: str,
    body: Sequence[str],
    *,
    headings: Sequence[tuple[int, str]] = (),
    bold: str | None = None,
    picture: bytes | None = None,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """A .docx: the title line, then ``body``; ``headings`` are (index, text) inserted
    before paragraph ``index`` as 标题 2; ``bold`` a bold run ending the first paragraph."""
    doc = Document()
    doc.add_paragraph(title)
    heads = dict(headings)
    for index, text in enumerate(body):
        if index in heads:
            doc.add_heading(heads[index], level=2)
        paragraph = doc.add_paragraph(text)
        if index == 0 and bold:
            paragraph.add_run(bold).bold = True
    if picture is not None:
        doc.add_picture(io.BytesIO(picture), width=Mm(60))
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def picture_only(picture: bytes) -> bytes:
    """A .docx whose one page is a picture and no text: printed to PDF, a scanned page."""
    doc = Document()
    doc.add_picture(io.BytesIO(picture), width=Mm(150))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    """A zip of ``members`` (name → bytes) at ``path``, names stored as UTF-8."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path
