"""Collecting returned files: folders, zips (GBK names, hostile members), emails."""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from wbtool.io.collect import Collection, collect, is_litter
from wbtool.io.archive import ArchiveLimits, Budget, read_zip
from wbtool.io.extract import Extraction
from wbtool.io.mail import read_mail
from wbtool.model import ReturnedFile

FIXTURES = Path(__file__).parent / "fixtures" / "collect"

_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make = sys.modules.setdefault("make_fixtures", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(make)
RawMember, build_zip = make.RawMember, make.build_zip

CHINA = timezone(timedelta(hours=8))


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def members(result: Collection) -> list[tuple[str, ...]]:
    """The origin chains below the outermost element, in the order returned."""
    return [file.origin[1:] for file in result.files]


def codes(result: Collection) -> list[tuple[str, str]]:
    return [(f.code, f.file) for f in result.findings]


def unzip(data: bytes, where: str, limits: ArchiveLimits = ArchiveLimits()):
    """``read_zip`` into a folder removed at once: these tests look at names, times and findings."""
    with tempfile.TemporaryDirectory() as folder:
        return read_zip(data, where, limits=limits, budget=Budget(limits), into=Extraction(Path(folder), limits.max_batch))


# ---------------------------------------------------------------------------
# Zip member names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["gbk-names-no-utf8-flag.zip", "utf8-flag.zip", "utf8-names-no-flag-macos.zip"],
)
def test_chinese_member_names_decode_exactly_whatever_the_archiver(name):
    result = collect([fixture(name)])

    assert sorted(members(result)) == sorted((member,) for member in make.GBK_NAMES)
    assert result.findings == ()
    assert {file.origin[0] for file in result.files} == {fixture(name)}


def test_infozip_unicode_path_field_wins_only_when_its_crc_matches():
    result = collect([fixture("infozip-unicode-path.zip")])

    assert members(result) == [("旧名字.xlsx",), ("附件2.xlsx",)]


def test_member_time_is_aware_local_time_or_the_extended_utc_timestamp():
    stamp = 1_732_089_600  # 2024-11-20 08:00 UTC
    extra = struct.pack("<HHBi", 0x5455, 5, 1, stamp)
    data = build_zip([RawMember("dos-time.xlsx"), RawMember("utc-time.xlsx", extra=extra)])

    contents = unzip(data, "t.zip")
    dos, utc = contents.members

    assert dos.modified_at == datetime(*make.WHEN).astimezone()
    assert utc.modified_at == datetime.fromtimestamp(stamp, timezone.utc)
    assert utc.modified_at.tzinfo is not None


@pytest.fixture
def machine_in_new_york(monkeypatch):
    """This process's local time is New York's (the bureau's PC set to another zone)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_zip_entrys_time_is_the_units_clock_read_in_the_catalogue_zone_not_this_machines(tmp_path, machine_in_new_york):
    (tmp_path / "回收").mkdir()
    (tmp_path / "回收" / "江阴市.zip").write_bytes(build_zip([RawMember("附件2.xlsx")]))
    for zone in ("Asia/Shanghai", "Asia/Urumqi"):
        with collect([tmp_path / "回收"], time_zone=zone) as collection:
            [member] = collection.files
            assert member.modified_at == datetime(*make.WHEN, tzinfo=ZoneInfo(zone))
    with collect([tmp_path / "回收"]) as collection:  # the default: China's zone, whatever the machine's
        assert collection.files[0].modified_at.utcoffset() == timedelta(hours=8)


def test_gbk_name_that_is_also_valid_utf8_but_not_chinese_stays_gbk():
    assert "学校".encode("gbk").decode("utf-8") == "ѧУ"  # the trap: valid UTF-8, read as Cyrillic
    data = build_zip([RawMember("学校.xlsx", encoding="gbk")])

    contents = unzip(data, "t.zip")

    assert [member.name for member in contents.members] == ["学校.xlsx"]


_NAME_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),  # every one of them is in GBK
    st.sampled_from("abcXYZ019 -_（）《》·、"),
)
_NAMES = st.lists(
    st.text(_NAME_ALPHABET, min_size=1, max_size=16),
    min_size=1,
    max_size=8,
    unique_by=lambda name: unicodedata.normalize("NFC", name).casefold(),
)


def _also_reads_as_utf8_chinese(raw: bytes) -> bool:
    """Valid UTF-8 whose every non-ASCII character lies above the alphabetic scripts.

    A superset of the bytes the decoder reads as UTF-8; the common trap (two-byte
    sequences such as 学校 → ѧУ) stays inside the property.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    wide = [char for char in text if ord(char) > 0x7F]
    return bool(wide) and all(ord(char) >= 0x2000 for char in wide)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=_NAMES, encoding=st.sampled_from(["gbk", "utf-8-flag"]))
