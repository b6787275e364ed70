"""Findings: every problem the tool notices, as data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable


class Severity(str, Enum):
    ERROR = "error"  # blocks: the text is held back or the file could not be used
    WARNING = "warning"  # used, but someone should look
    INFO = "info"  # for the record

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        """0 for the most serious: sort by it to put errors first."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One problem, tied to where it was seen.

    ``code`` is stable kebab-case (see ``wbtool.findings.CODES``); ``message`` is the
    Chinese sentence for the user: what is wrong and what to do.  ``text`` carries
    the full text a unit typed whenever the finding holds that text back, so that
    nothing typed is ever lost.
    """

    code: str
    severity: Severity
    message: str
    unit: str | None = None
    task: int | None = None
    file: str | None = None  # the origin chain, e.g. 邮件.eml › 总结.zip › 附件2.xlsx
    cell: str | None = None  # e.g. 填报表!E7
    text: str | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "unit": self.unit,
            "task": self.task,
            "file": self.file,
            "cell": self.cell,
            "message": self.message,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, item: dict) -> Finding:
        """The finding ``as_dict`` gave (a record written by an earlier run)."""
        return cls(
            code=item["code"],
            severity=Severity(item["severity"]),
            message=item["message"],
            unit=item["unit"],
            task=item["task"],
            file=item["file"],
            cell=item["cell"],
            text=item["text"],
        )




def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks (exit code 1)."""
    return any(f.severity is Severity.ERROR for f in findings)
