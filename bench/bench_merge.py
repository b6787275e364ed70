"""How fast is ``wbtool merge`` on a big batch, and what does it cost in memory?

    python bench/bench_merge.py [--n 1000] [--sizes 250,500,1000] [--repeat 3] [--profile] [--reuse] [--charrefs]

Two batches of ``n`` returned workbooks in bench/_work/:

- province (the main line): a whole province, ``n`` distinct units of a synthetic
  catalogue, one generated template each, filled with varied texts (bench/_province.py);
  the text is stored as Excel and WPS store it unless ``--charrefs`` (see _inputs.py);
- corrections-heavy (secondary): the 44 Wuxi units returning ``n`` files between
  them, so each unit sends ~23 versions and most files are superseded corrections.

Then it times, each in a fresh process so that peak memory is its own:

(a) ``wbtool.pipeline.merge`` over the first N files: collect, read (worker pool),
    check, master workbook, Word report, findings lists;
(b) the obvious alternative: ``pandas.read_excel`` on every file, ``pd.concat``,
    ``DataFrame.to_excel`` into one workbook — no checks, no report — with pandas'
    default reader (openpyxl) and, for reference, with its calamine engine.

Peak memory is ``ru_maxrss`` of the measuring process (``resource.getrusage``)
plus the peak RSS of each reader worker, sampled from /proc (see DescendantPeaks).  Several sizes show
whether memory grows with N.  ``--profile`` runs (a) once more under cProfile and
prints the time of each stage merge() calls and the hottest functions.
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
TARGET_SECONDS = 1.5
TARGET_RATIO = 8.0


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

    def stop(self) -> float:
        """Stop sampling; the sum of the descendants' peaks in MB (an upper bound)."""
        self._done.set()
        self.join()
        self.sample()
        return sum(self.peaks.values()) / 1024

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="returned workbooks to build and merge")
    parser.add_argument("--sizes", default="250,500,1000", help="batch sizes for the memory series (province)")
    parser.add_argument("--profile", action="store_true", help="profile merge over all N files of the province")
    parser.add_argument("--reuse", action="store_true", help="keep the returns built by an earlier run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of merge (and pandas-calamine) to take the median of")
    _inputs.add_argument(parser)
    parser.add_argument("--measure", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="province", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child_main(args.measure, args.n, args.scenario)
        return

    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} before the run (timings are wall clock; a busy machine inflates them)")
    inputs = _inputs.choose_writer(args.charrefs)
    print(f"returns: {inputs}")
    for scenario, build in SCENARIOS.items():
        label = WORK / scenario / "inputs.txt"  # what kind of returns an earlier run left
        if args.reuse and len(returns_of(scenario)) >= args.n and label.exists() and label.read_text("utf-8") == inputs:
            continue
        start = time.perf_counter()
        paths = build(args.n)
        label.write_text(inputs, "utf-8")
        size = sum(p.stat().st_size for p in paths) / 1024 / 1024
        print(f"{scenario}: built {len(paths)} returned workbooks ({size:.1f} MB) in {time.perf_counter() - start:.1f} s")

    print(f"\nprovince: {args.n} distinct units, one file each")
    merged = measure("merge", args.n, repeat=args.repeat)
    plain = measure("pandas", args.n)  # ten seconds a run, and only the reference
    fast = measure("pandas-calamine", args.n, repeat=args.repeat)
    print(HEADER)
    for kind, figures in (("merge", merged), ("pandas", plain), ("pandas-calamine", fast)):
        print(row(kind, figures))
    print(f"(merge and pandas-calamine: median of {args.repeat} runs; merge's runs took "
          + ", ".join(f"{seconds:.2f}" for seconds in merged["all_seconds"]) + " s)")
    ratio = plain["seconds"] / merged["seconds"]
    print(f"\nmerge / pandas (openpyxl reader): {ratio:.1f}x faster; "
          f"merge / pandas (calamine reader): {fast['seconds'] / merged['seconds']:.2f}x")
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(f"target merge({args.n}) <= {TARGET_SECONDS} s: {verdict(merged['seconds'] <= TARGET_SECONDS)}; "
          f"ratio >= {TARGET_RATIO}x: {verdict(ratio >= TARGET_RATIO)}")

    print(f"\ncorrections-heavy: 44 units, {args.n} files (~23 versions each)")
    print(HEADER)
    print(row("merge", measure("merge", args.n, "corrections")))

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} - {args.n})
    if sizes:
        print("\nmemory as N grows (merge, province):")
        print(HEADER)
        for n in [*sizes, args.n]:
            figures = merged if n == args.n else measure("merge", n)
            print(row("merge", figures))
    if args.profile:
        print(f"\nwhere merge spends its time, province N={args.n} (cProfile; the profiler slows pure-Python code down):")
        profile(args.n, "province")


HEADER = f"{'pipeline':<16} {'N':>6} {'seconds':>8} {'ms/file':>8} {'peak MB':>8} {'(self+workers)':>15} {'entries':>8}"


def row(kind: str, figures: dict) -> str:
    peak = figures["own_mb"] + figures["children_mb"]
    split = f"{figures['own_mb']:.0f}+{figures['children_mb']:.0f}"
    return (f"{kind:<16} {figures['n']:>6} {figures['seconds']:>8.2f} {figures['seconds'] * 1000 / figures['n']:>8.2f} "
            f"{peak:>8.0f} {split:>15} {figures['entries']:>8}")


if __name__ == "__main__":
    main()