def test_any_member_names_written_in_either_encoding_decode_back_exactly(names, encoding):
    if encoding == "gbk":
        # GBK bytes that are also valid UTF-8 are ambiguous by nature; they are
        # read as UTF-8 (see decode_unlabelled) and left out of this property.
        assume(not any(_also_reads_as_utf8_chinese(name.encode("gbk")) for name in names))
    data = build_zip([RawMember(name, encoding=encoding) for name in names])

    contents = unzip(data, "p.zip")

    assert [member.name for member in contents.members] == names
    assert contents.findings == ()


# ---------------------------------------------------------------------------
# Hostile and broken zips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, unsafe, kept",
    [
        ("traversal.zip", ["../../evil.xlsx", "总结/../../evil2.xlsx", "../windows-evil.xlsx"], ["附件2.xlsx"]),
        ("absolute-path.zip", ["/etc/cron.d/evil.xlsx", "C:/Windows/evil.xlsx"], ["附件2.xlsx"]),
        ("symlink-member.zip", ["附件2.xlsx"], ["工作总结.docx"]),
        ("duplicate-names-case.zip", ["附件2.XLSX", "Caf\u00e9.docx"], ["Cafe\u0301.docx", "附件2.xlsx"]),
        ("bomb-ratio.zip", ["附件2.xlsx"], []),
    ],
)
def test_unsafe_members_are_skipped_and_the_rest_is_used(name, unsafe, kept):
    result = collect([fixture(name)])

    assert codes(result) == [("archive-unsafe", f"{fixture(name)} › {member}") for member in unsafe]
    assert sorted(members(result)) == sorted((member,) for member in kept)


def test_first_of_duplicate_names_is_the_one_kept():
    result = collect([fixture("duplicate-names-case.zip")])

    by_name = {file.name: file.read_bytes() for file in result.files}
    assert by_name["附件2.xlsx"] == b"first"
    assert by_name["Cafe\u0301.docx"] == b"nfd"


def test_bomb_is_stopped_while_inflating_not_after(inflated):
    collect([fixture("bomb-ratio.zip")])

    assert sum(inflated) <= 2 * 1024 * 1024  # of 20 MB


def test_member_over_the_single_entry_limit_is_unsafe():
    data = build_zip([RawMember("big.xlsx", data=os.urandom(5000)), RawMember("small.xlsx", data=os.urandom(100))])
    limits = ArchiveLimits(max_entry=4096)

    contents = unzip(data, "z.zip", limits)

    assert [(f.code, f.file) for f in contents.findings] == [("archive-unsafe", "z.zip › big.xlsx")]
    assert [member.name for member in contents.members] == ["small.xlsx"]


def test_once_the_total_budget_is_spent_the_rest_is_not_started():
    data = build_zip([RawMember(f"{index}.xlsx", data=os.urandom(1200)) for index in range(4)])
    limits = ArchiveLimits(max_total=2000)

    contents = unzip(data, "z.zip", limits)

    assert [member.name for member in contents.members] == ["0.xlsx"]
    assert [(f.code, f.file) for f in contents.findings] == [
        ("archive-unsafe", "z.zip › 1.xlsx"),  # stopped while inflating
        ("archive-unsafe", "z.zip"),  # 2.xlsx and 3.xlsx, in one finding
    ]


