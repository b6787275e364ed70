"""The reader pool: order kept, one bad file never stops a batch, workers never outlive it."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from wbtool.findings import finding
from wbtool import pool
from wbtool.model import ReadResult, ReturnedFile, Role
from wbtool.pool import in_background, read_all, read_here, warm_up
from wbtool.io.read import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "read"
FILLED = FIXTURES / "filled-template.xlsx"


def faulty_read(file: ReturnedFile, password: str | None, *, time_zone: str) -> ReadResult:
    """Stand-in for a parser meeting a hostile file; the file name says how it misbehaves."""
    name = file.name
    if "hangs" in name:
        time.sleep(600)
    if "aborts" in name:
        os.abort()  # what a native crash looks like from outside
    if "balloons" in name:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB: over the cap
        del hoard
    if "slow" in name:
        time.sleep(0.15)
    if "pid" in name:
        return ReadResult(Role.ATTACHMENT, findings=(finding("attachment", str(os.getpid())),))
    if "tempdir" in name:
        return ReadResult(Role.ATTACHMENT, findings=(finding("attachment", tempfile.gettempdir()),))
    return read_file(file, password, time_zone=time_zone)


def copy_of_filled(name: str) -> ReturnedFile:
    return ReturnedFile(origin=(name,), path=str(FILLED))


def test_results_in_input_order_and_equal_to_reading_in_process():
    names = sorted(path.name for path in FIXTURES.iterdir() if path.suffix != ".py")
    files = [ReturnedFile(origin=(name,), path=str(FIXTURES / name)) for name in names]
    results = read_all(files, workers=2)
    assert results == [read_file(file) for file in files]


def test_reading_in_process_gives_what_the_pool_gives():
    names = sorted(path.name for path in FIXTURES.iterdir() if path.suffix != ".py")
    files = [ReturnedFile(origin=(name,), path=str(FIXTURES / name)) for name in names]
    seen = []
    assert read_here(files, progress=lambda done, total: seen.append((done, total))) == read_all(files, workers=2)
    assert seen[-1] == (len(files), len(files))


def test_bytes_of_files_inside_containers_are_read():
    in_zip = ReturnedFile(origin=("回收.zip", "附件2.xlsx"), data=FILLED.read_bytes())
    (result,) = read_all([in_zip])
    assert result.role == "form" and len(result.form.rows) == 5


def test_hang_crash_and_memory_blowup_become_findings_and_the_batch_goes_on():
    names = ["1.xlsx", "hangs.xlsx", "2.xlsx", "aborts.xlsx", "3.xlsx", "balloons.xlsx", "4.xlsx"]
    files = [copy_of_filled(name) for name in names]
    started = time.monotonic()
    # The deadline leaves a loaded machine room for the good files; the hang still ends by it.
    results = read_all(files, workers=2, timeout=6.0, memory_mb=512, reader=faulty_read)
    assert time.monotonic() - started < 30
    roles = [result.role for result in results]
    assert roles == ["form", "unreadable", "form", "unreadable", "form", "unreadable", "form"]
    bad = {name: result.findings for name, result in zip(names, results) if result.role == "unreadable"}
    assert {name: [f.code for f in found] for name, found in bad.items()} == {
        "hangs.xlsx": ["file-unreadable"],
        "aborts.xlsx": ["file-unreadable"],
        "balloons.xlsx": ["file-unreadable"],
    }
    assert "超时" in bad["hangs.xlsx"][0].message
    assert "崩溃" in bad["aborts.xlsx"][0].message and "崩溃" in bad["balloons.xlsx"][0].message
    assert bad["aborts.xlsx"][0].file == "aborts.xlsx"
    # What the pool made up is about this attempt, not the file: never to be cached.
    assert [result.transient for result in results] == [False, True, False, True, False, True, False]


def test_workers_are_replaced_after_a_crash_and_gone_after_the_batch():
    names = ["pid-1", "aborts", "pid-2", "pid-3", "pid-4"]
    results = read_all([copy_of_filled(name) for name in names], workers=1, reader=faulty_read)
    pids = [int(result.findings[0].message) for result in results if result.role == "attachment"]
    assert len(pids) == 4
    assert pids[0] != pids[1] == pids[2] == pids[3]  # a new worker after the crash, then reused
    for pid in set(pids):
        assert _gone(pid), f"worker {pid} still running after read_all"


def _gone(pid: int, wait: float = 3.0) -> bool:
    """The process no longer exists or is a reaped-soon zombie of the fork server."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_progress_reports_every_file():
    seen = []
    read_all([copy_of_filled(f"{n}.xlsx") for n in range(5)], workers=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 5) for n in range(1, 6)]


