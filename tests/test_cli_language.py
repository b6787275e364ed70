"""The command speaks Chinese throughout, Click's own words included."""

from __future__ import annotations

import errno
import gettext
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from wbtool.cli import DOMAIN, LOCALE_DIR, main
from wbtool.errors import os_reason

CATALOGUE = LOCALE_DIR / "zh_CN" / "LC_MESSAGES"
# What Click says when nobody translates it.
ENGLISH = ("Usage:", "Options", "Commands", "Show this message", "Show the version", "Error:", "[default", "does not exist", "Missing option", "No such", "Try '")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="wbtool")


def assert_chinese(text: str) -> None:
    leftovers = [phrase for phrase in ENGLISH if phrase in text]
    assert not leftovers, f"untranslated: {leftovers}\n{text}"


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["merge", "--help"], ["catalog", "check", "--help"]])
def test_help_is_in_chinese(args):
    result = invoke(*args)
    assert result.exit_code == 0
    assert_chinese(result.output)
    assert result.output.startswith("用法: wbtool")
    assert "[选项]" in result.output and "显示本帮助并退出。" in result.output


def test_defaults_are_shown_in_chinese():
    assert "[默认：table]" in invoke("check", "--help").output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "不存在的文件夹"], "路径 '不存在的文件夹' 不存在"),
        (["merge", "."], "缺少选项 '--out'"),
        (["check", ".", "--formt", "csv"], "没有 '--formt' 这个选项。 是否想用 '--format'？"),
        (["check", ".", "--format", "xml"], "'xml' 不是可选的值，可选：'table', 'json', 'csv'"),
        (["chek"], "没有 'chek' 这个命令。 是否想用 'check'？"),
    ],
)
def test_mistakes_in_the_command_line_are_explained_in_chinese(args, said):
    result = invoke(*args)
    assert result.exit_code == 2
    assert_chinese(result.output)
    assert "错误：" in result.output and said in result.output
    assert "查看帮助：wbtool" in result.output


REBUILD = "run: pybabel compile -d wbtool/cli/locale -D wbtool -l zh_CN"


def source_messages() -> list:
    """The translated messages of wbtool.po, as Babel reads them (the header left out)."""
    pofile = pytest.importorskip("babel.messages.pofile")
    with open(CATALOGUE / f"{DOMAIN}.po", "rb") as source:
        return [message for message in pofile.read_po(source) if message.id]


def forms(message) -> list[tuple[str, str]]:
    """(original, translation) for each form of a message: one, or singular and plural."""
    if isinstance(message.id, tuple):
        return list(zip(message.id, message.string))
    return [(message.id, message.string)]


def test_the_compiled_catalogue_is_the_source_compiled():
    """wbtool.mo is what `pybabel compile` makes of wbtool.po: a translation edited
    in the .po and not compiled would silently not show."""
    messages = source_messages()
    with open(CATALOGUE / f"{DOMAIN}.mo", "rb") as compiled:
        shipped = gettext.GNUTranslations(compiled)
    assert len(messages) > 40
    for message in messages:
        if isinstance(message.id, tuple):
            singular, plural = message.id
            assert shipped.ngettext(singular, plural, 1) == message.string[0], REBUILD
            assert shipped.ngettext(singular, plural, 2) == message.string[1], REBUILD
        else:
            assert shipped.gettext(message.id) == message.string, REBUILD


def test_every_translation_keeps_click_s_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for message in source_messages():
        for original, translated in forms(message):
            # A translation may leave a placeholder out (Chinese needs no "integer"), never invent one.
            assert fields(translated) <= fields(original), (original, translated)


def test_the_catalogue_is_installed_with_the_package():
    setup = (Path(__file__).resolve().parents[1] / "setup.cfg").read_text(encoding="utf-8")
    assert "wbtool.cli = locale/*/LC_MESSAGES/*.mo" in setup


@pytest.mark.parametrize(
    "error, action, reason",
    [
        (PermissionError(errno.EACCES, "Permission denied"), "读取", "没有读取权限"),
        (PermissionError(errno.EPERM, "Operation not permitted"), "写入", "没有写入权限"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), "读取", "文件或文件夹不存在，可能已被移走或改名"),
        (OSError(errno.ENOSPC, "No space left on device"), "写入", "磁盘空间已满"),
        (OSError(errno.EROFS, "Read-only file system"), "写入", "磁盘或文件夹是只读的"),
        (OSError(errno.ENAMETOOLONG, "File name too long"), "写入", "文件名或路径过长"),
        (OSError(errno.EXDEV, "Invalid cross-device link"), "写入", "系统错误 EXDEV"),
        (OSError("a parser's own complaint"), "读取", "无法读取"),
    ],
)
def test_a_system_error_is_told_in_chinese_never_in_the_systems_english(error, action, reason):
    assert os_reason(error, action) == reason


def test_a_file_open_in_excel_on_windows_is_told_as_such():
    locked = PermissionError(errno.EACCES, "The process cannot access the file")
    locked.winerror = 32  # ERROR_SHARING_VIOLATION, as Windows sets it
    assert "正被其他程序打开" in os_reason(locked, "写入")
