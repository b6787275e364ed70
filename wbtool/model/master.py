"""The merged result: one row per task, one status per unit, and the bureau's edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from .catalogue import Catalogue, Task
from .check import Entry, entries_frame
from .findings import Finding, has_errors
from .package import PackageStatus, PackedMaterial


class Submission(str, Enum):
    """How far a unit has got, in the words of the 报送情况 sheet and ``wbtool check``."""

    RETURNED = "已报送"
    PARTIAL = "部分报送"  # a form came back with some of the unit's tasks unfilled
    ATTACHMENTS_ONLY = "仅附件"  # documents came, the form did not
    BLANK = "已报送，未填写"  # the form came back with nothing typed (the blank template)
    UNREADABLE = "已报送，无法读取"  # files came, none could be read (encrypted, damaged)
    MISSING = "未报送"


def submission(*, forms: int, others: int, unreadable: int, filled: int, owned: int) -> Submission:
    """One unit's 报送情况 from what arrived: forms read, other documents, unreadable files."""
    if forms:
        if filled == 0 and owned:
            return Submission.BLANK
        return Submission.RETURNED if filled >= owned else Submission.PARTIAL
    if filled:  # entries without a form of its own (e.g. a master re-read): as before
        return Submission.RETURNED if filled >= owned else Submission.PARTIAL
    if unreadable:
        return Submission.UNREADABLE
    return Submission.ATTACHMENTS_ONLY if others else Submission.MISSING


@dataclass(frozen=True)
class TaskRow:
    """One task of the master's 附件2 sheet."""

    task: Task
    owners: tuple[str, ...]  # lead first, then the table's order
    entries: tuple[Entry, ...]  # current entries, in owners' order
    merged: str  # 完成情况: the entries joined (with 【单位】 labels on shared tasks)
    final: str  # 定稿 prefill: the merged text (labels kept) when within the limit, else empty
    missing: tuple[str, ...]  # owners without a current entry
    limit: int
    words: int  # 字数 of ``merged``

    @property
    def over_limit(self) -> bool:
        return self.words > self.limit


@dataclass(frozen=True)
class UnitStatus:
    """How far one unit has got: one row of the 报送情况 sheet."""

    unit: str
    kind: str
    returned: bool
    files: tuple[str, ...] = ()
    saved_at: datetime | None = None
    owned: int = 0
    filled: int = 0
    errors: int = 0
    warnings: int = 0
    forms: int = -1  # forms read; -1: not known (a status read back from a master)
    unreadable: int = 0  # files that came but could not be read

    @property
    def missing(self) -> int:
        return max(self.owned - self.filled, 0)

    @property
    def status(self) -> Submission:
        if not self.returned:
            return Submission.MISSING
        if self.forms >= 0:
            if self.forms == 0 and self.unreadable and not self.filled:
                return Submission.UNREADABLE
            if self.forms and self.owned and not self.filled:
                return Submission.BLANK
        return Submission.RETURNED if self.filled >= self.owned else Submission.PARTIAL


@dataclass(frozen=True)
class Master:
    """Everything the master workbook and the report show."""

    catalogue: Catalogue
    rows: tuple[TaskRow, ...]
    units: tuple[UnitStatus, ...]  # units that did not return first
    details: tuple[Entry, ...]  # every entry, superseded ones included
    findings: tuple[Finding, ...]
    made_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    materials: tuple[PackedMaterial, ...] = ()  # the 材料清单
    packages: tuple[PackageStatus, ...] = ()  # per unit; empty when the catalogue asks for the form only

    def to_frame(self):
        """The 明细 as a pandas DataFrame: 单位, 任务, 完成情况, 字数, 文件, 保存时间, 已替代."""
        return entries_frame(self.details)


@dataclass(frozen=True)
class MergeResult:
    master: Master
    outputs: tuple[Path, ...]  # master workbook, report, findings.json, findings.csv, the 汇编
    findings: tuple[Finding, ...]
    backup: Path | None = None  # the previous master, kept under a dated name
    finals_kept: int = 0  # 定稿 carried over from the previous master
    finals_review: int = 0  # of those, whose 完成情况 changed since: to review
    unchanged: bool = False  # made from what the last run was made from: its outputs were left as they were

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True)
class MasterRow:
    """One task row of a master workbook as the bureau left it."""

    no: int
    entry: str  # 完成情况 as merged
    final: str  # 定稿 as the bureau left it
    cell: str  # where the 定稿 is, e.g. 附件2!G5


@dataclass(frozen=True)
class MasterEdits:
    """What a (possibly edited) master workbook holds: the second round trip's input."""

    rows: tuple[MasterRow, ...]
    units: tuple[UnitStatus, ...]
    findings: tuple[Finding, ...]

    def texts(self) -> dict[int, str]:
        """Task number → the text to publish: 定稿 where present, else 完成情况."""
        return {row.no: row.final or row.entry for row in self.rows}
