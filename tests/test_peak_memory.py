"""Peak memory of the whole process tree on hostile inputs.

Measured in a fresh interpreter that runs the ``wbtool`` command and then reads
``RUSAGE_CHILDREN``: the largest resident set of any process of the tree (the
command, the fork server, the readers, the limited markup process), each one reaped
by its parent.  Bound: the command itself stays under 400 MB and no child passes its
RLIMIT_AS cap (markup 512 MB); before the fix the merged-range workbook took 23.8 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import returns as R
from test_nothing_lost import UNIT, _with_merged_range_to_the_sheet_end

MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "peak_kib": usage.ru_maxrss, "err": done.stderr.decode("utf-8", "replace")[-500:]}))
"""
BOUND_MIB = 600


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB, RLIMIT_AS")
def test_markup_of_a_merged_range_bomb_keeps_the_process_tree_bounded(wuxi, tmp_path):
    returns = tmp_path / "回收材料"
    filled = R.fill(R.template(wuxi, UNIT, tmp_path / "t"), {wuxi.tasks_of(UNIT)[0].no: "已完成"}, tmp_path / "f.xlsx")
    _with_merged_range_to_the_sheet_end(filled, returns / f"{UNIT}.xlsx")
    command = [sys.executable, "-m", "wbtool", "check", str(returns), "--markup", str(tmp_path / "退回修改")]
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, timeout=120)
    figures = json.loads(out.stdout)
    assert figures["rc"] in (0, 1), figures["err"]
    print(f"peak RSS of the largest process in the tree: {figures['peak_kib'] // 1024} MiB (bound {BOUND_MIB} MiB)")
    assert figures["peak_kib"] < BOUND_MIB * 1024, figures
    assert len(list((tmp_path / "退回修改").iterdir())) == 1


# What the command's own process peaked at, measured inside it: the readers are other
# processes, so this is what the command held, not what the tree did.
MEASURE_SELF = """
import json, resource, sys
from wbtool.__main__ import main
report, sys.argv = sys.argv[1], ["wbtool", *sys.argv[2:]]
try:
    main()
except SystemExit as done:
    rc = done.code
with open(report, "w") as out:
    json.dump({"rc": rc, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, out)
"""
ZIPS = 20
MEMBERS = 3  # of 10 MiB each: 30 MiB a zip, 600 MiB for the batch
GROWTH_BOUND_MIB = 100


def _zips(folder: Path, member_size: int) -> Path:
    """20 units' zips, each with three photos of evidence (stored: photos do not compress)."""
    import zipfile

    for index in range(ZIPS):
        target = folder / f"单位{index}样板建设总结.zip"
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            for number in range(MEMBERS):
                archive.writestr(f"佐证材料{number}.jpg", os.urandom(member_size))
    return folder


def _command_peak_kib(returns: Path, report: Path) -> int:
    command = [sys.executable, "-c", MEASURE_SELF, str(report), "check", str(returns), "--format", "json"]
    done = subprocess.run(command, capture_output=True, timeout=300)
    figures = json.loads(report.read_text())
    assert figures["rc"] in (0, 1), done.stderr.decode("utf-8", "replace")[-2000:]
    return figures["peak_kib"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB")
def test_files_taken_out_of_twenty_30_mb_zips_do_not_grow_the_commands_memory(tmp_path):
    """The members go to the work folder as they are inflated: the command's peak is
    that of a batch of tiny zips, not 600 MiB more."""
    small = _command_peak_kib(_zips(tmp_path / "小", 1024), tmp_path / "small.json")
    big = _command_peak_kib(_zips(tmp_path / "大", 10 * 1024 * 1024), tmp_path / "big.json")
    growth = (big - small) // 1024
    print(f"command peak: {small // 1024} MiB with tiny members, {big // 1024} MiB with {ZIPS * MEMBERS * 10} MiB of members (+{growth} MiB)")
    assert growth < GROWTH_BOUND_MIB, (small, big)