def test_total_budget_is_shared_with_nested_zips(tmp_path):
    inner = build_zip([RawMember("inner.xlsx", data=os.urandom(3000), compress=zipfile.ZIP_STORED)])
    outer = tmp_path / "outer.zip"
    outer.write_bytes(
        build_zip(
            [
                RawMember("a.xlsx", data=os.urandom(3000), compress=zipfile.ZIP_STORED),
                RawMember("nested.zip", data=inner, compress=zipfile.ZIP_STORED),
            ]
        )
    )
    # The outer zip alone fits; the nested member's content does not.
    result = collect([outer], limits=ArchiveLimits(max_total=len(inner) + 3000 + 1000))

    assert members(result) == [("a.xlsx",)]
    assert codes(result) == [("archive-unsafe", f"{outer} › nested.zip › inner.xlsx")]


def test_too_many_entries_refuses_the_whole_zip(tmp_path):
    path = tmp_path / "too-many-entries.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(1_001):
            archive.writestr(f"{index}.txt", b"x")

    result = collect([path])

    assert result.files == ()
    assert codes(result) == [("archive-unsafe", str(path))]


def test_encrypted_member_asks_for_a_resend_without_password():
    result = collect([fixture("encrypted-member.zip")])

    assert codes(result) == [("file-encrypted", f"{fixture('encrypted-member.zip')} › 附件2.xlsx")]
    assert members(result) == [("说明.txt",)]


def test_member_with_bad_crc_is_unreadable_and_the_others_survive(tmp_path):
    data = bytearray(
        build_zip(
            [RawMember("坏.xlsx", data=b"A" * 64, compress=zipfile.ZIP_STORED), RawMember("好.xlsx", data=b"ok")]
        )
    )
    data[data.index(b"A" * 64)] = ord("B")
    path = tmp_path / "crc-mismatch.zip"
    path.write_bytes(bytes(data))

    result = collect([path])

    assert codes(result) == [("file-unreadable", f"{path} › 坏.xlsx")]
    assert members(result) == [("好.xlsx",)]


def test_not_a_zip_is_unreadable():
    result = collect([fixture("not-a-zip.zip")])

    assert result.files == ()
    assert codes(result) == [("file-unreadable", fixture("not-a-zip.zip"))]


def test_nested_zip_members_carry_the_whole_chain():
    result = collect([fixture("nested.zip")])

    assert members(result) == [("市科技局.zip", "附件2.xlsx"), ("说明.txt",)]
    assert result.files[0].display == f"{fixture('nested.zip')} › 市科技局.zip › 附件2.xlsx"
    assert result.files[0].data is None and result.files[0].read_bytes() == b"content"


def test_nesting_deeper_than_the_limit_is_unsafe(tmp_path):
    data = build_zip([RawMember("附件2.xlsx")])
    for level in (3, 2, 1):
        data = build_zip([RawMember(f"level{level}.zip", data=data)])
    path = tmp_path / "deep.zip"
    path.write_bytes(data)

    result = collect([path])  # deep.zip › level1.zip › level2.zip › level3.zip

    assert result.files == ()
    assert codes(result) == [("archive-unsafe", f"{path} › level1.zip › level2.zip › level3.zip")]


def test_mac_and_windows_litter_is_ignored_silently():
    result = collect([fixture("mac-litter.zip")])

    assert members(result) == [("附件2.xlsx",)]
    assert result.findings == ()


