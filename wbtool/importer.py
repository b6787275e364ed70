"""Reading an official notice's tables and text as a catalogue draft (no file format known here).

The input is what ``io.import_docs`` gives: body paragraphs and tables as rows of
cell texts with their merged areas.  Official task tables arrive in many shapes —
工程 cells merged over their tasks, or typed into one row, or broken into fragments
over rows and pages; the header repeated on every page; numbers inside the task
text (``1. ``, ``1．``, ``（1）``); names broken by line wrap — and all of them must
give the same catalogue.

Texts are kept as the document has them, minus the white space a line wrap or a
PDF extraction put in.  Whatever the import has to guess (a unit's kind, an alias,
a group's members, a 工程 title pieced together, a missing notice fact) becomes a
note on the draft, which the YAML writer turns into a comment, and an 提示 finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from .errors import UnreadableInput
from .findings import finding
from .model import MEMBER, OTHER, SCHOOL, Finding, Group, Notice
from .model.imported import (
    NOTICE_LABELS,
    CatalogueDraft,
    DraftGroup,
    DraftSection,
    DraftTask,
    DraftUnit,
    SourceDocument,
    SourceTable,
)
from .owners import Registry, squeeze

# What makes a table the task table: it names the tasks and who is responsible.
TASK_TABLE_ROLES = ("task", "owners")
DEFAULT_LIMIT = 300

# Name endings of vocational schools (职业院校).  A 学院 alone is not one: 无锡学院
# and 无锡太湖学院 are universities.
SCHOOL_ENDINGS = (
    "职业技术学院", "职业学院", "职业技术学校", "职业学校", "职业中学", "职业高级中学",
    "中等专业学校", "中专校", "中专", "技工学校", "技工院校", "技师学院", "技校",
    "运动学校", "卫生学校", "艺术学校", "职教中心", "职业教育中心",
)  # fmt: skip
GOVERNMENT_ENDINGS = ("局", "委", "部", "办", "厅", "办公室", "委员会", "政府", "市", "区", "县")
# Collective owners the bureau's tables use: name → (kinds, per_task).
KNOWN_GROUPS: dict[str, tuple[tuple[str, ...], bool]] = {
    "各职业学校、技工院校": ((SCHOOL,), False),
    "各职业院校、技工院校": ((SCHOOL,), False),
    "各职业院校": ((SCHOOL,), False),
    "各职业学校": ((SCHOOL,), False),
    "各技工院校": ((SCHOOL,), False),
    "各相关院校": ((), True),
    "各相关学校": ((), True),
    "各有关院校": ((), True),
}
# Words that introduce a school named in a task's text (推动……、支持……).
_LEAD_VERBS = ("推动", "支持", "推进", "鼓励", "依托", "加快", "建设", "创建", "办好", "引导", "指导", "由")

_SECTION_MARK = re.compile(r"^(?:[（(]\s*[一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+\s*、)")
_TASK_NUMBER = re.compile(r"^\s*(?:(\d+)\s*[.．、]|[（(]\s*(\d+)\s*[）)])\s*")
_LIMIT = re.compile(r"(\d+)\s*字")
_LIST_SEPARATORS = re.compile(r"[、，,；;]")
# 等 ends a list (……等易地新建) but is part of 高等 / 中等 in a school's name.
_SCHOOL_SPLIT = re.compile(r"[、，。；：,;:“”‘’\"《》〈〉（）()\s]|(?<![高中初])等")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_ATTACHMENT_HEADING = re.compile(r"^附件(\d*)$")
_WHITESPACE = re.compile(r"\s+")
_LIST_TITLES = ("名单", "名录")  # the title of 附件1, the unit list
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "!": "！", "?": "？"})


class NoTaskTable(UnreadableInput):
    """None of the documents holds a table with 主要任务 and 责任单位 columns."""


# ---------------------------------------------------------------------------
# Text clean-up.
# ---------------------------------------------------------------------------


def unwrap(text: str | None) -> str:
    """``text`` without the white space line wrap put in; a space between two Latin letters or digits stays."""

    def keep(match: re.Match[str]) -> str:
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""

    return _WHITESPACE.sub(keep, (text or "").strip())


def section_title(text: str) -> str:
    """A 工程 title with full-width punctuation and no white space: (四) 全面提质增效, … → （四）全面提质增效，…"""
    return squeeze(text).translate(_FULL_WIDTH)


def split_number(text: str) -> tuple[int | None, str]:
    """``(number, text)`` for a task text that starts with its number (1. / 1． / 1、 / （1）)."""
    match = _TASK_NUMBER.match(text)
    if not match:
        return None, text
    return int(match.group(1) or match.group(2)), text[match.end() :]


def unit_kind(name: str, members_listed: bool) -> tuple[str, str]:
    """``(kind, why)`` guessed from a name.  With a 附件1 list, whoever is not on it is
    not a 成员单位; without one, a government body (…局, …委, 宜兴市) probably is."""
    if name.endswith(SCHOOL_ENDINGS):
        return SCHOOL, "名称像职业院校"
    if not members_listed and name.endswith(GOVERNMENT_ENDINGS):
        return MEMBER, "名称像政府部门，且未找到附件1名单"
    return OTHER, "名称不像职业院校" if members_listed else "名称既不像职业院校，也不像政府部门"


# ---------------------------------------------------------------------------
# The task table.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    section: str | None  # text of a 工程 cell that starts here (None when covered or empty)
    task: str | None
    owners: str | None
    deadline: str | None
    no: str | None


def task_rows(documents: Sequence[SourceDocument]) -> tuple[list[_Row], dict[str, str]]:
    """Every data row of every task table, in document order, and the header's label per role.

    A table after a PDF-to-Word conversion is one per page, each with the header
    again; a table without a header that follows a task table with as many
    columns continues it.
    """
    rows: list[_Row] = []
    labels: dict[str, str] = {}
    for document in documents:
        columns: dict[str, int] | None = None
        width, start = -1, -1
        for table in document.tables:
            if table.header >= 0:
                columns, width, start = table.columns, table.width, table.header
                labels = labels or {role: squeeze(table.rows[start][index] or "") for role, index in columns.items()}
            elif columns is None or table.width != width:
                columns = None
                continue
            else:
                start = -1
            rows.extend(_data_rows(table, start + 1, columns, labels))
    if not labels:
        raise NoTaskTable()
    return rows, labels


def _data_rows(table: SourceTable, first: int, columns: dict[str, int], labels: dict[str, str]) -> list[_Row]:
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for top, left, bottom, right in table.merges:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    covered[(r, c)] = (top, left)

    def cell(r: int, role: str, inherit: bool) -> str | None:
        c = columns.get(role)
        if c is None:
            return None
        if (r, c) in covered:
            # A 责任单位 or 完成年限 merged down holds for every task it spans; a merged 工程
            # cell starts once; a cell merged across belongs to its neighbour (a title row).
            top, left = covered[(r, c)]
            if not inherit or left != c:
                return None
            r = top
        row = table.rows[r]
        return (row[c] if c < len(row) else None) or None

    rows = []
    for r in range(first, len(table.rows)):
        section, task, owners = cell(r, "section", False), cell(r, "task", False), cell(r, "owners", True)
        if task is not None and squeeze(task) == labels.get("task"):
            continue  # the header repeated on a new page
        if section is None and (task is None or owners is None):
            title = _title_row(table.rows[r])
            if title is not None:
                section, task = title, None
        rows.append(_Row(section, task, owners, cell(r, "deadline", True), cell(r, "no", False)))
    return rows


def _title_row(row: Sequence[str | None]) -> str | None:
    """A 工程 title written across the table in a row of its own."""
    texts = [text for text in row if text and text.strip()]
    return texts[0] if len(texts) == 1 and _SECTION_MARK.match(texts[0].strip()) else None


def build_sections(rows: Sequence[_Row]) -> tuple[list[DraftSection], list[Finding]]:
    """工程 and their tasks.  Once any 工程 cell starts with （一）-style numbering, an
    unnumbered 工程 cell is a fragment of the current title (a title broken over rows
    or pages); without numbering, every 工程 cell starts a new 工程."""
    numbered = any(row.section and _SECTION_MARK.match(row.section.strip()) for row in rows)
    pieces: list[list[str]] = []  # per 工程: the cells its title is written in
    tasks: list[list[DraftTask]] = []
    findings: list[Finding] = []
    last_number = 0
    for row in rows:
        if row.section and row.section.strip():
            if pieces and numbered and not _SECTION_MARK.match(row.section.strip()):
                pieces[-1].append(row.section)
            else:
                pieces.append([row.section])
                tasks.append([])
        if not row.task or not unwrap(row.task):
            continue
        if not pieces:
            pieces.append([])
            tasks.append([])
        task, note = _task(row, last_number)
        if note:
            findings.append(finding("import-task-numbered", note, task=task.number))
        last_number = task.number
        tasks[-1].append(task)
    sections = []
    for cells, its_tasks in zip(pieces, tasks):
        title = section_title("".join(cells)) or "主要任务"
        note = ""
        if len(cells) > 1:
            note = f"工程名称在表中分在 {len(cells)} 处，已拼合（推断）"
            message = f"工程名称“{title}”在表中分在 {len(cells)} 处（跨行或跨页），已拼合为一个，请核对。"
            findings.append(finding("import-section-joined", message))
        if its_tasks:
            sections.append(DraftSection(title, tuple(its_tasks), note))
    return sections, findings


def _task(row: _Row, last_number: int) -> tuple[DraftTask, str]:
    number, text = split_number(unwrap(row.task))
    if row.no and unwrap(row.no).isdigit():
        number = int(unwrap(row.no))
    deadline = unwrap(row.deadline) or None
    if number is not None:
        return DraftTask(number, text, unwrap(row.owners), deadline), ""
    number = last_number + 1
    task = DraftTask(number, text, unwrap(row.owners), deadline, note="序号为导入时按顺序编排（推断）")
    return task, f"任务“{text[:20]}……”没有序号，按顺序编为 {number}，请核对。"


# ---------------------------------------------------------------------------
# Units and groups.
# ---------------------------------------------------------------------------


def member_units(paragraphs: Sequence[str]) -> list[str]:
    """The unit list of 附件1 (成员单位), in the document's order."""
    names: list[str] = []
    inside = False
    for paragraph in paragraphs:
        text = unwrap(paragraph)
        heading = _ATTACHMENT_HEADING.match(squeeze(text))
        if heading:
            inside = heading.group(1) == "1"
            continue
        if not inside or not text:
            continue
        if _LIST_SEPARATORS.search(text):
            names.extend(squeeze(piece) for piece in _LIST_SEPARATORS.split(text) if squeeze(piece))
        elif not text.endswith(_LIST_TITLES):
            names.append(squeeze(text))
    return list(dict.fromkeys(names))


