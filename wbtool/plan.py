"""Who gets which tasks, and what the batch's manifest says: plain data, no files.

``pipeline.generate`` writes the workbooks this plans and the manifest it describes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable, Sequence

from .atomic import safe_stem
from .findings import finding
from .model import INDICATORS, Assignment, Catalogue, Finding, GeneratedFile, Manifest, ManifestFile


BATCH_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")


# ---------------------------------------------------------------------------


def filename_for(catalogue: Catalogue, unit_name: str) -> str:
    """``附件2-任务完成情况-市教育局.xlsx``: the unit's full name, safe on Windows."""
    what = "指标" if catalogue.kind == INDICATORS else "任务"
    stem = f"{catalogue.attachment}-{what}{catalogue.entry_label}-{unit_name}"
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


def manifest_of(
    catalogue: Catalogue, batch: str, assignments: Sequence[Assignment], files: Sequence[GeneratedFile], created: datetime
) -> Manifest:
    """The manifest (清单.json) of a batch written as planned."""
    entries = tuple(
        ManifestFile(
            unit=a.unit.name,
            kind=a.unit.kind,
            email=a.unit.email,
            file=f.path.name,
            sha256=f.sha256,
            tasks=f.tasks,
        )
        for a, f in zip(assignments, files)
    )
    return Manifest(
        batch=batch,
        catalogue=catalogue.id,
        fingerprint=catalogue.fingerprint,
        generated_at=created.astimezone().isoformat(timespec="seconds"),
        files=entries,
    )
