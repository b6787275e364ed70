"""Merging checked returns into the master: one row per task, one line per unit.

``build_master`` is pure data in, data out; ``merge`` is the whole stage — check the
returns, build the master, write the master workbook, the Word report and the
findings lists into an output folder that is not one of the inputs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from . import wordcount
from .atomic import write_bytes
from .findings import has_errors
from .model import OTHER, CheckResult, Catalogue, Entry, FileReport, Finding, Progress, Severity, Task


# 【单位】 before each unit's text, so that a task several units report on says who
# wrote what.  A task with one owner needs no label: the 责任单位 column already says.
UNIT_LABEL = "【{unit}】"
ENTRY_SEPARATOR = "\n\n"


# What neither a workbook nor a Word document can hold: control characters other
# than tab and line break (XML 1.0 forbids them) and halves of surrogate pairs.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def printable(text: str | None) -> str:
    """``text`` as an office file can store it: line breaks normalised, control characters gone."""
    if not text:
        return ""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class MergeRefused(ValueError):
    """The merge cannot run as asked (e.g. the output folder is an input folder)."""


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

    @property
    def words(self) -> int:
        return wordcount.count(self.merged)

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

    @property
    def missing(self) -> int:
        return max(self.owned - self.filled, 0)

    @property
    def status(self) -> str:
        if not self.returned:
            return "未报送"
        return "已报送" if self.filled >= self.owned else "部分报送"


@dataclass(frozen=True)
class Master:
    """Everything the master workbook and the report show."""

    catalogue: Catalogue
    rows: tuple[TaskRow, ...]
    units: tuple[UnitStatus, ...]  # units that did not return first
    details: tuple[Entry, ...]  # every entry, superseded ones included
    findings: tuple[Finding, ...]
    made_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


@dataclass(frozen=True)
class MergeResult:
    master: Master
    outputs: tuple[Path, ...]  # master workbook, report, findings.json, findings.csv
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


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
    return Master(catalogue=catalogue, rows=rows, units=units, details=details, findings=tuple(result.findings))


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
                files=tuple(dict.fromkeys(r.file for r in reports)),
                # By timestamp: naive (local) and aware times do not compare directly.
                saved_at=max(times, key=datetime.timestamp) if times else None,
                owned=owned.get(name, 0),
                filled=filled.get(name, 0),
                errors=counts.get((name, Severity.ERROR), 0),
                warnings=counts.get((name, Severity.WARNING), 0),
            )
        )
    # Who has not returned comes first: that is the list the bureau phones.
    return tuple(sorted(statuses, key=lambda s: s.returned))


def _severity_counts(findings: Iterable[Finding]) -> dict[tuple[str, Severity], int]:
    counts: dict[tuple[str, Severity], int] = {}
    for f in findings:
        if f.unit:
            counts[(f.unit, f.severity)] = counts.get((f.unit, f.severity), 0) + 1
    return counts


# ---------------------------------------------------------------------------
# The whole stage
# ---------------------------------------------------------------------------


def output_names(catalogue: Catalogue) -> dict[str, str]:
    """File names of the outputs: short, Chinese, the same for every run."""
    return {
        "master": f"{catalogue.attachment}-任务{catalogue.entry_label}汇总.xlsx",
        "report": f"{catalogue.entry_label}报告.docx",
        "json": "findings.json",
        "csv": "findings.csv",
    }


def merge(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    catalogue: Catalogue,
    password: str | None = None,
    assignments: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    dated: date | None = None,
) -> MergeResult:
    """Check ``paths``, merge, and write the four outputs into ``out_dir``.

    Raises ``MergeRefused`` before reading anything when ``out_dir`` would mix the
    outputs with the inputs.  ``dated`` is the report's 成文日期.
    """
    # Imported here: the writers and the report import this module for its data
    # classes and need none of the check stage's readers.
    from .pool import in_background, warm_up

    warm_up()  # the readers' server boots while the writers are imported and the returns collected
    from .check import check_returns
    from .io import master_xlsx
    from .report import build_report, pending_finals, view_of, write_report

    out = Path(out_dir)
    targets = {key: out / name for key, name in output_names(catalogue).items()}
    refuse_unsafe_output(paths, out, targets.values())

    result = check_returns(paths, catalogue, password=password, assignments=assignments, progress=progress)
    master = build_master(result)
    # Tasks the report prints as 「（待定稿）」 are listed with every other finding.
    master = replace(master, findings=master.findings + tuple(pending_finals(view_of(master))))
    # Two writers, two cores: the Word report is written in a process of its own
    # while this one writes the master workbook.
    report_written = in_background(write_report, build_report(view_of(master), today=dated), targets["report"])
    try:
        master_xlsx.write_master(master, targets["master"])
    finally:
        report_written()  # also when the master failed: no process is left behind
    write_bytes(targets["json"], findings_json(master.findings, catalogue))
    write_bytes(targets["csv"], findings_csv(master.findings))
    return MergeResult(master=master, outputs=tuple(targets.values()), findings=master.findings)


def refuse_unsafe_output(paths: Iterable[str | Path], out: Path, targets: Iterable[Path]) -> None:
    """Outputs must not land among the inputs: a later run would collect them as returns."""
    out_resolved = out.resolve()
    inputs = [Path(p).resolve() for p in paths]
    for source in inputs:
        folder = source if source.is_dir() else source.parent
        inside = out_resolved == folder or (source.is_dir() and out_resolved.is_relative_to(folder))
        if inside:
            raise MergeRefused(f"输出文件夹“{out}”是回收材料所在的文件夹（或在其中）：请换一个文件夹，例如回收材料旁边的“汇总”文件夹。")
    for target in targets:
        if target.resolve() in inputs:
            raise MergeRefused(f"输出文件“{target}”会覆盖输入文件：请换一个输出文件夹。")


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


FINDING_COLUMNS = ("级别", "代码", "单位", "任务", "文件", "位置", "说明", "原文")


def finding_cells(f: Finding) -> tuple[str, ...]:
    """One finding as the text cells of a table row (CSV and the 问题清单 sheet)."""
    task = "" if f.task is None else str(f.task)
    return (f.severity.label, f.code, f.unit or "", task, f.file or "", f.cell or "", f.message, f.text or "")


def findings_csv(findings: Sequence[Finding]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(FINDING_COLUMNS)
    writer.writerows(finding_cells(f) for f in findings)
    # The BOM makes Excel on a Chinese Windows read the file as UTF-8, not GBK.
    return buffer.getvalue().encode("utf-8-sig")
