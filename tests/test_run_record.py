"""A merge made from exactly what the last one was made from leaves its outputs as they are.

The bureau re-runs ``merge`` to see whether anything came in.  When nothing did, the
files in ``--out`` are what a full run would write again; the run says so and
writes nothing.  Anything that would change an output — a new or changed return, a
changed document of the 汇编, another report date, the bureau's own edits in the
master, a missing or damaged output — makes it a full run again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import packages as P
from conftest import ROOT
from masters import set_final
from wbtool.io.read_cache import FILE_NAME
from wbtool.io.run_record import RECORD_NAME
from wbtool import pipeline
from wbtool.io.collect import collect
from wbtool.pipeline import merge, output_names
from wbtool.pool import read_here

SAMPLES = ROOT / "samples" / "回收材料"
DATED = date(2023, 1, 20)
CASE = "市财政局典型经验.docx"
# Three units' forms from the samples, and (in the fixture) a 典型经验 of one of them for the 汇编.
FORMS = ("宜兴市样板建设任务完成情况.xlsx", "市教育局-样板建设任务完成情况.xlsx", "市财政局样板建设任务完成情况.xlsx")


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "回收材料"
    folder.mkdir()
    for name in FORMS:
        shutil.copy(SAMPLES / name, folder)
    (folder / CASE).write_bytes(P.document("市财政局典型经验", P.paragraphs(4)))
    return folder


@pytest.fixture
def run(wuxi, tmp_path):
    """``merge`` of the given folders into one ``--out``, with a read cache, as the command does."""
    out, cache = tmp_path / "汇总", tmp_path / "cache" / FILE_NAME

    def merged(folder: Path, *, dated: date = DATED, cached: bool = True):
        return merge([folder], out, catalogue=wuxi, read=read_here, dated=dated, cache=cache if cached else None)

    merged.out = out
    return merged


def stamps(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file in ``out``: when it was last written, and what it holds."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(out.iterdir()) if p.is_file()}


def test_a_second_merge_of_the_same_returns_writes_nothing_and_says_what_the_first_said(run, returns):
    first = run(returns)
    before = stamps(run.out)
    again = run(returns)
    assert not first.unchanged and again.unchanged
    assert stamps(run.out) == before  # not one file touched, the record included
    assert again.outputs == first.outputs and any(p.name.endswith("汇编.docx") for p in again.outputs)
    assert again.findings == first.findings
    assert replace(again.master, made_at=first.master.made_at) == first.master
    assert again.backup is None


def test_the_bureaus_edit_in_the_master_makes_a_full_run_that_keeps_it_and_the_next_run_writes_nothing(run, returns, wuxi):
    first = run(returns)
    master = run.out / output_names(wuxi)["master"]
    task = next(row.task.no for row in first.master.rows if row.entries)
    set_final(master, task, "局里改写的定稿")
    edited = run(returns)
    assert not edited.unchanged and edited.backup is not None and edited.finals_kept == 1
    before = stamps(run.out)
    again = run(returns)
    assert again.unchanged and stamps(run.out) == before
    assert next(row.final for row in again.master.rows if row.task.no == task) == "局里改写的定稿"


@pytest.mark.parametrize(
    "change",
    [
        "a-new-return",
        "a-return-changed",
        "a-compiled-document-changed-but-not-its-length",
        "another-report-date",
        "an-output-deleted",
        "the-record-damaged",
        "no-cache",
    ],
)
def test_anything_an_output_is_made_from_makes_a_full_run(run, returns, wuxi, tmp_path, change):
    run(returns)
    dated, cached = DATED, True
    if change == "a-new-return":
        shutil.copy(SAMPLES / "市财政局样板建设任务完成情况.xlsx", returns / "市财政局样板建设任务完成情况（补充）.xlsx")
    elif change == "a-return-changed":
        path = returns / "市教育局-样板建设任务完成情况.xlsx"
        shutil.copy(SAMPLES / "市财政局样板建设任务完成情况.xlsx", path)
    elif change == "a-compiled-document-changed-but-not-its-length":
        # The same paragraphs in another order, the file's time kept: the master knows no difference.
        case, was = returns / CASE, (returns / CASE).stat()
        case.write_bytes(P.document("市财政局典型经验", P.paragraphs(4)[::-1]))
        os.utime(case, ns=(was.st_atime_ns, was.st_mtime_ns))
    elif change == "another-report-date":
        dated = date(2023, 2, 1)
    elif change == "an-output-deleted":
        (run.out / output_names(wuxi)["csv"]).unlink()
    elif change == "the-record-damaged":
        (run.out / RECORD_NAME).write_text("{", encoding="utf-8")
    elif change == "no-cache":
        cached = False
    again = run(returns, dated=dated, cached=cached)
    assert not again.unchanged
    assert (run.out / output_names(wuxi)["csv"]).is_file()


def test_no_cache_writes_no_record(run, returns):
    run(returns, cached=False)
    assert not (run.out / RECORD_NAME).exists()
    assert not run(returns, cached=False).unchanged


def test_the_record_names_each_output_with_the_digest_of_what_was_written(run, returns):
    import hashlib

    first = run(returns)
    record = json.loads((run.out / RECORD_NAME).read_text(encoding="utf-8"))
    assert set(record["outputs"]) == {p.name for p in first.outputs}
    for path in first.outputs:
        assert record["outputs"][path.name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_command_says_it_left_the_outputs_and_its_exit_code_is_the_same_in_another_process(returns, tmp_path):
    """The fingerprint is the same in another interpreter (string hashing is randomised per process)."""
    out = tmp_path / "汇总"
    env = {**os.environ, "WBTOOL_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "wbtool", "merge", str(returns), "--out", str(out), "--date", "2023-01-20"]
    first = subprocess.run(command, env={**env, "PYTHONHASHSEED": "1"}, capture_output=True, timeout=300)
    second = subprocess.run(command, env={**env, "PYTHONHASHSEED": "2"}, capture_output=True, timeout=300)
    assert first.returncode == second.returncode and first.returncode in (0, 1), first.stderr.decode(errors="replace")
    said = second.stdout.decode("utf-8").replace("\n", "")
    assert "保持原样" in said and "保持原样" not in first.stdout.decode("utf-8")
    assert first.stdout.decode().splitlines()[0] == second.stdout.decode().splitlines()[0]  # the same counts


def test_a_record_that_cannot_be_written_costs_the_next_run_a_full_write_not_this_run(run, returns, monkeypatch):
    from wbtool.io import run_record

    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(run_record, "write_bytes", refused)
    first = run(returns)
    assert all(path.is_file() for path in first.outputs) and not (run.out / RECORD_NAME).exists()
    monkeypatch.undo()
    assert not run(returns).unchanged


def test_a_document_gone_before_it_is_fingerprinted_makes_a_run_that_is_not_remembered(wuxi, returns):
    with collect([returns]) as collection:
        result = pipeline.check_returns([returns], wuxi, read=read_here)
        (returns / CASE).unlink()  # deleted between the check and the fingerprint
        assert pipeline._fingerprint(result, collection, None, DATED) is None
