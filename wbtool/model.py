"""The plain data every stage of the round trip passes on.

No file format is known here: readers turn files into these objects, writers turn
these objects into files.  Everything is a frozen dataclass or a tuple of them, so
values can cross process boundaries (the reader pool) and be compared in tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cached_property
from typing import Callable

# ---------------------------------------------------------------------------
# The catalogue: the official task table (附件2) and the units it names.
# ---------------------------------------------------------------------------

# What every long-running stage reports to: ``progress(done, total)``.  The CLI
# passes a progress bar; the library never prints.
Progress = Callable[[int, int], None]

MEMBER = "成员单位"
SCHOOL = "职业院校"
OTHER = "其他"
UNIT_KINDS = (MEMBER, SCHOOL, OTHER)


@dataclass(frozen=True)
class Unit:
    """A body that receives a fill-in workbook and returns it (成员单位 / 职业院校 / 其他)."""

    name: str
    kind: str = MEMBER
    aliases: tuple[str, ...] = ()
    email: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Group:
    """A collective owner such as 各职业学校、技工院校.

    Members are the units of the listed kinds plus the named members.  A group that
    is ``per_task`` (各相关院校) means "the schools this task names": its members are
    listed on the task itself.
    """

    name: str
    kinds: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    per_task: bool = False


@dataclass(frozen=True)
class Task:
    """One numbered task (主要任务) of the catalogue."""

    no: int
    text: str
    section: str
    owners_text: str  # 责任单位 exactly as the official table writes it
    owners: tuple[str, ...]  # resolved unit names, in the table's order
    lead: str | None  # 牵头单位: the first owner, when it names one unit (not a group)
    deadline: str | None = None  # 完成年限 (only some catalogues have it)


@dataclass(frozen=True)
class Section:
    """A 工程: a titled group of tasks."""

    title: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Notice:
    """Facts from the notice that the fill-in workbook repeats to the unit."""

    title: str = ""
    issuer: str = ""
    period: str = ""
    deadline: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""
    how_to_return: str = ""
    naming: str = ""  # 文件命名 rule, e.g. 单位+样板建设总结


@dataclass(frozen=True)
class Catalogue:
    """The official task list (附件2) as data, with its unit registry."""

    id: str
    title: str
    attachment: str
    limit: int
    sections: tuple[Section, ...]
    units: tuple[Unit, ...]
    groups: tuple[Group, ...] = ()
    notice: Notice = field(default_factory=Notice)
    entry_label: str = "完成情况"
    source: str = ""  # where it was loaded from, for messages

    @cached_property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(task for section in self.sections for task in section.tasks)

    @cached_property
    def _task_by_no(self) -> dict[int, Task]:
        return {task.no: task for task in self.tasks}

    @cached_property
    def _unit_by_name(self) -> dict[str, Unit]:
        return {unit.name: unit for unit in self.units}

    @cached_property
    def registry(self):
        """The units and groups, looked up by any of their names (``owners.Registry``).

        Built once per catalogue; imported here lazily because ``owners`` builds on
        this module's ``Unit`` and ``Group``.
        """
        from .owners import Registry

        return Registry(self.units, self.groups)

    def task(self, no: int) -> Task | None:
        return self._task_by_no.get(no)

    def unit(self, name: str) -> Unit | None:
        """The unit with this exact full name (use ``registry.resolve`` for aliases)."""
        return self._unit_by_name.get(name)

    @cached_property
    def _tasks_by_unit(self) -> dict[str, tuple[Task, ...]]:
        owned: dict[str, list[Task]] = {}
        for task in self.tasks:
            for owner in task.owners:
                owned.setdefault(owner, []).append(task)
        return {unit: tuple(tasks) for unit, tasks in owned.items()}

    def tasks_of(self, unit: str) -> tuple[Task, ...]:
        """The tasks ``unit`` owns, in catalogue order."""
        return self._tasks_by_unit.get(unit, ())

    @cached_property
    def has_deadlines(self) -> bool:
        return any(task.deadline for task in self.tasks)

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the task numbers and texts.

        Two workbooks with the same fingerprint ask about the same tasks, worded the
        same way; a return whose fingerprint differs was made from another version.
        """
        digest = hashlib.sha256()
        for task in self.tasks:
            digest.update(f"{task.no}\t{task.text}\n".encode())
        return digest.hexdigest()[:16]


