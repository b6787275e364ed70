"""Merging checked returns into the master: one row per task, one line per unit.

Pure data in, data out; ``pipeline.merge`` is the whole stage (check, build, write).
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from . import wordcount
from .model import OTHER, CheckResult, Role, Entry, FileReport, Finding, Master, Severity, Task, TaskRow, UnitStatus


# 【单位】 before each unit's text, so that a task several units report on says who
# wrote what.  A task with one owner needs no label: the 责任单位 column already says.
UNIT_LABEL = "【{unit}】"
ENTRY_SEPARATOR = "\n\n"


# ---------------------------------------------------------------------------
# Building the master
# ---------------------------------------------------------------------------


def build_master(result: CheckResult) -> Master:
    """The master as plain data, in catalogue order."""
    catalogue = result.catalogue
    current: dict[int, list[Entry]] = {}
    for entry in result.current_entries():
        current.setdefault(entry.task, []).append(entry)
    rows = tuple(_task_row(task, current.get(task.no, []), catalogue.limit) for task in catalogue.tasks)
    units = _unit_statuses(result, rows)
    order = {status.unit: index for index, status in enumerate(units)}
    details = tuple(sorted(result.entries, key=lambda e: (order.get(e.unit, len(order)), e.task, e.superseded is False)))
    return Master(
        catalogue=catalogue,
        rows=rows,
        units=units,
        details=details,
        findings=tuple(result.findings),
        materials=result.materials,
        packages=result.packages,
    )


def lead_first(task: Task) -> tuple[str, ...]:
    if task.lead and task.lead in task.owners:
        return (task.lead, *(o for o in task.owners if o != task.lead))
    return task.owners


def _task_row(task: Task, entries: list[Entry], limit: int) -> TaskRow:
    owners = lead_first(task)
    rank = {unit: index for index, unit in enumerate(owners)}
    # Entries from units outside the owners (accepted by an override) go last.
    entries = sorted(entries, key=lambda e: rank.get(e.unit, len(rank)))
    reported = {e.unit for e in entries}
    merged = merged_text(entries, labelled=len(owners) > 1 or len(reported) > 1)
    return TaskRow(
        task=task,
        owners=owners,
        entries=tuple(entries),
        merged=merged,
        # Labels stay: a shared task's 「我局……」 is unreadable without its 【单位】.
        final=merged if wordcount.count(merged) <= limit else "",
        missing=tuple(unit for unit in owners if unit not in reported),
        limit=limit,
        words=wordcount.count(merged),
    )


def merged_text(entries: Sequence[Entry], *, labelled: bool) -> str:
    if not labelled:
        return ENTRY_SEPARATOR.join(e.text for e in entries)
    return ENTRY_SEPARATOR.join(UNIT_LABEL.format(unit=e.unit) + e.text for e in entries)


def _unit_statuses(result: CheckResult, rows: Sequence[TaskRow]) -> tuple[UnitStatus, ...]:
    catalogue = result.catalogue
    owned: dict[str, int] = {}
    filled: dict[str, int] = {}
    for row in rows:
        for unit in row.owners:
            owned[unit] = owned.get(unit, 0) + 1
        for unit in {e.unit for e in row.entries}:
            filled[unit] = filled.get(unit, 0) + 1
    files: dict[str, list[FileReport]] = {}
    for report in result.files:
        if report.unit:
            files.setdefault(report.unit, []).append(report)
    counts = _severity_counts(result.findings)

    names = [u.name for u in catalogue.units if u.name in owned]
    names += [n for n in dict.fromkeys([*files, *filled]) if n not in owned]  # outsiders, for the record
    statuses = []
    for name in names:
        unit = catalogue.unit(name)
        reports = files.get(name, [])
        times = [r.saved_at for r in reports if r.saved_at]
        statuses.append(
            UnitStatus(
                unit=name,
                kind=unit.kind if unit else OTHER,
                returned=bool(reports) or name in filled,
                files=tuple(dict.fromkeys(file_line(r) for r in reports)),
                # By timestamp: naive (local) and aware times do not compare directly.
                saved_at=max(times, key=datetime.timestamp) if times else None,
                owned=owned.get(name, 0),
                filled=filled.get(name, 0),
                errors=counts.get((name, Severity.ERROR), 0),
                warnings=counts.get((name, Severity.WARNING), 0),
                forms=sum(r.role is Role.FORM for r in reports),
                unreadable=sum(r.role is Role.UNREADABLE for r in reports),
            )
        )
    # Who has not returned comes first: that is the list the bureau phones.
    return tuple(sorted(statuses, key=lambda s: s.returned))


def file_line(report: FileReport) -> str:
    """A file as 报送情况 lists it: with the sender and send time of the email that carried it."""
    if not report.sender and not report.sent_at:
        return report.file
    parts = []
    if report.sender:
        parts.append(f"发件人 {report.sender}")
    if report.sent_at:
        parts.append(f"发送于 {report.sent_at.astimezone().strftime('%Y-%m-%d %H:%M')}")
    return f"{report.file}（{'，'.join(parts)}）"


def _severity_counts(findings: Iterable[Finding]) -> dict[tuple[str, Severity], int]:
    counts: dict[tuple[str, Severity], int] = {}
    for f in findings:
        if f.unit:
            counts[(f.unit, f.severity)] = counts.get((f.unit, f.severity), 0) + 1
    return counts
