"""Files taken out of zips and emails: written to the run's work folder a chunk at a
time, bounded while they are written, and gone when the run ends.

The readers read them there, in their own processes; the command holds none of the
batch (its memory: ``test_peak_memory``).  With an output folder they never touch
$TMPDIR; without one, a private temporary folder is removed at the end, also on error.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import subprocess
import sys
import tempfile
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import packages as P
import returns as R
from wbtool.atomic import WORK_DIR, clean_stale
from wbtool.identify import assignment_for
from wbtool.io.archive import ArchiveLimits
from wbtool.io.collect import collect
from wbtool.io.mail import decoded
from wbtool.model import ReturnedFile
from wbtool.pipeline import check_returns, merge
from wbtool.pool import read_here

UNIT = "宜兴市"
MiB = 1024 * 1024


def _files_in(folder: Path) -> list[Path]:
    """Regular files under ``folder`` (multiprocessing's pymp-* folders hold only a socket)."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


@pytest.fixture
def tmpdir_watched(tmp_path, monkeypatch) -> Path:
    """An empty $TMPDIR for this process: whatever lands there is seen."""
    folder = tmp_path / "TMPDIR"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def packed(wuxi, tmp_path) -> Path:
    """A unit's form in a zip, and its 工作总结 attached to an email: both containers."""
    tasks = wuxi.tasks_of(UNIT)
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {t.no: f"第{t.no}项已完成" for t in tasks}, tmp_path / f"{UNIT}.xlsx")
    returns = tmp_path / "回收材料"
    R.zip_gbk({filled.name: filled}, returns / f"{UNIT}样板建设总结.zip")
    summary = tmp_path / f"{UNIT}工作总结.pdf"
    summary.write_bytes(b"%PDF-1.4 " + os.urandom(2048))
    R.eml([summary], returns / "来信.eml")
    return returns


class Recording:
    """``read_here`` that notes where each file it reads is, and that it is there."""

    def __init__(self):
        self.seen: list[tuple[ReturnedFile, bool]] = []

    def __call__(self, files, **options):
        self.seen += [(file, Path(file.path).is_file()) for file in files]
        return read_here(files, **options)


def test_merge_reads_members_from_the_out_folders_work_folder_and_leaves_nothing_anywhere(wuxi, packed, tmp_path, tmpdir_watched):
    out = tmp_path / "汇总"
    reading = Recording()
    result = merge([packed], out, catalogue=wuxi, read=reading)
    inside = [(file, there) for file, there in reading.seen if file.in_container]
    assert {file.name for file, _ in inside} >= {f"{UNIT}.xlsx", f"{UNIT}工作总结.pdf"}
    assert all(there and (out / WORK_DIR) in Path(file.path).parents for file, there in inside)
    assert any(entry.unit == UNIT for entry in result.master.details)  # the zipped form was read from there
    assert not (out / WORK_DIR).exists()
    assert _files_in(tmpdir_watched) == []


def test_check_without_an_out_folder_removes_its_private_folder_also_when_reading_fails(wuxi, packed, tmpdir_watched):
    reading = Recording()
    check_returns([packed], wuxi, read=reading)
    assert reading.seen and all(there for _, there in reading.seen)
    assert _files_in(tmpdir_watched) == [] and list(tmpdir_watched.iterdir()) == []

    def failing(files, **options):
        assert all(Path(file.path).is_file() for file in files)
        raise RuntimeError("a reader that gives up")

    with pytest.raises(RuntimeError):
        check_returns([packed], wuxi, read=failing)
    assert list(tmpdir_watched.iterdir()) == []


def test_check_with_a_markup_folder_keeps_tmpdir_clean(wuxi, packed, tmp_path, tmpdir_watched):
    reading = Recording()
    check_returns([packed], wuxi, read=reading, work=tmp_path / "退回修改")
    assert all((tmp_path / "退回修改" / WORK_DIR) in Path(file.path).parents for file, _ in reading.seen if file.in_container)
    assert _files_in(tmpdir_watched) == []
    assert not (tmp_path / "退回修改").exists()  # made for the run, left nothing: gone again


