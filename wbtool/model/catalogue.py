"""The catalogue: the official task table (附件2), its units and groups."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from functools import cached_property
from typing import Any, Callable

from .indicators import Indicator
from .package import PackageRules

# What every long-running stage reports to: ``progress(done, total)``.  The CLI
# passes a progress bar; the library never prints.
Progress = Callable[[int, int], None]

TASKS = "tasks"  # a text form: one 完成情况 per task
INDICATORS = "indicators"  # a numeric form: counts per indicator (指标分解)
CATALOGUE_KINDS = (TASKS, INDICATORS)

# The zone the units' clocks are in.  A time a unit's file saved without a zone
# (LibreOffice's .ods) is read in it, never in the zone of the machine that runs the
# check; the catalogue's ``time_zone`` says it (an IANA name), China by default.
DEFAULT_TIME_ZONE = "Asia/Shanghai"
_CHINA = timezone(timedelta(hours=8), "CST")  # no daylight saving since 1991


def time_zone(name: str) -> tzinfo:
    """The zone of an IANA name; ``ValueError`` (a Chinese sentence) for a name that is none.

    Where the system has no zone database (Windows without the tzdata package), the
    default zone still works: China's offset is fixed.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_TIME_ZONE:
            return _CHINA
        if not available_timezones():
            raise ValueError(f"本机没有时区数据，无法识别“{name}”（请安装 tzdata：pip install tzdata）") from None
        raise ValueError(f"“{name}”不是已知的时区名称（应写 IANA 时区名，如 Asia/Shanghai 即北京时间）") from None


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
class ReportHead:
    """Who the report (报告) goes to and who signs it, from the catalogue's ``report:`` block.

    Lines are given as the bureau breaks them: a title or a signature broken by
    meaning, never by width.  Empty values fall back to the notice (see ``report``).
    """

    recipient: str = ""  # 主送机关
    issuer: tuple[str, ...] = ()  # 发文机关署名, one entry per printed line
    date: str = ""  # 成文日期, ISO (2023-01-20); today when neither this nor --date is given
    title: tuple[str, ...] = ()  # the report's title, one entry per printed line


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
    report: ReportHead = field(default_factory=ReportHead)
    entry_label: str = "完成情况"
    source: str = ""  # where it was loaded from, for messages
    # What the unit's package must hold beside the form (工作总结, 典型经验, 盖章版);
    # None: the notice asks for the form only, and other files are just listed.
    package: PackageRules | None = None
    kind: str = TASKS
    # For ``kind == INDICATORS``: the indicators, each also present as a task owned by
    # every unit, so planning, identity and attribution work as for text forms.
    indicators: tuple[Indicator, ...] = ()
    # The units' time zone (see ``time_zone``): the readers take it as an option.
    time_zone: str = DEFAULT_TIME_ZONE
    # An ``owners.Registry``: the units and groups looked up by any of their names.
    # Built once by the loader (``catalogue.build``); typed loosely because owner
    # parsing builds on this module, and the model imports nothing above it.
    registry: Any = field(default=None, compare=False, repr=False)

    @cached_property
    def tasks(self) -> tuple[Task, ...]:
        return tuple(task for section in self.sections for task in section.tasks)

    @cached_property
    def _task_by_no(self) -> dict[int, Task]:
        return {task.no: task for task in self.tasks}

    @cached_property
    def _unit_by_name(self) -> dict[str, Unit]:
        return {unit.name: unit for unit in self.units}

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

    @cached_property
    def _owner_sets(self) -> dict[int, frozenset[str]]:
        # A group task of a province has thousands of owners: membership by hash, not by scan.
        return {task.no: frozenset(task.owners) for task in self.tasks}

    def owns(self, unit: str, task: Task) -> bool:
        """Whether ``unit`` is among ``task``'s owners."""
        owners = self._owner_sets.get(task.no)
        return unit in owners if owners is not None else unit in task.owners

    def tasks_of(self, unit: str) -> tuple[Task, ...]:
        """The tasks ``unit`` owns, in catalogue order."""
        return self._tasks_by_unit.get(unit, ())

    @cached_property
    def years(self) -> tuple[int, ...]:
        """The plan years of an indicator catalogue, in order."""
        return tuple(sorted({year for ind in self.indicators for year, _ in ind.targets}))

    def indicator(self, no: int) -> Indicator | None:
        return next((ind for ind in self.indicators if ind.no == no), None)

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


