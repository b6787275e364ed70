"""Writing an imported catalogue as YAML, in the shipped catalogues' layout with Chinese comments.

The file is for people: the bureau reviews it, so every guess the import made is a
comment beside the line it concerns, and strings are quoted only where YAML needs it.
"""

from __future__ import annotations

import json
from datetime import date

import yaml

from ..model import DEFAULT_TIME_ZONE, MEMBER, OTHER, SCHOOL
from ..model.imported import NOTICE_LABELS, CatalogueDraft, DraftTask, DraftUnit


def dump(draft: CatalogueDraft, catalogue_id: str, today: date | None = None) -> str:
    """The catalogue file's text."""
    lines = _head(draft, catalogue_id, today or date.today())
    lines += _notice(draft)
    lines += _units(draft.units)
    lines += _groups(draft)
    lines += _sections(draft)
    return "\n".join(lines) + "\n"


def _head(draft: CatalogueDraft, catalogue_id: str, today: date) -> list[str]:
    sources = "、".join(draft.sources)
    return [
        f"# {draft.title}",
        f"# 由 wbtool catalog import 于 {today.isoformat()} 从 {sources} 导入。",
        "# 任务原文、责任单位按正式文件照录（只去掉了换行造成的空格）；单位名录决定谁收到填报表。",
        "# 标有“推断”的注释是导入时猜测的内容，请逐条核对；修改后运行 `wbtool catalog check 本文件路径` 检查。",
        "",
        f"id: {_plain(catalogue_id)}",
        f"title: {_plain(draft.title)}{_comment(draft.notes.get('title'))}",
        f"attachment: {_plain(draft.attachment)}",
        "entry_label: 完成情况",
        f"limit: {draft.limit}{_comment(draft.notes.get('limit') or '每项完成情况的字数上限')}",
        f"time_zone: {DEFAULT_TIME_ZONE}{_comment('各单位所在时区（IANA 时区名）：文件里不带时区的保存时间（.ods）按此理解')}",
        "",
    ]


def _notice(draft: CatalogueDraft) -> list[str]:
    lines = []
    if not any(vars(draft.notice).values()):
        lines.append("# 通知要素（填报说明里会用到）：文件中未找到，请补全。")
    lines.append("notice:")
    for key in NOTICE_LABELS:
        value = getattr(draft.notice, key)
        note = "" if value else f"未找到{NOTICE_LABELS[key]}，请补全"
        lines.append(f"  {key}: {_plain(value)}{_comment(note)}")
    lines.append("")
    return lines


def _units(units: tuple[DraftUnit, ...]) -> list[str]:
    lines = ["# 单位名录。kind：成员单位（附件1）/ 职业院校 / 其他。aliases：简称和其他写法。", "units:"]
    headings = {
        MEMBER: "成员单位（附件1；未找到附件1时为推断）",
        OTHER: "清单中作为责任单位出现的其他单位（类别为推断）",
        SCHOOL: "职业院校（清单中点名的院校，类别为推断）",
    }
    for kind in (MEMBER, OTHER, SCHOOL):
        chosen = [unit for unit in units if unit.kind == kind]
        if not chosen:
            continue
        lines.append(f"  # {headings[kind]}")
        for unit in chosen:
            aliases = ", ".join(_flow(alias) for alias in unit.aliases)
            entry = f"{{name: {_flow(unit.name)}, kind: {kind}, aliases: [{aliases}]}}"
            lines.append(f"  - {entry}{_comment(unit.note)}")
    lines.append("")
    return lines


def _groups(draft: CatalogueDraft) -> list[str]:
    if not draft.groups:
        return []
    lines = ["# 单位组：表中以集体名义出现的责任单位（成员为推断，请核对）。", "groups:"]
    for group in draft.groups:
        lines.append(f"  - name: {_plain(group.name)}")
        if group.kinds:
            lines.append(f"    kinds: [{', '.join(group.kinds)}]{_comment(group.note)}")
        if group.per_task:
            lines.append(f"    per_task: true{_comment(group.note)}")
    lines.append("")
    return lines


def _sections(draft: CatalogueDraft) -> list[str]:
    lines = ["sections:"]
    for section in draft.sections:
        lines.append(f"  - title: {_plain(section.title)}{_comment(section.note)}")
        lines.append("    tasks:")
        for task in section.tasks:
            lines += _task(task)
    return lines


def _task(task: DraftTask) -> list[str]:
    lines = [
        f"      - number: {task.number}{_comment(task.note if not task.group_members else '')}",
        f"        text: {_plain(task.text)}",
        f"        owners: {_plain(task.owners)}",
    ]
    if task.deadline:
        lines.append(f"        deadline: {_plain(task.deadline)}")
    if task.group_members:
        lines.append(f"        group_members:{_comment(task.note)}")
        for group, members in task.group_members:
            lines.append(f"          {_plain(group)}:")
            lines += [f"            - {_plain(member)}" for member in members]
    return lines


def _comment(note: str | None) -> str:
    return f"    # {note}" if note else ""


def _plain(text: str) -> str:
    """``text`` as a block-context YAML scalar: plain where it reads back the same, else double-quoted."""
    if text and "#" not in text and _reads_back(f"k: {text}", text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _flow(text: str) -> str:
    """``text`` inside a flow mapping or list ({name: …}, [ … ])."""
    if text and "#" not in text and _reads_back(f"{{k: {text}}}", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_back(document: str, text: str) -> bool:
    try:
        return yaml.safe_load(document) == {"k": text}
    except yaml.YAMLError:
        return False
