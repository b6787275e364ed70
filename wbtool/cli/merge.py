"""``wbtool merge`` and ``wbtool report``: the master workbook and the Word report."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..errors import CannotWrite, os_reason
from ..model import Finding, Severity, has_errors
from ..pipeline import compile_materials
from ..pipeline import merge as merge_returns
from ..pipeline import report_from_master
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
    load_catalogue,
    progress_bar,
    render_findings,
    read_cache_option,
    return_options,
    with_book,
)


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是日期，请写成 2023-01-20 这样的格式。") from None


DATE_OPTION = click.option(
    "--date", "dated", callback=_date, metavar="日期",
    help="报告的成文日期，如 2023-01-20；不给时用任务清单中的日期，再没有则用当天。",
)


@click.command("merge", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True), metavar="路径…")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False), metavar="文件夹", help="输出文件夹（不能是回收材料所在的文件夹）：汇总表、Word 报告、问题清单写在这里。")
@catalog_option
@return_options
@DATE_OPTION
@click.option("--year", "-y", type=int, metavar="年度", help="指标类清单的汇总年度（如 2022）；默认今年（须是计划年度）。")
def merge(paths, out_dir, catalog, password, assign, assignments_file, contacts, no_cache, dated, year) -> None:
    """汇总：核查各单位交回的文件，生成汇总表（xlsx）、Word 报告和问题清单。

    路径可以是文件夹、xlsx / xls / docx、zip 压缩包或 eml 邮件，可给多个。
    汇总表“附件2”工作表中的“定稿”栏可直接修改，改好后用 wbtool report 重新生成报告。
    任务清单规定了报送材料（工作总结、典型经验）时，同时生成《典型经验汇编》《工作总结汇编》；
    只重新生成汇编用 wbtool compile。有“错误”级问题时退出码为 1。
    """
    catalogue, _ = load_catalogue(catalog, read_cache_option(no_cache))
    catalogue = with_book(catalogue, contacts)
    assignments = assignments_from_options(assign, assignments_file, catalogue)
    with progress_bar("核查并汇总") as progress:
        result = merge_returns(
            list(paths), Path(out_dir), catalogue=catalogue, password=password, assignments=assignments, progress=progress,
            dated=dated, year=year, cache=read_cache_option(no_cache),
        )

    units = result.master.units
    returned = sum(u.returned for u in units)
    entries = sum(len(row.entries) for row in result.master.rows)
    console.print(f"已报送单位 {returned}/{len(units)}，{catalogue.entry_label} {entries} 条；{_counts(result.findings)}。")
    if result.unchanged:
        console.print("回收材料、任务清单和汇总表都与上次汇总时相同，以下文件保持原样，未重新写出（要重新写出请加 --no-cache）：")
    for path in result.outputs:
        console.print(f"  {path}", soft_wrap=True)  # whole paths, to copy
    pending = [f.task for f in result.findings if f.code == "final-pending" and f.task is not None]
    if pending:
        console.print(
            f"报告附件中第 {number_ranges(pending)} 项任务的完成情况超过字数，印为“（待定稿）”："
            "请在汇总表“定稿”栏填写后用 wbtool report 重新生成报告。"
        )
    if result.backup is not None:
        console.print(f"上一版汇总表已备份为 {result.backup}", soft_wrap=True)
    if result.finals_kept or result.finals_review:
        review = f"，其中 {result.finals_review} 项的完成情况有变化，请复核（见问题清单 final-review）" if result.finals_review else ""
        console.print(f"沿用了上一版汇总表中修改过的定稿 {result.finals_kept + result.finals_review} 项{review}。")
    sys.exit(EXIT_BLOCKING if result.has_errors else EXIT_OK)


@click.command("report", options_metavar=OPTIONS_METAVAR)
@click.argument("master", type=click.Path(exists=True, dir_okay=False), metavar="汇总表.xlsx")
@click.option("--out", "-o", "out_path", required=True, type=click.Path(dir_okay=False), metavar="报告.docx", help="要生成的 Word 报告文件。")
@catalog_option
@DATE_OPTION
def report(master, out_path, catalog, dated) -> None:
    """按（修改过“定稿”的）汇总表重新生成 Word 报告。

    有“定稿”的任务用定稿，没有的用汇总的完成情况。定稿超过字数上限时仍生成报告，
    但该项在报告附件中印为“（待定稿）”，并列出这些任务，退出码为 1。
    """
    catalogue, _ = load_catalogue(catalog)
    try:
        path, findings = report_from_master(master, out_path, catalogue=catalogue, dated=dated)
    except OSError as exc:
        raise CannotWrite(f"报告无法写入：{os_reason(exc, '写入')}。请关闭在 Word / WPS 中打开的报告后重试。") from exc
    render_findings(findings, title="问题清单")
    if path is None:
        sys.exit(EXIT_CANNOT_RUN)
    console.print(f"已生成报告：{path}", soft_wrap=True)
    sys.exit(EXIT_BLOCKING if has_errors(findings) else EXIT_OK)


@click.command("compile", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True), metavar="路径…")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False), metavar="文件夹", help="输出文件夹（不能是回收材料所在的文件夹）：两份汇编写在这里。")
@catalog_option
@return_options
def compile_(paths, out_dir, catalog, password, assign, assignments_file) -> None:
    """只生成汇编：把各单位的典型经验、工作总结按单位名录顺序汇编成两份 Word 文档。

    即 wbtool merge 同时生成的《典型经验汇编.docx》《工作总结汇编.docx》（公文版式，
    含封面和目录；在 Word / WPS 中打开时更新目录页码）。不生成汇总表和报告。
    """
    catalogue, _ = load_catalogue(catalog)
    if catalogue.package is None:
        err_console.print(f"任务清单“{catalogue.id}”没有规定报送材料（package），无需汇编。")
        sys.exit(EXIT_CANNOT_RUN)
    assignments = assignments_from_options(assign, assignments_file, catalogue)
    with progress_bar("读取并汇编") as progress:
        result, written, not_compiled = compile_materials(
            list(paths), Path(out_dir), catalogue=catalogue, password=password, assignments=assignments, progress=progress
        )
    render_findings(not_compiled, title="未能汇编的材料")
    if not written:
        console.print("没有收到任何工作总结或典型经验，未生成汇编。")
    for path in written:
        console.print(f"已生成：{path}", soft_wrap=True)
    sys.exit(EXIT_OK)


def _counts(findings: tuple[Finding, ...]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    return f"错误 {errors} 个，警告 {warnings} 个"


COMMANDS = [merge, report, compile_]