# ---------------------------------------------------------------------------
# Findings: every problem the tool notices, as data.
# ---------------------------------------------------------------------------


class Severity(str, Enum):
    ERROR = "error"  # blocks: the text is held back or the file could not be used
    WARNING = "warning"  # used, but someone should look
    INFO = "info"  # for the record

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        """0 for the most serious: sort by it to put errors first."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One problem, tied to where it was seen.

    ``code`` is stable kebab-case (see ``wbtool.findings.CODES``); ``message`` is the
    Chinese sentence for the user: what is wrong and what to do.  ``text`` carries
    the full text a unit typed whenever the finding holds that text back, so that
    nothing typed is ever lost.
    """

    code: str
    severity: Severity
    message: str
    unit: str | None = None
    task: int | None = None
    file: str | None = None  # the origin chain, e.g. 邮件.eml › 总结.zip › 附件2.xlsx
    cell: str | None = None  # e.g. 填报表!E7
    text: str | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "unit": self.unit,
            "task": self.task,
            "file": self.file,
            "cell": self.cell,
            "message": self.message,
            "text": self.text,
        }


# ---------------------------------------------------------------------------
# Returned files and what is read from them.
# ---------------------------------------------------------------------------

ORIGIN_SEPARATOR = " › "


@dataclass(frozen=True)
class ReturnedFile:
    """A file found among the returns: on disk, or inside a zip or an email.

    ``origin`` is the chain of containers down to the file itself, outermost first;
    ``data`` holds the bytes of files that live inside a container (nothing is ever
    extracted to disk), ``path`` the location of files that are on disk.
    """

    origin: tuple[str, ...]
    path: str | None = None
    data: bytes | None = None
    sender: str | None = None  # email address of the message that carried it
    sent_at: datetime | None = None  # Date: of that message
    modified_at: datetime | None = None  # file system or zip entry time

    @property
    def name(self) -> str:
        return self.origin[-1]

    @property
    def display(self) -> str:
        return ORIGIN_SEPARATOR.join(self.origin)

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        with open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class Identity:
    """What a generated workbook says about itself.  Read back from a return."""

    catalogue: str
    fingerprint: str
    batch: str
    unit: str
    source: str = ""  # where it was found: property / sheet / name


@dataclass(frozen=True)
class FormRow:
    """One data row of a returned form, as the unit left it.

    Cell values are the text as displayed (numbers and dates included); ``None``
    for an empty cell.  ``entry_formula`` is set when the 完成情况 cell held a
    formula rather than typed text.
    """

    row: int  # 1-based row number in the sheet (a table row number for Word)
    no: str | None
    section: str | None
    task: str | None
    owners: str | None
    entry: str | None
    entry_cell: str  # e.g. 填报表!E7 or 表1 第3行
    entry_formula: str | None = None


@dataclass(frozen=True)
class Form:
    """The fill-in table found in a returned file, plus what the file says about itself."""

    sheet: str
    header_row: int
    rows: tuple[FormRow, ...]
    identities: tuple[Identity, ...] = ()
    saved_at: datetime | None = None  # the document's own modified time
    application: str | None = None  # e.g. Microsoft Excel, WPS 表格, LibreOffice
    has_macros: bool = False
    kind: str = "xlsx"  # xlsx / xls / ods / docx


@dataclass(frozen=True)
class ReadResult:
    """What reading one returned file gave.

    ``role`` is ``form`` (a fill-in table was found: ``form`` is set),
    ``attachment`` (a document that is not a form: 工作总结, PDF, pictures; listed,
    not checked) or ``unreadable`` (findings say why).
    """

    role: str
    form: Form | None = None
    findings: tuple[Finding, ...] = ()


# ---------------------------------------------------------------------------
# Checked returns and the merged result.
# ---------------------------------------------------------------------------


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
    role: str  # form / attachment / unreadable / held
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
