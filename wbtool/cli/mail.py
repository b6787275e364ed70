"""``wbtool send``, ``wbtool fetch``, ``wbtool remind``: the mailbox end of the round trip.

The password is read from the environment variable WBTOOL_MAIL_PASSWORD or asked
for with hidden input; there is no option for it, and it is never printed.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from .. import outbox
from ..errors import os_reason
from ..io.contacts import with_addresses
from ..io.mailbox import DEFAULT_TIMEOUT, Account, MailboxError, fetch_returns, parse_server
from ..model import has_errors
from ..pipeline import markup_target_problem
from ._common import (
    EXIT_BLOCKING,
    EXIT_CANNOT_RUN,
    EXIT_OK,
    OPTIONS_METAVAR,
    assignments_from_options,
    catalog_option,
    console,
    contacts_option,
    err_console,
    load_catalogue,
    progress_bar,
    read_book,
    render_findings,
    read_cache_option,
    return_options,
)

PASSWORD_ENV = "WBTOOL_MAIL_PASSWORD"
EXIT_INTERRUPTED = 130
# 126.com lets a mailbox send a few hundred messages a day and blocks bursts:
# one message every few seconds stays clear of both.
DEFAULT_INTERVAL = 5.0


def _fail(message: str) -> None:
    err_console.print(f"[bold red]无法运行[/]：{escape(message)}")
    sys.exit(EXIT_CANNOT_RUN)


@contextmanager
def _interruptible(what: str):
    """Ctrl+C ends the command with exit code 130 and says what was kept."""
    try:
        yield
    except KeyboardInterrupt:
        err_console.print(f"[yellow]已中断。{what}[/]")
        sys.exit(EXIT_INTERRUPTED)


def _password() -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    try:
        return click.prompt("邮箱密码（126 / 163 / QQ 邮箱为授权码）", hide_input=True, err=True)
    except click.Abort:
        _fail(f"没有邮箱密码。请在提示时输入，或设置环境变量 {PASSWORD_ENV}。")
        raise  # not reached


def _account(url: str | None, user: str | None, schemes, option: str, timeout: float) -> Account:
    if not url:
        _fail(f"要连接邮件服务器，请用 {option} 给出服务器地址，例如 {option} {schemes[-1]}://{'smtp' if 'smtp' in schemes else 'imap'}.126.com。")
    if not user:
        _fail("请用 --user 给出邮箱地址（登录用户名）。")
    try:
        server = parse_server(url, schemes)
    except ValueError as exc:
        _fail(str(exc))
    if not server.encrypted:
        err_console.print(f"[yellow]注意：{server.scheme}:// 连接{'在服务器支持 STARTTLS 时加密，否则' if server.scheme == 'smtp' else ''}不加密，只宜用于本机或单位内网的邮件服务器。[/]")
    return Account(server=server, user=user, password=_password(), timeout=timeout)


def smtp_options(func):
    options = (
        click.option("--smtp", "smtp_url", metavar="地址", help="发信服务器，如 smtps://smtp.126.com:465 或 smtp://主机:25（服务器支持时用 STARTTLS）。"),
        click.option("--user", metavar="邮箱", help="发件邮箱（登录用户名）；密码取环境变量 WBTOOL_MAIL_PASSWORD，没有则提示输入。"),
        click.option("--send", "really_send", is_flag=True, help="真正发出邮件；不加此项只在输出文件夹写草稿（.eml）。"),
        click.option("--interval", type=click.FloatRange(min=0), default=DEFAULT_INTERVAL, show_default=True, metavar="秒", help="两封邮件之间的间隔，避免被邮箱服务商限流。"),
        timeout_option,
    )
    for option in reversed(options):
        func = option(func)
    return func


timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True, metavar="秒", help="每次网络操作的超时时间。"
)


def _deliver(plan: outbox.Plan, out_dir: Path, smtp_url, user, really_send, interval, timeout) -> int:
    """Write the drafts, send them if asked, print the summary; the exit code."""
    account = _account(smtp_url, user, ("smtp", "smtps"), "--smtp", timeout) if really_send else None
    with _interruptible(outbox.KEPT_IN_LOG):
        with progress_bar("发送邮件" if really_send else "写草稿") as progress:
            done = outbox.deliver(plan, out_dir, account=account, sender=user or None, interval=interval, progress=progress)
    _summary(plan, done.status)
    without = plan.without_address
    if without:
        console.print(f"[yellow]没有邮箱、未生成邮件的单位（{len(without)} 个）：{'、'.join(without)}[/]")
    render_findings(list(done.findings), title="提示")
    where = out_dir.resolve()
    if really_send:
        console.print(f"草稿和发送记录在：{where}")
    else:
        console.print(f"共写出 {len(done.drafts)} 份草稿（.eml，可用 Outlook / Foxmail 打开后发送）：{where}")
        if done.drafts:
            console.print("直接发出：加上 --smtp smtps://smtp.126.com:465 --user 邮箱 --send。")
    return EXIT_BLOCKING if has_errors(done.findings) else EXIT_OK


def _summary(plan: outbox.Plan, status: dict[str, str]) -> None:
    if not plan.messages:
        console.print("没有需要发送的邮件。")
        return
    table = Table(title=f"邮件 {len(plan.messages)} 封", header_style="bold")
    for column in ("序号", "单位", "类型", "收件人", "附件", "状态"):
        table.add_column(column, overflow="fold", justify="right" if column == "序号" else "left")
    for number, message in enumerate(plan.messages, start=1):
        state = status[message.draft_name]
        style = {"发送失败": "bold red", "已发送": "green"}.get(state)
        table.add_row(
            str(number),
            message.unit,
            message.kind,
            escape(message.to),
            escape("、".join(name for name, _ in message.attachments)) or "—",
            f"[{style}]{state}[/]" if style else state,
        )
    console.print(table)


# ---------------------------------------------------------------------------


@click.command("send", options_metavar=OPTIONS_METAVAR)
@click.argument("templates_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="填报表文件夹")
@catalog_option
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="草稿（.eml）和发送记录写入的文件夹。")
@contacts_option
@smtp_options
def send(templates_dir, catalog, out_dir, contacts, smtp_url, user, really_send, interval, timeout) -> None:
    """把每个单位的填报表发给该单位：先写草稿，加 --send 才真正发出。

    填报表文件夹是 wbtool generate 的输出（含 清单.json）。每个有邮箱的单位一封邮件：
    收件人为该单位邮箱，正文写明截止时间、报送方式、命名规则和联系人，附件是该单位的填报表。
    中断或个别单位被拒收后重新运行同一命令，只发送未发出的邮件。

    \b
    例：
      wbtool send 填报表/ --out 发件箱/ --contacts 通讯录.xlsx
      wbtool send 填报表/ --out 发件箱/ --contacts 通讯录.xlsx \\
          --smtp smtps://smtp.126.com:465 --user wxzqs@126.com --send
    """
    catalogue, _ = load_catalogue(catalog)
    book = read_book(contacts, catalogue)
    try:
        plan = outbox.notices(catalogue, templates_dir, book)
    except outbox.PlanError as exc:
        _fail(str(exc))
    sys.exit(_deliver(plan, out_dir, smtp_url, user, really_send, interval, timeout))


def _since(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter("日期请写成 2023-01-05 这样的格式。") from None


@click.command("fetch", options_metavar=OPTIONS_METAVAR)
@click.option("--imap", "imap_url", required=True, metavar="地址", help="收信服务器，如 imaps://imap.126.com:993；imap:// 为不加密连接（仅限本机或内网）。")
@click.option("--user", required=True, metavar="邮箱", help="收件邮箱（登录用户名）；密码取环境变量 WBTOOL_MAIL_PASSWORD，没有则提示输入。")
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="回收文件夹", help="保存邮件（.eml）的文件夹，即 wbtool check 读取的回收文件夹。")
@click.option("--since", callback=_since, metavar="日期", help="只取这一天及以后收到的邮件，如 2023-01-05。")
@click.option("--folder", default="INBOX", show_default=True, metavar="文件夹", help="邮箱里的文件夹。")
@timeout_option
def fetch(imap_url, user, out_dir, since, folder, timeout) -> None:
    """从邮箱取回各单位的回复：带附件的邮件原样存为 .eml，供 check / merge 读取。

    只读：不标记已读、不移动、不删除服务器上的任何邮件。可反复运行：已保存过的邮件不会再存，
    只保存新邮件。没有附件的邮件只计数，不保存。

    \b
    例：
      wbtool fetch --imap imaps://imap.126.com:993 --user wxzqs@126.com --out 回收材料/
      wbtool fetch --imap imaps://imap.126.com --user wxzqs@126.com --out 回收材料/ --since 2023-01-05
    """
    account = _account(imap_url, user, ("imap", "imaps"), "--imap", timeout)
    with _interruptible("已保存的邮件和收信记录都已写入回收文件夹，重新运行会接着取。"):
        with progress_bar("收取邮件") as progress:
            try:
                report = fetch_returns(account, out_dir, folder=folder, since=since, progress=progress)
            except MailboxError as exc:
                _fail(str(exc))
            except OSError as exc:
                _fail(f"回收文件夹“{out_dir}”无法写入（{os_reason(exc, '写入')}）。")
    if report.rescanned:
        console.print("[yellow]邮箱文件夹已被服务器重建（UIDVALIDITY 变化），已重新检查全部邮件；保存过的不会重复保存。[/]")
    for path in report.saved:
        console.print(f"  {escape(path.name)}")
    console.print(
        f"新保存 {len(report.saved)} 封带附件的邮件；无附件未保存 {report.without_attachments} 封；"
        f"此前已保存 {report.already} 封。回收文件夹：{out_dir.resolve()}"
    )
    if report.saved:
        console.print(f"下一步：wbtool check {out_dir}")
    sys.exit(EXIT_OK)


@click.command("remind", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True), metavar="回收材料…")
@catalog_option
@return_options
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="文件夹", help="草稿（.eml）、发送记录和“退回修改”工作簿写入的文件夹；不能在回收文件夹里。")
@click.option("--markup", is_flag=True, help="同时给有错误的单位写“退回修改”邮件，附上标出问题的工作簿。")
@smtp_options
def remind(paths, catalog, password, assign, assignments_file, contacts, no_cache, out_dir, markup, smtp_url, user, really_send, interval, timeout) -> None:
    """给有任务但还没有报送的单位写催报邮件；加 --markup 再给有错误的单位写“退回修改”邮件。

    先按 wbtool check 的规则核查回收材料，再为每个未报送单位写一封催报邮件（草稿），
    已按要求报送且没有错误的单位不会收到邮件。加 --send 才真正发出。
    每一轮催报请用新的输出文件夹（如 催报-0110/）：同一文件夹里发过的邮件不会再发。

    \b
    例：
      wbtool remind 回收材料/ --out 催报-0110/ --contacts 通讯录.xlsx --markup
      wbtool remind 回收材料/ --out 催报-0110/ --contacts 通讯录.xlsx --markup \\
          --smtp smtps://smtp.126.com:465 --user wxzqs@126.com --send
    """
    catalogue, _ = load_catalogue(catalog, read_cache_option(no_cache))
    book = read_book(contacts, catalogue)
    catalogue = with_addresses(catalogue, book)  # emails from the book's addresses count as the unit's
    assignments = assignments_from_options(assign, assignments_file, catalogue)
    problem = markup_target_problem(out_dir, paths)
    if problem:
        _fail(problem.replace("“退回修改”文件夹", "输出文件夹"))
    with _interruptible("没有发出任何邮件。"):
        with progress_bar("核查回收文件") as progress:
            plan = outbox.remind_plan(
                paths, catalogue, book, out_dir, markup=markup, password=password, assignments=assignments, progress=progress,
                cache=read_cache_option(no_cache),
            )
    sys.exit(_deliver(plan, out_dir, smtp_url, user, really_send, interval, timeout))


COMMANDS = [send, fetch, remind]
