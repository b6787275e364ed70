"""Checking returned forms against the catalogue, and choosing between corrections.

Rows are matched to tasks by number AND text.  Both are normalised first: white
space removed, a leading 「12.」「12．」「12、」 dropped, full-width and half-width
forms folded (NFKC).  A row whose number and text agree is taken as is; a row
whose text matches another task is taken for that task (``task-number-changed``);
a row whose number is right but whose text was edited is taken by its number
(``task-text-changed``, both texts shown); anything else is ``task-unknown``.

What happens to a typed text:

* the unit's own task, within the limit → an ``Entry``;
* over the limit → still an ``Entry`` (so 明细 shows what the unit wrote) AND an
  ``over-limit`` error carrying the full text: the bureau must shorten it before
  it becomes the 定稿, and merge flags it;
* a formula instead of text → ``formula-entry`` (the formula is the finding's text);
* another unit's task → ``not-owner`` with the full text (an empty row of another
  unit's task — the whole 50-row table sent back — is silent);
* a row that matches no task → ``task-unknown`` with the full text;
* a file whose unit cannot be decided → held back: one ``unit-conflict`` /
  ``unit-unknown`` finding per typed text, with the text.

Corrections.  A unit may send several files.  For each (unit, task) the latest
entry wins; "latest" is decided by, in turn, the document's own saved time, the
date of the email that carried it, the file's time on disk or in the zip, and
finally the file's origin chain (so the choice is stable).  A missing time counts
as older than any known time.  Older entries stay in the result as
``Entry(superseded=True)`` with a ``superseded`` note; a task that only an older
file answered keeps that older entry.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from datetime import datetime, timezone
from typing import Iterable, Mapping, Sequence

from . import wordcount
from .findings import finding
from .identify import NO_ASSIGNMENTS, identify
from .indicators import check_indicator_form
from .package import pack
from .model import (
    INDICATORS,
    Catalogue,
    CheckResult,
    Entry,
    FileReport,
    Finding,
    Form,
    FormRow,
    ReadResult,
    ReturnedFile,
    Role,
    Task,
)


# An edited task text still counts as that task when at least this similar.
SIMILAR_ENOUGH = 0.5

_LEADING_NUMBER = re.compile(r"^\(?(\d{1,3})\)?\s*[.、,:)]\s*")
_NUMBER = re.compile(r"^(\d{1,4})(?:\.0*)?$")
_WHITE = re.compile(r"\s+")


# ---------------------------------------------------------------------------
# normalising numbers and task texts
# ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Full-width and half-width forms folded (NFKC), white space removed."""
    return _WHITE.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=8192)  # the same task texts come back in every file of a batch
def normalise(text: str | None) -> str:
    """A task text reduced to what identifies it: folded forms, no spaces, no leading number."""
    return _LEADING_NUMBER.sub("", _fold(text or ""), count=1)


def row_number(row: FormRow) -> int | None:
    """The task number of a row: its 序号, else a number that starts the task text."""
    if row.no is not None:
        no = str(row.no)
        if no.isascii() and no.isdigit() and len(no) <= 4:
            return int(no)  # the template's own 序号: nothing to fold
        match = _NUMBER.match(_fold(no))
        if match:
            return int(match.group(1))
    match = _LEADING_NUMBER.match(_fold(row.task or ""))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _Index:
    by_text: dict[str, Task]
    text_of: dict[int, str]


_indexes: dict[int, tuple[Catalogue, _Index]] = {}


def _index(catalogue: Catalogue) -> _Index:
    cached = _indexes.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        text_of = {task.no: normalise(task.text) for task in catalogue.tasks}
        by_text = {text: catalogue.task(no) for no, text in text_of.items()}
        cached = (catalogue, _Index(by_text=by_text, text_of=text_of))
        _indexes[id(catalogue)] = cached
    return cached[1]


# ---------------------------------------------------------------------------
# one form
# ---------------------------------------------------------------------------


