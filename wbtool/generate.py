"""Generate: one fill-in workbook per unit, plus the batch manifest.

``plan`` decides who gets which tasks (plain data, no files); ``generate`` writes
the workbooks and the manifest into one folder, refusing to mix two batches there.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from . import identity as identities
from .atomic import safe_stem, write_bytes
from .findings import finding, has_errors
from .io import manifest as manifests
from .io.template_xlsx import write_template
from .model import Catalogue, Finding, Progress, Task, Unit


BATCH_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")


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


@dataclass
class GenerateResult:
    batch: str
    out_dir: Path
    files: list[GeneratedFile] = field(default_factory=list)
    manifest: tuple[Path, ...] = ()  # 清单.json, 发送清单.xlsx
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


# ---------------------------------------------------------------------------


def filename_for(catalogue: Catalogue, unit_name: str) -> str:
    """``附件2-任务完成情况-市教育局.xlsx``: the unit's full name, safe on Windows."""
    stem = f"{catalogue.attachment}-任务{catalogue.entry_label}-{unit_name}"
    return f"{safe_stem(stem)}.xlsx"


def new_batch_id(now: datetime | None = None) -> str:
    """A sortable, readable batch id such as ``20261122-1530`` (local time)."""
    return (now or datetime.now()).strftime("%Y%m%d-%H%M")


def valid_batch_id(batch: str) -> bool:
    """Batch ids go into file properties and the ``|``-separated defined name."""
    return bool(BATCH_PATTERN.fullmatch(batch))


def plan(catalogue: Catalogue, units: Iterable[str] | None = None) -> tuple[list[Assignment], list[Finding]]:
    """Every unit that owns at least one task, in registry order.

    ``units`` keeps only the named units (full names, aliases or group names such as
    各职业学校、技工院校); a name that matches nothing gives ``unit-unknown``.
    """
    findings: list[Finding] = []
    wanted: set[str] | None = None
    if units is not None:
        wanted, findings = _select(catalogue, units)
    assignments = []
    for unit in catalogue.units:
        if wanted is not None and unit.name not in wanted:
            continue
        tasks = catalogue.tasks_of(unit.name)
        if tasks:
            assignments.append(Assignment(unit=unit, tasks=tasks, filename=filename_for(catalogue, unit.name)))
        elif wanted is not None:
            findings.append(
                finding("catalog-unit-unused", f"单位“{unit.name}”在清单中没有任务，不生成填报表。", unit=unit.name, file=catalogue.source)
            )
    return assignments, findings


def _select(catalogue: Catalogue, names: Iterable[str]) -> tuple[set[str], list[Finding]]:
    registry = catalogue.registry
    wanted: set[str] = set()
    findings: list[Finding] = []
    for name in names:
        unit = registry.resolve(name)
        group = registry.group(name)
        if unit is not None:
            wanted.add(unit.name)
        elif group is not None:
            wanted.update(registry.members(group))
        else:
            guess = registry.guess(name)
            hint = f"是否指“{guess.name}”？" if guess else "可用 wbtool units 查看单位名录。"
            findings.append(finding("unit-unknown", f"单位“{name}”不在任务清单的单位名录中。{hint}", unit=name, file=catalogue.source))
    return wanted, findings


# ---------------------------------------------------------------------------


