"""Text as office files can hold it."""

from __future__ import annotations

import re
from typing import Iterable

# What neither a workbook nor a Word document can hold: control characters other
# than tab and line break (XML 1.0 forbids them) and halves of surrogate pairs.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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
