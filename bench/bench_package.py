"""What does checking the whole package cost: ``wbtool merge`` of N packages vs the same forms alone.

    python bench/bench_package.py [--n 1000] [--repeat 3]

The province batch of bench_merge (N distinct units, one filled form each), with a
``package:`` block like Wuxi's added to its catalogue.  Two folders of returns:

- forms: the N forms, as bare .xlsx files;
- packages: each form zipped as 「单位样板建设总结.zip」 with a 工作总结 (.docx, ~1,250 字),
  a 典型经验 (.docx, ~950 字, headings, bold, a table) and the 工作总结 as a PDF 盖章版
  (one page with a text layer, printed by LibreOffice once and reused).

Each merge runs in a fresh process, the two alternating, ``--repeat`` times; the
median is printed.  The packages' merge also reads every 典型经验 and 工作总结 again
whole and writes the two 汇编; the forms' merge writes none (no material came).
The form part is timed too: ``check_returns`` over the forms alone vs over the
packages, with ``read_all`` timing only the forms' reads (same run).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "package"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

PACKAGE_BLOCK = {
    "name": "{单位}样板建设总结",
    "materials": [
        {"kind": "盖章版", "words": ["盖章"], "pdf": True, "covers": ["工作总结", "典型经验"]},
        {"kind": "典型经验", "words": ["典型经验", "经验", "案例"], "about": 1000, "range": [500, 2000]},
        {"kind": "工作总结", "words": ["工作总结", "总结"], "max": 3000},
    ],
}


def build(n: int) -> None:
    import _inputs

    _inputs.choose_writer(False)
    import _province
    import packages as P
    import yaml

    if WORK.exists():
        shutil.rmtree(WORK)
    catalogue_path, forms = _province.build(WORK / "province", n)
    raw = yaml.safe_load(catalogue_path.read_text(encoding="utf-8"))
    raw["package"] = PACKAGE_BLOCK
    catalogue_path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    summary = P.document("样板建设工作总结", P.paragraphs(8, tag="总结"))
    case = P.document(
        "校企共建产业学院的探索与实践",
        P.paragraphs(6, tag="经验"),
        headings=[(0, "一、主要做法"), (3, "二、取得成效")],
        bold="（重点）",
        table=[["指标", "数值"], ["共建产业学院", "3个"]],
    )
    stamped = _printed(summary)
    folder = WORK / "packages"
    folder.mkdir()
    for form in forms:
        unit = form.stem.split("-")[-1]
        P.zip_of(
            folder / f"{form.stem[:4]}-{unit}样板建设总结.zip",
            {
                form.name: form.read_bytes(),
                f"{unit}工作总结.docx": summary,
                f"{unit}典型经验.docx": case,
                f"{unit}工作总结（盖章版）.pdf": stamped,
            },
        )


def _printed(docx: bytes) -> bytes:
    from wbtool.io import soffice

    return soffice.convert(docx, ".docx", "pdf")


def run(kind: str) -> dict:
    from wbtool import catalogue as catalogues
    from wbtool import pool
    from wbtool.pipeline import check_returns, merge

    catalogue, _ = catalogues.load(WORK / "province" / "catalogue.yaml")
    source = [WORK / "province" / "returns"] if kind == "forms" else [WORK / "packages"]
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = merge(source, Path(out) / "汇总", catalogue=catalogue)
        seconds = time.perf_counter() - start
        outputs = [p.name for p in result.outputs]
    # The form part alone: the forms' own reads, timed inside the same read pass.
    form_seconds = []

    def read_timed(files, **options):
        forms = [f for f in files if f.name.endswith(".xlsx")]
        began = time.perf_counter()
        pool.read_all(forms, **options)
        form_seconds.append(time.perf_counter() - began)
        return pool.read_all(files, **options)

    check_returns(source, catalogue, read=read_timed)
    return {"seconds": seconds, "form_read_seconds": form_seconds[0], "outputs": outputs, "materials": len(result.master.materials)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the inputs of the last run")
    parser.add_argument("--measure", choices=("forms", "packages"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(run(args.measure), ensure_ascii=False))
        return
    if not args.reuse:
        build(args.n)
    figures: dict[str, list[dict]] = {"forms": [], "packages": []}
    for _ in range(args.repeat):
        for kind in figures:  # alternating: the machine's load falls on both alike
            done = subprocess.run([sys.executable, __file__, "--measure", kind], capture_output=True, text=True, check=True)
            figures[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for kind, runs in figures.items():
        runs.sort(key=lambda f: f["seconds"])
        median = runs[len(runs) // 2]
        each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(
            f"{kind:9s} N={args.n}: merge {median['seconds']:.1f} s (runs {each}); "
            f"the forms' reads alone {sorted(r['form_read_seconds'] for r in runs)[len(runs) // 2]:.2f} s; "
            f"materials {median['materials']}; outputs {', '.join(median['outputs'])}"
        )


if __name__ == "__main__":
    main()