@dataclass
class _UnitRecord:
    """A unit while the registry is being built (aliases still grow)."""

    name: str
    kind: str
    note: str = ""
    aliases: list[str] = field(default_factory=list)

    def draft(self) -> DraftUnit:
        return DraftUnit(self.name, self.kind, tuple(self.aliases), self.note)


class _Units:
    """The unit registry the import builds: members first, then every owner the table names."""

    def __init__(self, members: Sequence[str]):
        self.units: dict[str, _UnitRecord] = {name: _UnitRecord(name, MEMBER) for name in members}
        self.members_listed = bool(members)
        self.findings: list[Finding] = []

    def lookup(self, name: str) -> _UnitRecord | None:
        if name in self.units:
            return self.units[name]
        return next((unit for unit in self.units.values() if name in unit.aliases), None)

    def add_owner_names(self, names: Sequence[str]) -> None:
        """Owners the table names that are not members, in order of appearance; a short
        spelling that ends exactly one other name (太湖学院, 无锡太湖学院) becomes its alias."""
        new = [name for name in dict.fromkeys(names) if self.lookup(name) is None]
        everyone = [*self.units, *new]
        aliases = {}
        for name in new:
            # A short name drops the front (无锡太湖学院 → 太湖学院); a name at the front of a
            # longer one is a different body (江阴市 / 江阴市华姿中等专业学校).
            holders = [other for other in everyone if other != name and other.endswith(name)]
            if len(name) >= 2 and len(holders) == 1:
                aliases[name] = holders[0]
        for name in new:
            if name not in aliases:
                self.add(name, "表中责任单位")
        for alias, holder in aliases.items():
            unit = self.lookup(holder)
            if unit is None:  # its holder was itself taken for an alias: keep both as written
                self.add(alias, "表中责任单位")
                continue
            unit.aliases.append(alias)
            unit.note = "；".join(filter(None, [unit.note, f"别名“{alias}”为推断（表中的简称）"]))
            message = f"表中的“{alias}”推断为“{unit.name}”的简称，已登记为别名，请核对。"
            self.findings.append(finding("import-unit-alias", message, unit=unit.name))

    def add(self, name: str, where: str) -> _UnitRecord:
        kind, reason = unit_kind(name, self.members_listed)
        unit = self.units[name] = _UnitRecord(name, kind, note=f"{where}；类别“{kind}”为推断（{reason}）")
        self.findings.append(
            finding("import-unit-kind", f"“{name}”的类别推断为“{kind}”（{reason}），请核对。", unit=name)
        )
        return unit


