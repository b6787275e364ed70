"""The package's one LibreOffice converter: old and foreign office formats into ones we can read.

Word 97 (.doc) and WPS 文字 (.wps) files have no Python reader worth trusting; LibreOffice,
run headless, turns them into .docx.  Each call runs its own soffice with a throw-away
profile (so it never collides with a LibreOffice the user has open, nor with a parallel
call), in a temporary folder, under a timeout; the input is never touched.

    if soffice.available():
        docx_bytes = soffice.convert(doc_bytes, ".doc", "docx")

Every failure (not installed, timed out, nothing written) is one ``ConversionError``
whose message is a Chinese sentence for the user.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import UnreadableInput, os_reason

DEFAULT_TIMEOUT = 120.0
# Where the Windows installer puts it; the bureau's PC rarely has it on PATH.
_WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_NAMES = ("soffice", "libreoffice")

NOT_INSTALLED = "本机未安装 LibreOffice，无法转换此文件。请用 Word 或 WPS 打开后“另存为” .docx（表格另存为 .xlsx）再试。"


class ConversionError(UnreadableInput):
    """LibreOffice is missing or could not convert the file; ``str(exc)`` is the Chinese message."""

    # Whether the failure is this computer's at this moment (LibreOffice not installed or
    # not starting, a conversion cut off by the timeout on a busy machine), not the file's:
    # such a result is not remembered by the read cache, and the file is tried again.
    transient = False


class Unavailable(ConversionError):
    """LibreOffice is not installed, does not start, or ran out of time."""

    transient = True


def find() -> str | None:
    """The soffice program: on PATH, else at the usual Windows install path; None if neither."""
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in _WINDOWS_PATHS if os.path.isfile(path)), None)


def available() -> bool:
    """True when LibreOffice is installed, so ``convert`` can be tried."""
    return find() is not None


def convert(data: bytes, suffix: str, to: str, *, timeout: float = DEFAULT_TIMEOUT, scratch: str | Path | None = None) -> bytes:
    """The file ``data`` (whose format the name suffix ``suffix`` such as ".doc" tells) converted to ``to``.

    ``to`` is LibreOffice's target: "docx", "xlsx", "pdf", or with a filter,
    'doc:MS Word 97' (no quotes around the filter name).  Returns the converted file's bytes; raises ``ConversionError``.
    The copy, the result and LibreOffice's profile are made in a folder inside
    ``scratch`` (a run's work folder; by default the system's temporary folder).
    """
    program = find()
    if program is None:
        raise Unavailable(NOT_INSTALLED)
    extension = to.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="wbtool-soffice-", dir=scratch) as work:
        folder = Path(work)
        source = folder / f"input{suffix.lower()}"
        source.write_bytes(data)
        outdir = folder / "out"
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ]
        _run(command, timeout)
        result = outdir / f"{source.stem}.{extension}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionError("LibreOffice 未能转换此文件，文件可能已损坏或设有密码。请用 Word 或 WPS 打开后另存为 .docx 再试。")
        return result.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    # A session of its own: soffice starts soffice.bin, and a timeout must end both.
    kwargs = {"start_new_session": True} if os.name == "posix" else {}
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    except OSError as exc:
        raise Unavailable(f"无法启动 LibreOffice（{os_reason(exc, '运行')}）。请检查安装，或把文件另存为 .docx 再试。") from exc
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise Unavailable(f"LibreOffice 转换超过 {timeout:.0f} 秒仍未完成，已停止。请用 Word 或 WPS 打开后另存为 .docx 再试。") from None


def _kill(process: subprocess.Popen) -> None:
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        process.kill()
    process.wait()