def test_empty_member_and_empty_zip_are_reported(tmp_path):
    (tmp_path / "has-empty-member.zip").write_bytes(build_zip([RawMember("附件2.xlsx", data=b""), RawMember("ok.pdf")]))
    (tmp_path / "empty.zip").write_bytes(build_zip([]))

    result = collect([tmp_path])

    root = tmp_path.name
    assert codes(result) == [
        ("file-empty", f"{root}/empty.zip"),
        ("file-empty", f"{root}/has-empty-member.zip › 附件2.xlsx"),
    ]
    assert [file.display for file in result.files] == [f"{root}/has-empty-member.zip › ok.pdf"]


def test_office_files_are_not_opened_as_archives(tmp_path):
    (tmp_path / "附件2.xlsx").write_bytes(build_zip([RawMember("[Content_Types].xml")]))
    (tmp_path / "wrapped.zip").write_bytes(build_zip([RawMember("总结.docx", data=build_zip([RawMember("word/document.xml")]))]))

    result = collect([tmp_path])

    root = tmp_path.name
    assert [file.display for file in result.files] == [f"{root}/wrapped.zip › 总结.docx", f"{root}/附件2.xlsx"]


def test_rar_and_7z_are_unsupported_with_a_finding(tmp_path):
    (tmp_path / "区教育局.rar").write_bytes(b"Rar!\x1a\x07\x00rest")
    (tmp_path / "inside.zip").write_bytes(build_zip([RawMember("市科技局.7z", data=b"7z\xbc\xaf\x27\x1c")]))

    result = collect([tmp_path])

    root = tmp_path.name
    assert result.files == ()
    assert codes(result) == [
        ("archive-unsupported", f"{root}/inside.zip › 市科技局.7z"),
        ("archive-unsupported", f"{root}/区教育局.rar"),
    ]


# ---------------------------------------------------------------------------
# Emails
# ---------------------------------------------------------------------------


def test_gbk_rfc2047_attachment_names_and_sender_are_inherited_through_a_zip():
    eml = fixture("gbk-attachment-name.eml")

    result = collect([eml])

    assert members(result) == [("工作总结·镕.docx",), ("市科技局样板建设总结.zip", "附件2.xlsx")]
    for file in result.files:
        assert file.sender == "zhangsan@kjj.example.cn"
        assert file.sent_at == datetime(2024, 11, 20, 16, 5, 9, tzinfo=CHINA)
    assert result.files[1].modified_at == datetime(*make.WHEN, tzinfo=ZoneInfo("Asia/Shanghai"))  # the units' zone, not this machine's
    assert result.findings == ()


def test_rfc2231_continuations_inline_parts_and_forwarded_message():
    eml = fixture("rfc2231-gbk-name.eml")

    result = collect([eml])

    assert members(result) == [("区教育局报送.eml", "典型经验.pdf"), ("附件2（市教育局）.xlsx",)]
    forwarded, direct = result.files
    assert (direct.sender, direct.sent_at) == ("wang@jyj.example.cn", datetime(2024, 11, 21, 10, tzinfo=CHINA))
    # A forwarded message names the unit that wrote it, not the colleague who forwarded it.
    assert (forwarded.sender, forwarded.sent_at) == ("lisi@qu.example.cn", datetime(2024, 11, 19, 8, tzinfo=timezone.utc))
    assert forwarded.read_bytes() == b"%PDF-1.4 tiny"
    assert result.findings == ()


def test_file_that_is_not_an_email_is_unreadable():
    result = collect([fixture("not-an-email.eml")])

    assert result.files == ()
    assert codes(result) == [("file-unreadable", fixture("not-an-email.eml"))]


def test_attachments_of_one_name_get_distinct_origins(tmp_path):
    part = (
        b"--b\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n'
    )
    path = tmp_path / "两个同名附件.eml"
    path.write_bytes(
        b'From: a@b.cn\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + part % b"form.xlsx"
        + part % b"FORM.xlsx"
        + part % b"form.xlsx"
        + b"--b--\r\n"
    )

    result = collect([path])

    assert members(result) == [("FORM (2).xlsx",), ("form (3).xlsx",), ("form.xlsx",)]


