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
import shutil
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from . import identity as identities
from .atomic import clean_stale, write_bytes
from .carryover import CarryOver, carry_over
from .check import check_read, sort_findings
from .errors import CannotWrite, Refused, os_reason
from .findings import finding
from .indicators import city_results, plan_year
from .io import soffice
from .io.collect import Collection, collect
from .io.extract import work_folder
from .io.findings_out import findings_csv, findings_json
from .io.read_cache import cached, content_hash
from .io.run_record import RunRecord, code_digest, outputs_intact, read_record, write_record
from .merge import build_master
from .package import COMPILED, compilation, to_compile
from .model import (
    Assignment,
    Catalogue,
    CheckResult,
    INDICATORS,
    Finding,
    GeneratedFile,
    GenerateResult,
    Master,
    MasterEdits,
    MasterView,
    MergeResult,
    Progress,
    Report,
    Role,
    Severity,
    has_errors,
)
from .plan import manifest_of, new_batch_id, plan, valid_batch_id
from .pool import CapExceeded, ReadAll, call_capped, in_background, read_all
from .report import build_indicator_report, build_report, check_edits, pending_finals, report_date, view_of

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
    year: int | None = None,
) -> GenerateResult:
    """Write one workbook per planned unit and the manifest into ``out_dir``.

    Nothing is written when the plan has errors (an unknown unit) or no units, or
    when ``out_dir`` holds another batch and ``overwrite`` is false.  ``year`` is
    the plan year of an indicator form (default: this year, when it is one).
    """
    from .io import manifest as manifests

    batch = batch or new_batch_id()
    if not valid_batch_id(batch):
        raise Refused(f"批次号“{batch}”只能用字母、数字、点、横线和下划线，以字母或数字开头，最长 40 个字符，例如 20261122-1530。")
    year = form_year(catalogue, year)
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
            files.append(_write_one(catalogue, assignment, batch, path, created, year))
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


def form_year(catalogue: Catalogue, year: int | None) -> int | None:
    """The plan year of an indicator catalogue's forms (None for a text catalogue)."""
    if catalogue.kind != INDICATORS:
        return None
    chosen, problem = plan_year(catalogue.years, year, datetime.now().year)
    if problem:
        raise Refused(problem)
    return chosen


def _write_one(
    catalogue: Catalogue, assignment: Assignment, batch: str, path: Path, created: datetime, year: int | None = None
) -> GeneratedFile:
    """Write one unit's workbook to ``path``; an ``OSError`` says it could not be written."""
    buffer = io.BytesIO()
    identity = identities.make(catalogue, batch, assignment.unit.name)
    naive = created.replace(tzinfo=None)
    if year is not None:
        from .io.indicator_xlsx import write_indicator_form

        write_indicator_form(catalogue, assignment, identity, year, buffer, created=naive)
    else:
        from .io.template_xlsx import write_template

        write_template(catalogue, assignment, identity, buffer, created=naive)
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
    if existing is None:
        returns = _returns_in(out_dir)
        if returns:
            return [
                finding(
                    "output-other-batch",
                    f"输出文件夹里已有 {len(returns)} 个不是本工具生成的文件（如“{returns[0]}”），像是回收材料。"
                    "填报表放进回收文件夹，下次核查会被当成单位报送的空白表；请换一个空文件夹。",
                    file=str(out_dir),
                )
            ]
        return []
    if existing.batch == batch:
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


_RETURN_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et", ".docx", ".doc", ".zip", ".eml", ".rar", ".7z"}


def _returns_in(folder: Path) -> list[str]:
    """Names of files in ``folder`` that look like returns (generate must not mix with them)."""
    try:
        return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in _RETURN_SUFFIXES and not p.name.startswith((".", "~$")))
    except OSError:
        return []


def _unwritable(path: Path, exc: OSError) -> Finding:
    return finding(
        "output-unwritable",
        f"无法写入 {path}：{os_reason(exc, '写入')}。请确认文件没有在 Excel/WPS 中打开、文件夹可写，然后重试。",
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
    work: str | Path | None = None,
) -> CheckResult:
    """Collect, read, attribute and check every returned file under ``paths``.

    ``progress(done, total)`` counts the files read.  ``read`` is ``pool.read_all``
    (each file under time and memory bounds, in worker processes) or
    ``pool.read_here`` (in this process, for files the caller trusts).  ``cache``
    is the read cache's file, or a folder to keep it in (``io.read_cache.default_path()``
    for the user's): files read by an earlier run with the same readers are not
    read again.  ``work`` is the run's output folder, if it has one: the files taken
    out of zips and emails wait in its work folder while they are read (without one,
    in a private temporary folder); either way they are gone when this returns.
    """
    with work_folder(work) as folder:
        _, result = _check(paths, catalogue, folder, password, assignments, progress, read, cache)
    return result


