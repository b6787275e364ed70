"""The Word report (报告) as plain data: paragraphs by level, and the 附件2 table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

from .catalogue import Catalogue
from .findings import Finding
from .master import UnitStatus

H1, H2, H3, BODY = 1, 2, 3, 0  # 一、 （一） 1. and plain paragraphs


@dataclass(frozen=True)
class MasterView:
    """What the report needs from a master, whichever way it was obtained."""

    catalogue: Catalogue
    texts: Mapping[int, str]  # task number → 定稿, or the merged 完成情况 when no 定稿
    units: Sequence[UnitStatus]
    findings: Sequence[Finding]


@dataclass(frozen=True)
class Block:
    level: int  # H1 / H2 / H3 / BODY
    text: str


@dataclass(frozen=True)
class TableRow:
    no: int
    section: str
    task: str
    owners: str
    text: str
    deadline: str | None = None


@dataclass(frozen=True)
class Report:
    title: str
    blocks: tuple[Block, ...]
    attachment: str  # 附件2
    table_title: str
    rows: tuple[TableRow, ...]
    entry_label: str = "完成情况"
    has_deadlines: bool = False
    dated: date = field(default_factory=date.today)
