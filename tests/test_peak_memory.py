"""Peak memory of the whole process tree on hostile inputs.

Measured in a fresh interpreter that runs the ``wbtool`` command and then reads
``RUSAGE_CHILDREN``: the largest resident set of any process of the tree (the
command, the fork server, the readers, the limited markup process), each one reaped
by its parent.  Bound: the command itself stays under 400 MB and no child passes its
RLIMIT_AS cap (markup 512 MB); before the fix the merged-range workbook took 23.8 GB.
"""

from __future__ import annotations

import json
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