def _check(
    paths: Sequence[str | Path],
    catalogue: Catalogue,
    folder: Path,
    password: str | None,
    assignments: Mapping[str, str] | None,
    progress: Progress | None,
    read: ReadAll,
    cache: str | Path | None,
) -> tuple[Collection, CheckResult]:
    """``check_returns`` with the files taken out of containers into ``folder``, which
    the caller removes; the collection too, for stages that read its files again."""
    # One progress total, the files read: collecting is quick next to reading, and a
    # bar that fills twice looks like a second pass.
    collection = collect([str(p) for p in paths], into=folder, time_zone=catalogue.time_zone)
    if cache is not None:
        read = cached(read, cache)
    results = read(
        collection.files, password=password, time_zone=catalogue.time_zone, progress=progress, scratch=collection.folder
    )
    result = check_read(collection.files, results, catalogue, assignments=assignments, extra=collection.findings)
    return collection, result




def markup_returns(paths: Sequence[str | Path], result: CheckResult, out_dir: str | Path) -> list[Path]:
    """Write a 「退回修改」 workbook for every attributed file with errors or warnings; the paths written."""
    return [path for written in markup_returns_by_unit(paths, result, out_dir).values() for path in written]


def markup_returns_by_unit(paths: Sequence[str | Path], result: CheckResult, out_dir: str | Path) -> dict[str, list[Path]]:
    """``markup_returns``, the paths grouped by unit (``remind`` attaches each unit's own).

    The returns are collected again (no reading) to get at the files; the inputs are
    only read, and what is taken out of zips and emails waits in ``out_dir``'s work folder.
    """
    out_dir = Path(out_dir)
    problem = markup_target_problem(out_dir, paths)
    if problem:
        raise Refused(problem)
    with work_folder(out_dir) as folder:
        return _markup(collect([str(p) for p in paths], into=folder), result, out_dir)


def _markup(collection: Collection, result: CheckResult, out_dir: Path) -> dict[str, list[Path]]:
    from .io.markup import target_name, write_markup

    files = {file.display: file for file in collection.files}
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
        try:
            # openpyxl on a unit's workbook is untrusted input: under the readers' limits.
            data = _as_xlsx(file.read_bytes(), file.name, collection.folder)
            call_capped(write_markup, data, file.name, report.unit, by_file[report.file], target, timeout=20, memory_mb=512)
        except CapExceeded:
            # The unit's own copy could not be opened safely: the problem list alone.
            write_markup(None, file.name, report.unit, by_file[report.file], target)
        written[report.unit].append(target)
    return dict(written)


_CONVERTIBLE = {".xls", ".ods", ".et"}


def _as_xlsx(data: bytes, name: str, scratch: Path | None) -> bytes:
    """An .xls / .ods return as xlsx bytes (LibreOffice), so that its 退回修改 copy marks
    the unit's own cells, not only the problem list; unchanged when that cannot be done."""
    suffix = Path(name).suffix.lower()
    if suffix not in _CONVERTIBLE or not soffice.available():
        return data
    try:
        return soffice.convert(data, suffix, "xlsx", scratch=scratch)
    except soffice.ConversionError:
        return data


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
    if catalogue.kind == INDICATORS:
        return {
            "master": f"{catalogue.attachment}-指标完成情况汇总.xlsx",
            "report": "指标完成情况报告.docx",
            "json": "findings.json",
            "csv": "findings.csv",
        }
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
    year: int | None = None,
    cache: str | Path | None = None,
) -> MergeResult:
    """Check ``paths``, merge, and write the four outputs into ``out_dir``; ``dated``
    is the report's 成文日期.

    ``read`` and ``cache`` as for ``check_returns``.  Raises ``Refused`` before
    reading anything when ``out_dir`` would mix the
    outputs with the inputs, and ``CannotWrite`` when an output cannot be written.
    An indicator catalogue's master is for ``year`` (default: this year, when a plan year).
    The files taken out of zips and emails wait in ``out_dir``'s work folder while
    they are read, and are gone when this returns.
    """
    year = form_year(catalogue, year)
    out = Path(out_dir)
    targets = {key: out / name for key, name in output_names(catalogue).items()}
    refuse_unsafe_output(paths, out, targets.values())
    clean_stale(out)  # temporary files of a run that was killed
    with work_folder(out) as folder:
        collection, result = _check(paths, catalogue, folder, password, assignments, progress, read, cache)
        remember = cache is not None  # ``--no-cache`` asks for everything afresh
        return _merge_checked(paths, collection, result, catalogue, out, targets, password, read, dated, year, remember)


