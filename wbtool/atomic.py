"""Writing output files: never half-written, and under names Windows accepts."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file is in the same folder, so ``os.replace`` is a rename on one
    file system: readers see the old file or the new one, never a part.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.parent / WORK_DIR
    work.mkdir(exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.stem[:40]}-", suffix=target.suffix, dir=work)
    os.close(handle)
    temp_path = Path(temp)
    # mkstemp makes the file 0600; an output is an ordinary file, created as the umask says.
    os.chmod(temp_path, 0o666 & ~current_umask())
    try:
        yield temp_path
        os.replace(temp_path, target)
    finally:
        if temp_path.exists():
            temp_path.unlink()
        try:
            work.rmdir()  # left only while another write is under way
        except OSError:
            pass


# Every temporary file of a run lives here, inside the output folder — the texts of
# the units never land in a shared $TMPDIR: the temporary files of each write, and a
# folder of the files taken out of zips and emails while they are read.  A run killed
# half-way leaves them where the next run into the same folder finds and removes them
# (``clean_stale``).
WORK_DIR = ".wbtool-临时"


def clean_stale(folder: str | Path) -> int:
    """Remove what a killed run left in ``folder``'s work folder; returns how many files and folders."""
    work = Path(folder) / WORK_DIR
    if not work.is_dir() or work.is_symlink():
        return 0
    removed = 0
    for entry in work.iterdir():
        try:
            if entry.is_symlink() or entry.is_file():
                entry.unlink()
            elif entry.is_dir():
                shutil.rmtree(entry)  # never follows a link inside it
            else:
                continue
            removed += 1
        except OSError:
            pass
    try:
        work.rmdir()
    except OSError:
        pass
    return removed


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as temp:
        temp.write_bytes(data)


def write_text(target: str | Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


# Characters Windows does not allow in file names, and control characters.
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_stem(text: str) -> str:
    """``text`` usable as a file name on Windows: forbidden characters become ``_``,
    and trailing dots and spaces (which Windows drops silently) go."""
    return _UNSAFE_IN_NAMES.sub("_", text).strip(" .")