def test_empty_batch_starts_nothing():
    assert read_all([]) == []


@pytest.mark.parametrize("workers", [1, 3])
def test_more_files_than_workers(workers):
    files = [copy_of_filled(f"{n}.xlsx") for n in range(7)]
    results = read_all(files, workers=workers)
    assert [result.role for result in results] == ["form"] * 7


def test_a_crash_inside_a_chunk_costs_only_the_file_being_read():
    # One worker and a long queue: the crashing file sits in the middle of a chunk.
    names = [f"{n}.xlsx" for n in range(40)]
    names[10] = "aborts.xlsx"
    results = read_all([copy_of_filled(name) for name in names], workers=1, reader=faulty_read)
    roles = [result.role for result in results]
    assert roles[10] == "unreadable" and [r.findings[0].code for r in results[10:11]] == ["file-unreadable"]
    assert roles[:10] + roles[11:] == ["form"] * 39


def test_the_deadline_bounds_each_file_not_the_chunk():
    # 16 files of 0.15 s go out in chunks of several: a chunk takes longer than the
    # timeout, no single file does.
    files = [copy_of_filled(f"slow-{n}.xlsx") for n in range(16)]
    results = read_all(files, workers=1, timeout=1.0, reader=faulty_read)
    assert [result.role for result in results] == ["form"] * 16


def test_warming_up_the_server_twice_then_reading_works():
    warm_up()
    warm_up()
    (result,) = read_all([copy_of_filled("1.xlsx")])
    assert result.role == "form"


def test_a_worker_lost_with_the_queue_empty_is_replaced_once_files_come_back():
    # Worker 1 hangs on "hangs" with "3" still queued behind it; worker 2 reads the rest
    # and dies on the last file while nothing is pending.  When worker 1's deadline hands
    # "3" back to the queue, the lost worker must be replaced, not sent files it cannot read.
    names = ["0.xlsx", "1.xlsx", "hangs.xlsx", "3.xlsx", *(f"{n}.xlsx" for n in range(4, 9)), "aborts.xlsx"]
    results = read_all([copy_of_filled(name) for name in names], workers=2, timeout=3.0, reader=faulty_read)
    roles = [result.role for result in results]
    assert roles == ["form", "form", "unreadable", *["form"] * 6, "unreadable"]


def report_where(value: int) -> tuple[int, bool]:
    """``(value * 2, ran in a child process)``; importable by name, for in_background."""
    import multiprocessing

    return value * 2, multiprocessing.parent_process() is not None


def dies_in_a_child(value: int) -> tuple[int, bool]:
    """Kills the process it runs in, unless that is the test's own process."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return value, False


def fails(value: int) -> int:
    raise ValueError(f"bad value {value}")


def test_in_background_runs_in_another_process_and_returns_the_value():
    assert in_background(report_where, 21)() == (42, True)


def test_in_background_runs_the_work_here_when_its_process_dies():
    assert in_background(dies_in_a_child, 7)() == (7, False)


def test_in_background_raises_the_work_s_own_exception():
    wait = in_background(fails, 5)
    with pytest.raises(ValueError, match="bad value 5"):
        wait()


def test_a_capped_call_returns_raises_and_is_stopped():
    assert pool.call_capped(len, "附件2") == 3
    with pytest.raises(ValueError):
        pool.call_capped(int, "不是数字")
    with pytest.raises(pool.CapExceeded, match="超时"):
        pool.call_capped(time.sleep, 30, timeout=0.5)


def test_workers_make_their_temporary_files_in_the_scratch_folder_they_are_given(tmp_path):
    files = [copy_of_filled("tempdir.xlsx")]
    [given] = read_all(files, workers=1, reader=faulty_read, scratch=tmp_path)
    [default] = read_all(files, workers=1, reader=faulty_read)
    assert given.findings[0].message == str(tmp_path)
    assert default.findings[0].message != str(tmp_path)  # a worker of a later call is not left with it
