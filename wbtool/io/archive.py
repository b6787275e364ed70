"""Reading zip archives that units send back, member by member.

Each member is inflated a chunk at a time into a file of the run's work folder
(``extract.Extraction``, under a number, never under the name the archive gives),
through a stream that stops as soon as a limit is passed, because the sizes a zip
declares in its headers are written by whoever made it and prove nothing.  The
limits follow the spirit of Apache POI's ``ZipSecureFile``: a cap on entries, on the
bytes one member and one whole archive may inflate to, and on the inflation ratio;
the batch's own bound is counted by the extraction as the bytes are written.

Member names are the other hazard.  Windows' built-in zip (and most Chinese
archivers) store names as GBK bytes without saying so, and ``zipfile`` then decodes
them as cp437, which turns 附件2.xlsx into box-drawing mojibake.  ``member_name``
recovers the raw bytes and decodes them the way the archiver meant.
"""

from __future__ import annotations

import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator

from ..errors import os_reason
from ..findings import finding
from ..model import ORIGIN_SEPARATOR, Finding
from .extract import BatchFull, Extraction

MiB = 1024 * 1024

# General purpose flag bits (APPNOTE 4.4.4).
_FLAG_ENCRYPTED = 0x0001
_FLAG_UTF8 = 0x0800

# Extra fields (APPNOTE 4.5 and Info-ZIP's extrafld.txt).
_EXTRA_UNICODE_PATH = 0x7075
_EXTRA_TIMESTAMP = 0x5455

_CHUNK = 1 * MiB

# Everything ``zipfile`` and ``zlib`` raise on a damaged or hostile archive.  The
# archive is untrusted input: any of these means "cannot be read", never a crash.
BROKEN_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,  # includes UnicodeDecodeError on a name flagged UTF-8 that is not
    NotImplementedError,  # compression methods zipfile lacks (Deflate64, PPMd …)
    RuntimeError,
    struct.error,
    LookupError,
    OverflowError,
)

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ArchiveLimits:
    """How much a zip may hold before it is treated as a zip bomb.

    The entry and byte budgets are shared by a zip and every zip nested inside it,
    so nesting cannot multiply them.  The ratio is only judged past ``ratio_grace``
    bytes: a small file of blank text compresses far better than 100:1 and is harmless.
    """

    max_entries: int = 1_000
    max_total: int = 200 * MiB
    max_entry: int = 100 * MiB
    max_ratio: float = 100.0
    ratio_grace: int = 100 * 1024
    max_depth: int = 3  # containers around a file, at most: 邮件 › 压缩包 › 压缩包
    # What all the zips and emails of one batch may hand over, together: the files
    # taken out of them wait in the work folder until read, so 20 zips within their
    # own budgets must not add up to gigabytes on the bureau's disk.
    max_batch: int = 1024 * MiB
    max_mail: int = 200 * MiB  # one .eml on disk: it is parsed whole


class Budget:
    """What is left of the limits while one outermost container is being read."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.entries = limits.max_entries
        self.bytes = limits.max_total


@dataclass(frozen=True)
class Member:
    """One file taken out of a zip."""

    name: str  # path inside the archive, "/"-separated, as the unit named it
    path: Path  # its content, in the extraction's folder
    size: int
    modified_at: datetime | None


@dataclass(frozen=True)
class ZipContents:
    members: tuple[Member, ...]
    findings: tuple[Finding, ...]


class _Unsafe(Exception):
    """A member broke a limit while being read; the message says which."""


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def raw_name(info: zipfile.ZipInfo) -> bytes:
    """The name bytes exactly as stored in the central directory."""
    if info.flag_bits & _FLAG_UTF8:
        return info.orig_filename.encode("utf-8")
    # zipfile decoded the bytes as cp437, which maps all 256 byte values: lossless.
    return info.orig_filename.encode("cp437")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the archiver meant it, with "/" as the separator."""
    return decode_name(raw_name(info), utf8_flag=bool(info.flag_bits & _FLAG_UTF8), extra=info.extra)


