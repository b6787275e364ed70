"""Checked returns: the accepted entries, what became of each file, the findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .catalogue import Catalogue
from .findings import Finding, Severity
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


@dataclass(frozen=True)
class FileReport:
    """What became of one returned file."""

    file: str  # origin chain
    unit: str | None
    role: Role
    saved_at: datetime | None = None
    sender: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """Everything ``check`` learned from a batch of returns."""

    catalogue: Catalogue
    files: tuple[FileReport, ...]
    entries: tuple[Entry, ...]
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def current_entries(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if not entry.superseded)