def _merge_checked(
    paths: Sequence[str | Path],
    collection: Collection,
    result: CheckResult,
    catalogue: Catalogue,
    out: Path,
    targets: dict[str, Path],
    password: str | None,
    read: ReadAll,
    dated: date | None,
    year: int | None,
    remember: bool,
) -> MergeResult:
    """``merge`` once the returns are checked: the master, the report, the 汇编, the findings.

    With ``remember``, a run made from exactly what the last one was made from, whose
    outputs are still as that run wrote them, leaves them as they are (``io.run_record``).
    """
    from .io import master_xlsx

    if not result.files:
        raise Refused(f"在{'、'.join(str(p) for p in paths)}中没有找到任何文件：请确认回收材料的位置。")
    master = build_master(result)
    if year is not None:
        return _merge_indicators(master, year, targets, out)
    fingerprint = _fingerprint(result, collection, password, dated) if remember else None
    record = _same_run(out, fingerprint, targets.values())
    if record is not None:
        return _unchanged(master, record, targets["master"], out)
    backup, carried = _previous_master(targets["master"], master)
    master = _with_finals(master, carried)
    try:
        # Two writers, two cores: the Word report is written in a process of its own
        # while this one writes the master workbook.
        report_written = in_background(write_report, build_report(view_of(master), today=dated), targets["report"])
        try:
            master_xlsx.write_master(master, targets["master"])
        finally:
            report_written()  # also when the master failed: no process is left behind
        compiled, not_compiled = _compile(collection, result, out, password=password, read=read)
        # The findings files list everything, the 汇编's own problems included.
        findings = (*master.findings, *not_compiled)
        write_bytes(targets["json"], findings_json(findings, catalogue))
        write_bytes(targets["csv"], findings_csv(findings))
        if fingerprint is not None:
            _remember(out, fingerprint, (*targets.values(), *compiled), not_compiled)
    except OSError as exc:
        raise _cannot_write(exc, out) from exc
    return MergeResult(
        master=master,
        outputs=(*targets.values(), *compiled),
        findings=findings,
        backup=backup,
        finals_kept=carried.kept if carried else 0,
        finals_review=carried.review if carried else 0,
    )


def _fingerprint(result: CheckResult, collection: Collection, password: str | None, dated: date | None) -> str | None:
    """Everything the outputs of a merge are made from, as one digest.

    The check of the returns (its ``repr``: frozen data, the catalogue inside; the
    master is ``build_master`` of it, and the code is in the digest — the master's
    own ``repr`` says every entry twice, in its rows and in 明细), the report's date,
    the documents the 汇编 would copy (their bytes: the check knows only their
    length), the password they are opened with, and the code that writes it all.
    Not the previous master: its digest is checked on its own.  None when a document
    cannot be read again (gone since): this run is not remembered.
    """
    catalogue = result.catalogue
    digest = hashlib.sha256(code_digest().encode())
    digest.update(f"{report_date(catalogue, dated)}\0{password or ''}\0".encode())
    digest.update(repr(result).encode())
    files = {file.display: file for file in collection.files}
    for kind in COMPILED:
        for item in to_compile(result.materials, kind, catalogue):
            if item.file in files:
                try:
                    digest.update(content_hash(files[item.file]).digest())
                except OSError:
                    return None
    return digest.hexdigest()


def _same_run(out: Path, fingerprint: str | None, expected: Iterable[Path]) -> RunRecord | None:
    """The last run's record, when this run would write what that one wrote and its outputs are intact."""
    if fingerprint is None:
        return None
    record = read_record(out)
    if record is None or record.fingerprint != fingerprint or not outputs_intact(out, record, expected):
        return None
    return record


