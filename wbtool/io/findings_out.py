"""The findings as files: ``findings.json`` for programs, ``findings.csv`` for Excel."""

from __future__ import annotations

import csv
import io
import json
from typing import Sequence

from ..layout import FINDING_COLUMNS, finding_cells
from ..model import Catalogue, Finding, Severity
from ..text import spreadsheet_safe


def findings_json(findings: Sequence[Finding], catalogue: Catalogue) -> bytes:
    """``{"catalogue", "counts", "findings": [...]}`` with one finding per line.

    One line a finding reads well in an editor and greps well; ``indent=`` would
    switch json to its pure-Python encoder, three times slower on a large batch.
    """
    head = json.dumps(
        {"catalogue": catalogue.id, "counts": {s.value: sum(f.severity is s for f in findings) for s in Severity}},
        ensure_ascii=False,
    )
    rows = ",\n  ".join(json.dumps(f.as_dict(), ensure_ascii=False) for f in findings)
    return f'{head[:-1]},\n "findings": [\n  {rows}\n ]}}\n'.encode("utf-8")


def findings_csv(findings: Sequence[Finding]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(FINDING_COLUMNS)
    # Every cell neutralised (OWASP CSV injection): a typed text or a file name such as
    # “@SUM(1+1)市委编办.xlsx” must not run as a formula when the bureau opens the file.
    writer.writerows([spreadsheet_safe(cell) for cell in finding_cells(f)] for f in findings)
    # The BOM makes Excel on a Chinese Windows read the file as UTF-8, not GBK.
    return buffer.getvalue().encode("utf-8-sig")
