"""How fast is ``wbtool merge``, cold and run again, against the plain pandas pipelines?

    python bench/bench_merge.py [--sizes province:100,province:1000,province-padded:1000,province-5000:1000,province-5000:5000]
                                [--repeat 3] [--reuse] [--profile] [--corrections] [--charrefs]

Batches of returned workbooks in bench/_work/:

- province: a whole province, 1,000 distinct units of a synthetic catalogue, one
  generated template each, filled with varied texts (bench/_province.py); the text
  is stored as Excel and WPS store it unless ``--charrefs`` (see _inputs.py);
- province-padded: the very files of ``province``, merged with its catalogue plus
  4,000 units that own no task (a province's 名录): what the catalogue's size alone
  costs, the files and the outputs being the same;
- province-5000: the same grown to 5,000 units, one return each (its tasks list
  ~450 owners each, so its files are a third bigger: not a clean size comparison);
- corrections-heavy (``--corrections``): the 44 Wuxi units returning 1,000 files.

For each row of the table, every line is a command timed from launch to exit:

- ``wbtool merge`` cold (empty read cache), with ``--no-cache``, with one new file
  (the cache filled by a merge of all files but one), and with nothing new; the last
  two both into a fresh ``--out`` and into the ``--out`` of the run before, as the
  bureau re-runs (定稿 carried over, previous master backed up, run record read);
- ``pandas.read_excel(engine="calamine", header=None)`` of the form sheet +
  ``concat`` + ``to_excel(engine="xlsxwriter")``, the strongest plain pipeline, and
  pandas' default (openpyxl both ways) — no checks, no report.

Wall seconds, CPU-seconds of every process of the run (this process reaps the
orphans, so the fork server's and the workers' time count), the command's own peak
RSS (``wait4``), and the sum of the other processes' peaks, sampled from /proc by
this process — outside the timed one.  The machine's load is printed with each
row: on a shared machine only the ratios within a row mean something.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import _inputs

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
BATCH = "20230105-bench"
# Placeholders typed into every text of a unit's filled template; each copy
# replaces them with its own numbers, so no two returned files say the same.
MARKS = (b"[[A]]", b"[[B]]")


# ---------------------------------------------------------------------------
# building the returns
# ---------------------------------------------------------------------------


def text_pool() -> list[str]:
    """Realistic 完成情况 texts (the samples'), each with the two placeholders."""
    import _province

    tail = "截至2022年底，累计服务企业[[A]]家，培训[[B]]人次。"
    return [text + tail for text in _province.text_pool() if len(text) + len(tail) < 300]


def filled_templates(folder: Path) -> dict[str, bytes]:
    """One filled workbook per Wuxi unit (every owned task answered), as bytes."""
    import _province
    import openpyxl

    from wbtool import catalogue as catalogues
    from wbtool.pipeline import generate

    catalogue, _ = catalogues.load("wuxi-2022")
    result = generate(catalogue, folder, batch=BATCH)
    pool = text_pool()
    filled: dict[str, bytes] = {}
    for number, generated in enumerate(result.files):
        book = openpyxl.load_workbook(generated.path)
        _province.type_entries(book, lambda row: pool[(number + row) % len(pool)])
        buffer = io.BytesIO()
        book.save(buffer)
        filled[generated.unit] = buffer.getvalue()
    return filled


def vary(workbook: bytes, rng: random.Random) -> bytes:
    """A copy of ``workbook`` whose placeholders carry fresh numbers."""
    numbers = [str(rng.randint(10, 99999)).encode() for _ in MARKS]
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/") and MARKS[0] in data:
                for mark, number in zip(MARKS, numbers):
                    data = data.replace(mark, number)
            target.writestr(info, data)
    return out.getvalue()


def build_corrections(n: int) -> list[Path]:
    """``n`` returned workbooks cycling through the 44 Wuxi units: mostly corrections."""
    work = WORK / "corrections"
    if work.exists():
        shutil.rmtree(work)
    folder = work / "returns"
    folder.mkdir(parents=True)
    filled = filled_templates(work / "templates")
    units = sorted(filled)
    rng = random.Random(20230112)
    paths = []
    for i in range(n):
        unit = units[i % len(units)]
        path = folder / f"{i:04d}-附件2-任务完成情况-{unit}.xlsx"
        path.write_bytes(vary(filled[unit], rng))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# the two pipelines (each runs in its own process: see measure())
# ---------------------------------------------------------------------------


def build_province(n: int) -> list[Path]:
    """One filled return from each of ``n`` distinct units of the province catalogue."""
    import _province

    work = WORK / "province"
    if work.exists():
        shutil.rmtree(work)
    _, paths = _province.build(work, n)
    return paths


SCENARIOS = {"province": build_province, "corrections": build_corrections}
CATALOGUES = {"province": WORK / "province" / "catalogue.yaml", "corrections": "wuxi-2022"}


def returns_of(scenario: str, n: int | None = None) -> list[Path]:
    return sorted((WORK / scenario / "returns").glob("*.xlsx"))[:n]


def run_merge(paths: list[Path], out: Path, scenario: str = "province") -> dict:
    from wbtool import catalogue as catalogues
    from wbtool.pipeline import merge

    catalogue, _ = catalogues.load(CATALOGUES[scenario])
    start = time.perf_counter()
    result = merge(paths, out, catalogue=catalogue)
    seconds = time.perf_counter() - start
    entries = sum(not e.superseded for e in result.master.details)
    return {"seconds": seconds, "entries": entries, "findings": len(result.findings)}


def run_pandas(paths: list[Path], out: Path, scenario: str = "province", engine: str = "openpyxl") -> dict:
    import pandas as pd

    start = time.perf_counter()
    frames = [pd.read_excel(path, sheet_name="填报表", header=3, engine=engine) for path in paths]
    merged = pd.concat(frames, ignore_index=True)
    out.mkdir(parents=True, exist_ok=True)
    merged.to_excel(out / "pandas-汇总.xlsx", index=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "entries": int(merged.iloc[:, 4].notna().sum()), "findings": 0}


def run_pandas_calamine(paths: list[Path], out: Path, scenario: str = "province") -> dict:
    return run_pandas(paths, out, scenario, engine="calamine")


# pandas' default reader (openpyxl, as of pandas 2 and 3), and its fastest one.
PIPELINES = {"merge": run_merge, "pandas": run_pandas, "pandas-calamine": run_pandas_calamine}


class DescendantPeaks(threading.Thread):
    """Peak RSS (VmHWM) of every descendant process, sampled from /proc.

    ``getrusage(RUSAGE_CHILDREN)`` only sees children this process has waited for;
    the reader pool forks its workers from a forkserver that is never waited for,
    so their memory would be missed.  VmHWM is each process's own high-water mark,
    so sampling every few milliseconds loses nothing of a worker that lives through
    the read phase.
    """

    def __init__(self, interval: float = 0.02):
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, int] = {}  # pid -> VmHWM in KB
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self, exclude: int | None = None) -> float:
        """Stop sampling; the sum of the descendants' peaks in MB (an upper bound), ``exclude`` left out."""
        self._done.set()
        self.join()
        self.sample()
        return sum(peak for pid, peak in self.peaks.items() if pid != exclude) / 1024

    def sample(self) -> None:
        for pid in _descendants(os.getpid()):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
            if match:
                self.peaks[pid] = max(self.peaks.get(pid, 0), int(match.group(1)))


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def measure(kind: str, n: int, scenario: str = "province", repeat: int = 1) -> dict:
    """Run one pipeline over the first ``n`` returns, each run in a fresh Python process.

    With ``repeat`` > 1 the figures are the median run's (by time) and the largest
    peak memory of all runs: a shared machine's neighbours swing single runs by a third.
    """
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--measure", kind, "--n", str(n), "--scenario", scenario],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{kind} N={n} failed:\n{done.stderr}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda figures: figures["seconds"])
    median = dict(runs[len(runs) // 2])
    median["own_mb"] = max(figures["own_mb"] for figures in runs)
    median["children_mb"] = max(figures["children_mb"] for figures in runs)
    median["all_seconds"] = [figures["seconds"] for figures in runs]
    return median


def child_main(kind: str, n: int, scenario: str) -> None:
    paths = returns_of(scenario, n)
    out = WORK / scenario / f"out-{kind}-{n}"
    if out.exists():
        shutil.rmtree(out)
    sampler = DescendantPeaks()
    sampler.start()
    figures = PIPELINES[kind](paths, out, scenario)
    children = sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB
    print(json.dumps({**figures, "n": len(paths), "own_mb": own, "children_mb": children}))


def profile(n: int, scenario: str, top: int = 25) -> None:
    import cProfile
    import pstats

    paths = returns_of(scenario, n)
    profiler = cProfile.Profile()
    profiler.enable()
    run_merge(paths, WORK / scenario / "out-profile", scenario)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    # The stages are whatever merge() calls: show them by name, so this keeps
    # working as the modules behind merge change.  Reading happens in the worker
    # processes; here it shows as the time merge waits for them.
    stats.print_callees(r"merge\.py:\d+\(merge\)")
    stats.sort_stats("tottime").print_stats(top)


# ---------------------------------------------------------------------------
# launch to exit: the table
# ---------------------------------------------------------------------------

PANDAS_SCRIPT = """
import sys
from pathlib import Path
import pandas as pd
engine, out, *paths = sys.argv[1:]
writer = "xlsxwriter" if engine == "calamine" else "openpyxl"
frames = [pd.read_excel(path, sheet_name="填报表", header=None, engine=engine) for path in paths]
merged = pd.concat(frames, ignore_index=True)
Path(out).mkdir(parents=True, exist_ok=True)
merged.to_excel(Path(out) / "pandas-汇总.xlsx", index=False, header=False, engine=writer)
"""


def _become_subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux).

    The merge's fork server and its workers outlive no one but are never waited
    for by the merge itself; as their reaper this process gets their CPU time in
    ``RUSAGE_CHILDREN``, so the CPU-seconds reported are those of every process.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_all(limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.005)


def launch(argv: list[str], env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``argv`` from launch to exit: wall seconds, CPU-seconds of it and every
    process it started, its own peak RSS, and the sum of the others' peaks (sampled
    from /proc by this process, outside the timed one)."""
    _reap_all()
    sampler = DescendantPeaks()
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=sink, stderr=subprocess.PIPE)
        error = process.stderr.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    _reap_all()
    others = sampler.stop(exclude=process.pid)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{argv[:3]} failed ({code}):\n{error.decode(errors='replace')[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": seconds, "cpu": cpu, "own_mb": usage.ru_maxrss / 1024, "children_mb": others}


def merge_argv(folder: Path, catalogue: Path, out: Path, *, fresh: bool = True) -> list[str]:
    """A merge into a fresh ``out``: a folder left by an earlier run would add the 定稿 carry-over and a backup.

    ``fresh=False``: into ``out`` as the run before left it, as the bureau re-runs
    (the 定稿 carried over, the previous master backed up, the run record read).
    """
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    return [sys.executable, "-m", "wbtool", "merge", str(folder), "--catalog", str(catalogue), "--out", str(out)]


def merge_command(folder: Path, catalogue: Path, out: Path, cache: Path | None, *, fresh: bool = True) -> tuple[list[str], dict]:
    env = dict(os.environ)
    argv = merge_argv(folder, catalogue, out, fresh=fresh)
    if cache is None:
        argv.append("--no-cache")
    else:
        env["WBTOOL_CACHE_DIR"] = str(cache)
    return argv, env


def folder_of(paths: list[Path], where: Path) -> Path:
    """A folder holding exactly ``paths`` (hard links: no copying, same files)."""
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for path in paths:
        os.link(path, where / path.name)
    return where


def median_of(runs: list[dict]) -> dict:
    runs = sorted(runs, key=lambda figures: figures["seconds"])
    middle = dict(runs[len(runs) // 2])
    middle["own_mb"] = max(figures["own_mb"] for figures in runs)
    middle["children_mb"] = max(figures["children_mb"] for figures in runs)
    return middle


BEFORE: Path | None = None  # --before: a checkout of wbtool to time beside this one


def before_command(folder: Path, catalogue: Path, out: Path, cache: Path) -> tuple[list[str], dict, Path]:
    """``wbtool merge`` of the checkout given with --before, cold: its read cache (if it
    has one) in ``cache``, emptied first — never the user's, warm from the run before.

    Run from inside that checkout: ``python -m`` puts the working folder first on the
    module path, so run from here it would import this checkout's wbtool, whatever
    PYTHONPATH says."""
    shutil.rmtree(cache, ignore_errors=True)
    return merge_argv(folder, catalogue, out), dict(os.environ, PYTHONPATH=str(BEFORE), WBTOOL_CACHE_DIR=str(cache)), BEFORE


def table_rows(scenario: str, n: int, repeat: int, openpyxl_too: bool) -> list[tuple[str, dict]]:
    """Cold, --no-cache, one new file, nothing new, and the pandas pipelines, over the first ``n`` returns."""
    paths = returns_of(scenario, n)
    catalogue = WORK / scenario / "catalogue.yaml"
    scratch = WORK / scenario / f"table-{n}"
    cache = scratch / "cache"
    runs: dict[str, list[dict]] = {}

    def timed(kind: str, argv: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
        figures = launch(argv, env, cwd)
        figures["n"] = len(paths)
        runs.setdefault(kind, []).append(figures)

    folder = folder_of(paths, scratch / "returns")
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        timed("merge cold", *merge_command(folder, catalogue, scratch / "cold", cache))
        timed("merge nothing new", *merge_command(folder, catalogue, scratch / "warm", cache))
        timed("merge nothing new, same --out", *merge_command(folder, catalogue, scratch / "cold", cache, fresh=False))
        run_before = folder_of(paths[:-1], scratch / "before")
        for into, kind in (("one-new", "merge one new"), ("before-out", "merge one new, same --out")):
            shutil.rmtree(cache, ignore_errors=True)
            launch(*merge_command(run_before, catalogue, scratch / "before-out", cache))
            timed(kind, *merge_command(folder, catalogue, scratch / into, cache, fresh=into == "one-new"))
        timed("merge --no-cache", *merge_command(folder, catalogue, scratch / "no-cache", None))
        if BEFORE is not None:
            timed("merge cold, before (--before)", *before_command(folder, catalogue, scratch / "before-code", scratch / "before-cache"))
        timed("pandas calamine+xlsxwriter", [sys.executable, "-c", PANDAS_SCRIPT, "calamine", str(scratch / "pandas-c"), *map(str, paths)])
    if openpyxl_too:  # ten seconds and more a run: once
        timed("pandas openpyxl", [sys.executable, "-c", PANDAS_SCRIPT, "openpyxl", str(scratch / "pandas-o"), *map(str, paths)])
    same = all(same_outputs(scratch / "cold", scratch / into) for into in ("warm", "one-new", "before-out"))
    rows = [(kind, median_of(figures)) for kind, figures in runs.items()]
    rows.append(("  (warm outputs = cold outputs)", {"same": same}))
    return rows


def same_outputs(cold: Path, warm: Path) -> bool:
    """The outputs of two merges say the same: every sheet's cells, the findings lists byte for byte."""
    from python_calamine import CalamineWorkbook

    for path in sorted(cold.iterdir()):
        if path.name.startswith("."):  # the run record: digests of files whose made-at times differ
            continue
        other = warm / path.name
        if path.suffix == ".xlsx":
            a, b = CalamineWorkbook.from_path(str(path)), CalamineWorkbook.from_path(str(other))
            if a.sheet_names != b.sheet_names or any(
                a.get_sheet_by_name(name).to_python() != b.get_sheet_by_name(name).to_python() for name in a.sheet_names
            ):
                return False
        elif path.suffix in (".json", ".csv") and path.read_bytes() != other.read_bytes():
            return False
    return True


TABLE_HEADER = (f"{'':<28} {'N':>5} {'wall s':>7} {'ms/file':>8} {'CPU s':>6} {'×cold':>6} "
                f"{'parent MB':>9} {'KB/file':>8} {'others MB':>9}")


def table_line(kind: str, figures: dict, cold: dict) -> str:
    if "same" in figures:
        return f"{kind}: {'yes' if figures['same'] else 'NO'}"
    n = figures["n"]
    return (f"{kind:<28} {n:>5} {figures['seconds']:>7.2f} {figures['seconds'] * 1000 / n:>8.2f} {figures['cpu']:>6.2f} "
            f"{figures['seconds'] / cold['seconds']:>6.2f} {figures['own_mb']:>9.0f} "
            f"{figures['own_mb'] * 1024 / n:>8.1f} {figures['children_mb']:>9.0f}")


def print_table(sizes: list[tuple[str, int]], repeat: int) -> None:
    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) before the table")
    print(f"launch to exit, median of {repeat} runs (pandas openpyxl: one run); CPU s = every process of the run; "
          "parent MB = the command's own peak RSS; others MB = sum of the peaks of the processes it started")
    print(TABLE_HEADER)
    for scenario, n in sizes:
        rows = table_rows(scenario, n, repeat, openpyxl_too=n <= 1000)
        cold = dict(rows)["merge cold"]
        units = {"province-5000": "5,000", "province-padded": "1,000 + 4,000 without tasks"}.get(scenario, "1,000" if n <= 1000 else f"{n:,}")
        print(f"-- {n} returns, catalogue of {units} units; load now {os.getloadavg()[0]:.1f}")
        for kind, figures in rows:
            print(table_line(kind, figures, cold))
        fast = dict(rows)["pandas calamine+xlsxwriter"]
        print(f"   cold / pandas-calamine = {cold['seconds'] / fast['seconds']:.2f} (target <= 1.0)"
              + (f"; pandas-openpyxl / cold = {dict(rows)['pandas openpyxl']['seconds'] / cold['seconds']:.1f}x (target >= 6)"
                 if "pandas openpyxl" in dict(rows) else ""))


