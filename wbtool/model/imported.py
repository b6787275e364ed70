"""An official notice as the import reads it, and the catalogue draft made from it.

``io.import_docs`` turns a .docx/.doc/.xlsx into a ``SourceDocument``; ``importer``
turns source documents into a ``CatalogueDraft``; ``io.catalogue_yaml`` writes the
draft as a commented YAML catalogue.  Notes are the import's guesses, said in
Chinese: the writer turns each into a comment beside the line it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import Notice

NOTICE_LABELS = {
    "title": "通知标题",
    "issuer": "发文机关",
    "period": "总结周期",
    "deadline": "报送截止时间",
    "contact": "联系人",
    "phone": "联系电话",
    "email": "邮箱",
    "how_to_return": "报送方式",
    "naming": "文件命名",
}


@dataclass(frozen=True)
class SourceTable:
    """One table as text: ``rows`` of cell texts; ``merges`` as 0-based (top, left, bottom, right),
    whose top-left cell holds the text; the task-table ``header`` row (-1: none found) and
    its role → column index ``columns`` (主要任务 → "task", 责任单位 → "owners" …)."""

    rows: tuple[tuple[str | None, ...], ...]
    merges: tuple[tuple[int, int, int, int], ...] = ()
    header: int = -1
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass(frozen=True)
class SourceDocument:
    """One official document: its body's ``paragraphs`` outside tables, and its ``tables``."""

    name: str
    paragraphs: tuple[str, ...]
    tables: tuple[SourceTable, ...]


@dataclass(frozen=True)
class DraftUnit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    note: str = ""  # a guess to review; "" for a fact (a unit of 附件1)


@dataclass(frozen=True)
class DraftGroup:
    name: str
    kinds: tuple[str, ...] = ()
    per_task: bool = False
    note: str = ""


@dataclass(frozen=True)
class DraftTask:
    number: int
    text: str
    owners: str
    deadline: str | None = None
    group_members: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (group, its members for this task)
    note: str = ""


@dataclass(frozen=True)
class DraftSection:
    title: str
    tasks: tuple[DraftTask, ...]
    note: str = ""


@dataclass(frozen=True)
class CatalogueDraft:
    """A catalogue as the import read it, with notes on what it guessed."""

    title: str
    attachment: str
    limit: int
    sections: tuple[DraftSection, ...]
    units: tuple[DraftUnit, ...]
    groups: tuple[DraftGroup, ...]
    notice: Notice
    sources: tuple[str, ...]
    notes: dict[str, str] = field(default_factory=dict)  # top-level key (title, limit) → note