def build_units(
    members: Sequence[str], sections: Sequence[DraftSection]
) -> tuple[list[DraftUnit], list[DraftGroup], list[DraftSection], list[Finding]]:
    """The unit registry and groups from 附件1 and the 责任单位 of every task, and the
    sections with each per-task group's members (各相关院校: the schools the task's own
    text names).  Groups are recognised by their usual spellings."""
    tasks = [task for section in sections for task in section.tasks]
    groups = _groups_named(task.owners for task in tasks)
    splitter = Registry((), [Group(group.name, group.kinds, per_task=group.per_task) for group in groups])
    registry = _Units(members)
    registry.add_owner_names([token.text for task in tasks for token in splitter.parse(task.owners) if not token.group])
    guesses: list[Finding] = []
    with_members = []
    for section in sections:
        section_tasks = []
        for task in section.tasks:
            named = [(group.name, _schools_named(task.text, registry)) for group in groups if group.per_task and group.name in squeeze(task.owners)]
            for group_name, schools in named:
                message = (
                    f"任务 {task.number} 的“{group_name}”推断为任务内容点名的 {len(schools)} 所院校："
                    f"{'、'.join(schools) or '（未找到）'}，请核对。"
                )
                guesses.append(finding("import-group-members", message, task=task.number))
                task = replace(
                    task,
                    group_members=(*task.group_members, (group_name, tuple(schools))),
                    note=f"“{group_name}”推断为任务内容点名的院校",
                )
            section_tasks.append(task)
        with_members.append(replace(section, tasks=tuple(section_tasks)))
    for group in groups:
        if group.kinds:
            count = sum(1 for unit in registry.units.values() if unit.kind in group.kinds)
            message = f"“{group.name}”推断为名录中所有{'、'.join(group.kinds)}（目前 {count} 所），请核对名录中的院校是否齐全。"
            guesses.append(finding("import-group-members", message))
    units = [unit.draft() for unit in registry.units.values()]
    # Unit findings first: naming schools in a task's text may have added units.
    return units, groups, with_members, registry.findings + guesses


