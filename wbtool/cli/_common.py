"""Pieces every command shares: the catalogue option, exit codes, rendering findings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

import click
from rich.console import Console
from rich.table import Table

from .. import catalogue as catalogues
from ..errors import UnreadableInput
from ..io.assignments import load_assignments, parse_assignments
from ..io.contacts import ContactsError, read_contacts, with_addresses
from ..io.read_cache import default_path as default_cache_path
from ..io.read_cache import remembered
from ..model import Catalogue, Finding, Severity

# Click's usage line says [OPTIONS] and COMMAND [ARGS]... unless told otherwise.
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]…"

EXIT_OK = 0
EXIT_BLOCKING = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def catalog_option(func):
    return click.option(
        "--catalog",
        "-c",
        "catalog",
        default=catalogues.DEFAULT,
        show_default=True,
        metavar="名称|路径",
        help=f"任务清单：内置名称（{'、'.join(catalogues.available())}），或 YAML 文件 / 文件夹路径。",
    )(func)


def contacts_option(func):
    return click.option(
        "--contacts",
        type=click.Path(exists=True, dir_okay=False),
        metavar="通讯录",
        help="通讯录（xlsx / xls / csv），列：单位、联系人、邮箱、电话；单位可写简称。据此按邮件发件人认单位、给单位写邮件；未列出的单位用任务清单里的邮箱。",
    )(func)


def read_book(path: str | None, catalogue: Catalogue):
    """The address book at ``path`` (None without one); exit 2 when it cannot be used."""
    if not path:
        return None
    try:
        return read_contacts(path, catalogue)
    except ContactsError as exc:
        err_console.print(f"[bold red]无法运行[/]：{exc}")
        sys.exit(EXIT_CANNOT_RUN)


def with_book(catalogue: Catalogue, path: str | None) -> Catalogue:
    """The catalogue with the address book's addresses in its units (``--contacts``)."""
    return with_addresses(catalogue, read_book(path, catalogue))


def return_options(func):
    """The options of the commands that read returns (check, merge, remind): passwords and who sent what."""
    options = (
        click.option("--password", metavar="密码", help="加密文件的打开密码（单位设了密码时用）。"),
        click.option(
            "--assign",
            "assign",
            multiple=True,
            metavar="文件=单位",
            help="人工指定某个文件的报送单位，可重复；文件可写文件名、完整来源或通配符，如 \"*科技局*=市科技局\"。",
        ),
        click.option(
            "--assignments",
            "assignments_file",
            type=click.Path(exists=True, dir_okay=False),
            metavar="文件",
            help="批量指定报送单位的文件：YAML（文件: 单位）或每行“文件=单位”。",
        ),
        contacts_option,
        click.option(
            "--no-cache",
            "no_cache",
            is_flag=True,
            help="不用读取缓存，每个文件都重新读取（缓存位置见 README“读取缓存”一节）；merge 同时重新写出全部输出文件。",
        ),
    )
    for option in reversed(options):
        func = option(func)
    return func


def read_cache_option(no_cache: bool) -> Path | None:
    """The read cache the command uses: the user's, unless ``--no-cache``."""
    return None if no_cache else default_cache_path()


def load_catalogue(name_or_path: str, cache: Path | None = None) -> tuple[Catalogue, list[Finding]]:
    """Load a catalogue or stop with exit code 2 and the findings that explain why;
    with ``cache`` (the read cache), its YAML parsed once for all runs."""
    parse = catalogues.parse_yaml if cache is None else remembered(cache, catalogues.parse_yaml, catalogues.PARSER_VERSION)
    catalogue, findings = catalogues.load(name_or_path, parse=parse)
    if catalogue is None:
        # Nothing ran: a sentence reads better than a one-row table.
        for f in findings:
            err_console.print(f"[bold red]{f.severity.label}[/]（{f.code}）：{f.message}")
        sys.exit(EXIT_CANNOT_RUN)
    return catalogue, findings


def assignments_from_options(pairs, path, catalogue: Catalogue) -> dict[str, str]:
    """--assignments FILE then --assign FILE=UNIT (later wins); exit 2 on anything unusable."""
    try:
        assignments = load_assignments(path) if path else {}
        assignments.update(parse_assignments(pairs))
    except (UnreadableInput, OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[red]无法读取人工指定：{exc}[/]")
        sys.exit(EXIT_CANNOT_RUN)
    unknown = sorted({unit for unit in assignments.values() if catalogue.registry.resolve(unit) is None})
    if unknown:
        err_console.print(f"[red]人工指定的单位不在名录中：{'、'.join(unknown)}。请用 wbtool units 查看单位全称。[/]")
        sys.exit(EXIT_CANNOT_RUN)
    return assignments


def findings_table(findings: Iterable[Finding], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold", expand=False)
    for column in ("级别", "代码", "单位", "任务", "文件 / 位置", "说明"):
        # Codes are what users search for and filter on: never split one over two lines.
        table.add_column(column, overflow="fold", no_wrap=column in ("级别", "代码", "任务"))
    for f in findings:
        where = " ".join(part for part in (f.file, f.cell) if part)
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity]}]{f.severity.label}[/]",
            f.code,
            f.unit or "",
            "" if f.task is None else str(f.task),
            where,
            f.message,
        )
    return table


def render_findings(findings: list[Finding], title: str | None = None, console: Console = console) -> None:
    if findings:
        console.print(findings_table(findings, title))


class progress_bar:
    """A rich progress bar usable as the library's ``progress(done, total)`` callback.

    Shown on stderr and only on a terminal, so piped output (``--format json``) stays
    clean.
    """

    def __init__(self, description: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn(description),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        )
        self._task = None

    def __enter__(self):
        self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self._progress.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("", total=total)
        self._progress.update(self._task, completed=done, total=total)
