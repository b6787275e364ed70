"""Returned files and what is read from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .findings import Finding
from .package import Material, Passage, Picture, TableText

ORIGIN_SEPARATOR = " › "


class Role(str, Enum):
    """What a returned file turned out to be."""

    FORM = "form"  # a fill-in table was found and checked
    ATTACHMENT = "attachment"  # another document of the package (工作总结, PDF, pictures): listed
    UNREADABLE = "unreadable"  # could not be read; the findings say why
    HELD = "held"  # a form whose unit could not be decided: its texts wait in the findings


@dataclass(frozen=True)
class ReturnedFile:
    """A file found among the returns: on disk, or inside a zip or an email.

    ``origin`` is the chain of containers down to the file itself, outermost first:
    what findings name.  ``path`` is where the bytes are: the unit's file itself, or
    for a file inside a container, the copy taken out into the run's work folder
    (named by a number: never shown, never matched).  ``data`` holds the bytes instead,
    for a caller that has them in hand; ``collect`` never sets it.
    """

    origin: tuple[str, ...]
    path: str | None = None
    data: bytes | None = None
    sender: str | None = None  # email address of the message that carried it
    sent_at: datetime | None = None  # Date: of that message
    modified_at: datetime | None = None  # file system or zip entry time

    @property
    def name(self) -> str:
        return self.origin[-1]

    @property
    def display(self) -> str:
        return ORIGIN_SEPARATOR.join(self.origin)

    @property
    def in_container(self) -> bool:
        """Taken out of a zip or an email: ``path`` is a work copy, not a place the user knows."""
        return len(self.origin) > 1

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        with open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class Identity:
    """What a generated workbook says about itself.  Read back from a return."""

    catalogue: str
    fingerprint: str
    batch: str
    unit: str
    source: str = ""  # where it was found: property / sheet / name


@dataclass(frozen=True)
class FormRow:
    """One data row of a returned form, as the unit left it.

    Cell values are the text as displayed (numbers and dates included); ``None``
    for an empty cell.  ``entry_formula`` is set when the 完成情况 cell held a
    formula rather than typed text.

    The 责任单位 column is recognised in the header but its text is not kept: who
    owns a task is the catalogue's word, not the return's, and the text ran to a
    thousand characters a row, most of what a file's result weighed.
    """

    row: int  # 1-based row number in the sheet (a table row number for Word)
    no: str | None
    section: str | None
    task: str | None
    entry: str | None
    entry_cell: str  # e.g. 填报表!E7 or 表1 第3行
    entry_formula: str | None = None
    task_cell: str | None = None  # the 主要任务 cell, e.g. 填报表!C7
    count: str | None = None  # an indicator form's 填报项 (what the number counts)


@dataclass(frozen=True)
class Form:
    """The fill-in table found in a returned file, plus what the file says about itself."""

    sheet: str
    header_row: int
    rows: tuple[FormRow, ...]
    identities: tuple[Identity, ...] = ()
    saved_at: datetime | None = None  # the document's own modified time
    application: str | None = None  # e.g. Microsoft Excel, WPS 表格, LibreOffice
    has_macros: bool = False
    kind: str = "xlsx"  # xlsx / xls / ods / docx


@dataclass(frozen=True)
class ReadResult:
    """What reading one returned file gave.

    ``role`` is ``Role.FORM`` (``form`` is set), ``Role.ATTACHMENT`` or
    ``Role.UNREADABLE`` (findings say why).  ``transient`` marks a result about
    this attempt rather than the file's content (a timeout, a crash, a file that
    could not be opened): reading it again may give another answer.
    """

    role: Role
    form: Form | None = None
    findings: tuple[Finding, ...] = ()
    material: Material | None = None  # an attachment, measured (words, pages, title)
    content: tuple[Passage | Picture | TableText, ...] | None = None  # read for the 汇编 only
    transient: bool = False