def generate(
    catalogue: Catalogue,
    out_dir: str | Path,
    *,
    units: Iterable[str] | None = None,
    batch: str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> GenerateResult:
    """Write one workbook per planned unit and the manifest into ``out_dir``.

    Nothing is written when the plan has errors (an unknown unit) or no units, or
    when ``out_dir`` holds another batch and ``overwrite`` is false.
    """
    batch = batch or new_batch_id()
    if not valid_batch_id(batch):
        raise ValueError(f"batch id {batch!r} must match {BATCH_PATTERN.pattern}")
    out_dir = Path(out_dir)
    result = GenerateResult(batch=batch, out_dir=out_dir)
    assignments, result.findings = plan(catalogue, units)
    result.findings += _folder_findings(out_dir, batch, overwrite, {a.filename for a in assignments})
    if not result.ok or not assignments:
        return result

    created = datetime.now(timezone.utc)
    for done, assignment in enumerate(assignments, start=1):
        generated = _write_one(catalogue, assignment, batch, out_dir, created, result.findings)
        if generated is None:
            return result
        result.files.append(generated)
        if progress is not None:
            progress(done, len(assignments))
    manifest = _manifest(catalogue, batch, assignments, result.files, created)
    try:
        result.manifest = manifests.write(out_dir, manifest)
    except OSError as exc:
        result.findings.append(_unwritable(out_dir / manifests.JSON_NAME, exc))
    return result


def _write_one(
    catalogue: Catalogue, assignment: Assignment, batch: str, out_dir: Path, created: datetime, findings: list[Finding]
) -> GeneratedFile | None:
    buffer = io.BytesIO()
    identity = identities.make(catalogue, batch, assignment.unit.name)
    write_template(catalogue, assignment, identity, buffer, created=created.replace(tzinfo=None))
    data = buffer.getvalue()
    path = out_dir / assignment.filename
    try:
        write_bytes(path, data)
    except OSError as exc:
        findings.append(_unwritable(path, exc))
        return None
    return GeneratedFile(
        unit=assignment.unit.name,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        tasks=tuple(task.no for task in assignment.tasks),
    )


def _folder_findings(out_dir: Path, batch: str, overwrite: bool, planned: set[str]) -> list[Finding]:
    """Refuse (or, with ``overwrite``, warn about) a folder holding another batch."""
    try:
        existing = manifests.read(out_dir)
    except manifests.ManifestError as exc:
        return [
            finding(
                "output-other-batch",
                f"输出文件夹中的 {manifests.JSON_NAME} 无法读取（{exc}），无法确认其中是哪一批次。请换一个空文件夹，或删除该文件后重试。",
                file=str(out_dir / manifests.JSON_NAME),
            )
        ]
    if existing is None or existing.batch == batch:
        return []
    if not overwrite:
        return [
            finding(
                "output-other-batch",
                f"输出文件夹已有批次 {existing.batch} 的填报表（{len(existing.files)} 份）。"
                f"为免两批混在一起，本次（批次 {batch}）未写入任何文件。请换一个文件夹，或确认后使用 --overwrite 覆盖。",
                file=str(out_dir),
            )
        ]
    return [
        finding(
            "output-batch-replaced",
            f"已覆盖输出文件夹中批次 {existing.batch} 的清单；该批次中本次未重新生成的文件仍在文件夹里，请手工清理：{f.file}",
            unit=f.unit,
            file=str(out_dir / f.file),
        )
        for f in existing.files
        if f.file not in planned and (out_dir / f.file).exists()
    ]


def _unwritable(path: Path, exc: OSError) -> Finding:
    return finding(
        "output-unwritable",
        f"无法写入 {path}：{exc.strerror or exc}。请确认文件没有在 Excel/WPS 中打开、文件夹可写，然后重试。",
        file=str(path),
    )


def _manifest(
    catalogue: Catalogue, batch: str, assignments: list[Assignment], files: list[GeneratedFile], created: datetime
) -> manifests.Manifest:
    entries = tuple(
        manifests.ManifestFile(
            unit=a.unit.name,
            kind=a.unit.kind,
            email=a.unit.email,
            file=f.path.name,
            sha256=f.sha256,
            tasks=f.tasks,
        )
        for a, f in zip(assignments, files)
    )
    return manifests.Manifest(
        batch=batch,
        catalogue=catalogue.id,
        fingerprint=catalogue.fingerprint,
        generated_at=created.astimezone().isoformat(timespec="seconds"),
        files=entries,
    )
