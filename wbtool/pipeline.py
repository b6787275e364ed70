"""The round trip, one call a stage: what the CLI runs and what a notebook calls.

``generate`` → (units fill in) → ``check_returns`` → ``merge`` → (the bureau edits
定稿) → ``report_from_master``.  Each stage takes plain values (a catalogue, paths)
and returns a result from ``wbtool.model``; files are read and written only through
``wbtool.io``, and a bad returned file is a finding, never an exception.  What stops
a stage as a whole raises from ``wbtool.errors`` (the CLI's exit code 2).

    from wbtool import catalogue, pipeline
    wuxi, _ = catalogue.load("wuxi-2022")
    pipeline.generate(wuxi, "填报表")
    result = pipeline.merge(["回收材料"], "汇总", catalogue=wuxi)
    frame = result.master.to_frame()   # pandas, optional
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from . import identity as identities
from .atomic import write_bytes
from .check import check_read
from .errors import CannotWrite, Refused
from .findings import finding
from .io.collect import collect
from .io.findings_out import findings_csv, findings_json
from .io.read_cache import cached
from .merge import build_master
from .model import (
    Assignment,
    Catalogue,
    CheckResult,
    Finding,
    GeneratedFile,
    GenerateResult,
    MasterView,
    MergeResult,
    Progress,
    Report,
    Role,
    Severity,
    has_errors,
)
from .plan import manifest_of, new_batch_id, plan, valid_batch_id
from .pool import ReadAll, in_background, read_all
from .report import build_report, check_edits, pending_finals, view_of

# The writers are imported by the stage that uses them, inside its function: each
# brings a heavy library (xlsxwriter 0.05 s, python-docx 0.07 s, openpyxl 0.18 s),
# and ``wbtool check`` — run again and again as returns arrive — needs none of them.

# ---------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------


def generate(
    catalogue: Catalogue,
    out_dir: str | Path,
    *,
    units: Iterable[str] | None = None,
    batch: str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> GenerateResult:
    """Write one workbook per planned unit and the manifest into ``out_dir``.

    Nothing is written when the plan has errors (an unknown unit) or no units, or
    when ``out_dir`` holds another batch and ``overwrite`` is false.
    """
    from .io import manifest as manifests

    batch = batch or new_batch_id()
    if not valid_batch_id(batch):
        raise Refused(f"批次号“{batch}”只能用字母、数字、点、横线和下划线，以字母或数字开头，最长 40 个字符，例如 20261122-1530。")
    out_dir = Path(out_dir)
    assignments, findings = plan(catalogue, units)
    findings += _folder_findings(out_dir, batch, overwrite, {a.filename for a in assignments})
    if has_errors(findings) or not assignments:
        return GenerateResult(batch=batch, out_dir=out_dir, findings=tuple(findings))

    created = datetime.now(timezone.utc)
    files: list[GeneratedFile] = []
    for done, assignment in enumerate(assignments, start=1):
        path = out_dir / assignment.filename
        try:
            files.append(_write_one(catalogue, assignment, batch, path, created))
        except OSError as exc:
            findings.append(_unwritable(path, exc))
            return GenerateResult(batch=batch, out_dir=out_dir, files=tuple(files), findings=tuple(findings))
        if progress is not None:
            progress(done, len(assignments))
    written: tuple[Path, ...] = ()
    try:
        written = manifests.write(out_dir, manifest_of(catalogue, batch, assignments, files, created))
    except OSError as exc:
        findings.append(_unwritable(out_dir / manifests.JSON_NAME, exc))
    return GenerateResult(batch=batch, out_dir=out_dir, files=tuple(files), manifest=written, findings=tuple(findings))


def _write_one(catalogue: Catalogue, assignment: Assignment, batch: str, path: Path, created: datetime) -> GeneratedFile:
    """Write one unit's workbook to ``path``; an ``OSError`` says it could not be written."""
    from .io.template_xlsx import write_template

    buffer = io.BytesIO()
    identity = identities.make(catalogue, batch, assignment.unit.name)
    write_template(catalogue, assignment, identity, buffer, created=created.replace(tzinfo=None))
    data = buffer.getvalue()
    write_bytes(path, data)
    return GeneratedFile(
        unit=assignment.unit.name,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        tasks=tuple(task.no for task in assignment.tasks),
    )