def _groups_named(owner_texts) -> list[DraftGroup]:
    found: dict[str, DraftGroup] = {}
    for text in owner_texts:
        text = squeeze(text)
        for name in sorted(KNOWN_GROUPS, key=len, reverse=True):
            if name in text and name not in found and not any(name in other for other in found):
                kinds, per_task = KNOWN_GROUPS[name]
                note = "指该项任务点名的院校，见任务的 group_members" if per_task else f"名录中所有{'、'.join(kinds)}"
                found[name] = DraftGroup(name, kinds, per_task, note=note)
    return list(found.values())


def _schools_named(text: str, registry: _Units) -> list[str]:
    """Schools a task's text names, as unit names; unknown ones join the registry."""
    names: list[str] = []
    for piece in _SCHOOL_SPLIT.split(text):
        if not piece.endswith(SCHOOL_ENDINGS):
            continue
        known = [unit for unit in registry.units.values() if piece.endswith(unit.name) and unit.kind == SCHOOL]
        if known:
            names.append(max(known, key=lambda unit: len(unit.name)).name)
            continue
        while piece.startswith(_LEAD_VERBS):
            piece = piece[next(len(verb) for verb in _LEAD_VERBS if piece.startswith(verb)) :]
        if len(piece) >= 4:
            if registry.lookup(piece) is None:
                registry.add(piece, "任务内容点名的院校")
            names.append(registry.lookup(piece).name)
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------------------
# The notice's facts.
# ---------------------------------------------------------------------------


