"""The Word report (报告) as plain data.

``build_report`` turns a view of the master — task texts, unit statuses, findings —
into paragraphs and the 附件2 table.  ``pipeline.merge`` feeds it the freshly built
master; ``pipeline.report_from_master`` feeds it the master workbook after the
bureau edited the 定稿 column.  One builder, so both reports read the same.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from . import wordcount
from .findings import CODES, finding
from .model import BODY, H1, H3, Block, Catalogue, Finding, Master, MasterEdits, MasterView, Report, Severity, TableRow

MAX_UNITS_NAMED = 12  # past this a list of unit names stops being read
TOLD_ELSEWHERE = ("unit-missing",)  # part one already lists the units that did not return


def view_of(master: Master) -> MasterView:
    """A freshly merged master as the report sees it (what ``read_master`` gives back)."""
    return MasterView(
        catalogue=master.catalogue,
        texts={row.task.no: row.final or row.merged for row in master.rows},
        units=master.units,
        findings=master.findings,
    )


def build_report(view: MasterView, *, today: date | None = None) -> Report:
    catalogue = view.catalogue
    blocks = [Block(BODY, _opening(catalogue))]
    blocks += _submission_part(view)
    blocks += _tasks_part(view)
    blocks += _issues_part(view)
    blocks.append(Block(BODY, ""))  # GB/T 9704: one blank line before the attachment note
    blocks.append(Block(BODY, f"附件：{catalogue.title}"))
    rows = tuple(
        TableRow(task.no, task.section, task.text, task.owners_text, view.texts.get(task.no, ""), task.deadline)
        for task in catalogue.tasks
    )
    return Report(
        title=f"关于{catalogue.title}的报告",
        blocks=tuple(blocks),
        attachment=catalogue.attachment,
        table_title=catalogue.title,
        rows=rows,
        entry_label=catalogue.entry_label,
        has_deadlines=catalogue.has_deadlines,
        dated=today or date.today(),
    )


def _opening(catalogue: Catalogue) -> str:
    source = f"根据《{catalogue.notice.title}》要求，" if catalogue.notice.title else ""
    return f"{source}现将{catalogue.title}汇总情况报告如下。"


def _names(units: Sequence[str]) -> str:
    if len(units) <= MAX_UNITS_NAMED:
        return "、".join(units)
    return "、".join(units[:MAX_UNITS_NAMED]) + f"等{len(units)}个单位"


def _task_list(numbers: Sequence[int]) -> str:
    """第1、4、7项任务 — or, for a long list, 第1、4、7……项等N项任务."""
    if len(numbers) <= MAX_UNITS_NAMED:
        return f"第{'、'.join(map(str, numbers))}项任务"
    shown = "、".join(map(str, numbers[:MAX_UNITS_NAMED]))
    return f"第{shown}项等{len(numbers)}项任务"


def _submission_part(view: MasterView) -> list[Block]:
    units = view.units
    returned = [u for u in units if u.returned]
    partial = [u for u in returned if u.missing > 0]
    absent = [u.unit for u in units if not u.returned]
    blocks = [
        Block(H1, "一、报送情况"),
        Block(
            BODY,
            f"本次应报送单位{len(units)}个，已报送{len(returned)}个"
            + (f"（其中{len(partial)}个单位部分任务未填写）" if partial else "")
            + f"，未报送{len(absent)}个。",
        ),
    ]
    blocks.append(Block(BODY, f"未报送单位：{_names(absent)}。" if absent else "所有单位均已报送。"))
    if partial:
        listed = [f"{u.unit}（未填{u.missing}项）" for u in partial]
        blocks.append(Block(BODY, f"部分任务未填写的单位：{_names(listed)}。"))
    corrected = list(dict.fromkeys(f.unit for f in view.findings if f.code == "superseded" and f.unit))
    if corrected:
        blocks.append(Block(BODY, f"报送了更正版本的单位：{_names(corrected)}，均以最后报送的版本为准。"))
    else:
        blocks.append(Block(BODY, "本次未收到更正版本。"))
    return blocks


def _tasks_part(view: MasterView) -> list[Block]:
    catalogue = view.catalogue
    tasks = catalogue.tasks
    filled = [t for t in tasks if view.texts.get(t.no, "").strip()]
    text = (
        f"{catalogue.attachment}所列{len(tasks)}项任务中，{len(filled)}项已有{catalogue.entry_label}，"
        f"{len(tasks) - len(filled)}项尚无单位填报。各项任务{catalogue.entry_label}见{catalogue.attachment}，"
        f"每项不超过{catalogue.limit}字。"
    )
    return [Block(H1, "二、任务完成情况"), Block(BODY, text)]


def _issues_part(view: MasterView) -> list[Block]:
    catalogue = view.catalogue
    blocks = [Block(H1, "三、需关注的问题")]
    long_tasks = [no for no, text in sorted(view.texts.items()) if wordcount.count(text) > catalogue.limit]
    # 未报送 is told in part one already; here only what needs a decision.
    serious = [f for f in view.findings if f.severity is not Severity.INFO and f.code not in TOLD_ELSEWHERE]
    number = 0
    if long_tasks:
        number += 1
        blocks.append(
            Block(
                H3,
                f"{number}.{_task_list(long_tasks)}的{catalogue.entry_label}超过{catalogue.limit}字，"
                "尚待压缩定稿（在汇总表“定稿”栏修改后重新生成本报告）。",
            )
        )
    by_code: dict[str, list[Finding]] = {}
    for f in serious:
        by_code.setdefault(f.code, []).append(f)
    order = sorted(by_code.items(), key=lambda item: (item[1][0].severity is not Severity.ERROR, -len(item[1])))
    for code, items in order:
        number += 1
        title = CODES[code].title if code in CODES else code
        units = list(dict.fromkeys(f.unit for f in items if f.unit))
        where = f"，涉及{_names(units)}" if units else ""
        blocks.append(Block(H3, f"{number}.{title}{len(items)}处{where}。"))
    if number == 0:
        blocks.append(Block(BODY, "未发现需要处理的问题。"))
    infos = sum(f.severity is Severity.INFO for f in view.findings)
    tail = f"另有提示{infos}条。" if infos else ""
    blocks.append(Block(BODY, f"{tail}逐条明细见汇总表“问题清单”。"))
    blocks.append(Block(BODY, f"字数计算规则：{wordcount.RULE}。"))
    return blocks


def check_edits(edits: MasterEdits, catalogue: Catalogue, file: str) -> list[Finding]:
    """Rows of an edited master the catalogue does not know, and catalogue tasks the sheet lost."""
    known = {task.no for task in catalogue.tasks}
    present = {row.no for row in edits.rows}
    problems = [
        finding("task-unknown", f"汇总表第 {row.no} 项在任务清单“{catalogue.id}”中不存在：请确认用的是同一份任务清单（--catalog）。", task=row.no, file=file, cell=row.cell)
        for row in edits.rows
        if row.no not in known
    ]
    problems += [
        finding("row-missing", f"汇总表中找不到第 {no} 项任务的行：报告中该项将为空，请从原汇总表恢复该行。", task=no, file=file)
        for no in sorted(known - present)
    ]
    return problems