class Recognition(Enum):
    """How a form row was matched to a catalogue task."""

    EXACT = "exact"
    NUMBER_CHANGED = "number-changed"  # the text names another task than the number: the text wins
    TEXT_CHANGED = "text-changed"  # the number is right, the text was edited
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class _Match:
    task: Task | None
    how: Recognition


def match_row(row: FormRow, catalogue: Catalogue) -> _Match:
    """The catalogue task a row stands for, and how it was recognised."""
    index = _index(catalogue)
    number = row_number(row)
    by_number = catalogue.task(number) if number is not None else None
    if by_number is not None and row.task == by_number.text:
        return _Match(by_number, Recognition.EXACT)  # the untouched template row: most rows of most files
    text = normalise(row.task)
    if by_number is not None and index.text_of[by_number.no] == text:
        return _Match(by_number, Recognition.EXACT)
    by_text = index.by_text.get(text) if text else None
    if by_text is not None:
        return _Match(by_text, Recognition.NUMBER_CHANGED)
    if by_number is not None and (not text or _similar(text, index.text_of[by_number.no])):
        return _Match(by_number, Recognition.TEXT_CHANGED)
    return _Match(None, Recognition.UNKNOWN)


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SIMILAR_ENOUGH and matcher.ratio() >= SIMILAR_ENOUGH


def _typed(row: FormRow) -> str | None:
    """The text the unit typed in the 完成情况 cell, or None when there is none."""
    if row.entry is None:
        return None
    text = row.entry.strip()
    return text or None


def check_form(form: Form, unit: str, catalogue: Catalogue, file: ReturnedFile) -> tuple[list[Entry], list[Finding]]:
    """The entries a unit's form gives, and every problem with it."""
    if catalogue.kind == INDICATORS:
        return check_indicator_form(form, unit, catalogue, file.display)
    entries: list[Entry] = []
    findings: list[Finding] = []
    seen: dict[int, FormRow] = {}
    owned = catalogue.tasks_of(unit)
    if form.has_macros:
        findings.append(
            finding("macro-present", "文件含有宏代码；只读取了表格内容，宏没有运行。请单位以后另存为不含宏的 .xlsx 再报送。", unit=unit, file=file.display)
        )
    for row in form.rows:
        if not (row.task or row.no or _typed(row) or row.entry_formula):
            continue
        match = match_row(row, catalogue)
        where = dict(unit=unit, task=match.task.no if match.task else row_number(row), file=file.display, cell=row.entry_cell)
        if match.task is None:
            findings.extend(_unknown_row(row, where))
            continue
        task = match.task
        if not catalogue.owns(unit, task):
            findings.extend(_not_owner(row, task, where))
            continue
        if task.no in seen:
            findings.extend(_duplicate(row, task, seen[task.no], where))
            continue
        seen[task.no] = row
        findings.extend(_recognition(row, task, match.how, where))
        entry, entry_findings = _entry(row, task, unit, catalogue, form, where)
        findings.extend(entry_findings)
        if entry is not None:
            entries.append(entry)
    if owned and not any(_typed(row) or row.entry_formula for row in form.rows if row.task or row.no):
        # Nothing typed anywhere: the untouched template sent back.  One finding for the
        # file, not one 「没有填写」 per task.
        findings = [f for f in findings if f.code != "entry-missing"]
        findings.append(
            finding(
                "form-blank",
                f"{unit}报送的填报表一项也没有填写（可能发错了文件，或发回了空白模板）。请联系单位填写后重新报送。",
                unit=unit,
                file=file.display,
            )
        )
    for task in owned:
        if task.no not in seen:
            findings.append(
                finding(
                    "row-missing",
                    f"返回的表中找不到第 {task.no} 项任务（本单位负责）。请单位补上这一行并填写完成情况后重新报送。",
                    unit=unit,
                    task=task.no,
                    file=file.display,
                )
            )
    return entries, findings