def notice_facts(paragraphs: Sequence[str]) -> Notice:
    """Title, issuer, period, deadline, contact, phone, email, how to return and naming rule, from the notice's body ("" where not found)."""
    lines = [unwrap(p) for p in paragraphs]
    body = "\n".join(lines)
    facts = dict.fromkeys(NOTICE_LABELS, "")
    facts["title"] = _notice_title(lines)
    facts["issuer"] = _issuer(lines)
    patterns = {
        "period": r"周期为\**([^。；\n*]+)",
        "contact": r"联系人[:：]([^；;，,。\n]+)",
        "phone": r"(?:联系)?电话[:：]([^；;。\n]+)",
        "email": r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
        "naming": r"以[“\"]([^”\"]+)[”\"]格式(?:统一)?命名",
    }
    for key, pattern in patterns.items():
        match = re.search(pattern, body)
        if match:
            facts[key] = match.group(1).strip("*")
    match = re.search(r"于(\d{4}年\d{1,2}月\d{1,2}日(?:（[^）]*）)?)(?:上午|下午|晚上)?(\d{1,2}[:：]\d{2})?前", body)
    if match:
        facts["deadline"] = match.group(1) + (match.group(2) or "") + "前"
        after = re.match(r"[，,]?(将[^。\n]*。)", body[match.end() :])
        if after:
            facts["how_to_return"] = after.group(1)
    return Notice(**facts)


def _notice_title(lines: Sequence[str]) -> str:
    for index, line in enumerate(lines):
        if "关于" not in line:
            continue
        title = line[line.index("关于") :]
        for following in lines[index + 1 : index + 3]:
            if re.search(r"(函|通知|意见|报告)$", title) or not following:
                break
            title += following
        if re.search(r"(函|通知|意见|报告)$", title):
            return squeeze(title)
    return ""


def _issuer(lines: Sequence[str]) -> str:
    """The signature block: the lines just above the date (成文日期) that closes the body."""
    for index, line in enumerate(lines):
        if not _DATE_LINE.match(squeeze(line)):
            continue
        block: list[str] = []
        above = list(lines[max(0, index - 6) : index])
        while above and not above[-1]:
            above.pop()  # blank lines between the signature and the date
        for previous in reversed(above[-4:]):
            if not previous or previous.startswith(("附件", "-", "特此")) or previous[0].isdigit() or previous.endswith("。"):
                break
            block.insert(0, previous)
        if block:
            return squeeze("".join(block)).translate(_FULL_WIDTH)
    return ""


