"""Where the files taken out of zips and emails are kept while a batch is read.

A member of a zip or an attachment of an email is written to a file of its own as it
is inflated or decoded, a chunk at a time, and the readers (other processes) read it
from there: the command's memory does not grow with the batch, whatever the units
packed.  The files belong to the run.  With an output folder they live in its work
folder (``atomic.WORK_DIR``), never in a shared $TMPDIR, and a run that is killed
leaves them to the next run into the same folder (``atomic.clean_stale``); without
one (``wbtool check``) in a private temporary folder.  Either is removed when the run
ends, also on error.

What they may add up to is bounded (``ArchiveLimits.max_batch``): bytes are counted
as they are written, and the file that would pass the bound is stopped there.  A file
is named by a number, never by what the unit called it: no name from a zip reaches
the file system.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..atomic import WORK_DIR
from ..errors import CannotWrite, os_reason

MiB = 1024 * 1024
_FOLDER_PREFIX = "取出-"
PRIVATE_PREFIX = f"wbtool-{_FOLDER_PREFIX}"  # a private temporary folder's, in $TMPDIR


class BatchFull(Exception):
    """Writing a file would pass the batch's bound; ``str(error)`` is the finding's message."""


class Extraction:
    """The files of one batch taken out of zips and emails, in one folder, and their total."""

    def __init__(self, folder: Path, limit: int):
        self.folder = Path(folder)
        self.limit = limit
        self.held = 0  # bytes of the files now in the folder
        self._count = 0

    def write(self, chunks: Iterable[bytes]) -> tuple[Path, int]:
        """Write ``chunks`` to a new file of the folder; its path and size.

        Raises ``BatchFull`` when the batch's files would pass the bound, and passes
        on whatever ``chunks`` raises (a zip member found unsafe while inflating);
        either way no part of the file is left.  A file that cannot be written (a full
        disk) stops the run: ``CannotWrite``.
        """
        self._count += 1
        path = self.folder / f"{self._count:06d}"
        size = 0
        try:
            with self._writing(open, path, "xb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if self.held + size > self.limit:
                        raise BatchFull(_batch_full(self.limit))
                    self._writing(out.write, chunk)
                self._writing(out.flush)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator stopped half-way closes its stream now, not when collected
        self.held += size
        return path, size

    def _writing(self, call, *args):
        """``call(*args)`` on the file being written: its OSError is the disk's, not the unit's file's."""
        try:
            return call(*args)
        except OSError as exc:
            raise CannotWrite(
                f"无法在工作文件夹“{self.folder}”中写入从压缩包和邮件中取出的文件：{os_reason(exc, '写入')}。"
                "请确认磁盘空间足够、文件夹可写后重试。"
            ) from exc

    def discard(self, path: Path, size: int) -> None:
        """Remove a file that is not passed on (a zip once opened, an empty file)."""
        path.unlink(missing_ok=True)
        self.held -= size


def _batch_full(limit: int) -> str:
    return (
        f"本批次从压缩包和邮件中取出的文件合计已超过 {limit // MiB} MB，这个文件未读取。"
        "请把压缩包解压、邮件附件另存后放入回收文件夹，或分批核查。"
    )


@contextmanager
def work_folder(out: str | Path | None) -> Iterator[Path]:
    """A folder for the files one run takes out of zips and emails; removed when the run ends.

    ``out`` is the run's output folder (created if need be; removed again if the run
    leaves nothing in it): the folder is made in its work folder.  ``None``: a private
    temporary folder, for a run that writes nothing (``wbtool check``).
    """
    if out is None:
        with tempfile.TemporaryDirectory(prefix=PRIVATE_PREFIX, ignore_cleanup_errors=True) as folder:
            yield Path(folder)
        return
    out = Path(out)
    made = not out.exists()
    work = out / WORK_DIR
    try:
        work.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX, dir=work))
    except OSError as exc:
        raise CannotWrite(f"无法在输出文件夹“{out}”中建立工作文件夹：{os_reason(exc, '写入')}。请确认文件夹可写后重试。") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for empty in (work, out) if made else (work,):
            try:
                empty.rmdir()  # left while another write is under way, or when outputs are there
            except OSError:
                break