# ---------------------------------------------------------------------------


def build_province_5000(n: int) -> list[Path]:
    """The province grown to 5,000 units, one return each: does a file cost more in a bigger catalogue?"""
    import _province

    work = WORK / "province-5000"
    if work.exists():
        shutil.rmtree(work)
    _, paths = _province.build(work, max(n, 5000))
    return paths


SCENARIOS["province-5000"] = build_province_5000
CATALOGUES["province-5000"] = WORK / "province-5000" / "catalogue.yaml"


PADDING = 4000


def build_province_padded(n: int) -> list[Path]:
    """The returns of ``province`` (hard links), and its catalogue with ``PADDING`` more
    units that own no task: only the catalogue grows, not the files or the outputs."""
    import yaml

    paths = returns_of("province", n)
    if len(paths) < n:
        paths = build_province(n)
    work = WORK / "province-padded"
    folder_of(paths, work / "returns")
    data = yaml.safe_load(CATALOGUES["province"].read_text("utf-8"))
    data["units"] += [{"name": f"江苏省名录第{i}号单位", "kind": "成员单位", "aliases": []} for i in range(1, PADDING + 1)]
    CATALOGUES["province-padded"].write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return returns_of("province-padded", n)


SCENARIOS["province-padded"] = build_province_padded
CATALOGUES["province-padded"] = WORK / "province-padded" / "catalogue.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="province:100,province:1000,province-padded:1000,province-5000:1000,province-5000:5000",
                        help="rows of the table: scenario:N, comma-separated")
    parser.add_argument("--profile", action="store_true", help="profile merge (in process) over 1,000 files of the province")
    parser.add_argument("--reuse", action="store_true", help="keep the returns built by an earlier run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each line to take the median of")
    parser.add_argument("--before", type=Path, help="also time `wbtool merge` of this checkout (e.g. the main branch)")
    parser.add_argument("--corrections", action="store_true", help="also the corrections-heavy batch (44 units, 1,000 files)")
    _inputs.add_argument(parser)
    parser.add_argument("--measure", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="province", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child_main(args.measure, args.n, args.scenario)
        return
    global BEFORE
    BEFORE = args.before.resolve() if args.before else None
    if not _become_subreaper():
        print("(not Linux: CPU-seconds count the command's own process and those it waited for only)")
    inputs = _inputs.choose_writer(args.charrefs)
    print(f"returns: {inputs}")
    sizes = [(item.split(":")[0], int(item.split(":")[1])) for item in args.sizes.split(",") if item.strip()]
    wanted = {scenario: max(n for s, n in sizes if s == scenario) for scenario, _ in sizes}
    if args.corrections:
        wanted["corrections"] = 1000
    for scenario, n in wanted.items():
        label = WORK / scenario / "inputs.txt"  # what kind of returns an earlier run left
        if args.reuse and len(returns_of(scenario)) >= n and label.exists() and label.read_text("utf-8") == inputs:
            continue
        start = time.perf_counter()
        paths = SCENARIOS[scenario](n)
        label.write_text(inputs, "utf-8")
        size = sum(p.stat().st_size for p in paths) / 1024 / 1024
        print(f"{scenario}: built {len(paths)} returned workbooks ({size:.1f} MB) in {time.perf_counter() - start:.1f} s")
    print()
    print_table(sizes, args.repeat)
    if args.corrections:
        print("\ncorrections-heavy: 44 units, 1000 files (~23 versions each), in process")
        print(HEADER)
        print(row("merge", measure("merge", 1000, "corrections")))
    if args.profile:
        print("\nwhere merge spends its time, province N=1000 (cProfile; the profiler slows pure-Python code down):")
        profile(1000, "province")


HEADER = f"{'pipeline':<16} {'N':>6} {'seconds':>8} {'ms/file':>8} {'peak MB':>8} {'(self+workers)':>15} {'entries':>8}"


def row(kind: str, figures: dict) -> str:
    peak = figures["own_mb"] + figures["children_mb"]
    split = f"{figures['own_mb']:.0f}+{figures['children_mb']:.0f}"
    return (f"{kind:<16} {figures['n']:>6} {figures['seconds']:>8.2f} {figures['seconds'] * 1000 / figures['n']:>8.2f} "
            f"{peak:>8.0f} {split:>15} {figures['entries']:>8}")


if __name__ == "__main__":
    main()