def decode_name(raw: bytes, *, utf8_flag: bool = False, extra: bytes = b"") -> str:
    if utf8_flag:
        name = raw.decode("utf-8", "replace")
    else:
        name = _unicode_path(extra, raw) or decode_unlabelled(raw)
    return name.replace("\\", "/")  # old Windows tools write backslashes


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name of Info-ZIP's Unicode Path field, if it matches ``raw``.

    The field carries the CRC-32 of the header name it was made for; a tool that
    renamed the member without updating the field leaves a stale name behind, so a
    mismatch means the field is ignored.
    """
    for field_id, data in _extra_fields(extra):
        if field_id != _EXTRA_UNICODE_PATH or len(data) < 5 or data[0] != 1:
            continue
        (crc,) = struct.unpack("<I", data[1:5])
        if crc != zlib.crc32(raw):
            continue
        try:
            return data[5:].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def decode_unlabelled(raw: bytes) -> str:
    """Decode a name whose encoding nobody stated (a zip without the UTF-8 flag).

    Chinese Windows writes GBK; macOS Archive Utility and Info-ZIP on Linux write
    UTF-8 without setting the flag.  Bytes that are valid UTF-8 *and* read as
    Chinese text are taken as UTF-8: GBK text almost never forms such sequences,
    while UTF-8 read as GBK always "succeeds" with mojibake (甯傜鎶€灞€), so the
    order of the attempts matters.  cp437 is the last resort for names that are
    neither, as the zip specification says.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text
    for encoding in ("gb18030", "utf-8"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def _reads_as_chinese(text: str) -> bool:
    """True when every non-ASCII character is CJK or CJK punctuation (and one is)."""
    wide = [char for char in text if ord(char) > 0x7F]
    return bool(wide) and all(_is_cjk(char) for char in wide)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2000 <= code <= 0x206F  # general punctuation: “” ‘’ — …
        or 0x20000 <= code <= 0x3FFFF  # extension B and beyond
    )


def _extra_fields(extra: bytes):
    offset = 0
    while offset + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, offset)
        yield field_id, extra[offset + 4 : offset + 4 + size]
        offset += 4 + size


# ---------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------


def member_time(info: zipfile.ZipInfo, zone: tzinfo | None = None) -> datetime | None:
    """When the member was last modified, as an aware datetime.

    The DOS time in every header has no time zone: it is the local time of the
    machine that made the zip, a unit's.  It is read in ``zone`` (the units' zone,
    the catalogue's), or in this computer's when none is given.  The Info-ZIP
    extended timestamp, when present, is real UTC and wins.
    """
    for field_id, data in _extra_fields(info.extra):
        if field_id == _EXTRA_TIMESTAMP and len(data) >= 5 and data[0] & 1:
            (seconds,) = struct.unpack("<i", data[1:5])
            try:
                return datetime.fromtimestamp(seconds, timezone.utc).astimezone(zone)
            except (OverflowError, OSError, ValueError):
                break
    try:
        if zone is not None:
            return datetime(*info.date_time, tzinfo=zone)
        return datetime(*info.date_time).astimezone()
    except (ValueError, OverflowError, OSError):
        return None  # a header with month 0 or similar


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def read_zip(
    source: str | Path | bytes,
    where: str,
    *,
    limits: ArchiveLimits,
    budget: Budget,
    into: Extraction,
    wanted: Callable[[str], bool] = lambda name: True,
    zone: tzinfo | None = None,
) -> ZipContents:
    """Take every safe member out of a zip, into files of ``into``.

    ``where`` is the origin display of the zip itself (findings name members as
    ``where › member``); ``wanted`` filters out members not worth reading (system
    litter) before a byte of them is inflated.  Unsafe, encrypted and unreadable
    members, and those past the batch's bound, become findings; the others are
    returned in archive order, their times read in ``zone`` (``member_time``).
    """
    try:
        archive = zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source)
    except OSError as exc:
        if exc.errno is None:
            return ZipContents((), (_unreadable_zip(where),))
        # No read permission, or moved away: the zip itself may be fine.
        message = f"压缩包打不开（{os_reason(exc, '读取')}）。请检查文件是否还在、是否有读取权限后重试。"
        return ZipContents((), (finding("file-unreadable", message, file=where),))
    except BROKEN_ZIP:
        return ZipContents((), (_unreadable_zip(where),))
    with archive:
        # Folder entries end in "/" once decoded; the raw bytes may end in 0x5C ("\\")
        # as the second byte of a GBK character, so they are not a test.
        entries = [(member_name(info), info) for info in archive.infolist()]
        entries = [(name, info) for name, info in entries if not name.endswith("/")]
        if len(entries) > budget.entries:
            message = (
                f"压缩包含 {len(entries)} 个文件，超过上限 {limits.max_entries} 个（疑似压缩炸弹），整个压缩包未读取。"
                "请单位只打包需要报送的文件后重发。"
            )
            return ZipContents((), (finding("archive-unsafe", message, file=where),))
        budget.entries -= len(entries)
        return _read_members(archive, entries, where, limits, budget, into, wanted, zone)