def _entry(row: FormRow, task: Task, unit: str, catalogue: Catalogue, form: Form, where: dict) -> tuple[Entry | None, list[Finding]]:
    if row.entry_formula:
        shown = f"（显示为“{row.entry.strip()}”）" if _typed(row) else ""
        return None, [
            finding(
                "formula-entry",
                f"第 {task.no} 项的{catalogue.entry_label}是公式“{row.entry_formula}”{shown}，不是文字。"
                f"请单位把完成情况直接输入为文字后重新报送。",
                text=row.entry_formula,
                **where,
            )
        ]
    text = _typed(row)
    if text is None:
        return None, [
            finding(
                "entry-missing",
                f"第 {task.no} 项任务本单位负责，但{catalogue.entry_label}没有填写。请单位补填后重新报送；确无进展的请写明原因。",
                **where,
            )
        ]
    entry = Entry(unit=unit, task=task.no, text=text, file=where["file"], cell=row.entry_cell, saved_at=form.saved_at)
    size = wordcount.count(text)
    if size <= catalogue.limit:
        return entry, []
    return entry, [
        finding(
            "over-limit",
            f"第 {task.no} 项{catalogue.entry_label}共 {size} 字，超过 {catalogue.limit} 字的上限 {size - catalogue.limit} 字"
            f"（计字规则：{wordcount.RULE}）。原文已收录但需压缩；请单位精简到 {catalogue.limit} 字以内后重新报送。",
            text=text,
            **where,
        )
    ]


def _recognition(row: FormRow, task: Task, how: Recognition, where: dict) -> list[Finding]:
    if how is Recognition.NUMBER_CHANGED:
        return [
            finding(
                "task-number-changed",
                f"这一行的序号写作“{row.no}”，但任务内容是第 {task.no} 项；已按任务内容记为第 {task.no} 项。"
                "请单位不要改动序号。",
                **where,
            )
        ]
    if how is Recognition.TEXT_CHANGED:
        return [
            finding(
                "task-text-changed",
                f"第 {task.no} 项的“主要任务”被改动。清单原文：“{task.text}”；表中写作：“{(row.task or '').strip()}”。"
                "已按序号收录完成情况，以清单原文为准；请单位不要改动任务内容。",
                # The edited cell is the 主要任务 one, not the 完成情况 one.
                **{**where, "cell": row.task_cell or where["cell"]},
            )
        ]
    return []


def _unknown_row(row: FormRow, where: dict) -> list[Finding]:
    text = _typed(row) or row.entry_formula
    shown = (row.task or "").strip() or "（空）"
    return [
        finding(
            "task-unknown",
            f"表中这一行（序号“{row.no or ''}”，任务“{shown}”）对不上清单中的任何任务，完成情况未汇总。"
            "请核对是否填错了行，或请单位使用下发的填报表重新填写。",
            text=text,
            **where,
        )
    ]


def _not_owner(row: FormRow, task: Task, where: dict) -> list[Finding]:
    text = _typed(row) or row.entry_formula
    if text is None:
        return []  # the full table sent back: other units' empty rows say nothing
    return [
        finding(
            "not-owner",
            f"第 {task.no} 项任务的责任单位是{task.owners_text}，不包括{where['unit']}；这一行的完成情况未汇总。"
            "如确属本单位工作，请与牵头单位沟通，由责任单位报送。",
            text=text,
            **where,
        )
    ]


def _duplicate(row: FormRow, task: Task, first: FormRow, where: dict) -> list[Finding]:
    text = _typed(row) or row.entry_formula
    if text is None or text == _typed(first):
        return []
    return [
        finding(
            "row-duplicate",
            f"第 {task.no} 项在表中出现了两次，已采用 {first.entry_cell} 的内容，这一行未汇总。请单位每项任务只保留一行。",
            text=text,
            **where,
        )
    ]


# ---------------------------------------------------------------------------
# held-back files
# ---------------------------------------------------------------------------