def _remember(out: Path, fingerprint: str, written: Sequence[Path], findings: Sequence[Finding]) -> None:
    """Leave the run record.  One that cannot be written only means the next run writes
    again: an older record left in place lists digests the new outputs do not have."""
    try:
        write_record(out, fingerprint, written, findings)
    except OSError:
        pass


def _unchanged(master: Master, record: RunRecord, path: Path, out: Path) -> MergeResult:
    """The result of a run whose outputs are already in ``out``: nothing is written.

    The master is read back as it stands (its 定稿, as the bureau may have kept them
    from an earlier run), so the result says what the files say.
    """
    carried = _carried(path, master, shown_as=path)
    master = _with_finals(master, carried)
    return MergeResult(
        master=master,
        outputs=tuple(out / name for name in record.outputs),
        findings=(*master.findings, *record.findings),
        finals_kept=carried.kept if carried else 0,
        finals_review=carried.review if carried else 0,
        unchanged=True,
    )


def _with_finals(master: Master, carried: CarryOver | None) -> Master:
    """The master with the 定稿 carried over from the previous one, and a finding for each still pending."""
    if carried is not None:
        master = replace(master, rows=carried.rows, findings=tuple(sort_findings([*master.findings, *carried.findings])))
    # Tasks the report prints as 「（待定稿）」 are listed with every other finding
    # (after the carry-over: a carried 定稿 is not pending).
    return replace(master, findings=master.findings + tuple(pending_finals(view_of(master))))


BACKUP_FORMAT = "{stem}-备份-{when:%Y%m%d-%H%M%S}{suffix}"


def _previous_master(path: Path, master: Master) -> tuple[Path | None, CarryOver | None]:
    """Keep the master already in ``--out`` as a dated backup, and carry its 定稿 over.

    The bureau re-merges whenever a late return arrives; its 定稿 edits live only in
    that workbook.  Nothing is carried from a file that cannot be read as a master
    (its backup is still kept: it may hold edits worth copying by hand).
    """
    if not path.is_file():
        return None, None
    when = datetime.fromtimestamp(path.stat().st_mtime)
    backup = path.with_name(BACKUP_FORMAT.format(stem=path.stem, when=when, suffix=path.suffix))
    try:
        if not backup.exists():
            shutil.copy2(path, backup)
    except OSError as exc:
        raise CannotWrite(f"无法备份上一版汇总表 {path}：{os_reason(exc, '写入')}。为免丢失其中的定稿修改，本次未写入任何文件。") from exc
    return backup, _carried(path, master, shown_as=backup)


def _carried(path: Path, master: Master, *, shown_as: Path) -> CarryOver | None:
    """The 定稿 of the master workbook at ``path`` carried onto ``master``'s rows, with
    findings that name ``shown_as``; None when ``path`` cannot be read as a master."""
    edits, _ = read_master_limited(path, master.catalogue.limit, lists=False)
    return carry_over(master.rows, edits, file=str(shown_as)) if edits is not None else None


def _cannot_write(exc: OSError, out: Path) -> CannotWrite:
    return CannotWrite(f"无法写入输出文件：{os_reason(exc, '写入')}（{exc.filename or out}）。请确认文件没有在 Excel/WPS/Word 中打开、文件夹可写，然后重试。")


def compilation_name(kind: str) -> str:
    return f"{kind}汇编.docx"


def compile_materials(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    catalogue: Catalogue,
    password: str | None = None,
    assignments: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    read: ReadAll = read_all,
) -> tuple[CheckResult, tuple[Path, ...], list[Finding]]:
    """Rebuild 典型经验汇编.docx and 工作总结汇编.docx alone (``wbtool compile``).

    The returns are checked as by ``check_returns`` (to know whose each document
    is and what it is); returns the check, the paths written (none when the
    catalogue asks for no package, or nobody sent the material) and a finding for
    each document whose text could not be read into the 汇编.
    """
    out = Path(out_dir)
    refuse_unsafe_output(paths, out, [out / compilation_name(kind) for kind in COMPILED])
    clean_stale(out)  # temporary files of a run that was killed
    with work_folder(out) as folder:
        collection, result = _check(paths, catalogue, folder, password, assignments, progress, read, None)
        try:
            return (result, *_compile(collection, result, out, password=password, read=read))
        except OSError as exc:
            raise _cannot_write(exc, out) from exc


