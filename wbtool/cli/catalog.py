"""``wbtool catalog check|list`` and ``wbtool units``: look at a task catalogue."""

from __future__ import annotations

import csv
import io
import json
import sys

import click
from rich.table import Table

from .. import catalogue as catalogues
from ..model import Catalogue, Finding, Severity, has_errors
from ..text import number_ranges
from ..units import UnitLoad, unit_loads
from ._common import (
    EXIT_BLOCKING,
    EXIT_OK,
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    catalog_option,
    console,
    err_console,
    load_catalogue,
    render_findings,
)
from .catalog_import import import_

FORMATS = ("table", "csv", "json")
UNIT_COLUMNS = ("单位", "类别", "牵头任务数", "参与任务数", "任务序号")


@click.group(options_metavar=OPTIONS_METAVAR, subcommand_metavar=SUBCOMMAND_METAVAR)
def catalog() -> None:
    """任务清单（附件2）：从正式文件导入、检查清单文件、列出内置清单。"""


catalog.add_command(import_)


@catalog.command("check", options_metavar=OPTIONS_METAVAR)
@click.argument("name_or_path", required=False, default=catalogues.DEFAULT, metavar="[名称|路径]")
def check(name_or_path: str) -> None:
    """检查任务清单：责任单位能否对上单位名录、序号是否重复、内容是否为空等。

    \b
    名称|路径：内置清单名称，或 YAML 文件 / 所在文件夹路径（默认 wuxi-2022）。
    退出码：0 = 无错误；1 = 有错误，需修改清单；2 = 清单无法读取。
    """
    catalogue, findings = load_catalogue(name_or_path)
    console.print(_summary(catalogue))
    if findings:
        render_findings(findings, title="检查结果", console=console)
    console.print(_verdict(findings))
    sys.exit(EXIT_BLOCKING if has_errors(findings) else EXIT_OK)


def _verdict(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if errors:
        return f"[bold red]有 {errors} 个错误、{warnings} 个警告：请按说明修改清单后重新检查。[/]"
    if warnings:
        return f"[yellow]没有错误，有 {warnings} 个警告：清单可以使用，建议按说明修改。[/]"
    return "[green]未发现错误或警告，清单可以使用。[/]"


def _summary(catalogue: Catalogue) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("清单", f"{catalogue.title}（{catalogue.id}）")
    if catalogue.indicators:
        shares = sum(indicator.is_share for indicator in catalogue.indicators)
        years = "、".join(str(year) for year in catalogue.years)
        table.add_row("规模", f"{len(catalogue.indicators)} 项指标（其中比例类 {shares} 项），{len(catalogue.units)} 个单位")
        table.add_row("计划年度", years)
    else:
        table.add_row("规模", f"{len(catalogue.sections)} 个工程，{len(catalogue.tasks)} 项任务，{len(catalogue.units)} 个单位")
        table.add_row("字数上限", f"每项{catalogue.entry_label} {catalogue.limit} 字")
    table.add_row("单位时区", catalogue.time_zone)
    table.add_row("指纹", catalogue.fingerprint)
    table.add_row("文件", catalogue.source)
    return table


@catalog.command("list", options_metavar=OPTIONS_METAVAR)
def list_() -> None:
    """列出随程序提供的内置任务清单。"""
    table = Table(header_style="bold")
    for column in ("名称", "标题", "工程", "任务", "单位"):
        table.add_column(column)
    for name in catalogues.available():
        catalogue, _ = catalogues.load(name)
        if catalogue is None:
            table.add_row(name, "[red]无法读取，请运行 wbtool catalog check " + name + "[/]", "", "", "")
            continue
        table.add_row(
            name, catalogue.title, str(len(catalogue.sections)), str(len(catalogue.tasks)), str(len(catalogue.units))
        )
    console.print(table)


# ---------------------------------------------------------------------------


@click.command(options_metavar=OPTIONS_METAVAR)
@catalog_option
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="输出格式：table 表格；csv（UTF-8 带 BOM，Excel 可直接打开）；json 供其他程序使用。",
)
def units(catalog: str, output_format: str) -> None:
    """列出每个单位负责的任务：牵头几项、参与几项、任务序号。

    没有任务的单位也列出（任务数为 0），以免漏发或错发填报表。
    """
    catalogue, findings = load_catalogue(catalog)
    loads = unit_loads(catalogue)
    if output_format == "json":
        click.echo(json.dumps(_as_json(catalogue, loads), ensure_ascii=False, indent=2))
    elif output_format == "csv":
        _write_csv(loads)
    else:
        console.print(_units_table(catalogue, loads))
    blocking = [f for f in findings if f.severity is not Severity.INFO]
    if blocking:
        render_findings(blocking, title="任务清单有问题（用 wbtool catalog check 查看详情）", console=err_console)
    sys.exit(EXIT_BLOCKING if has_errors(findings) else EXIT_OK)


def _as_json(catalogue: Catalogue, loads: list[UnitLoad]) -> dict:
    return {
        "catalogue": catalogue.id,
        "fingerprint": catalogue.fingerprint,
        "units": [
            {
                "unit": load.unit.name,
                "kind": load.unit.kind,
                "lead_tasks": list(load.lead_tasks),
                "co_tasks": list(load.co_tasks),
            }
            for load in loads
        ],
    }


def _write_csv(loads: list[UnitLoad]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(UNIT_COLUMNS)
    for load in loads:
        writer.writerow(_unit_row(load))
    # Bytes, whatever the console's encoding: Excel needs UTF-8 with a BOM for Chinese.
    sys.stdout.buffer.write(buffer.getvalue().encode("utf-8-sig"))
    sys.stdout.flush()


def _unit_row(load: UnitLoad) -> tuple[str, ...]:
    return (
        load.unit.name,
        load.unit.kind,
        str(len(load.lead_tasks)),
        str(len(load.co_tasks)),
        number_ranges(load.tasks),
    )


def _units_table(catalogue: Catalogue, loads: list[UnitLoad]) -> Table:
    idle = sum(1 for load in loads if not load.tasks)
    table = Table(
        title=catalogue.title,
        caption=f"{catalogue.id}  指纹 {catalogue.fingerprint}" + (f"  其中 {idle} 个单位没有任务" if idle else ""),
        header_style="bold",
        show_footer=True,
    )
    footers = (
        f"共 {len(loads)} 个单位",
        "",
        str(sum(len(load.lead_tasks) for load in loads)),
        str(sum(len(load.co_tasks) for load in loads)),
        f"共 {len(catalogue.tasks)} 项任务",
    )
    for column, footer in zip(UNIT_COLUMNS, footers):
        numeric = column.endswith("数")
        table.add_column(column, footer=footer, justify="right" if numeric else "left", overflow="fold")
    for load in loads:
        style = "dim" if not load.tasks else None
        table.add_row(*_unit_row(load), style=style)
    return table


COMMANDS = [catalog, units]