def held_rows(form: Form, file: ReturnedFile, code: str) -> list[Finding]:
    """One finding per typed text of a file whose unit is undecided, carrying the text."""
    findings = []
    for row in form.rows:
        text = _typed(row) or row.entry_formula
        if text is None:
            continue
        findings.append(
            finding(
                code,
                "报送单位未确定，这一行的完成情况暂不汇总；用 --assign 指定单位后会自动收录。",
                task=row_number(row),
                file=file.display,
                cell=row.entry_cell,
                text=text,
            )
        )
    return findings


# ---------------------------------------------------------------------------
# corrections
# ---------------------------------------------------------------------------

_NEVER = (0, 0.0)


def _when(moment: datetime | None) -> tuple[int, float]:
    if moment is None:
        return _NEVER
    if moment.tzinfo is None:  # collect and the readers give aware times; a naive one from elsewhere is read as UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return (1, moment.timestamp())


def recency(form: Form | None, file: ReturnedFile) -> tuple:
    """The sort key that orders one unit's files from oldest to latest."""
    saved = _when(form.saved_at if form else None)
    # A file's time on disk changes with every copy: it decides only when the document
    # carries no saved time of its own.  Two versions that tie on the saved time are
    # then ordered by the email's date and the origin chain, the same on any machine.
    on_disk = _when(file.modified_at) if saved is _NEVER else _NEVER
    return (saved, _when(file.sent_at), on_disk, file.display)


def resolve_corrections(entries: Sequence[Entry], order: Mapping[str, tuple]) -> tuple[list[Entry], list[Finding]]:
    """Mark all but the latest entry of each (unit, task) as superseded.

    ``order`` maps a file's origin display to its ``recency`` key.
    """
    # An indicator's counts are corrected one by one (a share has two per task).
    groups: dict[tuple[str, int, str | None], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.unit, entry.task, entry.count)].append(entry)
    result: list[Entry] = []
    findings: list[Finding] = []
    for (unit, task, _), group in groups.items():
        group.sort(key=lambda entry: order.get(entry.file, ()))
        latest = group[-1]
        for older in group[:-1]:
            result.append(replace(older, superseded=True))
            findings.append(
                finding(
                    "superseded",
                    f"{unit}后来又报送了第 {task} 项（{latest.file}），这里较早的内容不再采用，仅作记录。",
                    unit=unit,
                    task=task,
                    file=older.file,
                    cell=older.cell,
                    text=older.text,
                )
            )
        result.append(latest)
    return result, findings


# ---------------------------------------------------------------------------
# the whole batch
# ---------------------------------------------------------------------------

