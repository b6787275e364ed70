"""``wbtool catalog import``: make a catalogue from the official notice."""

from __future__ import annotations

import sys

import click

from ..model import Severity
from ..model.imported import NOTICE_LABELS
from ._common import EXIT_BLOCKING, EXIT_CANNOT_RUN, EXIT_OK, OPTIONS_METAVAR, console, err_console, render_findings


@click.command("import", options_metavar=OPTIONS_METAVAR)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="文件…")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), metavar="清单.yaml", help="写出的任务清单文件（YAML）。")
@click.option("--id", "catalogue_id", metavar="名称", help="清单名称（默认取输出文件所在文件夹名或文件名）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def import_(files: tuple[str, ...], out: str, catalogue_id: str | None, force: bool) -> None:
    """从正式文件导入任务清单：通知正文（含附件1、附件2）或单独的任务表。

    \b
    文件…：.docx、.doc、.wps（需安装 LibreOffice）、.xlsx、.xls、.ods，可给出多个
           （例如通知正文和单独的附件2 工作簿）。
    导入时推断的内容（单位类别、简称、单位组成员、拼合的工程名称）在清单中以注释标出，
    并列为“提示”，请逐条核对后再生成填报表。
    退出码：0 = 已导入且检查无错误；1 = 已导入，但清单有错误需修改；2 = 无法导入。
    """
    # Here, not at the top: the notice readers (python-docx, the table readers) cost every
    # command ~0.06 s of start-up, and only this one reads a notice.
    from ..catalog_import import ImportRefused, import_catalogue

    try:
        result = import_catalogue(files, out, catalogue_id=catalogue_id, force=force)
    except ImportRefused as exc:
        if exc.findings:
            for f in exc.findings:
                err_console.print(f"[bold red]{f.severity.label}[/]（{f.code}）{f.file or ''}：{f.message}")
        err_console.print(f"[bold red]{exc}[/]")
        sys.exit(EXIT_CANNOT_RUN)
    render_findings(list(result.findings), title="导入结果（提示为导入时的推断，请核对）", console=console)
    catalogue = result.catalogue
    if catalogue is None:
        console.print(f"[bold red]已写出 {result.path}，但清单无法使用，请按上面的说明修改。[/]")
        sys.exit(EXIT_BLOCKING)
    missing = [NOTICE_LABELS[key] for key, value in vars(catalogue.notice).items() if not value]
    console.print(
        f"已写出 {result.path}：{len(catalogue.sections)} 个工程，{len(catalogue.tasks)} 项任务，"
        f"{len(catalogue.units)} 个单位，每项限 {catalogue.limit} 字。"
    )
    if missing:
        console.print(f"[yellow]通知中未找到：{'、'.join(missing)}，请在清单的 notice 中补全。[/]")
    if result.blocking:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        console.print(f"[bold red]清单有 {errors} 个错误，请修改后运行 wbtool catalog check {result.path}。[/]")
        sys.exit(EXIT_BLOCKING)
    console.print(f"[green]检查无错误。[/]下一步：核对注释中的推断，然后 wbtool generate --catalog {result.path} --out 填报表")
    sys.exit(EXIT_OK)
