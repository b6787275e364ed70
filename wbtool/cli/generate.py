"""``wbtool generate``: one fill-in workbook per unit."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from .. import pipeline
from ..model import GenerateResult, has_errors
from ..plan import valid_batch_id
from ._common import (
    EXIT_BLOCKING,
    EXIT_CANNOT_RUN,
    EXIT_OK,
    OPTIONS_METAVAR,
    catalog_option,
    console,
    err_console,
    load_catalogue,
    progress_bar,
    render_findings,
)

# Errors that mean nothing was (or could be) written: bad arguments or folder.
CANNOT_RUN = {"unit-unknown", "output-other-batch", "output-unwritable"}


def _batch(ctx, param, value: str | None) -> str | None:
    if value is not None and not valid_batch_id(value):
        raise click.BadParameter("批次号只能用字母、数字、点、横线和下划线，以字母或数字开头，最长 40 个字符，例如 20261122-1530。")
    return value


@click.command("generate", options_metavar=OPTIONS_METAVAR)
@catalog_option
@click.option("--unit", "-u", "units", multiple=True, metavar="单位", help="只为这些单位生成（全称、简称或单位组名，可重复）；默认所有有任务的单位。")
@click.option("--batch", "-b", callback=_batch, metavar="批次号", help="批次号，写入每份填报表，回收时据此识别；默认用当前时间，如 20261122-1530。")
@click.option(
    "--out", "-o", "out_dir", default="填报表", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="输出文件夹。"
)
@click.option("--overwrite", is_flag=True, help="输出文件夹已有其他批次时仍然写入（覆盖其清单）。")
@click.option("--year", "-y", type=int, metavar="年度", help="指标类清单的填报年度（如 2022）；默认今年（须是计划年度）。")
def generate(catalog: str, units: tuple[str, ...], batch: str | None, out_dir: Path, overwrite: bool, year: int | None) -> None:
    """为每个单位生成一份填报表（xlsx），并写出发送清单。

    每份填报表只列该单位负责的任务，只有“完成情况”一栏可填写，带实时字数统计和超字数提示。
    同时在输出文件夹写出 清单.json 和 发送清单.xlsx（供逐一发邮件时核对）。
    """
    catalogue, catalogue_findings = load_catalogue(catalog)
    with progress_bar("生成填报表") as progress:
        result = pipeline.generate(
            catalogue, out_dir, units=units or None, batch=batch, overwrite=overwrite, progress=progress, year=year
        )
    findings = [f for f in catalogue_findings if f.code != "catalog-unit-unused"] + list(result.findings)
    if not result.files or any(f.code in CANNOT_RUN for f in result.findings):
        render_findings(findings, title="未生成", console=err_console)
        sys.exit(EXIT_CANNOT_RUN)
    _summary(result)
    render_findings(findings, title="提示")
    sys.exit(EXIT_BLOCKING if has_errors(findings) else EXIT_OK)


def _summary(result: GenerateResult) -> None:
    table = Table(title=f"批次 {result.batch}：共 {len(result.files)} 份填报表", header_style="bold")
    table.add_column("序号", justify="right")
    table.add_column("单位")
    table.add_column("文件", overflow="fold")
    table.add_column("任务数", justify="right")
    for i, f in enumerate(result.files, start=1):
        table.add_row(str(i), f.unit, f.path.name, str(len(f.tasks)))
    console.print(table)
    console.print(f"填报表已写入：{result.out_dir.resolve()}")
    for path in result.manifest:
        console.print(f"  {path.name}")


COMMANDS = [generate]