def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by unit, task, file and cell."""
    return sorted(
        findings,
        key=lambda f: (
            f.severity.rank,
            f.unit is None,
            f.unit or "",
            f.task is None,
            f.task or 0,
            f.file or "",
            f.cell or "",
        ),
    )


def check_read(
    files: Sequence[ReturnedFile],
    results: Sequence[ReadResult],
    catalogue: Catalogue,
    *,
    assignments: Mapping[str, str] | None = None,
    extra: Iterable[Finding] = (),
) -> CheckResult:
    """The checking half of ``check_returns``, for files that are already read."""
    assignments = assignments or NO_ASSIGNMENTS
    findings: list[Finding] = list(extra)
    reports: list[FileReport] = []
    entries: list[Entry] = []
    order: dict[str, tuple] = {}
    attachments: list[tuple[ReturnedFile, str, object]] = []
    returned: dict[str, list[ReturnedFile]] = defaultdict(list)
    for file, result in zip(files, results):
        form = result.form if result.role is Role.FORM else None
        if form is None:
            # An unreadable (encrypted, damaged) file is attributed by its name, folder, zip or
            # sender like an attachment: the unit did send something, and is not to be chased.
            unit = identify(file, None, catalogue, assignments=assignments).unit if result.role in (Role.ATTACHMENT, Role.UNREADABLE) else None
            findings.extend(_attributed(result.findings, unit))
            reports.append(FileReport(file=file.display, unit=unit, role=result.role, sender=file.sender, sent_at=file.sent_at))
            if unit is not None:
                returned[unit].append(file)
                if result.material is not None:
                    attachments.append((file, unit, result.material))
            continue
        who = identify(file, form, catalogue, assignments=assignments)
        findings.extend(_attributed(who.findings, who.unit))
        # check_form reports macros itself, with the unit; keep the reader's note only for held files.
        reader_findings = [f for f in result.findings if not (who.unit and form.has_macros and f.code == "macro-present")]
        findings.extend(_attributed(reader_findings, who.unit))
        if who.unit is None:
            code = "unit-conflict" if any(f.code == "unit-conflict" for f in who.findings) else "unit-unknown"
            findings.extend(held_rows(form, file, code))
            reports.append(FileReport(file=file.display, unit=None, role=Role.HELD, saved_at=form.saved_at, sender=file.sender, sent_at=file.sent_at))
            continue
        returned[who.unit].append(file)
        form_entries, form_findings = check_form(form, who.unit, catalogue, file)
        entries.extend(form_entries)
        findings.extend(form_findings)
        order[file.display] = recency(form, file)
        reports.append(FileReport(file=file.display, unit=who.unit, role=Role.FORM, saved_at=form.saved_at, sender=file.sender, sent_at=file.sent_at))
    entries, correction_findings = resolve_corrections(entries, order)
    findings.extend(correction_findings)
    findings = _answered_elsewhere(findings, entries)
    findings.extend(_missing_units(catalogue, reports))
    materials, packages, package_findings = pack(attachments, returned, catalogue)
    findings.extend(package_findings)
    entries.sort(key=lambda e: (e.unit, e.task, e.superseded is False, order.get(e.file, ())))
    return CheckResult(
        catalogue=catalogue,
        files=tuple(reports),
        entries=tuple(entries),
        findings=tuple(sort_findings(findings)),
        materials=materials,
        packages=packages,
    )


def _answered_elsewhere(findings: list[Finding], entries: Iterable[Entry]) -> list[Finding]:
    """Drop 「没有填写」 for a task the same unit answered in another file.

    A correction that leaves a task empty, where an earlier version filled it, keeps
    the earlier text (``resolve_corrections``); asking the unit to fill it would
    contradict the master.
    """
    answered = {(entry.unit, entry.task) for entry in entries}
    return [f for f in findings if not (f.code == "entry-missing" and (f.unit, f.task) in answered)]


def _attributed(findings: Iterable[Finding], unit: str | None) -> list[Finding]:
    """The reader's findings about a file, tied to the unit that sent it once that is known."""
    return [replace(f, unit=unit) if unit and f.unit is None else f for f in findings]


def _missing_units(catalogue: Catalogue, reports: Iterable[FileReport]) -> list[Finding]:
    """``unit-missing`` for every unit with tasks and no form among the returns.

    A unit that sent only its 工作总结 has still not reported on its tasks: it is
    missing too, and the message says what did arrive.
    """
    reports = list(reports)
    with_form = {report.unit for report in reports if report.role is Role.FORM}
    unreadable = {report.unit for report in reports if report.role is Role.UNREADABLE and report.unit}
    attachments: dict[str, int] = defaultdict(int)
    for report in reports:
        if report.role is Role.ATTACHMENT and report.unit:
            attachments[report.unit] += 1
    findings = []
    for unit in catalogue.units:
        owned = catalogue.tasks_of(unit.name)
        if not owned or unit.name in with_form or unit.name in unreadable:
            continue  # a unit whose file cannot be read did send: its file-* finding says what to do
        if attachments[unit.name]:
            what = f"只收到 {attachments[unit.name]} 份附带材料，没有收到填报表"
        else:
            what = "尚未报送任何材料"
        message = f"{unit.name}负责 {len(owned)} 项任务，{what}。请联系催报。"
        findings.append(finding("unit-missing", message, unit=unit.name))
    return findings
