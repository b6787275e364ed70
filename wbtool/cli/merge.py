"""``wbtool merge`` and ``wbtool report``: the master workbook and the Word report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..findings import has_errors
from ..merge import MergeRefused, merge as merge_returns
from ..model import Finding, Severity
from ..pool import warm_up
from ..report import report_from_master
from ._common import (
    EXIT_BLOCKING,
    EXIT_CANNOT_RUN,
    EXIT_OK,
    OPTIONS_METAVAR,
    assignments_from_options,
    catalog_option,
    console,
    err_console,
    load_catalogue,
    progress_bar,
    render_findings,
    return_options,
    with_book,
)


@click.command("merge", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True), metavar="路径…")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False), metavar="文件夹", help="输出文件夹（不能是回收材料所在的文件夹）：汇总表、Word 报告、问题清单写在这里。")
@catalog_option
@return_options
def merge(paths, out_dir, catalog, password, assign, assignments_file, contacts) -> None:
    """汇总：核查各单位交回的文件，生成汇总表（xlsx）、Word 报告和问题清单。

    路径可以是文件夹、xlsx / xls / docx、zip 压缩包或 eml 邮件，可给多个。
    汇总表“附件2”工作表中的“定稿”栏可直接修改，改好后用 wbtool report 重新生成报告。
    有“错误”级问题时退出码为 1。
    """
    warm_up()  # the readers' server boots while the catalogue is loaded
    catalogue, _ = load_catalogue(catalog)
    catalogue = with_book(catalogue, contacts)
    assignments = assignments_from_options(assign, assignments_file, catalogue)
    try:
        with progress_bar("核查并汇总") as progress:
            result = merge_returns(
                list(paths), Path(out_dir), catalogue=catalogue, password=password, assignments=assignments, progress=progress
            )
    except MergeRefused as exc:
        err_console.print(f"[red]{exc}[/]")
        sys.exit(EXIT_CANNOT_RUN)
    except OSError as exc:
        err_console.print(f"[red]输出文件无法写入：{exc}。请关闭在 Excel / WPS / Word 中打开的汇总表或报告后重试。[/]")
        sys.exit(EXIT_CANNOT_RUN)

    units = result.master.units
    returned = sum(u.returned for u in units)
    entries = sum(len(row.entries) for row in result.master.rows)
    console.print(f"已报送单位 {returned}/{len(units)}，完成情况 {entries} 条；{_counts(result.findings)}。")
    for path in result.outputs:
        console.print(f"  {path}", soft_wrap=True)  # whole paths, to copy
    sys.exit(EXIT_BLOCKING if result.has_errors else EXIT_OK)


@click.command("report", options_metavar=OPTIONS_METAVAR)
@click.argument("master", type=click.Path(exists=True, dir_okay=False), metavar="汇总表.xlsx")
@click.option("--out", "-o", "out_path", required=True, type=click.Path(dir_okay=False), metavar="报告.docx", help="要生成的 Word 报告文件。")
@catalog_option
def report(master, out_path, catalog) -> None:
    """按（修改过“定稿”的）汇总表重新生成 Word 报告。

    有“定稿”的任务用定稿，没有的用汇总的完成情况。定稿超过字数上限时仍生成报告，
    但列出超限的任务，退出码为 1。
    """
    catalogue, _ = load_catalogue(catalog)
    try:
        path, findings = report_from_master(master, out_path, catalogue=catalogue)
    except OSError as exc:
        err_console.print(f"[red]报告无法写入：{exc}。请关闭在 Word / WPS 中打开的报告后重试。[/]")
        sys.exit(EXIT_CANNOT_RUN)
    render_findings(findings, title="问题清单")
    if path is None:
        sys.exit(EXIT_CANNOT_RUN)
    console.print(f"已生成报告：{path}", soft_wrap=True)
    sys.exit(EXIT_BLOCKING if has_errors(findings) else EXIT_OK)


def _counts(findings: tuple[Finding, ...]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    return f"错误 {errors} 个，警告 {warnings} 个"


COMMANDS = [merge, report]