def test_a_killed_runs_extraction_folder_is_removed_by_the_next_run(tmp_path):
    left = tmp_path / "汇总" / WORK_DIR / "取出-abc123"
    left.mkdir(parents=True)
    (left / "000001").write_bytes(b"a unit's text")
    (left.parent / ".汇总-x.xlsx").write_bytes(b"half a workbook")
    assert clean_stale(tmp_path / "汇总") == 2
    assert not (tmp_path / "汇总" / WORK_DIR).exists()


def test_a_work_folder_among_the_returns_is_never_collected(tmp_path):
    returns = tmp_path / "回收材料"
    (returns / WORK_DIR / "取出-abc123").mkdir(parents=True)
    (returns / WORK_DIR / "取出-abc123" / "000001").write_bytes(b"a copy of a member")
    (returns / "附件2.xlsx").write_bytes(b"form")
    assert [file.name for file in collect([returns]).files] == ["回收材料/附件2.xlsx"]


# --- the batch's bound, counted while writing -----------------------------------------


def test_a_member_past_the_batch_bound_is_stopped_while_it_is_written(tmp_path, inflated):
    big = tmp_path / "回收" / "单位.zip"
    big.parent.mkdir()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("小.xlsx", os.urandom(100 * 1024))
        archive.writestr("大.jpg", os.urandom(8 * MiB))
    with collect([big.parent], limits=ArchiveLimits(max_batch=1 * MiB)) as collection:
        assert [file.name for file in collection.files] == ["小.xlsx"]
        assert [(f.code, f.file) for f in collection.findings] == [("file-unreadable", "回收/单位.zip › 大.jpg")]
        assert "合计已超过 1 MB" in collection.findings[0].message
        folder = Path(collection.files[0].path).parent
        assert [p.stat().st_size for p in folder.iterdir()] == [100 * 1024]  # nothing of 大.jpg is left
    assert sum(inflated) <= 3 * MiB  # of 8 MiB: stopped at the bound, not after
    assert not folder.exists()  # the collection's private folder went with it


def test_an_attachment_past_the_batch_bound_is_a_finding_and_the_others_are_taken(tmp_path):
    small, big = tmp_path / "表.xlsx", tmp_path / "照片.jpg"
    small.write_bytes(os.urandom(1000))
    big.write_bytes(os.urandom(2 * MiB))
    mail = R.eml([big, small], tmp_path / "回收" / "来信.eml")
    with collect([mail], limits=ArchiveLimits(max_batch=1 * MiB)) as collection:
        assert [file.name for file in collection.files] == ["表.xlsx"]
        assert collection.files[0].read_bytes() == small.read_bytes()
        assert [f.code for f in collection.findings] == ["file-unreadable"]
        assert collection.findings[0].file.endswith("来信.eml › 照片.jpg")


def test_an_assignment_pattern_never_matches_the_work_copy_of_a_member():
    """The copy's path names the output folder (汇总/.wbtool-临时/…): a pattern meant for
    the units' files must not catch every member through it."""
    copy = ReturnedFile(origin=("回收/甲.zip", "附件2.xlsx"), path="/data/汇总/.wbtool-临时/取出-1/000001")
    assert assignment_for(copy, {"*汇总*": "市科技局"}) is None
    assert assignment_for(copy, {"*甲.zip*": "市科技局"}) == "市科技局"


# --- attachments decoded a piece at a time -----------------------------------------------


def _part(payload: str, encoding: str = "base64"):
    raw = (
        "Content-Type: application/octet-stream\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n"
        'Content-Disposition: attachment; filename="a.bin"\r\n\r\n' + payload
    )
    return email.message_from_string(raw, policy=email.policy.default)


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=3000),
    width=st.integers(min_value=1, max_value=120),
    step=st.integers(min_value=1, max_value=64),
    padding=st.sampled_from(["keep", "drop", "extra-space"]),
)
def test_base64_decoded_piece_by_piece_is_what_the_library_decodes(data, width, step, padding):
    text = base64.b64encode(data).decode()
    if padding == "drop":
        text = text.rstrip("=")
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    separator = " \r\n" if padding == "extra-space" else "\r\n"
    part = _part(separator.join(lines) + "\r\n")
    assert b"".join(decoded(part, step=step)) == part.get_payload(decode=True) == data


