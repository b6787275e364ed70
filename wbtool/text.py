"""Text as office files can hold it."""

from __future__ import annotations

import re

# What neither a workbook nor a Word document can hold: control characters other
# than tab and line break (XML 1.0 forbids them) and halves of surrogate pairs.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def printable(text: str | None) -> str:
    """``text`` as an office file can store it: line breaks normalised, control characters gone."""
    if not text:
        return ""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
