"""Gathering every file the units sent back: folders, zips and saved emails.

``collect`` turns the paths the bureau points at into a flat list of
``ReturnedFile``s, each with the chain of containers it came out of.  A file inside
a zip or an email is taken out, a chunk at a time, into a file of the run's work
folder (``extract``), and its ``ReturnedFile`` points there: the readers read it
in their own processes, and the command holds none of the batch.  What cannot be
used safely becomes a finding.  Which file is a form and which a 工作总结 is not
decided here: every leaf file is returned, only system litter is dropped.

Times: ``modified_at`` and ``sent_at`` are always time-zone aware.  Zip entry
times carry no zone (they are the local time of the unit's computer) and are read in
the units' zone, the catalogue's (``time_zone``); file system times are instants and
are given in that zone too; email dates keep the zone their Date header gives.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..atomic import WORK_DIR
from ..errors import os_reason
from ..findings import finding
from ..model import DEFAULT_TIME_ZONE, ORIGIN_SEPARATOR, Finding, Progress, ReturnedFile, time_zone as zone_named
from .archive import ArchiveLimits, Budget, read_zip
from .extract import PRIVATE_PREFIX, BatchFull, Extraction
from .mail import BROKEN_MAIL, read_mail


ZIP_SUFFIXES = frozenset({".zip", ".zipx"})
MAIL_SUFFIXES = frozenset({".eml"})
# Archives the standard library cannot open.  They are reported, not passed on:
# no reader could do anything with them either.
UNSUPPORTED_ARCHIVE_SUFFIXES = frozenset({".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".arj", ".lzh"})

# Files operating systems and office programs leave beside real documents.
_LITTER_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", ".wbtool-fetch.json", ".wbtool-汇总记录.json"})  # the last two: wbtool's own records (fetch, merge)
_LITTER_PREFIXES = ("~$", "._", ".~lock.")  # Office and WPS lock files, macOS resource forks, LibreOffice locks
# A wbtool work folder (a run's temporary files) is never a return, even where an
# output folder was put among the returns.
_LITTER_FOLDERS = frozenset({"__MACOSX", WORK_DIR})


@dataclass
class Collection:
    """Everything found among the returns, in a stable order.

    Not frozen data alone: a collection made without a folder for the files taken out
    of zips and emails owns the private folder they are in, for as long as it lives
    (``close()`` removes it sooner; so does leaving a ``with`` block).
    """

    files: tuple[ReturnedFile, ...]
    findings: tuple[Finding, ...]
    # Where the files taken out of zips and emails are; the place for the readers'
    # temporary files too (``pool.read_all(scratch=…)``): it goes when the run ends.
    folder: Path | None = None
    _finalizer: weakref.finalize | None = field(default=None, compare=False, repr=False)

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def collect(
    paths: Iterable[str | Path],
    *,
    into: str | Path | None = None,
    progress: Progress | None = None,
    limits: ArchiveLimits | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> Collection:
    """Every returned file under ``paths`` (folders, files, zips, .eml).

    Files inside zips and emails are written into the folder ``into``, which the
    caller provides and removes (``extract.work_folder``); without it, into a private
    temporary folder that lives as long as the returned collection.  Files are sorted
    by their origin display.  ``progress(done, total)`` is called after each file
    found on disk (a zip or an email counts as one).  ``time_zone`` is the units'
    zone (an IANA name: the catalogue's), in which zip entry times are read.
    """
    limits = limits or ArchiveLimits()
    zone = zone_named(time_zone)
    folder = Path(into) if into is not None else Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))
    try:
        collector = _Collector(limits, Extraction(folder, limits.max_batch), zone)
        on_disk = [item for path in paths for item in collector.walk(path)]
        for done, (origin, path) in enumerate(on_disk, start=1):
            collector.take_from_disk(origin, path)
            if progress is not None:
                progress(done, len(on_disk))
    except BaseException:
        if into is None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    collection = Collection(
        files=tuple(sorted(collector.files, key=lambda file: file.display)),
        findings=tuple(collector.findings),
        folder=folder,
    )
    if into is None:
        collection._finalizer = weakref.finalize(collection, shutil.rmtree, folder, ignore_errors=True)
    return collection


def is_litter(path: str) -> bool:
    """True for files nobody sent on purpose: __MACOSX/, .DS_Store, ~$ lock files …"""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if any(part in _LITTER_FOLDERS for part in parts[:-1]):
        return True
    name = parts[-1] if parts else ""
    return name.lower() in _LITTER_NAMES or name.startswith(_LITTER_PREFIXES)


# Folders inside the returns folder, at most this deep (a folder nested 1,100 levels
# overflowed the recursion; nobody files returns 32 folders down).
MAX_FOLDER_DEPTH = 32


@dataclass(frozen=True)
class _Carrier:
    """What the containers around a file pass down to it."""

    budget: Budget
    depth: int = 0  # how many containers enclose the file
    sender: str | None = None
    sent_at: datetime | None = None


class _Collector:
    def __init__(self, limits: ArchiveLimits, extraction: Extraction, zone: tzinfo) -> None:
        self.limits = limits
        self.zone = zone
        self.extraction = extraction  # the files taken out of zips and emails, and their total
        self.files: list[ReturnedFile] = []
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, int]] = set()
        self._labels: set[str] = set()

    def note(self, code: str, message: str, origin: tuple[str, ...]) -> None:
        self.findings.append(finding(code, message, file=ORIGIN_SEPARATOR.join(origin)))

    # --- the file system -------------------------------------------------

    def walk(self, argument: str | Path) -> list[tuple[tuple[str, ...], Path]]:
        """The files under one path argument, each with its origin, in name order."""
        path = Path(argument)
        given = os.fspath(argument)
        if not path.exists():
            message = f"路径“{given}”不存在。请检查路径是否写对，或文件是否已移走。"
            self.note("file-unreadable", message, (given,))
            return []
        if not path.is_dir():
            return [] if is_litter(path.name) else [((given,), path)]
        # An explicitly named folder is followed even if it is a link; links inside are not.
        label = path.name or path.resolve().name
        if label in self._labels:  # 2023/回收 and 2024/回收: the name alone would mix them up
            label = path.as_posix()
        self._labels.add(label)
        return self._walk_folder(path, label)

    def _walk_folder(self, folder: Path, label: str, depth: int = 0) -> list[tuple[tuple[str, ...], Path]]:
        if depth > MAX_FOLDER_DEPTH:
            message = f"文件夹嵌套超过 {MAX_FOLDER_DEPTH} 层，更深的内容未读取。请把报送文件放在较浅的文件夹里。"
            self.note("file-unreadable", message, (label,))
            return []
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            message = f"文件夹“{label}”无法打开（{os_reason(exc, '读取')}）。请检查权限后重试。"
            self.note("file-unreadable", message, (label,))
            return []
        found: list[tuple[tuple[str, ...], Path]] = []
        for entry in entries:
            relative = f"{label}/{entry.name}"
            if entry.is_symlink():
                message = "这是一个链接（快捷方式），为安全起见不跟随读取。请把它指向的文件本身复制到回收文件夹。"
                self.note("file-symlink", message, (relative,))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name not in _LITTER_FOLDERS:
                    found.extend(self._walk_folder(Path(entry.path), relative, depth + 1))
            elif entry.is_file(follow_symlinks=False):
                if not is_litter(entry.name):
                    found.append(((relative,), Path(entry.path)))
            else:
                self.note("file-unreadable", "这不是普通文件（设备或管道文件），已跳过。", (relative,))
        return found

    def take_from_disk(self, origin: tuple[str, ...], path: Path) -> None:
        try:
            status = path.stat()
        except OSError as exc:
            self.note("file-unreadable", f"文件无法访问（{os_reason(exc, '读取')}）。请检查后重试。", origin)
            return
        if (status.st_dev, status.st_ino) in self._seen:
            return  # named twice among the arguments: one file, one entry
        self._seen.add((status.st_dev, status.st_ino))
        if status.st_size == 0:
            self.note("file-empty", _EMPTY_FILE, origin)
            return
        suffix = path.suffix.lower()
        carrier = _Carrier(budget=Budget(self.limits), depth=1)
        if suffix in ZIP_SUFFIXES:
            self._open_zip(origin, path, carrier)
        elif suffix in MAIL_SUFFIXES:
            if status.st_size > self.limits.max_mail:
                message = (
                    f"邮件文件有 {status.st_size // (1024 * 1024)} MB，超过 {self.limits.max_mail // (1024 * 1024)} MB，未读取。"
                    "请把邮件中的附件另存出来放入回收文件夹。"
                )
                self.note("file-unreadable", message, origin)
                return
            self._open_mail(origin, path, carrier)
        elif suffix in UNSUPPORTED_ARCHIVE_SUFFIXES:
            self.note("archive-unsupported", _unsupported_archive(suffix), origin)
        else:
            modified = datetime.fromtimestamp(status.st_mtime, self.zone)
            self.files.append(ReturnedFile(origin=origin, path=str(path), modified_at=modified))

    # --- containers --------------------------------------------------------

    def _take_member(
        self,
        origin: tuple[str, ...],
        path: Path,
        size: int,
        modified_at: datetime | None,
        carrier: _Carrier,
        *,
        is_mail: bool = False,
    ) -> None:
        """A file that came out of a zip or an email, now at ``path`` in the work folder."""
        suffix = PurePosixPath(origin[-1]).suffix.lower()
        opened = is_mail or suffix in MAIL_SUFFIXES or suffix in ZIP_SUFFIXES
        if size and not opened and suffix not in UNSUPPORTED_ARCHIVE_SUFFIXES:
            self.files.append(
                ReturnedFile(origin=origin, path=str(path), sender=carrier.sender, sent_at=carrier.sent_at, modified_at=modified_at)
            )
            return
        # Nothing to pass on: the copy goes as soon as what it holds (if anything) is taken out.
        try:
            if not size:
                self.note("file-empty", _EMPTY_FILE, origin)
            elif not opened:
                self.note("archive-unsupported", _unsupported_archive(suffix), origin)
            elif carrier.depth >= self.limits.max_depth:
                message = (
                    f"压缩包或邮件嵌套超过 {self.limits.max_depth} 层，内层未读取。"
                    "请单位把文件直接放在一个 zip 压缩包里重发。"
                )
                self.note("archive-unsafe", message, origin)
            elif is_mail or suffix in MAIL_SUFFIXES:
                self._open_mail(origin, path, replace(carrier, depth=carrier.depth + 1))
            else:
                self._open_zip(origin, path, replace(carrier, depth=carrier.depth + 1))
        finally:
            self.extraction.discard(path, size)

    def _open_zip(self, origin: tuple[str, ...], source: Path, carrier: _Carrier) -> None:
        where = ORIGIN_SEPARATOR.join(origin)
        contents = read_zip(
            source, where, limits=self.limits, budget=carrier.budget, into=self.extraction, wanted=_wanted, zone=self.zone
        )
        self.findings.extend(contents.findings)
        if not contents.members and not contents.findings:
            self.note("file-empty", "压缩包里没有任何文件。请单位确认后把要报送的文件打包重发。", origin)
        for member in contents.members:
            self._take_member((*origin, member.name), member.path, member.size, member.modified_at, carrier)

    def _open_mail(self, origin: tuple[str, ...], source: Path, carrier: _Carrier) -> None:
        try:
            mail, findings = read_mail(source, ORIGIN_SEPARATOR.join(origin))
        except OSError as exc:
            self.note("file-unreadable", f"文件无法读取（{os_reason(exc, '读取')}）。请检查后重试。", origin)
            return
        self.findings.extend(findings)
        if mail is None:
            return
        if not mail.attachments:
            self.note("file-empty", "邮件中没有附件。请单位把填报表作为附件重新发送。", origin)
        # Everything inside carries this message's sender; an attached (forwarded)
        # message passes on its own, which names the unit rather than the forwarder.
        inner = replace(carrier, sender=mail.sender or carrier.sender, sent_at=mail.sent_at or carrier.sent_at)
        names = _distinct([attachment.name for attachment in mail.attachments])
        for name, attachment in zip(names, mail.attachments):
            place = (*origin, name)
            try:
                path, size = self.extraction.write(attachment.chunks())
            except BatchFull as full:
                self.note("file-unreadable", str(full), place)
                continue
            except BROKEN_MAIL:
                self.note("file-unreadable", _UNDECODABLE_ATTACHMENT, place)
                continue
            self._take_member(place, path, size, None, inner, is_mail=attachment.is_message)


def _distinct(names: list[str]) -> list[str]:
    """Names made unique the way Windows saves copies: 附件2.xlsx, 附件2 (2).xlsx …

    An email may attach two files of one name; later stages tell files apart by
    their origin, so each needs its own.
    """
    taken: set[str] = set()
    distinct: list[str] = []
    for name in names:
        path, candidate, number = PurePosixPath(name), name, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{path.stem} ({number}){path.suffix}"
        taken.add(candidate.casefold())
        distinct.append(candidate)
    return distinct


def _wanted(name: str) -> bool:
    return not is_litter(name)


_EMPTY_FILE = "文件是空的（0 字节），可能是发错了文件或保存失败。请单位重新发送。"
_UNDECODABLE_ATTACHMENT = "邮件中的这个附件已损坏，无法取出。请单位重新发送该附件，或在邮箱中把它另存出来放入回收文件夹。"


def _unsupported_archive(suffix: str) -> str:
    return (
        f"{suffix} 格式的压缩包无法读取（本工具只读取 zip）。"
        "请单位改用 zip 格式重新打包后重发，或手工解压后把文件放入回收文件夹。"
    )
