"""How fast is `wbtool check`?  1,000 filled returns, against a plain pandas loop.

    python bench/bench_check.py [--files 1000] [--workers N] [--repeat 3] [--charrefs]

Builds the returns in a temporary folder (every Wuxi unit's template, filled,
copied into per-unit folders until there are --files of them; text stored as
Excel and WPS store it unless --charrefs, see _inputs.py), then times in the
same run:

* check_returns — collect + read (worker pool) + identify + check + corrections;
  its first run includes starting the readers' fork server, as every CLI run does;
* its phases separately (collect, read_all, the checks alone);
* ``read_file`` in this one process, beside python-calamine alone (open the
  workbook, read its first sheet) on the same files: the gap is the reader's
  own per-file cost (metadata, the formula scan, finding the form);
* pandas.read_excel over the same files (openpyxl engine, and calamine), which
  only reads one sheet and checks nothing.

Every timing but the first run and the openpyxl loop (slow, and only a reference)
is the median of --repeat runs; the load average is printed because other work on
the machine shows in every figure.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import _inputs  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from wbtool import catalogue as catalogues  # noqa: E402
from wbtool.check import check_read  # noqa: E402
from wbtool.io.collect import collect  # noqa: E402
from wbtool.io.read import read_file  # noqa: E402
from wbtool.pipeline import check_returns  # noqa: E402
from wbtool.pool import read_all  # noqa: E402

TEXT = "按照市委市政府部署，我单位牵头推进该项任务，建立工作专班，制定实施方案，完成年度目标，成效明显。"


def build(folder: Path, count: int) -> list[Path]:
    import returns as R  # imports openpyxl: only once its writer is chosen (see _inputs)

    wuxi, _ = catalogues.load("wuxi-2022")
    filled = []
    for unit in wuxi.units:
        tasks = wuxi.tasks_of(unit.name)
        if tasks:
            blank = R.template(wuxi, unit.name, folder / "_templates")
            filled.append(R.fill(blank, {t.no: f"{TEXT}（第{t.no}项）" for t in tasks}, folder / "_filled" / blank.name))
    returns = folder / "回收"
    paths = []
    for index in range(count):
        source = filled[index % len(filled)]
        target = returns / f"{index:04d}" / source.name
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        paths.append(target)
    shutil.rmtree(folder / "_templates")
    shutil.rmtree(folder / "_filled")
    return paths


def calamine_first_sheet(path: Path) -> list:
    with open(path, "rb") as handle:  # read_file, too, reads the bytes first (to sniff the format)
        book = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    try:
        return book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    finally:
        book.close()


def timed(label: str, count: int, func, repeat: int = 1):
    """Run ``func`` ``repeat`` times; print and return the median time's value."""
    seconds, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    runs = f"  (median of {repeat})" if repeat > 1 else ""
    print(f"{label:<44} {median:7.2f} s   {1000 * median / count:7.2f} ms/file{runs}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    _inputs.add_argument(parser)
    args = parser.parse_args()
    print("returns: " + _inputs.choose_writer(args.charrefs))
    print("load average before: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    wuxi, _ = catalogues.load("wuxi-2022")
    with tempfile.TemporaryDirectory(prefix="bench-check-") as temp:
        folder = Path(temp)
        paths = timed("build returns (not part of the check)", args.files, lambda: build(folder, args.files))
        returns = folder / "回收"
        n = len(paths)

        result = timed("check_returns, first run (server start)", n, lambda: check_returns([returns], wuxi))
        assert len(result.files) == n and not result.has_errors, "the benchmark's returns should be clean"
        r = args.repeat
        timed("check_returns (collect+read+check)", n, lambda: check_returns([returns], wuxi), r)
        collection = timed("  collect", n, lambda: collect([returns]), r)
        results = timed("  read_all (worker pool)", n, lambda: read_all(collection.files, workers=args.workers), r)
        timed("  identify + check + corrections", n, lambda: check_read(collection.files, results, wuxi), r)
        timed("read_file, one process", n, lambda: [read_file(file) for file in collection.files], r)
        timed("  python-calamine alone (first sheet)", n, lambda: [calamine_first_sheet(p) for p in paths], r)

        import pandas as pd

        header = 3  # 填报表's header is on row 4
        timed("pandas.read_excel (openpyxl engine)", n, lambda: [pd.read_excel(p, sheet_name="填报表", header=header, engine="openpyxl") for p in paths])
        timed("pandas.read_excel (calamine engine)", n, lambda: [pd.read_excel(p, sheet_name="填报表", header=header, engine="calamine") for p in paths], r)
        print(f"{n} files, {len(result.entries)} entries, {len(result.findings)} findings")


if __name__ == "__main__":
    main()