def table_title(paragraphs: Sequence[str]) -> tuple[str, str]:
    """``(attachment label, title)`` of the task table: the line after the last 附件 heading (附件2)."""
    label, title = "", ""
    lines = [unwrap(p) for p in paragraphs]
    for index, line in enumerate(lines):
        if _ATTACHMENT_HEADING.match(squeeze(line)):
            following = next((other for other in lines[index + 1 :] if other), "")
            if not following.endswith(_LIST_TITLES):  # 附件1 市有关单位名单: the units, not the tasks
                label, title = squeeze(line), squeeze(following)
    return label, title


def sheet_title(documents: Sequence[SourceDocument]) -> tuple[str, str]:
    """``(attachment label, title)`` from the cells above a workbook's task table header."""
    label, title = "", ""
    for document in documents:
        for table in document.tables:
            if table.header < 0:
                continue
            for row in table.rows[: table.header]:
                for text in (squeeze(cell) for cell in row if cell):
                    if _ATTACHMENT_HEADING.match(text):
                        label = text
                    elif text and not title:
                        title = text
            return label, title
    return label, title


def word_limit(labels: dict[str, str], paragraphs: Sequence[str]) -> int | None:
    """The 完成情况 limit: from the column header, else from the notice (每项字数控制在 300 字以内)."""
    match = _LIMIT.search(labels.get("entry", ""))
    if match:
        return int(match.group(1))
    for paragraph in paragraphs:
        match = re.search(r"每项[^。]*?(\d+)\s*字以内", paragraph)
        if match:
            return int(match.group(1))
    return None


# ---------------------------------------------------------------------------
# Everything together.
# ---------------------------------------------------------------------------


def interpret(documents: Sequence[SourceDocument]) -> tuple[CatalogueDraft, list[Finding]]:
    """A catalogue draft from the documents of one notice; raises ``NoTaskTable``."""
    rows, labels = task_rows(documents)
    sections, findings = build_sections(rows)
    if not sections:
        raise NoTaskTable()
    paragraphs = [p for document in documents for p in document.paragraphs]
    members = member_units(paragraphs)
    units, groups, sections, unit_findings = build_units(members, sections)
    findings.extend(unit_findings)
    label, title = table_title(paragraphs)
    if not title:
        label, title = sheet_title(documents)
    notes: dict[str, str] = {}
    if not title:
        title = "任务（项目）完成情况"
        notes["title"] = "文件中未找到表格标题，请填写"
        findings.append(finding("import-notice-missing", "未找到任务清单的标题，已暂用“任务（项目）完成情况”，请在 title 中填写。"))
    limit = word_limit(labels, paragraphs)
    if limit is None:
        limit = DEFAULT_LIMIT
        notes["limit"] = f"文件中未写明字数上限，暂按 {DEFAULT_LIMIT} 字"
        findings.append(finding("import-notice-missing", f"文件中未写明每项完成情况的字数上限，暂按 {DEFAULT_LIMIT} 字，请核对 limit。"))
    notice = notice_facts(paragraphs)
    if paragraphs:
        missing = [NOTICE_LABELS[key] for key, value in vars(notice).items() if not value]
        if missing:
            findings.append(
                finding("import-notice-missing", f"通知中未找到：{'、'.join(missing)}。填报说明会用到这些内容，请在 notice 中补全。")
            )
    if not members:
        findings.append(
            finding("import-notice-missing", "未找到附件1 单位名单：所有单位都来自表中的责任单位，类别为推断，请核对 units。")
        )
    draft = CatalogueDraft(
        title=title,
        attachment=label or "附件2",
        limit=limit,
        sections=tuple(sections),
        units=tuple(units),
        groups=tuple(groups),
        notice=notice,
        sources=tuple(document.name for document in documents),
        notes=notes,
    )
    return draft, findings
