"""``wbtool catalog import``: the official notice (.docx/.doc/.wps/.xlsx/.xls/.ods) → a catalogue YAML file.

Read the documents (``io.import_docs``), interpret them (``importer``), write the YAML
(``io.catalogue_yaml``) and check it the way ``wbtool catalog check`` does before
saying it is done.  The file is written atomically and never over an existing one
unless asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from . import atomic, pool
from . import catalogue as catalogues
from .errors import Refused
from .findings import finding
from .importer import NoTaskTable, interpret
from .io import catalogue_yaml, import_docs
from .model import Catalogue, Finding, has_errors
from .model.imported import SourceDocument


class ImportRefused(Refused):
    """The import cannot run (unreadable document, no task table, output in the way); the message is Chinese."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()):
        super().__init__(message)
        self.findings = tuple(findings)


@dataclass(frozen=True)
class ImportResult:
    path: Path  # the catalogue file written
    catalogue: Catalogue | None  # as ``catalog check`` loads it; None if it cannot be loaded
    findings: tuple[Finding, ...]  # the import's guesses, then the check's findings

    @property
    def blocking(self) -> bool:
        return self.catalogue is None or has_errors(self.findings)


def import_catalogue(
    sources: Sequence[str | Path], out: str | Path, *, catalogue_id: str | None = None, force: bool = False
) -> ImportResult:
    """Import the notice's documents into the catalogue file ``out``; raises ``ImportRefused``."""
    out = Path(out)
    sources = [Path(source) for source in sources]
    _refuse_overwrite(sources, out, force)
    documents, unreadable = [], []
    for source in sources:
        try:
            documents.append(_read(source))
        except import_docs.DocumentUnreadable as exc:
            code = "file-encrypted" if isinstance(exc, import_docs.DocumentEncrypted) else "file-unreadable"
            unreadable.append(finding(code, str(exc), file=str(source)))
    if unreadable:
        raise ImportRefused("有文件无法读取，未导入。", unreadable)
    try:
        draft, findings = interpret(documents)
    except NoTaskTable:
        message = (
            "文件中没有找到任务表（含“主要任务”“责任单位”表头的表格）。请给出通知正文或附件2 任务清单，"
            "表格不能是图片或扫描件。"
        )
        raise ImportRefused("未找到任务表，未导入。", [finding("import-no-table", message, file=", ".join(map(str, sources)))])
    # Every guess is a comment in the file written: that is where the bureau reviews it.
    findings = [replace(f, file=f.file or str(out)) for f in findings]
    text = catalogue_yaml.dump(draft, catalogue_id or default_id(out))
    atomic.write_text(out, text)
    catalogue, checked = catalogues.load(out)  # exactly what `wbtool catalog check` will say
    return ImportResult(out, catalogue, tuple(findings) + tuple(checked))


def _read(source: Path) -> SourceDocument:
    """One document, parsed in a process of its own under the readers' limits: it comes from outside."""
    loaded = import_docs.load(source)
    try:
        return pool.call_capped(import_docs.parse, loaded)
    except (pool.CapExceeded, MemoryError) as exc:
        reason = str(exc) if isinstance(exc, pool.CapExceeded) else "读取时占用内存过多"
        raise import_docs.DocumentUnreadable(f"文件无法读取（{reason}），可能已损坏。请用 Word、WPS 或 Excel 打开后另存一份再试。") from exc


def default_id(out: Path) -> str:
    """The catalogue's id from where it goes: templates/wuxi-2023/catalogue.yaml → wuxi-2023."""
    stem = out.parent.name if out.name == catalogues.FILENAME else out.stem
    return re.sub(r"\s+", "-", stem.strip()) or "imported"


def _refuse_overwrite(sources: Sequence[Path], out: Path, force: bool) -> None:
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise ImportRefused(f"输出文件“{out}”应以 .yaml 结尾（任务清单是 YAML 文本文件）。")
    if any(out.resolve() == source.resolve() for source in sources):
        raise ImportRefused("输出文件不能是输入文件之一。")
    if out.exists() and not force:
        raise ImportRefused(f"“{out}”已存在，未覆盖。换一个文件名，或加 --force 覆盖。")