def test_email_without_attachments_is_reported(tmp_path):
    path = tmp_path / "只有正文.eml"
    path.write_bytes(b"From: a@b.cn\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nbody only\r\n")

    result = collect([path])

    assert result.files == ()
    assert codes(result) == [("file-empty", str(path))]


# ---------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------


@pytest.fixture()
def returns(tmp_path, monkeypatch) -> Path:
    """回收/ as the bureau keeps it: unit folders, lock files, litter, an empty file, a link."""
    root = tmp_path / "回收"
    unit = root / "市科技局样板建设总结"
    unit.mkdir(parents=True)
    (unit / "附件2.xlsx").write_bytes(b"form")
    (unit / "~$附件2.xlsx").write_bytes(b"lock")
    (unit / "工作总结.docx").write_bytes(b"docx")
    (root / ".DS_Store").write_bytes(b"x")
    (root / "Thumbs.db").write_bytes(b"x")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._附件2.xlsx").write_bytes(b"x")
    (root / "空文件.xlsx").write_bytes(b"")
    shutil.copy(fixture("nested.zip"), root / "区教育局.zip")
    (root / "链接.xlsx").symlink_to(unit / "附件2.xlsx")
    monkeypatch.chdir(tmp_path)
    return root


def test_folder_origins_start_with_the_folder_name_and_skip_litter(returns):
    result = collect(["回收/"])

    assert [file.display for file in result.files] == [
        "回收/区教育局.zip › 市科技局.zip › 附件2.xlsx",
        "回收/区教育局.zip › 说明.txt",
        "回收/市科技局样板建设总结/工作总结.docx",
        "回收/市科技局样板建设总结/附件2.xlsx",
    ]
    assert codes(result) == [("file-symlink", "回收/链接.xlsx"), ("file-empty", "回收/空文件.xlsx")]


def test_files_on_disk_keep_their_path_and_an_aware_mtime(returns):
    result = collect(["回收"])

    on_disk = [file for file in result.files if len(file.origin) == 1]
    assert [file.path for file in on_disk] == [
        str(Path("回收/市科技局样板建设总结/工作总结.docx")),
        str(Path("回收/市科技局样板建设总结/附件2.xlsx")),
    ]
    assert all(file.data is None and file.modified_at.tzinfo is not None for file in on_disk)


def test_file_argument_keeps_its_name_as_given_and_is_taken_once(returns):
    given = "回收/市科技局样板建设总结/附件2.xlsx"

    result = collect([given, given, "回收/市科技局样板建设总结/~$附件2.xlsx"])

    assert [file.origin for file in result.files] == [(given,)]


def test_two_folders_of_one_name_keep_apart(tmp_path, monkeypatch):
    for year in ("2023", "2024"):
        (tmp_path / year / "回收").mkdir(parents=True)
        (tmp_path / year / "回收" / "附件2.xlsx").write_bytes(year.encode())
    monkeypatch.chdir(tmp_path)

    result = collect(["2023/回收", "2024/回收/"])

    assert [file.display for file in result.files] == ["2024/回收/附件2.xlsx", "回收/附件2.xlsx"]


def test_missing_path_is_unreadable_and_does_not_stop_the_rest(returns):
    result = collect(["不存在的文件夹", "回收/市科技局样板建设总结"])

    assert codes(result) == [("file-unreadable", "不存在的文件夹")]
    assert len(result.files) == 2


def test_progress_reports_each_file_on_disk(returns):
    calls = []

    collect(["回收"], progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]  # the zip, the empty file, two in the unit folder


def test_order_is_stable_across_runs(returns):
    first, second = collect(["回收"]), collect(["回收"])
    assert [f.origin for f in first.files] == [f.origin for f in second.files]
    assert [f.read_bytes() for f in first.files] == [f.read_bytes() for f in second.files]
    assert first.findings == second.findings


