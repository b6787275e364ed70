"""The one exception hierarchy of wbtool.

Bad input files never raise: they become findings.  These are for the few things
that stop a command as a whole; each carries a Chinese message for the user, and
the CLI maps them all to exit code 2.
"""

from __future__ import annotations

import errno


class WbtoolError(Exception):
    """A command cannot do what was asked; ``str(error)`` says why, in Chinese."""


class Refused(WbtoolError):
    """The request itself is unsafe or malformed: outputs among the inputs, a bad batch id."""


class UnreadableInput(WbtoolError):
    """A file the user gave us (not a return) cannot be understood: an assignments list, a manifest."""


class CannotWrite(WbtoolError):
    """An output could not be written: the disk, a lock, or a writer library refusing a call."""


# The system's own text (``strerror``) is English, and localised differently on each
# machine: the reasons a bureau's PC most often gives, in its users' words.
_REASONS = {
    "ENOENT": "文件或文件夹不存在，可能已被移走或改名",
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "磁盘空间配额已用完",
    "EROFS": "磁盘或文件夹是只读的",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "ENAMETOOLONG": "文件名或路径过长",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中的某一级不是文件夹",
    "EEXIST": "同名文件已存在",
    "EMFILE": "同时打开的文件过多",
    "ENFILE": "同时打开的文件过多",
    "EIO": "磁盘读写出错",
    "ELOOP": "路径中的链接循环指向自身",
    "ECONNREFUSED": "对方拒绝连接",
    "ECONNRESET": "连接被对方断开",
    "ETIMEDOUT": "连接超时",
    "ENETUNREACH": "网络不通",
    "EHOSTUNREACH": "网络不通",
}
# Windows reports a file open in Excel or WPS as these (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION).
_WINDOWS_LOCKED = frozenset({32, 33})


def os_reason(exc: OSError, action: str = "访问") -> str:
    """Why the system refused, in Chinese: 「没有读取权限」 for ``action`` "读取", 「磁盘空间已满」…

    An error with no known reason gives its symbolic code (「系统错误 EXDEV」), which a
    technician can look up, never the system's English sentence.
    """
    if getattr(exc, "winerror", None) in _WINDOWS_LOCKED:
        return "文件正被其他程序打开（如 Excel、WPS），请先关闭"
    if isinstance(exc, PermissionError):
        return f"没有{action}权限"
    name = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
    if name in _REASONS:
        return _REASONS[name]
    return f"系统错误 {name or exc.errno}" if exc.errno is not None else f"无法{action}"
