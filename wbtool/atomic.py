"""Writing output files: never half-written, and under names Windows accepts."""

from __future__ import annotations

import os
import re
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
    handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temp_path = Path(temp)
    try:
        yield temp_path
        os.replace(temp_path, target)
    finally:
        if temp_path.exists():
            temp_path.unlink()


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