def _folder_findings(out_dir: Path, batch: str, overwrite: bool, planned: set[str]) -> list[Finding]:
    """Refuse (or, with ``overwrite``, warn about) a folder holding another batch."""
    from .io import manifest as manifests

    try:
        existing = manifests.read(out_dir)
    except manifests.ManifestError as exc:
        return [
            finding(
                "output-other-batch",
                f"输出文件夹中的 {manifests.JSON_NAME} 无法读取（{exc}），无法确认其中是哪一批次。请换一个空文件夹，或删除该文件后重试。",
                file=str(out_dir / manifests.JSON_NAME),
            )
        ]
    if existing is None or existing.batch == batch:
        return []
    if not overwrite:
        return [
            finding(
                "output-other-batch",
                f"输出文件夹已有批次 {existing.batch} 的填报表（{len(existing.files)} 份）。"
                f"为免两批混在一起，本次（批次 {batch}）未写入任何文件。请换一个文件夹，或确认后使用 --overwrite 覆盖。",
                file=str(out_dir),
            )
        ]
    return [
        finding(
            "output-batch-replaced",
            f"已覆盖输出文件夹中批次 {existing.batch} 的清单；该批次中本次未重新生成的文件仍在文件夹里，请手工清理：{f.file}",
            unit=f.unit,
            file=str(out_dir / f.file),
        )
        for f in existing.files
        if f.file not in planned and (out_dir / f.file).exists()
    ]


def _unwritable(path: Path, exc: OSError) -> Finding:
    return finding(
        "output-unwritable",
        f"无法写入 {path}：{exc.strerror or exc}。请确认文件没有在 Excel/WPS 中打开、文件夹可写，然后重试。",
        file=str(path),
    )

# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------


def check_returns(
    paths: Sequence[str | Path],
    catalogue: Catalogue,
    *,
    password: str | None = None,
    assignments: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    read: ReadAll = read_all,
    cache: str | Path | None = None,
) -> CheckResult:
    """Collect, read, attribute and check every returned file under ``paths``.

    ``progress(done, total)`` counts the files read.  ``read`` is ``pool.read_all``
    (each file under time and memory bounds, in worker processes) or
    ``pool.read_here`` (in this process, for files the caller trusts).  ``cache``
    is the read cache's file (``io.read_cache.default_path()`` for the user's):
    files read by an earlier run with the same readers are not read again.
    """
    # One progress total, the files read: collecting is quick next to reading, and a
    # bar that fills twice looks like a second pass.
    collection = collect([str(p) for p in paths])
    if cache is not None:
        read = cached(read, cache)
    results = read(collection.files, password=password, progress=progress)
    return check_read(collection.files, results, catalogue, assignments=assignments, extra=collection.findings)




def markup_returns(paths: Sequence[str | Path], result: CheckResult, out_dir: str | Path) -> list[Path]:
    """Write a 「退回修改」 workbook for every attributed file with errors or warnings; the paths written."""
    return [path for written in markup_returns_by_unit(paths, result, out_dir).values() for path in written]


def markup_returns_by_unit(paths: Sequence[str | Path], result: CheckResult, out_dir: str | Path) -> dict[str, list[Path]]:
    """``markup_returns``, the paths grouped by unit (``remind`` attaches each unit's own).

    The returns are collected again (cheap: no reading) to get at the bytes; the
    inputs are only read.
    """
    from .io.markup import target_name, write_markup

    out_dir = Path(out_dir)
    problem = markup_target_problem(out_dir, paths)
    if problem:
        raise Refused(problem)
    files = {file.display: file for file in collect([str(p) for p in paths]).files}
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.file and f.severity is not Severity.INFO:
            by_file[f.file].append(f)
    written: dict[str, list[Path]] = defaultdict(list)
    taken: set[str] = set()
    for report in result.files:
        if report.role is not Role.FORM or report.unit is None or not by_file.get(report.file) or report.file not in files:
            continue
        file = files[report.file]
        name = target_name(report.unit, file.name)
        stem, number = name[: -len(".xlsx")], 2
        while name in taken:
            name, number = f"{stem}-{number}.xlsx", number + 1
        taken.add(name)
        target = out_dir / name
        write_markup(file.read_bytes(), file.name, report.unit, by_file[report.file], target)
        written[report.unit].append(target)
    return dict(written)


def markup_target_problem(out_dir: str | Path, paths: Sequence[str | Path]) -> str | None:
    """Why ``out_dir`` must not receive 退回修改 workbooks, or None.

    Never inside a folder of returns: the next check would take them for returns.
    """
    target = Path(out_dir).resolve()
    for path in paths:
        source = Path(path).resolve()
        folder = source if source.is_dir() else source.parent
        if target == folder or folder in target.parents:
            return f"“退回修改”文件夹不能放在回收材料所在的文件夹“{folder}”里，以免下次核查把它当成报送文件；请换一个位置。"
    return None


