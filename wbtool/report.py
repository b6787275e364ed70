"""The Word report (报告) as plain data.

``build_report`` turns a view of the master — task texts, unit statuses, findings —
into paragraphs and the 附件2 table.  ``pipeline.merge`` feeds it the freshly built
master; ``pipeline.report_from_master`` feeds it the master workbook after the
bureau edited the 定稿 column.  One builder, so both reports read the same.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Sequence

from . import wordcount
from .findings import finding
from .model import (
    BODY,
    H1,
    H2,
    PERCENT,
    Block,
    Catalogue,
    Finding,
    IndicatorResult,
    IndicatorRow,
    Master,
    MasterEdits,
    MasterView,
    Report,
    TableRow,
    Task,
)
from .text import printable

MAX_UNITS_NAMED = 12  # past this a list of unit names stops being read
TITLE_LINE = 20  # 二号 characters in the 156 mm text width
CLOSING = "特此报告。"
# What the attachment prints instead of a text the notice does not allow, or of nothing.
PENDING = "（待定稿）"
NOT_RETURNED = "（未报送）"
NOT_FILLED = "（未填写）"


def view_of(master: Master) -> MasterView:
    """A freshly merged master as the report sees it (what ``read_master`` gives back)."""
    return MasterView(
        catalogue=master.catalogue,
        texts={row.task.no: row.final or row.merged for row in master.rows},
        units=master.units,
        findings=master.findings,
        packages=master.packages,
    )


def report_date(catalogue: Catalogue, given: date | None = None) -> date:
    """成文日期: the one the user gives, else the catalogue's, else today."""
    if given:
        return given
    if catalogue.report.date:
        return date.fromisoformat(catalogue.report.date)  # checked when the catalogue was loaded
    return date.today()


def build_report(view: MasterView, *, today: date | None = None) -> Report:
    catalogue = view.catalogue
    blocks = [Block(BODY, _opening(catalogue))]
    blocks += _submission_part(view)
    blocks += _tasks_part(view)
    blocks += _outlook_part(view)
    blocks.append(Block(BODY, CLOSING))
    rows = tuple(
        TableRow(
            task.no,
            fullwidth(task.section),
            fullwidth(task.text),
            fullwidth(task.owners_text),
            printed_text(view, task),
            task.deadline,
        )
        for task in catalogue.tasks
    )
    title = f"关于{catalogue.title}的报告"
    return Report(
        title=title,
        blocks=tuple(Block(b.level, fullwidth(b.text)) for b in blocks),
        attachment="附件",
        table_title=catalogue.title,
        rows=rows,
        entry_label=catalogue.entry_label,
        has_deadlines=catalogue.has_deadlines,
        dated=report_date(catalogue, today),
        title_lines=catalogue.report.title or break_title(title),
        recipient=catalogue.report.recipient or catalogue.notice.issuer,
        issuer=catalogue.report.issuer or signature_lines(catalogue.notice.issuer),
    )


# ---------------------------------------------------------------------------
# The attachment's texts: never over the limit, never blank without a word why.
# ---------------------------------------------------------------------------


def printed_text(view: MasterView, task: Task) -> str:
    """What the attachment prints for ``task``."""
    text = printable(view.texts.get(task.no, ""))
    if not text.strip():
        returned = {u.unit for u in view.units if u.returned}
        return NOT_FILLED if returned & set(task.owners) else NOT_RETURNED
    if wordcount.count(text) > view.catalogue.limit:
        return PENDING
    return fullwidth(text)


def pending_finals(view: MasterView, *, file: str | None = None, skip: Sequence[int] = ()) -> list[Finding]:
    """One finding per task the attachment prints as 「（待定稿）」."""
    limit = view.catalogue.limit
    return [
        finding(
            "final-pending",
            f"第 {task.no} 项任务的{view.catalogue.entry_label}有 {wordcount.count(view.texts[task.no])} 字，超过 {limit} 字，"
            f"报告附件中该项印为“{PENDING}”：请在汇总表“定稿”栏填写不超过 {limit} 字的定稿后重新生成报告。",
            task=task.no,
            file=file,
        )
        for task in view.catalogue.tasks
        if task.no not in skip and wordcount.count(view.texts.get(task.no, "")) > limit
    ]


