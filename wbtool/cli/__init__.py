"""The ``wbtool`` command: a thin shell over the library.

Each command parses its options, calls one library function, and renders the
result.  One module per command (or pair of commands) keeps them independent.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

import click

from .. import __version__
from ..errors import WbtoolError
from ._common import EXIT_CANNOT_RUN, EXIT_INTERRUPTED, OPTIONS_METAVAR, SUBCOMMAND_METAVAR, err_console

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "wbtool"


def speak_chinese() -> None:
    """Click's own words (usage lines, --help, errors in the arguments) in Chinese too.

    Click marks them for gettext and leaves their translation to the application:
    the catalogue is locale/zh_CN/LC_MESSAGES/wbtool.po.  LANGUAGE chooses it
    whatever the system's locale (a Chinese Windows sets none): the command speaks
    Chinese only.  Done on import, before the commands are declared, because Click
    translates some words (a path's kind, --version's help) when an option is made.
    Only the command imports this package; the library leaves gettext alone.
    """
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "zh_CN"


speak_chinese()


class _Commands(click.Group):
    """The command group: what stops a command as a whole becomes one Chinese line and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except WbtoolError as exc:
            err_console.print(f"[bold red]无法运行：[/]{exc}")
            ctx.exit(EXIT_CANNOT_RUN)
        except KeyboardInterrupt:
            # Ctrl-C: one line and its own exit code (128 + SIGINT), not click's
            # 「Aborted!」 and exit 1; outputs are atomic, nothing half-written is left.
            err_console.print("\n已中止。")
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings=CONTEXT, options_metavar=OPTIONS_METAVAR, subcommand_metavar=SUBCOMMAND_METAVAR)
@click.version_option(__version__, "-V", "--version", message="wbtool %(version)s")
def main() -> None:
    """wbtool：任务完成情况填报的“生成—回收—核查—汇总—报告”一条龙工具，全程离线。

    \b
    常用流程：
      wbtool catalog import 通知.docx --out 清单.yaml   新一轮：从正式文件导入任务清单
      wbtool units                 查看每个单位负责哪些任务
      wbtool generate --out 填报表   为每个单位生成一份填报表（xlsx）
      wbtool send 填报表/ --out 发件箱/     把填报表逐一发给各单位（先写草稿）
      wbtool fetch --imap … --out 回收材料/   从邮箱取回各单位的回复
      wbtool check 回收材料/         核查各单位交回的文件
      wbtool remind 回收材料/ --out 催报/    给未报送、需修改的单位写邮件
      wbtool merge 回收材料/ --out 汇总   生成汇总表、Word 报告和汇编
      wbtool compile 回收材料/ --out 汇总 只重新生成典型经验、工作总结汇编
      wbtool demo                  用内置样例走一遍全流程

    退出码：0 = 完成且无错误；1 = 完成但有需要处理的错误；2 = 无法运行（参数、任务清单有误，
    或邮件服务器拒绝、超时）；130 = 被中断（Ctrl+C）。
    """


# The commands, imported after the group they join and after speak_chinese().
from . import catalog, check, demo, generate, mail, merge  # noqa: E402

for _module in (catalog, generate, mail, check, merge, demo):
    for _command in _module.COMMANDS:
        main.add_command(_command)
