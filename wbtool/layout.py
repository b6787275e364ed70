"""The columns and sheets of every table the tool writes and reads back, spelled once.

A fill-in form is written by ``io.template_xlsx`` and found again by ``io.read``
(also in a unit's Word table); the master is written by ``io.master_xlsx`` and read
back by ``io.master_read``; the report's 附件2 table repeats the official columns.
Each label lives here, so renaming one cannot break a round trip silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Catalogue, Finding


@dataclass(frozen=True)
class FormColumn:
    """One column of the fill-in form: its role, its header, and the spellings a reader accepts.

    Readers compare a header cell, white space removed, by prefix: the official
    header reads 完成情况（每项字数控制在300字以内）.
    """

    role: str
    label: str
    spellings: tuple[str, ...]


NO = FormColumn("no", "序号", ("序号",))
SECTION = FormColumn("section", "工程名称", ("工程名称", "工程"))
TASK = FormColumn("task", "主要任务", ("主要任务", "任务（项目）", "任务(项目)"))
OWNERS = FormColumn("owners", "责任单位", ("责任单位", "牵头单位"))
DEADLINE = FormColumn("deadline", "完成年限", ("完成年限", "完成时限"))  # only some catalogues
ENTRY = FormColumn("entry", "完成情况", ("完成情况",))  # the label is the catalogue's entry_label
COUNT = FormColumn("count", "字数", ("字数",))

FORM_COLUMNS = (NO, SECTION, TASK, OWNERS, DEADLINE, ENTRY, COUNT)
# What makes a table a form: without these two there is nothing to take back.
REQUIRED_ROLES = (TASK.role, ENTRY.role)
HEADER_SPELLINGS: dict[str, tuple[str, ...]] = {column.role: column.spellings for column in FORM_COLUMNS}


def entry_header(catalogue: Catalogue) -> str:
    """The 完成情况 header of the form; it starts with ``catalogue.entry_label``."""
    return f"{catalogue.entry_label}（每项字数控制在{catalogue.limit}字以内）"


def form_headers(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """``(role, header)`` of the fill-in sheet's columns, in order."""
    columns = [NO, SECTION, TASK, OWNERS] + ([DEADLINE] if catalogue.has_deadlines else [])
    headers = [(column.role, column.label) for column in columns]
    return (*headers, (ENTRY.role, entry_header(catalogue)), (COUNT.role, COUNT.label))


# ---------------------------------------------------------------------------
# The indicator form (指标分解): one row per count a unit reports; a share takes two
# rows (numerator, denominator) under one 序号.
# ---------------------------------------------------------------------------

IND_NO = FormColumn("no", "序号", ("序号",))
IND_ITEM = FormColumn("item", "项目", ("项目",))
IND_TARGET = FormColumn("target", "目标", ("目标",))  # the header reads 2022年目标
IND_COUNT = FormColumn("count", "填报项", ("填报项",))
IND_MEASURE = FormColumn("measure", "计量单位", ("计量单位", "单位"))
IND_VALUE = FormColumn("value", "填报值", ("填报值", "完成值"))
IND_SHARE = FormColumn("share", "本单位比例", ("本单位比例",))
INDICATOR_COLUMNS = (IND_NO, IND_ITEM, IND_TARGET, IND_COUNT, IND_MEASURE, IND_VALUE, IND_SHARE)
INDICATOR_REQUIRED = (IND_COUNT.role, IND_VALUE.role)


def indicator_headers(year: int) -> tuple[tuple[str, str], ...]:
    """``(role, header)`` of the indicator form's columns, in order."""
    return tuple((c.role, f"{year}年{c.label}" if c is IND_TARGET else c.label) for c in INDICATOR_COLUMNS)


# ---------------------------------------------------------------------------
# The master workbook: sheet names and headers are a public contract, and
# ``io.master_read`` finds its way back by them.
# ---------------------------------------------------------------------------

SHEET_TABLE = "附件2"
SHEET_UNITS = "报送情况"
SHEET_DETAILS = "明细"
SHEET_FINDINGS = "问题清单"
SHEET_CHART_DATA = "报送统计"  # hidden: the pie's own range, out of reach of the list's filter

COL_NO, COL_SECTION, COL_TASK, COL_OWNERS = NO.label, SECTION.label, TASK.label, OWNERS.label
COL_ENTRY, COL_WORDS, COL_FINAL, COL_FINAL_WORDS = ENTRY.label, COUNT.label, "定稿", "定稿字数"
COL_MISSING, COL_DEADLINE = "未填单位", DEADLINE.label
# 序号 of a row that carries on a task's 完成情况 (「10（续）」): not a number, so not a
# task of its own; ``io.master_read`` adds its text to the task above.
CONTINUED = "（续）"
# The pie's counts, on their own hidden sheet (SHEET_CHART_DATA).
SUMMARY_COLUMNS = ("报送进度", "单位数")
UNIT_COLUMNS = ("单位", "类别", "状态", "报送时间", "文件", "应填任务数", "已填", "未填", "错误数", "警告数")
# With a catalogue that has package rules: 报送情况 gains these, and a 材料清单 sheet lists every material.
SHEET_MATERIALS = "材料清单"
PACKAGE_COLUMNS = ("总结字数", "典型经验篇数", "盖章版", "命名")
MATERIAL_COLUMNS = ("单位", "类别", "文件", "字数", "页数", "扫描件", "来源文件", "保存时间")
DETAIL_COLUMNS = ("单位", COL_NO, COL_TASK, COL_ENTRY, COL_WORDS, "来源文件", "单元格", "保存时间", "是否被更正替代")

# The indicator master: the city's figures and the units' counts.
SHEET_INDICATORS = "指标汇总"
SHEET_INDICATOR_DETAILS = "指标明细"
INDICATOR_SUMMARY_COLUMNS = ("序号", "项目", "目标", "计量单位", "全市完成值", "达标", "差距", "分子合计", "分母合计", "报送单位数")
INDICATOR_DETAIL_COLUMNS = ("单位", "序号", "指标", "填报项", "填报值", "计量单位", "原文", "来源文件", "单元格", "是否被更正替代")

# The findings as a table: the 问题清单 sheet, findings.csv and ``check --format csv``.
FINDING_COLUMNS = ("级别", "代码", "单位", "任务", "文件", "位置", "说明", "原文")
# The 问题清单 sheet also names each code in Chinese, right after it.
COL_CODE_NAME = "问题名称"
FINDING_SHEET_COLUMNS = (*FINDING_COLUMNS[:2], COL_CODE_NAME, *FINDING_COLUMNS[2:])


def finding_cells(f: Finding) -> tuple[str, ...]:
    """One finding as the text cells of a table row (CSV and the 问题清单 sheet)."""
    task = "" if f.task is None else str(f.task)
    return (f.severity.label, f.code, f.unit or "", task, f.file or "", f.cell or "", f.message, f.text or "")