@pytest.mark.parametrize(
    "payload, encoding",
    [
        ("QUJD\r\n!!RE\r\nVG\r\n", "base64"),  # a stray character: the library's leniency
        ("QUI=QUI=\r\n", "base64"),  # padding in the middle
        ("QUJDR\r\n", "base64"),  # one character too many
        ("caf=C3=A9 au lait=\r\n\r\n", "quoted-printable"),
        ("plain text\r\n", "7bit"),
    ],
)
def test_unusual_payloads_are_decoded_as_the_library_decodes_them(payload, encoding):
    part = _part(payload, encoding)
    assert b"".join(decoded(part, step=4)) == part.get_payload(decode=True)


def test_a_large_attachment_arrives_whole_through_the_work_folder(tmp_path):
    content = os.urandom(3 * MiB + 7)
    message = EmailMessage()
    message["From"] = "unit@example.cn"
    message["Subject"] = "材料"
    message.set_content("见附件。")
    message.add_attachment(content, maintype="application", subtype="octet-stream", filename="材料.bin")
    (tmp_path / "回收").mkdir()
    (tmp_path / "回收" / "来信.eml").write_bytes(bytes(message))
    with collect([tmp_path / "回收"]) as collection:
        [file] = collection.files
        assert file.read_bytes() == content and file.in_container


FAKE_SOFFICE = """#!/bin/sh
# Notes the folder it was asked to convert into, and converts nothing.
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then echo "$2" >> "$WBTOOL_TEST_SOFFICE_LOG"; fi
  shift
done
exit 0
"""


@pytest.fixture
def fake_soffice(tmp_path) -> tuple[dict, Path, Path]:
    """An environment whose `soffice` logs where it converts to; the log; an empty $TMPDIR."""
    if os.name != "posix":
        pytest.skip("a shell script stands in for LibreOffice")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text(FAKE_SOFFICE)
    (fake / "soffice").chmod(0o755)
    log, tmpdir = tmp_path / "soffice.log", tmp_path / "TMPDIR"
    tmpdir.mkdir()
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(tmpdir), "WBTOOL_TEST_SOFFICE_LOG": str(log)}
    return env, log, tmpdir


def _wbtool(env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "wbtool", *args], env=env, capture_output=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")


def test_libreoffice_converts_a_units_doc_inside_the_out_folder_never_in_tmpdir(wuxi, tmp_path, fake_soffice):
    """A .doc 工作总结 is converted twice (measured, then read for the 汇编): each copy of
    the unit's text is made in the run's work folder, and both are gone afterwards."""
    env, log, tmpdir = fake_soffice
    returns, out = tmp_path / "回收材料", tmp_path / "汇总"
    R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {t.no: "已完成" for t in wuxi.tasks_of(UNIT)}, returns / f"{UNIT}.xlsx")
    docx = tmp_path / "word" / f"{UNIT}工作总结.docx"
    docx.parent.mkdir()
    docx.write_bytes(P.document("工作总结", P.paragraphs(3)))
    R.resave([docx], "doc", returns)  # a real Word 97 file, made by the real LibreOffice
    _wbtool(env, "merge", str(returns), "--out", str(out))
    folders = [Path(line) for line in log.read_text().splitlines()]
    assert len(folders) == 2
    assert all((out / WORK_DIR) in folder.parents for folder in folders), folders
    assert not (out / WORK_DIR).exists()
    assert _files_in(tmpdir) == []


def test_libreoffice_converts_an_xls_return_for_its_markup_inside_the_markup_folder(wuxi, tmp_path, fake_soffice):
    env, log, tmpdir = fake_soffice
    returns, markup = tmp_path / "回收材料", tmp_path / "退回修改"
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {wuxi.tasks_of(UNIT)[0].no: "字" * (wuxi.limit + 9)}, tmp_path / "src" / f"{UNIT}.xlsx")
    R.resave([filled], "xls", returns)
    _wbtool(env, "check", str(returns), "--markup", str(markup))
    [folder] = [Path(line) for line in log.read_text().splitlines()]
    assert (markup / WORK_DIR) in folder.parents, folder
    assert not (markup / WORK_DIR).exists()
    assert _files_in(tmpdir) == []