# ---------------------------------------------------------------------------
# merge
# ---------------------------------------------------------------------------


def output_names(catalogue: Catalogue) -> dict[str, str]:
    """File names of the outputs: short, Chinese, the same for every run."""
    return {
        "master": f"{catalogue.attachment}-任务{catalogue.entry_label}汇总.xlsx",
        "report": f"{catalogue.entry_label}报告.docx",
        "json": "findings.json",
        "csv": "findings.csv",
    }


def merge(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    catalogue: Catalogue,
    password: str | None = None,
    assignments: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    read: ReadAll = read_all,
    dated: date | None = None,
    cache: str | Path | None = None,
) -> MergeResult:
    """Check ``paths``, merge, and write the four outputs into ``out_dir``; ``dated``
    is the report's 成文日期.

    ``read`` and ``cache`` as for ``check_returns``.  Raises ``Refused`` before
    reading anything when ``out_dir`` would mix the
    outputs with the inputs, and ``CannotWrite`` when an output cannot be written.
    """
    from .io import master_xlsx

    out = Path(out_dir)
    targets = {key: out / name for key, name in output_names(catalogue).items()}
    refuse_unsafe_output(paths, out, targets.values())

    result = check_returns(
        paths, catalogue, password=password, assignments=assignments, progress=progress, read=read, cache=cache
    )
    master = build_master(result)
    # Tasks the report prints as 「（待定稿）」 are listed with every other finding.
    master = replace(master, findings=master.findings + tuple(pending_finals(view_of(master))))
    try:
        # Two writers, two cores: the Word report is written in a process of its own
        # while this one writes the master workbook.
        report_written = in_background(write_report, build_report(view_of(master), today=dated), targets["report"])
        try:
            master_xlsx.write_master(master, targets["master"])
        finally:
            report_written()  # also when the master failed: no process is left behind
        write_bytes(targets["json"], findings_json(master.findings, catalogue))
        write_bytes(targets["csv"], findings_csv(master.findings))
    except OSError as exc:
        raise CannotWrite(f"无法写入输出文件：{exc.strerror or exc}（{exc.filename or out}）。请确认文件没有在 Excel/WPS/Word 中打开、文件夹可写，然后重试。") from exc
    return MergeResult(master=master, outputs=tuple(targets.values()), findings=master.findings)


def write_report(report: Report, path: str | Path) -> Path:
    """Write the Word report (in ``merge``, in a process of its own: python-docx is
    imported there, not here)."""
    from .io.report_docx import write_report_docx

    return write_report_docx(report, path)


def refuse_unsafe_output(paths: Iterable[str | Path], out: Path, targets: Iterable[Path]) -> None:
    """Outputs must not land among the inputs: a later run would collect them as returns."""
    out_resolved = out.resolve()
    inputs = [Path(p).resolve() for p in paths]
    for source in inputs:
        folder = source if source.is_dir() else source.parent
        inside = out_resolved == folder or (source.is_dir() and out_resolved.is_relative_to(folder))
        if inside:
            raise Refused(f"输出文件夹“{out}”是回收材料所在的文件夹（或在其中）：请换一个文件夹，例如回收材料旁边的“汇总”文件夹。")
    for target in targets:
        if target.resolve() in inputs:
            raise Refused(f"输出文件“{target}”会覆盖输入文件：请换一个输出文件夹。")


# ---------------------------------------------------------------------------
# report from an edited master
# ---------------------------------------------------------------------------


def report_from_master(
    master_path: str | Path, out_path: str | Path, *, catalogue: Catalogue, dated: date | None = None
) -> tuple[Path | None, list[Finding]]:
    """Regenerate the Word report from a (possibly edited) master workbook.

    Returns the report's path, or ``None`` when the master could not be used; the
    findings say what needs attention (``final-over-limit``, ``final-pending``).
    """
    if Path(out_path).resolve() == Path(master_path).resolve():
        return None, [finding("master-invalid", "报告不能覆盖汇总表本身：请给报告另起一个文件名。", file=str(out_path))]
    from .io.master_read import read_master

    edits, findings = read_master(master_path, limit=catalogue.limit)
    if edits is None:
        return None, findings
    findings += check_edits(edits, catalogue, str(master_path))
    view = MasterView(catalogue=catalogue, texts=edits.texts(), units=edits.units, findings=edits.findings)
    told = [f.task for f in findings if f.code == "final-over-limit" and f.task is not None]
    findings += pending_finals(view, file=str(master_path), skip=told)
    return write_report(build_report(view, today=dated), out_path), findings