# Half-width punctuation typed between Chinese characters: what GB/T 9704 sets full width.
_CJK = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’]"
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_PUNCT_BETWEEN = re.compile(rf"(?<={_CJK})\s*([,;:?!])\s*(?={_CJK})")
_PAREN = re.compile(rf"\(([^()\n]*{_CJK}[^()\n]*|[^()\n]*)\)")


def fullwidth(text: str) -> str:
    """``(四)加强…, 推进…`` → ``（四）加强…，推进…``; numbers (1,000 and (1)) in Latin text stay."""
    if not text or text.isascii():
        return text
    text = _PUNCT_BETWEEN.sub(lambda m: _HALF_PUNCT[m[1]], text)

    def paren(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        chinese = re.search(_CJK, m[1]) or re.match(_CJK, before or " ") or re.match(_CJK, after or " ")
        return f"（{m[1]}）" if chinese else m[0]

    return _PAREN.sub(paren, text)


# Where a title may break without splitting a word: after a word that ends a phrase,
# or before one that starts one (the verbs and nouns of the bureau's titles).
BREAK_AFTER = ("关于", "的", "和", "与", "及", "、", "）", "》", "工作", "情况")
BREAK_BEFORE = ("推进", "打造", "加快", "深化", "实施", "建设", "任务", "完成情况", "工作")


def break_title(title: str, width: int = TITLE_LINE) -> tuple[str, ...]:
    """A title too long for one line, broken where a word ends into lines of at most
    ``width`` characters, as even as possible; a catalogue can give its own lines."""
    if len(title) <= width:
        return (title,)
    after = {i + len(mark) for mark in BREAK_AFTER for i in _positions(title, mark)}
    before = {i for mark in BREAK_BEFORE for i in _positions(title, mark)}
    cuts = sorted((after | before) - {0, len(title)})
    best: tuple[str, ...] | None = None
    for lines in _splits(title, cuts, width):
        if best is None or _badness(lines) < _badness(best):
            best = lines
    return best or (title,)


def _positions(text: str, mark: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(mark, i)]


def _splits(text: str, cuts: Sequence[int], width: int, start: int = 0):
    """Every way to cut ``text`` at ``cuts`` into lines no longer than ``width``."""
    if len(text) - start <= width:
        yield (text[start:],)
        return
    for cut in cuts:
        if start < cut <= start + width:
            for rest in _splits(text, cuts, width, cut):
                yield (text[start:cut], *rest)


def _badness(lines: Sequence[str]) -> tuple[int, bool, int]:
    """Fewer lines first; then a 梯形 or 菱形, never a waist; then lines of like length."""
    sizes = [len(line) for line in lines]
    waist = any(sizes[i] < sizes[i - 1] and sizes[i] < sizes[i + 1] for i in range(1, len(sizes) - 1))
    return len(lines), waist, max(sizes) - min(sizes)


def signature_lines(issuer: str) -> tuple[str, ...]:
    """发文机关署名 from the notice's issuer: a 「（…代章）」 on a line of its own."""
    name, bracket, rest = issuer.partition("（")
    return tuple(line for line in (name, bracket + rest) if line)


# ---------------------------------------------------------------------------
# The body, in the bureau's words.
# ---------------------------------------------------------------------------


def _opening(catalogue: Catalogue) -> str:
    # A title quoted inside the notice's own title takes the inner marks: 《关于印发〈…〉的通知》.
    title = catalogue.notice.title.replace("《", "〈").replace("》", "〉")
    source = f"根据《{title}》要求，" if title else ""
    return f"{source}现将{catalogue.title}汇总报告如下。"


def _names(units: Sequence[str]) -> str:
    if len(units) <= MAX_UNITS_NAMED:
        return "、".join(units)
    return "、".join(units[:MAX_UNITS_NAMED]) + f"等{len(units)}个单位"


def _submission_part(view: MasterView) -> list[Block]:
    units = view.units
    returned = [u for u in units if u.returned]
    absent = [u.unit for u in units if not u.returned]
    # Who left which cell blank is a data check: it is in the workbook, not in a 公文.
    blocks = [
        Block(H1, "一、报送情况"),
        Block(
            BODY,
            f"本次应报送单位{len(units)}个，已报送{len(returned)}个，未报送{len(absent)}个。"
            + (f"未报送单位：{_names(absent)}。" if absent else "所有单位均已报送。"),
        ),
    ]
    blocks += _materials_part(view)
    return blocks


def _materials_part(view: MasterView) -> list[Block]:
    """How many units sent each material the notice asks for, and who lacks which."""
    rules, packages = view.catalogue.package, view.packages
    if rules is None or not packages:
        return []
    summaries = [p for p in packages if p.summaries]
    cases = [p for p in packages if p.cases]
    stamped = [p for p in packages if p.stamped]
    text = (
        f"已报送的{len(packages)}个单位中，{len(summaries)}个报送了工作总结，"
        f"{len(cases)}个报送了典型经验（共{sum(p.cases for p in packages)}篇），{len(stamped)}个报送了PDF盖章版。"
    )
    blocks = [Block(BODY, text)]
    lacking = [
        (what, [p.unit for p in packages if p not in have])
        for what, have in (("工作总结", summaries), ("典型经验", cases), ("PDF盖章版", stamped))
    ]
    lines = [f"未报送{what}的单位：{_names(units)}" for what, units in lacking if units]
    if lines:
        blocks.append(Block(BODY, "；".join(lines) + "。"))
    return blocks


def _tasks_part(view: MasterView) -> list[Block]:
    catalogue = view.catalogue
    tasks = catalogue.tasks
    filled = [t for t in tasks if view.texts.get(t.no, "").strip()]
    label = catalogue.entry_label
    text = f"附件所列{len(tasks)}项任务中，{len(filled)}项已报送{label}"
    text += f"，{len(tasks) - len(filled)}项尚未报送。" if len(filled) < len(tasks) else "。"
    return [Block(H1, "二、任务完成情况"), Block(BODY, text + f"各项任务{label}见附件。")]


def _absent_units(view: MasterView) -> tuple[list[str], list[str]]:
    """The first problem and plan of every report: units that have not reported."""
    absent = [u for u in view.units if not u.returned]
    if not absent:
        return [], []
    return [f"尚有{len(absent)}个单位未报送"], ["督促未报送的单位尽快报送"]


def _outlook_blocks(found: str, plans: list[str]) -> list[Block]:
    return [
        Block(H1, "三、存在的问题和下一步打算"),
        Block(H2, "（一）存在的问题"),
        Block(BODY, found),
        Block(H2, "（二）下一步打算"),
        Block(BODY, "，".join(plans) + "。"),
    ]


def _outlook_part(view: MasterView) -> list[Block]:
    """存在的问题 and 下一步打算: what the bureau still has to do, never how the tool checked."""
    catalogue = view.catalogue
    unfilled = [t for t in catalogue.tasks if not view.texts.get(t.no, "").strip()]
    pending = [t for t in catalogue.tasks if wordcount.count(view.texts.get(t.no, "")) > catalogue.limit]
    problems, plans = _absent_units(view)
    if unfilled:
        problems.append(f"{len(unfilled)}项任务尚无{catalogue.entry_label}")
        plans.append(f"请有关责任单位补报{catalogue.entry_label}")
    if pending:
        problems.append(f"{len(pending)}项任务的{catalogue.entry_label}尚在审核定稿")
        plans.append(f"对各单位报送的{catalogue.entry_label}逐项审核、压缩定稿")
    found = "；".join(problems) + "。" if problems else f"各单位均已按要求报送{catalogue.entry_label}。"
    plans.append("持续跟踪各项任务推进情况，确保按期完成")
    return _outlook_blocks(found, plans)


# ---------------------------------------------------------------------------
# An indicator catalogue's report
# ---------------------------------------------------------------------------


def build_indicator_report(view: MasterView, results: Sequence[IndicatorResult], year: int, *, today: date | None = None) -> Report:
    """The report of an indicator catalogue: 报送情况, 指标完成情况, problems and plans,
    and the 指标完成情况 table as its attachment."""
    catalogue = view.catalogue
    table_title = f"{catalogue.title}（{year}年度）"
    blocks = [Block(BODY, _opening(catalogue))]
    blocks += _submission_part(view)
    blocks += _indicators_part(results, year)
    blocks += _indicator_outlook(view, results)
    blocks.append(Block(BODY, CLOSING))
    title = f"关于{catalogue.title}的报告"
    return Report(
        title=title,
        blocks=tuple(Block(b.level, fullwidth(b.text)) for b in blocks),
        attachment="附件",
        table_title=table_title,
        rows=(),
        entry_label=catalogue.entry_label,
        dated=report_date(catalogue, today),
        title_lines=catalogue.report.title or break_title(title),
        recipient=catalogue.report.recipient or catalogue.notice.issuer,
        issuer=catalogue.report.issuer or signature_lines(catalogue.notice.issuer),
        indicator_rows=tuple(indicator_row(r) for r in results),
    )


def _indicator_outlook(view: MasterView, results: Sequence[IndicatorResult]) -> list[Block]:
    short = [r for r in results if r.met is False]
    problems, plans = _absent_units(view)
    if short:
        problems.append(f"{len(short)}项指标未达到年度目标")
        plans.append("对未达标指标逐项分析原因、落实措施")
    found = "；".join(problems) + "。" if problems else "各项有年度目标的指标均已达标。"
    plans.append("持续跟踪各项指标完成情况，确保行动计划目标如期实现")
    return _outlook_blocks(found, plans)


def _indicators_part(results: Sequence[IndicatorResult], year: int) -> list[Block]:
    targeted = [r for r in results if r.target.has_target]
    met = [r.indicator.no for r in targeted if r.met]
    short = [r.indicator.no for r in targeted if r.met is False]
    unknown = [r.indicator.no for r in targeted if r.met is None]
    text = f"{year}年度{len(results)}项指标中，{len(targeted)}项有年度目标：已达标{len(met)}项"
    text += f"，未达标{len(short)}项（{_numbers(short)}）" if short else "，无未达标指标"
    text += f"，尚无数据{len(unknown)}项（{_numbers(unknown)}）。" if unknown else "。"
    text += "比例类指标按各单位分子之和除以分母之和计算。各项完成值见附件。"
    return [Block(H1, "二、指标完成情况"), Block(BODY, text)]


MAX_NUMBERS_LISTED = 6  # a longer run of numbers cannot be justified on a 28-character line


def _numbers(numbers: Sequence[int]) -> str:
    if len(numbers) > MAX_NUMBERS_LISTED:
        return "详见附件"
    return f"第{'、'.join(map(str, numbers))}项"


def _amount(value: float, measure: str) -> str:
    if measure == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.0f}{measure}"


def indicator_row(result: IndicatorResult) -> IndicatorRow:
    ind = result.indicator
    actual = "（无数据）" if result.actual is None else _amount(result.actual, ind.measure)
    gap = ""
    if result.met is False and result.gap is not None:
        gap = f"差{result.gap:.1f}个百分点" if ind.measure == PERCENT else f"差{_amount(result.gap, ind.measure)}"
    return IndicatorRow(ind.no, ind.text, result.target.text, actual, result.verdict, gap)


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
