"""``wbtool demo``: the first thing a new user runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from ..demo import INDICATOR_YEAR, DemoResult, run_demo
from ..findings import CODES
from ._common import EXIT_CANNOT_RUN, EXIT_OK, OPTIONS_METAVAR, SEVERITY_STYLE, console, err_console, progress_bar, render_findings

DEFAULT_OUT = "wbtool-演示"


@click.command("demo", options_metavar=OPTIONS_METAVAR)
@click.option(
    "--out",
    "-o",
    "out_dir",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="文件夹",
    help="演示结果放在哪个文件夹（不存在会新建）。",
)
def demo(out_dir: Path) -> None:
    """用内置样例走一遍全流程：生成填报表 → 核查各单位交回的样例 → 汇总成表和 Word 报告。

    \b
    样例是 8 个单位的“交回”文件（xlsx、LibreOffice 另存、.xls、Word 表格、
    GBK 文件名的压缩包、邮件），其中故意放了超字数、更正、填了别人的任务等问题，
    用来展示 wbtool 能发现什么。演示不需要 LibreOffice，也不联网。
    """
    with progress_bar("演示进行中") as progress:
        result = run_demo(out_dir, progress=progress)
    if not result.ok:
        render_findings(list(result.findings), title="生成填报表时出了问题", console=err_console)
        sys.exit(EXIT_CANNOT_RUN)
    render_summary(result)
    sys.exit(EXIT_OK)


def render_summary(result: DemoResult) -> None:
    returned, missing = result.returned_units, result.missing_units
    samples = sum(path.is_file() for path in result.returns_dir.iterdir())
    console.print("[bold]wbtool 演示：用内置样例走一遍“生成—回收—核查—汇总”[/]\n")
    console.print(f"1. 生成填报表 [bold]{len(result.templates)}[/] 份（每个单位一份）\n   {result.generated.out_dir}")
    console.print(f"2. 样例回收材料 [bold]{samples}[/] 个文件\n   {result.returns_dir}")
    console.print(f"3. 核查与汇总：已报送 [bold green]{len(returned)}[/] 个单位，未报送 [bold]{len(missing)}[/] 个单位")
    console.print(
        f"   汇入完成情况 [bold]{result.entries}[/] 条"
        + (f"（另有 {result.superseded} 条被更正版替代）" if result.superseded else "")
    )
    console.print(f"   已报送：{'、'.join(returned)}")
    console.print(counts_table(result))
    console.print(
        "   [dim]以上错误和警告是样例里有意放入的，用来演示 wbtool 能发现什么；\n"
        "   “未报送”“未填写完成情况”是因为样例只有少数单位、少数任务。\n"
        "   实际使用时，请对照汇总表的“问题清单”逐条处理。[/]\n"
    )
    console.print("[bold]请用 Excel 或 WPS 打开：[/]")
    for label, key in (("汇总表", "master"), ("Word 报告", "report"), ("问题清单（CSV）", "csv")):
        path = result.output(key)
        if path is not None:
            console.print(f"  {label}：{path}")
    for path in result.compilations:
        console.print(f"  汇编：{path}")
    _render_indicators(result)
    console.print("\n换成自己的材料：先 [bold]wbtool generate[/] 生成填报表发给各单位，")
    console.print("收齐后 [bold]wbtool merge 回收材料文件夹 --out 汇总[/]。")


def _render_indicators(result: DemoResult) -> None:
    merged = result.indicators
    if merged is None:
        return
    invalid = sum(f.code == "value-invalid" for f in merged.findings)
    console.print(f"\n4. 数值指标（常州市技工教育指标分解，{INDICATOR_YEAR}年度）：汇入数量 [bold]{sum(1 for e in merged.master.details if e.value is not None and not e.superseded)}[/] 个，"
                  f"不是数量、未汇入的填报值 [bold]{invalid}[/] 个（见问题清单）")
    console.print(f"  指标汇总表：{merged.outputs[0]}")


def counts_table(result: DemoResult) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2, 0, 3))
    for column in ("级别", "代码", "名称", "条数"):
        table.add_column(column, justify="right" if column == "条数" else "left")
    for severity, code, n in result.counts():
        info = CODES.get(code)
        table.add_row(f"[{SEVERITY_STYLE[severity]}]{severity.label}[/]", code, info.title if info else "", str(n))
    return table


COMMANDS = [demo]
