"""The demo: the whole round trip on the sample returns that ship with the source.

``run_demo`` generates the Wuxi templates, copies the sample returns beside them
(so the user can edit and re-merge them without touching the source tree), and
merges them into a master workbook and a report.  The samples contain deliberate
problems — an over-long text, a correction, a row the unit does not own — so the
demo's findings are expected, not a failure.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import wbtool

from . import catalogue as catalogues
from .errors import Refused
from .model import Finding, GenerateResult, MergeResult, Progress, Severity
from .pipeline import generate, merge, output_names


CATALOGUE = "wuxi-2022"
# The batch the sample returns were made from (samples/make_samples.py uses it too):
# the demo's templates and the samples must be one batch, or every sample would be
# flagged as a foreign template.
BATCH = "20230105-demo"

# The indicator run: the Changzhou 指标分解 for one plan year, beside the text run.
INDICATOR_CATALOGUE = "changzhou-2021"
INDICATOR_YEAR = 2022
INDICATOR_RETURNS = "指标回收材料"
INDICATOR_DIR = "指标"

TEMPLATES_DIR = "填报表"
RETURNS_DIR = "回收材料"
MERGED_DIR = "汇总"


def samples_dir() -> Path:
    """The shipped sample returns: ``samples/回收材料`` in the source checkout.

    They are not package data (they are large and only the demo needs them), so they
    exist only where the package runs from its source tree (``pip install -e .``).
    """
    return Path(wbtool.__file__).resolve().parents[1] / "samples" / RETURNS_DIR


@dataclass(frozen=True)
class DemoResult:
    """What the demo did: the templates it generated and the merge of the samples."""

    out_dir: Path
    returns_dir: Path  # the copy of the samples that was merged
    generated: GenerateResult
    merged: MergeResult | None  # None when generating the templates failed
    indicators: MergeResult | None = None  # the indicator run (指标汇总), when its samples are there

    @property
    def findings(self) -> tuple[Finding, ...]:
        merged = self.merged.findings if self.merged else ()
        return (*self.generated.findings, *merged)

    @property
    def ok(self) -> bool:
        """The demo ran to the end (its findings about the samples are intended)."""
        return self.merged is not None

    @property
    def templates(self) -> tuple[Path, ...]:
        return tuple(generated.path for generated in self.generated.files)

    @property
    def returned_units(self) -> tuple[str, ...]:
        return tuple(u.unit for u in self.merged.master.units if u.returned) if self.merged else ()

    @property
    def missing_units(self) -> tuple[str, ...]:
        return tuple(u.unit for u in self.merged.master.units if not u.returned) if self.merged else ()

    @property
    def entries(self) -> int:
        """Texts that made it into the master (superseded versions not counted)."""
        return sum(not entry.superseded for entry in self.merged.master.details) if self.merged else 0

    @property
    def superseded(self) -> int:
        return sum(entry.superseded for entry in self.merged.master.details) if self.merged else 0

    def counts(self) -> list[tuple[Severity, str, int]]:
        """(severity, code, how many) over the merge's findings, errors first, then by count."""
        if self.merged is None:
            return []
        counter = Counter((f.severity, f.code) for f in self.merged.findings)
        return sorted(
            ((severity, code, n) for (severity, code), n in counter.items()),
            key=lambda item: (item[0].rank, -item[2], item[1]),
        )

    @property
    def compilations(self) -> tuple[Path, ...]:
        """The 典型经验汇编 and 工作总结汇编 the merge wrote."""
        known = set(output_names(self.merged.master.catalogue).values()) if self.merged else set()
        return tuple(path for path in self.merged.outputs if path.name not in known) if self.merged else ()

    def output(self, key: str) -> Path | None:
        """An output of the merge by key: ``master``, ``report``, ``json`` or ``csv``."""
        if self.merged is None:
            return None
        name = output_names(self.merged.master.catalogue)[key]
        return next((path for path in self.merged.outputs if path.name == name), None)


def run_demo(out_dir: str | Path, *, progress: Progress | None = None) -> DemoResult:
    """Generate the Wuxi templates into ``out_dir/填报表``, copy the samples into
    ``out_dir/回收材料`` and merge them into ``out_dir/汇总``.

    Raises ``Refused`` when the samples are not installed or ``out_dir`` lies
    inside them; everything about the files themselves comes back as findings.
    """
    samples = samples_dir()
    if not samples.is_dir():
        raise Refused(
            f"找不到内置样例（应在 {samples}）。样例随源代码提供，不随安装包分发："
            "请在 wbtool 的源代码目录中用 pip install -e . 安装后再运行 wbtool demo。"
        )
    out = Path(out_dir).resolve()
    if out == samples.parent or out.is_relative_to(samples.parent):
        raise Refused(f"输出文件夹“{out_dir}”在内置样例的文件夹中：演示不会改动样例，请换一个文件夹。")

    returns = out / RETURNS_DIR
    _refuse_foreign_files(samples, returns)

    catalogue, findings = catalogues.load(CATALOGUE)
    if catalogue is None:  # the shipped catalogue is tested; this is a broken install
        raise Refused("内置任务清单无法读取：" + "；".join(f.message for f in findings))

    generated = generate(catalogue, out / TEMPLATES_DIR, batch=BATCH, progress=progress)
    if not generated.ok:
        return DemoResult(out_dir=out, returns_dir=returns, generated=generated, merged=None)

    shutil.copytree(samples, returns, dirs_exist_ok=True)  # a re-run overwrites its own copy
    offset = len(generated.files)

    def merge_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(offset + done, offset + total)

    merged = merge([returns], out / MERGED_DIR, catalogue=catalogue, progress=merge_progress)
    indicators = _indicator_run(out / INDICATOR_DIR)
    return DemoResult(out_dir=out, returns_dir=returns, generated=generated, merged=merged, indicators=indicators)


def _indicator_run(out: Path) -> MergeResult | None:
    """The same round trip for a numeric form: Changzhou's indicators, one plan year."""
    samples = samples_dir().parent / INDICATOR_RETURNS
    catalogue, _ = catalogues.load(INDICATOR_CATALOGUE)
    if catalogue is None or not samples.is_dir():
        return None
    returns = out / RETURNS_DIR
    _refuse_foreign_files(samples, returns)
    generated = generate(catalogue, out / TEMPLATES_DIR, batch=BATCH, year=INDICATOR_YEAR)
    if not generated.ok:
        return None
    shutil.copytree(samples, returns, dirs_exist_ok=True)
    return merge([returns], out / MERGED_DIR, catalogue=catalogue, year=INDICATOR_YEAR)


def _refuse_foreign_files(samples: Path, target: Path) -> None:
    """A returns folder holding anything but the samples may be the user's real
    returns: the demo neither overwrites nor merges it."""
    if not target.exists():
        return
    names = {path.name for path in samples.iterdir()}
    foreign = sorted(path.name for path in target.iterdir() if path.name not in names)
    if foreign:
        listed = "、".join(foreign[:3]) + ("等" if len(foreign) > 3 else "")
        raise Refused(
            f"“{target}”里已有样例以外的文件（{listed}），可能是真实的回收材料。"
            "演示不会改动它：请用 --out 另选一个文件夹。"
        )
