"""The Word report (报告) as plain data: paragraphs by level, and the 附件2 table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

from .catalogue import Catalogue
from .findings import Finding
from .master import UnitStatus
from .package import PackageStatus

H1, H2, H3, BODY = 1, 2, 3, 0  # 一、 （一） 1. and plain paragraphs


@dataclass(frozen=True)
class MasterView:
    """What the report needs from a master, whichever way it was obtained."""

    catalogue: Catalogue
    texts: Mapping[int, str]  # task number → 定稿, or the merged 完成情况 when no 定稿
    units: Sequence[UnitStatus]
    findings: Sequence[Finding]
    packages: Sequence[PackageStatus] = ()  # the materials beside the form, per unit that returned


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
class IndicatorRow:
    """One row of the 指标完成情况 table: every figure already worded for print."""

    no: int
    item: str
    target: str  # the year's target verbatim
    actual: str  # e.g. 12,000人, 90.9%, 未报送
    verdict: str  # 是 / 否 / 无目标 / 无数据
    gap: str  # e.g. 差18,000人; empty when met or not comparable


@dataclass(frozen=True)
class Report:
    title: str
    blocks: tuple[Block, ...]  # the body, 「特此报告。」 included
    attachment: str  # the attachment's label: 附件 (the report's only attachment)
    table_title: str
    rows: tuple[TableRow, ...]
    entry_label: str = "完成情况"
    has_deadlines: bool = False
    dated: date = field(default_factory=date.today)
    title_lines: tuple[str, ...] = ()  # the title broken by meaning
    recipient: str = ""  # 主送机关
    issuer: tuple[str, ...] = ()  # 发文机关署名, line by line

    @property
    def attachment_note(self) -> str:
        """附件说明: the label the attachment itself carries, then its name."""
        return f"{self.attachment}：{self.table_title}"
    # An indicator catalogue's report: its attachment is this table instead of 附件2's.
    indicator_rows: tuple[IndicatorRow, ...] = ()