@pytest.mark.parametrize(
    "path, litter",
    [
        ("~$附件2.xlsx", True),
        ("总结/.DS_Store", True),
        ("__MACOSX/总结/附件2.xlsx", True),
        (".~lock.附件2.xlsx#", True),
        ("desktop.ini", True),
        ("附件2.xlsx", False),
        ("总结/~附件2.xlsx", False),
    ],
)
def test_litter(path, litter):
    assert is_litter(path) is litter


# ---------------------------------------------------------------------------
# Scale
# ---------------------------------------------------------------------------


def test_poi_corpus_is_collected_fast_and_whole():
    if not (CORPUS / "poi").is_dir():
        pytest.skip("the POI corpus (../shared/corpus/poi) is not beside this checkout")
    started = time.perf_counter()
    result = collect([CORPUS / "poi"])
    elapsed = time.perf_counter() - started

    on_disk = [p for p in (CORPUS / "poi").rglob("*") if p.is_file() and not p.is_symlink() and not is_litter(p.name)]
    empty = [p for p in on_disk if p.stat().st_size == 0]
    assert len(result.files) == len(on_disk) - len(empty)
    assert elapsed < 5


def test_thousand_member_zip_is_collected_in_well_under_a_second(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(1_000):
            archive.writestr(f"单位{index:04d}/附件2.xlsx", os.urandom(2_000))
    path = tmp_path / "many.zip"
    path.write_bytes(buffer.getvalue())

    started = time.perf_counter()
    result = collect([path])
    elapsed = time.perf_counter() - started

    assert len(result.files) == 1_000 and result.findings == ()
    assert elapsed < 2


# ---------------------------------------------------------------------------
# Email attachment names, every way Chinese mail clients write them
# ---------------------------------------------------------------------------


def _rfc2047(name: str, charset: str) -> str:
    return f'filename="=?{charset}?B?{base64.b64encode(name.encode("gbk")).decode()}?="'


def _rfc2231(name: str, cut: int) -> str:
    """The name in two continuations split after ``cut`` bytes, often mid-character."""
    octets = re.findall(r"%[0-9A-F]{2}|.", urllib.parse.quote_from_bytes(name.encode("gbk")))
    cut = cut % (len(octets) + 1)
    head, tail = "".join(octets[:cut]), "".join(octets[cut:])
    if not head or not tail:
        return f"filename*=GBK''{head or tail}"
    return f"filename*0*=GBK''{head};\r\n filename*1*={tail}"


def _eml_with_attachment(disposition: bytes) -> bytes:
    return (
        b"From: unit@example.cn\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        + disposition
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--\r\n"
    )


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(_NAME_ALPHABET, min_size=1, max_size=16).filter(lambda name: name == name.strip()),
    style=st.sampled_from(["rfc2047-gbk", "rfc2047-gb2312-label", "rfc2231-split", "raw-8bit"]),
    cut=st.integers(min_value=0, max_value=200),
)
def test_any_gbk_attachment_name_decodes_back_exactly(name, style, cut):
    raw = name.encode("gbk")
    if style == "raw-8bit":
        # Undeclared bytes: the same ambiguity as zip names, and a 0x5C trail byte
        # inside a quoted string is a backslash escape to any MIME parser.
        assume(not _also_reads_as_utf8_chinese(raw) and b"\\" not in raw)
        disposition = b'filename="' + raw + b'"'
    elif style == "rfc2231-split":
        disposition = _rfc2231(name, cut).encode()
    else:
        disposition = _rfc2047(name, "GBK" if style == "rfc2047-gbk" else "gb2312").encode()

    result = collect_bytes(_eml_with_attachment(disposition))

    assert members(result) == [(name,)]


def collect_bytes(eml: bytes) -> Collection:
    mail, findings = read_mail(eml, "m.eml")
    assert findings == ()
    return Collection(
        files=tuple(
            ReturnedFile(origin=("m.eml", attachment.name), data=b"".join(attachment.chunks())) for attachment in mail.attachments
        ),
        findings=(),
    )
