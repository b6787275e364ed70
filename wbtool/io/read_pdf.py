"""PDF materials (盖章版, scanned 成果材料): pages, the text layer's 字数, scanned pages (pypdfium2).

A page without any text is a scan: it is counted as a page, not in 字.  Only the
text layer is read; nothing is rendered and nothing is written to disk.
"""

from __future__ import annotations

import pypdfium2

from .. import wordcount
from ..model import Material

TITLE_CHARS = 80


def measure(data: bytes) -> Material:
    """The PDF's pages, 字数 of its text layer, how many pages are scans, and its first line."""
    document = pypdfium2.PdfDocument(data)
    words = scanned = 0
    title = ""
    try:
        pages = len(document)
        for index in range(pages):
            text = _page_text(document, index)
            if not text.strip():
                scanned += 1
                continue
            words += wordcount.count(text)
            if not title:
                title = next(line.strip() for line in text.splitlines() if line.strip())[:TITLE_CHARS]
    finally:
        document.close()
    return Material(format="pdf", words=words, pages=pages, scanned=scanned, title=title)


def _page_text(document, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
