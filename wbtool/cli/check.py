"""``wbtool check``: check what the units returned, without merging anything."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import click
from rich.table import Table

from ..io.findings_out import findings_csv
from ..model import CheckResult, Role, Severity, Submission, submission
from ..pipeline import check_returns, markup_returns, markup_target_problem
from ..text import number_ranges
from ._common import (
    EXIT_BLOCKING,
    EXIT_CANNOT_RUN,
    EXIT_OK,
    OPTIONS_METAVAR,
    assignments_from_options,
    catalog_option,
    console,
    err_console,
    findings_table,
    load_catalogue,
    progress_bar,
    read_cache_option,
    return_options,
    with_book,
)

FORMATS = ("table", "json", "csv")


@click.command("check", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True), metavar="路径…")
@catalog_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="输出格式：table 表格（给人看）；csv 与 wbtool merge 输出的 findings.csv 同格式（Excel 可直接打开）；json 给其他程序。")
@return_options
@click.option("--markup", "markup_dir", type=click.Path(file_okay=False), metavar="文件夹", help="为有问题的单位生成“退回修改”工作簿（问题单元格标色并批注），存入该文件夹。")
def check(paths, catalog, fmt, password, assign, assignments_file, contacts, no_cache, markup_dir) -> None:
    """核查各单位交回的填报表：报送单位、任务对应、字数、漏填、错填。

    路径可以是文件夹、xlsx / xls / docx、zip 压缩包或 eml 邮件，可给多个。
    只读不改：输入文件不会被修改。有“错误”级问题时退出码为 1。

    \b
    例：
      wbtool check 回收材料/
      wbtool check 回收材料/ --format csv > 问题清单.csv
      wbtool check 回收材料/ --assign "附件2(1).xlsx=市科技局" --markup 退回修改/
    """
    catalogue, _ = load_catalogue(catalog, read_cache_option(no_cache))
    catalogue = with_book(catalogue, contacts)
    assignments = assignments_from_options(assign, assignments_file, catalogue)
    if markup_dir is not None:
        _refuse_markup_inside_inputs(Path(markup_dir), paths)

    with progress_bar("核查回收文件") as progress:
        result = check_returns(
            list(paths), catalogue, password=password, assignments=assignments, progress=progress,
            cache=read_cache_option(no_cache), work=markup_dir,
        )

    if not result.files:
        # An empty or wrong folder must not look like a clean batch.
        err_console.print(f"[yellow]在{'、'.join(map(str, paths))}中没有找到任何文件：请确认回收材料的位置。[/]", soft_wrap=True)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in result.findings], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        sys.stdout.buffer.write(findings_csv(result.findings))
    else:
        _render_table(result)

    if markup_dir is not None:
        written = markup_returns(list(paths), result, Path(markup_dir))
        err_console.print(f"已生成 {len(written)} 份“退回修改”工作簿：{markup_dir}")
    sys.exit(EXIT_BLOCKING if result.has_errors else EXIT_OK)


def _refuse_markup_inside_inputs(out_dir: Path, paths) -> None:
    problem = markup_target_problem(out_dir, paths)
    if problem:
        err_console.print(f"[red]--markup：{problem}[/]")
        sys.exit(EXIT_CANNOT_RUN)


def summary_rows(result: CheckResult) -> list[tuple[str, str, int, int, int, int]]:
    """(单位, 状态, 文件数, 应填, 已填, 问题数) for every unit that owns tasks."""
    catalogue = result.catalogue
    files_of: dict[str, list] = defaultdict(list)
    for report in result.files:
        files_of[report.unit].append(report)
    filled_of: dict[str, set[int]] = defaultdict(set)
    for entry in result.current_entries():
        filled_of[entry.unit].add(entry.task)
    problems_of = Counter(f.unit for f in result.findings if f.code != "unit-missing")
    rows = []
    for unit in catalogue.units:
        owned = catalogue.tasks_of(unit.name)
        if not owned:
            continue
        files = files_of.get(unit.name, [])
        status = submission(
            forms=sum(r.role is Role.FORM for r in files),
            others=sum(r.role is Role.ATTACHMENT for r in files),
            unreadable=sum(r.role is Role.UNREADABLE for r in files),
            filled=len(filled_of.get(unit.name, ())),
            owned=len(owned),
        )
        if status is Submission.PARTIAL:
            status = Submission.RETURNED  # the table's 应填 / 已填 columns say how far
        rows.append((unit.name, status, len(files), len(owned), len(filled_of.get(unit.name, ())), problems_of[unit.name]))
    return rows


# Findings that come by the dozen on a normal day: the table folds them into one
# line per unit (or a count) so the ones that need a decision stay readable.
FOLDED = {"unit-missing", "entry-missing"}


def _render_table(result: CheckResult) -> None:
    table = Table(title="报送情况", header_style="bold")
    for column in ("单位", "状态", "文件数", "应填", "已填", "问题数"):
        table.add_column(column, justify="left" if column in ("单位", "状态") else "right")
    for name, status, files, owned, filled, problems in summary_rows(result):
        style = "" if status is Submission.RETURNED else "yellow"
        table.add_row(name, f"[{style}]{status.value}[/]" if style else status.value, str(files), str(owned), str(filled), str(problems))
    console.print(table)

    unattributed = [r for r in result.files if r.unit is None and r.role in (Role.HELD, Role.UNREADABLE)]
    if unattributed:
        console.print(f"另有 {len(unattributed)} 个文件无法归属或无法读取，见下表。")
    shown = [f for f in result.findings if f.code not in FOLDED and f.severity is not Severity.INFO]
    if shown:
        console.print(findings_table(shown, title="问题清单"))
    _render_missing_entries(result)
    counts = Counter(f.code for f in result.findings)
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    infos = sum(1 for f in result.findings if f.severity is Severity.INFO)
    console.print(
        f"共 {len(result.files)} 个文件，{len(result.current_entries())} 条{result.catalogue.entry_label}；"
        f"错误 {errors} 个，未报送单位 {counts['unit-missing']} 个，"
        f"未填写 {counts['entry-missing'] + counts['value-missing']} 项，提示 {infos} 条。"
    )
    if infos or counts["entry-missing"]:
        console.print("逐条明细（含提示）：wbtool check … --format csv > 问题清单.csv，或 wbtool merge 生成的汇总表“问题清单”。")


def _render_missing_entries(result: CheckResult) -> None:
    """One line per unit: the tasks it returned without a 完成情况 (latest files only)."""
    current = {(e.unit, e.task) for e in result.current_entries()}
    missing: dict[str, set[int]] = defaultdict(set)
    for f in result.findings:
        if f.code == "entry-missing" and f.unit and f.task is not None and (f.unit, f.task) not in current:
            missing[f.unit].add(f.task)
    if not missing:
        return
    table = Table(title="未填写完成情况的任务", header_style="bold")
    table.add_column("单位")
    table.add_column("任务序号", overflow="fold")
    for unit, tasks in missing.items():
        table.add_row(unit, number_ranges(sorted(tasks)))
    console.print(table)


COMMANDS = [check]
