"""Text as office files can hold it."""

from __future__ import annotations

import re
from typing import Iterable

# What neither a workbook nor a Word document can hold: control characters other
# than tab and line break (XML 1.0 forbids them), halves of surrogate pairs, and the
# noncharacters U+FFFE / U+FFFF (not XML characters either: lxml aborts on them).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str | None) -> str:
    """``text`` as an office file can store it: line breaks normalised, control characters gone."""
    if not text:
        return ""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


RANGE_DASH = "—"  # the em dash official tables use between numbers (3—5个)
LIST_SEPARATOR = "、"


def number_ranges(numbers: Iterable[int]) -> str:
    """Task numbers the way an official text lists them: ``1、4、7—9``.

    Runs of three or more become a range; a pair stays a pair (``7、8``), as
    ``7—8`` reads oddly in Chinese.
    """
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{ordered[start]}{RANGE_DASH}{ordered[end]}")
        else:
            parts.extend(str(n) for n in ordered[start : end + 1])
        start = end + 1
    return LIST_SEPARATOR.join(parts)
def utf16_len(text: str) -> int:
    """Length as Excel (and xlsxwriter) counts it: UTF-16 code units, so an emoji or a
    CJK Extension B character counts two."""
    if text.isascii():
        return len(text)
    # The codec counts in C; "surrogatepass" lets a lone surrogate count one, as Excel would.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_cut(text: str, units: int) -> str:
    """The longest start of ``text`` that is at most ``units`` UTF-16 code units."""
    if utf16_len(text) <= units:
        return text
    count = 0
    for index, ch in enumerate(text):
        count += 2 if ord(ch) > 0xFFFF else 1
        if count > units:
            return text[:index]
    return text


def utf16_chunks(text: str, units: int) -> list[str]:
    """``text`` in pieces of at most ``units`` UTF-16 code units (a pair never split)."""
    chunks = []
    while utf16_len(text) > units:
        head = utf16_cut(text, units)
        chunks.append(head)
        text = text[len(head) :]
    chunks.append(text)
    return chunks


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell Excel will not run as a formula (OWASP CSV injection): a text that
    starts with = + - @ (or a tab / carriage return) gets a leading apostrophe."""
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell
