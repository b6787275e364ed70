"""``merge`` killed at random moments, and Ctrl-C: no half-written master, no orphan process, no temp file left.

Each run is SIGKILLed at a random moment (bounded: 10 runs, each under ~1.5 s).
Afterwards the previous master is intact (a valid master with the bureau's 定稿),
no process of the run is alive (readers' workers, fork server, report process),
and no temporary file is left: none in $TMPDIR, and what is left in ``--out``'s
work folder is removed by the next run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import returns as R
from wbtool.atomic import WORK_DIR
from wbtool.io.master_read import read_master
from wbtool.pipeline import output_names

UNITS = ["宜兴市", "江阴市", "市教育局", "市科技局"]
RUNS = 10


def _session_members(sid: int) -> list[int]:
    """Pids of live (not zombie) processes in session ``sid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            members.append(int(entry.name))
    return members


def _files_in(folder: Path) -> list[Path]:
    """Regular files under ``folder``: multiprocessing's own pymp-* folders hold only the
    fork server's socket, which no unit's text is in, and are not counted."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def _wait_gone(sid: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        alive = _session_members(sid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.fixture
def batch(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    for unit in UNITS:
        tasks = wuxi.tasks_of(unit)
        if tasks:
            R.fill(R.template(wuxi, unit, tmp_path / "t" / unit), {t.no: f"{unit}第{t.no}项已完成" for t in tasks}, returns / f"{unit}.xlsx")
    return returns


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_merge_killed_at_random_moments_leaves_previous_master_no_child_no_temp_file(wuxi, batch, tmp_path):
    out = tmp_path / "汇总"
    tmp = tmp_path / "TMPDIR"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    # --no-cache: every run writes its outputs (with nothing new, a run would leave them
    # as they are, and a kill would not land while writing).
    command = [sys.executable, "-m", "wbtool", "merge", str(batch), "--out", str(out), "--no-cache"]
    first = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert first.returncode in (0, 1), first.stderr.decode()
    master = out / output_names(wuxi)["master"]
    assert read_master(master)[0] is not None

    rng = random.Random(10)
    for run in range(RUNS):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        alive = _wait_gone(process.pid, 5.0)
        for pid in alive:  # do not leave them to the next test, then fail
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        assert not alive, f"run {run}: processes outlived the killed merge: {alive}"
        edits, findings = read_master(master)
        assert edits is not None, f"run {run}: previous master damaged: {findings}"
        assert not _files_in(tmp), f"run {run}: temporary files in $TMPDIR"
        leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != WORK_DIR]
        assert not leftovers, f"run {run}: temporary files in --out: {leftovers}"

    last = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert last.returncode in (0, 1), last.stderr.decode()
    assert not (out / WORK_DIR).exists(), "the next run cleans what a killed run left"
    assert not _files_in(tmp)


def _merge_seconds(batch: Path, out: Path) -> float:
    """How long a whole merge of ``batch`` takes on this machine, from launch to exit:
    the shorter of two runs (the first also warms the disk cache the interrupted run finds)."""
    times = []
    for _ in range(2):
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "wbtool", "merge", str(batch), "--out", str(out), "--no-cache"], capture_output=True, timeout=120)
        assert done.returncode in (0, 1), done.stderr.decode()
        times.append(time.monotonic() - start)
    return min(times)


def _in_work_folder(out: Path, seen) -> bool:
    try:
        return any(seen(entry) for entry in (out / WORK_DIR).iterdir())
    except OSError:
        return False


# When merge is interrupted.  Reading and writing are told by what merge puts in its
# work folder, not by a time: a faster machine (or a faster wbtool) still gets the
# signal in the middle of them.
MOMENTS = {
    "reading": lambda entry: entry.name.startswith("取出-"),  # the run's folder of files taken out of containers
    "writing": lambda entry: entry.name.startswith(".") and entry.suffix == ".xlsx",  # the master, half-written
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
@pytest.mark.parametrize("moment", ["loading", "reading", "writing"])
def test_ctrl_c_says_aborted_and_exits_130(wuxi, batch, tmp_path, moment):
    out = tmp_path / "汇总"
    # Loading: a tenth of a whole run, while the command imports its modules.
    after = 0.1 * _merge_seconds(batch, tmp_path / "计时") if moment == "loading" else None
    process = subprocess.Popen(
        [sys.executable, "-m", "wbtool", "merge", str(batch), "--out", str(out), "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if after is not None:
        time.sleep(after)
    else:
        while process.poll() is None and not _in_work_folder(out, MOMENTS[moment]):
            time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    text = err.decode("utf-8", "replace")
    if process.returncode in (0, 1) or "已报送单位" in out.decode("utf-8", "replace"):
        # Finished before the signal (a fast machine), or it came while the interpreter
        # was shutting down after the summary, when Python has put SIGINT back to default.
        pytest.skip("merge finished before the signal")
    assert process.returncode == 130, text
    # The command's own Ctrl-C is never a traceback.  (A reader worker the fork server
    # was starting at that instant may still print multiprocessing's EOFError as it
    # finds the command gone: known and harmless.)
    assert "已中止" in text and "KeyboardInterrupt" not in text, text
    assert not _wait_gone(process.pid, 5.0)
