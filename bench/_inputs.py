"""How the benchmarks' returned workbooks store their text.

The returns are templates filled with openpyxl.  With lxml installed (python-docx
brings it), openpyxl writes every non-ASCII character as an XML character
reference: 江 becomes ``&#27743;``, and a sheet of Chinese text grows to about
three times the size Excel or WPS would save, which triples python-calamine's
parsing time.  No unit's Excel or WPS writes that, so by default the benchmarks
fill through openpyxl's plain writer, which stores UTF-8 text as they do.
``--charrefs`` keeps the lxml writer, to measure that worst case too.

Must run before anything imports openpyxl (its writer is chosen at import).
"""

from __future__ import annotations

import argparse
import os
import sys

CHARREFS_HELP = "fill with openpyxl's lxml writer: every Chinese character as a character reference (a slower, unrealistic input)"


def choose_writer(charrefs: bool) -> str:
    """Select openpyxl's writer for the fills; returns a label for the printed figures."""
    if "openpyxl" in sys.modules:
        raise RuntimeError("openpyxl is imported already: its writer can no longer be chosen")
    os.environ["OPENPYXL_LXML"] = "True" if charrefs else "False"
    return "text as character references (openpyxl + lxml)" if charrefs else "UTF-8 text, as Excel and WPS save it"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--charrefs", action="store_true", help=CHARREFS_HELP)