def _compile(
    collection: Collection, result: CheckResult, out: Path, *, password: str | None, read: ReadAll
) -> tuple[tuple[Path, ...], list[Finding]]:
    """Read the 典型经验 and 工作总结 again, whole, and write one 汇编 of each kind that came.

    A document whose text the first reading could not get (a .doc without
    LibreOffice) has its finding already; one that fails only now gets its own.
    """
    catalogue = result.catalogue
    if catalogue.package is None or not result.materials:
        return (), []
    from .io.compilation_docx import write_compilation
    from .io.read import read_content

    files = {file.display: file for file in collection.files}
    written, findings = [], []
    for kind in COMPILED:
        items = [item for item in to_compile(result.materials, kind, catalogue) if item.file in files]
        if not items:
            continue
        read_back = read(
            [files[item.file] for item in items],
            password=password,
            time_zone=catalogue.time_zone,
            reader=read_content,
            scratch=collection.folder,
        )
        for item, back in zip(items, read_back):
            if back.content is None and item.material.problem is None:
                findings += [replace(f, unit=item.unit) for f in back.findings]
        book = compilation(kind, items, [r.content for r in read_back], catalogue)
        written.append(write_compilation(book, out / compilation_name(kind)))
    return tuple(written), findings


def _merge_indicators(master, year: int, targets: dict[str, Path], out: Path) -> MergeResult:
    """The outputs of an indicator catalogue: the same checks and 报送情况, its own figures."""
    from .io.indicator_master import write_indicator_master

    results = city_results(master.catalogue, year, master.details)
    try:
        report = build_indicator_report(view_of(master), results, year)
        report_written = in_background(write_report, report, targets["report"])
        try:
            write_indicator_master(master, results, year, targets["master"])
        finally:
            report_written()
        write_bytes(targets["json"], findings_json(master.findings, master.catalogue))
        write_bytes(targets["csv"], findings_csv(master.findings))
    except OSError as exc:
        raise CannotWrite(f"无法写入输出文件：{os_reason(exc, '写入')}（{exc.filename or out}）。请确认文件没有在 Excel/WPS 中打开、文件夹可写，然后重试。") from exc
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
    if catalogue.kind == INDICATORS:
        # An indicator master has no 定稿 to edit: its report comes with the merge.
        message = f"数值指标清单没有“定稿”可改，报告已由 wbtool merge 直接生成（{output_names(catalogue)['report']}）；需要重做请重新运行 wbtool merge。"
        return None, [finding("master-invalid", message, file=str(master_path))]
    edits, findings = read_master_limited(master_path, catalogue.limit)
    if edits is None:
        return None, findings
    findings += check_edits(edits, catalogue, str(master_path))
    view = MasterView(catalogue=catalogue, texts=edits.texts(), units=edits.units, findings=edits.findings)
    told = [f.task for f in findings if f.code == "final-over-limit" and f.task is not None]
    findings += pending_finals(view, file=str(master_path), skip=told)
    return write_report(build_report(view, today=dated), out_path), findings


def read_master_limited(path: str | Path, limit: int, *, lists: bool = True) -> tuple[MasterEdits | None, list[Finding]]:
    """``io.master_read.read_master`` in a process of its own under the readers' limits
    (``lists=False``: its 附件2 table only, for carrying the 定稿 over).

    A master is a file people edit and pass around: a cell at XFD1048576 makes
    calamine allocate 512 GB and abort, a damaged .xls panics in Rust, a FIFO named
    汇总.xlsx never ends.  Each becomes a finding, not a dead or hung command.
    """
    file = str(path)
    if not Path(path).is_file():
        return None, [finding("master-invalid", "汇总表不是普通文件（可能是文件夹、管道或设备）。请选择 wbtool merge 生成的汇总表。", file=file)]
    # The reader itself goes to the process, not a function of this module: the
    # process is forked with it loaded (``pool.PRELOAD``), while a function of
    # ``pipeline`` would first be imported there, with all of ``pipeline`` (~0.1 s).
    from .io.master_read import read_master

    try:
        return call_capped(partial(read_master, limit=limit, lists=lists), file)
    except CapExceeded as exc:
        return None, [
            finding(
                "file-unreadable",
                f"汇总表无法读取（{exc}）：文件可能已损坏，或含有超出范围的单元格。请用 Excel/WPS 打开后另存为 xlsx 再试。",
                file=file,
            )
        ]

