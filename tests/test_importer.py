"""The import's interpretation of task tables, on plain rows (no file format involved)."""

from __future__ import annotations

import pytest

from wbtool.importer import NoTaskTable, build_sections, build_units, member_units, notice_facts, task_rows
from wbtool.model.imported import SourceDocument, SourceTable

HEADER = ["工程名称", "主要任务", "责任单位", "完成情况"]
ROLES = {"工程名称": "section", "主要任务": "task", "责任单位": "owners", "完成情况": "entry"}


def Table(rows, merges=()):
    """A table as io gives it: the header (the first row naming 主要任务) located."""
    rows = tuple(tuple(row) for row in rows)
    header = next((i for i, row in enumerate(rows) if "主要任务" in row), -1)
    columns = {ROLES[text]: c for c, text in enumerate(rows[header]) if text in ROLES} if header >= 0 else {}
    return SourceTable(rows, tuple(merges), header, columns)


def sections_of(*tables: SourceTable):
    rows, _ = task_rows([SourceDocument("通知.docx", (), tables)])
    return build_sections(rows)


def test_an_owner_cell_merged_over_several_tasks_holds_for_each():
    table = Table(
        [HEADER, ["（一）甲工程", "1. 任务一", "市教育局", None], [None, "2. 任务二", None, None]],
        merges=[(1, 0, 2, 0), (1, 2, 2, 2)],
    )
    sections, _ = sections_of(table)
    assert [(t.number, t.owners) for t in sections[0].tasks] == [(1, "市教育局"), (2, "市教育局")]


def test_a_title_row_across_the_table_starts_a_section():
    table = Table(
        [["主要任务", "责任单位"], ["（一）甲工程", None], ["1．任务一", "市教育局"], ["（二）乙工程", None], ["2．任务二", "市财政局"]],
        merges=[(1, 0, 1, 1), (3, 0, 3, 1)],
    )
    sections, _ = sections_of(table)
    assert [(s.title, [t.number for t in s.tasks]) for s in sections] == [("（一）甲工程", [1]), ("（二）乙工程", [2])]


def test_tasks_without_numbers_are_numbered_and_reported():
    table = Table([HEADER, ["（一）甲", "任务一", "市教育局", None], [None, "任务二", "市财政局", None]], [])
    sections, findings = sections_of(table)
    assert [t.number for t in sections[0].tasks] == [1, 2]
    assert [(f.code, f.task) for f in findings] == [("import-task-numbered", 1), ("import-task-numbered", 2)]


def test_without_numbering_every_section_cell_starts_a_section():
    table = Table([HEADER, ["立德树人工程", "1. 甲", "市教育局", None], ["资源优化工程", "2. 乙", "市教育局", None]], [])
    sections, findings = sections_of(table)
    assert [s.title for s in sections] == ["立德树人工程", "资源优化工程"]
    assert not findings


def test_a_headerless_table_continues_the_task_table_before_it():
    first = Table([HEADER, ["（一）甲", "1. 甲", "市教育局", None]], [])
    second = Table([[None, "2. 乙", "市财政局", None]], [])
    sections, _ = sections_of(first, second)
    assert [t.number for t in sections[0].tasks] == [1, 2]


def test_a_table_without_main_tasks_is_no_task_table():
    with pytest.raises(NoTaskTable):
        task_rows([SourceDocument("名单.docx", (), (Table([["序号", "单位", "联系人"], ["1", "市教育局", "张三"]]),))])


def test_a_name_that_contains_a_member_is_not_its_alias():
    """江阴市华姿中等专业学校 contains 江阴市, a member: it is a school of its own."""
    table = Table([HEADER, ["（一）甲", "1. 甲", "江阴市、江阴市华姿中等专业学校", None]], [])
    sections, _ = sections_of(table)
    for members in (["江阴市"], []):
        units, _, _, findings = build_units(members, sections)
        assert {u.name: u.kind for u in units} == {"江阴市": "成员单位", "江阴市华姿中等专业学校": "职业院校"}
        assert not any(f.code == "import-unit-alias" for f in findings)


def test_annex1_list_one_name_per_line_or_separated():
    paragraphs = ["附件 1", "市有关单位名单", "市教育局、市财政局", "宜兴市", "附件 2", "任务清单"]
    assert member_units(paragraphs) == ["市教育局", "市财政局", "宜兴市"]


def test_notice_facts_missing_are_empty():
    facts = notice_facts(["请于 2024 年 3 月 1 日前报送。联系人：李明，电话：12345678。"])
    assert facts.deadline == "2024年3月1日前"
    assert facts.contact == "李明" and facts.phone == "12345678"
    assert facts.email == "" and facts.issuer == ""