def _read_members(
    archive: zipfile.ZipFile,
    entries: list[tuple[str, zipfile.ZipInfo]],
    where: str,
    limits: ArchiveLimits,
    budget: Budget,
    into: Extraction,
    wanted: Callable[[str], bool],
    zone: tzinfo | None,
) -> ZipContents:
    findings: list[Finding] = []
    members: list[Member] = []
    seen: dict[str, str] = {}
    for index, (name, info) in enumerate(entries):
        place = f"{where}{ORIGIN_SEPARATOR}{name}"
        problem = _unsafe_name(name, info, seen)
        if problem:
            findings.append(finding("archive-unsafe", problem, file=place))
        elif not wanted(name):
            continue
        elif info.flag_bits & _FLAG_ENCRYPTED:
            findings.append(finding("file-encrypted", _ENCRYPTED, file=place))
        elif budget.bytes <= 0:
            findings.append(_budget_spent(where, limits, [name for name, _ in entries[index:]]))
            break
        else:
            try:
                path, size = into.write(_inflated(archive, info, limits, budget))
            except _Unsafe as unsafe:
                findings.append(finding("archive-unsafe", str(unsafe), file=place))
            except BatchFull as full:
                findings.append(finding("file-unreadable", str(full), file=place))
            except BROKEN_ZIP as error:
                findings.append(_unreadable_member(place, error))
            else:
                members.append(Member(name=name, path=path, size=size, modified_at=member_time(info, zone)))
    return ZipContents(tuple(members), tuple(findings))


def _unsafe_name(name: str, info: zipfile.ZipInfo, seen: dict[str, str]) -> str | None:
    """Why this member must not be used, or None.  Records the name in ``seen``."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "压缩包中的该项是符号链接，可能指向本机其他文件，已跳过。请单位直接打包文件本身后重发。"
    if name.startswith("/") or _DRIVE.match(name):
        return "压缩包中的该项使用绝对路径，解压时会写到压缩包以外的位置，已跳过。请单位重新打包后重发。"
    if ".." in name.split("/"):
        return "压缩包中的该项路径含“..”，解压时会写到压缩包以外的位置，已跳过。请单位重新打包后重发。"
    if _CONTROL.search(name):
        return "压缩包中的该项名称含控制字符，已跳过。请单位改用普通文件名重新打包后重发。"
    key = unicodedata.normalize("NFC", name).casefold()
    if key in seen:
        return (
            f"压缩包中已有同名文件“{seen[key]}”（名称只差大小写或字符写法），在 Windows 上解压会互相覆盖，"
            "此项已跳过，只采用前一个。请单位确认应报送哪一份。"
        )
    seen[key] = name
    return None


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, budget: Budget) -> Iterator[bytes]:
    """The member's bytes, a chunk at a time, abandoned as soon as a limit is passed."""
    if info.file_size > limits.max_entry:
        raise _Unsafe(_too_big(limits))
    compressed = max(info.compress_size, 1)
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limits.max_entry:
                raise _Unsafe(_too_big(limits))
            if size > budget.bytes:
                budget.bytes = 0  # spent: the members after this one are not even started
                raise _Unsafe(
                    f"压缩包解压后总量超过上限 {limits.max_total // MiB} MB（疑似压缩炸弹），此项未读取。"
                    "请单位只打包需要报送的文件后重发。"
                )
            if size > limits.ratio_grace and size > limits.max_ratio * compressed:
                raise _Unsafe(
                    f"该项解压后是压缩前的 {limits.max_ratio:g} 倍以上（疑似压缩炸弹），已停止读取并跳过。"
                    "请单位确认文件内容后重新打包发送。"
                )
            yield chunk
    budget.bytes -= size


def _too_big(limits: ArchiveLimits) -> str:
    return (
        f"该项解压后超过单个文件上限 {limits.max_entry // MiB} MB（疑似压缩炸弹），已跳过。"
        "如确需报送，请单位单独发送该文件。"
    )


def _budget_spent(where: str, limits: ArchiveLimits, rest: list[str]) -> Finding:
    message = (
        f"压缩包解压后总量已达上限 {limits.max_total // MiB} MB，其余 {len(rest)} 个文件未读取"
        f"（{'、'.join(rest[:5])}{' 等' if len(rest) > 5 else ''}）。"
        "请单位分开打包后重发。"
    )
    return finding("archive-unsafe", message, file=where)


_ENCRYPTED = (
    "压缩包中的该文件设置了解压密码，本工具不支持带密码的压缩包，无法读取。"
    "请单位去掉密码重新打包后重发。"
)


def _unreadable_zip(where: str) -> Finding:
    message = (
        "文件扩展名是 .zip，但不是完整的 zip 压缩包（可能已损坏、未下载完整，或是其他格式改了扩展名）。"
        "请单位重新打包后重发；如是 rar/7z 等格式，请改用 zip 格式。"
    )
    return finding("file-unreadable", message, file=where)


def _unreadable_member(place: str, error: Exception) -> Finding:
    if isinstance(error, NotImplementedError):
        why = "使用了本工具不支持的压缩方式"
    else:
        why = "数据已损坏（校验失败）"
    message = f"压缩包中的该文件{why}，无法读取。请单位用 Windows 自带的“压缩(zipped)文件夹”或标准 zip 格式重新打包后重发。"
    return finding("file-unreadable", message, file=place)
