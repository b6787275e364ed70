"""A batch of fill-in workbooks: who gets which tasks, what was written, the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogue import Task, Unit
from .findings import Finding, has_errors


@dataclass(frozen=True)
class Assignment:
    """One workbook to make: a unit and the tasks it reports on."""

    unit: Unit
    tasks: tuple[Task, ...]
    filename: str


@dataclass(frozen=True)
class GeneratedFile:
    unit: str
    path: Path
    sha256: str
    tasks: tuple[int, ...]


@dataclass(frozen=True)
class GenerateResult:
    batch: str
    out_dir: Path
    files: tuple[GeneratedFile, ...] = ()
    manifest: tuple[Path, ...] = ()  # 清单.json, 发送清单.xlsx
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


@dataclass(frozen=True)
class ManifestFile:
    unit: str
    kind: str
    email: str | None
    file: str  # name inside the batch folder
    sha256: str
    tasks: tuple[int, ...]


@dataclass(frozen=True)
class Manifest:
    """What was sent to whom (清单.json): for the sender, and for ``generate`` itself."""

    batch: str
    catalogue: str
    fingerprint: str
    generated_at: str  # ISO 8601 with offset
    files: tuple[ManifestFile, ...]
