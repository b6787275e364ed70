"""Checked returns: the accepted entries, what became of each file, the findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from .. import wordcount
from .catalogue import Catalogue
from .findings import Finding, Severity
from .package import PackageStatus, PackedMaterial
from .returns import Role


@dataclass(frozen=True)
class Entry:
    """A unit's 完成情况 text for one task, accepted by the checks."""

    unit: str
    task: int
    text: str
    file: str  # origin chain of the file it came from
    cell: str | None = None
    saved_at: datetime | None = None
    superseded: bool = False  # a later file of the same unit replaced it
    count: str | None = None  # an indicator's count key (``Count.key``); ``text`` is what was typed
    value: int | None = None  # that count, read as a whole number


@dataclass(frozen=True)
class FileReport:
    """What became of one returned file."""

    file: str  # origin chain
    unit: str | None
    role: Role
    saved_at: datetime | None = None
    sender: str | None = None  # email address of the message that carried it
    sent_at: datetime | None = None  # and that message's Date:


@dataclass(frozen=True)
class CheckResult:
    """Everything ``check`` learned from a batch of returns."""

    catalogue: Catalogue
    files: tuple[FileReport, ...]
    entries: tuple[Entry, ...]
    findings: tuple[Finding, ...]
    materials: tuple[PackedMaterial, ...] = ()  # every attributed attachment, categorised
    packages: tuple[PackageStatus, ...] = ()  # per unit that returned anything (catalogues with package rules)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def current_entries(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if not entry.superseded)

    def to_frame(self):
        """Every entry (superseded ones too) as a pandas DataFrame: 单位, 任务, 完成情况, 字数, 文件, 保存时间, 已替代."""
        return entries_frame(self.entries)


# The long table of entries, as the 明细 sheet shows it: one row per unit and task.
FRAME_COLUMNS = ("单位", "任务", "完成情况", "字数", "文件", "保存时间", "已替代")


def entries_frame(entries: Iterable[Entry]):
    """A pandas DataFrame of ``entries`` (``FRAME_COLUMNS``), 字数 by ``wordcount``.

    pandas is an optional extra (``pip install "wbtool[frame]"``), imported only here.
    """
    import pandas

    rows = [(e.unit, e.task, e.text, wordcount.count(e.text), e.file, e.saved_at, e.superseded) for e in entries]
    return pandas.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))
